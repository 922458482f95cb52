//! Model stage: typed, span-carrying views of the objects that matter for webhook TLS.
//!
//! Everything here borrows from the loaded [`Document`]s; nothing is copied but short strings.

mod admission;
mod ids;
mod port;
mod selector;
mod workload;

pub(crate) use admission::{Admission, AdmissionRule};
pub(crate) use ids::{EndpointId, Id, List, ObjectId, PodTemplateId, SecretId, ServiceId};
pub(crate) use port::TargetPort;
pub(crate) use selector::string_map;
pub(crate) use selector::{KnownLabels, Labels, Operator, Selection};
pub(crate) use workload::{
    Autoscaler, DisruptionBudget, IngressRule, Namespace, NetworkPolicy, Peer, PolicyPort,
};

use crate::diagnostic::ObjectRef;
use crate::source::{FileId, Span};
use crate::yaml::{self, Document, NodeId, NodeRef, Value};
use foldhash::HashMap;

/// Any Kubernetes object of the inputs.
#[derive(Clone, Debug)]
pub(crate) struct Object<'a> {
    /// The document it is in; its tree is parsed again when read, if it was let go.
    pub(crate) document: &'a Document,
    /// Its root node in the document.
    pub(crate) root: NodeId,
    pub(crate) file: FileId,
    pub(crate) api_version: &'a str,
    pub(crate) kind: &'a str,
    pub(crate) name: &'a str,
    /// The effective namespace: `metadata.namespace`, else the default one; empty when cluster-scoped.
    pub(crate) namespace: &'a str,
    pub(crate) template: Option<&'a str>,
    /// Read from the cluster (`kubectl get -o yaml`, or `--cluster-state`), not rendered.
    pub(crate) live: bool,
}

impl<'a> Object<'a> {
    /// The object's node (its document's tree is parsed again if it was let go).
    pub(crate) fn node(&self) -> NodeRef<'a> {
        self.document.node(self.root)
    }

    pub(crate) fn group(&self) -> &'a str {
        self.api_version
            .rsplit_once('/')
            .map(|(group, _)| group)
            .unwrap_or("")
    }

    pub(crate) fn object_ref(&self) -> ObjectRef {
        ObjectRef {
            api_version: self.api_version.to_string(),
            kind: self.kind.to_string(),
            namespace: (!self.namespace.is_empty()).then(|| self.namespace.to_string()),
            name: self.name.to_string(),
        }
    }

    /// `Kind/name`, as kubectl prints it.
    pub(crate) fn display(&self) -> String {
        format!("{}/{}", self.kind, self.name)
    }

    pub(crate) fn span(&self) -> Span {
        match self.document.identity() {
            // The lone object of its document: the document's root.
            Some(_) => self.document.span,
            None => self.node().span(),
        }
    }

    /// The span to point at for the object as a whole: its `metadata.name`, else its start.
    pub(crate) fn name_span(&self) -> Span {
        let name = match self.document.identity() {
            // Set aside only when the name node is exactly its text.
            Some(identity) => (identity.name.get()).map(|r| Span::new(self.file, r.start, r.end)),
            None => self.node().path(&["metadata", "name"]).map(|n| n.span()),
        };
        name.unwrap_or_else(|| {
            let span = self.span();
            Span::new(span.file, span.start, span.start)
        })
    }

    /// `metadata.annotations`.
    pub(crate) fn annotations(&self) -> Option<NodeRef<'a>> {
        match self.document.identity() {
            // Objects with annotations keep their tree (`identity_unless_read`).
            Some(_) => None,
            None => self.node().path(&["metadata", "annotations"]),
        }
    }
}

/// Kinds whose objects have no namespace.
const CLUSTER_SCOPED_KINDS: &[&str] = &[
    "APIService",
    "ClusterIssuer",
    "ClusterRole",
    "ClusterRoleBinding",
    "CSIDriver",
    "CustomResourceDefinition",
    "IngressClass",
    "MutatingAdmissionPolicy",
    "MutatingAdmissionPolicyBinding",
    "MutatingWebhookConfiguration",
    "Namespace",
    "Node",
    "PersistentVolume",
    "PriorityClass",
    "RuntimeClass",
    "StorageClass",
    "ValidatingAdmissionPolicy",
    "ValidatingAdmissionPolicyBinding",
    "ValidatingWebhookConfiguration",
];

/// Whether some stage reads more of an object of this kind than its identity: the kinds
/// [`Model::build`] dispatches on and those provisioners and rules look into. A CRD is not
/// listed: [`identity`] keeps the resource it defines, and refuses one with a conversion
/// webhook.
fn content_is_read(kind: &str) -> bool {
    // A CRD is read through its identity (`crd_identity`).
    let holds_endpoints =
        EndpointKind::from_kind(kind).is_some_and(|k| k != EndpointKind::CrdConversion);
    pod_template_path(kind).is_some()
        || holds_endpoints
        || matches!(
            kind,
            "Service"
                | "Secret"
                | "Namespace"
                | "PodDisruptionBudget"
                | "NetworkPolicy"
                | "HorizontalPodAutoscaler"
                | "Role"
                | "ClusterRole"
                | "RoleBinding"
                | "ClusterRoleBinding"
                | "Certificate"
                | "Issuer"
                | "ClusterIssuer"
                | "EndpointSlice"
        )
}

/// The identity of an object whose tree the linter need not keep ([`yaml::load_retaining`]):
/// no stage reads its kind's content, and [`identity`] can stand for it. A tree let go is
/// parsed again if some stage asks for it, so this list only saves time.
pub(crate) fn identity_unless_read(root: NodeRef<'_>) -> Option<yaml::Identity> {
    if content_is_read(root.get("kind")?.as_str()?) {
        return None;
    }
    identity(root)
}

/// A CRD's identity also holds the resource it defines, all that is read of a CRD
/// without a conversion webhook; one with a webhook (or another strategy) is not set aside.
fn crd_identity(root: NodeRef<'_>, identity: yaml::Identity) -> Option<yaml::Identity> {
    let conversion = root.path(&["spec", "conversion", "strategy"]);
    if conversion.is_some_and(|s| s.as_str() != Some("None")) {
        return None;
    }
    let plural = root.path(&["spec", "names", "plural"]);
    let resource = match plural {
        None => yaml::TextRange::NONE,
        Some(plural) if plural.as_str().is_some() => plain_text(plural)?,
        // Not a string: Model::add records no resource, as for a tree.
        Some(_) => yaml::TextRange::NONE,
    };
    let cluster = root.path(&["spec", "scope"]).and_then(|n| n.as_str()) == Some("Cluster");
    Some(yaml::Identity {
        resource,
        resource_cluster_scoped: cluster,
        ..identity
    })
}

/// The range of a string whose node is exactly its text, so its span is its range.
fn plain_text(node: NodeRef<'_>) -> Option<yaml::TextRange> {
    let range = node.tree.source_range(node.id)?;
    let span = node.span();
    (span.start == range.start && span.end == range.end).then_some(())?;
    yaml::TextRange::new(range)
}

