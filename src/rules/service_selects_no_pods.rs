//! A Service that an endpoint calls, whose selector matches no pod template among the
//! inputs: a warning (the pods may come from elsewhere), an error when a pod template of
//! its namespace is a near miss (it serves the targetPort, or one label value differs).

use super::context::{rule_doc, Context, Rule};
use super::describe::describe_endpoint;
use crate::diagnostic::{Diagnostic, Severity};
use crate::model::{
    EndpointKind, Model, PodTemplate, PodTemplateId, Service, ServiceId, TargetPort,
};
use crate::resolve::ServiceLink;
use crate::source::Span;
use crate::yaml::NodeRef;
use std::collections::BTreeMap;

pub(crate) const RULE: Rule = Rule {
    id: "service-selects-no-pods",
    severity: Severity::Warning,
    doc: rule_doc!("service-selects-no-pods"),
    check,
};

/// Endpoints labelled one by one; more are counted in a note.
const MAX_ENDPOINT_LABELS: usize = 10;
/// Near-miss templates labelled; more are counted in a note.
const MAX_TEMPLATE_LABELS: usize = 3;

/// A Service the rule reports, with the endpoints calling it and why its selector fails.
struct Finding<'a> {
    service: ServiceId,
    /// The Service's `spec.selector` (a Service without one selects no pods on purpose).
    selector_node: NodeRef<'a>,
    /// Indexes into `context.resolutions`, in order.
    callers: Vec<usize>,
    cause: Cause,
}

enum Cause {
    /// Pod templates of the namespace that the selector just misses: an error.
    NearMiss(Vec<NearMiss>),
    /// Templates that carry the whole selector but sit in the default namespace only
    /// because they name none (`kubectl apply -n NS` would place them with the Service).
    DefaultedNamespace(Vec<PodTemplateId>),
    /// Templates carrying the whole selector in other namespaces, named explicitly.
    OtherNamespace(Vec<PodTemplateId>),
    /// Templates carrying some selector pairs and lacking the other keys entirely: their
    /// pods may be labelled at run time (leader election).
    LabelledAtRunTime(Vec<PodTemplateId>),
    /// Templates serving the targetPort that lack the selector's labels and whose RBAC
    /// lets them patch pods: they label their own pods at run time (a note).
    LabelledByRbac(Vec<(PodTemplateId, String)>),
    /// Nothing comes close.
    Unmatched,
}

struct NearMiss {
    pod_template: PodTemplateId,
    /// The selector pair whose value the template's label contradicts: (key, wanted, carried).
    differing: Option<(String, String, String)>,
    /// The container port serving the Service's targetPort, when the template declares it.
    serves_port: Option<(Span, String)>,
    /// Selector pairs the template contradicts or lacks.
    mismatched: Vec<Mismatch>,
}

struct Mismatch {
    key: String,
    wanted: String,
    /// The template's value for the key, when it has the key.
    carried: Option<String>,
}

/// The Services this rule reports (when it runs), so that certificate-undetermined does not
/// give the same cause again.
pub(crate) fn reported_services(context: &Context<'_, '_>) -> Vec<ServiceId> {
    if !context.settings.is_enabled(RULE.id) {
        return Vec::new();
    }
    findings(context).into_iter().map(|f| f.service).collect()
}

fn findings<'a>(context: &Context<'_, 'a>) -> Vec<Finding<'a>> {
    let model = context.model;
    // Nothing to compare against: a render of webhooks alone, its pods deployed elsewhere.
    if model.pod_templates.is_empty() {
        return Vec::new();
    }
    let mut callers: BTreeMap<ServiceId, Vec<usize>> = BTreeMap::new();
    for (i, resolution) in context.resolutions.iter().enumerate() {
        let ServiceLink::Found {
            service, backends, ..
        } = &resolution.service
        else {
            continue;
        };
        if backends.is_empty() && !context.endpoint(resolution).never_called {
            callers.entry(*service).or_default().push(i);
        }
    }
    callers
        .into_iter()
        .filter_map(|(service, callers)| {
            let selector_node = model.services[service].selector_node?;
            let cause = cause(context, service, &callers)?;
            Some(Finding {
                service,
                selector_node,
                callers,
                cause,
            })
        })
        .collect()
}

