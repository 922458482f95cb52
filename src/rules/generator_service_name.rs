//! A workload that makes its webhook certificate at run time (RBAC lets it write the Secret,
//! or it fills the caBundle itself) names the Service the certificate is for in a flag or
//! an environment variable; when that Service is not the one its webhooks call, the
//! certificate will not carry the name the API server verifies.

use super::context::{rule_doc, Context, Rule};
use super::describe::describe_endpoint;
use crate::diagnostic::{Diagnostic, Severity};
use crate::model::{Container, EnvValue, PodTemplateId};
use crate::provision::ProvisionerKind;
use crate::resolve::{ServiceLink, Target};
use crate::source::Span;

pub(crate) const RULE: Rule = Rule {
    id: "generator-service-name",
    severity: Severity::Warning,
    doc: rule_doc!("generator-service-name"),
    check,
};

/// A flag or variable naming a Service, by its spelling: `--cert-service-name`,
/// `--webhook-svc-name`, `WEBHOOK_SERVICE_NAME`. Namespaces and ports are not names.
fn names_a_service(name: &str) -> bool {
    let name = name.to_ascii_lowercase().replace('_', "-");
    (name.contains("service-name") || name.contains("svc-name") || name.ends_with("-svc"))
        && !name.contains("namespace")
        && !name.contains("port")
}

/// (setting as written, value, span) of every flag and variable of `container` naming a Service.
fn service_settings<'a>(container: &Container<'a>, namespace: &str) -> Vec<(String, String, Span)> {
    let mut found = Vec::new();
    let arguments = &container.arguments;
    for (i, node) in arguments.iter().enumerate() {
        let Some(text) = node.as_str() else { continue };
        let Some(flag) = text.strip_prefix("--").or_else(|| text.strip_prefix('-')) else {
            continue;
        };
        let (name, value) = match flag.split_once('=') {
            Some((name, value)) => (name, Some(value.to_string())),
            None => (
                flag,
                arguments
                    .get(i + 1)
                    .and_then(|n| n.as_str())
                    .filter(|v| !v.starts_with('-'))
                    .map(str::to_string),
            ),
        };
        if let (true, Some(value)) = (names_a_service(name), value) {
            found.push((
                format!("--{name}"),
                container.expand(&value, namespace),
                node.span(),
            ));
        }
    }
    for variable in &container.env {
        if !names_a_service(variable.name) {
            continue;
        }
        if let EnvValue::Literal(value) = variable.value {
            found.push((
                variable.name.to_string(),
                container.expand(value, namespace),
                variable.node.span(),
            ));
        }
    }
    found
}

fn check(context: &Context<'_, '_>, out: &mut Vec<Diagnostic>) {
    let model = context.model;
    let provenance = context.provenance;
    let mut seen: foldhash::HashSet<PodTemplateId> = foldhash::HashSet::default();
    // The endpoints each RBAC generator makes the certificate of, in one pass.
    let mut served_by: Vec<(
        &crate::provision::Provisioner,
        Vec<&crate::resolve::Resolution>,
    )> = Vec::new();
    let mut at: foldhash::HashMap<*const crate::provision::Provisioner, usize> =
        foldhash::HashMap::default();
    for r in context.resolutions {
        for p in provenance.provisioners_for(r) {
            if p.kind != ProvisionerKind::Rbac {
                continue;
            }
            let i = *at.entry(p as *const _).or_insert_with(|| {
                served_by.push((p, Vec::new()));
                served_by.len() - 1
            });
            served_by[i].1.push(r);
        }
    }
    for (provisioner, served) in served_by {
        // The pod templates of the workload, and the endpoints whose certificate it makes.
        let templates: Vec<PodTemplateId> = model
            .pod_templates
            .iter_ids()
            .filter(|(_, t)| t.object == provisioner.object)
            .map(|(i, _)| i)
            .collect();
        let called: Vec<&str> = served
            .iter()
            .filter_map(|r| match (&r.target, &r.service) {
                (Target::Service { name, .. }, ServiceLink::Found { .. }) => Some(name.as_str()),
                _ => None,
            })
            .collect();
        let Some(first) = served.first() else {
            continue;
        };
        for &t in &templates {
            if !seen.insert(t) {
                continue;
            }
            let template = &model.pod_templates[t];
            let namespace = &model.objects[template.object].namespace;
            for container in &template.containers {
                for (setting, value, span) in service_settings(container, namespace) {
                    let service = value.split('.').next().unwrap_or("");
                    if !crate::names::is_dns_label(service, 63) || called.contains(&service) {
                        continue;
                    }
                    let endpoint = context.endpoint(first);
                    let wanted = called.first().copied().unwrap_or("");
                    let workload = model.objects[template.object].display();
                    out.push(
                        context
                            .diagnostic_for(
                                &RULE,
                                template.object,
                                format!(
                                    "{workload} makes its webhook certificate for Service {service:?} ({setting}), but its webhooks call Service {wanted:?}"
                                ),
                                span,
                            )
                            .with_span_label(format!("names Service {service:?}"))
                            .with_label(
                                endpoint.span(model),
                                format!("{} calls Service {wanted:?}", describe_endpoint(model, endpoint)),
                            )
                            .with_note(format!(
                                "{} writes the certificate at run time (RBAC); its names are not in the manifests, but if it issues them for this Service every call fails: x509: certificate is valid for {service}.{namespace}.svc, not {wanted}.{namespace}.svc",
                                provisioner.description
                            ))
                            .with_help(format!("set {setting} to {wanted:?}, or point the webhooks at Service {service:?}")),
                    );
                }
            }
        }
    }
}
