//! X.509 certificates as Go's `crypto/x509.ParseCertificate` (Go 1.19) sees them.
//!
//! The acceptance rules, the error texts and the extracted values (SAN strings
//! kept verbatim, IP SANs of 4 or 16 bytes, the last CN wins, `hasSANExtension`)
//! follow Go's parser.go rather than x509-parser, because the API server's verdict
//! is Go's. Not reproduced: `net/url` parsing of URI SANs beyond control
//! characters, and the DSA key parameters.

use std::fmt;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

use super::curve::Curve;
use super::der::{self, Reader, TAG_BOOLEAN, TAG_INTEGER, TAG_OCTET_STRING, TAG_SEQUENCE, TAG_SET};
use super::go::Go;
use super::pem::{self, Block};

/// `2.5.29.37.0`, anyExtendedKeyUsage.
pub(crate) const OID_EKU_ANY: &str = "2.5.29.37.0";
/// `1.3.6.1.5.5.7.3.1`, TLS server authentication.
pub(crate) const OID_EKU_SERVER_AUTH: &str = "1.3.6.1.5.5.7.3.1";
/// `1.3.6.1.5.5.7.3.2`, TLS client authentication.
pub(crate) const OID_EKU_CLIENT_AUTH: &str = "1.3.6.1.5.5.7.3.2";

/// Go's `KeyUsage` bits (bit i of the DER BIT STRING is `1 << i`).
pub(crate) mod key_usage {
    pub(crate) const DIGITAL_SIGNATURE: u16 = 1 << 0;
    pub(crate) const CONTENT_COMMITMENT: u16 = 1 << 1;
    pub(crate) const KEY_ENCIPHERMENT: u16 = 1 << 2;
    pub(crate) const DATA_ENCIPHERMENT: u16 = 1 << 3;
    pub(crate) const KEY_AGREEMENT: u16 = 1 << 4;
    pub(crate) const CERT_SIGN: u16 = 1 << 5;
    pub(crate) const CRL_SIGN: u16 = 1 << 6;
    pub(crate) const ENCIPHER_ONLY: u16 = 1 << 7;
    pub(crate) const DECIPHER_ONLY: u16 = 1 << 8;
}

/// A parsed certificate with the fields Go's verifier looks at.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Certificate {
    /// The whole DER encoding.
    pub raw: Vec<u8>,
    /// Where the parts below are in `raw` ([`Certificate::raw_tbs`] and the others): a run
    /// holds thousands of certificates, and copies of their parts doubled their size.
    parts: RawParts,
    /// 1, 2 or 3, as Go numbers it.
    pub version: u8,
    /// Serial number as lower-case hex of its DER contents.
    pub serial_hex: String,
    /// Go's `Subject.CommonName` (the last CN attribute); `None` when absent.
    pub subject_common_name: Option<String>,
    pub issuer_common_name: Option<String>,
    /// RFC 4514-style rendering for messages, e.g. `CN=ca,O=acme`.
    pub(crate) subject_display: String,
    pub(crate) issuer_display: String,
    pub signature_algorithm: SignatureAlgorithm,
    pub public_key: PublicKeyInfo,
    /// Unix seconds.
    pub not_before: i64,
    pub not_after: i64,
    /// dNSName SANs exactly as encoded (ASCII; case, dots and wildcards untouched).
    pub dns_names: Vec<String>,
    /// iPAddress SANs: 4-byte values as V4, 16-byte values as V6 (even v4-mapped).
    pub ip_addresses: Vec<IpAddr>,
    pub email_addresses: Vec<String>,
    /// URI SANs as encoded (Go re-escapes them when printing a parsed URL).
    pub uris: Vec<String>,
    /// Go's `hasSANExtension`: a subjectAltName extension is present, even if empty.
    pub has_san_extension: bool,
    pub basic_constraints_valid: bool,
    pub is_ca: bool,
    /// Go's `MaxPathLen`: -1 when basicConstraints has no pathLenConstraint, 0 without
    /// basicConstraints (check `basic_constraints_valid`).
    pub max_path_len: i64,
    /// Go's `KeyUsage` bits; 0 when the extension is absent (see [`key_usage`]).
    pub key_usage: u16,
    /// Extended key usage OIDs in dotted form, known and unknown alike.
    /// Empty means unrestricted, as in Go.
    pub ext_key_usage: Vec<String>,
    pub subject_key_id: Vec<u8>,
    pub authority_key_id: Vec<u8>,
    pub(crate) has_name_constraints: bool,
    /// Dotted OIDs of critical extensions Go does not handle; Verify fails on any.
    pub unhandled_critical_extensions: Vec<String>,
    /// The signature BIT STRING, right-aligned as Go's `Signature`.
    pub signature_value: Vec<u8>,
    /// The subjectPublicKey BIT STRING, right-aligned: PKCS#1 RSAPublicKey DER,
    /// an uncompressed EC point or the 32 Ed25519 bytes.
    pub public_key_bytes: Vec<u8>,
    /// Go's `Subject.Organization`, in encoding order (names a hint's candidate without CN).
    pub(crate) subject_organizations: Vec<String>,
    /// Zone offsets (seconds east of UTC) the validity times were written with;
    /// Go prints the times in that zone.
    pub(crate) not_before_utc_offset: i32,
    pub(crate) not_after_utc_offset: i32,
    /// The subjectAltName extension value as encoded (Go walks it in order for
    /// name constraints and compares it to spot a certificate already in a chain).
    pub(crate) subject_alt_name_raw: Option<Vec<u8>>,
    /// The nameConstraints extension's contents, when present (rarely: boxed).
    pub(crate) name_constraints: Option<Box<NameConstraints>>,
    /// Something in it that supported Go versions treat differently (see `tls::go`):
    /// a verdict that involves no such certificate is the same under every Go.
    pub(crate) go_dependent: bool,
    /// The policy extensions, parsed under a Go that validates policies (Go 1.24 and
    /// later) when the certificate has any; `None` stands for none (rarely: boxed).
    pub(crate) policies: Option<Box<Policies>>,
}

/// Go 1.24's policy fields of a certificate: `Policies`, `PolicyMappings`,
/// `RequireExplicitPolicy`, `InhibitPolicyMapping` and `InhibitAnyPolicy` with their
/// `*Zero` flags. OIDs are the contents of their DER encoding, compared as bytes like Go's.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct Policies {
    /// certificatePolicies' policy OIDs, in order (Go refuses repeats).
    pub(crate) identifiers: Vec<Vec<u8>>,
    /// policyMappings' pairs, in order; Go does not check these OIDs' encoding.
    pub(crate) mappings: Vec<PolicyMapping>,
    pub(crate) require_explicit_policy: i64,
    pub(crate) require_explicit_policy_zero: bool,
    pub(crate) inhibit_policy_mapping: i64,
    pub(crate) inhibit_policy_mapping_zero: bool,
    pub(crate) inhibit_any_policy: i64,
    pub(crate) inhibit_any_policy_zero: bool,
}

/// One pair of the policyMappings extension.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct PolicyMapping {
    pub(crate) issuer_domain_policy: Vec<u8>,
    pub(crate) subject_domain_policy: Vec<u8>,
}

/// Go's `Permitted*` / `Excluded*` fields of a certificate.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct NameConstraints {
    pub(crate) critical: bool,
    pub(crate) permitted_dns_domains: Vec<String>,
    pub(crate) excluded_dns_domains: Vec<String>,
    pub(crate) permitted_ip_ranges: Vec<IpRange>,
    pub(crate) excluded_ip_ranges: Vec<IpRange>,
    pub(crate) permitted_email_addresses: Vec<String>,
    pub(crate) excluded_email_addresses: Vec<String>,
    pub(crate) permitted_uri_domains: Vec<String>,
    pub(crate) excluded_uri_domains: Vec<String>,
}

/// An iPAddress constraint: address and mask of the same length (4 or 16 bytes).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct IpRange {
    pub(crate) ip: Vec<u8>,
    pub(crate) mask: Vec<u8>,
}

impl Certificate {
    /// A certificate that is not issued yet, as far as `VerifyHostname` looks at it: exactly
    /// these SANs (names a provisioner will request), a subjectAltName extension when any.
    pub(crate) fn for_names(
        dns_names: Vec<String>,
        ip_addresses: Vec<IpAddr>,
        common_name: Option<String>,
    ) -> Certificate {
        Certificate {
            raw: Vec::new(),
            parts: RawParts::default(),
            version: 3,
            serial_hex: String::new(),
            subject_common_name: common_name,
            issuer_common_name: None,
            subject_display: String::new(),
            issuer_display: String::new(),
            signature_algorithm: SignatureAlgorithm {
                oid: String::new(),
                name: String::new(),
            },
            public_key: PublicKeyInfo {
                algorithm: PublicKeyAlgorithm::Unknown,
                bits: None,
                curve: None,
            },
            not_before: 0,
            not_after: 0,
            has_san_extension: !dns_names.is_empty() || !ip_addresses.is_empty(),
            dns_names,
            ip_addresses,
            email_addresses: Vec::new(),
            uris: Vec::new(),
            basic_constraints_valid: false,
            is_ca: false,
            max_path_len: -1,
            key_usage: 0,
            ext_key_usage: Vec::new(),
            subject_key_id: Vec::new(),
            authority_key_id: Vec::new(),
            has_name_constraints: false,
            unhandled_critical_extensions: Vec::new(),
            go_dependent: false,
            policies: None,
            signature_value: Vec::new(),
            public_key_bytes: Vec::new(),
            subject_organizations: Vec::new(),
            not_before_utc_offset: 0,
            not_after_utc_offset: 0,
            subject_alt_name_raw: None,
            name_constraints: None,
        }
    }
}