/// What [`Object`] reads of an object, when that is all some stages may know of it: not a
/// Secret (the redaction of every output looks into those), no annotations
/// ([`Object::annotations`] answers none: suppressions, injection requests), and each
/// field written plainly (its node is its text, so spans are the same).
pub fn identity(root: NodeRef<'_>) -> Option<yaml::Identity> {
    let identity = object_identity(root)?;
    let group = root
        .get("apiVersion")
        .and_then(|v| v.as_str())
        .and_then(|v| v.rsplit_once('/'));
    match (
        group.map(|(group, _)| group),
        root.get("kind").and_then(|k| k.as_str()),
    ) {
        (Some(group), Some(kind))
            if EndpointKind::from_kind(kind) == Some(EndpointKind::CrdConversion)
                && group == EndpointKind::CrdConversion.group() =>
        {
            crd_identity(root, identity)
        }
        _ => Some(identity),
    }
}

fn object_identity(root: NodeRef<'_>) -> Option<yaml::Identity> {
    let kind = root.get("kind")?;
    if kind.as_str()? == "Secret" {
        return None;
    }
    let metadata = root.get("metadata");
    if metadata.is_some_and(|m| !m.is_map() || m.get("annotations").is_some()) {
        return None;
    }
    let plain = |node: Option<NodeRef<'_>>| match node {
        None => Some(yaml::TextRange::NONE),
        Some(node) => plain_text(node),
    };
    let field = |key: &str| metadata.and_then(|m| m.get(key));
    Some(yaml::Identity {
        api_version: plain(root.get("apiVersion"))?,
        kind: plain(Some(kind))?,
        name: plain(field("name"))?,
        namespace: plain(field("namespace"))?,
        live: metadata.is_some_and(has_server_set_fields),
        resource: yaml::TextRange::NONE,
        resource_cluster_scoped: false,
    })
}

pub(crate) fn is_cluster_scoped(kind: &str) -> bool {
    CLUSTER_SCOPED_KINDS.contains(&kind)
}

#[derive(Clone, Debug)]
pub(crate) struct ServicePort<'a> {
    pub(crate) node: NodeRef<'a>,
    pub(crate) name: Option<&'a str>,
    pub(crate) port: Option<i64>,
    /// Defaults to `port`, as the API server defaults it.
    pub(crate) target_port: Option<TargetPort<'a>>,
    pub(crate) target_port_node: Option<NodeRef<'a>>,
}

#[derive(Clone, Debug)]
pub(crate) struct Service<'a> {
    pub(crate) object: ObjectId,
    pub(crate) service_type: &'a str,
    pub(crate) cluster_ip: Option<NodeRef<'a>>,
    /// None when the Service has no selector (its endpoints are managed by hand).
    pub(crate) selector: Option<Vec<(&'a str, &'a str)>>,
    pub(crate) selector_node: Option<NodeRef<'a>>,
    pub(crate) ports: Vec<ServicePort<'a>>,
    pub(crate) ports_node: Option<NodeRef<'a>>,
}

impl<'a> Service<'a> {
    pub(crate) fn is_headless(&self) -> bool {
        self.headless_cluster_ip().is_some()
    }

    /// `clusterIP: None`, when the Service is headless.
    pub(crate) fn headless_cluster_ip(&self) -> Option<NodeRef<'a>> {
        self.cluster_ip.filter(|n| n.as_str() == Some("None"))
    }
}

#[derive(Clone, Debug)]
pub(crate) struct ContainerPort<'a> {
    pub(crate) node: NodeRef<'a>,
    pub(crate) name: Option<&'a str>,
    pub(crate) container_port: Option<i64>,
}

impl ContainerPort<'_> {
    /// Whether a Service's targetPort (a number or a port name) selects this port.
    pub(crate) fn is_target(&self, target: TargetPort<'_>) -> bool {
        match target {
            TargetPort::Number(n) => self.container_port == Some(n),
            TargetPort::Name(name) => self.name == Some(name),
        }
    }
}

#[derive(Clone, Debug)]
pub(crate) struct VolumeMount<'a> {
    pub(crate) name: &'a str,
    pub(crate) mount_path: Option<&'a str>,
}

#[derive(Clone, Debug)]
pub(crate) struct Container<'a> {
    pub(crate) node: NodeRef<'a>,
    pub(crate) name: Option<&'a str>,
    pub(crate) image: Option<&'a str>,
    pub(crate) ports: Vec<ContainerPort<'a>>,
    pub(crate) mounts: Vec<VolumeMount<'a>>,
    /// `command` then `args`, each a string node.
    pub(crate) arguments: Vec<NodeRef<'a>>,
    /// `env` entries: name, and the literal value or where it comes from.
    pub(crate) env: Vec<EnvVar<'a>>,
    pub(crate) readiness_probe: Option<NodeRef<'a>>,
}

#[derive(Clone, Debug)]
pub(crate) struct EnvVar<'a> {
    pub(crate) node: NodeRef<'a>,
    pub(crate) name: &'a str,
    pub(crate) value: EnvValue<'a>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum EnvValue<'a> {
    Literal(&'a str),
    /// `valueFrom.fieldRef.fieldPath`, e.g. `metadata.namespace`.
    FieldRef(&'a str),
    /// Any other `valueFrom` (Secret, ConfigMap, resource): unknown until run time.
    Other,
}

impl<'a> Container<'a> {
    /// Expands `$(VAR)` references as the kubelet does: from this container's env, with
    /// `metadata.namespace` field references taking `namespace`. Unknown references stay.
    pub(crate) fn expand(&self, text: &str, namespace: &str) -> String {
        let mut out = String::with_capacity(text.len());
        let mut rest = text;
        while let Some(start) = rest.find("$(") {
            out.push_str(&rest[..start]);
            let after = &rest[start + 2..];
            let Some(end) = after.find(')') else {
                out.push_str(&rest[start..]);
                return out;
            };
            let name = &after[..end];
            let value = self
                .env
                .iter()
                .rev()
                .find(|v| v.name == name)
                .and_then(|v| match &v.value {
                    EnvValue::Literal(s) => Some((*s).to_string()),
                    EnvValue::FieldRef("metadata.namespace") => Some(namespace.to_string()),
                    _ => None,
                });
            match value {
                Some(value) => out.push_str(&value),
                None => out.push_str(&rest[start..start + 3 + end]),
            }
            rest = &after[end + 1..];
        }
        out.push_str(rest);
        out
    }

    /// A literal env value, or the pod's namespace for a `metadata.namespace` field reference.
    pub(crate) fn env_value(&self, name: &str, namespace: &str) -> Option<String> {
        self.env
            .iter()
            .rev()
            .find(|v| v.name == name)
            .and_then(|v| match &v.value {
                EnvValue::Literal(s) => Some(self.expand(s, namespace)),
                EnvValue::FieldRef("metadata.namespace") => Some(namespace.to_string()),
                _ => None,
            })
    }

    /// The value a command-line flag ends up with (`--name=v`, `-name=v`, `--name v`), with
    /// its node: the last occurrence, as Go's flag and pflag packages set it.
    pub(crate) fn flag(&self, name: &str) -> Option<(&'a str, NodeRef<'a>)> {
        self.flag_occurrences(name).pop()
    }

    /// Every value given to a flag, in order. Arguments after `--` are not flags.
    pub(crate) fn flag_occurrences(&self, name: &str) -> Vec<(&'a str, NodeRef<'a>)> {
        let mut found = Vec::new();
        let mut arguments = self.arguments.iter();
        while let Some(node) = arguments.next() {
            let Some(text) = node.as_str() else { continue };
            if text == "--" {
                break;
            }
            let bare = text.trim_start_matches('-');
            if bare.len() == text.len() || bare.len() + 2 < text.len() {
                continue;
            }
            if let Some(value) = bare.strip_prefix(name).and_then(|r| r.strip_prefix('=')) {
                found.push((value, *node));
            } else if bare == name {
                match arguments.next() {
                    Some(next) => {
                        if let Some(value) = next.as_str() {
                            found.push((value, *next));
                        }
                    }
                    None => break,
                }
            }
        }
        found
    }
}

/// A Secret a volume refers to, directly or as a projected source.
#[derive(Clone, Debug)]
pub(crate) struct SecretVolumeSource<'a> {
    pub(crate) secret_name: &'a str,
    pub(crate) secret_name_node: NodeRef<'a>,
    /// `optional: true`: the kubelet starts the pod without the Secret.
    pub(crate) optional: bool,
}

#[derive(Clone, Debug)]
pub(crate) struct Volume<'a> {
    pub(crate) name: &'a str,
    pub(crate) secrets: Vec<SecretVolumeSource<'a>>,
}

