//! Go 1.19's `(*x509.Certificate).Verify` with `KeyUsages: [ExtKeyUsageServerAuth]`,
//! ported from `crypto/x509/verify.go`, and the parts of client-go and
//! `crypto/tls` around it that decide whether the API server trusts a webhook.
//!
//! The first failure wins, in Go's order, and every message is Go's
//! `err.Error()` text: the linter shows it verbatim. Chain building follows Go
//! step for step (candidate order, the 100 signature-check budget, the error
//! left by the last candidate), because which error Go reports depends on it.

use std::borrow::Cow;
use std::collections::HashMap;
use std::fmt;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

use super::cert::{self, Certificate, IpRange, PublicKeyAlgorithm};
use super::der::{Reader, TAG_SEQUENCE};
use super::hostname::{self, HostnameError};
use super::pem;
use super::time::{format_rfc3339_with_offset, Time};

/// What `verify` checks, as Go's `x509.VerifyOptions`.
#[derive(Debug, Clone, Copy)]
pub struct VerifyOptions<'a> {
    /// Trust anchors (Go's `Roots`): the caBundle's certificates.
    pub roots: &'a [Certificate],
    /// Certificates that may complete a chain (Go's `Intermediates`).
    pub intermediates: &'a [Certificate],
    /// Checked with `VerifyHostname` when not empty.
    pub dns_name: &'a str,
    /// Go's `CurrentTime`, to the nanosecond.
    pub now: Time,
}

/// [`VerifyOptions`] with the certificates already pooled: verifying many certificates
/// against the same roots or intermediates indexes them once rather than per call.
#[derive(Debug, Clone, Copy)]
pub struct PooledOptions<'a> {
    pub roots: &'a CertPool<'a>,
    pub intermediates: &'a CertPool<'a>,
    /// A certificate of `intermediates` (by index) left out as if the pool had been built
    /// without it, so one pool of a group serves each member with the others as intermediates.
    /// `CertRef::Intermediate` still indexes the whole pool.
    pub excluded_intermediate: Option<usize>,
    /// Checked with `VerifyHostname` when not empty.
    pub dns_name: &'a str,
    /// Go's `CurrentTime`, to the nanosecond.
    pub now: Time,
}

/// A certificate of a chain or an error, by where it came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum CertRef {
    Leaf,
    /// Index into [`VerifyOptions::roots`] (the roots pool's certificates).
    Root(usize),
    /// Index into [`VerifyOptions::intermediates`] (the intermediates pool's certificates).
    Intermediate(usize),
}

/// A verified chain, leaf first, ending with a root (or the leaf alone when the
/// leaf itself is in the roots).
pub type Chain = Vec<CertRef>;

/// Go's verification error, with what the linter needs to explain it.
/// `Display` is Go's `err.Error()`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VerifyError {
    kind: VerifyErrorKind,
    message: String,
}

impl VerifyError {
    fn new(kind: VerifyErrorKind) -> Self {
        let message = kind.go_message();
        VerifyError { kind, message }
    }

    pub fn kind(&self) -> &VerifyErrorKind {
        &self.kind
    }

    /// Go's `err.Error()`.
    pub fn message(&self) -> &str {
        &self.message
    }
}

impl fmt::Display for VerifyError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for VerifyError {}

/// Why Go refused the chain.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum VerifyErrorKind {
    /// `x509: unhandled critical extension`.
    UnhandledCriticalExtension { cert: CertRef, oids: Vec<String> },
    /// `... current time X is after <NotAfter>`.
    Expired {
        cert: CertRef,
        now: Time,
        not_after: i64,
        not_after_utc_offset: i32,
    },
    /// `... current time X is before <NotBefore>`.
    NotYetValid {
        cert: CertRef,
        now: Time,
        not_before: i64,
        not_before_utc_offset: i32,
    },
    /// The leaf does not match the server name.
    Hostname(HostnameError),
    /// No chain to a root: `cert` is where the search for an issuer failed.
    UnknownAuthority {
        cert: CertRef,
        hint: Option<SignatureHint>,
    },
    /// Every chain has a certificate whose EKU lacks serverAuth; `certs` are
    /// those of the first chain found.
    IncompatibleUsage { certs: Vec<CertRef> },
    /// An intermediate that is not a CA (`CA:TRUE` missing).
    NotAuthorizedToSign { cert: CertRef },
    /// `cert`'s pathLenConstraint is exceeded.
    TooManyIntermediates { cert: CertRef, max_path_len: i64 },
    /// `cert`'s name constraints refuse a name; `detail` is Go's text after the colon.
    NameConstraint { cert: CertRef, detail: String },
    /// More than 250000 name-constraint comparisons (Go prints `x509: unknown error`).
    TooManyConstraints { cert: CertRef },
    /// A SAN Go cannot check against `cert`'s name constraints.
    UncheckableName { cert: CertRef, message: String },
    /// More than 100 signature checks while building chains.
    SignatureCheckLimit,
}

impl VerifyErrorKind {
    fn go_message(&self) -> String {
        match self {
            VerifyErrorKind::UnhandledCriticalExtension { .. } => {
                "x509: unhandled critical extension".to_string()
            }
            VerifyErrorKind::Expired {
                now,
                not_after,
                not_after_utc_offset,
                ..
            } => format!(
                "x509: certificate has expired or is not yet valid: current time {} is after {}",
                now.rfc3339(),
                format_rfc3339_with_offset(*not_after, *not_after_utc_offset)
            ),
            VerifyErrorKind::NotYetValid {
                now,
                not_before,
                not_before_utc_offset,
                ..
            } => format!(
                "x509: certificate has expired or is not yet valid: current time {} is before {}",
                now.rfc3339(),
                format_rfc3339_with_offset(*not_before, *not_before_utc_offset)
            ),
            VerifyErrorKind::Hostname(error) => error.to_string(),
            VerifyErrorKind::UnknownAuthority { hint, .. } => {
                let mut message = "x509: certificate signed by unknown authority".to_string();
                if let Some(hint) = hint {
                    message.push_str(&format!(
                        " (possibly because of {} while trying to verify candidate authority certificate {})",
                        go_quote(hint.error.to_string().as_bytes()),
                        go_quote(hint.candidate_name.as_bytes())
                    ));
                }
                message
            }
            VerifyErrorKind::IncompatibleUsage { .. } => {
                "x509: certificate specifies an incompatible key usage".to_string()
            }
            VerifyErrorKind::NotAuthorizedToSign { .. } => {
                "x509: certificate is not authorized to sign other certificates".to_string()
            }
            VerifyErrorKind::TooManyIntermediates { .. } => {
                "x509: too many intermediates for path length constraint".to_string()
            }
            VerifyErrorKind::NameConstraint { detail, .. } => format!(
                "x509: a root or intermediate certificate is not authorized to sign for this name: {detail}"
            ),
            VerifyErrorKind::TooManyConstraints { .. } => "x509: unknown error".to_string(),
            VerifyErrorKind::UncheckableName { message, .. } => message.clone(),
            VerifyErrorKind::SignatureCheckLimit => {
                "x509: signature check attempts limit reached while verifying certificate chain"
                    .to_string()
            }
        }
    }
}

