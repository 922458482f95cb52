//! The Certificate whose CA is injected into a webhook writes a Secret the webhook's pods
//! do not serve from (kernel-module-management PR#383: namePrefix applied to the
//! Certificate's secretName but not to the Deployment's volume).

use super::context::{rule_doc, Context, Rule};
use super::describe::describe_endpoint;
use crate::diagnostic::{Diagnostic, Severity};
use crate::model::ServiceId;
use crate::provision::cert_manager::{CertManager, MountedSecret};
use crate::resolve::{Resolution, ServiceLink};

pub(crate) const RULE: Rule = Rule {
    id: "cert-manager-secret-name",
    severity: Severity::Error,
    doc: rule_doc!("cert-manager-secret-name"),
    check,
};

fn check(context: &Context<'_, '_>, out: &mut Vec<Diagnostic>) {
    let cm = &context.provenance.cert_manager;
    if cm.certificates.is_empty() {
        return;
    }
    let mut seen: Vec<(usize, ServiceId)> = Vec::new();
    for resolution in context.resolutions {
        let ServiceLink::Found { service, .. } = resolution.service else {
            continue;
        };
        let links = context.provenance.cert_manager_links(resolution.endpoint);
        if links.mounted.is_empty() {
            continue;
        }
        for &certificate in &links.injected {
            let c = &cm.certificates[certificate];
            if c.is_ca || seen.contains(&(certificate, service)) {
                continue;
            }
            let served = links.mounted.iter().any(|m| c.writes(&m.namespace, m.name));
            // Another Certificate from the same CA-backed issuer: its ca.crt is the same CA.
            let same_ca = !cm.self_signed(c)
                && c.issuer().is_some()
                && links.mounted.iter().any(|m| {
                    cm.certificates
                        .iter()
                        .any(|b| b.writes(&m.namespace, m.name) && b.issuer() == c.issuer())
                });
            if served || same_ca {
                continue;
            }
            seen.push((certificate, service));
            out.push(diagnostic(
                context,
                cm,
                certificate,
                resolution,
                &links.mounted,
            ));
        }
    }
}

fn diagnostic(
    context: &Context<'_, '_>,
    cm: &CertManager<'_>,
    certificate: usize,
    resolution: &Resolution,
    mounted: &[MountedSecret<'_>],
) -> Diagnostic {
    let model = context.model;
    let c = &cm.certificates[certificate];
    let endpoint = context.endpoint(resolution);
    let written = c.secret_name_text().unwrap_or("");
    let service = endpoint
        .service
        .as_ref()
        .map(|s| format!("{}/{}", s.namespace(), s.name()))
        .unwrap_or_default();
    let mut names: Vec<&str> = mounted.iter().map(|m| m.name).collect();
    names.sort_unstable();
    names.dedup();
    let span = c
        .secret_name
        .map(|n| n.span())
        .unwrap_or_else(|| model.objects[c.object].name_span());
    let message = if written.is_empty() {
        format!(
            "Certificate {} names no secretName, but the pods behind Service {service} serve Secret {}",
            c.id(),
            names.join(", ")
        )
    } else {
        format!(
            "Certificate {} writes Secret {written}, but the pods behind Service {service} serve Secret {}",
            c.id(),
            names.join(", ")
        )
    };
    let mut d = context
        .diagnostic_for(&RULE, c.object, message, span)
        .with_span_label(format!("cert-manager writes Secret {written}"))
        .with_label(
            endpoint.span(model),
            format!(
                "{} gets its caBundle from Certificate {}",
                describe_endpoint(model, endpoint),
                c.id()
            ),
        );
    let mut labelled = Vec::new();
    for m in mounted {
        if labelled.contains(&m.span) {
            continue;
        }
        labelled.push(m.span);
        let workload = model.objects[model.pod_templates[m.pod_template].object].display();
        let how = match m.flag {
            Some(flag) => format!("{workload} reads Secret {} (--{flag})", m.name),
            None => format!("{workload} mounts Secret {}", m.name),
        };
        d = d.with_label(m.span, how);
    }
    let first = &mounted[0];
    let nobody_writes = mounted.iter().all(|m| {
        model.secret(&m.namespace, m.name).is_none()
            && !cm
                .certificates
                .iter()
                .any(|b| b.writes(&m.namespace, m.name))
    });
    d = if nobody_writes {
        d.with_note(match first.flag {
            None => format!(
                "nothing among the inputs writes Secret {}: the pods stay in ContainerCreating (MountVolume.SetUp failed ...: secret \"{}\" not found), and the webhook never answers",
                first.name, first.name
            ),
            Some(_) => format!(
                "nothing among the inputs writes Secret {}: the webhook finds no certificate to serve",
                first.name
            ),
        })
    } else {
        d.with_note(format!(
            "the webhook serves a certificate that Certificate {}'s CA did not sign: every call fails with `tls: failed to verify certificate: x509: certificate signed by unknown authority`",
            c.id()
        ))
    };
    let workload = &model.objects[model.pod_templates[first.pod_template].object];
    d = d.with_help(format!(
        "make them agree: set `spec.secretName: {}` in Certificate {}, or make {} {} Secret {written}",
        first.name,
        c.id(),
        workload.display(),
        if first.flag.is_some() { "read" } else { "mount" },
    ));
    if !written.is_empty() && written != first.name && written.ends_with(first.name) {
        d = d.with_help(format!(
            "kustomize prefixed the Certificate's spec/secretName (a `namePrefix` fieldSpec in a kustomizeconfig) but not the volume: add `namePrefix: [{{kind: {}, path: spec/template/spec/volumes/secret/secretName}}]` to the same configuration, or drop the one on spec/secretName",
            workload.kind
        ));
    }
    d
}
