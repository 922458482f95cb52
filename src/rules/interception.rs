//! What the webhook-safety rules share: the requests a cluster cannot do without (GKE's
//! unsafe-webhook list and Gardener's `WebhookConstraintMatchers`), and how to say that
//! matchConditions were not evaluated.

use super::context::Context;
use crate::admission::{self, Interception, Request};
use crate::model::{Admission, KnownLabels, Labels};

/// Whether losing a request locks the cluster up or degrades it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) enum Harm {
    Degrades,
    LocksUp,
}

/// Where the requests of a critical resource are made.
#[derive(Clone, Copy, Debug)]
pub(crate) enum Place {
    /// In each namespace configured as system (`kube-system` by default).
    System,
    /// In these namespaces.
    Named(&'static str),
    /// Cluster-scoped.
    Cluster,
    /// The Namespace objects of the system namespaces.
    SystemNamespaceObject,
}

/// A resource a webhook must leave alone, with the documented set it comes from.
pub(crate) struct Critical {
    pub(crate) resource: &'static str,
    pub(crate) subresources: &'static [&'static str],
    pub(crate) place: Place,
    pub(crate) operations: &'static [&'static str],
    pub(crate) harm: Harm,
    /// What the cluster loses while the webhook refuses these requests.
    pub(crate) consequence: &'static str,
}

const WRITE: &[&str] = &["CREATE", "UPDATE"];

/// GKE's unsafe webhooks (pods and leases in kube-system, leases in kube-node-lease, nodes,
/// TokenReviews, SubjectAccessReviews, CertificateSigningRequests) lock a cluster up;
/// the rest of Gardener's `WebhookConstraintMatchers` (gardener/gardener,
/// pkg/gardenlet/operation/botanist/matchers/matcher.go) degrade it.
pub(crate) const CRITICAL: &[Critical] = &[
    critical(
        "pods",
        &["", "status"],
        Place::System,
        WRITE,
        Harm::LocksUp,
        "system pods that are evicted or crash do not come back",
    ),
    critical(
        "leases",
        &[""],
        Place::System,
        WRITE,
        Harm::LocksUp,
        "control-plane controllers lose leader election",
    ),
    critical(
        "leases",
        &[""],
        Place::Named("kube-node-lease"),
        WRITE,
        Harm::LocksUp,
        "nodes cannot renew their leases and turn NotReady",
    ),
    critical(
        "nodes",
        &["", "status"],
        Place::Cluster,
        WRITE,
        Harm::LocksUp,
        "kubelets cannot register nodes or report their status",
    ),
    critical(
        "tokenreviews",
        &[""],
        Place::Cluster,
        &["CREATE"],
        Harm::LocksUp,
        "token authentication by kubelets and aggregated APIs fails",
    ),
    critical(
        "subjectaccessreviews",
        &[""],
        Place::Cluster,
        &["CREATE"],
        Harm::LocksUp,
        "authorization checks by kubelets and aggregated APIs fail",
    ),
    critical(
        "certificatesigningrequests",
        &["", "status", "approval"],
        Place::Cluster,
        WRITE,
        Harm::LocksUp,
        "kubelets cannot request or renew their certificates",
    ),
    system_object("configmaps", &[""]),
    system_object("secrets", &[""]),
    system_object("serviceaccounts", &[""]),
    system_object("endpoints", &[""]),
    critical(
        "endpoints",
        &[""],
        Place::Named("default"),
        WRITE,
        Harm::Degrades,
        "the API server cannot maintain the `kubernetes` Service",
    ),
    system_object("services", &["", "status"]),
    critical(
        "services",
        &["", "status"],
        Place::Named("default"),
        WRITE,
        Harm::Degrades,
        "the API server cannot maintain the `kubernetes` Service",
    ),
    system_object("daemonsets", &["", "status"]),
    system_object("deployments", &["", "scale"]),
    system_object("replicasets", &["", "status", "scale"]),
    system_object("controllerrevisions", &[""]),
    system_object("networkpolicies", &[""]),
    system_object("roles", &[""]),
    system_object("rolebindings", &[""]),
    critical(
        "namespaces",
        &["", "status"],
        Place::SystemNamespaceObject,
        WRITE,
        Harm::Degrades,
        "the system namespaces' Namespace objects cannot be updated",
    ),
    cluster_object("clusterroles", &[""]),
    cluster_object("clusterrolebindings", &[""]),
    cluster_object("customresourcedefinitions", &["", "status"]),
    cluster_object("apiservices", &["", "status"]),
    cluster_object("priorityclasses", &[""]),
];

/// An object of the control plane's own in the system namespaces (Gardener's list).
const fn system_object(resource: &'static str, subresources: &'static [&'static str]) -> Critical {
    critical(
        resource,
        subresources,
        Place::System,
        WRITE,
        Harm::Degrades,
        OWN_OBJECTS,
    )
}

/// A cluster-scoped object installs write (Gardener's list).
const fn cluster_object(resource: &'static str, subresources: &'static [&'static str]) -> Critical {
    critical(
        resource,
        subresources,
        Place::Cluster,
        WRITE,
        Harm::Degrades,
        INSTALLS,
    )
}

const OWN_OBJECTS: &str = "the control plane cannot write its own objects there";
const INSTALLS: &str = "installs and upgrades that write these fail";

const fn critical(
    resource: &'static str,
    subresources: &'static [&'static str],
    place: Place,
    operations: &'static [&'static str],
    harm: Harm,
    consequence: &'static str,
) -> Critical {
    Critical {
        resource,
        subresources,
        place,
        operations,
        harm,
        consequence,
    }
}