/// The first candidate issuer whose signature check failed (Go's `hintErr`/`hintCert`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SignatureHint {
    pub candidate: CertRef,
    /// The CN, else the first O, else `serial:<decimal>`, as Go names it.
    pub candidate_name: String,
    pub error: SignatureError,
}

/// Why `CheckSignatureFrom` failed. `Display` is Go's text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SignatureError {
    /// The parent is not a CA, or its KeyUsage lacks keyCertSign.
    ParentCannotSign,
    /// MD5 or SHA-1 (Go >= 1.18 refuses them).
    InsecureAlgorithm { algorithm: String },
    /// Unknown or unsupported signature or key algorithm (DSA, MD2, bad PSS parameters).
    UnsupportedAlgorithm,
    /// The signature algorithm names another key type than the parent's.
    KeyTypeMismatch {
        expected: &'static str,
        actual: &'static str,
    },
    /// The signature does not verify; `message` is Go's.
    BadSignature { message: &'static str },
}

impl fmt::Display for SignatureError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SignatureError::ParentCannotSign => f.write_str(
                "x509: invalid signature: parent certificate cannot sign this kind of certificate",
            ),
            SignatureError::InsecureAlgorithm { algorithm } => {
                write!(
                    f,
                    "x509: cannot verify signature: insecure algorithm {algorithm}"
                )?;
                if algorithm == "SHA1-RSA" || algorithm == "ECDSA-SHA1" {
                    f.write_str(" (temporarily override with GODEBUG=x509sha1=1)")?;
                }
                Ok(())
            }
            SignatureError::UnsupportedAlgorithm => {
                f.write_str("x509: cannot verify signature: algorithm unimplemented")
            }
            SignatureError::KeyTypeMismatch { expected, actual } => write!(
                f,
                "x509: signature algorithm specifies an {expected} public key, but have public key of type {actual}"
            ),
            SignatureError::BadSignature { message } => f.write_str(message),
        }
    }
}

/// Go's `(*Certificate).Verify(opts)` with `KeyUsages: [ExtKeyUsageServerAuth]`.
/// Returns the first chain Go would return.
pub fn verify(leaf: &Certificate, options: &VerifyOptions<'_>) -> Result<Chain, VerifyError> {
    let roots = CertPool::new(options.roots);
    let intermediates = CertPool::new(options.intermediates);
    let pooled = PooledOptions {
        roots: &roots,
        intermediates: &intermediates,
        excluded_intermediate: None,
        dns_name: options.dns_name,
        now: options.now,
    };
    verify_pooled(leaf, &pooled)
}

/// [`verify`] against pools built once for many calls.
pub fn verify_pooled(
    leaf: &Certificate,
    options: &PooledOptions<'_>,
) -> Result<Chain, VerifyError> {
    let mut verifier = Verifier::new(leaf, options);
    verifier.is_valid(CertRef::Leaf, CertKind::Leaf, &[])?;

    if !options.dns_name.is_empty() {
        hostname::verify_hostname(leaf, options.dns_name)
            .map_err(|e| VerifyError::new(VerifyErrorKind::Hostname(e)))?;
    }

    let candidate_chains = if verifier.roots.contains(leaf) {
        vec![vec![CertRef::Leaf]]
    } else {
        let (chains, error) = verifier.build_chains(&[CertRef::Leaf]);
        if let Some(error) = error {
            return Err(error);
        }
        chains
    };

    for chain in &candidate_chains {
        if chain.iter().all(|&r| verifier.cert(r).allows_server_auth()) {
            return Ok(chain.clone());
        }
    }
    let certs = candidate_chains
        .first()
        .map(|chain| {
            chain
                .iter()
                .copied()
                .filter(|&r| !verifier.cert(r).allows_server_auth())
                .collect()
        })
        .unwrap_or_default();
    Err(VerifyError::new(VerifyErrorKind::IncompatibleUsage {
        certs,
    }))
}

/// What the API server's TLS client concludes for a webhook as a whole.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ServerVerifyError {
    /// client-go cannot build its root pool from a non-empty caBundle (R6):
    /// `unable to load root certificates: <detail>`.
    RootCertificates { detail: String },
    /// The server sent no certificate.
    NoCertificate,
    /// crypto/tls refuses RSA keys over 8192 bits (R8); `position` is 0 for the leaf.
    RsaKeyTooLarge { position: usize, bits: usize },
    /// `Verify` failed; certificate references are relative to this call: roots
    /// index the caBundle's usable certificates, intermediates `chain[1..]`.
    Verify(VerifyError),
}

impl fmt::Display for ServerVerifyError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ServerVerifyError::RootCertificates { detail } => {
                write!(f, "unable to load root certificates: {detail}")
            }
            ServerVerifyError::NoCertificate => {
                f.write_str("tls: received empty certificates message")
            }
            ServerVerifyError::RsaKeyTooLarge { .. } => {
                f.write_str("tls: server sent certificate containing RSA key larger than 8192 bits")
            }
            ServerVerifyError::Verify(error) => error.fmt(f),
        }
    }
}

impl std::error::Error for ServerVerifyError {}

/// crypto/tls's limit on RSA keys in server certificates (Go >= 1.19.12 / 1.20.7).
pub const MAX_SERVER_RSA_KEY_BITS: usize = 8192;

/// The API server calling a webhook: client-go loads `ca_bundle_pem` like
/// `AppendCertsFromPEM` (an empty caBundle means the system roots, supplied by
/// the caller as `system_roots`; `None` is taken as an empty store), crypto/tls
/// receives `chain` (tls.crt's certificates, leaf first) and refuses RSA keys
/// over 8192 bits, then `Verify` runs with `chain[1..]` as intermediates.
/// Use [`verify`] for the chain found.
pub fn verify_server(
    chain: &[Certificate],
    ca_bundle_pem: &[u8],
    server_name: &str,
    now: Time,
    system_roots: Option<&[Certificate]>,
) -> Result<(), ServerVerifyError> {
    let bundle_roots: Vec<Certificate>;
    let roots: &[Certificate] = if ca_bundle_pem.is_empty() {
        system_roots.unwrap_or(&[])
    } else {
        bundle_roots = cert::append_certs_from_pem(ca_bundle_pem)
            .into_iter()
            .map(|(_, c)| c)
            .collect();
        if bundle_roots.is_empty() {
            return Err(ServerVerifyError::RootCertificates {
                detail: ca_data_error(ca_bundle_pem),
            });
        }
        &bundle_roots
    };
    verify_served_chain(
        &ServedChain::new(chain),
        &CertPool::new(roots),
        server_name,
        now,
    )
}

/// The certificates a server sends (leaf first) with its intermediates pooled, so a chain
/// served to many endpoints is indexed once.
#[derive(Debug)]
pub struct ServedChain<'a> {
    certificates: &'a [Certificate],
    intermediates: CertPool<'a>,
    /// The first certificate crypto/tls refuses for its RSA key size: position and bits.
    oversized_rsa_key: Option<(usize, usize)>,
}