/// Byte ranges of a certificate's DER.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
struct RawParts {
    tbs: (u32, u32),
    subject: (u32, u32),
    issuer: (u32, u32),
    subject_public_key_info: (u32, u32),
}

impl RawParts {
    /// Where each part lies in `raw`; each is a slice of it.
    fn locate(raw: &[u8], tbs: &[u8], subject: &[u8], issuer: &[u8], spki: &[u8]) -> RawParts {
        let at = |part: &[u8]| {
            let start = (part.as_ptr() as usize).saturating_sub(raw.as_ptr() as usize);
            debug_assert!(raw.get(start..start + part.len()) == Some(part));
            (start as u32, (start + part.len()) as u32)
        };
        RawParts {
            tbs: at(tbs),
            subject: at(subject),
            issuer: at(issuer),
            subject_public_key_info: at(spki),
        }
    }
}

impl Certificate {
    fn part(&self, (start, end): (u32, u32)) -> &[u8] {
        self.raw
            .get(start as usize..end as usize)
            .unwrap_or_default()
    }

    /// DER of the to-be-signed part.
    pub(crate) fn raw_tbs(&self) -> &[u8] {
        self.part(self.parts.tbs)
    }

    /// DER of the subject Name; chain building compares these bytes.
    pub fn raw_subject(&self) -> &[u8] {
        self.part(self.parts.subject)
    }

    pub fn raw_issuer(&self) -> &[u8] {
        self.part(self.parts.issuer)
    }

    pub(crate) fn raw_subject_public_key_info(&self) -> &[u8] {
        self.part(self.parts.subject_public_key_info)
    }

    /// Subject and issuer are byte-identical (Go's self-issued test).
    pub fn is_self_issued(&self) -> bool {
        self.raw_subject() == self.raw_issuer()
    }

    /// Go's EKU rule for one certificate: no EKU, anyExtendedKeyUsage or serverAuth.
    pub fn allows_server_auth(&self) -> bool {
        self.ext_key_usage.is_empty()
            || self
                .ext_key_usage
                .iter()
                .any(|oid| oid == OID_EKU_ANY || oid == OID_EKU_SERVER_AUTH)
    }
}

/// Go's `SignatureAlgorithm`, named as Go prints it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SignatureAlgorithm {
    pub(crate) oid: String,
    /// Go's `String()`: `SHA256-RSA`, `ECDSA-SHA256`, `SHA1-RSA`, ...; `0` when Go does not know it.
    pub name: String,
}

impl SignatureAlgorithm {}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PublicKeyAlgorithm {
    Rsa,
    Dsa,
    Ecdsa,
    Ed25519,
    Unknown,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PublicKeyInfo {
    pub algorithm: PublicKeyAlgorithm,
    /// RSA modulus size, or the curve size for ECDSA; 256 for Ed25519.
    pub(crate) bits: Option<usize>,
    /// `P-256`, `P-384`, ... for ECDSA.
    pub curve: Option<&'static str>,
}

/// A certificate Go's parser rejects. Display is Go's error text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CertError {
    message: String,
}

impl CertError {
    fn new(message: impl Into<String>) -> Self {
        CertError {
            message: message.into(),
        }
    }

    /// Go's error text, e.g. `x509: malformed certificate`.
    pub(crate) fn message(&self) -> &str {
        &self.message
    }
}

impl fmt::Display for CertError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for CertError {}

type CertResult<T> = Result<T, CertError>;

fn fail<T>(message: &str) -> CertResult<T> {
    Err(CertError::new(message))
}

/// Parses one DER certificate like `go`'s `x509.ParseCertificate`.
pub fn parse_der(der_bytes: &[u8], go: Go) -> Result<Certificate, CertError> {
    let mut input = Reader::new(der_bytes);
    let Some(outer) = input.read_element(TAG_SEQUENCE) else {
        return fail("x509: malformed certificate");
    };
    let raw = outer.full;
    let mut cert_seq = Reader::new(outer.contents);

    let Some(tbs_element) = cert_seq.read_element(TAG_SEQUENCE) else {
        return fail("x509: malformed tbs certificate");
    };
    let mut tbs = Reader::new(tbs_element.contents);

    let version = read_version(&mut tbs)?;
    let serial = match tbs.read(TAG_INTEGER) {
        Some(bytes) if der::valid_integer(bytes) => bytes,
        _ => return fail("x509: malformed serial number"),
    };
    let negative_serial = serial.first().is_some_and(|&b| b & 0x80 != 0);
    if negative_serial && go.refuses_negative_serial() {
        return fail("x509: negative serial number");
    }

    let Some(inner_sig_ai) = tbs.read(TAG_SEQUENCE) else {
        return fail("x509: malformed signature algorithm identifier");
    };
    let Some(outer_sig_ai) = cert_seq.read(TAG_SEQUENCE) else {
        return fail("x509: malformed algorithm identifier");
    };
    if inner_sig_ai != outer_sig_ai {
        return fail("x509: inner and outer signature algorithm identifiers don't match");
    }
    let signature_ai = parse_algorithm_identifier(inner_sig_ai)?;
    let signature_algorithm = signature_algorithm_from(&signature_ai);

    let Some(issuer) = tbs.read_element(TAG_SEQUENCE) else {
        return fail("x509: malformed issuer");
    };
    let issuer_attributes = parse_name(issuer.full)?;

    let Some(validity) = tbs.read(TAG_SEQUENCE) else {
        return fail("x509: malformed validity");
    };
    let mut validity = Reader::new(validity);
    let (not_before, not_before_utc_offset) = read_time(&mut validity)?;
    let (not_after, not_after_utc_offset) = read_time(&mut validity)?;

    let Some(subject) = tbs.read_element(TAG_SEQUENCE) else {
        // Go reports the subject under the issuer's message.
        return fail("x509: malformed issuer");
    };
    let subject_attributes = parse_name(subject.full)?;

    let Some(spki) = tbs.read_element(TAG_SEQUENCE) else {
        return fail("x509: malformed spki");
    };
    let (public_key, public_key_bytes) = parse_spki(spki.contents, go)?;

    let mut extensions = Extensions::default();
    if version > 1 {
        if tbs.read_optional(0x81).is_err() {
            return fail("x509: malformed issuerUniqueID");
        }
        if tbs.read_optional(0x82).is_err() {
            return fail("x509: malformed subjectUniqueID");
        }
        if version == 3 {
            match tbs.read_optional(0xa3) {
                Err(()) => return fail("x509: malformed extensions"),
                Ok(None) => {}
                Ok(Some(wrapped)) => extensions = parse_extensions(wrapped, go)?,
            }
        }
    }

    let Some((signature_bits, signature_bit_len)) = cert_seq.read_bit_string() else {
        return fail("x509: malformed signature");
    };
    let signature_value = if signature_bit_len % 8 == 0 {
        signature_bits.to_vec()
    } else {
        right_align(signature_bits, signature_bit_len)
    };
    if raw.len() != der_bytes.len() {
        return fail("x509: trailing data");
    }

    let go_dependent = negative_serial
        || public_key.algorithm == PublicKeyAlgorithm::Unknown
        || extensions.go_dependent
        || extensions.name_constraints.is_some()
        || public_key.algorithm == PublicKeyAlgorithm::Rsa
            && public_key.bits.is_some_and(|bits| bits < 1024);
    Ok(Certificate {
        raw: raw.to_vec(),
        parts: RawParts::locate(raw, tbs_element.full, subject.full, issuer.full, spki.full),
        version,
        serial_hex: serial.iter().map(|b| format!("{b:02x}")).collect(),
        subject_common_name: common_name(&subject_attributes),
        subject_organizations: subject_attributes
            .iter()
            .filter(|a| a.oid == OID_ORGANIZATION)
            .map(|a| a.value.clone())
            .collect(),
        issuer_common_name: common_name(&issuer_attributes),
        subject_display: display_name(&subject_attributes),
        issuer_display: display_name(&issuer_attributes),
        signature_algorithm,
        public_key,
        not_before,
        not_after,
        dns_names: extensions.dns_names,
        ip_addresses: extensions.ip_addresses,
        email_addresses: extensions.email_addresses,
        uris: extensions.uris,
        has_san_extension: extensions.has_san_extension,
        basic_constraints_valid: extensions.basic_constraints_valid,
        is_ca: extensions.is_ca,
        max_path_len: extensions.max_path_len,
        key_usage: extensions.key_usage,
        ext_key_usage: extensions.ext_key_usage,
        subject_key_id: extensions.subject_key_id,
        authority_key_id: extensions.authority_key_id,
        has_name_constraints: extensions.has_name_constraints,
        unhandled_critical_extensions: extensions.unhandled_critical,
        signature_value,
        public_key_bytes,
        not_before_utc_offset,
        not_after_utc_offset,
        subject_alt_name_raw: extensions.subject_alt_name_raw,
        policies: extensions.policies,
        go_dependent,
        name_constraints: extensions.name_constraints,
    })
}

