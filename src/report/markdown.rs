//! Markdown for pull-request comments and GitHub's job summary (`$GITHUB_STEP_SUMMARY`):
//! a summary line, a table of findings, each finding's help and notes, and the failing
//! endpoints' Mermaid graph when there is one. A clean run is a document too (a ✅ line),
//! as people append stdout to the job summary.
//!
//! Input text is first shown by [`crate::untrusted::escape`] (no control or bidi
//! character survives), then escaped for Markdown: in prose, `&`, `<` and `>` become
//! entities (no HTML, no `<…>` autolink) and the punctuation of emphasis, code, links,
//! strikethrough and tables is backslash-escaped (`|` as `\|`, which table parsers read
//! before anything else); names and paths are code: a plain code span when they hold
//! nothing Markdown or HTML reads, else `<code>` around the same escaped text. So no `<`
//! from an input reaches the document.
//!
//! The size is bounded (a step summary takes at most 1 MiB): each input text is cut at
//! [`MAX_TEXT`] characters, the table at [`MAX_ROWS`] rows or [`BUDGET`] bytes, and the rest
//! counted, pointing to `--format json`. Only messages, names and places are written, never
//! source text, so nothing needs redacting.

use super::summary::{plural, Scope, Summary};
use crate::diagnostic::{Diagnostic, ObjectRef, Severity};
use crate::source::SourceMap;
use std::borrow::Cow;
use std::fmt::Write as _;
use std::io::{self, Write};

/// Rows shown open; the rest fold into `<details>`: about a screen of a pull-request
/// comment, so the summary and the first findings are read without scrolling past a wall.
const OPEN_ROWS: usize = 10;
/// Rows at most: more is no longer read in a comment, and `--format json` has them all.
const MAX_ROWS: usize = 100;
/// Findings whose help and notes are shown open; with more, the section folds (it is
/// several lines per finding, longer than the table).
const OPEN_HELP: usize = 3;
/// Bytes of the document after which no row or help is added: a quarter of GitHub's 1 MiB
/// step summary, leaving room for other steps. 100 ordinary rows take about 40 KiB; this
/// stops hostile, long texts.
const BUDGET: usize = 256 * 1024;
/// Characters of one input text shown (a message, a name, a path), then `…`: Kubernetes
/// names stop at 253, messages quoting a few of them stay well under.
const MAX_TEXT: usize = 1000;
/// Mermaid's default `maxTextSize`: GitHub renders a larger graph as an error.
const MAX_MERMAID: usize = 50_000;

const HEADER: &str = "| # | Severity | Rule | Object | Location | Message |\n\
                      |--:|----------|------|--------|----------|---------|\n";

/// `mermaid`: the failing endpoints' graph, already rendered, without fences.
pub fn render(
    out: &mut dyn Write,
    diags: &[Diagnostic],
    sources: &SourceMap,
    summary: &Summary,
    scope: &Scope,
    mermaid: Option<&str>,
) -> io::Result<()> {
    out.write_all(document(diags, sources, summary, scope, mermaid).as_bytes())
}

fn document(
    diags: &[Diagnostic],
    sources: &SourceMap,
    summary: &Summary,
    scope: &Scope,
    mermaid: Option<&str>,
) -> String {
    let mut doc = String::from("### speclint\n\n");
    doc.push_str(&summary_line(diags, summary, scope));
    if diags.is_empty() {
        return doc;
    }
    let shown = table(&mut doc, diags, sources);
    help(&mut doc, &diags[..shown], sources);
    if let Some(graph) = mermaid.filter(|g| !g.trim().is_empty()) {
        doc.push_str("\n#### Failing endpoints\n\n");
        doc.push_str(&mermaid_block(graph));
    }
    doc
}

/// `❌ **2 errors** · ⚠️ **1 warning** · ℹ️ **0 notes** · checked …`, or the clean line.
fn summary_line(diags: &[Diagnostic], summary: &Summary, scope: &Scope) -> String {
    if !diags.is_empty() {
        return format!(
            "{} **{}** · {} **{}** · {} **{}** · {}\n",
            icon(Severity::Error),
            plural(summary.errors, "error"),
            icon(Severity::Warning),
            plural(summary.warnings, "warning"),
            icon(Severity::Note),
            plural(summary.notes, "note"),
            scope.checked()
        );
    }
    if scope.objects == 0 {
        // "No problems" would read as a pass.
        return format!(
            "⚠️ speclint: no Kubernetes objects found in {}; nothing was checked\n",
            plural(scope.files, "file")
        );
    }
    format!("✅ speclint: no problems ({})\n", scope.checked())
}

fn icon(severity: Severity) -> &'static str {
    match severity {
        Severity::Error => "❌",
        Severity::Warning => "⚠️",
        Severity::Note => "ℹ️",
    }
}

