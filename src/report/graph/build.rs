//! Builds the trust graph from what the pipeline resolved: for each endpoint, its call
//! (configuration → Service:port → workload → Secret → certificate → CA), who makes the
//! certificate, and the caBundle it is checked against with who fills it. Findings go on
//! the edge of the step they are about; endpoints that share an object share its node.

use super::nodes::{wrap, Edge, EndpointPath, Graph, Node, NodeKind, Status};
use crate::diagnostic::{Diagnostic, ObjectRef, Severity};
use crate::model::{Id, Model, ObjectId};
use crate::provision::provenance::{CaBundleSource, CertificateSource};
use crate::provision::Provenance;
use crate::resolve::{Resolution, ServedCertificate, ServiceLink, Target};
use crate::untrusted::escape;

/// The step of a call a finding is about, and so the edge it is drawn on.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Step {
    /// Configuration → Service, URL or API server.
    Call,
    /// Service → the pods behind it.
    Backend,
    /// Pods → the Secret they serve.
    Mount,
    /// Secret → the certificate in it, checked against the name called.
    Serve,
    /// Certificate → the CA that signed it.
    Chain,
    /// What is made → who makes it.
    Provision,
    /// Configuration → caBundle, and whoever fills it.
    Trust,
}

/// The step a rule's findings are about; `None`: the endpoint as a whole (its safety).
fn step_of(rule: &str) -> Option<Step> {
    Some(match rule {
        "webhook-client-config"
        | "configuration-collision"
        | "webhook-service-missing"
        | "webhook-service-port"
        | "webhook-loopback" => Step::Call,
        "webhook-target-port" | "service-selects-no-pods" | "webhook-network-policy" => {
            Step::Backend
        }
        "serving-secret-missing"
        | "certgen-secret-not-mounted"
        | "cert-manager-secret-name"
        | "service-ca-secret-name" => Step::Mount,
        "certificate-decode"
        | "serving-key"
        | "certificate-undetermined"
        | "webhook-hostname"
        | "upgrade-trap"
        | "certificate-expired"
        | "certificate-expiring"
        | "certificate-key-usage"
        | "weak-key"
        | "version-dependent-verdict"
        | "service-ca-dns-names" => Step::Serve,
        "webhook-unknown-authority" | "certificate-chain" => Step::Chain,
        "cert-manager-dns-names"
        | "cert-manager-issuer-ref"
        | "cert-manager-usages"
        | "provisioner-names"
        | "generator-service-name" => Step::Provision,
        "ca-bundle-empty"
        | "insecure-skip-tls-verify"
        | "cert-manager-inject-unresolved"
        | "cert-manager-placeholder"
        | "cert-manager-ca-bundle-overwritten"
        | "service-ca-inject-missing"
        | "certgen-patch-missing"
        | "certgen-patch-kind" => Step::Trust,
        _ => return None,
    })
}

/// Labels and names are cut to this many characters: a picture, not a report.
const LABEL_CHARS: usize = 72;
/// A finding's verdict on an edge: long enough for two DNS names, wrapped when drawn.
const VERDICT_CHARS: usize = 200;
/// Why a certificate is not known, wrapped at this many characters a line.
const REASON_WIDTH: usize = 48;
/// SANs and webhooks listed in a node before `+N more`.
const LISTED: usize = 3;

pub(crate) fn build(
    model: &Model<'_>,
    resolutions: &[Resolution],
    provenance: &Provenance<'_>,
    diagnostics: &[Diagnostic],
) -> Graph {
    let mut by_object: foldhash::HashMap<&ObjectRef, Vec<&Diagnostic>> =
        foldhash::HashMap::default();
    for d in diagnostics {
        if let Some(object) = &d.object {
            by_object.entry(object).or_default().push(d);
        }
    }
    let mut builder = Builder::default();
    // The webhooks of each configuration, listed on its node, and whether they call
    // different targets (then each call edge is named after its webhook).
    let mut webhooks: foldhash::HashMap<ObjectId, Vec<String>> = foldhash::HashMap::default();
    let mut targets: foldhash::HashMap<ObjectId, foldhash::HashSet<String>> =
        foldhash::HashMap::default();
    for resolution in resolutions {
        let endpoint = &model.endpoints[resolution.endpoint];
        if endpoint.kind.is_admission() {
            webhooks
                .entry(endpoint.object)
                .or_default()
                .push(escape(&endpoint.name).into_owned());
            targets
                .entry(endpoint.object)
                .or_default()
                .insert(target_key(resolution));
        }
    }
    let split: foldhash::HashSet<ObjectId> = targets
        .into_iter()
        .filter(|(_, t)| t.len() > 1)
        .map(|(o, _)| o)
        .collect();
    for resolution in resolutions {
        builder.endpoint(model, resolution, provenance, &by_object, &webhooks, &split);
    }
    builder.finish()
}

