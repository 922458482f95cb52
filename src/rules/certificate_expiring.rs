use super::context::{rule_doc, Context, Rule};
use super::verdict::{certificates_met, date, subject};
use crate::diagnostic::{Diagnostic, Severity};

pub(crate) const RULE: Rule = Rule {
    id: "certificate-expiring",
    severity: Severity::Warning,
    doc: rule_doc!("certificate-expiring"),
    check,
};

fn check(context: &Context<'_, '_>, out: &mut Vec<Diagnostic>) {
    for met in certificates_met(context) {
        let left = context.now.seconds_until(met.certificate.not_after);
        // Already expired is certificate-expired's error, when Go gets that far.
        let threshold = context
            .settings
            .expiring_min_validity
            .unwrap_or(context.min_validity);
        if left < 0 || left >= threshold {
            continue;
        }
        let days = left / 86_400;
        out.push(
            context
                .diagnostic_for(
                    &RULE,
                    met.object,
                    format!(
                        "{} ({}) expires on {}, in {days} day{}",
                        met.place,
                        subject(met.certificate),
                        date(met.certificate.not_after),
                        if days == 1 { "" } else { "s" }
                    ),
                    met.span,
                )
                .with_span_label(format!("expires {}", date(met.certificate.not_after)))
                .with_note("from then on the API server refuses every call: x509: certificate has expired or is not yet valid")
                .with_help("renew it before then, or let a provisioner that rotates certificates (cert-manager) manage it; --min-validity (or `min-validity` in .speclint.yaml) sets this threshold"),
        );
    }
}
