//! Byte ranges whose text must never reach the output: every region of a Secret that
//! holds or can hold its data, however the Secret is written.

use crate::source::{FileId, Span};
use crate::yaml::{NodeRef, Value};
use std::collections::BTreeMap;
use std::ops::Range;

/// Secret values shorter than this are not searched for inside other strings (a value
/// such as `true` would hide every annotation that mentions it). Such values are still
/// masked where they are written.
const MIN_SEARCHED_SECRET_BYTES: usize = 6;

/// Spans of secret material, kept per file as disjoint ranges sorted by start.
#[derive(Debug, Default, Clone)]
pub struct Redactions {
    // file -> (start -> end); overlapping and touching spans are merged on insert,
    // so the ranges of one file are disjoint and their ends ascend with their starts.
    by_file: BTreeMap<FileId, BTreeMap<usize, usize>>,
}

impl Redactions {
    /// Marks the text of `span` as secret. Empty spans are ignored.
    pub(crate) fn add(&mut self, span: Span) {
        if span.is_empty() {
            return;
        }
        let ranges = self.by_file.entry(span.file).or_default();
        let (mut start, mut end) = (span.start, span.end);
        let touching: Vec<(usize, usize)> = ranges
            .range(..=end)
            .rev()
            .take_while(|(_, &e)| e >= start)
            .map(|(&s, &e)| (s, e))
            .collect();
        for (s, e) in touching {
            ranges.remove(&s);
            start = start.min(s);
            end = end.max(e);
        }
        ranges.insert(start, end);
    }

    /// The secret ranges of `file` that overlap `range`, in order.
    pub(crate) fn overlapping(
        &self,
        file: FileId,
        range: Range<usize>,
    ) -> impl Iterator<Item = Range<usize>> + '_ {
        let range = range.start..range.end.max(range.start);
        let ranges = self.by_file.get(&file);
        // The range starting at or before `range.start` may reach into it; every later
        // one that starts before `range.end` does.
        let first = ranges
            .and_then(|r| r.range(..=range.start).next_back())
            .map_or(range.start, |(&s, _)| s);
        ranges
            .into_iter()
            .flat_map(move |r| r.range(first..range.end))
            .filter(move |(_, &e)| e > range.start)
            .map(|(&s, &e)| s..e)
    }

    #[cfg(test)]
    /// Whether any byte of `span` is secret.
    pub(crate) fn touches(&self, span: Span) -> bool {
        let probe = if span.is_empty() {
            span.start..span.start + 1
        } else {
            span.range()
        };
        self.overlapping(span.file, probe).next().is_some()
    }

    #[cfg(test)]
    /// Masks what a Secret object (`kind: Secret`, any apiVersion) can carry of its data:
    /// every value under every `data` and `stringData` key (duplicates included; keys stay
    /// visible); every annotation value (free text that tools fill with copies of the
    /// object, such as `last-applied-configuration`); and any other string that holds a
    /// value, or [`SHARED_RUN_BYTES`] of one, as written, resolved, base64-decoded or
    /// JSON-escaped. Identity fields (`apiVersion`, `kind`, `type`, `metadata.name`,
    /// `metadata.namespace`) stay visible.
    pub(crate) fn cover_secret_object(&mut self, object: NodeRef<'_>, source: &str) {
        for span in secret_spans(object, source) {
            self.add(span);
        }
    }
}

