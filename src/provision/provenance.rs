//! Provenance, computed once: who makes each serving certificate, who fills each caBundle,
//! and which Secrets the pods behind each endpoint serve from. Rules read it from the
//! context and never re-read the provisioners' objects themselves.

use super::cert_manager::{CertManager, EndpointLinks};
use super::certgen::{self, Generator, Invocation};
use super::provisioning::{InjectTarget, Injector, Provisioner, ProvisionerKind, Provisioning};
use super::rbac::{Authorization, Grant, Request};
use super::{catalogue, cert_manager};
use crate::model::{EndpointId, EndpointKind, List, Model, ObjectId, PodTemplateId};
use crate::resolve::{
    distinct_secrets, serving_secrets, MountedSecret, Resolution, ServedCertificate, ServiceLink,
    Target,
};
use crate::source::Span;

/// How a generator reaches an endpoint's pods.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Link {
    /// The generator runs in the serving container.
    Runs,
    /// The serving container mounts the Secret the generator writes (its volume's name).
    Mounts(Span),
}

/// Everything the provision stage found, for the rules.
pub(crate) struct Provenance<'a> {
    /// Provisioners and injectors of every kind.
    pub(crate) provisioning: Provisioning,
    /// The one reading of the cert-manager objects.
    pub(crate) cert_manager: CertManager<'a>,
    /// The one reading of OpenShift's service-CA annotations.
    pub(crate) service_ca: super::service_ca::ServiceCa<'a>,
    /// Every kube-webhook-certgen `create` and `patch` container.
    pub(crate) certgen_invocations: Vec<Invocation<'a>>,
    /// Run-time generators with the inputs their names come from: certgen `create`
    /// containers, then catalogue operators.
    pub(crate) generators: Vec<Generator>,
    /// By endpoint index: the Secrets its serving pods use.
    mounted: List<EndpointId, Vec<MountedSecret<'a>>>,
    /// By endpoint index: how cert-manager reaches it.
    cert_manager_links: List<EndpointId, EndpointLinks<'a>>,
    /// Workloads RBAC allows to patch a caBundle, on weak evidence only (a grant without
    /// resourceNames, held by a workload that does not serve the endpoint): named in
    /// findings, but they silence nothing.
    pub(crate) injector_candidates: Vec<Injector>,
    /// By endpoint index: where its certificate and its caBundle come from.
    pub(crate) sources: List<EndpointId, EndpointSources>,
    /// By endpoint index, when the Service's selector matches no pod template: templates
    /// that serve its targetPort, lack (not contradict) the selector's labels, and whose RBAC
    /// lets them patch pods: they label their own pods at run time.
    pub(crate) labelled_at_run_time: List<EndpointId, Vec<(PodTemplateId, String)>>,
    /// The authorisation graph of the inputs.
    pub(crate) authorization: Authorization<'a>,
    /// Namespaces the inputs hold objects of (or a Namespace object), and the names of their
    /// Services: what tells a Service of another install from a missing one.
    namespaces: foldhash::HashSet<String>,
    service_names: foldhash::HashSet<&'a str>,
    /// Objects whose inject-ca-from Certificate a workload creates at run time:
    /// (object, what injects, the RBAC rule allowing it).
    pub(crate) run_time_certificates: Vec<(ObjectId, String, crate::source::Span)>,
}

/// Where an endpoint's serving certificate comes from, for the inventory.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum CertificateSource {
    /// A Secret among the rendered inputs.
    Render,
    /// A Secret from a `kubectl get -o yaml` dump.
    Live,
    CertManager,
    Certgen,
    ServiceCa,
    Catalogue(&'static str),
    /// A workload RBAC allows to write the Secret: `Deployment ns/name`.
    Rbac(String),
    /// The API server calls itself (loopback): nothing to provision.
    Loopback,
    Unknown,
}

/// Where an endpoint's caBundle comes from, for the inventory.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum CaBundleSource {
    Literal,
    /// An injector speclint recognises: `cert-manager`, `certgen`, `service-ca`, `catalogue:<id>`.
    Injector(String),
    /// A workload RBAC allows to patch it: `Deployment ns/name`.
    Rbac(String),
    /// `insecureSkipTLSVerify: true`: nothing is verified.
    Insecure,
    Loopback,
    None,
}

