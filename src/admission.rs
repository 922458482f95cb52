//! Which requests an admission webhook intercepts, decided as kube-apiserver decides it
//! (k8s.io/apiserver/pkg/admission/plugin/webhook/predicates: `rules/rules.go`,
//! `namespace/matcher.go`, `object/matcher.go`), against the namespaces a cluster holds:
//! those among the inputs, with their labels, and the ones every cluster has.

use crate::model::{Admission, AdmissionRule, Labels, Model, ObjectId, Selection};
use std::collections::BTreeMap;

/// Namespaces every cluster has. Each carries only `kubernetes.io/metadata.name`, which the
/// API server sets on every namespace (the NamespaceDefaultLabelName feature, GA in 1.22).
pub(crate) const SYSTEM_NAMESPACES: [&str; 4] =
    ["kube-system", "kube-public", "kube-node-lease", "default"];

pub(crate) const NAME_LABEL: &str = "kubernetes.io/metadata.name";

/// A namespace of the cluster the inputs describe.
#[derive(Clone, Debug)]
pub(crate) struct Namespace<'a> {
    pub(crate) name: String,
    /// Labels of its Namespace object among the inputs (none when it has no object there).
    pub(crate) labels: Vec<(&'a str, &'a str)>,
    /// Its Namespace object, when among the inputs.
    pub(crate) object: Option<ObjectId>,
}

impl Labels for Namespace<'_> {
    fn label(&self, key: &str) -> Option<&str> {
        // The API server overwrites the name label with the namespace's name.
        if key == NAME_LABEL {
            return Some(&self.name);
        }
        self.labels
            .iter()
            .rev()
            .find(|(k, _)| *k == key)
            .map(|(_, v)| *v)
    }
    /// A namespace carries the labels the inputs give it and no others, except a system
    /// namespace without a Namespace object among the inputs: platforms label those
    /// (Gardener's `gardener.cloud/purpose=kube-system`), so only its name is known.
    fn complete(&self) -> bool {
        self.object.is_some() || !SYSTEM_NAMESPACES.contains(&self.name.as_str())
    }
}

/// The namespaces of the cluster: system ones, Namespace objects, and every namespace an
/// object of the inputs lives in, by name.
#[derive(Debug, Default)]
pub(crate) struct Namespaces<'a> {
    by_name: BTreeMap<String, Namespace<'a>>,
}

impl<'a> Namespaces<'a> {
    pub(crate) fn of(model: &Model<'a>) -> Namespaces<'a> {
        let mut by_name = BTreeMap::new();
        let mut add = |name: &str| {
            by_name
                .entry(name.to_string())
                .or_insert_with(|| Namespace {
                    name: name.to_string(),
                    labels: Vec::new(),
                    object: None,
                });
        };
        for name in SYSTEM_NAMESPACES {
            add(name);
        }
        for object in &model.objects {
            if !object.namespace.is_empty() {
                add(object.namespace);
            }
        }
        for namespace in &model.namespaces {
            by_name.insert(
                namespace.name.to_string(),
                Namespace {
                    name: namespace.name.to_string(),
                    labels: namespace.labels.clone(),
                    object: Some(namespace.object),
                },
            );
        }
        Namespaces { by_name }
    }

    pub(crate) fn get(&self, name: &str) -> Option<&Namespace<'a>> {
        self.by_name.get(name)
    }

    /// The namespace of that name: the one among the inputs, else a bare one.
    pub(crate) fn named(&self, name: &str) -> Namespace<'a> {
        self.get(name).cloned().unwrap_or_else(|| Namespace {
            name: name.to_string(),
            labels: Vec::new(),
            object: None,
        })
    }

    pub(crate) fn iter(&self) -> impl Iterator<Item = &Namespace<'a>> {
        self.by_name.values()
    }
}

/// One API request, as the webhook predicates see it.
pub(crate) struct Request<'r, 'a> {
    pub(crate) operation: &'r str,
    pub(crate) group: &'r str,
    pub(crate) version: &'r str,
    pub(crate) resource: &'r str,
    pub(crate) subresource: &'r str,
    /// The namespace of a namespaced object; for a Namespace object, itself; None for
    /// other cluster-scoped objects.
    pub(crate) namespace: Option<&'r Namespace<'a>>,
    /// The object's labels (new or old: the object matcher accepts either).
    pub(crate) object_labels: &'r dyn Labels,
}

