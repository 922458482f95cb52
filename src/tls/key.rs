//! The serving key as Go's `crypto/tls.X509KeyPair` reads it, for each Go (see `tls::go`).
//!
//! A webhook server built on controller-runtime (or anything calling
//! `tls.LoadX509KeyPair`) refuses to start when `tls.key` cannot be read or does
//! not match the first certificate of `tls.crt`. This reproduces that check with
//! Go's exact messages: the PEM scan of both inputs, `parsePrivateKey`'s order
//! (PKCS#1, then PKCS#8, then SEC 1), the `encoding/asn1` acceptance rules those
//! parsers use, crypto/rsa's key checks (Go 1.19's `Validate`, Go 1.24's CRT checks),
//! and the public-key comparison.
//!
//! The webhook server runs this with the Go it is built with, not kube-apiserver's: the
//! entry points without a `go` judge as Go 1.19.8 did before issue 13.
//!
//! Secret material never leaves this module: a parsed key keeps only its public
//! half, and no message or `Debug` output carries key bytes.

use std::cmp::Ordering;
use std::fmt;

use num_bigint::BigUint;

use super::cert::{self, Certificate, PublicKeyAlgorithm};
use super::der::{Reader, TAG_INTEGER, TAG_SEQUENCE};
use super::go::Go;
use super::pem::{self, Block};

/// What `tls.X509KeyPair` accepted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeyPairInfo {
    pub key: KeyAlgorithm,
    /// The structure the DER parsed as (Go tries PKCS#1, PKCS#8, SEC 1 in that order).
    pub encoding: KeyEncoding,
    /// The PEM type of the key block, e.g. `RSA PRIVATE KEY`.
    pub(crate) pem_type: String,
    /// CERTIFICATE blocks in the certificate input; the first is the leaf the key matches.
    pub(crate) certificates: usize,
    /// The leaf's subject, e.g. `CN=webhook.system.svc`.
    pub(crate) leaf_subject: String,
}

/// A private key's algorithm and size, as Go would type it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KeyAlgorithm {
    Rsa { bits: usize },
    Ecdsa { curve: &'static str, bits: usize },
    Ed25519,
}

impl KeyAlgorithm {
    /// `RSA`, `ECDSA` or `Ed25519`.
    pub(crate) fn name(&self) -> &'static str {
        match self {
            KeyAlgorithm::Rsa { .. } => "RSA",
            KeyAlgorithm::Ecdsa { .. } => "ECDSA",
            KeyAlgorithm::Ed25519 => "Ed25519",
        }
    }

    /// Modulus bits, curve bits, or 256 for Ed25519.
    pub(crate) fn bits(&self) -> usize {
        match self {
            KeyAlgorithm::Rsa { bits } | KeyAlgorithm::Ecdsa { bits, .. } => *bits,
            KeyAlgorithm::Ed25519 => 256,
        }
    }
}

impl fmt::Display for KeyAlgorithm {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            KeyAlgorithm::Rsa { bits } => write!(f, "RSA {bits}"),
            KeyAlgorithm::Ecdsa { curve, .. } => write!(f, "ECDSA {curve}"),
            KeyAlgorithm::Ed25519 => f.write_str("Ed25519"),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KeyEncoding {
    Pkcs1,
    Pkcs8,
    Sec1,
}

impl KeyEncoding {
    pub fn name(self) -> &'static str {
        match self {
            KeyEncoding::Pkcs1 => "PKCS#1",
            KeyEncoding::Pkcs8 => "PKCS#8",
            KeyEncoding::Sec1 => "SEC 1",
        }
    }
}

/// Why `tls.X509KeyPair` fails. Display is Go's error text, which never quotes key bytes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeyPairError {
    message: String,
}

impl KeyPairError {
    fn new(message: impl Into<String>) -> Self {
        KeyPairError {
            message: message.into(),
        }
    }
}

impl fmt::Display for KeyPairError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for KeyPairError {}

/// Go's `%v` of a `[]string`: `[a b c]`.
fn go_string_list(items: &[String]) -> String {
    format!("[{}]", items.join(" "))
}

/// `tls.X509KeyPair` as `go` runs it, with its error texts.
pub fn x509_key_pair(cert_pem: &[u8], key_pem: &[u8], go: Go) -> Result<KeyPairInfo, KeyPairError> {
    x509_key_pair_parsed(cert_pem, None, key_pem, go)
}

/// [`x509_key_pair`] for a certificate PEM whose first certificate the caller has already
/// parsed (`leaf`): the same checks, in Go's order, without parsing it again.
pub fn x509_key_pair_with_leaf_for(
    cert_pem: &[u8],
    leaf: &Certificate,
    key_pem: &[u8],
    go: Go,
) -> Result<KeyPairInfo, KeyPairError> {
    x509_key_pair_parsed(cert_pem, Some(leaf), key_pem, go)
}

/// `parsed_leaf`: the leaf when the caller parsed it already.
fn x509_key_pair_parsed(
    cert_pem: &[u8],
    parsed_leaf: Option<&Certificate>,
    key_pem: &[u8],
    go: Go,
) -> Result<KeyPairInfo, KeyPairError> {
    let mut certificates: Vec<Block> = Vec::new();
    let mut skipped: Vec<String> = Vec::new();
    for block in pem::decode_all(cert_pem) {
        if block.kind == "CERTIFICATE" {
            certificates.push(block);
        } else {
            skipped.push(block.kind);
        }
    }
    if certificates.is_empty() {
        if skipped.is_empty() {
            return Err(KeyPairError::new(
                "tls: failed to find any PEM data in certificate input",
            ));
        }
        if skipped.len() == 1 && skipped[0].ends_with("PRIVATE KEY") {
            return Err(KeyPairError::new("tls: failed to find certificate PEM data in certificate input, but did find a private key; PEM inputs may have been switched"));
        }
        return Err(KeyPairError::new(format!(
            "tls: failed to find \"CERTIFICATE\" PEM block in certificate input after skipping PEM blocks of the following types: {}",
            go_string_list(&skipped)
        )));
    }

    // Go stops at the first key block; later blocks are never decoded.
    let mut skipped: Vec<String> = Vec::new();
    let mut rest = key_pem;
    let key_block = loop {
        let Some((block, next)) = pem::decode(rest) else {
            if skipped.is_empty() {
                return Err(KeyPairError::new(
                    "tls: failed to find any PEM data in key input",
                ));
            }
            if skipped.len() == 1 && skipped[0] == "CERTIFICATE" {
                return Err(KeyPairError::new(
                    "tls: found a certificate rather than a key in the PEM for the private key",
                ));
            }
            return Err(KeyPairError::new(format!(
                "tls: failed to find PEM block with type ending in \"PRIVATE KEY\" in key input after skipping PEM blocks of the following types: {}",
                go_string_list(&skipped)
            )));
        };
        rest = &rest[next..];
        if is_private_key_type(&block.kind) {
            break block;
        }
        skipped.push(block.kind);
    };

    let parsed;
    let leaf = match parsed_leaf {
        Some(leaf) => leaf,
        None => {
            parsed = cert::parse_der(&certificates[0].bytes, go)
                .map_err(|e| KeyPairError::new(e.message()))?;
            &parsed
        }
    };
    let key = parse_private_key_expecting(&key_block.bytes, Some(&leaf.public_key_bytes), go)
        .map_err(|failure| KeyPairError::new(failure.message()))?;
    match key.compare(leaf, go) {
        KeyMatch::Matches => Ok(KeyPairInfo {
            key: key.algorithm(),
            encoding: key.encoding(),
            pem_type: key_block.kind,
            certificates: certificates.len(),
            leaf_subject: leaf.subject_display.clone(),
        }),
        KeyMatch::DifferentKey => Err(KeyPairError::new(
            "tls: private key does not match public key",
        )),
        KeyMatch::DifferentType => Err(KeyPairError::new(
            "tls: private key type does not match public key type",
        )),
        KeyMatch::UnsupportedCertificateKey => {
            Err(KeyPairError::new("tls: unknown public key algorithm"))
        }
    }
}