/// A pod template: of a workload controller, a CronJob, or a bare Pod.
#[derive(Clone, Debug)]
pub(crate) struct PodTemplate<'a> {
    pub(crate) object: ObjectId,
    /// The kind of the object holding it (`Deployment`, `DaemonSet`, `Pod`...).
    pub(crate) kind: &'a str,
    /// `metadata.labels` of that object (a workload's own labels, not its pods').
    pub(crate) workload_labels: Vec<(&'a str, &'a str)>,
    /// The workload's `spec.replicas` as written (Deployments and StatefulSets default to 1).
    pub(crate) replicas: Option<NodeRef<'a>>,
    /// `spec.affinity.podAntiAffinity` of the pods.
    pub(crate) anti_affinity: Option<NodeRef<'a>>,
    /// `spec.topologySpreadConstraints` of the pods, when not empty.
    pub(crate) topology_spread: Option<NodeRef<'a>>,
    /// `spec.hostNetwork: true`: the pods use the node's network, which most network
    /// plugins leave out of NetworkPolicies.
    pub(crate) host_network: bool,
    pub(crate) labels: Vec<(&'a str, &'a str)>,
    /// `metadata.labels` of the template, to point at.
    pub(crate) labels_node: Option<NodeRef<'a>>,
    pub(crate) containers: Vec<Container<'a>>,
    pub(crate) volumes: Vec<Volume<'a>>,
    /// `spec.serviceAccountName`, else the deprecated `spec.serviceAccount` (pkg/apis/core/v1
    /// conversion.go: the new field wins when both are set); None when neither is set.
    pub(crate) service_account: Option<&'a str>,
    /// The first volume of each name, for mounts to find theirs without a scan.
    volumes_by_name: HashMap<&'a str, usize>,
}

impl<'a> PodTemplate<'a> {
    /// Whether the template's labels hold every `(key, value)` pair of `selector`.
    pub(crate) fn carries_all(&self, selector: &[(&str, &str)]) -> bool {
        selector
            .iter()
            .all(|pair| self.labels.iter().any(|label| label == pair))
    }

    pub(crate) fn volume(&self, name: &str) -> Option<&Volume<'a>> {
        self.volumes_by_name.get(name).map(|&i| &self.volumes[i])
    }

    /// The ServiceAccount the pods run as: `default` when the template names none, as the
    /// ServiceAccount admission plugin sets it (plugin/pkg/admission/serviceaccount/admission.go).
    pub(crate) fn service_account_name(&self) -> &'a str {
        self.service_account.unwrap_or("default")
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum SecretEncoding {
    /// `data`: base64, as Go's StdEncoding decodes it.
    Base64,
    /// `stringData`: the text itself.
    Plain,
}

#[derive(Clone, Debug)]
pub(crate) struct SecretEntry<'a> {
    pub(crate) key: &'a str,
    pub(crate) key_node: NodeRef<'a>,
    pub(crate) value_node: NodeRef<'a>,
    pub(crate) encoding: SecretEncoding,
}

#[derive(Clone, Debug)]
pub(crate) struct Secret<'a> {
    pub(crate) object: ObjectId,
    pub(crate) secret_type: Option<&'a str>,
    /// `stringData` entries win over `data` entries of the same key, as on the API server.
    pub(crate) entries: Vec<SecretEntry<'a>>,
}

impl<'a> Secret<'a> {
    pub(crate) fn entry(&self, key: &str) -> Option<&SecretEntry<'a>> {
        self.entries.iter().find(|e| e.key == key)
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub(crate) enum EndpointKind {
    ValidatingWebhook,
    MutatingWebhook,
    CrdConversion,
    ApiService,
}

impl EndpointKind {
    /// Every kind, in the order the API server's kinds are listed here.
    pub(crate) const ALL: [EndpointKind; 4] = [
        EndpointKind::ValidatingWebhook,
        EndpointKind::MutatingWebhook,
        EndpointKind::CrdConversion,
        EndpointKind::ApiService,
    ];

    /// The kind of the object holding endpoints of this kind.
    pub(crate) fn as_str(self) -> &'static str {
        match self {
            EndpointKind::ValidatingWebhook => "ValidatingWebhookConfiguration",
            EndpointKind::MutatingWebhook => "MutatingWebhookConfiguration",
            EndpointKind::CrdConversion => "CustomResourceDefinition",
            EndpointKind::ApiService => "APIService",
        }
    }

    /// The endpoint kind of objects of `kind`; None for kinds that hold no endpoint.
    pub(crate) fn from_kind(kind: &str) -> Option<Self> {
        EndpointKind::ALL.into_iter().find(|k| k.as_str() == kind)
    }

    /// The API group of the object holding it.
    pub(crate) fn group(self) -> &'static str {
        match self {
            EndpointKind::ValidatingWebhook | EndpointKind::MutatingWebhook => {
                "admissionregistration.k8s.io"
            }
            EndpointKind::CrdConversion => "apiextensions.k8s.io",
            EndpointKind::ApiService => "apiregistration.k8s.io",
        }
    }

    /// The resource (plural) of the object holding it.
    pub(crate) fn resource(self) -> &'static str {
        match self {
            EndpointKind::ValidatingWebhook => "validatingwebhookconfigurations",
            EndpointKind::MutatingWebhook => "mutatingwebhookconfigurations",
            EndpointKind::CrdConversion => "customresourcedefinitions",
            EndpointKind::ApiService => "apiservices",
        }
    }

    /// An admission webhook of a configuration (not a conversion webhook or APIService).
    pub(crate) fn is_admission(self) -> bool {
        matches!(
            self,
            EndpointKind::ValidatingWebhook | EndpointKind::MutatingWebhook
        )
    }
}

