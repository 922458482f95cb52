//! Rendering diagnostics: rustc-style human output, JSON, and CI formats (concise,
//! GitHub annotations, JUnit XML, SARIF).

pub mod concise;
mod excerpt;
pub mod github;
pub mod human;
pub mod inventory;
pub mod json;
pub mod junit;
pub mod not_checked;
mod redact;
pub mod sarif;
pub mod untrusted;

pub use redact::{secret_spans, Redactions};
pub use untrusted::escape;

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
