//! Rules: one file each, reading the resolved model. Their documentation lives in
//! `rules/<id>.md`, embedded here and kept in step by a test.

mod by_cause;
mod ca_bundle_empty;
mod cert_manager_ca_bundle_overwritten;
mod cert_manager_dns_names;
mod cert_manager_inject_unresolved;
mod cert_manager_issuer_ref;
mod cert_manager_placeholder;
mod cert_manager_secret_name;
mod cert_manager_usages;
mod certgen_patch_kind;
mod certgen_patch_missing;
mod certgen_secret_not_mounted;
mod certificate_chain;
mod certificate_decode;
mod certificate_expired;
mod certificate_expiring;
mod certificate_key_usage;
mod certificate_undetermined;
mod configuration_collision;
mod context;
mod describe;
mod duplicate_key;
mod generator_service_name;
mod insecure_skip_tls_verify;
mod interception;
mod invalid_config;
mod invalid_yaml;
mod missing_document_separator;
mod non_object_document;
mod provisioner_names;
mod service_ca_dns_names;
mod service_ca_inject_missing;
mod service_ca_secret_name;
mod service_selects_no_pods;
mod serving_key;
mod serving_secret_missing;
mod settings;
mod shell_command;
mod suppression_without_reason;
mod unused_suppression;
mod upgrade_trap;
mod verdict;
mod version_dependent_verdict;
mod weak_key;
mod webhook_backend_availability;
mod webhook_client_config;
mod webhook_dependency_loop;
mod webhook_hostname;
mod webhook_loopback;
mod webhook_network_policy;
mod webhook_review_versions;
mod webhook_self_lockout;
mod webhook_service_missing;
mod webhook_service_port;
mod webhook_side_effects;
mod webhook_system_resources;
mod webhook_target_port;
mod webhook_timeout;
mod webhook_timeout_total;
mod webhook_unknown_authority;

pub(crate) use invalid_config::RULE as INVALID_CONFIG;
pub(crate) use invalid_yaml::yaml_error_diagnostic;
pub(crate) use missing_document_separator::missing_separator_diagnostic;
pub(crate) use suppression_without_reason::suppression_without_reason_diagnostic;
pub(crate) use unused_suppression::unused_suppression_diagnostic;

pub(crate) use context::{doc_field, Context, Rule};
pub(crate) use settings::RuleSettings;

use crate::diagnostic::Diagnostic;
use crate::model::Model;

/// Text the labels of these rules show that must not be printed beyond what
/// [`crate::report::Redactions::cover_secret_object`] masks: documents that are bare strings.
pub(crate) fn spans_to_redact(model: &Model<'_>) -> Vec<crate::source::Span> {
    non_object_document::string_document_text(model)
}

impl RuleSettings {
    /// `id` is a rule id or `all`; unknown ids are ignored (they are checked where they are read).
    pub(crate) fn set_enabled(&mut self, id: &str, enabled: bool) {
        let ids: Vec<&'static str> = if id == "all" {
            RULES.iter().map(|r| r.id).collect()
        } else {
            find(id).map(|r| r.id).into_iter().collect()
        };
        for id in ids {
            if enabled {
                self.disabled.remove(id);
            } else {
                self.disabled.insert(id);
            }
        }
    }
}

/// Every rule, in the order they run.
pub const RULES: &[&Rule] = &[
    &invalid_yaml::RULE,
    &invalid_config::RULE,
    &missing_document_separator::RULE,
    &webhook_client_config::RULE,
    &configuration_collision::RULE,
    &webhook_loopback::RULE,
    &insecure_skip_tls_verify::RULE,
    &webhook_service_missing::RULE,
    &webhook_service_port::RULE,
    &webhook_target_port::RULE,
    &certificate_decode::RULE,
    &serving_key::RULE,
    &certificate_undetermined::RULE,
    &certificate_expired::RULE,
    &webhook_hostname::RULE,
    &upgrade_trap::RULE,
    &webhook_unknown_authority::RULE,
    &ca_bundle_empty::RULE,
    &cert_manager_inject_unresolved::RULE,
    &cert_manager_placeholder::RULE,
    &cert_manager_dns_names::RULE,
    &cert_manager_secret_name::RULE,
    &cert_manager_issuer_ref::RULE,
    &cert_manager_usages::RULE,
    &cert_manager_ca_bundle_overwritten::RULE,
    &provisioner_names::RULE,
    &certgen_secret_not_mounted::RULE,
    &certgen_patch_missing::RULE,
    &certgen_patch_kind::RULE,
    &certificate_key_usage::RULE,
    &certificate_chain::RULE,
    &certificate_expiring::RULE,
    &weak_key::RULE,
    &version_dependent_verdict::RULE,
    &unused_suppression::RULE,
    &suppression_without_reason::RULE,
    // Last, so that the indexes of the others (SARIF's ruleIndex) stay as they were.
    &duplicate_key::RULE,
    &non_object_document::RULE,
    &service_ca_inject_missing::RULE,
    &service_ca_dns_names::RULE,
    &service_ca_secret_name::RULE,
    &service_selects_no_pods::RULE,
    &serving_secret_missing::RULE,
    &generator_service_name::RULE,
    &webhook_self_lockout::RULE,
    &webhook_system_resources::RULE,
    &webhook_timeout::RULE,
    &webhook_timeout_total::RULE,
    &webhook_side_effects::RULE,
    &webhook_review_versions::RULE,
    &webhook_backend_availability::RULE,
    &webhook_network_policy::RULE,
    &webhook_dependency_loop::RULE,
];

