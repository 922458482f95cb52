//! Go's `VerifyHostname` on the certificate a cert-manager Certificate will issue, for the
//! name the API server calls the endpoints it serves.

use super::context::{rule_doc, Context, Rule};
use super::describe::{call_failure_note, describe_endpoint, service_field};
use crate::diagnostic::{Diagnostic, Severity};
use crate::model::ObjectId;
use crate::provision::cert_manager::{CertManager, EndpointLinks};
use crate::resolve::Resolution;

pub(crate) const RULE: Rule = Rule {
    id: "cert-manager-dns-names",
    severity: Severity::Error,
    doc: rule_doc!("cert-manager-dns-names"),
    check,
};

/// The endpoints of one object that call one name a Certificate does not cover.
struct Group<'r> {
    certificate: usize,
    server_name: String,
    object: ObjectId,
    message: String,
    resolutions: Vec<&'r Resolution>,
    /// The Certificate writes the Secret the pods serve (else: only its CA is injected).
    serves: bool,
}

fn check(context: &Context<'_, '_>, out: &mut Vec<Diagnostic>) {
    let cm = &context.provenance.cert_manager;
    if cm.certificates.is_empty() {
        return;
    }
    let mut groups: Vec<Group<'_>> = Vec::new();
    for resolution in context.resolutions {
        let Some(server_name) = &resolution.server_name else {
            continue;
        };
        let endpoint = context.endpoint(resolution);
        let links = context.provenance.cert_manager_links(resolution.endpoint);
        for (certificate, serves) in judged(cm, links) {
            let c = &cm.certificates[certificate];
            // Placeholders are cert-manager-placeholder's finding.
            if !c.placeholders().is_empty() {
                continue;
            }
            let Err(error) = c.verify_hostname(server_name, context.go) else {
                continue;
            };
            match groups.iter_mut().find(|g| {
                g.certificate == certificate
                    && g.server_name == *server_name
                    && g.object == endpoint.object
            }) {
                Some(group) => group.resolutions.push(resolution),
                None => groups.push(Group {
                    certificate,
                    server_name: server_name.clone(),
                    object: endpoint.object,
                    message: error.to_string(),
                    resolutions: vec![resolution],
                    serves,
                }),
            }
        }
    }
    for group in groups {
        out.push(diagnostic(context, cm, &group));
    }
}

/// The Certificates whose names the API server will meet: those writing the Secret the
/// pods serve from; failing that, the non-CA Certificates whose CA is injected (with a
/// self-signed issuer, the injected certificate is the served one).
fn judged(cm: &CertManager<'_>, links: &EndpointLinks<'_>) -> Vec<(usize, bool)> {
    if !links.serving.is_empty() {
        return links.serving.iter().map(|&c| (c, true)).collect();
    }
    links
        .injected
        .iter()
        .filter(|&&c| !cm.certificates[c].is_ca)
        .map(|&c| (c, false))
        .collect()
}

fn diagnostic(context: &Context<'_, '_>, cm: &CertManager<'_>, group: &Group<'_>) -> Diagnostic {
    let model = context.model;
    let c = &cm.certificates[group.certificate];
    let first = group.resolutions[0];
    let endpoint = context.endpoint(first);
    let server_name = &group.server_name;
    let how = if group.serves {
        format!(
            "writes Secret {}, which the webhook's pods serve",
            c.secret_name_text().unwrap_or("")
        )
    } else {
        "is injected as the caBundle".to_string()
    };
    let mut d = context
        .diagnostic_for(
            &RULE,
            endpoint.object,
            group.message.clone(),
            endpoint.span(model),
        )
        .with_span_label(format!(
            "{} is called as {server_name}",
            describe_endpoint(model, endpoint)
        ))
        .with_label(
            c.names_span(model),
            format!(
                "Certificate {} ({how}) requests a certificate for {}",
                c.id(),
                c.names_display()
            ),
        )
        .with_note(
            "cert-manager issues the certificate for exactly these names; the API server verifies <service>.<namespace>.svc (never .cluster.local), as Go's VerifyHostname does",
        );
    if group.resolutions.len() > 1 {
        let others: Vec<String> = group.resolutions[1..]
            .iter()
            .map(|r| describe_endpoint(model, context.endpoint(r)))
            .collect();
        d = d.with_note(format!(
            "the same holds for {} more: {}",
            others.len(),
            others.join(", ")
        ));
    }
    if group
        .resolutions
        .iter()
        .all(|r| context.endpoint(r).never_called)
    {
        d.severity = Severity::Warning;
        d = d.with_note(
            "the CRD serves a single version, so the API server does not call this webhook yet; it will fail as soon as a second version is served",
        );
    }
    d = d.with_note(call_failure_note(context, first, &group.message));
    // kustomize renamed the Service (namePrefix, namespace) after the names were written.
    let (service, namespace) = server_name
        .strip_suffix(".svc")
        .and_then(|s| s.split_once('.'))
        .unwrap_or((server_name.as_str(), ""));
    let stale = c.dns_name_texts().iter().any(|n| {
        n.split('.')
            .next()
            .is_some_and(|s| s != service && service.ends_with(s))
    });
    d = d.with_help(format!(
        "add `- {server_name}` to spec.dnsNames of Certificate {} (cert-manager reissues the certificate), or point {} at the Service the certificate is issued for",
        c.id(),
        service_field(endpoint)
    ));
    if stale && !namespace.is_empty() {
        d = d.with_help(format!(
            "the names predate kustomize's namePrefix/namespace: let `replacements` in config/default/kustomization.yaml copy the webhook Service's .metadata.name and .metadata.namespace into the Certificate's .spec.dnsNames (delimiter '.', index 0 and 1), as kubebuilder scaffolds it, so they become {service}.{namespace}.svc"
        ));
    }
    d
}
