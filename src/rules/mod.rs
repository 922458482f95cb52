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

pub use invalid_config::RULE as INVALID_CONFIG;
pub use invalid_yaml::yaml_error_diagnostic;
pub use missing_document_separator::missing_separator_diagnostic;
pub use suppression_without_reason::suppression_without_reason_diagnostic;
pub use unused_suppression::unused_suppression_diagnostic;

use crate::diagnostic::{Diagnostic, Severity};
use crate::model::{Endpoint, EndpointKind, Model};
use crate::resolve::Resolution;

/// Text the labels of these rules show that must not be printed beyond what
/// [`crate::report::Redactions::cover_secret_object`] masks: documents that are bare strings.
pub fn spans_to_redact(model: &Model<'_>) -> Vec<crate::source::Span> {
    non_object_document::string_document_text(model)
}

/// What a rule needs to look at.
pub struct Context<'m, 'a> {
    pub model: &'m Model<'a>,
    pub resolutions: &'m [Resolution],
    /// Each Secret's certificate entry, decoded once.
    pub chains: &'m crate::resolve::SecretChains,
    /// Evaluation time, to the nanosecond (Go's `CurrentTime`).
    pub now: crate::tls::time::Time,
    /// The Go of the API server checked against (`--kube-version`).
    pub go: crate::tls::go::Go,
    /// Expiry warning threshold, seconds.
    pub min_validity: i64,
    /// Who makes each certificate and fills each caBundle, computed once (provision stage).
    pub provenance: &'m crate::provision::Provenance<'a>,
    /// The previous release's render and its provenance (`--previous`).
    pub previous: Option<(&'m Model<'m>, &'m crate::provision::Provenance<'m>)>,
    /// Which rules run, their severities and options (`.speclint.yaml`, `--enable`, `--disable`).
    pub settings: &'m RuleSettings,
    /// The cluster's namespaces with their labels, for namespaceSelectors.
    pub namespaces: &'m crate::admission::Namespaces<'a>,
}

/// Which rules run, with what severity and options.
#[derive(Clone, Debug)]
pub struct RuleSettings {
    disabled: foldhash::HashSet<&'static str>,
    /// Severity overrides by rule id.
    pub severity: foldhash::HashMap<&'static str, Severity>,
    /// certificate-expiring's own threshold, seconds; otherwise `--min-validity`.
    pub expiring_min_validity: Option<i64>,
    /// weak-key's threshold.
    pub min_rsa_bits: u32,
    /// Namespaces whose workloads a webhook must leave alone (webhook-system-resources).
    pub system_namespaces: Vec<String>,
    /// webhook-timeout's limit for webhooks on leases in system namespaces, seconds.
    pub lease_timeout: i64,
    /// webhook-timeout's limit for webhooks on critical resources, seconds.
    pub critical_timeout: i64,
    /// webhook-timeout-total's deadline of one request, seconds.
    pub request_deadline: i64,
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
    pub fn is_enabled(&self, id: &str) -> bool {
        !self.disabled.contains(id)
    }

    /// `id` is a rule id or `all`; unknown ids are ignored (they are checked where they are read).
    pub fn set_enabled(&mut self, id: &str, enabled: bool) {
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

    /// Drops findings of disabled rules and applies severity overrides.
    pub fn apply(&self, diagnostics: &mut Vec<Diagnostic>) {
        diagnostics.retain(|d| self.is_enabled(d.rule));
        for diagnostic in diagnostics {
            if let Some(&severity) = self.severity.get(diagnostic.rule) {
                diagnostic.severity = severity;
            }
        }
    }
}

impl<'m, 'a> Context<'m, 'a> {
    pub fn endpoint(&self, resolution: &Resolution) -> &'m Endpoint<'a> {
        &self.model.endpoints[resolution.endpoint]
    }

