//! Runs the stages in order over one set of inputs.

use crate::diagnostic::{Diagnostic, Severity};
use crate::model::Model;
use crate::report::{Redactions, Summary};
use crate::resolve;
use crate::rules;
use crate::source::SourceMap;
use crate::yaml::{self, Document};
use rayon::prelude::*;

pub struct Options {
    /// Namespace for objects that name none (`-n`).
    pub default_namespace: String,
}

pub struct Outcome {
    pub diagnostics: Vec<Diagnostic>,
    pub redactions: Redactions,
    pub summary: Summary,
}

impl Outcome {
    pub fn has_errors(&self) -> bool {
        self.diagnostics
            .iter()
            .any(|d| d.severity == Severity::Error)
    }
}

pub fn lint(sources: &SourceMap, options: &Options) -> Outcome {
    let loaded: Vec<_> = (0..sources.len())
        .into_par_iter()
        .map(|id| yaml::load(id, sources.get(id)))
        .collect();
    let mut documents: Vec<Document> = Vec::new();
    let mut diagnostics = Vec::new();
    for (docs, errors) in loaded {
        documents.extend(docs);
        diagnostics.extend(errors.iter().map(rules::yaml_error_diagnostic));
    }
    let model = Model::build(&documents, &options.default_namespace);
    let resolutions = resolve::resolve_all(&model);
    let context = rules::Context {
        model: &model,
        resolutions: &resolutions,
    };
    diagnostics.extend(rules::run(&context));
    // Stable: findings at one place keep the order their rule gave them (the API server's).
    diagnostics.sort_by_key(|d| (d.span.file, d.span.start));
    diagnostics.dedup();
    let mut redactions = Redactions::default();
    for secret in &model.secrets {
        for entry in &secret.entries {
            redactions.add(entry.value_node.span());
        }
    }
    let summary = Summary::count(sources.len(), documents.len(), &diagnostics);
    Outcome {
        diagnostics,
        redactions,
        summary,
    }
}
