//! The pods behind an admission webhook with failurePolicy Fail that intercepts what every
//! workload needs (pods, workload controllers, namespaces, Services), when an ordinary
//! disruption takes them away: one replica, no PodDisruptionBudget (or one that blocks
//! drains), no readinessProbe, or nothing spreading them over nodes.

use super::context::{rule_doc, Context, Rule};
use super::describe::{call_url, describe_endpoint, join_and};
use crate::admission::{intercepts, served, Namespace, Request};
use crate::diagnostic::{Diagnostic, Severity};
use crate::model::{
    Admission, KnownLabels, Labels, Model, ObjectId, PodTemplate, PodTemplateId, Selection,
};
use crate::resolve::ServiceLink;
use crate::source::Span;
use crate::yaml::NodeRef;
use std::collections::{BTreeMap, BTreeSet};

pub(crate) const RULE: Rule = Rule {
    id: "webhook-backend-availability",
    severity: Severity::Warning,
    doc: rule_doc!("webhook-backend-availability"),
    check,
};

/// Resources whose writes every workload goes through, with the word for one of them.
const RESOURCES: [(&str, &str); 8] = [
    ("pods", "pod"),
    ("deployments", "deployment"),
    ("replicasets", "replicaset"),
    ("statefulsets", "statefulset"),
    ("daemonsets", "daemonset"),
    ("jobs", "job"),
    ("namespaces", "namespace"),
    ("services", "service"),
];
const OPERATIONS: [&str; 2] = ["CREATE", "UPDATE"];
/// Indexes into RESOURCES of the workload controllers, said together as "workload".
const WORKLOADS: [usize; 5] = [1, 2, 3, 4, 5];

/// Webhooks labelled one by one; more are counted in a note.
const MAX_WEBHOOK_LABELS: usize = 10;
/// Namespaces named in a message; more are counted.
const MAX_NAMESPACES_NAMED: usize = 3;

/// Which of the critical requests a webhook intercepts, and in which namespaces.
#[derive(Clone, Default)]
struct Reach {
    /// (resource, operation) as indexes into RESOURCES and OPERATIONS.
    requests: BTreeSet<(usize, usize)>,
    /// In a namespace created later, carrying only its name label (a team's namespace).
    new_namespace: bool,
    /// The cluster's namespaces (system ones and the inputs') where it intercepts one, by
    /// position in `context.namespaces.iter()`.
    namespaces: NamespaceSet,
}

/// Positions of namespaces, one bit each: a webhook without a selector reaches them all,
/// and thousands of webhooks times thousands of namespaces must stay small.
#[derive(Clone, Default)]
struct NamespaceSet(Vec<u64>);

impl NamespaceSet {
    fn insert(&mut self, position: usize) {
        if self.0.len() <= position / 64 {
            self.0.resize(position / 64 + 1, 0);
        }
        self.0[position / 64] |= 1 << (position % 64);
    }

    fn contains(&self, position: usize) -> bool {
        self.0
            .get(position / 64)
            .is_some_and(|word| word & (1 << (position % 64)) != 0)
    }

    fn is_empty(&self) -> bool {
        self.0.iter().all(|word| *word == 0)
    }

    fn union(&mut self, other: &NamespaceSet) {
        if self.0.len() < other.0.len() {
            self.0.resize(other.0.len(), 0);
        }
        for (mine, theirs) in self.0.iter_mut().zip(&other.0) {
            *mine |= theirs;
        }
    }
}

impl Reach {
    fn merge(&mut self, other: &Reach) {
        self.requests.extend(other.requests.iter().copied());
        self.new_namespace |= other.new_namespace;
        self.namespaces.union(&other.namespaces);
    }
}

/// Stands for a namespace the inputs do not know: no label but the name the API server sets.
const NEW_NAMESPACE: &str = "speclint-new-namespace";

