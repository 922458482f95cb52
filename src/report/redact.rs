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
    pub fn add(&mut self, span: Span) {
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
    pub fn overlapping(
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

    /// Whether any byte of `span` is secret.
    pub fn touches(&self, span: Span) -> bool {
        let probe = if span.is_empty() {
            span.start..span.start + 1
        } else {
            span.range()
        };
        self.overlapping(span.file, probe).next().is_some()
    }

    pub fn is_empty(&self) -> bool {
        self.by_file.is_empty()
    }

    /// Masks what a Secret object (`kind: Secret`, any apiVersion) can carry of its data:
    /// every value under every `data` and `stringData` key (duplicates included; keys stay
    /// visible), the `last-applied-configuration` annotation and any annotation holding a
    /// serialised object, and any other string that contains one of its values (as
    /// written, resolved, base64-decoded, or JSON-escaped). Identity fields (`apiVersion`,
    /// `kind`, `type`, `metadata.name`, `metadata.namespace`) stay visible.
    pub fn cover_secret_object(&mut self, object: NodeRef<'_>, source: &str) {
        if object.get("kind").and_then(|k| k.as_str()) != Some("Secret") {
            return;
        }
        let mut values = Vec::new();
        for (key, value) in object.entries() {
            if matches!(key.as_str(), Some("data" | "stringData")) {
                match value.value() {
                    Value::Map(_) => values.extend(value.entries().map(|(_, v)| v)),
                    _ => values.push(value),
                }
            }
        }
        let mut needles: Vec<String> = Vec::new();
        for value in &values {
            let span = value.span();
            self.add(span);
            if let Some(written) = source.get(span.start..span.end) {
                needles.push(written.trim().to_string());
            }
            if let Some(text) = value.as_str() {
                needles.push(text.to_string());
                needles.push(json_escaped(text));
                if let Ok(decoded) = crate::tls::base64::decode_std(text.as_bytes()) {
                    if let Ok(decoded) = String::from_utf8(decoded) {
                        needles.push(json_escaped(&decoded));
                        needles.push(decoded);
                    }
                }
            }
        }
        needles.retain(|n| n.len() >= MIN_SEARCHED_SECRET_BYTES);
        needles.sort();
        needles.dedup();
        let finder = aho_corasick::AhoCorasick::new(&needles).ok();

        let mut visited = vec![false; object.tree.nodes.len()];
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
                    for (key, value) in node.entries() {
                        let key_text = key.as_str().unwrap_or("");
                        let child = match (place, key_text) {
                            (Place::Root, "data" | "stringData") => continue,
                            (Place::Root, "apiVersion" | "kind" | "type") => continue,
                            (Place::Root, "metadata") => Place::Metadata,
                            (Place::Metadata, "name" | "namespace") => continue,
                            (Place::Metadata, "annotations") => Place::Annotations,
                            (Place::Annotations, key)
                                if key.ends_with("last-applied-configuration") =>
                            {
                                self.add(value.span());
                                continue;
                            }
                            (Place::Annotations, _) => Place::Annotation,
                            _ => Place::Other,
                        };
                        pending.push((value, child));
                    }
                }
                Value::Seq(_) => pending.extend(node.items().map(|item| (item, Place::Other))),
                Value::Str(text) => {
                    let serialised =
                        place == Place::Annotation && text.trim_start().starts_with(['{', '[']);
                    let holds_a_value =
                        finder.as_ref().is_some_and(|f| f.is_match(text.as_str()))
                            || source.get(node.span().start..node.span().end).is_some_and(
                                |written| finder.as_ref().is_some_and(|f| f.is_match(written)),
                            );
                    if serialised || holds_a_value {
                        self.add(node.span());
                    }
                }
                _ => {}
            }
        }
    }
}

/// Where a node sits in a Secret, for [`Redactions::cover_secret_object`].
#[derive(Clone, Copy, PartialEq, Eq)]
enum Place {
    Root,
    Metadata,
    Annotations,
    Annotation,
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
}
