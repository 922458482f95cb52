//! An empty caBundle: the API server trusts its system store, which holds no private CA,
//! unless something fills the caBundle at run time.

use super::verdict::{diagnostic, failures};
use super::{describe_endpoint, rule_doc, Context, Rule};
use crate::diagnostic::{Diagnostic, Severity};
use crate::resolve::{ca_bundle_is_empty, Target};
use crate::tls::verify::VerifyErrorKind;
use std::collections::HashMap;

pub const RULE: Rule = Rule {
    id: "ca-bundle-empty",
    severity: Severity::Error,
    doc: rule_doc!("ca-bundle-empty"),
    check,
};

const UNKNOWN_AUTHORITY: &str = "x509: certificate signed by unknown authority";

fn check(context: &Context<'_, '_>, out: &mut Vec<Diagnostic>) {
    let model = context.model;
    let failed: HashMap<usize, _> = failures(context)
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
        let injectors: Vec<&str> = context
            .provenance
            .provisioning
            .injectors_for(model, endpoint.object)
            .map(|i| i.description.as_str())
            .collect();
        let span = endpoint
            .ca_bundle_key_span()
            .unwrap_or_else(|| endpoint.span(model));
        let described = describe_endpoint(model, endpoint);
        if !injectors.is_empty() {
            out.push(
                context
                    .diagnostic_for(
                        &RULE,
                        endpoint.object,
                        format!("the caBundle of {described} is filled at run time"),
                        span,
                    )
                    .with_span_label(format!("filled by {}", injectors.join(", ")))
                    .with_note("its TLS verdict is judged against the CA that injector will copy"),
            );
            out.last_mut().expect("just pushed").severity = Severity::Note;
            continue;
        }
        let failure = failed.get(&resolution.endpoint);
        let mut d = if let Some(failure) = failure {
            diagnostic(context, &RULE, failure, format!("{} is signed by a private CA", failure.serving.cert_key))
                .with_note("there is no caBundle, so the API server trusts its own system store; predicted with the public roots (webpki-root-certs), which hold no private CA")
        } else {
            context
                .diagnostic_for(&RULE, endpoint.object, format!("{described} has no caBundle and nothing among the inputs fills it"), span)
                .with_span_label("no caBundle")
                .with_note(format!(
                    "the API server then trusts only its system store; unless the webhook serves a publicly trusted certificate, every call fails: {UNKNOWN_AUTHORITY}"
                ))
                .with_note("if an operator speclint does not know fills it at run time, this is expected")
        };
        d = d.with_note("nothing among the inputs injects this caBundle: no cert-manager annotation, certgen patch Job or known operator targets it");
        if failure.is_some() {
            d.severity = if endpoint.never_called {
                Severity::Warning
            } else {
                Severity::Error
            };
        } else {
            d.severity = Severity::Warning;
        }
        out.push(d.with_help(
            "set caBundle to the base64 of the CA that signed the serving certificate, or let an injector fill it (the `cert-manager.io/inject-ca-from: <namespace>/<Certificate>` annotation)",
        ));
    }
}