#[derive(Default)]
struct Builder {
    graph: Graph,
    nodes: foldhash::HashMap<String, usize>,
    edges: foldhash::HashMap<(usize, usize, Option<String>, Status), usize>,
}

/// The nodes and edges of one endpoint while it is built.
#[derive(Default)]
struct Path {
    nodes: Vec<usize>,
    /// Each step's edge, to put findings on: (step, from, to, label, status).
    steps: Vec<(Step, usize, usize, Option<String>, Status)>,
}

impl Path {
    fn edge(&mut self, step: Step, from: usize, to: usize, label: Option<String>, status: Status) {
        self.steps.push((step, from, to, label, status));
    }
}

impl Builder {
    fn node(&mut self, key: String, kind: NodeKind, title: &str, lines: Vec<String>) -> usize {
        if let Some(&index) = self.nodes.get(&key) {
            return index;
        }
        let index = self.graph.nodes.len();
        self.graph.nodes.push(Node {
            kind,
            title: title.to_string(),
            lines,
            status: Status::Ok,
        });
        self.nodes.insert(key, index);
        index
    }

    fn object_node(&mut self, model: &Model<'_>, object: ObjectId, kind: NodeKind) -> usize {
        let o = &model.objects[object];
        let name = if o.namespace.is_empty() {
            cut(o.name)
        } else {
            cut(&format!("{}/{}", o.namespace, o.name))
        };
        self.node(
            format!("object:{}/{}/{}", o.kind, o.namespace, o.name),
            kind,
            &escape(o.kind),
            vec![name],
        )
    }

