//! The few lines of a file one code frame shows, rewritten for display, with a map
//! from file offsets to offsets in the rewritten text.
//!
//! Rewriting: secret values become `<redacted>`, characters that could drive a terminal
//! are shown as [`crate::untrusted::escape`] shows them, the BOM and CRs of CRLF endings are dropped, lines the frame will fold away are left empty, and very long lines are
//! clipped to windows around the marked positions. Line structure is always kept, so
//! line numbers stay right.

use super::redact::Redactions;
use crate::source::{FileId, SourceFile};
use std::borrow::Cow;
use std::ops::Range;

pub(crate) const REDACTED: &str = "<redacted>";
const ELISION: &str = "...";
/// A shown line longer than this is clipped (annotate-snippets would otherwise
/// measure the whole line, e.g. a 50 MB single-line JSON document, per diagnostic).
const LONG_LINE_BYTES: usize = 512;
/// Bytes kept on either side of a marked position in a clipped line.
const CLIP_CONTEXT_BYTES: usize = 60;

/// Which end of a span an offset is; decides where an offset inside replaced text maps.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Edge {
    Start,
    End,
}

#[derive(Debug)]
struct Piece {
    source: Range<usize>,
    shown: Range<usize>,
    verbatim: bool,
}

#[derive(Debug)]
struct ShownLine {
    line: usize,
    /// The line's text in the file, without BOM and line terminator.
    content: Range<usize>,
    /// The line's text in the excerpt, without line terminator.
    shown: Range<usize>,
    /// Cover `content` contiguously.
    pieces: Vec<Piece>,
}

/// Lines `first_line..` of one file as displayed.
#[derive(Debug)]
pub(crate) struct Excerpt {
    pub(crate) first_line: usize,
    pub(crate) text: String,
    /// Only the lines that are not blanked; sorted by line.
    shown_lines: Vec<ShownLine>,
}

impl Excerpt {
    /// Builds lines `lines` of `file`. Lines for which `is_shown` is false are left empty;
    /// `marked` lists the offsets (span starts and ends) a clipped line must keep visible.
    pub(crate) fn build(
        file: &SourceFile,
        file_id: FileId,
        redactions: &Redactions,
        lines: Range<usize>,
        is_shown: impl Fn(usize) -> bool,
        marked: &[usize],
    ) -> Excerpt {
        let mut text = String::new();
        let mut shown_lines = Vec::new();
        for line in lines.clone() {
            if line > lines.start {
                text.push('\n');
            }
            if !is_shown(line) {
                continue;
            }
            let content = content_range(file, line);
            let secrets = redactions.overlapping(file_id, content.clone());
            let mut segments =
                show_hidden(&file.text, redact(&file.text, content.clone(), secrets));
            let shown_len: usize = segments.iter().map(Segment::shown_len).sum();
            if shown_len > LONG_LINE_BYTES {
                segments = clip(&file.text, content.clone(), &segments, marked);
            }
            let shown_start = text.len();
            let pieces = segments
                .into_iter()
                .map(|segment| {
                    let start = text.len();
                    let verbatim = segment.replacement.is_none();
                    text.push_str(
                        segment
                            .replacement
                            .as_deref()
                            .unwrap_or(&file.text[segment.source.clone()]),
                    );
                    Piece {
                        source: segment.source,
                        shown: start..text.len(),
                        verbatim,
                    }
                })
                .collect();
            shown_lines.push(ShownLine {
                line,
                content,
                shown: shown_start..text.len(),
                pieces,
            });
        }
        Excerpt {
            first_line: lines.start,
            text,
            shown_lines,
        }
    }

    /// Where `offset`, on `line` of the file, is in [`Excerpt::text`]. Offsets inside
    /// replaced text map to the replacement's start or end, by `edge`; offsets outside
    /// the line's text are clamped to it.
    pub(crate) fn map(&self, line: usize, offset: usize, edge: Edge) -> usize {
        let Ok(index) = self.shown_lines.binary_search_by_key(&line, |l| l.line) else {
            // Callers only map offsets on shown lines; degrade to the nearest one.
            let index = self.shown_lines.partition_point(|l| l.line < line);
            return self
                .shown_lines
                .get(index)
                .map_or(self.text.len(), |l| l.shown.start);
        };
        let shown_line = &self.shown_lines[index];
        let offset = offset.clamp(shown_line.content.start, shown_line.content.end);
        if offset == shown_line.content.end {
            return shown_line.shown.end;
        }
        let piece_index = shown_line
            .pieces
            .partition_point(|p| p.source.start <= offset)
            - 1;
        let piece = &shown_line.pieces[piece_index];
        if piece.verbatim {
            piece.shown.start + (offset - piece.source.start)
        } else if edge == Edge::End && offset > piece.source.start {
            piece.shown.end
        } else {
            piece.shown.start
        }
    }
}

