//! What `tls inspect` reports, built from the inventory: numbered certificates, keys and
//! caBundles, each certificate verified against each caBundle. Serialized as is by
//! `--format json`.

use crate::cli::tls::inspect::inventory::{BundleState, FoundCertificate, Inventory, Origin};
use crate::kube_version;
use crate::tls::cert::{self, key_usage, Certificate, PublicKeyAlgorithm};
use crate::tls::ip;
use crate::tls::key::{self, KeyIdentity, PrivateKey};
use crate::tls::roots;
use crate::tls::time::{self, Time};
use crate::tls::verify::{self, CertPool, PooledOptions};
use foldhash::HashMap;
use serde::Serialize;
use sha2::{Digest, Sha256};

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
///
/// schemas/inspect-v1.schema.json describes it; a change here is made there too.
#[derive(Serialize)]
pub(crate) struct InspectReport {
    pub(crate) now: String,
    pub(crate) certificates: Vec<CertificateReport>,
    pub(crate) private_keys: Vec<KeyReport>,
    pub(crate) ca_bundles: Vec<BundleReport>,
    pub(crate) other_pem_blocks: Vec<BlockReport>,
    pub(crate) problems: Vec<ProblemReport>,
}

#[derive(Serialize)]
pub(crate) struct CertificateReport {
    pub(crate) index: usize,
    pub(crate) source: Origin,
    pub(crate) subject: String,
    pub(crate) issuer: String,
    pub(crate) serial: String,
    pub(crate) serial_hex: String,
    pub(crate) sans: Sans,
    pub(crate) not_before: String,
    pub(crate) not_after: String,
    pub(crate) days_left: i64,
    pub(crate) validity: &'static str,
    pub(crate) public_key: PublicKeyReport,
    pub(crate) signature_algorithm: String,
    pub(crate) is_ca: bool,
    pub(crate) max_path_len: Option<i64>,
    pub(crate) key_usage: Vec<&'static str>,
    pub(crate) extended_key_usage: Vec<String>,
    pub(crate) sha256_fingerprint: String,
    pub(crate) ca_bundle: Option<usize>,
    pub(crate) chains_to: Vec<ChainReport>,
}

#[derive(Serialize)]
pub(crate) struct Sans {
    pub(crate) dns: Vec<String>,
    pub(crate) ip: Vec<String>,
    pub(crate) email: Vec<String>,
    pub(crate) uri: Vec<String>,
}

#[derive(Serialize)]
pub(crate) struct PublicKeyReport {
    pub(crate) algorithm: &'static str,
    pub(crate) bits: Option<usize>,
    pub(crate) curve: Option<&'static str>,
}

#[derive(Serialize)]
pub(crate) struct ChainReport {
    pub(crate) ca_bundle: usize,
    pub(crate) result: String,
}

#[derive(Serialize)]
pub(crate) struct KeyReport {
    pub(crate) index: usize,
    pub(crate) source: Origin,
    pub(crate) pem_type: String,
    pub(crate) parsed: bool,
    pub(crate) algorithm: Option<&'static str>,
    pub(crate) bits: Option<usize>,
    pub(crate) curve: Option<&'static str>,
    pub(crate) encoding: Option<&'static str>,
    pub(crate) matches_certificate: Option<usize>,
}

#[derive(Serialize)]
pub(crate) struct BundleReport {
    pub(crate) index: usize,
    pub(crate) sources: Vec<Origin>,
    pub(crate) state: &'static str,
    pub(crate) error: Option<String>,
    pub(crate) certificates: Vec<usize>,
}

#[derive(Serialize)]
pub(crate) struct BlockReport {
    pub(crate) source: Origin,
    pub(crate) pem_type: String,
}

#[derive(Serialize)]
pub(crate) struct ProblemReport {
    pub(crate) source: Origin,
    pub(crate) message: String,
}

pub(crate) fn build_report(inventory: &Inventory, now: Time) -> InspectReport {
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
            ip: c.ip_addresses.iter().map(ip::go_ip_string).collect(),
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

#[cfg(test)]
mod tests {
    use super::*;

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
        assert_eq!(ip::go_ip_string(&mapped), "10.0.0.1");
        assert_eq!(fingerprint(b"").len(), 32 * 3 - 1);
    }
}
