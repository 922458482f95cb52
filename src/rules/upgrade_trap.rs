//! The upgrade trap: a Secret made by the previous release carries over, and the new
//! release's provisioner reuses it without checking its names, while the Service was renamed.

use super::context::{rule_doc, Context, Rule};
use super::describe::{call_failure_note, describe_endpoint};
use crate::diagnostic::{Diagnostic, Severity};
use crate::resolve::{distinct_secrets, ServiceLink};

pub(crate) const RULE: Rule = Rule {
    id: "upgrade-trap",
    severity: Severity::Error,
    doc: rule_doc!("upgrade-trap"),
    check,
};

fn check(context: &Context<'_, '_>, out: &mut Vec<Diagnostic>) {
    let Some((previous_model, previous)) = context.previous else {
        return;
    };
    let model = context.model;
    for resolution in context.resolutions {
        let (ServiceLink::Found { .. }, Some(server_name)) =
            (&resolution.service, &resolution.server_name)
        else {
            continue;
        };
        let endpoint = context.endpoint(resolution);
        for secret in distinct_secrets(context.provenance.mounted(resolution.endpoint)) {
            // A Secret the previous release rendered with `helm.sh/resource-policy: keep`
            // survives the upgrade; when the new render has none, the kept one is served.
            if model.secret(&secret.namespace, secret.name).is_none() {
                if let Some(kept) =
                    kept_certificate(previous_model, &secret.namespace, secret.name, context.go)
                {
                    if let Err(error) =
                        crate::tls::hostname::verify_hostname(&kept.1, server_name, context.go)
                    {
                        let message = error.to_string();
                        out.push(
                            context
                                .diagnostic_for(&RULE, endpoint.object, message.clone(), endpoint.span(model))
                                .with_span_label(format!(
                                    "after the upgrade {} is called as {server_name}",
                                    describe_endpoint(model, endpoint)
                                ))
                                .with_label(kept.0, format!(
                                    "the previous release's Secret {}/{} is kept (helm.sh/resource-policy: keep) with a certificate valid for {}",
                                    secret.namespace,
                                    secret.name,
                                    error.valid_names().join(", ")
                                ))
                                .with_note(call_failure_note(context, resolution, &message))
                                .with_help(format!(
                                    "after upgrading, replace the kept Secret{} and re-run the release so it is issued for {server_name}",
                                    super::shell_command::shown(super::shell_command::delete_secret(secret.name, &secret.namespace))
                                )),
                        );
                    }
                }
            }
            // The new release's provisioner keeps whatever Secret it finds.
            let Some(reuser) = context
                .provenance
                .provisioning
                .for_secret(&secret.namespace, secret.name)
                .find(|p| p.reuses_without_check)
            else {
                continue;
            };
            for old in previous
                .provisioning
                .for_secret(&secret.namespace, secret.name)
                .filter(|p| p.names_known)
            {
                let Err(error) = old.verify_hostname(server_name, context.go) else {
                    continue;
                };
                let message = error.to_string();
                let names: Vec<&str> = old
                    .dns_names
                    .iter()
                    .chain(old.ip_addresses.iter())
                    .map(String::as_str)
                    .collect();
                out.push(
                    context
                        .diagnostic_for(&RULE, endpoint.object, message.clone(), endpoint.span(model))
                        .with_span_label(format!(
                            "after the upgrade {} is called as {server_name}",
                            describe_endpoint(model, endpoint)
                        ))
                        .with_label(
                            old.span,
                            format!(
                                "the previous release's {} issued Secret {}/{} for {}",
                                old.description,
                                secret.namespace,
                                secret.name,
                                names.join(", ")
                            ),
                        )
                        .with_label(
                            reuser.span,
                            format!("{} reuses an existing Secret without checking its names", reuser.description),
                        )
                        .with_note("the Secret was created outside the chart's resources, so `helm upgrade` keeps it")
                        .with_note(call_failure_note(context, resolution, &message))
                        .with_help(format!(
                            "after upgrading, delete the Secret so it is issued again for {server_name}{}, then restart the webhook",
                            super::shell_command::shown(super::shell_command::delete_secret(secret.name, &secret.namespace))
                        ))
                        .with_help("or upgrade to a version of the operator that verifies the certificate's names before reusing it"),
                );
            }
        }
    }
}

/// The certificate of a Secret the previous render keeps across upgrades, with its key's span.
fn kept_certificate(
    previous: &crate::model::Model<'_>,
    namespace: &str,
    name: &str,
    go: crate::tls::go::Go,
) -> Option<(crate::source::Span, crate::tls::cert::Certificate)> {
    let secret = previous.secret(namespace, name)?;
    let object = &previous.objects[secret.object];
    let keep = object
        .node()
        .path(&["metadata", "annotations", "helm.sh/resource-policy"])
        .and_then(|n| n.as_str())
        == Some("keep");
    if !keep {
        return None;
    }
    let entry = crate::resolve::cert_entry(secret)?;
    let chain = crate::resolve::decode_chain(entry, go).ok()?;
    let leaf = chain.certificates.first()?.clone();
    Some((entry.key_node.span(), leaf))
}
