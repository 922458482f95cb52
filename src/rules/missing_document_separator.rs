use super::context::{rule_doc, Rule};
use crate::diagnostic::{Diagnostic, Severity};
use crate::source::Span;

/// Reported by the pipeline from the YAML stage's implicit document starts.
pub(crate) const RULE: Rule = Rule {
    id: "missing-document-separator",
    severity: Severity::Warning,
    doc: rule_doc!("missing-document-separator"),
    check: |_, _| {},
};

pub(crate) fn missing_separator_diagnostic(span: Span) -> Diagnostic {
    Diagnostic::new(
        RULE.id,
        RULE.severity,
        "a new manifest starts here without a `---` separator",
        span,
    )
    .with_span_label("read as a separate document")
    .with_note("files concatenated without separators (`cat dir/*.yaml`) run into one YAML document whose keys repeat; speclint reads each manifest on its own")
    .with_help("put `---` on a line before it, or pass the files or their directory to speclint instead of concatenating them")
}