fn read_version(tbs: &mut Reader<'_>) -> CertResult<u8> {
    let version = match tbs.read_optional(0xa0) {
        Err(()) => return fail("x509: malformed version"),
        Ok(None) => 0,
        Ok(Some(explicit)) => {
            let mut inner = Reader::new(explicit);
            match inner.read_i64() {
                Some(v) if inner.is_empty() => v,
                _ => return fail("x509: malformed version"),
            }
        }
    };
    if version < 0 {
        return fail("x509: malformed version");
    }
    if version > 2 {
        return fail("x509: invalid version");
    }
    Ok(version as u8 + 1)
}

struct AlgorithmIdentifier<'a> {
    oid: String,
    /// Full encoding of the parameters, empty when absent.
    parameters: &'a [u8],
}

fn parse_algorithm_identifier(contents: &[u8]) -> CertResult<AlgorithmIdentifier<'_>> {
    let mut reader = Reader::new(contents);
    let Some(oid) = reader.read_oid() else {
        return fail("x509: malformed OID");
    };
    if reader.is_empty() {
        return Ok(AlgorithmIdentifier {
            oid,
            parameters: &[],
        });
    }
    match reader.read_any() {
        Some(params) => Ok(AlgorithmIdentifier {
            oid,
            parameters: params.full,
        }),
        None => fail("x509: malformed parameters"),
    }
}

const RSA_PSS_OID: &str = "1.2.840.113549.1.1.10";
const ED25519_OID: &str = "1.3.101.112";

fn signature_algorithm_from(ai: &AlgorithmIdentifier<'_>) -> SignatureAlgorithm {
    let name = match ai.oid.as_str() {
        "1.2.840.113549.1.1.2" => "MD2-RSA",
        "1.2.840.113549.1.1.4" => "MD5-RSA",
        "1.2.840.113549.1.1.5" | "1.3.14.3.2.29" => "SHA1-RSA",
        "1.2.840.113549.1.1.11" => "SHA256-RSA",
        "1.2.840.113549.1.1.12" => "SHA384-RSA",
        "1.2.840.113549.1.1.13" => "SHA512-RSA",
        RSA_PSS_OID => rsa_pss_name(ai.parameters),
        "1.2.840.10040.4.3" => "DSA-SHA1",
        "2.16.840.1.101.3.4.3.2" => "DSA-SHA256",
        "1.2.840.10045.4.1" => "ECDSA-SHA1",
        "1.2.840.10045.4.3.2" => "ECDSA-SHA256",
        "1.2.840.10045.4.3.3" => "ECDSA-SHA384",
        "1.2.840.10045.4.3.4" => "ECDSA-SHA512",
        ED25519_OID if ai.parameters.is_empty() => "Ed25519",
        _ => "0",
    };
    SignatureAlgorithm {
        oid: ai.oid.clone(),
        name: name.to_string(),
    }
}

const OID_SHA256: &str = "2.16.840.1.101.3.4.2.1";
const OID_SHA384: &str = "2.16.840.1.101.3.4.2.2";
const OID_SHA512: &str = "2.16.840.1.101.3.4.2.3";
const OID_MGF1: &str = "1.2.840.113549.1.1.8";

/// Go's `getSignatureAlgorithmFromAI` for RSASSA-PSS: MGF1 with the message hash,
/// salt length equal to the hash length and the default trailer, else unknown (`0`).
fn rsa_pss_name(parameters: &[u8]) -> &'static str {
    rsa_pss_hash(parameters).unwrap_or("0")
}

fn rsa_pss_hash(parameters: &[u8]) -> Option<&'static str> {
    let params = Reader::new(parameters).read(TAG_SEQUENCE)?;
    let mut params = Reader::new(params);
    let hash = pss_algorithm(Reader::new(params.read(0xa0)?).read(TAG_SEQUENCE)?)?;
    let mgf = pss_algorithm(Reader::new(params.read(0xa1)?).read(TAG_SEQUENCE)?)?;
    let salt_length = Reader::new(params.read(0xa2)?).read_i64()?;
    let mut trailer_field = 1;
    if params.peek_tag() == Some(0xa3) {
        trailer_field = Reader::new(params.read(0xa3)?).read_i64()?;
    }
    let mgf_hash = pss_algorithm(Reader::new(mgf.1).read(TAG_SEQUENCE)?)?;
    let null_or_absent = |p: &[u8]| p.is_empty() || p == [0x05, 0x00];
    if !null_or_absent(hash.1)
        || mgf.0 != OID_MGF1
        || mgf_hash.0 != hash.0
        || !null_or_absent(mgf_hash.1)
        || trailer_field != 1
    {
        return None;
    }
    match (hash.0.as_str(), salt_length) {
        (OID_SHA256, 32) => Some("SHA256-RSAPSS"),
        (OID_SHA384, 48) => Some("SHA384-RSAPSS"),
        (OID_SHA512, 64) => Some("SHA512-RSAPSS"),
        _ => None,
    }
}

/// An AlgorithmIdentifier's OID and the full encoding of its parameters.
fn pss_algorithm(contents: &[u8]) -> Option<(String, &[u8])> {
    let mut reader = Reader::new(contents);
    let oid = reader.read_oid()?;
    let parameters = if reader.is_empty() {
        &[][..]
    } else {
        reader.read_any()?.full
    };
    Some((oid, parameters))
}

fn parse_spki(contents: &[u8], go: Go) -> CertResult<(PublicKeyInfo, Vec<u8>)> {
    let mut spki = Reader::new(contents);
    let Some(ai) = spki.read(TAG_SEQUENCE) else {
        return fail("x509: malformed public key algorithm identifier");
    };
    let ai = parse_algorithm_identifier(ai)?;
    let Some((key_bytes, bit_len)) = spki.read_bit_string() else {
        return fail("x509: malformed subjectPublicKey");
    };
    // Go's RightAlign: only whole bytes matter for well-formed keys.
    let key = if bit_len % 8 == 0 {
        key_bytes.to_vec()
    } else {
        right_align(key_bytes, bit_len)
    };

    let info = match ai.oid.as_str() {
        "1.2.840.113549.1.1.1" => parse_rsa_key(ai.parameters, &key),
        "1.2.840.10045.2.1" => parse_ecdsa_key(ai.parameters, &key, go),
        ED25519_OID => {
            if !ai.parameters.is_empty() {
                return fail("x509: Ed25519 key encoded with illegal parameters");
            }
            if key.len() != 32 {
                return fail("x509: wrong Ed25519 public key size");
            }
            Ok(PublicKeyInfo {
                algorithm: PublicKeyAlgorithm::Ed25519,
                bits: Some(256),
                curve: None,
            })
        }
        "1.2.840.10040.4.1" => Ok(PublicKeyInfo {
            algorithm: PublicKeyAlgorithm::Dsa,
            bits: None,
            curve: None,
        }),
        _ => Ok(PublicKeyInfo {
            algorithm: PublicKeyAlgorithm::Unknown,
            bits: None,
            curve: None,
        }),
    }?;
    Ok((info, key))
}

/// Go's `asn1.BitString.RightAlign`.
fn right_align(bytes: &[u8], bit_len: usize) -> Vec<u8> {
    let shift = 8 - bit_len % 8;
    let mut out = vec![0u8; bytes.len()];
    out[0] = bytes[0] >> shift;
    for i in 1..bytes.len() {
        out[i] = (bytes[i - 1] << (8 - shift)) | (bytes[i] >> shift);
    }
    out
}

fn parse_rsa_key(parameters: &[u8], key: &[u8]) -> CertResult<PublicKeyInfo> {
    if parameters != [0x05, 0x00] {
        return fail("x509: RSA key missing NULL parameters");
    }
    let mut reader = Reader::new(key);
    let Some(sequence) = reader.read(TAG_SEQUENCE) else {
        return fail("x509: invalid RSA public key");
    };
    let mut sequence = Reader::new(sequence);
    let modulus = match sequence.read(TAG_INTEGER) {
        Some(m) if der::valid_integer(m) => m,
        _ => return fail("x509: invalid RSA modulus"),
    };
    let Some(exponent) = sequence.read_i64() else {
        return fail("x509: invalid RSA public exponent");
    };
    if modulus[0] & 0x80 != 0 || modulus.iter().all(|&b| b == 0) {
        return fail("x509: RSA modulus is not a positive number");
    }
    if exponent <= 0 {
        return fail("x509: RSA public exponent is not a positive number");
    }
    let significant = &modulus[modulus.iter().position(|&b| b != 0).unwrap_or(0)..];
    let bits = significant.len() * 8 - significant[0].leading_zeros() as usize;
    Ok(PublicKeyInfo {
        algorithm: PublicKeyAlgorithm::Rsa,
        bits: Some(bits),
        curve: None,
    })
}

fn parse_ecdsa_key(parameters: &[u8], key: &[u8], go: Go) -> CertResult<PublicKeyInfo> {
    let Some(curve_oid) = Reader::new(parameters).read_oid() else {
        return fail("x509: invalid ECDSA parameters");
    };
    let (curve, bits, params) = match curve_oid.as_str() {
        "1.3.132.0.33" => ("P-224", 224, Curve::P224),
        "1.2.840.10045.3.1.7" => ("P-256", 256, Curve::P256),
        "1.3.132.0.34" => ("P-384", 384, Curve::P384),
        "1.3.132.0.35" => ("P-521", 521, Curve::P521),
        _ => return fail("x509: unsupported elliptic curve"),
    };
    if !params.unmarshals(key) {
        if go.ecdsa_point_errors_from_crypto_ecdsa() {
            return Err(CertError::new(crypto_ecdsa_point_error(params, bits, key)));
        }
        return fail("x509: failed to unmarshal elliptic curve point");
    }
    Ok(PublicKeyInfo {
        algorithm: PublicKeyAlgorithm::Ecdsa,
        bits: Some(bits),
        curve: Some(curve),
    })
}