impl<'r, 'a> Request<'r, 'a> {
    /// `CREATE pods` in a namespace, of a pod with these labels: how a workload's pods come.
    pub(crate) fn pod_creation(namespace: &'r Namespace<'a>, labels: &'r dyn Labels) -> Self {
        Request {
            operation: "CREATE",
            group: "",
            version: "v1",
            resource: "pods",
            subresource: "",
            namespace: Some(namespace),
            object_labels: labels,
        }
    }
}

impl Request<'_, '_> {
    fn is_namespace_object(&self) -> bool {
        self.group.is_empty() && self.resource == "namespaces"
    }

    /// The namespace the request is in, as `attr.GetNamespace()`: empty when cluster-scoped.
    fn in_namespace(&self) -> bool {
        self.namespace.is_some() && !self.is_namespace_object()
    }
}

/// How a webhook meets a request whose rules it matches.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Interception<'w, 'a> {
    /// The first rule that matches.
    pub(crate) rule: &'w AdmissionRule<'a>,
    /// Whether the namespaceSelector admits the request (Selected when it does not apply).
    pub(crate) namespace: Selection,
    pub(crate) object: Selection,
}

impl Interception<'_, '_> {
    /// Both selectors admit the request for certain.
    pub(crate) fn certain(&self) -> bool {
        self.namespace == Selection::Selected && self.object == Selection::Selected
    }

    /// A selector excludes the request for certain.
    pub(crate) fn excluded(&self) -> bool {
        self.namespace == Selection::Excluded || self.object == Selection::Excluded
    }
}

/// The rule of `admission` that matches `request`, with what its selectors say; None when
/// no rule matches. matchConditions are not evaluated (CEL): callers say so.
pub(crate) fn intercepts<'w, 'a>(
    admission: &'w Admission<'a>,
    request: &Request<'_, 'a>,
) -> Option<Interception<'w, 'a>> {
    let rule = admission.rules.iter().find(|r| rule_matches(r, request))?;
    // namespace/matcher.go: a cluster-scoped request other than for a Namespace is never
    // exempted; a Namespace object is matched by its own labels.
    let namespace = match request.namespace {
        Some(namespace) => admission.namespace_selector.selects(namespace),
        None => Selection::Selected,
    };
    Some(Interception {
        rule,
        namespace,
        object: admission.object_selector.selects(request.object_labels),
    })
}

/// rules.go `Matcher.Matches`: scope, operation, group, version and resource.
pub(crate) fn rule_matches(rule: &AdmissionRule<'_>, request: &Request<'_, '_>) -> bool {
    let any_or = |items: &[&str], wanted: &str| items.iter().any(|i| *i == "*" || *i == wanted);
    let scope = match rule.scope {
        "*" => true,
        "Namespaced" => !request.is_namespace_object() && request.in_namespace(),
        "Cluster" => request.is_namespace_object() || !request.in_namespace(),
        _ => false,
    };
    rule_names(rule, request.group, request.resource)
        && scope
        && any_or(&rule.operations, request.operation)
        && any_or(&rule.api_versions, request.version)
        && rule.resources.iter().any(|written| {
            let (resource, subresource) = written.split_once('/').unwrap_or((written, ""));
            (resource == "*" || resource == request.resource)
                && (subresource == "*" || subresource == request.subresource)
        })
}

/// Whether `rule` names `resource` of `group`, whatever the operation, version, subresource
/// and scope: what [`rule_matches`] asks first, so a `false` here is a `false` there.
pub(crate) fn rule_names(rule: &AdmissionRule<'_>, group: &str, resource: &str) -> bool {
    rule.api_groups.iter().any(|g| *g == "*" || *g == group)
        && rule.resources.iter().any(|written| {
            let name = written.split_once('/').map_or(*written, |(name, _)| name);
            name == "*" || name == resource
        })
}

/// The group and version a resource is served at, for the resources these rules ask about.
pub(crate) fn served(resource: &str) -> Option<(&'static str, &'static str)> {
    Some(match resource {
        "pods" | "nodes" | "namespaces" | "services" | "endpoints" | "configmaps" | "secrets"
        | "serviceaccounts" => ("", "v1"),
        "deployments" | "replicasets" | "statefulsets" | "daemonsets" | "controllerrevisions" => {
            ("apps", "v1")
        }
        "leases" => ("coordination.k8s.io", "v1"),
        "tokenreviews" => ("authentication.k8s.io", "v1"),
        "subjectaccessreviews" => ("authorization.k8s.io", "v1"),
        "certificatesigningrequests" => ("certificates.k8s.io", "v1"),
        "customresourcedefinitions" => ("apiextensions.k8s.io", "v1"),
        "apiservices" => ("apiregistration.k8s.io", "v1"),
        "networkpolicies" => ("networking.k8s.io", "v1"),
        "roles" | "rolebindings" | "clusterroles" | "clusterrolebindings" => {
            ("rbac.authorization.k8s.io", "v1")
        }
        "priorityclasses" => ("scheduling.k8s.io", "v1"),
        "jobs" => ("batch", "v1"),
        "cronjobs" => ("batch", "v1"),
        _ => return None,
    })
}

