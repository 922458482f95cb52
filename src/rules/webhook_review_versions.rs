//! `admissionReviewVersions`: the API server's validation of it on create (admissionregistration
//! `validation.go`, `validateAdmissionReviewVersions`).

use super::context::{rule_doc, Context, Rule};
use super::describe::refusal;
use super::webhook_side_effects::{go_value, name_span, V1BETA1_NOT_SERVED};
use crate::diagnostic::{Diagnostic, Severity};

pub(crate) const RULE: Rule = Rule {
    id: "webhook-review-versions",
    severity: Severity::Error,
    doc: rule_doc!("webhook-review-versions"),
    check,
};

/// The AdmissionReview versions the API server can send, in its order.
const ACCEPTED: &[&str] = &["v1", "v1beta1"];

const HELP: &str = "list the AdmissionReview versions the webhook's server understands, such as admissionReviewVersions: [v1]; the API server sends the first of them it knows";

fn check(context: &Context<'_, '_>, out: &mut Vec<Diagnostic>) {
    for endpoint in &context.model.endpoints {
        let Some(admission) = &endpoint.admission else {
            continue;
        };
        let object = &context.model.objects[endpoint.object];
        // The cluster accepted it already, and updates keep what the old object had.
        if object.live {
            continue;
        }
        let field = admission.field("admissionReviewVersions");
        let list = admission.review_versions;
        let items: Vec<_> = list.into_iter().flat_map(|n| n.items()).collect();
        let not_served = |d: Diagnostic| {
            if admission.v1beta1 {
                d.with_note(V1BETA1_NOT_SERVED)
            } else {
                d
            }
        };
        if items.is_empty() {
            // v1beta1 defaults an empty list to [v1beta1]; something else than a list fails decoding.
            if admission.v1beta1 || list.is_some_and(|n| !n.is_seq()) {
                continue;
            }
            out.push(
                refusal(
                    context,
                    &RULE,
                    endpoint.object,
                    format!(
                        "{field}: Required value: must specify one of {}",
                        ACCEPTED.join(", ")
                    ),
                    list.map_or_else(|| name_span(admission, object), |n| n.span()),
                )
                .with_span_label(format!(
                    "webhook \"{}\" lists no AdmissionReview version",
                    endpoint.name
                ))
                .with_help(HELP),
            );
            continue;
        }
        let mut seen = Vec::new();
        for (i, item) in items.iter().enumerate() {
            let version = item.scalar_text().unwrap_or_default();
            if seen.contains(&version) {
                out.push(not_served(
                    refusal(
                        context,
                        &RULE,
                        endpoint.object,
                        format!(
                            "{field}[{i}]: Invalid value: {}: duplicate version",
                            go_value(*item)
                        ),
                        item.span(),
                    )
                    .with_help("list each version once"),
                ));
            } else {
                seen.push(version);
            }
        }
        if !seen.iter().any(|v| ACCEPTED.contains(&v.as_str())) {
            let shown: Vec<String> = items.iter().map(|i| go_value(*i)).collect();
            out.push(not_served(
                refusal(
                    context,
                    &RULE,
                    endpoint.object,
                    format!(
                        "{field}: Invalid value: []string{{{}}}: must include at least one of {}",
                        shown.join(", "),
                        ACCEPTED.join(", ")
                    ),
                    list.map_or_else(|| name_span(admission, object), |n| n.span()),
                )
                .with_span_label("the API server sends only v1 or v1beta1 AdmissionReviews")
                .with_help(HELP),
            ));
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::rules::testing::{configuration, findings};

    fn review_versions(api_version: &str, metadata: &str, fields: &str) -> Vec<String> {
        let text = configuration(
            api_version,
            metadata,
            &format!("  sideEffects: None\n{fields}"),
        );
        findings("webhook-review-versions", &text)
            .into_iter()
            .map(|d| d.message)
            .collect()
    }

    #[test]
    fn an_empty_list_is_required_in_v1_and_defaulted_in_v1beta1() {
        for fields in [
            "",
            "  admissionReviewVersions: []\n",
            "  admissionReviewVersions: null\n",
        ] {
            let found = review_versions("v1", "", fields);
            assert_eq!(found, ["the API server refuses this object: The ValidatingWebhookConfiguration \"w\" is invalid: webhooks[0].admissionReviewVersions: Required value: must specify one of v1, v1beta1"], "{fields}");
            assert!(
                review_versions("v1beta1", "", fields).is_empty(),
                "{fields}"
            );
        }
    }

    #[test]
    fn the_list_is_shown_as_go_prints_a_slice() {
        let found = review_versions("v1", "", "  admissionReviewVersions: [v2, v3, v2]\n");
        assert_eq!(found.len(), 2, "{found:?}");
        // Reports are ordered by position: the list before its third item.
        assert!(found[0].ends_with("webhooks[0].admissionReviewVersions: Invalid value: []string{\"v2\", \"v3\", \"v2\"}: must include at least one of v1, v1beta1"), "{found:?}");
        assert!(found[1].ends_with(
            "webhooks[0].admissionReviewVersions[2]: Invalid value: \"v2\": duplicate version"
        ));
    }

    #[test]
    fn an_object_read_from_the_cluster_is_not_checked() {
        assert!(review_versions("v1", ", uid: x", "  admissionReviewVersions: [v2]\n").is_empty());
    }
}
