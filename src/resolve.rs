//! Resolve stage: from each endpoint to the name the API server verifies, the Service,
//! the pods behind it, and the Secret holding the serving certificate.

use crate::model::{
    Endpoint, EndpointId, Id, Model, PodTemplate, PodTemplateId, Secret, SecretEncoding,
    SecretEntry, SecretId, ServiceId, TargetPort,
};
use crate::source::Span;
use crate::tls;
use foldhash::HashMap;
use std::sync::Arc;

pub(crate) use crate::secret_keys::{CERT_KEYS, KEY_KEYS};

/// Where the API server sends the call.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Target {
    /// `clientConfig.service`: `https://<name>.<namespace>.svc:<port><path>`.
    Service {
        name: String,
        namespace: String,
        port: i64,
    },
    /// `clientConfig.url`.
    Url { host: String },
    /// The `kubernetes` Service or its URL: the API server's loopback configuration is used.
    Loopback,
    /// The client config is invalid or missing; the validity rule reports it.
    Invalid,
}

/// A pod template behind the Service and the container serving the target port.
#[derive(Clone, Debug)]
pub(crate) struct Backend {
    pub(crate) pod_template: PodTemplateId,
    pub(crate) container: Option<usize>,
}

#[derive(Clone, Debug)]
pub(crate) enum ServiceLink {
    /// No Service is involved (url, loopback, invalid).
    NotApplicable,
    /// The Service is not among the inputs.
    Missing,
    Found {
        service: ServiceId,
        /// Index into the Service's ports of the one the webhook's port selects.
        port: Option<usize>,
        backends: Vec<Backend>,
    },
}

/// The serving chain, decoded.
#[derive(Clone, Debug)]
pub(crate) struct DecodedChain {
    /// Shared by every endpoint the chain serves.
    pub(crate) certificates: Arc<[tls::cert::Certificate]>,
}

/// Why a value that should hold certificates does not.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct DecodeProblem {
    pub(crate) message: String,
    /// The value is not even base64: the API server refuses the object itself.
    pub(crate) refused_on_write: bool,
    /// The key (or field) the value sits under.
    pub(crate) span: Span,
    pub(crate) help: Option<String>,
}

/// The Secret found to hold the serving certificate.
#[derive(Clone, Debug)]
pub(crate) struct ServingSecret {
    pub(crate) secret: SecretId,
    /// The entry holding the chain.
    pub(crate) cert_key: String,
    pub(crate) cert_key_span: Span,
    /// The volume source naming the Secret in the pod template.
    pub(crate) mounted_at: Span,
    pub(crate) mounted_by: PodTemplateId,
    pub(crate) chain: Result<DecodedChain, DecodeProblem>,
}

/// The certificate an endpoint's pods serve, as far as the inputs tell.
#[derive(Clone, Debug)]
pub(crate) enum ServedCertificate {
    Found(Box<ServingSecret>),
    /// The certificate cannot be determined from the inputs, with the reason.
    Undetermined(String),
    NotApplicable,
}

#[derive(Clone, Debug)]
pub(crate) struct Resolution {
    pub(crate) endpoint: EndpointId,
    pub(crate) target: Target,
    /// The name Go verifies the certificate against.
    pub(crate) server_name: Option<String>,
    pub(crate) service: ServiceLink,
    pub(crate) certificate: ServedCertificate,
    /// The API server's TLS verdict, when the chain and the caBundle could both be read.
    pub(crate) verdict: Option<Verdict>,
    /// The verdicts of the releases checked for upgrade safety, when they differ.
    pub(crate) spread: Option<Arc<VerdictSpread>>,
}

/// The API server's verdict under each release of a range (`--kube-versions`), kept when
/// some release accepts the call and another refuses it.
#[derive(Clone, Debug)]
pub(crate) struct VerdictSpread {
    /// Each release, oldest first, and Go's refusal under it (`None`: the call succeeds).
    pub(crate) outcomes: Vec<(&'static crate::kube_version::KubeRelease, Option<String>)>,
}

/// What the API server's TLS client concludes when it calls the endpoint.
#[derive(Clone, Debug)]
pub(crate) struct Verdict {
    pub(crate) result: Result<(), tls::verify::ServerVerifyError>,
    /// The caBundle is empty: the API server's system trust store is used instead.
    pub(crate) system_roots: bool,
    /// The caBundle's usable certificates (the roots), for explanations; shared by every
    /// endpoint with the same caBundle.
    pub(crate) roots: Arc<[tls::cert::Certificate]>,
}

/// Settings of the resolution that come from the command line.
#[derive(Clone, Copy)]
pub(crate) struct ResolveOptions<'a> {
    /// Evaluation time, to the nanosecond (Go's `CurrentTime`).
    pub(crate) now: tls::time::Time,
    /// The Go of the API server checked against (`--kube-version`).
    pub(crate) go: tls::go::Go,
    /// Called once per endpoint whose verdict is computed (progress).
    pub(crate) on_verdict: &'a (dyn Fn() + Sync),
    /// Releases whose verdicts are compared for upgrade safety (empty: none).
    pub(crate) range: &'static [crate::kube_version::KubeRelease],
}

/// The caBundle as PEM bytes: empty when absent, None when it cannot be decoded
/// (certificate-decode reports that).
pub(crate) fn ca_bundle_pem(endpoint: &Endpoint<'_>) -> Option<Vec<u8>> {
    match endpoint.ca_bundle {
        None => Some(Vec::new()),
        Some(node) => match node.as_str() {
            Some(text) => tls::base64::decode_std(text.as_bytes()).ok(),
            None => None,
        },
    }
}