impl<'a> ServedChain<'a> {
    pub fn new(certificates: &'a [Certificate]) -> Self {
        ServedChain {
            certificates,
            intermediates: CertPool::new(certificates.get(1..).unwrap_or(&[])),
            oversized_rsa_key: certificates.iter().enumerate().find_map(|(position, c)| {
                rsa_bits(c)
                    .filter(|&bits| bits > MAX_SERVER_RSA_KEY_BITS)
                    .map(|bits| (position, bits))
            }),
        }
    }
}

/// [`verify_server`] once client-go has loaded its roots (a usable caBundle's, or the
/// system roots): endpoints sharing a caBundle or a chain share their parsed, indexed pools.
pub fn verify_served_chain(
    chain: &ServedChain<'_>,
    roots: &CertPool<'_>,
    server_name: &str,
    now: Time,
) -> Result<(), ServerVerifyError> {
    let Some(leaf) = chain.certificates.first() else {
        return Err(ServerVerifyError::NoCertificate);
    };
    if let Some((position, bits)) = chain.oversized_rsa_key {
        return Err(ServerVerifyError::RsaKeyTooLarge { position, bits });
    }

    let options = PooledOptions {
        roots,
        intermediates: &chain.intermediates,
        excluded_intermediate: None,
        dns_name: server_name,
        now,
    };
    verify_pooled(leaf, &options)
        .map(|_| ())
        .map_err(ServerVerifyError::Verify)
}

/// client-go's `createErrorParsingCAData`: why `AppendCertsFromPEM` found nothing.
pub fn ca_data_error(mut data: &[u8]) -> String {
    while !data.is_empty() {
        let Some((block, rest)) = pem::decode(data) else {
            return "unable to parse bytes as PEM block".to_string();
        };
        data = &data[rest..];
        if block.kind != "CERTIFICATE" || !block.headers.is_empty() {
            continue;
        }
        if let Err(error) = cert::parse_der(&block.bytes) {
            return format!("failed to parse certificate: {error}");
        }
    }
    "no valid certificate authority data seen".to_string()
}

fn rsa_bits(c: &Certificate) -> Option<usize> {
    match c.public_key.algorithm {
        PublicKeyAlgorithm::Rsa => c.public_key.bits,
        _ => None,
    }
}

/// Something Go 1.19 accepts but a newer Go, and so a newer API server, refuses.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum NewerGoRefusal {
    /// Go >= 1.24 (Kubernetes >= 1.33) refuses RSA keys under 1024 bits, both
    /// to verify a child's signature and in the TLS handshake.
    RsaKeyTooSmall { bits: usize },
    /// Go >= 1.23 (Kubernetes >= 1.32) refuses to parse a negative serial number.
    NegativeSerialNumber,
}

impl NewerGoRefusal {
    /// The Go release that introduced the refusal.
    pub fn since_go(&self) -> &'static str {
        match self {
            NewerGoRefusal::RsaKeyTooSmall { .. } => "1.24",
            NewerGoRefusal::NegativeSerialNumber => "1.23",
        }
    }
}

impl fmt::Display for NewerGoRefusal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            NewerGoRefusal::RsaKeyTooSmall { bits } => write!(
                f,
                "crypto/rsa: {bits}-bit keys are insecure (see https://go.dev/pkg/crypto/rsa#hdr-Minimum_key_size)"
            ),
            NewerGoRefusal::NegativeSerialNumber => f.write_str("x509: negative serial number"),
        }
    }
}

/// What a newer Go would refuse in `cert` although Go 1.19 accepts it.
pub fn newer_go_refusals(cert: &Certificate) -> Vec<NewerGoRefusal> {
    let mut refusals = Vec::new();
    if let Some(bits) = rsa_bits(cert) {
        if bits < 1024 {
            refusals.push(NewerGoRefusal::RsaKeyTooSmall { bits });
        }
    }
    if is_negative_serial(cert) {
        refusals.push(NewerGoRefusal::NegativeSerialNumber);
    }
    refusals
}

fn is_negative_serial(cert: &Certificate) -> bool {
    serial_bytes(cert).first().is_some_and(|&b| b & 0x80 != 0)
}

fn serial_bytes(cert: &Certificate) -> Vec<u8> {
    (0..cert.serial_hex.len() / 2)
        .filter_map(|i| u8::from_str_radix(&cert.serial_hex[2 * i..2 * i + 2], 16).ok())
        .collect()
}

/// Go's `SerialNumber.String()`: the two's-complement DER integer in decimal.
pub fn serial_decimal(cert: &Certificate) -> String {
    num_bigint::BigInt::from_signed_bytes_be(&serial_bytes(cert)).to_string()
}

/// Go's `leafCertificate` / `intermediateCertificate` / `rootCertificate`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum CertKind {
    Leaf,
    Intermediate,
    Root,
}

/// Go's `maxChainSignatureChecks`.
const MAX_CHAIN_SIGNATURE_CHECKS: usize = 100;
/// Go's default `MaxConstraintComparisions`.
const MAX_CONSTRAINT_COMPARISONS: usize = 250_000;

/// Go's `CertPool`: certificates deduplicated by their encoding, indexed by subject.
#[derive(Debug)]
pub struct CertPool<'a> {
    certs: &'a [Certificate],
    /// Index of the first copy of each encoding, ascending, by subject.
    by_subject: HashMap<&'a [u8], Vec<usize>>,
    /// Each encoding's first copy and second copy (the one kept if the first is excluded).
    by_raw: HashMap<&'a [u8], (usize, Option<usize>)>,
}

impl<'a> CertPool<'a> {
    pub fn new(certs: &'a [Certificate]) -> Self {
        let mut pool = CertPool {
            certs,
            by_subject: HashMap::new(),
            by_raw: HashMap::new(),
        };
        for (index, c) in certs.iter().enumerate() {
            match pool.by_raw.entry(c.raw.as_slice()) {
                std::collections::hash_map::Entry::Vacant(entry) => {
                    entry.insert((index, None));
                    pool.by_subject
                        .entry(c.raw_subject.as_slice())
                        .or_default()
                        .push(index);
                }
                std::collections::hash_map::Entry::Occupied(mut entry) => {
                    entry.get_mut().1.get_or_insert(index);
                }
            }
        }
        pool
    }

    fn contains(&self, c: &Certificate) -> bool {
        self.by_raw.contains_key(c.raw.as_slice())
    }

