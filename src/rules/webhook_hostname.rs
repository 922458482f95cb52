//! Go's `VerifyHostname` on the serving leaf, for the name the API server dials, as the
//! step of the verdict it is in Go's order (after the validity window).

use super::context::{rule_doc, Context, Rule};
use super::describe::service_field;
use super::shell_command;
use super::verdict::{diagnostic, failures};
use crate::diagnostic::{Diagnostic, Severity};
use crate::tls::verify::VerifyErrorKind;

pub(crate) const RULE: Rule = Rule {
    id: "webhook-hostname",
    severity: Severity::Error,
    doc: rule_doc!("webhook-hostname"),
    check,
};

fn check(context: &Context<'_, '_>, out: &mut Vec<Diagnostic>) {
    for failure in failures(context) {
        let Some(VerifyErrorKind::Hostname(error)) = failure.kind() else {
            continue;
        };
        let model = context.model;
        let endpoint = context.endpoint(failure.resolution);
        let server_name = failure.resolution.server_name.as_deref().unwrap_or("");
        let serving = failure.serving;
        let secret_object = &model.objects[model.secrets[serving.secret].object];
        let workload = &model.objects[model.pod_templates[serving.mounted_by].object];
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
        let d = diagnostic(context, &RULE, &failure, certificate_label).with_help(format!(
            "if a provisioner made this Secret (cert-manager, a certgen Job, the operator itself), delete it so it is issued again for {server_name}{}, then restart the webhook{}",
            shell_command::shown(shell_command::delete_secret(secret_object.name, secret_object.namespace)),
            shell_command::shown(
                shell_command::Command::kubectl()
                    .args(&["rollout", "restart"])
                    .resource(&workload.kind.to_ascii_lowercase(), workload.name)
                    .namespace(workload.namespace)
                    .build()
            ),
        ));
        let reuser = context
            .provenance
            .provisioning
            .for_secret(secret_object.namespace, secret_object.name)
            .find(|p| p.reuses_without_check);
        let d = match reuser {
            Some(reuser) if secret_object.live => d
                .with_label(reuser.span, format!("{} reuses this Secret without checking its names", reuser.description))
                .with_help("or upgrade to an operator version that verifies the certificate's names before reusing it"),
            _ => d,
        };
        out.push(if error.is_legacy_common_name() {
            d.with_help(format!(
                "or reissue the certificate with a subjectAltName: DNS:{server_name} (Go has ignored the Common Name since 1.15, Kubernetes 1.19)"
            ))
        } else {
            d.with_help(format!(
                "or make the names agree: issue the certificate for {server_name}, or point {} at the Service the certificate was issued for",
                service_field(endpoint)
            ))
        });
    }
}
