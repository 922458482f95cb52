//! cert-manager: `Certificate`s that write serving Secrets, their `Issuer`s and
//! `ClusterIssuer`s, and the cainjector annotations that fill caBundles
//! (provisioners.md, "cert-manager").
//!
//! [`CertManager::read`] is the one reading of the inputs; [`discover`] turns it into
//! provisioners and injectors, and the `cert-manager-*` rules judge it.

use super::provisioning::{InjectTarget, Injector, Provisioner, ProvisionerKind, Provisioning};
use crate::model::{EndpointKind, Model, ObjectId, PodTemplateId, SecretId};
pub(crate) use crate::resolve::MountedSecret;
use crate::resolve::Resolution;
use crate::source::Span;
use crate::tls::cert::Certificate as X509;
use crate::tls::hostname::{self, HostnameError};
use crate::tls::ip;
use crate::yaml::NodeRef;

pub(crate) const INJECT_CA_FROM: &str = "cert-manager.io/inject-ca-from";
pub(crate) const INJECT_CA_FROM_SECRET: &str = "cert-manager.io/inject-ca-from-secret";
pub(crate) const INJECT_APISERVER_CA: &str = "cert-manager.io/inject-apiserver-ca";
/// Read by cert-manager before v0.11 only.
pub(crate) const LEGACY_INJECT_CA_FROM: &str = "certmanager.k8s.io/inject-ca-from";
pub(crate) const ALLOW_DIRECT_INJECTION: &str = "cert-manager.io/allow-direct-injection";

const GROUP: &str = "cert-manager.io";
const LEGACY_GROUP: &str = "certmanager.k8s.io";

/// Text kustomize scaffolds (kubebuilder, operator-sdk) leave for `replacements` or `vars`
/// to fill; still present, they mean those never ran.
pub(crate) const PLACEHOLDERS: &[&str] = &[
    "SERVICE_NAMESPACE",
    "SERVICE_NAME",
    "CERTIFICATE_NAMESPACE",
    "CERTIFICATE_NAME",
];

/// The placeholder a value still holds (`SERVICE_NAME`, `$(SERVICE_NAME)`), if any.
pub(crate) fn placeholder(text: &str) -> Option<&'static str> {
    placeholder_tokens(text).into_iter().next()
}

/// Every placeholder a value holds, in order of appearance, once each.
pub(crate) fn placeholder_tokens(text: &str) -> Vec<&'static str> {
    let mut found: Vec<&'static str> = Vec::new();
    let mut rest = text;
    while !rest.is_empty() {
        // Longest first: SERVICE_NAMESPACE before SERVICE_NAME.
        let token = if rest.starts_with("$(") {
            Some("$(...)")
        } else {
            PLACEHOLDERS.iter().copied().find(|p| rest.starts_with(p))
        };
        let step = match token {
            Some(token) => {
                if !found.contains(&token) {
                    found.push(token);
                }
                if token == "$(...)" {
                    rest.find(')').map_or(rest.len(), |i| i + 1)
                } else {
                    token.len()
                }
            }
            None => rest.chars().next().map_or(1, char::len_utf8),
        };
        rest = &rest[step..];
    }
    found
}

/// Key usages of cert-manager's `usages`; every other value is an extended key usage.
const KEY_USAGES: &[&str] = &[
    "signing",
    "digital signature",
    "content commitment",
    "key encipherment",
    "key agreement",
    "data encipherment",
    "cert sign",
    "crl sign",
    "encipher only",
    "decipher only",
];

/// A cert-manager `Certificate` (cert-manager.io, or the legacy certmanager.k8s.io group).
#[derive(Clone, Debug)]
pub(crate) struct CmCertificate<'a> {
    pub(crate) object: ObjectId,
    pub(crate) name: &'a str,
    pub(crate) namespace: String,
    /// certmanager.k8s.io: cert-manager before v0.11.
    pub(crate) legacy: bool,
    pub(crate) dns_names_node: Option<NodeRef<'a>>,
    pub(crate) dns_names: Vec<NodeRef<'a>>,
    pub(crate) ip_addresses_node: Option<NodeRef<'a>>,
    pub(crate) ip_addresses: Vec<NodeRef<'a>>,
    pub(crate) common_name: Option<NodeRef<'a>>,
    /// URI, email or other-name SANs: the certificate has a subjectAltName even without DNS/IP.
    pub(crate) other_sans: bool,
    pub(crate) secret_name: Option<NodeRef<'a>>,
    pub(crate) issuer_ref: Option<NodeRef<'a>>,
    pub(crate) usages: Option<NodeRef<'a>>,
    pub(crate) is_ca: bool,
    pub(crate) secret_template_annotations: Option<NodeRef<'a>>,
}

