//! Suppressions: `# speclint-ignore: rule[, rule] -- reason` comments (the node on the line
//! they trail, or on the next line with content: a key with everything under it, a list item
//! with all its fields), `# speclint-ignore-document: ...` (the whole YAML document), and
//! the `speclint.io/ignore: "rule-a,rule-b"` annotation (the object it is on). A `#` inside
//! a string (quoted, block or JSON) is text, not a comment.

use crate::diagnostic::{Diagnostic, ObjectRef};
use crate::model::Model;
use crate::rules;
use crate::source::{SourceMap, Span};
use crate::yaml::{Document, Value};

/// What the parsed documents say about one file's text.
#[derive(Default)]
struct Layout {
    /// Spans of string scalars, sorted by start.
    strings: Vec<(usize, usize)>,
    /// Spans of `key: value` entries and of list items: what a line can begin. (Not the
    /// mapping or list that merely starts on a line: that would cover its later siblings.)
    nodes: Vec<(usize, usize)>,
}

impl Layout {
    fn of(file: usize, documents: &[Document]) -> Layout {
        let mut layout = Layout::default();
        for document in documents.iter().filter(|d| d.file() == file) {
            let span_of = |id: u32| document.tree().span(id);
            for node in document.tree().nodes() {
                match node.value() {
                    Value::Str(_) => layout.strings.push((node.span().start, node.span().end)),
                    Value::Map(entries) => {
                        for &(key, value) in entries {
                            let (key, value) = (span_of(key), span_of(value));
                            layout.nodes.push((key.start, value.end.max(key.end)));
                        }
                    }
                    Value::Seq(items) => {
                        for &item in items {
                            let item = span_of(item);
                            layout.nodes.push((item.start, item.end));
                        }
                    }
                    _ => {}
                }
            }
        }
        layout.strings.sort_unstable();
        layout.nodes.sort_unstable();
        layout
    }

    /// Whether `at` lies inside a string scalar. Scalars do not overlap, so only the last
    /// one starting before `at` can hold it. A block scalar's header line (`key: |  # x`)
    /// may carry a real comment.
    fn in_string(&self, text: &str, at: usize) -> bool {
        let index = self.strings.partition_point(|&(start, _)| start < at);
        let Some(&(start, end)) = self.strings[..index].last() else {
            return false;
        };
        if at >= end {
            return false;
        }
        let header = text[start..].starts_with(['|', '>']) && !text[start..at].contains('\n');
        !header
    }

    /// The end of the largest node that starts in `start..end` (a line), at least `end`.
    fn extent_of_line(&self, start: usize, end: usize) -> usize {
        let first = self.nodes.partition_point(|&(s, _)| s < start);
        self.nodes[first..]
            .iter()
            .take_while(|&&(s, _)| s < end)
            .map(|&(_, e)| e)
            .fold(end, usize::max)
    }
}

/// The annotation that suppresses rules for the object it is on.
pub(crate) const ANNOTATION: &str = "speclint.io/ignore";

/// What every suppression comment holds: a file without it has none.
pub(crate) const MARKER: &str = "speclint-ignore";

/// Where a suppression applies.
#[derive(Debug)]
enum Scope {
    /// Findings whose primary span starts in this byte range of the file.
    Range {
        file: usize,
        start: usize,
        end: usize,
    },
    /// Findings about this object.
    Object(ObjectRef),
}

#[derive(Debug)]
struct Suppression {
    /// The comment, or the annotation's value.
    span: Span,
    scope: Scope,
    /// Rule ids with whether each suppressed something.
    ids: Vec<(String, bool)>,
    has_reason: bool,
}

impl Suppression {
    fn covers(&self, diagnostic: &Diagnostic) -> bool {
        match &self.scope {
            Scope::Range { file, start, end } => {
                diagnostic.span.file == *file
                    && diagnostic.span.start >= *start
                    && diagnostic.span.start < *end
            }
            Scope::Object(object) => diagnostic.object.as_ref() == Some(object),
        }
    }
}

/// Splits `rule-a, rule-b -- reason` into the ids and whether a reason is given.
fn parse_list(text: &str) -> (Vec<(String, bool)>, bool) {
    let (ids, reason) = match text.find("--") {
        Some(i) => (&text[..i], text[i + 2..].trim()),
        None => (text, ""),
    };
    let ids = ids
        .split(',')
        .map(str::trim)
        .filter(|id| !id.is_empty())
        .map(|id| (id.to_string(), false))
        .collect();
    (ids, !reason.is_empty())
}

/// The offset of a `#` that starts a comment: at the line start or after whitespace.
fn comment_start(line: &str) -> Option<usize> {
    line.match_indices('#').map(|(i, _)| i).find(|&i| {
        i == 0
            || line[..i]
                .chars()
                .next_back()
                .is_some_and(char::is_whitespace)
    })
}

fn is_blank_or_comment(line: &str) -> bool {
    let t = line.trim();
    t.is_empty() || t.starts_with('#')
}

fn is_document_marker(line: &str) -> bool {
    line.strip_prefix("---")
        .is_some_and(|rest| rest.is_empty() || rest.starts_with(char::is_whitespace))
}

