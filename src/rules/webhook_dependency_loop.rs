//! Webhook backends that wait on each other: the pods of A are created through a
//! `failurePolicy: Fail` webhook served by B, and B's through one served by A. Once both are
//! down together (a cold start, an outage of the nodes they share), neither comes back.
//! A backend intercepting its own pods is `webhook-self-lockout`.

use super::context::{rule_doc, Context, Rule};
use super::describe::describe_endpoint;
use crate::admission::{self, Request};
use crate::diagnostic::{Diagnostic, Severity};
use crate::model::{Admission, EndpointId, KnownLabels, PodTemplateId, Selection};
use crate::resolve::ServiceLink;
use crate::source::Span;
use foldhash::HashMap;

pub(crate) const RULE: Rule = Rule {
    id: "webhook-dependency-loop",
    severity: Severity::Error,
    doc: rule_doc!("webhook-dependency-loop"),
    check,
};

/// Loops reported; more are counted in the last one's notes.
const MAX_LOOPS: usize = 20;

/// A dependency: `dependent`'s pods are created through `endpoint`, which `server` serves.
#[derive(Clone, Copy)]
struct Edge {
    /// Index into `context.model.endpoints`.
    endpoint: EndpointId,
    /// The admission rule matching `CREATE pods`.
    rule_span: Span,
}

fn check(context: &Context<'_, '_>, out: &mut Vec<Diagnostic>) {
    let model = context.model;
    // The backends of fail-closed admission webhooks, and which webhooks each serves.
    let mut nodes: Vec<PodTemplateId> = Vec::new();
    let mut node_of: HashMap<PodTemplateId, usize> = HashMap::default();
    let mut served: Vec<(EndpointId, &Admission, Vec<usize>)> = Vec::new();
    for resolution in context.resolutions {
        let endpoint = context.endpoint(resolution);
        let Some(admission) = &endpoint.admission else {
            continue;
        };
        let ServiceLink::Found { backends, .. } = &resolution.service else {
            continue;
        };
        if endpoint.failure_policy != "Fail"
            || admission.match_conditions > 0
            || model.is_superseded(resolution.endpoint)
        {
            continue;
        }
        let servers: Vec<usize> = backends
            .iter()
            .map(|b| {
                *node_of.entry(b.pod_template).or_insert_with(|| {
                    nodes.push(b.pod_template);
                    nodes.len() - 1
                })
            })
            .collect();
        // Any ready pod behind the Service answers: a webhook two workloads serve stays up
        // while either runs, which this graph of single dependencies does not model.
        if servers.len() == 1 {
            served.push((resolution.endpoint, admission, servers));
        }
    }
    if nodes.len() < 2 {
        return;
    }
    // Each backend's namespace, read once; selectors are asked once per namespace.
    let mut namespaces: Vec<crate::admission::Namespace<'_>> = Vec::new();
    let mut namespace_position: HashMap<&str, usize> = HashMap::default();
    let node_namespace: Vec<usize> = nodes
        .iter()
        .map(|&t| {
            let name = model.objects[model.pod_templates[t].object].namespace;
            *namespace_position.entry(name).or_insert_with(|| {
                namespaces.push(context.namespaces.named(name));
                namespaces.len() - 1
            })
        })
        .collect();
    // depends[a][b]: a webhook that b serves intercepts the creation of a's pods.
    let mut depends: Vec<HashMap<usize, Edge>> = vec![HashMap::default(); nodes.len()];
    let no_labels = KnownLabels(&[]);
    for &(endpoint_index, admission, ref servers) in &served {
        // Whether a rule takes `CREATE pods` does not depend on where.
        let Some(first_namespace) = namespaces.first() else {
            return;
        };
        let request = Request::pod_creation(first_namespace, &no_labels);
        let Some(rule) = admission
            .rules
            .iter()
            .find(|r| admission::rule_matches(r, &request))
        else {
            continue;
        };
        let mut admitted: Vec<Option<bool>> = vec![None; namespaces.len()];
        for (node, &template_index) in nodes.iter().enumerate() {
            let namespace = node_namespace[node];
            let in_namespace = *admitted[namespace].get_or_insert_with(|| {
                admission.namespace_selector.selects(&namespaces[namespace]) == Selection::Selected
            });
            let template = &model.pod_templates[template_index];
            if !in_namespace
                || (!admission.object_selector.is_everything()
                    && admission
                        .object_selector
                        .selects(&KnownLabels(&template.labels))
                        != Selection::Selected)
            {
                continue;
            }
            for &server in servers {
                if server != node {
                    depends[node].entry(server).or_insert(Edge {
                        endpoint: endpoint_index,
                        rule_span: rule.node.span(),
                    });
                }
            }
        }
    }
    let loops = shortest_loops(&depends);
    let total = loops.len();
    for (n, cycle) in loops.into_iter().take(MAX_LOOPS).enumerate() {
        let mut diagnostic = loop_diagnostic(context, &nodes, &depends, &cycle);
        if n + 1 == MAX_LOOPS && total > MAX_LOOPS {
            diagnostic =
                diagnostic.with_note(format!("{} more loops are not reported", total - MAX_LOOPS));
        }
        out.push(diagnostic);
    }
}

