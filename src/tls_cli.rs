//! `speclint tls verify` and `speclint tls inspect`: the verifier and decoder, by hand.
//!
//! Both read PEM, base64 of PEM (a caBundle value pasted in), a DER certificate,
//! or a manifest (YAML or JSON, possibly a `List`). Private keys are only ever
//! described (type, size, which certificate they belong to), never printed.

use foldhash::HashMap;
use std::io::{Read, Write};

use clap::{Args, Subcommand, ValueEnum};
use serde::Serialize;
use sha2::{Digest, Sha256};

use crate::cli::{EXIT_FINDINGS, EXIT_OK, EXIT_USAGE};
use crate::kube_version::{self, KubeRelease};
use crate::model::{Model, Object, SecretEntry};
use crate::report::escape;
use crate::source::SourceFile;
use crate::tls::cert::{self, key_usage, Certificate, PublicKeyAlgorithm};
use crate::tls::key::{self, KeyIdentity, PrivateKey};
use crate::tls::time::{self, Time};
use crate::tls::verify::{self, CertPool, PooledOptions, ServerVerifyError};
use crate::tls::{base64, pem, roots};
use crate::yaml::Document;

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum InspectFormat {
    Human,
    Json,
}

#[derive(Debug, Subcommand)]
pub enum TlsCommand {
    /// Verify a serving chain as kube-apiserver would: prints `ok` or Go's exact error (exit 0 or 1).
    Verify(VerifyArgs),
    /// Describe every certificate and key found in PEM, base64 or a manifest.
    Inspect(InspectArgs),
}

#[derive(Debug, Args)]
#[command(
    after_help = "CHAIN is PEM (every CERTIFICATE block is sent, leaf first) or a manifest holding a Secret \
with `tls.crt`, `cert` or `server-cert.pem`. The caBundle is PEM or a ValidatingWebhookConfiguration, \
MutatingWebhookConfiguration, CustomResourceDefinition or APIService; an empty caBundle means the API \
server's own trust store.\n\
Exit status: 0 ok, 1 the API server would refuse the chain, 2 usage or I/O failure."
)]
pub struct VerifyArgs {
    /// The caBundle: PEM, or a manifest (webhook configuration, CRD, APIService) to take it from.
    #[arg(long, value_name = "FILE")]
    pub ca_bundle: String,
    /// The name the API server dials, e.g. `my-svc.my-ns.svc`.
    #[arg(long, value_name = "NAME")]
    pub server_name: String,
    /// Evaluation time, RFC 3339, a fraction of a second included (default: now).
    #[arg(long, value_name = "RFC3339")]
    pub now: Option<String>,
    /// The Kubernetes release whose API server judges, as 1.N: its Go decides, messages
    /// included [default: the newest stable release, 1.37]
    #[arg(long, value_name = "1.N")]
    pub kube_version: Option<String>,
    /// The serving chain: PEM (leaf first), or a Secret manifest to take it from; `-` is stdin.
    #[arg(value_name = "CHAIN")]
    pub chain: String,
}

#[derive(Debug, Args)]
#[command(
    after_help = "Fingerprints are SHA-256 of the DER, upper-case hex with colons, as \
`openssl x509 -fingerprint -sha256` prints them. Private keys are described, never shown."
)]
pub struct InspectArgs {
    /// PEM, base64 of PEM, or a manifest; `-` is stdin.
    #[arg(value_name = "FILE")]
    pub input: String,
    #[arg(long, value_enum, default_value_t = InspectFormat::Human)]
    pub format: InspectFormat,
    /// Evaluation time for "days left", RFC 3339 (default: now).
    #[arg(long, value_name = "RFC3339")]
    pub now: Option<String>,
}

pub fn run(command: &TlsCommand, stdin: &mut dyn Read, stdout: &mut dyn Write) -> i32 {
    let outcome = match command {
        TlsCommand::Verify(args) => run_verify(args, stdin, stdout),
        TlsCommand::Inspect(args) => run_inspect(args, stdin, stdout),
    };
    match outcome {
        Ok(code) => code,
        Err(Usage(message)) => {
            eprintln!("error: {}", escape(&message));
            EXIT_USAGE
        }
    }
}

/// A usage or I/O problem: exit 2 with the message on stderr.
struct Usage(String);

impl From<String> for Usage {
    fn from(message: String) -> Self {
        Usage(message)
    }
}

type CliResult<T> = Result<T, Usage>;

fn note(message: &str) {
    eprintln!("note: {}", escape(message));
}

fn write_output(stdout: &mut dyn Write, text: &str) -> CliResult<()> {
    match stdout
        .write_all(text.as_bytes())
        .and_then(|()| stdout.flush())
    {
        Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => {
            Err(Usage(format!("cannot write the output: {e}")))
        }
        _ => Ok(()),
    }
}

fn evaluation_time(now: &Option<String>) -> CliResult<Time> {
    match now {
        None => Ok(Time::now()),
        Some(text) => time::parse_rfc3339(text).map_err(|e| Usage(format!("--now: {e}"))),
    }
}

/// One input file (or standard input) as bytes.
struct Input {
    name: String,
    bytes: Vec<u8>,
}

fn read_input(path: &str, stdin: &mut dyn Read) -> CliResult<Input> {
    if path == "-" {
        let mut bytes = Vec::new();
        stdin
            .read_to_end(&mut bytes)
            .map_err(|e| Usage(format!("cannot read standard input: {e}")))?;
        return Ok(Input {
            name: "<stdin>".to_string(),
            bytes,
        });
    }
    let bytes = std::fs::read(path).map_err(|e| Usage(format!("cannot read {path}: {e}")))?;
    Ok(Input {
        name: path.to_string(),
        bytes,
    })
}