/// `clientConfig.service` (or `spec.service` of an APIService).
#[derive(Clone, Debug)]
pub(crate) struct ServiceReference<'a> {
    pub(crate) node: NodeRef<'a>,
    pub(crate) name: Option<NodeRef<'a>>,
    pub(crate) namespace: Option<NodeRef<'a>>,
    pub(crate) port: Option<NodeRef<'a>>,
    pub(crate) path: Option<NodeRef<'a>>,
}

pub(crate) const DEFAULT_SERVICE_PORT: i64 = 443;

impl<'a> ServiceReference<'a> {
    pub(crate) fn name(&self) -> &'a str {
        self.name.and_then(|n| n.as_str()).unwrap_or("")
    }

    pub(crate) fn namespace(&self) -> &'a str {
        self.namespace.and_then(|n| n.as_str()).unwrap_or("")
    }

    /// The port the API server dials, defaulted to 443; None when it is not an integer.
    pub(crate) fn port(&self) -> Option<i64> {
        match self.port {
            None => Some(DEFAULT_SERVICE_PORT),
            Some(node) if node.is_null() => Some(DEFAULT_SERVICE_PORT),
            Some(node) => node.as_i64(),
        }
    }

    pub(crate) fn path(&self) -> Option<&'a str> {
        self.path.and_then(|n| n.as_str())
    }

    /// What to point at: the service name, else the whole reference.
    pub(crate) fn span(&self) -> Span {
        self.name
            .map(|n| n.span())
            .unwrap_or_else(|| self.node.span())
    }
}

/// One TLS endpoint the API server calls: a webhook of a configuration, a CRD's conversion
/// webhook, or an APIService.
#[derive(Clone, Debug)]
pub(crate) struct Endpoint<'a> {
    pub(crate) object: ObjectId,
    pub(crate) kind: EndpointKind,
    /// The webhook's `name`; the CRD's or APIService's name otherwise.
    pub(crate) name: String,
    /// Field path of the client config, for messages (`webhooks[0].clientConfig`).
    pub(crate) field_path: String,
    /// The clientConfig mapping (an APIService's `spec`).
    pub(crate) client_config: Option<NodeRef<'a>>,
    pub(crate) service: Option<ServiceReference<'a>>,
    pub(crate) url: Option<NodeRef<'a>>,
    pub(crate) ca_bundle: Option<NodeRef<'a>>,
    pub(crate) insecure_skip_tls_verify: Option<NodeRef<'a>>,
    /// `Fail` or `Ignore`, defaulted by API version.
    pub(crate) failure_policy: &'a str,
    pub(crate) timeout_seconds: i64,
    /// A CRD with a single version never calls its conversion webhook.
    pub(crate) never_called: bool,
    /// What an admission webhook intercepts; None for conversion webhooks and APIServices.
    pub(crate) admission: Option<Admission<'a>>,
}

impl<'a> Endpoint<'a> {
    /// The `caBundle` key, to point at without underlining its long value.
    pub(crate) fn ca_bundle_key_span(&self) -> Option<Span> {
        let (key, _) = self.client_config?.entry("caBundle")?;
        Some(key.span())
    }

    /// The node to point at for the endpoint as a whole.
    pub(crate) fn span(&self, model: &Model<'a>) -> Span {
        if let Some(service) = &self.service {
            return service.span();
        }
        if let Some(url) = self.url {
            return url.span();
        }
        self.client_config
            .map(|n| n.span())
            .unwrap_or_else(|| model.objects[self.object].name_span())
    }
}