/// One loop through each strongly connected group of backends: the shortest cycle through
/// its first member, so the message names as few workloads as the deadlock needs. Linear in
/// the dependencies: the groups first (Kosaraju), then one search inside each.
fn shortest_loops(depends: &[HashMap<usize, Edge>]) -> Vec<Vec<usize>> {
    let count = depends.len();
    let sorted = |node: usize| {
        let mut targets: Vec<usize> = depends[node].keys().copied().collect();
        targets.sort_unstable();
        targets
    };
    let forward: Vec<Vec<usize>> = (0..count).map(sorted).collect();
    let mut backward: Vec<Vec<usize>> = vec![Vec::new(); count];
    for (from, targets) in forward.iter().enumerate() {
        for &to in targets {
            backward[to].push(from);
        }
    }
    // Finishing order of a depth-first search, iteratively (no recursion on input size).
    let mut order = Vec::with_capacity(count);
    let mut visited = vec![false; count];
    for root in 0..count {
        if visited[root] {
            continue;
        }
        visited[root] = true;
        let mut stack = vec![(root, 0usize)];
        while let Some((node, next)) = stack.last_mut() {
            if let Some(&to) = forward[*node].get(*next) {
                *next += 1;
                if !visited[to] {
                    visited[to] = true;
                    stack.push((to, 0));
                }
            } else {
                order.push(*node);
                stack.pop();
            }
        }
    }
    let mut group: Vec<Option<usize>> = vec![None; count];
    let mut groups: Vec<Vec<usize>> = Vec::new();
    for &root in order.iter().rev() {
        if group[root].is_some() {
            continue;
        }
        let id = groups.len();
        let mut members = vec![root];
        group[root] = Some(id);
        let mut at = 0;
        while at < members.len() {
            for &from in &backward[members[at]] {
                if group[from].is_none() {
                    group[from] = Some(id);
                    members.push(from);
                }
            }
            at += 1;
        }
        groups.push(members);
    }
    let mut loops = Vec::new();
    for (id, members) in groups.iter().enumerate() {
        if members.len() < 2 {
            continue;
        }
        let start = *members.iter().min().unwrap_or(&members[0]);
        // Breadth-first inside the group, from `start` back to it.
        let mut previous: HashMap<usize, usize> = HashMap::default();
        let mut queue = std::collections::VecDeque::from([start]);
        'search: while let Some(at) = queue.pop_front() {
            for &next in forward[at].iter().filter(|&&n| group[n] == Some(id)) {
                if next == start {
                    previous.insert(start, at);
                    break 'search;
                }
                if let std::collections::hash_map::Entry::Vacant(entry) = previous.entry(next) {
                    entry.insert(at);
                    queue.push_back(next);
                }
            }
        }
        let mut cycle = vec![start];
        let mut at = previous.get(&start).copied().unwrap_or(start);
        while at != start && cycle.len() <= members.len() {
            cycle.push(at);
            at = previous.get(&at).copied().unwrap_or(start);
        }
        cycle[1..].reverse();
        loops.push(cycle);
    }
    loops.sort();
    loops
}