/// Why the Service selects nothing; None when that is not this rule's business.
fn cause(context: &Context<'_, '_>, service_index: ServiceId, callers: &[usize]) -> Option<Cause> {
    let model = context.model;
    let service = &model.services[service_index];
    let object = &model.objects[service.object];
    let selector = service.selector.as_deref().unwrap_or(&[]);
    // No selector: endpoints are managed by hand. ExternalName ignores its selector.
    // Headless: webhook-service-port reports that the API server cannot route to it at all.
    if selector.is_empty() || service.service_type == "ExternalName" || service.is_headless() {
        return None;
    }
    if has_custom_endpoint_slices(model, object.namespace, object.name) {
        return None;
    }
    let labelled: Vec<(PodTemplateId, String)> = callers
        .iter()
        .flat_map(|&i| {
            context.provenance.labelled_at_run_time[context.resolutions[i].endpoint].clone()
        })
        .fold(Vec::new(), |mut all, (t, evidence)| {
            if all.iter().all(|(seen, _)| *seen != t) {
                all.push((t, evidence));
            }
            all
        });
    if !labelled.is_empty() {
        return Some(Cause::LabelledByRbac(labelled));
    }
    let target_ports: Vec<TargetPort<'_>> = callers
        .iter()
        .filter_map(|&i| match &context.resolutions[i].service {
            ServiceLink::Found {
                port: Some(port), ..
            } => service.ports[*port].target_port,
            _ => None,
        })
        .collect();
    let mut near_misses = Vec::new();
    let mut run_time = Vec::new();
    for &t in model.pod_templates_in(object.namespace) {
        let template = &model.pod_templates[t];
        let mismatched = mismatches(selector, template);
        let conflicts: Vec<&Mismatch> = mismatched.iter().filter(|m| m.carried.is_some()).collect();
        let carried = selector.len() - mismatched.len();
        let differing = match conflicts.as_slice() {
            [only] if mismatched.len() == 1 => {
                let carried_value = only.carried.as_deref().unwrap_or("");
                (selector.len() >= 2 || similar(&only.wanted, carried_value)).then(|| {
                    (
                        only.key.clone(),
                        only.wanted.clone(),
                        carried_value.to_string(),
                    )
                })
            }
            _ => None,
        };
        let serves_port = target_ports
            .iter()
            .find_map(|&target| declared_port(template, target));
        // Pods carrying part of the selector and lacking the other keys may get them at run
        // time (nsx-operator labels its leader `role: master`): not a near miss.
        if conflicts.is_empty() && carried > 0 {
            run_time.push(t);
            continue;
        }
        if differing.is_some() || serves_port.is_some() {
            near_misses.push(NearMiss {
                pod_template: t,
                differing,
                serves_port,
                mismatched,
            });
        }
    }
    if !near_misses.is_empty() {
        // The closest first: a differing label value and the port, then the value, then the port.
        near_misses.sort_by_key(|m| (m.differing.is_none(), m.serves_port.is_none()));
        return Some(Cause::NearMiss(near_misses));
    }
    let elsewhere: Vec<PodTemplateId> = model
        .pod_templates
        .iter_ids()
        .filter(|(_, template)| {
            model.objects[template.object].namespace != object.namespace
                && template.carries_all(selector)
        })
        .map(|(i, _)| i)
        .collect();
    let (defaulted, named): (Vec<PodTemplateId>, Vec<PodTemplateId>) =
        elsewhere.into_iter().partition(|&t| {
            let workload = &model.objects[model.pod_templates[t].object];
            workload
                .node()
                .path(&["metadata", "namespace"])
                .and_then(|n| n.as_str())
                .is_none_or(str::is_empty)
        });
    Some(if !defaulted.is_empty() {
        Cause::DefaultedNamespace(defaulted)
    } else if !run_time.is_empty() {
        Cause::LabelledAtRunTime(run_time)
    } else if !named.is_empty() {
        Cause::OtherNamespace(named)
    } else {
        Cause::Unmatched
    })
}

