//! Which rules run, with what severity and options.

use crate::diagnostic::{Diagnostic, Severity};

/// Which rules run, with what severity and options.
#[derive(Clone, Debug)]
pub(crate) struct RuleSettings {
    pub(super) disabled: foldhash::HashSet<&'static str>,
    /// Severity overrides by rule id.
    pub(crate) severity: foldhash::HashMap<&'static str, Severity>,
    /// certificate-expiring's own threshold, seconds; otherwise `--min-validity`.
    pub(crate) expiring_min_validity: Option<i64>,
    /// weak-key's threshold.
    pub(crate) min_rsa_bits: u32,
    /// Namespaces whose workloads a webhook must leave alone (webhook-system-resources).
    pub(crate) system_namespaces: Vec<String>,
    /// webhook-timeout's limit for webhooks on leases in system namespaces, seconds.
    pub(crate) lease_timeout: i64,
    /// webhook-timeout's limit for webhooks on critical resources, seconds.
    pub(crate) critical_timeout: i64,
    /// webhook-timeout-total's deadline of one request, seconds.
    pub(crate) request_deadline: i64,
}

impl Default for RuleSettings {
    fn default() -> Self {
        RuleSettings {
            disabled: Default::default(),
            severity: Default::default(),
            expiring_min_validity: None,
            min_rsa_bits: 2048,
            system_namespaces: vec!["kube-system".to_string()],
            lease_timeout: 3,
            critical_timeout: 15,
            request_deadline: 34,
        }
    }
}

impl RuleSettings {
    pub(crate) fn is_enabled(&self, id: &str) -> bool {
        !self.disabled.contains(id)
    }

    /// Drops findings of disabled rules and applies severity overrides.
    pub(crate) fn apply(&self, diagnostics: &mut Vec<Diagnostic>) {
        diagnostics.retain(|d| self.is_enabled(d.rule));
        for diagnostic in diagnostics {
            if let Some(&severity) = self.severity.get(diagnostic.rule) {
                diagnostic.severity = severity;
            }
        }
    }
}
