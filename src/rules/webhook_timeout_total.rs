//! The webhooks one request passes through, whose timeouts add up to the API server's
//! deadline for that request: mutating webhooks are called one after another (twice with
//! `reinvocationPolicy: IfNeeded`), validating ones in parallel.

use super::context::{rule_doc, Context, Rule};
use super::describe::describe_endpoint;
use super::interception::{list, Place, CRITICAL};
use crate::admission::{self, Request};
use crate::diagnostic::{Diagnostic, Severity};
use crate::model::{Admission, EndpointId, EndpointKind, KnownLabels, Selection};
use foldhash::{HashMap, HashSet};
use std::collections::{BTreeMap, BTreeSet};

pub(crate) const RULE: Rule = Rule {
    id: "webhook-timeout-total",
    severity: Severity::Warning,
    doc: rule_doc!("webhook-timeout-total"),
    check,
};

/// Requests named per finding; more are counted.
const MAX_REQUESTS: usize = 3;
/// Webhooks labelled per finding; more are counted in a note.
const MAX_LABELS: usize = 10;

/// A request to try: (operation, group, version, resource, subresource, cluster-scoped).
type Probe<'a> = (&'a str, &'a str, &'a str, &'a str, &'a str, bool);

/// `CREATE pods` and the namespace it was tried in (None: cluster-scoped).
type Described = (String, Option<String>);

/// Groups whose objects the API server never sends to webhooks
/// (`rules.IsExemptAdmissionConfigurationResource`).
const EXEMPT_GROUP: &str = "admissionregistration.k8s.io";

/// Cluster-scoped built-in resources, so their requests carry no namespace.
const CLUSTER_SCOPED: &[&str] = &[
    "nodes",
    "namespaces",
    "persistentvolumes",
    "clusterroles",
    "clusterrolebindings",
    "customresourcedefinitions",
    "apiservices",
    "certificatesigningrequests",
    "priorityclasses",
    "storageclasses",
    "tokenreviews",
    "subjectaccessreviews",
    "selfsubjectaccessreviews",
    "selfsubjectrulesreviews",
    "ingressclasses",
    "runtimeclasses",
    "csidrivers",
    "csinodes",
    "volumeattachments",
];