/// The PEM types `X509KeyPair` takes as the key: `PRIVATE KEY` or `... PRIVATE KEY`.
pub fn is_private_key_type(kind: &str) -> bool {
    kind == "PRIVATE KEY" || kind.ends_with(" PRIVATE KEY")
}

/// A private key Go can parse, reduced to its public half.
#[derive(Clone, PartialEq, Eq)]
pub struct PrivateKey {
    public: PublicHalf,
    encoding: KeyEncoding,
}

#[derive(Clone, PartialEq, Eq)]
enum PublicHalf {
    Rsa {
        modulus: Nat,
        /// Every Go refuses a key whose E is outside 2 to 2^31 - 1.
        exponent: u32,
    },
    Ecdsa {
        curve: &'static NamedCurve,
        /// `None` for the zero scalar, whose point Go reports as (0, 0).
        point: Option<(Nat, Nat)>,
    },
    Ed25519 {
        public: [u8; 32],
    },
}

impl fmt::Debug for PrivateKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "PrivateKey({}, {})",
            self.algorithm(),
            self.encoding.name()
        )
    }
}

/// How a private key relates to a certificate's public key, in `X509KeyPair`'s terms.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum KeyMatch {
    Matches,
    /// Same algorithm, different key.
    DifferentKey,
    DifferentType,
    /// DSA or an unknown algorithm: Go cannot serve with it.
    UnsupportedCertificateKey,
}

impl PrivateKey {
    pub fn algorithm(&self) -> KeyAlgorithm {
        match &self.public {
            PublicHalf::Rsa { modulus, .. } => KeyAlgorithm::Rsa {
                bits: modulus.bit_len(),
            },
            PublicHalf::Ecdsa { curve, .. } => KeyAlgorithm::Ecdsa {
                curve: curve.name,
                bits: curve.bits,
            },
            PublicHalf::Ed25519 { .. } => KeyAlgorithm::Ed25519,
        }
    }

    pub fn encoding(&self) -> KeyEncoding {
        self.encoding
    }

    /// The comparison at the end of `X509KeyPair` as `go` makes it (RSA: the modulus, and
    /// from Go 1.26 the exponent; ECDSA: the point, and from Go 1.26 the curve; Ed25519:
    /// the public key).
    pub(crate) fn compare(&self, certificate: &Certificate, go: Go) -> KeyMatch {
        let Some(certificate_key) = certificate_public_key(certificate) else {
            return KeyMatch::UnsupportedCertificateKey;
        };
        let whole_keys = go.compares_whole_public_keys();
        let same = match (&self.public, &certificate_key) {
            (PublicHalf::Rsa { modulus, exponent }, CertificateKey::Rsa { modulus: theirs }) => {
                modulus == theirs
                    && (!whole_keys
                        || certificate_rsa_exponent(certificate)
                            == Some(Nat::from_u64(u64::from(*exponent))))
            }
            (PublicHalf::Ecdsa { curve, point }, CertificateKey::Ecdsa { x, y }) => {
                point.as_ref() == Some(&(x.clone(), y.clone()))
                    && (!whole_keys || certificate.public_key.curve == Some(curve.name))
            }
            (PublicHalf::Ed25519 { public }, CertificateKey::Ed25519 { public: theirs }) => {
                public == theirs
            }
            _ => return KeyMatch::DifferentType,
        };
        if same {
            KeyMatch::Matches
        } else {
            KeyMatch::DifferentKey
        }
    }
}

/// What `inspect` says about one private key block.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg(test)]
pub(crate) struct KeyDescription {
    pub(crate) pem_type: String,
    /// `None` when Go cannot parse it (`tls: failed to parse private key`).
    pub(crate) algorithm: Option<KeyAlgorithm>,
    pub(crate) encoding: Option<KeyEncoding>,
    /// Index of the first certificate whose public key it is.
    pub(crate) matches: Option<usize>,
}

#[cfg(test)]
/// Describes a private key block against candidate certificates, as `go` reads it: type,
/// size and which certificate (if any) it belongs to. Never the key itself.
pub(crate) fn describe_key(block: &Block, certificates: &[&Certificate], go: Go) -> KeyDescription {
    let key = parse_private_key_for(&block.bytes, go);
    KeyDescription {
        pem_type: block.kind.clone(),
        algorithm: key.as_ref().map(PrivateKey::algorithm),
        encoding: key.as_ref().map(PrivateKey::encoding),
        matches: key.as_ref().and_then(|key| {
            certificates
                .iter()
                .position(|c| key.compare(c, go) == KeyMatch::Matches)
        }),
    }
}

/// Go's `tls.parsePrivateKey`: PKCS#1, then PKCS#8 (RSA, ECDSA, Ed25519), then SEC 1.
/// `None` when it fails, including for a PKCS#8 key of a type crypto/tls cannot use.
pub fn parse_private_key_for(der: &[u8], go: Go) -> Option<PrivateKey> {
    parse_private_key_expecting(der, None, go).ok()
}

/// Why `tls.parsePrivateKey` fails.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum KeyParseFailure {
    Unparsable,
    /// PKCS#8 holding a key crypto/tls cannot serve with (X25519 from Go 1.20).
    UnknownPkcs8Type,
}

impl KeyParseFailure {
    fn message(self) -> &'static str {
        match self {
            KeyParseFailure::Unparsable => "tls: failed to parse private key",
            KeyParseFailure::UnknownPkcs8Type => {
                "tls: found unknown private key type in PKCS#8 wrapping"
            }
        }
    }
}

/// [`parse_private_key_for`], told the public key the caller expects (the certificate's,
/// as its SubjectPublicKeyInfo bit string): an ECDSA key's point is then confirmed with
/// ring, several times faster, and derived the slow way only when it is not that one.
fn parse_private_key_expecting(
    der: &[u8],
    expected: Option<&[u8]>,
    go: Go,
) -> Result<PrivateKey, KeyParseFailure> {
    if let Some(public) = parse_pkcs1(der, go) {
        return Ok(PrivateKey {
            public,
            encoding: KeyEncoding::Pkcs1,
        });
    }
    match parse_pkcs8(der, expected, go) {
        Pkcs8Key::Usable(public) => {
            return Ok(PrivateKey {
                public,
                encoding: KeyEncoding::Pkcs8,
            })
        }
        // crypto/tls returns here: SEC 1 is not tried.
        Pkcs8Key::UnknownType => return Err(KeyParseFailure::UnknownPkcs8Type),
        Pkcs8Key::Invalid => {}
    }
    parse_sec1(None, der, expected, go)
        .map(|public| PrivateKey {
            public,
            encoding: KeyEncoding::Sec1,
        })
        .ok_or(KeyParseFailure::Unparsable)
}

// ---------------------------------------------------------------------------
// The three key formats, as Go's x509 package parses them.

const OID_RSA: &[u32] = &[1, 2, 840, 113549, 1, 1, 1];
const OID_EC_PUBLIC_KEY: &[u32] = &[1, 2, 840, 10045, 2, 1];
const OID_ED25519: &[u32] = &[1, 3, 101, 112];
const OID_X25519: &[u32] = &[1, 3, 101, 110];

const BIG_INT: Field = Field::required(Kind::BigInt);
const OPTIONAL_BIG_INT: Field = Field::optional(Kind::BigInt);
const INT: Field = Field::required(Kind::Int);

