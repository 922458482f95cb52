use super::context::{rule_doc, Context, Rule};
use super::verdict::{diagnostic, failures, subject};
use crate::diagnostic::{Diagnostic, Severity};
use crate::tls::verify::VerifyErrorKind;

pub(crate) const RULE: Rule = Rule {
    id: "certificate-key-usage",
    severity: Severity::Error,
    doc: rule_doc!("certificate-key-usage"),
    check,
};

fn check(context: &Context<'_, '_>, out: &mut Vec<Diagnostic>) {
    for failure in failures(context) {
        let Some(VerifyErrorKind::IncompatibleUsage { certs }) = failure.kind() else {
            continue;
        };
        let offenders: Vec<String> = certs
            .iter()
            .filter_map(|c| failure.certificate(c))
            .filter(|(c, _)| !c.ext_key_usage.is_empty() && !c.allows_server_auth())
            .map(|(c, place)| format!("{place} ({})", subject(c)))
            .collect();
        let label = if offenders.is_empty() {
            "the chain's extended key usage does not allow serverAuth".to_string()
        } else {
            format!(
                "extended key usage without serverAuth: {}",
                offenders.join(", ")
            )
        };
        out.push(
            diagnostic(context, &RULE, &failure, label).with_help(
                "reissue the certificate with extendedKeyUsage serverAuth (cert-manager: `usages: [server auth, digital signature, key encipherment]`); a CA with an EKU extension must list serverAuth too",
            ),
        );
    }
}
