//! A document's nodes in four arenas: 24-byte nodes, the text of the string scalars that
//! differ from their source text back to back, and the items and entries of every
//! collection as contiguous slices. A string scalar written as it reads (most plain
//! scalars and keys, quoted ones without escapes) points into the file's text instead,
//! which the tree shares. Tens of thousands of documents are kept for a whole run; a node
//! per allocation cost 6.5× the input (issue 12).

use std::fmt;
use std::ops::Range;
use std::sync::Arc;

use super::scalar::Scalar;
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

/// All nodes of one document. Aliases are shared node ids, never copies.
#[derive(Clone)]
pub struct Tree {
    pub(crate) file: FileId,
    /// The whole text of the file, which [`Payload::Source`] strings are ranges of.
    source: Arc<String>,
    nodes: Vec<Node>,
    children: Vec<NodeId>,
    entries: Vec<(NodeId, NodeId)>,
    /// Entries a later entry of the same mapping sets again, as (mapping, entry index),
    /// sorted: go-yaml keeps only the last, and so does [`NodeRef::entries`].
    pub(crate) overridden: Vec<(NodeId, u32)>,
    /// What few documents have, apart: a run keeps tens of thousands of trees.
    rare: Option<Box<Rare>>,
}

#[derive(Clone, Debug, Default)]
struct Rare {
    /// Strings that are not the file's text as written (escaped, folded).
    strings: String,
    /// (node, end) of the nodes 256 MiB long or longer.
    long_ends: Vec<(NodeId, u32)>,
    /// Payloads that do not fit in a node ([`Node`]).
    wide: Vec<Payload>,
}

impl fmt::Debug for Tree {
    /// Everything but the file's text.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Tree")
            .field("file", &self.file)
            .field("nodes", &self.nodes)
            .field("children", &self.children)
            .field("entries", &self.entries)
            .field("overridden", &self.overridden)
            .field("rare", &self.rare)
            .finish()
    }
}

/// 12 bytes: the start, the length with the payload's kind in its top 4 bits, and 32 bits
/// of payload. Byte offsets are u32 (`load` refuses text of 4 GiB or more); a node
/// 256 MiB long or longer keeps its end in [`Rare::long_ends`]. What does not fit in 32
/// bits (a float, a large integer, an escaped string, a collection of 256 items or more)
/// is in [`Rare::wide`]: most nodes of a manifest are short plain strings and small maps.
#[derive(Clone, Copy, Debug)]
pub(super) struct Node {
    start: u32,
    length_and_kind: u32,
    data: u32,
}

const _: () = assert!(std::mem::size_of::<Node>() == 12);

const KIND_SHIFT: u32 = 28;
/// A length this large or larger is in `long_ends`.
const LONG: u32 = (1 << KIND_SHIFT) - 1;

// The kinds of payload a node holds itself, and `WIDE`, an index into `Rare::wide`.
const NULL: u32 = 0;
const BOOL: u32 = 1;
/// An integer that fits in 32 bits.
const INT: u32 = 2;
/// A string that is the text from `start + data >> 24`, `data & LOW` bytes long.
const SOURCE: u32 = 3;
/// `data >> 24` items from `data & LOW` on.
const SEQ: u32 = 4;
const MAP: u32 = 5;
const WIDE: u32 = 6;
/// The low 24 bits of `data`.
const LOW: u32 = (1 << 24) - 1;

impl Node {
    const MISSING: Node = Node {
        start: 0,
        length_and_kind: 0,
        data: 0,
    };

    fn kind(self) -> u32 {
        self.length_and_kind >> KIND_SHIFT
    }

    fn length(self) -> u32 {
        self.length_and_kind & LONG
    }
}

/// `high` in the top 8 bits over `low` in the other 24, when both fit.
fn pack(high: u32, low: u32) -> Option<u32> {
    (high <= 0xFF && low <= LOW).then_some(high << 24 | low)
}

/// A node's value; strings and collections are slices of the tree's arenas.
#[derive(Clone, Copy, Debug)]
pub(super) enum Payload {
    Null,
    Bool(bool),
    Int(i64),
    Float(f64),
    /// A string in the `strings` arena.
    Str(Slice),
    /// A string that is this byte range of the file's text.
    Source(Slice),
    Seq(Slice),
    Map(Slice),
}