    /// The indexes of the pool's certificates with `child`'s issuer as subject, in the
    /// order Go's pool holds them, as if `excluded` had never been added.
    fn with_subject_of_issuer(
        &self,
        child: &Certificate,
        excluded: Option<usize>,
    ) -> Cow<'_, [usize]> {
        let Some(indexes) = self.by_subject.get(child.raw_issuer.as_slice()) else {
            return Cow::Borrowed(&[]);
        };
        let Some(excluded) = excluded.filter(|&e| indexes.binary_search(&e).is_ok()) else {
            return Cow::Borrowed(indexes);
        };
        // Without its first copy, an encoding is held from its second copy on, if any.
        let mut indexes: Vec<usize> = indexes.iter().copied().filter(|&i| i != excluded).collect();
        if let Some(&(_, Some(second))) = self.by_raw.get(self.certs[excluded].raw.as_slice()) {
            let at = indexes.partition_point(|&i| i < second);
            indexes.insert(at, second);
        }
        Cow::Owned(indexes)
    }

    /// Go's `findPotentialParents`: same subject as `child`'s issuer; matching key
    /// IDs first, then one key ID missing, then mismatching key IDs.
    fn potential_parents(&self, child: &Certificate, excluded: Option<usize>) -> Vec<usize> {
        let mut matching = Vec::new();
        let mut one_missing = Vec::new();
        let mut mismatching = Vec::new();
        for &index in self.with_subject_of_issuer(child, excluded).iter() {
            let candidate = &self.certs[index];
            if candidate.subject_key_id == child.authority_key_id {
                matching.push(index);
            } else if candidate.subject_key_id.is_empty() != child.authority_key_id.is_empty() {
                one_missing.push(index);
            } else {
                mismatching.push(index);
            }
        }
        matching.extend(one_missing);
        matching.extend(mismatching);
        matching
    }
}

struct Verifier<'a> {
    leaf: &'a Certificate,
    now: Time,
    roots: &'a CertPool<'a>,
    intermediates: &'a CertPool<'a>,
    excluded_intermediate: Option<usize>,
    signature_checks: usize,
}

impl<'a> Verifier<'a> {
    fn new(leaf: &'a Certificate, options: &PooledOptions<'a>) -> Self {
        Verifier {
            leaf,
            now: options.now,
            roots: options.roots,
            intermediates: options.intermediates,
            excluded_intermediate: options.excluded_intermediate,
            signature_checks: 0,
        }
    }

    fn cert(&self, r: CertRef) -> &'a Certificate {
        match r {
            CertRef::Leaf => self.leaf,
            CertRef::Root(i) => &self.roots.certs[i],
            CertRef::Intermediate(i) => &self.intermediates.certs[i],
        }
    }

    /// Go's `buildChains`. Like Go, every candidate is explored and the error
    /// returned is the one left by the last candidate that set it (a later
    /// candidate passing `isValid` clears it).
    fn build_chains(&mut self, current: &[CertRef]) -> (Vec<Chain>, Option<VerifyError>) {
        let child_ref = *current.last().expect("chains start with the leaf");
        let child = self.cert(child_ref);
        let candidates: Vec<(CertRef, CertKind)> = self
            .roots
            .potential_parents(child, None)
            .into_iter()
            .map(|i| (CertRef::Root(i), CertKind::Root))
            .chain(
                self.intermediates
                    .potential_parents(child, self.excluded_intermediate)
                    .into_iter()
                    .map(|i| (CertRef::Intermediate(i), CertKind::Intermediate)),
            )
            .collect();

        let mut chains: Vec<Chain> = Vec::new();
        let mut error: Option<VerifyError> = None;
        let mut hint: Option<SignatureHint> = None;
        for (candidate_ref, kind) in candidates {
            let candidate = self.cert(candidate_ref);
            if self.already_in_chain(candidate, current) {
                continue;
            }
            self.signature_checks += 1;
            if self.signature_checks > MAX_CHAIN_SIGNATURE_CHECKS {
                error = Some(VerifyError::new(VerifyErrorKind::SignatureCheckLimit));
                continue;
            }
            if let Err(signature_error) = check_signature_from(child, candidate) {
                if hint.is_none() {
                    hint = Some(SignatureHint {
                        candidate: candidate_ref,
                        candidate_name: hint_name(candidate),
                        error: signature_error,
                    });
                }
                continue;
            }
            error = self.is_valid(candidate_ref, kind, current).err();
            if error.is_some() {
                continue;
            }
            let mut extended = current.to_vec();
            extended.push(candidate_ref);
            match kind {
                CertKind::Root => chains.push(extended),
                CertKind::Intermediate => {
                    let (child_chains, child_error) = self.build_chains(&extended);
                    chains.extend(child_chains);
                    error = child_error;
                }
                CertKind::Leaf => unreachable!("leaves are never candidates"),
            }
        }

        if !chains.is_empty() {
            error = None;
        } else if error.is_none() {
            error = Some(VerifyError::new(VerifyErrorKind::UnknownAuthority {
                cert: child_ref,
                hint,
            }));
        }
        (chains, error)
    }

    /// Go's `alreadyInChain`: same subject, same public key and same SAN extension
    /// (or both without one). Stops at the first subject-and-key match whose SAN
    /// presence differs, as Go does.
    fn already_in_chain(&self, candidate: &Certificate, chain: &[CertRef]) -> bool {
        for &r in chain {
            let c = self.cert(r);
            if candidate.raw_subject != c.raw_subject || !same_public_key(candidate, c) {
                continue;
            }
            match (&candidate.subject_alt_name_raw, &c.subject_alt_name_raw) {
                (None, None) => return true,
                (None, _) | (_, None) => return false,
                (Some(a), Some(b)) if a == b => return true,
                _ => {}
            }
        }
        false
    }

    /// Go's `isValid` for `cert_ref` about to be appended to `current`.
    fn is_valid(
        &self,
        cert_ref: CertRef,
        kind: CertKind,
        current: &[CertRef],
    ) -> Result<(), VerifyError> {
        let c = self.cert(cert_ref);
        if !c.unhandled_critical_extensions.is_empty() {
            return Err(VerifyError::new(
                VerifyErrorKind::UnhandledCriticalExtension {
                    cert: cert_ref,
                    oids: c.unhandled_critical_extensions.clone(),
                },
            ));
        }

        // Go compares instants: `now.Before(NotBefore)`, `now.After(NotAfter)`.
        let now = self.now;
        if now.before(c.not_before) {
            return Err(VerifyError::new(VerifyErrorKind::NotYetValid {
                cert: cert_ref,
                now,
                not_before: c.not_before,
                not_before_utc_offset: c.not_before_utc_offset,
            }));
        }
        if now.after(c.not_after) {
            return Err(VerifyError::new(VerifyErrorKind::Expired {
                cert: cert_ref,
                now,
                not_after: c.not_after,
                not_after_utc_offset: c.not_after_utc_offset,
            }));
        }

        if kind != CertKind::Leaf && c.has_name_constraints {
            let leaf = self.cert(current[0]);
            let mut comparisons = 0usize;
            for san_cert in [leaf, c] {
                if let Some(san) = san_cert.subject_alt_name_raw.as_deref() {
                    check_sans_against(cert_ref, c, san, &mut comparisons)?;
                }
            }
        }

        if kind == CertKind::Intermediate && (!c.basic_constraints_valid || !c.is_ca) {
            return Err(VerifyError::new(VerifyErrorKind::NotAuthorizedToSign {
                cert: cert_ref,
            }));
        }

        if c.basic_constraints_valid && c.max_path_len >= 0 {
            let intermediates = current.len() as i64 - 1;
            if intermediates > c.max_path_len {
                return Err(VerifyError::new(VerifyErrorKind::TooManyIntermediates {
                    cert: cert_ref,
                    max_path_len: c.max_path_len,
                }));
            }
        }
        Ok(())
    }
}