/// `pkcs1AdditionalRSAPrime`.
const ADDITIONAL_PRIME: &[Field] = &[BIG_INT, BIG_INT, BIG_INT];
/// `pkcs1PrivateKey`.
const PKCS1: &[Field] = &[
    INT,
    BIG_INT,
    INT,
    BIG_INT,
    BIG_INT,
    BIG_INT,
    OPTIONAL_BIG_INT,
    OPTIONAL_BIG_INT,
    OPTIONAL_BIG_INT,
    Field::optional(Kind::SequenceOf(ADDITIONAL_PRIME)),
];
/// `pkix.AlgorithmIdentifier`.
const ALGORITHM_IDENTIFIER: &[Field] = &[Field::required(Kind::Oid), Field::optional(Kind::Any)];
/// `pkcs8` (attributes and the v2 public key are ignored, as trailing elements).
const PKCS8: &[Field] = &[
    INT,
    Field::required(Kind::Struct(ALGORITHM_IDENTIFIER)),
    Field::required(Kind::Bytes),
];
/// `ecPrivateKey`.
const SEC1: &[Field] = &[
    INT,
    Field::required(Kind::Bytes),
    Field::explicit(Kind::Oid, 0),
    Field::explicit(Kind::BitString, 1),
];

/// `x509.ParsePKCS1PrivateKey` as `go` runs it, with its crypto/rsa's key checks.
fn parse_pkcs1(der: &[u8], go: Go) -> Option<PublicHalf> {
    let (rest, value) = unmarshal(der, Field::required(Kind::Struct(PKCS1))).ok()?;
    if !rest.is_empty() {
        return None;
    }
    let fields = value.into_struct();
    if fields[0].int() > 1 {
        return None;
    }
    let modulus = fields[1].positive()?;
    let public_exponent = fields[2].int();
    let private_exponent = fields[3].positive()?;
    let mut primes = vec![fields[4].positive()?, fields[5].positive()?];
    // Go 1.24 keeps the encoded CRT values (when all three are there) and refuses any
    // that is zero or negative; earlier Go ignored them.
    let encoded_crt = if go.checks_rsa_keys_by_crt() {
        let dp = fields[6].positive_if_present()?;
        let dq = fields[7].positive_if_present()?;
        let qinv = fields[8].positive_if_present()?;
        match (dp, dq, qinv) {
            (Some(dp), Some(dq), Some(qinv)) => Some(CrtValues { dp, dq, qinv }),
            _ => None,
        }
    } else {
        None
    };
    if let Value::SequenceOf(additional) = &fields[9] {
        for prime in additional {
            primes.push(prime[0].positive()?);
        }
    }

    let key = RsaKey {
        modulus,
        public_exponent,
        private_exponent,
        primes,
    };
    let valid = if go.checks_rsa_keys_by_crt() {
        key.passes_go_1_24_checks(encoded_crt.as_ref(), go)
    } else {
        key.passes_go_1_19_validate()
    };
    if !valid {
        return None;
    }
    // Both checks refuse an exponent outside 2 to 2^31 - 1.
    let exponent = u32::try_from(key.public_exponent).ok()?;
    Some(PublicHalf::Rsa {
        modulus: key.modulus,
        exponent,
    })
}

/// A PKCS#1 key's integers while it is checked. Secret: no `Debug`.
struct RsaKey {
    modulus: Nat,
    public_exponent: i64,
    private_exponent: Nat,
    /// P, Q, then any further primes.
    primes: Vec<Nat>,
}

/// Dp, Dq and Qinv of a two-prime key. Secret: no `Debug`.
struct CrtValues {
    dp: Nat,
    dq: Nat,
    qinv: Nat,
}

/// The largest P whose Qinv is computed, as Go 1.24 computes it for a key without CRT
/// values: the exponentiation grows with the cube of P's size (0.9 s at 8192 bits, 5 s at
/// 16384), and an untrusted key must not stall the linter. It covers the largest modulus
/// OpenSSL makes (16384 bits); a key with a larger P and no CRT values is refused, which Go
/// does not do (it takes seconds to hours to accept or refuse it).
const MAX_EXPONENTIATED_PRIME_BITS: usize = 8192;

/// Go's largest RSA public exponent, 2^31 - 1, in every version.
const MAX_PUBLIC_EXPONENT: i64 = (1 << 31) - 1;

impl RsaKey {
    /// Go 1.19 to 1.23's `rsa.PrivateKey.Validate`: E in range, the primes multiply to N,
    /// and E·D ≡ 1 mod p - 1 for every prime.
    fn passes_go_1_19_validate(&self) -> bool {
        if !(2..=MAX_PUBLIC_EXPONENT).contains(&self.public_exponent) {
            return false;
        }
        let one = Nat::from_u64(1);
        let mut product = one.clone();
        for prime in &self.primes {
            if *prime <= one {
                return false;
            }
            product = product.mul(prime);
        }
        if product != self.modulus {
            return false;
        }
        let de = Nat::from_u64(self.public_exponent.unsigned_abs()).mul(&self.private_exponent);
        self.primes
            .iter()
            .all(|prime| de.rem(&prime.sub(&one)) == one)
    }

    /// Go 1.24's `Precompute` and `Validate` as `ParsePKCS1PrivateKey` runs them: the
    /// encoded CRT values when all three are there, and under `x509rsacrt=0` a retry
    /// with recomputed ones.
    fn passes_go_1_24_checks(&self, encoded_crt: Option<&CrtValues>, go: Go) -> bool {
        if self.primes.len() != 2 {
            return self.passes_multi_prime_checks();
        }
        if let Some(crt) = encoded_crt {
            if self.passes_crt_checks(crt, go) {
                return true;
            }
            if go.refuses_wrong_rsa_crt_values() {
                return false;
            }
        }
        self.computed_crt()
            .is_some_and(|crt| self.passes_crt_checks(&crt, go))
    }

    /// crypto/rsa's `checkPublicKey` from Go 1.24: N odd, E odd and from 2 to 2^31 - 1.
    fn public_key_is_valid(&self) -> bool {
        self.modulus.is_odd()
            && (2..=MAX_PUBLIC_EXPONENT).contains(&self.public_exponent)
            && self.public_exponent % 2 == 1
    }

    /// Go 1.24's `NewPrivateKeyWithoutCRT` and `precomputeLegacy`, for keys of more than
    /// two primes: neither their product nor E·D is checked.
    fn passes_multi_prime_checks(&self) -> bool {
        let one = Nat::from_u64(1);
        if self.modulus <= one || self.private_exponent >= self.modulus {
            return false;
        }
        if !self.public_key_is_valid() || self.primes.iter().any(|prime| *prime <= one) {
            return false;
        }
        // Q invertible mod P, then each further prime coprime to the product before it.
        if !self.primes[1].is_invertible_mod(&self.primes[0]) {
            return false;
        }
        let mut product = self.primes[0].mul(&self.primes[1]);
        for prime in &self.primes[2..] {
            if !product.is_invertible_mod(prime) {
                return false;
            }
            product = product.mul(prime);
        }
        true
    }

    /// Go 1.24's `NewPrivateKey` before its checks: Dp = D mod (P - 1), Dq = D mod (Q - 1)
    /// and Qinv = Q^(P - 2) mod P; `None` where Go fails first (P or Q below 3, P even),
    /// and for a P too large to exponentiate by (see [`MAX_EXPONENTIATED_PRIME_BITS`]).
    fn computed_crt(&self) -> Option<CrtValues> {
        let two = Nat::from_u64(2);
        let (p, q) = (&self.primes[0], &self.primes[1]);
        if *p <= two || *q <= two || !p.is_odd() || p.bit_len() > MAX_EXPONENTIATED_PRIME_BITS {
            return None;
        }
        let one = Nat::from_u64(1);
        Some(CrtValues {
            dp: self.private_exponent.rem(&p.sub(&one)),
            dq: self.private_exponent.rem(&q.sub(&one)),
            qinv: q.rem(p).modpow(&p.sub(&two), p),
        })
    }

