//! Builds span-carrying node trees from granit-parser events, one chunk of the stream at
//! a time. The builder is iterative (an explicit frame stack), so input depth never
//! reaches the Rust stack.

use std::borrow::Cow;
use std::ops::Range;
use std::sync::Arc;

use granit_parser::{Event, Options, Parser, ScalarStyle, ScanError, StructureStyle, Tag};

use super::draft::{DocDraft, Parsed, MAX_DEPTH, MAX_SCALAR_BYTES};
use super::error::YamlError;
use super::mapping::DuplicateKey;
use super::mapping::{self, Mapping};
use super::scalar::{resolve_plain, resolve_tagged, Scalar};
use super::tree::Payload;
use super::tree::{NodeId, Tree, Value};
use crate::source::{FileId, Span};

/// Parses one chunk of `source`, the file's whole text (see `chunk::split`); spans are
/// offsets into it.
pub(super) fn parse_chunk(file: FileId, source: &Arc<String>, range: Range<usize>) -> Vec<Parsed> {
    if let Some(parsed) = super::fast::parse_simple(file, source, range.clone()) {
        return parsed;
    }
    parse_chunk_full(file, source, range)
}

/// Parses one chunk with granit-parser, whatever it holds.
pub(super) fn parse_chunk_full(
    file: FileId,
    source: &Arc<String>,
    range: Range<usize>,
) -> Vec<Parsed> {
    let text: &str = source;
    let Some(chunk) = text.get(range.clone()) else {
        return Vec::new();
    };
    let mut options = Options::default();
    options.emit_anchor_events = true;
    options.max_buffered_comment_events = usize::MAX;
    // Comments are only needed for `# Source:`; skipping them is measurably faster.
    options.set_emit_comments(chunk.contains("Source:"));
    let mut parser = Parser::new_from_str_with_options(chunk, options);
    let mut builder = Builder::new(file, source, range.start);
    let mut out = Vec::new();
    loop {
        let result = match parser.next_event() {
            None => break,
            Some(Ok((event, span))) => {
                let start = offset(range.start, span.start.byte_offset());
                let end = offset(range.start, span.end.byte_offset()).max(start);
                builder.event(event, start, end)
            }
            Some(Err(err)) => Err(builder.scan_error(&err)),
        };
        match result {
            Ok(Some(doc)) => out.push(Parsed::Doc(doc)),
            Ok(None) => {}
            Err(err) => {
                out.push(Parsed::Error(err));
                builder.reset();
                match parser.proceed_next_document() {
                    Ok(true) => {}
                    Ok(false) | Err(_) => break,
                }
            }
        }
    }
    out
}

fn offset(base: usize, chunk_offset: Option<usize>) -> usize {
    // `Parser::new_from_str` always provides byte offsets.
    base + chunk_offset.unwrap_or(0)
}

/// A collection being built.
struct Frame {
    node: NodeId,
    is_map: bool,
    flow: bool,
    start: usize,
    /// End of the latest child as written (an alias ends at its `*name` token).
    last_end: usize,
    /// Where this frame's children start in `Builder::children`.
    child_base: usize,
    /// `Builder::decode_count` before this node was counted.
    decode_before: u64,
    anchor: usize,
    has_merge_key: bool,
}

struct Anchor {
    node: NodeId,
    /// Nodes go-yaml would decode for this node with every alias expanded.
    expanded: u64,
    complete: bool,
    name: String,
}

struct Builder<'t> {
    file: FileId,
    source: &'t Arc<String>,
    text: &'t str,
    chunk_start: usize,
    tree: Tree,
    frames: Vec<Frame>,
    /// Children of all open frames, one stack shared to avoid a Vec per collection.
    children: Vec<NodeId>,
    anchors: Vec<Option<Anchor>>,
    /// Ids of `<<` keys, ascending (ids are handed out in order).
    merge_keys: Vec<NodeId>,
    /// The decoded bytes of `!!binary` keys, by id (ascending): go-yaml compares those.
    binary_keys: Vec<(NodeId, Vec<u8>)>,
    duplicate_keys: Vec<DuplicateKey>,
    root: Option<NodeId>,
    root_is_implicit_null: bool,
    doc_start: usize,
    /// go-yaml's decode and alias-expansion counters, as if aliases were expanded.
    decode_count: u64,
    alias_count: u64,
    /// End of the last token consumed; block scalar headers are searched from here.
    cursor: usize,
    sources: Vec<(usize, String)>,
}