/// The spans [`Redactions::cover_secret_object`] masks in `object`, found without the
/// shared map, so the Secrets of many documents are searched in parallel.
pub(crate) fn secret_spans(object: NodeRef<'_>, source: &str) -> Vec<Span> {
    let mut found = Vec::new();
    {
        if object.get("kind").and_then(|k| k.as_str()) != Some("Secret") {
            return found;
        }
        let mut values = Vec::new();
        for (key, value) in object.all_entries() {
            if matches!(key.as_str(), Some("data" | "stringData")) {
                match value.value() {
                    Value::Map(_) => values.extend(value.all_entries().map(|(_, v)| v)),
                    _ => values.push(value),
                }
            }
        }
        // The strings that may hold a copy: everything but the values, the identity and the
        // annotations (masked whole). Found first, so that a Secret whose other strings are
        // all short (labels, mostly) is not searched for runs of its long values.
        let mut candidates = Vec::new();
        let mut visited = vec![false; object.tree.len()];
        let mut pending = vec![(object, Place::Root)];
        while let Some((node, place)) = pending.pop() {
            let Some(seen) = visited.get_mut(node.id as usize) else {
                continue;
            };
            // Aliases share nodes: each is looked at once, so a billion laughs stays linear.
            if std::mem::replace(seen, true) {
                continue;
            }
            match node.value() {
                Value::Map(_) => {
                    for (key, value) in node.all_entries() {
                        let child = match (place, key.as_str().unwrap_or("")) {
                            (Place::Root, "data" | "stringData") => continue,
                            (Place::Root, "apiVersion" | "kind" | "type") => continue,
                            (Place::Root, "metadata") => Place::Metadata,
                            (Place::Metadata, "name" | "namespace") => continue,
                            (Place::Metadata, "annotations") => Place::Annotations,
                            (Place::Annotations, _) => {
                                found.push(value.span());
                                continue;
                            }
                            _ => Place::Other,
                        };
                        pending.push((value, child));
                    }
                }
                Value::Seq(_) => pending.extend(node.items().map(|item| (item, Place::Other))),
                Value::Str(text) => {
                    let written = source.get(node.span().start..node.span().end).unwrap_or("");
                    candidates.push((node.span(), text, written));
                }
                _ => {}
            }
        }
        let longest = (candidates.iter())
            .map(|(_, text, written)| text.len().max(written.len()))
            .max()
            .unwrap_or(0);
        // Pieces are PIECE_BYTES long: a shorter string holds none, and a value too long
        // to be a short one only adds pieces.
        let mut copies = CopyFinder {
            with_pieces: longest >= PIECE_BYTES,
            ..CopyFinder::default()
        };
        for value in &values {
            let span = value.span();
            found.push(span);
            if candidates.is_empty() {
                continue;
            }
            if let Some(written) = source.get(span.start..span.end) {
                copies.add(written.trim());
            }
            if let Some(text) = value.as_str() {
                copies.add(text);
                if copies.wants(text.len()) {
                    copies.add(&json_escaped(text));
                }
                // Decoded whatever its length: line breaks inside base64 are skipped, so a
                // long text may decode to a short value.
                if let Ok(decoded) = crate::tls::base64::decode_std(text.as_bytes()) {
                    let decoded = String::from_utf8_lossy(&decoded);
                    copies.add(&decoded);
                    if copies.wants(decoded.len()) {
                        copies.add(&json_escaped(&decoded));
                    }
                }
            }
        }
        let copies = copies.build();
        for (span, text, written) in candidates {
            if copies.found_in(text) || copies.found_in(written) {
                found.push(span);
            }
        }
    }
    found
}

/// A run this long shared with a Secret value marks a string as a (partial) copy of it.
const SHARED_RUN_BYTES: usize = 24;
/// Pieces of this length, taken every `STRIDE` bytes of each value, are looked for: any
/// run of `SHARED_RUN_BYTES` of a value holds one of them.
const PIECE_BYTES: usize = 16;
const STRIDE: usize = SHARED_RUN_BYTES - PIECE_BYTES;

/// Finds strings that hold a Secret value, or a long run of one, in time linear in
/// both (whole short values by Aho-Corasick, long runs by hashed pieces).
#[derive(Default)]
struct CopyFinder {
    short_values: Vec<String>,
    pieces: PieceSet,
    /// Whether runs of long values are looked for (some searched string is long enough).
    with_pieces: bool,
}

struct BuiltCopyFinder {
    short_values: Option<aho_corasick::AhoCorasick>,
    pieces: PieceSet,
}