/// The documents of an input when it is a manifest (at least one object with a `kind`).
fn manifest_documents(input: &Input) -> Option<Vec<Document>> {
    // A DER certificate is not YAML; don't let the loader report it.
    if looks_like_der(&input.bytes) {
        return None;
    }
    let file = SourceFile::new(input.name.clone(), input.bytes.clone());
    let (documents, _errors) = crate::yaml::load(0, &file);
    let has_objects = !Model::build(&documents, "default").objects.is_empty();
    has_objects.then_some(documents)
}

fn looks_like_der(bytes: &[u8]) -> bool {
    bytes.first() == Some(&0x30) && cert::parse_der(bytes, kube_version::newest().go).is_ok()
}

/// PEM as given; or the decoded text when the input is base64 of PEM (e.g. a
/// caBundle value pasted in). The flag says it was decoded.
fn unwrap_base64(bytes: &[u8]) -> (Vec<u8>, bool) {
    if !pem::decode_all(bytes).is_empty() {
        return (bytes.to_vec(), false);
    }
    let compact: Vec<u8> = bytes
        .iter()
        .copied()
        .filter(|b| !b.is_ascii_whitespace())
        .collect();
    match base64::decode_std(&compact) {
        Ok(decoded) if !compact.is_empty() && !pem::decode_all(&decoded).is_empty() => {
            (decoded, true)
        }
        _ => (bytes.to_vec(), false),
    }
}

/// `Kind namespace/name`, or `Kind name` for cluster-scoped objects.
fn object_label(object: &Object<'_>) -> String {
    if object.namespace.is_empty() {
        format!("{} {}", object.kind, object.name)
    } else {
        format!("{} {}/{}", object.kind, object.namespace, object.name)
    }
}

/// `data["tls.crt"]` or `stringData["tls.crt"]`.
fn secret_field(entry: &SecretEntry<'_>) -> String {
    let field = match entry.encoding {
        crate::model::SecretEncoding::Base64 => "data",
        crate::model::SecretEncoding::Plain => "stringData",
    };
    format!("{field}[{:?}]", entry.key)
}

// ---------------------------------------------------------------------------
// verify

/// Secret keys that hold the serving chain, each with its private key, by convention.
const CHAIN_KEYS: [(&str, &str); 3] = [
    ("tls.crt", "tls.key"),
    ("cert", "key"),
    ("server-cert.pem", "server-key.pem"),
];

/// The serving chain as the server would send it, and its key when known.
struct ServingPair {
    chain_pem: Vec<u8>,
    key_pem: Option<Vec<u8>>,
    /// Where the chain is, e.g. `Secret system/webhook-tls data["tls.crt"]`.
    label: String,
    /// The file or Secret holding chain and key.
    owner: String,
}

fn run_verify(args: &VerifyArgs, stdin: &mut dyn Read, stdout: &mut dyn Write) -> CliResult<i32> {
    if args.chain == "-" && args.ca_bundle == "-" {
        return Err(Usage(
            "CHAIN and --ca-bundle cannot both be standard input".to_string(),
        ));
    }
    let now = evaluation_time(&args.now)?;
    let release = match &args.kube_version {
        None => kube_version::newest(),
        Some(text) => {
            kube_version::parse(text).map_err(|e| Usage(format!("--kube-version: {e}")))?
        }
    };
    let chain_input = read_input(&args.chain, stdin)?;
    let ca_input = read_input(&args.ca_bundle, stdin)?;
    let pair = serving_pair(&chain_input)?;
    let ca_bundle = ca_bundle_bytes(&ca_input)?;

    let verdict = verdict(&pair, &ca_bundle, &args.server_name, now, release)?;
    // Not part of the verdict: a server whose key does not match never answers.
    if let Some(key_pem) = &pair.key_pem {
        if let Err(e) = key::x509_key_pair(&pair.chain_pem, key_pem, release.go) {
            note(&format!(
                "the webhook server would not start with the key of {}: {e}",
                pair.owner
            ));
        }
    }
    let code = if verdict == "ok" {
        EXIT_OK
    } else {
        EXIT_FINDINGS
    };
    write_output(stdout, &format!("{}\n", escape(&verdict)))?;
    Ok(code)
}

/// `ok` or Go's error, in the order the API server meets them: the client's root
/// pool, the server's certificates, then `Verify`.
fn verdict(
    pair: &ServingPair,
    ca_bundle: &[u8],
    server_name: &str,
    now: Time,
    release: &KubeRelease,
) -> CliResult<String> {
    let go = release.go;
    if !ca_bundle.is_empty() && cert::append_certs_from_pem(ca_bundle, go).is_empty() {
        return Ok(ServerVerifyError::RootCertificates {
            detail: verify::ca_data_error(ca_bundle, go),
        }
        .to_string());
    }
    let blocks: Vec<pem::Block> = pem::decode_all_for(&pair.chain_pem, go)
        .into_iter()
        .filter(|b| b.kind == "CERTIFICATE")
        .collect();
    if blocks.is_empty() {
        let why = match cert::parse_pem_chain(&pair.chain_pem, go) {
            Err(problem @ cert::ChainProblem::NotPem { .. }) => problem.to_string(),
            _ => "no \"CERTIFICATE\" PEM block".to_string(),
        };
        return Err(Usage(format!("{} holds no certificate: {why}", pair.label)));
    }
    let mut chain = Vec::with_capacity(blocks.len());
    for block in &blocks {
        match cert::parse_der(&block.bytes, go) {
            Ok(c) => chain.push(c),
            Err(e) => return Ok(format!("tls: failed to parse certificate from server: {e}")),
        }
    }
    if ca_bundle.is_empty() {
        note("the caBundle is empty: the API server then trusts its own system roots (approximated by the public web PKI roots)");
    }
    Ok(
        match verify::verify_server(
            &chain,
            ca_bundle,
            server_name,
            now,
            Some(roots::system_roots()),
            go,
        ) {
            Ok(_) => "ok".to_string(),
            // Since Go 1.20 crypto/tls wraps what Verify returns.
            Err(ServerVerifyError::Verify(e)) if go.tls_wraps_verify_errors() => {
                format!("tls: failed to verify certificate: {e}")
            }
            Err(e) => e.to_string(),
        },
    )
}