#[derive(Clone, Copy, Debug)]
pub(super) struct Slice {
    offset: u32,
    len: u32,
}

impl Slice {
    /// `None` when the arena has grown past what u32 offsets reach.
    fn of(range: Range<usize>) -> Option<Slice> {
        Some(Slice {
            offset: u32::try_from(range.start).ok()?,
            len: u32::try_from(range.len()).ok()?,
        })
    }

    fn range(self) -> Range<usize> {
        let start = self.offset as usize;
        start..start + self.len as usize
    }
}

impl Tree {
    /// How many nodes the document holds; ids run from 0 to `len() - 1`.
    pub(crate) fn len(&self) -> usize {
        self.nodes.len()
    }

    pub fn node(&self, id: NodeId) -> NodeRef<'_> {
        NodeRef { tree: self, id }
    }

    /// A node of `payload`, keeping what does not fit in `wide`.
    fn encode(&mut self, payload: Payload, start: u32, length: u32) -> Node {
        let inline = match payload {
            Payload::Null => Some((NULL, 0)),
            Payload::Bool(b) => Some((BOOL, u32::from(b))),
            Payload::Int(i) => i32::try_from(i).ok().map(|i| (INT, i as u32)),
            Payload::Source(s) => (s.offset.checked_sub(start))
                .and_then(|delta| pack(delta, s.len))
                .map(|data| (SOURCE, data)),
            Payload::Seq(s) => pack(s.len, s.offset).map(|data| (SEQ, data)),
            Payload::Map(s) => pack(s.len, s.offset).map(|data| (MAP, data)),
            Payload::Float(_) | Payload::Str(_) => None,
        };
        let (kind, data) = inline.unwrap_or_else(|| {
            let wide = &mut self.rare_mut().wide;
            wide.push(payload);
            (WIDE, (wide.len() - 1) as u32)
        });
        Node {
            start,
            length_and_kind: kind << KIND_SHIFT | length.min(LONG),
            data,
        }
    }

    fn payload(&self, node: Node) -> Payload {
        let data = node.data;
        let low = data & LOW;
        match node.kind() {
            NULL => Payload::Null,
            BOOL => Payload::Bool(data != 0),
            INT => Payload::Int(i64::from(data as i32)),
            SOURCE => Payload::Source(Slice {
                offset: node.start.saturating_add(data >> 24),
                len: low,
            }),
            SEQ => Payload::Seq(Slice {
                offset: low,
                len: data >> 24,
            }),
            MAP => Payload::Map(Slice {
                offset: low,
                len: data >> 24,
            }),
            _ => (self.rare.as_ref())
                .and_then(|rare| rare.wide.get(data as usize).copied())
                .unwrap_or(Payload::Null),
        }
    }

    /// Every node, in id order.
    pub(crate) fn nodes(&self) -> impl Iterator<Item = NodeRef<'_>> + '_ {
        (0..self.nodes.len() as NodeId).map(move |id| self.node(id))
    }

    /// A node of the tree; an id past its end (only a tree parsed again differently could
    /// give one, and parsing is deterministic) reads as an empty null at 0.
    fn at(&self, id: NodeId) -> Node {
        self.nodes
            .get(id as usize)
            .copied()
            .unwrap_or(Node::MISSING)
    }

    fn end(&self, id: NodeId, node: Node) -> u32 {
        if node.length() < LONG {
            return node.start + node.length();
        }
        (self.rare.iter())
            .flat_map(|rare| &rare.long_ends)
            .find(|(long, _)| *long == id)
            .map_or(node.start + LONG, |(_, end)| *end)
    }

    pub fn value(&self, id: NodeId) -> Value<'_> {
        match self.payload(self.at(id)) {
            Payload::Null => Value::Null,
            Payload::Bool(b) => Value::Bool(b),
            Payload::Int(i) => Value::Int(i),
            Payload::Float(f) => Value::Float(f),
            Payload::Str(s) => Value::Str(self.strings().get(s.range()).unwrap_or("")),
            Payload::Source(s) => Value::Str(&self.source[s.range()]),
            Payload::Seq(s) => Value::Seq(&self.children[s.range()]),
            Payload::Map(s) => Value::Map(&self.entries[s.range()]),
        }
    }

    /// Whether node `id` is the string `text`: what looking a key up asks of every key, so
    /// it compares lengths, then bytes, without making a `&str` of each.
    pub fn is_str(&self, id: NodeId, text: &str) -> bool {
        let (arena, slice) = match self.payload(self.at(id)) {
            Payload::Source(slice) => (self.source.as_bytes(), slice),
            Payload::Str(slice) => (self.strings().as_bytes(), slice),
            _ => return false,
        };
        slice.len as usize == text.len() && arena.get(slice.range()) == Some(text.as_bytes())
    }

    /// The byte range of the file's text that a string node is, when it is written as it
    /// reads (not escaped, not folded).
    pub fn source_range(&self, id: NodeId) -> Option<Range<usize>> {
        match self.payload(self.at(id)) {
            Payload::Source(s) => Some(s.range()),
            _ => None,
        }
    }

    /// Bytes of string text the tree holds itself, not in the file's text.
    #[cfg(test)]
    pub(super) fn copied_text_len(&self) -> usize {
        self.strings().len()
    }

    pub fn span(&self, id: NodeId) -> Span {
        let node = self.at(id);
        let end = self.end(id, node);
        Span::new(self.file, node.start as usize, end as usize)
    }

    // ---- building, for the parsers of this module ----

    /// An empty tree for a document of `file`, whose whole text is `source`.
    pub(super) fn new(file: FileId, source: &Arc<String>) -> Tree {
        Tree {
            file,
            source: Arc::clone(source),
            nodes: Vec::new(),
            children: Vec::new(),
            entries: Vec::new(),
            overridden: Vec::new(),
            rare: None,
        }
    }

    /// Takes the tree built so far, leaving an empty one for the same file.
    pub(super) fn take(&mut self) -> Tree {
        let empty = Tree::new(self.file, &self.source);
        std::mem::replace(self, empty)
    }

    pub(super) fn reserve(&mut self, nodes: usize) {
        self.nodes.reserve(nodes);
    }

    fn rare_mut(&mut self) -> &mut Rare {
        self.rare.get_or_insert_with(Box::default)
    }

    fn strings(&self) -> &str {
        self.rare.as_ref().map_or("", |rare| &rare.strings)
    }

    pub(super) fn push(&mut self, payload: Payload, start: usize, end: usize) -> NodeId {
        let id = self.nodes.len() as NodeId;
        let length = self.set_end(id, start, end);
        let node = self.encode(payload, start as u32, length);
        self.nodes.push(node);
        id
    }

    /// The length to store for a node at `start..end`, keeping the end apart when long.
    fn set_end(&mut self, id: NodeId, start: usize, end: usize) -> u32 {
        let length = end.saturating_sub(start) as u32;
        if let Some(rare) = &mut self.rare {
            rare.long_ends.retain(|(long, _)| *long != id);
        }
        if length >= LONG {
            self.rare_mut().long_ends.push((id, end as u32));
        }
        length
    }

    /// Where the next string scalar's text starts; append to [`Tree::text_mut`], then seal it
    /// with [`Tree::str_since`].
    pub(super) fn text_len(&self) -> usize {
        self.strings().len()
    }

    pub(super) fn text_mut(&mut self) -> &mut String {
        &mut self.rare_mut().strings
    }

    pub(super) fn truncate_text(&mut self, mark: usize) {
        if let Some(rare) = &mut self.rare {
            rare.strings.truncate(mark);
        }
    }

    /// The string written since `mark`; `None` past 4 GiB of strings.
    pub(super) fn str_since(&self, mark: usize) -> Option<Payload> {
        Slice::of(mark..self.strings().len()).map(Payload::Str)
    }

    pub(super) fn push_str(&mut self, text: &str) -> Option<Payload> {
        let strings = &mut self.rare_mut().strings;
        let mark = strings.len();
        strings.push_str(text);
        self.str_since(mark)
    }

    /// The string that is `range` of the file's text, which must lie on character
    /// boundaries; `None` past 4 GiB.
    pub(super) fn source_str(&self, range: Range<usize>) -> Option<Payload> {
        debug_assert!(self.source.get(range.clone()).is_some());
        Slice::of(range).map(Payload::Source)
    }

    /// A resolved scalar whose text is `text`.
    pub(super) fn scalar(&mut self, scalar: Scalar, text: &str) -> Option<Payload> {
        Some(match scalar {
            Scalar::Null => Payload::Null,
            Scalar::Bool(b) => Payload::Bool(b),
            Scalar::Int(i) => Payload::Int(i),
            Scalar::Float(f) => Payload::Float(f),
            Scalar::Str => return self.push_str(text),
        })
    }

    /// A resolved scalar whose text is `range` of the file's text (on character boundaries):
    /// a string is that range, not a copy.
    pub(super) fn scalar_at(&mut self, scalar: Scalar, range: Range<usize>) -> Option<Payload> {
        match scalar {
            Scalar::Str => self.source_str(range),
            Scalar::Null => Some(Payload::Null),
            Scalar::Bool(b) => Some(Payload::Bool(b)),
            Scalar::Int(i) => Some(Payload::Int(i)),
            Scalar::Float(f) => Some(Payload::Float(f)),
        }
    }

    /// Makes `id` the sequence of `items`, ending at `end`; `None` past 2^32 items.
    pub(super) fn close_seq(&mut self, id: NodeId, items: &[NodeId], end: usize) -> Option<()> {
        let start = self.children.len();
        self.children.extend_from_slice(items);
        let slice = Slice::of(start..self.children.len())?;
        self.close(id, Payload::Seq(slice), end);
        Some(())
    }

    /// Where the next mapping's entries start; append with [`Tree::push_entries`], close
    /// with [`Tree::close_map`].
    pub(super) fn entries_len(&self) -> usize {
        self.entries.len()
    }

    /// Appends `flat` (key, value, key, value, …) as entries.
    pub(super) fn push_entries(&mut self, flat: &[NodeId]) {
        self.entries
            .extend(flat.chunks_exact(2).map(|kv| (kv[0], kv[1])));
    }

    pub(super) fn entries_since(&self, mark: usize) -> &[(NodeId, NodeId)] {
        &self.entries[mark..]
    }

    /// Puts `entries` in place of those appended since `mark` (merge keys applied).
    pub(super) fn replace_entries(&mut self, mark: usize, entries: &[(NodeId, NodeId)]) {
        self.entries.truncate(mark);
        self.entries.extend_from_slice(entries);
    }

    /// Makes `id` the mapping of the entries appended since `mark`, ending at `end`;
    /// `None` past 2^32 entries.
    pub(super) fn close_map(&mut self, id: NodeId, mark: usize, end: usize) -> Option<()> {
        let slice = Slice::of(mark..self.entries.len())?;
        self.close(id, Payload::Map(slice), end);
        Some(())
    }

    fn close(&mut self, id: NodeId, payload: Payload, end: usize) {
        let Some(&node) = self.nodes.get(id as usize) else {
            return;
        };
        let length = self.set_end(id, node.start as usize, end);
        self.nodes[id as usize] = self.encode(payload, node.start, length);
    }

    /// The document is complete: sort `overridden` and give back the arenas' slack, which
    /// would otherwise stay allocated for the whole run.
    pub(super) fn finish(&mut self) {
        self.overridden.sort_unstable();
        self.nodes.shrink_to_fit();
        self.children.shrink_to_fit();
        self.entries.shrink_to_fit();
        self.overridden.shrink_to_fit();
        if let Some(rare) = &mut self.rare {
            rare.strings.shrink_to_fit();
            rare.long_ends.shrink_to_fit();
            rare.wide.shrink_to_fit();
        }
    }
}

