//! `sideEffects`: the API server's validation of it (admissionregistration
//! `validation.go`) and its dry-run check (the webhook dispatchers).

use super::context::{rule_doc, Context, Rule};
use super::describe::{describe_endpoint, refusal};
use crate::diagnostic::{Diagnostic, Severity};
use crate::model::{Admission, Endpoint, Object};
use crate::yaml::{NodeRef, Value};

pub(crate) const RULE: Rule = Rule {
    id: "webhook-side-effects",
    severity: Severity::Error,
    doc: rule_doc!("webhook-side-effects"),
    check,
};

/// What v1 accepts on create, and what a dry run may call; sorted as Go's `sets.List()`.
const NO_SIDE_EFFECTS: &[&str] = &["None", "NoneOnDryRun"];
/// What v1beta1 accepted (and what objects created then still hold).
const SUPPORTED: &[&str] = &["None", "NoneOnDryRun", "Some", "Unknown"];

pub(crate) const V1BETA1_NOT_SERVED: &str = "admissionregistration.k8s.io/v1beta1 is no longer served since Kubernetes 1.22 (https://kubernetes.io/docs/reference/using-api/deprecation-guide/#webhook-resources-v122): use admissionregistration.k8s.io/v1";

const HELP: &str = "set sideEffects: None, or NoneOnDryRun if the webhook skips its side effects when the AdmissionReview's dryRun is true";

fn check(context: &Context<'_, '_>, out: &mut Vec<Diagnostic>) {
    for endpoint in &context.model.endpoints {
        let Some(admission) = &endpoint.admission else {
            continue;
        };
        let object = &context.model.objects[endpoint.object];
        if let Some(diagnostic) = finding(context, endpoint, admission, object) {
            out.push(diagnostic);
        }
    }
}

fn finding(
    context: &Context<'_, '_>,
    endpoint: &Endpoint<'_>,
    admission: &Admission<'_>,
    object: &Object<'_>,
) -> Option<Diagnostic> {
    let field = admission.field("sideEffects");
    let value = admission.side_effects.map(|n| (n, n.as_str()));
    let webhook = describe_endpoint(context.model, endpoint);
    // v1beta1 accepted Unknown and Some; an object read from the cluster that holds them
    // was created through it, and updates may keep them.
    let side_effects_accepted = admission.v1beta1 || object.live;
    match value {
        Some((_, Some(class))) if NO_SIDE_EFFECTS.contains(&class) => None,
        None if object.live => None,
        None | Some((_, Some("Unknown" | "Some"))) if side_effects_accepted => {
            let (span, label, class) = match value {
                Some((node, Some(class))) => {
                    (node.span(), "dry runs need None or NoneOnDryRun", class)
                }
                _ => (
                    name_span(admission, object),
                    "no sideEffects: v1beta1 defaults it to Unknown",
                    "Unknown",
                ),
            };
            let mut d = context
                .diagnostic_for(
                    &RULE,
                    endpoint.object,
                    format!(
                        "{webhook} has sideEffects {class}: every dry run it matches is refused: admission webhook \"{}\" does not support dry run",
                        endpoint.name
                    ),
                    span,
                )
                .with_span_label(label)
                .with_note("kubectl apply --dry-run=server, kubectl diff and the diffs of Argo CD and Flux send dry runs; the API server refuses them (400 BadRequest) before calling the webhook, whatever its failurePolicy")
                .with_help(HELP);
            d.severity = Severity::Warning;
            if admission.v1beta1 {
                d = d.with_note(V1BETA1_NOT_SERVED);
            }
            Some(d)
        }
        None => Some(
            refusal(
                context,
                &RULE,
                endpoint.object,
                format!(
                    "{field}: Required value: must specify one of {}",
                    NO_SIDE_EFFECTS.join(", ")
                ),
                name_span(admission, object),
            )
            .with_span_label(format!("webhook \"{}\" sets no sideEffects", endpoint.name))
            .with_help(HELP),
        ),
        Some((node, _)) => {
            let allowed = if side_effects_accepted {
                SUPPORTED
            } else {
                NO_SIDE_EFFECTS
            };
            let supported: Vec<String> = allowed.iter().map(|c| format!("{c:?}")).collect();
            let mut d = refusal(
                context,
                &RULE,
                endpoint.object,
                format!(
                    "{field}: Unsupported value: {}: supported values: {}",
                    go_value(node),
                    supported.join(", ")
                ),
                node.span(),
            )
            .with_help(HELP);
            if !side_effects_accepted {
                d = d.with_span_label("v1 accepts only None or NoneOnDryRun");
            }
            if admission.v1beta1 {
                d = d.with_note(V1BETA1_NOT_SERVED);
            }
            Some(d)
        }
    }
}