    fn endpoint(
        &mut self,
        model: &Model<'_>,
        resolution: &Resolution,
        provenance: &Provenance<'_>,
        by_object: &foldhash::HashMap<&ObjectRef, Vec<&Diagnostic>>,
        webhooks: &foldhash::HashMap<ObjectId, Vec<String>>,
        split: &foldhash::HashSet<ObjectId>,
    ) {
        let endpoint = &model.endpoints[resolution.endpoint];
        let object = &model.objects[endpoint.object];
        let mut path = Path::default();
        let start = self.object_node(model, endpoint.object, NodeKind::Endpoint);
        if let Some(names) = webhooks.get(&endpoint.object) {
            let node = &mut self.graph.nodes[start];
            // A webhook named as its configuration is said once.
            if node.lines.len() == 1 && !(names.len() == 1 && names[0] == object.name) {
                node.lines.extend(listed(names, "webhook"));
            }
        }
        path.nodes.push(start);
        // Webhooks of one configuration that go different ways: each edge names its own.
        let call_label = split
            .contains(&endpoint.object)
            .then(|| cut(&endpoint.name));

        // The call.
        let target = match &resolution.target {
            Target::Service {
                name,
                namespace,
                port,
            } => {
                let missing = matches!(resolution.service, ServiceLink::Missing);
                let mut lines = vec![cut(&format!("{namespace}/{name}:{port}"))];
                if missing {
                    lines.push("not among the inputs".into());
                }
                let node = self.node(target_key(resolution), NodeKind::Target, "Service", lines);
                if missing {
                    self.graph.nodes[node].status = Status::Undetermined;
                }
                node
            }
            Target::Url { host } => self.node(
                target_key(resolution),
                NodeKind::Target,
                "URL",
                vec![cut(host)],
            ),
            Target::Loopback => self.node(
                "loopback".into(),
                NodeKind::Target,
                "kube-apiserver",
                vec!["the API server itself".into()],
            ),
            Target::Invalid => self.node(
                target_key(resolution),
                NodeKind::Target,
                "clientConfig",
                vec!["invalid".into()],
            ),
        };
        path.nodes.push(target);
        path.edge(Step::Call, start, target, call_label, Status::Ok);

        // The pods behind the Service.
        let mut workloads = Vec::new();
        for template in provenance.serving_templates(resolution) {
            let object = model.pod_templates[template].object;
            let node = self.object_node(model, object, NodeKind::Workload);
            path.nodes.push(node);
            path.edge(Step::Backend, target, node, None, Status::Ok);
            workloads.push((template, node));
        }

        // The Secret the pods serve, and the certificate in it.
        let sources = &provenance.sources[resolution.endpoint];
        let mut secret = None;
        let mut certificate = None;
        let mut issuer = None;
        match &resolution.certificate {
            ServedCertificate::Found(serving) => {
                let secret_object = model.secrets[serving.secret].object;
                let node = self.object_node(model, secret_object, NodeKind::Secret);
                let key_line = format!("key {}", cut(&serving.cert_key));
                if !self.graph.nodes[node].lines.contains(&key_line) {
                    self.graph.nodes[node].lines.push(key_line);
                }
                let from = workloads
                    .iter()
                    .find(|(t, _)| *t == serving.mounted_by)
                    .or(workloads.first())
                    .map_or(target, |(_, n)| *n);
                path.nodes.push(node);
                path.edge(Step::Mount, from, node, None, Status::Ok);
                secret = Some(node);
                let cert = match &serving.chain {
                    Ok(chain) => chain.certificates.first().map(|leaf| {
                        let last = chain.certificates.last().unwrap_or(leaf);
                        issuer = Some(escape(&last.issuer_display).into_owned());
                        self.certificate_node(leaf)
                    }),
                    Err(_) => None,
                };
                let cert = cert.unwrap_or_else(|| {
                    self.node(
                        format!("undecodable:{}", serving.secret.index()),
                        NodeKind::Certificate,
                        "Certificate",
                        vec!["cannot be decoded".into()],
                    )
                });
                path.nodes.push(cert);
                path.edge(Step::Serve, node, cert, None, Status::Ok);
                certificate = Some(cert);
            }
            ServedCertificate::Undetermined(reason) => {
                let from = match provenance.mounted(resolution.endpoint).first() {
                    Some(mounted) => {
                        let node = self.node(
                            format!("secret:{}/{}", mounted.namespace, mounted.name),
                            NodeKind::Secret,
                            "Secret",
                            vec![
                                cut(&format!("{}/{}", mounted.namespace, mounted.name)),
                                "not among the inputs".into(),
                            ],
                        );
                        self.graph.nodes[node].status = Status::Undetermined;
                        let pods = workloads
                            .iter()
                            .find(|(t, _)| *t == mounted.pod_template)
                            .map_or(target, |(_, n)| *n);
                        path.nodes.push(node);
                        path.edge(Step::Mount, pods, node, None, Status::Undetermined);
                        secret = Some(node);
                        node
                    }
                    None => workloads.first().map_or(target, |(_, n)| *n),
                };
                // Each workload makes its own: one node per place the certificate is served.
                let mut lines = vec!["not known from the inputs".to_string()];
                lines.extend(wrap(&cut_at(reason, VERDICT_CHARS), REASON_WIDTH));
                let cert = self.node(
                    format!("undetermined:{from}:{reason}"),
                    NodeKind::Certificate,
                    "Certificate",
                    lines,
                );
                self.graph.nodes[cert].status = Status::Undetermined;
                path.nodes.push(cert);
                path.edge(Step::Serve, from, cert, None, Status::Undetermined);
                certificate = Some(cert);
            }
            ServedCertificate::NotApplicable => {}
        }

        // Who makes the certificate.
        let made = secret.or(certificate);
        if let (Some(made), Some((key, title, line, status))) = (
            made,
            provisioner(provenance, resolution, &sources.certificate),
        ) {
            let node = self.node(key, NodeKind::Provisioner, &title, vec![line]);
            path.nodes.push(node);
            // Drawn from what is made, so the provisioner sits after it, left to right.
            path.edge(Step::Provision, made, node, Some("made by".into()), status);
        }

        // The CA that signed it.
        if let (Some(cert), Some(issuer)) = (certificate, &issuer) {
            let ca = self.node(
                format!("ca:{issuer}"),
                NodeKind::Ca,
                "CA",
                vec![cut(issuer)],
            );
            path.nodes.push(ca);
            path.edge(Step::Chain, cert, ca, Some("signed by".into()), Status::Ok);
        }

        // The caBundle, what it holds, and who fills it.
        self.ca_bundle(resolution, provenance, &sources.ca_bundle, start, &mut path);

        // Findings, each on the edge of its step (the call when that step is not drawn).
        let related = related(model, resolution, by_object, object);
        let mut node_findings = Vec::new();
        for d in &related {
            let status = match d.severity {
                Severity::Error => Status::Failing,
                Severity::Warning => Status::Warning,
                Severity::Note => continue,
            };
            let label = format!("{}: {}", d.rule, short_verdict(&d.message));
            match step_of(d.rule) {
                Some(step) => {
                    let index = path
                        .steps
                        .iter()
                        .position(|s| s.0 == step)
                        .or_else(|| path.steps.iter().position(|s| s.0 == Step::Call))
                        .unwrap_or(0);
                    let edge = &mut path.steps[index];
                    if status > edge.4 {
                        edge.4 = status;
                        edge.3 = Some(label);
                    }
                }
                None => node_findings.push((status, d.rule)),
            }
        }
        node_findings.sort_unstable();
        node_findings.dedup();
        for (status, rule) in node_findings.iter().rev() {
            let node = &mut self.graph.nodes[start];
            let line = format!(
                "{} {rule}",
                if *status == Status::Failing {
                    "error"
                } else {
                    "warning"
                }
            );
            if !node.lines.contains(&line) {
                node.lines.push(line);
            }
            node.status = node.status.max(*status);
        }
        self.finish_endpoint(
            model,
            resolution,
            endpoint.object,
            start,
            path,
            &node_findings,
        );
    }