impl<'a> CmCertificate<'a> {
    /// `namespace/name`.
    pub(crate) fn id(&self) -> String {
        format!("{}/{}", self.namespace, self.name)
    }

    pub(crate) fn dns_name_texts(&self) -> Vec<&'a str> {
        self.dns_names.iter().filter_map(|n| n.as_str()).collect()
    }

    pub(crate) fn ip_address_texts(&self) -> Vec<&'a str> {
        self.ip_addresses
            .iter()
            .filter_map(|n| n.as_str())
            .collect()
    }

    pub(crate) fn common_name_text(&self) -> Option<&'a str> {
        self.common_name.and_then(|n| n.as_str())
    }

    pub(crate) fn secret_name_text(&self) -> Option<&'a str> {
        self.secret_name
            .and_then(|n| n.as_str())
            .filter(|s| !s.is_empty())
    }

    /// Writes the Secret `namespace/name`.
    pub(crate) fn writes(&self, namespace: &str, name: &str) -> bool {
        self.namespace == namespace && self.secret_name_text() == Some(name)
    }

    /// Where to point for the names: `spec.dnsNames`, else `commonName`, else the name.
    pub(crate) fn names_span(&self, model: &Model<'_>) -> Span {
        self.dns_names_node
            .or(self.ip_addresses_node)
            .or(self.common_name)
            .map(|n| n.span())
            .unwrap_or_else(|| model.objects[self.object].name_span())
    }

    /// The names as a reader sees them, for labels.
    pub(crate) fn names_display(&self) -> String {
        let mut names: Vec<&str> = self.dns_name_texts();
        names.extend(self.ip_address_texts());
        match (names.is_empty(), self.common_name_text()) {
            (false, _) => names.join(", "),
            (true, Some(cn)) => format!("no subjectAltName, only commonName {cn}"),
            (true, None) => "no name".to_string(),
        }
    }

    /// The value nodes still holding a kustomize placeholder, with the placeholder.
    pub(crate) fn placeholders(&self) -> Vec<(NodeRef<'a>, &'static str)> {
        self.dns_names
            .iter()
            .copied()
            .chain(self.common_name)
            .filter_map(|n| Some((n, placeholder(n.as_str()?)?)))
            .collect()
    }

    /// The extended key usages `spec.usages` asks for, when it lists some and none is
    /// `server auth` or `any`: Go's Verify then refuses the certificate for a server.
    pub(crate) fn usages_without_server_auth(&self) -> Option<Vec<&'a str>> {
        let usages: Vec<&'a str> = self.usages?.items().filter_map(|n| n.as_str()).collect();
        let extended: Vec<&'a str> = usages
            .iter()
            .copied()
            .filter(|u| !KEY_USAGES.contains(&u.to_ascii_lowercase().as_str()))
            .collect();
        let serves = extended
            .iter()
            .any(|u| matches!(u.to_ascii_lowercase().as_str(), "server auth" | "any"));
        (!extended.is_empty() && !serves).then_some(extended)
    }

    /// The certificate cert-manager will issue, as far as `VerifyHostname` looks at it:
    /// exactly the requested SANs; the commonName is only a subject attribute.
    pub(crate) fn synthetic(&self) -> X509 {
        let dns_names: Vec<String> = self
            .dns_name_texts()
            .into_iter()
            .map(str::to_string)
            .collect();
        let ip_addresses: Vec<std::net::IpAddr> = self
            .ip_address_texts()
            .into_iter()
            .filter_map(ip::parse_ip)
            .collect();
        let has_san_extension =
            !dns_names.is_empty() || !ip_addresses.is_empty() || self.other_sans;
        let mut certificate = X509::for_names(
            dns_names,
            ip_addresses,
            self.common_name_text().map(str::to_string),
        );
        certificate.has_san_extension = has_san_extension;
        certificate.basic_constraints_valid = self.is_ca;
        certificate.is_ca = self.is_ca;
        certificate
    }

    /// Go's `VerifyHostname` of the certificate this Certificate will produce.
    pub(crate) fn verify_hostname(
        &self,
        server_name: &str,
        go: crate::tls::go::Go,
    ) -> Result<(), HostnameError> {
        hostname::verify_hostname(&self.synthetic(), server_name, go)
    }

    /// `issuerRef` as (group, kind, name), defaulted as cert-manager defaults it.
    pub(crate) fn issuer(&self) -> Option<(&'a str, &'a str, &'a str)> {
        let issuer_ref = self.issuer_ref?;
        let text = |key: &str| {
            issuer_ref
                .get(key)
                .and_then(|n| n.as_str())
                .filter(|s| !s.is_empty())
        };
        let default_group = if self.legacy { LEGACY_GROUP } else { GROUP };
        Some((
            text("group").unwrap_or(default_group),
            text("kind").unwrap_or("Issuer"),
            text("name").unwrap_or(""),
        ))
    }
}

