//! OpenShift's service CA signs the certificate a webhook serves, but nothing puts the
//! service CA into its caBundle: no caBundle, and no `service.beta.openshift.io/inject-cabundle:
//! "true"` annotation that the injector honours on that kind (src/provision/service_ca.rs).

use super::context::{rule_doc, Context, Rule};
use super::describe::{call_failure_note, describe_endpoint};
use crate::diagnostic::{Diagnostic, Severity};
use crate::model::ObjectId;
use crate::provision::service_ca::{
    Ignored, ServiceCa, ServingCert, ALPHA_INJECT_CABUNDLE, INJECT_CABUNDLE,
};
use crate::resolve::{ca_bundle_is_empty, Resolution, Target};

pub(crate) const RULE: Rule = Rule {
    id: "service-ca-inject-missing",
    severity: Severity::Error,
    doc: rule_doc!("service-ca-inject-missing"),
    check,
};

const UNKNOWN_AUTHORITY: &str = "x509: certificate signed by unknown authority";

/// The endpoints of one object whose certificate the service CA signs.
struct Group<'r, 'c, 'a> {
    object: ObjectId,
    cert: &'c ServingCert<'a>,
    resolutions: Vec<&'r Resolution>,
}

fn check(context: &Context<'_, '_>, out: &mut Vec<Diagnostic>) {
    let model = context.model;
    let service_ca = &context.provenance.service_ca;
    if service_ca.serving_certs.is_empty() {
        return;
    }
    let mut groups: Vec<Group<'_, '_, '_>> = Vec::new();
    for resolution in context.resolutions {
        let endpoint = context.endpoint(resolution);
        if !matches!(resolution.target, Target::Service { .. })
            || endpoint
                .insecure_skip_tls_verify
                .is_some_and(|n| n.as_bool() == Some(true))
            || !ca_bundle_is_empty(endpoint)
        {
            continue;
        }
        let Some(links) = service_ca.links(
            model,
            resolution,
            context.provenance.mounted(resolution.endpoint),
        ) else {
            continue;
        };
        // The pods serve a Secret the service CA writes; or they name none, and the Service
        // they are behind asks the service CA for one.
        let cert = match (links.serving.first(), links.called) {
            (Some(&(_, cert)), _) => cert,
            (None, Some(called)) if links.mounted.is_empty() => called,
            _ => continue,
        };
        if context
            .provenance
            .provisioning
            .injectors_for(model, endpoint.object)
            .next()
            .is_some()
        {
            continue;
        }
        match groups.iter_mut().find(|g| g.object == endpoint.object) {
            Some(group) => group.resolutions.push(resolution),
            None => groups.push(Group {
                object: endpoint.object,
                cert,
                resolutions: vec![resolution],
            }),
        }
    }
    for group in &groups {
        out.push(diagnostic(context, service_ca, group));
    }
}

fn diagnostic(
    context: &Context<'_, '_>,
    service_ca: &ServiceCa<'_>,
    group: &Group<'_, '_, '_>,
) -> Diagnostic {
    let model = context.model;
    let object = &model.objects[group.object];
    let first = group.resolutions[0];
    let endpoint = context.endpoint(first);
    let described = describe_endpoint(model, endpoint);
    let cert = group.cert;
    let ignored = service_ca
        .injections
        .iter()
        .filter(|i| i.object == group.object)
        .find_map(|i| Some((i, i.ignored?)));
    let mut d = match ignored {
        Some((injection, ignored)) => {
            let value = injection.value_node.scalar_text().unwrap_or_default();
            let why = match ignored {
                Ignored::AlphaKey => format!(
                    "the injector reads {ALPHA_INJECT_CABUNDLE} only on APIServices and ConfigMaps, not on a {}",
                    object.kind
                ),
                Ignored::NotTrue => format!(
                    "the injector acts only on the value \"true\" (in any case), not {value:?}"
                ),
                Ignored::NoConversionWebhook => {
                    "the CRD's conversion strategy is not Webhook".to_string()
                }
            };
            context
                .diagnostic_for(
                    &RULE,
                    group.object,
                    format!(
                        "{} is ignored: {why}; {described} has no caBundle, so the certificate the service CA signs fails with {UNKNOWN_AUTHORITY}",
                        injection.key
                    ),
                    injection.value_node.span(),
                )
                .with_span_label("the service CA injector does not fill this caBundle")
        }
        None => context
            .diagnostic_for(
                &RULE,
                group.object,
                format!(
                    "{described} has no caBundle and no {INJECT_CABUNDLE} annotation: the certificate the service CA signs fails with {UNKNOWN_AUTHORITY}"
                ),
                endpoint.span(model),
            )
            .with_span_label(format!(
                "calls {}, whose certificate the service CA signs",
                resolution_host(first)
            )),
    };
    d = d.with_label(
        cert.value_node.span(),
        format!(
            "the service CA issues the certificate of Service {} into Secret {}",
            cert.service_id(),
            cert.secret
        ),
    );
    if group.resolutions.len() > 1 {
        let others: Vec<String> = group.resolutions[1..]
            .iter()
            .map(|r| describe_endpoint(model, context.endpoint(r)))
            .collect();
        d = d.with_note(format!(
            "the same holds for {} more: {}",
            others.len(),
            others.join(", ")
        ));
    }
    d = d.with_note(
        "the API server then trusts only its system store, which does not hold the service CA",
    );
    if group
        .resolutions
        .iter()
        .all(|r| context.endpoint(r).never_called)
    {
        d.severity = Severity::Warning;
        d = d.with_note("the CRD serves a single version, so the API server does not call this webhook yet; it will fail as soon as a second version is served");
    }
    d.with_note(call_failure_note(context, first, UNKNOWN_AUTHORITY))
        .with_help(format!(
            "let the service CA injector fill the caBundle: set `metadata.annotations: {INJECT_CABUNDLE}: \"true\"` on {}",
            object.display()
        ))
}

/// `<svc>.<ns>.svc` the endpoint calls.
fn resolution_host(resolution: &Resolution) -> String {
    resolution.server_name.clone().unwrap_or_default()
}