/// A critical request a webhook intercepts.
pub(crate) struct Hit<'w, 'a> {
    pub(crate) critical: &'static Critical,
    /// `pods in kube-system`, `nodes`.
    pub(crate) what: String,
    pub(crate) interception: Interception<'w, 'a>,
}

/// The critical requests `admission` intercepts for certain (or, with `maybe`, unless a
/// selector the inputs cannot decide excludes them), one per resource and place.
pub(crate) fn critical_hits<'w, 'a>(
    context: &Context<'_, 'a>,
    admission: &'w Admission<'a>,
    maybe: bool,
) -> Vec<Hit<'w, 'a>> {
    let mut hits: Vec<Hit<'w, 'a>> = Vec::new();
    let system = &context.settings.system_namespaces;
    for critical in CRITICAL {
        let Some((group, version)) = admission::served(critical.resource) else {
            continue;
        };
        // Most webhooks name other resources: asked first, before any request is made up.
        if !(admission.rules.iter()).any(|r| admission::rule_names(r, group, critical.resource)) {
            continue;
        }
        let places: Vec<Option<String>> = match critical.place {
            Place::System | Place::SystemNamespaceObject => {
                system.iter().cloned().map(Some).collect()
            }
            Place::Named(name) => vec![Some(name.to_string())],
            Place::Cluster => vec![None],
        };
        for place in places {
            let namespace = place.as_deref().map(|n| context.namespaces.named(n));
            let no_labels = KnownLabels(&[]);
            let object_labels: &dyn Labels = match (&critical.place, &namespace) {
                (Place::SystemNamespaceObject, Some(ns)) => ns,
                _ => &no_labels,
            };
            let found = critical.operations.iter().find_map(|operation| {
                critical.subresources.iter().find_map(|subresource| {
                    let request = Request {
                        operation,
                        group,
                        version,
                        resource: critical.resource,
                        subresource,
                        namespace: namespace.as_ref(),
                        object_labels,
                    };
                    admission::intercepts(admission, &request).filter(|i| {
                        if maybe {
                            !i.excluded()
                        } else {
                            i.certain()
                        }
                    })
                })
            });
            if let Some(interception) = found {
                let what = match (&critical.place, &place) {
                    (Place::SystemNamespaceObject, Some(name)) => format!("the Namespace {name}"),
                    (_, Some(name)) => format!("{} in {name}", critical.resource),
                    (_, None) => critical.resource.to_string(),
                };
                hits.push(Hit {
                    critical,
                    what,
                    interception,
                });
            }
        }
    }
    hits
}

/// `a, b and c`, or `a, b, c and 4 more` past `limit`.
pub(crate) fn list(items: &[String], limit: usize) -> String {
    if items.len() <= limit {
        return super::describe::join_and(items);
    }
    format!(
        "{} and {} more",
        items[..limit].join(", "),
        items.len() - limit
    )
}

/// The note every finding that depends on matching carries when matchConditions exist.
pub(crate) fn match_conditions_note(admission: &Admission<'_>) -> Option<String> {
    let conditions = admission.match_conditions_node?;
    let names: Vec<String> = conditions
        .items()
        .map(|c| {
            c.get("name")
                .and_then(|n| n.as_str())
                .map_or_else(|| "unnamed".to_string(), |n| format!("`{n}`"))
        })
        .collect();
    if names.is_empty() {
        return None;
    }
    let (noun, verb, pronoun) = if names.len() == 1 {
        ("matchCondition", "is", "it")
    } else {
        ("matchConditions", "are", "they")
    };
    Some(format!(
        "its {noun} {} {verb} not evaluated (CEL): {pronoun} may exclude these requests, so this is a warning",
        list(&names, 3)
    ))
}

/// How to leave these namespaces out of the webhook's namespaceSelector, for help texts:
/// added to the selector it has (pasting a new one would drop what it excludes today).
/// One line: the report prints each help on one line.
pub(crate) fn excluding_namespaces(admission: &Admission<'_>, names: &[&str]) -> String {
    let values = names.join(", ");
    let selector = &admission.namespace_selector;
    if selector.node.is_none() {
        return format!(
            "`namespaceSelector: {{matchExpressions: [{{key: {}, operator: NotIn, values: [{values}]}}]}}`",
            admission::NAME_LABEL
        );
    }
    let by_name = selector
        .requirements
        .iter()
        .any(|r| r.key == admission::NAME_LABEL && r.operator == crate::model::Operator::NotIn);
    if by_name {
        format!(
            "add {values} to the values of its namespaceSelector's `{} NotIn` requirement",
            admission::NAME_LABEL
        )
    } else {
        format!(
            "add `{{key: {}, operator: NotIn, values: [{values}]}}` to its namespaceSelector's matchExpressions",
            admission::NAME_LABEL
        )
    }
}