/// The name Go gives a hint's candidate: CN, else first O, else `serial:N`.
fn hint_name(c: &Certificate) -> String {
    if let Some(cn) = c.subject_common_name.as_deref().filter(|cn| !cn.is_empty()) {
        return cn.to_string();
    }
    if let Some(organization) = c.subject_organizations.first() {
        return organization.clone();
    }
    format!("serial:{}", serial_decimal(c))
}

/// Go's `PublicKey.Equal` between two parsed keys.
fn same_public_key(a: &Certificate, b: &Certificate) -> bool {
    if a.public_key.algorithm != b.public_key.algorithm {
        return false;
    }
    match a.public_key.algorithm {
        // Go compares N and E; trailing data after the key is not part of them.
        PublicKeyAlgorithm::Rsa => match (rsa_key(a), rsa_key(b)) {
            (Some(x), Some(y)) => x == y,
            _ => false,
        },
        PublicKeyAlgorithm::Ecdsa => {
            a.public_key.curve == b.public_key.curve && a.public_key_bytes == b.public_key_bytes
        }
        PublicKeyAlgorithm::Ed25519 => a.public_key_bytes == b.public_key_bytes,
        PublicKeyAlgorithm::Dsa | PublicKeyAlgorithm::Unknown => false,
    }
}

/// Go's walk of one certificate's SANs (`forEachSAN`) against `ca`'s name constraints.
fn check_sans_against(
    ca_ref: CertRef,
    ca: &Certificate,
    san_extension: &[u8],
    comparisons: &mut usize,
) -> Result<(), VerifyError> {
    let uncheckable = |message: String| {
        VerifyError::new(VerifyErrorKind::UncheckableName {
            cert: ca_ref,
            message,
        })
    };
    let empty = cert::NameConstraints::default();
    let constraints = ca.name_constraints.as_ref().unwrap_or(&empty);
    let Some(names) = Reader::new(san_extension).read(TAG_SEQUENCE) else {
        return Err(uncheckable(
            "x509: invalid subject alternative names".to_string(),
        ));
    };
    let mut names = Reader::new(names);
    while !names.is_empty() {
        let Some(name) = names.read_any() else {
            return Err(uncheckable(
                "x509: invalid subject alternative name".to_string(),
            ));
        };
        let data = name.contents;
        let mut checker = ConstraintChecker {
            ca_ref,
            comparisons,
        };
        match name.tag ^ 0x80 {
            1 => {
                let text = String::from_utf8_lossy(data).into_owned();
                let Some(mailbox) = parse_rfc2821_mailbox(&text) else {
                    // Go formats the zero mailbox struct with %q.
                    return Err(uncheckable(
                        "x509: cannot parse rfc822Name {\"\" \"\"}".to_string(),
                    ));
                };
                checker.check(
                    "email address",
                    &text,
                    &constraints.permitted_email_addresses,
                    &constraints.excluded_email_addresses,
                    |constraint: &String| match_email_constraint(&mailbox, constraint),
                    |constraint| go_quote(constraint.as_bytes()),
                )?;
            }
            2 => {
                let text = String::from_utf8_lossy(data).into_owned();
                if domain_to_reverse_labels(&text).is_none() {
                    return Err(uncheckable(format!(
                        "x509: cannot parse dnsName {}",
                        go_quote(data)
                    )));
                }
                checker.check(
                    "DNS name",
                    &text,
                    &constraints.permitted_dns_domains,
                    &constraints.excluded_dns_domains,
                    |constraint: &String| match_domain_constraint(&text, constraint),
                    |constraint| go_quote(constraint.as_bytes()),
                )?;
            }
            6 => {
                let text = String::from_utf8_lossy(data).into_owned();
                checker.check(
                    "URI",
                    &text,
                    &constraints.permitted_uri_domains,
                    &constraints.excluded_uri_domains,
                    |constraint: &String| match_uri_constraint(&text, constraint),
                    |constraint| go_quote(constraint.as_bytes()),
                )?;
            }
            7 => {
                let Some(ip) = ip_from_bytes(data) else {
                    let hex: String = data.iter().map(|b| format!("{b:02x}")).collect();
                    return Err(uncheckable(format!(
                        "x509: internal error: IP SAN {hex} failed to parse"
                    )));
                };
                checker.check(
                    "IP address",
                    &hostname::go_ip_string(&ip),
                    &constraints.permitted_ip_ranges,
                    &constraints.excluded_ip_ranges,
                    |constraint: &IpRange| Ok(match_ip_constraint(data, constraint)),
                    |constraint| go_quote(ip_range_string(constraint).as_bytes()),
                )?;
            }
            _ => {}
        }
    }
    Ok(())
}

struct ConstraintChecker<'c> {
    ca_ref: CertRef,
    comparisons: &'c mut usize,
}

impl ConstraintChecker<'_> {
    /// Go's `checkNameConstraints`: excluded first, then permitted; a match error
    /// is reported as the refusal's detail.
    fn check<T>(
        &mut self,
        name_type: &str,
        name: &str,
        permitted: &[T],
        excluded: &[T],
        matches: impl Fn(&T) -> Result<bool, String>,
        quote_constraint: impl Fn(&T) -> String,
    ) -> Result<(), VerifyError> {
        let refuse = |detail: String| {
            VerifyError::new(VerifyErrorKind::NameConstraint {
                cert: self.ca_ref,
                detail,
            })
        };
        let too_many =
            || VerifyError::new(VerifyErrorKind::TooManyConstraints { cert: self.ca_ref });

        *self.comparisons += excluded.len();
        if *self.comparisons > MAX_CONSTRAINT_COMPARISONS {
            return Err(too_many());
        }
        for constraint in excluded {
            if matches(constraint).map_err(refuse)? {
                return Err(refuse(format!(
                    "{name_type} {} is excluded by constraint {}",
                    go_quote(name.as_bytes()),
                    quote_constraint(constraint)
                )));
            }
        }

        *self.comparisons += permitted.len();
        if *self.comparisons > MAX_CONSTRAINT_COMPARISONS {
            return Err(too_many());
        }
        let mut ok = true;
        for constraint in permitted {
            ok = matches(constraint).map_err(refuse)?;
            if ok {
                break;
            }
        }
        if !ok {
            return Err(refuse(format!(
                "{name_type} {} is not permitted by any constraint",
                go_quote(name.as_bytes())
            )));
        }
        Ok(())
    }
}

fn ip_from_bytes(data: &[u8]) -> Option<IpAddr> {
    match data.len() {
        4 => Some(IpAddr::V4(Ipv4Addr::new(
            data[0], data[1], data[2], data[3],
        ))),
        16 => {
            let mut octets = [0u8; 16];
            octets.copy_from_slice(data);
            Some(IpAddr::V6(Ipv6Addr::from(octets)))
        }
        _ => None,
    }
}

