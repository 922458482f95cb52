use super::context::{rule_doc, Rule};
use crate::diagnostic::Severity;

/// Reported by the configuration reader (`crate::config`), before any input is read.
pub const RULE: Rule = Rule {
    id: "invalid-config",
    severity: Severity::Error,
    doc: rule_doc!("invalid-config"),
    check: |_, _| {},
};