    fn certificate_node(&mut self, leaf: &crate::tls::cert::Certificate) -> usize {
        let subject = escape(&leaf.subject_display).into_owned();
        let mut names: Vec<String> = leaf
            .dns_names
            .iter()
            .map(|n| escape(n).into_owned())
            .collect();
        names.extend(leaf.ip_addresses.iter().map(|ip| ip.to_string()));
        let mut lines = vec![if subject.is_empty() {
            "no subject".to_string()
        } else {
            cut(&subject)
        }];
        if names.is_empty() {
            lines.push("no SANs".into());
        } else {
            lines.extend(listed(&names, "SAN"));
        }
        lines.push(format!(
            "not after {}",
            crate::tls::time::format_rfc3339(leaf.not_after)
        ));
        let key = format!(
            "certificate:{}:{}",
            leaf.serial_hex,
            escape(&leaf.issuer_display)
        );
        self.node(key, NodeKind::Certificate, "Certificate", lines)
    }

    fn ca_bundle(
        &mut self,
        resolution: &Resolution,
        provenance: &Provenance<'_>,
        source: &CaBundleSource,
        start: usize,
        path: &mut Path,
    ) {
        let roots: Vec<String> = resolution
            .verdict
            .as_ref()
            .map(|v| {
                v.roots
                    .iter()
                    .map(|r| escape(&r.subject_display).into_owned())
                    .collect()
            })
            .unwrap_or_default();
        let system = resolution.verdict.as_ref().is_some_and(|v| v.system_roots);
        let (key, mut lines, status) = match source {
            CaBundleSource::Loopback => return,
            CaBundleSource::Insecure => (
                "bundle:insecure".to_string(),
                vec!["insecureSkipTLSVerify: nothing verified".to_string()],
                Status::Warning,
            ),
            CaBundleSource::Injector(_) | CaBundleSource::Rbac(_) => (
                format!("bundle:run-time:{}", source.code()),
                vec!["filled at run time".to_string()],
                Status::Undetermined,
            ),
            _ if system => (
                "bundle:system".to_string(),
                vec!["empty: the API server's system roots".to_string()],
                Status::Ok,
            ),
            _ if !roots.is_empty() => (
                format!("bundle:{}", roots.join("|")),
                vec![format!(
                    "{} CA certificate{}",
                    roots.len(),
                    if roots.len() == 1 { "" } else { "s" }
                )],
                Status::Ok,
            ),
            // Red only with the finding that says so (a rule may see a filler this does not).
            CaBundleSource::None | CaBundleSource::Literal => (
                format!("bundle:none:{}", resolution.endpoint.index()),
                vec!["empty, and nothing among the inputs fills it".to_string()],
                Status::Undetermined,
            ),
        };
        if matches!(source, CaBundleSource::Literal) {
            lines.push("written in the manifest".into());
        }
        let bundle = self.node(key, NodeKind::CaBundle, "caBundle", lines);
        let node = &mut self.graph.nodes[bundle];
        node.status = node.status.max(status);
        path.nodes.push(bundle);
        path.edge(Step::Trust, start, bundle, None, status);
        for root in &roots {
            let ca = self.node(format!("ca:{root}"), NodeKind::Ca, "CA", vec![cut(root)]);
            path.nodes.push(ca);
            path.edge(Step::Trust, bundle, ca, None, Status::Ok);
        }
        if let Some((key, title, line, status)) = injector(provenance, resolution, source) {
            let node = self.node(key, NodeKind::Injector, &title, vec![line]);
            path.nodes.push(node);
            path.edge(Step::Trust, bundle, node, Some("filled by".into()), status);
        }
    }