fn serving_pair(input: &Input) -> CliResult<ServingPair> {
    let Some(documents) = manifest_documents(input) else {
        if looks_like_der(&input.bytes) {
            return Ok(ServingPair {
                chain_pem: pem_encode("CERTIFICATE", &input.bytes),
                key_pem: None,
                label: input.name.clone(),
                owner: input.name.clone(),
            });
        }
        let (bytes, decoded) = unwrap_base64(&input.bytes);
        if decoded {
            note(&format!("{} is base64 of PEM; decoded it", input.name));
        }
        let has_key = pem::decode_all(&bytes)
            .iter()
            .any(|b| key::is_private_key_type(&b.kind));
        return Ok(ServingPair {
            key_pem: has_key.then(|| bytes.clone()),
            chain_pem: bytes,
            label: input.name.clone(),
            owner: input.name.clone(),
        });
    };
    let model = Model::build(&documents, "default");
    let mut candidates = model.secrets.iter().filter_map(|secret| {
        CHAIN_KEYS.iter().find_map(|(chain_key, key_key)| {
            let entry = secret.entry(chain_key)?;
            Some((secret, entry, secret.entry(key_key)))
        })
    });
    let Some((secret, entry, key_entry)) = candidates.next() else {
        return Err(Usage(format!(
            "{}: no Secret with `tls.crt`, `cert` or `server-cert.pem`",
            input.name
        )));
    };
    let owner = object_label(model.object(secret.object));
    let label = format!("{owner} {}", secret_field(entry));
    let others = candidates.count();
    if others > 0 {
        note(&format!(
            "{} holds {} more Secret(s) with a certificate; using {label}",
            input.name, others
        ));
    }
    let decode = |entry: &SecretEntry<'_>| {
        crate::resolve::secret_value_bytes(entry).map_err(|e| {
            Usage(format!(
                "{} {} is not valid base64: {e}",
                object_label(model.object(secret.object)),
                secret_field(entry)
            ))
        })
    };
    let chain_pem = decode(entry)?;
    let key_pem = key_entry.map(decode).transpose()?;
    Ok(ServingPair {
        chain_pem,
        key_pem,
        label,
        owner,
    })
}

fn ca_bundle_bytes(input: &Input) -> CliResult<Vec<u8>> {
    let Some(documents) = manifest_documents(input) else {
        if looks_like_der(&input.bytes) {
            return Ok(pem_encode("CERTIFICATE", &input.bytes));
        }
        let (bytes, decoded) = unwrap_base64(&input.bytes);
        if decoded {
            note(&format!("{} is base64 of PEM; decoded it", input.name));
        }
        return Ok(bytes);
    };
    let model = Model::build(&documents, "default");
    let mut bundles: Vec<(String, Vec<u8>)> = Vec::new();
    for endpoint in &model.endpoints {
        let label = format!(
            "{} {}.caBundle",
            object_label(model.object(endpoint.object)),
            endpoint.field_path
        );
        let text = endpoint.ca_bundle.and_then(|n| n.as_str()).unwrap_or("");
        let bytes = base64::decode_std(text.as_bytes())
            .map_err(|e| Usage(format!("{label} is not valid base64: {e}")))?;
        bundles.push((label, bytes));
    }
    let Some((first_label, first)) = bundles.first() else {
        return Err(Usage(format!(
            "{}: no webhook configuration, CRD conversion webhook or APIService to take a caBundle from",
            input.name
        )));
    };
    let differing = bundles.iter().filter(|(_, b)| b != first).count();
    if differing > 0 {
        note(&format!(
            "{} holds {differing} caBundle(s) that differ from the first; using {first_label}",
            input.name
        ));
    }
    Ok(first.clone())
}

fn pem_encode(kind: &str, der: &[u8]) -> Vec<u8> {
    let body = encode_base64(der);
    let mut out = format!("-----BEGIN {kind}-----\n");
    for line in body.as_bytes().chunks(64) {
        out.push_str(std::str::from_utf8(line).unwrap_or_default());
        out.push('\n');
    }
    out.push_str(&format!("-----END {kind}-----\n"));
    out.into_bytes()
}

fn encode_base64(data: &[u8]) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::with_capacity(data.len().div_ceil(3) * 4);
    for chunk in data.chunks(3) {
        let b = [
            chunk[0],
            *chunk.get(1).unwrap_or(&0),
            *chunk.get(2).unwrap_or(&0),
        ];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(char::from(ALPHABET[(n >> (18 - 6 * i) & 63) as usize]));
            } else {
                out.push('=');
            }
        }
    }
    out
}

// ---------------------------------------------------------------------------
// inspect

/// Where something was found. Serialized as part of `inspect --format json`.
#[derive(Clone, Debug, Serialize)]
struct Origin {
    /// The input's name (`<stdin>` for standard input).
    file: String,
    /// `Kind namespace/name` (or `Kind name`) for manifests, else null.
    object: Option<String>,
    /// The field holding the value, e.g. `data["tls.crt"]` or
    /// `webhooks[0].clientConfig.caBundle`; null for plain PEM input.
    field: Option<String>,
    /// 1-based position among the value's PEM blocks; null for a caBundle as a whole.
    block: Option<usize>,
}

impl Origin {
    fn with_block(&self, block: usize) -> Origin {
        Origin {
            block: Some(block),
            ..self.clone()
        }
    }

