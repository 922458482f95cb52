//! Shared reading of the API server's TLS verdict for the rules that report its failures.

use super::context::{Context, Rule};
use super::describe::{call_failure_note, describe_endpoint};
use crate::diagnostic::Diagnostic;
use crate::model::ObjectId;
use crate::resolve::{Resolution, ServedCertificate, ServingSecret, Verdict};
use crate::tls::cert::Certificate as X509;
use crate::tls::verify::{CertRef, ServerVerifyError, VerifyErrorKind};

/// A failed verdict with what it was reached from.
pub(crate) struct Failure<'r> {
    pub(crate) resolution: &'r Resolution,
    pub(crate) serving: &'r ServingSecret,
    pub(crate) verdict: &'r Verdict,
    pub(crate) error: &'r ServerVerifyError,
}

impl<'r> Failure<'r> {
    pub(crate) fn kind(&self) -> Option<&'r VerifyErrorKind> {
        match self.error {
            ServerVerifyError::Verify(e) => Some(e.kind()),
            _ => None,
        }
    }

    /// The certificate an error names, and where it came from in words.
    pub(crate) fn certificate(&self, cert: &CertRef) -> Option<(&'r X509, String)> {
        let chain = &self.serving.chain.as_ref().ok()?.certificates;
        match cert {
            CertRef::Leaf => Some((
                chain.first()?,
                format!("the serving certificate in {}", self.serving.cert_key),
            )),
            CertRef::Intermediate(i) => Some((
                chain.get(i + 1)?,
                format!("intermediate #{} in {}", i + 1, self.serving.cert_key),
            )),
            // The system store's roots are not in any input.
            CertRef::Root(_) if self.verdict.system_roots => None,
            CertRef::Root(i) => Some((
                self.verdict.roots.get(*i)?,
                format!("CA certificate #{} of the caBundle", i + 1),
            )),
        }
    }
}

/// Every endpoint whose verdict failed, skipping failures that another rule owns by kind.
pub(crate) fn failures<'r>(context: &'r Context<'_, '_>) -> impl Iterator<Item = Failure<'r>> + 'r {
    context.resolutions.iter().filter_map(|resolution| {
        let ServedCertificate::Found(serving) = &resolution.certificate else {
            return None;
        };
        let verdict = resolution.verdict.as_ref()?;
        let error = verdict.result.as_ref().err()?;
        // A live Secret whose provisioners all check it before reuse (cert-manager, Spark >= 2.2,
        // cert-controller) is replaced when it no longer fits: the live certificate is not served.
        let secret = &context.model.objects[context.model.secrets[serving.secret].object];
        if secret.live {
            let mut provisioners = context
                .provenance
                .provisioning
                .for_secret(secret.namespace, secret.name)
                .peekable();
            if provisioners.peek().is_some() && provisioners.all(|p| !p.reuses_without_check) {
                return None;
            }
        }
        Some(Failure {
            resolution,
            serving,
            verdict,
            error,
        })
    })
}

/// The diagnostic every verdict rule starts from: on the endpoint, with the certificate's
/// key and its mount labelled and the API server's own failure as a note.
pub(crate) fn diagnostic(
    context: &Context<'_, '_>,
    rule: &Rule,
    failure: &Failure<'_>,
    certificate_label: String,
) -> Diagnostic {
    let model = context.model;
    let endpoint = context.endpoint(failure.resolution);
    let workload = &model.objects[model.pod_templates[failure.serving.mounted_by].object];
    let message = failure.error.to_string();
    let server_name = failure.resolution.server_name.as_deref().unwrap_or("");
    let mut diagnostic = context
        .diagnostic_for(rule, endpoint.object, message.clone(), endpoint.span(model))
        .with_span_label(format!(
            "{} is called as {server_name}",
            describe_endpoint(model, endpoint)
        ))
        .with_label(failure.serving.cert_key_span, certificate_label)
        .with_label(
            failure.serving.mounted_at,
            format!(
                "{} serves the certificate of this Secret",
                workload.display()
            ),
        );
    if endpoint.never_called {
        diagnostic.severity = crate::diagnostic::Severity::Warning;
        diagnostic = diagnostic.with_note(
            "the CRD serves a single version, so the API server does not call this webhook yet; it will fail as soon as a second version is served",
        );
    }
    diagnostic.with_note(call_failure_note(context, failure.resolution, &message))
}

/// The caBundle node of the endpoint, for labels.
pub(crate) fn ca_bundle_span(
    context: &Context<'_, '_>,
    resolution: &Resolution,
) -> Option<crate::source::Span> {
    context.endpoint(resolution).ca_bundle_key_span()
}

/// The subject as Go prints it, or its first name when the subject is empty, for labels.
pub(crate) fn subject(cert: &X509) -> String {
    if !cert.subject_display.is_empty() {
        return cert.subject_display.clone();
    }
    match (cert.dns_names.first(), cert.ip_addresses.first()) {
        (Some(dns), _) => format!("DNS:{dns}"),
        (None, Some(ip)) => format!("IP:{ip}"),
        (None, None) => "no subject".to_string(),
    }
}

pub(crate) fn date(unix: i64) -> String {
    crate::tls::time::format_rfc3339(unix)
}

/// A certificate the API server will meet, with where it sits in the inputs.
pub(crate) struct Met<'r> {
    pub(crate) certificate: &'r X509,
    /// What it is, in words: `the serving certificate in tls.crt`.
    pub(crate) place: String,
    pub(crate) span: crate::source::Span,
    /// The object `span` is in: the Secret, or the endpoint's object for a caBundle.
    pub(crate) object: ObjectId,
}

/// Every certificate of every serving chain and caBundle the API server will meet, once each.
pub(crate) fn certificates_met<'r>(context: &'r Context<'_, '_>) -> Vec<Met<'r>> {
    let mut seen = foldhash::HashSet::default();
    let mut met = Vec::new();
    for resolution in context.resolutions {
        let ServedCertificate::Found(serving) = &resolution.certificate else {
            continue;
        };
        if let Ok(chain) = &serving.chain {
            for (i, certificate) in chain.certificates.iter().enumerate() {
                if seen.insert((serving.cert_key_span, i)) {
                    let place = if i == 0 {
                        format!("the serving certificate in {}", serving.cert_key)
                    } else {
                        format!("intermediate #{i} in {}", serving.cert_key)
                    };
                    met.push(Met {
                        certificate,
                        place,
                        span: serving.cert_key_span,
                        object: context.model.secrets[serving.secret].object,
                    });
                }
            }
        }
        let (Some(verdict), Some(span)) =
            (&resolution.verdict, ca_bundle_span(context, resolution))
        else {
            continue;
        };
        for (i, certificate) in verdict.roots.iter().enumerate() {
            if seen.insert((span, i)) {
                met.push(Met {
                    certificate,
                    place: format!("CA certificate #{} of the caBundle", i + 1),
                    span,
                    object: context.endpoint(resolution).object,
                });
            }
        }
    }
    met
}