/// The findings' table, open then folded; returns how many rows it holds.
fn table(doc: &mut String, diags: &[Diagnostic], sources: &SourceMap) -> usize {
    doc.push('\n');
    doc.push_str(HEADER);
    let mut shown = 0;
    for (i, d) in diags.iter().enumerate().take(MAX_ROWS) {
        if doc.len() > BUDGET {
            break;
        }
        if i == OPEN_ROWS {
            let folded = diags.len().min(MAX_ROWS) - OPEN_ROWS;
            let _ = write!(
                doc,
                "\n<details><summary>{}</summary>\n\n{HEADER}",
                plural(folded, "more finding")
            );
        }
        row(doc, i + 1, d, sources);
        shown += 1;
    }
    if shown > OPEN_ROWS {
        doc.push_str("\n</details>\n");
    }
    if shown < diags.len() {
        let _ = writeln!(
            doc,
            "\n…and {} not shown; `speclint --format json` lists them all.",
            plural(diags.len() - shown, "more finding")
        );
    }
    shown
}

fn row(doc: &mut String, number: usize, d: &Diagnostic, sources: &SourceMap) {
    let _ = writeln!(
        doc,
        "| {number} | {} {} | {} | {} | {} | {} |",
        icon(d.severity),
        d.severity.as_str(),
        code(d.rule),
        object_cell(d),
        location(d, sources),
        prose(&d.message)
    );
}

/// Each shown finding's help and notes, numbered as in the table.
fn help(doc: &mut String, shown: &[Diagnostic], sources: &SourceMap) {
    let helped: Vec<(usize, &Diagnostic)> = (shown.iter().enumerate())
        .filter(|(_, d)| !d.help.is_empty() || !d.notes.is_empty())
        .map(|(i, d)| (i + 1, d))
        .collect();
    if helped.is_empty() {
        return;
    }
    let folded = helped.len() > OPEN_HELP;
    doc.push_str("\n#### Help\n\n");
    if folded {
        let _ = write!(
            doc,
            "<details><summary>Help and notes on {}</summary>\n\n",
            plural(helped.len(), "finding")
        );
    }
    let mut written = 0;
    for (number, d) in &helped {
        if doc.len() > BUDGET {
            break;
        }
        let _ = write!(doc, "**{number}.** {} {}", icon(d.severity), code(d.rule));
        if d.object.is_some() {
            let _ = write!(doc, " on {}", object_cell(d));
        }
        let _ = writeln!(doc, " at {}\n", location(d, sources));
        for text in &d.help {
            let _ = writeln!(doc, "- help: {}", prose_with_code(text));
        }
        for text in &d.notes {
            let _ = writeln!(doc, "- note: {}", prose_with_code(text));
        }
        doc.push('\n');
        written += 1;
    }
    if written < helped.len() {
        let _ = writeln!(
            doc,
            "…and help for {} not shown; `speclint --format json` has it.\n",
            plural(helped.len() - written, "more finding")
        );
    }
    if folded {
        doc.push_str("</details>\n");
    }
}

/// `Kind namespace/name` in a code span, or `—` when the finding is about no object.
fn object_cell(d: &Diagnostic) -> String {
    d.object
        .as_ref()
        .map_or_else(|| "—".to_string(), |o| code(&object_name(o)))
}

fn object_name(o: &ObjectRef) -> String {
    match &o.namespace {
        Some(namespace) => format!("{} {namespace}/{}", o.kind, o.name),
        None => format!("{} {}", o.kind, o.name),
    }
}

/// `file:line` as given; for a chart's render, the template file and the render's line.
fn location(d: &Diagnostic, sources: &SourceMap) -> String {
    let (start, _) = sources.line_col(d.span);
    let at = format!("{}:{}", sources.get(d.span.file).name, start.line);
    match super::template::template_file(d, sources) {
        Some(template) => format!("{} (rendered at {})", code(&template), code(&at)),
        None => code(&at),
    }
}

/// Input text cut at [`MAX_TEXT`] characters and shown by [`crate::untrusted::escape`].
fn visible(text: &str) -> String {
    match text.char_indices().nth(MAX_TEXT) {
        Some((at, _)) => format!("{}…", crate::untrusted::escape(&text[..at])),
        None => crate::untrusted::escape(text).into_owned(),
    }
}

/// Input text as Markdown prose that renders as exactly that text.
fn prose(text: &str) -> String {
    markdown_text(&visible(text))
}

/// Visible text made inert: `&`, `<` and `>` as entities (no HTML, entity or autolink), and
/// backslashes before the punctuation of emphasis, code, links, strikethrough and table
/// cells (`\|` is `|` in and out of tables).
fn markdown_text(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '\\' | '`' | '*' | '_' | '[' | ']' | '~' | '|' => {
                out.push('\\');
                out.push(c);
            }
            c => out.push(c),
        }
    }
    out
}

