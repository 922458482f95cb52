//! What decides whether a webhook's backend stays up and reachable: Namespaces (their
//! labels, for namespaceSelectors), PodDisruptionBudgets, NetworkPolicies and autoscalers.

use super::ids::ObjectId;
use super::port::TargetPort;
use super::selector::{string_map, LabelSelector};
use crate::yaml::NodeRef;

#[derive(Clone, Debug)]
pub(crate) struct Namespace<'a> {
    pub(crate) object: ObjectId,
    pub(crate) name: &'a str,
    pub(crate) labels: Vec<(&'a str, &'a str)>,
}

#[derive(Clone, Debug)]
pub(crate) struct DisruptionBudget<'a> {
    pub(crate) object: ObjectId,
    pub(crate) selector: LabelSelector<'a>,
    pub(crate) min_available: Option<NodeRef<'a>>,
    pub(crate) max_unavailable: Option<NodeRef<'a>>,
}

/// A source an ingress rule admits.
#[derive(Clone, Debug)]
pub(crate) enum Peer {
    /// `podSelector` and/or `namespaceSelector`: pods of the cluster only.
    Pods,
    /// `ipBlock`: addresses, which may include the API server's.
    Addresses,
}

#[derive(Clone, Debug)]
pub(crate) struct PolicyPort<'a> {
    /// `TCP` unless written.
    pub(crate) protocol: &'a str,
    /// None: every port.
    pub(crate) port: Option<TargetPort<'a>>,
    pub(crate) end_port: Option<i64>,
}

#[derive(Clone, Debug)]
pub(crate) struct IngressRule<'a> {
    pub(crate) node: NodeRef<'a>,
    /// Empty: every source.
    pub(crate) from: Vec<Peer>,
    /// Empty: every port.
    pub(crate) ports: Vec<PolicyPort<'a>>,
}

#[derive(Clone, Debug)]
pub(crate) struct NetworkPolicy<'a> {
    pub(crate) object: ObjectId,
    pub(crate) pod_selector: LabelSelector<'a>,
    /// Ingress is in `policyTypes`, or `policyTypes` is absent or empty (Ingress is then implied).
    pub(crate) restricts_ingress: bool,
    pub(crate) policy_types: Option<NodeRef<'a>>,
    pub(crate) ingress: Vec<IngressRule<'a>>,
}

/// A HorizontalPodAutoscaler: its `minReplicas` (default 1) replaces the target's replicas.
#[derive(Clone, Debug)]
pub(crate) struct Autoscaler<'a> {
    pub(crate) object: ObjectId,
    pub(crate) target_kind: &'a str,
    pub(crate) target_name: &'a str,
    pub(crate) min_replicas: i64,
}

pub(super) fn read_namespace<'a>(
    object: ObjectId,
    name: &'a str,
    node: NodeRef<'a>,
) -> Namespace<'a> {
    Namespace {
        object,
        name,
        labels: string_map(node.path(&["metadata", "labels"])),
    }
}

pub(super) fn read_disruption_budget(object: ObjectId, node: NodeRef<'_>) -> DisruptionBudget<'_> {
    let spec = node.get("spec");
    let get = |key: &str| spec.and_then(|s| s.get(key)).filter(|n| !n.is_null());
    DisruptionBudget {
        object,
        selector: LabelSelector::read(get("selector")),
        min_available: get("minAvailable"),
        max_unavailable: get("maxUnavailable"),
    }
}

fn read_port(node: NodeRef<'_>) -> Option<TargetPort<'_>> {
    let port = node.get("port").filter(|n| !n.is_null())?;
    if let Some(number) = port.as_i64() {
        return Some(TargetPort::Number(number));
    }
    port.as_str().map(TargetPort::Name)
}

pub(super) fn read_network_policy(object: ObjectId, node: NodeRef<'_>) -> NetworkPolicy<'_> {
    let spec = node.get("spec");
    let get = |key: &str| spec.and_then(|s| s.get(key)).filter(|n| !n.is_null());
    let policy_types = get("policyTypes");
    // SetDefaults_NetworkPolicy: no policyTypes (absent or empty) means Ingress.
    let restricts_ingress = match policy_types.filter(|types| types.items().next().is_some()) {
        Some(types) => types.items().any(|t| t.as_str() == Some("Ingress")),
        None => true,
    };
    let ingress = get("ingress")
        .into_iter()
        .flat_map(|n| n.items())
        .map(|rule| IngressRule {
            node: rule,
            from: rule
                .get("from")
                .into_iter()
                .flat_map(|n| n.items())
                .map(|peer| match peer.get("ipBlock") {
                    Some(_) => Peer::Addresses,
                    None => Peer::Pods,
                })
                .collect(),
            ports: rule
                .get("ports")
                .into_iter()
                .flat_map(|n| n.items())
                .map(|port| PolicyPort {
                    protocol: port
                        .get("protocol")
                        .and_then(|n| n.as_str())
                        .unwrap_or("TCP"),
                    port: read_port(port),
                    end_port: port.get("endPort").and_then(|n| n.as_i64()),
                })
                .collect(),
        })
        .collect();
    NetworkPolicy {
        object,
        pod_selector: LabelSelector::read(get("podSelector")),
        restricts_ingress,
        policy_types,
        ingress,
    }
}

pub(super) fn read_autoscaler(object: ObjectId, node: NodeRef<'_>) -> Option<Autoscaler<'_>> {
    let spec = node.get("spec")?;
    let target = spec.get("scaleTargetRef")?;
    Some(Autoscaler {
        object,
        target_kind: target.get("kind")?.as_str()?,
        target_name: target.get("name")?.as_str()?,
        min_replicas: spec
            .get("minReplicas")
            .and_then(|n| n.as_i64())
            .unwrap_or(1),
    })
}