/// The critical requests `admission` intercepts. A probe counts unless a selector
/// excludes it for certain; its object carries no label (a Namespace object its own).
/// matchConditions are not evaluated: they may narrow what is shown here.
fn reach(context: &Context<'_, '_>, admission: &Admission<'_>) -> Reach {
    let new_namespace = Namespace {
        name: NEW_NAMESPACE.to_string(),
        labels: Vec::new(),
        object: None,
    };
    let no_labels = KnownLabels(&[]);
    // Whether the webhook intercepts (r, o) in a namespace: None when no rule matches.
    let probe = |r: usize, o: usize, namespace: &Namespace<'_>| {
        let resource = RESOURCES[r].0;
        let (group, version) = served(resource)?;
        let object_labels: &dyn Labels = if resource == "namespaces" {
            namespace
        } else {
            &no_labels
        };
        let request = Request {
            operation: OPERATIONS[o],
            group,
            version,
            resource,
            subresource: "",
            namespace: Some(namespace),
            object_labels,
        };
        intercepts(admission, &request).map(|i| !i.excluded())
    };
    // Whether a rule matches does not depend on the namespace, and what the selectors say
    // depends on the namespace alone, except for a Namespace object (its own labels).
    let mut matched: Vec<(usize, usize, bool)> = Vec::new();
    for r in 0..RESOURCES.len() {
        for o in 0..OPERATIONS.len() {
            if let Some(in_new_namespace) = probe(r, o, &new_namespace) {
                matched.push((r, o, in_new_namespace));
            }
        }
    }
    let mut reach = Reach::default();
    for is_namespace_object in [false, true] {
        let group: Vec<(usize, usize, bool)> = matched
            .iter()
            .copied()
            .filter(|&(r, _, _)| (RESOURCES[r].0 == "namespaces") == is_namespace_object)
            .collect();
        if group.is_empty() {
            continue;
        }
        // A rule of the group matches in any namespace; only the selectors tell them apart
        // (a Namespace object is its own object).
        let object_admitted = admission.object_selector.selects(&no_labels) != Selection::Excluded;
        let mut within = NamespaceSet::default();
        for (i, namespace) in context.namespaces.iter().enumerate() {
            let admitted = admission.namespace_selector.selects(namespace) != Selection::Excluded
                && if is_namespace_object {
                    admission.object_selector.selects(namespace) != Selection::Excluded
                } else {
                    object_admitted
                };
            if admitted {
                within.insert(i);
            }
        }
        for (r, o, in_new_namespace) in group {
            if in_new_namespace || !within.is_empty() {
                reach.requests.insert((r, o));
            }
            reach.new_namespace |= in_new_namespace;
        }
        reach.namespaces.union(&within);
    }
    reach
}

/// How many pods a workload keeps, and what says so.
#[derive(Clone, Copy)]
enum Replicas {
    /// `spec.replicas` as written.
    Written(i64),
    /// `spec.replicas` absent: 1.
    Defaulted,
    /// A HorizontalPodAutoscaler's `minReplicas` (index into `model.autoscalers`).
    Autoscaled(i64, usize),
    /// A bare Pod: one, and not recreated.
    BarePod,
}

impl Replicas {
    fn count(self) -> i64 {
        match self {
            Replicas::Written(n) | Replicas::Autoscaled(n, _) => n,
            Replicas::Defaulted | Replicas::BarePod => 1,
        }
    }
}

/// Kinds whose pods a count of replicas keeps, and that node drains evict.
fn is_replicated(kind: &str) -> bool {
    matches!(
        kind,
        "Deployment" | "StatefulSet" | "ReplicaSet" | "ReplicationController"
    )
}

/// The workload's replicas; None for kinds without a count (DaemonSet, Job, CronJob) or a
/// value that is not a number.
fn replicas(model: &Model<'_>, template: &PodTemplate<'_>) -> Option<Replicas> {
    if template.kind == "Pod" {
        return Some(Replicas::BarePod);
    }
    if !is_replicated(template.kind) {
        return None;
    }
    let object = &model.objects[template.object];
    let autoscaler = model.autoscalers.iter().position(|a| {
        a.target_kind == template.kind
            && a.target_name == object.name
            && model.objects[a.object].namespace == object.namespace
    });
    if let Some(a) = autoscaler {
        return Some(Replicas::Autoscaled(model.autoscalers[a].min_replicas, a));
    }
    match template.replicas {
        None => Some(Replicas::Defaulted),
        Some(node) => node.as_i64().map(Replicas::Written),
    }
}

