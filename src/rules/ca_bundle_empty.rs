//! An empty caBundle: the API server trusts its system store, which holds no private CA,
//! unless something fills the caBundle at run time.

use super::context::{rule_doc, Context, Rule};
use super::describe::{cause_key, describe_endpoint};
use super::verdict::{diagnostic, failures};
use crate::diagnostic::{Diagnostic, Severity};
use crate::model::EndpointId;
use crate::resolve::{ca_bundle_is_empty, Target};
use crate::tls::verify::VerifyErrorKind;
use foldhash::HashMap;

pub(crate) const RULE: Rule = Rule {
    id: "ca-bundle-empty",
    severity: Severity::Error,
    doc: rule_doc!("ca-bundle-empty"),
    check,
};

const UNKNOWN_AUTHORITY: &str = "x509: certificate signed by unknown authority";

fn check(context: &Context<'_, '_>, out: &mut Vec<Diagnostic>) {
    let mut per_endpoint: Vec<super::by_cause::PerEndpoint> = Vec::new();
    let model = context.model;
    let failed: HashMap<EndpointId, _> = failures(context)
        .filter(|f| f.verdict.system_roots)
        .filter(|f| matches!(f.kind(), Some(VerifyErrorKind::UnknownAuthority { .. })))
        .map(|f| (f.resolution.endpoint, f))
        .collect();
    for resolution in context.resolutions {
        let endpoint = context.endpoint(resolution);
        if !matches!(resolution.target, Target::Service { .. }) {
            continue;
        }
        if endpoint
            .insecure_skip_tls_verify
            .is_some_and(|n| n.as_bool() == Some(true))
        {
            continue;
        }
        if !ca_bundle_is_empty(endpoint) {
            continue;
        }
        let provenance = context.provenance;
        let injectors: Vec<&crate::provision::Injector> = provenance
            .provisioning
            .injectors_for(model, endpoint.object)
            .collect();
        let span = endpoint
            .ca_bundle_key_span()
            .unwrap_or_else(|| endpoint.span(model));
        let described = describe_endpoint(model, endpoint);
        if !injectors.is_empty() {
            let names: Vec<&str> = injectors.iter().map(|i| i.description.as_str()).collect();
            let mut d = context
                .diagnostic_for(
                    &RULE,
                    endpoint.object,
                    format!("the caBundle of {described} is filled at run time"),
                    span,
                )
                .with_span_label(format!("filled by {}", names.join(", ")))
                .with_note("its TLS verdict is judged against the CA that injector will copy");
            for injector in &injectors {
                if injector.kind == crate::provision::ProvisionerKind::Rbac {
                    d = d.with_label(injector.span, "this rule lets it patch the caBundle");
                    for (at, label) in &injector.evidence {
                        d = d.with_label(*at, label.clone());
                    }
                }
            }
            d.severity = Severity::Note;
            per_endpoint.push(super::by_cause::PerEndpoint {
                endpoint: resolution.endpoint,
                cause: cause_key(context, resolution.endpoint, &d),
                diagnostic: d,
            });
            continue;
        }
        let candidates: Vec<&crate::provision::Injector> = provenance
            .injector_candidates
            .iter()
            .filter(|i| i.target == crate::provision::InjectTarget::Object(endpoint.object))
            .collect();
        // An injector annotation that does not resolve is its own rule's error.
        let annotated = provenance
            .cert_manager
            .injections
            .iter()
            .any(|i| i.object == endpoint.object);
        let private_maker = private_certificate_maker(context, resolution).filter(|_| !annotated);
        let failure = failed.get(&resolution.endpoint);
        let mut d = if let Some(failure) = failure {
            diagnostic(context, &RULE, failure, format!("{} is signed by a private CA", failure.serving.cert_key))
                .with_note("there is no caBundle, so the API server trusts its own system store; predicted with the public roots (webpki-root-certs), which hold no private CA")
        } else {
            context
                .diagnostic_for(
                    &RULE,
                    endpoint.object,
                    format!("{described} has no caBundle and nothing among the inputs fills it"),
                    span,
                )
                .with_span_label("no caBundle")
        };
        if failure.is_none() {
            d = match &private_maker {
                Some(maker) => d
                    .with_label(maker.span, format!("{} makes a privately signed certificate", maker.description))
                    .with_note(format!("the API server then trusts only its system store, which holds no private CA: every call fails with {UNKNOWN_AUTHORITY}")),
                None => d
                    .with_note(format!(
                        "the API server then trusts only its system store; unless the webhook serves a publicly trusted certificate, every call fails: {UNKNOWN_AUTHORITY}"
                    ))
                    .with_note("if a program speclint cannot see fills it at run time, this is expected"),
            };
        }
        d = d.with_note("nothing among the inputs fills this caBundle: no injector annotation, certgen patch Job, known operator, or workload whose RBAC lets it patch this object");
        for candidate in &candidates {
            d = d.with_label(
                candidate.span,
                format!(
                    "{} may patch it, but by a grant that names no object and from a workload that does not serve it: that alone does not show it fills this caBundle",
                    candidate.description
                ),
            );
        }
        // The Service is another install's (nothing of its namespace is among the inputs).
        let foreign = matches!(resolution.service, crate::resolve::ServiceLink::Missing)
            && match &resolution.target {
                Target::Service {
                    namespace, name, ..
                } => provenance.is_another_installs(namespace, name),
                _ => false,
            };
        if foreign {
            d = d.with_note("nothing among the inputs is in the Service's namespace: the install serving it is not among the inputs, and is not checked");
        }
        d.severity = match (
            failure.is_some() || private_maker.is_some(),
            endpoint.never_called,
        ) {
            _ if foreign => Severity::Note,
            // The API server never calls it (a CRD serving one version): nothing fails today.
            (_, true) if failure.is_none() => Severity::Note,
            (true, true) => Severity::Warning,
            (true, false) => Severity::Error,
            (false, _) => Severity::Warning,
        };
        let d = d.with_help(
            "set caBundle to the base64 of the CA that signed the serving certificate, or let an injector fill it (the `cert-manager.io/inject-ca-from: <namespace>/<Certificate>` annotation)",
        );
        if failure.is_some() {
            out.push(d);
        } else {
            per_endpoint.push(super::by_cause::PerEndpoint {
                endpoint: resolution.endpoint,
                cause: cause_key(context, resolution.endpoint, &d),
                diagnostic: d,
            });
        }
    }
    super::by_cause::merge(context.model, per_endpoint, out);
}

/// A provisioner of the serving certificate known to sign it with a private CA: certgen, an
/// operator of the catalogue, or cert-manager with a non-ACME issuer among the inputs.
fn private_certificate_maker<'p>(
    context: &'p Context<'_, '_>,
    resolution: &crate::resolve::Resolution,
) -> Option<&'p crate::provision::Provisioner> {
    use crate::provision::ProvisionerKind;
    let cm = &context.provenance.cert_manager;
    context
        .provenance
        .provisioners_for(resolution)
        .into_iter()
        .find(|p| match p.kind {
            ProvisionerKind::Certgen
            | ProvisionerKind::Operator(_)
            | ProvisionerKind::ServiceCa => true,
            ProvisionerKind::CertManager => cm
                .certificates
                .iter()
                .find(|c| c.object == p.object)
                .and_then(|c| {
                    let (_, kind, name) = c.issuer()?;
                    cm.issuer(kind == "ClusterIssuer", &c.namespace, name)
                })
                .is_some_and(|issuer| !issuer.acme),
            ProvisionerKind::Rbac => false,
        })
}
