//! The Service a webhook calls asks OpenShift's service CA for a serving certificate, but
//! the pods behind it serve another Secret: the certificate the service CA makes is never
//! served (src/provision/service_ca.rs).

use super::context::{rule_doc, Context, Rule};
use super::describe::describe_endpoint;
use crate::diagnostic::{Diagnostic, Severity};
use crate::model::ServiceId;
use crate::provision::service_ca::{EndpointLinks, ServiceCa, ServingCert};
use crate::resolve::{cert_entry, Resolution};

pub(crate) const RULE: Rule = Rule {
    id: "service-ca-secret-name",
    severity: Severity::Error,
    doc: rule_doc!("service-ca-secret-name"),
    check,
};

fn check(context: &Context<'_, '_>, out: &mut Vec<Diagnostic>) {
    let model = context.model;
    let service_ca = &context.provenance.service_ca;
    if service_ca.serving_certs.is_empty() {
        return;
    }
    let mut seen: Vec<ServiceId> = Vec::new();
    for resolution in context.resolutions {
        let Some(links) = service_ca.links(
            model,
            resolution,
            context.provenance.mounted(resolution.endpoint),
        ) else {
            continue;
        };
        let Some(called) = links.called else {
            continue;
        };
        if links.mounted.is_empty()
            || links
                .mounted
                .iter()
                .any(|m| called.writes(&m.namespace, m.name))
            || seen.contains(&called.service)
        {
            continue;
        }
        let endpoint = context.endpoint(resolution);
        // Unless the service CA's bundle is injected, a mounted Secret that holds a
        // certificate or that another provisioner writes is judged on its own.
        let determined_otherwise = links.mounted.iter().any(|m| {
            model
                .secret(&m.namespace, m.name)
                .is_some_and(|s| cert_entry(s).is_some())
                || context
                    .provenance
                    .provisioning
                    .for_secret(&m.namespace, m.name)
                    .next()
                    .is_some()
        });
        if determined_otherwise && !service_ca.injects(endpoint.object) {
            continue;
        }
        seen.push(called.service);
        out.push(diagnostic(context, service_ca, resolution, &links, called));
    }
}

fn diagnostic(
    context: &Context<'_, '_>,
    service_ca: &ServiceCa<'_>,
    resolution: &Resolution,
    links: &EndpointLinks<'_, '_>,
    called: &ServingCert<'_>,
) -> Diagnostic {
    let model = context.model;
    let endpoint = context.endpoint(resolution);
    let mut names: Vec<&str> = links.mounted.iter().map(|m| m.name).collect();
    names.sort_unstable();
    names.dedup();
    let mut d = context
        .diagnostic_for(
            &RULE,
            called.object,
            format!(
                "the service CA writes the certificate of Service {} into Secret {}, but the pods behind it serve Secret {}",
                called.service_id(),
                called.secret,
                names.join(", ")
            ),
            called.value_node.span(),
        )
        .with_span_label(format!(
            "{}: the service CA writes Secret {}",
            called.key, called.secret
        ))
        .with_label(
            endpoint.span(model),
            format!(
                "{} calls Service {}",
                describe_endpoint(model, endpoint),
                called.service_id()
            ),
        );
    let mut labelled = Vec::new();
    for m in &links.mounted {
        if labelled.contains(&m.span) {
            continue;
        }
        labelled.push(m.span);
        let workload = model.objects[model.pod_templates[m.pod_template].object].display();
        d = d.with_label(
            m.span,
            match m.flag {
                Some(flag) => format!("{workload} reads Secret {} (--{flag})", m.name),
                None => format!("{workload} mounts Secret {}", m.name),
            },
        );
    }
    let first = &links.mounted[0];
    let written_by_service_ca = service_ca.for_secret(&first.namespace, first.name);
    let nobody_writes = links.mounted.iter().all(|m| {
        model.secret(&m.namespace, m.name).is_none()
            && context
                .provenance
                .provisioning
                .for_secret(&m.namespace, m.name)
                .next()
                .is_none()
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
    } else if service_ca.injects(endpoint.object) {
        d.with_note(
            "the caBundle is the service CA, which did not sign the certificate the pods serve: every call fails with `tls: failed to verify certificate: x509: certificate signed by unknown authority`",
        )
    } else {
        d.with_note(format!(
            "the certificate the service CA makes for Service {} is served by no pod",
            called.service_id()
        ))
    };
    if let Some(other) = written_by_service_ca {
        d = d.with_note(format!(
            "Secret {} is the service CA's certificate for Service {}, another name",
            other.secret,
            other.service_id()
        ));
    }
    let workload = &model.objects[model.pod_templates[first.pod_template].object];
    d.with_help(format!(
        "make {} {} Secret {} (`secretName: {}`)",
        workload.display(),
        if first.flag.is_some() { "read" } else { "mount" },
        called.secret,
        called.secret
    ))
    .with_help(format!(
        "or set `{}: {}` on Service {}, if that Secret is not made by anything else: the service CA does not overwrite a Secret it did not create (`secret ... does not have corresponding service UID`)",
        called.key,
        first.name,
        called.service_id()
    ))
}