/// What leaves the webhook without a pod to answer.
enum Weakness {
    /// Fewer than two pods behind the Service.
    OneReplica(Replicas),
    /// No PodDisruptionBudget selects the pods.
    NoBudget,
    /// Budgets that let no pod be evicted: node drains wait forever.
    BlockingBudget(Vec<(usize, Span, String)>),
    /// Serving containers without a readinessProbe (indexes into `containers`).
    NoReadinessProbe(Vec<usize>),
    /// Several pods, nothing keeping them on separate nodes.
    NoSpread(i64),
}

impl Weakness {
    fn short(&self) -> &'static str {
        match self {
            Weakness::OneReplica(r) if r.count() < 1 => "no replica",
            Weakness::OneReplica(_) => "one replica",
            Weakness::NoBudget => "no PodDisruptionBudget",
            Weakness::BlockingBudget(_) => "a PodDisruptionBudget that allows no eviction",
            Weakness::NoReadinessProbe(_) => "no readinessProbe",
            Weakness::NoSpread(_) => "nothing spreading its pods over nodes",
        }
    }
}

/// The webhooks a workload serves, and what they intercept together.
struct Finding {
    pod_template: PodTemplateId,
    /// Indexes into `context.resolutions`, with what each webhook reaches.
    callers: Vec<(usize, Reach)>,
    reach: Reach,
}

fn check(context: &Context<'_, '_>, out: &mut Vec<Diagnostic>) {
    for finding in findings(context) {
        let weaknesses = weaknesses(context, &finding);
        if !weaknesses.is_empty() {
            out.push(diagnostic(context, &finding, &weaknesses));
        }
    }
}

fn findings(context: &Context<'_, '_>) -> Vec<Finding> {
    let mut by_template: BTreeMap<PodTemplateId, Vec<(usize, Reach)>> = BTreeMap::new();
    // Webhooks of one configuration are probed once each, whatever their backends.
    let mut reaches: BTreeMap<(ObjectId, usize), Reach> = BTreeMap::new();
    for (i, resolution) in context.resolutions.iter().enumerate() {
        let endpoint = context.endpoint(resolution);
        let Some(admission) = &endpoint.admission else {
            continue;
        };
        if endpoint.failure_policy != "Fail" || context.model.is_superseded(resolution.endpoint) {
            continue;
        }
        let ServiceLink::Found { backends, .. } = &resolution.service else {
            continue;
        };
        if backends.is_empty() {
            continue;
        }
        let reach = reaches
            .entry((endpoint.object, admission.index))
            .or_insert_with(|| reach(context, admission));
        if reach.requests.is_empty() {
            continue;
        }
        for backend in backends {
            by_template
                .entry(backend.pod_template)
                .or_default()
                .push((i, reach.clone()));
        }
    }
    by_template
        .into_iter()
        .map(|(pod_template, callers)| {
            let mut reach = Reach::default();
            for (_, r) in &callers {
                reach.merge(r);
            }
            Finding {
                pod_template,
                callers,
                reach,
            }
        })
        .collect()
}

/// The pods behind an endpoint's Service, all its backends together; a workload without a
/// count (a DaemonSet) counts as several.
fn pods_behind(context: &Context<'_, '_>, resolution: usize) -> i64 {
    let ServiceLink::Found { backends, .. } = &context.resolutions[resolution].service else {
        return 0;
    };
    let mut pods = 0;
    for b in backends {
        let template = &context.model.pod_templates[b.pod_template];
        pods += replicas(context.model, template).map_or(2, Replicas::count);
        if pods >= 2 {
            break;
        }
    }
    pods
}