    fn describe(&self) -> String {
        let mut parts = Vec::new();
        if let Some(object) = &self.object {
            parts.push(object.clone());
        }
        if let Some(field) = &self.field {
            parts.push(field.clone());
        }
        let block = self
            .block
            .map(|b| format!(", block {b}"))
            .unwrap_or_default();
        if parts.is_empty() {
            format!("{}{block}", self.file)
        } else {
            format!("{}{block} ({})", parts.join(" "), self.file)
        }
    }
}

struct FoundCertificate {
    origin: Origin,
    /// Certificates of the same value share a group: the server sends them together.
    group: usize,
    /// Index into `Inventory::bundles` when it came from a caBundle.
    bundle: Option<usize>,
    cert: Certificate,
}

/// A private key, reduced to its public half as soon as it is read.
struct FoundKey {
    origin: Origin,
    pem_type: String,
    key: Option<PrivateKey>,
}

struct FoundBundle {
    /// Every field holding this exact value, first one first.
    origins: Vec<Origin>,
    state: BundleState,
}

enum BundleState {
    /// Missing or empty: the API server uses its system trust store.
    Empty,
    /// `AppendCertsFromPEM` found these roots.
    Usable(Vec<Certificate>),
    /// client-go refuses it: `unable to load root certificates: ...`.
    Unusable(String),
}

#[derive(Default)]
struct Inventory {
    certificates: Vec<FoundCertificate>,
    keys: Vec<FoundKey>,
    bundles: Vec<FoundBundle>,
    /// Index into `bundles` by decoded value (certificates only: nothing secret).
    bundle_by_bytes: HashMap<Vec<u8>, usize>,
    other_blocks: Vec<(Origin, String)>,
    problems: Vec<(Origin, String)>,
    groups: usize,
}

impl Inventory {
    /// Records the PEM blocks of one value. `bundle` marks a caBundle's certificates.
    fn add_pem(&mut self, origin: &Origin, bytes: &[u8], bundle: Option<usize>) {
        let group = self.groups;
        self.groups += 1;
        for (index, block) in pem::decode_all(bytes).into_iter().enumerate() {
            let origin = origin.with_block(index + 1);
            if block.kind == "CERTIFICATE" {
                match cert::parse_der(&block.bytes, kube_version::newest().go) {
                    Ok(cert) => self.certificates.push(FoundCertificate {
                        origin,
                        group,
                        bundle,
                        cert,
                    }),
                    Err(e) => self
                        .problems
                        .push((origin, format!("CERTIFICATE block does not parse: {e}"))),
                }
            } else if key::is_private_key_type(&block.kind) {
                self.keys.push(FoundKey {
                    origin,
                    key: key::parse_private_key_for(&block.bytes, kube_version::newest().go),
                    pem_type: block.kind,
                });
            } else {
                self.other_blocks.push((origin, block.kind));
            }
        }
    }

    /// A plain input: PEM, base64 of PEM, or one DER certificate.
    fn add_raw(&mut self, input: &Input) {
        let origin = Origin {
            file: input.name.clone(),
            object: None,
            field: None,
            block: None,
        };
        if looks_like_der(&input.bytes) {
            let pem_text = pem_encode("CERTIFICATE", &input.bytes);
            self.add_pem(&origin, &pem_text, None);
            return;
        }
        let (bytes, decoded) = unwrap_base64(&input.bytes);
        if decoded {
            note(&format!("{} is base64 of PEM; decoded it", input.name));
        }
        self.add_pem(&origin, &bytes, None);
    }

    /// Every Secret and ConfigMap value holding PEM, and every caBundle.
    fn add_manifest(&mut self, input: &Input, documents: &[Document]) {
        let model = Model::build(documents, "default");
        let origin_of = |object: &Object<'_>, field: String| Origin {
            file: input.name.clone(),
            object: Some(object_label(object)),
            field: Some(field),
            block: None,
        };
        for secret in &model.secrets {
            let object = model.object(secret.object);
            for entry in &secret.entries {
                let origin = origin_of(object, secret_field(entry));
                match crate::resolve::secret_value_bytes(entry) {
                    Ok(bytes) => self.add_value(&origin, &bytes),
                    Err(e) => self
                        .problems
                        .push((origin, format!("not valid base64: {e}"))),
                }
            }
        }
        for object in model.objects.iter().filter(|o| o.kind == "ConfigMap") {
            for field in ["data", "binaryData"] {
                for (key, value) in object
                    .node()
                    .get(field)
                    .into_iter()
                    .flat_map(|n| n.entries())
                {
                    let (Some(key), Some(text)) = (key.as_str(), value.as_str()) else {
                        continue;
                    };
                    let origin = origin_of(object, format!("{field}[{key:?}]"));
                    if field == "data" {
                        self.add_value(&origin, text.as_bytes());
                    } else if let Ok(bytes) = base64::decode_std(text.as_bytes()) {
                        self.add_value(&origin, &bytes);
                    }
                }
            }
        }
        for endpoint in &model.endpoints {
            let object = model.object(endpoint.object);
            let origin = origin_of(object, format!("{}.caBundle", endpoint.field_path));
            let text = endpoint.ca_bundle.and_then(|n| n.as_str()).unwrap_or("");
            match base64::decode_std(text.as_bytes()) {
                Ok(bytes) => self.add_bundle(origin, &bytes),
                Err(e) => self
                    .problems
                    .push((origin, format!("not valid base64: {e}"))),
            }
        }
    }

    /// A Secret or ConfigMap value: PEM, or PEM encoded once more (a common slip).
    fn add_value(&mut self, origin: &Origin, bytes: &[u8]) {
        let (bytes, decoded) = unwrap_base64(bytes);
        if decoded {
            self.problems.push((
                origin.clone(),
                "the value is base64 of PEM: it was base64-encoded twice".to_string(),
            ));
        }
        self.add_pem(origin, &bytes, None);
    }

    fn add_bundle(&mut self, origin: Origin, bytes: &[u8]) {
        if let Some(&index) = self.bundle_by_bytes.get(bytes) {
            self.bundles[index].origins.push(origin);
            return;
        }
        let index = self.bundles.len();
        self.bundle_by_bytes.insert(bytes.to_vec(), index);
        if unwrap_base64(bytes).1 {
            self.problems.push((
                origin.clone(),
                "the caBundle is base64 of PEM text: it was base64-encoded twice".to_string(),
            ));
        }
        let state = if bytes.is_empty() {
            BundleState::Empty
        } else {
            let roots: Vec<Certificate> =
                cert::append_certs_from_pem(bytes, kube_version::newest().go)
                    .into_iter()
                    .map(|(_, c)| c)
                    .collect();
            if roots.is_empty() {
                BundleState::Unusable(
                    ServerVerifyError::RootCertificates {
                        detail: verify::ca_data_error(bytes, kube_version::newest().go),
                    }
                    .to_string(),
                )
            } else {
                BundleState::Usable(roots)
            }
        };
        self.bundles.push(FoundBundle {
            origins: vec![origin.clone()],
            state,
        });
        self.add_pem(&origin, bytes, Some(index));
    }
}

