//! Rendering diagnostics: rustc-style human output, JSON, and CI formats (concise,
//! GitHub annotations, JUnit XML, SARIF, Markdown).

pub mod concise;
mod excerpt;
pub mod github;
pub mod graph;
pub mod human;
pub(crate) mod inventory;
pub mod json;
pub mod junit;
pub mod markdown;
pub(crate) mod not_checked;
mod redact;
pub mod sarif;
mod summary;
mod template;

pub(crate) use redact::{secret_spans, Redactions};
pub(crate) use summary::{Scope, Summary};
