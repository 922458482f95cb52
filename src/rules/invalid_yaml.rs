use super::context::{rule_doc, Rule};
use crate::diagnostic::{Diagnostic, Severity};
use crate::yaml::YamlError;

/// Reported by the pipeline from the YAML stage's errors; there is nothing left to check.
pub(crate) const RULE: Rule = Rule {
    id: "invalid-yaml",
    severity: Severity::Error,
    doc: rule_doc!("invalid-yaml"),
    check: |_, _| {},
};

pub(crate) fn yaml_error_diagnostic(error: &YamlError) -> Diagnostic {
    Diagnostic::new(RULE.id, RULE.severity, error.message.clone(), error.span)
        .with_note("this document was skipped; the other documents were still checked")
}
