//! NetworkPolicies that isolate the pods serving a webhook, conversion webhook or
//! APIService and, together, admit nothing but pods to the serving port: the API server is
//! not a pod on most platforms, so its calls are dropped.

use super::context::{rule_doc, Context, Rule};
use super::describe::{call_url, conversion_failure_note, describe_endpoint, join_and};
use crate::diagnostic::{Diagnostic, Severity};
use crate::model::{
    EndpointKind, IngressRule, KnownLabels, NetworkPolicy, Peer, PodTemplateId, PolicyPort,
    Selection, TargetPort,
};
use crate::resolve::ServiceLink;
use foldhash::HashMap;
use std::collections::BTreeMap;

pub(crate) const RULE: Rule = Rule {
    id: "webhook-network-policy",
    severity: Severity::Warning,
    doc: rule_doc!("webhook-network-policy"),
    check,
};

/// Endpoints labelled one by one; more are counted in a note.
const MAX_ENDPOINT_LABELS: usize = 10;
/// Ingress rules labelled per policy.
const MAX_RULE_LABELS: usize = 3;

/// The pod port the Service's targetPort reaches: its number, and its name if declared.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
struct PodPort<'a> {
    number: i64,
    name: Option<&'a str>,
}

fn check(context: &Context<'_, '_>, out: &mut Vec<Diagnostic>) {
    let model = context.model;
    // Policies isolating ingress, by namespace.
    let mut restricting: HashMap<&str, Vec<&NetworkPolicy<'_>>> = HashMap::default();
    for policy in model
        .network_policies
        .iter()
        .filter(|p| p.restricts_ingress)
    {
        restricting
            .entry(model.objects[policy.object].namespace)
            .or_default()
            .push(policy);
    }
    if restricting.is_empty() {
        return;
    }
    // (pod template, port) → the endpoints calling it, as indexes into `context.resolutions`.
    let mut callers: BTreeMap<(PodTemplateId, PodPort<'_>), Vec<usize>> = BTreeMap::new();
    for (i, resolution) in context.resolutions.iter().enumerate() {
        if model.is_superseded(resolution.endpoint) {
            continue;
        }
        if context.endpoint(resolution).never_called {
            continue;
        }
        let ServiceLink::Found {
            service,
            port: Some(port),
            backends,
        } = &resolution.service
        else {
            continue;
        };
        let Some(target) = model.services[*service].ports[*port].target_port else {
            continue;
        };
        for backend in backends {
            let template = &model.pod_templates[backend.pod_template];
            // Most network plugins leave host-network pods out of NetworkPolicies
            // (Kubernetes documentation, "NetworkPolicies and hostNetwork pods").
            if template.host_network {
                continue;
            }
            let declared = backend
                .container
                .into_iter()
                .flat_map(|c| template.containers[c].ports.iter())
                .find(|p| p.is_target(target));
            let pod_port = match (declared, target) {
                (Some(p), _) => p.container_port.map(|number| PodPort {
                    number,
                    name: p.name,
                }),
                (None, TargetPort::Number(number)) => Some(PodPort { number, name: None }),
                // An undeclared name reaches no pod: webhook-target-port says so.
                (None, TargetPort::Name(_)) => None,
            };
            if let Some(pod_port) = pod_port {
                callers
                    .entry((backend.pod_template, pod_port))
                    .or_default()
                    .push(i);
            }
        }
    }
    for ((t, port), callers) in callers {
        let template = &model.pod_templates[t];
        let namespace = &model.objects[template.object].namespace;
        let isolating: Vec<&NetworkPolicy<'_>> = restricting
            .get(namespace)
            .into_iter()
            .flatten()
            .copied()
            .filter(|p| {
                p.pod_selector.selects(&KnownLabels(&template.labels)) == Selection::Selected
            })
            .collect();
        if isolating.is_empty() {
            continue;
        }
        let admitted = isolating
            .iter()
            .flat_map(|p| &p.ingress)
            .any(|rule| admits_api_server(rule, port));
        if !admitted {
            out.push(diagnostic(context, t, port, &isolating, &callers));
        }
    }
}

/// An ingress rule that may let the API server in: from anywhere, or from addresses
/// (an ipBlock may hold the API server's), to the port.
fn admits_api_server(rule: &IngressRule<'_>, port: PodPort<'_>) -> bool {
    admits_from_outside_pods(rule)
        && (rule.ports.is_empty() || rule.ports.iter().any(|p| opens(p, port)))
}

fn admits_from_outside_pods(rule: &IngressRule<'_>) -> bool {
    rule.from.is_empty() || rule.from.iter().any(|p| matches!(p, Peer::Addresses))
}

fn opens(policy_port: &PolicyPort<'_>, port: PodPort<'_>) -> bool {
    if policy_port.protocol != "TCP" {
        return false;
    }
    match policy_port.port {
        None => true,
        Some(TargetPort::Number(n)) => match policy_port.end_port {
            Some(end) => n <= port.number && port.number <= end,
            None => n == port.number,
        },
        Some(TargetPort::Name(name)) => {
            port.name == Some(name) || name.parse::<i64>() == Ok(port.number)
        }
    }
}

/// Why an ingress rule does not admit the API server, for its label.
fn why_not(rule: &IngressRule<'_>, port: PodPort<'_>) -> String {
    if !admits_from_outside_pods(rule) {
        return "admits pods only (podSelector, namespaceSelector), and the API server is not a pod".to_string();
    }
    let opened: Vec<String> = rule
        .ports
        .iter()
        .map(|p| {
            let port = match p.port {
                None => "every port".to_string(),
                Some(TargetPort::Number(n)) => match p.end_port {
                    Some(end) => format!("{n}-{end}"),
                    None => n.to_string(),
                },
                Some(TargetPort::Name(name)) => name.to_string(),
            };
            if p.protocol == "TCP" {
                port
            } else {
                format!("{port}/{}", p.protocol)
            }
        })
        .collect();
    format!(
        "admits port {} only, not {}",
        opened.join(", "),
        port_text(port)
    )
}

/// `9443`, or `9443 (webhook)` when the container names it.
fn port_text(port: PodPort<'_>) -> String {
    match port.name {
        Some(name) => format!("{} ({name})", port.number),
        None => port.number.to_string(),
    }
}

fn diagnostic(
    context: &Context<'_, '_>,
    pod_template: PodTemplateId,
    port: PodPort<'_>,
    isolating: &[&NetworkPolicy<'_>],
    callers: &[usize],
) -> Diagnostic {
    let model = context.model;
    let template = &model.pod_templates[pod_template];
    let workload = model.objects[template.object].display();
    let policy_names: Vec<String> = isolating
        .iter()
        .map(|p| model.objects[p.object].name.to_string())
        .collect();
    let isolates = match policy_names.as_slice() {
        [only] => format!("NetworkPolicy {only} isolates"),
        many => format!("NetworkPolicies {} isolate", join_and(many)),
    };
    let first = context.endpoint(&context.resolutions[callers[0]]);
    let called = match callers.len() {
        1 => describe_endpoint(model, first),
        n => format!(
            "{} and {} more endpoints",
            describe_endpoint(model, first),
            n - 1
        ),
    };
    let none_admits = if isolating.len() == 1 {
        "it admits"
    } else {
        "together they admit"
    };
    let message = format!(
        "{isolates} the pods of {workload}, and {none_admits} no traffic from outside the cluster's pods to port {}: the API server's calls to {called} are dropped and time out (context deadline exceeded)",
        port_text(port)
    );
    let selector_span = |policy: &NetworkPolicy<'_>| {
        policy
            .pod_selector
            .node
            .map(|n| n.span())
            .unwrap_or_else(|| model.objects[policy.object].name_span())
    };
    let selects = |policy: &NetworkPolicy<'_>| {
        if policy.pod_selector.is_everything() {
            format!(
                "selects every pod of namespace {}",
                model.objects[policy.object].namespace
            )
        } else {
            format!("selects the pods of {workload}")
        }
    };
    let mut d = context
        .diagnostic_for(
            &RULE,
            isolating[0].object,
            message,
            selector_span(isolating[0]),
        )
        .with_span_label(selects(isolating[0]));
    for (i, policy) in isolating.iter().enumerate() {
        let name = model.objects[policy.object].display();
        if i > 0 {
            d = d.with_label(selector_span(policy), format!("{name} {}", selects(policy)));
        }
        if policy.ingress.is_empty() {
            let span = policy
                .policy_types
                .map(|n| n.span())
                .unwrap_or_else(|| selector_span(policy));
            if i > 0 || policy.policy_types.is_some() {
                d = d.with_label(span, format!("{name} admits no ingress at all"));
            }
        }
        for rule in policy.ingress.iter().take(MAX_RULE_LABELS) {
            // The part that shuts the API server out: the sources, else the ports.
            let part = if admits_from_outside_pods(rule) {
                rule.node.get("ports")
            } else {
                rule.node.get("from")
            };
            let span = part.map_or_else(|| rule.node.span(), |n| n.span());
            d = d.with_label(span, format!("{name} {}", why_not(rule, port)));
        }
    }
    let calls = callers
        .iter()
        .filter_map(|&i| context.service_call(&context.resolutions[i]));
    for (endpoint, reference) in calls.take(MAX_ENDPOINT_LABELS) {
        d = d.with_label(
            reference.span(),
            format!("{} calls these pods", describe_endpoint(model, endpoint)),
        );
    }
    if callers.len() > MAX_ENDPOINT_LABELS {
        d = d.with_note(format!(
            "{} more endpoints call these pods",
            callers.len() - MAX_ENDPOINT_LABELS
        ));
    }
    for note in consequences(context, callers) {
        d = d.with_note(note);
    }
    d = d.with_note(
        "where the API server's traffic comes from depends on the platform: the control-plane nodes' host network (kubeadm), an address range of the provider's network (managed control planes); a podSelector or namespaceSelector matches neither",
    );
    d.with_help(format!(
        "add an ingress rule admitting TCP port {} from the API server's addresses (an ipBlock), or from anywhere (no `from`)",
        port.number
    ))
}

