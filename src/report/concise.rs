//! One line per finding, `file:line:col: severity[rule] message`, for editors' and CI
//! problem matchers; plus the one-line summary and per-rule statistics printed on stderr.
//!
//! Only messages are printed, never source text, so nothing needs redacting.

use super::summary::{plural, Summary};
use crate::diagnostic::Diagnostic;
use crate::source::SourceMap;
use std::io::{self, Write};

pub fn render(out: &mut dyn Write, diags: &[Diagnostic], sources: &SourceMap) -> io::Result<()> {
    for d in diags {
        let (start, _) = sources.line_col(d.span);
        writeln!(
            out,
            "{}:{}:{}: {}[{}] {}",
            one_line(&sources.get(d.span.file).name),
            start.line,
            start.column,
            d.severity.as_str(),
            d.rule,
            one_line(&d.message)
        )?;
    }
    Ok(())
}

/// Text from an input on one line: line breaks and control characters shown, not emitted.
pub(crate) fn one_line(text: &str) -> std::borrow::Cow<'_, str> {
    crate::untrusted::escape(text)
}

/// `speclint: 2 errors, 1 warning` (and the notes, when there are any).
pub(crate) fn summary_line(summary: &Summary) -> String {
    let mut line = format!(
        "speclint: {}, {}",
        plural(summary.errors, "error"),
        plural(summary.warnings, "warning")
    );
    if summary.notes > 0 {
        line.push_str(&format!(", {}", plural(summary.notes, "note")));
    }
    line
}

/// Findings per rule, most frequent first: `  3  webhook-hostname`.
pub(crate) fn statistics(out: &mut dyn Write, diags: &[Diagnostic]) -> io::Result<()> {
    let mut counts: Vec<(&str, usize)> = Vec::new();
    for d in diags {
        match counts.iter_mut().find(|(rule, _)| *rule == d.rule) {
            Some((_, n)) => *n += 1,
            None => counts.push((d.rule, 1)),
        }
    }
    counts.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(b.0)));
    let width = counts.first().map_or(1, |(_, n)| n.to_string().len());
    for (rule, n) in counts {
        writeln!(out, "{n:>width$}  {rule}")?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn summary_lines() {
        let s = |errors, warnings, notes| Summary {
            files: 1,
            documents: 1,
            errors,
            warnings,
            notes,
        };
        assert_eq!(summary_line(&s(2, 1, 0)), "speclint: 2 errors, 1 warning");
        assert_eq!(
            summary_line(&s(0, 0, 3)),
            "speclint: 0 errors, 0 warnings, 3 notes"
        );
        assert_eq!(one_line("a\r\nb\nc"), "a\u{240d}\u{240a}b\u{240a}c");
    }
}