impl<'t> Builder<'t> {
    fn new(file: FileId, source: &'t Arc<String>, chunk_start: usize) -> Self {
        Builder {
            file,
            source,
            text: source,
            chunk_start,
            tree: Tree::new(file, source),
            frames: Vec::new(),
            children: Vec::new(),
            anchors: Vec::new(),
            merge_keys: Vec::new(),
            binary_keys: Vec::new(),
            duplicate_keys: Vec::new(),
            root: None,
            root_is_implicit_null: false,
            doc_start: chunk_start,
            decode_count: 1,
            alias_count: 0,
            cursor: chunk_start,
            sources: Vec::new(),
        }
    }

    fn reset(&mut self) {
        self.tree = Tree::new(self.file, self.source);
        self.frames.clear();
        self.children.clear();
        self.anchors.clear();
        self.merge_keys.clear();
        self.binary_keys.clear();
        self.duplicate_keys.clear();
        self.root = None;
        self.root_is_implicit_null = false;
        self.decode_count = 1;
        self.alias_count = 0;
        self.sources.clear();
    }

    fn span(&self, start: usize, end: usize) -> Span {
        Span::new(self.file, start, end)
    }

    fn error(&self, start: usize, end: usize, message: impl Into<String>) -> YamlError {
        YamlError {
            span: self.span(start, end),
            message: message.into(),
        }
    }

    fn scan_error(&self, err: &ScanError) -> YamlError {
        let at = offset(self.chunk_start, err.marker().byte_offset()).min(self.text.len());
        let end = self.text[at..]
            .chars()
            .next()
            .map_or(at, |c| at + c.len_utf8());
        self.error(at, end, err.kind().to_string())
    }

    /// Handles one event; returns a finished document at its end.
    fn event(
        &mut self,
        event: Event<'_>,
        start: usize,
        end: usize,
    ) -> Result<Option<DocDraft>, YamlError> {
        match event {
            Event::DocumentStart(..) => {
                // Comments before the document start belong to it.
                let sources = std::mem::take(&mut self.sources);
                self.reset();
                self.sources = sources;
                self.cursor = self.cursor.max(end);
            }
            Event::DocumentEnd => return self.finish_document(),
            Event::Comment(text, _) => self.comment(&text, start),
            Event::Scalar(value, style, anchor, tag) => {
                self.scalar(value, style, anchor, tag, start, end)?
            }
            Event::SequenceStart(style, anchor, _) => {
                self.start_collection(false, style, anchor, start, end)?
            }
            Event::MappingStart(style, anchor, _) => {
                self.start_collection(true, style, anchor, start, end)?
            }
            Event::SequenceEnd | Event::MappingEnd => self.end_collection(end)?,
            Event::Alias(id) => self.alias(id, start, end)?,
            Event::Anchor(id, name) => {
                if let Some(Some(anchor)) = self.anchors.get_mut(id) {
                    anchor.name = name.into_owned();
                }
                self.cursor = self.cursor.max(end);
            }
            Event::UnresolvedAlias(name) => {
                return Err(self.error(start, end, format!("unknown anchor '{name}' referenced")))
            }
            // StreamStart, StreamEnd, and events of later granit versions.
            _ => {}
        }
        Ok(None)
    }

    fn comment(&mut self, text: &str, start: usize) {
        if let Some(path) = text.trim_start().strip_prefix("Source:") {
            let path = path.trim();
            if !path.is_empty() {
                self.sources.push((start, path.to_string()));
            }
        }
    }

    /// The arenas are indexed by u32; a document holding more is refused.
    fn too_large(&self, start: usize, end: usize) -> YamlError {
        self.error(
            start,
            end,
            "document is too large: more than 4 GiB once read",
        )
    }

    fn register_anchor(&mut self, anchor: usize, node: NodeId, complete: bool) {
        if anchor == 0 {
            return;
        }
        if self.anchors.len() <= anchor {
            self.anchors.resize_with(anchor + 1, || None);
        }
        self.anchors[anchor] = Some(Anchor {
            node,
            expanded: 1,
            complete,
            name: String::new(),
        });
    }

    fn in_key_position(&self) -> bool {
        self.frames
            .last()
            .is_some_and(|f| f.is_map && (self.children.len() - f.child_base).is_multiple_of(2))
    }

    /// Attaches a finished node to the open collection, or makes it the root.
    fn attach(&mut self, id: NodeId, start: usize, end: usize) {
        if let Some(frame) = self.frames.last_mut() {
            self.children.push(id);
            frame.last_end = end;
        } else if self.root.is_none() {
            self.root = Some(id);
            self.doc_start = start;
        }
    }

