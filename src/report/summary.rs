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

/// What a run checked: the files linted (not `--previous`), objects and endpoints.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Scope {
    pub(crate) files: usize,
    pub(crate) objects: usize,
    pub(crate) endpoints: usize,
}

impl Scope {
    /// `checked 12 files, 40 objects, 3 webhook endpoints`.
    pub(crate) fn checked(&self) -> String {
        format!(
            "checked {}, {}, {}",
            plural(self.files, "file"),
            plural(self.objects, "object"),
            plural(self.endpoints, "webhook endpoint")
        )
    }
}

/// `1 file`, `2 files`.
pub(crate) fn plural(n: usize, word: &str) -> String {
    if n == 1 {
        format!("{n} {word}")
    } else {
        format!("{n} {word}s")
    }
}