    fn finish_endpoint(
        &mut self,
        model: &Model<'_>,
        resolution: &Resolution,
        object: ObjectId,
        start: usize,
        path: Path,
        node_findings: &[(Status, &str)],
    ) {
        let endpoint = &model.endpoints[resolution.endpoint];
        let o = &model.objects[object];
        let mut edges = Vec::new();
        let mut status = node_findings
            .iter()
            .map(|f| f.0)
            .max()
            .unwrap_or(Status::Ok);
        for (_, from, to, label, edge_status) in path.steps {
            status = status.max(edge_status);
            let key = (from, to, label.clone(), edge_status);
            let index = match self.edges.get(&key) {
                Some(&index) => index,
                None => {
                    let index = self.graph.edges.len();
                    self.graph.edges.push(Edge {
                        from,
                        to,
                        label,
                        status: edge_status,
                    });
                    self.edges.insert(key, index);
                    index
                }
            };
            edges.push(index);
        }
        for &n in &path.nodes {
            if self.graph.nodes[n].status == Status::Undetermined {
                status = status.max(Status::Undetermined);
            }
        }
        let display = escape(&o.display()).into_owned();
        let name = if endpoint.kind.is_admission() {
            format!("{display} webhook {}", escape(&endpoint.name))
        } else {
            display.clone()
        };
        let mut nodes = path.nodes;
        nodes.sort_unstable();
        nodes.dedup();
        self.graph.endpoints.push(EndpointPath {
            name,
            match_names: vec![endpoint.name.clone(), o.name.to_string(), o.display()],
            node: start,
            status,
            nodes,
            edges,
        });
    }

    /// Drops an ok edge drawn beside a failing one between the same nodes: the red one
    /// says what fails, and a grey twin only blurs it.
    fn finish(mut self) -> Graph {
        let worse: foldhash::HashSet<(usize, usize)> = (self.graph.edges.iter())
            .filter(|e| e.status != Status::Ok)
            .map(|e| (e.from, e.to))
            .collect();
        let keep: Vec<bool> = (self.graph.edges.iter())
            .map(|e| {
                e.status != Status::Ok || e.label.is_some() || !worse.contains(&(e.from, e.to))
            })
            .collect();
        let mut renumber = vec![usize::MAX; keep.len()];
        let mut edges = Vec::new();
        for (index, edge) in self.graph.edges.into_iter().enumerate() {
            if keep[index] {
                renumber[index] = edges.len();
                edges.push(edge);
            }
        }
        for path in &mut self.graph.endpoints {
            path.edges = path
                .edges
                .iter()
                .filter(|&&e| keep[e])
                .map(|&e| renumber[e])
                .collect();
            path.edges.sort_unstable();
            path.edges.dedup();
        }
        self.graph.edges = edges;
        self.graph
    }
}