fn weaknesses(context: &Context<'_, '_>, finding: &Finding) -> Vec<Weakness> {
    let model = context.model;
    let template = &model.pod_templates[finding.pod_template];
    let object = &model.objects[template.object];
    let mut found = Vec::new();
    let replicas = replicas(model, template);
    if let Some(r) = replicas {
        // Only asked for a single pod; pods_behind stops counting at two.
        if r.count() < 2
            && finding
                .callers
                .iter()
                .any(|(i, _)| pods_behind(context, *i) < 2)
        {
            found.push(Weakness::OneReplica(r));
        }
    }
    if is_replicated(template.kind) {
        let count = replicas.map(Replicas::count);
        let budgets: Vec<usize> = model
            .disruption_budgets
            .iter()
            .enumerate()
            .filter(|(_, b)| {
                let budget_object = &model.objects[b.object];
                // A null selector selects no pod (policy/v1: "A null selector will match no
                // pods"); policy/v1beta1 read an empty one so too.
                let selects_nothing = b.selector.node.is_none()
                    || (budget_object.api_version.ends_with("v1beta1")
                        && b.selector.is_everything());
                budget_object.namespace == object.namespace
                    && !selects_nothing
                    && b.selector.selects(&KnownLabels(&template.labels)) == Selection::Selected
            })
            .map(|(i, _)| i)
            .collect();
        match budgets.as_slice() {
            [] => found.push(Weakness::NoBudget),
            [only] => {
                if let Some(blocking) = blocking_budget(model, *only, count) {
                    found.push(Weakness::BlockingBudget(vec![blocking]));
                }
            }
            several => {
                // registry/core/pod/storage/eviction.go refuses to evict such pods.
                let why = format!(
                    "{} PodDisruptionBudgets select these pods, and the eviction API refuses pods with more than one",
                    several.len()
                );
                let blocking = several
                    .iter()
                    .map(|&b| {
                        let budget = &model.objects[model.disruption_budgets[b].object];
                        (b, budget.name_span(), why.clone())
                    })
                    .collect();
                found.push(Weakness::BlockingBudget(blocking));
            }
        }
    }
    let serving: BTreeSet<Option<usize>> = finding
        .callers
        .iter()
        .filter_map(|(i, _)| match &context.resolutions[*i].service {
            ServiceLink::Found { backends, .. } => backends
                .iter()
                .find(|b| b.pod_template == finding.pod_template)
                .map(|b| b.container),
            _ => None,
        })
        .collect();
    let mut unprobed = Vec::new();
    for container in serving {
        match container {
            Some(c) if template.containers[c].readiness_probe.is_none() => unprobed.push(c),
            Some(_) => {}
            // The serving container cannot be told: any probe may be the server's.
            None if template
                .containers
                .iter()
                .all(|c| c.readiness_probe.is_none()) =>
            {
                unprobed.extend(0..template.containers.len())
            }
            None => {}
        }
    }
    unprobed.sort_unstable();
    unprobed.dedup();
    if !unprobed.is_empty() {
        found.push(Weakness::NoReadinessProbe(unprobed));
    }
    if let Some(r) = replicas {
        if r.count() >= 2
            && is_replicated(template.kind)
            && template.anti_affinity.is_none()
            && template.topology_spread.is_none()
        {
            found.push(Weakness::NoSpread(r.count()));
        }
    }
    found
}

/// The budget's field that lets no pod go, with why; None when it allows an eviction.
/// The disruption controller rounds percentages up (GetScaledValueFromIntOrPercent).
fn blocking_budget(
    model: &Model<'_>,
    budget: usize,
    replicas: Option<i64>,
) -> Option<(usize, Span, String)> {
    let b = &model.disruption_budgets[budget];
    let scaled = |node: NodeRef<'_>, of: i64| -> Option<i64> {
        if let Some(n) = node.as_i64() {
            return Some(n);
        }
        let percent: i64 = node.as_str()?.strip_suffix('%')?.trim().parse().ok()?;
        Some((percent * of + 99) / 100)
    };
    if let Some(node) = b.max_unavailable {
        let text = node.scalar_text().unwrap_or_default();
        return (scaled(node, replicas.unwrap_or(1)) == Some(0)).then(|| {
            (
                budget,
                node.span(),
                format!("maxUnavailable: {text} lets no pod be evicted"),
            )
        });
    }
    let node = b.min_available?;
    let text = node.scalar_text().unwrap_or_default();
    if node.as_str() == Some("100%") {
        return Some((
            budget,
            node.span(),
            format!("minAvailable: {text} lets no pod be evicted"),
        ));
    }
    let count = replicas?;
    (scaled(node, count)? >= count).then(|| {
        (
            budget,
            node.span(),
            format!("minAvailable: {text} of {count} pods lets no pod be evicted"),
        )
    })
}