    /// Go 1.24's `NewPrivateKeyWithPrecomputation` and `checkPrivateKey` for a two-prime
    /// key with these CRT values.
    fn passes_crt_checks(&self, crt: &CrtValues, go: Go) -> bool {
        let one = Nat::from_u64(1);
        let (n, d) = (&self.modulus, &self.private_exponent);
        let (p, q) = (&self.primes[0], &self.primes[1]);
        // The moduli and reductions Go builds: N, P, Q > 1, D < N, Qinv < P.
        if *n <= one || *p <= one || *q <= one || d >= n || crt.qinv >= *p {
            return false;
        }
        if !self.public_key_is_valid() {
            return false;
        }
        if p >= n || q >= n || !p.mul(q).rem(n).is_zero() {
            return false;
        }
        let e = Nat::from_u64(self.public_exponent.unsigned_abs());
        for (prime, exponent) in [(p, &crt.dp), (q, &crt.dq)] {
            let prime_minus_one = prime.sub(&one);
            if prime_minus_one <= one || *exponent >= prime_minus_one {
                return false;
            }
            if e.mul(exponent).rem(&prime_minus_one) != one {
                return false;
            }
            if go.checks_rsa_d_against_crt() && d.rem(&prime_minus_one) != *exponent {
                return false;
            }
        }
        if crt.qinv.mul(&q.rem(p)).rem(p) != one {
            return false;
        }
        // |P - Q| and D must not be small (Fermat factoring, small-D attacks).
        let difference = match p.cmp(q) {
            Ordering::Greater => p.sub(q),
            Ordering::Less => q.sub(p),
            Ordering::Equal => return false,
        };
        let half_modulus_bits = (n.bit_len() / 2) as i64;
        difference.bit_len() as i64 > half_modulus_bits - 100
            && d.bit_len() as i64 > half_modulus_bits
    }
}

/// What `x509.ParsePKCS8PrivateKey` gives crypto/tls.
enum Pkcs8Key {
    Usable(PublicHalf),
    /// Parsed, but of a type crypto/tls refuses (X25519).
    UnknownType,
    Invalid,
}

/// `x509.ParsePKCS8PrivateKey` as `go` runs it.
fn parse_pkcs8(der: &[u8], expected: Option<&[u8]>, go: Go) -> Pkcs8Key {
    parse_pkcs8_or_none(der, expected, go).unwrap_or(Pkcs8Key::Invalid)
}

fn parse_pkcs8_or_none(der: &[u8], expected: Option<&[u8]>, go: Go) -> Option<Pkcs8Key> {
    let (_, value) = unmarshal(der, Field::required(Kind::Struct(PKCS8))).ok()?;
    let fields = value.into_struct();
    let Value::Struct(algorithm) = &fields[1] else {
        return None;
    };
    let Value::Oid(oid) = &algorithm[0] else {
        return None;
    };
    let parameters: &[u8] = match &algorithm[1] {
        Value::Any(full) => full,
        _ => &[],
    };
    let Value::Bytes(private_key) = &fields[2] else {
        return None;
    };
    let public = match oid.as_slice() {
        OID_RSA => parse_pkcs1(private_key, go)?,
        OID_EC_PUBLIC_KEY => {
            let curve_oid = match unmarshal(parameters, Field::required(Kind::Oid)) {
                Ok((_, Value::Oid(oid))) => Some(oid),
                _ => None,
            };
            parse_sec1(Some(curve_oid), private_key, expected, go)?
        }
        OID_ED25519 => {
            let seed: &[u8; 32] = curve_private_key(parameters, private_key)?
                .try_into()
                .ok()?;
            let public = ed25519_dalek::SigningKey::from_bytes(seed)
                .verifying_key()
                .to_bytes();
            PublicHalf::Ed25519 { public }
        }
        OID_X25519 if go.parses_pkcs8_x25519() => {
            // ecdh.X25519().NewPrivateKey takes exactly 32 bytes.
            return (curve_private_key(parameters, private_key)?.len() == 32)
                .then_some(Pkcs8Key::UnknownType);
        }
        _ => return None,
    };
    Some(Pkcs8Key::Usable(public))
}

/// The key bytes of an Ed25519 or X25519 PKCS#8 key: no parameters, and an OCTET STRING
/// inside the private key (trailing bytes ignored, as `asn1.Unmarshal` returns them).
fn curve_private_key<'a>(parameters: &[u8], private_key: &'a [u8]) -> Option<&'a [u8]> {
    if !parameters.is_empty() {
        return None;
    }
    match unmarshal(private_key, Field::required(Kind::Bytes)).ok()? {
        (_, Value::Bytes(bytes)) => Some(bytes),
        _ => None,
    }
}

/// `x509.parseECPrivateKey` as `go` runs it. `outer_curve` is PKCS#8's view of the
/// curve: `Some(None)` when its parameters are not an OID, which Go treats like SEC 1.
fn parse_sec1(
    outer_curve: Option<Option<Vec<u32>>>,
    der: &[u8],
    expected: Option<&[u8]>,
    go: Go,
) -> Option<PublicHalf> {
    let (_, value) = unmarshal(der, Field::required(Kind::Struct(SEC1))).ok()?;
    let fields = value.into_struct();
    if fields[0].int() != 1 {
        return None;
    }
    let Value::Bytes(scalar) = &fields[1] else {
        return None;
    };
    let inner_curve = match &fields[2] {
        Value::Oid(oid) => Some(oid.clone()),
        _ => None,
    };
    let curve_oid = match outer_curve {
        Some(Some(oid)) => Some(oid),
        _ => inner_curve,
    };
    let curve = NAMED_CURVES
        .iter()
        .find(|c| Some(c.oid) == curve_oid.as_deref())?;

    // Go 1.26 refuses a scalar at or above the order later, in `ecdsa.ParseRawPrivateKey`:
    // the same verdict.
    let order = Nat::from_hex(curve.order);
    if Nat::from_be_bytes(scalar) >= order {
        return None;
    }
    let size = order.bit_len().div_ceil(8);
    let mut scalar: &[u8] = scalar;
    while scalar.len() > size {
        if scalar[0] != 0 {
            return None;
        }
        scalar = &scalar[1..];
    }
    let mut padded = vec![0u8; size];
    padded[size - scalar.len()..].copy_from_slice(scalar);
    let point = if padded.iter().all(|&b| b == 0) {
        if go.refuses_zero_ecdsa_scalar() {
            return None;
        }
        None
    } else if let Some(point) = expected.filter(|p| ring_confirms(curve, &padded, p)) {
        Some(split_point(point))
    } else {
        Some((curve.base_mult)(&padded)?)
    };
    Some(PublicHalf::Ecdsa { curve, point })
}

/// Whether `scalar`·G is the uncompressed `point`, by ring, for the curves it has. Only a
/// yes is used: a no, or a curve ring lacks, leaves the answer to the exact derivation.
fn ring_confirms(curve: &NamedCurve, scalar: &[u8], point: &[u8]) -> bool {
    use ring::signature::{self, EcdsaKeyPair};
    let algorithm = match curve.name {
        "P-256" => &signature::ECDSA_P256_SHA256_ASN1_SIGNING,
        "P-384" => &signature::ECDSA_P384_SHA384_ASN1_SIGNING,
        _ => return false,
    };
    let random = ring::rand::SystemRandom::new();
    EcdsaKeyPair::from_private_key_and_public_key(algorithm, scalar, point, &random).is_ok()
}

// ---------------------------------------------------------------------------
// Curves.

pub(crate) struct NamedCurve {
    name: &'static str,
    bits: usize,
    oid: &'static [u32],
    order: &'static str,
    /// [k]G for 0 < k < order, `size` bytes big-endian; affine (x, y).
    base_mult: fn(&[u8]) -> Option<(Nat, Nat)>,
}

impl PartialEq for NamedCurve {
    fn eq(&self, other: &Self) -> bool {
        self.name == other.name
    }
}

impl Eq for NamedCurve {}

