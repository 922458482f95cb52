//! rustc-style output, rendered by annotate-snippets.
//!
//! annotate-snippets is given, per code frame, only the lines the frame shows (see
//! [`super::excerpt`]), so its cost does not grow with the file. Because those lines
//! are rewritten (secrets redacted, long lines clipped), the `file:line:col` it would
//! print could be off; frames are therefore labelled with placeholders that are
//! replaced by the true location from
//! [`SourceFile::line_col`](crate::source::SourceFile::line_col) after rendering.

use super::excerpt::{line_of, snap_to_chars, Edge, Excerpt};
use super::redact::Redactions;
use super::summary::Summary;
use crate::diagnostic::{Diagnostic, Severity};
use crate::source::{FileId, SourceMap};
use crate::untrusted::escape;
use annotate_snippets::{AnnotationKind, Group, Level, Renderer, Snippet};
use std::io::{self, Write};

/// Spans of one file closer than this many lines share a frame (the lines between are
/// folded to `...`); farther ones get their own `:::` frame.
const MAX_FOLDED_GAP_LINES: usize = 500;

/// Writes each diagnostic, a blank line after each, then a summary line such as
/// `error: 2 errors, 1 warning emitted`. Writes nothing when `diags` is empty.
pub fn render(
    out: &mut dyn Write,
    diags: &[Diagnostic],
    sources: &SourceMap,
    redactions: &Redactions,
    color: bool,
) -> io::Result<()> {
    let renderer = if color {
        Renderer::styled()
    } else {
        Renderer::plain()
    };
    for diag in diags {
        let text = render_diagnostic(&renderer, diag, sources, redactions);
        writeln!(out, "{text}\n")?;
    }
    if let Some(line) = summary_line(&renderer, &Summary::count(0, 0, diags)) {
        writeln!(out, "{line}")?;
    }
    Ok(())
}

fn level(severity: Severity) -> Level<'static> {
    match severity {
        Severity::Error => Level::ERROR,
        Severity::Warning => Level::WARNING,
        Severity::Note => Level::NOTE,
    }
}

fn summary_line(renderer: &Renderer, summary: &Summary) -> Option<String> {
    let counts = [
        (summary.errors, "error"),
        (summary.warnings, "warning"),
        (summary.notes, "note"),
    ];
    let parts: Vec<String> = counts
        .iter()
        .filter(|(count, _)| *count > 0)
        .map(|(count, noun)| format!("{count} {noun}{}", if *count == 1 { "" } else { "s" }))
        .collect();
    let severity = if summary.errors > 0 {
        Severity::Error
    } else if summary.warnings > 0 {
        Severity::Warning
    } else if summary.notes > 0 {
        Severity::Note
    } else {
        return None;
    };
    let title = level(severity).primary_title(format!("{} emitted", parts.join(", ")));
    Some(renderer.render(&[Group::with_title(title)]))
}

/// A span to underline: the primary one or a secondary label.
struct Mark<'d> {
    file: FileId,
    start: usize,
    end: usize,
    first_line: usize,
    last_line: usize,
    label: &'d str,
    primary: bool,
    /// Position in the diagnostic (primary first, then labels as given).
    order: usize,
}

/// The marks of one code frame: one file, lines `first_line..=last_line`.
struct Frame<'d> {
    file: FileId,
    first_line: usize,
    last_line: usize,
    marks: Vec<Mark<'d>>,
}

impl Frame<'_> {
    fn order(&self) -> usize {
        self.marks
            .iter()
            .map(|m| m.order)
            .min()
            .unwrap_or(usize::MAX)
    }

    /// Lines annotate-snippets may display; the rest can be blanked. A multi-line span
    /// shows its first few and last two lines, and a line between two shown ones is
    /// shown too, hence the margins.
    fn may_show(&self, line: usize) -> bool {
        self.marks.iter().any(|m| {
            let near = |from: usize, to: usize| from.saturating_sub(1) <= line && line <= to + 1;
            near(m.first_line, m.first_line + 5) || near(m.last_line.saturating_sub(2), m.last_line)
        })
    }
}