/// Whether the caBundle is absent or decodes to nothing, as `ca_bundle_pem` would find,
/// without decoding a long one: Go's decoder skips only `\r` and `\n`, and any other byte
/// is either data or an error.
pub(crate) fn ca_bundle_is_empty(endpoint: &Endpoint<'_>) -> bool {
    match endpoint.ca_bundle {
        None => true,
        Some(node) => node
            .as_str()
            .is_some_and(|text| text.bytes().all(|b| b == b'\r' || b == b'\n')),
    }
}

/// A caBundle as client-go loads it into its root pool.
enum LoadedBundle {
    /// Empty or absent: the API server's system trust store.
    SystemRoots,
    /// `AppendCertsFromPEM` found these roots.
    Roots(Arc<[tls::cert::Certificate]>),
    /// No usable certificate: client-go's `createErrorParsingCAData` detail.
    Unusable(String),
}

impl LoadedBundle {
    /// None when the text is not base64 (no verdict; certificate-decode reports it).
    fn load(text: Option<&str>, go: tls::go::Go) -> Option<LoadedBundle> {
        let pem = match text {
            None => Vec::new(),
            Some(text) => tls::base64::decode_std(text.as_bytes()).ok()?,
        };
        if pem.is_empty() {
            return Some(LoadedBundle::SystemRoots);
        }
        let roots: Arc<[tls::cert::Certificate]> = tls::cert::append_certs_from_pem(&pem, go)
            .into_iter()
            .map(|(_, c)| c)
            .collect();
        Some(if roots.is_empty() {
            LoadedBundle::Unusable(tls::verify::ca_data_error(&pem, go))
        } else {
            LoadedBundle::Roots(roots)
        })
    }
}

/// The caBundle (by its text) and the chain (by Secret and key) of each endpoint needing a
/// verdict, each loaded and pooled once however many endpoints share it.
struct TrustInputs<'a> {
    /// By the caBundle's base64 text; `None` for an absent caBundle.
    bundles: HashMap<Option<&'a str>, Option<LoadedBundle>>,
    chains: HashMap<(SecretId, &'a str), &'a DecodedChain>,
}

impl<'a> TrustInputs<'a> {
    fn collect(
        model: &Model<'a>,
        resolutions: &'a [Resolution],
        go: tls::go::Go,
    ) -> TrustInputs<'a> {
        use rayon::prelude::*;
        let mut texts: Vec<Option<&'a str>> = Vec::new();
        let mut chains = HashMap::default();
        for resolution in resolutions {
            let Some((serving, chain)) = verdict_inputs(resolution) else {
                continue;
            };
            chains
                .entry((serving.secret, serving.cert_key.as_str()))
                .or_insert(chain);
            let text = match model.endpoints[resolution.endpoint].ca_bundle {
                None => None,
                // A caBundle that is not a string gives no verdict, as when it is not base64.
                Some(node) => match node.as_str() {
                    Some(text) => Some(text),
                    None => continue,
                },
            };
            texts.push(text);
        }
        texts.sort_unstable();
        texts.dedup();
        let bundles = texts
            .into_par_iter()
            .map(|text| (text, LoadedBundle::load(text, go)))
            .collect();
        TrustInputs { bundles, chains }
    }
}

/// The serving chain of an endpoint whose verdict is computed, when it decoded.
fn verdict_inputs(resolution: &Resolution) -> Option<(&ServingSecret, &DecodedChain)> {
    match (&resolution.certificate, &resolution.server_name) {
        (ServedCertificate::Found(serving), Some(_)) => {
            Some((serving, serving.chain.as_ref().ok()?))
        }
        _ => None,
    }
}

/// Decodes a Secret value to bytes: base64 for `data`, the text for `stringData`.
pub(crate) fn secret_value_bytes(
    entry: &SecretEntry<'_>,
) -> Result<Vec<u8>, tls::base64::Base64Error> {
    let text = entry.value_node.as_str().unwrap_or("");
    match entry.encoding {
        SecretEncoding::Base64 => tls::base64::decode_std(text.as_bytes()),
        SecretEncoding::Plain => Ok(text.as_bytes().to_vec()),
    }
}

/// Each Secret's certificate entry ([`cert_entry`]) decoded once, in parallel, for the
/// resolver and the rules alike.
pub(crate) struct SecretChains {
    chains: Vec<Option<Result<DecodedChain, DecodeProblem>>>,
    go: tls::go::Go,
}

impl SecretChains {
    pub(crate) fn decode(model: &Model<'_>, go: tls::go::Go) -> SecretChains {
        use rayon::prelude::*;
        SecretChains {
            chains: model
                .secrets
                .par_iter()
                .map(|secret| cert_entry(secret).map(|entry| decode_chain(entry, go)))
                .collect(),
            go,
        }
    }

    /// The Go the chains were parsed as.
    pub(crate) fn go(&self) -> tls::go::Go {
        self.go
    }

    /// The decoded certificate entry of `model.secrets[secret]`; `None` when it has none.
    pub(crate) fn of(&self, secret: SecretId) -> Option<&Result<DecodedChain, DecodeProblem>> {
        self.chains.get(secret.index())?.as_ref()
    }
}