/// 1-based line number of the line holding `offset` (a binary search over line starts;
/// unlike `SourceFile::line_col`, it never counts characters).
pub(crate) fn line_of(file: &SourceFile, offset: usize) -> usize {
    let (mut low, mut high) = (1, file.line_count());
    while low < high {
        let middle = (low + high).div_ceil(2);
        if file.line_start(middle) <= offset {
            low = middle;
        } else {
            high = middle - 1;
        }
    }
    low
}

/// The text of `line` without BOM and line terminator.
fn content_range(file: &SourceFile, line: usize) -> Range<usize> {
    let bytes = file.text.as_bytes();
    let mut start = file.line_start(line);
    if line == 1 && file.text.starts_with('\u{feff}') {
        start = '\u{feff}'.len_utf8();
    }
    let mut end = if line < file.line_count() {
        file.line_start(line + 1) - 1
    } else {
        bytes.len()
    };
    if line < file.line_count() && end > start && bytes[end - 1] == b'\r' {
        end -= 1;
    }
    start..end.max(start)
}

#[derive(Clone, Debug)]
struct Segment {
    source: Range<usize>,
    /// `None`: shown as is.
    replacement: Option<Cow<'static, str>>,
}

impl Segment {
    fn shown_len(&self) -> usize {
        self.replacement
            .as_ref()
            .map_or(self.source.len(), |r| r.len())
    }
}

/// Splits verbatim segments around characters that must not be written as themselves
/// (tabs stay: annotate-snippets expands them).
fn show_hidden(text: &str, segments: Vec<Segment>) -> Vec<Segment> {
    let hidden = |c: char| c != '\t' && crate::untrusted::is_hidden(c);
    if !segments
        .iter()
        .any(|s| s.replacement.is_none() && text[s.source.clone()].chars().any(hidden))
    {
        return segments;
    }
    let mut out = Vec::with_capacity(segments.len() + 2);
    for segment in segments {
        if segment.replacement.is_some() {
            out.push(segment);
            continue;
        }
        let mut cursor = segment.source.start;
        for (at, c) in text[segment.source.clone()].char_indices() {
            if !hidden(c) {
                continue;
            }
            let at = segment.source.start + at;
            if cursor < at {
                out.push(Segment {
                    source: cursor..at,
                    replacement: None,
                });
            }
            let end = at + c.len_utf8();
            out.push(Segment {
                source: at..end,
                replacement: Some(Cow::Owned(
                    crate::untrusted::escape(&text[at..end]).into_owned(),
                )),
            });
            cursor = end;
        }
        if cursor < segment.source.end {
            out.push(Segment {
                source: cursor..segment.source.end,
                replacement: None,
            });
        }
    }
    out
}

/// Splits a line into verbatim text and `<redacted>` secrets. Only the non-blank part of
/// a secret on each line is replaced, so block-scalar lines keep their indentation.
fn redact(
    text: &str,
    content: Range<usize>,
    secrets: impl Iterator<Item = Range<usize>>,
) -> Vec<Segment> {
    let bytes = text.as_bytes();
    let mut segments = Vec::new();
    let mut cursor = content.start;
    for secret in secrets {
        let mut start = secret.start.max(content.start);
        let mut end = secret.end.min(content.end);
        while start < end && matches!(bytes[start], b' ' | b'\t') {
            start += 1;
        }
        while end > start && matches!(bytes[end - 1], b' ' | b'\t') {
            end -= 1;
        }
        if start == end {
            continue;
        }
        // Secret spans come from the YAML layer and should sit on characters; widen
        // rather than split one.
        let start = floor_char_boundary(text, start).max(cursor);
        let end = ceil_char_boundary(text, end);
        if cursor < start {
            segments.push(Segment {
                source: cursor..start,
                replacement: None,
            });
        }
        segments.push(Segment {
            source: start..end,
            replacement: Some(Cow::Borrowed(REDACTED)),
        });
        cursor = end;
    }
    if cursor < content.end {
        segments.push(Segment {
            source: cursor..content.end,
            replacement: None,
        });
    }
    segments
}

