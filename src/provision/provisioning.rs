//! What provisioners and injectors are, and the list of those found, indexed.

use crate::model::{EndpointKind, Model, ObjectId, PodTemplateId};
use crate::source::Span;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub(crate) enum ProvisionerKind {
    CertManager,
    Certgen,
    /// An operator from the catalogue (`rules/provisioners/<id>.yaml`).
    Operator(&'static str),
    /// A workload the inputs' RBAC allows to write the Secret or patch the caBundle.
    Rbac,
    /// OpenShift's service CA (`service.beta.openshift.io/*` annotations).
    ServiceCa,
}

/// Something that will write a serving certificate into a Secret.
#[derive(Clone, Debug)]
pub(crate) struct Provisioner {
    pub(crate) kind: ProvisionerKind,
    /// For messages: `cert-manager Certificate webhooks/serving-cert`.
    pub(crate) description: String,
    /// Where it is recognised (the Certificate's dnsNames, the Job's `--host`, the flag).
    pub(crate) span: Span,
    pub(crate) object: ObjectId,
    /// The Secret it writes, as (namespace, name); None when it keeps the pair in memory.
    pub(crate) secret: Option<(String, String)>,
    /// DNS names the certificate will carry, with the node each came from when known.
    pub(crate) dns_names: Vec<String>,
    pub(crate) ip_addresses: Vec<String>,
    /// False when the names cannot be predicted (a value only known at run time).
    pub(crate) names_known: bool,
    /// It keeps an existing Secret without checking its names (the upgrade trap).
    pub(crate) reuses_without_check: bool,
    /// Pod templates it runs in, for operators that serve their own certificate.
    pub(crate) pod_templates: Vec<PodTemplateId>,
}

/// What an injector targets.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum InjectTarget {
    /// The object carrying the annotation (cert-manager's cainjector).
    Object(ObjectId),
    /// A webhook configuration by kind (None: both kinds) and name.
    Configuration {
        kind: Option<EndpointKind>,
        name: String,
    },
    Crd(String),
    ApiService(String),
}

/// Something that fills caBundles at run time.
#[derive(Clone, Debug)]
pub(crate) struct Injector {
    pub(crate) kind: ProvisionerKind,
    pub(crate) description: String,
    pub(crate) span: Span,
    pub(crate) object: ObjectId,
    pub(crate) target: InjectTarget,
    /// Further places that prove it (an RBAC rule, the binding), as (span, label).
    pub(crate) evidence: Vec<(Span, String)>,
}

#[derive(Clone, Debug, Default)]
pub(crate) struct Provisioning {
    pub(crate) provisioners: Vec<Provisioner>,
    pub(crate) injectors: Vec<Injector>,
    /// Provisioners by the Secret they write and by the pod template they run in, and
    /// injectors by the object they target, as of [`Provisioning::index`]; stale entries
    /// are never used (the lengths tell).
    index: Index,
}

#[derive(Clone, Debug, Default)]
struct Index {
    provisioners: usize,
    injectors: usize,
    by_secret: foldhash::HashMap<(String, String), Vec<usize>>,
    by_template: foldhash::HashMap<PodTemplateId, Vec<usize>>,
    by_object: foldhash::HashMap<ObjectId, Vec<usize>>,
    /// Injectors targeting by name (a configuration, CRD or APIService).
    by_name: foldhash::HashMap<String, Vec<usize>>,
}

impl Provisioner {
    /// Go's `VerifyHostname` against the certificate this provisioner will issue.
    pub(crate) fn verify_hostname(
        &self,
        server_name: &str,
        go: crate::tls::go::Go,
    ) -> Result<(), crate::tls::hostname::HostnameError> {
        let ips = self
            .ip_addresses
            .iter()
            .filter_map(|ip| crate::tls::ip::parse_ip(ip))
            .collect();
        let certificate =
            crate::tls::cert::Certificate::for_names(self.dns_names.clone(), ips, None);
        crate::tls::hostname::verify_hostname(&certificate, server_name, go)
    }
}