/// An `Issuer` (namespaced) or `ClusterIssuer`.
#[derive(Clone, Debug)]
pub(crate) struct CmIssuer<'a> {
    pub(crate) object: ObjectId,
    pub(crate) cluster: bool,
    pub(crate) name: &'a str,
    pub(crate) namespace: String,
    /// `spec.selfSigned`: each certificate is its own CA, so `ca.crt` is the leaf itself.
    pub(crate) self_signed: bool,
    /// `spec.acme`: a public ACME CA (Let's Encrypt) signs, which system roots trust.
    pub(crate) acme: bool,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum AnnotationKind {
    InjectCaFrom,
    InjectCaFromSecret,
    InjectApiserverCa,
    LegacyInjectCaFrom,
}

impl AnnotationKind {
    pub(crate) fn key(self) -> &'static str {
        match self {
            AnnotationKind::InjectCaFrom => INJECT_CA_FROM,
            AnnotationKind::InjectCaFromSecret => INJECT_CA_FROM_SECRET,
            AnnotationKind::InjectApiserverCa => INJECT_APISERVER_CA,
            AnnotationKind::LegacyInjectCaFrom => LEGACY_INJECT_CA_FROM,
        }
    }
}

/// Catalogue provisioners that write their Secret with
/// `cert-manager.io/allow-direct-injection: "true"`: cert-manager's webhook annotates its
/// dynamic serving CA Secret (pkg/server/tls/authority).
const ANNOTATING_OPERATORS: &[&str] = &["cert-manager-webhook"];

/// The Secrets catalogue provisioners write with the allow-direct-injection annotation.
fn annotating_provisioners(
    generators: &[super::certgen::Generator],
) -> Vec<(String, String, ObjectId)> {
    generators
        .iter()
        .map(|g| &g.provisioner)
        .filter(|p| {
            matches!(p.kind, ProvisionerKind::Operator(id) if ANNOTATING_OPERATORS.contains(&id))
        })
        .filter_map(|p| {
            let (namespace, name) = p.secret.clone()?;
            Some((namespace, name, p.object))
        })
        .collect()
}

impl CertManager<'_> {
    /// The object of the catalogue provisioner among the inputs that writes the Secret
    /// `namespace/name` with the allow-direct-injection annotation.
    fn annotating_provisioner(&self, namespace: &str, name: &str) -> Option<ObjectId> {
        self.annotated_secrets
            .iter()
            .find(|(ns, n, _)| ns == namespace && n == name)
            .map(|(_, _, object)| *object)
    }
}

/// Whether a Secret carries `cert-manager.io/allow-direct-injection: "true"`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum DirectInjection {
    Allowed,
    /// Known not to: the Secret among the inputs lacks it, and so do the `secretTemplate`s
    /// of the Certificates that write it.
    Refused,
    /// The Secret is made at run time by a workload; its annotations are unknown.
    Unknown,
}