/// The selector pairs a template does not carry, with its own value for the key if any.
fn mismatches(selector: &[(&str, &str)], template: &PodTemplate<'_>) -> Vec<Mismatch> {
    selector
        .iter()
        .filter(|pair| !template.labels.contains(pair))
        .map(|&(key, wanted)| Mismatch {
            key: key.to_string(),
            wanted: wanted.to_string(),
            carried: template
                .labels
                .iter()
                .rev()
                .find(|(k, _)| *k == key)
                .map(|(_, v)| v.to_string()),
        })
        .collect()
}

/// The container port a template declares for `target`, by number or by name: the
/// `containerPort` or `name` value, and the port as text.
fn declared_port(template: &PodTemplate<'_>, target: TargetPort<'_>) -> Option<(Span, String)> {
    template
        .containers
        .iter()
        .flat_map(|c| c.ports.iter())
        .find(|p| p.is_target(target))
        .map(|p| {
            let (key, text) = match target {
                TargetPort::Number(n) => ("containerPort", n.to_string()),
                TargetPort::Name(name) => ("name", name.to_string()),
            };
            let span = p.node.get(key).map_or_else(|| p.node.span(), |n| n.span());
            (span, text)
        })
}

/// Values that look like one meant the other: one holds the other, or a typo apart.
fn similar(a: &str, b: &str) -> bool {
    if a.is_empty() || b.is_empty() {
        return false;
    }
    a.contains(b) || b.contains(a) || (a.len().min(b.len()) >= 4 && edit_distance(a, b) <= 2)
}

/// Levenshtein distance over characters.
fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut diagonal = row[0];
        row[0] = i + 1;
        for (j, &cb) in b.iter().enumerate() {
            let above = row[j + 1];
            row[j + 1] = (diagonal + usize::from(ca != cb))
                .min(row[j] + 1)
                .min(above + 1);
            diagonal = above;
        }
    }
    row[b.len()]
}

/// EndpointSlices among the inputs that name the Service and are not the controller's own:
/// they give it endpoints whatever its selector selects.
fn has_custom_endpoint_slices(model: &Model<'_>, namespace: &str, name: &str) -> bool {
    model.objects.iter().any(|o| {
        let label = |key: &str| {
            o.node()
                .path(&["metadata", "labels"])
                .and_then(|labels| labels.get(key))
                .and_then(|n| n.as_str())
        };
        o.kind == "EndpointSlice"
            && o.group() == "discovery.k8s.io"
            && o.namespace == namespace
            && label("kubernetes.io/service-name") == Some(name)
            && label("endpointslice.kubernetes.io/managed-by")
                != Some("endpointslice-controller.k8s.io")
    })
}

/// `app=x,tier=y`, as kubectl prints a selector.
fn selector_text(selector: &[(&str, &str)]) -> String {
    selector
        .iter()
        .map(|(k, v)| format!("{k}={v}"))
        .collect::<Vec<_>>()
        .join(",")
}

fn check(context: &Context<'_, '_>, out: &mut Vec<Diagnostic>) {
    for finding in findings(context) {
        out.push(diagnostic(context, &finding));
    }
}

