use super::context::{rule_doc, Rule};
use crate::diagnostic::{Diagnostic, Severity};
use crate::source::Span;

/// Reported by the pipeline after suppressions are applied (src/suppress.rs).
pub(crate) const RULE: Rule = Rule {
    id: "unused-suppression",
    severity: Severity::Warning,
    doc: rule_doc!("unused-suppression"),
    check: |_, _| {},
};

pub(crate) fn unused_suppression_diagnostic(span: Span, message: impl Into<String>) -> Diagnostic {
    Diagnostic::new(RULE.id, RULE.severity, message, span)
        .with_span_label("this suppression")
        .with_help("remove the rule id (or the whole suppression) if the finding is gone, or fix the rule id")
}
