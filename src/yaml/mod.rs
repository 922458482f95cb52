//! YAML and JSON documents as span-carrying node trees.
//!
//! Public API (other stages rely on it; keep it stable):
//! - [`load`]: one source file to its documents and the errors found while reading them.
//! - [`Document`], [`Tree`], [`NodeRef`]: read-only access to nodes with their spans.
//! - [`DuplicateKey`]: a mapping key assigned twice, listed per document (go-yaml's strict
//!   decoders refuse those; testdata/yaml/dupkeys holds their verdicts).

mod build;
mod chunk;

mod fast;
mod load;
mod mapping;
#[cfg(test)]
mod proptests;
mod scalar;
#[cfg(test)]
mod tests;
mod tree;

pub use load::{load, load_retaining, Loaded, SetAside};
pub use tree::Tree;

/// Every document of `text`, which must parse without error: for unit tests.
#[cfg(test)]
pub(crate) fn documents_for_test(text: &str) -> Vec<Document> {
    let file = crate::source::SourceFile::new("t.yaml", text.as_bytes().to_vec());
    let (docs, errors) = load(0, &file);
    assert!(errors.is_empty(), "{errors:?}");
    docs
}

use std::ops::Range;
use std::sync::{Arc, OnceLock};

use crate::source::{FileId, Span, Text};

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
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ObjectRoot<'d> {
    pub node: NodeId,
    /// The Helm `# Source: chart/templates/x.yaml` path that precedes it, if any (the
    /// root's is the document's).
    pub template: Option<&'d str>,
}

/// An item of a List, as kept.
#[derive(Clone, Debug)]
struct ListItem {
    node: NodeId,
    template: Option<Arc<str>>,
}

/// Tens of thousands are kept for a whole run, a million for a stream of small documents:
/// what most documents lack (a template, List items, keys set twice) is kept apart, and
/// a document whose content no stage reads (a plain ConfigMap, say) lets its tree go once
/// parsed, keeping only its [`Identity`]; [`Document::tree`] parses it again if asked.
#[derive(Debug)]
pub struct Document {
    /// 0-based position of the document in its stream.
    pub index: usize,
    /// The whole document, from its first content byte to its end.
    pub span: Span,
    tree: OnceLock<Box<Tree>>,
    /// None for an empty document.
    pub root: Option<NodeId>,
    /// The root is the document's one object (not a List, not a scalar).
    root_is_object: bool,
    extras: Option<Box<Extras>>,
    /// Set when the tree was let go.
    aside: Option<Aside>,
}

#[derive(Clone, Debug, Default)]
struct Extras {
    /// The `# Source:` comment of the document as a whole.
    template: Option<Arc<str>>,
    /// The objects of a List.
    items: Box<[ListItem]>,
    /// Keys assigned twice in a mapping, in the order go-yaml meets them.
    duplicate_keys: Box<[DuplicateKey]>,
}

/// A byte range of a file's text, `start == u32::MAX` for none.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct TextRange {
    start: u32,
    end: u32,
}

impl TextRange {
    pub const NONE: TextRange = TextRange {
        start: u32::MAX,
        end: u32::MAX,
    };

    pub fn new(range: Range<usize>) -> Option<TextRange> {
        let start = u32::try_from(range.start).ok().filter(|&s| s != u32::MAX)?;
        Some(TextRange {
            start,
            end: u32::try_from(range.end).ok()?,
        })
    }

    pub fn get(self) -> Option<Range<usize>> {
        (self.start != u32::MAX).then_some(self.start as usize..self.end as usize)
    }
}

/// What identifies the object of a document that keeps no tree: byte ranges of the file's
/// text, each a string written as it reads. Filled by the caller of [`load_retaining`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Identity {
    pub api_version: TextRange,
    pub kind: TextRange,
    pub name: TextRange,
    pub namespace: TextRange,
    /// A flag of the caller's (the model's: the object was read from a cluster).
    pub live: bool,
    /// For a CustomResourceDefinition, the resource it defines (`spec.names.plural`)...
    pub resource: TextRange,
    /// ...and whether that resource is cluster-scoped.
    pub resource_cluster_scoped: bool,
}

impl Identity {
    /// Its ranges, in a fixed order.
    fn ranges(&self) -> [TextRange; 5] {
        [
            self.api_version,
            self.kind,
            self.name,
            self.namespace,
            self.resource,
        ]
    }
}

/// For a file whose every document let its tree go: its text compressed, with the strings
/// of the documents' identities copied beside it, and the documents pointed at it. `None`
/// (nothing changed) when some document keeps its tree, or there is none.
pub fn compress_set_aside(documents: &mut [Document], text: &str) -> Option<Arc<Text>> {
    if documents.is_empty() || documents.iter().any(|d| d.aside.is_none()) {
        return None;
    }
    let mut identities = String::new();
    let mut starts = Vec::with_capacity(documents.len());
    for document in documents.iter() {
        let aside = document.aside.as_ref()?;
        starts.push(u32::try_from(identities.len()).ok()?);
        for range in aside.identity.ranges() {
            if let Some(range) = range.get() {
                identities.push_str(text.get(range)?);
            }
        }
    }
    let compressed = Arc::new(Text::compressed(text, identities));
    for (document, start) in documents.iter_mut().zip(starts) {
        if let Some(aside) = &mut document.aside {
            aside.source = Arc::clone(&compressed);
            aside.identity_start = start;
        }
    }
    Some(compressed)
}