/// What the API server reports, for the first caller of each kind (and policy).
fn consequences(context: &Context<'_, '_>, callers: &[usize]) -> Vec<String> {
    let model = context.model;
    let mut seen = Vec::new();
    let mut notes = Vec::new();
    for &i in callers {
        let endpoint = context.endpoint(&context.resolutions[i]);
        // Validating and mutating webhooks fail alike.
        let class = match endpoint.kind {
            EndpointKind::MutatingWebhook => EndpointKind::ValidatingWebhook,
            kind => kind,
        };
        if seen.contains(&(class, endpoint.failure_policy)) {
            continue;
        }
        seen.push((class, endpoint.failure_policy));
        let object = &model.objects[endpoint.object];
        let url = call_url(model, endpoint);
        notes.push(match endpoint.kind {
            EndpointKind::ValidatingWebhook | EndpointKind::MutatingWebhook => {
                let failure = format!(
                    "failed calling webhook \"{}\": failed to call webhook: Post \"{url}?timeout={}s\": context deadline exceeded",
                    endpoint.name, endpoint.timeout_seconds
                );
                let described = describe_endpoint(model, endpoint);
                if endpoint.failure_policy == "Ignore" {
                    format!(
                        "{described} has failurePolicy Ignore: every request it matches waits {}s, then goes through unchecked; the API server logs: {failure}",
                        endpoint.timeout_seconds
                    )
                } else {
                    format!("{described} has failurePolicy Fail: every request it matches is refused: Internal error occurred: {failure}")
                }
            }
            EndpointKind::CrdConversion => conversion_failure_note(
                object,
                &format!("Post \"{url}?timeout=30s\": context deadline exceeded"),
            ),
            EndpointKind::ApiService => format!(
                "the APIService {} stays Available=False (FailedDiscoveryCheck): failing or missing response from {url}: Get \"{url}\": context deadline exceeded",
                object.name
            ),
        });
    }
    notes
}