/// The webhook's `name`, or the object's when the webhook has none.
pub(crate) fn name_span(admission: &Admission<'_>, object: &Object<'_>) -> crate::source::Span {
    admission
        .node
        .get("name")
        .map_or_else(|| object.name_span(), |n| n.span())
}

/// Go's `%#v` of a value decoded into a string type, for scalars: the text, quoted.
pub(crate) fn go_value(node: NodeRef<'_>) -> String {
    match node.value() {
        Value::Str(s) => format!("{s:?}"),
        _ => format!("{:?}", node.scalar_text().unwrap_or_default()),
    }
}

#[cfg(test)]
mod tests {
    use crate::diagnostic::Severity;
    use crate::rules::testing::{configuration, findings};

    fn side_effects(api_version: &str, metadata: &str, fields: &str) -> Vec<(Severity, String)> {
        let text = configuration(api_version, metadata, fields);
        findings("webhook-side-effects", &text)
            .into_iter()
            .map(|d| (d.severity, d.message))
            .collect()
    }

    #[test]
    fn a_value_that_is_no_string_is_unsupported_quoted() {
        let found = side_effects(
            "v1",
            "",
            "  admissionReviewVersions: [v1]\n  sideEffects: 1\n",
        );
        assert_eq!(found, [(Severity::Error, "the API server refuses this object: The ValidatingWebhookConfiguration \"w\" is invalid: webhooks[0].sideEffects: Unsupported value: \"1\": supported values: \"None\", \"NoneOnDryRun\"".to_string())]);
        let null = side_effects(
            "v1",
            "",
            "  admissionReviewVersions: [v1]\n  sideEffects: null\n",
        );
        assert!(
            null[0]
                .1
                .ends_with("sideEffects: Required value: must specify one of None, NoneOnDryRun"),
            "{null:?}"
        );
    }

    #[test]
    fn v1beta1_refuses_only_what_it_never_supported_and_warns_of_dry_runs() {
        let unsupported = side_effects("v1beta1", "", "  sideEffects: none\n");
        assert_eq!(unsupported.len(), 1);
        assert_eq!(unsupported[0].0, Severity::Error);
        assert!(unsupported[0].1.ends_with("Unsupported value: \"none\": supported values: \"None\", \"NoneOnDryRun\", \"Some\", \"Unknown\""), "{unsupported:?}");
        for fields in ["", "  sideEffects: Some\n"] {
            let found = side_effects("v1beta1", "", fields);
            assert_eq!(found.len(), 1);
            assert_eq!(found[0].0, Severity::Warning);
            assert!(found[0].1.ends_with("every dry run it matches is refused: admission webhook \"v.example.org\" does not support dry run"), "{found:?}");
        }
        assert!(side_effects("v1beta1", "", "  sideEffects: NoneOnDryRun\n").is_empty());
    }

    #[test]
    fn an_object_read_from_the_cluster_exists_already() {
        let live = ", resourceVersion: '1'";
        let found = side_effects(
            "v1",
            live,
            "  admissionReviewVersions: [v1]\n  sideEffects: Unknown\n",
        );
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].0, Severity::Warning, "{found:?}");
        assert!(side_effects("v1", live, "  admissionReviewVersions: [v1]\n").is_empty());
    }
}
