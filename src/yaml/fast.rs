//! A fast path for the plain block YAML that Helm and kubectl emit: block mappings and
//! sequences, single-line plain and quoted scalars, multi-line plain scalars, `|`/`>`
//! block scalars, single-line flow collections and comments. It builds exactly the tree
//! the granit path builds (same node order, values and spans), and gives up (`None`) on
//! anything else, including every error, so the granit path decides those chunks.

use std::ops::Range;
use std::sync::Arc;

use super::draft::{DocDraft, Parsed, MAX_DEPTH, MAX_SCALAR_BYTES};
use super::mapping;
use super::mapping::DuplicateKey;
use super::scalar::resolve_plain;
use super::tree::Payload;
use super::tree::{NodeId, Tree};
use crate::source::FileId;

const BOM: &[u8] = "\u{feff}".as_bytes();
/// Below granit's simple-key limit of 1024 characters.
const MAX_KEY_BYTES: usize = 1000;
const MAX_FLOW_DEPTH: usize = 16;

/// Parses a chunk if it is in the simple subset; `None` means "use the full parser".
pub(super) fn parse_simple(
    file: FileId,
    source: &Arc<String>,
    range: Range<usize>,
) -> Option<Vec<Parsed>> {
    let text: &str = source;
    let bytes = text.as_bytes();
    let chunk = bytes.get(range.clone())?;
    if !is_simple_text(chunk, range.start == 0) {
        return None;
    }
    let mut tree = Tree::new(file, source);
    // Helm-style YAML has a node per 14 bytes or so; reserving avoids regrowth (the slack
    // is given back when the document is finished). Its strings are mostly its text.
    tree.reserve(chunk.len() / 16 + 8);
    let mut parser = SimpleParser {
        text,
        bytes,
        end: range.end,
        tree,
        frames: Vec::new(),
        children: Vec::new(),
        root: None,
        sources: Vec::new(),
        pending: None,
        max_indent: usize::MAX,
        duplicate_keys: Vec::new(),
    };
    let draft = parser.run(range.start)?;
    Some(draft.map(Parsed::Doc).into_iter().collect())
}

/// No tabs, no control or non-printable characters, no BOM (except at the file start),
/// and CR only in CRLF.
fn is_simple_text(chunk: &[u8], at_file_start: bool) -> bool {
    let mut i = if at_file_start && chunk.starts_with(BOM) {
        BOM.len()
    } else {
        0
    };
    while i < chunk.len() {
        let b = chunk[i];
        if b < 0x20 || b == 0x7f || b == 0xc2 || b == 0xef {
            let next = chunk.get(i + 1).copied();
            let ok = match b {
                b'\n' => true,
                b'\r' => next == Some(b'\n'),
                // C1 controls U+0080..U+009F (U+0085 included, to stay simple).
                0xc2 => !matches!(next, Some(0x80..=0x9f)),
                // U+FEFF, U+FFFE, U+FFFF.
                0xef => !matches!(
                    (next, chunk.get(i + 2).copied()),
                    (Some(0xbb), Some(0xbf)) | (Some(0xbf), Some(0xbe | 0xbf))
                ),
                _ => false,
            };
            if !ok {
                return false;
            }
        }
        i += 1;
    }
    true
}

#[derive(Clone, Copy)]
struct Line {
    /// First byte (after a BOM at the file start).
    start: usize,
    /// End of the content, before `\r\n` or `\n`.
    end: usize,
    /// Start of the next line.
    next: usize,
}

struct Frame {
    node: NodeId,
    is_map: bool,
    /// Column of the keys, or of the `-` indicators.
    indent: usize,
    start: usize,
    last_end: usize,
    child_base: usize,
}

/// A value announced by `key:` or `-` with nothing after it on the line. If no nested
/// node follows, it is an empty null at `null_at`; `owner` is the key's or dash's column.
#[derive(Clone, Copy)]
struct Pending {
    null_at: usize,
    owner: usize,
}

struct Key {
    start: usize,
    end: usize,
    value: Payload,
    colon: usize,
}

