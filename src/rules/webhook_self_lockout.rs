//! A `Fail` webhook that intercepts the creation of its own backend's pods: once they are
//! gone, their replacements are refused (an error). Intercepting the backend's own
//! workload kinds is a warning: while the webhook is down, no fix can be rolled out.

use super::context::{rule_doc, Context, Rule};
use super::describe::describe_endpoint;
use super::interception::{excluding_namespaces, match_conditions_note};
use crate::admission::{self, Interception, Request};
use crate::diagnostic::{Diagnostic, Severity};
use crate::model::{Admission, KnownLabels, PodTemplate, Selection};
use crate::resolve::ServiceLink;

pub(crate) const RULE: Rule = Rule {
    id: "webhook-self-lockout",
    severity: Severity::Error,
    doc: rule_doc!("webhook-self-lockout"),
    check,
};

/// What of the backend the webhook intercepts.
enum Lockout<'w, 'a> {
    /// The creation of its pods.
    Pods(Interception<'w, 'a>),
    /// Writes of its workload (`UPDATE deployments`, `CREATE replicasets`...).
    Workload(Interception<'w, 'a>, String),
}

fn check(context: &Context<'_, '_>, out: &mut Vec<Diagnostic>) {
    let model = context.model;
    for resolution in context.resolutions {
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
        // The first backend the webhook locks out; pods before workloads.
        let templates = || backends.iter().map(|b| b.pod_template);
        let found = templates()
            .find_map(|t| pods_lockout(context, admission, &model.pod_templates[t]).map(|l| (t, l)))
            .or_else(|| {
                templates().find_map(|t| {
                    workload_lockout(context, admission, &model.pod_templates[t]).map(|l| (t, l))
                })
            });
        let Some((template_index, lockout)) = found else {
            continue;
        };
        let template = &model.pod_templates[template_index];
        let workload = &model.objects[template.object];
        let namespace = workload.namespace;
        let described = describe_endpoint(model, endpoint);
        let (interception, mut diagnostic) = match &lockout {
            Lockout::Pods(interception) => (
                interception,
                context
                    .diagnostic_for(
                        &RULE,
                        endpoint.object,
                        format!(
                            "{described} intercepts the creation of its own pods ({})",
                            workload.display()
                        ),
                        interception.rule.node.span(),
                    )
                    .with_span_label(format!("matches CREATE pods in {namespace}"))
                    .with_note(format!(
                        "deadlock: once the pods of {} are gone (evicted, drained, crashed), the requests to create their replacements go to this webhook, which has no pod left to answer; with failurePolicy Fail they are refused, and the webhook stays down until its configuration is deleted by hand",
                        workload.display()
                    )),
            ),
            Lockout::Workload(interception, request) => {
                let mut diagnostic = context
                    .diagnostic_for(
                        &RULE,
                        endpoint.object,
                        format!(
                            "{described} intercepts writes of its own workload ({})",
                            workload.display()
                        ),
                        interception.rule.node.span(),
                    )
                    .with_span_label(format!("matches {request} in {namespace}"))
                    .with_note(format!(
                        "while the webhook is down, a fix to {} cannot be rolled out: with failurePolicy Fail the {request} request it needs is refused",
                        workload.display()
                    ));
                diagnostic.severity = Severity::Warning;
                (interception, diagnostic)
            }
        };
        diagnostic = diagnostic.with_label(
            workload.name_span(),
            format!("the webhook's backend, in namespace {namespace}"),
        );
        if let Some(labels) = template.labels_node {
            diagnostic = diagnostic.with_label(labels.span(), "its pods' labels");
        }
        match admission.namespace_selector.node {
            Some(node) => {
                diagnostic = diagnostic.with_label(
                    node.span(),
                    format!("does not exclude namespace {namespace}"),
                )
            }
            None if admission.object_selector.node.is_none() => {
                diagnostic = diagnostic.with_note(
                    "the webhook has no namespaceSelector and no objectSelector: it sees every namespace and every object",
                )
            }
            None => {}
        }
        if let Some(node) = admission.object_selector.node {
            diagnostic = diagnostic.with_label(node.span(), "admits the backend's labels");
        }
        if interception.object == Selection::Unknown || interception.namespace == Selection::Unknown
        {
            diagnostic.severity = Severity::Warning;
            let invalid = admission.namespace_selector.invalid || admission.object_selector.invalid;
            diagnostic = diagnostic.with_note(if invalid {
                "a selector of this webhook is invalid, so whether it admits these requests cannot be told".to_string()
            } else {
                format!("whether its namespaceSelector admits namespace {namespace} depends on labels the inputs do not show: platforms label their system namespaces")
            });
        }
        // Any ready pod behind the Service answers: other backends it does not intercept
        // keep the webhook up.
        let spared: Vec<String> = backends
            .iter()
            .map(|b| b.pod_template)
            .filter(|&t| t != template_index)
            .filter(|&t| match &lockout {
                Lockout::Pods(_) => {
                    pods_lockout(context, admission, &model.pod_templates[t]).is_none()
                }
                Lockout::Workload(..) => {
                    workload_lockout(context, admission, &model.pod_templates[t]).is_none()
                }
            })
            .map(|t| model.objects[model.pod_templates[t].object].display())
            .collect();
        if !spared.is_empty() {
            diagnostic.severity = Severity::Warning;
            diagnostic = diagnostic.with_note(format!(
                "{} also serves this webhook and is not intercepted: while its pods run, the webhook answers",
                super::interception::list(&spared, 3)
            ));
        }
        if let Some(note) = match_conditions_note(admission) {
            diagnostic.severity = Severity::Warning;
            diagnostic = diagnostic.with_note(note);
        }
        let help = format!(
            "exclude the webhook's own namespace, as the Kubernetes documentation (\"Avoid self-mutations\") and kubebuilder (\"webhook bootstrap problem\") advise: {}",
            excluding_namespaces(admission, &[namespace])
        );
        out.push(diagnostic.with_help(help));
    }
}