/// All typed views of one run, with hash indexes for lookups.
#[derive(Debug, Default)]
pub(crate) struct Model<'a> {
    /// The documents the model was built from (for rules about YAML itself).
    pub(crate) documents: &'a [Document],
    pub(crate) objects: List<ObjectId, Object<'a>>,
    pub(crate) services: List<ServiceId, Service<'a>>,
    pub(crate) pod_templates: List<PodTemplateId, PodTemplate<'a>>,
    pub(crate) secrets: List<SecretId, Secret<'a>>,
    pub(crate) endpoints: List<EndpointId, Endpoint<'a>>,
    pub(crate) namespaces: Vec<Namespace<'a>>,
    pub(crate) disruption_budgets: Vec<DisruptionBudget<'a>>,
    pub(crate) network_policies: Vec<NetworkPolicy<'a>>,
    pub(crate) autoscalers: Vec<Autoscaler<'a>>,
    /// Resources the CRDs among the inputs define: (plural, cluster-scoped).
    pub(crate) custom_resources: Vec<(&'a str, bool)>,
    /// Per endpoint: its object is live state that a rendered object of the same kind and
    /// name replaces when applied, so it is not a second webhook.
    superseded: Vec<bool>,
    services_by_name: HashMap<(String, &'a str), ServiceId>,
    secrets_by_name: HashMap<(String, &'a str), SecretId>,
    pod_templates_by_namespace: HashMap<String, NamespaceTemplates<'a>>,
}

/// What [`Model::read`] found in one object.
enum Read<'a> {
    Service(Service<'a>),
    Secret(Secret<'a>),
    Endpoints(Vec<Endpoint<'a>>),
    /// A CRD: the resource it defines (plural, cluster-scoped), and its conversion webhook.
    CustomResource(Option<(&'a str, bool)>, Vec<Endpoint<'a>>),
    Namespace(Namespace<'a>),
    DisruptionBudget(DisruptionBudget<'a>),
    NetworkPolicy(NetworkPolicy<'a>),
    Autoscalers(Vec<Autoscaler<'a>>),
    PodTemplate(PodTemplate<'a>),
    Nothing,
}

/// The pod templates of one namespace, also by label, so a selector is matched against
/// the templates carrying one of its pairs rather than against every template.
#[derive(Debug, Default)]
struct NamespaceTemplates<'a> {
    /// Indexes into `pod_templates`, ascending.
    all: Vec<PodTemplateId>,
    /// Label `(key, value)` to the templates carrying it, ascending, without repeats.
    by_label: HashMap<(&'a str, &'a str), Vec<PodTemplateId>>,
}

impl<'a> Model<'a> {
    pub(crate) fn build(documents: &'a [Document], default_namespace: &'a str) -> Model<'a> {
        Model::build_with_live(documents, default_namespace, &|_| false)
    }

    /// `live_file` tells which inputs are cluster state as a whole (`--cluster-state`).
    pub(crate) fn build_with_live(
        documents: &'a [Document],
        default_namespace: &'a str,
        live_file: &dyn Fn(FileId) -> bool,
    ) -> Model<'a> {
        use rayon::prelude::*;
        // Identities are read in order, into a list allocated once (a million documents
        // collected in parallel would pass through twice the memory).
        let mut objects = List::with_capacity(documents.iter().map(|d| d.objects().count()).sum());
        for document in documents {
            for root in document.objects() {
                let template = root.template;
                let object = match document.identity() {
                    Some(identity) => Some(object_of_identity(
                        document,
                        identity,
                        template,
                        default_namespace,
                    )),
                    None => read_object(document, root.node, template, default_namespace),
                };
                if let Some(mut object) = object {
                    object.live |= live_file(document.file());
                    objects.push(object);
                }
            }
        }
        // Only what some stage reads is kept: a stream of a million ConfigMaps reads nothing.
        let reads: Vec<(ObjectId, Read<'a>)> = (objects.as_slice().par_iter().enumerate())
            .map(|(i, object)| (ObjectId::from_index(i), object))
            .filter_map(|(id, object)| match Model::read(id, object) {
                Read::Nothing => None,
                read => Some((id, read)),
            })
            .collect();
        let mut model = Model {
            documents,
            objects,
            ..Model::default()
        };
        for (id, read) in reads {
            model.add(id, read);
        }
        model.superseded = model.find_superseded();
        model
    }

    /// Whether an endpoint's object is live state that a rendered object replaces.
    pub(crate) fn is_superseded(&self, endpoint: EndpointId) -> bool {
        self.superseded
            .get(endpoint.index())
            .copied()
            .unwrap_or(false)
    }

    fn find_superseded(&self) -> Vec<bool> {
        let rendered: foldhash::HashSet<(&str, &str, &str)> = self
            .endpoints
            .iter()
            .map(|e| &self.objects[e.object])
            .filter(|o| !o.live)
            .map(|o| (o.kind, o.namespace, o.name))
            .collect();
        self.endpoints
            .iter()
            .map(|e| {
                let o = &self.objects[e.object];
                o.live && rendered.contains(&(o.kind, o.namespace, o.name))
            })
            .collect()
    }

    /// What a stage beyond identity reads of object `id`: pure, so objects are read in
    /// parallel; [`Model::add`] then indexes them in order.
    fn read(id: ObjectId, object: &Object<'a>) -> Read<'a> {
        let (document, root, name, kind) = (object.document, object.root, object.name, object.kind);
        // Read only in the arms that need it: other objects may have let their tree go.
        let node = move || document.node(root);
        if let Some(endpoint_kind) =
            EndpointKind::from_kind(kind).filter(|k| k.group() == object.group())
        {
            return match endpoint_kind {
                EndpointKind::ValidatingWebhook | EndpointKind::MutatingWebhook => {
                    let v1beta1 = object.api_version.ends_with("v1beta1");
                    Read::Endpoints(read_webhooks(id, node(), endpoint_kind, v1beta1))
                }
                EndpointKind::CrdConversion => match document.identity() {
                    // Set aside only without a conversion webhook (`crd_identity`).
                    Some(identity) => {
                        let plural = document.identity_text(identity.resource);
                        let resource = plural.map(|p| (p, identity.resource_cluster_scoped));
                        Read::CustomResource(resource, Vec::new())
                    }
                    None => {
                        let plural = node()
                            .path(&["spec", "names", "plural"])
                            .and_then(|n| n.as_str());
                        let cluster = node().path(&["spec", "scope"]).and_then(|n| n.as_str())
                            == Some("Cluster");
                        let resource = plural.map(|p| (p, cluster));
                        Read::CustomResource(
                            resource,
                            read_crd_conversion(id, node(), name).into_iter().collect(),
                        )
                    }
                },
                EndpointKind::ApiService => {
                    Read::Endpoints(read_api_service(id, node(), name).into_iter().collect())
                }
            };
        }
        match (object.group(), kind) {
            ("", "Service") => Read::Service(read_service(id, node())),
            ("", "Secret") => Read::Secret(read_secret(id, node())),
            ("", "Namespace") => Read::Namespace(workload::read_namespace(id, name, node())),
            ("policy", "PodDisruptionBudget") => {
                Read::DisruptionBudget(workload::read_disruption_budget(id, node()))
            }
            ("networking.k8s.io", "NetworkPolicy") => {
                Read::NetworkPolicy(workload::read_network_policy(id, node()))
            }
            ("autoscaling", "HorizontalPodAutoscaler") => {
                Read::Autoscalers(workload::read_autoscaler(id, node()).into_iter().collect())
            }
            _ if pod_template_path(kind).is_some() => match read_pod_template(id, kind, node()) {
                Some(template) => Read::PodTemplate(template),
                None => Read::Nothing,
            },
            _ => Read::Nothing,
        }
    }

    /// Indexes what was read of object `id`; objects are added in order.
    fn add(&mut self, id: ObjectId, read: Read<'a>) {
        let (namespace, name) = (self.objects[id].namespace, self.objects[id].name);
        match read {
            Read::Service(service) => {
                let id = self.services.push(service);
                self.services_by_name
                    .insert((namespace.to_string(), name), id);
            }
            Read::Secret(secret) => {
                let index = self.secrets.next_id();
                // A live and a rendered Secret of one identity are one object at two times:
                // the one holding a certificate is served; the rendered one when both do.
                let wins = match self.secrets_by_name.get(&(namespace.to_string(), name)) {
                    None => true,
                    Some(&other) => {
                        let has_cert = |s: &Secret<'_>| {
                            s.entries.iter().any(|e| {
                                e.value_node.as_str().is_some_and(|v| !v.trim().is_empty())
                            })
                        };
                        let other_secret = &self.secrets[other];
                        let other_live = self.objects[other_secret.object].live;
                        let this_live = self.objects[id].live;
                        match (has_cert(&secret), has_cert(other_secret)) {
                            (true, false) => true,
                            (false, true) => false,
                            _ => other_live || !this_live,
                        }
                    }
                };
                if wins {
                    self.secrets_by_name
                        .insert((namespace.to_string(), name), index);
                }
                self.secrets.push(secret);
            }
            Read::Endpoints(endpoints) => self.endpoints.extend(endpoints),
            Read::CustomResource(resource, conversion) => {
                self.custom_resources.extend(resource);
                self.endpoints.extend(conversion);
            }
            Read::Namespace(namespace) => self.namespaces.push(namespace),
            Read::DisruptionBudget(budget) => self.disruption_budgets.push(budget),
            Read::NetworkPolicy(policy) => self.network_policies.push(policy),
            Read::Autoscalers(autoscalers) => self.autoscalers.extend(autoscalers),
            Read::PodTemplate(template) => {
                let index = self.pod_templates.next_id();
                let in_namespace = self
                    .pod_templates_by_namespace
                    .entry(namespace.to_string())
                    .or_default();
                in_namespace.all.push(index);
                for &label in &template.labels {
                    let carriers = in_namespace.by_label.entry(label).or_default();
                    // A label repeated in one template lists the template once.
                    if carriers.last() != Some(&index) {
                        carriers.push(index);
                    }
                }
                self.pod_templates.push(template);
            }
            Read::Nothing => {}
        }
    }

    pub(crate) fn service_index(&self, namespace: &str, name: &str) -> Option<ServiceId> {
        self.services_by_name
            .get(&(namespace.to_string(), name))
            .copied()
    }

    pub(crate) fn secret_index(&self, namespace: &str, name: &str) -> Option<SecretId> {
        self.secrets_by_name
            .get(&(namespace.to_string(), name))
            .copied()
    }

    pub(crate) fn secret(&self, namespace: &str, name: &str) -> Option<&Secret<'a>> {
        self.secret_index(namespace, name).map(|i| &self.secrets[i])
    }

    /// Indexes into `pod_templates` of the templates in a namespace.
    pub(crate) fn pod_templates_in(&self, namespace: &str) -> &[PodTemplateId] {
        self.pod_templates_by_namespace
            .get(namespace)
            .map(|templates| templates.all.as_slice())
            .unwrap_or(&[])
    }

    /// Indexes into `pod_templates` of the templates in a namespace carrying every pair of
    /// `selector`, ascending. An empty selector selects nothing, as for a Service.
    pub(crate) fn pod_templates_selected(
        &self,
        namespace: &str,
        selector: &[(&str, &str)],
    ) -> Vec<PodTemplateId> {
        let Some(templates) = self.pod_templates_by_namespace.get(namespace) else {
            return Vec::new();
        };
        // The pair carried by the fewest templates narrows the candidates most.
        let mut fewest: Option<&[PodTemplateId]> = None;
        for pair in selector {
            let carriers = templates.by_label.get(pair).map_or(&[][..], Vec::as_slice);
            if fewest.is_none_or(|f| carriers.len() < f.len()) {
                fewest = Some(carriers);
            }
        }
        fewest
            .unwrap_or(&[])
            .iter()
            .copied()
            .filter(|&i| self.pod_templates[i].carries_all(selector))
            .collect()
    }

    pub(crate) fn object(&self, id: ObjectId) -> &Object<'a> {
        &self.objects[id]
    }
}

/// The object of a document that keeps only its identity: what [`read_object`] reads
/// from its tree.
fn object_of_identity<'a>(
    document: &'a Document,
    identity: &yaml::Identity,
    template: Option<&'a str>,
    default_namespace: &'a str,
) -> Object<'a> {
    let read = |range: yaml::TextRange| document.identity_text(range);
    let kind = read(identity.kind).unwrap_or("");
    let namespace = if is_cluster_scoped(kind) {
        ""
    } else {
        read(identity.namespace)
            .filter(|ns| !ns.is_empty())
            .unwrap_or(default_namespace)
    };
    Object {
        document,
        root: document.root.unwrap_or(0),
        file: document.file(),
        api_version: read(identity.api_version).unwrap_or(""),
        kind,
        name: read(identity.name).unwrap_or(""),
        namespace,
        template,
        live: identity.live,
    }
}

fn read_object<'a>(
    document: &'a Document,
    root: NodeId,
    template: Option<&'a str>,
    default_namespace: &'a str,
) -> Option<Object<'a>> {
    let node = document.node(root);
    let file = document.file();
    let kind = node.get("kind")?.as_str()?;
    let api_version = node
        .get("apiVersion")
        .and_then(|n| n.as_str())
        .unwrap_or("");
    let metadata = node.get("metadata");
    let name = metadata
        .and_then(|m| m.get("name"))
        .and_then(|n| n.as_str())
        .unwrap_or("");
    let namespace = if is_cluster_scoped(kind) {
        ""
    } else {
        metadata
            .and_then(|m| m.get("namespace"))
            .and_then(|n| n.as_str())
            .filter(|ns| !ns.is_empty())
            .unwrap_or(default_namespace)
    };
    Some(Object {
        document,
        root,
        file,
        api_version,
        kind,
        name,
        namespace,
        template,
        live: metadata.is_some_and(has_server_set_fields),
    })
}

/// Fields only the API server writes: their presence marks an object read from a cluster.
fn has_server_set_fields(metadata: NodeRef<'_>) -> bool {
    [
        "uid",
        "resourceVersion",
        "creationTimestamp",
        "managedFields",
    ]
    .iter()
    .any(|key| metadata.get(key).is_some_and(|n| !n.is_null()))
}

fn read_service<'a>(object: ObjectId, node: NodeRef<'a>) -> Service<'a> {
    let spec = node.get("spec");
    let get = |key: &str| spec.and_then(|s| s.get(key));
    let selector_node = get("selector").filter(|n| !n.is_null());
    let ports_node = get("ports");
    let ports = ports_node
        .map(|ports| ports.items().map(read_service_port).collect())
        .unwrap_or_default();
    Service {
        object,
        service_type: get("type").and_then(|n| n.as_str()).unwrap_or("ClusterIP"),
        cluster_ip: get("clusterIP"),
        selector: selector_node.map(|n| string_map(Some(n))),
        selector_node,
        ports,
        ports_node,
    }
}