/// Why `ecdsa.ParseUncompressedPublicKey` (Go 1.26) refuses a point that
/// `elliptic.Unmarshal` would refuse too: the text of its first failed check.
fn crypto_ecdsa_point_error(curve: Curve, bits: usize, point: &[u8]) -> String {
    if point.first() != Some(&4) {
        return "ecdsa: invalid uncompressed public key".to_string();
    }
    let coordinate_len = curve.coordinate_len();
    if point.len() != 1 + 2 * coordinate_len {
        return format!("invalid P{bits} point encoding");
    }
    let (x, y) = point[1..].split_at(coordinate_len);
    if !is_reduced_coordinate(curve, x) || !is_reduced_coordinate(curve, y) {
        // P-256 has assembly code with its own text on amd64, arm64, ppc64le and s390x,
        // the architectures Kubernetes ships; the other curves use fiat's.
        return match curve {
            Curve::P256 => "invalid P256 element encoding".to_string(),
            _ => format!("invalid P{bits}Element encoding"),
        };
    }
    format!("P{bits} point not on curve")
}

/// Whether a big-endian coordinate is below the curve's field prime, as nistec requires.
fn is_reduced_coordinate(curve: Curve, coordinate: &[u8]) -> bool {
    let prime_hex = match curve {
        Curve::P224 => "ffffffffffffffffffffffffffffffff000000000000000000000001",
        Curve::P256 => "ffffffff00000001000000000000000000000000ffffffffffffffffffffffff",
        Curve::P384 => concat!(
            "fffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffe",
            "ffffffff0000000000000000ffffffff"
        ),
        Curve::P521 => concat!(
            "01ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff",
            "ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff"
        ),
    };
    let hex: String = coordinate.iter().map(|b| format!("{b:02x}")).collect();
    // Lower-case hex of equal length orders like the numbers.
    hex.len() == prime_hex.len() && hex.as_str() < prime_hex
}

/// One attribute of a Name, in encoding order.
struct Attribute {
    oid: String,
    value: String,
}

/// Go's `parseName`: a SEQUENCE of SETs of (OID, string) with Go's string types.
fn parse_name(full: &[u8]) -> CertResult<Vec<Attribute>> {
    let Some(rdns) = Reader::new(full).read(TAG_SEQUENCE) else {
        return fail("x509: invalid RDNSequence");
    };
    let mut rdns = Reader::new(rdns);
    let mut attributes = Vec::new();
    while !rdns.is_empty() {
        let Some(set) = rdns.read(TAG_SET) else {
            return fail("x509: invalid RDNSequence");
        };
        let mut set = Reader::new(set);
        while !set.is_empty() {
            let Some(atav) = set.read(TAG_SEQUENCE) else {
                return fail("x509: invalid RDNSequence: invalid attribute");
            };
            let mut atav = Reader::new(atav);
            let Some(oid) = atav.read_oid() else {
                return fail("x509: invalid RDNSequence: invalid attribute type");
            };
            let Some(value) = atav.read_any() else {
                return fail("x509: invalid RDNSequence: invalid attribute value");
            };
            let value = parse_asn1_string(value.tag, value.contents).map_err(|reason| {
                CertError::new(format!(
                    "x509: invalid RDNSequence: invalid attribute value: {reason}"
                ))
            })?;
            attributes.push(Attribute { oid, value });
        }
    }
    Ok(attributes)
}

/// Go's `parseASN1String`.
fn parse_asn1_string(tag: u8, value: &[u8]) -> Result<String, String> {
    const T61: u8 = 20;
    const PRINTABLE: u8 = 19;
    const UTF8: u8 = 12;
    const BMP: u8 = 30;
    const IA5: u8 = 22;
    const NUMERIC: u8 = 18;
    match tag {
        // Go keeps T61String bytes as they are; non-UTF-8 bytes are replaced here.
        T61 => Ok(String::from_utf8_lossy(value).into_owned()),
        PRINTABLE => {
            if value.iter().all(|&b| is_printable(b)) {
                Ok(String::from_utf8_lossy(value).into_owned())
            } else {
                Err("invalid PrintableString".into())
            }
        }
        UTF8 => std::str::from_utf8(value)
            .map(str::to_string)
            .map_err(|_| "invalid UTF-8 string".into()),
        BMP => {
            if !value.len().is_multiple_of(2) {
                return Err("invalid BMPString".into());
            }
            let mut value = value;
            if value.len() >= 2 && value[value.len() - 2..] == [0, 0] {
                value = &value[..value.len() - 2];
            }
            let units: Vec<u16> = value
                .chunks_exact(2)
                .map(|pair| u16::from_be_bytes([pair[0], pair[1]]))
                .collect();
            Ok(String::from_utf16_lossy(&units))
        }
        IA5 => {
            if value.is_ascii() {
                Ok(String::from_utf8_lossy(value).into_owned())
            } else {
                Err("invalid IA5String".into())
            }
        }
        NUMERIC => {
            if value.iter().all(|&b| b.is_ascii_digit() || b == b' ') {
                Ok(String::from_utf8_lossy(value).into_owned())
            } else {
                Err("invalid NumericString".into())
            }
        }
        _ => Err(format!("unsupported string type: {tag}")),
    }
}

/// Go's `isPrintable`, including its `*` and `&` leniency.
fn is_printable(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b" '()+,-./:=?*&".contains(&b)
}

const OID_COMMON_NAME: &str = "2.5.4.3";
const OID_ORGANIZATION: &str = "2.5.4.10";

fn common_name(attributes: &[Attribute]) -> Option<String> {
    attributes
        .iter()
        .rev()
        .find(|a| a.oid == OID_COMMON_NAME)
        .map(|a| a.value.clone())
}

fn display_name(attributes: &[Attribute]) -> String {
    // Like Go's Name.String: most specific attribute first.
    attributes
        .iter()
        .rev()
        .map(|a| {
            let key = match a.oid.as_str() {
                "2.5.4.3" => "CN",
                "2.5.4.5" => "SERIALNUMBER",
                "2.5.4.6" => "C",
                "2.5.4.7" => "L",
                "2.5.4.8" => "ST",
                "2.5.4.9" => "STREET",
                "2.5.4.10" => "O",
                "2.5.4.11" => "OU",
                "2.5.4.17" => "POSTALCODE",
                other => other,
            };
            format!("{key}={}", escape_rdn_value(&a.value))
        })
        .collect::<Vec<_>>()
        .join(",")
}