fn render_diagnostic(
    renderer: &Renderer,
    diag: &Diagnostic,
    sources: &SourceMap,
    redactions: &Redactions,
) -> String {
    let frames = frames(diag, sources);
    let excerpts: Vec<Excerpt> = frames
        .iter()
        .map(|frame| {
            let file = sources.get(frame.file);
            let marked: Vec<usize> = frame.marks.iter().flat_map(|m| [m.start, m.end]).collect();
            Excerpt::build(
                file,
                frame.file,
                redactions,
                frame.first_line..frame.last_line + 1,
                |line| frame.may_show(line),
                &marked,
            )
        })
        .collect();

    let tag = placeholder_char(diag, &excerpts);
    let placeholders: Vec<String> = (0..frames.len())
        .map(|i| format!("{tag}{i}{tag}"))
        .collect();

    let snippets =
        frames
            .iter()
            .zip(&excerpts)
            .zip(&placeholders)
            .map(|((frame, excerpt), placeholder)| {
                let annotations = frame.marks.iter().map(|mark| {
                    let start = excerpt.map(mark.first_line, mark.start, Edge::Start);
                    let end = if mark.end > mark.start {
                        excerpt.map(mark.last_line, mark.end, Edge::End).max(start)
                    } else {
                        start
                    };
                    let kind = if mark.primary {
                        AnnotationKind::Primary
                    } else {
                        AnnotationKind::Context
                    };
                    kind.span(start..end)
                        .label((!mark.label.is_empty()).then(|| escape(mark.label)))
                });
                Snippet::source(excerpt.text.as_str())
                    .line_start(excerpt.first_line)
                    .path(placeholder.as_str())
                    .annotations(annotations)
            });

    let mut messages = Vec::new();
    if let Some(template) = &diag.template {
        messages.push(Level::NOTE.message(format!("rendered from {}", escape(template))));
    }
    messages.extend(diag.notes.iter().map(|n| Level::NOTE.message(escape(n))));
    messages.extend(diag.help.iter().map(|h| Level::HELP.message(escape(h))));

    let group = level(diag.severity)
        .primary_title(escape(&diag.message))
        .id(diag.rule)
        .elements(snippets)
        .elements(messages);
    let rendered = renderer.render(&[group]);

    let locations = frames
        .iter()
        .zip(&placeholders)
        .map(|(frame, placeholder)| {
            let file = sources.get(frame.file);
            let anchor = frame
                .marks
                .iter()
                .min_by_key(|m| (!m.primary, m.start))
                .map_or(0, |m| m.start);
            let at = file.line_col(anchor);
            let location = format!("{}:{}:{}", escape(&file.name), at.line, at.column);
            (placeholder.as_str(), location)
        });
    replace_placeholders(rendered, locations)
}

/// The primary span and labels, snapped to characters, grouped into frames: the
/// primary's frame first, then the others in the order their labels were given.
fn frames<'d>(diag: &'d Diagnostic, sources: &SourceMap) -> Vec<Frame<'d>> {
    let spans = std::iter::once((diag.span, diag.span_label.as_str(), true)).chain(
        diag.labels
            .iter()
            .map(|l| (l.span, l.message.as_str(), false)),
    );
    let mut marks: Vec<Mark> = spans
        .enumerate()
        .map(|(order, (span, label, primary))| {
            let file = sources.get(span.file);
            let range = snap_to_chars(&file.text, span.start..span.end);
            let first_line = line_of(file, range.start);
            // A span ending just after a newline ends on that newline's line.
            let last_line = if range.is_empty() {
                first_line
            } else {
                line_of(file, range.end - 1)
            };
            Mark {
                file: span.file,
                start: range.start,
                end: range.end,
                first_line,
                last_line,
                label,
                primary,
                order,
            }
        })
        .collect();
    marks.sort_by_key(|m| (m.file, m.first_line, m.order));

    let mut frames: Vec<Frame> = Vec::new();
    for mark in marks {
        match frames.last_mut() {
            Some(frame)
                if frame.file == mark.file
                    && mark.first_line <= frame.last_line + MAX_FOLDED_GAP_LINES + 1 =>
            {
                frame.last_line = frame.last_line.max(mark.last_line);
                frame.marks.push(mark);
            }
            _ => frames.push(Frame {
                file: mark.file,
                first_line: mark.first_line,
                last_line: mark.last_line,
                marks: vec![mark],
            }),
        }
    }
    frames.sort_by_key(Frame::order);
    frames
}