/// Piece hashes are already well mixed: the set uses them as they are.
type PieceSet = std::collections::HashSet<u64, std::hash::BuildHasherDefault<AlreadyHashed>>;

#[derive(Default)]
struct AlreadyHashed(u64);

impl std::hash::Hasher for AlreadyHashed {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 = (self.0 << 8) | u64::from(b);
        }
    }
    fn write_u64(&mut self, value: u64) {
        self.0 = value;
    }
}

impl CopyFinder {
    /// Whether a value at least `length` bytes long would be looked for.
    fn wants(&self, length: usize) -> bool {
        self.with_pieces || length < SHARED_RUN_BYTES
    }

    fn add(&mut self, value: &str) {
        let bytes = value.as_bytes();
        if bytes.len() < MIN_SEARCHED_SECRET_BYTES {
            return;
        }
        if bytes.len() < SHARED_RUN_BYTES {
            self.short_values.push(value.to_string());
            return;
        }
        if !self.with_pieces {
            return;
        }
        for start in (0..=bytes.len() - PIECE_BYTES).step_by(STRIDE) {
            self.pieces
                .insert(piece_hash(&bytes[start..start + PIECE_BYTES]));
        }
    }

    fn build(self) -> BuiltCopyFinder {
        BuiltCopyFinder {
            short_values: (!self.short_values.is_empty())
                .then(|| aho_corasick::AhoCorasick::new(&self.short_values).ok())
                .flatten(),
            pieces: self.pieces,
        }
    }
}

impl BuiltCopyFinder {
    fn found_in(&self, text: &str) -> bool {
        let bytes = text.as_bytes();
        self.short_values.as_ref().is_some_and(|f| f.is_match(text))
            || (!self.pieces.is_empty()
                && bytes
                    .windows(PIECE_BYTES)
                    .any(|piece| self.pieces.contains(&piece_hash(piece))))
    }
}

/// A fast mix of the piece's 16 bytes. A collision only masks a harmless string, never
/// shows a secret one, so no keyed hash is needed.
fn piece_hash(piece: &[u8]) -> u64 {
    const K: u64 = 0x9e37_79b9_7f4a_7c15;
    let word = |range: std::ops::Range<usize>| {
        piece
            .get(range)
            .and_then(|b| <[u8; 8]>::try_from(b).ok())
            .map_or(0, u64::from_le_bytes)
    };
    let (a, b) = (word(0..8), word(8..16));
    let h = (a.wrapping_mul(K).rotate_left(31) ^ b).wrapping_mul(K);
    h ^ (h >> 29)
}

/// Where a node sits in a Secret, for [`Redactions::cover_secret_object`].
#[derive(Clone, Copy, PartialEq, Eq)]
enum Place {
    Root,
    Metadata,
    Annotations,
    Other,
}