#[cfg(test)]
mod tests {
    use super::*;

    const WIRING: &str = "kind: ValidatingWebhookConfiguration\napiVersion: admissionregistration.k8s.io/v1\nmetadata: {name: w}\nwebhooks:\n- name: a.example.org\n  clientConfig: {service: {name: svc, namespace: ns}}\n---\nkind: Service\napiVersion: v1\nmetadata: {name: svc, namespace: ns}\nspec: {selector: {app: web}, ports: [{port: 443, targetPort: https}]}\n---\nkind: Deployment\napiVersion: apps/v1\nmetadata: {name: d, namespace: ns}\nspec:\n  template:\n    metadata: {labels: {app: web}}\n    spec: {containers: [{name: c, ports: [{name: https, containerPort: 9443}]}]}\n---\n";

    fn policy(spec: &str) -> String {
        format!("kind: NetworkPolicy\napiVersion: networking.k8s.io/v1\nmetadata: {{name: p, namespace: ns}}\nspec: {spec}\n---\n")
    }

    fn lint(text: &str) -> Vec<String> {
        crate::rules::testing::lint_for_test(text)
            .into_iter()
            .filter(|d| d.rule == RULE.id)
            .map(|d| d.message)
            .collect()
    }

    #[test]
    fn pods_only_policies_drop_the_api_server() {
        for spec in [
            // Deny all ingress.
            "{podSelector: {}, policyTypes: [Ingress]}",
            // Policy types absent: Ingress is implied.
            "{podSelector: {matchLabels: {app: web}}, ingress: [{from: [{namespaceSelector: {}}]}]}",
            // An ipBlock, to another port.
            "{podSelector: {}, ingress: [{from: [{ipBlock: {cidr: 10.0.0.0/8}}], ports: [{port: 8080}]}]}",
            // Every source, UDP only.
            "{podSelector: {}, ingress: [{ports: [{port: 9443, protocol: UDP}]}]}",
        ] {
            let found = lint(&[WIRING, &policy(spec)].concat());
            assert_eq!(found.len(), 1, "{spec}: {found:?}");
            assert!(found[0].contains("to port 9443 (https): the API server's calls to webhook \"a.example.org\" of ValidatingWebhookConfiguration/w are dropped"), "{found:?}");
        }
    }

