use super::{describe_endpoint, rule_doc, service_field, Context, Rule};
use crate::diagnostic::{Diagnostic, Severity};
use crate::resolve::{ServiceLink, Target};

pub const RULE: Rule = Rule {
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
        out.push(
            context
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
                )),
        );
    }
}