    /// A diagnostic anchored on an endpoint's object, with its template and identity filled in.
    pub fn diagnostic_for(
        &self,
        rule: &Rule,
        object: usize,
        message: impl Into<String>,
        span: crate::source::Span,
    ) -> Diagnostic {
        let object = &self.model.objects[object];
        Diagnostic::new(rule.id, rule.severity, message, span)
            .with_object(Some(object.object_ref()))
            .with_template(object.template.map(str::to_string))
    }
}

pub struct Rule {
    pub id: &'static str,
    pub severity: Severity,
    /// The Markdown documentation, `rules/<id>.md`.
    pub doc: &'static str,
    pub check: fn(&Context<'_, '_>, &mut Vec<Diagnostic>),
}

impl Rule {
    /// The one-line summary from the documentation.
    pub fn summary(&self) -> &'static str {
        doc_field(self.doc, "Summary").unwrap_or("")
    }
}

/// Reads `- **Field:** value` from a rule document.
pub fn doc_field<'d>(doc: &'d str, field: &str) -> Option<&'d str> {
    let prefix = format!("- **{field}:**");
    doc.lines()
        .find_map(|line| line.strip_prefix(prefix.as_str()))
        .map(str::trim)
}

macro_rules! rule_doc {
    ($id:literal) => {
        include_str!(concat!(env!("CARGO_MANIFEST_DIR"), "/rules/", $id, ".md"))
    };
}
pub(crate) use rule_doc;

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

/// The findings of a whole run over one manifest, for rules' unit tests.
#[cfg(test)]
pub(crate) fn lint_for_test(text: &str) -> Vec<Diagnostic> {
    let mut sources = crate::source::SourceMap::default();
    sources.add(crate::source::SourceFile::new(
        "input.yaml",
        text.as_bytes().to_vec(),
    ));
    crate::pipeline::lint(&sources, &crate::pipeline::Options::new("default")).diagnostics
}

pub fn find(id: &str) -> Option<&'static Rule> {
    RULES.iter().copied().find(|r| r.id == id)
}