fn read_service_port(node: NodeRef<'_>) -> ServicePort<'_> {
    let port_node = node.get("port");
    let port = port_node.and_then(|n| n.as_i64());
    let target_port_node = node.get("targetPort").filter(|n| !n.is_null());
    let target_port = match target_port_node {
        Some(n) => match n.value() {
            Value::Int(i) => Some(TargetPort::Number(i)),
            Value::Str(s) => Some(
                s.parse::<i64>()
                    .map(TargetPort::Number)
                    .unwrap_or(TargetPort::Name(s)),
            ),
            _ => None,
        },
        None => port.map(TargetPort::Number),
    };
    ServicePort {
        node,
        name: node.get("name").and_then(|n| n.as_str()),
        port,
        target_port,
        target_port_node,
    }
}

fn read_secret<'a>(object: ObjectId, node: NodeRef<'a>) -> Secret<'a> {
    let mut entries: Vec<SecretEntry<'a>> = Vec::new();
    for (field, encoding) in [
        ("data", SecretEncoding::Base64),
        ("stringData", SecretEncoding::Plain),
    ] {
        for (key_node, value_node) in node.get(field).into_iter().flat_map(|n| n.entries()) {
            let Some(key) = key_node.as_str() else {
                continue;
            };
            let entry = SecretEntry {
                key,
                key_node,
                value_node,
                encoding,
            };
            match entries.iter_mut().find(|e| e.key == key) {
                Some(existing) => *existing = entry,
                None => entries.push(entry),
            }
        }
    }
    Secret {
        object,
        secret_type: node.get("type").and_then(|n| n.as_str()),
        entries,
    }
}

/// Where the pod template sits in each workload kind.
fn pod_template_path(kind: &str) -> Option<&'static [&'static str]> {
    Some(match kind {
        "Deployment"
        | "StatefulSet"
        | "DaemonSet"
        | "ReplicaSet"
        | "ReplicationController"
        | "Job" => &["spec", "template"],
        "CronJob" => &["spec", "jobTemplate", "spec", "template"],
        "Pod" => &[],
        _ => return None,
    })
}