/// `speclint tls inspect --format json` prints one object with these fields:
///
/// - `now`: the evaluation time, RFC 3339.
/// - `certificates[]`: `index` (1-based, as in the human output), `source`
///   (`file`, `object`, `field`, `block`), `subject`, `issuer`, `serial`
///   (decimal, as Go prints it), `serial_hex` (without the sign byte), `sans` (`dns`, `ip`, `email`,
///   `uri`), `not_before`, `not_after`, `days_left` (whole days until
///   `not_after`, negative once expired), `validity` (`valid`, `expired`,
///   `not yet valid`), `public_key` (`algorithm`, `bits`, `curve`),
///   `signature_algorithm` (Go's name), `is_ca`, `max_path_len` (null when
///   unlimited or not a CA), `key_usage[]`, `extended_key_usage[]` (names, or
///   dotted OIDs Go does not name), `sha256_fingerprint` (upper-case hex with
///   colons), `ca_bundle` (index of the caBundle it was read from, else null),
///   `chains_to[]` (`ca_bundle`, `result`: `ok` or Go's `Verify` error, no
///   host name checked; certificates read from a caBundle have none).
/// - `private_keys[]`: `index`, `source`, `pem_type`, `parsed` (false when Go
///   cannot parse it), `algorithm`, `bits`, `curve`, `encoding`,
///   `matches_certificate` (index or null). Never any part of the key.
/// - `ca_bundles[]`: `index`, `sources[]` (every field holding the same value),
///   `state` (`empty`: the API server uses its own roots; `usable`;
///   `unusable`), `error` (client-go's message when unusable), `certificates[]`.
/// - `other_pem_blocks[]`: `source`, `pem_type`.
/// - `problems[]`: `source`, `message`.
#[derive(Serialize)]
struct InspectReport {
    now: String,
    certificates: Vec<CertificateReport>,
    private_keys: Vec<KeyReport>,
    ca_bundles: Vec<BundleReport>,
    other_pem_blocks: Vec<BlockReport>,
    problems: Vec<ProblemReport>,
}

#[derive(Serialize)]
struct CertificateReport {
    index: usize,
    source: Origin,
    subject: String,
    issuer: String,
    serial: String,
    serial_hex: String,
    sans: Sans,
    not_before: String,
    not_after: String,
    days_left: i64,
    validity: &'static str,
    public_key: PublicKeyReport,
    signature_algorithm: String,
    is_ca: bool,
    max_path_len: Option<i64>,
    key_usage: Vec<&'static str>,
    extended_key_usage: Vec<String>,
    sha256_fingerprint: String,
    ca_bundle: Option<usize>,
    chains_to: Vec<ChainReport>,
}

#[derive(Serialize)]
struct Sans {
    dns: Vec<String>,
    ip: Vec<String>,
    email: Vec<String>,
    uri: Vec<String>,
}

#[derive(Serialize)]
struct PublicKeyReport {
    algorithm: &'static str,
    bits: Option<usize>,
    curve: Option<&'static str>,
}

#[derive(Serialize)]
struct ChainReport {
    ca_bundle: usize,
    result: String,
}

#[derive(Serialize)]
struct KeyReport {
    index: usize,
    source: Origin,
    pem_type: String,
    parsed: bool,
    algorithm: Option<&'static str>,
    bits: Option<usize>,
    curve: Option<&'static str>,
    encoding: Option<&'static str>,
    matches_certificate: Option<usize>,
}

#[derive(Serialize)]
struct BundleReport {
    index: usize,
    sources: Vec<Origin>,
    state: &'static str,
    error: Option<String>,
    certificates: Vec<usize>,
}

#[derive(Serialize)]
struct BlockReport {
    source: Origin,
    pem_type: String,
}

#[derive(Serialize)]
struct ProblemReport {
    source: Origin,
    message: String,
}

fn run_inspect(args: &InspectArgs, stdin: &mut dyn Read, stdout: &mut dyn Write) -> CliResult<i32> {
    let now = evaluation_time(&args.now)?;
    let input = read_input(&args.input, stdin)?;
    let mut inventory = Inventory::default();
    match manifest_documents(&input) {
        Some(documents) => inventory.add_manifest(&input, &documents),
        None => inventory.add_raw(&input),
    }
    let report = build_report(&inventory, now);
    let text = match args.format {
        InspectFormat::Json => {
            let mut text = crate::report::untrusted::json_string(&report, true);
            text.push('\n');
            text
        }
        InspectFormat::Human => render_human(&report),
    };
    write_output(stdout, &text)?;
    Ok(EXIT_OK)
}

