//! Go's `VerifyHostname` on the certificate OpenShift's service CA issues into the Secret
//! the webhook's pods serve: it names the annotated Service (`<svc>.<ns>.svc`,
//! `<svc>.<ns>.svc.cluster.local`), so a webhook calling another Service is refused.

use super::context::{rule_doc, Context, Rule};
use super::describe::{call_failure_note, describe_endpoint, service_field};
use crate::diagnostic::{Diagnostic, Severity};
use crate::provision::certgen::names_refuse;
use crate::provision::service_ca::{ServingCert, SERVING_CERT_SECRET_NAME};
use crate::resolve::{ServedCertificate, Target};

pub(crate) const RULE: Rule = Rule {
    id: "service-ca-dns-names",
    severity: Severity::Error,
    doc: rule_doc!("service-ca-dns-names"),
    check,
};

fn check(context: &Context<'_, '_>, out: &mut Vec<Diagnostic>) {
    let model = context.model;
    let service_ca = &context.provenance.service_ca;
    if service_ca.serving_certs.is_empty() {
        return;
    }
    for resolution in context.resolutions {
        // A rendered certificate is judged by webhook-hostname; a live one the service CA
        // replaces when its names are not the Service's, so the names it will issue count.
        if let ServedCertificate::Found(serving) = &resolution.certificate {
            if !model.objects[model.secrets[serving.secret].object].live {
                continue;
            }
        }
        let endpoint = context.endpoint(resolution);
        if endpoint
            .insecure_skip_tls_verify
            .is_some_and(|n| n.as_bool() == Some(true))
        {
            continue;
        }
        let (Some(server_name), Target::Service { name, .. }) =
            (resolution.server_name.as_deref(), &resolution.target)
        else {
            continue;
        };
        let Some(links) = service_ca.links(
            model,
            resolution,
            context.provenance.mounted(resolution.endpoint),
        ) else {
            continue;
        };
        // Pods serving several certificates (webhook and metrics) serve the webhook one on
        // the webhook port: when one is valid for the name, the others are not judged.
        if links
            .serving
            .iter()
            .any(|(_, cert)| names_refuse(&cert.dns_names, &[], server_name, context.go).is_none())
        {
            continue;
        }
        let mut judged: Vec<&ServingCert<'_>> = Vec::new();
        for &(mount, cert) in &links.serving {
            if judged.iter().any(|c| c.service == cert.service) {
                continue;
            }
            judged.push(cert);
            let Some(message) = names_refuse(&cert.dns_names, &[], server_name, context.go) else {
                continue;
            };
            let m = &links.mounted[mount];
            let workload = model.objects[model.pod_templates[m.pod_template].object].display();
            let mut d = context
                .diagnostic_for(&RULE, endpoint.object, message.clone(), endpoint.span(model))
                .with_span_label(format!(
                    "{} is called as {server_name}",
                    describe_endpoint(model, endpoint)
                ))
                .with_label(
                    cert.value_node.span(),
                    format!(
                        "the service CA issues the certificate in Secret {} for Service {}: {}",
                        cert.secret,
                        cert.service_id(),
                        cert.dns_names.join(", ")
                    ),
                )
                .with_label(
                    m.span,
                    match m.flag {
                        Some(flag) => format!("{workload} reads Secret {} (--{flag})", m.name),
                        None => format!("{workload} mounts Secret {}", m.name),
                    },
                )
                .with_note(
                    "the service CA issues for the name of the Service carrying the annotation; the API server verifies <service>.<namespace>.svc of the Service the webhook calls, as Go's VerifyHostname does",
                );
            if endpoint.never_called {
                d.severity = Severity::Warning;
                d = d.with_note("the CRD serves a single version, so the API server does not call this webhook yet; it will fail as soon as a second version is served");
            }
            d = d
                .with_note(call_failure_note(context, resolution, &message))
                .with_help(format!(
                    "point {} at the Service the certificate is issued for: `name: {}`, if it selects the same pods",
                    service_field(endpoint),
                    cert.name
                ))
                .with_help(format!(
                    "or annotate the Service the webhook calls instead, `{SERVING_CERT_SECRET_NAME}: {}` on Service {}/{name}, and delete Secret {} so that the service CA creates it again for that name (it does not take over a Secret made for another Service)",
                    cert.secret, cert.namespace, cert.secret
                ));
            out.push(d);
        }
    }
}