/// A cursor on a node.
#[derive(Clone, Copy, Debug)]
pub struct NodeRef<'a> {
    pub(crate) tree: &'a Tree,
    pub(crate) id: NodeId,
}

impl<'a> NodeRef<'a> {
    pub fn value(&self) -> Value<'a> {
        self.tree.value(self.id)
    }

    pub(crate) fn span(&self) -> Span {
        self.tree.span(self.id)
    }

    fn at(&self, id: NodeId) -> NodeRef<'a> {
        NodeRef {
            tree: self.tree,
            id,
        }
    }

    /// The entry for a string key of a mapping (the last one if duplicated), as (key, value).
    pub(crate) fn entry(&self, key: &str) -> Option<(NodeRef<'a>, NodeRef<'a>)> {
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
    pub(crate) fn path(&self, keys: &[&str]) -> Option<NodeRef<'a>> {
        keys.iter().try_fold(*self, |node, key| node.get(key))
    }

    pub fn as_str(&self) -> Option<&'a str> {
        match self.value() {
            Value::Str(s) => Some(s),
            _ => None,
        }
    }

    pub(crate) fn as_i64(&self) -> Option<i64> {
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

    pub(crate) fn is_null(&self) -> bool {
        matches!(self.value(), Value::Null)
    }

    pub(crate) fn is_map(&self) -> bool {
        matches!(self.value(), Value::Map(_))
    }

    pub(crate) fn is_seq(&self) -> bool {
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
    pub(crate) fn entries(&self) -> impl Iterator<Item = (NodeRef<'a>, NodeRef<'a>)> + 'a {
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
    pub(crate) fn all_entries(&self) -> impl Iterator<Item = (NodeRef<'a>, NodeRef<'a>)> + 'a {
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

#[cfg(test)]
mod tests {
    use super::*;

    /// Nodes keep their length in 28 bits; longer ones keep their end apart.
    /// What does not fit in a node's 32 bits is kept apart and reads back the same.
    #[test]
    fn payloads_too_wide_for_a_node_read_back() {
        let text: String = "k: v\n".repeat(100) + &"x".repeat(300);
        let mut tree = Tree::new(0, &Arc::new(text));
        let cases: Vec<(Payload, Value)> = vec![
            (
                Payload::Int(i64::from(i32::MIN)),
                Value::Int(i64::from(i32::MIN)),
            ),
            (Payload::Int(1 << 40), Value::Int(1 << 40)),
            (Payload::Int(-(1 << 40)), Value::Int(-(1 << 40))),
            (Payload::Float(2.5), Value::Float(2.5)),
            (Payload::Bool(false), Value::Bool(false)),
        ];
        for (payload, value) in cases {
            let id = tree.push(payload, 0, 1);
            assert_eq!(tree.value(id), value);
        }
        // A string starting 256 bytes or more into its node, and one right at it.
        let far = tree.source_str(500..503).unwrap();
        let id = tree.push(far, 200, 503);
        assert_eq!(tree.value(id), Value::Str("xxx"));
        let near = tree.source_str(0..1).unwrap();
        let id = tree.push(near, 0, 4);
        assert_eq!(tree.value(id), Value::Str("k"));
        let escaped = tree.push_str("a\tb").unwrap();
        let id = tree.push(escaped, 0, 6);
        assert_eq!(tree.value(id), Value::Str("a\tb"));
        // A sequence of 300 items, and an empty one.
        let items: Vec<NodeId> = (0..300).map(|_| tree.push(Payload::Null, 0, 0)).collect();
        let seq = tree.push(Payload::Null, 0, 0);
        tree.close_seq(seq, &items, 10).unwrap();
        assert!(matches!(tree.value(seq), Value::Seq(s) if s == items.as_slice()));
        let empty = tree.push(Payload::Null, 0, 0);
        tree.close_seq(empty, &[], 0).unwrap();
        assert!(matches!(tree.value(empty), Value::Seq([])));
    }

    #[test]
    fn a_node_longer_than_256_mib_keeps_its_end() {
        let mut tree = Tree::new(0, &Arc::new(String::new()));
        let long_end = (3u64 << 30) as usize;
        let map = tree.push(Payload::Null, 5, 5);
        let item = tree.push(Payload::Int(-7), 10, (LONG as usize) + 10);
        let short = tree.push(Payload::Bool(true), 20, (LONG as usize) + 19);
        tree.close(map, Payload::Map(Slice::of(0..0).unwrap()), long_end);
        assert_eq!(tree.span(map), Span::new(0, 5, long_end));
        assert_eq!(tree.span(item), Span::new(0, 10, LONG as usize + 10));
        assert_eq!(tree.span(short), Span::new(0, 20, LONG as usize + 19));
        assert_eq!(tree.value(item), Value::Int(-7));
        assert_eq!(tree.value(short), Value::Bool(true));
        // Closing again with a short end forgets the long one.
        tree.close(map, Payload::Null, 50);
        assert_eq!(tree.span(map), Span::new(0, 5, 50));
        assert_eq!(tree.value(map), Value::Null);
        assert_eq!(tree.span(99), Span::new(0, 0, 0));
        let float = tree.push(Payload::Float(-0.5), 1, 2);
        assert_eq!(tree.value(float), Value::Float(-0.5));
    }
}