/// What an inject annotation leads to.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Source {
    /// Index into [`CertManager::certificates`].
    Certificate(usize),
    Secret {
        namespace: String,
        name: String,
        /// Index into `model.secrets`, when the Secret is among the inputs.
        secret: Option<SecretId>,
        /// Indexes into [`CertManager::certificates`] of the Certificates writing it.
        written_by: Vec<usize>,
        /// Pod templates naming it in an argument or env value (it is made at run time).
        made_by: Vec<PodTemplateId>,
        direct: DirectInjection,
    },
    ApiserverCa,
    /// `inject-apiserver-ca` set to anything but `"true"`: nothing is injected, by choice.
    Off,
    Unresolved(Unresolved),
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Unresolved {
    /// Not `<namespace>/<name>`: cainjector logs an error and skips the object.
    Malformed,
    /// Still a kustomize placeholder (the placeholder rule reports it).
    Placeholder(&'static str),
    NoSuchCertificate {
        namespace: String,
        name: String,
    },
    NoSuchSecret {
        namespace: String,
        name: String,
    },
    /// The annotation's group and the Certificate's differ (legacy vs cert-manager.io):
    /// no cainjector reads both.
    GroupMismatch {
        certificate: usize,
    },
}

/// One cainjector annotation on an injectable object.
#[derive(Clone, Debug)]
pub(crate) struct Injection<'a> {
    pub(crate) object: ObjectId,
    pub(crate) kind: AnnotationKind,
    pub(crate) key_node: NodeRef<'a>,
    pub(crate) value_node: NodeRef<'a>,
    pub(crate) value: &'a str,
    pub(crate) source: Source,
}

impl Injection<'_> {
    pub(crate) fn resolves(&self) -> bool {
        match &self.source {
            Source::Certificate(_) | Source::ApiserverCa => true,
            // Allowed needs the Secret, a Certificate writing it, or a catalogue provisioner
            // that makes it annotated at run time.
            Source::Secret { direct, .. } => *direct == DirectInjection::Allowed,
            Source::Off | Source::Unresolved(_) => false,
        }
    }

    /// The Certificates whose `ca.crt` it copies.
    pub(crate) fn certificates(&self) -> Vec<usize> {
        match &self.source {
            Source::Certificate(i) => vec![*i],
            Source::Secret { written_by, .. } => written_by.clone(),
            _ => Vec::new(),
        }
    }
}

/// How an endpoint is tied to cert-manager.
#[derive(Clone, Debug, Default)]
pub(crate) struct EndpointLinks<'a> {
    /// Certificates whose CA cainjector copies into the endpoint's caBundle.
    pub(crate) injected: Vec<usize>,
    /// Every Secret the pods behind the Service mount or name.
    pub(crate) mounted: Vec<MountedSecret<'a>>,
    /// Certificates writing the Secret the pods serve from.
    pub(crate) serving: Vec<usize>,
}

/// Everything cert-manager in the inputs.
#[derive(Clone, Debug, Default)]
pub(crate) struct CertManager<'a> {
    pub(crate) certificates: Vec<CmCertificate<'a>>,
    pub(crate) issuers: Vec<CmIssuer<'a>>,
    pub(crate) injections: Vec<Injection<'a>>,
    /// Secrets `(namespace, name, writer)` a catalogue operator writes with the
    /// allow-direct-injection annotation.
    annotated_secrets: Vec<(String, String, ObjectId)>,
}