fn diagnostic(context: &Context<'_, '_>, finding: &Finding<'_>) -> Diagnostic {
    let model = context.model;
    let service = &model.services[finding.service];
    let object = &model.objects[service.object];
    let selector = service.selector.as_deref().unwrap_or(&[]);
    let selector_node = finding.selector_node;
    let wanted = selector_text(selector);
    let id = format!("{}/{}", object.namespace, object.name);
    let workload = |t: PodTemplateId| model.objects[model.pod_templates[t].object].display();
    let labels_span = |t: PodTemplateId| {
        let template = &model.pod_templates[t];
        template
            .labels_node
            .map(|n| n.span())
            .unwrap_or_else(|| model.objects[template.object].name_span())
    };
    let d = match &finding.cause {
        Cause::NearMiss(near_misses) => {
            let closest = &near_misses[0];
            let name = workload(closest.pod_template);
            let (message, span, span_label) = match &closest.differing {
                Some((key, value, carried)) => (
                    format!(
                        "Service {id} selects no pods: {name}'s pods are labelled {key}={carried}, not {key}={value}"
                    ),
                    selector_node
                        .get(key)
                        .map(|n| n.span())
                        .unwrap_or_else(|| selector_node.span()),
                    format!("selects {key}={value}"),
                ),
                None => (
                    format!(
                        "Service {id} selects no pods: {name} serves its targetPort, but its pods do not carry {wanted}"
                    ),
                    selector_node.span(),
                    format!("selects {wanted}"),
                ),
            };
            let mut d = context
                .diagnostic_for(&RULE, service.object, message, span)
                .with_span_label(span_label);
            d.severity = Severity::Error;
            for near in near_misses.iter().take(MAX_TEMPLATE_LABELS) {
                let template = &model.pod_templates[near.pod_template];
                let name = workload(near.pod_template);
                match &near.differing {
                    Some((key, _, carried)) => {
                        let span = template
                            .labels_node
                            .and_then(|n| n.get(key))
                            .map(|n| n.span())
                            .unwrap_or_else(|| labels_span(near.pod_template));
                        d = d.with_label(span, format!("{name} labels its pods {key}={carried}"));
                    }
                    None => {
                        let carried = selector_text(&template.labels);
                        let carried = if carried.is_empty() {
                            "no label".to_string()
                        } else {
                            carried
                        };
                        d = d.with_label(
                            labels_span(near.pod_template),
                            format!("{name} labels its pods {carried}"),
                        );
                    }
                }
                if let Some((span, port)) = &near.serves_port {
                    d = d.with_label(
                        *span,
                        format!("{name} serves the Service's targetPort {port}"),
                    );
                }
            }
            if near_misses.len() > MAX_TEMPLATE_LABELS {
                d = d.with_note(format!(
                    "{} more pod templates of namespace {} come as close",
                    near_misses.len() - MAX_TEMPLATE_LABELS,
                    object.namespace
                ));
            }
            d = with_endpoint_labels(context, d, finding);
            d = d.with_note(consequence(context, finding, service));
            d.with_help(near_miss_help(
                &id,
                &name,
                &model.pod_templates[closest.pod_template],
                closest,
            ))
        }
        Cause::DefaultedNamespace(templates) => {
            let names: Vec<String> = templates.iter().map(|&t| workload(t)).collect();
            let placed = &model.objects[model.pod_templates[templates[0]].object].namespace;
            let mut d = context
                .diagnostic_for(
                    &RULE,
                    service.object,
                    format!(
                        "Service {id} selects no pods in namespace {}: {} carries {wanted} but names no namespace and was placed in {placed}",
                        object.namespace,
                        names.join(", ")
                    ),
                    selector_node.span(),
                )
                .with_span_label(format!("selects {wanted}"));
            d.severity = Severity::Note;
            for &t in templates.iter().take(MAX_TEMPLATE_LABELS) {
                d = d.with_label(
                    labels_span(t),
                    format!("{} has no namespace: placed in {placed}", workload(t)),
                );
            }
            d = with_endpoint_labels(context, d, finding);
            // The namespace goes into a command only when it is one a namespace can be.
            d.with_help(if crate::names::is_dns_label(object.namespace, 63) {
                format!(
                    "if these manifests are applied with `kubectl apply -n {0}`, lint them the same way: `speclint -n {0} ...`",
                    object.namespace
                )
            } else {
                "if these manifests are applied with `kubectl apply -n` and the Service's namespace, lint them with `-n` and that namespace too".to_string()
            })
        }
        Cause::OtherNamespace(templates) => {
            let mut d = context
                .diagnostic_for(
                    &RULE,
                    service.object,
                    format!(
                        "Service {id} selects no pods: the pod templates carrying {wanted} are in other namespaces"
                    ),
                    selector_node.span(),
                )
                .with_span_label(format!("selects {wanted} in namespace {}", object.namespace));
            for &t in templates.iter().take(MAX_TEMPLATE_LABELS) {
                let namespace = &model.objects[model.pod_templates[t].object].namespace;
                d = d.with_label(
                    labels_span(t),
                    format!("{} carries {wanted}, in namespace {namespace}", workload(t)),
                );
            }
            d = with_endpoint_labels(context, d, finding);
            d = d.with_note(consequence(context, finding, service));
            d.with_help(format!(
                "a Service selects pods of its own namespace only: deploy the webhook server in {} or point the webhook at a Service in the pods' namespace",
                object.namespace
            ))
        }
        Cause::LabelledByRbac(templates) => {
            let names: Vec<String> = templates.iter().map(|(t, _)| workload(*t)).collect();
            let mut d = context
                .diagnostic_for(
                    &RULE,
                    service.object,
                    format!(
                        "Service {id} selects no pod template among the inputs: {} serves its targetPort and labels its own pods at run time",
                        names.join(", ")
                    ),
                    selector_node.span(),
                )
                .with_span_label(format!("selects {wanted}"));
            d.severity = Severity::Note;
            for (t, evidence) in templates.iter().take(MAX_TEMPLATE_LABELS) {
                d = d.with_label(
                    labels_span(*t),
                    format!("{} may add {wanted}: {evidence}", workload(*t)),
                );
            }
            with_endpoint_labels(context, d, finding)
                .with_note("its pods are taken as the ones serving the endpoint")
        }
        Cause::LabelledAtRunTime(templates) => {
            let mut d = context
                .diagnostic_for(
                    &RULE,
                    service.object,
                    format!(
                        "Service {id} selects no pod template among the inputs: none carries {wanted}"
                    ),
                    selector_node.span(),
                )
                .with_span_label(format!("selects {wanted}"));
            for &t in templates.iter().take(MAX_TEMPLATE_LABELS) {
                let template = &model.pod_templates[t];
                let lacking: Vec<String> = mismatches(selector, template)
                    .iter()
                    .map(|m| m.key.clone())
                    .collect();
                d = d.with_label(
                    labels_span(t),
                    format!(
                        "{} carries part of the selector and no {} label",
                        workload(t),
                        lacking.join(", ")
                    ),
                );
            }
            d = with_endpoint_labels(context, d, finding);
            d = d
                .with_note("if the webhook server labels its own pods at run time (as leader election can), this is expected")
                .with_note(consequence(context, finding, service));
            d.with_help("otherwise add the missing labels to the pod template, or remove them from the Service's selector")
        }
        Cause::Unmatched => {
            let mut d = context
                .diagnostic_for(
                    &RULE,
                    service.object,
                    format!(
                        "Service {id} selects no pod template among the inputs: none in namespace {} carries {wanted}",
                        object.namespace
                    ),
                    selector_node.span(),
                )
                .with_span_label(format!("selects {wanted}"));
            d = with_endpoint_labels(context, d, finding);
            d = d
                .with_note("if its pods come from elsewhere (another chart, an operator), pass their manifests too")
                .with_note(consequence(context, finding, service));
            d.with_help(format!(
                "make the selector of Service {id} match the labels of the webhook server's pod template"
            ))
        }
    };
    d
}

