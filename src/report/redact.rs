//! Byte ranges whose text must never reach the output (Secret data values).

use crate::source::{FileId, Span};
use std::collections::BTreeMap;
use std::ops::Range;

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
