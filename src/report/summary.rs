//! The counts of one run.

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
