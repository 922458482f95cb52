//! kube-webhook-certgen `patch` patches a ValidatingWebhookConfiguration and a
//! MutatingWebhookConfiguration of `--webhook-name` unless told otherwise
//! (`--patch-validating=false`, `--patch-mutating=false`): the kinds it patches must be the
//! kinds that carry that name.

use super::context::{rule_doc, Context, Rule};
use crate::diagnostic::{Diagnostic, Severity};
use crate::model::EndpointKind;
use crate::model::ObjectId;
use crate::provision::certgen::{BoolFlag, Command, FlagValue, Invocation};
use crate::provision::ProvisionerKind;
use crate::yaml::NodeRef;

pub(crate) const RULE: Rule = Rule {
    id: "certgen-patch-kind",
    severity: Severity::Error,
    doc: rule_doc!("certgen-patch-kind"),
    check,
};

fn check(context: &Context<'_, '_>, out: &mut Vec<Diagnostic>) {
    let model = context.model;
    for invocation in &context.provenance.certgen_invocations {
        let Command::Patch(patch) = &invocation.command else {
            continue;
        };
        let template = &model.pod_templates[invocation.pod_template];
        let workload = &model.objects[template.object];
        let container = template.containers[invocation.container].name.unwrap_or("");
        let place = format!(
            "the args of container {container} of {}/{} -n {}",
            workload.kind, workload.name, workload.namespace
        );
        if !patch.patch_validating.value
            && !patch.patch_mutating.value
            && patch.apiservice_name.is_none()
        {
            let span = patch
                .patch_mutating
                .node
                .or(patch.patch_validating.node)
                .unwrap_or(patch.command_node)
                .span();
            out.push(
                context
                    .diagnostic_for(
                        &RULE,
                        invocation.object,
                        "patch-validating=false, patch-mutating=false. You must patch at least one kind of webhook, otherwise this command is a no-op",
                        span,
                    )
                    .with_span_label("kube-webhook-certgen patch is told to patch nothing")
                    .with_note("certgen exits with this error, so the patch Job fails")
                    .with_help(format!(
                        "remove `--patch-validating=false` or `--patch-mutating=false` from {place}"
                    )),
            );
            continue;
        }
        let Some(webhook) = &patch.webhook_name else {
            continue;
        };
        let find = |kind: &str| {
            model
                .objects
                .iter_ids()
                .find(|(_, o)| o.kind == kind && o.name == webhook.value)
                .map(|(id, _)| id)
        };
        let (validating, mutating) = (
            find(EndpointKind::ValidatingWebhook.as_str()),
            find(EndpointKind::MutatingWebhook.as_str()),
        );
        if validating.is_none() && mutating.is_none() {
            // certgen-patch-missing reports it.
            continue;
        }
        for (kind, flag_name, flag, exists, other) in [
            (
                EndpointKind::ValidatingWebhook.as_str(),
                "patch-validating",
                patch.patch_validating,
                validating,
                mutating,
            ),
            (
                EndpointKind::MutatingWebhook.as_str(),
                "patch-mutating",
                patch.patch_mutating,
                mutating,
                validating,
            ),
        ] {
            // The flag is false only when written.
            match (flag.value, flag.node, exists) {
                (true, _, None) => out.push(patched_but_absent(
                    context, invocation, webhook, kind, flag_name, flag, other, &place,
                )),
                (false, Some(node), Some(object)) if stays_empty(context, invocation, object) => {
                    out.push(skipped_but_present(
                        context, invocation, kind, flag_name, node, object, &place,
                    ))
                }
                _ => {}
            }
        }
    }
}

fn short(kind: &str) -> &'static str {
    if kind == EndpointKind::ValidatingWebhook.as_str() {
        "validating"
    } else {
        "mutating"
    }
}

#[allow(clippy::too_many_arguments)]
fn patched_but_absent(
    context: &Context<'_, '_>,
    invocation: &Invocation<'_>,
    webhook: &FlagValue<'_>,
    kind: &str,
    flag_name: &str,
    flag: BoolFlag<'_>,
    other: Option<ObjectId>,
    place: &str,
) -> Diagnostic {
    let model = context.model;
    let name = &webhook.value;
    let span = flag
        .node
        .map(|n| n.span())
        .unwrap_or_else(|| webhook.node.span());
    let label = if flag.node.is_some() {
        format!("patches the {kind} {name}")
    } else {
        format!("patches the {kind} {name} too: --{flag_name} defaults to true")
    };
    let mut d = context
        .diagnostic_for(
            &RULE,
            invocation.object,
            format!(
                "failed getting {} webhook: {}s.admissionregistration.k8s.io \"{name}\" not found",
                short(kind),
                kind.to_ascii_lowercase()
            ),
            span,
        )
        .with_span_label(label);
    if let Some(other) = other {
        let object = &model.objects[other];
        d = d.with_label(
            object.name_span(),
            format!("only a {} is named {name}", object.kind),
        );
    }
    d.with_note(format!(
        "kube-webhook-certgen exits with this error; the Job retries until its backoffLimit, and as a Helm hook it fails the install or upgrade{}",
        if kind == EndpointKind::ValidatingWebhook.as_str() {
            " (the mutating configuration, patched after the validating one, is not reached)"
        } else {
            ""
        }
    ))
    .with_help(format!("add `--{flag_name}=false` to {place}"))
}

fn skipped_but_present(
    context: &Context<'_, '_>,
    invocation: &Invocation<'_>,
    kind: &str,
    flag_name: &str,
    flag_node: NodeRef<'_>,
    object: ObjectId,
    place: &str,
) -> Diagnostic {
    let model = context.model;
    let target = &model.objects[object];
    let span = flag_node.span();
    context
        .diagnostic_for(
            &RULE,
            invocation.object,
            format!(
                "the caBundle of {} stays empty: kube-webhook-certgen patch skips {} configurations",
                target.display(),
                short(kind)
            ),
            span,
        )
        .with_span_label(format!("--{flag_name}=false"))
        .with_label(
            target.name_span(),
            format!("this {kind} gets no caBundle and nothing else among the inputs fills it"),
        )
        .with_note("with no caBundle the API server trusts only its system store, which does not hold certgen's private CA: every call fails with `x509: certificate signed by unknown authority`")
        .with_help(format!("remove `--{flag_name}=false` from {place}"))
}

/// The configuration has no caBundle set and no other injector fills it.
fn stays_empty(context: &Context<'_, '_>, invocation: &Invocation<'_>, object: ObjectId) -> bool {
    let model = context.model;
    let endpoints: Vec<_> = model
        .endpoints
        .iter()
        .filter(|e| e.object == object)
        .collect();
    let has_bundle = endpoints.iter().any(|e| {
        e.ca_bundle
            .and_then(|n| n.as_str())
            .is_some_and(|s| !s.trim().is_empty())
    });
    let all_urls = !endpoints.is_empty() && endpoints.iter().all(|e| e.service.is_none());
    let filled_elsewhere = context
        .provenance
        .provisioning
        .injectors_for(model, object)
        .any(|i| !(i.kind == ProvisionerKind::Certgen && i.object == invocation.object));
    !has_bundle && !all_urls && !filled_elsewhere
}