/// `text` as it appears inside a JSON string (a `last-applied-configuration`).
fn json_escaped(text: &str) -> String {
    let quoted = serde_json::to_string(text).unwrap_or_default();
    quoted
        .strip_prefix('"')
        .and_then(|q| q.strip_suffix('"'))
        .unwrap_or("")
        .to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn collect(r: &Redactions, file: FileId, range: Range<usize>) -> Vec<Range<usize>> {
        r.overlapping(file, range).collect()
    }

    #[test]
    fn merges_overlapping_and_touching_spans() {
        let mut r = Redactions::default();
        r.add(Span::new(0, 10, 20));
        r.add(Span::new(0, 30, 40));
        r.add(Span::new(0, 18, 30));
        r.add(Span::new(0, 50, 55));
        r.add(Span::new(0, 60, 60));
        assert_eq!(collect(&r, 0, 0..100), vec![10..40, 50..55]);
    }

    #[test]
    fn overlapping_finds_ranges_reaching_into_the_query() {
        let mut r = Redactions::default();
        r.add(Span::new(0, 10, 20));
        r.add(Span::new(0, 30, 40));
        r.add(Span::new(1, 0, 100));
        assert_eq!(collect(&r, 0, 15..16), vec![10..20]);
        assert_eq!(collect(&r, 0, 20..30), Vec::<Range<usize>>::new());
        assert_eq!(collect(&r, 0, 19..31), vec![10..20, 30..40]);
        assert_eq!(collect(&r, 0, 40..50), Vec::<Range<usize>>::new());
        assert_eq!(collect(&r, 2, 0..50), Vec::<Range<usize>>::new());
        assert!(r.touches(Span::new(1, 5, 5)));
        assert!(!r.touches(Span::new(0, 20, 20)));
    }

    fn shown(text: &str) -> String {
        let mut r = Redactions::default();
        for doc in crate::yaml::documents_for_test(text) {
            for object in doc.objects() {
                r.cover_secret_object(doc.node(object.node), text);
            }
        }
        let mut out = String::new();
        let mut cursor = 0;
        for range in r.overlapping(0, 0..text.len()) {
            out.push_str(&text[cursor..range.start]);
            out.push('#');
            cursor = range.end;
        }
        out.push_str(&text[cursor..]);
        out
    }

    /// Where every other string is short, runs of the long values are not looked for, but
    /// a short value, or its decoded text, is still found.
    #[test]
    fn a_secret_with_only_short_strings_beside_its_values_is_still_searched() {
        // "hunter2-pw" in base64, and a long value; `b` is 15 of its bytes, too short to
        // hold a 16-byte piece of it (with 16, it is masked).
        let text = "kind: Secret\nmetadata:\n  name: s\n  labels:\n    a: hunter2-pw\n    b: c2VjcmV0LWtleS1\n    c: ok\ndata:\n  p: aHVudGVyMi1wdw==\n  k: c2VjcmV0LWtleS1tYXRlcmlhbC10aGF0LWlzLWxvbmc=\n";
        assert_eq!(
            shown(text),
            "kind: Secret\nmetadata:\n  name: s\n  labels:\n    a: #\n    b: c2VjcmV0LWtleS1\n    c: ok\ndata:\n  p: #\n  k: #\n"
        );
    }

    /// Line breaks inside base64 are skipped when decoding: a long text with many of them
    /// is a short value, and a copy of that value is masked.
    #[test]
    fn a_short_value_behind_a_long_base64_text_is_still_found() {
        let text = "kind: Secret\nmetadata:\n  name: s\n  labels:\n    a: hunter2-pw\ndata:\n  p: \"aHVu\\ndGVy\\nMi1w\\ndw==\\n\\n\\n\\n\\n\\n\\n\\n\\n\\n\\n\\n\\n\\n\\n\\n\"\n";
        assert_eq!(
            shown(text),
            "kind: Secret\nmetadata:\n  name: s\n  labels:\n    a: #\ndata:\n  p: #\n"
        );
    }

    #[test]
    fn a_secret_is_masked_wherever_it_can_carry_its_data() {
        let key = "c2VjcmV0LWtleS1tYXRlcmlhbC10aGF0LWlzLWxvbmc=";
        let text = format!(
            "kind: Secret\nmetadata:\n  name: s\n  namespace: ns\n  labels:\n    copy: x{}\n    short: ok\n  annotations:\n    note: harmless\n    other: &a {key}\ndata:\n  tls.key: {key}\n  dup: one\ndata:\n  dup: *a\nstringData:\n  password: hunter2-pw\nfield: [\"has hunter2-pw inside\"]\n---\nkind: ConfigMap\ndata:\n  k: {key}\n",
            &key[4..30]
        );
        assert_eq!(
            shown(&text),
            "kind: Secret\nmetadata:\n  name: s\n  namespace: ns\n  labels:\n    copy: #\n    short: ok\n  annotations:\n    note: #\n    other: &a #\ndata:\n  tls.key: #\n  dup: #\ndata:\n  dup: *a\nstringData:\n  password: #\nfield: [#]\n---\nkind: ConfigMap\ndata:\n  k: c2VjcmV0LWtleS1tYXRlcmlhbC10aGF0LWlzLWxvbmc=\n"
        );
    }
}
