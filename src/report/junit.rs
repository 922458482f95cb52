//! JUnit XML: a `<testsuite>` per input file and a `<testcase>` per object checked in it,
//! with a `<failure>` per finding at the `--fail-on` level or above; findings below it are
//! listed in the test case's `<system-out>`. Findings about no object (a YAML error) get a
//! test case of their own. A file without objects or findings gets one passing test case.
//!
//! Only messages, locations and help are written, never source text.

use crate::diagnostic::{Diagnostic, ObjectRef, Severity};
use crate::source::{SourceMap, Span};
use foldhash::HashMap;
use std::fmt::Write as _;
use std::io::{self, Write};

/// An object that was checked, and where it is.
pub(crate) type Checked = (ObjectRef, Span);

struct Case<'d> {
    name: String,
    line: usize,
    findings: Vec<&'d Diagnostic>,
}

pub fn render(
    out: &mut dyn Write,
    diags: &[Diagnostic],
    sources: &SourceMap,
    objects: &[Checked],
    fail_on: Severity,
) -> io::Result<()> {
    let failing = |d: &Diagnostic| d.severity <= fail_on;
    // A case per object, by file. Each finding joins its object's case (the one in the
    // finding's file, else the first), or gets a case of its own.
    let mut cases: Vec<Vec<Case>> = (0..sources.len()).map(|_| Vec::new()).collect();
    let mut case_of: HashMap<&ObjectRef, Vec<(usize, usize)>> = HashMap::default();
    for (object, span) in objects {
        let in_file = &mut cases[span.file];
        case_of
            .entry(object)
            .or_default()
            .push((span.file, in_file.len()));
        in_file.push(Case {
            name: object_name(object),
            line: sources.line_col(*span).0.line,
            findings: Vec::new(),
        });
    }
    for d in diags {
        let home = d
            .object
            .as_ref()
            .and_then(|o| case_of.get(o))
            .and_then(|places| {
                places
                    .iter()
                    .find(|(file, _)| *file == d.span.file)
                    .or(places.first())
            });
        match home {
            Some(&(file, case)) => cases[file][case].findings.push(d),
            None => {
                let (start, _) = sources.line_col(d.span);
                cases[d.span.file].push(Case {
                    name: format!("{}:{}", sources.get(d.span.file).name, start.line),
                    line: start.line,
                    findings: vec![d],
                });
            }
        }
    }
    let mut suites = String::new();
    let (mut tests, mut failures) = (0, 0);
    for ((_, file), mut cases) in sources.files().zip(cases) {
        if cases.is_empty() {
            cases.push(Case {
                name: "no objects".to_string(),
                line: 1,
                findings: Vec::new(),
            });
        }
        let file_failures = cases
            .iter()
            .filter(|c| c.findings.iter().any(|d| failing(d)))
            .count();
        tests += cases.len();
        failures += file_failures;
        let name = escape(&file.name);
        let _ = writeln!(
            suites,
            "  <testsuite name=\"{name}\" tests=\"{}\" failures=\"{file_failures}\" errors=\"0\" skipped=\"0\">",
            cases.len()
        );
        for case in cases {
            let _ = write!(
                suites,
                "    <testcase name=\"{}\" classname=\"speclint\" file=\"{name}\" line=\"{}\"",
                escape(&case.name),
                case.line
            );
            if case.findings.is_empty() {
                suites.push_str("/>\n");
                continue;
            }
            suites.push_str(">\n");
            let mut below = String::new();
            for d in case.findings {
                let text = finding_text(d, sources);
                if failing(d) {
                    let _ = writeln!(
                        suites,
                        "      <failure message=\"{}\" type=\"{}\">{}</failure>",
                        escape(&format!(
                            "{}[{}] {}",
                            d.severity.as_str(),
                            d.rule,
                            d.message
                        )),
                        d.severity.as_str(),
                        escape_lines(&text)
                    );
                } else {
                    below.push_str(&text);
                    below.push('\n');
                }
            }
            if !below.is_empty() {
                let _ = writeln!(
                    suites,
                    "      <system-out>{}</system-out>",
                    escape_lines(&below)
                );
            }
            suites.push_str("    </testcase>\n");
        }
        suites.push_str("  </testsuite>\n");
    }
    write!(
        out,
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites name=\"speclint\" tests=\"{tests}\" failures=\"{failures}\" errors=\"0\">\n{suites}</testsuites>\n"
    )
}

fn object_name(o: &ObjectRef) -> String {
    match &o.namespace {
        Some(ns) => format!("{}/{ns}/{}", o.kind, o.name),
        None => format!("{}/{}", o.kind, o.name),
    }
}

/// `file:line:col: severity[rule] message`, then labels, notes and help.
fn finding_text(d: &Diagnostic, sources: &SourceMap) -> String {
    let (start, _) = sources.line_col(d.span);
    // Pieces from inputs are shown on one line each; the line breaks are speclint's.
    let mut text = format!(
        "{}:{}:{}: {}[{}] {}",
        crate::untrusted::escape(&sources.get(d.span.file).name),
        start.line,
        start.column,
        d.severity.as_str(),
        d.rule,
        crate::untrusted::escape(&d.message)
    );
    for label in &d.labels {
        let (at, _) = sources.line_col(label.span);
        let _ = write!(
            text,
            "\n  {}:{}:{}: {}",
            crate::untrusted::escape(&sources.get(label.span.file).name),
            at.line,
            at.column,
            crate::untrusted::escape(&label.message)
        );
    }
    for note in &d.notes {
        let _ = write!(text, "\nnote: {}", crate::untrusted::escape(note));
    }
    for help in &d.help {
        let _ = write!(text, "\nhelp: {}", crate::untrusted::escape(help));
    }
    text
}

/// Escapes one piece of text for XML attributes and content, after showing its hidden
/// characters (line breaks included) as [`crate::untrusted::escape`] does; drops the two
/// noncharacters XML 1.0 cannot hold.
pub(crate) fn escape(text: &str) -> String {
    let text = crate::untrusted::escape(text);
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            '\u{fffe}' | '\u{ffff}' => {}
            c => out.push(c),
        }
    }
    out
}

/// Text whose line breaks are speclint's own: each line escaped on its own.
fn escape_lines(text: &str) -> String {
    text.split('\n').map(escape).collect::<Vec<_>>().join("\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes() {
        assert_eq!(
            escape("a<b>&\"c'\n\u{1}d\u{202e}"),
            "a&lt;b&gt;&amp;&quot;c&apos;\u{240a}\u{2401}d&lt;U+202E&gt;"
        );
    }
}