fn read_pod_template<'a>(
    object: ObjectId,
    kind: &'a str,
    node: NodeRef<'a>,
) -> Option<PodTemplate<'a>> {
    let template = node.path(pod_template_path(kind)?)?;
    let spec = template.get("spec")?;
    let labels_node = template.path(&["metadata", "labels"]);
    let labels = string_map(labels_node);
    let restartable_init_containers = spec
        .get("initContainers")
        .into_iter()
        .flat_map(|n| n.items())
        .filter(|c| c.get("restartPolicy").and_then(|n| n.as_str()) == Some("Always"));
    let containers = spec
        .get("containers")
        .into_iter()
        .flat_map(|n| n.items())
        .chain(restartable_init_containers)
        .map(read_container)
        .collect();
    let volumes: Vec<Volume<'a>> = spec
        .get("volumes")
        .into_iter()
        .flat_map(|n| n.items())
        .filter_map(read_volume)
        .collect();
    let mut volumes_by_name = HashMap::default();
    for (i, volume) in volumes.iter().enumerate() {
        volumes_by_name.entry(volume.name).or_insert(i);
    }
    // An empty string is no name: the conversion falls back to the deprecated field.
    let service_account_node = ["serviceAccountName", "serviceAccount"]
        .iter()
        .filter_map(|key| spec.get(key))
        .find(|n| n.as_str().is_some_and(|s| !s.is_empty()));
    let replicas = if kind == "Pod" {
        None
    } else {
        node.path(&["spec", "replicas"]).filter(|n| !n.is_null())
    };
    Some(PodTemplate {
        object,
        kind,
        workload_labels: string_map(node.path(&["metadata", "labels"])),
        replicas,
        anti_affinity: spec
            .path(&["affinity", "podAntiAffinity"])
            .filter(|n| !n.is_null()),
        topology_spread: spec
            .get("topologySpreadConstraints")
            .filter(|n| n.items().next().is_some()),
        host_network: spec.get("hostNetwork").and_then(|n| n.as_bool()) == Some(true),
        labels,
        labels_node,
        containers,
        volumes,
        service_account: service_account_node.and_then(|n| n.as_str()),
        volumes_by_name,
    })
}

fn read_container(node: NodeRef<'_>) -> Container<'_> {
    let ports = node
        .get("ports")
        .into_iter()
        .flat_map(|n| n.items())
        .map(|port| ContainerPort {
            node: port,
            name: port.get("name").and_then(|n| n.as_str()),
            container_port: port.get("containerPort").and_then(|n| n.as_i64()),
        })
        .collect();
    let mounts = node
        .get("volumeMounts")
        .into_iter()
        .flat_map(|n| n.items())
        .filter_map(|mount| {
            Some(VolumeMount {
                name: mount.get("name")?.as_str()?,
                mount_path: mount.get("mountPath").and_then(|n| n.as_str()),
            })
        })
        .collect();
    let arguments = ["command", "args"]
        .iter()
        .filter_map(|key| node.get(key))
        .flat_map(|n| n.items())
        .filter(|n| n.as_str().is_some())
        .collect();
    let env = node
        .get("env")
        .into_iter()
        .flat_map(|n| n.items())
        .filter_map(|var| {
            let name = var.get("name")?.as_str()?;
            let value = match (
                var.get("value"),
                var.path(&["valueFrom", "fieldRef", "fieldPath"]),
            ) {
                (Some(v), _) => EnvValue::Literal(v.as_str().unwrap_or("")),
                (None, Some(path)) => EnvValue::FieldRef(path.as_str().unwrap_or("")),
                (None, None) if var.get("valueFrom").is_some() => EnvValue::Other,
                (None, None) => EnvValue::Literal(""),
            };
            Some(EnvVar {
                node: var,
                name,
                value,
            })
        })
        .collect();
    Container {
        node,
        name: node.get("name").and_then(|n| n.as_str()),
        image: node.get("image").and_then(|n| n.as_str()),
        ports,
        mounts,
        arguments,
        env,
        readiness_probe: node.get("readinessProbe").filter(|n| !n.is_null()),
    }
}

fn read_volume(node: NodeRef<'_>) -> Option<Volume<'_>> {
    let name = node.get("name")?.as_str()?;
    // (the secret source, the key naming the Secret): a volume's `secret.secretName`,
    // a projected volume's `sources[].secret.name`.
    let projected = node
        .path(&["projected", "sources"])
        .into_iter()
        .flat_map(|n| n.items())
        .filter_map(|source| Some((source.get("secret")?, "name")));
    let secrets = node
        .get("secret")
        .map(|secret| (secret, "secretName"))
        .into_iter()
        .chain(projected)
        .filter_map(|(source, key)| {
            let name_node = source.get(key)?;
            Some(SecretVolumeSource {
                secret_name: name_node.as_str()?,
                secret_name_node: name_node,
                optional: source.get("optional").and_then(|n| n.as_bool()) == Some(true),
            })
        })
        .collect();
    Some(Volume { name, secrets })
}

fn read_service_reference(node: NodeRef<'_>) -> ServiceReference<'_> {
    let get = |key: &str| node.get(key).filter(|n| !n.is_null());
    ServiceReference {
        node,
        name: get("name"),
        namespace: get("namespace"),
        port: get("port"),
        path: get("path"),
    }
}

fn read_webhooks<'a>(
    object: ObjectId,
    node: NodeRef<'a>,
    kind: EndpointKind,
    v1beta1: bool,
) -> Vec<Endpoint<'a>> {
    node.get("webhooks")
        .into_iter()
        .flat_map(|n| n.items())
        .enumerate()
        .map(|(i, webhook)| {
            let client_config = webhook.get("clientConfig");
            let get = |key: &str| {
                client_config
                    .and_then(|c| c.get(key))
                    .filter(|n| !n.is_null())
            };
            Endpoint {
                object,
                kind,
                name: webhook
                    .get("name")
                    .and_then(|n| n.as_str())
                    .unwrap_or("")
                    .to_string(),
                field_path: format!("webhooks[{i}].clientConfig"),
                client_config,
                service: get("service").map(read_service_reference),
                url: get("url"),
                ca_bundle: get("caBundle"),
                insecure_skip_tls_verify: None,
                failure_policy: webhook
                    .get("failurePolicy")
                    .and_then(|n| n.as_str())
                    .unwrap_or(if v1beta1 { "Ignore" } else { "Fail" }),
                timeout_seconds: webhook
                    .get("timeoutSeconds")
                    .and_then(|n| n.as_i64())
                    .unwrap_or(if v1beta1 { 30 } else { 10 }),
                never_called: false,
                admission: Some(Admission::read(webhook, i, v1beta1)),
            }
        })
        .collect()
}

fn read_crd_conversion<'a>(
    object: ObjectId,
    node: NodeRef<'a>,
    name: &str,
) -> Option<Endpoint<'a>> {
    let conversion = node.path(&["spec", "conversion"])?;
    if conversion.get("strategy").and_then(|n| n.as_str()) != Some("Webhook") {
        return None;
    }
    // v1 nests the client config under `webhook`; v1beta1 names it `webhookClientConfig`.
    let (client_config, field_path) = match conversion.path(&["webhook", "clientConfig"]) {
        Some(cc) => (Some(cc), "spec.conversion.webhook.clientConfig"),
        None => (
            conversion.get("webhookClientConfig"),
            "spec.conversion.webhookClientConfig",
        ),
    };
    let get = |key: &str| {
        client_config
            .and_then(|c| c.get(key))
            .filter(|n| !n.is_null())
    };
    let versions = node
        .path(&["spec", "versions"])
        .map(|v| v.items().count())
        .unwrap_or(0);
    // v1beta1 CRDs may name a single `spec.version` instead.
    let single_legacy_version = versions == 0 && node.path(&["spec", "version"]).is_some();
    Some(Endpoint {
        never_called: versions < 2 && (versions > 0 || single_legacy_version),
        object,
        kind: EndpointKind::CrdConversion,
        name: name.to_string(),
        field_path: field_path.to_string(),
        client_config,
        service: get("service").map(read_service_reference),
        url: get("url"),
        ca_bundle: get("caBundle"),
        insecure_skip_tls_verify: None,
        failure_policy: "Fail",
        timeout_seconds: 30,
        admission: None,
    })
}