/// Decodes a Secret's certificate entry into its chain, as `tls.X509KeyPair` would read it.
pub(crate) fn decode_chain(
    entry: &SecretEntry<'_>,
    go: tls::go::Go,
) -> Result<DecodedChain, DecodeProblem> {
    let span = entry.key_node.span();
    let bytes = secret_value_bytes(entry).map_err(|e| DecodeProblem {
        message: format!("data[{:?}] is not valid base64: {e}", entry.key),
        refused_on_write: true,
        span,
        help: Some("`data` values must be base64 of the PEM text; put plain PEM under `stringData` instead".into()),
    })?;
    decode_pem_chain(&bytes, &format!("{:?}", entry.key), span, go)
}

/// Decodes PEM text into certificates, with a problem naming `what` when it holds none.
pub(crate) fn decode_pem_chain(
    bytes: &[u8],
    what: &str,
    span: Span,
    go: tls::go::Go,
) -> Result<DecodedChain, DecodeProblem> {
    match tls::cert::parse_pem_chain(bytes, go) {
        Ok(chain) => Ok(DecodedChain {
            certificates: chain.into_iter().map(|(_, cert)| cert).collect(),
        }),
        Err(problem) => Err(DecodeProblem {
            message: format!("{what} holds no usable certificate: {problem}"),
            refused_on_write: false,
            span,
            help: None,
        }),
    }
}

/// Why a caBundle cannot serve as roots, in client-go's words; None when it can (or is empty).
pub(crate) fn ca_bundle_problem(
    node: crate::yaml::NodeRef<'_>,
    go: tls::go::Go,
) -> Option<DecodeProblem> {
    let span = node.span();
    let text = node.as_str()?;
    let bytes = match tls::base64::decode_std(text.as_bytes()) {
        Ok(bytes) => bytes,
        Err(e) => {
            return Some(DecodeProblem {
                message: format!("caBundle is not valid base64: {e}"),
                refused_on_write: true,
                span,
                help: Some("caBundle is the base64 of the PEM text of the CA certificates".into()),
            })
        }
    };
    let problem = root_pool_problem(&bytes, go)?;
    let doubled = bytes.starts_with(b"LS0t") && tls::base64::decode_std(&bytes).is_ok();
    Some(DecodeProblem {
        message: format!("unable to load root certificates: {problem}"),
        refused_on_write: false,
        span,
        help: Some(if doubled {
            "the caBundle is base64 applied twice: its decoded text is base64 again; encode the PEM only once".into()
        } else {
            "caBundle must be the base64 of PEM `CERTIFICATE` blocks".into()
        }),
    })
}

/// client-go's `rootCertPool`: AppendCertsFromPEM, then `createErrorParsingCAData` on failure.
fn root_pool_problem(pem: &[u8], go: tls::go::Go) -> Option<String> {
    if pem.is_empty() {
        return None;
    }
    // Blocks are decoded one at a time: a long caBundle is usable by its first certificate.
    let mut rest = pem;
    while let Some((block, consumed)) = tls::pem::decode_for(rest, go) {
        if block.kind == "CERTIFICATE"
            && block.headers.is_empty()
            && tls::cert::parse_der(&block.bytes, go).is_ok()
        {
            return None;
        }
        rest = &rest[consumed.min(rest.len())..];
    }
    let mut rest = pem;
    while !rest.is_empty() {
        let Some((block, consumed)) = tls::pem::decode_for(rest, go) else {
            return Some("unable to parse bytes as PEM block".into());
        };
        rest = &rest[consumed.min(rest.len())..];
        if block.kind != "CERTIFICATE" || !block.headers.is_empty() {
            continue;
        }
        if let Err(e) = tls::cert::parse_der(&block.bytes, go) {
            return Some(format!("failed to parse certificate: {e}"));
        }
    }
    Some("no valid certificate authority data seen".into())
}

/// Follows every endpoint to its Service, pods and certificate, without verdicts.
pub(crate) fn resolve_links(model: &Model<'_>, chains: &SecretChains) -> Vec<Resolution> {
    let mut links = LinkCache::default();
    model
        .endpoints
        .iter_ids()
        .map(|(i, endpoint)| resolve(model, i, endpoint, chains, &mut links))
        .collect()
}

/// Gives each resolution the API server's verdict on its chain, caBundle and name.
pub(crate) fn attach_verdicts(
    model: &Model<'_>,
    resolutions: &mut [Resolution],
    options: &ResolveOptions<'_>,
) {
    let verdicts = verdicts(model, resolutions, options);
    for (resolution, (verdict, spread)) in resolutions.iter_mut().zip(verdicts) {
        resolution.verdict = verdict;
        resolution.spread = spread;
    }
}

