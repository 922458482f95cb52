use super::context::{rule_doc, Context, Rule};
use super::describe::{describe_endpoint, service_field};
use crate::diagnostic::{Diagnostic, Severity};
use crate::resolve::{ServiceLink, Target};

pub(crate) const RULE: Rule = Rule {
    id: "webhook-service-missing",
    severity: Severity::Warning,
    doc: rule_doc!("webhook-service-missing"),
    check,
};

fn check(context: &Context<'_, '_>, out: &mut Vec<Diagnostic>) {
    for resolution in context.resolutions {
        let (
            ServiceLink::Missing,
            Target::Service {
                name, namespace, ..
            },
        ) = (&resolution.service, &resolution.target)
        else {
            continue;
        };
        let endpoint = context.endpoint(resolution);
        let model = context.model;
        let request = crate::provision::rbac::Request {
            verb: "create",
            group: "",
            resource: "services",
            namespace: Some(namespace),
            name: None,
        };
        let creators = context
            .provenance
            .authorization
            .templates_allowed(model, &request);
        let mut d = context
                .diagnostic_for(
                    &RULE,
                    endpoint.object,
                    format!("service \"{name}\" in namespace \"{namespace}\" is not among the inputs"),
                    endpoint.span(context.model),
                )
                .with_span_label(format!(
                    "{} calls this Service",
                    describe_endpoint(context.model, endpoint)
                ))
                .with_note(format!(
                    "if it does not exist in the cluster either, every call fails: service \"{name}\" not found"
                ))
                .with_help(format!(
                    "pass the manifest that defines Service {namespace}/{name} too, or fix {}.name / namespace",
                    service_field(endpoint)
                ));
        if let Some((template, grants)) = creators.first() {
            let workload = &model.objects[model.pod_templates[*template].object];
            d.severity = Severity::Note;
            d = d.with_note(format!(
                "{} {}/{} may create it at run time ({})",
                workload.kind,
                workload.namespace,
                workload.name,
                context
                    .provenance
                    .authorization
                    .describe(model, &grants[0], &request)
            ));
            if let Some(grant) = grants.first() {
                d = d.with_label(grant.rule, "this rule lets it create Services there");
            }
        } else if context.provenance.is_another_installs(namespace, name) {
            d.severity = Severity::Note;
            d = d.with_note(format!(
                "nothing among the inputs is in namespace {namespace}: the Service belongs to another install, and is not checked"
            ));
        }
        out.push(d);
    }
}
