//! The trust graph (`speclint graph`, and the failing endpoints of `--format markdown`):
//! built once from the resolved model, drawn as Mermaid, Graphviz DOT or SVG.

mod build;
pub mod dot;
pub mod mermaid;
mod nodes;
pub mod svg;

pub(crate) use build::build;
pub use nodes::{Edge, EndpointPath, Graph, Node, NodeKind, Status};
