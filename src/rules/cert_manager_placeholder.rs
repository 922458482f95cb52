//! Kustomize placeholders (`SERVICE_NAME`, `SERVICE_NAMESPACE`, `CERTIFICATE_NAME`,
//! `CERTIFICATE_NAMESPACE`, `$(VAR)`) left in Certificates and inject annotations: the
//! `replacements` (or `vars`) that fill them never ran.

use super::{rule_doc, Context, Rule};
use crate::diagnostic::{Diagnostic, Severity};
use crate::provision::cert_manager::{
    placeholder_tokens, CertManager, Injection, Source, Unresolved,
};

pub const RULE: Rule = Rule {
    id: "cert-manager-placeholder",
    severity: Severity::Error,
    doc: rule_doc!("cert-manager-placeholder"),
    check,
};

fn check(context: &Context<'_, '_>, out: &mut Vec<Diagnostic>) {
    let cm = &context.provenance.cert_manager;
    // Linking every endpoint to its Certificates costs a walk of its pods' mounts each.
    if cm.certificates.iter().all(|c| c.placeholders().is_empty()) {
        return;
    }
    let backing = context.provenance.cert_manager_backing();
    for (i, c) in cm.certificates.iter().enumerate() {
        let found = c.placeholders();
        let Some(&(first, token)) = found.first() else {
            continue;
        };
        let field = |node: crate::yaml::NodeRef<'_>| {
            if c.common_name.is_some_and(|cn| cn.id == node.id) {
                "spec.commonName"
            } else {
                "spec.dnsNames"
            }
        };
        let mut d = context
            .diagnostic_for(
                &RULE,
                c.object,
                format!(
                    "Certificate {} still holds the kustomize placeholder {:?} in {}",
                    c.id(),
                    first.as_str().unwrap_or(""),
                    field(first)
                ),
                first.span(),
            )
            .with_span_label(never_replaced(first.as_str().unwrap_or(token)));
        for &(node, _) in &found[1..] {
            d = d.with_label(node.span(), format!("{} too", field(node)));
        }
        if backing[i] {
            let mut seen: Vec<&str> = Vec::new();
            for resolution in context.resolutions {
                let Some(server_name) = resolution.server_name.as_deref() else {
                    continue;
                };
                let links = context.provenance.cert_manager_links(resolution.endpoint);
                if seen.contains(&server_name)
                    || !(links.injected.contains(&i) || links.serving.contains(&i))
                {
                    continue;
                }
                seen.push(server_name);
                if let Err(e) = c.verify_hostname(server_name) {
                    d = d.with_note(format!(
                        "cert-manager issues the certificate with these literal names, and the API server refuses it: {e}"
                    ));
                }
            }
            let service = seen
                .first()
                .and_then(|s| s.split('.').next())
                .unwrap_or("<webhook-service>");
            d = d.with_help(format!(
                "enable the `replacements` in config/default/kustomization.yaml that copy Service {service}'s .metadata.name and .metadata.namespace into the Certificate's .spec.dnsNames (delimiter '.', index 0 and 1), then render again: `kubectl kustomize config/default`"
            ));
        } else {
            d.severity = Severity::Warning;
            let secret = c.secret_name_text().unwrap_or("(none)");
            d = d
                .with_note(format!(
                    "no webhook among the inputs gets its caBundle from it and no pod behind a webhook Service mounts its Secret {secret}, so nothing fails yet (kubebuilder's metrics Certificate looks like this until metrics are served with it)"
                ))
                .with_help(format!(
                    "if it is to serve (kubebuilder: [METRICS-WITH-CERTS]), enable the replacements that copy the metrics Service's name and namespace into its .spec.dnsNames; otherwise remove Certificate {} from config/certmanager/kustomization.yaml",
                    c.name
                ));
        }
        out.push(d);
    }
    for injection in &cm.injections {
        if let Source::Unresolved(Unresolved::Placeholder(_)) = injection.source {
            out.push(annotation(context, cm, injection));
        }
    }
}

/// `SERVICE_NAME, SERVICE_NAMESPACE were never replaced`.
fn never_replaced(text: &str) -> String {
    let tokens = placeholder_tokens(text);
    let verb = if tokens.len() > 1 { "were" } else { "was" };
    format!("{} {verb} never replaced", tokens.join(", "))
}

fn annotation(
    context: &Context<'_, '_>,
    cm: &CertManager<'_>,
    injection: &Injection<'_>,
) -> Diagnostic {
    let model = context.model;
    let key = injection.kind.key();
    let object = &model.objects[injection.object];
    let mut d = context
        .diagnostic_for(
            &RULE,
            injection.object,
            format!(
                "{key} is still the kustomize placeholder {:?}: cainjector finds no such object and the caBundle stays empty",
                injection.value
            ),
            injection.value_node.span(),
        )
        .with_span_label(never_replaced(injection.value));
    let endpoints: Vec<_> = model
        .endpoints
        .iter()
        .filter(|e| e.object == injection.object)
        .collect();
    if endpoints.is_empty() || endpoints.iter().all(|e| e.never_called) {
        d.severity = Severity::Warning;
        d = d.with_note(format!(
            "{} calls no webhook yet, so nothing fails until it does",
            object.display()
        ));
    } else {
        d = d.with_note(
            "with an empty caBundle the API server trusts only its system store, and every call fails with `x509: certificate signed by unknown authority`",
        );
    }
    let serving = context
        .provenance
        .cert_manager_serving_object(model, injection.object);
    if let [only] = serving.as_slice() {
        d = d.with_help(format!(
            "it should read `{key}: {}`",
            cm.certificates[*only].id()
        ));
    }
    d.with_help(format!(
        "enable the `replacements` in config/default/kustomization.yaml that copy the Certificate's .metadata.namespace and .metadata.name into .metadata.annotations.[{key}] of {} (delimiter '/', index 0 and 1), then render again: `kubectl kustomize config/default`",
        object.kind
    ))
}
