use super::{describe_endpoint, rule_doc, Context, Rule};
use crate::diagnostic::{Diagnostic, Severity};
use crate::resolve::Certificate;

pub const RULE: Rule = Rule {
    id: "certificate-undetermined",
    severity: Severity::Note,
    doc: rule_doc!("certificate-undetermined"),
    check,
};

fn check(context: &Context<'_, '_>, out: &mut Vec<Diagnostic>) {
    for resolution in context.resolutions {
        let Certificate::Undetermined(reason) = &resolution.certificate else {
            continue;
        };
        let endpoint = context.endpoint(resolution);
        let mut diagnostic = context
            .diagnostic_for(
                &RULE,
                endpoint.object,
                format!(
                    "the serving certificate of {} cannot be determined: {reason}",
                    describe_endpoint(context.model, endpoint)
                ),
                endpoint.span(context.model),
            )
            .with_note("its TLS verdict is not checked");
        if let Some(server_name) = &resolution.server_name {
            diagnostic =
                diagnostic.with_span_label(format!("the API server will verify {server_name}"));
        }
        out.push(diagnostic);
    }
}
