//! A webhook's `timeoutSeconds`: out of the API server's range (the object is refused), or
//! longer than the cluster's own requests can wait (Gardener's limits: 3 s on leases in
//! kube-system, 15 s on critical resources even with failurePolicy Ignore).

use super::context::{rule_doc, Context, Rule};
use super::describe::describe_endpoint;
use super::interception::{critical_hits, list, Place};
use crate::diagnostic::{Diagnostic, Severity};
use crate::model::Admission;
use crate::source::Span;

pub(crate) const RULE: Rule = Rule {
    id: "webhook-timeout",
    severity: Severity::Warning,
    doc: rule_doc!("webhook-timeout"),
    check,
};

fn check(context: &Context<'_, '_>, out: &mut Vec<Diagnostic>) {
    let model = context.model;
    for (index, endpoint) in model.endpoints.iter_ids() {
        let Some(admission) = &endpoint.admission else {
            continue;
        };
        if model.is_superseded(index) {
            continue;
        }
        let timeout = endpoint.timeout_seconds;
        let object = &model.objects[endpoint.object];
        let span = timeout_span(admission, object.name_span());
        if admission.timeout_node.is_some() && !(1..=30).contains(&timeout) {
            // pkg/apis/admissionregistration/validation/validation.go, as kubectl prints it.
            let mut diagnostic = context
                .diagnostic_for(
                    &RULE,
                    endpoint.object,
                    format!(
                        "the API server refuses {}: The {} \"{}\" is invalid: {}: Invalid value: {timeout}: the timeout value must be between 1 and 30 seconds",
                        object.display(),
                        object.kind,
                        object.name,
                        admission.field("timeoutSeconds")
                    ),
                    span,
                )
                .with_span_label("must be between 1 and 30")
                .with_help("set timeoutSeconds between 1 and 30; a webhook should answer in milliseconds, and a few seconds is plenty");
            diagnostic.severity = Severity::Error;
            out.push(diagnostic);
            continue;
        }
        let hits = critical_hits(context, admission, false);
        let leases: Vec<String> = hits
            .iter()
            .filter(|h| {
                h.critical.resource == "leases" && matches!(h.critical.place, Place::System)
            })
            .map(|h| h.what.clone())
            .collect();
        let too_long =
            |what: &[String], listed: usize, limit: i64, notes: [&str; 2], help: String| {
                context
                    .diagnostic_for(
                        &RULE,
                        endpoint.object,
                        format!(
                            "{} intercepts {} with a timeout of {timeout}s, above {limit}s",
                            describe_endpoint(model, endpoint),
                            list(what, listed)
                        ),
                        span,
                    )
                    .with_span_label(timeout_label(admission, timeout))
                    .with_note(notes[0])
                    .with_note(notes[1])
                    .with_help(help)
            };
        let limit = context.settings.lease_timeout;
        if !leases.is_empty() && timeout > limit {
            out.push(too_long(
                &leases,
                3,
                limit,
                [
                    "control-plane controllers renew their leader-election leases every few seconds; a slow webhook on those writes makes them lose leadership, whatever the failurePolicy",
                    "Gardener treats a webhook on leases in kube-system with a timeout above 3s as problematic even with failurePolicy Ignore (WebhookMaximumTimeoutSecondsNotProblematicForLeases), and its remediator sets it to 3s",
                ],
                format!("set `timeoutSeconds: {limit}` or less, or exclude kube-system from the webhook"),
            ));
            continue;
        }
        let limit = context.settings.critical_timeout;
        // With Fail, webhook-system-resources reports the interception itself.
        if endpoint.failure_policy == "Ignore" && timeout > limit && !hits.is_empty() {
            let names: Vec<String> = hits.iter().map(|h| h.what.clone()).collect();
            out.push(too_long(
                &names,
                5,
                limit,
                [
                    "failurePolicy Ignore skips the webhook only once it has timed out: until then the request waits, and most control-plane clients give up after 30s, with the API server's own deadline for a write at 34s",
                    "Gardener treats a webhook on critical resources with a timeout above 15s as problematic even with failurePolicy Ignore (WebhookMaximumTimeoutSecondsNotProblematic)",
                ],
                format!("set `timeoutSeconds: {limit}` or less (a few seconds is usual)"),
            ));
        }
    }
}

/// `timeoutSeconds`, else the webhook's name (the default applies), else the object's name.
fn timeout_span(admission: &Admission<'_>, fallback: Span) -> Span {
    admission
        .timeout_node
        .or_else(|| admission.node.get("name"))
        .map(|n| n.span())
        .unwrap_or(fallback)
}

fn timeout_label(admission: &Admission<'_>, timeout: i64) -> String {
    if admission.timeout_node.is_some() {
        format!("{timeout}s")
    } else if admission.v1beta1 {
        format!("no timeoutSeconds: admissionregistration.k8s.io/v1beta1 defaults it to {timeout}s")
    } else {
        format!("no timeoutSeconds: the default is {timeout}s")
    }
}