/// Comment suppressions in one file.
fn scan_file(file: usize, text: &str, layout: &Layout, out: &mut Vec<Suppression>) {
    // (start offset, line without its newline)
    let mut lines = Vec::new();
    let mut at = 0;
    for raw in text.split_inclusive('\n') {
        let line = raw.trim_end_matches('\n').trim_end_matches('\r');
        lines.push((at, line));
        at += raw.len();
    }
    for (index, &(line_start, line)) in lines.iter().enumerate() {
        let Some(hash) = comment_start(line) else {
            continue;
        };
        if layout.in_string(text, line_start + hash) {
            continue;
        }
        let comment = line[hash + 1..].trim_start();
        let (body, document) = if let Some(rest) = comment.strip_prefix("speclint-ignore-document:")
        {
            (rest, true)
        } else if let Some(rest) = comment.strip_prefix("speclint-ignore:") {
            (rest, false)
        } else {
            continue;
        };
        let (ids, has_reason) = parse_list(body);
        let span = Span::new(file, line_start + hash, line_start + line.len());
        let line_end = |i: usize| lines[i].0 + lines[i].1.len() + 1;
        let (start, end) = if document {
            let first = (0..=index)
                .rev()
                .find(|&i| is_document_marker(lines[i].1))
                .unwrap_or(0);
            let next = (index + 1..lines.len())
                .find(|&i| is_document_marker(lines[i].1))
                .map_or(text.len() + 1, |i| lines[i].0);
            (lines[first].0, next)
        } else if !line[..hash].trim().is_empty() {
            (
                line_start,
                layout.extent_of_line(line_start, line_end(index)),
            )
        } else {
            match (index + 1..lines.len()).find(|&i| !is_blank_or_comment(lines[i].1)) {
                Some(target) => (
                    lines[target].0,
                    layout.extent_of_line(lines[target].0, line_end(target)),
                ),
                None => (0, 0),
            }
        };
        out.push(Suppression {
            span,
            scope: Scope::Range { file, start, end },
            ids,
            has_reason,
        });
    }
}

/// Annotation suppressions on the model's objects.
fn scan_annotations(model: &Model<'_>, out: &mut Vec<Suppression>) {
    for object in &model.objects {
        let Some(node) = object.annotations().and_then(|a| a.get(ANNOTATION)) else {
            continue;
        };
        let Some(value) = node.as_str() else {
            continue;
        };
        let (ids, has_reason) = parse_list(value);
        out.push(Suppression {
            span: node.span(),
            scope: Scope::Object(object.object_ref()),
            ids,
            has_reason,
        });
    }
}

/// Drops suppressed findings and adds `unused-suppression` (and, when `require_reason`,
/// `suppression-without-reason`) findings.
pub(crate) fn apply(
    sources: &SourceMap,
    documents: &[Document],
    model: &Model<'_>,
    diagnostics: &mut Vec<Diagnostic>,
    require_reason: bool,
    settings: &rules::RuleSettings,
) {
    let mut suppressions = Vec::new();
    for (file, source) in sources.files().filter(|(_, f)| !f.previous) {
        // A compressed text was compressed only without one (pipeline::lint_owned).
        if !source.text.is_compressed() && source.text.contains(MARKER) {
            let layout = Layout::of(file, documents);
            scan_file(file, &source.text, &layout, &mut suppressions);
        }
    }
    scan_annotations(model, &mut suppressions);
    if suppressions.is_empty() {
        return;
    }
    diagnostics.retain(|diagnostic| {
        let mut suppressed = false;
        for suppression in &mut suppressions {
            if !suppression.covers(diagnostic) {
                continue;
            }
            for (id, used) in &mut suppression.ids {
                if id == "all" || id == diagnostic.rule {
                    *used = true;
                    suppressed = true;
                }
            }
        }
        !suppressed
    });
    for suppression in &suppressions {
        for (id, used) in &suppression.ids {
            let message = if id != "all" && rules::find(id).is_none() {
                format!("unknown rule id `{id}` in suppression")
            } else if !used && (id == "all" || settings.is_enabled(id)) {
                // A suppression of a rule the configuration turned off is kept for when it is
                // back on, not reported.
                format!("unused suppression: no `{id}` finding here to suppress")
            } else {
                continue;
            };
            diagnostics.push(rules::unused_suppression_diagnostic(
                suppression.span,
                message,
            ));
        }
        if suppression.ids.is_empty() {
            diagnostics.push(rules::unused_suppression_diagnostic(
                suppression.span,
                "unused suppression: it names no rule",
            ));
        }
        if require_reason && !suppression.has_reason {
            diagnostics.push(rules::suppression_without_reason_diagnostic(
                suppression.span,
            ));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lists_and_reasons() {
        let (ids, reason) = parse_list(" a, b -- because");
        assert_eq!(ids, vec![("a".into(), false), ("b".into(), false)]);
        assert!(reason);
        let (ids, reason) = parse_list("a");
        assert_eq!(ids.len(), 1);
        assert!(!reason);
    }

    #[test]
    fn comments_need_whitespace_before_the_hash() {
        assert_eq!(comment_start("a: b#c"), None);
        assert_eq!(comment_start("a: b # c"), Some(5));
        assert_eq!(comment_start("# c"), Some(0));
    }
}
