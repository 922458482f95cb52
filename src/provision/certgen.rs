//! kube-webhook-certgen (ingress-nginx, kube-prometheus-stack and many others): `create`
//! Jobs write a CA and a serving certificate for `--host` into `--secret-name`, `patch`
//! Jobs copy that CA into the caBundles of `--webhook-name` / `--apiservice-name`.
//!
//! Also home of [`Generator`], the view the naming rules take of any run-time certificate
//! generator (certgen `create` or a catalogue operator), and of the helpers that link a
//! generator to the endpoints it serves.

use super::provisioning::{InjectTarget, Injector, Provisioner, ProvisionerKind, Provisioning};
use crate::model::{Container, EndpointKind, Model, ObjectId, PodTemplateId};
use crate::source::Span;
use crate::yaml::NodeRef;
use std::net::IpAddr;

/// Image names that identify kube-webhook-certgen, wherever it is mirrored.
const IMAGES: &[&str] = &["kube-webhook-certgen"];

/// One certgen container of a Job, CronJob or Pod.
#[derive(Clone, Debug)]
pub(crate) struct Invocation<'a> {
    /// The workload the container runs in.
    pub(crate) object: ObjectId,
    pub(crate) pod_template: PodTemplateId,
    pub(crate) container: usize,
    pub(crate) command: Command<'a>,
}

#[derive(Clone, Debug)]
pub(crate) enum Command<'a> {
    Create(Create<'a>),
    Patch(Patch<'a>),
}

/// A flag's value after `$(VAR)` expansion, with the argument it came from.
#[derive(Clone, Debug)]
pub(crate) struct FlagValue<'a> {
    pub(crate) value: String,
    pub(crate) node: NodeRef<'a>,
}

#[derive(Clone, Debug)]
pub(crate) struct Create<'a> {
    /// `--host`, split on commas as certgen splits it.
    pub(crate) hosts: Vec<String>,
    pub(crate) host: Option<FlagValue<'a>>,
    /// `--namespace`, else the pod's namespace.
    pub(crate) namespace: String,
    pub(crate) secret_name: Option<FlagValue<'a>>,
    /// False when a host keeps a `$(VAR)` the container's env does not define.
    pub(crate) names_known: bool,
    /// The `create` argument.
    pub(crate) command_node: NodeRef<'a>,
}

/// A boolean flag as pflag reads it: `--x` is true, `--x=false` false, absent the default.
#[derive(Clone, Copy, Debug)]
pub(crate) struct BoolFlag<'a> {
    pub(crate) value: bool,
    pub(crate) node: Option<NodeRef<'a>>,
}

#[derive(Clone, Debug)]
pub(crate) struct Patch<'a> {
    pub(crate) webhook_name: Option<FlagValue<'a>>,
    pub(crate) apiservice_name: Option<FlagValue<'a>>,
    pub(crate) patch_validating: BoolFlag<'a>,
    pub(crate) patch_mutating: BoolFlag<'a>,
    pub(crate) namespace: String,
    pub(crate) secret_name: Option<FlagValue<'a>>,
    /// The `patch` argument.
    pub(crate) command_node: NodeRef<'a>,
}

impl Patch<'_> {
    /// The configuration kinds it patches, in the order certgen patches them.
    pub(crate) fn kinds(&self) -> Vec<EndpointKind> {
        let mut kinds = Vec::new();
        if self.patch_validating.value {
            kinds.push(EndpointKind::ValidatingWebhook);
        }
        if self.patch_mutating.value {
            kinds.push(EndpointKind::MutatingWebhook);
        }
        kinds
    }
}

pub(crate) fn is_certgen_image(image: Option<&str>) -> bool {
    image.is_some_and(|image| IMAGES.iter().any(|name| image.contains(name)))
}