/// The verdict of each resolution, in order. Each caBundle and chain is parsed and indexed
/// once for every endpoint sharing it; signature checks dominate, so verdicts run in parallel.
fn verdicts<'r>(
    model: &Model<'_>,
    resolutions: &'r [Resolution],
    options: &ResolveOptions<'_>,
) -> Vec<(Option<Verdict>, Option<Arc<VerdictSpread>>)> {
    use rayon::prelude::*;
    use tls::verify::{CertPool, ServedChain};
    let inputs = TrustInputs::collect(model, resolutions, options.go);
    let root_pools: HashMap<Option<&str>, CertPool<'_>> = inputs
        .bundles
        .par_iter()
        .filter_map(|(text, bundle)| match bundle {
            Some(LoadedBundle::Roots(roots)) => Some((*text, CertPool::new(roots))),
            _ => None,
        })
        .collect();
    let needs_system_roots = inputs
        .bundles
        .values()
        .any(|b| matches!(b, Some(LoadedBundle::SystemRoots)));
    let system_pool = needs_system_roots.then(|| CertPool::new(tls::roots::system_roots()));
    let served: HashMap<(SecretId, &str), ServedChain<'_>> = inputs
        .chains
        .par_iter()
        .map(|(key, chain)| (*key, ServedChain::new(&chain.certificates)))
        .collect();
    let no_roots: Arc<[tls::cert::Certificate]> = Arc::from(Vec::new());
    let verdict_of = |resolution: &Resolution| -> Option<Verdict> {
        let (serving, _) = verdict_inputs(resolution)?;
        let server_name = resolution.server_name.as_deref()?;
        let text = match model.endpoints[resolution.endpoint].ca_bundle {
            None => None,
            Some(node) => Some(node.as_str()?),
        };
        let bundle = inputs.bundles.get(&text)?.as_ref()?;
        let chain = &served[&(serving.secret, serving.cert_key.as_str())];
        let verify = |roots: &CertPool<'_>| {
            tls::verify::verify_served_chain(chain, roots, server_name, options.now, options.go)
        };
        Some(match bundle {
            LoadedBundle::SystemRoots => Verdict {
                result: verify(system_pool.as_ref()?),
                system_roots: true,
                roots: no_roots.clone(),
            },
            LoadedBundle::Roots(roots) => Verdict {
                result: verify(root_pools.get(&text)?),
                system_roots: false,
                roots: roots.clone(),
            },
            LoadedBundle::Unusable(detail) => Verdict {
                result: Err(tls::verify::ServerVerifyError::RootCertificates {
                    detail: detail.clone(),
                }),
                system_roots: false,
                roots: no_roots.clone(),
            },
        })
    };
    // Endpoints with the same chain, caBundle and server name share one verdict.
    let key_of = |resolution: &'r Resolution| {
        let (serving, _) = verdict_inputs(resolution)?;
        let bundle = model.endpoints[resolution.endpoint]
            .ca_bundle
            .map(|node| node.as_str());
        Some((
            serving.secret,
            serving.cert_key.as_str(),
            bundle,
            resolution.server_name.as_deref()?,
        ))
    };
    let mut first_with_key: HashMap<_, usize> = HashMap::default();
    let representative: Vec<usize> = resolutions
        .iter()
        .enumerate()
        .map(|(i, resolution)| match key_of(resolution) {
            Some(key) => *first_with_key.entry(key).or_insert(i),
            None => i,
        })
        .collect();
    // Only an endpoint whose certificates hold something Go versions treat differently
    // (or that did not decode) is judged again under the other releases.
    let spread_of = |resolution: &Resolution| -> Option<Arc<VerdictSpread>> {
        if options.range.len() < 2 {
            return None;
        }
        let ServedCertificate::Found(serving) = &resolution.certificate else {
            return None;
        };
        let server_name = resolution.server_name.as_deref()?;
        let text = match model.endpoints[resolution.endpoint].ca_bundle {
            None => None,
            Some(node) => Some(node.as_str()?),
        };
        let chain_sensitive = match &serving.chain {
            Ok(chain) => chain.certificates.iter().any(|c| c.go_dependent),
            Err(_) => true,
        };
        let loaded;
        let bundle = match inputs.bundles.get(&text) {
            Some(bundle) => bundle,
            // Bundles are loaded for the endpoints whose chain decoded.
            None => {
                loaded = LoadedBundle::load(text, options.go);
                &loaded
            }
        };
        let bundle_sensitive = match bundle {
            Some(LoadedBundle::Roots(roots)) => roots.iter().any(|c| c.go_dependent),
            Some(LoadedBundle::Unusable(_)) => true,
            Some(LoadedBundle::SystemRoots) | None => false,
        };
        if !chain_sensitive && !bundle_sensitive {
            return None;
        }
        let entry = cert_entry(&model.secrets[serving.secret])?;
        let bytes = secret_value_bytes(entry).ok()?;
        spread(&bytes, text, server_name, options)
    };
    let computed: Vec<(Option<Verdict>, Option<Arc<VerdictSpread>>)> = resolutions
        .par_iter()
        .enumerate()
        .map(|(i, resolution)| {
            let verdict = if representative[i] == i {
                (verdict_of(resolution), spread_of(resolution))
            } else {
                (None, None)
            };
            // Progress counts every endpoint with a certificate and a name, verdict or not.
            if let (ServedCertificate::Found(_), Some(_)) =
                (&resolution.certificate, &resolution.server_name)
            {
                (options.on_verdict)();
            }
            verdict
        })
        .collect();
    representative
        .iter()
        .map(|&r| computed[r].clone())
        .collect()
}

/// The verdict under each release of `options.range` of a served chain (PEM `bytes`), a
/// caBundle and a server name; `None` unless some release accepts the call and another
/// refuses it.
fn spread(
    bytes: &[u8],
    ca_bundle: Option<&str>,
    server_name: &str,
    options: &ResolveOptions<'_>,
) -> Option<Arc<VerdictSpread>> {
    let mut by_go: Vec<(tls::go::Go, Option<String>)> = Vec::new();
    let mut outcomes = Vec::with_capacity(options.range.len());
    for release in options.range {
        let outcome = match by_go.iter().find(|(go, _)| *go == release.go) {
            Some((_, outcome)) => outcome.clone(),
            None => {
                let outcome =
                    outcome_under(bytes, ca_bundle, server_name, options.now, release.go)?;
                by_go.push((release.go, outcome.clone()));
                outcome
            }
        };
        outcomes.push((release, outcome));
    }
    let refused = outcomes.iter().filter(|(_, o)| o.is_some()).count();
    (refused > 0 && refused < outcomes.len()).then(|| Arc::new(VerdictSpread { outcomes }))
}