/// `pod, deployment and service`; the five workload controllers as `workload`.
fn nouns(resources: &BTreeSet<usize>) -> String {
    let mut words: Vec<&str> = Vec::new();
    let all_workloads = WORKLOADS.iter().all(|w| resources.contains(w));
    for &r in resources {
        if all_workloads && WORKLOADS.contains(&r) {
            if r == WORKLOADS[0] {
                words.push("workload");
            }
            continue;
        }
        words.push(RESOURCES[r].1);
    }
    join_and(&words)
}

/// Resources grouped by the operations intercepted on them, in RESOURCES order.
fn by_operations(requests: &BTreeSet<(usize, usize)>) -> Vec<(Vec<usize>, BTreeSet<usize>)> {
    let mut operations: BTreeMap<usize, Vec<usize>> = BTreeMap::new();
    for &(r, o) in requests {
        operations.entry(r).or_default().push(o);
    }
    let mut groups: Vec<(Vec<usize>, BTreeSet<usize>)> = Vec::new();
    for (r, ops) in operations {
        match groups.iter_mut().find(|(o, _)| *o == ops) {
            Some((_, resources)) => {
                resources.insert(r);
            }
            None => groups.push((ops, BTreeSet::from([r]))),
        }
    }
    groups
}

/// `every pod creation and every deployment creation or update`.
fn requests_text(requests: &BTreeSet<(usize, usize)>) -> String {
    let phrases: Vec<String> = by_operations(requests)
        .iter()
        .map(|(ops, resources)| {
            let action = match ops.as_slice() {
                [0] => "creation",
                [1] => "update",
                _ => "creation or update",
            };
            format!("every {} {action}", nouns(resources))
        })
        .collect();
    join_and(&phrases)
}

/// `CREATE pods, deployments; UPDATE services`, for labels.
fn requests_api_text(requests: &BTreeSet<(usize, usize)>) -> String {
    by_operations(requests)
        .iter()
        .map(|(ops, resources)| {
            let ops: Vec<&str> = ops.iter().map(|&o| OPERATIONS[o]).collect();
            let resources: Vec<&str> = resources.iter().map(|&r| RESOURCES[r].0).collect();
            format!("{} {}", ops.join("/"), resources.join(", "))
        })
        .collect::<Vec<_>>()
        .join("; ")
}

/// `in the cluster`, `outside kube-system`, `in namespace team-a`.
fn scope_text(context: &Context<'_, '_>, reach: &Reach) -> String {
    let named = |names: Vec<&str>| {
        let shown: Vec<&str> = names.iter().take(MAX_NAMESPACES_NAMED).copied().collect();
        match names.len() - shown.len() {
            0 => join_and(&shown),
            more => format!("{} and {more} more", shown.join(", ")),
        }
    };
    let names = |within: bool| -> Vec<&str> {
        context
            .namespaces
            .iter()
            .enumerate()
            .filter(|(i, _)| reach.namespaces.contains(*i) == within)
            .map(|(_, n)| n.name.as_str())
            .collect()
    };
    if reach.new_namespace {
        let excluded = names(false);
        return if excluded.is_empty() {
            "in the cluster".to_string()
        } else {
            format!("outside {}", named(excluded))
        };
    }
    let within = names(true);
    let word = if within.len() == 1 {
        "namespace"
    } else {
        "namespaces"
    };
    format!("in {word} {}", named(within))
}