fn escape_rdn_value(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    let last = value.chars().count().saturating_sub(1);
    for (i, c) in value.chars().enumerate() {
        let needs_escape = matches!(c, ',' | '+' | '"' | '\\' | '<' | '>' | ';')
            || (i == 0 && matches!(c, ' ' | '#'))
            || (i == last && c == ' ');
        if needs_escape {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

/// Go's cryptobyte UTCTime / GeneralizedTime rules, returned as Unix seconds and
/// the zone offset the time was written with.
fn read_time(reader: &mut Reader<'_>) -> CertResult<(i64, i32)> {
    const UTC_TIME: u8 = 0x17;
    const GENERALIZED_TIME: u8 = 0x18;
    let with_offset = |text: &[u8], seconds: i64| (seconds, zone_offset(text));
    match reader.peek_tag() {
        Some(UTC_TIME) => reader
            .read(UTC_TIME)
            .and_then(|text| parse_utc_time(text).map(|s| with_offset(text, s)))
            .ok_or_else(|| CertError::new("x509: malformed UTCTime")),
        Some(GENERALIZED_TIME) => reader
            .read(GENERALIZED_TIME)
            .and_then(|text| parse_generalized_time(text).map(|s| with_offset(text, s)))
            .ok_or_else(|| CertError::new("x509: malformed GeneralizedTime")),
        _ => fail("x509: unsupported time format"),
    }
}

/// The offset of an already validated time: `Z` or a trailing `±hhmm`.
fn zone_offset(text: &[u8]) -> i32 {
    if text.last() == Some(&b'Z') || text.len() < 5 {
        return 0;
    }
    let zone = &text[text.len() - 5..];
    let number = |b: &[u8]| {
        b.iter()
            .fold(0i32, |acc, &d| acc * 10 + i32::from(d - b'0'))
    };
    let seconds = (number(&zone[1..3]) * 60 + number(&zone[3..5])) * 60;
    if zone[0] == b'-' {
        -seconds
    } else {
        seconds
    }
}

fn digits(bytes: &[u8]) -> Option<i64> {
    if bytes.is_empty() || !bytes.iter().all(u8::is_ascii_digit) {
        return None;
    }
    Some(
        bytes
            .iter()
            .fold(0, |acc, &b| acc * 10 + i64::from(b - b'0')),
    )
}

/// `YYMMDDhhmm[ss]` then `Z` or `±hhmm`; the text must round-trip through Go's
/// formatter, which makes the encoding canonical.
fn parse_utc_time(text: &[u8]) -> Option<i64> {
    let clock = parse_clock(text, 2, true).or_else(|| parse_clock(text, 2, false))?;
    // Go's "06" layout: 69-99 are 19xx, 00-68 are 20xx; then X.509 maps 50-68 to 19xx.
    let year = if clock.year >= 69 { 1900 } else { 2000 } + clock.year;
    clock.unix_seconds(year, if year >= 2050 { year - 100 } else { year })
}

/// `YYYYMMDDhhmmss` then `Z` or `±hhmm`, canonical.
fn parse_generalized_time(text: &[u8]) -> Option<i64> {
    let clock = parse_clock(text, 4, true)?;
    clock.unix_seconds(clock.year, clock.year)
}

struct Clock {
    year: i64,
    month: i64,
    day: i64,
    hour: i64,
    minute: i64,
    second: i64,
    offset_seconds: i64,
}

impl Clock {
    /// Validates the date in `parsed_year` (as Go's time.Parse does) and returns
    /// Unix seconds for the same date in `final_year`.
    fn unix_seconds(&self, parsed_year: i64, final_year: i64) -> Option<i64> {
        let days_in_month = match self.month {
            2 if is_leap(parsed_year) => 29,
            2 => 28,
            4 | 6 | 9 | 11 => 30,
            _ => 31,
        };
        if self.day > days_in_month {
            return None;
        }
        let days = days_from_civil(final_year, self.month, self.day);
        Some(
            days * 86_400 + self.hour * 3600 + self.minute * 60 + self.second - self.offset_seconds,
        )
    }
}

/// Splits `text` into a year of `year_len` digits, month, day, hour, minute,
/// optional seconds and a zone that Go's formatter would print back identically.
fn parse_clock(text: &[u8], year_len: usize, with_seconds: bool) -> Option<Clock> {
    let clock_len = year_len + if with_seconds { 10 } else { 8 };
    if text.len() <= clock_len {
        return None;
    }
    let year = digits(&text[..year_len])?;
    let field = |i: usize| digits(&text[year_len + 2 * i..year_len + 2 * i + 2]);
    let (month, day, hour, minute) = (field(0)?, field(1)?, field(2)?, field(3)?);
    let second = if with_seconds { field(4)? } else { 0 };
    let offset_seconds = match &text[clock_len..] {
        b"Z" => 0,
        [sign @ (b'+' | b'-'), zone @ ..] if zone.len() == 4 => {
            let hours = digits(&zone[..2])?;
            let minutes = digits(&zone[2..])?;
            let seconds = (hours * 60 + minutes) * 60;
            // Minutes >= 60 and a zero offset (printed as Z) would not round-trip.
            if minutes >= 60 || seconds == 0 {
                return None;
            }
            if *sign == b'-' {
                -seconds
            } else {
                seconds
            }
        }
        _ => return None,
    };
    if !(1..=12).contains(&month) || day < 1 || hour > 23 || minute > 59 || second > 59 {
        return None;
    }
    Some(Clock {
        year,
        month,
        day,
        hour,
        minute,
        second,
        offset_seconds,
    })
}

fn is_leap(year: i64) -> bool {
    (year % 4 == 0 && year % 100 != 0) || year % 400 == 0
}

/// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's algorithm).
fn days_from_civil(year: i64, month: i64, day: i64) -> i64 {
    let year = if month <= 2 { year - 1 } else { year };
    let era = year.div_euclid(400);
    let year_of_era = year - era * 400;
    let month_index = (month + 9) % 12;
    let day_of_year = (153 * month_index + 2) / 5 + day - 1;
    let day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
    era * 146_097 + day_of_era - 719_468
}

#[derive(Default)]
struct Extensions {
    dns_names: Vec<String>,
    ip_addresses: Vec<IpAddr>,
    email_addresses: Vec<String>,
    uris: Vec<String>,
    has_san_extension: bool,
    basic_constraints_valid: bool,
    is_ca: bool,
    max_path_len: i64,
    key_usage: u16,
    ext_key_usage: Vec<String>,
    subject_key_id: Vec<u8>,
    authority_key_id: Vec<u8>,
    has_name_constraints: bool,
    unhandled_critical: Vec<String>,
    subject_alt_name_raw: Option<Vec<u8>>,
    name_constraints: Option<Box<NameConstraints>>,
    go_dependent: bool,
    policies: Option<Box<Policies>>,
}

impl Extensions {
    /// The policy fields, created at the first policy extension.
    fn policies_mut(&mut self) -> &mut Policies {
        self.policies.get_or_insert_with(Box::default)
    }
}

struct Extension<'a> {
    oid: String,
    critical: bool,
    value: &'a [u8],
}

const OID_SUBJECT_ALT_NAME: &str = "2.5.29.17";
const OID_AUTHORITY_INFO_ACCESS: &str = "1.3.6.1.5.5.7.1.1";
const OID_AUTHORITY_KEY_ID: &str = "2.5.29.35";
const OID_SUBJECT_KEY_ID: &str = "2.5.29.14";

fn parse_extensions(wrapped: &[u8], go: Go) -> CertResult<Extensions> {
    let Some(list) = Reader::new(wrapped).read(TAG_SEQUENCE) else {
        return fail("x509: malformed extensions");
    };
    let mut list = Reader::new(list);
    let mut parsed: Vec<Extension<'_>> = Vec::new();
    while !list.is_empty() {
        let Some(extension) = list.read(TAG_SEQUENCE) else {
            return fail("x509: malformed extension");
        };
        let extension = parse_extension(extension)?;
        if parsed.iter().any(|e| e.oid == extension.oid) {
            if go.names_duplicate_extension() {
                return Err(CertError::new(format!(
                    "x509: certificate contains duplicate extension with OID \"{}\"",
                    extension.oid
                )));
            }
            return fail("x509: certificate contains duplicate extensions");
        }
        parsed.push(extension);
    }

    let mut out = Extensions::default();
    for extension in &parsed {
        let handled = process_extension(&mut out, extension, go)?;
        if extension.critical && !handled {
            out.unhandled_critical.push(extension.oid.clone());
        }
    }
    Ok(out)
}

fn parse_extension(contents: &[u8]) -> CertResult<Extension<'_>> {
    let mut reader = Reader::new(contents);
    let Some(oid) = reader.read_oid() else {
        return fail("x509: malformed extension OID field");
    };
    let mut critical = false;
    if reader.peek_tag() == Some(TAG_BOOLEAN) {
        match reader.read_bool() {
            Some(value) => critical = value,
            None => return fail("x509: malformed extension critical field"),
        }
    }
    let Some(value) = reader.read(TAG_OCTET_STRING) else {
        return fail("x509: malformed extension value field");
    };
    Ok(Extension {
        oid,
        critical,
        value,
    })
}

/// Go's `processExtensions` for one extension; returns whether Go handles it.
fn process_extension(out: &mut Extensions, extension: &Extension<'_>, go: Go) -> CertResult<bool> {
    let value = extension.value;
    let oid = extension.oid.as_str();
    // Go 1.23 refuses these marked critical; Go 1.24 handles the policy extensions
    // (unhandled before, so critical ones failed Verify) and validates policies.
    let policy = matches!(
        oid,
        OID_POLICY_MAPPINGS | OID_POLICY_CONSTRAINTS | OID_INHIBIT_ANY_POLICY
    );
    if policy
        || extension.critical
            && matches!(
                oid,
                OID_AUTHORITY_KEY_ID | OID_SUBJECT_KEY_ID | OID_AUTHORITY_INFO_ACCESS
            )
    {
        out.go_dependent = true;
    }
    if extension.critical && go.refuses_critical_identifiers() {
        match oid {
            OID_AUTHORITY_KEY_ID => {
                return fail("x509: authority key identifier incorrectly marked critical")
            }
            OID_SUBJECT_KEY_ID => {
                return fail("x509: subject key identifier incorrectly marked critical")
            }
            OID_AUTHORITY_INFO_ACCESS => {
                return fail("x509: authority info access incorrectly marked critical")
            }
            _ => {}
        }
    }
    match oid {
        "2.5.29.15" => out.key_usage = parse_key_usage(value)?,
        "2.5.29.19" => {
            let (is_ca, max_path_len) = parse_basic_constraints(value, go)?;
            out.is_ca = is_ca;
            out.max_path_len = max_path_len;
            out.basic_constraints_valid = true;
        }
        OID_SUBJECT_ALT_NAME => {
            out.has_san_extension = true;
            out.subject_alt_name_raw = Some(value.to_vec());
            parse_subject_alt_names(out, value)?;
            // Go 1.23 matches no host against a lone `*`.
            out.go_dependent |= out.dns_names.iter().any(|name| name == "*");
            let empty = out.dns_names.is_empty()
                && out.email_addresses.is_empty()
                && out.ip_addresses.is_empty()
                && out.uris.is_empty();
            return Ok(!empty);
        }
        "2.5.29.30" => {
            out.has_name_constraints = true;
            let (constraints, unhandled) = parse_name_constraints(value, extension.critical, go)?;
            out.name_constraints = Some(Box::new(constraints));
            return Ok(!unhandled);
        }
        OID_AUTHORITY_KEY_ID => out.authority_key_id = parse_authority_key_id(value)?,
        "2.5.29.37" => out.ext_key_usage = parse_ext_key_usage(value)?,
        OID_SUBJECT_KEY_ID => match Reader::new(value).read(TAG_OCTET_STRING) {
            Some(id) => out.subject_key_id = id.to_vec(),
            None => return fail("x509: invalid subject key identifier"),
        },
        "2.5.29.31" => check_crl_distribution_points(value)?,
        OID_CERTIFICATE_POLICIES => {
            // Go 1.24 refuses a repeated policy OID and reads OIDs as `newOIDFromDER`.
            let identifiers = parse_certificate_policies(value);
            let earlier = check_certificate_policies(value);
            out.go_dependent |= identifiers.is_ok() != earlier.is_ok();
            if go.validates_policies() {
                out.policies_mut().identifiers = identifiers?;
            } else {
                earlier?;
            }
        }
        OID_POLICY_MAPPINGS if go.validates_policies() => {
            out.policies_mut().mappings = parse_policy_mappings(value)?;
        }
        OID_POLICY_CONSTRAINTS if go.validates_policies() => {
            parse_policy_constraints(out.policies_mut(), value)?;
        }
        OID_INHIBIT_ANY_POLICY if go.validates_policies() => {
            let Some(skip_certs) = Reader::new(value).read_i64() else {
                return fail("x509: invalid inhibit any policy extension");
            };
            let policies = out.policies_mut();
            policies.inhibit_any_policy = skip_certs;
            policies.inhibit_any_policy_zero = skip_certs == 0;
        }
        OID_AUTHORITY_INFO_ACCESS => check_authority_info_access(value)?,
        _ => return Ok(false),
    }
    Ok(true)
}

const TAG_URI: u8 = 0x86;

const OID_CERTIFICATE_POLICIES: &str = "2.5.29.32";
const OID_POLICY_MAPPINGS: &str = "2.5.29.33";
const OID_POLICY_CONSTRAINTS: &str = "2.5.29.36";
const OID_INHIBIT_ANY_POLICY: &str = "2.5.29.54";

/// Go 1.24's `parseCertificatePoliciesExtension`: the policy OIDs, each once, with
/// `newOIDFromDER`'s checks (no limit on an arc's size).
fn parse_certificate_policies(value: &[u8]) -> CertResult<Vec<Vec<u8>>> {
    let invalid = || CertError::new("x509: invalid certificate policies");
    let policies = Reader::new(value).read(TAG_SEQUENCE).ok_or_else(invalid)?;
    let mut policies = Reader::new(policies);
    let mut seen = std::collections::HashSet::new();
    let mut oids = Vec::new();
    while !policies.is_empty() {
        let policy = policies.read(TAG_SEQUENCE).ok_or_else(invalid)?;
        let oid = Reader::new(policy).read(der::TAG_OID).ok_or_else(invalid)?;
        if !seen.insert(oid) || !is_go_oid(oid) {
            return Err(invalid());
        }
        oids.push(oid.to_vec());
    }
    Ok(oids)
}

/// Go's `newOIDFromDER`: at least one byte, the last one ending an arc, and no arc
/// starting with the padding byte 0x80.
fn is_go_oid(der: &[u8]) -> bool {
    let mut arc_start = true;
    for &b in der {
        if arc_start && b == 0x80 {
            return false;
        }
        arc_start = b & 0x80 == 0;
    }
    !der.is_empty() && arc_start
}

/// Go 1.24's policyMappings parsing (2.5.29.33): pairs of OIDs, read but not checked.
fn parse_policy_mappings(value: &[u8]) -> CertResult<Vec<PolicyMapping>> {
    let invalid = || CertError::new("x509: invalid policy mappings extension");
    let mappings = Reader::new(value).read(TAG_SEQUENCE).ok_or_else(invalid)?;
    let mut mappings = Reader::new(mappings);
    let mut out = Vec::new();
    while !mappings.is_empty() {
        let mut mapping = Reader::new(mappings.read(TAG_SEQUENCE).ok_or_else(invalid)?);
        let issuer = mapping.read(der::TAG_OID).ok_or_else(invalid)?;
        let subject = mapping.read(der::TAG_OID).ok_or_else(invalid)?;
        out.push(PolicyMapping {
            issuer_domain_policy: issuer.to_vec(),
            subject_domain_policy: subject.to_vec(),
        });
    }
    Ok(out)
}

/// Go 1.24's policyConstraints parsing (2.5.29.36): `[0]` requireExplicitPolicy, then
/// `[1]` inhibitPolicyMapping, each an INTEGER of at most 64 bits. Go keeps them in an
/// `int`, so its "field overflows int" errors cannot happen on the 64-bit platforms
/// kube-apiserver ships for.
fn parse_policy_constraints(out: &mut Policies, value: &[u8]) -> CertResult<()> {
    let invalid = || CertError::new("x509: invalid policy constraints extension");
    let constraints = Reader::new(value).read(TAG_SEQUENCE).ok_or_else(invalid)?;
    let mut constraints = Reader::new(constraints);
    if constraints.peek_tag() == Some(0x80) {
        let skip_certs = read_i64_with_tag(&mut constraints, 0x80).ok_or_else(invalid)?;
        out.require_explicit_policy = skip_certs;
        out.require_explicit_policy_zero = skip_certs == 0;
    }
    if constraints.peek_tag() == Some(0x81) {
        let skip_certs = read_i64_with_tag(&mut constraints, 0x81).ok_or_else(invalid)?;
        out.inhibit_policy_mapping = skip_certs;
        out.inhibit_policy_mapping_zero = skip_certs == 0;
    }
    Ok(())
}

/// cryptobyte's `ReadASN1Int64WithTag`: a minimal two's-complement integer of 1 to 8 bytes.
fn read_i64_with_tag(reader: &mut Reader<'_>, tag: u8) -> Option<i64> {
    let bytes = reader.read(tag)?;
    if !der::valid_integer(bytes) || bytes.len() > 8 {
        return None;
    }
    let sign = if bytes[0] & 0x80 != 0 { -1 } else { 0 };
    Some(
        bytes
            .iter()
            .fold(sign, |value, &b| (value << 8) | i64::from(b)),
    )
}

/// Go's `parseNameConstraintsExtension`: DNS, IP, email and URI subtrees are
/// kept; any other kind of name makes the extension unhandled (returned flag).
fn parse_name_constraints(
    value: &[u8],
    critical: bool,
    go: Go,
) -> CertResult<(NameConstraints, bool)> {
    let invalid = || CertError::new("x509: invalid NameConstraints extension");
    let mut outer = Reader::new(value);
    let toplevel = outer.read(TAG_SEQUENCE).ok_or_else(invalid)?;
    if !outer.is_empty() {
        return Err(invalid());
    }
    let mut toplevel = Reader::new(toplevel);
    let permitted = toplevel.read_optional(0xa0).map_err(|()| invalid())?;
    let excluded = toplevel.read_optional(0xa1).map_err(|()| invalid())?;
    if !toplevel.is_empty() {
        return Err(invalid());
    }
    if permitted.unwrap_or_default().is_empty() && excluded.unwrap_or_default().is_empty() {
        return fail("x509: empty name constraints extension");
    }

    let mut out = NameConstraints {
        critical,
        ..NameConstraints::default()
    };
    let mut unhandled = false;
    let (permitted_lists, unhandled_permitted) = parse_subtrees(permitted.unwrap_or_default(), go)?;
    let (excluded_lists, unhandled_excluded) = parse_subtrees(excluded.unwrap_or_default(), go)?;
    unhandled |= unhandled_permitted || unhandled_excluded;
    (
        out.permitted_dns_domains,
        out.permitted_ip_ranges,
        out.permitted_email_addresses,
        out.permitted_uri_domains,
    ) = permitted_lists;
    (
        out.excluded_dns_domains,
        out.excluded_ip_ranges,
        out.excluded_email_addresses,
        out.excluded_uri_domains,
    ) = excluded_lists;
    Ok((out, unhandled))
}

type SubtreeLists = (Vec<String>, Vec<IpRange>, Vec<String>, Vec<String>);

fn parse_subtrees(subtrees: &[u8], go: Go) -> CertResult<(SubtreeLists, bool)> {
    use super::go_names::{domain_to_reverse_labels, go_quote, parse_rfc2821_mailbox};

    let mut lists: SubtreeLists = Default::default();
    let mut unhandled = false;
    let mut subtrees = Reader::new(subtrees);
    let ia5 = |value: &[u8]| -> CertResult<String> {
        // Go ranges over the string's runes: any byte >= 0x80 fails.
        if value.is_ascii() {
            Ok(String::from_utf8_lossy(value).into_owned())
        } else {
            Err(CertError::new(format!(
                "x509: invalid constraint value: x509: {} cannot be encoded as an IA5String",
                go_quote(value)
            )))
        }
    };
    let without_leading_dot = |s: &str| s.strip_prefix('.').unwrap_or(s).to_string();
    while !subtrees.is_empty() {
        let base = subtrees
            .read(TAG_SEQUENCE)
            .and_then(|seq| Reader::new(seq).read_any())
            .ok_or_else(|| CertError::new("x509: invalid NameConstraints extension"))?;
        let value = base.contents;
        match base.tag {
            0x82 => {
                let domain = ia5(value)?;
                if domain_to_reverse_labels(&without_leading_dot(&domain), go).is_none() {
                    return Err(CertError::new(format!(
                        "x509: failed to parse dnsName constraint {}",
                        go_quote(domain.as_bytes())
                    )));
                }
                lists.0.push(domain);
            }
            0x87 => {
                let (ip, mask) = match value.len() {
                    8 => value.split_at(4),
                    32 => value.split_at(16),
                    n => {
                        return Err(CertError::new(format!(
                            "x509: IP constraint contained value of length {n}"
                        )))
                    }
                };
                if !is_valid_ip_mask(mask) {
                    let hex: String = mask.iter().map(|b| format!("{b:02x}")).collect();
                    return Err(CertError::new(format!(
                        "x509: IP constraint contained invalid mask {hex}"
                    )));
                }
                lists.1.push(IpRange {
                    ip: ip.to_vec(),
                    mask: mask.to_vec(),
                });
            }
            0x81 => {
                let constraint = ia5(value)?;
                let valid = if constraint.contains('@') {
                    parse_rfc2821_mailbox(&constraint, go).is_some()
                } else {
                    domain_to_reverse_labels(&without_leading_dot(&constraint), go).is_some()
                };
                if !valid {
                    return Err(CertError::new(format!(
                        "x509: failed to parse rfc822Name constraint {}",
                        go_quote(constraint.as_bytes())
                    )));
                }
                lists.2.push(constraint);
            }
            0x86 => {
                let domain = ia5(value)?;
                if super::ip::parse_ip_for(&domain, go).is_some() {
                    return Err(CertError::new(format!(
                        "x509: failed to parse URI constraint {}: cannot be IP address",
                        go_quote(domain.as_bytes())
                    )));
                }
                if domain_to_reverse_labels(&without_leading_dot(&domain), go).is_none() {
                    return Err(CertError::new(format!(
                        "x509: failed to parse URI constraint {}",
                        go_quote(domain.as_bytes())
                    )));
                }
                lists.3.push(domain);
            }
            _ => unhandled = true,
        }
    }
    Ok((lists, unhandled))
}

/// Go's `isValidIPMask`: ones then zeros.
fn is_valid_ip_mask(mask: &[u8]) -> bool {
    let mut seen_zero = false;
    for &b in mask {
        if seen_zero {
            if b != 0 {
                return false;
            }
            continue;
        }
        match b {
            0x00 | 0x80 | 0xc0 | 0xe0 | 0xf0 | 0xf8 | 0xfc | 0xfe => seen_zero = true,
            0xff => {}
            _ => return false,
        }
    }
    true
}

/// Go's structural checks of the CRL distribution points (values unused here).
fn check_crl_distribution_points(value: &[u8]) -> CertResult<()> {
    let Some(points) = Reader::new(value).read(TAG_SEQUENCE) else {
        return fail("x509: invalid CRL distribution points");
    };
    let invalid = || CertError::new("x509: invalid CRL distribution point");
    let mut points = Reader::new(points);
    while !points.is_empty() {
        let point = points.read(TAG_SEQUENCE).ok_or_else(invalid)?;
        let Some(name) = Reader::new(point)
            .read_optional(0xa0)
            .map_err(|()| invalid())?
        else {
            continue;
        };
        let full_name = Reader::new(name).read(0xa0).ok_or_else(invalid)?;
        let mut full_name = Reader::new(full_name);
        while full_name.peek_tag() == Some(TAG_URI) {
            full_name.read(TAG_URI).ok_or_else(invalid)?;
        }
    }
    Ok(())
}

/// Go's `parseCertificatePoliciesExtension`: a SEQUENCE of SEQUENCEs starting with an OID.
fn check_certificate_policies(value: &[u8]) -> CertResult<()> {
    let invalid = || CertError::new("x509: invalid certificate policies");
    let policies = Reader::new(value).read(TAG_SEQUENCE).ok_or_else(invalid)?;
    let mut policies = Reader::new(policies);
    while !policies.is_empty() {
        let policy = policies.read(TAG_SEQUENCE).ok_or_else(invalid)?;
        Reader::new(policy).read_oid().ok_or_else(invalid)?;
    }
    Ok(())
}

/// Go's structural checks of authorityInfoAccess.
fn check_authority_info_access(value: &[u8]) -> CertResult<()> {
    let invalid = || CertError::new("x509: invalid authority info access");
    let entries = Reader::new(value).read(TAG_SEQUENCE).ok_or_else(invalid)?;
    let mut entries = Reader::new(entries);
    while !entries.is_empty() {
        let entry = entries.read(TAG_SEQUENCE).ok_or_else(invalid)?;
        let mut entry = Reader::new(entry);
        entry.read_oid().ok_or_else(invalid)?;
        if entry.peek_tag() == Some(TAG_URI) {
            entry.read(TAG_URI).ok_or_else(invalid)?;
        }
    }
    Ok(())
}

fn parse_key_usage(value: &[u8]) -> CertResult<u16> {
    let Some((bits, bit_len)) = Reader::new(value).read_bit_string() else {
        return fail("x509: invalid key usage");
    };
    let mut usage = 0u16;
    for i in 0..9.min(bit_len) {
        if bits[i / 8] & (0x80 >> (i % 8)) != 0 {
            usage |= 1 << i;
        }
    }
    Ok(usage)
}

fn parse_basic_constraints(value: &[u8], go: Go) -> CertResult<(bool, i64)> {
    let invalid = |suffix: &str| {
        if go.plain_basic_constraints_errors() {
            fail("x509: invalid basic constraints")
        } else {
            Err(CertError::new(format!(
                "x509: invalid basic constraints {suffix}"
            )))
        }
    };
    let Some(sequence) = Reader::new(value).read(TAG_SEQUENCE) else {
        return invalid("a");
    };
    let mut sequence = Reader::new(sequence);
    let mut is_ca = false;
    if sequence.peek_tag() == Some(TAG_BOOLEAN) {
        match sequence.read_bool() {
            Some(value) => is_ca = value,
            None => return invalid("b"),
        }
    }
    let mut max_path_len = -1;
    if sequence.peek_tag() == Some(TAG_INTEGER) {
        match sequence.read_i64() {
            Some(value) => max_path_len = value,
            None => return invalid("c"),
        }
    }
    Ok((is_ca, max_path_len))
}

fn parse_authority_key_id(value: &[u8]) -> CertResult<Vec<u8>> {
    let Some(sequence) = Reader::new(value).read(TAG_SEQUENCE) else {
        return fail("x509: invalid authority key identifier");
    };
    let mut sequence = Reader::new(sequence);
    if sequence.peek_tag() == Some(0x80) {
        return match sequence.read(0x80) {
            Some(id) => Ok(id.to_vec()),
            None => fail("x509: invalid authority key identifier"),
        };
    }
    Ok(Vec::new())
}

fn parse_ext_key_usage(value: &[u8]) -> CertResult<Vec<String>> {
    let Some(sequence) = Reader::new(value).read(TAG_SEQUENCE) else {
        return fail("x509: invalid extended key usages");
    };
    let mut sequence = Reader::new(sequence);
    let mut oids = Vec::new();
    while !sequence.is_empty() {
        match sequence.read_oid() {
            Some(oid) => oids.push(oid),
            None => return fail("x509: invalid extended key usages"),
        }
    }
    Ok(oids)
}

/// Go's `parseSANExtension`: tags are taken as `tag ^ 0x80`, so only primitive
/// context-specific [1], [2], [6], [7] count; other names are skipped.
fn parse_subject_alt_names(out: &mut Extensions, value: &[u8]) -> CertResult<()> {
    let Some(names) = Reader::new(value).read(TAG_SEQUENCE) else {
        return fail("x509: invalid subject alternative names");
    };
    let mut names = Reader::new(names);
    while !names.is_empty() {
        let Some(name) = names.read_any() else {
            return fail("x509: invalid subject alternative name");
        };
        let data = name.contents;
        match name.tag ^ 0x80 {
            1 => out.email_addresses.push(ia5(data, "rfc822Name")?),
            2 => out.dns_names.push(ia5(data, "dNSName")?),
            6 => {
                let uri = ia5(data, "uniformResourceIdentifier")?;
                // The one url.Parse failure reproduced: control characters.
                if uri.bytes().any(|b| b < 0x20 || b == 0x7f) {
                    let quoted = go_quote_ascii(&uri);
                    return Err(CertError::new(format!(
                        "x509: cannot parse URI {quoted}: parse {quoted}: net/url: invalid control character in URL"
                    )));
                }
                out.uris.push(uri);
            }
            7 => out.ip_addresses.push(match data.len() {
                4 => IpAddr::V4(Ipv4Addr::new(data[0], data[1], data[2], data[3])),
                16 => {
                    let mut octets = [0u8; 16];
                    octets.copy_from_slice(data);
                    IpAddr::V6(Ipv6Addr::from(octets))
                }
                n => {
                    return Err(CertError::new(format!(
                        "x509: cannot parse IP address of length {n}"
                    )))
                }
            }),
            _ => {}
        }
    }
    Ok(())
}

/// Go's `strconv.Quote` for ASCII text.
fn go_quote_ascii(text: &str) -> String {
    let mut out = String::from("\"");
    for b in text.bytes() {
        match b {
            b'"' => out.push_str("\\\""),
            b'\\' => out.push_str("\\\\"),
            0x07 => out.push_str("\\a"),
            0x08 => out.push_str("\\b"),
            0x0c => out.push_str("\\f"),
            b'\n' => out.push_str("\\n"),
            b'\r' => out.push_str("\\r"),
            b'\t' => out.push_str("\\t"),
            0x0b => out.push_str("\\v"),
            0x20..=0x7e => out.push(char::from(b)),
            _ => out.push_str(&format!("\\x{b:02x}")),
        }
    }
    out.push('"');
    out
}

fn ia5(data: &[u8], kind: &str) -> CertResult<String> {
    if data.is_ascii() {
        Ok(String::from_utf8_lossy(data).into_owned())
    } else {
        Err(CertError::new(format!("x509: SAN {kind} is malformed")))
    }
}

/// Why a PEM certificate chain (tls.crt, a caBundle, ca.crt) cannot be used.
/// Messages name block types and positions only, never block contents.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ChainProblem {
    /// Not a single PEM block was found.
    NotPem {
        /// The data is itself base64 of PEM text: it was base64-encoded twice.
        double_base64: bool,
        /// A `-----BEGIN ` line is present, but Go decodes no block (bad base64,
        /// or a missing or mismatched END line).
        begin_marker_found: bool,
        empty: bool,
    },
    /// A PEM block of another type, e.g. `RSA PRIVATE KEY`.
    NotCertificate {
        /// 1-based position among the PEM blocks.
        position: usize,
        kind: String,
        start: usize,
        end: usize,
    },
    /// A CERTIFICATE block whose DER Go cannot parse.
    BadCertificate {
        position: usize,
        error: CertError,
        start: usize,
        end: usize,
    },
}