/// `CREATE pods` for the template's pods, in its namespace, with its labels.
fn pods_lockout<'w, 'a>(
    context: &Context<'_, 'a>,
    admission: &'w Admission<'a>,
    template: &PodTemplate<'a>,
) -> Option<Lockout<'w, 'a>> {
    let namespace = context
        .namespaces
        .named(context.model.objects[template.object].namespace);
    let labels = KnownLabels(&template.labels);
    let request = Request::pod_creation(&namespace, &labels);
    admission::intercepts(admission, &request)
        .filter(|i| !i.excluded())
        .map(Lockout::Pods)
}

/// A rollout of the workload: `UPDATE` of its own kind, and for a Deployment the
/// `CREATE replicasets` it leads to (the ReplicaSet carries the pod template's labels).
fn workload_lockout<'w, 'a>(
    context: &Context<'_, 'a>,
    admission: &'w Admission<'a>,
    template: &PodTemplate<'a>,
) -> Option<Lockout<'w, 'a>> {
    let resource = admission::resource_of_kind(template.kind).filter(|r| *r != "pods")?;
    let namespace = context
        .namespaces
        .named(context.model.objects[template.object].namespace);
    let workload_labels = KnownLabels(&template.workload_labels);
    let pod_labels = KnownLabels(&template.labels);
    // Rolling out a fix updates the workload; re-applying a deleted one creates it.
    let mut requests = vec![
        ("UPDATE", resource, &workload_labels),
        ("CREATE", resource, &workload_labels),
    ];
    if resource == "deployments" {
        requests.push(("CREATE", "replicasets", &pod_labels));
    }
    requests
        .into_iter()
        .find_map(|(operation, resource, labels)| {
            let (group, version) = admission::served(resource)?;
            let request = Request {
                operation,
                group,
                version,
                resource,
                subresource: "",
                namespace: Some(&namespace),
                object_labels: labels,
            };
            admission::intercepts(admission, &request)
                .filter(|i| !i.excluded())
                .map(|i| Lockout::Workload(i, format!("{operation} {resource}")))
        })
}
