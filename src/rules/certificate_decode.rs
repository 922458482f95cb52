use super::context::{rule_doc, Context, Rule};
use crate::diagnostic::{Diagnostic, Severity};
use crate::resolve::{ca_bundle_problem, secret_value_bytes, DecodeProblem, KEY_KEYS};

pub(crate) const RULE: Rule = Rule {
    id: "certificate-decode",
    severity: Severity::Error,
    doc: rule_doc!("certificate-decode"),
    check,
};

fn check(context: &Context<'_, '_>, out: &mut Vec<Diagnostic>) {
    let model = context.model;
    for (index, secret) in model.secrets.iter_ids() {
        let object = &model.objects[secret.object];
        let mut problems: Vec<(DecodeProblem, &str)> = Vec::new();
        if let Some(Err(problem)) = context.chains.of(index) {
            let consequence = if problem.refused_on_write {
                "the API server refuses the Secret"
            } else {
                "the webhook server cannot load its certificate: tls.X509KeyPair fails"
            };
            problems.push((problem.clone(), consequence));
        }
        for entry in KEY_KEYS.iter().filter_map(|k| secret.entry(k)) {
            if let Err(e) = secret_value_bytes(entry) {
                problems.push((
                    DecodeProblem {
                        message: format!("data[{:?}] is not valid base64: {e}", entry.key),
                        refused_on_write: true,
                        span: entry.key_node.span(),
                        help: Some("`data` values must be base64 of the PEM text; put plain PEM under `stringData` instead".into()),
                    },
                    "the API server refuses the Secret",
                ));
            }
        }
        for (problem, consequence) in problems {
            let mut diagnostic = context
                .diagnostic_for(
                    &RULE,
                    secret.object,
                    format!("{}: {}", object.display(), problem.message),
                    problem.span,
                )
                .with_span_label("this value cannot be decoded")
                .with_note(consequence);
            if let Some(help) = problem.help {
                diagnostic = diagnostic.with_help(help);
            }
            out.push(diagnostic);
        }
    }
    // Webhooks of one configuration usually share a caBundle: a usable one is read once.
    let mut usable: foldhash::HashSet<&str> = foldhash::HashSet::default();
    for endpoint in &model.endpoints {
        let Some(node) = endpoint.ca_bundle else {
            continue;
        };
        let text = node.as_str();
        if text.is_some_and(|t| usable.contains(t)) {
            continue;
        }
        let Some(problem) = ca_bundle_problem(node, context.go) else {
            usable.extend(text);
            continue;
        };
        let injectors: Vec<&str> = context
            .provenance
            .provisioning
            .injectors_for(model, endpoint.object)
            .map(|i| i.description.as_str())
            .collect();
        if !injectors.is_empty() && !problem.refused_on_write {
            // A placeholder (`Cg==`) the injector overwrites before any call.
            let mut d = context
                .diagnostic_for(
                    &RULE,
                    endpoint.object,
                    format!(
                        "{} (a placeholder: it is overwritten at run time)",
                        problem.message
                    ),
                    endpoint.ca_bundle_key_span().unwrap_or(problem.span),
                )
                .with_span_label(format!("replaced by {}", injectors.join(", ")));
            d.severity = Severity::Note;
            out.push(d);
            continue;
        }
        let mut diagnostic = context
            .diagnostic_for(
                &RULE,
                endpoint.object,
                problem.message,
                endpoint.ca_bundle_key_span().unwrap_or(problem.span),
            )
            .with_span_label("this caBundle holds no usable certificate")
            .with_note(if problem.refused_on_write {
                "the API server refuses the object: caBundle must be base64"
            } else {
                "the API server cannot build a client for this endpoint: every call fails"
            });
        if let Some(help) = problem.help {
            diagnostic = diagnostic.with_help(help);
        }
        out.push(diagnostic);
    }
}