    fn scalar(
        &mut self,
        value: Cow<'_, str>,
        style: ScalarStyle,
        anchor: usize,
        tag: Option<Cow<'_, Tag>>,
        start: usize,
        end: usize,
    ) -> Result<(), YamlError> {
        if value.len() > MAX_SCALAR_BYTES || end - start > MAX_SCALAR_BYTES {
            return Err(self.error(start, end, "scalar is larger than 32 MiB"));
        }
        let core_suffix = tag.as_deref().map(Tag::core_suffix);
        let resolved = match core_suffix {
            None if style == ScalarStyle::Plain => resolve_plain(&value),
            None => Scalar::Str,
            Some(suffix) => {
                resolve_tagged(suffix, &value).map_err(|message| self.error(start, end, message))?
            }
        };
        let in_key_position = self.in_key_position();
        // granit's core suffixes are YAML 1.2's; go-yaml also knows `!!binary`, `!!merge`.
        let yaml_tag = tag
            .as_deref()
            .and_then(|t| t.suffix_in_namespace("tag:yaml.org,2002:"));
        // go-yaml decodes `!!binary` to the string of its bytes (and JSON carries that
        // string with invalid UTF-8 replaced); keys compare as those bytes.
        let binary = if yaml_tag.as_deref() == Some("binary") {
            let bytes = crate::tls::base64::decode_std(value.as_bytes()).map_err(|_| {
                self.error(start, end, "!!binary value contains invalid base64 data")
            })?;
            Some(bytes)
        } else {
            None
        };
        // go-yaml's isMerge: the text `<<`, plain and untagged or tagged `!!merge`.
        let is_merge_key = in_key_position
            && value == "<<"
            && match &yaml_tag {
                None => tag.is_none() && style == ScalarStyle::Plain,
                Some(name) => name == "merge",
            };
        let (start, end) = match style {
            ScalarStyle::Literal | ScalarStyle::Folded => self.block_scalar_span(start, end),
            _ => (start, end),
        };
        let payload = match (resolved, &binary) {
            (Scalar::Str, Some(bytes)) => self.tree.push_str(&String::from_utf8_lossy(bytes)),
            (Scalar::Str, None) => match self.source_range(style, start, end, &value) {
                Some(range) => self.tree.source_str(range),
                None => self.tree.push_str(&value),
            },
            _ => self.tree.scalar(resolved, &value),
        }
        .ok_or_else(|| self.too_large(start, end))?;
        let id = self.tree.push(payload, start, end);
        if let (Some(bytes), true) = (binary, in_key_position) {
            self.binary_keys.push((id, bytes));
        }
        if is_merge_key {
            if let Some(frame) = self.frames.last_mut() {
                frame.has_merge_key = true;
            }
            self.merge_keys.push(id);
        }
        if self.frames.is_empty() && self.root.is_none() {
            self.root_is_implicit_null =
                start == end && style == ScalarStyle::Plain && tag.is_none() && anchor == 0;
        }
        self.register_anchor(anchor, id, true);
        self.decode_count = self.decode_count.saturating_add(1);
        self.attach(id, start, end);
        self.cursor = self.cursor.max(end);
        Ok(())
    }

    /// Where the text of the scalar spanning `start..end` is `value` byte for byte (a plain
    /// scalar on one line, a quoted one without escapes): its value need not be copied.
    fn source_range(
        &self,
        style: ScalarStyle,
        start: usize,
        end: usize,
        value: &str,
    ) -> Option<Range<usize>> {
        let range = match style {
            ScalarStyle::Plain => start..end,
            ScalarStyle::SingleQuoted | ScalarStyle::DoubleQuoted => {
                start + 1..end.checked_sub(1)?
            }
            _ => return None,
        };
        (self.text.get(range.clone())? == value).then_some(range)
    }

    /// granit spans a block scalar's content only (with trailing line breaks); widen it
    /// to start at its `|`/`>` indicator and end at its last non-blank byte.
    fn block_scalar_span(&self, content_start: usize, content_end: usize) -> (usize, usize) {
        let bytes = self.text.as_bytes();
        let trim = |from: usize| {
            let mut end = content_end;
            while end > from && matches!(bytes.get(end - 1), Some(b' ' | b'\t' | b'\r' | b'\n')) {
                end -= 1;
            }
            end
        };
        let Some(indicator) = self.find_block_indicator(content_start) else {
            return (content_start, trim(content_start));
        };
        // At the end of input granit may start the content at the header itself.
        let header_line_end = bytes[indicator..]
            .iter()
            .position(|&b| b == b'\n')
            .map_or(bytes.len(), |i| indicator + i);
        let content_start = content_start.max(header_line_end);
        let trimmed_end = trim(content_start);
        if trimmed_end > content_start {
            return (indicator, trimmed_end);
        }
        let header_len = bytes[indicator + 1..header_line_end]
            .iter()
            .take_while(|b| matches!(b, b'+' | b'-' | b'0'..=b'9'))
            .count();
        (indicator, indicator + 1 + header_len)
    }

