//! kube-webhook-certgen `patch --webhook-name` / `--apiservice-name` must name an object
//! among the inputs, and `--secret-name` the Secret a `create` Job writes: certgen exits with
//! an error when either does not exist, and the caBundle it was meant for stays empty.

use super::context::{rule_doc, Context, Rule};
use crate::diagnostic::{Diagnostic, Severity};
use crate::model::EndpointKind;
use crate::provision::certgen::{self, Command, Invocation};

pub(crate) const RULE: Rule = Rule {
    id: "certgen-patch-missing",
    severity: Severity::Error,
    doc: rule_doc!("certgen-patch-missing"),
    check,
};

fn check(context: &Context<'_, '_>, out: &mut Vec<Diagnostic>) {
    let model = context.model;
    let named = |kinds: &[&str], name: &str| {
        model
            .objects
            .iter()
            .any(|o| o.name == name && kinds.contains(&o.kind))
    };
    let invocations = &context.provenance.certgen_invocations;
    // (namespace, name) of the Secrets that `create` Jobs write, for the help.
    let created: Vec<(&str, &str)> = invocations
        .iter()
        .filter_map(|i| match &i.command {
            Command::Create(create) => create
                .secret_name
                .as_ref()
                .map(|s| (create.namespace.as_str(), s.value.as_str())),
            Command::Patch(_) => None,
        })
        .collect();
    for invocation in invocations {
        let Command::Patch(patch) = &invocation.command else {
            continue;
        };
        if let Some(secret) = &patch.secret_name {
            if certgen::patch_secret_missing(model, invocations, patch) {
                let mut d = diagnostic(
                    context,
                    invocation,
                    secret.node.span(),
                    format!(
                        "kube-webhook-certgen patch reads its CA from Secret \"{}\" in namespace \"{}\", which no create Job writes",
                        secret.value, patch.namespace
                    ),
                    format!("reads the CA from {}/{}", patch.namespace, secret.value),
                )
                .with_note(format!(
                    "the patch Job exits with `no secret with '{}' in '{}'`, retries until its backoffLimit, and no caBundle is filled",
                    secret.value, patch.namespace
                ));
                let writers: Vec<String> = created
                    .iter()
                    .map(|(ns, name)| format!("{ns}/{name}"))
                    .collect();
                d = d.with_help(format!(
                    "set the patch Job's `--secret-name` (and `--namespace`) to the Secret the create Job writes: {}",
                    writers.join(", ")
                ));
                out.push(d);
            }
        }
        let kinds: Vec<&str> = patch
            .kinds()
            .into_iter()
            .map(EndpointKind::as_str)
            .collect();
        if let Some(webhook) = &patch.webhook_name {
            if !kinds.is_empty()
                && !named(
                    &[
                        EndpointKind::ValidatingWebhook.as_str(),
                        EndpointKind::MutatingWebhook.as_str(),
                    ],
                    &webhook.value,
                )
            {
                let first = kinds[0];
                let candidates = configuration_names(context);
                let mut d = diagnostic(
                    context,
                    invocation,
                    webhook.node.span(),
                    format!(
                        "kube-webhook-certgen patch: no webhook configuration named \"{}\" among the inputs",
                        webhook.value
                    ),
                    format!("patches the {} named {}", kinds.join(" and "), webhook.value),
                )
                .with_note(format!(
                    "the patch Job exits with `failed getting {} webhook: {}.admissionregistration.k8s.io \"{}\" not found`, retries until its backoffLimit, and no caBundle is filled",
                    if first == EndpointKind::ValidatingWebhook.as_str() { "validating" } else { "mutating" },
                    first.to_ascii_lowercase() + "s",
                    webhook.value
                ));
                d = match candidates.as_slice() {
                    [] => d.with_help(
                        "lint the webhook configuration together with the Jobs, or set `--webhook-name` to its metadata.name",
                    ),
                    [only] => d.with_help(format!("set `--webhook-name={only}`")),
                    many => d.with_help(format!(
                        "set `--webhook-name` to the metadata.name of the configuration to fill: one of {}",
                        many.join(", ")
                    )),
                };
                out.push(d);
            }
        }
        if let Some(api_service) = &patch.apiservice_name {
            if !named(&[EndpointKind::ApiService.as_str()], &api_service.value) {
                out.push(
                    diagnostic(
                        context,
                        invocation,
                        api_service.node.span(),
                        format!(
                            "kube-webhook-certgen patch: no APIService named \"{}\" among the inputs",
                            api_service.value
                        ),
                        format!("patches the APIService {}", api_service.value),
                    )
                    .with_note(format!(
                        "the patch Job exits with `apiservices.apiregistration.k8s.io \"{}\" not found` and the APIService's caBundle stays empty",
                        api_service.value
                    ))
                    .with_help("set `--apiservice-name` to the APIService's metadata.name (`<version>.<group>`)"),
                );
            }
        }
    }
}

fn diagnostic(
    context: &Context<'_, '_>,
    invocation: &Invocation<'_>,
    span: crate::source::Span,
    message: String,
    label: String,
) -> Diagnostic {
    context
        .diagnostic_for(&RULE, invocation.object, message, span)
        .with_span_label(label)
}

/// Names of the webhook configurations among the inputs, sorted and distinct.
fn configuration_names(context: &Context<'_, '_>) -> Vec<String> {
    let mut names: Vec<String> = context
        .model
        .objects
        .iter()
        .filter(|o| {
            o.kind == EndpointKind::ValidatingWebhook.as_str()
                || o.kind == EndpointKind::MutatingWebhook.as_str()
        })
        .map(|o| o.name.to_string())
        .collect();
    names.sort();
    names.dedup();
    names
}