/// Every certgen `create` and `patch` container among the inputs.
pub(crate) fn invocations<'a>(model: &Model<'a>) -> Vec<Invocation<'a>> {
    let mut found = Vec::new();
    for (pod_template, template) in model.pod_templates.iter_ids() {
        let object = &model.objects[template.object];
        for (index, container) in template.containers.iter().enumerate() {
            if !is_certgen_image(container.image) {
                continue;
            }
            let Some(command) = read_command(container, object.namespace) else {
                continue;
            };
            found.push(Invocation {
                object: template.object,
                pod_template,
                container: index,
                command,
            });
        }
    }
    found
}

fn read_command<'a>(container: &Container<'a>, pod_namespace: &str) -> Option<Command<'a>> {
    let command_node = container
        .arguments
        .iter()
        .find(|n| matches!(n.as_str(), Some("create" | "patch")))
        .copied()?;
    let flag = |name: &str| {
        container.flag(name).map(|(value, node)| FlagValue {
            value: container.expand(value, pod_namespace),
            node,
        })
    };
    let namespace = flag("namespace")
        .map(|f| f.value)
        .filter(|ns| !ns.is_empty())
        .unwrap_or_else(|| pod_namespace.to_string());
    let secret_name = flag("secret-name");
    Some(match command_node.as_str() {
        Some("create") => {
            let host = flag("host");
            let hosts: Vec<String> = host
                .as_ref()
                .map(|h| h.value.split(',').map(str::to_string).collect())
                .unwrap_or_default();
            let names_known = host.is_some() && hosts.iter().all(|h| !h.contains("$("));
            Command::Create(Create {
                hosts,
                host,
                namespace,
                secret_name,
                names_known,
                command_node,
            })
        }
        _ => Command::Patch(Patch {
            webhook_name: flag("webhook-name").filter(|f| !f.value.is_empty()),
            apiservice_name: flag("apiservice-name").filter(|f| !f.value.is_empty()),
            patch_validating: bool_flag(container, "patch-validating", true),
            patch_mutating: bool_flag(container, "patch-mutating", true),
            namespace,
            secret_name,
            command_node,
        }),
    })
}

/// A boolean flag as Go's `flag` and pflag read it: bare is true, `=v` is `strconv.ParseBool(v)`.
/// An unparseable value makes the program exit; it is read as the default here.
pub(crate) fn bool_flag<'a>(container: &Container<'a>, name: &str, default: bool) -> BoolFlag<'a> {
    let mut found = BoolFlag {
        value: default,
        node: None,
    };
    for node in &container.arguments {
        let Some(text) = node.as_str() else { continue };
        let bare = text.trim_start_matches('-');
        if bare.len() == text.len() || bare.len() + 2 < text.len() {
            continue;
        }
        if bare == name {
            found = BoolFlag {
                value: true,
                node: Some(*node),
            };
        } else if let Some(value) = bare.strip_prefix(name).and_then(|r| r.strip_prefix('=')) {
            found = BoolFlag {
                value: parse_bool(value).unwrap_or(default),
                node: Some(*node),
            };
        }
    }
    found
}

/// Go's `strconv.ParseBool`.
pub(crate) fn parse_bool(text: &str) -> Option<bool> {
    match text {
        "1" | "t" | "T" | "TRUE" | "true" | "True" => Some(true),
        "0" | "f" | "F" | "FALSE" | "false" | "False" => Some(false),
        _ => None,
    }
}

/// Splits names as the generators do: those that parse as an IP become IP SANs.
pub(crate) fn split_names(names: &[String]) -> (Vec<String>, Vec<String>) {
    let mut dns = Vec::new();
    let mut ips = Vec::new();
    for name in names {
        if name.parse::<IpAddr>().is_ok() {
            ips.push(name.clone());
        } else {
            dns.push(name.clone());
        }
    }
    (dns, ips)
}

/// Which input decides the names a generator issues for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum NameRole {
    /// The Service name, completed with the namespace into `<svc>.<ns>.svc`.
    Service,
    Namespace,
    /// A list of names taken as they are (`--host`, `AGENT_INJECT_TLS_AUTO_HOSTS`).
    Hosts,
}