/// A label on each endpoint calling the Service, up to a limit.
fn with_endpoint_labels(
    context: &Context<'_, '_>,
    mut d: Diagnostic,
    finding: &Finding<'_>,
) -> Diagnostic {
    let calls = finding
        .callers
        .iter()
        .filter_map(|&i| context.service_call(&context.resolutions[i]));
    for (endpoint, reference) in calls.take(MAX_ENDPOINT_LABELS) {
        d = d.with_label(
            reference.span(),
            format!(
                "{} calls this Service",
                describe_endpoint(context.model, endpoint)
            ),
        );
    }
    if finding.callers.len() > MAX_ENDPOINT_LABELS {
        d = d.with_note(format!(
            "{} more endpoints call this Service",
            finding.callers.len() - MAX_ENDPOINT_LABELS
        ));
    }
    d
}

/// What the API server does when the Service has no endpoints.
fn consequence(context: &Context<'_, '_>, finding: &Finding<'_>, service: &Service<'_>) -> String {
    let model = context.model;
    let object = &model.objects[service.object];
    let api_service = finding.callers.iter().find_map(|&i| {
        let resolution = &context.resolutions[i];
        let endpoint = context.endpoint(resolution);
        (endpoint.kind == EndpointKind::ApiService).then_some(resolution)
    });
    let mut text =
        "without pods the Service has no endpoints, so every call fails before TLS".to_string();
    if let Some(resolution) = api_service {
        let port_name = match &resolution.service {
            ServiceLink::Found {
                port: Some(port), ..
            } => service.ports[*port].name.unwrap_or(""),
            _ => "",
        };
        text.push_str(&format!(
            "; the APIService stays Available=False (MissingEndpoints): endpoints for service/{} in \"{}\" have no addresses with port name \"{port_name}\"",
            object.name, object.namespace
        ));
    }
    text
}

