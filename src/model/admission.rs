//! What an admission webhook intercepts and how it is called: its `rules`, selectors,
//! policies and versions, with the defaults of its API version (admissionregistration
//! `v1/defaults.go` and `v1beta1/defaults.go`).

use super::selector::LabelSelector;
use crate::yaml::NodeRef;

/// One item of `rules`. Absent lists stay empty: the API server refuses such a rule, and
/// an empty list matches nothing.
#[derive(Clone, Debug)]
pub(crate) struct AdmissionRule<'a> {
    pub(crate) node: NodeRef<'a>,
    pub(crate) operations: Vec<&'a str>,
    pub(crate) api_groups: Vec<&'a str>,
    pub(crate) api_versions: Vec<&'a str>,
    /// `pods`, `pods/status`, `*`, `*/*`, `*/scale`.
    pub(crate) resources: Vec<&'a str>,
    /// `*` (the default), `Cluster` or `Namespaced`.
    pub(crate) scope: &'a str,
}

/// The admission half of a webhook of a Validating- or MutatingWebhookConfiguration.
#[derive(Clone, Debug)]
pub(crate) struct Admission<'a> {
    /// The item of `webhooks`.
    pub(crate) node: NodeRef<'a>,
    /// Its index in `webhooks`, for field paths (`webhooks[2].sideEffects`).
    pub(crate) index: usize,
    /// admissionregistration.k8s.io/v1beta1, whose defaults differ.
    pub(crate) v1beta1: bool,
    pub(crate) rules: Vec<AdmissionRule<'a>>,
    pub(crate) namespace_selector: LabelSelector<'a>,
    pub(crate) object_selector: LabelSelector<'a>,
    /// `matchConditions` (CEL), counted: speclint does not evaluate them.
    pub(crate) match_conditions: usize,
    pub(crate) match_conditions_node: Option<NodeRef<'a>>,
    pub(crate) timeout_node: Option<NodeRef<'a>>,
    /// `sideEffects` as written (v1 requires it; v1beta1 defaults it to `Unknown`).
    pub(crate) side_effects: Option<NodeRef<'a>>,
    /// `admissionReviewVersions` as written (v1 requires it; v1beta1 defaults to `[v1beta1]`).
    pub(crate) review_versions: Option<NodeRef<'a>>,
    /// `Never` (the default) or `IfNeeded`: a mutating webhook may then be called twice.
    pub(crate) reinvocation_policy: &'a str,
}

impl<'a> Admission<'a> {
    pub(crate) fn read(node: NodeRef<'a>, index: usize, v1beta1: bool) -> Admission<'a> {
        let get = |key: &str| node.get(key).filter(|n| !n.is_null());
        let strings = |n: NodeRef<'a>, key: &str| -> Vec<&'a str> {
            n.get(key)
                .into_iter()
                .flat_map(|l| l.items())
                .filter_map(|i| i.as_str())
                .collect()
        };
        let rules = get("rules")
            .into_iter()
            .flat_map(|r| r.items())
            .map(|rule| AdmissionRule {
                node: rule,
                operations: strings(rule, "operations"),
                api_groups: strings(rule, "apiGroups"),
                api_versions: strings(rule, "apiVersions"),
                resources: strings(rule, "resources"),
                scope: rule.get("scope").and_then(|n| n.as_str()).unwrap_or("*"),
            })
            .collect();
        let match_conditions_node = get("matchConditions");
        Admission {
            node,
            index,
            v1beta1,
            rules,
            namespace_selector: LabelSelector::read(get("namespaceSelector")),
            object_selector: LabelSelector::read(get("objectSelector")),
            match_conditions: match_conditions_node.map_or(0, |n| n.items().count()),
            match_conditions_node,
            timeout_node: get("timeoutSeconds"),
            side_effects: get("sideEffects"),
            review_versions: get("admissionReviewVersions"),
            reinvocation_policy: get("reinvocationPolicy")
                .and_then(|n| n.as_str())
                .unwrap_or("Never"),
        }
    }

    /// `webhooks[i].field`, as the API server names fields in its errors.
    pub(crate) fn field(&self, name: &str) -> String {
        format!("webhooks[{}].{name}", self.index)
    }
}
