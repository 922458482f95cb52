//! The endpoint inventory (`endpoints` in `--format json`): one entry per webhook, CRD
//! conversion webhook and APIService, saying where its certificate and caBundle come from
//! and what speclint concluded. Only names: no certificate or Secret data.

use crate::diagnostic::{Diagnostic, ObjectRef, Severity};
use crate::model::{EndpointKind, Model, PodTemplateId};
use crate::provision::Provenance;
use crate::resolve::{Resolution, ServedCertificate, ServiceLink, Target};
use serde::Serialize;

#[derive(Clone, Debug, Serialize)]
pub struct Entry {
    /// `validating webhook`, `mutating webhook`, `conversion webhook`, `APIService`.
    pub(crate) kind: &'static str,
    pub(crate) object: ObjectRef,
    /// The webhook's name; null for conversion webhooks and APIServices.
    pub(crate) webhook: Option<String>,
    /// The name the API server verifies, and the port it calls.
    pub(crate) server_name: Option<String>,
    pub(crate) port: Option<i64>,
    pub(crate) service: Option<NamespacedName>,
    /// `Deployment ns/name` of each pod template behind the Service.
    pub(crate) pod_templates: Vec<String>,
    /// The Secret the serving pods take their certificate from, and its key when found.
    pub(crate) secret: Option<SecretRef>,
    pub(crate) certificate: Source,
    pub(crate) ca_bundle: Source,
    /// `ok`, `error` or `undetermined`.
    pub(crate) verdict: &'static str,
    /// Ids of the findings on the endpoint's object, its Service or its workloads.
    pub(crate) findings: Vec<&'static str>,
    /// How the API server calls an admission webhook; null for the other endpoints.
    pub(crate) admission: Option<AdmissionCall>,
}

#[derive(Clone, Debug, Serialize)]
pub(crate) struct AdmissionCall {
    /// `Fail` or `Ignore`, defaulted by API version.
    pub(crate) failure_policy: String,
    pub(crate) timeout_seconds: i64,
    /// How many matchConditions (CEL) it has; speclint does not evaluate them.
    pub(crate) match_conditions: usize,
}

#[derive(Clone, Debug, Serialize)]
pub(crate) struct NamespacedName {
    pub(crate) namespace: String,
    pub(crate) name: String,
}

#[derive(Clone, Debug, Serialize)]
pub(crate) struct SecretRef {
    pub(crate) namespace: String,
    pub(crate) name: String,
    pub(crate) key: Option<String>,
}

#[derive(Clone, Debug, Serialize)]
pub(crate) struct Source {
    /// `render`, `live`, `cert-manager`, `certgen`, `service-ca`, `catalogue:<id>`,
    /// `rbac:<workload>`, `loopback` or `unknown`; for caBundles `literal`,
    /// `injector:<what>`, `rbac:<workload>`, `insecure`, `loopback` or `none`.
    pub(crate) source: String,
    /// Why the certificate is `unknown`, when it is.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) reason: Option<String>,
}

impl Entry {}

pub(crate) fn build(
    model: &Model<'_>,
    resolutions: &[Resolution],
    provenance: &Provenance<'_>,
    diagnostics: &[Diagnostic],
    keep: impl Fn(&Entry) -> bool,
) -> Vec<Entry> {
    // Findings by the object they are on, so each endpoint looks up its own.
    let mut by_object: foldhash::HashMap<&ObjectRef, Vec<&Diagnostic>> =
        foldhash::HashMap::default();
    for d in diagnostics {
        if let Some(object) = &d.object {
            by_object.entry(object).or_default().push(d);
        }
    }
    resolutions
        .iter()
        .map(|resolution| entry(model, resolution, provenance, &by_object))
        .filter(keep)
        .collect()
}

