use super::context::{rule_doc, Context, Rule};
use crate::diagnostic::{Diagnostic, Severity};

pub(crate) const RULE: Rule = Rule {
    id: "insecure-skip-tls-verify",
    severity: Severity::Warning,
    doc: rule_doc!("insecure-skip-tls-verify"),
    check,
};

fn check(context: &Context<'_, '_>, out: &mut Vec<Diagnostic>) {
    for endpoint in &context.model.endpoints {
        let Some(flag) = endpoint
            .insecure_skip_tls_verify
            .filter(|n| n.as_bool() == Some(true))
        else {
            continue;
        };
        let object = &context.model.objects[endpoint.object];
        out.push(
            context
                .diagnostic_for(
                    &RULE,
                    endpoint.object,
                    format!("{} skips TLS verification of its backend", object.display()),
                    flag.span(),
                )
                .with_span_label("the API server accepts any certificate here")
                .with_note("requests proxied to this APIService, with the user's identity, go to whatever answers at the Service's address; no TLS verdict is predicted")
                .with_help("serve a certificate for <service>.<namespace>.svc and set spec.caBundle to its CA instead (cert-manager's cainjector can fill it)"),
        );
    }
}
