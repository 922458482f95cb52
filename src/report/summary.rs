//! The counts of one run.

use crate::diagnostic::{Diagnostic, Severity};
use serde::Serialize;

/// What one run looked at and found; the JSON `summary` object.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Summary {
    pub(crate) files: usize,
    pub(crate) documents: usize,
    pub(crate) errors: usize,
    pub(crate) warnings: usize,
    pub(crate) notes: usize,
}

impl Summary {
    pub(crate) fn count(files: usize, documents: usize, diags: &[Diagnostic]) -> Summary {
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