static NAMED_CURVES: [NamedCurve; 4] = [
    NamedCurve {
        name: "P-224",
        bits: 224,
        oid: &[1, 3, 132, 0, 33],
        order: "ffffffffffffffffffffffffffff16a2e0b8f03e13dd29455c5c2a3d",
        base_mult: |k| {
            let key = p224::SecretKey::from_slice(k).ok()?;
            Some(split_point(key.public_key().to_sec1_point(false).as_bytes()))
        },
    },
    NamedCurve {
        name: "P-256",
        bits: 256,
        oid: &[1, 2, 840, 10045, 3, 1, 7],
        order: "ffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551",
        base_mult: |k| {
            let key = p256::SecretKey::from_slice(k).ok()?;
            Some(split_point(key.public_key().to_sec1_point(false).as_bytes()))
        },
    },
    NamedCurve {
        name: "P-384",
        bits: 384,
        oid: &[1, 3, 132, 0, 34],
        order: "ffffffffffffffffffffffffffffffffffffffffffffffffc7634d81f4372ddf581a0db248b0a77aecec196accc52973",
        base_mult: |k| {
            let key = p384::SecretKey::from_slice(k).ok()?;
            Some(split_point(key.public_key().to_sec1_point(false).as_bytes()))
        },
    },
    NamedCurve {
        name: "P-521",
        bits: 521,
        oid: &[1, 3, 132, 0, 35],
        order: "1fffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffa51868783bf2f966b7fcc0148f709a5d03bb5c9b8899c47aebb6fb71e91386409",
        base_mult: |k| {
            let key = p521::SecretKey::from_slice(k).ok()?;
            Some(split_point(key.public_key().to_sec1_point(false).as_bytes()))
        },
    },
];

use p256::elliptic_curve::sec1::ToSec1Point;

/// An uncompressed SEC 1 point `04 || x || y` as numbers.
fn split_point(uncompressed: &[u8]) -> (Nat, Nat) {
    let coordinates = &uncompressed[1..];
    let (x, y) = coordinates.split_at(coordinates.len() / 2);
    (Nat::from_be_bytes(x), Nat::from_be_bytes(y))
}

// ---------------------------------------------------------------------------
// The certificate side.

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
enum CertificateKey {
    Rsa { modulus: Nat },
    Ecdsa { x: Nat, y: Nat },
    Ed25519 { public: [u8; 32] },
}

/// What [`PrivateKey::compare`] compares before Go 1.26, hashable: a key matches a
/// certificate exactly when both have an identity and the two are equal, so many keys are
/// matched against many certificates by lookup. (Go 1.26 also compares RSA exponents and
/// ECDSA curves, which a key of the same modulus or point rarely differs in.)
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub(crate) struct KeyIdentity(CertificateKey);

impl KeyIdentity {
    /// None for DSA and unknown algorithms, which match no key.
    pub(crate) fn of_certificate(certificate: &Certificate) -> Option<KeyIdentity> {
        certificate_public_key(certificate).map(KeyIdentity)
    }

    /// None for the zero ECDSA scalar, whose point matches no certificate.
    pub(crate) fn of_key(key: &PrivateKey) -> Option<KeyIdentity> {
        Some(KeyIdentity(match &key.public {
            PublicHalf::Rsa { modulus, .. } => CertificateKey::Rsa {
                modulus: modulus.clone(),
            },
            PublicHalf::Ecdsa { point, .. } => {
                let (x, y) = point.clone()?;
                CertificateKey::Ecdsa { x, y }
            }
            PublicHalf::Ed25519 { public } => CertificateKey::Ed25519 { public: *public },
        }))
    }
}

/// The leaf's public key as Go's x509 holds it; `None` for DSA and unknown algorithms.
fn certificate_public_key(certificate: &Certificate) -> Option<CertificateKey> {
    let mut spki = Reader::new(certificate.raw_subject_public_key_info());
    let mut spki = Reader::new(spki.read(TAG_SEQUENCE)?);
    spki.read(TAG_SEQUENCE)?;
    let (bytes, bit_len) = spki.read_bit_string()?;
    let key = right_align(bytes, bit_len);
    match certificate.public_key.algorithm {
        PublicKeyAlgorithm::Rsa => {
            let mut outer = Reader::new(&key);
            let mut sequence = Reader::new(outer.read(TAG_SEQUENCE)?);
            let modulus = sequence.read(TAG_INTEGER)?;
            Some(CertificateKey::Rsa {
                modulus: Nat::from_be_bytes(modulus),
            })
        }
        PublicKeyAlgorithm::Ecdsa => {
            let coordinates = key.get(1..)?;
            let (x, y) = coordinates.split_at(coordinates.len() / 2);
            Some(CertificateKey::Ecdsa {
                x: Nat::from_be_bytes(x),
                y: Nat::from_be_bytes(y),
            })
        }
        PublicKeyAlgorithm::Ed25519 => Some(CertificateKey::Ed25519 {
            public: key.as_slice().try_into().ok()?,
        }),
        PublicKeyAlgorithm::Dsa | PublicKeyAlgorithm::Unknown => None,
    }
}

/// An RSA certificate's public exponent (Go 1.26 compares it); `None` for other keys.
fn certificate_rsa_exponent(certificate: &Certificate) -> Option<Nat> {
    if certificate.public_key.algorithm != PublicKeyAlgorithm::Rsa {
        return None;
    }
    let mut outer = Reader::new(&certificate.public_key_bytes);
    let mut sequence = Reader::new(outer.read(TAG_SEQUENCE)?);
    sequence.read(TAG_INTEGER)?;
    Some(Nat::from_be_bytes(sequence.read(TAG_INTEGER)?))
}

/// Go's `asn1.BitString.RightAlign`.
fn right_align(bytes: &[u8], bit_len: usize) -> Vec<u8> {
    let shift = (8 - bit_len % 8) % 8;
    if shift == 0 || bytes.is_empty() {
        return bytes.to_vec();
    }
    let mut out = vec![0u8; bytes.len()];
    out[0] = bytes[0] >> shift;
    for i in 1..bytes.len() {
        out[i] = (bytes[i - 1] << (8 - shift)) | (bytes[i] >> shift);
    }
    out
}

// ---------------------------------------------------------------------------
// Go's encoding/asn1 `Unmarshal`, for the field types the key structures use.
// Go's reflection-driven parser has quirks that matter for acceptance: trailing
// elements inside a SEQUENCE are ignored, an optional field that does not match
// is skipped without consuming anything, and an explicit tag's own length is
// not checked against its child's.

