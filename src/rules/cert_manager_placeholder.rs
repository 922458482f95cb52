//! Kustomize placeholders (`SERVICE_NAME`, `SERVICE_NAMESPACE`, `CERTIFICATE_NAME`,
//! `CERTIFICATE_NAMESPACE`, `$(VAR)`) left in Certificates and inject annotations: the
//! `replacements` (or `vars`) that fill them never ran.

use super::context::{rule_doc, Context, Rule};
use crate::diagnostic::{Diagnostic, Severity};
use crate::model::Model;
use crate::provision::cert_manager::{
    placeholder_tokens, CertManager, CmCertificate, Injection, Source, Unresolved,
};
use crate::resolve::Target;

pub(crate) const RULE: Rule = Rule {
    id: "cert-manager-placeholder",
    severity: Severity::Error,
    doc: rule_doc!("cert-manager-placeholder"),
    check,
};

fn check(context: &Context<'_, '_>, out: &mut Vec<Diagnostic>) {
    let cm = &context.provenance.cert_manager;
    // Linking every endpoint to its Certificates costs a walk of its pods' mounts each.
    if cm.certificates.iter().all(|c| c.placeholders().is_empty()) {
        return;
    }
    let backing = context.provenance.cert_manager_backing();
    for (i, c) in cm.certificates.iter().enumerate() {
        let found = c.placeholders();
        let Some(&(first, token)) = found.first() else {
            continue;
        };
        let field = |node: crate::yaml::NodeRef<'_>| {
            if c.common_name.is_some_and(|cn| cn.id == node.id) {
                "spec.commonName"
            } else {
                "spec.dnsNames"
            }
        };
        // The Services whose pods serve the Certificate's Secret, else those whose
        // caBundle it fills: the name it should carry is `<service>.<namespace>.svc`.
        let services = if backing[i] {
            called_services(context, i)
        } else {
            Vec::new()
        };
        let replaced = |node: crate::yaml::NodeRef<'_>| -> Vec<String> {
            services
                .iter()
                .filter_map(|(name, namespace)| replace(node.as_str()?, name, namespace))
                .collect()
        };
        let first_text = first.as_str().unwrap_or("");
        let mut message = format!(
            "Certificate {} still holds the kustomize placeholder {:?} in {}",
            c.id(),
            first_text,
            field(first)
        );
        let should_be = replaced(first);
        if !should_be.is_empty() {
            let quoted: Vec<String> = should_be.iter().map(|n| format!("{n:?}")).collect();
            message.push_str(&format!(" instead of {}", quoted.join(" and ")));
        }
        let mut d = context
            .diagnostic_for(&RULE, c.object, message, first.span())
            .with_span_label(never_replaced(first.as_str().unwrap_or(token)));
        for &(node, _) in &found[1..] {
            let label = match replaced(node).as_slice() {
                [] => format!("{} too", field(node)),
                names => format!("{} too: {}", field(node), names.join(" and ")),
            };
            d = d.with_label(node.span(), label);
        }
        if backing[i] {
            let mut seen: Vec<&str> = Vec::new();
            for resolution in context.resolutions {
                let Some(server_name) = resolution.server_name.as_deref() else {
                    continue;
                };
                let links = context.provenance.cert_manager_links(resolution.endpoint);
                if seen.contains(&server_name)
                    || !(links.injected.contains(&i) || links.serving.contains(&i))
                {
                    continue;
                }
                seen.push(server_name);
                if let Err(e) = c.verify_hostname(server_name, context.go) {
                    d = d.with_note(format!(
                        "cert-manager issues the certificate with these literal names, and the API server refuses it: {e}"
                    ));
                }
            }
            let names: Vec<String> = found.iter().flat_map(|&(node, _)| replaced(node)).collect();
            if !names.is_empty() {
                d = d.with_help(format!(
                    "the webhooks it serves call Service {}: write {} in place of the placeholders",
                    services
                        .iter()
                        .map(|(name, namespace)| format!("{namespace}/{name}"))
                        .collect::<Vec<_>>()
                        .join(" and "),
                    names.join(", ")
                ));
            }
            let service = services
                .first()
                .map(|(name, _)| name.as_str())
                .or_else(|| seen.first().and_then(|s| s.split('.').next()))
                .unwrap_or("<webhook-service>");
            d = d.with_help(format!(
                "enable the `replacements` in config/default/kustomization.yaml that copy Service {service}'s .metadata.name and .metadata.namespace into the Certificate's .spec.dnsNames (delimiter '.', index 0 and 1), then render again: `kubectl kustomize config/default`"
            ));
        } else {
            d.severity = Severity::Warning;
            let secret = c.secret_name_text().unwrap_or("(none)");
            d = d.with_note(format!(
                "no webhook among the inputs gets its caBundle from it and no pod behind a webhook Service mounts its Secret {secret}, so nothing fails yet (kubebuilder's metrics Certificate looks like this until metrics are served with it)"
            ));
            d = d.with_help(match metrics_service(context.model, c) {
                Some(service) => format!(
                    "replace SERVICE_NAME and SERVICE_NAMESPACE with the name and namespace of the Service the certificate is to serve, here the metrics Service {}: {}",
                    service,
                    found
                        .iter()
                        .filter_map(|&(node, _)| replace(node.as_str()?, service, &c.namespace))
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
                None => format!(
                    "replace SERVICE_NAME and SERVICE_NAMESPACE with the name and namespace of the Service the certificate is to serve: `<service>.{}.svc` (the namespace is the Certificate's own: the pods mounting its Secret, and so their Service, run there)",
                    c.namespace
                ),
            });
            d = d.with_help(format!(
                "if it is to serve (kubebuilder: [METRICS-WITH-CERTS]), enable the replacements that copy the metrics Service's name and namespace into its .spec.dnsNames; otherwise remove Certificate {} from config/certmanager/kustomization.yaml",
                c.name
            ));
        }
        out.push(d);
    }
    for injection in &cm.injections {
        if let Source::Unresolved(Unresolved::Placeholder(_)) = injection.source {
            out.push(annotation(context, cm, injection));
        }
    }
}