struct SimpleParser<'t> {
    text: &'t str,
    bytes: &'t [u8],
    end: usize,
    tree: Tree,
    frames: Vec<Frame>,
    /// Children of all open collections, one stack shared to avoid a Vec per collection.
    children: Vec<NodeId>,
    root: Option<NodeId>,
    sources: Vec<(usize, String)>,
    pending: Option<Pending>,
    /// The deepest indentation the next content line may have.
    max_indent: usize,
    duplicate_keys: Vec<DuplicateKey>,
}

impl SimpleParser<'_> {
    fn line(&self, pos: usize) -> Line {
        let rest = &self.bytes[pos..self.end];
        let (end, next) = match rest.iter().position(|&b| b == b'\n') {
            Some(i) => {
                let nl = pos + i;
                let end = if nl > pos && self.bytes[nl - 1] == b'\r' {
                    nl - 1
                } else {
                    nl
                };
                (end, nl + 1)
            }
            None => (self.end, self.end),
        };
        let start = if pos == 0 && self.bytes.starts_with(BOM) {
            BOM.len().min(end)
        } else {
            pos
        };
        Line { start, end, next }
    }

    fn spaces(&self, from: usize, to: usize) -> usize {
        self.bytes[from..to]
            .iter()
            .take_while(|&&b| b == b' ')
            .count()
    }

    fn skip_spaces(&self, from: usize, to: usize) -> usize {
        from + self.spaces(from, to)
    }

    fn run(&mut self, start: usize) -> Option<Option<DocDraft>> {
        let mut pos = start;
        let mut seen_start_marker = false;
        while pos < self.end {
            let line = self.line(pos);
            let indent = self.spaces(line.start, line.end);
            let p = line.start + indent;
            if p == line.end {
                pos = line.next;
                continue;
            }
            let c = self.bytes[p];
            if c == b'#' {
                self.comment(p, line.end);
                pos = line.next;
                continue;
            }
            if indent == 0 && (c == b'%' || self.is_marker(line, b'.')) {
                return None;
            }
            if indent == 0 && self.is_marker(line, b'-') {
                if seen_start_marker || self.root.is_some() || !self.frames.is_empty() {
                    return None;
                }
                seen_start_marker = true;
                self.tail(p + 3, line.end)?;
                pos = line.next;
                continue;
            }
            pos = self.content_line(line, indent, p)?;
        }
        self.finish()
    }

    fn is_marker(&self, line: Line, c: u8) -> bool {
        let b = &self.bytes[line.start..line.end];
        b.len() >= 3 && b[..3].iter().all(|&x| x == c) && matches!(b.get(3), None | Some(b' '))
    }

    fn comment(&mut self, hash: usize, end: usize) {
        let text = &self.text[hash + 1..end];
        if let Some(path) = text.trim_start().strip_prefix("Source:") {
            let path = path.trim();
            if !path.is_empty() {
                self.sources.push((hash, path.to_string()));
            }
        }
    }

    /// After a token: blanks, then the end of the line or a comment.
    fn tail(&mut self, from: usize, end: usize) -> Option<()> {
        let i = self.skip_spaces(from, end);
        if i == end {
            return Some(());
        }
        if self.bytes[i] == b'#' && i > from {
            self.comment(i, end);
            return Some(());
        }
        None
    }

    fn is_dash(&self, p: usize, end: usize) -> bool {
        self.bytes[p] == b'-' && (p + 1 == end || self.bytes[p + 1] == b' ')
    }

    fn content_line(&mut self, line: Line, indent: usize, p: usize) -> Option<usize> {
        if indent > self.max_indent {
            return None;
        }
        let dash = self.is_dash(p, line.end);
        if let Some(Pending { null_at, owner }) = self.pending.take() {
            let in_map = self.frames.last().is_some_and(|f| f.is_map);
            if indent > owner || (indent == owner && dash && in_map) {
                return self.start_collection(line, p, dash);
            }
            self.push_scalar(Payload::Null, null_at, null_at);
        }
        while let Some(top) = self.frames.last() {
            let close = indent < top.indent || (!top.is_map && indent == top.indent && !dash);
            if !close {
                break;
            }
            self.close_frame()?;
        }
        match self.frames.last() {
            None if self.root.is_none() => self.start_collection(line, p, dash),
            Some(top) if top.indent == indent && top.is_map && !dash => {
                self.key_line(line, p, indent)
            }
            Some(top) if top.indent == indent && !top.is_map && dash => self.item_line(line, p),
            _ => None,
        }
    }

    fn start_collection(&mut self, line: Line, p: usize, dash: bool) -> Option<usize> {
        if self.frames.len() >= MAX_DEPTH {
            return None;
        }
        let column = p - line.start;
        if dash {
            self.push_frame(false, column, p);
            return self.item_line(line, p);
        }
        self.push_frame(true, column, p);
        self.key_line(line, p, column)
    }

    fn push_frame(&mut self, is_map: bool, indent: usize, start: usize) {
        let node = self.tree.push(Payload::Null, start, start);
        self.frames.push(Frame {
            node,
            is_map,
            indent,
            start,
            last_end: start,
            child_base: self.children.len(),
        });
    }

    fn attach(&mut self, id: NodeId, end: usize) {
        if let Some(frame) = self.frames.last_mut() {
            self.children.push(id);
            frame.last_end = end;
        } else if self.root.is_none() {
            self.root = Some(id);
        }
    }

    fn push_scalar(&mut self, value: Payload, start: usize, end: usize) -> NodeId {
        let id = self.tree.push(value, start, end);
        self.attach(id, end);
        id
    }

    fn close_frame(&mut self) -> Option<()> {
        let frame = self.frames.pop()?;
        let base = frame.child_base.min(self.children.len());
        let end = frame.last_end.max(frame.start);
        self.close_collection(frame.node, frame.is_map, base, end)?;
        self.attach(frame.node, end);
        Some(())
    }

    /// Makes `id` the collection of `children[base..]` (keys and values for a mapping).
    fn close_collection(
        &mut self,
        id: NodeId,
        is_map: bool,
        base: usize,
        end: usize,
    ) -> Option<()> {
        let children = &self.children[base..];
        if is_map {
            let mark = self.tree.entries_len();
            self.tree.push_entries(children);
            self.note_duplicates(id, mark);
            self.tree.close_map(id, mark, end)?;
        } else {
            self.tree.close_seq(id, children, end)?;
        }
        self.children.truncate(base);
        Some(())
    }

    /// Records the keys the mapping `map` (entries from `mark`) sets twice, and which
    /// entries are overridden.
    fn note_duplicates(&mut self, map: NodeId, mark: usize) {
        let entries = self.tree.entries_since(mark);
        let duplicates = mapping::duplicates(&self.tree, self.text, &[], map, entries);
        if duplicates.is_empty() {
            return;
        }
        let overridden = mapping::overridden(&self.tree, self.text, &[], map, entries);
        self.tree.overridden.extend(overridden);
        self.duplicate_keys.extend(duplicates);
    }

    fn finish(&mut self) -> Option<Option<DocDraft>> {
        if let Some(Pending { null_at, .. }) = self.pending.take() {
            self.push_scalar(Payload::Null, null_at, null_at);
        }
        while !self.frames.is_empty() {
            self.close_frame()?;
        }
        let Some(root) = self.root else {
            return Some(None);
        };
        if root as usize >= self.tree.len() {
            return None;
        }
        let span = self.tree.span(root);
        let mut tree = self.tree.take();
        tree.finish();
        Some(Some(DocDraft {
            tree,
            root,
            span,
            sources: std::mem::take(&mut self.sources),
            duplicate_keys: std::mem::take(&mut self.duplicate_keys),
        }))
    }

    /// `key: ...` at `p`, inside a mapping whose keys are at column `indent`.
    fn key_line(&mut self, line: Line, p: usize, indent: usize) -> Option<usize> {
        let key = self.key(p, line.end)?;
        self.key_value(line, key, indent)
    }

    fn key_value(&mut self, line: Line, key: Key, indent: usize) -> Option<usize> {
        self.push_scalar(key.value, key.start, key.end);
        self.value(line, key.colon + 1, key.colon, indent)
    }

    /// `- ...` with the `-` at `p`.
    fn item_line(&mut self, line: Line, p: usize) -> Option<usize> {
        let dash_column = p - line.start;
        let r = self.skip_spaces(p + 1, line.end);
        if r == line.end || self.bytes[r] == b'#' {
            return self.value(line, p + 1, line.end, dash_column);
        }
        if self.is_dash(r, line.end) {
            if self.frames.len() >= MAX_DEPTH {
                return None;
            }
            self.push_frame(false, r - line.start, r);
            return self.item_line(line, r);
        }
        if let Some(key) = self.key(r, line.end) {
            if self.frames.len() >= MAX_DEPTH {
                return None;
            }
            let column = r - line.start;
            self.push_frame(true, column, r);
            return self.key_value(line, key, column);
        }
        self.value(line, p + 1, line.end, dash_column)
    }

    /// The value after an indicator ending at `from`; `owner` is the column of the
    /// mapping keys or of the `-` it belongs to.
    fn value(&mut self, line: Line, from: usize, null_at: usize, owner: usize) -> Option<usize> {
        let r = self.skip_spaces(from, line.end);
        if r == line.end || (self.bytes[r] == b'#' && r > from) {
            self.tail(from, line.end)?;
            self.pending = Some(Pending { null_at, owner });
            self.max_indent = usize::MAX;
            return Some(line.next);
        }
        if r == from {
            return None;
        }
        self.max_indent = owner;
        let next = self.bytes.get(r + 1).copied();
        match self.bytes[r] {
            b'|' | b'>' => self.block_scalar(line, r, owner),
            b'"' | b'\'' => {
                let (value, end) = self.quoted(r, line.end)?;
                self.tail(end, line.end)?;
                self.push_scalar(value, r, end);
                Some(line.next)
            }
            b'[' | b'{' => {
                let (id, end) = self.flow(r, line.end, 0)?;
                self.tail(end, line.end)?;
                self.attach(id, end);
                Some(line.next)
            }
            b'&' | b'*' | b'!' | b'%' | b'@' | b'`' | b',' | b']' | b'}' | b'#' => None,
            b'-' | b'?' | b':' if matches!(next, None | Some(b' ' | b'\r' | b'\n')) => None,
            _ => self.plain(line, r, owner),
        }
    }

    /// A plain key at `p` followed by `: ` or `:` at the end of the line, or a
    /// single-line quoted key followed by blanks and such a colon.
    fn key(&mut self, p: usize, end: usize) -> Option<Key> {
        let mark = self.tree.text_len();
        let key = self.key_at(p, end);
        if key.is_none() {
            // Not a key: its text must not stay in the arena.
            self.tree.truncate_text(mark);
        }
        key
    }

    fn key_at(&mut self, p: usize, end: usize) -> Option<Key> {
        let b = self.bytes;
        let (key_end, value, mut i) = match b[p] {
            b'"' | b'\'' => {
                let (value, after) = self.quoted(p, end)?;
                if after - p > MAX_KEY_BYTES {
                    return None;
                }
                (after, value, after)
            }
            b'-' | b'?' | b':' | b',' | b'[' | b']' | b'{' | b'}' | b'#' | b'&' | b'*' | b'!'
            | b'|' | b'>' | b'%' | b'@' | b'`' => return None,
            _ => {
                let mut i = p;
                let mut last = p;
                loop {
                    if i >= end || i - p > MAX_KEY_BYTES {
                        return None;
                    }
                    match b[i] {
                        b':' if i + 1 == end || b[i + 1] == b' ' => break,
                        b'#' if b[i - 1] == b' ' => return None,
                        b'[' | b']' | b'{' | b'}' | b',' => return None,
                        b' ' => {}
                        _ => last = i + 1,
                    }
                    i += 1;
                }
                let text = &self.text[p..last];
                if text == "<<" {
                    return None;
                }
                (last, self.tree.scalar_at(resolve_plain(text), p..last)?, i)
            }
        };
        i = self.skip_spaces(i, end);
        if i < end && b[i] == b':' && (i + 1 == end || b[i + 1] == b' ') {
            Some(Key {
                start: p,
                end: key_end,
                value,
                colon: i,
            })
        } else {
            None
        }
    }

    /// A single-line quoted scalar at `p`; returns its value and the end of its token.
    /// Without escapes the value is the text between the quotes, and is not copied.
    fn quoted(&mut self, p: usize, end: usize) -> Option<(Payload, usize)> {
        let mark = self.tree.text_len();
        let (after, escaped) = if self.bytes[p] == b'\'' {
            self.single_quoted(p, end)?
        } else {
            self.double_quoted(p, end)?
        };
        if after - p > MAX_SCALAR_BYTES {
            return None;
        }
        let value = if escaped {
            self.tree.str_since(mark)?
        } else {
            self.tree.source_str(p + 1..after - 1)?
        };
        Some((value, after))
    }

    /// Reads the scalar at `p`; returns the end of its token and whether it holds an
    /// escape. Once it does, its value is appended to the arena (all of it, at the end).
    fn single_quoted(&mut self, p: usize, end: usize) -> Option<(usize, bool)> {
        let (b, text) = (self.bytes, self.text);
        let mut escaped = false;
        let mut run = p + 1;
        let mut i = p + 1;
        while i < end {
            if b[i] == b'\'' {
                if i + 1 < end && b[i + 1] == b'\'' {
                    let out = self.tree.text_mut();
                    out.push_str(&text[run..i]);
                    out.push('\'');
                    escaped = true;
                    i += 2;
                    run = i;
                    continue;
                }
                if escaped {
                    self.tree.text_mut().push_str(&text[run..i]);
                }
                return Some((i + 1, escaped));
            }
            i += 1;
        }
        None
    }

    /// As [`SimpleParser::single_quoted`], for a double-quoted scalar.
    fn double_quoted(&mut self, p: usize, end: usize) -> Option<(usize, bool)> {
        let (b, text) = (self.bytes, self.text);
        let mut escaped = false;
        let mut run = p + 1;
        let mut i = p + 1;
        while i < end {
            match b[i] {
                b'"' => {
                    if escaped {
                        self.tree.text_mut().push_str(&text[run..i]);
                    }
                    return Some((i + 1, escaped));
                }
                b'\\' => {
                    escaped = true;
                    self.tree.text_mut().push_str(&text[run..i]);
                    let escape = *b.get(i + 1).filter(|_| i + 1 < end)?;
                    let (c, len) = match escape {
                        b'0' => ('\0', 2),
                        b'a' => ('\x07', 2),
                        b'b' => ('\x08', 2),
                        b't' => ('\t', 2),
                        b'n' => ('\n', 2),
                        b'v' => ('\x0b', 2),
                        b'f' => ('\x0c', 2),
                        b'r' => ('\r', 2),
                        b'e' => ('\x1b', 2),
                        b' ' => (' ', 2),
                        b'"' => ('"', 2),
                        b'/' => ('/', 2),
                        b'\\' => ('\\', 2),
                        b'N' => ('\u{85}', 2),
                        b'_' => ('\u{a0}', 2),
                        b'L' => ('\u{2028}', 2),
                        b'P' => ('\u{2029}', 2),
                        b'x' => (self.hex_char(i + 2, 2, end)?, 4),
                        b'u' => (self.hex_char(i + 2, 4, end)?, 6),
                        b'U' => (self.hex_char(i + 2, 8, end)?, 10),
                        _ => return None,
                    };
                    self.tree.text_mut().push(c);
                    i += len;
                    run = i;
                }
                _ => i += 1,
            }
        }
        None
    }

    /// `digits` hex digits at `p` naming a scalar value (surrogates give up).
    fn hex_char(&self, p: usize, digits: usize, end: usize) -> Option<char> {
        let hex = self.text.get(p..p + digits).filter(|_| p + digits <= end)?;
        if !hex.bytes().all(|c| c.is_ascii_hexdigit()) {
            return None;
        }
        char::from_u32(u32::from_str_radix(hex, 16).ok()?)
    }

    /// A plain scalar starting at `r`, possibly continued on more-indented lines.
    fn plain(&mut self, line: Line, r: usize, owner: usize) -> Option<usize> {
        let (mut last, mut commented) = self.plain_run(r, line.end)?;
        let first_end = last;
        // Where the scalar's text starts in the arena, once it spans several lines.
        let mut folded: Option<usize> = None;
        let mut next = line.next;
        let mut pos = line.next;
        let mut empty_lines = 0;
        while !commented && pos < self.end {
            let cont = self.line(pos);
            let indent = self.spaces(cont.start, cont.end);
            let p = cont.start + indent;
            if p == cont.end {
                empty_lines += 1;
                pos = cont.next;
                continue;
            }
            if indent <= owner || self.bytes[p] == b'#' {
                break;
            }
            let (end, has_comment) = self.plain_run(p, cont.end)?;
            let source = self.text;
            let mark = *folded.get_or_insert_with(|| {
                let mark = self.tree.text_len();
                self.tree.text_mut().push_str(&source[r..first_end]);
                mark
            });
            let text = self.tree.text_mut();
            if empty_lines == 0 {
                text.push(' ');
            } else {
                (0..empty_lines).for_each(|_| text.push('\n'));
            }
            text.push_str(&source[p..end]);
            if text.len() - mark > MAX_SCALAR_BYTES {
                return None;
            }
            empty_lines = 0;
            last = end;
            commented = has_comment;
            pos = cont.next;
            next = cont.next;
        }
        let value = match folded {
            Some(mark) => self.tree.str_since(mark)?,
            None => {
                let text = &self.text[r..first_end];
                self.tree.scalar_at(resolve_plain(text), r..first_end)?
            }
        };
        self.push_scalar(value, r, last);
        Some(next)
    }

    /// One line of a plain scalar from `p`: its trimmed end and whether a comment follows.
    fn plain_run(&mut self, p: usize, end: usize) -> Option<(usize, bool)> {
        let b = self.bytes;
        let mut last = p;
        let mut i = p;
        while i < end {
            match b[i] {
                b':' if i + 1 == end || b[i + 1] == b' ' => return None,
                b'#' if i > p && b[i - 1] == b' ' => {
                    self.comment(i, end);
                    return Some((last, true));
                }
                b' ' => {}
                _ => last = i + 1,
            }
            i += 1;
        }
        if last - p > MAX_SCALAR_BYTES {
            return None;
        }
        Some((last, false))
    }

    /// A `|` or `>` block scalar whose indicator is at `r`; returns the next line to read.
    fn block_scalar(&mut self, line: Line, r: usize, owner: usize) -> Option<usize> {
        let b = self.bytes;
        let folded = b[r] == b'>';
        let mut i = r + 1;
        let strip = i < line.end && b[i] == b'-';
        if strip {
            i += 1;
        }
        if i < line.end && b[i] != b' ' {
            return None;
        }
        let header_end = i;
        self.tail(i, line.end)?;

        let mark = self.tree.text_len();
        let text = self.text;
        let mut content_indent: Option<usize> = None;
        let mut leading_spaces = 0;
        let mut empty_lines = 0;
        let mut last_end = header_end;
        let mut prev_more_indented = false;
        let mut pos = line.next;
        while pos < self.end {
            let l = self.line(pos);
            let spaces = self.spaces(l.start, l.end);
            if l.start + spaces == l.end {
                match content_indent {
                    Some(n) if spaces > n => return None,
                    Some(_) => {}
                    None => leading_spaces = leading_spaces.max(spaces),
                }
                empty_lines += 1;
                pos = l.next;
                continue;
            }
            let n = match content_indent {
                Some(n) if spaces < n => break,
                Some(n) => n,
                None if spaces <= owner => break,
                None if spaces < leading_spaces => return None,
                None => *content_indent.insert(spaces),
            };
            let more_indented = spaces > n;
            let value = self.tree.text_mut();
            let breaks = if last_end == header_end {
                empty_lines
            } else if folded && !more_indented && !prev_more_indented {
                if empty_lines == 0 {
                    value.push(' ');
                }
                empty_lines
            } else {
                empty_lines + 1
            };
            (0..breaks).for_each(|_| value.push('\n'));
            value.push_str(&text[l.start + n..l.end]);
            if value.len() - mark > MAX_SCALAR_BYTES {
                return None;
            }
            last_end = l.start + n + b[l.start + n..l.end].iter().rposition(|&c| c != b' ')? + 1;
            prev_more_indented = more_indented;
            empty_lines = 0;
            pos = l.next;
        }
        if !strip && last_end != header_end {
            self.tree.text_mut().push('\n');
        }
        let value = self.tree.str_since(mark)?;
        self.push_scalar(value, r, last_end);
        Some(pos)
    }

    /// A flow collection on one line at `p`; returns its node and the end of its token.
    fn flow(&mut self, p: usize, end: usize, depth: usize) -> Option<(NodeId, usize)> {
        if depth >= MAX_FLOW_DEPTH || self.frames.len() + depth >= MAX_DEPTH {
            return None;
        }
        let b = self.bytes;
        let is_map = b[p] == b'{';
        let close = if is_map { b'}' } else { b']' };
        let id = self.tree.push(Payload::Null, p, p);
        // Items go on the shared stack above those of the open block collections.
        let base = self.children.len();
        let mut i = self.skip_spaces(p + 1, end);
        while i < end && b[i] != close {
            let item_start = i;
            let (item, after) = self.flow_node(i, end, depth)?;
            self.children.push(item);
            i = self.skip_spaces(after, end);
            if is_map {
                if i >= end || b[i] != b':' || matches!(b[item_start], b'[' | b'{') {
                    return None;
                }
                // `"key":value` is JSON style; a plain key needs a blank after `:`.
                let spaced = i + 1 < end && b[i + 1] == b' ';
                let json_key = matches!(b[item_start], b'"' | b'\'') && i == after;
                if !spaced && !json_key {
                    return None;
                }
                i = self.skip_spaces(i + 1, end);
                if i >= end || matches!(b[i], b',' | b'}' | b']') {
                    return None;
                }
                let (value, after) = self.flow_node(i, end, depth)?;
                self.children.push(value);
                i = self.skip_spaces(after, end);
            } else if i < end && b[i] == b':' {
                return None;
            }
            if i < end && b[i] == b',' {
                i = self.skip_spaces(i + 1, end);
            } else if i >= end || b[i] != close {
                return None;
            }
        }
        if i >= end {
            return None;
        }
        self.close_collection(id, is_map, base, i + 1)?;
        Some((id, i + 1))
    }

    fn flow_node(&mut self, p: usize, end: usize, depth: usize) -> Option<(NodeId, usize)> {
        let b = self.bytes;
        match b[p] {
            b'[' | b'{' => self.flow(p, end, depth + 1),
            b'"' | b'\'' => {
                let (value, after) = self.quoted(p, end)?;
                Some((self.tree.push(value, p, after), after))
            }
            _ => {
                let safe = |c: u8| c.is_ascii_alphanumeric() || b"_./=+~$^();@%-".contains(&c);
                let starts_ok = b[p].is_ascii_alphanumeric()
                    || (b"_./=+~$^();".contains(&b[p]))
                    || (b[p] == b'-' && b.get(p + 1).is_some_and(|c| c.is_ascii_alphanumeric()));
                if !starts_ok {
                    return None;
                }
                let mut last = p;
                let mut i = p;
                while i < end {
                    let c = b[i];
                    if safe(c) {
                        last = i + 1;
                    } else if c == b' ' {
                        // Inner blanks are part of the scalar when more of it follows.
                        if !b.get(i + 1).is_some_and(|&n| safe(n) || n == b' ') {
                            break;
                        }
                    } else {
                        break;
                    }
                    i += 1;
                }
                if last - p > MAX_SCALAR_BYTES {
                    return None;
                }
                let text = &self.text[p..last];
                let value = self.tree.scalar_at(resolve_plain(text), p..last)?;
                Some((self.tree.push(value, p, last), last))
            }
        }
    }
}