fn build_report(inventory: &Inventory, now: Time) -> InspectReport {
    let certificates = inventory
        .certificates
        .iter()
        .zip(chain_checks(inventory, now))
        .enumerate()
        .map(|(i, (found, chains_to))| certificate_report(i, found, chains_to, now))
        .collect();
    // The first certificate of each public key, for keys to find theirs by lookup.
    let mut first_with_key: HashMap<KeyIdentity, usize> = HashMap::default();
    if !inventory.keys.is_empty() {
        for (i, found) in inventory.certificates.iter().enumerate() {
            if let Some(identity) = KeyIdentity::of_certificate(&found.cert) {
                first_with_key.entry(identity).or_insert(i);
            }
        }
    }
    let mut bundle_certificates: Vec<Vec<usize>> = vec![Vec::new(); inventory.bundles.len()];
    for (i, found) in inventory.certificates.iter().enumerate() {
        if let Some(bundle) = found.bundle {
            bundle_certificates[bundle].push(i + 1);
        }
    }
    let private_keys = inventory
        .keys
        .iter()
        .enumerate()
        .map(|(i, found)| {
            let algorithm = found.key.as_ref().map(PrivateKey::algorithm);
            KeyReport {
                index: i + 1,
                source: found.origin.clone(),
                pem_type: found.pem_type.clone(),
                parsed: found.key.is_some(),
                algorithm: algorithm.map(|a| a.name()),
                bits: algorithm.map(|a| a.bits()),
                curve: match algorithm {
                    Some(key::KeyAlgorithm::Ecdsa { curve, .. }) => Some(curve),
                    _ => None,
                },
                encoding: found.key.as_ref().map(|k| k.encoding().name()),
                matches_certificate: found
                    .key
                    .as_ref()
                    .and_then(KeyIdentity::of_key)
                    .and_then(|identity| first_with_key.get(&identity))
                    .map(|i| i + 1),
            }
        })
        .collect();
    let ca_bundles = inventory
        .bundles
        .iter()
        .zip(bundle_certificates)
        .enumerate()
        .map(|(i, (bundle, certificates))| BundleReport {
            index: i + 1,
            sources: bundle.origins.clone(),
            state: match bundle.state {
                BundleState::Empty => "empty",
                BundleState::Usable(_) => "usable",
                BundleState::Unusable(_) => "unusable",
            },
            error: match &bundle.state {
                BundleState::Unusable(message) => Some(message.clone()),
                _ => None,
            },
            certificates,
        })
        .collect();
    InspectReport {
        now: now.rfc3339_nano(),
        certificates,
        private_keys,
        ca_bundles,
        other_pem_blocks: inventory
            .other_blocks
            .iter()
            .map(|(source, pem_type)| BlockReport {
                source: source.clone(),
                pem_type: pem_type.clone(),
            })
            .collect(),
        problems: inventory
            .problems
            .iter()
            .map(|(source, message)| ProblemReport {
                source: source.clone(),
                message: message.clone(),
            })
            .collect(),
    }
}

fn certificate_report(
    position: usize,
    found: &FoundCertificate,
    chains_to: Vec<ChainReport>,
    now: Time,
) -> CertificateReport {
    let c = &found.cert;
    let validity = if now.before(c.not_before) {
        "not yet valid"
    } else if now.after(c.not_after) {
        "expired"
    } else {
        "valid"
    };
    CertificateReport {
        index: position + 1,
        source: found.origin.clone(),
        subject: c.subject_display.clone(),
        issuer: c.issuer_display.clone(),
        serial: verify::serial_decimal(c),
        serial_hex: serial_hex(&c.serial_hex),
        sans: Sans {
            dns: c.dns_names.clone(),
            ip: c.ip_addresses.iter().map(go_ip_string).collect(),
            email: c.email_addresses.clone(),
            uri: c.uris.clone(),
        },
        not_before: time::format_rfc3339(c.not_before),
        not_after: time::format_rfc3339(c.not_after),
        days_left: now.seconds_until(c.not_after).div_euclid(86_400),
        validity,
        public_key: PublicKeyReport {
            algorithm: match c.public_key.algorithm {
                PublicKeyAlgorithm::Rsa => "RSA",
                PublicKeyAlgorithm::Dsa => "DSA",
                PublicKeyAlgorithm::Ecdsa => "ECDSA",
                PublicKeyAlgorithm::Ed25519 => "Ed25519",
                PublicKeyAlgorithm::Unknown => "unknown",
            },
            bits: c.public_key.bits,
            curve: c.public_key.curve,
        },
        signature_algorithm: c.signature_algorithm.name.clone(),
        is_ca: c.basic_constraints_valid && c.is_ca,
        max_path_len: (c.basic_constraints_valid && c.is_ca && c.max_path_len >= 0)
            .then_some(c.max_path_len),
        key_usage: key_usage_names(c.key_usage),
        extended_key_usage: c.ext_key_usage.iter().map(|oid| eku_name(oid)).collect(),
        sha256_fingerprint: fingerprint(&c.raw),
        ca_bundle: found.bundle.map(|b| b + 1),
        chains_to,
    }
}

