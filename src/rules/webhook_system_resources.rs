//! A `Fail` webhook that intercepts what the cluster itself needs: pods and leases in
//! kube-system, node leases, nodes, token and access reviews, certificate requests (an
//! error: GKE's unsafe webhooks), or the rest of Gardener's critical set (a warning).

use super::context::{rule_doc, Context, Rule};
use super::describe::describe_endpoint;
use super::interception::{
    critical_hits, excluding_namespaces, list, match_conditions_note, Harm, Place,
};
use crate::diagnostic::{Diagnostic, Severity};

pub(crate) const RULE: Rule = Rule {
    id: "webhook-system-resources",
    severity: Severity::Error,
    doc: rule_doc!("webhook-system-resources"),
    check,
};

/// Critical requests named in a message; more are counted.
const MAX_LISTED: usize = 5;

fn check(context: &Context<'_, '_>, out: &mut Vec<Diagnostic>) {
    let model = context.model;
    for (index, endpoint) in model.endpoints.iter_ids() {
        let Some(admission) = &endpoint.admission else {
            continue;
        };
        if endpoint.failure_policy != "Fail" || model.is_superseded(index) {
            continue;
        }
        let mut hits = critical_hits(context, admission, false);
        if hits.is_empty() {
            // Said once, as a note: what hangs on labels a platform may give its namespaces.
            let maybe = critical_hits(context, admission, true);
            let worst = maybe.iter().max_by_key(|h| h.critical.harm);
            if let Some(hit) = worst {
                let requirements: Vec<String> = admission
                    .namespace_selector
                    .requirements
                    .iter()
                    .filter(|r| r.key != crate::admission::NAME_LABEL)
                    .map(|r| format!("`{}`", r.describe()))
                    .collect();
                let mut diagnostic = context
                    .diagnostic_for(
                        &RULE,
                        endpoint.object,
                        format!(
                            "whether {} intercepts {}, with failurePolicy Fail, depends on labels the inputs do not show",
                            describe_endpoint(model, endpoint),
                            hit.what
                        ),
                        hit.interception.rule.node.span(),
                    )
                    .with_note(format!(
                        "its namespaceSelector ({}) leaves out namespaces by labels that no Namespace object among the inputs gives the system namespaces; it intercepts them unless the platform or an administrator labels them so",
                        list(&requirements, 3)
                    ));
                diagnostic.severity = Severity::Note;
                out.push(diagnostic);
            }
            continue;
        }
        // Worst harm first, in the table's order otherwise.
        hits.sort_by_key(|h| std::cmp::Reverse(h.critical.harm));
        let locks_up = hits[0].critical.harm == Harm::LocksUp;
        let names: Vec<String> = hits.iter().map(|h| h.what.clone()).collect();
        let first = &hits[0].interception;
        let every_resource = first.rule.api_groups.contains(&"*")
            && first
                .rule
                .resources
                .iter()
                .any(|r| *r == "*" || *r == "*/*");
        let what = if every_resource {
            format!("every resource, among them {}", list(&names, MAX_LISTED))
        } else {
            list(&names, MAX_LISTED)
        };
        let mut diagnostic = context
            .diagnostic_for(
                &RULE,
                endpoint.object,
                format!(
                    "{} intercepts {what}, with failurePolicy Fail",
                    describe_endpoint(model, endpoint)
                ),
                first.rule.node.span(),
            )
            .with_span_label(format!("matches {}", hits[0].what));
        // Each other rule that matches a critical request, once.
        let mut labelled = vec![first.rule.node.span()];
        for hit in &hits[1..] {
            let span = hit.interception.rule.node.span();
            if !labelled.contains(&span) {
                labelled.push(span);
                diagnostic = diagnostic.with_label(span, format!("matches {}", hit.what));
            }
        }
        let system_places: Vec<&str> = hits
            .iter()
            // The Namespace object is matched by its own labels, so the same selector excludes it.
            .filter_map(|h| {
                h.what
                    .split_once(" in ")
                    .map(|(_, ns)| ns)
                    .or_else(|| h.what.strip_prefix("the Namespace "))
            })
            .fold(Vec::new(), |mut all, ns| {
                if !all.contains(&ns) {
                    all.push(ns);
                }
                all
            });
        if let (Some(node), false) = (admission.namespace_selector.node, system_places.is_empty()) {
            diagnostic = diagnostic.with_label(
                node.span(),
                format!(
                    "does not exclude {}",
                    list(
                        &system_places
                            .iter()
                            .map(|s| s.to_string())
                            .collect::<Vec<_>>(),
                        MAX_LISTED
                    )
                ),
            );
        }
        let mut consequences: Vec<String> = Vec::new();
        for hit in &hits {
            let consequence = hit.critical.consequence.to_string();
            if !consequences.contains(&consequence) {
                consequences.push(consequence);
            }
        }
        diagnostic = diagnostic.with_note(format!(
            "while its backend is down or slow: {}",
            list(&consequences, MAX_LISTED)
        ));
        diagnostic = diagnostic.with_note(
            "GKE reports such webhooks as K8S_ADMISSION_WEBHOOK_UNSAFE; Gardener's IsProblematicWebhook blocks hibernation and maintenance for them",
        );
        if !locks_up {
            diagnostic.severity = Severity::Warning;
        }
        if let Some(note) = match_conditions_note(admission) {
            diagnostic.severity = Severity::Warning;
            diagnostic = diagnostic.with_note(note);
        }
        let cluster_scoped: Vec<String> = hits
            .iter()
            .filter(|h| matches!(h.critical.place, Place::Cluster))
            .map(|h| h.what.clone())
            .collect();
        let mut fixes = Vec::new();
        if !system_places.is_empty() {
            fixes.push(excluding_namespaces(admission, &system_places));
        }
        if !cluster_scoped.is_empty() {
            let mut fix = format!(
                "a namespaceSelector does not apply to cluster-scoped resources: take {} out of the rules",
                list(&cluster_scoped, MAX_LISTED)
            );
            if every_resource {
                fix.push_str(" (name the resources the webhook needs instead of `*`, or set `scope: Namespaced`)");
            }
            fixes.push(fix);
        }
        let help = format!(
            "leave the cluster's own requests alone, as the Kubernetes documentation advises (\"Limit the scope of each webhook\"): {}; or set `failurePolicy: Ignore` with a short timeoutSeconds",
            fixes.join("; ")
        );
        out.push(diagnostic.with_help(help));
    }
}