/// `go`'s verdict: `Some(None)` when the call succeeds, `Some(Some(error))` with Go's
/// message when it is refused, `None` when it cannot be told (not PEM).
fn outcome_under(
    bytes: &[u8],
    ca_bundle: Option<&str>,
    server_name: &str,
    now: tls::time::Time,
    go: tls::go::Go,
) -> Option<Option<String>> {
    use tls::cert::ChainProblem;
    use tls::verify::{CertPool, ServedChain, ServerVerifyError};
    let chain: Vec<tls::cert::Certificate> = match tls::cert::parse_pem_chain(bytes, go) {
        Ok(chain) => chain.into_iter().map(|(_, c)| c).collect(),
        // crypto/tls parses every certificate the server sends.
        Err(ChainProblem::BadCertificate { error, .. }) => {
            return Some(Some(format!(
                "tls: failed to parse certificate from server: {error}"
            )))
        }
        Err(_) => return None,
    };
    let bundle = LoadedBundle::load(ca_bundle, go)?;
    let roots: &[tls::cert::Certificate] = match &bundle {
        LoadedBundle::Roots(roots) => roots,
        LoadedBundle::SystemRoots => tls::roots::system_roots(),
        LoadedBundle::Unusable(detail) => {
            let detail = detail.clone();
            return Some(Some(
                ServerVerifyError::RootCertificates { detail }.to_string(),
            ));
        }
    };
    let pool = CertPool::new(roots);
    match tls::verify::verify_served_chain(&ServedChain::new(&chain), &pool, server_name, now, go) {
        Ok(()) => Some(None),
        Err(error) => Some(Some(error.to_string())),
    }
}

/// What a Service target (namespace, name, port) links to, and its certificate once asked
/// for: computed once for all the endpoints that call it.
type LinkCache = HashMap<(String, String, i64), (ServiceLink, Option<ServedCertificate>)>;

fn resolve(
    model: &Model<'_>,
    index: EndpointId,
    endpoint: &Endpoint<'_>,
    chains: &SecretChains,
    links: &mut LinkCache,
) -> Resolution {
    let target = target_of(endpoint);
    let server_name = match &target {
        Target::Service {
            name, namespace, ..
        } => Some(format!("{name}.{namespace}.svc")),
        Target::Url { host } => Some(host.clone()),
        Target::Loopback | Target::Invalid => None,
    };
    let skips_verification = endpoint
        .insecure_skip_tls_verify
        .is_some_and(|n| n.as_bool() == Some(true));
    let (service, certificate) = match &target {
        Target::Service {
            name,
            namespace,
            port,
        } => {
            let (link, certificate) = links
                .entry((namespace.clone(), name.clone(), *port))
                .or_insert_with(|| (link_service(model, namespace, name, *port), None));
            let certificate = match &*link {
                // Nothing is verified, so there is no certificate to judge.
                _ if skips_verification => ServedCertificate::NotApplicable,
                ServiceLink::Found { backends, .. } => certificate
                    .get_or_insert_with(|| find_certificate(model, backends, chains))
                    .clone(),
                // webhook-service-missing reports it already.
                ServiceLink::Missing | ServiceLink::NotApplicable => {
                    ServedCertificate::NotApplicable
                }
            };
            (link.clone(), certificate)
        }
        _ => (ServiceLink::NotApplicable, ServedCertificate::NotApplicable),
    };
    Resolution {
        spread: None,
        endpoint: index,
        target,
        server_name,
        service,
        certificate,
        verdict: None,
    }
}

fn target_of(endpoint: &Endpoint<'_>) -> Target {
    match (&endpoint.service, endpoint.url) {
        (Some(service), None) => {
            let (name, namespace) = (service.name(), service.namespace());
            let Some(port) = service.port() else {
                return Target::Invalid;
            };
            if name.is_empty() || namespace.is_empty() || !(1..=65535).contains(&port) {
                return Target::Invalid;
            }
            if name == "kubernetes" && namespace == "default" && port == 443 {
                return Target::Loopback;
            }
            Target::Service {
                name: name.to_string(),
                namespace: namespace.to_string(),
                port,
            }
        }
        (None, Some(url)) => match url.as_str().map(parse_https_url) {
            Some(Ok(parsed)) if parsed.scheme == "https" && !parsed.host.is_empty() => {
                if parsed.host == "kubernetes.default.svc" && parsed.port.unwrap_or("443") == "443"
                {
                    Target::Loopback
                } else {
                    Target::Url { host: parsed.host }
                }
            }
            _ => Target::Invalid,
        },
        _ => Target::Invalid,
    }
}

/// The parts of a URL as Go's net/url splits them, for the fields webhooks care about.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(crate) struct ParsedUrl<'a> {
    pub(crate) scheme: String,
    pub(crate) user_info: Option<&'a str>,
    /// Host without port; IPv6 literals keep their brackets, as Go's TLS client receives them.
    pub(crate) host: String,
    pub(crate) port: Option<&'a str>,
    pub(crate) query: &'a str,
    pub(crate) fragment: &'a str,
}