/// Go's `Verify` of each certificate not read from a caBundle against each caBundle, with
/// the other certificates of its value as intermediates (the server sends them together).
/// Each caBundle and each value is pooled once, not once per certificate.
fn chain_checks(inventory: &Inventory, now: Time) -> Vec<Vec<ChainReport>> {
    use rayon::prelude::*;
    let certificates = &inventory.certificates;
    if inventory.bundles.is_empty() {
        return certificates.iter().map(|_| Vec::new()).collect();
    }
    // The certificates of each value, and each certificate's place among them.
    let mut members: Vec<Vec<Certificate>> = vec![Vec::new(); inventory.groups];
    let mut places = Vec::with_capacity(certificates.len());
    for found in certificates {
        let group = &mut members[found.group];
        places.push(group.len());
        if found.bundle.is_none() {
            group.push(found.cert.clone());
        }
    }
    let group_pools: Vec<CertPool<'_>> = members.iter().map(|m| CertPool::new(m)).collect();
    let root_pools: Vec<Result<CertPool<'_>, &str>> = inventory
        .bundles
        .iter()
        .map(|bundle| match &bundle.state {
            BundleState::Empty => Ok(CertPool::new(roots::system_roots())),
            BundleState::Usable(roots) => Ok(CertPool::new(roots)),
            BundleState::Unusable(message) => Err(message.as_str()),
        })
        .collect();
    // Signature checks dominate: certificates are verified in parallel.
    certificates
        .par_iter()
        .zip(places)
        .map(|(found, place)| {
            if found.bundle.is_some() {
                return Vec::new();
            }
            let verify = |roots: &CertPool<'_>| {
                let options = PooledOptions {
                    roots,
                    intermediates: &group_pools[found.group],
                    excluded_intermediate: Some(place),
                    dns_name: "",
                    now,
                    go: kube_version::newest().go,
                };
                match verify::verify_pooled(&found.cert, &options) {
                    Ok(_) => "ok".to_string(),
                    Err(e) => e.message().to_string(),
                }
            };
            root_pools
                .iter()
                .enumerate()
                .map(|(i, roots)| ChainReport {
                    ca_bundle: i + 1,
                    result: match roots {
                        Ok(roots) => verify(roots),
                        Err(message) => message.to_string(),
                    },
                })
                .collect()
        })
        .collect()
}

/// The serial's hex digits without the DER sign byte of a positive number.
fn serial_hex(der_hex: &str) -> String {
    match der_hex.strip_prefix("00") {
        Some(rest) if !rest.is_empty() => rest.to_string(),
        _ => der_hex.to_string(),
    }
}

/// Go's `net.IP.String()`: 16-byte IPv4-mapped addresses print as IPv4.
fn go_ip_string(ip: &std::net::IpAddr) -> String {
    match ip {
        std::net::IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
            Some(v4) => v4.to_string(),
            None => v6.to_string(),
        },
        std::net::IpAddr::V4(v4) => v4.to_string(),
    }
}

fn fingerprint(der: &[u8]) -> String {
    Sha256::digest(der)
        .iter()
        .map(|b| format!("{b:02X}"))
        .collect::<Vec<_>>()
        .join(":")
}

/// RFC 5280 names, in bit order.
fn key_usage_names(bits: u16) -> Vec<&'static str> {
    [
        (key_usage::DIGITAL_SIGNATURE, "digitalSignature"),
        (key_usage::CONTENT_COMMITMENT, "contentCommitment"),
        (key_usage::KEY_ENCIPHERMENT, "keyEncipherment"),
        (key_usage::DATA_ENCIPHERMENT, "dataEncipherment"),
        (key_usage::KEY_AGREEMENT, "keyAgreement"),
        (key_usage::CERT_SIGN, "keyCertSign"),
        (key_usage::CRL_SIGN, "cRLSign"),
        (key_usage::ENCIPHER_ONLY, "encipherOnly"),
        (key_usage::DECIPHER_ONLY, "decipherOnly"),
    ]
    .iter()
    .filter(|(bit, _)| bits & bit != 0)
    .map(|(_, name)| *name)
    .collect()
}

/// The extended key usages Go knows, by their usual names; others as dotted OIDs.
fn eku_name(oid: &str) -> String {
    match oid {
        cert::OID_EKU_ANY => "any",
        cert::OID_EKU_SERVER_AUTH => "serverAuth",
        cert::OID_EKU_CLIENT_AUTH => "clientAuth",
        "1.3.6.1.5.5.7.3.3" => "codeSigning",
        "1.3.6.1.5.5.7.3.4" => "emailProtection",
        "1.3.6.1.5.5.7.3.5" => "ipsecEndSystem",
        "1.3.6.1.5.5.7.3.6" => "ipsecTunnel",
        "1.3.6.1.5.5.7.3.7" => "ipsecUser",
        "1.3.6.1.5.5.7.3.8" => "timeStamping",
        "1.3.6.1.5.5.7.3.9" => "OCSPSigning",
        "1.3.6.1.4.1.311.10.3.3" => "microsoftServerGatedCrypto",
        "2.16.840.1.113730.4.1" => "netscapeServerGatedCrypto",
        "1.3.6.1.4.1.311.2.1.22" => "microsoftCommercialCodeSigning",
        "1.3.6.1.4.1.311.61.1.1" => "microsoftKernelCodeSigning",
        other => other,
    }
    .to_string()
}