/// How a user changes an input.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Setting {
    /// A flag as written or as the program spells it (`--host`, `-s`); `separate` when its
    /// value is the next argument; `repeated` when each occurrence adds to a list.
    Flag {
        spelled: String,
        separate: bool,
        repeated: bool,
    },
    Env(String),
    /// Compiled into the program: only the other side can change.
    Fixed,
}

impl Setting {
    /// The edit that sets it to `value`, in backquotes.
    pub(crate) fn edit(&self, value: &str) -> String {
        match self {
            Setting::Flag {
                spelled,
                separate: true,
                ..
            } => format!("`{spelled} {value}`"),
            Setting::Flag { spelled, .. } => format!("`{spelled}={value}`"),
            Setting::Env(name) => format!("env `{name}: {value}`"),
            Setting::Fixed => format!("`{value}`"),
        }
    }
}

#[derive(Clone, Debug)]
pub(crate) struct NameInput {
    pub(crate) role: NameRole,
    /// The value in effect (after expansion and defaults).
    pub(crate) value: String,
    pub(crate) setting: Setting,
    /// Where the value is written; None for a compiled-in default.
    pub(crate) span: Option<Span>,
}

/// A run-time certificate generator as the naming rules see it.
#[derive(Clone, Debug)]
pub(crate) struct Generator {
    pub(crate) provisioner: Provisioner,
    /// The pod template and container it runs in.
    pub(crate) pod_template: PodTemplateId,
    pub(crate) container: usize,
    /// It serves the certificate itself (an operator), rather than writing it for others
    /// (a Job).
    pub(crate) serves_itself: bool,
    /// The inputs the names come from, for help texts.
    pub(crate) name_inputs: Vec<NameInput>,
    /// `--secret-name` of a certgen `create`, for its own rule.
    pub(crate) secret_span: Option<Span>,
}

/// The generators certgen `create` containers amount to.
pub(crate) fn generators(model: &Model<'_>, invocations: &[Invocation<'_>]) -> Vec<Generator> {
    invocations
        .iter()
        .filter_map(|invocation| {
            let Command::Create(create) = &invocation.command else {
                return None;
            };
            let object = &model.objects[invocation.object];
            let (dns_names, ip_addresses) = split_names(&create.hosts);
            let span = create
                .host
                .as_ref()
                .map(|h| h.node.span())
                .unwrap_or_else(|| create.command_node.span());
            let name_inputs = create
                .host
                .as_ref()
                .map(|h| NameInput {
                    role: NameRole::Hosts,
                    value: h.value.clone(),
                    setting: flag_setting(h.node, "host"),
                    span: Some(h.node.span()),
                })
                .into_iter()
                .collect();
            Some(Generator {
                provisioner: Provisioner {
                    kind: ProvisionerKind::Certgen,
                    description: format!(
                        "kube-webhook-certgen create in {} {}/{}",
                        object.kind, object.namespace, object.name
                    ),
                    span,
                    object: invocation.object,
                    secret: create
                        .secret_name
                        .as_ref()
                        .map(|s| (create.namespace.clone(), s.value.clone())),
                    dns_names,
                    ip_addresses,
                    names_known: create.names_known,
                    reuses_without_check: true,
                    pod_templates: Vec::new(),
                },
                pod_template: invocation.pod_template,
                container: invocation.container,
                serves_itself: false,
                name_inputs,
                secret_span: create.secret_name.as_ref().map(|s| s.node.span()),
            })
        })
        .collect()
}

/// How the argument `node` spells flag `name`: `--host=x` or `-s x`.
pub(crate) fn flag_setting(node: NodeRef<'_>, name: &str) -> Setting {
    let text = node.as_str().unwrap_or("");
    let dashes = text.len() - text.trim_start_matches('-').len();
    if dashes == 0 {
        // The value node of `-s x`: the flag itself is the argument before it.
        return Setting::Flag {
            spelled: format!("-{name}"),
            separate: true,
            repeated: false,
        };
    }
    Setting::Flag {
        spelled: format!("{}{name}", &text[..dashes]),
        separate: !text.contains('='),
        repeated: false,
    }
}

