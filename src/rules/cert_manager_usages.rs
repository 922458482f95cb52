//! A Certificate serving a webhook whose `usages` name extended key usages but not
//! `server auth`: the issued certificate carries that EKU and Go's Verify refuses it.

use super::context::{rule_doc, Context, Rule};
use super::describe::{call_failure_note, describe_endpoint};
use crate::diagnostic::{Diagnostic, Severity};

pub(crate) const RULE: Rule = Rule {
    id: "cert-manager-usages",
    severity: Severity::Error,
    doc: rule_doc!("cert-manager-usages"),
    check,
};

/// Go's message for a leaf whose EKU leaves out serverAuth.
const GO_MESSAGE: &str = "x509: certificate specifies an incompatible key usage";

fn check(context: &Context<'_, '_>, out: &mut Vec<Diagnostic>) {
    let model = context.model;
    let cm = &context.provenance.cert_manager;
    for (i, c) in cm.certificates.iter().enumerate() {
        let (Some(extended), Some(usages)) = (c.usages_without_server_auth(), c.usages) else {
            continue;
        };
        // The webhook endpoints it serves (or whose caBundle it is, with a self-signed issuer).
        let served: Vec<_> = context
            .resolutions
            .iter()
            .filter(|r| {
                let links = context.provenance.cert_manager_links(r.endpoint);
                links.serving.contains(&i)
                    || (links.serving.is_empty() && !c.is_ca && links.injected.contains(&i))
            })
            .collect();
        let Some(first) = served.first() else {
            continue;
        };
        let endpoint = context.endpoint(first);
        let mut d = context
            .diagnostic_for(
                &RULE,
                c.object,
                format!(
                    "Certificate {} requests usages {} without \"server auth\": {GO_MESSAGE}",
                    c.id(),
                    extended.join(", ")
                ),
                usages.span(),
            )
            .with_span_label("the issued certificate's extended key usage leaves out serverAuth")
            .with_label(
                endpoint.span(model),
                format!(
                    "{} is served with this certificate",
                    describe_endpoint(model, endpoint)
                ),
            );
        if served.len() > 1 {
            d = d.with_note(format!(
                "{} more endpoints are served with it",
                served.len() - 1
            ));
        }
        d = d
            .with_note(call_failure_note(context, first, GO_MESSAGE))
            .with_help(format!(
                "add `- server auth` to spec.usages of Certificate {}, or drop `usages`: cert-manager's default (digital signature, key encipherment) sets no extended key usage, which Go accepts",
                c.id()
            ));
        out.push(d);
    }
}