/// Go's `matchIPConstraint`: same length, equal under the mask.
fn match_ip_constraint(ip: &[u8], constraint: &IpRange) -> bool {
    ip.len() == constraint.ip.len()
        && ip
            .iter()
            .zip(&constraint.ip)
            .zip(&constraint.mask)
            .all(|((a, b), m)| a & m == b & m)
}

/// Go's `(*net.IPNet).String()`: the address as stored (not masked) and the prefix
/// length, or the mask in hex when it is not a prefix.
fn ip_range_string(range: &IpRange) -> String {
    let mut ip = range.ip.as_slice();
    let mut mask = range.mask.as_slice();
    // networkNumberAndMask: a v4-in-v6 address is shown as IPv4 with the mask's tail.
    if ip.len() == 16 && ip[..12] == [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff] {
        ip = &ip[12..];
        if mask.len() == 16 {
            mask = &mask[12..];
        }
    }
    let Some(address) = ip_from_bytes(ip) else {
        return "<nil>".to_string();
    };
    let address = hostname::go_ip_string(&address);
    match simple_mask_length(mask) {
        Some(ones) => format!("{address}/{ones}"),
        None => {
            let hex: String = mask.iter().map(|b| format!("{b:02x}")).collect();
            format!("{address}/{hex}")
        }
    }
}

/// Go's `simpleMaskLength`: the prefix length of a canonical mask.
fn simple_mask_length(mask: &[u8]) -> Option<usize> {
    let mut ones = 0;
    for (i, &byte) in mask.iter().enumerate() {
        if byte == 0xff {
            ones += 8;
            continue;
        }
        let leading = byte.leading_ones() as usize;
        if byte << leading != 0 || mask[i + 1..].iter().any(|&b| b != 0) {
            return None;
        }
        return Some(ones + leading);
    }
    Some(ones)
}

/// Go's `matchDomainConstraint`. A leading dot requires at least one more label.
fn match_domain_constraint(domain: &str, constraint: &str) -> Result<bool, String> {
    if constraint.is_empty() {
        return Ok(true);
    }
    let Some(domain_labels) = domain_to_reverse_labels(domain) else {
        return Err(format!(
            "x509: internal error: cannot parse domain {}",
            go_quote(domain.as_bytes())
        ));
    };
    let (must_have_subdomains, constraint) = match constraint.strip_prefix('.') {
        Some(rest) => (true, rest),
        None => (false, constraint),
    };
    let Some(constraint_labels) = domain_to_reverse_labels(constraint) else {
        return Err(format!(
            "x509: internal error: cannot parse domain {}",
            go_quote(constraint.as_bytes())
        ));
    };
    if domain_labels.len() < constraint_labels.len()
        || (must_have_subdomains && domain_labels.len() == constraint_labels.len())
    {
        return Ok(false);
    }
    Ok(constraint_labels
        .iter()
        .zip(&domain_labels)
        .all(|(c, d)| c.eq_ignore_ascii_case(d)))
}

/// Go's `matchEmailConstraint`: a full mailbox, or a domain constraint on the
/// mailbox's domain.
fn match_email_constraint(mailbox: &Mailbox, constraint: &str) -> Result<bool, String> {
    if constraint.contains('@') {
        let Some(constraint_mailbox) = parse_rfc2821_mailbox(constraint) else {
            return Err(format!(
                "x509: internal error: cannot parse constraint {}",
                go_quote(constraint.as_bytes())
            ));
        };
        return Ok(mailbox.local == constraint_mailbox.local
            && mailbox
                .domain
                .eq_ignore_ascii_case(&constraint_mailbox.domain));
    }
    match_domain_constraint(&mailbox.domain, constraint)
}

/// Go's `matchURIConstraint`: the URI's host must be a domain name.
fn match_uri_constraint(uri: &str, constraint: &str) -> Result<bool, String> {
    let host = url_host(uri);
    if host.is_empty() {
        return Err(format!(
            "URI with empty host ({}) cannot be matched against constraints",
            go_quote(uri.as_bytes())
        ));
    }
    let mut host = host.as_str();
    if host.contains(':') && !host.ends_with(']') {
        host = split_host_port(host).map_err(|e| e.to_string())?;
    }
    if (host.starts_with('[') && host.ends_with(']')) || hostname::parse_ip(host).is_some() {
        return Err(format!(
            "URI with IP ({}) cannot be matched against constraints",
            go_quote(uri.as_bytes())
        ));
    }
    match_domain_constraint(host, constraint)
}

/// The `Host` of Go's `url.Parse(uri)` (host and port, percent-decoded), empty
/// when the URI has no authority.
fn url_host(uri: &str) -> String {
    let without_fragment = uri.split('#').next().unwrap_or("");
    let scheme_end = without_fragment.find(':').filter(|&i| {
        i > 0
            && without_fragment.as_bytes()[0].is_ascii_alphabetic()
            && without_fragment[..i]
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'+' | b'-' | b'.'))
    });
    let rest = match scheme_end {
        Some(i) => &without_fragment[i + 1..],
        None => without_fragment,
    };
    let rest = rest.split('?').next().unwrap_or("");
    let Some(after_slashes) = rest.strip_prefix("//") else {
        return String::new();
    };
    if scheme_end.is_none() && rest.starts_with("///") {
        return String::new();
    }
    let authority = after_slashes.split('/').next().unwrap_or("");
    let host = authority.rsplit('@').next().unwrap_or("");
    percent_decode(host)
}

fn percent_decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' && i + 3 <= bytes.len() {
            let hex = |b: u8| char::from(b).to_digit(16);
            if let (Some(high), Some(low)) = (hex(bytes[i + 1]), hex(bytes[i + 2])) {
                out.push((high * 16 + low) as u8);
                i += 3;
                continue;
            }
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// Go's `net.SplitHostPort`, host part only.
fn split_host_port(host_port: &str) -> Result<&str, String> {
    let missing_port = || format!("address {host_port}: missing port in address");
    let too_many = || format!("address {host_port}: too many colons in address");
    let Some(last_colon) = host_port.rfind(':') else {
        return Err(missing_port());
    };
    if host_port.starts_with('[') {
        let Some(end) = host_port.find(']') else {
            return Err(format!("address {host_port}: missing ']' in address"));
        };
        if end + 1 == host_port.len() {
            return Err(missing_port());
        }
        if end + 1 != last_colon {
            return Err(if host_port.as_bytes()[end + 1] == b':' {
                too_many()
            } else {
                missing_port()
            });
        }
        let host = &host_port[1..end];
        if host.contains('[') || host.contains(']') {
            return Err(format!("address {host_port}: unexpected '[' in address"));
        }
        return Ok(host);
    }
    let host = &host_port[..last_colon];
    if host.contains(':') {
        return Err(too_many());
    }
    if host.contains('[') {
        return Err(format!("address {host_port}: unexpected '[' in address"));
    }
    if host.contains(']') {
        return Err(format!("address {host_port}: unexpected ']' in address"));
    }
    Ok(host)
}

