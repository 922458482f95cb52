//! GitHub Actions workflow commands, one annotation per finding:
//! `::error file=F,line=L,col=C,endLine=L,endColumn=C,title=RULE::message`.
//!
//! Values are escaped as `@actions/core` does: `%`, `\r`, `\n` in the message, and
//! additionally `:` and `,` in properties. Only messages are printed, never source text.

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
        let mut message = d.message.clone();
        for help in &d.help {
            message.push_str("\nhelp: ");
            message.push_str(help);
        }
        if let Some(template) = super::template_file(d, sources) {
            // Lines of a render are not lines of the template: a file-level annotation.
            message.push_str(&format!(
                "\n(rendered at {}:{}:{})",
                sources.get(d.span.file).name,
                start.line,
                start.column
            ));
            writeln!(
                out,
                "::{command} file={},title={}::{}",
                escape_property(&template),
                escape_property(d.rule),
                escape_data(&message)
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
            escape_data(&message)
        )?;
    }
    Ok(())
}

/// `escapeData` of @actions/core.
pub fn escape_data(text: &str) -> String {
    super::visible(text)
        .replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

/// `escapeProperty` of @actions/core.
pub fn escape_property(text: &str) -> String {
    escape_data(text).replace(':', "%3A").replace(',', "%2C")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escaping_matches_the_toolkit() {
        assert_eq!(escape_data("100% a:b,c\r\nd"), "100%25 a:b,c%0D%0Ad");
        assert_eq!(escape_property("C:\\x,y%\n"), "C%3A\\x%2Cy%25%0A");
        assert_eq!(escape_data("a\u{1b}[31m"), "a\u{241b}[31m");
    }
}