#[derive(Clone, Debug)]
pub(crate) struct EndpointSources {
    pub(crate) certificate: CertificateSource,
    pub(crate) ca_bundle: CaBundleSource,
}

impl CertificateSource {
    pub(crate) fn code(&self) -> String {
        match self {
            CertificateSource::Render => "render".into(),
            CertificateSource::Live => "live".into(),
            CertificateSource::CertManager => "cert-manager".into(),
            CertificateSource::Certgen => "certgen".into(),
            CertificateSource::ServiceCa => "service-ca".into(),
            CertificateSource::Catalogue(id) => format!("catalogue:{id}"),
            CertificateSource::Rbac(workload) => format!("rbac:{workload}"),
            CertificateSource::Loopback => "loopback".into(),
            CertificateSource::Unknown => "unknown".into(),
        }
    }

    pub(crate) fn is_known(&self) -> bool {
        *self != CertificateSource::Unknown
    }
}

impl CaBundleSource {
    pub(crate) fn code(&self) -> String {
        match self {
            CaBundleSource::Literal => "literal".into(),
            CaBundleSource::Injector(what) => format!("injector:{what}"),
            CaBundleSource::Rbac(workload) => format!("rbac:{workload}"),
            CaBundleSource::Insecure => "insecure".into(),
            CaBundleSource::Loopback => "loopback".into(),
            CaBundleSource::None => "none".into(),
        }
    }

    pub(crate) fn is_known(&self) -> bool {
        *self != CaBundleSource::None
    }
}

/// The kind of a provisioner, as the inventory names it.
fn kind_code(kind: ProvisionerKind) -> String {
    match kind {
        ProvisionerKind::CertManager => "cert-manager".into(),
        ProvisionerKind::Certgen => "certgen".into(),
        ProvisionerKind::Operator(id) => format!("catalogue:{id}"),
        ProvisionerKind::Rbac => "rbac".into(),
        ProvisionerKind::ServiceCa => "service-ca".into(),
    }
}