impl Provisioning {
    /// Injectors that fill the caBundle of an endpoint's object.
    pub(crate) fn injectors_for<'p>(
        &'p self,
        model: &Model<'_>,
        object: ObjectId,
    ) -> impl Iterator<Item = &'p Injector> + 'p {
        let target = &model.objects[object];
        let kind = EndpointKind::from_kind(target.kind);
        let name = target.name.to_string();
        let candidates: Box<dyn Iterator<Item = &'p Injector> + 'p> =
            if self.index.injectors == self.injectors.len() && !self.injectors.is_empty() {
                let mut at: Vec<usize> = self
                    .index
                    .by_object
                    .get(&object)
                    .into_iter()
                    .chain(self.index.by_name.get(&name))
                    .flatten()
                    .copied()
                    .collect();
                at.sort_unstable();
                Box::new(at.into_iter().map(move |i| &self.injectors[i]))
            } else {
                Box::new(self.injectors.iter())
            };
        candidates.filter(move |injector| match &injector.target {
            InjectTarget::Object(id) => *id == object,
            InjectTarget::Configuration { kind: k, name: n } => {
                *n == name
                    && kind.is_some_and(EndpointKind::is_admission)
                    && k.is_none_or(|k| Some(k) == kind)
            }
            InjectTarget::Crd(n) => kind == Some(EndpointKind::CrdConversion) && *n == name,
            InjectTarget::ApiService(n) => kind == Some(EndpointKind::ApiService) && *n == name,
        })
    }

    /// Provisioners that write the Secret `namespace/name`.
    pub(crate) fn for_secret<'p>(
        &'p self,
        namespace: &'p str,
        name: &'p str,
    ) -> Box<dyn Iterator<Item = &'p Provisioner> + 'p> {
        if self.index.provisioners == self.provisioners.len() && !self.provisioners.is_empty() {
            let found = self
                .index
                .by_secret
                .get(&(namespace.to_string(), name.to_string()))
                .map_or(&[][..], Vec::as_slice);
            return Box::new(found.iter().map(move |&i| &self.provisioners[i]));
        }
        Box::new(self.provisioners.iter().filter(move |p| {
            p.secret
                .as_ref()
                .is_some_and(|(ns, n)| ns == namespace && n == name)
        }))
    }

    /// Provisioners that run in pod template `template`.
    pub(crate) fn running_in(&self, template: PodTemplateId) -> Vec<&Provisioner> {
        if self.index.provisioners == self.provisioners.len() {
            return self
                .index
                .by_template
                .get(&template)
                .map_or(&[][..], Vec::as_slice)
                .iter()
                .map(|&i| &self.provisioners[i])
                .collect();
        }
        self.provisioners
            .iter()
            .filter(|p| p.pod_templates.contains(&template))
            .collect()
    }

    /// Indexes what was found so far; call again after adding more.
    pub(crate) fn index(&mut self) {
        let mut index = Index {
            provisioners: self.provisioners.len(),
            injectors: self.injectors.len(),
            ..Index::default()
        };
        for (i, p) in self.provisioners.iter().enumerate() {
            if let Some(secret) = &p.secret {
                index.by_secret.entry(secret.clone()).or_default().push(i);
            }
            for &t in &p.pod_templates {
                index.by_template.entry(t).or_default().push(i);
            }
        }
        for (i, injector) in self.injectors.iter().enumerate() {
            match &injector.target {
                InjectTarget::Object(object) => index.by_object.entry(*object).or_default().push(i),
                InjectTarget::Configuration { name, .. }
                | InjectTarget::Crd(name)
                | InjectTarget::ApiService(name) => {
                    index.by_name.entry(name.clone()).or_default().push(i)
                }
            }
        }
        self.index = index;
    }
}
