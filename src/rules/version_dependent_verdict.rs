use super::context::{rule_doc, Context, Rule};
use crate::diagnostic::{Diagnostic, Severity};
use crate::resolve::{ServedCertificate, VerdictSpread};

pub(crate) const RULE: Rule = Rule {
    id: "version-dependent-verdict",
    severity: Severity::Warning,
    doc: rule_doc!("version-dependent-verdict"),
    check,
};

fn check(context: &Context<'_, '_>, out: &mut Vec<Diagnostic>) {
    let mut seen = foldhash::HashSet::default();
    for resolution in context.resolutions {
        let (Some(spread), ServedCertificate::Found(serving)) =
            (&resolution.spread, &resolution.certificate)
        else {
            continue;
        };
        // Endpoints sharing the certificate, caBundle and name share one finding.
        let endpoint = context.endpoint(resolution);
        if !seen.insert((serving.cert_key_span, endpoint.ca_bundle.map(|n| n.span()))) {
            continue;
        }
        let message = describe(spread);
        out.push(
            context
                .diagnostic_for(
                    &RULE,
                    context.model.secrets[serving.secret].object,
                    message,
                    serving.cert_key_span,
                )
                .with_span_label("the API server's verdict on this certificate depends on its release")
                .with_help(
                    "serve a certificate every release accepts (see `speclint explain version-dependent-verdict`), or pin the release you run with --kube-version",
                ),
        );
    }
}

/// "passes on Kubernetes ≤ 1.31 (Go 1.23.12), fails from Kubernetes 1.32 (Go 1.24.13
/// (go1.23 defaults)): <the first refusal>".
fn describe(spread: &VerdictSpread) -> String {
    let outcomes = &spread.outcomes;
    let mut runs: Vec<(usize, usize)> = Vec::new();
    for i in 0..outcomes.len() {
        match runs.last_mut() {
            Some((_, end)) if outcomes[*end].1.is_some() == outcomes[i].1.is_some() => *end = i,
            _ => runs.push((i, i)),
        }
    }
    let last = outcomes.len() - 1;
    let parts: Vec<String> = runs
        .iter()
        .map(|&(start, end)| {
            let verb = if outcomes[start].1.is_some() {
                "fails"
            } else {
                "passes"
            };
            let (from, to) = (outcomes[start].0, outcomes[end].0);
            let releases = match (start == 0, end == last) {
                _ if start == end => format!("on Kubernetes 1.{} ({})", from.minor, from.go),
                // "≤" when the range starts at the oldest release speclint knows.
                (true, _) if from.minor == crate::kube_version::RELEASES[0].minor => {
                    format!("on Kubernetes ≤ 1.{} ({})", to.minor, to.go)
                }
                (_, true) => format!("from Kubernetes 1.{} ({})", from.minor, from.go),
                _ => format!(
                    "on Kubernetes 1.{} ({}) to 1.{} ({})",
                    from.minor, from.go, to.minor, to.go
                ),
            };
            format!("{verb} {releases}")
        })
        .collect();
    let refusal = outcomes
        .iter()
        .find_map(|(_, outcome)| outcome.clone())
        .unwrap_or_default();
    format!("{}: {refusal}", parts.join(", "))
}