/// Help or a note, whose commands speclint quotes in backticks: those become code (copied
/// whole), the rest prose. A backtick from an input can only shift which pieces are code;
/// each piece is escaped as such.
fn prose_with_code(text: &str) -> String {
    if !text.matches('`').count().is_multiple_of(2) {
        return prose(text);
    }
    let pieces = text.split('`').enumerate();
    (pieces.map(|(i, piece)| match i % 2 {
        0 => prose(piece),
        _ if piece.is_empty() => String::new(),
        _ => code(piece),
    }))
    .collect()
}

/// Input text as code: a plain code span when nothing in it means anything to Markdown
/// or HTML (names and paths nearly always), else `<code>` around escaped prose, so that no
/// `<` from an input reaches the page even inside a code span (and no backtick fence or
/// table pipe has to be got right).
fn code(text: &str) -> String {
    let text = visible(text);
    let plain = |c: char| !matches!(c, '`' | '<' | '>' | '&' | '|' | '\\');
    if text.is_empty() {
        "—".to_string()
    } else if text.chars().all(plain) && !text.starts_with(' ') && !text.ends_with(' ') {
        format!("`{text}`")
    } else {
        format!("<code>{}</code>", markdown_text(&text))
    }
}

fn longest_run(text: &str, of: char) -> usize {
    let (mut longest, mut run) = (0, 0);
    for c in text.chars() {
        run = if c == of { run + 1 } else { 0 };
        longest = longest.max(run);
    }
    longest
}