/// The Services (name, namespace) of the endpoints the Certificate backs, in order, once
/// each: those whose pods serve its Secret, else those whose caBundle it fills.
fn called_services(context: &Context<'_, '_>, certificate: usize) -> Vec<(String, String)> {
    let mut serving = Vec::new();
    let mut injected = Vec::new();
    for resolution in context.resolutions {
        let Target::Service {
            name, namespace, ..
        } = &resolution.target
        else {
            continue;
        };
        let links = context.provenance.cert_manager_links(resolution.endpoint);
        let service = (name.clone(), namespace.clone());
        for (list, linked) in [
            (&mut serving, links.serving.contains(&certificate)),
            (&mut injected, links.injected.contains(&certificate)),
        ] {
            if linked && !list.contains(&service) {
                list.push(service.clone());
            }
        }
    }
    if serving.is_empty() {
        injected
    } else {
        serving
    }
}

/// The text with the Service placeholders filled in, as the kustomize `replacements`
/// (or `vars`) would; None when another placeholder would remain.
fn replace(text: &str, service: &str, namespace: &str) -> Option<String> {
    // SERVICE_NAMESPACE before SERVICE_NAME, which it starts with.
    let filled = text
        .replace("$(SERVICE_NAMESPACE)", namespace)
        .replace("$(SERVICE_NAME)", service)
        .replace("SERVICE_NAMESPACE", namespace)
        .replace("SERVICE_NAME", service);
    (filled != text && placeholder_tokens(&filled).is_empty()).then_some(filled)
}

/// For a metrics Certificate (kubebuilder's `metrics-certs`), the one Service of its
/// namespace named for metrics, which kubebuilder's [METRICS-WITH-CERTS] replacements
/// copy from (`controller-manager-metrics-service`).
fn metrics_service<'a>(model: &Model<'a>, certificate: &CmCertificate<'_>) -> Option<&'a str> {
    if !certificate.name.contains("metrics") {
        return None;
    }
    let found: Vec<&str> = model
        .services
        .iter()
        .map(|s| &model.objects[s.object])
        .filter(|o| o.namespace == certificate.namespace && o.name.contains("metrics"))
        .map(|o| o.name)
        .collect();
    match found.as_slice() {
        [only] => Some(only),
        _ => None,
    }
}

/// `SERVICE_NAME, SERVICE_NAMESPACE were never replaced`.
fn never_replaced(text: &str) -> String {
    let tokens = placeholder_tokens(text);
    let verb = if tokens.len() > 1 { "were" } else { "was" };
    format!("{} {verb} never replaced", tokens.join(", "))
}

fn annotation(
    context: &Context<'_, '_>,
    cm: &CertManager<'_>,
    injection: &Injection<'_>,
) -> Diagnostic {
    let model = context.model;
    let key = injection.kind.key();
    let object = &model.objects[injection.object];
    let mut d = context
        .diagnostic_for(
            &RULE,
            injection.object,
            format!(
                "{key} is still the kustomize placeholder {:?}: cainjector finds no such object and the caBundle stays empty",
                injection.value
            ),
            injection.value_node.span(),
        )
        .with_span_label(never_replaced(injection.value));
    let endpoints: Vec<_> = model
        .endpoints
        .iter()
        .filter(|e| e.object == injection.object)
        .collect();
    if endpoints.is_empty() || endpoints.iter().all(|e| e.never_called) {
        d.severity = Severity::Warning;
        d = d.with_note(format!(
            "{} calls no webhook yet, so nothing fails until it does",
            object.display()
        ));
    } else {
        d = d.with_note(
            "with an empty caBundle the API server trusts only its system store, and every call fails with `x509: certificate signed by unknown authority`",
        );
    }
    let serving = context
        .provenance
        .cert_manager_serving_object(model, injection.object);
    if let [only] = serving.as_slice() {
        d = d.with_help(format!(
            "it should read `{key}: {}`",
            cm.certificates[*only].id()
        ));
    }
    d.with_help(format!(
        "enable the `replacements` in config/default/kustomization.yaml that copy the Certificate's .metadata.namespace and .metadata.name into .metadata.annotations.[{key}] of {} (delimiter '/', index 0 and 1), then render again: `kubectl kustomize config/default`",
        object.kind
    ))
}

#[cfg(test)]
mod tests {
    use super::replace;

    #[test]
    fn placeholders_are_filled_as_kustomize_would_fill_them() {
        assert_eq!(
            replace("SERVICE_NAME.SERVICE_NAMESPACE.svc", "web", "system").as_deref(),
            Some("web.system.svc")
        );
        assert_eq!(
            replace(
                "$(SERVICE_NAME).$(SERVICE_NAMESPACE).svc.cluster.local",
                "web",
                "system"
            )
            .as_deref(),
            Some("web.system.svc.cluster.local")
        );
        // Another placeholder would remain, or there was none: no claim.
        assert_eq!(replace("SERVICE_NAME.$(OTHER).svc", "web", "system"), None);
        assert_eq!(replace("web.system.svc", "web", "system"), None);
    }
}