fn check(context: &Context<'_, '_>, out: &mut Vec<Diagnostic>) {
    let model = context.model;
    let deadline = context.settings.request_deadline;
    let webhooks: Vec<(EndpointId, &Admission)> = model
        .endpoints
        .iter_ids()
        .filter(|(i, _)| !model.is_superseded(*i))
        .filter_map(|(i, e)| Some((i, e.admission.as_ref()?)))
        .collect();
    if webhooks.len() < 2 {
        return;
    }
    let cost = |endpoint: EndpointId| -> i64 {
        let e = &model.endpoints[endpoint];
        let twice = e.kind == EndpointKind::MutatingWebhook
            && e.admission
                .as_ref()
                .is_some_and(|a| a.reinvocation_policy == "IfNeeded");
        // A timeout out of 1..=30 is refused with its configuration (webhook-timeout).
        if !(1..=30).contains(&e.timeout_seconds) {
            return 0;
        }
        e.timeout_seconds * if twice { 2 } else { 1 }
    };
    let total = |set: &[EndpointId]| -> i64 {
        let mutating: i64 = set
            .iter()
            .filter(|&&e| model.endpoints[e].kind == EndpointKind::MutatingWebhook)
            .map(|&e| cost(e))
            .sum();
        let validating = set
            .iter()
            .filter(|&&e| model.endpoints[e].kind == EndpointKind::ValidatingWebhook)
            .map(|&e| cost(e))
            .max()
            .unwrap_or(0);
        mutating + validating
    };
    // Webhooks by the resources their rules name; `*` ones see every resource.
    // Webhooks by the (group, resource) their rules name, `*` groups under "*": a probe
    // only asks the webhooks that could match it, not every webhook of the same resource.
    let mut by_resource: HashMap<(&str, &str), Vec<EndpointId>> = HashMap::default();
    let mut every_resource = Vec::new();
    let mut probes: BTreeSet<Probe> = BTreeSet::new();
    let cluster_scoped = ClusterScoped::of(context);
    for &(e, admission) in &webhooks {
        let mut wildcard = false;
        for rule in &admission.rules {
            for written in &rule.resources {
                let (resource, subresource) = written.split_once('/').unwrap_or((written, ""));
                if resource == "*" {
                    wildcard = true;
                    continue;
                }
                let subresource = if subresource == "*" { "" } else { subresource };
                // `*` groups probe the group the resource is served at; every version listed.
                let groups: Vec<&str> = rule
                    .api_groups
                    .iter()
                    .copied()
                    .flat_map(|g| {
                        if g == "*" {
                            admission::served(resource).map(|(g, _)| g)
                        } else {
                            Some(g)
                        }
                    })
                    .filter(|g| *g != EXEMPT_GROUP)
                    .collect();
                for group in &rule.api_groups {
                    let list = by_resource.entry((*group, resource)).or_default();
                    if list.last() != Some(&e) {
                        list.push(e);
                    }
                }
                for operation in &rule.operations {
                    // CONNECT (exec, attach, port-forward, proxy) runs without the 34s bound.
                    let operations: &[&str] = match *operation {
                        "*" => &["CREATE", "UPDATE"],
                        "CONNECT" => &[],
                        _ => std::slice::from_ref(operation),
                    };
                    for group in &groups {
                        let mut versions: Vec<&str> = rule
                            .api_versions
                            .iter()
                            .copied()
                            .filter(|v| *v != "*")
                            .collect();
                        if versions.is_empty() {
                            versions.push(
                                admission::served(resource)
                                    .filter(|(g, _)| g == group)
                                    .map_or("v1", |(_, v)| v),
                            );
                        }
                        for version in versions {
                            for operation in operations {
                                probes.insert((
                                    operation,
                                    group,
                                    version,
                                    resource,
                                    subresource,
                                    cluster_scoped.contains(resource),
                                ));
                            }
                        }
                    }
                }
            }
        }
        if wildcard {
            every_resource.push(e);
        }
    }
    if !every_resource.is_empty() {
        for critical in CRITICAL {
            let Some((group, version)) = admission::served(critical.resource) else {
                continue;
            };
            for operation in critical.operations {
                probes.insert((
                    operation,
                    group,
                    version,
                    critical.resource,
                    "",
                    matches!(critical.place, Place::Cluster),
                ));
            }
        }
    }
    // Sets of webhooks past the deadline, with the requests that pass through them (in the
    // order found, without repeats).
    let mut findings: BTreeMap<Vec<EndpointId>, (Vec<Described>, HashSet<Described>)> =
        BTreeMap::new();
    let no_labels = KnownLabels(&[]);
    let namespaces: Vec<_> = context.namespaces.iter().collect();
    let admissions: HashMap<EndpointId, &Admission> = webhooks.iter().copied().collect();
    let admission_of = |e: EndpointId| admissions[&e];
    // The requests whose webhooks could reach the deadline at all, with those webhooks.
    let mut worth: Vec<(&Probe, Vec<EndpointId>)> = Vec::new();
    for probe in &probes {
        let mut candidates: Vec<EndpointId> = [probe.1, "*"]
            .iter()
            .flat_map(|group| by_resource.get(&(*group, probe.3)))
            .flatten()
            .copied()
            .collect();
        candidates.extend(&every_resource);
        candidates.sort_unstable();
        candidates.dedup();
        if total(&candidates) >= deadline {
            worth.push((probe, candidates));
        }
    }
    if worth.is_empty() {
        return;
    }
    // Which namespaces each webhook's namespaceSelector admits for certain, asked once per
    // pair rather than per request: a bit per webhook, one set of bits per namespace.
    let mut relevant: Vec<EndpointId> = worth.iter().flat_map(|(_, c)| c.iter().copied()).collect();
    relevant.sort_unstable();
    relevant.dedup();
    let position: HashMap<EndpointId, usize> =
        relevant.iter().enumerate().map(|(i, &e)| (e, i)).collect();
    let words = relevant.len().div_ceil(64);
    let admitted: Vec<Vec<u64>> = namespaces
        .iter()
        .map(|namespace| {
            let mut bits = vec![0u64; words];
            for (i, &e) in relevant.iter().enumerate() {
                if admission_of(e).namespace_selector.selects(*namespace) == Selection::Selected {
                    bits[i / 64] |= 1 << (i % 64);
                }
            }
            bits
        })
        .collect();
    for ((operation, group, version, resource, subresource, cluster), candidates) in worth {
        // Rules, objectSelector and matchConditions do not depend on which namespace.
        let request = Request {
            operation,
            group,
            version,
            resource,
            subresource,
            namespace: if *cluster {
                None
            } else {
                namespaces.first().copied()
            },
            object_labels: &no_labels,
        };
        let mut matching = vec![0u64; words];
        for e in candidates {
            let admission = admission_of(e);
            if admission.match_conditions == 0
                && admission
                    .rules
                    .iter()
                    .any(|r| admission::rule_matches(r, &request))
                && admission.object_selector.selects(&no_labels) == Selection::Selected
            {
                let i = position[&e];
                matching[i / 64] |= 1 << (i % 64);
            }
        }
        let places: Vec<Option<usize>> = if *cluster {
            vec![None]
        } else {
            (0..namespaces.len()).map(Some).collect()
        };
        for place in places {
            let set: Vec<EndpointId> = (0..words)
                .flat_map(|k| {
                    let mut word = matching[k] & place.map_or(u64::MAX, |n| admitted[n][k]);
                    std::iter::from_fn(move || {
                        (word != 0).then(|| {
                            let bit = word.trailing_zeros() as usize;
                            word &= word - 1;
                            k * 64 + bit
                        })
                    })
                })
                .map(|i| relevant[i])
                .collect();
            if set.len() >= 2 && total(&set) >= deadline {
                let what = if subresource.is_empty() {
                    format!("{operation} {resource}")
                } else {
                    format!("{operation} {resource}/{subresource}")
                };
                let described = (what, place.map(|n| namespaces[n].name.clone()));
                let (requests, seen) = findings.entry(set).or_default();
                if seen.insert(described.clone()) {
                    requests.push(described);
                }
            }
        }
    }
    for (set, (requests, _)) in findings {
        let requests = describe_requests(&requests, namespaces.len());
        out.push(diagnostic(
            context,
            &set,
            &requests,
            total(&set),
            deadline,
            &cost,
        ));
    }
}