/// The node key of the endpoint's target: its Service and port, URL host, or itself.
fn target_key(resolution: &Resolution) -> String {
    match &resolution.target {
        Target::Service {
            name,
            namespace,
            port,
        } => format!("service:{namespace}/{name}:{port}"),
        Target::Url { host } => format!("url:{host}"),
        Target::Loopback => "loopback".into(),
        Target::Invalid => format!("invalid:{}", resolution.endpoint.index()),
    }
}

/// Findings on the endpoint's object, its Service, its workloads and its Secret; on a
/// configuration, only those about this webhook.
fn related<'d>(
    model: &Model<'_>,
    resolution: &Resolution,
    by_object: &foldhash::HashMap<&ObjectRef, Vec<&'d Diagnostic>>,
    object: &crate::model::Object<'_>,
) -> Vec<&'d Diagnostic> {
    let endpoint = &model.endpoints[resolution.endpoint];
    let mut concerned = vec![object.object_ref()];
    if let ServiceLink::Found {
        service, backends, ..
    } = &resolution.service
    {
        concerned.push(model.objects[model.services[*service].object].object_ref());
        concerned.extend(
            backends
                .iter()
                .map(|b| model.objects[model.pod_templates[b.pod_template].object].object_ref()),
        );
    }
    if let ServedCertificate::Found(serving) = &resolution.certificate {
        concerned.push(model.objects[model.secrets[serving.secret].object].object_ref());
    }
    concerned.dedup();
    concerned
        .iter()
        .filter_map(|o| by_object.get(o))
        .flatten()
        .copied()
        .filter(|d| !super::super::inventory::is_about_other_webhook(d, endpoint, object))
        .collect()
}

/// The provisioner node of a certificate source: (key, title, line, edge status).
fn provisioner(
    provenance: &Provenance<'_>,
    resolution: &Resolution,
    source: &CertificateSource,
) -> Option<(String, String, String, Status)> {
    let links = provenance.cert_manager_links(resolution.endpoint);
    Some(match source {
        CertificateSource::CertManager => {
            let line = match links.serving.first() {
                Some(&i) => {
                    let c = &provenance.cert_manager.certificates[i];
                    cut(&format!("Certificate {}/{}", c.namespace, c.name))
                }
                None => "Certificate".into(),
            };
            (
                format!("cert-manager:{line}"),
                "cert-manager".into(),
                line,
                Status::Ok,
            )
        }
        CertificateSource::Certgen => (
            "certgen".into(),
            "kube-webhook-certgen".into(),
            "create Job".into(),
            Status::Ok,
        ),
        CertificateSource::ServiceCa => (
            "service-ca".into(),
            "OpenShift service CA".into(),
            "serving-cert annotation".into(),
            Status::Ok,
        ),
        CertificateSource::Catalogue(id) => (
            format!("operator:{id}"),
            "operator".into(),
            cut(&format!("{id}, at run time")),
            Status::Ok,
        ),
        CertificateSource::Rbac(workload) => (
            format!("rbac:{workload}"),
            "may write the Secret (RBAC)".into(),
            cut(&escape(workload)),
            Status::Undetermined,
        ),
        CertificateSource::Render
        | CertificateSource::Live
        | CertificateSource::Loopback
        | CertificateSource::Unknown => return None,
    })
}

