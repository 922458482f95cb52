//! YAML and JSON documents as span-carrying node trees.
//!
//! Public API (other stages rely on it; keep it stable):
//! - [`load`]: one source file to its documents and the errors found while reading them.
//! - [`Document`], [`Tree`], [`NodeRef`]: read-only access to nodes with their spans.
//! - [`DuplicateKey`]: a mapping key assigned twice, listed per document (go-yaml's strict
//!   decoders refuse those; testdata/yaml/dupkeys holds their verdicts).

mod build;
mod chunk;
mod document;
mod draft;
mod error;
mod fast;
mod load;
mod mapping;
#[cfg(test)]
mod proptests;
mod scalar;
#[cfg(test)]
mod tests;
mod tree;

pub(crate) use document::{compress_set_aside, Document, Identity, SetAside, TextRange};
pub(crate) use error::YamlError;
pub use load::{load, load_retaining, Loaded};
pub(crate) use mapping::{DuplicateKey, KeyEntry};
pub use tree::{NodeId, NodeRef, Tree, Value};

/// Every document of `text`, which must parse without error: for unit tests.
#[cfg(test)]
pub(crate) fn documents_for_test(text: &str) -> Vec<Document> {
    let file = crate::source::SourceFile::new("t.yaml", text.as_bytes().to_vec());
    let (docs, errors) = load(0, &file);
    assert!(errors.is_empty(), "{errors:?}");
    docs
}