fn diagnostic(context: &Context<'_, '_>, finding: &Finding, weaknesses: &[Weakness]) -> Diagnostic {
    let model = context.model;
    let template = &model.pod_templates[finding.pod_template];
    let object = &model.objects[template.object];
    let workload = object.display();
    let shorts: Vec<&str> = weaknesses.iter().map(Weakness::short).collect();
    let callers = match finding.callers.as_slice() {
        [(only, _)] => format!(
            "{} (failurePolicy Fail)",
            describe_endpoint(model, context.endpoint(&context.resolutions[*only]))
        ),
        many => format!("{} webhooks with failurePolicy Fail", many.len()),
    };
    let refused = format!(
        "{} {}",
        requests_text(&finding.reach.requests),
        scope_text(context, &finding.reach)
    );
    let consequence = match &weaknesses[0] {
        Weakness::OneReplica(r) if r.count() < 1 => {
            format!("with no pod running, {refused} is refused")
        }
        Weakness::OneReplica(_) => {
            format!("while its only pod restarts or its node drains, {refused} is refused")
        }
        Weakness::NoBudget => format!(
            "a node drain may evict all its pods at once, and {refused} is refused until they are back"
        ),
        Weakness::BlockingBudget(_) => {
            "node drains and cluster upgrades stall on its pods, which cannot be evicted".to_string()
        }
        Weakness::NoReadinessProbe(_) => format!(
            "its pods get calls before their server listens, so {refused} may be refused while they start"
        ),
        Weakness::NoSpread(_) => format!(
            "its pods may all run on one node, and while that node is down {refused} is refused"
        ),
    };
    let message = format!(
        "{workload} serves {callers} and has {}: {consequence}",
        join_and(&shorts)
    );
    let span = template
        .replicas
        .map(|n| n.span())
        .unwrap_or_else(|| object.name_span());
    let mut d = context
        .diagnostic_for(&RULE, template.object, message, span)
        .with_span_label(shorts.join(", "));
    let mut help = Vec::new();
    for weakness in weaknesses {
        match weakness {
            Weakness::OneReplica(r) => {
                let (note, fix) = match *r {
                    Replicas::Written(n) => (
                        format!("spec.replicas is {n}"),
                        "set replicas: 2 or more".to_string(),
                    ),
                    Replicas::Defaulted => (
                        format!(
                            "spec.replicas is not set, so the {} runs one pod",
                            object.kind
                        ),
                        "set replicas: 2 or more".to_string(),
                    ),
                    Replicas::Autoscaled(n, a) => {
                        let autoscaler = &model.objects[model.autoscalers[a].object];
                        let span = autoscaler
                            .node()
                            .path(&["spec", "minReplicas"])
                            .map_or_else(|| autoscaler.name_span(), |n| n.span());
                        d = d.with_label(
                            span,
                            format!("{} scales it down to {n}", autoscaler.display()),
                        );
                        (
                            format!(
                                "{} may scale it down to minReplicas {n}",
                                autoscaler.display()
                            ),
                            format!("set minReplicas: 2 in {}", autoscaler.display()),
                        )
                    }
                    Replicas::BarePod => (
                        "a bare Pod is one pod, not recreated once it is gone".to_string(),
                        "run the server as a Deployment with replicas: 2 or more".to_string(),
                    ),
                };
                let tail = if r.count() < 1 {
                    "no pod answers any call"
                } else {
                    "every call goes to one pod, and none answers while it is replaced"
                };
                d = d.with_note(format!("{note}: {tail}"));
                help.push(fix);
            }
            Weakness::NoBudget => {
                d = d.with_note(format!(
                    "no PodDisruptionBudget of namespace {} selects its pods: a drain may evict them all at once",
                    object.namespace
                ));
                help.push(
                    "add a PodDisruptionBudget selecting its pods with maxUnavailable: 1"
                        .to_string(),
                );
            }
            Weakness::BlockingBudget(budgets) => {
                for (b, span, why) in budgets {
                    let budget = &model.objects[model.disruption_budgets[*b].object];
                    d = d.with_label(*span, format!("{}: {why}", budget.display()));
                }
                d = d.with_note(
                    "kubectl drain retries the eviction of its pods forever, so nodes cannot be drained for upgrades",
                );
                help.push(
                    "let a single PodDisruptionBudget allow one eviction (maxUnavailable: 1) with 2 or more replicas"
                        .to_string(),
                );
            }
            Weakness::NoReadinessProbe(containers) => {
                let names: Vec<String> = containers
                    .iter()
                    .map(|&c| template.containers[c].name.unwrap_or("?").to_string())
                    .collect();
                for &c in containers {
                    let container = &template.containers[c];
                    let span = container
                        .node
                        .get("name")
                        .map_or_else(|| container.node.span(), |n| n.span());
                    d = d.with_label(span, "no readinessProbe");
                }
                let whose = if names.len() == 1 {
                    format!("container {}", names[0])
                } else {
                    format!("containers {}", join_and(&names))
                };
                d = d.with_note(format!(
                    "{whose} has no readinessProbe: a pod counts as ready, and gets calls, as soon as it starts"
                ));
                help.push("give the webhook server a readinessProbe on its port".to_string());
            }
            Weakness::NoSpread(n) => {
                let pods = if *n == 2 {
                    "both its pods".to_string()
                } else {
                    format!("all {n} pods")
                };
                d = d.with_note(format!(
                    "without podAntiAffinity or topologySpreadConstraints the scheduler may put {pods} on one node"
                ));
                help.push(
                    "spread its pods with topologySpreadConstraints on kubernetes.io/hostname"
                        .to_string(),
                );
            }
        }
    }
    let calls = finding.callers.iter().filter_map(|(i, reach)| {
        let (endpoint, reference) = context.service_call(&context.resolutions[*i])?;
        Some((endpoint, reference, reach))
    });
    for (endpoint, reference, reach) in calls.take(MAX_WEBHOOK_LABELS) {
        d = d.with_label(
            reference.span(),
            format!(
                "{} calls these pods with failurePolicy Fail, intercepting {}",
                describe_endpoint(model, endpoint),
                requests_api_text(&reach.requests)
            ),
        );
    }
    if finding.callers.len() > MAX_WEBHOOK_LABELS {
        d = d.with_note(format!(
            "{} more webhooks call these pods",
            finding.callers.len() - MAX_WEBHOOK_LABELS
        ));
    }
    let conditional: Vec<String> = finding
        .callers
        .iter()
        .map(|(i, _)| context.endpoint(&context.resolutions[*i]))
        .filter(|e| e.admission.as_ref().is_some_and(|a| a.match_conditions > 0))
        .map(|e| format!("\"{}\"", e.name))
        .collect();
    if !conditional.is_empty() {
        d = d.with_note(format!(
            "speclint does not evaluate matchConditions (CEL): those of {} may spare some of these requests",
            join_and(&conditional)
        ));
    }
    let first = finding.callers.first();
    if let Some((endpoint, service)) =
        first.and_then(|(i, _)| context.service_call(&context.resolutions[*i]))
    {
        d = d.with_note(format!(
            "with no ready pod the API server answers: Internal error occurred: failed calling webhook \"{}\": failed to call webhook: Post \"{}?timeout={}s\": no endpoints available for service \"{}\"",
            endpoint.name,
            call_url(model, endpoint),
            endpoint.timeout_seconds,
            service.name()
        ));
    }
    d.with_help(join_and(&help))
}

