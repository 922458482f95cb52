//! YAML and JSON documents as span-carrying node trees.
//!
//! Public API (other stages rely on it; keep it stable):
//! - [`load`]: one source file to its documents and the errors found while reading them.
//! - [`Document`], [`Tree`], [`NodeRef`]: read-only access to nodes with their spans.
//! - [`DuplicateKey`]: a mapping key assigned twice, listed per document (go-yaml's strict
//!   decoders refuse those; testdata/yaml/dupkeys holds their verdicts).

mod build;
mod chunk;

pub use chunk::implicit_document_starts;
mod fast;
mod load;
mod mapping;
#[cfg(test)]
mod proptests;
mod scalar;
#[cfg(test)]
mod tests;
mod tree;

pub use load::{load, load_reporting};
pub use tree::Tree;

/// Every document of `text`, which must parse without error: for unit tests.
#[cfg(test)]
pub(crate) fn documents_for_test(text: &str) -> Vec<Document> {
    let file = crate::source::SourceFile::new("t.yaml", text.as_bytes().to_vec());
    let (docs, errors) = load(0, &file);
    assert!(errors.is_empty(), "{errors:?}");
    docs
}

use std::sync::Arc;

use crate::source::{FileId, Span};

pub type NodeId = u32;

/// A node's value, scalars resolved the way Kubernetes reads YAML (go-yaml, YAML 1.1).
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Value<'a> {
    Null,
    Bool(bool),
    Int(i64),
    Float(f64),
    Str(&'a str),
    Seq(&'a [NodeId]),
    /// Entries in source order, merge keys (`<<`) already applied.
    Map(&'a [(NodeId, NodeId)]),
}

/// One Kubernetes object inside a document: the root, or an item of a `kind: List`/`*List`.
#[derive(Clone, Debug)]
pub struct ObjectRoot {
    pub node: NodeId,
    /// The Helm `# Source: chart/templates/x.yaml` path that precedes it, if any (the
    /// root's is the document's, shared).
    pub template: Option<Arc<str>>,
}

/// Tens of thousands are kept for a whole run, a million for a stream of small documents:
/// no field repeats another, and the lists are boxed slices, allocated only when not empty.
#[derive(Clone, Debug)]
pub struct Document {
    /// 0-based position of the document in its stream.
    pub index: usize,
    /// The whole document, from its first content byte to its end.
    pub span: Span,
    pub tree: Tree,
    /// None for an empty document.
    pub root: Option<NodeId>,
    /// The `# Source:` comment of the document as a whole.
    pub template: Option<Arc<str>>,
    /// The objects it holds: the root, or the flattened items of a List.
    pub objects: Box<[ObjectRoot]>,
    /// Keys assigned twice in a mapping, in the order go-yaml meets them.
    pub duplicate_keys: Box<[DuplicateKey]>,
}

/// One assignment of a mapping key, as go-yaml makes it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct KeyEntry {
    pub key: NodeId,
    pub value: NodeId,
    /// The `<<` key of the mapping that merged this entry in from another mapping.
    pub merged_by: Option<NodeId>,
}

/// A mapping key assigned twice (written twice, or also brought in by a `<<` merge).
/// go-yaml's lenient decoders keep the last value; the strict ones (`UnmarshalStrict`,
/// sigs.k8s.io/yaml's `YAMLToJSONStrict`) refuse the document: `key "x" already set in map`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct DuplicateKey {
    /// The mapping both assignments are in.
    pub map: NodeId,
    /// The first assignment of the key.
    pub first: KeyEntry,
    /// A later one (go-yaml's error line is its value's).
    pub again: KeyEntry,
}

/// A document (or part of one) that could not be read. `span` points at the fault.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct YamlError {
    pub span: Span,
    pub message: String,
}

impl Document {
    /// The file the document is in.
    pub fn file(&self) -> FileId {
        self.tree.file
    }

    pub fn node(&self, id: NodeId) -> NodeRef<'_> {
        NodeRef {
            tree: &self.tree,
            id,
        }
    }

    pub fn root(&self) -> Option<NodeRef<'_>> {
        self.root.map(|id| self.node(id))
    }
}

/// A cursor on a node.
#[derive(Clone, Copy, Debug)]
pub struct NodeRef<'a> {
    pub tree: &'a Tree,
    pub id: NodeId,
}