    /// Looks between the previous token and the content for the header indicator,
    /// skipping blanks, `:`/`?`/`-` indicators, node properties and comments.
    fn find_block_indicator(&self, limit: usize) -> Option<usize> {
        let bytes = self.text.as_bytes();
        let mut i = self.cursor;
        while i <= limit {
            match bytes.get(i)? {
                b' ' | b'\t' | b'\r' | b'\n' | b':' | b'?' | b'-' => i += 1,
                b'|' | b'>' => return Some(i),
                b'#' => {
                    while i < limit && bytes.get(i) != Some(&b'\n') {
                        i += 1;
                    }
                }
                b'&' | b'!' => {
                    while i < limit && !matches!(bytes.get(i), Some(b' ' | b'\t' | b'\r' | b'\n')) {
                        i += 1;
                    }
                }
                _ => return None,
            }
        }
        None
    }

    fn start_collection(
        &mut self,
        is_map: bool,
        style: StructureStyle,
        anchor: usize,
        mut start: usize,
        end: usize,
    ) -> Result<(), YamlError> {
        if self.frames.len() >= MAX_DEPTH {
            return Err(self.error(
                start,
                end.max(start),
                format!("nesting deeper than {MAX_DEPTH} levels"),
            ));
        }
        let flow = style == StructureStyle::Flow;
        if !flow && !is_map {
            start = self.block_sequence_start(start);
            // The `-` is consumed; an inner sequence must not find it again.
            self.cursor = self.cursor.max(start + 1);
        }
        let id = self.tree.push(Payload::Null, start, start);
        self.register_anchor(anchor, id, false);
        let decode_before = self.decode_count;
        self.decode_count = self.decode_count.saturating_add(1);
        self.frames.push(Frame {
            node: id,
            is_map,
            flow,
            start,
            last_end: if flow { end } else { start },
            child_base: self.children.len(),
            decode_before,
            anchor,
            has_merge_key: false,
        });
        self.cursor = self.cursor.max(end);
        Ok(())
    }

    /// granit starts an indentless block sequence at its first item; move back to the `-`.
    fn block_sequence_start(&self, start: usize) -> usize {
        let bytes = self.text.as_bytes();
        let is_indicator = |at: usize| {
            bytes.get(at) == Some(&b'-')
                && matches!(bytes.get(at + 1), None | Some(b' ' | b'\t' | b'\r' | b'\n'))
        };
        // Usually the `-` is the first thing after the previous token (granit may start
        // an indentless sequence at its first item, even at an inner sequence's `-`).
        // In a later item of an outer block sequence, that item's `-` comes first.
        let mut skip_outer_dash = self
            .frames
            .last()
            .is_some_and(|f| !f.is_map && !f.flow && self.children.len() > f.child_base);
        let mut i = self.cursor;
        while i <= start {
            match bytes.get(i) {
                Some(b' ' | b'\t' | b'\r' | b'\n' | b':' | b'?') => i += 1,
                Some(b'#') => {
                    while i < start && bytes.get(i) != Some(&b'\n') {
                        i += 1;
                    }
                }
                Some(b'&' | b'!') => {
                    while i < start && !matches!(bytes.get(i), Some(b' ' | b'\t' | b'\r' | b'\n')) {
                        i += 1;
                    }
                }
                Some(b'-') if is_indicator(i) => {
                    if !skip_outer_dash {
                        return i;
                    }
                    skip_outer_dash = false;
                    i += 1;
                }
                _ => break,
            }
        }
        if is_indicator(start) {
            return start;
        }
        let mut i = start;
        while i > self.chunk_start && matches!(bytes.get(i - 1), Some(b' ' | b'\t')) {
            i -= 1;
        }
        if i > self.chunk_start && is_indicator(i - 1) {
            i - 1
        } else {
            start
        }
    }

    fn end_collection(&mut self, end: usize) -> Result<(), YamlError> {
        let Some(frame) = self.frames.pop() else {
            return Ok(());
        };
        let end = if frame.flow { end } else { frame.last_end }.max(frame.start);
        let base = frame.child_base.min(self.children.len());
        let closed = if frame.is_map {
            self.close_map(frame.node, base, frame.has_merge_key, end)?
        } else {
            self.tree.close_seq(frame.node, &self.children[base..], end)
        };
        closed.ok_or_else(|| self.too_large(frame.start, end))?;
        self.children.truncate(base);
        if frame.anchor != 0 {
            let expanded = self.decode_count.saturating_sub(frame.decode_before);
            if let Some(Some(anchor)) = self.anchors.get_mut(frame.anchor) {
                anchor.expanded = expanded;
                anchor.complete = true;
            }
        }
        self.attach(frame.node, frame.start, end);
        if frame.flow {
            self.cursor = self.cursor.max(end);
        }
        Ok(())
    }