/// Whether a `patch` reads its CA from a Secret that no `create` among `invocations` writes
/// and that is not among the inputs either (certgen then exits: `no secret with ...`).
/// Without any `create` among the inputs, the Secret may come from elsewhere: false.
pub(crate) fn patch_secret_missing(
    model: &Model<'_>,
    invocations: &[Invocation<'_>],
    patch: &Patch<'_>,
) -> bool {
    let Some(secret) = &patch.secret_name else {
        return false;
    };
    let creates: Vec<&Create<'_>> = invocations
        .iter()
        .filter_map(|i| match &i.command {
            Command::Create(create) => Some(create),
            Command::Patch(_) => None,
        })
        .collect();
    let written = creates.iter().any(|create| {
        create.namespace == patch.namespace
            && create.secret_name.as_ref().map(|s| s.value.as_str()) == Some(secret.value.as_str())
    });
    let present = model.secrets.iter().any(|s| {
        let object = &model.objects[s.object];
        object.name == secret.value && object.namespace == patch.namespace
    });
    !creates.is_empty() && !written && !present
}

/// The caBundles certgen `patch` containers fill.
pub(crate) fn discover_injectors(
    model: &Model<'_>,
    all: &[Invocation<'_>],
    found: &mut Provisioning,
) {
    for invocation in all {
        let Command::Patch(patch) = &invocation.command else {
            continue;
        };
        // A patch that will find no CA fills nothing (certgen-patch-missing says why).
        if patch_secret_missing(model, all, patch) {
            continue;
        }
        let object = &model.objects[invocation.object];
        let description = format!(
            "kube-webhook-certgen patch in {} {}/{}",
            object.kind, object.namespace, object.name
        );
        if let Some(name) = &patch.webhook_name {
            for kind in patch.kinds() {
                found.injectors.push(Injector {
                    kind: ProvisionerKind::Certgen,
                    description: description.clone(),
                    span: name.node.span(),
                    object: invocation.object,
                    target: InjectTarget::Configuration {
                        kind: Some(kind),
                        name: name.value.clone(),
                    },
                    evidence: Vec::new(),
                });
            }
        }
        if let Some(name) = &patch.apiservice_name {
            found.injectors.push(Injector {
                kind: ProvisionerKind::Certgen,
                description: description.clone(),
                span: name.node.span(),
                object: invocation.object,
                target: InjectTarget::ApiService(name.value.clone()),
                evidence: Vec::new(),
            });
        }
    }
}

/// A synthetic leaf carrying exactly these SANs, for Go's `VerifyHostname`.
pub(crate) fn synthetic_certificate(
    dns_names: &[String],
    ip_addresses: &[String],
) -> crate::tls::cert::Certificate {
    let ips = ip_addresses
        .iter()
        .filter_map(|ip| match ip.parse::<IpAddr>().ok()? {
            // Go marshals IPv4 SANs in their 4-byte form, and so parses them back.
            IpAddr::V6(v6) => Some(
                v6.to_ipv4_mapped()
                    .map(IpAddr::V4)
                    .unwrap_or(IpAddr::V6(v6)),
            ),
            v4 => Some(v4),
        })
        .collect();
    let mut certificate = crate::tls::cert::Certificate::for_names(dns_names.to_vec(), ips, None);
    certificate.has_san_extension = true;
    certificate
}

/// Go's verdict on whether a certificate for these names is valid for `server_name`:
/// None when it is, else Go's message.
pub(crate) fn names_refuse(
    dns_names: &[String],
    ip_addresses: &[String],
    server_name: &str,
    go: crate::tls::go::Go,
) -> Option<String> {
    let certificate = synthetic_certificate(dns_names, ip_addresses);
    crate::tls::hostname::verify_hostname(&certificate, server_name, go)
        .err()
        .map(|e| e.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    use crate::yaml::documents_for_test as documents;

    const JOBS: &str = r#"
apiVersion: batch/v1
kind: Job
metadata: {name: create, namespace: ingress}
spec:
  template:
    spec:
      containers:
      - name: create
        image: registry.k8s.io/ingress-nginx/kube-webhook-certgen:v1.6.9@sha256:0123
        args:
        - create
        - --host=svc,svc.$(POD_NAMESPACE).svc,10.0.0.1
        - --namespace=$(POD_NAMESPACE)
        - --secret-name=admission
        env:
        - name: POD_NAMESPACE
          valueFrom: {fieldRef: {fieldPath: metadata.namespace}}
---
apiVersion: batch/v1
kind: Job
metadata: {name: patch, namespace: ingress}
spec:
  template:
    spec:
      containers:
      - name: patch
        image: jettech/kube-webhook-certgen:v1.5.1
        args: [patch, --webhook-name=admission, --patch-mutating=false, --apiservice-name=v1.x.io]
"#;

    #[test]
    fn create_and_patch_are_read() {
        let docs = documents(JOBS);
        let model = Model::build(&docs, "default");
        let found = invocations(&model);
        assert_eq!(found.len(), 2);
        let Command::Create(create) = &found[0].command else {
            panic!("create first")
        };
        assert_eq!(create.hosts, ["svc", "svc.ingress.svc", "10.0.0.1"]);
        assert_eq!(create.namespace, "ingress");
        assert!(create.names_known);
        let Command::Patch(patch) = &found[1].command else {
            panic!("patch second")
        };
        assert_eq!(patch.kinds(), [EndpointKind::ValidatingWebhook]);
        assert_eq!(patch.apiservice_name.as_ref().unwrap().value, "v1.x.io");

        let provisioning = crate::provision::Provenance::compute(&model, &[]).provisioning;
        let p = &provisioning.provisioners[0];
        assert_eq!(p.dns_names, ["svc", "svc.ingress.svc"]);
        assert_eq!(p.ip_addresses, ["10.0.0.1"]);
        assert_eq!(p.secret, Some(("ingress".into(), "admission".into())));
        assert!(p.reuses_without_check);
        assert_eq!(provisioning.injectors.len(), 2);
    }

    #[test]
    fn names_are_judged_by_go_rules() {
        let dns = vec!["svc".to_string(), "svc.ns.svc".to_string()];
        let ips = vec!["10.0.0.1".to_string()];
        assert_eq!(
            names_refuse(&dns, &ips, "svc.ns.svc", crate::tls::go::Go::GO_1_19),
            None
        );
        assert_eq!(
            names_refuse(&dns, &ips, "other.ns.svc", crate::tls::go::Go::GO_1_19).as_deref(),
            Some("x509: certificate is valid for svc, svc.ns.svc, not other.ns.svc")
        );
        assert_eq!(
            names_refuse(&dns, &ips, "10.0.0.1", crate::tls::go::Go::GO_1_19),
            None
        );
        assert_eq!(
            names_refuse(&dns, &[], "10.0.0.1", crate::tls::go::Go::GO_1_19).as_deref(),
            Some("x509: cannot validate certificate for 10.0.0.1 because it doesn't contain any IP SANs")
        );
    }

    #[test]
    fn bool_flags_read_like_pflag() {
        let docs = documents(
            "kind: Pod\napiVersion: v1\nmetadata: {name: p}\nspec:\n  containers:\n  - {name: c, args: [--a, --b=false, --c=bogus]}\n",
        );
        let model = Model::build(&docs, "default");
        let c = &model.pod_templates.as_slice()[0].containers[0];
        assert!(bool_flag(c, "a", false).value);
        assert!(!bool_flag(c, "b", true).value);
        assert!(bool_flag(c, "c", true).value);
        assert!(!bool_flag(c, "d", false).value);
        assert!(bool_flag(c, "d", false).node.is_none());
    }
}
