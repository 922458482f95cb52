//! Go's `VerifyHostname` on the serving leaf, for the name the API server dials.

use super::{call_failure_note, describe_endpoint, rule_doc, service_field, Context, Rule};
use crate::diagnostic::{Diagnostic, Severity};
use crate::resolve::{Certificate, Resolution, ServingSecret};
use crate::tls::hostname::{verify_hostname, HostnameError};

pub const RULE: Rule = Rule {
    id: "webhook-hostname",
    severity: Severity::Error,
    doc: rule_doc!("webhook-hostname"),
    check,
};

fn check(context: &Context<'_, '_>, out: &mut Vec<Diagnostic>) {
    for resolution in context.resolutions {
        let (Certificate::Found(serving), Some(server_name)) =
            (&resolution.certificate, &resolution.server_name)
        else {
            continue;
        };
        let Ok(chain) = &serving.chain else { continue };
        let Some(leaf) = chain.certificates.first() else {
            continue;
        };
        if let Err(error) = verify_hostname(leaf, server_name) {
            out.push(diagnostic(
                context,
                resolution,
                serving,
                server_name,
                &error,
            ));
        }
    }
}

fn diagnostic(
    context: &Context<'_, '_>,
    resolution: &Resolution,
    serving: &ServingSecret,
    server_name: &str,
    error: &HostnameError,
) -> Diagnostic {
    let model = context.model;
    let endpoint = context.endpoint(resolution);
    let secret = &model.secrets[serving.secret];
    let secret_object = &model.objects[secret.object];
    let workload = &model.objects[model.pod_templates[serving.mounted_by].object];
    let message = error.to_string();
    let valid_names = error.valid_names();
    let certificate_label = if error.is_legacy_common_name() {
        format!(
            "{} holds a certificate with no subjectAltName; Go ignores its Common Name",
            serving.cert_key
        )
    } else if valid_names.is_empty() {
        format!("{} holds a certificate valid for no name", serving.cert_key)
    } else {
        format!(
            "{} holds a certificate valid for {}",
            serving.cert_key,
            valid_names.join(", ")
        )
    };
    let namespace = &secret_object.namespace;
    let mut diagnostic = context
        .diagnostic_for(&RULE, endpoint.object, message.clone(), endpoint.span(model))
        .with_span_label(format!(
            "{} is called as {server_name}",
            describe_endpoint(model, endpoint)
        ))
        .with_label(serving.cert_key_span, certificate_label)
        .with_label(
            serving.mounted_at,
            format!("{} serves the certificate of this Secret", workload.display()),
        )
        .with_note(call_failure_note(context, resolution, &message))
        .with_help(format!(
            "if a provisioner made this Secret (cert-manager, a certgen Job, the operator itself), delete it so it is issued again for {server_name}: `kubectl delete secret {} -n {namespace}`, then restart the webhook: `kubectl rollout restart {}/{} -n {}`",
            secret_object.name,
            workload.kind.to_ascii_lowercase(),
            workload.name,
            workload.namespace,
        ));
    if endpoint.never_called {
        diagnostic.severity = Severity::Warning;
        diagnostic = diagnostic.with_note(
            "the CRD serves a single version, so the API server does not call this webhook yet; it will fail as soon as a second version is served",
        );
    }
    diagnostic = if error.is_legacy_common_name() {
        diagnostic.with_help(format!(
            "or reissue the certificate with a subjectAltName: DNS:{server_name} (Go has ignored the Common Name since 1.15, Kubernetes 1.19)"
        ))
    } else {
        diagnostic.with_help(format!(
            "or make the names agree: issue the certificate for {server_name}, or point {} at the Service the certificate was issued for",
            service_field(endpoint)
        ))
    };
    diagnostic
}