pub fn find(id: &str) -> Option<&'static Rule> {
    RULES.iter().copied().find(|r| r.id == id)
}

pub(crate) fn run(context: &Context<'_, '_>) -> Vec<Diagnostic> {
    use rayon::prelude::*;
    // Rules are independent readers of the resolved model: they run side by side, and
    // their findings are joined in rule order, so the output does not depend on timing.
    let found: Vec<Vec<Diagnostic>> = RULES
        .par_iter()
        .filter(|r| context.settings.is_enabled(r.id))
        .map(|rule| {
            let mut diagnostics = Vec::new();
            (rule.check)(context, &mut diagnostics);
            diagnostics
        })
        .collect();
    found.into_iter().flatten().collect()
}

/// Helpers for rules' unit tests.
#[cfg(test)]
mod testing {
    use crate::diagnostic::Diagnostic;

    /// The findings of a whole run over one manifest, for rules' unit tests.
    pub(crate) fn lint_for_test(text: &str) -> Vec<Diagnostic> {
        lint_named("input.yaml", text)
    }

    /// The findings of `rule` over one manifest.
    pub(crate) fn findings(rule: &str, text: &str) -> Vec<Diagnostic> {
        lint_named("in.yaml", text)
            .into_iter()
            .filter(|d| d.rule == rule)
            .collect()
    }

    fn lint_named(name: &str, text: &str) -> Vec<Diagnostic> {
        let mut sources = crate::source::SourceMap::default();
        sources.add(crate::source::SourceFile::new(
            name,
            text.as_bytes().to_vec(),
        ));
        crate::pipeline::lint(&sources, &crate::pipeline::Options::new("default")).diagnostics
    }

    /// A configuration with one webhook whose fields end with `fields`.
    pub(crate) fn configuration(api_version: &str, metadata: &str, fields: &str) -> String {
        format!("apiVersion: admissionregistration.k8s.io/{api_version}\nkind: ValidatingWebhookConfiguration\nmetadata: {{name: w{metadata}}}\nwebhooks:\n- name: v.example.org\n  clientConfig: {{url: 'https://example.com/x'}}\n{fields}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_rule_has_a_doc_and_every_doc_a_rule() {
        let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/rules");
        let mut doc_ids: Vec<String> = std::fs::read_dir(dir)
            .unwrap()
            .filter_map(|e| {
                let name = e.unwrap().file_name().to_string_lossy().into_owned();
                name.strip_suffix(".md").map(str::to_string)
            })
            .collect();
        doc_ids.sort();
        let mut rule_ids: Vec<String> = RULES.iter().map(|r| r.id.to_string()).collect();
        rule_ids.sort();
        assert_eq!(doc_ids, rule_ids, "rules/*.md and the rule registry differ");
        for rule in RULES {
            assert!(
                rule.doc.starts_with(&format!("# {}\n", rule.id)),
                "rules/{}.md must start with its id as title",
                rule.id
            );
            assert_eq!(
                doc_field(rule.doc, "Severity"),
                Some(rule.severity.as_str()),
                "rules/{}.md states another severity than the code",
                rule.id
            );
            assert!(
                !rule.summary().is_empty(),
                "rules/{}.md has no summary",
                rule.id
            );
            for section in ["## Why", "## Example", "## Fix"] {
                assert!(
                    rule.doc.contains(section),
                    "rules/{}.md lacks {section}",
                    rule.id
                );
            }
        }
    }
}
