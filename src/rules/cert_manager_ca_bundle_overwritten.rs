//! A literal caBundle on an object cainjector injects into: cainjector overwrites it, so
//! the value in the manifest is not what the API server will trust.

use super::context::{rule_doc, Context, Rule};
use crate::diagnostic::{Diagnostic, Severity};
use crate::provision::cert_manager::{AnnotationKind, Source};
use crate::resolve::ca_bundle_pem;

pub(crate) const RULE: Rule = Rule {
    id: "cert-manager-ca-bundle-overwritten",
    severity: Severity::Warning,
    doc: rule_doc!("cert-manager-ca-bundle-overwritten"),
    check,
};

fn check(context: &Context<'_, '_>, out: &mut Vec<Diagnostic>) {
    let model = context.model;
    let cm = &context.provenance.cert_manager;
    let mut seen = Vec::new();
    for injection in &cm.injections {
        if seen.contains(&injection.object)
            || injection.source == Source::Off
            || injection.kind == AnnotationKind::LegacyInjectCaFrom && !injection.resolves()
        {
            continue;
        }
        // Literal, non-blank caBundles (an undecodable one is certificate-decode's).
        let literal: Vec<_> = model
            .endpoints
            .iter()
            .filter(|e| e.object == injection.object)
            .filter_map(|e| {
                let pem = ca_bundle_pem(e);
                let blank = pem
                    .as_ref()
                    .is_some_and(|p| p.iter().all(u8::is_ascii_whitespace));
                if blank {
                    return None;
                }
                e.ca_bundle_key_span()
            })
            .collect();
        let Some(&first) = literal.first() else {
            continue;
        };
        seen.push(injection.object);
        let object = &model.objects[injection.object];
        let key = injection.kind.key();
        let mut d = context
            .diagnostic_for(
                &RULE,
                injection.object,
                format!(
                    "{} sets caBundle by hand, but {key} makes cainjector overwrite it",
                    object.display()
                ),
                first,
            )
            .with_span_label("this value is replaced at run time")
            .with_label(
                injection.key_node.span(),
                format!("{key}: {}", injection.value),
            );
        for &span in &literal[1..] {
            d = d.with_label(span, "replaced too");
        }
        out.push(
            d.with_note("speclint's verdict uses the caBundle written here; after injection the API server trusts the injected CA instead, and every `helm upgrade`/`kubectl apply` writes the literal back until cainjector overwrites it again")
                .with_help(format!(
                    "remove the caBundle fields and let cainjector fill them, or remove the {key} annotation if the caBundle is managed by hand"
                )),
        );
    }
}