/// A private-use character that occurs in none of the text given to annotate-snippets,
/// so placeholders built from it cannot be confused with anything rendered.
fn placeholder_char(diag: &Diagnostic, excerpts: &[Excerpt]) -> char {
    let texts: Vec<&str> = [diag.message.as_str(), diag.span_label.as_str()]
        .into_iter()
        .chain(diag.labels.iter().map(|l| l.message.as_str()))
        .chain(diag.notes.iter().map(String::as_str))
        .chain(diag.help.iter().map(String::as_str))
        .chain(diag.template.as_deref())
        .chain(excerpts.iter().map(|e| e.text.as_str()))
        .collect();
    ('\u{e000}'..='\u{f8ff}')
        .find(|c| !texts.iter().any(|t| t.contains(*c)))
        .unwrap_or('\u{f8ff}')
}

/// Replaces each `placeholder:line:col` that annotate-snippets printed by `location`.
fn replace_placeholders<'a>(
    rendered: String,
    locations: impl Iterator<Item = (&'a str, String)>,
) -> String {
    let mut rendered = rendered;
    for (placeholder, location) in locations {
        let Some(start) = rendered.find(placeholder) else {
            continue;
        };
        let mut end = start + placeholder.len();
        // Skip the `:line:col` annotate-snippets appended.
        for _ in 0..2 {
            let rest = &rendered.as_bytes()[end..];
            if rest.first() != Some(&b':') {
                break;
            }
            let digits = rest[1..].iter().take_while(|b| b.is_ascii_digit()).count();
            if digits == 0 {
                break;
            }
            end += 1 + digits;
        }
        rendered.replace_range(start..end, &location);
    }
    rendered
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diagnostic::ObjectRef;
    use crate::source::{SourceFile, Span};

    const SECRET: &str = "TOPSECRET-c2VjcmV0LWtleS1tYXRlcmlhbA";

    fn render_plain(diags: &[Diagnostic], sources: &SourceMap, redactions: &Redactions) -> String {
        let mut out = Vec::new();
        render(&mut out, diags, sources, redactions, false).unwrap();
        String::from_utf8(out).unwrap()
    }

    fn span_of(sources: &SourceMap, file: FileId, needle: &str) -> Span {
        let start = sources
            .get(file)
            .text
            .find(needle)
            .unwrap_or_else(|| panic!("{needle:?} not in file {file}"));
        Span::new(file, start, start + needle.len())
    }

    fn add(sources: &mut SourceMap, name: &str, text: &str) -> FileId {
        sources.add(SourceFile::new(name, text.as_bytes().to_vec()))
    }

    const RENDERED: &str = "\
---
# Source: spark-operator/templates/webhook/mutatingwebhookconfiguration.yaml
apiVersion: admissionregistration.k8s.io/v1
kind: MutatingWebhookConfiguration
metadata:
  name: spark-operator-webhook
webhooks:
  - name: mutate.sparkoperator.k8s.io
    clientConfig:
      service:
        name: spark-operator-webhook-svc
        namespace: default
";

    fn cluster_state() -> String {
        format!(
            "\
apiVersion: v1
kind: Secret
metadata:
  name: spark-operator-webhook-certs
  namespace: default
type: kubernetes.io/tls
data:
  tls.crt: {SECRET}
  tls.key: {SECRET}
"
        )
    }

    #[test]
    fn single_file() {
        let mut sources = SourceMap::default();
        let f = add(&mut sources, "rendered.yaml", RENDERED);
        let diag = Diagnostic::new(
            "webhook-service",
            Severity::Warning,
            "webhook service namespace is not set",
            span_of(&sources, f, "spark-operator-webhook-svc"),
        )
        .with_span_label("this Service")
        .with_label(
            span_of(&sources, f, "namespace: default"),
            "in this namespace",
        );
        insta::assert_snapshot!(render_plain(&[diag], &sources, &Redactions::default()));
    }

    #[test]
    fn two_files_with_template_and_help() {
        let mut sources = SourceMap::default();
        let rendered = add(&mut sources, "rendered.yaml", RENDERED);
        let state = add(&mut sources, "cluster-state.yaml", &cluster_state());
        let mut redactions = Redactions::default();
        redactions.add(span_of(&sources, state, SECRET));
        let key = sources.get(state).text.rfind(SECRET).unwrap();
        redactions.add(Span::new(state, key, key + SECRET.len()));
        let diag = Diagnostic::new(
            "webhook-hostname",
            Severity::Error,
            "x509: certificate is valid for spark-operator-webhook.default.svc, not spark-operator-webhook-svc.default.svc",
            span_of(&sources, rendered, "spark-operator-webhook-svc"),
        )
        .with_span_label("the API server calls spark-operator-webhook-svc.default.svc")
        .with_label(span_of(&sources, state, "tls.crt"), "certificate valid for spark-operator-webhook.default.svc")
        .with_template(Some("spark-operator/templates/webhook/mutatingwebhookconfiguration.yaml".into()))
        .with_note("the certificate was read from Secret default/spark-operator-webhook-certs")
        .with_help("delete the Secret so the operator regenerates it, or set webhook.serviceName")
        .with_object(Some(ObjectRef {
            api_version: "admissionregistration.k8s.io/v1".into(),
            kind: "MutatingWebhookConfiguration".into(),
            namespace: None,
            name: "spark-operator-webhook".into(),
        }));
        let out = render_plain(&[diag], &sources, &redactions);
        assert!(!out.contains(SECRET));
        insta::assert_snapshot!(out);
    }

    #[test]
    fn several_diagnostics_and_summary() {
        let mut sources = SourceMap::default();
        let f = add(&mut sources, "rendered.yaml", RENDERED);
        let at = |needle| span_of(&sources, f, needle);
        let diags = [
            Diagnostic::new("a", Severity::Error, "first", at("kind")),
            Diagnostic::new("b", Severity::Error, "second", at("webhooks")),
            Diagnostic::new("c", Severity::Warning, "third", at("metadata")),
            Diagnostic::new("d", Severity::Note, "fourth", at("name: spark")),
        ];
        insta::assert_snapshot!(render_plain(&diags, &sources, &Redactions::default()));
        assert_eq!(render_plain(&[], &sources, &Redactions::default()), "");
    }

    #[test]
    fn crlf_file() {
        let mut sources = SourceMap::default();
        let f = add(&mut sources, "crlf.yaml", &RENDERED.replace('\n', "\r\n"));
        let diag = Diagnostic::new(
            "webhook-service",
            Severity::Error,
            "service not found",
            span_of(&sources, f, "spark-operator-webhook-svc"),
        )
        .with_span_label("no Service with this name")
        .with_label(span_of(&sources, f, "service:"), "referenced here");
        let out = render_plain(&[diag], &sources, &Redactions::default());
        assert!(!out.contains('\r'));
        insta::assert_snapshot!(out);
    }

    #[test]
    fn bom_file() {
        let mut sources = SourceMap::default();
        let f = add(
            &mut sources,
            "bom.yaml",
            "\u{feff}apiVersion: v1\nkind: Service\n",
        );
        let diag = Diagnostic::new(
            "parse",
            Severity::Error,
            "first line",
            span_of(&sources, f, "apiVersion"),
        )
        .with_span_label("here");
        let out = render_plain(&[diag], &sources, &Redactions::default());
        assert!(!out.contains('\u{feff}'));
        insta::assert_snapshot!(out);
    }

    #[test]
    fn non_ascii_before_span() {
        let mut sources = SourceMap::default();
        let f = add(
            &mut sources,
            "unicode.yaml",
            "metadata:\n  annotations:\n    описание: \"сервис вебхука\" # ✓ ok\n    note: \"日本語\"  \tname: bad-name\n",
        );
        let diag = Diagnostic::new(
            "unicode",
            Severity::Warning,
            "columns count characters",
            span_of(&sources, f, "bad-name"),
        )
        .with_span_label("after CJK text and a tab")
        .with_label(span_of(&sources, f, "ok"), "after Cyrillic text");
        let out = render_plain(&[diag], &sources, &Redactions::default());
        assert!(out.contains("--> unicode.yaml:4:25"), "{out}");
        insta::assert_snapshot!(out);
    }

    #[test]
    fn multi_line_span() {
        let mut sources = SourceMap::default();
        let f = add(&mut sources, "rendered.yaml", RENDERED);
        let text = &sources.get(f).text;
        let start = text.find("clientConfig").unwrap();
        let end = text.find("namespace: default").unwrap() + "namespace: default\n".len();
        let diag = Diagnostic::new(
            "client-config",
            Severity::Error,
            "clientConfig has no caBundle",
            Span::new(f, start, end),
        )
        .with_span_label("this clientConfig")
        .with_label(span_of(&sources, f, "- name: mutate"), "in this webhook");
        insta::assert_snapshot!(render_plain(&[diag], &sources, &Redactions::default()));
    }

    #[test]
    fn long_multi_line_span_shows_its_ends() {
        let mut text = String::from("items:\n");
        for i in 0..2000 {
            text.push_str(&format!("  - item{i}\n"));
        }
        let mut sources = SourceMap::default();
        let f = add(&mut sources, "long.yaml", &text);
        let start = text.find("- item0").unwrap();
        let end = text.find("item1999").unwrap() + "item1999".len();
        let diag = Diagnostic::new(
            "long",
            Severity::Note,
            "long list",
            Span::new(f, start, end),
        )
        .with_span_label("all of it");
        insta::assert_snapshot!(render_plain(&[diag], &sources, &Redactions::default()));
    }

    /// A secret string in the source never reaches the output: not when a label points
    /// at it, not when it is a block scalar, not when it shares a long line with a span.
    #[test]
    fn redaction() {
        let block = format!(
            "apiVersion: v1\nkind: Secret\ndata:\n  ca.crt: |\n    {SECRET}\n    {SECRET}\n\n    {SECRET}\n  tls.crt: \"{SECRET}\"\nstringData:\n  inline: {{a: {SECRET}, b: 1}}\n"
        );
        let mut sources = SourceMap::default();
        let f = add(&mut sources, "secret.yaml", &block);
        let mut redactions = Redactions::default();
        let text = &sources.get(f).text;
        let block_start = text.find("|\n").unwrap() + 2;
        let block_end = text.find("  tls.crt").unwrap();
        redactions.add(Span::new(f, block_start, block_end));
        let quoted = text.find(&format!("\"{SECRET}\"")).unwrap();
        redactions.add(Span::new(f, quoted, quoted + SECRET.len() + 2));
        let flow = text.find(&format!("a: {SECRET}")).unwrap() + 3;
        redactions.add(Span::new(f, flow, flow + SECRET.len()));

        let inside_block = text.find(SECRET).unwrap() + 5;
        let diags = [
            Diagnostic::new(
                "tls-pem",
                Severity::Error,
                "label exactly on the secret value",
                Span::new(f, quoted + 1, quoted + 1 + SECRET.len()),
            )
            .with_span_label("not a certificate")
            .with_label(
                Span::new(f, inside_block, inside_block + 4),
                "inside the block scalar",
            )
            .with_label(
                Span::new(f, flow, flow + SECRET.len()),
                "exactly on a secret",
            ),
            Diagnostic::new(
                "tls-pem",
                Severity::Error,
                "the whole block scalar",
                Span::new(f, block_start, block_end),
            )
            .with_span_label("this bundle"),
            Diagnostic::new(
                "tls-pem",
                Severity::Warning,
                "after a secret on the same line",
                span_of(&sources, f, "b: 1"),
            )
            .with_span_label("column stays right"),
        ];
        let out = render_plain(&diags, &sources, &redactions);
        assert!(!out.contains(SECRET), "{out}");
        assert!(!out.contains("TOPSECRET"), "{out}");
        assert!(
            out.contains(&format!("--> secret.yaml:11:{}", 17 + SECRET.len())),
            "{out}"
        );
        insta::assert_snapshot!(out);

        let mut json = Vec::new();
        let summary = Summary::count(1, 1, &diags);
        crate::report::json::render(&mut json, &diags, &sources, &summary, &[]).unwrap();
        let json = String::from_utf8(json).unwrap();
        assert!(!json.contains("TOPSECRET"), "{json}");
    }

    #[test]
    fn redaction_on_a_long_line() {
        let line = format!(
            "{{\"kind\":\"Secret\",\"data\":{{\"tls.crt\":\"{SECRET}{}\"}},\"padding\":\"{}\",\"target\":\"here\"}}\n",
            "A".repeat(3000),
            "p".repeat(3000)
        );
        let mut sources = SourceMap::default();
        let f = add(&mut sources, "one-line.json", &line);
        let mut redactions = Redactions::default();
        let value = line.find(SECRET).unwrap() - 1;
        redactions.add(Span::new(f, value, value + SECRET.len() + 3002));
        let diags = [
            Diagnostic::new(
                "r",
                Severity::Error,
                "far along a long line",
                span_of(&sources, f, "\"here\""),
            )
            .with_span_label("here")
            .with_label(span_of(&sources, f, "\"tls.crt\""), "the key"),
            Diagnostic::new(
                "r",
                Severity::Error,
                "on the secret",
                Span::new(f, value + 10, value + 20),
            )
            .with_span_label("inside"),
        ];
        let out = render_plain(&diags, &sources, &redactions);
        assert!(!out.contains("TOPSECRET"), "{out}");
        let column = line.find("\"here\"").unwrap() + 1;
        assert!(
            out.contains(&format!("--> one-line.json:1:{column}")),
            "{out}"
        );
        insta::assert_snapshot!(out);
    }

    #[test]
    fn degenerate_spans_do_not_panic() {
        let mut sources = SourceMap::default();
        let empty = add(&mut sources, "empty.yaml", "");
        let f = add(&mut sources, "f.yaml", "a: é\nb: 2\n");
        let len = sources.get(f).text.len();
        let diags = [
            Diagnostic::new("r", Severity::Error, "empty file", Span::new(empty, 0, 0)),
            Diagnostic::new("r", Severity::Error, "at end", Span::new(f, len, len))
                .with_label(Span::new(f, len + 10, len + 20), "past the end"),
            Diagnostic::new("r", Severity::Error, "inside a char", Span::new(f, 4, 5))
                .with_label(Span::new(f, 0, len), "everything"),
        ];
        let out = render_plain(&diags, &sources, &Redactions::default());
        assert!(out.contains("--> empty.yaml:1:1"), "{out}");
        assert!(out.contains("--> f.yaml:3:1"), "{out}");
        assert!(out.contains("--> f.yaml:1:4"), "{out}");
    }

    #[test]
    fn color_only_when_asked() {
        let mut sources = SourceMap::default();
        let f = add(&mut sources, "rendered.yaml", RENDERED);
        let diag = Diagnostic::new("r", Severity::Error, "m", span_of(&sources, f, "kind"));
        let mut out = Vec::new();
        render(
            &mut out,
            std::slice::from_ref(&diag),
            &sources,
            &Redactions::default(),
            true,
        )
        .unwrap();
        let colored = String::from_utf8(out).unwrap();
        assert!(colored.contains("\u{1b}["));
        assert!(colored.contains("rendered.yaml:4:1"), "{colored}");
        assert!(!render_plain(&[diag], &sources, &Redactions::default()).contains('\u{1b}'));
    }

    /// 10,000 diagnostics over a 50 MB file: `cargo test --release --lib report -- --ignored`.
    #[test]
    #[ignore]
    fn renders_many_diagnostics_on_a_big_file_quickly() {
        let document = "apiVersion: v1\nkind: Service\nmetadata:\n  name: svc\n  namespace: default\nspec:\n  ports:\n    - port: 443\n---\n";
        let copies = 50_000_000 / document.len();
        let text = document.repeat(copies);
        let mut sources = SourceMap::default();
        let f = add(&mut sources, "big.yaml", &text);
        let step = copies / 10_000;
        let diags: Vec<Diagnostic> = (0..10_000)
            .map(|i| {
                let base = i * step * document.len();
                let name = base + document.find("svc").unwrap();
                let port = base + document.find("443").unwrap();
                Diagnostic::new(
                    "perf",
                    Severity::Warning,
                    "service port",
                    Span::new(f, port, port + 3),
                )
                .with_span_label("this port")
                .with_label(Span::new(f, name, name + 3), "of this Service")
                .with_help("check it")
            })
            .collect();
        let started = std::time::Instant::now();
        let mut out = Vec::new();
        render(&mut out, &diags, &sources, &Redactions::default(), false).unwrap();
        let elapsed = started.elapsed();
        eprintln!("rendered {} bytes in {elapsed:?}", out.len());
        assert!(elapsed < std::time::Duration::from_secs(1), "{elapsed:?}");
    }
}