/// Every text from an input (paths, subjects, names, messages that quote them) is shown
/// through [`escape`]: the line breaks are speclint's own.
fn render_human(report: &InspectReport) -> String {
    let mut out = String::new();
    if report.certificates.is_empty()
        && report.private_keys.is_empty()
        && report.ca_bundles.is_empty()
        && report.other_pem_blocks.is_empty()
        && report.problems.is_empty()
    {
        return "no certificate, private key or caBundle found\n".to_string();
    }
    for c in &report.certificates {
        out.push_str(&format!(
            "certificate {}: {}\n",
            c.index,
            escape(&c.source.describe())
        ));
        let mut field = |label: &str, value: String| {
            out.push_str(&format!("  {label:<20}{value}\n"));
        };
        field("subject", escape(&c.subject).into_owned());
        field("issuer", escape(&c.issuer).into_owned());
        field("serial", format!("{} (0x{})", c.serial, c.serial_hex));
        let sans = [
            ("DNS names", &c.sans.dns),
            ("IP addresses", &c.sans.ip),
            ("email addresses", &c.sans.email),
            ("URIs", &c.sans.uri),
        ];
        if sans.iter().all(|(_, values)| values.is_empty()) {
            field("SANs", "none".to_string());
        }
        for (label, values) in sans {
            if !values.is_empty() {
                field(label, escape(&values.join(", ")).into_owned());
            }
        }
        field("not before", c.not_before.clone());
        field("not after", c.not_after.clone());
        let days = if c.validity == "valid" {
            c.days_left.to_string()
        } else {
            format!("{} ({})", c.days_left, c.validity)
        };
        field("days left", days);
        let mut key = c.public_key.algorithm.to_string();
        if let Some(curve) = c.public_key.curve {
            key.push_str(&format!(" {curve}"));
        } else if let Some(bits) = c.public_key.bits {
            key.push_str(&format!(" {bits}"));
        }
        field("public key", key);
        field("signature", c.signature_algorithm.clone());
        field(
            "CA",
            match (c.is_ca, c.max_path_len) {
                (false, _) => "no".to_string(),
                (true, None) => "yes, no path length limit".to_string(),
                (true, Some(n)) => format!("yes, path length {n}"),
            },
        );
        if !c.key_usage.is_empty() {
            field("key usage", c.key_usage.join(", "));
        }
        if !c.extended_key_usage.is_empty() {
            field("extended key usage", c.extended_key_usage.join(", "));
        }
        field("SHA-256", c.sha256_fingerprint.clone());
        if let Some(bundle) = c.ca_bundle {
            field("from caBundle", bundle.to_string());
        }
        for (i, check) in c.chains_to.iter().enumerate() {
            field(
                if i == 0 { "chains to" } else { "" },
                format!("caBundle {}: {}", check.ca_bundle, escape(&check.result)),
            );
        }
        out.push('\n');
    }
    for k in &report.private_keys {
        let what = match (k.algorithm, k.bits) {
            (Some(algorithm), Some(bits)) => match k.curve {
                Some(curve) => format!("{algorithm} {curve}"),
                None if algorithm == "Ed25519" => algorithm.to_string(),
                None => format!("{algorithm}, {bits} bits"),
            },
            _ => format!("{:?} block", k.pem_type),
        };
        let verdict = if !k.parsed {
            "cannot be parsed (tls: failed to parse private key)".to_string()
        } else {
            match k.matches_certificate {
                Some(index) => format!("matches certificate {index}"),
                None => "does not match any certificate".to_string(),
            }
        };
        out.push_str(&format!(
            "private key {} ({what}): present, {verdict}\n  {}\n\n",
            k.index,
            escape(&k.source.describe())
        ));
    }
    for b in &report.ca_bundles {
        let mut sources = b.sources.iter();
        if let Some(first) = sources.next() {
            out.push_str(&format!(
                "caBundle {}: {}\n",
                b.index,
                escape(&first.describe())
            ));
        }
        for other in sources {
            out.push_str(&format!(
                "  {:<20}{}\n",
                "same value in",
                escape(&other.describe())
            ));
        }
        let state = match b.state {
            "empty" => "empty: the API server uses its own trust store".to_string(),
            "unusable" => format!("unusable: {}", escape(b.error.as_deref().unwrap_or(""))),
            _ => {
                let list: Vec<String> = b.certificates.iter().map(usize::to_string).collect();
                let plural = if list.len() == 1 { "" } else { "s" };
                format!("holds certificate{plural} {}", list.join(", "))
            }
        };
        out.push_str(&format!("  {state}\n\n"));
    }
    for block in &report.other_pem_blocks {
        out.push_str(&format!(
            "PEM block {:?} ignored: {}\n",
            block.pem_type,
            escape(&block.source.describe())
        ));
    }
    for problem in &report.problems {
        out.push_str(&format!(
            "problem: {}: {}\n",
            escape(&problem.source.describe()),
            escape(&problem.message)
        ));
    }
    while out.ends_with("\n\n") {
        out.pop();
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base64_encoding_round_trips_through_gos_decoder() {
        for len in 0..12 {
            let data: Vec<u8> = (0..len).map(|i| (i * 37 + 5) as u8).collect();
            let encoded = encode_base64(&data);
            assert_eq!(encoded.len() % 4, 0);
            assert_eq!(base64::decode_std(encoded.as_bytes()).unwrap(), data);
        }
        let block = pem_encode("CERTIFICATE", &[0x30; 100]);
        let decoded = pem::decode_all(&block);
        assert_eq!(decoded.len(), 1);
        assert_eq!(decoded[0].bytes, vec![0x30; 100]);
    }

    #[test]
    fn base64_of_pem_is_unwrapped_but_pem_and_text_are_not() {
        let block = pem_encode("CERTIFICATE", &[1, 2, 3]);
        assert_eq!(unwrap_base64(&block), (block.clone(), false));
        let twice = encode_base64(&block);
        let with_newlines = format!("{}\n{}\n", &twice[..8], &twice[8..]);
        assert_eq!(unwrap_base64(with_newlines.as_bytes()), (block, true));
        assert_eq!(unwrap_base64(b"hello"), (b"hello".to_vec(), false));
        assert_eq!(unwrap_base64(b""), (Vec::new(), false));
    }

    #[test]
    fn names_and_numbers_print_as_documented() {
        assert_eq!(serial_hex("00cd"), "cd");
        assert_eq!(serial_hex("00"), "00");
        assert_eq!(serial_hex("7f"), "7f");
        assert_eq!(eku_name(cert::OID_EKU_SERVER_AUTH), "serverAuth");
        assert_eq!(eku_name("1.2.3"), "1.2.3");
        assert_eq!(
            key_usage_names(key_usage::DIGITAL_SIGNATURE | key_usage::CERT_SIGN),
            ["digitalSignature", "keyCertSign"]
        );
        let mapped: std::net::IpAddr = "::ffff:10.0.0.1".parse().unwrap();
        assert_eq!(go_ip_string(&mapped), "10.0.0.1");
        assert_eq!(fingerprint(b"").len(), 32 * 3 - 1);
    }
}