fn diagnostic(
    context: &Context<'_, '_>,
    set: &[EndpointId],
    requests: &[String],
    total: i64,
    deadline: i64,
    cost: &dyn Fn(EndpointId) -> i64,
) -> Diagnostic {
    let model = context.model;
    // Anchored on the slowest webhook; the others are labelled where they are.
    let anchor = *set
        .iter()
        .max_by_key(|&&e| (cost(e), std::cmp::Reverse(e)))
        .unwrap_or(&set[0]);
    let span_of = |e: EndpointId| {
        let endpoint = &model.endpoints[e];
        endpoint
            .admission
            .as_ref()
            .and_then(|a| a.timeout_node.or_else(|| a.node.get("name")))
            .map(|n| n.span())
            .unwrap_or_else(|| model.objects[endpoint.object].name_span())
    };
    let part = |e: EndpointId| {
        let endpoint = &model.endpoints[e];
        let twice = cost(e) > endpoint.timeout_seconds;
        format!(
            "{} {}s{}",
            endpoint.name,
            endpoint.timeout_seconds,
            if twice {
                " twice (reinvocationPolicy IfNeeded)"
            } else {
                ""
            }
        )
    };
    let mutating: Vec<String> = set
        .iter()
        .filter(|&&e| model.endpoints[e].kind == EndpointKind::MutatingWebhook)
        .map(|&e| part(e))
        .collect();
    let slowest_validating = set
        .iter()
        .filter(|&&e| model.endpoints[e].kind == EndpointKind::ValidatingWebhook)
        .max_by_key(|&&e| cost(e))
        .map(|&e| part(e));
    let mut arithmetic = Vec::new();
    if !mutating.is_empty() {
        arithmetic.push(format!(
            "mutating webhooks are called one after another: {}",
            mutating.join(" + ")
        ));
    }
    if let Some(validating) = slowest_validating {
        arithmetic.push(format!(
            "then the validating ones in parallel, the slowest being {validating}"
        ));
    }
    let endpoint = &model.endpoints[anchor];
    let mut diagnostic = context
        .diagnostic_for(
            &RULE,
            endpoint.object,
            format!(
                "{} {} through {} webhooks and may wait {total}s for them, at or past the API server's {deadline}s deadline",
                list(requests, MAX_REQUESTS),
                if requests.len() == 1 { "passes" } else { "pass" },
                set.len()
            ),
            span_of(anchor),
        )
        .with_span_label(format!("{}: {}s", describe_endpoint(model, endpoint), endpoint.timeout_seconds));
    for &e in set.iter().filter(|&&e| e != anchor).take(MAX_LABELS) {
        diagnostic = diagnostic.with_label(
            span_of(e),
            format!(
                "{}: {}s",
                describe_endpoint(model, &model.endpoints[e]),
                model.endpoints[e].timeout_seconds
            ),
        );
    }
    if set.len() > MAX_LABELS + 1 {
        diagnostic = diagnostic.with_note(format!(
            "{} more webhooks are not labelled",
            set.len() - MAX_LABELS - 1
        ));
    }
    diagnostic
        .with_note(arithmetic.join("; "))
        .with_note(format!(
            "kube-apiserver gives a create or update {deadline}s (requestTimeoutUpperBound, k8s.io/apiserver/pkg/endpoints/handlers/rest.go); when these webhooks are slow together, the request fails with `Timeout: request did not complete within requested timeout - context deadline exceeded`, which names no webhook, whatever their failurePolicy"
        ))
        .with_help("shorten the timeouts (a webhook should answer in milliseconds; a few seconds is plenty), or narrow the rules and selectors so that fewer webhooks see the same request")
}

