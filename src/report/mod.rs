//! Rendering diagnostics: rustc-style human output, JSON, and CI formats (concise,
//! GitHub annotations, JUnit XML, SARIF).

pub mod concise;
mod excerpt;
pub mod github;
pub mod human;
pub mod json;
pub mod junit;
mod redact;
pub mod sarif;

pub use redact::Redactions;

use crate::diagnostic::{Diagnostic, Severity};
use serde::Serialize;

/// What one run looked at and found; the JSON `summary` object.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Summary {
    pub files: usize,
    pub documents: usize,
    pub errors: usize,
    pub warnings: usize,
    pub notes: usize,
}

impl Summary {
    pub fn count(files: usize, documents: usize, diags: &[Diagnostic]) -> Summary {
        let of = |severity| diags.iter().filter(|d| d.severity == severity).count();
        Summary {
            files,
            documents,
            errors: of(Severity::Error),
            warnings: of(Severity::Warning),
            notes: of(Severity::Note),
        }
    }
}

/// For a finding in a `helm template` render: the template file it came from, on disk
/// (`# Source: chart/templates/x.yaml` under the chart's directory). Code scanning and pull
/// request annotations can attach to it; the render itself is no file.
pub fn template_file(
    d: &crate::diagnostic::Diagnostic,
    sources: &crate::source::SourceMap,
) -> Option<String> {
    let chart = sources.get(d.span.file).chart.as_deref()?;
    let template = d.template.as_deref()?;
    let (_, inside) = template.split_once('/')?;
    Some(format!("{}/{inside}", chart.trim_end_matches('/')))
}

/// Control characters made visible, as the human report shows them (U+2400 control
/// pictures; C1 controls as U+FFFD), so text from manifests cannot drive a terminal.
/// Line breaks and tabs are left to the caller.
pub fn visible(text: &str) -> std::borrow::Cow<'_, str> {
    let hidden = |c: char| c.is_control() && !matches!(c, '\n' | '\r' | '\t');
    if !text.chars().any(hidden) {
        return std::borrow::Cow::Borrowed(text);
    }
    text.chars()
        .map(|c| match c {
            '\u{0}'..='\u{1f}' if hidden(c) => {
                char::from_u32(0x2400 + c as u32).unwrap_or('\u{fffd}')
            }
            '\u{7f}' => '\u{2421}',
            c if hidden(c) => '\u{fffd}',
            c => c,
        })
        .collect()
}

#[cfg(test)]
mod visible_tests {
    #[test]
    fn controls_become_pictures() {
        assert_eq!(
            super::visible("a\u{1}b\u{1b}[31m\u{7f}\u{85}\n\t"),
            "a\u{2401}b\u{241b}[31m\u{2421}\u{fffd}\n\t"
        );
        assert!(matches!(
            super::visible("plain"),
            std::borrow::Cow::Borrowed(_)
        ));
    }
}
