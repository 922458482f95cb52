//! Label selectors (`matchLabels` and `matchExpressions`), read as apimachinery's
//! `LabelSelectorAsSelector` does, and matched against labels that may be only partly known.

use crate::yaml::NodeRef;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Operator {
    In,
    NotIn,
    Exists,
    DoesNotExist,
}

/// One requirement: `matchLabels` entries become `In` with one value.
#[derive(Clone, Debug)]
pub(crate) struct Requirement<'a> {
    pub(crate) key: &'a str,
    pub(crate) operator: Operator,
    pub(crate) values: Vec<&'a str>,
}

/// A `metav1.LabelSelector`. An absent or empty selector selects everything (as webhooks,
/// NetworkPolicies and PodDisruptionBudgets of policy/v1 read it).
#[derive(Clone, Debug, Default)]
pub(crate) struct LabelSelector<'a> {
    pub(crate) node: Option<NodeRef<'a>>,
    pub(crate) requirements: Vec<Requirement<'a>>,
    /// An operator the API server does not know, or values where none belong: the object
    /// is refused, so no match is claimed either way.
    pub(crate) invalid: bool,
}

/// What a selector says about an object whose labels may be partly unknown.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Selection {
    Selected,
    Excluded,
    /// It depends on a label whose value the inputs do not show.
    Unknown,
}

/// Labels of an object: those the inputs show, and whether others may exist.
pub(crate) trait Labels {
    fn label(&self, key: &str) -> Option<&str>;
    /// True when a label the inputs do not show cannot exist (a rendered object's labels
    /// are all there). False for an object the platform owns (a system namespace): it may
    /// carry labels that keep it out of selectors (`gardener.cloud/purpose=kube-system`),
    /// never ones that opt it into a user's webhook.
    fn complete(&self) -> bool;
}

impl<'a> LabelSelector<'a> {
    pub(crate) fn read(node: Option<NodeRef<'a>>) -> LabelSelector<'a> {
        let node = node.filter(|n| !n.is_null());
        let mut selector = LabelSelector {
            node,
            ..LabelSelector::default()
        };
        let Some(node) = node else {
            return selector;
        };
        if let Some(labels) = node.get("matchLabels") {
            for (key, value) in labels.entries() {
                match (key.as_str(), value.scalar_text()) {
                    (Some(k), Some(_)) => selector.requirements.push(Requirement {
                        key: k,
                        operator: Operator::In,
                        values: value.as_str().into_iter().collect(),
                    }),
                    _ => selector.invalid = true,
                }
            }
        }
        for expression in node
            .get("matchExpressions")
            .into_iter()
            .flat_map(|n| n.items())
        {
            let key = expression.get("key").and_then(|n| n.as_str());
            let operator = match expression.get("operator").and_then(|n| n.as_str()) {
                Some("In") => Some(Operator::In),
                Some("NotIn") => Some(Operator::NotIn),
                Some("Exists") => Some(Operator::Exists),
                Some("DoesNotExist") => Some(Operator::DoesNotExist),
                _ => None,
            };
            let values: Vec<&str> = expression
                .get("values")
                .into_iter()
                .flat_map(|n| n.items())
                .filter_map(|n| n.as_str())
                .collect();
            let (Some(key), Some(operator)) = (key, operator) else {
                selector.invalid = true;
                continue;
            };
            // apimachinery: In and NotIn need values, Exists and DoesNotExist take none.
            let values_fit = match operator {
                Operator::In | Operator::NotIn => !values.is_empty(),
                Operator::Exists | Operator::DoesNotExist => values.is_empty(),
            };
            selector.invalid |= !values_fit;
            selector.requirements.push(Requirement {
                key,
                operator,
                values,
            });
        }
        selector
    }

    /// An absent, null or `{}` selector.
    pub(crate) fn is_everything(&self) -> bool {
        self.requirements.is_empty() && !self.invalid
    }

    pub(crate) fn selects(&self, labels: &dyn Labels) -> Selection {
        if self.invalid {
            return Selection::Unknown;
        }
        let mut verdict = Selection::Selected;
        for requirement in &self.requirements {
            match requirement.selects(labels) {
                Selection::Excluded => return Selection::Excluded,
                Selection::Unknown => verdict = Selection::Unknown,
                Selection::Selected => {}
            }
        }
        verdict
    }
}

impl Requirement<'_> {
    pub(crate) fn selects(&self, labels: &dyn Labels) -> Selection {
        let value = labels.label(self.key);
        // An unseen label of an incomplete set may exist to exclude it, not to opt it in.
        if value.is_none()
            && !labels.complete()
            && matches!(self.operator, Operator::NotIn | Operator::DoesNotExist)
        {
            return Selection::Unknown;
        }
        let holds = match self.operator {
            Operator::In => value.is_some_and(|v| self.values.contains(&v)),
            Operator::NotIn => !value.is_some_and(|v| self.values.contains(&v)),
            Operator::Exists => value.is_some(),
            Operator::DoesNotExist => value.is_none(),
        };
        if holds {
            Selection::Selected
        } else {
            Selection::Excluded
        }
    }

