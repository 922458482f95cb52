//! The upgrade trap: a Secret made by the previous release carries over, and the new
//! release's provisioner reuses it without checking its names, while the Service was renamed.

use super::{call_failure_note, describe_endpoint, rule_doc, Context, Rule};
use crate::diagnostic::{Diagnostic, Severity};
use crate::resolve::{serving_secret_refs, ServiceLink};

pub const RULE: Rule = Rule {
    id: "upgrade-trap",
    severity: Severity::Error,
    doc: rule_doc!("upgrade-trap"),
    check,
};

fn check(context: &Context<'_, '_>, out: &mut Vec<Diagnostic>) {
    let Some((_, previous)) = context.previous else {
        return;
    };
    let model = context.model;
    for resolution in context.resolutions {
        let (ServiceLink::Found { backends, .. }, Some(server_name)) =
            (&resolution.service, &resolution.server_name)
        else {
            continue;
        };
        let endpoint = context.endpoint(resolution);
        for secret in serving_secret_refs(model, backends) {
            // The new release's provisioner keeps whatever Secret it finds.
            let Some(reuser) = context
                .provisioning
                .for_secret(&secret.namespace, &secret.name)
                .find(|p| p.reuses_without_check)
            else {
                continue;
            };
            for old in previous
                .for_secret(&secret.namespace, &secret.name)
                .filter(|p| p.names_known)
            {
                let Err(error) = old.verify_hostname(server_name) else {
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
                            "after upgrading, delete the Secret so it is issued again for {server_name}: `kubectl delete secret {} -n {}`, then restart the webhook",
                            secret.name, secret.namespace
                        ))
                        .with_help("or upgrade to a version of the operator that verifies the certificate's names before reusing it"),
                );
            }
        }
    }
}