pub fn run(context: &Context<'_, '_>) -> Vec<Diagnostic> {
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

/// What the API server reports when the call fails, as users see it (apiserver-tls.md F).
pub fn call_failure_note(
    context: &Context<'_, '_>,
    resolution: &Resolution,
    error: &str,
) -> String {
    let endpoint = context.endpoint(resolution);
    let object = &context.model.objects[endpoint.object];
    let url = call_url(context.model, endpoint);
    match endpoint.kind {
        EndpointKind::ValidatingWebhook | EndpointKind::MutatingWebhook => {
            let failure = format!(
                "failed calling webhook \"{}\": failed to call webhook: Post \"{url}?timeout={}s\": tls: failed to verify certificate: {error}",
                endpoint.name, endpoint.timeout_seconds
            );
            if endpoint.failure_policy == "Ignore" {
                format!("with failurePolicy Ignore the API server skips this webhook on every request, silently; it logs: {failure}")
            } else {
                format!("with failurePolicy Fail every request this webhook matches is refused: Internal error occurred: {failure}")
            }
        }
        EndpointKind::CrdConversion => conversion_failure_note(
            object,
            &format!("Post \"{url}?timeout=30s\": tls: failed to verify certificate: {error}"),
        ),
        EndpointKind::ApiService => format!(
            "the APIService {} stays Available=False (FailedDiscoveryCheck): failing or missing response from {url}: Get \"{url}\": tls: failed to verify certificate: {error}",
            object.name
        ),
    }
}

/// What reads and writes of a CRD's objects fail with when its conversion webhook does not
/// answer; `failure` is what follows `failed: `.
pub fn conversion_failure_note(object: &crate::model::Object<'_>, failure: &str) -> String {
    let spec = object.node().get("spec");
    let text = |path: &[&str]| {
        spec.and_then(|s| s.path(path))
            .and_then(|n| n.as_str())
            .unwrap_or("")
    };
    // The API server converts to any served version other than the stored one.
    let version = spec
        .and_then(|s| s.get("versions"))
        .into_iter()
        .flat_map(|v| v.items())
        .find(|v| v.get("storage").and_then(|n| n.as_bool()) != Some(true))
        .and_then(|v| v.get("name"))
        .and_then(|n| n.as_str())
        .unwrap_or("<version>");
    format!(
        "reads and writes of {} that need another version fail: conversion webhook for {}/{version}, Kind={} failed: {failure}",
        object.name,
        text(&["group"]),
        text(&["names", "kind"]),
    )
}

/// The URL the API server posts to.
pub fn call_url(model: &Model<'_>, endpoint: &Endpoint<'_>) -> String {
    if let Some(service) = &endpoint.service {
        let path = if endpoint.kind == EndpointKind::ApiService {
            // The availability check fetches the group-version's discovery document.
            let spec = model.objects[endpoint.object].node().get("spec");
            let text = |key: &str| {
                spec.and_then(|s| s.get(key))
                    .and_then(|n| n.as_str())
                    .unwrap_or("")
            };
            format!("/apis/{}/{}", text("group"), text("version"))
        } else {
            service.path().unwrap_or("").to_string()
        };
        let port = service.port().unwrap_or(crate::model::DEFAULT_SERVICE_PORT);
        return format!(
            "https://{}.{}.svc:{port}{path}",
            service.name(),
            service.namespace()
        );
    }
    endpoint
        .url
        .and_then(|u| u.as_str())
        .unwrap_or("")
        .to_string()
}

/// The API server's refusal of an object on create, as kubectl prints a 422 Invalid with
/// one cause (`cmd/util/helpers.go`): `The Kind "name" is invalid: field: body`.
pub fn refusal(
    context: &Context<'_, '_>,
    rule: &Rule,
    object: usize,
    error: String,
    span: crate::source::Span,
) -> Diagnostic {
    let shown = &context.model.objects[object];
    context
        .diagnostic_for(
            rule,
            object,
            format!(
                "the API server refuses this object: The {} {:?} is invalid: {error}",
                shown.kind, shown.name
            ),
            span,
        )
        .with_note("the object is not created, so none of its webhooks is registered; kubectl prints this line (an object with several errors gets one `* field: error` line each)")
}

/// The field naming the Service, for help texts.
pub fn service_field(endpoint: &Endpoint<'_>) -> String {
    match endpoint.kind {
        EndpointKind::ApiService => "spec.service".to_string(),
        _ => format!("{}.service", endpoint.field_path),
    }
}

/// What makes two findings of one rule the same cause: the message without the endpoint's
/// own description, its label and its notes.
pub fn cause_key(context: &Context<'_, '_>, endpoint: usize, diagnostic: &Diagnostic) -> String {
    let described = describe_endpoint(context.model, &context.model.endpoints[endpoint]);
    format!(
        "{}\0{}\0{}",
        diagnostic.message.replacen(&described, "", 1),
        diagnostic.span_label,
        diagnostic.notes.join("\0")
    )
}

/// `a`, `a and b`, `a, b and c`.
pub fn join_and<S: AsRef<str>>(items: &[S]) -> String {
    match items {
        [] => String::new(),
        [only] => only.as_ref().to_string(),
        [init @ .., last] => format!(
            "{} and {}",
            init.iter()
                .map(AsRef::as_ref)
                .collect::<Vec<_>>()
                .join(", "),
            last.as_ref()
        ),
    }
}

/// Which webhook of which object, for messages: `webhook "x" of ValidatingWebhookConfiguration/y`.
pub fn describe_endpoint(model: &Model<'_>, endpoint: &Endpoint<'_>) -> String {
    let object = &model.objects[endpoint.object];
    match endpoint.kind {
        EndpointKind::ValidatingWebhook | EndpointKind::MutatingWebhook => {
            format!("webhook \"{}\" of {}", endpoint.name, object.display())
        }
        EndpointKind::CrdConversion => format!("the conversion webhook of {}", object.display()),
        EndpointKind::ApiService => object.display(),
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