/// Keeps the line's start and windows around the marked offsets on it; everything else
/// becomes `...`.
fn clip(text: &str, content: Range<usize>, segments: &[Segment], marked: &[usize]) -> Vec<Segment> {
    let mut windows: Vec<Range<usize>> = std::iter::once(content.start)
        .chain(
            marked
                .iter()
                .copied()
                .filter(|m| content.contains(m) || *m == content.end),
        )
        .map(|m| {
            let start = m.saturating_sub(CLIP_CONTEXT_BYTES).max(content.start);
            let end = (m + CLIP_CONTEXT_BYTES).min(content.end);
            floor_char_boundary(text, start)..ceil_char_boundary(text, end)
        })
        .collect();
    windows.sort_by_key(|w| w.start);
    let mut merged: Vec<Range<usize>> = Vec::new();
    for window in windows {
        match merged.last_mut() {
            Some(last) if window.start <= last.end => last.end = last.end.max(window.end),
            _ => merged.push(window),
        }
    }

    let mut clipped: Vec<Segment> = Vec::new();
    let elision = || Some(Cow::Borrowed(ELISION));
    let mut push = |source: Range<usize>, replacement: Option<Cow<'static, str>>| {
        if source.is_empty() {
            return;
        }
        match clipped.last_mut() {
            Some(last)
                if replacement.as_deref() == Some(ELISION)
                    && last.replacement.as_deref() == Some(ELISION) =>
            {
                last.source.end = source.end;
            }
            _ => clipped.push(Segment {
                source,
                replacement,
            }),
        }
    };
    for segment in segments {
        let overlaps =
            |w: &&Range<usize>| w.start < segment.source.end && segment.source.start < w.end;
        if segment.replacement.is_some() {
            let keep = merged.iter().any(|w| overlaps(&w));
            push(
                segment.source.clone(),
                if keep {
                    segment.replacement.clone()
                } else {
                    elision()
                },
            );
            continue;
        }
        let mut cursor = segment.source.start;
        for window in merged.iter().filter(overlaps) {
            let start = window.start.max(cursor);
            let end = window.end.min(segment.source.end);
            push(cursor..start, elision());
            push(start..end, None);
            cursor = end;
        }
        push(cursor..segment.source.end, elision());
    }
    clipped
}

fn floor_char_boundary(text: &str, mut offset: usize) -> usize {
    offset = offset.min(text.len());
    while !text.is_char_boundary(offset) {
        offset -= 1;
    }
    offset
}

fn ceil_char_boundary(text: &str, mut offset: usize) -> usize {
    offset = offset.min(text.len());
    while !text.is_char_boundary(offset) {
        offset += 1;
    }
    offset
}

pub(crate) fn snap_to_chars(text: &str, range: Range<usize>) -> Range<usize> {
    let start = floor_char_boundary(text, range.start);
    start..ceil_char_boundary(text, range.end).max(start)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::Span;

    fn file(text: &str) -> SourceFile {
        SourceFile::new("f.yaml", text.as_bytes().to_vec())
    }

    #[test]
    fn line_of_matches_line_col() {
        let f = file("a\n\nbc\r\nd");
        for offset in 0..=f.text.len() {
            assert_eq!(
                line_of(&f, offset),
                f.line_col(offset).line,
                "offset {offset}"
            );
        }
    }

    #[test]
    fn drops_bom_and_cr_and_maps_offsets() {
        let f = file("\u{feff}a: 1\r\nbb: 2\r\n");
        let e = Excerpt::build(&f, 0, &Redactions::default(), 1..3, |_| true, &[]);
        assert_eq!(e.text, "a: 1\nbb: 2");
        assert_eq!(e.map(1, 3, Edge::Start), 0);
        assert_eq!(e.map(1, 6, Edge::Start), 3);
        assert_eq!(e.map(1, 7, Edge::End), 4);
        let b = f.text.find("bb").unwrap();
        assert_eq!(e.map(2, b, Edge::Start), 5);
    }

    #[test]
    fn redacts_each_line_of_a_secret_keeping_indentation() {
        let src = "data:\n  k: |\n    SECRET1\n    SECRET2\n  j: x\n";
        let f = file(src);
        let mut r = Redactions::default();
        let start = src.find("SECRET1").unwrap();
        let end = src.find("  j:").unwrap();
        r.add(Span::new(0, start, end));
        let e = Excerpt::build(&f, 0, &r, 1..6, |_| true, &[]);
        assert_eq!(
            e.text,
            "data:\n  k: |\n    <redacted>\n    <redacted>\n  j: x"
        );
        assert_eq!(e.map(3, start + 3, Edge::Start), e.text.find("<r").unwrap());
        assert_eq!(
            e.map(3, start + 3, Edge::End),
            e.text.find("d>").unwrap() + 2
        );
    }

    #[test]
    fn blanks_lines_not_shown() {
        let f = file("a\nb\nc\n");
        let e = Excerpt::build(&f, 0, &Redactions::default(), 1..4, |l| l != 2, &[]);
        assert_eq!(e.text, "a\n\nc");
        assert_eq!(e.map(3, 4, Edge::Start), 3);
    }

    #[test]
    fn clips_long_lines_around_marks() {
        let long = format!(
            "{{\"a\": \"{}\", \"b\": \"SECRET\", \"c\": \"{}\"}}",
            "x".repeat(2000),
            "y".repeat(2000)
        );
        let f = file(&long);
        let mut r = Redactions::default();
        let secret = long.find("SECRET").unwrap();
        r.add(Span::new(0, secret - 1, secret + 7));
        let mark = long.find("\"c\"").unwrap();
        let e = Excerpt::build(&f, 0, &r, 1..2, |_| true, &[mark, mark + 3]);
        assert!(e.text.len() < 400, "{}", e.text);
        assert!(!e.text.contains("SECRET"));
        assert!(e.text.contains("<redacted>, \"c\": \"yyy"), "{}", e.text);
        let shown = e.map(1, mark, Edge::Start);
        assert_eq!(&e.text[shown..shown + 3], "\"c\"");
    }
}