impl<'a> NodeRef<'a> {
    pub fn value(&self) -> Value<'a> {
        self.tree.value(self.id)
    }

    pub fn span(&self) -> Span {
        self.tree.span(self.id)
    }

    fn at(&self, id: NodeId) -> NodeRef<'a> {
        NodeRef {
            tree: self.tree,
            id,
        }
    }

    /// The entry for a string key of a mapping (the last one if duplicated), as (key, value).
    pub fn entry(&self, key: &str) -> Option<(NodeRef<'a>, NodeRef<'a>)> {
        match self.value() {
            Value::Map(entries) => entries
                .iter()
                .rev()
                .map(|(k, v)| (self.at(*k), self.at(*v)))
                .find(|(k, _)| k.as_str() == Some(key)),
            _ => None,
        }
    }

    /// The value for a string key of a mapping.
    pub fn get(&self, key: &str) -> Option<NodeRef<'a>> {
        self.entry(key).map(|(_, v)| v)
    }

    /// Follows a path of mapping keys.
    pub fn path(&self, keys: &[&str]) -> Option<NodeRef<'a>> {
        keys.iter().try_fold(*self, |node, key| node.get(key))
    }

    pub fn as_str(&self) -> Option<&'a str> {
        match self.value() {
            Value::Str(s) => Some(s),
            _ => None,
        }
    }

    pub fn as_i64(&self) -> Option<i64> {
        match self.value() {
            Value::Int(i) => Some(i),
            _ => None,
        }
    }

    pub fn as_bool(&self) -> Option<bool> {
        match self.value() {
            Value::Bool(b) => Some(b),
            _ => None,
        }
    }

    pub fn is_null(&self) -> bool {
        matches!(self.value(), Value::Null)
    }

    pub fn is_map(&self) -> bool {
        matches!(self.value(), Value::Map(_))
    }

    pub fn is_seq(&self) -> bool {
        matches!(self.value(), Value::Seq(_))
    }

    /// Items of a sequence (empty for anything else).
    pub fn items(&self) -> impl Iterator<Item = NodeRef<'a>> + 'a {
        let tree = self.tree;
        let ids: &'a [NodeId] = match self.value() {
            Value::Seq(ids) => ids,
            _ => &[],
        };
        ids.iter().map(move |id| NodeRef { tree, id: *id })
    }

    /// Entries of a mapping (empty for anything else), as go-yaml keeps them: an entry
    /// whose key a later entry sets again is left out.
    pub fn entries(&self) -> impl Iterator<Item = (NodeRef<'a>, NodeRef<'a>)> + 'a {
        let tree = self.tree;
        let map = self.id;
        let entries: &'a [(NodeId, NodeId)] = match self.value() {
            Value::Map(entries) => entries,
            _ => &[],
        };
        let overridden = &tree.overridden;
        entries
            .iter()
            .enumerate()
            .filter(move |(i, _)| {
                overridden.is_empty() || overridden.binary_search(&(map, *i as u32)).is_err()
            })
            .map(move |(_, (k, v))| (NodeRef { tree, id: *k }, NodeRef { tree, id: *v }))
    }

    /// Every entry of a mapping as written, keys set twice included (empty for anything
    /// else); merge keys are applied.
    pub fn all_entries(&self) -> impl Iterator<Item = (NodeRef<'a>, NodeRef<'a>)> + 'a {
        let tree = self.tree;
        let entries: &'a [(NodeId, NodeId)] = match self.value() {
            Value::Map(entries) => entries,
            _ => &[],
        };
        entries
            .iter()
            .map(move |(k, v)| (NodeRef { tree, id: *k }, NodeRef { tree, id: *v }))
    }

    /// A short rendering of a scalar for messages (`true`, `443`, `name`); `None` for collections.
    pub fn scalar_text(&self) -> Option<String> {
        match self.value() {
            Value::Null => Some("null".into()),
            Value::Bool(b) => Some(b.to_string()),
            Value::Int(i) => Some(i.to_string()),
            Value::Float(f) => Some(f.to_string()),
            Value::Str(s) => Some(s.to_string()),
            Value::Seq(_) | Value::Map(_) => None,
        }
    }
}