impl fmt::Display for ChainProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ChainProblem::NotPem { empty: true, .. } => f.write_str("the value is empty"),
            ChainProblem::NotPem {
                double_base64: true,
                ..
            } => f.write_str(
                "no PEM data found: the value is base64 of PEM text, so it was base64-encoded twice",
            ),
            ChainProblem::NotPem {
                begin_marker_found: true,
                ..
            } => f.write_str(
                "no PEM block could be decoded: a \"-----BEGIN\" line is present, but the base64 body is invalid or the matching \"-----END\" line is missing",
            ),
            ChainProblem::NotPem { .. } => f.write_str(
                "no PEM data found: expected a \"-----BEGIN CERTIFICATE-----\" block",
            ),
            ChainProblem::NotCertificate { position, kind, .. } => write!(
                f,
                "PEM block {position} is of type \"{kind}\", not \"CERTIFICATE\""
            ),
            ChainProblem::BadCertificate {
                position, error, ..
            } => write!(
                f,
                "PEM block {position} (CERTIFICATE) is not a valid certificate: {error}"
            ),
        }
    }
}

impl std::error::Error for ChainProblem {}

/// Decodes every PEM block and requires each to be a CERTIFICATE Go can parse.
/// Blocks are taken as Go's `pem.Decode` loop finds them (junk between blocks is
/// skipped the same way); the first problem is returned.
pub fn parse_pem_chain(data: &[u8], go: Go) -> Result<Vec<(Block, Certificate)>, ChainProblem> {
    let blocks = pem::decode_all_for(data, go);
    if blocks.is_empty() {
        return Err(ChainProblem::NotPem {
            double_base64: is_base64_of_pem(data),
            begin_marker_found: contains(data, b"-----BEGIN "),
            empty: data.iter().all(u8::is_ascii_whitespace),
        });
    }
    let mut chain = Vec::with_capacity(blocks.len());
    for (index, block) in blocks.into_iter().enumerate() {
        let position = index + 1;
        if block.kind != "CERTIFICATE" {
            return Err(ChainProblem::NotCertificate {
                position,
                kind: block.kind,
                start: block.start,
                end: block.end,
            });
        }
        match parse_der(&block.bytes, go) {
            Ok(cert) => chain.push((block, cert)),
            Err(error) => {
                return Err(ChainProblem::BadCertificate {
                    position,
                    error,
                    start: block.start,
                    end: block.end,
                })
            }
        }
    }
    Ok(chain)
}