impl<'a> CertManager<'a> {
    /// `generators`: the run-time generators among the inputs, some of which annotate the
    /// Secrets they write for direct injection.
    pub(crate) fn read(
        model: &Model<'a>,
        generators: &[super::certgen::Generator],
    ) -> CertManager<'a> {
        let mut found = CertManager {
            annotated_secrets: annotating_provisioners(generators),
            ..CertManager::default()
        };
        for (id, object) in model.objects.iter_ids() {
            let group = object.group();
            if group != GROUP && group != LEGACY_GROUP {
                continue;
            }
            match object.kind {
                "Certificate" => found.certificates.push(read_certificate(model, id)),
                "Issuer" | "ClusterIssuer" => found.issuers.push(CmIssuer {
                    object: id,
                    cluster: object.kind == "ClusterIssuer",
                    name: object.name,
                    namespace: object.namespace.to_string(),
                    self_signed: object.node().path(&["spec", "selfSigned"]).is_some(),
                    acme: object.node().path(&["spec", "acme"]).is_some(),
                }),
                _ => {}
            }
        }
        for (id, object) in model.objects.iter_ids() {
            // cainjector injects into every kind holding endpoints.
            if EndpointKind::from_kind(object.kind).is_none() {
                continue;
            }
            let Some(annotations) = object.annotations() else {
                continue;
            };
            for (key_node, value_node) in annotations.entries() {
                let kind = match key_node.as_str() {
                    Some(INJECT_CA_FROM) => AnnotationKind::InjectCaFrom,
                    Some(INJECT_CA_FROM_SECRET) => AnnotationKind::InjectCaFromSecret,
                    Some(INJECT_APISERVER_CA) => AnnotationKind::InjectApiserverCa,
                    Some(LEGACY_INJECT_CA_FROM) => AnnotationKind::LegacyInjectCaFrom,
                    _ => continue,
                };
                let value = value_node.as_str().unwrap_or("");
                let source = found.source(model, kind, value);
                found.injections.push(Injection {
                    object: id,
                    kind,
                    key_node,
                    value_node,
                    value,
                    source,
                });
            }
        }
        found
    }

    fn source(&self, model: &Model<'a>, kind: AnnotationKind, value: &str) -> Source {
        if kind == AnnotationKind::InjectApiserverCa {
            return if value == "true" {
                Source::ApiserverCa
            } else {
                Source::Off
            };
        }
        if let Some(p) = placeholder(value) {
            return Source::Unresolved(Unresolved::Placeholder(p));
        }
        // cainjector's splitNamespacedName: SplitN on "/", and a namespace is required.
        let Some((namespace, name)) = value.split_once('/').filter(|(ns, _)| !ns.is_empty()) else {
            return Source::Unresolved(Unresolved::Malformed);
        };
        match kind {
            AnnotationKind::InjectCaFrom | AnnotationKind::LegacyInjectCaFrom => {
                let legacy = kind == AnnotationKind::LegacyInjectCaFrom;
                let mut matching = self
                    .certificates
                    .iter()
                    .enumerate()
                    .filter(|(_, c)| c.namespace == namespace && c.name == name);
                match (
                    matching.clone().find(|(_, c)| c.legacy == legacy),
                    matching.next(),
                ) {
                    (Some((i, _)), _) => Source::Certificate(i),
                    (None, Some((i, _))) => {
                        Source::Unresolved(Unresolved::GroupMismatch { certificate: i })
                    }
                    (None, None) => Source::Unresolved(Unresolved::NoSuchCertificate {
                        namespace: namespace.to_string(),
                        name: name.to_string(),
                    }),
                }
            }
            AnnotationKind::InjectCaFromSecret => self.secret_source(model, namespace, name),
            AnnotationKind::InjectApiserverCa => unreachable!("handled above"),
        }
    }

    fn secret_source(&self, model: &Model<'a>, namespace: &str, name: &str) -> Source {
        let secret = model.secret_index(namespace, name);
        let written_by: Vec<usize> = self
            .certificates
            .iter()
            .enumerate()
            .filter(|(_, c)| !c.legacy && c.writes(namespace, name))
            .map(|(i, _)| i)
            .collect();
        let made_by = workloads_naming(model, namespace, name);
        if secret.is_none() && written_by.is_empty() && made_by.is_empty() {
            return Source::Unresolved(Unresolved::NoSuchSecret {
                namespace: namespace.to_string(),
                name: name.to_string(),
            });
        }
        let allows = |annotations: Option<NodeRef<'_>>| {
            annotations
                .and_then(|a| a.get(ALLOW_DIRECT_INJECTION))
                .and_then(|n| n.as_str())
                == Some("true")
        };
        let allowed = secret.is_some_and(|i| {
            let object = &model.objects[model.secrets[i].object];
            allows(object.annotations())
        }) || written_by
            .iter()
            .any(|&i| allows(self.certificates[i].secret_template_annotations));
        let direct = if allowed {
            DirectInjection::Allowed
        } else if secret.is_none() && written_by.is_empty() {
            if self.annotating_provisioner(namespace, name).is_some() {
                DirectInjection::Allowed
            } else {
                DirectInjection::Unknown
            }
        } else {
            DirectInjection::Refused
        };
        Source::Secret {
            namespace: namespace.to_string(),
            name: name.to_string(),
            secret,
            written_by,
            made_by,
            direct,
        }
    }

    /// How an endpoint is tied to cert-manager: what injects its caBundle, what its pods
    /// serve from, and which Certificates write that.
    pub(crate) fn links(
        &self,
        model: &Model<'a>,
        resolution: &Resolution,
        mounted: &[MountedSecret<'a>],
    ) -> EndpointLinks<'a> {
        let endpoint = &model.endpoints[resolution.endpoint];
        let mut injected: Vec<usize> = self
            .injections
            .iter()
            .filter(|i| i.object == endpoint.object && i.resolves())
            .flat_map(|i| i.certificates())
            .collect();
        injected.sort_unstable();
        injected.dedup();
        let mounted = mounted.to_vec();
        // Several certificate Secrets (webhook and metrics): the webhook's is the one the
        // caBundle comes from, else the one mounted where webhook servers look.
        let serving_mounts: Vec<&MountedSecret<'a>> = if mounted.len() > 1 {
            let of_injected: Vec<&MountedSecret<'a>> = mounted
                .iter()
                .filter(|m| {
                    injected
                        .iter()
                        .any(|&c| self.certificates[c].writes(&m.namespace, m.name))
                })
                .collect();
            let by_path: Vec<&MountedSecret<'a>> = mounted
                .iter()
                .filter(|m| {
                    m.mount_path
                        .is_some_and(|p| p.contains("webhook") || p.contains("serving-cert"))
                })
                .collect();
            if !of_injected.is_empty() {
                of_injected
            } else if !by_path.is_empty() {
                by_path
            } else {
                mounted.iter().collect()
            }
        } else {
            mounted.iter().collect()
        };
        let mut serving: Vec<usize> = self
            .certificates
            .iter()
            .enumerate()
            .filter(|(_, c)| {
                serving_mounts
                    .iter()
                    .any(|m| c.writes(&m.namespace, m.name))
            })
            .map(|(i, _)| i)
            .collect();
        serving.dedup();
        EndpointLinks {
            injected,
            mounted,
            serving,
        }
    }

    pub(crate) fn issuer(
        &self,
        cluster: bool,
        namespace: &str,
        name: &str,
    ) -> Option<&CmIssuer<'a>> {
        self.issuers.iter().find(|i| {
            i.cluster == cluster && i.name == name && (cluster || i.namespace == namespace)
        })
    }

    /// The Issuer a Certificate names, when it is a self-signing one among the inputs.
    pub(crate) fn self_signed(&self, certificate: &CmCertificate<'_>) -> bool {
        match certificate.issuer() {
            Some((_, kind, name)) => self
                .issuer(kind == "ClusterIssuer", &certificate.namespace, name)
                .is_some_and(|i| i.self_signed),
            None => false,
        }
    }
}