fn entry(
    model: &Model<'_>,
    resolution: &Resolution,
    provenance: &Provenance<'_>,
    by_object: &foldhash::HashMap<&ObjectRef, Vec<&Diagnostic>>,
) -> Entry {
    let endpoint = &model.endpoints[resolution.endpoint];
    let object = &model.objects[endpoint.object];
    let kind = match endpoint.kind {
        EndpointKind::ValidatingWebhook => "validating webhook",
        EndpointKind::MutatingWebhook => "mutating webhook",
        EndpointKind::CrdConversion => "conversion webhook",
        EndpointKind::ApiService => "APIService",
    };
    let webhook = matches!(
        endpoint.kind,
        EndpointKind::ValidatingWebhook | EndpointKind::MutatingWebhook
    )
    .then(|| endpoint.name.clone());
    let (service, port) = match &resolution.target {
        Target::Service {
            name,
            namespace,
            port,
        } => (
            Some(NamespacedName {
                namespace: namespace.clone(),
                name: name.clone(),
            }),
            Some(*port),
        ),
        _ => (None, None),
    };
    let templates = provenance.serving_templates(resolution);
    let workload = |t: PodTemplateId| {
        let o = &model.objects[model.pod_templates[t].object];
        format!("{} {}/{}", o.kind, o.namespace, o.name)
    };
    let secret = match &resolution.certificate {
        ServedCertificate::Found(serving) => {
            let o = &model.objects[model.secrets[serving.secret].object];
            Some(SecretRef {
                namespace: o.namespace.to_string(),
                name: o.name.to_string(),
                key: Some(serving.cert_key.clone()),
            })
        }
        _ => provenance
            .mounted(resolution.endpoint)
            .first()
            .map(|m| SecretRef {
                namespace: m.namespace.clone(),
                name: m.name.to_string(),
                key: None,
            }),
    };
    let sources = &provenance.sources[resolution.endpoint];
    // Findings on this object, its Service, or the workloads behind it.
    let mut concerned: Vec<ObjectRef> = vec![object.object_ref()];
    if let ServiceLink::Found { service, .. } = &resolution.service {
        concerned.push(model.objects[model.services[*service].object].object_ref());
    }
    concerned.extend(
        templates
            .iter()
            .map(|&t| model.objects[model.pod_templates[t].object].object_ref()),
    );
    concerned.dedup();
    let related: Vec<&Diagnostic> = concerned
        .iter()
        .filter_map(|o| by_object.get(o))
        .flatten()
        .copied()
        .filter(|d| !is_about_other_webhook(d, endpoint, object))
        .collect();
    let mut findings: Vec<&'static str> = related.iter().map(|d| d.rule).collect();
    findings.sort_unstable();
    findings.dedup();
    let certificate = Source {
        source: sources.certificate.code(),
        reason: match (&resolution.certificate, sources.certificate.is_known()) {
            (ServedCertificate::Undetermined(reason), false) => Some(reason.clone()),
            _ => None,
        },
    };
    let ca_bundle = Source {
        source: sources.ca_bundle.code(),
        reason: None,
    };
    let verdict = if related.iter().any(|d| d.severity == Severity::Error) {
        "error"
    } else if sources.certificate.is_known()
        && sources.ca_bundle.is_known()
        && !matches!(
            sources.certificate,
            crate::provision::provenance::CertificateSource::Rbac(_)
        )
    {
        // RBAC shows who makes the certificate, not which names it carries.
        "ok"
    } else {
        "undetermined"
    };
    Entry {
        kind,
        object: object.object_ref(),
        webhook,
        server_name: resolution.server_name.clone(),
        port,
        service,
        pod_templates: templates.into_iter().map(workload).collect(),
        secret,
        certificate,
        ca_bundle,
        verdict,
        findings,
        admission: endpoint.admission.as_ref().map(|admission| AdmissionCall {
            failure_policy: endpoint.failure_policy.to_string(),
            timeout_seconds: endpoint.timeout_seconds,
            match_conditions: admission.match_conditions,
        }),
    }
}

/// A finding on a webhook configuration that names another of its webhooks.
pub(crate) fn is_about_other_webhook(
    diagnostic: &Diagnostic,
    endpoint: &crate::model::Endpoint<'_>,
    object: &crate::model::Object<'_>,
) -> bool {
    if !matches!(
        endpoint.kind,
        EndpointKind::ValidatingWebhook | EndpointKind::MutatingWebhook
    ) || diagnostic.object.as_ref() != Some(&object.object_ref())
    {
        return false;
    }
    let quoted = format!("webhook \"{}\"", endpoint.name);
    diagnostic.message.contains("webhook \"") && !diagnostic.message.contains(&quoted)
}