fn read_api_service<'a>(object: ObjectId, node: NodeRef<'a>, name: &str) -> Option<Endpoint<'a>> {
    let spec = node.get("spec")?;
    let service = spec.get("service").filter(|n| !n.is_null())?;
    let get = |key: &str| spec.get(key).filter(|n| !n.is_null());
    Some(Endpoint {
        object,
        kind: EndpointKind::ApiService,
        name: name.to_string(),
        field_path: "spec".to_string(),
        client_config: Some(spec),
        service: Some(read_service_reference(service)),
        url: None,
        ca_bundle: get("caBundle"),
        insecure_skip_tls_verify: get("insecureSkipTLSVerify"),
        failure_policy: "Fail",
        timeout_seconds: 5,
        never_called: false,
        admission: None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    use crate::yaml::documents_for_test as documents;

    #[test]
    fn namespaces_default_except_for_cluster_scoped_kinds() {
        let docs = documents(
            "kind: Service\napiVersion: v1\nmetadata: {name: a}\n---\nkind: ValidatingWebhookConfiguration\napiVersion: admissionregistration.k8s.io/v1\nmetadata: {name: b, namespace: x}\n---\nkind: Secret\napiVersion: v1\nmetadata: {name: c, namespace: other}\n",
        );
        let model = Model::build(&docs, "team");
        let namespaces: Vec<&str> = model.objects.iter().map(|o| o.namespace).collect();
        assert_eq!(namespaces, vec!["team", "", "other"]);
        assert!(model.service_index("team", "a").is_some());
        assert!(model.secret("other", "c").is_some());
    }

    #[test]
    fn string_data_wins_over_data() {
        let docs = documents("kind: Secret\napiVersion: v1\nmetadata: {name: s}\ndata: {tls.crt: QQ==, tls.key: Qg==}\nstringData: {tls.crt: plain}\n");
        let model = Model::build(&docs, "default");
        let entry = model.secrets.as_slice()[0].entry("tls.crt").unwrap();
        assert_eq!(entry.encoding, SecretEncoding::Plain);
        assert_eq!(entry.value_node.as_str(), Some("plain"));
        assert_eq!(model.secrets.as_slice()[0].entries.len(), 2);
    }

    #[test]
    fn webhook_defaults_follow_the_api_version() {
        let docs = documents(
            "kind: MutatingWebhookConfiguration\napiVersion: admissionregistration.k8s.io/v1beta1\nmetadata: {name: m}\nwebhooks:\n- name: a\n  clientConfig: {service: {name: s, namespace: n}}\n---\nkind: MutatingWebhookConfiguration\napiVersion: admissionregistration.k8s.io/v1\nmetadata: {name: m2}\nwebhooks:\n- name: b\n  clientConfig: {url: 'https://x'}\n",
        );
        let model = Model::build(&docs, "default");
        assert_eq!(model.endpoints.as_slice()[0].failure_policy, "Ignore");
        assert_eq!(
            model.endpoints.as_slice()[0]
                .service
                .as_ref()
                .unwrap()
                .port(),
            Some(443)
        );
        assert_eq!(model.endpoints.as_slice()[1].failure_policy, "Fail");
        assert!(model.endpoints.as_slice()[1].url.is_some());
    }

    #[test]
    fn pod_templates_of_every_workload_kind_and_projected_secrets() {
        let docs = documents(
            "kind: CronJob\napiVersion: batch/v1\nmetadata: {name: c}\nspec:\n  jobTemplate:\n    spec:\n      template:\n        metadata: {labels: {app: x}}\n        spec:\n          containers: [{name: m, args: ['--webhook-secret-name', 's1']}]\n          volumes:\n          - name: v\n            projected: {sources: [{secret: {name: s2}}, {configMap: {name: c}}]}\n",
        );
        let model = Model::build(&docs, "default");
        let template = &model.pod_templates.as_slice()[0];
        assert_eq!(template.labels, vec![("app", "x")]);
        assert_eq!(template.volumes[0].secrets.as_slice()[0].secret_name, "s2");
        assert_eq!(
            template.containers[0]
                .flag("webhook-secret-name")
                .unwrap()
                .0,
            "s1"
        );
    }

    #[test]
    fn service_accounts_and_optional_secret_volumes() {
        let docs = documents(
            "kind: Pod\napiVersion: v1\nmetadata: {name: p}\nspec:\n  serviceAccount: legacy\n  containers: [{name: m}]\n  volumes:\n  - {name: a, secret: {secretName: s1, optional: true}}\n  - {name: b, secret: {secretName: s2}}\n  - name: c\n    projected: {sources: [{secret: {name: s3, optional: true}}, {secret: {name: s4, optional: false}}]}\n---\nkind: Pod\napiVersion: v1\nmetadata: {name: q}\nspec: {serviceAccountName: new, serviceAccount: legacy, containers: [{name: m}]}\n---\nkind: Pod\napiVersion: v1\nmetadata: {name: r}\nspec: {containers: [{name: m}]}\n",
        );
        let model = Model::build(&docs, "default");
        let names: Vec<&str> = model
            .pod_templates
            .iter()
            .map(|t| t.service_account_name())
            .collect();
        assert_eq!(names, ["legacy", "new", "default"]);
        let optional: Vec<(&str, bool)> = model.pod_templates.as_slice()[0]
            .volumes
            .iter()
            .flat_map(|v| v.secrets.iter().map(|s| (s.secret_name, s.optional)))
            .collect();
        assert_eq!(
            optional,
            [("s1", true), ("s2", false), ("s3", true), ("s4", false)]
        );
    }

    #[test]
    fn a_repeated_flag_ends_with_its_last_value_and_double_dash_ends_flags() {
        let docs = documents(
            "kind: Pod\napiVersion: v1\nmetadata: {name: p}\nspec:\n  containers:\n  - name: m\n    command: [/manager, --secret-name=first]\n    args: [-secret-name, second, --other, x, --, --secret-name=after-dashes]\n",
        );
        let model = Model::build(&docs, "default");
        let container = &model.pod_templates.as_slice()[0].containers[0];
        let values: Vec<&str> = container
            .flag_occurrences("secret-name")
            .iter()
            .map(|(value, _)| *value)
            .collect();
        assert_eq!(values, vec!["first", "second"]);
        assert_eq!(container.flag("secret-name").unwrap().0, "second");
        assert_eq!(container.flag("other").unwrap().0, "x");
        assert!(container.flag("missing").is_none());
    }

    #[test]
    fn single_version_crds_never_call_their_conversion_webhook() {
        let docs = documents(
            "kind: CustomResourceDefinition\napiVersion: apiextensions.k8s.io/v1\nmetadata: {name: a.b}\nspec:\n  versions: [{name: v1}]\n  conversion: {strategy: Webhook, webhook: {clientConfig: {service: {name: s, namespace: n}}}}\n",
        );
        let model = Model::build(&docs, "default");
        assert!(model.endpoints.as_slice()[0].never_called);
    }
}