fn read_certificate<'a>(model: &Model<'a>, id: ObjectId) -> CmCertificate<'a> {
    let object = &model.objects[id];
    let spec = object.node().get("spec");
    let get = |key: &str| spec.and_then(|s| s.get(key)).filter(|n| !n.is_null());
    let items = |node: Option<NodeRef<'a>>| -> Vec<NodeRef<'a>> {
        node.map(|n| n.items().collect()).unwrap_or_default()
    };
    let non_empty = |key: &str| get(key).is_some_and(|n| n.items().next().is_some());
    let dns_names_node = get("dnsNames");
    let ip_addresses_node = get("ipAddresses");
    CmCertificate {
        object: id,
        name: object.name,
        namespace: object.namespace.to_string(),
        legacy: object.group() == LEGACY_GROUP,
        dns_names_node,
        dns_names: items(dns_names_node),
        ip_addresses_node,
        ip_addresses: items(ip_addresses_node),
        common_name: get("commonName"),
        other_sans: non_empty("uris") || non_empty("emailAddresses") || non_empty("otherNames"),
        secret_name: get("secretName"),
        issuer_ref: get("issuerRef"),
        usages: get("usages"),
        is_ca: get("isCA").and_then(|n| n.as_bool()) == Some(true),
        secret_template_annotations: spec.and_then(|s| s.path(&["secretTemplate", "annotations"])),
    }
}

