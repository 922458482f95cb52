use super::context::{rule_doc, Rule};
use crate::diagnostic::Severity;

/// Reported by the configuration reader when `.speclint.yaml` holds mistakes, before any
/// input is read: this rule only names and documents those findings.
pub(crate) const RULE: Rule = Rule {
    id: "invalid-config",
    severity: Severity::Error,
    doc: rule_doc!("invalid-config"),
    check: |_, _| {},
};