    /// `key in (a, b)`, as kubectl prints a selector.
    pub(crate) fn describe(&self) -> String {
        match self.operator {
            Operator::In if self.values.len() == 1 => format!("{}={}", self.key, self.values[0]),
            Operator::In => format!("{} in ({})", self.key, self.values.join(", ")),
            Operator::NotIn => format!("{} notin ({})", self.key, self.values.join(", ")),
            Operator::Exists => self.key.to_string(),
            Operator::DoesNotExist => format!("!{}", self.key),
        }
    }
}

/// Labels given as pairs, all of them known.
pub(crate) struct KnownLabels<'l, 'a>(pub(crate) &'l [(&'a str, &'a str)]);

impl Labels for KnownLabels<'_, '_> {
    fn label(&self, key: &str) -> Option<&str> {
        self.0
            .iter()
            .rev()
            .find(|(k, _)| *k == key)
            .map(|(_, v)| *v)
    }
    fn complete(&self) -> bool {
        true
    }
}

/// The string entries of a mapping (labels, a selector); other entries are left out.
pub(crate) fn string_map(node: Option<NodeRef<'_>>) -> Vec<(&str, &str)> {
    node.map(|n| {
        n.entries()
            .filter_map(|(k, v)| Some((k.as_str()?, v.as_str()?)))
            .collect()
    })
    .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::yaml::documents_for_test as documents;

    fn verdict(selector: &str, labels: &[(&str, &str)]) -> Selection {
        let docs = documents(selector);
        let selector = LabelSelector::read(docs[0].root());
        selector.selects(&KnownLabels(labels))
    }

    #[test]
    fn requirements_are_anded_as_apimachinery_does() {
        let s = "matchLabels: {app: x}\nmatchExpressions:\n- {key: tier, operator: NotIn, values: [system]}\n";
        assert_eq!(verdict(s, &[("app", "x")]), Selection::Selected);
        assert_eq!(
            verdict(s, &[("app", "x"), ("tier", "system")]),
            Selection::Excluded
        );
        assert_eq!(verdict(s, &[("app", "y")]), Selection::Excluded);
        assert_eq!(verdict("{}", &[]), Selection::Selected);
        let exists = "matchExpressions:\n- {key: skip, operator: DoesNotExist}\n";
        assert_eq!(verdict(exists, &[("skip", "")]), Selection::Excluded);
        assert_eq!(verdict(exists, &[]), Selection::Selected);
    }

    /// Labels of a system namespace the inputs hold no object for: only its name is known.
    struct PlatformOwned;

    impl Labels for PlatformOwned {
        fn label(&self, key: &str) -> Option<&str> {
            (key == "kubernetes.io/metadata.name").then_some("kube-system")
        }
        fn complete(&self) -> bool {
            false
        }
    }

    #[test]
    fn a_platform_may_label_its_namespaces_out_of_selectors_but_not_into_them() {
        let selects = |selector: &str| {
            let docs = documents(selector);
            LabelSelector::read(docs[0].root()).selects(&PlatformOwned)
        };
        // Gardener's kube-system carries gardener.cloud/purpose=kube-system.
        let opt_out = "matchExpressions:\n- {key: gardener.cloud/purpose, operator: NotIn, values: [kube-system]}\n";
        assert_eq!(selects(opt_out), Selection::Unknown);
        assert_eq!(
            selects("matchLabels: {istio-injection: enabled}\n"),
            Selection::Excluded
        );
        let by_name = "matchExpressions:\n- {key: kubernetes.io/metadata.name, operator: NotIn, values: [kube-system]}\n";
        assert_eq!(selects(by_name), Selection::Excluded);
    }

    #[test]
    fn an_invalid_selector_claims_nothing() {
        let s = "matchExpressions:\n- {key: a, operator: Equals, values: [b]}\n";
        assert_eq!(verdict(s, &[("a", "b")]), Selection::Unknown);
        let s = "matchExpressions:\n- {key: a, operator: In}\n";
        assert_eq!(verdict(s, &[("a", "b")]), Selection::Unknown);
    }
}
