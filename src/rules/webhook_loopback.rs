use super::context::{rule_doc, Context, Rule};
use super::describe::describe_endpoint;
use crate::diagnostic::{Diagnostic, Severity};
use crate::resolve::Target;

pub(crate) const RULE: Rule = Rule {
    id: "webhook-loopback",
    severity: Severity::Note,
    doc: rule_doc!("webhook-loopback"),
    check,
};

fn check(context: &Context<'_, '_>, out: &mut Vec<Diagnostic>) {
    for resolution in context.resolutions {
        if resolution.target != Target::Loopback {
            continue;
        }
        let endpoint = context.endpoint(resolution);
        out.push(
            context
                .diagnostic_for(
                    &RULE,
                    endpoint.object,
                    format!(
                        "{} calls the API server itself; its TLS cannot be judged from manifests",
                        describe_endpoint(context.model, endpoint)
                    ),
                    endpoint.span(context.model),
                )
                .with_span_label("the `kubernetes` Service in `default`")
                .with_note(
                    "the API server uses its own loopback client configuration for this call",
                ),
        );
    }
}
