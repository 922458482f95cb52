use super::context::{rule_doc, Rule};
use crate::diagnostic::{Diagnostic, Severity};
use crate::source::Span;

/// Reported by the pipeline with `--require-reason` (src/suppress.rs).
pub(crate) const RULE: Rule = Rule {
    id: "suppression-without-reason",
    severity: Severity::Error,
    doc: rule_doc!("suppression-without-reason"),
    check: |_, _| {},
};

pub(crate) fn suppression_without_reason_diagnostic(span: Span) -> Diagnostic {
    Diagnostic::new(
        RULE.id,
        RULE.severity,
        "suppression without a reason (`--require-reason`)",
        span,
    )
    .with_span_label("no ` -- reason`")
    .with_help("say why after ` -- `: `# speclint-ignore: rule-id -- the reason`")
}