/// Splits a URL the way Go's `url.Parse` does for absolute URLs.
pub(crate) fn parse_https_url(raw: &str) -> Result<ParsedUrl<'_>, String> {
    let (rest, fragment) = raw.split_once('#').unwrap_or((raw, ""));
    let (rest, query) = rest.split_once('?').unwrap_or((rest, ""));
    let (scheme, rest) = match rest.find(':') {
        Some(i)
            if i > 0
                && rest[..1].chars().all(|c| c.is_ascii_alphabetic())
                && rest[..i]
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || "+-.".contains(c)) =>
        {
            (rest[..i].to_ascii_lowercase(), &rest[i + 1..])
        }
        Some(0) => return Err("missing protocol scheme".into()),
        _ => (String::new(), rest),
    };
    let mut parsed = ParsedUrl {
        scheme,
        query,
        fragment,
        ..Default::default()
    };
    let Some(after_slashes) = rest.strip_prefix("//") else {
        return Ok(parsed);
    };
    let authority = &after_slashes[..after_slashes.find('/').unwrap_or(after_slashes.len())];
    let host_port = match authority.rfind('@') {
        Some(at) => {
            parsed.user_info = Some(&authority[..at]);
            &authority[at + 1..]
        }
        None => authority,
    };
    let (host, port) = if host_port.starts_with('[') {
        let close = host_port
            .find(']')
            .ok_or_else(|| "missing ']' in host".to_string())?;
        let after = &host_port[close + 1..];
        let port = match after.strip_prefix(':') {
            Some(port) => Some(port),
            None if after.is_empty() => None,
            None => return Err(format!("invalid port {after:?} after host")),
        };
        (&host_port[..=close], port)
    } else {
        match host_port.rfind(':') {
            Some(colon) => (&host_port[..colon], Some(&host_port[colon + 1..])),
            None => (host_port, None),
        }
    };
    if let Some(port) = port {
        if !port.chars().all(|c| c.is_ascii_digit()) {
            return Err(format!("invalid port {:?} after host", format!(":{port}")));
        }
    }
    parsed.host = host.to_string();
    parsed.port = port.filter(|p| !p.is_empty());
    Ok(parsed)
}

fn link_service(model: &Model<'_>, namespace: &str, name: &str, port: i64) -> ServiceLink {
    let Some(service_index) = model.service_index(namespace, name) else {
        return ServiceLink::Missing;
    };
    let service = &model.services[service_index];
    let port_index = service.ports.iter().position(|p| p.port == Some(port));
    let target_port = port_index.and_then(|i| service.ports[i].target_port);
    let backends = match &service.selector {
        Some(selector) if !selector.is_empty() => model
            .pod_templates_selected(namespace, selector)
            .into_iter()
            .map(|i| Backend {
                pod_template: i,
                container: target_port
                    .and_then(|tp| serving_container(&model.pod_templates[i], tp)),
            })
            .collect(),
        _ => Vec::new(),
    };
    ServiceLink::Found {
        service: service_index,
        port: port_index,
        backends,
    }
}

/// The container owning the target port. A numeric port nobody declares still reaches the
/// pod, so a single-container pod serves it.
pub(crate) fn serving_container(
    template: &PodTemplate<'_>,
    target: TargetPort<'_>,
) -> Option<usize> {
    let declared = template
        .containers
        .iter()
        .position(|c| c.ports.iter().any(|p| p.is_target(target)));
    match (declared, target) {
        (Some(i), _) => Some(i),
        (None, TargetPort::Number(_)) if template.containers.len() == 1 => Some(0),
        _ => None,
    }
}

/// A Secret the pods behind an endpoint's Service serve from: a Secret volume of the
/// serving container, or a Secret named in a `--webhook-secret-name`-style flag. Whether or
/// not the Secret is among the inputs. [`serving_secrets`] is the one place that finds them.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct MountedSecret<'a> {
    pub(crate) namespace: String,
    pub(crate) name: &'a str,
    /// The volume's `secretName` (or the flag).
    pub(crate) span: Span,
    pub(crate) pod_template: PodTemplateId,
    pub(crate) mount_path: Option<&'a str>,
    /// The flag naming it, when it is read through the API rather than mounted.
    pub(crate) flag: Option<&'static str>,
    /// The volume says `optional: true`: the pod starts without it.
    pub(crate) optional: bool,
}

/// Every Secret the serving pods use, in order: the Secret volumes of the serving
/// containers, else the Secrets their flags name (namespace flags expanded as the kubelet
/// expands `$(VAR)`).
pub(crate) fn serving_secrets<'a>(
    model: &Model<'a>,
    backends: &[Backend],
) -> Vec<MountedSecret<'a>> {
    let mut found: Vec<MountedSecret<'a>> = Vec::new();
    for backend in backends {
        let template = &model.pod_templates[backend.pod_template];
        let namespace = &model.objects[template.object].namespace;
        for (source, mount_path) in mounted_secret_sources(model, backend) {
            found.push(MountedSecret {
                namespace: namespace.to_string(),
                name: source.secret_name,
                span: source.secret_name_node.span(),
                pod_template: backend.pod_template,
                mount_path,
                flag: None,
                optional: source.optional,
            });
        }
    }
    if found.is_empty() {
        found = secrets_named_by_flags(model, backends);
    }
    found
}

/// [`serving_secrets`] without repeats of one Secret.
pub(crate) fn distinct_secrets<'s, 'a>(
    mounted: &'s [MountedSecret<'a>],
) -> Vec<&'s MountedSecret<'a>> {
    let mut seen = foldhash::HashSet::default();
    mounted
        .iter()
        .filter(|m| seen.insert((m.namespace.as_str(), m.name)))
        .collect()
}