    #[test]
    fn a_rule_open_to_addresses_or_everyone_on_the_port_admits_it() {
        for spec in [
            "{podSelector: {}, ingress: [{}]}",
            "{podSelector: {}, ingress: [{from: [], ports: [{port: https}]}]}",
            "{podSelector: {}, ingress: [{from: [{ipBlock: {cidr: 0.0.0.0/0}}], ports: [{port: 9443}]}]}",
            "{podSelector: {}, ingress: [{ports: [{port: 9000, endPort: 10000}]}]}",
            // Egress only: ingress is not isolated.
            "{podSelector: {}, policyTypes: [Egress]}",
            // Other pods.
            "{podSelector: {matchLabels: {app: other}}, policyTypes: [Ingress]}",
        ] {
            let found = lint(&[WIRING, &policy(spec)].concat());
            assert!(found.is_empty(), "{spec}: {found:?}");
        }
        // The union of the policies selecting the pods counts.
        let deny = policy("{podSelector: {}, policyTypes: [Ingress]}");
        let allow =
            policy("{podSelector: {matchLabels: {app: web}}, ingress: [{ports: [{port: 9443}]}]}")
                .replace("name: p,", "name: allow,");
        assert!(lint(&[WIRING, &deny, &allow].concat()).is_empty());
    }
}
