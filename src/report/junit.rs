//! JUnit XML: a `<testsuite>` per input file, a `<testcase>` per finding, with a
//! `<failure>` for each error or warning (notes pass). A file without findings gets one
//! passing test case, so a clean run is a suite with zero failures.
//!
//! Only messages, locations and help are written, never source text.

use crate::diagnostic::{Diagnostic, Severity};
use crate::source::SourceMap;
use std::fmt::Write as _;
use std::io::{self, Write};

pub fn render(out: &mut dyn Write, diags: &[Diagnostic], sources: &SourceMap) -> io::Result<()> {
    let failing = |d: &Diagnostic| d.severity != Severity::Note;
    let mut suites = String::new();
    let (mut tests, mut failures) = (0, 0);
    for (id, file) in sources.files() {
        let in_file: Vec<&Diagnostic> = diags.iter().filter(|d| d.span.file == id).collect();
        let file_failures = in_file.iter().filter(|d| failing(d)).count();
        let file_tests = in_file.len().max(1);
        tests += file_tests;
        failures += file_failures;
        let name = escape(&file.name);
        let _ = writeln!(
            suites,
            "  <testsuite name=\"{name}\" tests=\"{file_tests}\" failures=\"{file_failures}\" errors=\"0\" skipped=\"0\">"
        );
        if in_file.is_empty() {
            let _ = writeln!(
                suites,
                "    <testcase name=\"no findings\" classname=\"speclint\" file=\"{name}\"/>"
            );
        }
        for d in in_file {
            let (start, _) = sources.line_col(d.span);
            let object = d
                .object
                .as_ref()
                .map(|o| match &o.namespace {
                    Some(ns) => format!("{}/{ns}/{}", o.kind, o.name),
                    None => format!("{}/{}", o.kind, o.name),
                })
                .unwrap_or_else(|| file.name.clone());
            let _ = write!(
                suites,
                "    <testcase name=\"{}\" classname=\"speclint.{}\" file=\"{name}\" line=\"{}\"",
                escape(&format!("{}: {object}", d.rule)),
                escape(d.rule),
                start.line
            );
            if !failing(d) {
                suites.push_str("/>\n");
                continue;
            }
            let mut text = format!(
                "{}:{}:{}: {}[{}] {}",
                file.name,
                start.line,
                start.column,
                d.severity.as_str(),
                d.rule,
                d.message
            );
            for label in &d.labels {
                let (at, _) = sources.line_col(label.span);
                let _ = write!(
                    text,
                    "\n  {}:{}:{}: {}",
                    sources.get(label.span.file).name,
                    at.line,
                    at.column,
                    label.message
                );
            }
            for note in &d.notes {
                let _ = write!(text, "\nnote: {note}");
            }
            for help in &d.help {
                let _ = write!(text, "\nhelp: {help}");
            }
            let _ = writeln!(
                suites,
                ">\n      <failure message=\"{}\" type=\"{}\">{}</failure>\n    </testcase>",
                escape(&d.message),
                d.severity.as_str(),
                escape(&text).replace("&#10;", "\n")
            );
        }
        suites.push_str("  </testsuite>\n");
    }
    write!(
        out,
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites name=\"speclint\" tests=\"{tests}\" failures=\"{failures}\" errors=\"0\">\n{suites}</testsuites>\n"
    )
}

/// Escapes text for XML attributes and content; drops characters XML 1.0 cannot hold,
/// and writes line breaks and tabs as references so attributes keep them.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            '\n' => out.push_str("&#10;"),
            '\r' => out.push_str("&#13;"),
            '\t' => out.push_str("&#9;"),
            '\u{0}'..='\u{1f}' | '\u{fffe}' | '\u{ffff}' => {}
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes() {
        assert_eq!(
            escape("a<b>&\"c'\n\u{1}d"),
            "a&lt;b&gt;&amp;&quot;c&apos;&#10;d"
        );
    }
}