/// The injector node of a caBundle source: (key, title, line, edge status).
fn injector(
    provenance: &Provenance<'_>,
    resolution: &Resolution,
    source: &CaBundleSource,
) -> Option<(String, String, String, Status)> {
    Some(match source {
        CaBundleSource::Injector(what) if what == "cert-manager" => {
            let links = provenance.cert_manager_links(resolution.endpoint);
            let line = match links.injected.first() {
                Some(&i) => {
                    let c = &provenance.cert_manager.certificates[i];
                    cut(&format!("CA of Certificate {}/{}", c.namespace, c.name))
                }
                None => "cainjector".into(),
            };
            (
                format!("injector:cert-manager:{line}"),
                "cert-manager cainjector".into(),
                line,
                Status::Ok,
            )
        }
        CaBundleSource::Injector(what) => {
            let (title, line) = match what.as_str() {
                "certgen" => ("kube-webhook-certgen", "patch Job".to_string()),
                "service-ca" => (
                    "OpenShift service CA",
                    "inject-cabundle annotation".to_string(),
                ),
                other => match other.strip_prefix("catalogue:") {
                    Some(id) => ("operator", cut(&format!("{id}, at run time"))),
                    None => ("injector", cut(other)),
                },
            };
            let key = match what.strip_prefix("catalogue:") {
                // The operator that makes the certificate is the one node.
                Some(id) => format!("operator:{id}"),
                None => format!("injector:{what}"),
            };
            (key, title.into(), line, Status::Ok)
        }
        CaBundleSource::Rbac(workload) => (
            format!("injector-rbac:{workload}"),
            "may patch the caBundle (RBAC)".into(),
            cut(&escape(workload)),
            Status::Undetermined,
        ),
        _ => return None,
    })
}

/// `webhook-hostname`'s `x509: certificate is valid for a, not b` as `valid for a, not b`:
/// the first sentence, whole up to [`VERDICT_CHARS`] (renderers wrap it).
fn short_verdict(message: &str) -> String {
    let message = message.strip_prefix("x509: ").unwrap_or(message);
    let message = message.strip_prefix("certificate is ").unwrap_or(message);
    let message = message.split_once("; ").map_or(message, |(first, _)| first);
    cut_at(message, VERDICT_CHARS)
}

/// `text`, escaped, cut to [`LABEL_CHARS`] characters with an ellipsis.
fn cut(text: &str) -> String {
    cut_at(text, LABEL_CHARS)
}

fn cut_at(text: &str, limit: usize) -> String {
    let text = escape(text);
    if text.chars().count() <= limit {
        return text.into_owned();
    }
    let mut out: String = text.chars().take(limit - 1).collect();
    out.push('…');
    out
}

/// `a, b, c +4 more webhooks`, over as many lines as fit.
fn listed(items: &[String], noun: &str) -> Vec<String> {
    let mut lines: Vec<String> = items.iter().take(LISTED).map(|i| cut(i)).collect();
    if items.len() > LISTED {
        let more = items.len() - LISTED;
        lines.push(format!(
            "+{more} more {noun}{}",
            if more == 1 { "" } else { "s" }
        ));
    }
    lines
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every rule is drawn on purpose: on the edge of its step, on the endpoint's node
    /// (what it intercepts, its timeouts), or on neither (the document, the suppressions).
    #[test]
    fn every_rule_has_its_place() {
        const ON_THE_ENDPOINT: &[&str] = &[
            "webhook-self-lockout",
            "webhook-system-resources",
            "webhook-timeout",
            "webhook-timeout-total",
            "webhook-side-effects",
            "webhook-review-versions",
            "webhook-backend-availability",
            "webhook-dependency-loop",
        ];
        const ON_THE_DOCUMENT: &[&str] = &[
            "invalid-yaml",
            "invalid-config",
            "missing-document-separator",
            "unused-suppression",
            "suppression-without-reason",
            "duplicate-key",
            "non-object-document",
        ];
        let unplaced: Vec<&str> = crate::rules::RULES
            .iter()
            .map(|r| r.id)
            .filter(|id| {
                step_of(id).is_none()
                    && !ON_THE_ENDPOINT.contains(id)
                    && !ON_THE_DOCUMENT.contains(id)
            })
            .collect();
        assert!(
            unplaced.is_empty(),
            "say where the graph draws {unplaced:?}"
        );
    }
}