#[derive(Clone, Copy)]
enum Kind {
    /// Go `int` (64-bit).
    Int,
    /// `*big.Int`.
    BigInt,
    /// `[]byte`: OCTET STRING.
    Bytes,
    Oid,
    BitString,
    /// `asn1.RawValue`: any element.
    Any,
    Struct(&'static [Field]),
    /// A slice of structs.
    SequenceOf(&'static [Field]),
}

#[derive(Clone, Copy)]
struct Field {
    kind: Kind,
    optional: bool,
    /// `explicit,tag:N` (always optional in the structures used here).
    explicit: Option<u32>,
}

impl Field {
    const fn required(kind: Kind) -> Field {
        Field {
            kind,
            optional: false,
            explicit: None,
        }
    }
    const fn optional(kind: Kind) -> Field {
        Field {
            kind,
            optional: true,
            explicit: None,
        }
    }
    const fn explicit(kind: Kind, tag: u32) -> Field {
        Field {
            kind,
            optional: true,
            explicit: Some(tag),
        }
    }
}

/// A parsed field. Holds secret bytes while a key is parsed: no `Debug`.
enum Value<'a> {
    /// An optional field that was not there (Go's zero value).
    Absent,
    Int(i64),
    /// Two's-complement contents, already checked to be minimal.
    BigInt(&'a [u8]),
    Bytes(&'a [u8]),
    Oid(Vec<u32>),
    BitString,
    /// The full encoding.
    Any(&'a [u8]),
    Struct(Vec<Value<'a>>),
    SequenceOf(Vec<Vec<Value<'a>>>),
}

impl<'a> Value<'a> {
    fn into_struct(self) -> Vec<Value<'a>> {
        match self {
            Value::Struct(fields) => fields,
            _ => Vec::new(),
        }
    }

    fn int(&self) -> i64 {
        match self {
            Value::Int(v) => *v,
            _ => 0,
        }
    }

    /// An optional INTEGER that must be positive when present: `Some(None)` when absent,
    /// `None` when zero or negative.
    fn positive_if_present(&self) -> Option<Option<Nat>> {
        match self {
            Value::Absent => Some(None),
            _ => self.positive().map(Some),
        }
    }

    /// The magnitude of a positive INTEGER; `None` for zero, negative or absent (Go: `Sign() <= 0`).
    fn positive(&self) -> Option<Nat> {
        match self {
            Value::BigInt(bytes) if bytes[0] & 0x80 == 0 => {
                let n = Nat::from_be_bytes(bytes);
                (!n.is_zero()).then_some(n)
            }
            _ => None,
        }
    }
}

const CLASS_UNIVERSAL: u8 = 0;
const CLASS_CONTEXT_SPECIFIC: u8 = 2;
const TAG_NUMBER_INTEGER: u32 = 2;
const TAG_NUMBER_BIT_STRING: u32 = 3;
const TAG_NUMBER_OCTET_STRING: u32 = 4;
const TAG_NUMBER_OID: u32 = 6;
const TAG_NUMBER_SEQUENCE: u32 = 16;

struct TagAndLength {
    class: u8,
    compound: bool,
    number: u32,
    length: usize,
}

/// `asn1.Unmarshal`: the value and the bytes after it.
fn unmarshal(bytes: &[u8], field: Field) -> Result<(&[u8], Value<'_>), ()> {
    let (offset, value) = parse_field(bytes, 0, field)?;
    Ok((&bytes[offset..], value))
}

/// Go's `parseTagAndLength`.
fn parse_tag_and_length(bytes: &[u8], mut offset: usize) -> Result<(TagAndLength, usize), ()> {
    let b = *bytes.get(offset).ok_or(())?;
    offset += 1;
    let mut tag = TagAndLength {
        class: b >> 6,
        compound: b & 0x20 != 0,
        number: u32::from(b & 0x1f),
        length: 0,
    };
    if tag.number == 0x1f {
        let (number, next) = parse_base128_int(bytes, offset)?;
        offset = next;
        if number < 0x1f {
            return Err(());
        }
        tag.number = number;
    }
    let b = *bytes.get(offset).ok_or(())?;
    offset += 1;
    if b & 0x80 == 0 {
        tag.length = usize::from(b & 0x7f);
    } else {
        let count = b & 0x7f;
        if count == 0 {
            return Err(());
        }
        let mut length: usize = 0;
        for _ in 0..count {
            let b = *bytes.get(offset).ok_or(())?;
            offset += 1;
            if length >= 1 << 23 {
                return Err(());
            }
            length = (length << 8) | usize::from(b);
            if length == 0 {
                return Err(());
            }
        }
        if length < 0x80 {
            return Err(());
        }
        tag.length = length;
    }
    Ok((tag, offset))
}

/// Go's `parseBase128Int`: minimal, at most five bytes, at most 2^31 - 1.
fn parse_base128_int(bytes: &[u8], mut offset: usize) -> Result<(u32, usize), ()> {
    let mut value: i64 = 0;
    let mut shifted = 0;
    while offset < bytes.len() {
        if shifted == 5 {
            return Err(());
        }
        value <<= 7;
        let b = bytes[offset];
        if shifted == 0 && b == 0x80 {
            return Err(());
        }
        value |= i64::from(b & 0x7f);
        offset += 1;
        if b & 0x80 == 0 {
            return u32::try_from(value)
                .ok()
                .filter(|&v| v <= i32::MAX as u32)
                .map(|v| (v, offset))
                .ok_or(());
        }
        shifted += 1;
    }
    Err(())
}

/// Go's `parseObjectIdentifier`.
fn parse_object_identifier(bytes: &[u8]) -> Result<Vec<u32>, ()> {
    if bytes.is_empty() {
        return Err(());
    }
    let (first, mut offset) = parse_base128_int(bytes, 0)?;
    let mut arcs = if first < 80 {
        vec![first / 40, first % 40]
    } else {
        vec![2, first - 80]
    };
    while offset < bytes.len() {
        let (arc, next) = parse_base128_int(bytes, offset)?;
        arcs.push(arc);
        offset = next;
    }
    Ok(arcs)
}

/// Go's `checkInteger`.
fn check_integer(bytes: &[u8]) -> Result<(), ()> {
    match bytes {
        [] => Err(()),
        [0x00, second, ..] if second & 0x80 == 0 => Err(()),
        [0xff, second, ..] if second & 0x80 != 0 => Err(()),
        _ => Ok(()),
    }
}

/// Go's `parseInt64`.
fn parse_int64(bytes: &[u8]) -> Result<i64, ()> {
    check_integer(bytes)?;
    if bytes.len() > 8 {
        return Err(());
    }
    let mut value: i64 = if bytes[0] & 0x80 != 0 { -1 } else { 0 };
    for &b in bytes {
        value = (value << 8) | i64::from(b);
    }
    Ok(value)
}

/// Go's `parseBitString` (only validity matters here).
fn check_bit_string(bytes: &[u8]) -> Result<(), ()> {
    let (&padding, data) = bytes.split_first().ok_or(())?;
    if padding > 7
        || (data.is_empty() && padding > 0)
        || bytes[bytes.len() - 1] & ((1u8 << padding) - 1) != 0
    {
        return Err(());
    }
    Ok(())
}

/// `getUniversalType`: (match any, tag number, compound).
fn universal_type(kind: Kind) -> (bool, u32, bool) {
    match kind {
        Kind::Any => (true, 0, false),
        Kind::Int | Kind::BigInt => (false, TAG_NUMBER_INTEGER, false),
        Kind::Bytes => (false, TAG_NUMBER_OCTET_STRING, false),
        Kind::Oid => (false, TAG_NUMBER_OID, false),
        Kind::BitString => (false, TAG_NUMBER_BIT_STRING, false),
        Kind::Struct(_) | Kind::SequenceOf(_) => (false, TAG_NUMBER_SEQUENCE, true),
    }
}

/// Go's `parseField`, for the kinds above.
fn parse_field(bytes: &[u8], init_offset: usize, field: Field) -> Result<(usize, Value<'_>), ()> {
    let absent = || {
        if field.optional {
            Ok((init_offset, Value::Absent))
        } else {
            Err(())
        }
    };
    if init_offset == bytes.len() {
        return absent();
    }
    let (mut tag, mut offset) = parse_tag_and_length(bytes, init_offset)?;
    if let Some(explicit) = field.explicit {
        if offset == bytes.len() {
            return Err(());
        }
        if tag.class == CLASS_CONTEXT_SPECIFIC
            && tag.number == explicit
            && (tag.length == 0 || tag.compound)
        {
            if matches!(field.kind, Kind::Any) {
                // A RawValue takes the tagged element itself.
            } else if tag.length > 0 {
                (tag, offset) = parse_tag_and_length(bytes, offset)?;
            } else {
                // Only an asn1.Flag may be empty.
                return Err(());
            }
        } else {
            return absent();
        }
    }

    let (match_any, number, compound) = universal_type(field.kind);
    if !match_any
        && (tag.class != CLASS_UNIVERSAL || tag.number != number || tag.compound != compound)
    {
        return absent();
    }
    if offset + tag.length > bytes.len() {
        return Err(());
    }
    let inner = &bytes[offset..offset + tag.length];
    offset += tag.length;

    let value = match field.kind {
        Kind::Any => Value::Any(&bytes[init_offset..offset]),
        Kind::Oid => Value::Oid(parse_object_identifier(inner)?),
        Kind::BitString => {
            check_bit_string(inner)?;
            Value::BitString
        }
        Kind::BigInt => {
            check_integer(inner)?;
            Value::BigInt(inner)
        }
        Kind::Int => Value::Int(parse_int64(inner)?),
        Kind::Bytes => Value::Bytes(inner),
        Kind::Struct(fields) => {
            let mut values = Vec::with_capacity(fields.len());
            let mut inner_offset = 0;
            for field in fields {
                let (next, value) = parse_field(inner, inner_offset, *field)?;
                inner_offset = next;
                values.push(value);
            }
            // Trailing elements are allowed (X.509 grew by appending fields).
            Value::Struct(values)
        }
        Kind::SequenceOf(fields) => Value::SequenceOf(parse_sequence_of(inner, fields)?),
    };
    Ok((offset, value))
}

/// Go's `parseSequenceOf` for a slice of structs: every element must be a SEQUENCE.
fn parse_sequence_of<'a>(
    bytes: &'a [u8],
    fields: &'static [Field],
) -> Result<Vec<Vec<Value<'a>>>, ()> {
    let mut count = 0;
    let mut offset = 0;
    while offset < bytes.len() {
        let (tag, next) = parse_tag_and_length(bytes, offset)?;
        if tag.class != CLASS_UNIVERSAL || !tag.compound || tag.number != TAG_NUMBER_SEQUENCE {
            return Err(());
        }
        if next + tag.length > bytes.len() {
            return Err(());
        }
        offset = next + tag.length;
        count += 1;
    }
    let mut elements = Vec::with_capacity(count);
    let mut offset = 0;
    for _ in 0..count {
        let (next, value) = parse_field(bytes, offset, Field::required(Kind::Struct(fields)))?;
        offset = next;
        elements.push(value.into_struct());
    }
    Ok(elements)
}

// ---------------------------------------------------------------------------
// Unsigned big integers for RSA key validation, from num-bigint.

/// A non-negative integer; `Debug` shows only its size, since while a key is parsed it
/// may hold a private exponent or prime.
#[derive(Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub(crate) struct Nat(BigUint);

impl fmt::Debug for Nat {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Nat({} bits)", self.bit_len())
    }
}

impl Nat {
    fn from_u64(value: u64) -> Nat {
        Nat(BigUint::from(value))
    }

    fn from_be_bytes(bytes: &[u8]) -> Nat {
        Nat(BigUint::from_bytes_be(bytes))
    }

    fn from_hex(hex: &str) -> Nat {
        Nat(BigUint::parse_bytes(hex.as_bytes(), 16).expect("hex constant"))
    }

    fn is_zero(&self) -> bool {
        self.0.bits() == 0
    }

    fn bit_len(&self) -> usize {
        self.0.bits() as usize
    }

    fn is_odd(&self) -> bool {
        self.0.bit(0)
    }

    #[cfg(test)]
    fn add(&self, other: &Nat) -> Nat {
        Nat(&self.0 + &other.0)
    }

    /// `self - other`; callers ensure `self >= other`.
    fn sub(&self, other: &Nat) -> Nat {
        Nat(&self.0 - &other.0)
    }

    fn mul(&self, other: &Nat) -> Nat {
        Nat(&self.0 * &other.0)
    }

    /// `self mod modulus`; callers ensure `modulus` is not zero.
    fn rem(&self, modulus: &Nat) -> Nat {
        Nat(&self.0 % &modulus.0)
    }

    /// `self^exponent mod modulus`; callers ensure `modulus` is not zero.
    fn modpow(&self, exponent: &Nat, modulus: &Nat) -> Nat {
        Nat(self.0.modpow(&exponent.0, &modulus.0))
    }

    /// Go's `ModInverse` succeeds: `self` and `modulus` are coprime. Callers ensure
    /// `modulus` is not zero.
    fn is_invertible_mod(&self, modulus: &Nat) -> bool {
        self.0.modinv(&modulus.0).is_some()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nat_arithmetic() {
        let a = Nat::from_hex("123456789abcdef0123456789");
        let b = Nat::from_hex("fedcba987654321");
        let product = a.mul(&b);
        assert_eq!(product.rem(&a), Nat::from_u64(0));
        assert_eq!(product.rem(&b), Nat::from_u64(0));
        assert_eq!(product.add(&Nat::from_u64(5)).rem(&b), Nat::from_u64(5));
        assert_eq!(a.add(&b).sub(&b), a);
        assert_eq!(Nat::from_u64(1 << 40).bit_len(), 41);
        assert_eq!(Nat::from_be_bytes(&[0, 0, 1, 0]), Nat::from_u64(256));
        assert!(Nat::from_be_bytes(&[0, 0]).is_zero());
        assert_eq!(Nat::from_u64(100).rem(&Nat::from_u64(7)), Nat::from_u64(2));
    }

    #[test]
    fn curve_orders_match_the_crates() {
        for curve in &NAMED_CURVES {
            let order = Nat::from_hex(curve.order);
            let size = order.bit_len().div_ceil(8);
            let below = order.sub(&Nat::from_u64(1));
            let to_bytes = |n: &Nat| {
                let bytes = n.0.to_bytes_be();
                let mut out = vec![0u8; size - bytes.len()];
                out.extend(bytes);
                out
            };
            assert!(
                (curve.base_mult)(&to_bytes(&below)).is_some(),
                "{}",
                curve.name
            );
            assert!(
                (curve.base_mult)(&to_bytes(&order)).is_none(),
                "{}",
                curve.name
            );
        }
    }

    #[test]
    fn asn1_length_rules_follow_go() {
        let int = Field::required(Kind::Int);
        assert!(unmarshal(&[0x02, 0x01, 0x05], int).is_ok());
        // Long form for a short length, leading zero length byte, indefinite length.
        assert!(unmarshal(&[0x02, 0x81, 0x01, 0x05], int).is_err());
        assert!(unmarshal(&[0x02, 0x82, 0x00, 0x01, 0x05], int).is_err());
        assert!(unmarshal(&[0x02, 0x80, 0x05, 0x00, 0x00], int).is_err());
        // Non-minimal integer.
        assert!(unmarshal(&[0x02, 0x02, 0x00, 0x05], int).is_err());
        // Trailing data is returned, not refused.
        let (rest, _) = unmarshal(&[0x02, 0x01, 0x05, 0xaa], int).ok().unwrap();
        assert_eq!(rest, [0xaa]);
    }

    #[test]
    fn sec1_explicit_tag_quirks() {
        // version 1, empty scalar, [0] holding a NULL instead of an OID: the
        // optional field is skipped and its bytes left as trailing data.
        let der = [
            0x30, 0x09, 0x02, 0x01, 0x01, 0x04, 0x00, 0xa0, 0x02, 0x05, 0x00,
        ];
        let (_, value) = unmarshal(&der, Field::required(Kind::Struct(SEC1)))
            .ok()
            .unwrap();
        assert!(matches!(value.into_struct()[2], Value::Absent));
        // An empty explicit [0] is refused (it is not an asn1.Flag).
        let der = [0x30, 0x07, 0x02, 0x01, 0x01, 0x04, 0x00, 0xa0, 0x00];
        assert!(unmarshal(&der, Field::required(Kind::Struct(SEC1))).is_err());
    }

    #[derive(serde::Deserialize)]
    struct GoCase {
        name: String,
        cert: String,
        key_pem: String,
        result: String,
        encoding: String,
        key_type: String,
    }

    #[derive(serde::Deserialize)]
    struct GoCases {
        certificates: foldhash::HashMap<String, String>,
        cases: Vec<GoCase>,
    }

    /// Every pair in testdata/tls/keys/cases.json (written by gen.go from Go 1.19).
    #[test]
    fn x509_key_pair_agrees_with_go() {
        let path = concat!(env!("CARGO_MANIFEST_DIR"), "/testdata/tls/keys/cases.json");
        let text = std::fs::read_to_string(path).expect("cases.json");
        let go: GoCases = serde_json::from_str(&text).expect("cases.json parses");
        assert!(go.cases.len() > 400, "only {} cases", go.cases.len());
        let mut disagreements = Vec::new();
        for case in &go.cases {
            let cert_pem = &go.certificates[&case.cert];
            let ours =
                match x509_key_pair(cert_pem.as_bytes(), case.key_pem.as_bytes(), Go::GO_1_19) {
                    Ok(info) => {
                        let described = format!("{} {}", info.encoding.name(), info.key);
                        let expected = format!("{} {}", case.encoding, case.key_type);
                        if described != expected {
                            disagreements
                                .push(format!("{}: info {described}, go {expected}", case.name));
                        }
                        "ok".to_string()
                    }
                    Err(e) => e.to_string(),
                };
            if ours != case.result {
                disagreements.push(format!(
                    "{}:\n   go: {}\n  ours: {ours}",
                    case.name, case.result
                ));
            }
            let key_block = pem::decode_all(case.key_pem.as_bytes())
                .into_iter()
                .find(|b| is_private_key_type(&b.kind));
            let parsed = key_block
                .and_then(|b| parse_private_key_for(&b.bytes, Go::GO_1_19))
                .map(|k| format!("{} {}", k.encoding().name(), k.algorithm()))
                .unwrap_or_else(|| " ".to_string());
            let expected = format!("{} {}", case.encoding, case.key_type);
            if parsed != expected {
                disagreements.push(format!(
                    "{}: parsePrivateKey go {expected:?}, ours {parsed:?}",
                    case.name
                ));
            }
        }
        assert!(
            disagreements.is_empty(),
            "{} disagreements:\n{}",
            disagreements.len(),
            disagreements.join("\n")
        );
    }

    /// Identities stand in for `compare` in lookups: equal exactly when it says Matches.
    #[test]
    fn key_identities_are_equal_exactly_when_compare_matches() {
        let path = concat!(env!("CARGO_MANIFEST_DIR"), "/testdata/tls/keys/cases.json");
        let text = std::fs::read_to_string(path).expect("cases.json");
        let go: GoCases = serde_json::from_str(&text).expect("cases.json parses");
        let certificates: Vec<Certificate> = go
            .certificates
            .values()
            .flat_map(|pem_text| pem::decode_all(pem_text.as_bytes()))
            .filter_map(|block| cert::parse_der(&block.bytes, Go::GO_1_19).ok())
            .collect();
        let keys: Vec<PrivateKey> = go
            .cases
            .iter()
            .flat_map(|case| pem::decode_all(case.key_pem.as_bytes()))
            .filter_map(|block| parse_private_key_for(&block.bytes, Go::GO_1_19))
            .collect();
        assert!(certificates.len() > 5 && keys.len() > 100);
        let mut matches = 0;
        for key in &keys {
            for certificate in &certificates {
                let compared = key.compare(certificate, Go::GO_1_19) == KeyMatch::Matches;
                let identified = KeyIdentity::of_key(key).is_some()
                    && KeyIdentity::of_key(key) == KeyIdentity::of_certificate(certificate);
                assert_eq!(compared, identified, "{key:?}");
                matches += usize::from(compared);
            }
        }
        assert!(matches > 10, "only {matches} matching pairs");
    }

    #[test]
    fn describe_key_names_the_matching_certificate() {
        let ca = include_bytes!("../../testdata/tls/cli/ca.pem");
        let leaf = include_bytes!("../../testdata/tls/cli/server.pem");
        let key_pem = include_bytes!("../../testdata/tls/cli/server.key");
        let parse = |pem_text: &[u8]| {
            cert::parse_der(&pem::decode_all(pem_text)[0].bytes, Go::GO_1_19).unwrap()
        };
        let (ca, leaf) = (parse(ca), parse(leaf));
        let block = &pem::decode_all(key_pem)[0];
        let described = describe_key(block, &[&ca, &leaf], Go::GO_1_19);
        assert_eq!(described.pem_type, "RSA PRIVATE KEY");
        assert_eq!(described.algorithm, Some(KeyAlgorithm::Rsa { bits: 2048 }));
        assert_eq!(described.encoding, Some(KeyEncoding::Pkcs1));
        assert_eq!(described.matches, Some(1));
        assert_eq!(describe_key(block, &[&ca], Go::GO_1_19).matches, None);

        let info = x509_key_pair(
            include_bytes!("../../testdata/tls/cli/server.pem"),
            key_pem,
            Go::GO_1_19,
        )
        .unwrap();
        assert_eq!(info.leaf_subject, "CN=webhook.system.svc");
        assert_eq!(info.certificates, 1);
        // Nothing printable about a key pair carries the key.
        let body: String = String::from_utf8_lossy(key_pem)
            .lines()
            .nth(1)
            .unwrap()
            .to_string();
        for text in [
            format!("{info:?}"),
            format!("{described:?}"),
            format!("{:?}", parse_private_key_for(&block.bytes, Go::GO_1_19)),
        ] {
            assert!(!text.contains(&body[..20]), "{text}");
        }
    }

    #[test]
    fn debug_output_names_only_the_type() {
        let key = PrivateKey {
            public: PublicHalf::Ed25519 { public: [7; 32] },
            encoding: KeyEncoding::Pkcs8,
        };
        assert_eq!(format!("{key:?}"), "PrivateKey(Ed25519, PKCS#8)");
    }

    /// A key Go 1.24 would spend seconds on (a P of 9000 bits, no CRT values) is refused
    /// before the exponentiation.
    #[test]
    fn huge_primes_are_not_exponentiated() {
        let p = Nat(BigUint::from(1u8) << 9000u32).sub(&Nat::from_u64(1));
        let q = Nat::from_u64(3);
        let modulus = p.mul(&q);
        let key = RsaKey {
            private_exponent: modulus.sub(&Nat::from_u64(2)),
            modulus,
            public_exponent: 65537,
            primes: vec![p, q],
        };
        assert!(key.computed_crt().is_none());
        assert!(!key.passes_go_1_24_checks(None, Go::new(24, 11, 24)));
    }

    /// Go versions on each side of every key-pair switch.
    const KEY_GOS: [Go; 5] = [
        Go::GO_1_19,
        Go::new(23, 9, 22),
        Go::new(24, 11, 23),
        Go::new(24, 11, 24),
        Go::new(26, 6, 26),
    ];

    /// The (certificate, key) PEM pairs of cases.json.
    fn key_pair_fixtures() -> &'static [(String, String)] {
        static FIXTURES: std::sync::OnceLock<Vec<(String, String)>> = std::sync::OnceLock::new();
        FIXTURES.get_or_init(|| {
            let path = concat!(env!("CARGO_MANIFEST_DIR"), "/testdata/tls/keys/cases.json");
            let text = std::fs::read_to_string(path).expect("cases.json");
            let go: GoCases = serde_json::from_str(&text).expect("cases.json parses");
            go.cases
                .iter()
                .map(|case| (go.certificates[&case.cert].clone(), case.key_pem.clone()))
                .collect()
        })
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(
            std::env::var("PROPTEST_CASES").ok().and_then(|v| v.parse().ok()).unwrap_or(64)
        ))]

        /// Keys of every kind with a few bytes changed (mostly inside their integers, so
        /// the RSA and EC checks run) never make any Go's key checks panic.
        #[test]
        fn mutated_keys_never_panic(
            fixture in proptest::prelude::any::<proptest::sample::Index>(),
            edits in proptest::collection::vec(
                (proptest::prelude::any::<proptest::sample::Index>(), proptest::prelude::any::<u8>()),
                1..6,
            ),
        ) {
            let fixtures = key_pair_fixtures();
            let (cert_pem, key_pem) = &fixtures[fixture.index(fixtures.len())];
            let Some(block) = pem::decode_all(key_pem.as_bytes())
                .into_iter()
                .find(|b| is_private_key_type(&b.kind))
            else {
                return Ok(());
            };
            let mut der = block.bytes.clone();
            if der.is_empty() {
                return Ok(());
            }
            for (at, byte) in &edits {
                let at = at.index(der.len());
                der[at] = *byte;
            }
            let leaf = pem::decode_all(cert_pem.as_bytes())
                .into_iter()
                .find(|b| b.kind == "CERTIFICATE")
                .and_then(|b| cert::parse_der(&b.bytes, Go::GO_1_19).ok());
            for go in KEY_GOS {
                let key = parse_private_key_expecting(
                    &der,
                    leaf.as_ref().map(|l| l.public_key_bytes.as_slice()),
                    go,
                );
                if let (Ok(key), Some(leaf)) = (key, &leaf) {
                    let _ = key.compare(leaf, go);
                }
            }
        }
    }
}