#[cfg(test)]
mod tests {
    use super::*;

    const SERVICE: &str = "kind: Service\napiVersion: v1\nmetadata: {name: svc, namespace: ns}\nspec: {selector: {app: web}, ports: [{port: 443, targetPort: 9443}]}\n---\n";

    fn webhook(extra: &str) -> String {
        format!("kind: ValidatingWebhookConfiguration\napiVersion: admissionregistration.k8s.io/v1\nmetadata: {{name: w}}\nwebhooks:\n- name: a.example.org\n  clientConfig: {{service: {{name: svc, namespace: ns}}}}\n  rules: [{{operations: [CREATE], apiGroups: [''], apiVersions: [v1], resources: [pods]}}]\n{extra}---\n")
    }

    fn deployment(spec: &str, pod: &str) -> String {
        format!("kind: Deployment\napiVersion: apps/v1\nmetadata: {{name: d, namespace: ns}}\nspec:\n{spec}  template:\n    metadata: {{labels: {{app: web}}}}\n    spec:\n{pod}      containers: [{{name: c, ports: [{{containerPort: 9443}}], readinessProbe: {{httpGet: {{port: 9443}}}}}}]\n---\n")
    }

    const PDB: &str = "kind: PodDisruptionBudget\napiVersion: policy/v1\nmetadata: {name: p, namespace: ns}\nspec: {maxUnavailable: 1, selector: {matchLabels: {app: web}}}\n---\n";
    const SPREAD: &str = "      topologySpreadConstraints: [{maxSkew: 1, topologyKey: kubernetes.io/hostname, whenUnsatisfiable: DoNotSchedule}]\n";

    fn lint(text: &str) -> Vec<String> {
        crate::rules::testing::lint_for_test(text)
            .into_iter()
            .filter(|d| d.rule == RULE.id)
            .map(|d| d.message)
            .collect()
    }