    /// Makes `map` the mapping of the keys and values in `children[base..]`, merges
    /// applied; `Ok(None)` when the arena is full.
    fn close_map(
        &mut self,
        map: NodeId,
        base: usize,
        has_merge_key: bool,
        end: usize,
    ) -> Result<Option<()>, YamlError> {
        let flat = &self.children[base..];
        for &key in flat.iter().step_by(2) {
            if matches!(self.tree.value(key), Value::Seq(_) | Value::Map(_)) {
                let span = self.tree.span(key);
                return Err(self.error(span.start, span.end, "invalid map key: a collection"));
            }
        }
        let mark = self.tree.entries_len();
        self.tree.push_entries(flat);
        let merge_keys: &[NodeId] = if has_merge_key { &self.merge_keys } else { &[] };
        let Mapping { merged, duplicates } = mapping::resolve(
            &self.tree,
            self.text,
            &self.binary_keys,
            map,
            self.tree.entries_since(mark),
            merge_keys,
        )
        .map_err(|at| {
            self.error(
                at.start,
                at.end,
                "map merge requires map or sequence of maps as the value",
            )
        })?;
        if let Some(merged) = merged {
            self.tree.replace_entries(mark, &merged);
        }
        if !duplicates.is_empty() {
            let overridden = mapping::overridden(
                &self.tree,
                self.text,
                &self.binary_keys,
                map,
                self.tree.entries_since(mark),
            );
            self.tree.overridden.extend(overridden);
            self.duplicate_keys.extend(duplicates);
        }
        Ok(self.tree.close_map(map, mark, end))
    }

    fn alias(&mut self, id: usize, start: usize, end: usize) -> Result<(), YamlError> {
        let Some(Some(anchor)) = self.anchors.get(id) else {
            return Err(self.error(start, end, "unknown anchor referenced"));
        };
        if !anchor.complete {
            return Err(self.error(
                start,
                end,
                format!("anchor '{}' value contains itself", anchor.name),
            ));
        }
        let (node, expanded) = (anchor.node, anchor.expanded);
        self.decode_count = self.decode_count.saturating_add(1).saturating_add(expanded);
        self.alias_count = self.alias_count.saturating_add(expanded);
        if excessive_aliasing(self.decode_count, self.alias_count) {
            return Err(self.error(
                self.doc_start.min(start),
                end,
                "document contains excessive aliasing",
            ));
        }
        self.attach(node, start, end);
        self.cursor = self.cursor.max(end);
        Ok(())
    }

    fn finish_document(&mut self) -> Result<Option<DocDraft>, YamlError> {
        // Unclosed frames cannot happen after a clean DocumentEnd; drop them defensively.
        self.frames.clear();
        let Some(root) = self.root else {
            return Ok(None);
        };
        if self.root_is_implicit_null {
            self.reset();
            return Ok(None);
        }
        let root_span = self.tree.span(root);
        if excessive_aliasing(self.decode_count, self.alias_count) {
            return Err(self.error(
                root_span.start,
                root_span.end,
                "document contains excessive aliasing",
            ));
        }
        let mut tree = self.tree.take();
        tree.finish();
        let doc = DocDraft {
            tree,
            root,
            span: root_span,
            sources: std::mem::take(&mut self.sources),
            duplicate_keys: std::mem::take(&mut self.duplicate_keys),
        };
        self.reset();
        Ok(Some(doc))
    }
}

/// go-yaml v2's `allowedAliasRatio`.
fn allowed_alias_ratio(decode_count: u64) -> f64 {
    const LOW: u64 = 400_000;
    const HIGH: u64 = 4_000_000;
    if decode_count <= LOW {
        0.99
    } else if decode_count >= HIGH {
        0.10
    } else {
        0.99 - 0.89 * ((decode_count - LOW) as f64 / (HIGH - LOW) as f64)
    }
}

/// go-yaml checks this on every decoded node; the ratio can only peak at the end of an
/// alias expansion or at the end of the document, which is where it is checked here.
pub(super) fn excessive_aliasing(decode_count: u64, alias_count: u64) -> bool {
    alias_count > 100
        && decode_count > 1000
        && alias_count as f64 / decode_count as f64 > allowed_alias_ratio(decode_count)
}