/// Go's `domainToReverseLabels`: labels last first; `None` for a trailing dot,
/// an empty label or a byte outside 33..=126. Like Go, a single leading dot is
/// dropped silently (the loop ends when nothing is left before it).
pub(crate) fn domain_to_reverse_labels(domain: &str) -> Option<Vec<&str>> {
    let mut labels = Vec::new();
    let mut rest = domain;
    while !rest.is_empty() {
        match rest.rfind('.') {
            Some(dot) => {
                labels.push(&rest[dot + 1..]);
                rest = &rest[..dot];
            }
            None => {
                labels.push(rest);
                rest = "";
            }
        }
    }
    // Go ranges over runes: any non-ASCII byte is outside 33..=126 too.
    let valid = labels
        .iter()
        .all(|label| !label.is_empty() && label.bytes().all(|b| (33..=126).contains(&b)));
    valid.then_some(labels)
}

/// Go's `rfc2821Mailbox`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Mailbox {
    pub local: String,
    pub domain: String,
}

/// Go's `parseRFC2821Mailbox`.
pub(crate) fn parse_rfc2821_mailbox(input: &str) -> Option<Mailbox> {
    let mut rest = input.as_bytes();
    if rest.is_empty() {
        return None;
    }
    let mut local: Vec<u8> = Vec::with_capacity(rest.len() / 2);
    if rest[0] == b'"' {
        rest = &rest[1..];
        loop {
            let (&c, tail) = rest.split_first()?;
            rest = tail;
            match c {
                b'"' => break,
                b'\\' => {
                    let (&next, tail) = rest.split_first()?;
                    if next == 11
                        || next == 12
                        || (1..=9).contains(&next)
                        || (14..=127).contains(&next)
                    {
                        local.push(next);
                        rest = tail;
                    } else {
                        return None;
                    }
                }
                11 | 12 | 32 | 33 | 127 | 1..=8 | 14..=31 | 35..=91 | 93..=126 => local.push(c),
                _ => return None,
            }
        }
    } else {
        while let Some(&c) = rest.first() {
            if c == b'\\' {
                // An escaped character outside quotes (RFC 3696 examples).
                let (&escaped, tail) = rest[1..].split_first()?;
                local.push(escaped);
                rest = tail;
            } else if c.is_ascii_alphanumeric() || b"!#$%&'*+-/=?^_`{|}~.".contains(&c) {
                local.push(c);
                rest = &rest[1..];
            } else {
                break;
            }
        }
        if local.is_empty()
            || local[0] == b'.'
            || local[local.len() - 1] == b'.'
            || local.windows(2).any(|w| w == b"..")
        {
            return None;
        }
    }
    let domain = rest.strip_prefix(b"@")?;
    let domain = std::str::from_utf8(domain).ok()?;
    domain_to_reverse_labels(domain)?;
    Some(Mailbox {
        local: String::from_utf8_lossy(&local).into_owned(),
        domain: domain.to_string(),
    })
}

/// Go's `strconv.Quote` (and `%q` of a string): printable characters as they
/// are, others escaped, invalid UTF-8 bytes as `\xNN`.
pub(crate) fn go_quote(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len() + 2);
    out.push('"');
    for chunk in bytes.utf8_chunks() {
        for c in chunk.valid().chars() {
            match c {
                '"' => out.push_str("\\\""),
                '\\' => out.push_str("\\\\"),
                '\u{07}' => out.push_str("\\a"),
                '\u{08}' => out.push_str("\\b"),
                '\u{0c}' => out.push_str("\\f"),
                '\n' => out.push_str("\\n"),
                '\r' => out.push_str("\\r"),
                '\t' => out.push_str("\\t"),
                '\u{0b}' => out.push_str("\\v"),
                c if is_go_printable(c) => out.push(c),
                c if (c as u32) < 0x80 => out.push_str(&format!("\\x{:02x}", c as u32)),
                c if (c as u32) < 0x10000 => out.push_str(&format!("\\u{:04x}", c as u32)),
                c => out.push_str(&format!("\\U{:08x}", c as u32)),
            }
        }
        for b in chunk.invalid() {
            out.push_str(&format!("\\x{b:02x}"));
        }
    }
    out.push('"');
    out
}

/// An approximation of Go's `unicode.IsPrint` without the Unicode tables:
/// controls, spaces other than U+0020, format characters and private-use or
/// non-characters are not printable.
fn is_go_printable(c: char) -> bool {
    if c == ' ' {
        return true;
    }
    let code = c as u32;
    !(c.is_control()
        || c.is_whitespace()
        || matches!(code, 0xad | 0x600..=0x605 | 0x61c | 0x6dd | 0x70f | 0x180e)
        || matches!(code, 0x200b..=0x200f | 0x202a..=0x202e | 0x2060..=0x206f)
        || matches!(code, 0xd800..=0xf8ff | 0xfeff | 0xfff9..=0xfffb)
        || code & 0xfffe == 0xfffe
        || (0xfdd0..=0xfdef).contains(&code)
        || code >= 0xf0000
        || matches!(code, 0xe0001 | 0xe0020..=0xe007f))
}

pub(super) use super::signature::{check_signature_from, rsa_key};

#[cfg(test)]
mod tests {
    use super::*;

