//! A Certificate's issuerRef that names no Issuer (same namespace) or ClusterIssuer among
//! the inputs: the Certificate never becomes Ready and its Secret is never written.

use super::context::{rule_doc, Context, Rule};
use crate::diagnostic::{Diagnostic, Severity};

pub(crate) const RULE: Rule = Rule {
    id: "cert-manager-issuer-ref",
    severity: Severity::Warning,
    doc: rule_doc!("cert-manager-issuer-ref"),
    check,
};

fn check(context: &Context<'_, '_>, out: &mut Vec<Diagnostic>) {
    let model = context.model;
    let cm = &context.provenance.cert_manager;
    for c in &cm.certificates {
        let object = &model.objects[c.object];
        let span = c
            .issuer_ref
            .map(|n| n.get("name").unwrap_or(n).span())
            .unwrap_or_else(|| object.name_span());
        let Some((group, kind, name)) = c.issuer() else {
            out.push(
                context
                    .diagnostic_for(
                        &RULE,
                        c.object,
                        format!("Certificate {} has no issuerRef", c.id()),
                        span,
                    )
                    .with_note("cert-manager cannot issue it: the Certificate stays not Ready and its Secret is never written")
                    .with_help("set `spec.issuerRef: {kind: Issuer, name: <Issuer in the same namespace>}` (or kind: ClusterIssuer)"),
            );
            continue;
        };
        // External issuers (other API groups) live outside cert-manager's own kinds.
        if group != "cert-manager.io" && group != "certmanager.k8s.io" {
            continue;
        }
        let cluster = match kind {
            "Issuer" => false,
            "ClusterIssuer" => true,
            _ => {
                out.push(
                    context
                        .diagnostic_for(
                            &RULE,
                            c.object,
                            format!(
                                "Certificate {} names issuerRef kind {kind:?}, which is neither Issuer nor ClusterIssuer",
                                c.id()
                            ),
                            span,
                        )
                        .with_help("set `issuerRef.kind` to `Issuer` or `ClusterIssuer`"),
                );
                continue;
            }
        };
        if name.is_empty() {
            out.push(
                context
                    .diagnostic_for(
                        &RULE,
                        c.object,
                        format!("Certificate {} has an issuerRef without a name", c.id()),
                        span,
                    )
                    .with_help(format!("set `issuerRef.name` to the {kind} that signs it")),
            );
            continue;
        }
        if cm.issuer(cluster, &c.namespace, name).is_some() {
            continue;
        }
        let wanted = if cluster {
            format!("ClusterIssuer {name}")
        } else {
            format!("Issuer {}/{name}", c.namespace)
        };
        let mut d = context
            .diagnostic_for(
                &RULE,
                c.object,
                format!(
                    "Certificate {} names {wanted}, which is not among the inputs",
                    c.id()
                ),
                span,
            )
            .with_span_label(format!("issuerRef names {wanted}"))
            .with_note(
                "if it does not exist in the cluster either, the Certificate stays not Ready (IssuerNotFound) and its Secret is never written",
            );
        let same_name: Vec<_> = cm.issuers.iter().filter(|i| i.name == name).collect();
        let near: Vec<_> = cm
            .issuers
            .iter()
            .filter(|i| i.name != name && (i.name.ends_with(name) || name.ends_with(i.name)))
            .filter(|i| i.cluster || i.namespace == c.namespace)
            .collect();
        for issuer in same_name.iter().chain(&near).take(4) {
            let what = if issuer.cluster {
                format!("ClusterIssuer {}", issuer.name)
            } else {
                format!("Issuer {}/{}", issuer.namespace, issuer.name)
            };
            d = d.with_label(
                model.objects[issuer.object].name_span(),
                format!("{what} is among the inputs"),
            );
        }
        d = match (same_name.first(), near.as_slice()) {
            (Some(i), _) if i.cluster && !cluster => d.with_help(format!(
                "{name} is a ClusterIssuer: set `issuerRef.kind: ClusterIssuer`"
            )),
            (Some(i), _) if !i.cluster && cluster => d.with_help(format!(
                "{name} is an Issuer: set `issuerRef.kind: Issuer` and move the Certificate to namespace {}",
                i.namespace
            )),
            (Some(i), _) if !i.cluster => d.with_help(format!(
                "an Issuer only signs Certificates of its own namespace: Issuer {name} is in {}, the Certificate in {}; use a ClusterIssuer or an Issuer in {}",
                i.namespace, c.namespace, c.namespace
            )),
            (_, [only]) => d.with_help(format!(
                "set `issuerRef.name: {}` (kustomize's namePrefix renames the Issuer but not the reference unless a nameReference configuration covers issuerRef.name)",
                only.name
            )),
            _ => {
                let get = super::shell_command::Command::kubectl()
                    .args(&["get", &kind.to_ascii_lowercase()])
                    .name(name);
                let get = if cluster { get } else { get.namespace(&c.namespace) };
                d.with_help(format!(
                    "create the {kind} or pass the file that defines it{}",
                    get.build()
                        .map_or_else(String::new, |c| format!("; check the cluster with `{c}`"))
                ))
            }
        };
        out.push(d);
    }
}