fn loop_diagnostic(
    context: &Context<'_, '_>,
    nodes: &[PodTemplateId],
    depends: &[HashMap<usize, Edge>],
    cycle: &[usize],
) -> Diagnostic {
    let model = context.model;
    let workload = |node: usize| &model.objects[model.pod_templates[nodes[node]].object];
    let names: Vec<String> = cycle.iter().map(|&n| workload(n).display()).collect();
    // Each member's pods wait on the next member's webhook.
    let edges: Vec<(usize, usize, Edge)> = cycle
        .iter()
        .enumerate()
        .map(|(i, &from)| {
            let to = cycle[(i + 1) % cycle.len()];
            (from, to, depends[from][&to])
        })
        .collect();
    let (first_from, first_to, first_edge) = edges[0];
    let first_endpoint = &model.endpoints[first_edge.endpoint];
    let message = if cycle.len() == 2 {
        format!(
            "{} and {} each serve a webhook with failurePolicy Fail that intercepts the creation of the other's pods",
            names[0], names[1]
        )
    } else {
        format!(
            "{} wait on each other in a loop: each one's pods are created through a webhook with failurePolicy Fail that the next one serves",
            super::interception::list(&names, names.len())
        )
    };
    let mut diagnostic = context
        .diagnostic_for(&RULE, first_endpoint.object, message, first_edge.rule_span)
        .with_span_label(format!(
            "{}, served by {}, matches CREATE pods of {}",
            describe_endpoint(model, first_endpoint),
            workload(first_to).display(),
            workload(first_from).display()
        ));
    for (from, to, edge) in &edges[1..] {
        diagnostic = diagnostic.with_label(
            edge.rule_span,
            format!(
                "{}, served by {}, matches CREATE pods of {}",
                describe_endpoint(model, &model.endpoints[edge.endpoint]),
                workload(*to).display(),
                workload(*from).display()
            ),
        );
    }
    for &node in cycle {
        diagnostic = diagnostic.with_label(workload(node).name_span(), "a webhook's backend");
    }
    diagnostic
        .with_note("while any one of them runs, the others can be recreated; once all are down together (a cold start after an outage, a drain of the nodes they share), each one's pod creations are refused because the webhook they need has no pod to answer, and none comes back until a configuration is deleted by hand")
        .with_help("break the loop, as the Kubernetes documentation advises (\"Avoid dependency loops\"): exclude each backend's namespace or pods from the other webhooks with a namespaceSelector or objectSelector, or set `failurePolicy: Ignore` on one of them")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Id;

    fn graph(edges: &[(usize, usize)], count: usize) -> Vec<HashMap<usize, Edge>> {
        let mut depends = vec![HashMap::default(); count];
        for &(from, to) in edges {
            depends[from].insert(
                to,
                Edge {
                    endpoint: EndpointId::from_index(0),
                    rule_span: Span::new(0, 0, 0),
                },
            );
        }
        depends
    }

    #[test]
    fn one_shortest_loop_per_group_of_backends_that_wait_on_each_other() {
        // 0 -> 1 -> 2 -> 0 and 0 -> 2: the loop through 0 is 0, 2.
        let depends = graph(&[(0, 1), (1, 2), (2, 0), (0, 2), (3, 4), (4, 5)], 6);
        assert_eq!(shortest_loops(&depends), vec![vec![0, 2]]);
        // Two separate loops; a chain is none.
        let depends = graph(&[(0, 1), (1, 0), (2, 3), (3, 4), (4, 2), (5, 0)], 6);
        assert_eq!(shortest_loops(&depends), vec![vec![0, 1], vec![2, 3, 4]]);
        assert!(shortest_loops(&graph(&[(0, 1), (1, 2)], 3)).is_empty());
    }
}