impl<'a> Provenance<'a> {
    /// Everything but what the RBAC index gives.
    fn without_rbac(model: &Model<'a>, resolutions: &[Resolution]) -> Provenance<'a> {
        let certgen_invocations = certgen::invocations(model);
        let recognitions = catalogue::recognise(model);
        let mut generators = certgen::generators(model, &certgen_invocations);
        generators.extend(catalogue::generators(model, &recognitions));
        let cert_manager = CertManager::read(model, &generators);

        let mut provisioning = Provisioning::default();
        cert_manager::discover(model, &cert_manager, &mut provisioning);
        provisioning
            .provisioners
            .extend(generators.iter().map(|g| g.provisioner.clone()));
        certgen::discover_injectors(model, &certgen_invocations, &mut provisioning);
        catalogue::discover_injectors(model, &recognitions, &mut provisioning);
        let service_ca = super::service_ca::ServiceCa::read(model);
        super::service_ca::discover(&service_ca, &mut provisioning);

        let mut mounted: List<EndpointId, Vec<MountedSecret<'a>>> =
            vec![Vec::new(); model.endpoints.len()].into();
        for resolution in resolutions {
            if let ServiceLink::Found { backends, .. } = &resolution.service {
                mounted[resolution.endpoint] = serving_secrets(model, backends);
            }
        }
        let mut cert_manager_links: List<EndpointId, EndpointLinks<'a>> =
            vec![EndpointLinks::default(); model.endpoints.len()].into();
        for resolution in resolutions {
            cert_manager_links[resolution.endpoint] =
                cert_manager.links(model, resolution, &mounted[resolution.endpoint]);
        }
        Provenance {
            provisioning,
            cert_manager,
            service_ca,
            certgen_invocations,
            generators,
            mounted,
            cert_manager_links,
            injector_candidates: Vec::new(),
            sources: List::default(),
            labelled_at_run_time: List::default(),
            // Stored once the methods below, which amend the rest, are done reading it.
            authorization: Authorization::default(),
            namespaces: model
                .objects
                .iter()
                .flat_map(|o| {
                    let named = (o.kind == "Namespace").then_some(o.name);
                    std::iter::once(o.namespace).chain(named)
                })
                .collect::<foldhash::HashSet<&str>>()
                .into_iter()
                .map(str::to_string)
                .collect(),
            service_names: model
                .services
                .iter()
                .map(|s| model.objects[s.object].name)
                .collect(),
            run_time_certificates: Vec::new(),
        }
    }

    pub(crate) fn compute(model: &Model<'a>, resolutions: &[Resolution]) -> Provenance<'a> {
        // The RBAC index needs only the model: it is built beside the rest.
        let (authorization, mut provenance) = rayon::join(
            || Authorization::build(model),
            || Self::without_rbac(model, resolutions),
        );
        provenance.provisioning.index();
        provenance.labelled_at_run_time = resolutions
            .iter()
            .map(|r| labelled_at_run_time(model, &authorization, r))
            .collect::<Vec<_>>()
            .into();
        provenance.add_run_time_certificates(model, &authorization);
        provenance.provisioning.index();
        provenance.add_rbac_injectors(model, resolutions, &authorization);
        provenance.provisioning.index();
        provenance.add_rbac_generators(model, resolutions, &authorization);
        provenance.provisioning.index();
        provenance.authorization = authorization;
        provenance.sources = resolutions
            .iter()
            .map(|r| provenance.endpoint_sources(model, r))
            .collect::<Vec<_>>()
            .into();
        provenance
    }

    /// An inject-ca-from naming a Certificate that is not among the inputs, in a namespace
    /// where a workload may create Certificates: that workload makes it at run time, and
    /// cainjector then fills the caBundle.
    fn add_run_time_certificates(&mut self, model: &Model<'a>, authorization: &Authorization<'a>) {
        use super::cert_manager::{Source, Unresolved};
        for injection in &self.cert_manager.injections {
            let Source::Unresolved(Unresolved::NoSuchCertificate { namespace, name }) =
                &injection.source
            else {
                continue;
            };
            let request = Request {
                verb: "create",
                group: "cert-manager.io",
                resource: "certificates",
                namespace: Some(namespace),
                name: Some(name),
            };
            let Some((template, grants)) =
                authorization.may_create(model, &request).into_iter().next()
            else {
                continue;
            };
            let Some(grant) = grants.first() else {
                continue;
            };
            let workload = model.pod_templates[template].object;
            let description = format!(
                "cert-manager cainjector, from Certificate {namespace}/{name} that {} creates at run time (RBAC: {})",
                workload_name(model, workload),
                authorization.describe(model, grant, &request)
            );
            self.run_time_certificates
                .push((injection.object, description.clone(), grant.rule));
            self.provisioning.injectors.push(Injector {
                kind: ProvisionerKind::CertManager,
                description,
                span: injection.value_node.span(),
                object: workload,
                target: InjectTarget::Object(injection.object),
                evidence: vec![(
                    grant.rule,
                    "this rule lets it create the Certificate".into(),
                )],
            });
        }
    }

    /// Workloads RBAC allows to patch the caBundle of an endpoint object nothing else fills.
    /// A grant naming the object, or one held by a workload serving it, establishes the
    /// injector; any other grant only makes a candidate (cert-manager's cainjector may
    /// patch every configuration, yet fills only the annotated ones).
    fn add_rbac_injectors(
        &mut self,
        model: &Model<'a>,
        resolutions: &[Resolution],
        authorization: &Authorization<'a>,
    ) {
        let mut objects: Vec<ObjectId> = model.endpoints.iter().map(|e| e.object).collect();
        objects.dedup();
        // The pod templates serving each endpoint object, in one pass.
        let mut serving_of: foldhash::HashMap<ObjectId, Vec<PodTemplateId>> =
            foldhash::HashMap::default();
        for r in resolutions {
            if let ServiceLink::Found { backends, .. } = &r.service {
                serving_of
                    .entry(model.endpoints[r.endpoint].object)
                    .or_default()
                    .extend(
                        backends.iter().map(|b| b.pod_template).chain(
                            self.labelled_at_run_time[r.endpoint]
                                .iter()
                                .map(|(t, _)| *t),
                        ),
                    );
            }
        }
        let mut established: Vec<Injector> = Vec::new();
        for object in objects {
            if self
                .provisioning
                .injectors_for(model, object)
                .next()
                .is_some()
            {
                continue;
            }
            let target = &model.objects[object];
            let Some((group, resource)) = injectable_resource(target.kind) else {
                continue;
            };
            let serving: &[PodTemplateId] = serving_of.get(&object).map_or(&[], Vec::as_slice);
            let mut allowed: Vec<(PodTemplateId, Grant, Request<'_>)> = Vec::new();
            for verb in ["patch", "update"] {
                let request = Request {
                    verb,
                    group,
                    resource,
                    namespace: None,
                    name: Some(target.name),
                };
                for (template, grants) in authorization.templates_allowed(model, &request) {
                    if let Some(grant) = grants.into_iter().next() {
                        if allowed.iter().all(|(t, _, _)| *t != template) {
                            allowed.push((template, grant, request));
                        }
                    }
                }
            }
            for (template, grant, request) in allowed {
                let established_here = grant.names_object || serving.contains(&template);
                let workload = &model.objects[model.pod_templates[template].object];
                let evidence = authorization.describe(model, &grant, &request);
                let injector = Injector {
                    kind: ProvisionerKind::Rbac,
                    description: format!(
                        "{} {}/{} (RBAC: {evidence})",
                        workload.kind, workload.namespace, workload.name
                    ),
                    span: grant.rule,
                    object: model.pod_templates[template].object,
                    target: InjectTarget::Object(object),
                    evidence: vec![(grant.subject_span, format!("binds {} to it", grant.subject))],
                };
                if established_here {
                    established.push(injector);
                } else {
                    self.injector_candidates.push(injector);
                }
            }
        }
        self.provisioning.injectors.extend(established);
    }

    /// Workloads RBAC allows to write a Secret the serving pods use, when nothing else
    /// makes it. Which names they put in the certificate is not known.
    fn add_rbac_generators(
        &mut self,
        model: &Model<'a>,
        resolutions: &[Resolution],
        authorization: &Authorization<'a>,
    ) {
        let mut seen: foldhash::HashSet<(String, String)> = foldhash::HashSet::default();
        // Added after the loop, so that the index stays valid while it runs.
        let mut found: Vec<Provisioner> = Vec::new();
        let mut self_serving: foldhash::HashSet<PodTemplateId> = foldhash::HashSet::default();
        for resolution in resolutions {
            let ServedCertificate::Undetermined(_) = &resolution.certificate else {
                continue;
            };
            let ServiceLink::Found { backends, .. } = &resolution.service else {
                continue;
            };
            let serving: Vec<PodTemplateId> = backends.iter().map(|b| b.pod_template).collect();
            if self.mounted(resolution.endpoint).is_empty() {
                if let Some(p) = self.self_serving(model, resolution, &serving) {
                    if self_serving.insert(p.pod_templates[0]) {
                        found.push(p);
                    }
                }
                continue;
            }
            let mounted_here: Vec<(String, &'a str)> =
                distinct_secrets(self.mounted(resolution.endpoint))
                    .into_iter()
                    .map(|m| (m.namespace.clone(), m.name))
                    .collect();
            for (namespace, name) in mounted_here {
                let mounted = MountedRef {
                    namespace: &namespace,
                    name,
                };
                let key = (namespace.clone(), name.to_string());
                if seen.contains(&key)
                    || self
                        .provisioning
                        .for_secret(mounted.namespace, mounted.name)
                        .next()
                        .is_some()
                {
                    continue;
                }
                seen.insert(key.clone());
                let request = Request {
                    verb: "update",
                    group: "",
                    resource: "secrets",
                    namespace: Some(mounted.namespace),
                    name: Some(mounted.name),
                };
                let mut writers = authorization.may_create(model, &request);
                for verb in ["update", "patch"] {
                    let request = Request { verb, ..request };
                    for found in authorization.templates_allowed(model, &request) {
                        if writers.iter().all(|(t, _)| *t != found.0) {
                            writers.push(found);
                        }
                    }
                }
                // A pod that needs the Secret to start cannot be the one to create it.
                if model.secret(mounted.namespace, mounted.name).is_none() {
                    writers.retain(|(t, _)| !requires_secret(model, *t, mounted.name));
                }
                // The serving workload itself, else a grant naming the Secret.
                let chosen = writers
                    .iter()
                    .find(|(t, _)| serving.contains(t))
                    .or_else(|| {
                        writers
                            .iter()
                            .find(|(_, g)| g.iter().any(|g| g.names_object))
                    })
                    // Else a workload of the Secret's own namespace (cluster-wide writers,
                    // such as cert-manager's controller, do not count).
                    .or_else(|| {
                        writers.iter().find(|(t, _)| {
                            model.objects[model.pod_templates[*t].object].namespace
                                == mounted.namespace
                        })
                    });
                let Some((template, grants)) = chosen else {
                    continue;
                };
                let Some(grant) = grants.first() else {
                    continue;
                };
                let workload = &model.objects[model.pod_templates[*template].object];
                let evidence = authorization.describe(model, grant, &request);
                found.push(Provisioner {
                    kind: ProvisionerKind::Rbac,
                    description: format!(
                        "{} {}/{} (RBAC: {evidence})",
                        workload.kind, workload.namespace, workload.name
                    ),
                    span: grant.rule,
                    object: model.pod_templates[*template].object,
                    secret: Some(key),
                    dns_names: Vec::new(),
                    ip_addresses: Vec::new(),
                    names_known: false,
                    reuses_without_check: false,
                    pod_templates: Vec::new(),
                });
            }
        }
        self.provisioning.provisioners.extend(found);
    }

    /// Serving pods that mount no Secret and themselves fill the endpoint's caBundle (by an
    /// established RBAC grant) keep a certificate they make: a CA they inject, a leaf they
    /// serve from memory or through the API. Which names it carries is not known.
    fn self_serving(
        &self,
        model: &Model<'a>,
        resolution: &Resolution,
        serving: &[PodTemplateId],
    ) -> Option<Provisioner> {
        let object = model.endpoints[resolution.endpoint].object;
        let injector = self
            .provisioning
            .injectors_for(model, object)
            .find(|i| {
                i.kind == ProvisionerKind::Rbac
                    && serving
                        .iter()
                        .any(|&t| model.pod_templates[t].object == i.object)
            })
            .cloned()?;
        let &template = serving
            .iter()
            .find(|&&t| model.pod_templates[t].object == injector.object)?;
        if !self.provisioning.running_in(template).is_empty() {
            return None;
        }
        Some(Provisioner {
            kind: ProvisionerKind::Rbac,
            description: format!(
                "{}, which fills the caBundle itself and mounts no certificate",
                workload_name(model, injector.object)
            ),
            span: injector.span,
            object: injector.object,
            secret: None,
            dns_names: Vec::new(),
            ip_addresses: Vec::new(),
            names_known: false,
            reuses_without_check: false,
            pod_templates: vec![template],
        })
    }

    /// Provisioners that write a Secret the serving pods use, or run in those pods.
    pub(crate) fn provisioners_for(&self, resolution: &Resolution) -> Vec<&Provisioner> {
        let ServiceLink::Found { backends, .. } = &resolution.service else {
            return Vec::new();
        };
        let mut found: Vec<&Provisioner> = Vec::new();
        for secret in distinct_secrets(self.mounted(resolution.endpoint)) {
            found.extend(self.provisioning.for_secret(&secret.namespace, secret.name));
        }
        for backend in backends {
            found.extend(self.provisioning.running_in(backend.pod_template));
        }
        found.sort_by_key(|p| (p.span.file, p.span.start));
        found.dedup_by_key(|p| (p.span.file, p.span.start));
        found
    }

    fn endpoint_sources(&self, model: &Model<'a>, resolution: &Resolution) -> EndpointSources {
        let endpoint = &model.endpoints[resolution.endpoint];
        if resolution.target == Target::Loopback {
            return EndpointSources {
                certificate: CertificateSource::Loopback,
                ca_bundle: CaBundleSource::Loopback,
            };
        }
        let certificate = match &resolution.certificate {
            ServedCertificate::Found(serving) => {
                if model.objects[model.secrets[serving.secret].object].live {
                    CertificateSource::Live
                } else {
                    CertificateSource::Render
                }
            }
            _ => match self.provisioners_for(resolution).first() {
                Some(p) => match p.kind {
                    ProvisionerKind::CertManager => CertificateSource::CertManager,
                    ProvisionerKind::Certgen => CertificateSource::Certgen,
                    ProvisionerKind::Operator(id) => CertificateSource::Catalogue(id),
                    ProvisionerKind::Rbac => {
                        CertificateSource::Rbac(workload_name(model, p.object))
                    }
                    ProvisionerKind::ServiceCa => CertificateSource::ServiceCa,
                },
                // cainjector copies the CA of a Certificate made at run time: cert-manager
                // issues the serving certificate.
                None if self
                    .run_time_certificates
                    .iter()
                    .any(|(o, _, _)| *o == endpoint.object) =>
                {
                    CertificateSource::CertManager
                }
                None => CertificateSource::Unknown,
            },
        };
        let insecure = endpoint
            .insecure_skip_tls_verify
            .is_some_and(|n| n.as_bool() == Some(true));
        let injector = self
            .provisioning
            .injectors_for(model, endpoint.object)
            .next();
        let ca_bundle = if insecure {
            CaBundleSource::Insecure
        } else if let Some(injector) = injector {
            match injector.kind {
                ProvisionerKind::Rbac => {
                    CaBundleSource::Rbac(workload_name(model, injector.object))
                }
                kind => CaBundleSource::Injector(kind_code(kind)),
            }
        } else if crate::resolve::ca_bundle_is_empty(endpoint) {
            CaBundleSource::None
        } else {
            CaBundleSource::Literal
        };
        EndpointSources {
            certificate,
            ca_bundle,
        }
    }

    /// A Service missing from the inputs that belongs to another install: nothing of its
    /// namespace is among them, and no Service of that name lives elsewhere (which would
    /// make the namespace the likelier mistake).
    pub(crate) fn is_another_installs(&self, namespace: &str, name: &str) -> bool {
        !self.namespaces.contains(namespace) && !self.service_names.contains(name)
    }

    /// The resolutions whose pods serve what the generator makes, with how.
    pub(crate) fn served_by<'r>(
        &self,
        resolutions: &'r [Resolution],
        generator: &Generator,
    ) -> Vec<(&'r Resolution, Link)> {
        let mut served = Vec::new();
        for resolution in resolutions {
            let ServiceLink::Found { backends, .. } = &resolution.service else {
                continue;
            };
            let link = backends.iter().find_map(|backend| {
                if generator.serves_itself
                    && backend.pod_template == generator.pod_template
                    && backend.container.is_none_or(|c| c == generator.container)
                {
                    return Some(Link::Runs);
                }
                let (namespace, name) = generator.provisioner.secret.as_ref()?;
                self.mounted(resolution.endpoint)
                    .iter()
                    .find(|m| {
                        m.pod_template == backend.pod_template
                            && m.namespace == *namespace
                            && m.name == name
                    })
                    .map(|m| Link::Mounts(m.span))
            });
            if let Some(link) = link {
                served.push((resolution, link));
            }
        }
        served
    }

    /// The Secrets the pods behind an endpoint's Service serve from (volumes of the serving
    /// container, else Secrets named by flags), whether or not they are among the inputs.
    pub(crate) fn mounted(&self, endpoint: EndpointId) -> &[MountedSecret<'a>] {
        self.mounted.get(endpoint).map_or(&[], Vec::as_slice)
    }

    /// The pod templates serving an endpoint: those its Service selects, then those that
    /// label their own pods at run time.
    pub(crate) fn serving_templates(&self, resolution: &Resolution) -> Vec<PodTemplateId> {
        let ServiceLink::Found { backends, .. } = &resolution.service else {
            return Vec::new();
        };
        let mut templates: Vec<PodTemplateId> = backends.iter().map(|b| b.pod_template).collect();
        templates.extend(
            (self
                .labelled_at_run_time
                .get(resolution.endpoint)
                .into_iter())
            .flatten()
            .map(|(t, _)| *t),
        );
        templates.dedup();
        templates
    }

    /// How an endpoint is tied to cert-manager.
    pub(crate) fn cert_manager_links(&self, endpoint: EndpointId) -> &EndpointLinks<'a> {
        static EMPTY: std::sync::OnceLock<EndpointLinks<'static>> = std::sync::OnceLock::new();
        self.cert_manager_links
            .get(endpoint)
            .unwrap_or_else(|| EMPTY.get_or_init(EndpointLinks::default))
    }

    /// Certificates that back some endpoint: their CA is injected into it, or the pods
    /// behind it serve their Secret.
    pub(crate) fn cert_manager_backing(&self) -> Vec<bool> {
        let mut backs = vec![false; self.cert_manager.certificates.len()];
        for links in &self.cert_manager_links {
            for &i in links.injected.iter().chain(&links.serving) {
                backs[i] = true;
            }
        }
        backs
    }

    /// The Certificates whose Secrets the pods behind any endpoint of `object` serve from.
    pub(crate) fn cert_manager_serving_object(
        &self,
        model: &Model<'_>,
        object: ObjectId,
    ) -> Vec<usize> {
        let mut serving: Vec<usize> = model
            .endpoints
            .iter_ids()
            .filter(|(_, endpoint)| endpoint.object == object)
            .flat_map(|(i, _)| self.cert_manager_links(i).serving.iter().copied())
            .collect();
        serving.sort_unstable();
        serving.dedup();
        serving
    }
}

struct MountedRef<'r> {
    namespace: &'r str,
    name: &'r str,
}

/// Templates that will carry the selector of the endpoint's Service at run time: none
/// matches it, and these serve its targetPort, carry no contradicting label, and may patch
/// pods in their namespace (longhorn-manager labels its own pod once its webhook is up).
fn labelled_at_run_time(
    model: &Model<'_>,
    authorization: &Authorization<'_>,
    resolution: &Resolution,
) -> Vec<(PodTemplateId, String)> {
    let ServiceLink::Found {
        service,
        port: Some(port),
        backends,
    } = &resolution.service
    else {
        return Vec::new();
    };
    let service = &model.services[*service];
    let Some(target) = service.ports[*port].target_port else {
        return Vec::new();
    };
    let selector = service.selector.as_deref().unwrap_or(&[]);
    if !backends.is_empty() || selector.is_empty() {
        return Vec::new();
    }
    let namespace = model.objects[service.object].namespace;
    let mut found = Vec::new();
    for &t in model.pod_templates_in(namespace) {
        let template = &model.pod_templates[t];
        let contradicts = selector
            .iter()
            .any(|(k, v)| template.labels.iter().any(|(lk, lv)| lk == k && lv != v));
        // Only a declared port is evidence that this workload is the server.
        let declares_port = template
            .containers
            .iter()
            .any(|c| c.ports.iter().any(|p| p.is_target(target)));
        if contradicts || !declares_port {
            continue;
        }
        let request = Request {
            verb: "patch",
            group: "",
            resource: "pods",
            namespace: Some(namespace),
            name: None,
        };
        let grants = authorization.grants_to_template(model, t, &request);
        if let Some(grant) = grants.first() {
            found.push((t, authorization.describe(model, grant, &request)));
        }
    }
    found
}

/// Whether the pods of `template` mount Secret `name` without `optional: true`.
fn requires_secret(model: &Model<'_>, template: PodTemplateId, name: &str) -> bool {
    model.pod_templates[template]
        .volumes
        .iter()
        .flat_map(|v| &v.secrets)
        .any(|s| s.secret_name == name && !s.optional)
}

/// `Deployment ns/name`.
fn workload_name(model: &Model<'_>, object: ObjectId) -> String {
    let object = &model.objects[object];
    format!("{} {}/{}", object.kind, object.namespace, object.name)
}

/// The (group, resource) whose patch fills the caBundle of an endpoint object of `kind`.
fn injectable_resource(kind: &str) -> Option<(&'static str, &'static str)> {
    EndpointKind::from_kind(kind).map(|k| (k.group(), k.resource()))
}