/// A document without its tree: its identity, and where to parse it again.
#[derive(Debug)]
struct Aside {
    source: Arc<Text>,
    chunk: TextRange,
    /// Its position among what the chunk parses to.
    position: u32,
    /// Where its identity's strings start in a compressed text's copy of them
    /// ([`compress_set_aside`]).
    identity_start: u32,
    identity: Identity,
}

impl Clone for Document {
    fn clone(&self) -> Self {
        Document {
            index: self.index,
            span: self.span,
            tree: OnceLock::from(Box::new(self.tree().clone())),
            root: self.root,
            root_is_object: self.root_is_object,
            extras: self.extras.clone(),
            aside: None,
        }
    }
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
        self.span.file
    }

    /// The document's nodes, parsed again from its text if they were let go.
    pub fn tree(&self) -> &Tree {
        self.tree.get_or_init(|| Box::new(self.parse_again()))
    }

    fn parse_again(&self) -> Tree {
        let file = self.file();
        let Some(aside) = &self.aside else {
            return Tree::new(file, &Arc::default());
        };
        let chunk = aside.chunk.get().unwrap_or_default();
        let source = aside.source.shared();
        let parsed = build::parse_chunk(file, source, chunk);
        match parsed.into_iter().nth(aside.position as usize) {
            Some(build::Parsed::Doc(draft)) => draft.tree,
            _ => Tree::new(file, source),
        }
    }

    /// Lets the tree go when the document is one object and `decide` gives its identity.
    pub(super) fn set_aside_if(
        &mut self,
        decide: &load::SetAside,
        source: &Arc<Text>,
        chunk: &Range<usize>,
        position: usize,
    ) {
        let Some(root) = self.root else { return };
        if !self.root_is_object || !self.duplicate_keys().is_empty() {
            return;
        }
        let Some(identity) = decide(self.node(root)) else {
            return;
        };
        let (Some(chunk), Ok(position)) = (TextRange::new(chunk.clone()), u32::try_from(position))
        else {
            return;
        };
        self.aside = Some(Aside {
            source: Arc::clone(source),
            chunk,
            position,
            identity_start: 0,
            identity,
        });
        self.tree = OnceLock::new();
    }

    /// The `# Source:` comment of the document as a whole.
    pub fn template(&self) -> Option<&Arc<str>> {
        self.extras.as_ref()?.template.as_ref()
    }

    /// Keys assigned twice in a mapping, in the order go-yaml meets them.
    pub fn duplicate_keys(&self) -> &[DuplicateKey] {
        self.extras.as_ref().map_or(&[], |e| &e.duplicate_keys)
    }

    /// [`Document::objects`] as a list, for tests.
    #[cfg(test)]
    pub(crate) fn object_list(&self) -> Vec<ObjectRoot<'_>> {
        self.objects().collect()
    }

    /// The objects it holds: the root, or the flattened items of a List.
    pub fn objects(&self) -> impl Iterator<Item = ObjectRoot<'_>> + '_ {
        let lone = (self.root.filter(|_| self.root_is_object)).map(|node| ObjectRoot {
            node,
            template: self.template().map(|t| &**t),
        });
        let items = self.extras.as_ref().map_or(&[][..], |e| &e.items);
        lone.into_iter().chain(items.iter().map(|item| ObjectRoot {
            node: item.node,
            template: item.template.as_deref(),
        }))
    }

    /// The identity of a document that let its tree go ([`load_retaining`]): one object,
    /// a mapping, the document's root.
    pub fn identity(&self) -> Option<&Identity> {
        self.aside.as_ref().map(|aside| &aside.identity)
    }

    /// The string of one of [`Document::identity`]'s ranges, without decompressing a
    /// compressed text.
    pub fn identity_text(&self, range: TextRange) -> Option<&str> {
        let aside = self.aside.as_ref()?;
        let wanted = range.get()?;
        let Some(copied) = aside.source.identities() else {
            return aside.source.get(wanted);
        };
        // The strings are copied one after another, in `Identity::ranges` order.
        let mut at = aside.identity_start as usize;
        for field in aside.identity.ranges() {
            let Some(field) = field.get() else { continue };
            if field == wanted {
                return copied.get(at..at + field.len());
            }
            at += field.len();
        }
        None
    }

    /// Whether the tree is held (parsed and kept, or parsed again since).
    pub fn holds_tree(&self) -> bool {
        self.tree.get().is_some()
    }

    pub fn node(&self, id: NodeId) -> NodeRef<'_> {
        NodeRef {
            tree: self.tree(),
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
                .find(|(k, _)| self.tree.is_str(*k, key))
                .map(|(k, v)| (self.at(*k), self.at(*v))),
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