    /// Every distinct certificate of the Go verification vectors, in order of appearance.
    fn vector_certificates() -> Vec<Certificate> {
        let path = concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/testdata/tls/verify/cases.json"
        );
        let cases: Vec<serde_json::Value> =
            serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
        let mut seen = HashMap::new();
        let mut certificates = Vec::new();
        for case in &cases {
            for field in ["chain_pem", "ca_bundle_pem"] {
                let pem_text = case[field].as_str().unwrap_or("");
                for (_, c) in cert::append_certs_from_pem(pem_text.as_bytes()) {
                    if seen.insert(c.raw.clone(), ()).is_none() {
                        certificates.push(c);
                    }
                }
            }
        }
        certificates
    }

    /// Leaving a member out of a pool lists candidates as a pool built without it does:
    /// the same certificates in the same order, for every issuer looked up.
    #[test]
    fn leaving_a_member_out_equals_building_the_pool_without_it() {
        let distinct = vector_certificates();
        // Each certificate twice, then others sharing their subjects: a member left out
        // whose second copy must take its place before those.
        let (first, second): (Vec<_>, Vec<_>) = distinct
            .iter()
            .cloned()
            .enumerate()
            .partition(|(i, _)| i % 2 == 0);
        let first: Vec<Certificate> = first.into_iter().map(|(_, c)| c).collect();
        let group: Vec<Certificate> = first
            .iter()
            .chain(&first)
            .cloned()
            .chain(second.into_iter().map(|(_, c)| c))
            .collect();
        let pool = CertPool::new(&group);
        let mut reordered = 0;
        for excluded in 0..group.len() {
            let others: Vec<Certificate> = group
                .iter()
                .enumerate()
                .filter(|(i, _)| *i != excluded)
                .map(|(_, c)| c.clone())
                .collect();
            let rebuilt = CertPool::new(&others);
            for child in &distinct {
                let left_out: Vec<&[u8]> = pool
                    .potential_parents(child, Some(excluded))
                    .iter()
                    .map(|&i| group[i].raw.as_slice())
                    .collect();
                let expected: Vec<&[u8]> = rebuilt
                    .potential_parents(child, None)
                    .iter()
                    .map(|&i| others[i].raw.as_slice())
                    .collect();
                assert_eq!(left_out, expected, "member {excluded}");
                let whole: Vec<&[u8]> = pool
                    .potential_parents(child, None)
                    .iter()
                    .map(|&i| group[i].raw.as_slice())
                    .collect();
                reordered += usize::from(whole != expected);
            }
        }
        // The fixture must hold cases where leaving out changes the order.
        assert!(reordered > 0);
    }

    #[test]
    fn reverse_labels_follow_go() {
        assert_eq!(
            domain_to_reverse_labels("a.example.com"),
            Some(vec!["com", "example", "a"])
        );
        assert_eq!(domain_to_reverse_labels(""), Some(vec![]));
        // Go drops one leading dot but refuses a trailing one or an empty label.
        assert_eq!(
            domain_to_reverse_labels(".example.com"),
            Some(vec!["com", "example"])
        );
        assert_eq!(domain_to_reverse_labels("example.com."), None);
        assert_eq!(domain_to_reverse_labels("a..com"), None);
        assert_eq!(domain_to_reverse_labels("..com"), None);
        assert_eq!(domain_to_reverse_labels("a b.com"), None);
        assert_eq!(domain_to_reverse_labels("caf\u{e9}.com"), None);
    }

    #[test]
    fn domain_constraints() {
        let matches = |domain, constraint| match_domain_constraint(domain, constraint).unwrap();
        assert!(matches("svc.ns.svc", "ns.svc"));
        assert!(matches("ns.svc", "ns.svc"));
        assert!(!matches("ns.svc", ".ns.svc"));
        assert!(matches("a.ns.svc", ".ns.svc"));
        assert!(!matches("svc.ns.svc", "s.svc"));
        assert!(matches("SVC.NS.SVC", "ns.svc"));
        assert!(matches("anything", ""));
        assert_eq!(
            match_domain_constraint("a.", "a").unwrap_err(),
            "x509: internal error: cannot parse domain \"a.\""
        );
    }

    #[test]
    fn mailboxes() {
        let mailbox = parse_rfc2821_mailbox("john.doe@example.com").unwrap();
        assert_eq!(
            (mailbox.local.as_str(), mailbox.domain.as_str()),
            ("john.doe", "example.com")
        );
        let quoted = parse_rfc2821_mailbox("\"john doe\"@example.com").unwrap();
        assert_eq!(quoted.local, "john doe");
        let escaped = parse_rfc2821_mailbox("a\\@b@example.com").unwrap();
        assert_eq!(escaped.local, "a@b");
        // As in Go, an empty domain passes domainToReverseLabels.
        assert_eq!(parse_rfc2821_mailbox("a@").unwrap().domain, "");
        for bad in [
            "",
            "@example.com",
            ".a@example.com",
            "a..b@example.com",
            "a",
        ] {
            assert!(parse_rfc2821_mailbox(bad).is_none(), "{bad}");
        }
        assert!(match_email_constraint(&mailbox, "example.com").unwrap());
        assert!(match_email_constraint(&mailbox, "john.doe@EXAMPLE.com").unwrap());
        assert!(!match_email_constraint(&mailbox, "jane@example.com").unwrap());
        assert!(!match_email_constraint(&mailbox, ".example.com").unwrap());
    }

    #[test]
    fn uri_constraints() {
        assert_eq!(
            url_host("https://user@Host.example.com:8443/path?q#f"),
            "Host.example.com:8443"
        );
        assert_eq!(url_host("spiffe://cluster.local/ns/x"), "cluster.local");
        assert_eq!(url_host("urn:example:x"), "");
        assert!(match_uri_constraint("https://a.example.com:443/x", ".example.com").unwrap());
        assert!(!match_uri_constraint("https://example.org/", "example.com").unwrap());
        assert_eq!(
            match_uri_constraint("https://10.0.0.1/", "example.com").unwrap_err(),
            "URI with IP (\"https://10.0.0.1/\") cannot be matched against constraints"
        );
        assert_eq!(
            match_uri_constraint("urn:x", "example.com").unwrap_err(),
            "URI with empty host (\"urn:x\") cannot be matched against constraints"
        );
    }

    #[test]
    fn ip_ranges_print_like_go() {
        let range = |ip: &[u8], mask: &[u8]| IpRange {
            ip: ip.to_vec(),
            mask: mask.to_vec(),
        };
        assert_eq!(
            ip_range_string(&range(&[192, 0, 2, 0], &[255, 255, 255, 0])),
            "192.0.2.0/24"
        );
        assert_eq!(
            ip_range_string(&range(&[10, 1, 2, 3], &[255, 0, 0, 0])),
            "10.1.2.3/8"
        );
        let mut v6 = [0u8; 16];
        v6[15] = 1;
        assert_eq!(ip_range_string(&range(&v6, &[0xff; 16])), "::1/128");
        let mut mapped = [0u8; 16];
        mapped[10..].copy_from_slice(&[0xff, 0xff, 10, 0, 0, 0]);
        let mut mapped_mask = [0xffu8; 16];
        mapped_mask[13..].fill(0);
        assert_eq!(ip_range_string(&range(&mapped, &mapped_mask)), "10.0.0.0/8");
        assert!(match_ip_constraint(
            &[192, 0, 2, 77],
            &range(&[192, 0, 2, 0], &[255, 255, 255, 0])
        ));
        assert!(!match_ip_constraint(
            &mapped,
            &range(&[10, 0, 0, 0], &[255, 0, 0, 0])
        ));
    }

    #[test]
    fn quotes_like_go() {
        assert_eq!(go_quote(b"plain"), "\"plain\"");
        assert_eq!(go_quote(b"a\"b\\c"), "\"a\\\"b\\\\c\"");
        assert_eq!(go_quote(b"tab\tnl\n\x01\x7f"), "\"tab\\tnl\\n\\x01\\x7f\"");
        assert_eq!(go_quote("caf\u{e9}".as_bytes()), "\"caf\u{e9}\"");
        assert_eq!(go_quote(b"\xff"), "\"\\xff\"");
        assert_eq!(go_quote("\u{200b}".as_bytes()), "\"\\u200b\"");
    }

    #[test]
    fn split_host_port_like_go() {
        assert_eq!(split_host_port("example.com:443"), Ok("example.com"));
        assert_eq!(split_host_port("[::1]:443"), Ok("::1"));
        assert!(split_host_port("a:b:c").is_err());
        assert!(split_host_port("[::1]").is_err());
    }
}