fn find_certificate(
    model: &Model<'_>,
    backends: &[Backend],
    chains: &SecretChains,
) -> ServedCertificate {
    if backends.is_empty() {
        return ServedCertificate::Undetermined(
            "no pod template among the inputs matches the Service's selector".into(),
        );
    }
    let mounted = serving_secrets(model, backends);
    if mounted.is_empty() {
        return ServedCertificate::Undetermined(
            "the pods behind the Service mount no Secret".into(),
        );
    }
    choose_certificate(model, &mounted, chains)
}

/// The Secret volume sources the serving container mounts (every volume's when the
/// container is unknown), with their mount paths.
pub(crate) fn mounted_secret_sources<'m, 'a>(
    model: &'m Model<'a>,
    backend: &Backend,
) -> Vec<(&'m crate::model::SecretVolumeSource<'a>, Option<&'a str>)> {
    let template = &model.pod_templates[backend.pod_template];
    let mounted: Vec<(&str, Option<&'a str>)> = match backend.container {
        Some(c) => template.containers[c]
            .mounts
            .iter()
            .map(|m| (m.name, m.mount_path))
            .collect(),
        None => template.volumes.iter().map(|v| (v.name, None)).collect(),
    };
    mounted
        .into_iter()
        .filter_map(|(volume_name, mount_path)| Some((template.volume(volume_name)?, mount_path)))
        .flat_map(|(volume, mount_path)| volume.secrets.iter().map(move |s| (s, mount_path)))
        .collect()
}