    #[test]
    fn one_replica_behind_a_pod_webhook() {
        let found = lint(&[&webhook(""), SERVICE, &deployment("", "")].concat());
        assert_eq!(found.len(), 1, "{found:?}");
        assert!(
            found[0].contains("has one replica and no PodDisruptionBudget: while its only pod restarts or its node drains, every pod creation in the cluster is refused"),
            "{found:?}"
        );
    }

    #[test]
    fn a_well_kept_backend_is_silent() {
        let found = lint(
            &[
                &webhook(""),
                SERVICE,
                &deployment("  replicas: 2\n", SPREAD),
                PDB,
            ]
            .concat(),
        );
        assert!(found.is_empty(), "{found:?}");
        // An autoscaler's minReplicas counts.
        let hpa = "kind: HorizontalPodAutoscaler\napiVersion: autoscaling/v2\nmetadata: {name: h, namespace: ns}\nspec: {scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: d}, minReplicas: 3, maxReplicas: 5}\n---\n";
        let found = lint(&[&webhook(""), SERVICE, &deployment("", SPREAD), PDB, hpa].concat());
        assert!(found.is_empty(), "{found:?}");
    }

    #[test]
    fn weaknesses_of_several_replicas() {
        let found = lint(&[&webhook(""), SERVICE, &deployment("  replicas: 2\n", "")].concat());
        assert_eq!(found.len(), 1, "{found:?}");
        assert!(found[0].contains("has no PodDisruptionBudget and nothing spreading its pods over nodes: a node drain may evict all its pods at once"), "{found:?}");
        let blocking = PDB.replace("maxUnavailable: 1", "minAvailable: 2");
        let found = lint(
            &[
                &webhook(""),
                SERVICE,
                &deployment("  replicas: 2\n", SPREAD),
                &blocking,
            ]
            .concat(),
        );
        assert!(
            found[0].contains("a PodDisruptionBudget that allows no eviction: node drains"),
            "{found:?}"
        );
    }

    #[test]
    fn only_fail_webhooks_on_what_every_workload_needs() {
        let pods = deployment("", "");
        // Ignore, or a custom resource, or a namespaceSelector only some namespace meets.
        for extra in [
            "  failurePolicy: Ignore\n",
            "  objectSelector: {matchLabels: {inject: 'true'}}\n",
            "  namespaceSelector: {matchLabels: {inject: 'true'}}\n",
        ] {
            let found = lint(&[&webhook(extra), SERVICE, &pods].concat());
            assert!(found.is_empty(), "{extra}: {found:?}");
        }
        let custom = webhook("").replace(
            "[''], apiVersions: [v1], resources: [pods]",
            "[x.io], apiVersions: [v1], resources: [widgets]",
        );
        assert!(lint(&[&custom, SERVICE, &pods].concat()).is_empty());
        // Excluding kube-system still leaves every other namespace.
        let found = lint(&[&webhook("  namespaceSelector: {matchExpressions: [{key: kubernetes.io/metadata.name, operator: NotIn, values: [kube-system]}]}\n"), SERVICE, &pods].concat());
        assert!(
            found[0].contains("every pod creation outside kube-system is refused"),
            "{found:?}"
        );
        // Opted in by a namespace of the inputs: that namespace only.
        let namespace = "kind: Namespace\napiVersion: v1\nmetadata: {name: team, labels: {inject: 'true'}}\n---\n";
        let found = lint(
            &[
                &webhook("  namespaceSelector: {matchLabels: {inject: 'true'}}\n"),
                SERVICE,
                &pods,
                namespace,
            ]
            .concat(),
        );
        assert!(
            found[0].contains("every pod creation in namespace team is refused"),
            "{found:?}"
        );
        // No pod template: nothing to judge.
        assert!(lint(&[&webhook(""), SERVICE].concat()).is_empty());
    }

    #[test]
    fn a_daemonset_is_judged_on_its_probe_only() {
        let daemonset = deployment("", "")
            .replace("kind: Deployment", "kind: DaemonSet")
            .replace(", readinessProbe: {httpGet: {port: 9443}}", "");
        let found = lint(&[&webhook(""), SERVICE, &daemonset].concat());
        assert_eq!(found.len(), 1, "{found:?}");
        assert!(
            found[0]
                .contains("has no readinessProbe: its pods get calls before their server listens"),
            "{found:?}"
        );
    }
}
