use super::context::{rule_doc, Context, Rule};
use super::verdict::{date, diagnostic, failures, subject};
use crate::diagnostic::{Diagnostic, Severity};
use crate::tls::verify::{CertRef, VerifyErrorKind};

pub(crate) const RULE: Rule = Rule {
    id: "certificate-expired",
    severity: Severity::Error,
    doc: rule_doc!("certificate-expired"),
    check,
};

fn check(context: &Context<'_, '_>, out: &mut Vec<Diagnostic>) {
    for failure in failures(context) {
        let (cert_ref, expired, when) = match failure.kind() {
            Some(VerifyErrorKind::Expired {
                cert, not_after, ..
            }) => (cert, true, *not_after),
            Some(VerifyErrorKind::NotYetValid {
                cert, not_before, ..
            }) => (cert, false, *not_before),
            _ => continue,
        };
        let (certificate, place) = failure
            .certificate(cert_ref)
            .map(|(c, place)| (Some(c), place))
            .unwrap_or((None, "a certificate of the chain".to_string()));
        let what = match certificate {
            Some(c) => format!("{place} ({})", subject(c)),
            None => place.clone(),
        };
        let label = if expired {
            format!("{what} expired on {}", date(when))
        } else {
            format!("{what} is not valid before {}", date(when))
        };
        let secret = &context.model.objects[context.model.secrets[failure.serving.secret].object];
        let mut d = diagnostic(context, &RULE, &failure, label);
        if matches!(cert_ref, CertRef::Root(_)) {
            if let Some(span) = super::verdict::ca_bundle_span(context, failure.resolution) {
                d = d.with_label(span, "the expired CA is in this caBundle");
            }
        }
        d = if expired {
            d.with_help(format!(
                "renew it: if a provisioner made Secret {}/{}, delete the Secret so it is issued again{} and restart the webhook; a CA certificate must be replaced in the caBundle as well",
                secret.namespace,
                secret.name,
                super::shell_command::delete_secret(secret.name, secret.namespace)
                    .map_or_else(String::new, |c| format!(" (`{c}`)"))
            ))
        } else {
            d.with_help("check the clock of whatever issued it, or wait until it becomes valid; pass --now to lint for another time")
        };
        out.push(d);
    }
}
