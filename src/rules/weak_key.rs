use super::context::{rule_doc, Context, Rule};
use super::verdict::{certificates_met, subject};
use crate::diagnostic::{Diagnostic, Severity};
use crate::tls::cert::PublicKeyAlgorithm;

pub(crate) const RULE: Rule = Rule {
    id: "weak-key",
    severity: Severity::Warning,
    doc: rule_doc!("weak-key"),
    check,
};

fn check(context: &Context<'_, '_>, out: &mut Vec<Diagnostic>) {
    for met in certificates_met(context) {
        let key = &met.certificate.public_key;
        let bits = match (key.algorithm, key.bits) {
            (PublicKeyAlgorithm::Rsa, Some(bits))
                if bits < context.settings.min_rsa_bits as usize =>
            {
                bits
            }
            _ => continue,
        };
        out.push(
            context
                .diagnostic_for(
                    &RULE,
                    met.object,
                    format!(
                        "{} ({}) has a {bits}-bit RSA key",
                        met.place,
                        subject(met.certificate)
                    ),
                    met.span,
                )
                .with_span_label(format!("{bits}-bit RSA"))
                .with_help(format!(
                    "reissue it with an RSA key of at least {} bits, or an ECDSA P-256 key",
                    context.settings.min_rsa_bits.max(2048)
                )),
        );
    }
}