/// Pod templates in `namespace` with an argument or env value naming the Secret: a workload
/// that makes it at run time (cert-manager's own `--dynamic-serving-ca-secret-name`).
fn workloads_naming(model: &Model<'_>, namespace: &str, name: &str) -> Vec<PodTemplateId> {
    model
        .pod_templates_in(namespace)
        .iter()
        .copied()
        .filter(|&t| {
            model.pod_templates[t].containers.iter().any(|c| {
                let in_args = c.arguments.iter().filter_map(|n| n.as_str()).any(|a| {
                    a == name
                        || a.split_once('=')
                            .is_some_and(|(flag, v)| v == name && flag.contains("secret"))
                });
                let in_env = c.env.iter().any(|v| {
                    v.value == crate::model::EnvValue::Literal(name)
                        && v.name.to_ascii_lowercase().contains("secret")
                });
                in_args || in_env
            })
        })
        .collect()
}

pub(crate) fn discover(
    model: &Model<'_>,
    cert_manager: &CertManager<'_>,
    found: &mut Provisioning,
) {
    for certificate in &cert_manager.certificates {
        found.provisioners.push(Provisioner {
            kind: ProvisionerKind::CertManager,
            description: format!("cert-manager Certificate {}", certificate.id()),
            span: certificate.names_span(model),
            object: certificate.object,
            secret: certificate
                .secret_name_text()
                .map(|s| (certificate.namespace.clone(), s.to_string())),
            dns_names: certificate
                .dns_name_texts()
                .into_iter()
                .map(str::to_string)
                .collect(),
            ip_addresses: certificate
                .ip_address_texts()
                .into_iter()
                .map(str::to_string)
                .collect(),
            names_known: true,
            reuses_without_check: false,
            pod_templates: Vec::new(),
        });
    }
    for injection in &cert_manager.injections {
        if !injection.resolves() {
            continue;
        }
        // The object the CA comes from: the Certificate, else the Secret, else the target.
        let source_object = match &injection.source {
            Source::Certificate(i) => cert_manager.certificates[*i].object,
            Source::Secret {
                secret: Some(s), ..
            } => model.secrets[*s].object,
            Source::Secret { written_by, .. } if !written_by.is_empty() => {
                cert_manager.certificates[written_by[0]].object
            }
            Source::Secret {
                namespace, name, ..
            } => cert_manager
                .annotating_provisioner(namespace, name)
                .unwrap_or(injection.object),
            _ => injection.object,
        };
        found.injectors.push(Injector {
            kind: ProvisionerKind::CertManager,
            description: format!(
                "cert-manager cainjector ({}: {})",
                injection.kind.key(),
                injection.value
            ),
            span: injection.value_node.span(),
            object: source_object,
            target: InjectTarget::Object(injection.object),
            evidence: Vec::new(),
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Id;

    use crate::yaml::documents_for_test as documents;

    const SETUP: &str = "apiVersion: cert-manager.io/v1\nkind: Certificate\nmetadata: {name: serving-cert, namespace: sys}\nspec:\n  dnsNames: [svc.sys.svc, svc.sys.svc.cluster.local]\n  secretName: webhook-server-cert\n  issuerRef: {kind: Issuer, name: selfsigned}\n---\napiVersion: cert-manager.io/v1\nkind: Issuer\nmetadata: {name: selfsigned, namespace: sys}\nspec: {selfSigned: {}}\n---\napiVersion: admissionregistration.k8s.io/v1\nkind: ValidatingWebhookConfiguration\nmetadata:\n  name: v\n  annotations:\n    cert-manager.io/inject-ca-from: sys/serving-cert\n    cert-manager.io/inject-ca-from-secret: sys/webhook-server-cert\nwebhooks:\n- name: a\n  clientConfig: {service: {name: svc, namespace: sys}}\n---\napiVersion: apiextensions.k8s.io/v1\nkind: CustomResourceDefinition\nmetadata:\n  name: x.y\n  annotations: {cert-manager.io/inject-ca-from: other/serving-cert, cert-manager.io/inject-apiserver-ca: 'true'}\n---\napiVersion: apiregistration.k8s.io/v1\nkind: APIService\nmetadata:\n  name: v1.x\n  annotations: {cert-manager.io/inject-ca-from: SERVICE_NAMESPACE/serving-cert, certmanager.k8s.io/inject-ca-from: sys/serving-cert}\n";

    #[test]
    fn reads_certificates_and_resolves_annotations() {
        let docs = documents(SETUP);
        let model = Model::build(&docs, "default");
        let cm = CertManager::read(&model, &[]);
        assert_eq!(cm.certificates.len(), 1);
        assert_eq!(cm.issuers.len(), 1);
        assert!(cm.self_signed(&cm.certificates[0]));
        let sources: Vec<&Source> = cm.injections.iter().map(|i| &i.source).collect();
        assert_eq!(sources[0], &Source::Certificate(0));
        // The Secret is written by the Certificate, whose secretTemplate lacks the annotation.
        assert!(matches!(
            sources[1],
            Source::Secret {
                direct: DirectInjection::Refused,
                ..
            }
        ));
        assert!(matches!(
            sources[2],
            Source::Unresolved(Unresolved::NoSuchCertificate { .. })
        ));
        assert_eq!(sources[3], &Source::ApiserverCa);
        assert_eq!(
            sources[4],
            &Source::Unresolved(Unresolved::Placeholder("SERVICE_NAMESPACE"))
        );
        assert_eq!(
            sources[5],
            &Source::Unresolved(Unresolved::GroupMismatch { certificate: 0 })
        );
        let found = crate::provision::Provenance::compute(&model, &[]).provisioning;
        assert_eq!(found.provisioners.len(), 1);
        assert_eq!(
            found.provisioners[0].secret,
            Some(("sys".to_string(), "webhook-server-cert".to_string()))
        );
        assert_eq!(found.injectors.len(), 2);
        assert_eq!(
            found.injectors[0].target,
            InjectTarget::Object(ObjectId::from_index(2))
        );
    }

    #[test]
    fn names_are_verified_as_go_verifies_them() {
        let docs = documents(SETUP);
        let model = Model::build(&docs, "default");
        let cm = CertManager::read(&model, &[]);
        let c = &cm.certificates[0];
        assert!(c
            .verify_hostname("svc.sys.svc", crate::tls::go::Go::GO_1_19)
            .is_ok());
        assert_eq!(
            c.verify_hostname("other.sys.svc", crate::tls::go::Go::GO_1_19).unwrap_err().to_string(),
            "x509: certificate is valid for svc.sys.svc, svc.sys.svc.cluster.local, not other.sys.svc"
        );
        let docs = documents("apiVersion: cert-manager.io/v1\nkind: Certificate\nmetadata: {name: c}\nspec: {commonName: svc.sys.svc, usages: [digital signature, client auth]}\n");
        let model = Model::build(&docs, "default");
        let cm = CertManager::read(&model, &[]);
        let c = &cm.certificates[0];
        assert_eq!(
            c.verify_hostname("svc.sys.svc", crate::tls::go::Go::GO_1_19)
                .unwrap_err()
                .to_string(),
            "x509: certificate relies on legacy Common Name field, use SANs instead"
        );
        assert_eq!(c.usages_without_server_auth(), Some(vec!["client auth"]));
    }

    #[test]
    fn placeholders_are_recognised() {
        assert_eq!(
            placeholder_tokens("SERVICE_NAME.SERVICE_NAMESPACE.svc"),
            vec!["SERVICE_NAME", "SERVICE_NAMESPACE"]
        );
        assert_eq!(
            placeholder_tokens("$(SERVICE_NAME).$(SERVICE_NAMESPACE).svc"),
            vec!["$(...)"]
        );
        assert_eq!(placeholder("$(SERVICE_NAME).x.svc"), Some("$(...)"));
        assert_eq!(placeholder("webhook-service.system.svc"), None);
    }
}