/// The resource (plural) of a workload kind.
pub(crate) fn resource_of_kind(kind: &str) -> Option<&'static str> {
    Some(match kind {
        "Pod" => "pods",
        "Deployment" => "deployments",
        "ReplicaSet" => "replicasets",
        "StatefulSet" => "statefulsets",
        "DaemonSet" => "daemonsets",
        "Job" => "jobs",
        "CronJob" => "cronjobs",
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::KnownLabels;
    use crate::yaml::documents_for_test as documents;

    fn admission(webhook: &str) -> (Vec<crate::yaml::Document>, usize) {
        (documents(webhook), 0)
    }

    fn check(
        webhook: &str,
        resource: &str,
        subresource: &str,
        namespace: Option<&str>,
    ) -> Option<(Selection, Selection)> {
        let (docs, index) = admission(webhook);
        let admission = Admission::read(docs[0].root().unwrap(), index, false);
        let ns = namespace.map(|n| Namespace {
            name: n.to_string(),
            labels: vec![],
            object: None,
        });
        let (group, version) = served(resource).unwrap();
        let request = Request {
            operation: "CREATE",
            group,
            version,
            resource,
            subresource,
            namespace: ns.as_ref(),
            object_labels: &KnownLabels(&[]),
        };
        intercepts(&admission, &request).map(|i| (i.namespace, i.object))
    }

    const PODS: &str =
        "rules:\n- {operations: [CREATE], apiGroups: [''], apiVersions: [v1], resources: [pods]}\n";

    #[test]
    fn resources_match_as_rules_go_splits_them() {
        assert!(check(PODS, "pods", "", Some("a")).is_some());
        assert!(check(PODS, "pods", "status", Some("a")).is_none());
        let star = "rules:\n- {operations: ['*'], apiGroups: ['*'], apiVersions: ['*'], resources: ['*']}\n";
        assert!(check(star, "nodes", "", None).is_some());
        assert!(
            check(star, "pods", "status", Some("a")).is_none(),
            "`*` takes no subresource"
        );
        let star_star = "rules:\n- {operations: ['*'], apiGroups: ['*'], apiVersions: ['*'], resources: ['*/*']}\n";
        assert!(check(star_star, "pods", "status", Some("a")).is_some());
        let other_group = "rules:\n- {operations: [CREATE], apiGroups: [apps], apiVersions: [v1], resources: [pods]}\n";
        assert!(check(other_group, "pods", "", Some("a")).is_none());
    }

    #[test]
    fn scope_counts_a_namespace_object_as_cluster_scoped() {
        let namespaced = "rules:\n- {operations: ['*'], apiGroups: ['*'], apiVersions: ['*'], resources: ['*'], scope: Namespaced}\n";
        assert!(check(namespaced, "pods", "", Some("a")).is_some());
        assert!(check(namespaced, "nodes", "", None).is_none());
        assert!(check(namespaced, "namespaces", "", Some("a")).is_none());
        let cluster = namespaced.replace("Namespaced", "Cluster");
        assert!(check(&cluster, "namespaces", "", Some("a")).is_some());
        assert!(check(&cluster, "pods", "", Some("a")).is_none());
    }

    #[test]
    fn namespace_selector_applies_to_namespaced_requests_only() {
        let excluded = format!(
            "{PODS}- {{operations: [CREATE], apiGroups: [''], apiVersions: [v1], resources: [nodes]}}\nnamespaceSelector:\n  matchExpressions:\n  - {{key: {NAME_LABEL}, operator: NotIn, values: [kube-system]}}\n"
        );
        assert_eq!(
            check(&excluded, "pods", "", Some("kube-system")),
            Some((Selection::Excluded, Selection::Selected))
        );
        assert_eq!(
            check(&excluded, "pods", "", Some("team")),
            Some((Selection::Selected, Selection::Selected))
        );
        assert_eq!(
            check(&excluded, "nodes", "", None),
            Some((Selection::Selected, Selection::Selected)),
            "a cluster-scoped request is never exempted"
        );
    }
}
