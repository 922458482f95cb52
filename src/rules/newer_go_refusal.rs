use super::verdict::{certificates_met, subject};
use super::{rule_doc, Context, Rule};
use crate::diagnostic::{Diagnostic, Severity};
use crate::tls::verify::{newer_go_refusals, NewerGoRefusal};

pub const RULE: Rule = Rule {
    id: "newer-go-refusal",
    severity: Severity::Warning,
    doc: rule_doc!("newer-go-refusal"),
    check,
};

fn check(context: &Context<'_, '_>, out: &mut Vec<Diagnostic>) {
    for met in certificates_met(context) {
        for refusal in newer_go_refusals(met.certificate) {
            let kubernetes = match refusal {
                NewerGoRefusal::RsaKeyTooSmall { .. } => "1.33",
                NewerGoRefusal::NegativeSerialNumber => "1.32",
            };
            out.push(
                context
                    .diagnostic_for(
                        &RULE,
                        met.object,
                        format!(
                            "from Kubernetes {kubernetes} (Go {}) on, the API server refuses {} ({}): {refusal}",
                            refusal.since_go(),
                            met.place,
                            subject(met.certificate)
                        ),
                        met.span,
                    )
                    .with_span_label("accepted by older API servers only")
                    .with_help(match refusal {
                        NewerGoRefusal::RsaKeyTooSmall { .. } => "reissue it with an RSA key of at least 2048 bits",
                        NewerGoRefusal::NegativeSerialNumber => "reissue it with a positive serial number",
                    }),
            );
        }
    }
}
