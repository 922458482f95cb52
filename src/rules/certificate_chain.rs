use super::context::{rule_doc, Context, Rule};
use super::verdict::{diagnostic, failures, subject};
use crate::diagnostic::{Diagnostic, Severity};
use crate::tls::verify::{ServerVerifyError, VerifyErrorKind};

pub(crate) const RULE: Rule = Rule {
    id: "certificate-chain",
    severity: Severity::Error,
    doc: rule_doc!("certificate-chain"),
    check,
};

fn check(context: &Context<'_, '_>, out: &mut Vec<Diagnostic>) {
    for failure in failures(context) {
        let (label, help) = match (failure.error, failure.kind()) {
            (ServerVerifyError::RsaKeyTooLarge { position, bits }, _) => (
                format!(
                    "certificate #{} of {} has a {bits}-bit RSA key",
                    position + 1,
                    failure.serving.cert_key
                ),
                "reissue it with an RSA key of at most 8192 bits, or an ECDSA key".to_string(),
            ),
            (ServerVerifyError::LeafKeyTooSmallForTls13 { bits }, _) => (
                format!(
                    "the serving certificate in {} has a {bits}-bit RSA key: too small to sign a TLS 1.3 handshake (RSA-PSS with SHA-256 needs 521 bits), so the webhook answers with an alert",
                    failure.serving.cert_key
                ),
                "reissue it with an RSA key of at least 2048 bits, or an ECDSA key".to_string(),
            ),
            (ServerVerifyError::NoCertificate, _) => (
                format!("{} holds no certificate", failure.serving.cert_key),
                "put the serving certificate chain, leaf first, in the Secret".to_string(),
            ),
            (_, Some(kind)) => {
                let cert = match kind {
                    VerifyErrorKind::UnhandledCriticalExtension { cert, .. }
                    | VerifyErrorKind::NotAuthorizedToSign { cert }
                    | VerifyErrorKind::TooManyIntermediates { cert, .. }
                    | VerifyErrorKind::NameConstraint { cert, .. }
                    | VerifyErrorKind::TooManyConstraints { cert }
                    | VerifyErrorKind::UncheckableName { cert, .. } => Some(cert),
                    VerifyErrorKind::SignatureCheckLimit
                    | VerifyErrorKind::NoValidChains { .. } => None,
                    // Reported by their own rules.
                    _ => continue,
                };
                let place = cert
                    .and_then(|c| failure.certificate(c))
                    .map(|(c, place)| format!("{place} ({})", subject(c)))
                    .unwrap_or_else(|| "a certificate of the chain".to_string());
                let help = match kind {
                    VerifyErrorKind::UnhandledCriticalExtension { .. } => {
                        "reissue the certificate without the critical extension Go does not handle"
                    }
                    VerifyErrorKind::NotAuthorizedToSign { .. } => {
                        "an intermediate must be a CA: reissue it with basicConstraints CA:TRUE"
                    }
                    VerifyErrorKind::TooManyIntermediates { .. } => {
                        "the CA's pathLenConstraint forbids this many intermediates: shorten the chain or reissue the CA"
                    }
                    VerifyErrorKind::NoValidChains { .. } => {
                        "Go 1.24 and later validate certificate policies: a CA's policy constraints, mappings or inhibitAnyPolicy leave no valid policy for this chain; reissue the certificates with the policies the CA requires, or from a CA without policy constraints"
                    }
                    _ => "the CA's name constraints do not permit the server name: issue the certificate from a CA that may sign it",
                };
                (
                    format!("{place} is where the chain breaks"),
                    help.to_string(),
                )
            }
            _ => continue,
        };
        out.push(diagnostic(context, &RULE, &failure, label).with_help(help));
    }
}