/// `CREATE pods in any namespace`, `UPDATE leases in kube-system and default`: the requests
/// of one kind together, with their namespaces.
fn describe_requests(requests: &[(String, Option<String>)], namespaces: usize) -> Vec<String> {
    let mut kinds: Vec<(&str, Vec<String>)> = Vec::new();
    for (what, namespace) in requests {
        let at = match kinds.iter().position(|(w, _)| w == what) {
            Some(at) => at,
            None => {
                kinds.push((what, Vec::new()));
                kinds.len() - 1
            }
        };
        kinds[at].1.extend(namespace.clone());
    }
    kinds
        .into_iter()
        .map(|(what, mut in_namespaces)| {
            // The namespaces users work in first; the system ones say less.
            in_namespaces
                .sort_by_key(|n| crate::admission::SYSTEM_NAMESPACES.contains(&n.as_str()));
            (what, in_namespaces)
        })
        .map(|(what, in_namespaces)| match in_namespaces.len() {
            0 => what.to_string(),
            n if n == namespaces => format!("{what} in any namespace"),
            _ => format!("{what} in {}", list(&in_namespaces, 3)),
        })
        .collect()
}

/// Whether requests for `resource` carry no namespace: built-in cluster-scoped resources,
/// and custom resources whose CRD among the inputs says `scope: Cluster`.
/// The resources whose requests carry no namespace: built-in ones and those the inputs'
/// CustomResourceDefinitions define with `scope: Cluster`.
struct ClusterScoped<'a>(HashSet<&'a str>);

impl<'a> ClusterScoped<'a> {
    fn of(context: &Context<'_, 'a>) -> Self {
        let custom = (context.model.custom_resources.iter())
            .filter(|(_, cluster)| *cluster)
            .map(|(plural, _)| *plural);
        ClusterScoped(CLUSTER_SCOPED.iter().copied().chain(custom).collect())
    }

    fn contains(&self, resource: &str) -> bool {
        self.0.contains(resource)
    }
}