/// The graph in a ```` ```mermaid ```` block fenced longer than any backtick run in it, each
/// line shown by [`crate::untrusted::escape`]; too large a graph is named, not drawn.
fn mermaid_block(graph: &str) -> String {
    if graph.len() > MAX_MERMAID {
        return format!(
            "The graph is {} bytes, more than Mermaid draws ({MAX_MERMAID}); \
             `speclint --format json` lists the endpoints.\n",
            graph.len()
        );
    }
    let lines: Vec<Cow<str>> = graph.lines().map(crate::untrusted::escape).collect();
    let body = lines.join("\n");
    let fence = "`".repeat(longest_run(&body, '`').max(2) + 1);
    format!("{fence}mermaid\n{body}\n{fence}\n")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::{SourceFile, Span};

    const HOSTILE: &str = "a|b`c``d<script>alert(1)</script><img src=x onerror=alert(1)>&amp;*e*_f_[g](h)~~i~~\\\n::error file=x::y\u{202e}z\u{1b}[2J";

    fn one_finding(name: &str, message: &str) -> (Vec<Diagnostic>, SourceMap) {
        let mut sources = SourceMap::default();
        let file = sources.add(SourceFile::new(name, b"kind: Service\n".to_vec()));
        let d = Diagnostic::new(
            "webhook-hostname",
            Severity::Error,
            message,
            Span {
                file,
                start: 0,
                end: 4,
            },
        )
        .with_help(format!("rename {message}"))
        .with_note("a note")
        .with_object(Some(ObjectRef {
            api_version: "v1".into(),
            kind: "Service".into(),
            namespace: Some(name.into()),
            name: name.into(),
        }));
        (vec![d], sources)
    }

    fn render_all(diags: &[Diagnostic], sources: &SourceMap, mermaid: Option<&str>) -> String {
        let summary = Summary::count(1, 1, diags);
        let scope = Scope {
            files: 1,
            objects: 1,
            endpoints: 1,
        };
        document(diags, sources, &summary, &scope, mermaid)
    }

    /// No HTML but speclint's own tags, no control or bidi character, no workflow
    /// command, no extra table cell.
    fn assert_inert(doc: &str) {
        let mut rest = doc.to_string();
        for own in [
            "<code>",
            "</code>",
            "<details>",
            "</details>",
            "<summary>",
            "</summary>",
        ] {
            rest = rest.replace(own, "");
        }
        assert!(!rest.contains('<'), "{doc}");
        for bad in ["\u{202e}", "\u{1b}", "\n::"] {
            assert!(!doc.contains(bad), "{bad:?} in {doc}");
        }
        for line in doc.lines().filter(|l| l.starts_with("| ")) {
            assert_eq!(cells(line), 6, "{line}");
        }
    }

    /// Cells of a table row as GitHub splits them: at each `|` not after a backslash.
    fn cells(line: &str) -> usize {
        let mut escaped = false;
        let mut pipes = 0;
        for c in line.chars() {
            if c == '|' && !escaped {
                pipes += 1;
            }
            escaped = c == '\\';
        }
        pipes - 1
    }

    #[test]
    fn prose_renders_as_the_text() {
        assert_eq!(
            prose("<b>&x</b> *a* _b_ `c` [d](e) ~f~ g|h \\"),
            "&lt;b&gt;&amp;x&lt;/b&gt; \\*a\\* \\_b\\_ \\`c\\` \\[d\\](e) \\~f\\~ g\\|h \\\\"
        );
        assert_eq!(
            prose("a\n::error x\u{202e}"),
            "a\u{240a}::error x&lt;U+202E&gt;"
        );
    }

    #[test]
    fn help_keeps_its_commands_as_code() {
        assert_eq!(
            prose_with_code("run `kubectl get x` then *wait* `for <y>`"),
            "run `kubectl get x` then \\*wait\\* <code>for &lt;y&gt;</code>"
        );
        assert_eq!(prose_with_code("odd ` tick"), "odd \\` tick");
        assert_eq!(prose_with_code("a `` b"), "a  b");
    }

    #[test]
    fn code_is_a_span_when_plain_else_escaped_html_code() {
        assert_eq!(code("Service ns/plain-1.x:2"), "`Service ns/plain-1.x:2`");
        assert_eq!(code("a`b"), "<code>a\\`b</code>");
        assert_eq!(code(" x"), "<code> x</code>");
        assert_eq!(code("a|b"), "<code>a\\|b</code>");
        assert_eq!(code("<script>"), "<code>&lt;script&gt;</code>");
        assert_eq!(code(""), "—");
        assert_eq!(
            code("x\n::error y\u{202e}"),
            "<code>x\u{240a}::error y&lt;U+202E&gt;</code>"
        );
    }

    #[test]
    fn hostile_names_messages_and_paths_stay_text() {
        let (diags, sources) = one_finding(HOSTILE, HOSTILE);
        let doc = render_all(&diags, &sources, None);
        assert_inert(&doc);
        // The name in the object cell is code, whole.
        assert!(
            doc.contains("<code>Service a\\|b\\`c\\`\\`d&lt;script&gt;"),
            "{doc}"
        );
        assert!(
            doc.contains("&lt;script&gt;alert(1)&lt;/script&gt;"),
            "{doc}"
        );
        assert!(doc.contains("\u{240a}::error file=x::y&lt;U+202E&gt;z\u{241b}"));
    }

    #[test]
    fn long_texts_are_cut() {
        let long = "<".repeat(10 * MAX_TEXT);
        let (diags, sources) = one_finding("n", &long);
        let doc = render_all(&diags, &sources, None);
        assert!(doc.len() < 3 * 4 * MAX_TEXT + 2000, "{}", doc.len());
        assert!(doc.contains("&lt;…"));
    }

    #[test]
    fn clean_and_empty_runs_say_so() {
        let sources = SourceMap::default();
        let summary = Summary::default();
        let scope = |objects| Scope {
            files: 2,
            objects,
            endpoints: 1,
        };
        assert_eq!(
            document(&[], &sources, &summary, &scope(3), Some("graph LR")),
            "### speclint\n\n✅ speclint: no problems (checked 2 files, 3 objects, 1 webhook endpoint)\n"
        );
        assert!(document(&[], &sources, &summary, &scope(0), None).contains("nothing was checked"));
    }

    #[test]
    fn mermaid_is_fenced_when_given() {
        let (diags, sources) = one_finding("n", "m");
        assert!(!render_all(&diags, &sources, None).contains("Failing endpoints"));
        assert!(!render_all(&diags, &sources, Some(" \n")).contains("Failing endpoints"));
        let doc = render_all(&diags, &sources, Some("graph LR\n  a[\"```x\"] --> b\n"));
        assert!(
            doc.ends_with(
                "#### Failing endpoints\n\n````mermaid\ngraph LR\n  a[\"```x\"] --> b\n````\n"
            ),
            "{doc}"
        );
        let huge = "a-->b\n".repeat(MAX_MERMAID);
        assert!(render_all(&diags, &sources, Some(&huge)).contains("more than Mermaid draws"));
    }

    #[test]
    fn many_findings_stay_bounded_and_folded() {
        let (one, sources) = one_finding(&"n".repeat(MAX_TEXT), &"<|".repeat(MAX_TEXT));
        let diags = vec![one[0].clone(); 10_000];
        let doc = render_all(&diags, &sources, None);
        assert!(doc.len() < BUDGET + 64 * 1024, "{}", doc.len());
        assert!(doc.contains("<details><summary>"));
        assert!(doc.contains("more findings not shown; `speclint --format json` lists them all."));
        assert_inert(&doc);
        let (small, sources) = one_finding("n", "m");
        let doc = render_all(&vec![small[0].clone(); 10_000], &sources, None);
        assert_eq!(
            doc.matches("\n| ").count(),
            MAX_ROWS + 2,
            "rows and two headers"
        );
        assert!(doc.contains("…and 9900 more findings not shown"));
    }
}