fn near_miss_help(id: &str, name: &str, template: &PodTemplate<'_>, near: &NearMiss) -> String {
    if let Some((key, value, carried)) = &near.differing {
        return format!(
            "change `{key}: {value}` to `{key}: {carried}` in the selector of Service {id} (the label {name} gives its pods), or label its pod template `{key}: {value}`"
        );
    }
    let pairs = |pairs: Vec<(&str, &str)>| {
        pairs
            .iter()
            .map(|(k, v)| format!("`{k}: {v}`"))
            .collect::<Vec<_>>()
            .join(" and ")
    };
    let wanted = pairs(
        near.mismatched
            .iter()
            .map(|m| (m.key.as_str(), m.wanted.as_str()))
            .collect(),
    );
    let carried = pairs(template.labels.clone());
    if near.mismatched.iter().all(|m| m.carried.is_some()) {
        let changes: Vec<String> = near
            .mismatched
            .iter()
            .map(|m| {
                format!(
                    "`{}: {}` to `{}: {}`",
                    m.key,
                    m.wanted,
                    m.key,
                    m.carried.as_deref().unwrap_or("")
                )
            })
            .collect();
        return format!(
            "change {} in the selector of Service {id} (the labels {name} gives its pods), or label its pod template {wanted}",
            changes.join(", ")
        );
    }
    if carried.is_empty() {
        return format!("label {name}'s pod template {wanted}");
    }
    format!(
        "label {name}'s pod template {wanted}, or select its pods in Service {id} by the labels they carry ({carried})"
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    const WEBHOOK: &str = "kind: ValidatingWebhookConfiguration\napiVersion: admissionregistration.k8s.io/v1\nmetadata: {name: w}\nwebhooks:\n- name: a.example.org\n  clientConfig: {service: {name: svc, namespace: ns}}\n- name: b.example.org\n  clientConfig: {service: {name: svc, namespace: ns}}\n---\n";

    fn service(spec: &str) -> String {
        format!("kind: Service\napiVersion: v1\nmetadata: {{name: svc, namespace: ns}}\nspec: {spec}\n---\n")
    }

    fn deployment(name: &str, namespace: Option<&str>, labels: &str, port: &str) -> String {
        let namespace = namespace.map_or(String::new(), |ns| format!(", namespace: {ns}"));
        format!("kind: Deployment\napiVersion: apps/v1\nmetadata: {{name: {name}{namespace}}}\nspec:\n  template:\n    metadata: {{labels: {labels}}}\n    spec: {{containers: [{{name: c, ports: [{port}]}}]}}\n---\n")
    }

    /// This rule's findings and certificate-undetermined's, as `severity rule: message`.
    fn lint(text: &str) -> Vec<String> {
        crate::rules::testing::lint_for_test(text)
            .iter()
            .filter(|d| d.rule == RULE.id || d.rule == "certificate-undetermined")
            .map(|d| format!("{} {}: {}", d.severity.as_str(), d.rule, d.message))
            .collect()
    }

    const SELECTOR: &str =
        "{selector: {app: web, component: webhook}, ports: [{port: 443, targetPort: 9443}]}";

    #[test]
    fn one_finding_per_service_with_a_label_per_endpoint() {
        let text = [
            WEBHOOK,
            &service(SELECTOR),
            &deployment("other", Some("ns"), "{app: other}", "{containerPort: 8080}"),
        ]
        .concat();
        let mut sources = crate::source::SourceMap::default();
        sources.add(crate::source::SourceFile::new(
            "input.yaml",
            text.into_bytes(),
        ));
        let outcome = crate::pipeline::lint(&sources, &crate::pipeline::Options::new("default"));
        let found: Vec<_> = outcome
            .diagnostics
            .iter()
            .filter(|d| d.rule == RULE.id)
            .collect();
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].severity, Severity::Warning);
        assert_eq!(found[0].labels.len(), 2, "{:?}", found[0].labels);
        // certificate-undetermined does not say again that no pod matches.
        assert!(!outcome
            .diagnostics
            .iter()
            .any(|d| d.rule == "certificate-undetermined"));
    }

    #[test]
    fn near_misses_are_errors() {
        // One value of two differs.
        let by_label = lint(
            &[
                WEBHOOK,
                &service(SELECTOR),
                &deployment(
                    "d",
                    Some("ns"),
                    "{app: web, component: server}",
                    "{containerPort: 8080}",
                ),
            ]
            .concat(),
        );
        assert_eq!(by_label.len(), 1, "{by_label:?}");
        assert!(by_label[0].starts_with("error"), "{by_label:?}");
        assert!(by_label[0].contains("labelled component=server, not component=webhook"));
        // The targetPort, by number and by name.
        for (target, port) in [
            ("9443", "{containerPort: 9443}"),
            ("https", "{name: https, containerPort: 1}"),
        ] {
            let spec =
                format!("{{selector: {{app: web}}, ports: [{{port: 443, targetPort: {target}}}]}}");
            let found = lint(
                &[
                    WEBHOOK,
                    &service(&spec),
                    &deployment("d", Some("ns"), "{name: web}", port),
                ]
                .concat(),
            );
            assert_eq!(found.len(), 1, "{found:?}");
            assert!(found[0].starts_with("error"), "{found:?}");
        }
        // A one-label selector: the values must look alike.
        let spec = "{selector: {app: metrics-server}, ports: [{port: 443}]}";
        let alike = lint(
            &[
                WEBHOOK,
                &service(spec),
                &deployment(
                    "d",
                    Some("ns"),
                    "{app: metrics-server-apiextension}",
                    "{containerPort: 1}",
                ),
            ]
            .concat(),
        );
        assert!(alike[0].starts_with("error"), "{alike:?}");
        let unrelated = lint(
            &[
                WEBHOOK,
                &service(spec),
                &deployment("d", Some("ns"), "{app: controller}", "{containerPort: 1}"),
            ]
            .concat(),
        );
        assert!(unrelated[0].starts_with("warning"), "{unrelated:?}");
        // In another namespace, no near miss.
        let elsewhere = lint(
            &[
                WEBHOOK,
                &service(SELECTOR),
                &deployment(
                    "d",
                    Some("other"),
                    "{app: web, component: server}",
                    "{containerPort: 9443}",
                ),
            ]
            .concat(),
        );
        assert!(elsewhere[0].starts_with("warning"), "{elsewhere:?}");
    }

    #[test]
    fn pods_labelled_at_run_time_are_not_an_error() {
        // nsx-operator: the Service selects `role: master`, which the leader sets on itself.
        let spec = "{selector: {component: nsx-ncp, role: master}, ports: [{port: 443, targetPort: 9981}]}";
        let found = lint(
            &[
                WEBHOOK,
                &service(spec),
                &deployment(
                    "nsx",
                    Some("ns"),
                    "{component: nsx-ncp}",
                    "{containerPort: 9981}",
                ),
            ]
            .concat(),
        );
        assert_eq!(found.len(), 1, "{found:?}");
        assert!(found[0].starts_with("warning"), "{found:?}");
    }

    #[test]
    fn namespaces() {
        // Placed in the default namespace for want of one: a note, as `-n` would fix it.
        let defaulted = lint(
            &[
                WEBHOOK,
                &service(SELECTOR),
                &deployment(
                    "d",
                    None,
                    "{app: web, component: webhook}",
                    "{containerPort: 9443}",
                ),
            ]
            .concat(),
        );
        assert_eq!(defaulted.len(), 1, "{defaulted:?}");
        assert!(defaulted[0].starts_with("note"), "{defaulted:?}");
        assert!(
            defaulted[0].contains("was placed in default"),
            "{defaulted:?}"
        );
        // Named explicitly: a warning.
        let named = lint(
            &[
                WEBHOOK,
                &service(SELECTOR),
                &deployment(
                    "d",
                    Some("other"),
                    "{app: web, component: webhook}",
                    "{containerPort: 9443}",
                ),
            ]
            .concat(),
        );
        assert!(
            named[0].starts_with("warning") && named[0].contains("other namespaces"),
            "{named:?}"
        );
    }

    #[test]
    fn silent_where_the_selector_is_not_the_question() {
        let pods = deployment("d", Some("ns"), "{app: other}", "{containerPort: 9443}");
        for spec in [
            // No selector, or an empty one: endpoints by hand.
            "{ports: [{port: 443, targetPort: 9443}]}",
            "{selector: {}, ports: [{port: 443, targetPort: 9443}]}",
            // ExternalName ignores its selector; headless is webhook-service-port's error.
            "{type: ExternalName, externalName: x.example.org, selector: {app: web}, ports: [{port: 443}]}",
            "{clusterIP: None, selector: {app: web}, ports: [{port: 443, targetPort: 9443}]}",
        ] {
            let found = lint(&[WEBHOOK, &service(spec), &pods].concat());
            assert!(!found.iter().any(|f| f.contains(RULE.id)), "{spec}: {found:?}");
        }
        // No pod template at all: nothing to compare with; certificate-undetermined notes it.
        let found = lint(&[WEBHOOK, &service(SELECTOR)].concat());
        assert!(!found.iter().any(|f| f.contains(RULE.id)), "{found:?}");
        assert!(found
            .iter()
            .any(|f| f.contains("no pod template among the inputs matches")));
        // EndpointSlices of its own give the Service endpoints.
        let slice = "kind: EndpointSlice\napiVersion: discovery.k8s.io/v1\nmetadata: {name: svc-1, namespace: ns, labels: {kubernetes.io/service-name: svc}}\naddressType: IPv4\nendpoints: [{addresses: [10.0.0.1]}]\n---\n";
        let found = lint(&[WEBHOOK, &service(SELECTOR), &pods, slice].concat());
        assert!(!found.iter().any(|f| f.contains(RULE.id)), "{found:?}");
        // Matched: silent, whatever else the namespace holds.
        let found = lint(
            &[
                WEBHOOK,
                &service(SELECTOR),
                &deployment(
                    "d",
                    Some("ns"),
                    "{app: web, component: webhook}",
                    "{containerPort: 9443}",
                ),
                &deployment(
                    "e",
                    Some("ns"),
                    "{app: web, component: server}",
                    "{containerPort: 9443}",
                ),
            ]
            .concat(),
        );
        assert!(!found.iter().any(|f| f.contains(RULE.id)), "{found:?}");
    }

    #[test]
    fn certificate_undetermined_keeps_its_note_when_this_rule_is_off() {
        let text = [
            WEBHOOK,
            &service(SELECTOR),
            &deployment("other", Some("ns"), "{app: other}", "{containerPort: 8080}"),
        ]
        .concat();
        let mut sources = crate::source::SourceMap::default();
        sources.add(crate::source::SourceFile::new(
            "input.yaml",
            text.into_bytes(),
        ));
        let mut options = crate::pipeline::Options::new("default");
        options.rules.set_enabled(RULE.id, false);
        let outcome = crate::pipeline::lint(&sources, &options);
        assert_eq!(
            outcome
                .diagnostics
                .iter()
                .filter(|d| d.rule == "certificate-undetermined")
                .count(),
            // The two webhooks share the cause: one finding.
            1
        );
    }

    #[test]
    fn similar_values_hold_one_another_or_are_a_typo_apart() {
        assert!(similar("metrics-server", "metrics-server-apiextension"));
        assert!(similar("webhook", "webhooks"));
        assert!(similar("metrics-server", "metrics-sever"));
        assert!(!similar("webhook", "controller"));
        assert!(!similar("v1", "v2"));
        assert!(!similar("", "x"));
        assert_eq!(edit_distance("kitten", "sitting"), 3);
        assert_eq!(edit_distance("", "abc"), 3);
    }
}
