//! What the certparse oracles record of `x509.ParseCertificate`, and the Rust port's
//! parse summarised the same way (tests/tls_go_vectors.rs, tests/tls_vectors_per_go.rs).

use serde::Deserialize;
use speclint::tls::{cert, ip};

/// Lower-case hex, as the oracles write bytes.
pub fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

#[derive(Deserialize, Debug, PartialEq, Clone)]
pub struct ParsedCertificate {
    pub error: String,
    pub version: u8,
    pub cn: String,
    pub issuer_cn: String,
    pub dns: Vec<String>,
    pub ips: Vec<String>,
    pub emails: Vec<String>,
    pub uris: Vec<String>,
    pub has_san: bool,
    pub not_before: i64,
    pub not_after: i64,
    pub is_ca: bool,
    pub basic_constraints_valid: bool,
    pub max_path_len: i64,
    pub key_usage: u16,
    pub eku: Vec<String>,
    pub unhandled_critical: Vec<String>,
    pub signature_algorithm: String,
    pub public_key_algorithm: String,
    pub raw_subject_hex: String,
    pub raw_issuer_hex: String,
    pub subject_key_id_hex: String,
    pub authority_key_id_hex: String,
}

/// What the oracle records of `x509.ParseCertificate`: the error, or the fields.
pub fn summarize(result: Result<cert::Certificate, cert::CertError>) -> ParsedCertificate {
    let c = match result {
        Ok(c) => c,
        Err(e) => {
            return ParsedCertificate {
                error: e.to_string(),
                version: 0,
                cn: String::new(),
                issuer_cn: String::new(),
                dns: vec![],
                ips: vec![],
                emails: vec![],
                uris: vec![],
                has_san: false,
                not_before: 0,
                not_after: 0,
                is_ca: false,
                basic_constraints_valid: false,
                max_path_len: 0,
                key_usage: 0,
                eku: vec![],
                unhandled_critical: vec![],
                signature_algorithm: String::new(),
                public_key_algorithm: String::new(),
                raw_subject_hex: String::new(),
                raw_issuer_hex: String::new(),
                subject_key_id_hex: String::new(),
                authority_key_id_hex: String::new(),
            }
        }
    };
    let mut eku = c.ext_key_usage.clone();
    eku.sort();
    ParsedCertificate {
        error: String::new(),
        version: c.version,
        cn: c.subject_common_name.clone().unwrap_or_default(),
        issuer_cn: c.issuer_common_name.clone().unwrap_or_default(),
        dns: c.dns_names.clone(),
        ips: c.ip_addresses.iter().map(ip::go_ip_string).collect(),
        emails: c.email_addresses.clone(),
        uris: c.uris.clone(),
        has_san: c.has_san_extension,
        not_before: c.not_before,
        not_after: c.not_after,
        is_ca: c.is_ca,
        basic_constraints_valid: c.basic_constraints_valid,
        max_path_len: c.max_path_len,
        key_usage: c.key_usage,
        eku,
        unhandled_critical: c.unhandled_critical_extensions.clone(),
        signature_algorithm: c.signature_algorithm.name.clone(),
        public_key_algorithm: match c.public_key.algorithm {
            cert::PublicKeyAlgorithm::Rsa => "RSA",
            cert::PublicKeyAlgorithm::Dsa => "DSA",
            cert::PublicKeyAlgorithm::Ecdsa => "ECDSA",
            cert::PublicKeyAlgorithm::Ed25519 => "Ed25519",
            cert::PublicKeyAlgorithm::Unknown => "0",
        }
        .to_string(),
        raw_subject_hex: hex(c.raw_subject()),
        raw_issuer_hex: hex(c.raw_issuer()),
        subject_key_id_hex: hex(&c.subject_key_id),
        authority_key_id_hex: hex(&c.authority_key_id),
    }
}
