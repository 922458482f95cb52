//! Go 1.19's `(*x509.Certificate).Verify` with `KeyUsages: [ExtKeyUsageServerAuth]`,
//! ported from `crypto/x509/verify.go`, and the parts of client-go and
//! `crypto/tls` around it that decide whether the API server trusts a webhook.
//!
//! The first failure wins, in Go's order, and every message is Go's
//! `err.Error()` text: the linter shows it verbatim. Chain building follows Go
//! step for step (candidate order, the 100 signature-check budget, the error
//! left by the last candidate), because which error Go reports depends on it.
//!
//! The entry points are here; the errors are in `error`, chain building in `chain` and
//! the name-constraint checks in `name_constraints`.

mod chain;
mod chain_constraints;
mod error;
mod name_constraints;
mod options;
mod policies;
mod serial;

use super::cert::{self, Certificate, PublicKeyAlgorithm};
use super::go::Go;
use super::hostname;
use super::pem;
use super::time::Time;
use chain::{CertKind, Verifier};

pub use chain::{CertPool, PooledOptions};
pub use error::{ServerVerifyError, SignatureError, SignatureHint, VerifyError, VerifyErrorKind};
pub use options::{CertRef, Chain, VerifyOptions};
pub use serial::serial_decimal;

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
        go: options.go,
    };
    verify_pooled(leaf, &pooled)
}

/// [`verify`] against pools built once for many calls.
pub fn verify_pooled(
    leaf: &Certificate,
    options: &PooledOptions<'_>,
) -> Result<Chain, VerifyError> {
    verify_with(&mut Verifier::new(leaf, options), leaf, options)
}

fn verify_with(
    verifier: &mut Verifier<'_>,
    leaf: &Certificate,
    options: &PooledOptions<'_>,
) -> Result<Chain, VerifyError> {
    verifier.is_valid(CertRef::Leaf, CertKind::Leaf, &[])?;

    if !options.dns_name.is_empty() {
        hostname::verify_hostname(leaf, options.dns_name, options.go)
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

    // Go 1.26 checks name constraints on each chain that passes the key usage check; the
    // first refusal is the error when no chain is left.
    let mut constraint_error: Option<VerifyError> = None;
    // Go 1.24 drops the chains with invalid policies too (policies.rs).
    let mut filter = policies::ChainFilter::new(options.go);
    for chain in &candidate_chains {
        if !filter.keeps(verifier, chain) {
            continue;
        }
        if options.go.checks_constraints_after_building() {
            let certs: Vec<&Certificate> = chain.iter().map(|&r| verifier.cert(r)).collect();
            if let Err((at, detail)) =
                chain_constraints::check_chain_constraints(&certs, options.go)
            {
                constraint_error.get_or_insert_with(|| {
                    VerifyError::new(VerifyErrorKind::NameConstraint {
                        cert: chain[at],
                        detail,
                    })
                });
                continue;
            }
        }
        return Ok(chain.clone());
    }
    if let Some(error) = constraint_error {
        return Err(error);
    }
    Err(filter.error(verifier, &candidate_chains))
}

/// crypto/tls's limit on RSA keys in server certificates (Go >= 1.19.12 / 1.20.7).
pub(crate) const MAX_SERVER_RSA_KEY_BITS: usize = 8192;

/// The smallest RSA modulus, in bytes, that can sign a TLS 1.3 handshake (RSA-PSS with
/// SHA-256: crypto/tls's `rsaSignatureSchemes`).
pub(crate) const MIN_TLS13_RSA_KEY_BYTES: usize = 66;

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
    go: Go,
) -> Result<(), ServerVerifyError> {
    let bundle_roots: Vec<Certificate>;
    let roots: &[Certificate] = if ca_bundle_pem.is_empty() {
        system_roots.unwrap_or(&[])
    } else {
        bundle_roots = cert::append_certs_from_pem(ca_bundle_pem, go)
            .into_iter()
            .map(|(_, c)| c)
            .collect();
        if bundle_roots.is_empty() {
            return Err(ServerVerifyError::RootCertificates {
                detail: ca_data_error(ca_bundle_pem, go),
            });
        }
        &bundle_roots
    };
    verify_served_chain(
        &ServedChain::new(chain),
        &CertPool::new(roots),
        server_name,
        now,
        go,
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
    go: Go,
) -> Result<(), ServerVerifyError> {
    let Some(leaf) = chain.certificates.first() else {
        return Err(ServerVerifyError::NoCertificate);
    };
    // crypto/tls: RSA-PSS with SHA-256 needs a modulus of at least 2 * 32 + 2 bytes.
    if let Some(bits) = rsa_bits(leaf).filter(|bits| bits.div_ceil(8) < MIN_TLS13_RSA_KEY_BYTES) {
        return Err(ServerVerifyError::LeafKeyTooSmallForTls13 { bits });
    }
    if let Some((position, bits)) = chain.oversized_rsa_key {
        return Err(ServerVerifyError::RsaKeyTooLarge { position, bits });
    }

    let options = PooledOptions {
        roots,
        intermediates: &chain.intermediates,
        excluded_intermediate: None,
        dns_name: server_name,
        now,
        go,
    };
    verify_pooled(leaf, &options)
        .map(|_| ())
        .map_err(ServerVerifyError::Verify)
}

/// client-go's `createErrorParsingCAData`: why `AppendCertsFromPEM` found nothing.
pub(crate) fn ca_data_error(mut data: &[u8], go: Go) -> String {
    while !data.is_empty() {
        let Some((block, rest)) = pem::decode_for(data, go) else {
            return "unable to parse bytes as PEM block".to_string();
        };
        data = &data[rest..];
        if block.kind != "CERTIFICATE" || !block.headers.is_empty() {
            continue;
        }
        if let Err(error) = cert::parse_der(&block.bytes, go) {
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