/// Go's `(*CertPool).AppendCertsFromPEM`: CERTIFICATE blocks without headers
/// whose DER parses, in order; anything else is skipped silently. An empty
/// result is what makes client-go fail with `unable to load root certificates`.
pub fn append_certs_from_pem(data: &[u8], go: Go) -> Vec<(Block, Certificate)> {
    pem::decode_all_for(data, go)
        .into_iter()
        .filter(|block| block.kind == "CERTIFICATE" && block.headers.is_empty())
        .filter_map(|block| parse_der(&block.bytes, go).ok().map(|cert| (block, cert)))
        .collect()
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle)
}

fn is_base64_of_pem(data: &[u8]) -> bool {
    let trimmed: Vec<u8> = data
        .iter()
        .copied()
        .filter(|b| !b.is_ascii_whitespace())
        .collect();
    match super::base64::decode_std(&trimmed) {
        Ok(decoded) => contains(&decoded, b"-----BEGIN "),
        Err(_) => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn utc_time_follows_rfc5280_centuries() {
        assert_eq!(parse_utc_time(b"700101000000Z"), Some(0));
        assert_eq!(parse_utc_time(b"200101000000Z"), Some(1_577_836_800));
        assert_eq!(parse_utc_time(b"500101000000Z"), Some(-631_152_000));
        assert_eq!(parse_utc_time(b"4912312359Z"), Some(2_524_607_940));
        assert_eq!(parse_utc_time(b"200101000000+0100"), Some(1_577_833_200));
    }

    #[test]
    fn utc_time_rejects_non_canonical_text() {
        for bad in [
            &b"200101000000"[..],
            b"200101000000+0000",
            b"200101000000.5Z",
            b"201301000000Z",
            b"200230000000Z",
            b"210229000000Z",
            b"200101240000Z",
        ] {
            assert_eq!(
                parse_utc_time(bad),
                None,
                "{}",
                String::from_utf8_lossy(bad)
            );
        }
        assert!(parse_utc_time(b"200229000000Z").is_some());
    }

    #[test]
    fn generalized_time() {
        assert_eq!(
            parse_generalized_time(b"20990101000000Z"),
            Some(4_070_908_800)
        );
        assert_eq!(parse_generalized_time(b"21000229000000Z"), None);
        assert_eq!(
            parse_generalized_time(b"20000229000000Z"),
            Some(951_782_400)
        );
        assert_eq!(parse_generalized_time(b"2099010100Z"), None);
    }

    #[test]
    fn zone_offsets_are_kept_for_messages() {
        assert_eq!(zone_offset(b"200101000000Z"), 0);
        assert_eq!(zone_offset(b"200101000000+0130"), 5400);
        assert_eq!(zone_offset(b"20200101000000-0100"), -3600);
    }

    #[test]
    fn rsa_pss_names_follow_go() {
        // SEQUENCE { [0] sha256, [1] mgf1(sha256), [2] 32 }, as Go writes it.
        let sha256_pss: &[u8] = &[
            48, 52, 160, 15, 48, 13, 6, 9, 96, 134, 72, 1, 101, 3, 4, 2, 1, 5, 0, 161, 28, 48, 26,
            6, 9, 42, 134, 72, 134, 247, 13, 1, 1, 8, 48, 13, 6, 9, 96, 134, 72, 1, 101, 3, 4, 2,
            1, 5, 0, 162, 3, 2, 1, 32,
        ];
        assert_eq!(rsa_pss_name(sha256_pss), "SHA256-RSAPSS");
        let mut wrong_salt = sha256_pss.to_vec();
        *wrong_salt.last_mut().unwrap() = 20;
        assert_eq!(rsa_pss_name(&wrong_salt), "0");
        assert_eq!(rsa_pss_name(&[]), "0");
    }

    #[test]
    fn rejects_garbage_like_go() {
        assert_eq!(
            parse_der(b"", Go::GO_1_19).unwrap_err().message(),
            "x509: malformed certificate"
        );
        assert_eq!(
            parse_der(&[0x30, 0x00], Go::GO_1_19).unwrap_err().message(),
            "x509: malformed tbs certificate"
        );
    }

    #[test]
    fn chain_problems_read_well() {
        let not_pem = parse_pem_chain(b"hello", Go::GO_1_19).unwrap_err();
        assert_eq!(
            not_pem.to_string(),
            "no PEM data found: expected a \"-----BEGIN CERTIFICATE-----\" block"
        );
        let twice =
            b"LS0tLS1CRUdJTiBDRVJUSUZJQ0FURS0tLS0tCk1JSUIKLS0tLS1FTkQgQ0VSVElGSUNBVEUtLS0tLQo=";
        assert!(parse_pem_chain(twice, Go::GO_1_19)
            .unwrap_err()
            .to_string()
            .contains("twice"));
        let key = b"-----BEGIN RSA PRIVATE KEY-----\nMIIB\n-----END RSA PRIVATE KEY-----\n";
        let message = parse_pem_chain(key, Go::GO_1_19).unwrap_err().to_string();
        assert_eq!(
            message,
            "PEM block 1 is of type \"RSA PRIVATE KEY\", not \"CERTIFICATE\""
        );
        let broken = b"-----BEGIN CERTIFICATE-----\nMIIB!\n-----END CERTIFICATE-----\n";
        assert!(parse_pem_chain(broken, Go::GO_1_19)
            .unwrap_err()
            .to_string()
            .starts_with("no PEM block could be decoded"));
        let bad = b"-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n";
        assert_eq!(
            parse_pem_chain(bad, Go::GO_1_19).unwrap_err().to_string(),
            "PEM block 1 (CERTIFICATE) is not a valid certificate: x509: malformed certificate"
        );
        assert_eq!(
            parse_pem_chain(b" \n", Go::GO_1_19)
                .unwrap_err()
                .to_string(),
            "the value is empty"
        );
    }
}
