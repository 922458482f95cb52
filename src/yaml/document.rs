//! A document: its tree (parsed again when let go), its objects and their identities.

use std::ops::Range;
use std::sync::{Arc, OnceLock};

use super::build::parse_chunk;
use super::draft::{DocDraft, Parsed};
use super::mapping::DuplicateKey;
use super::tree::{NodeId, NodeRef, Tree, Value};
use crate::source::{FileId, Span, Text};

/// Decides, for a document of one object, whether its tree can go: the object's
/// [`Identity`] when nothing but it will be read, `None` to keep the tree.
pub(crate) type SetAside = dyn Fn(NodeRef<'_>) -> Option<Identity> + Sync;

/// One Kubernetes object inside a document: the root, or an item of a `kind: List`/`*List`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct ObjectRoot<'d> {
    pub(crate) node: NodeId,
    /// The Helm `# Source: chart/templates/x.yaml` path that precedes it, if any (the
    /// root's is the document's).
    pub(crate) template: Option<&'d str>,
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
    pub(crate) index: usize,
    /// The whole document, from its first content byte to its end.
    pub(crate) span: Span,
    tree: OnceLock<Box<Tree>>,
    /// None for an empty document.
    pub(crate) root: Option<NodeId>,
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
pub(crate) struct TextRange {
    start: u32,
    end: u32,
}

impl TextRange {
    pub(crate) const NONE: TextRange = TextRange {
        start: u32::MAX,
        end: u32::MAX,
    };

    pub(crate) fn new(range: Range<usize>) -> Option<TextRange> {
        let start = u32::try_from(range.start).ok().filter(|&s| s != u32::MAX)?;
        Some(TextRange {
            start,
            end: u32::try_from(range.end).ok()?,
        })
    }

    pub(crate) fn get(self) -> Option<Range<usize>> {
        (self.start != u32::MAX).then_some(self.start as usize..self.end as usize)
    }
}

/// What identifies the object of a document that keeps no tree: byte ranges of the file's
/// text, each a string written as it reads. Filled by the caller of [`load_retaining`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Identity {
    pub(crate) api_version: TextRange,
    pub(crate) kind: TextRange,
    pub(crate) name: TextRange,
    pub(crate) namespace: TextRange,
    /// A flag of the caller's (the model's: the object was read from a cluster).
    pub(crate) live: bool,
    /// For a CustomResourceDefinition, the resource it defines (`spec.names.plural`)...
    pub(crate) resource: TextRange,
    /// ...and whether that resource is cluster-scoped.
    pub(crate) resource_cluster_scoped: bool,
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
pub(crate) fn compress_set_aside(documents: &mut [Document], text: &str) -> Option<Arc<Text>> {
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

pub(super) fn from_draft(draft: DocDraft) -> Document {
    let DocDraft {
        tree,
        root,
        span,
        mut sources,
        duplicate_keys,
    } = draft;
    sources.sort_by_key(|(at, _)| *at);
    let template = sources
        .first()
        .filter(|(at, _)| *at < span.start)
        .map(|(_, path)| Arc::from(path.as_str()));
    let mut doc = Document {
        index: 0,
        span,
        tree: OnceLock::from(Box::new(tree)),
        root: Some(root),
        root_is_object: false,
        extras: None,
        aside: None,
    };
    let items = list_items(&mut doc, &sources);
    if template.is_some() || !items.is_empty() || !duplicate_keys.is_empty() {
        doc.extras = Some(Box::new(Extras {
            template,
            items: items.into_boxed_slice(),
            duplicate_keys: duplicate_keys.into_boxed_slice(),
        }));
    }
    doc
}

/// Each mapping item of a `*List` with an `items` sequence; for anything else none, and
/// `root_is_object` tells whether the root is the one object.
fn list_items(doc: &mut Document, sources: &[(usize, String)]) -> Vec<ListItem> {
    let Some(root) = doc.root().filter(NodeRef::is_map) else {
        return Vec::new();
    };
    let is_list = root
        .get("kind")
        .and_then(|k| k.as_str())
        .is_some_and(|k| k.ends_with("List"));
    let items = root.entry("items").filter(|(_, v)| v.is_seq());
    let (true, Some((items_key, items))) = (is_list, items) else {
        doc.root_is_object = true;
        return Vec::new();
    };
    let mut boundary = items_key.span().end;
    let mut objects = Vec::new();
    for item in items.items() {
        let span = item.span();
        if matches!(item.value(), Value::Map(_)) {
            objects.push(ListItem {
                node: item.id,
                template: source_between(sources, boundary, span.start),
            });
        }
        boundary = boundary.max(span.end);
    }
    objects
}

/// The last `# Source:` comment in `[from, to)`; `sources` is sorted by offset.
fn source_between(sources: &[(usize, String)], from: usize, to: usize) -> Option<Arc<str>> {
    let end = sources.partition_point(|(at, _)| *at < to);
    sources[..end]
        .last()
        .filter(|(at, _)| *at >= from)
        .map(|(_, path)| Arc::from(path.as_str()))
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

impl Document {
    /// The file the document is in.
    pub(crate) fn file(&self) -> FileId {
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
        let parsed = parse_chunk(file, source, chunk);
        match parsed.into_iter().nth(aside.position as usize) {
            Some(Parsed::Doc(draft)) => draft.tree,
            _ => Tree::new(file, source),
        }
    }

    /// Lets the tree go when the document is one object and `decide` gives its identity.
    pub(super) fn set_aside_if(
        &mut self,
        decide: &SetAside,
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
    pub(crate) fn template(&self) -> Option<&Arc<str>> {
        self.extras.as_ref()?.template.as_ref()
    }

    /// Keys assigned twice in a mapping, in the order go-yaml meets them.
    pub(crate) fn duplicate_keys(&self) -> &[DuplicateKey] {
        self.extras.as_ref().map_or(&[], |e| &e.duplicate_keys)
    }

    /// [`Document::objects`] as a list, for tests.
    #[cfg(test)]
    pub(crate) fn object_list(&self) -> Vec<ObjectRoot<'_>> {
        self.objects().collect()
    }

    /// The objects it holds: the root, or the flattened items of a List.
    pub(crate) fn objects(&self) -> impl Iterator<Item = ObjectRoot<'_>> + '_ {
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
    pub(crate) fn identity_text(&self, range: TextRange) -> Option<&str> {
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