fn choose_certificate(
    model: &Model<'_>,
    mounted: &[MountedSecret<'_>],
    chains: &SecretChains,
) -> ServedCertificate {
    let present = |m: &MountedSecret<'_>| model.secret_index(&m.namespace, m.name);
    let with_certificate: Vec<(&MountedSecret<'_>, SecretId)> = mounted
        .iter()
        .filter_map(|m| Some((m, present(m)?)))
        .filter(|(_, i)| cert_entry(&model.secrets[*i]).is_some())
        .collect();
    let mut names: Vec<&str> = with_certificate.iter().map(|(m, _)| m.name).collect();
    names.sort_unstable();
    names.dedup();
    let (chosen, secret_index) = match names.len() {
        0 => {
            let mut missing: Vec<&str> = mounted.iter().map(|m| m.name).collect();
            missing.sort_unstable();
            missing.dedup();
            let list = missing.join(", ");
            return ServedCertificate::Undetermined(
                if mounted.iter().all(|m| present(m).is_none()) {
                    format!("the Secret {list} the serving pods use is not among the inputs (pass a `kubectl get secret -o yaml` dump to check it)")
                } else {
                    format!(
                    "the Secret {list} the serving pods use holds no certificate yet ({} absent or empty): it is filled at run time",
                    CERT_KEYS.join(", ")
                )
                },
            );
        }
        1 => with_certificate[0],
        _ => {
            let webhook_mounts: Vec<(&MountedSecret<'_>, SecretId)> = with_certificate
                .iter()
                .copied()
                .filter(|(m, _)| {
                    m.mount_path
                        .is_some_and(|p| p.contains("webhook") || p.contains("serving-cert"))
                })
                .collect();
            match webhook_mounts.as_slice() {
                [only] => *only,
                _ => {
                    return ServedCertificate::Undetermined(format!(
                        "the pods behind the Service mount several certificate Secrets ({})",
                        names.join(", ")
                    ))
                }
            }
        }
    };
    let secret = &model.secrets[secret_index];
    let entry = cert_entry(secret).expect("filtered on presence");
    let chain = chains
        .of(secret_index)
        .cloned()
        .unwrap_or_else(|| decode_chain(entry, chains.go()));
    ServedCertificate::Found(Box::new(ServingSecret {
        secret: secret_index,
        cert_key: entry.key.to_string(),
        cert_key_span: entry.key_node.span(),
        mounted_at: chosen.span,
        mounted_by: chosen.pod_template,
        chain,
    }))
}

/// Webhook servers that read their certificate through the API name the Secret in a flag
/// (`--webhook-secret-name=x`, `-webhook-secret-name x`), optionally with its namespace.
fn secrets_named_by_flags<'a>(model: &Model<'a>, backends: &[Backend]) -> Vec<MountedSecret<'a>> {
    let mut found = Vec::new();
    for backend in backends {
        let template = &model.pod_templates[backend.pod_template];
        let pod_namespace = model.objects[template.object].namespace;
        let containers = match backend.container {
            Some(c) => &template.containers[c..=c],
            None => &template.containers[..],
        };
        for container in containers {
            for flag in SECRET_NAME_FLAGS {
                let Some((secret_name, node)) = container.flag(flag) else {
                    continue;
                };
                let namespace = container
                    .flag(&flag.replace("-name", "-namespace"))
                    .map(|(ns, _)| container.expand(ns, pod_namespace))
                    .filter(|ns| !ns.is_empty() && !ns.contains("$("))
                    .unwrap_or_else(|| pod_namespace.to_string());
                found.push(MountedSecret {
                    namespace,
                    name: secret_name,
                    span: node.span(),
                    pod_template: backend.pod_template,
                    mount_path: None,
                    flag: Some(flag),
                    optional: false,
                });
            }
        }
    }
    found
}

/// Flags by which webhook servers name the Secret they load their serving pair from.
const SECRET_NAME_FLAGS: &[&str] = &[
    "webhook-secret-name",
    "secret-name",
    "tls-secret-name",
    "cert-secret-name",
];

/// The entry holding the serving chain, by the known key conventions.
/// Empty values are placeholders a provisioner fills at run time, so they don't count.
pub(crate) fn cert_entry<'s, 'a>(secret: &'s Secret<'a>) -> Option<&'s SecretEntry<'a>> {
    CERT_KEYS
        .iter()
        .filter_map(|key| secret.entry(key))
        .find(|entry| {
            entry
                .value_node
                .as_str()
                .is_some_and(|v| !v.trim().is_empty())
        })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::yaml::documents_for_test as documents;

    fn service(namespace: &str, name: &str, selector: &str) -> String {
        format!("kind: Service\napiVersion: v1\nmetadata: {{name: {name}, namespace: {namespace}}}\nspec: {{selector: {selector}, ports: [{{port: 443}}]}}\n---\n")
    }

    fn deployment(namespace: &str, name: &str, labels: &str) -> String {
        format!("kind: Deployment\napiVersion: apps/v1\nmetadata: {{name: {name}, namespace: {namespace}}}\nspec:\n  template:\n    metadata: {{labels: {labels}}}\n    spec: {{containers: [{{name: c}}]}}\n---\n")
    }

    /// The templates a Service selects, by name, as the linking stage finds them.
    fn backends_of(model: &Model<'_>, namespace: &str, name: &str) -> Vec<String> {
        let ServiceLink::Found { backends, .. } = link_service(model, namespace, name, 443) else {
            panic!("Service {namespace}/{name} is among the inputs");
        };
        backends
            .iter()
            .map(|b| {
                model.objects[model.pod_templates[b.pod_template].object]
                    .name
                    .to_string()
            })
            .collect()
    }

    #[test]
    fn an_empty_ca_bundle_is_told_without_decoding_as_decoding_tells_it() {
        let values = [
            "",
            "\\n",
            "\\r\\n\\n",
            " ",
            "=",
            "==",
            "====",
            "\\n=\\n",
            "A",
            "AA==",
            "QQ==",
            "\\tQQ==",
            "LS0t",
        ];
        let mut text = String::from("kind: ValidatingWebhookConfiguration\napiVersion: admissionregistration.k8s.io/v1\nmetadata: {name: w}\nwebhooks:\n- name: absent\n  clientConfig: {url: 'https://x'}\n- name: number\n  clientConfig: {url: 'https://x', caBundle: 5}\n");
        for (i, value) in values.iter().enumerate() {
            text.push_str(&format!(
                "- name: v{i}\n  clientConfig: {{url: 'https://x', caBundle: \"{value}\"}}\n"
            ));
        }
        let docs = documents(&text);
        let model = Model::build(&docs, "default");
        assert_eq!(model.endpoints.len(), values.len() + 2);
        for endpoint in &model.endpoints {
            assert_eq!(
                ca_bundle_is_empty(endpoint),
                ca_bundle_pem(endpoint).is_some_and(|pem| pem.is_empty()),
                "{}",
                endpoint.name
            );
        }
        assert!(ca_bundle_is_empty(&model.endpoints.as_slice()[0]));
        assert!(ca_bundle_is_empty(&model.endpoints.as_slice()[3]));
    }

    #[test]
    fn linking_by_label_index_finds_what_a_scan_of_every_template_finds() {
        let text = [
            service("a", "same", "{app: web}"),
            service("b", "same", "{app: web}"),
            service("a", "pair", "{app: web, tier: api}"),
            service("a", "empty", "{}"),
            service("a", "none", "{app: absent}"),
            service("a", "common-first", "{team: t, app: rare}"),
            deployment("a", "d1", "{app: web, tier: api, team: t}"),
            deployment("b", "d2", "{app: web}"),
            deployment("a", "d3", "{tier: api, app: web}"),
            deployment("a", "d4", "{app: web, tier: db, team: t}"),
            deployment("a", "d5", "{team: t, app: rare}"),
            deployment("a", "d6", "{app: other}"),
            deployment("a", "d7", "{app: web}"),
        ]
        .concat();
        let docs = documents(&text);
        let model = Model::build(&docs, "default");
        assert_eq!(backends_of(&model, "a", "same"), ["d1", "d3", "d4", "d7"]);
        assert_eq!(backends_of(&model, "b", "same"), ["d2"]);
        assert_eq!(backends_of(&model, "a", "pair"), ["d1", "d3"]);
        assert!(backends_of(&model, "a", "empty").is_empty());
        assert!(backends_of(&model, "a", "none").is_empty());
        assert_eq!(backends_of(&model, "a", "common-first"), ["d5"]);
        // The index agrees with a scan of every template of the namespace, in order.
        for service in &model.services {
            let namespace = &model.objects[service.object].namespace;
            let selector = service.selector.clone().unwrap_or_default();
            let scanned: Vec<PodTemplateId> = model
                .pod_templates_in(namespace)
                .iter()
                .copied()
                .filter(|&i| !selector.is_empty() && model.pod_templates[i].carries_all(&selector))
                .collect();
            assert_eq!(model.pod_templates_selected(namespace, &selector), scanned);
        }
    }

    #[test]
    fn urls_split_like_go() {
        let u = parse_https_url("https://user@Host.example:8443/p?q=1#f").unwrap();
        assert_eq!(u.scheme, "https");
        assert_eq!(u.user_info, Some("user"));
        assert_eq!(u.host, "Host.example");
        assert_eq!(u.port, Some("8443"));
        assert_eq!((u.query, u.fragment), ("q=1", "f"));
        let v6 = parse_https_url("https://[::1]:443/x").unwrap();
        assert_eq!(v6.host, "[::1]");
        assert!(parse_https_url("https://h:x/").is_err());
        assert_eq!(parse_https_url("webhook.ns.svc/path").unwrap().host, "");
    }
}
