//! GitHub Actions workflow commands, one annotation per finding:
//! `::error file=F,line=L,col=C,endLine=L,endColumn=C,title=RULE::message`.
//!
//! Text from inputs is first shown by [`crate::untrusted::escape`] (a line break in a name can never
//! start a line of the log), then escaped as `@actions/core` does: `%`, `\r`, `\n` in the
//! message, and additionally `:` and `,` in properties. Only messages are printed, never source text.

use crate::diagnostic::{Diagnostic, Severity};
use crate::source::SourceMap;
use std::io::{self, Write};

pub fn render(out: &mut dyn Write, diags: &[Diagnostic], sources: &SourceMap) -> io::Result<()> {
    for d in diags {
        let command = match d.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Note => "notice",
        };
        let (start, end) = sources.line_col(d.span);
        // Each piece is escaped on its own; the line breaks between them are speclint's.
        let mut message = escape_data(&d.message);
        for help in &d.help {
            message.push_str("%0Ahelp: ");
            message.push_str(&escape_data(help));
        }
        if let Some(template) = super::template::template_file(d, sources) {
            // Lines of a render are not lines of the template: a file-level annotation.
            message.push_str("%0A");
            message.push_str(&escape_data(&format!(
                "(rendered at {}:{}:{})",
                sources.get(d.span.file).name,
                start.line,
                start.column
            )));
            writeln!(
                out,
                "::{command} file={},title={}::{}",
                escape_property(&template),
                escape_property(d.rule),
                message
            )?;
            continue;
        }
        writeln!(
            out,
            "::{command} file={},line={},col={},endLine={},endColumn={},title={}::{}",
            escape_property(&sources.get(d.span.file).name),
            start.line,
            start.column,
            end.line,
            end.column,
            escape_property(d.rule),
            message
        )?;
    }
    Ok(())
}

/// `escapeData` of @actions/core, applied to text shown by [`crate::untrusted::escape`]: line
/// breaks from an input are shown as `␊`, so only speclint's own become `%0A`.
pub(crate) fn escape_data(text: &str) -> String {
    crate::untrusted::escape(text)
        .replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

/// `escapeProperty` of @actions/core.
pub(crate) fn escape_property(text: &str) -> String {
    escape_data(text).replace(':', "%3A").replace(',', "%2C")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escaping_matches_the_toolkit() {
        assert_eq!(escape_data("100% a:b,c"), "100%25 a:b,c");
        assert_eq!(escape_property("C:\\x,y%"), "C%3A\\x%2Cy%25");
        assert_eq!(
            escape_data("a\r\n::error::x"),
            "a\u{240d}\u{240a}::error::x"
        );
        assert_eq!(escape_data("a\u{1b}[31m"), "a\u{241b}[31m");
    }
}
