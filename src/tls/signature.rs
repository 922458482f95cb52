//! Signatures as Go's `crypto/x509` checks them (`CheckSignatureFrom`, `checkSignature`):
//! whether a parent may sign, the algorithm and hash, and RSA (PKCS #1 v1.5 and PSS),
//! ECDSA and Ed25519 verification, with num-bigint for RSA's
//! arithmetic (Go's `big.Int.Exp`), ring then the RustCrypto curves for ECDSA.

use std::fmt;

use num_bigint::BigUint;
use sha2::{Digest, Sha256, Sha384, Sha512};

use super::cert::{key_usage, Certificate, PublicKeyAlgorithm};
use super::der::{self, Reader, TAG_INTEGER, TAG_SEQUENCE};
use super::go::Go;

/// Why `CheckSignatureFrom` failed. `Display` is Go's text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SignatureError {
    /// The parent is not a CA, or its KeyUsage lacks keyCertSign.
    ParentCannotSign,
    /// MD5 or SHA-1 (Go >= 1.18 refuses them); before Go 1.24 the SHA-1 message names
    /// the GODEBUG that re-enabled it.
    InsecureAlgorithm {
        algorithm: String,
        godebug_hint: bool,
    },
    /// Unknown or unsupported signature or key algorithm (DSA, MD2, bad PSS parameters).
    UnsupportedAlgorithm,
    /// The signature algorithm names another key type than the parent's.
    KeyTypeMismatch {
        expected: &'static str,
        actual: &'static str,
    },
    /// The signature does not verify; `message` is Go's.
    BadSignature { message: &'static str },
    /// Go 1.24 (GODEBUG rsa1024min) refuses RSA keys under 1024 bits.
    RsaKeyTooSmall { bits: usize },
}

impl fmt::Display for SignatureError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SignatureError::ParentCannotSign => f.write_str(
                "x509: invalid signature: parent certificate cannot sign this kind of certificate",
            ),
            SignatureError::InsecureAlgorithm {
                algorithm,
                godebug_hint,
            } => {
                write!(
                    f,
                    "x509: cannot verify signature: insecure algorithm {algorithm}"
                )?;
                if *godebug_hint && (algorithm == "SHA1-RSA" || algorithm == "ECDSA-SHA1") {
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
            SignatureError::RsaKeyTooSmall { bits } => write!(
                f,
                "crypto/rsa: {bits}-bit keys are insecure (see https://go.dev/pkg/crypto/rsa#hdr-Minimum_key_size)"
            ),
        }
    }
}

/// `go`'s `(*Certificate).CheckSignatureFrom(parent)`.
pub(crate) fn check_signature_from(
    child: &Certificate,
    parent: &Certificate,
    go: Go,
) -> Result<(), SignatureError> {
    // RFC 5280 4.2.1.9: a v3 parent must assert CA; v1/v2 parents are trusted as is.
    if (parent.version == 3 && !parent.basic_constraints_valid)
        || (parent.basic_constraints_valid && !parent.is_ca)
    {
        return Err(SignatureError::ParentCannotSign);
    }
    if parent.key_usage != 0 && parent.key_usage & key_usage::CERT_SIGN == 0 {
        return Err(SignatureError::ParentCannotSign);
    }
    if parent.public_key.algorithm == PublicKeyAlgorithm::Unknown {
        return Err(SignatureError::UnsupportedAlgorithm);
    }
    check_signature(
        &child.signature_algorithm.name,
        child.raw_tbs(),
        &child.signature_value,
        parent,
        go,
    )
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Hash {
    Sha256,
    Sha384,
    Sha512,
}

impl Hash {
    fn digest(self, data: &[u8]) -> Vec<u8> {
        match self {
            Hash::Sha256 => Sha256::digest(data).to_vec(),
            Hash::Sha384 => Sha384::digest(data).to_vec(),
            Hash::Sha512 => Sha512::digest(data).to_vec(),
        }
    }

    fn digest_parts(self, parts: &[&[u8]]) -> Vec<u8> {
        fn run<D: Digest>(parts: &[&[u8]]) -> Vec<u8> {
            let mut hasher = D::new();
            for part in parts {
                hasher.update(part);
            }
            hasher.finalize().to_vec()
        }
        match self {
            Hash::Sha256 => run::<Sha256>(parts),
            Hash::Sha384 => run::<Sha384>(parts),
            Hash::Sha512 => run::<Sha512>(parts),
        }
    }

    fn size(self) -> usize {
        match self {
            Hash::Sha256 => 32,
            Hash::Sha384 => 48,
            Hash::Sha512 => 64,
        }
    }

    /// The DER DigestInfo prefix of PKCS #1 v1.5 signatures.
    fn pkcs1_prefix(self) -> &'static [u8] {
        match self {
            Hash::Sha256 => &[
                0x30, 0x31, 0x30, 0x0d, 0x06, 0x09, 0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02,
                0x01, 0x05, 0x00, 0x04, 0x20,
            ],
            Hash::Sha384 => &[
                0x30, 0x41, 0x30, 0x0d, 0x06, 0x09, 0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02,
                0x02, 0x05, 0x00, 0x04, 0x30,
            ],
            Hash::Sha512 => &[
                0x30, 0x51, 0x30, 0x0d, 0x06, 0x09, 0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02,
                0x03, 0x05, 0x00, 0x04, 0x40,
            ],
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Scheme {
    Pkcs1v15,
    Pss,
    Ecdsa,
    Ed25519,
    Dsa,
}

/// Go's `checkSignature(algo, signed, signature, parentKey, allowSHA1=false)`.
fn check_signature(
    algorithm: &str,
    signed: &[u8],
    signature: &[u8],
    parent: &Certificate,
    go: Go,
) -> Result<(), SignatureError> {
    let insecure = || SignatureError::InsecureAlgorithm {
        algorithm: algorithm.to_string(),
        godebug_hint: !go.lost_x509sha1(),
    };
    let (hash, scheme) = match algorithm {
        "MD5-RSA" | "SHA1-RSA" | "DSA-SHA1" | "ECDSA-SHA1" => return Err(insecure()),
        "SHA256-RSA" => (Some(Hash::Sha256), Scheme::Pkcs1v15),
        "SHA384-RSA" => (Some(Hash::Sha384), Scheme::Pkcs1v15),
        "SHA512-RSA" => (Some(Hash::Sha512), Scheme::Pkcs1v15),
        "SHA256-RSAPSS" => (Some(Hash::Sha256), Scheme::Pss),
        "SHA384-RSAPSS" => (Some(Hash::Sha384), Scheme::Pss),
        "SHA512-RSAPSS" => (Some(Hash::Sha512), Scheme::Pss),
        "DSA-SHA256" => (Some(Hash::Sha256), Scheme::Dsa),
        "ECDSA-SHA256" => (Some(Hash::Sha256), Scheme::Ecdsa),
        "ECDSA-SHA384" => (Some(Hash::Sha384), Scheme::Ecdsa),
        "ECDSA-SHA512" => (Some(Hash::Sha512), Scheme::Ecdsa),
        "Ed25519" => (None, Scheme::Ed25519),
        // MD2 and unknown algorithms have no hash Go can compute.
        _ => return Err(SignatureError::UnsupportedAlgorithm),
    };
    let expected_key = match scheme {
        Scheme::Pkcs1v15 | Scheme::Pss => "RSA",
        Scheme::Ecdsa => "ECDSA",
        Scheme::Ed25519 => "Ed25519",
        Scheme::Dsa => "DSA",
    };
    let mismatch = |actual: &'static str| SignatureError::KeyTypeMismatch {
        expected: expected_key,
        actual,
    };
    let digest = hash.map(|h| h.digest(signed));
    let bad = |message: &'static str| SignatureError::BadSignature { message };

    match parent.public_key.algorithm {
        PublicKeyAlgorithm::Rsa => {
            let (Some(hash), Some(digest)) = (hash, digest.as_deref()) else {
                return Err(mismatch("*rsa.PublicKey"));
            };
            let Some((modulus, exponent)) = rsa_key(parent) else {
                return Err(SignatureError::UnsupportedAlgorithm);
            };
            if !matches!(scheme, Scheme::Pkcs1v15 | Scheme::Pss) {
                return Err(mismatch("*rsa.PublicKey"));
            }
            let bits = modulus.len() * 8 - modulus[0].leading_zeros() as usize;
            if go.rsa_min_bits().is_some_and(|min| bits < min) {
                return Err(SignatureError::RsaKeyTooSmall { bits });
            }
            // Go 1.20's bigmod refuses a signature that is not below the modulus.
            if go.refuses_unreduced_rsa_signatures()
                && BigUint::from_bytes_be(signature) >= BigUint::from_bytes_be(modulus)
            {
                return Err(bad("crypto/rsa: verification error"));
            }
            let verified = match scheme {
                Scheme::Pkcs1v15 => rsa_verify_pkcs1v15(modulus, exponent, hash, digest, signature),
                _ => rsa_verify_pss(modulus, exponent, hash, digest, signature),
            };
            if verified {
                Ok(())
            } else {
                Err(bad("crypto/rsa: verification error"))
            }
        }
        PublicKeyAlgorithm::Ecdsa => {
            let (Scheme::Ecdsa, Some(hash), Some(digest)) = (scheme, hash, digest.as_deref())
            else {
                return Err(mismatch("*ecdsa.PublicKey"));
            };
            if ecdsa_verify(parent, hash, signed, digest, signature) {
                Ok(())
            } else {
                Err(bad("x509: ECDSA verification failure"))
            }
        }
        PublicKeyAlgorithm::Ed25519 => {
            if scheme != Scheme::Ed25519 {
                return Err(mismatch("ed25519.PublicKey"));
            }
            if ed25519_verify(&parent.public_key_bytes, signed, signature) {
                Ok(())
            } else {
                Err(bad("x509: Ed25519 verification failure"))
            }
        }
        // Go parses DSA keys but cannot verify with them.
        PublicKeyAlgorithm::Dsa | PublicKeyAlgorithm::Unknown => {
            Err(SignatureError::UnsupportedAlgorithm)
        }
    }
}

/// The modulus (big-endian, no leading zeros) and exponent of an RSA key.
pub(super) fn rsa_key(c: &Certificate) -> Option<(&[u8], u64)> {
    let mut outer = Reader::new(&c.public_key_bytes);
    let mut key = Reader::new(outer.read(TAG_SEQUENCE)?);
    let modulus = key.read(TAG_INTEGER)?;
    let exponent = u64::try_from(key.read_i64()?).ok()?;
    let first_significant = modulus.iter().position(|&b| b != 0)?;
    Some((&modulus[first_significant..], exponent))
}

/// Go 1.19's `rsa.VerifyPKCS1v15`.
fn rsa_verify_pkcs1v15(
    modulus: &[u8],
    exponent: u64,
    hash: Hash,
    digest: &[u8],
    signature: &[u8],
) -> bool {
    let prefix = hash.pkcs1_prefix();
    let t_len = prefix.len() + digest.len();
    let k = modulus.len();
    if k < t_len + 11 || signature.len() != k {
        return false;
    }
    let Some(em) = rsa_public(signature, exponent, modulus, k) else {
        return false;
    };
    em[0] == 0
        && em[1] == 1
        && em[k - digest.len()..] == *digest
        && em[k - t_len..k - digest.len()] == *prefix
        && em[k - t_len - 1] == 0
        && em[2..k - t_len - 1].iter().all(|&b| b == 0xff)
}

/// Go 1.19's `rsa.VerifyPSS` with the salt as long as the hash.
fn rsa_verify_pss(
    modulus: &[u8],
    exponent: u64,
    hash: Hash,
    digest: &[u8],
    signature: &[u8],
) -> bool {
    let k = modulus.len();
    if signature.len() != k {
        return false;
    }
    let modulus_bits = k * 8 - modulus[0].leading_zeros() as usize;
    let em_bits = modulus_bits - 1;
    let em_len = em_bits.div_ceil(8);
    // The encoded message must fit in em_len bytes: drop the leading zero byte, if any.
    let Some(full) = rsa_public(signature, exponent, modulus, k) else {
        return false;
    };
    if full[..k - em_len].iter().any(|&b| b != 0) {
        return false;
    }
    let mut em = full[k - em_len..].to_vec();

    let h_len = hash.size();
    let s_len = h_len;
    if em_len < h_len + s_len + 2 || em[em_len - 1] != 0xbc {
        return false;
    }
    let bit_mask = 0xffu8 >> (8 * em_len - em_bits);
    if em[0] & !bit_mask != 0 {
        return false;
    }
    let (db, rest) = em.split_at_mut(em_len - h_len - 1);
    let h = &rest[..h_len];
    mgf1_xor(db, hash, h);
    db[0] &= bit_mask;
    let ps_len = em_len - h_len - s_len - 2;
    if db[..ps_len].iter().any(|&b| b != 0) || db[ps_len] != 0x01 {
        return false;
    }
    let salt = &db[db.len() - s_len..];
    let expected = hash.digest_parts(&[&[0u8; 8], digest, salt]);
    expected == h
}

fn mgf1_xor(out: &mut [u8], hash: Hash, seed: &[u8]) {
    let mut counter: u32 = 0;
    let mut done = 0;
    while done < out.len() {
        let block = hash.digest_parts(&[seed, &counter.to_be_bytes()]);
        for b in block {
            if done == out.len() {
                break;
            }
            out[done] ^= b;
            done += 1;
        }
        counter += 1;
    }
}

/// Verifies with one of the NIST curve crates; `scalars` is r then s, each padded
/// to the curve's scalar size. The crates truncate a longer digest to the order's
/// size and reduce it, as Go's `hashToInt` does.
macro_rules! ecdsa_verify_with {
    ($curve:ident, $point:expr, $digest:expr, $scalars:expr) => {{
        use $curve::ecdsa::signature::hazmat::PrehashVerifier;
        match (
            $curve::ecdsa::Signature::from_slice($scalars),
            $curve::ecdsa::VerifyingKey::from_sec1_bytes($point),
        ) {
            (Ok(signature), Ok(key)) => key.verify_prehash($digest, &signature).is_ok(),
            _ => false,
        }
    }};
}

/// ring's ECDSA (ASN.1 signatures), several times faster than the RustCrypto crates, for
/// the curve and hash pairs it has. It only ever confirms: what it refuses, or does not cover, the exact
/// path decides, so Go's verdict never depends on it.
fn ring_accepts(
    curve: Option<&str>,
    hash: Hash,
    point: &[u8],
    message: &[u8],
    signature: &[u8],
) -> bool {
    use ring::signature as ring;
    let algorithm: &'static ring::EcdsaVerificationAlgorithm = match (curve, hash) {
        (Some("P-256"), Hash::Sha256) => &ring::ECDSA_P256_SHA256_ASN1,
        (Some("P-256"), Hash::Sha384) => &ring::ECDSA_P256_SHA384_ASN1,
        (Some("P-384"), Hash::Sha256) => &ring::ECDSA_P384_SHA256_ASN1,
        (Some("P-384"), Hash::Sha384) => &ring::ECDSA_P384_SHA384_ASN1,
        _ => return false,
    };
    ring::UnparsedPublicKey::new(algorithm, point)
        .verify(message, signature)
        .is_ok()
}

/// Go's `ecdsa.VerifyASN1`: a strict DER SEQUENCE of two positive INTEGERs below
/// the group order, then ECDSA with the digest truncated to the order's size.
fn ecdsa_verify(
    parent: &Certificate,
    hash: Hash,
    message: &[u8],
    digest: &[u8],
    signature: &[u8],
) -> bool {
    let mut input = Reader::new(signature);
    let Some(inner) = input.read(TAG_SEQUENCE) else {
        return false;
    };
    if !input.is_empty() {
        return false;
    }
    let mut inner = Reader::new(inner);
    let (Some(r), Some(s)) = (inner.read(TAG_INTEGER), inner.read(TAG_INTEGER)) else {
        return false;
    };
    if !inner.is_empty() || !der::valid_integer(r) || !der::valid_integer(s) {
        return false;
    }
    let point = parent.public_key_bytes.as_slice();
    let curve = parent.public_key.curve;
    let scalar_len = match curve {
        Some("P-224") => 28,
        Some("P-256") => 32,
        Some("P-384") => 48,
        Some("P-521") => 66,
        _ => return false,
    };
    let Some(scalars) = padded_scalars(r, s, scalar_len) else {
        return false;
    };
    // The DER was checked above as strictly as Go reads it; ring accepts no more.
    if ring_accepts(curve, hash, point, message, signature) {
        return true;
    }
    match scalar_len {
        28 => ecdsa_verify_with!(p224, point, digest, &scalars),
        32 => ecdsa_verify_with!(p256, point, digest, &scalars),
        48 => ecdsa_verify_with!(p384, point, digest, &scalars),
        _ => ecdsa_verify_with!(p521, point, digest, &scalars),
    }
}

/// r and s, each left-padded to `scalar_len`; `None` when negative or too long.
fn padded_scalars(r: &[u8], s: &[u8], scalar_len: usize) -> Option<Vec<u8>> {
    let mut scalars = vec![0u8; 2 * scalar_len];
    for (value, slot) in [(r, 0), (s, scalar_len)] {
        if value[0] & 0x80 != 0 {
            return None;
        }
        let value = &value[value.iter().position(|&b| b != 0).unwrap_or(value.len())..];
        if value.len() > scalar_len {
            return None;
        }
        scalars[slot + scalar_len - value.len()..slot + scalar_len].copy_from_slice(value);
    }
    Some(scalars)
}

/// Go's `ed25519.Verify`: canonical S, cofactorless check, R compared as bytes.
fn ed25519_verify(public_key: &[u8], message: &[u8], signature: &[u8]) -> bool {
    use ed25519_dalek::Verifier as _;
    let (Ok(key), Ok(signature)) = (
        <[u8; 32]>::try_from(public_key),
        <[u8; 64]>::try_from(signature),
    ) else {
        return false;
    };
    if signature[63] & 224 != 0 {
        return false;
    }
    let Ok(key) = ed25519_dalek::VerifyingKey::from_bytes(&key) else {
        return false;
    };
    key.verify(message, &ed25519_dalek::Signature::from_bytes(&signature))
        .is_ok()
}

/// `base^exponent mod modulus` as Go 1.19's `rsa.encrypt` computes it (`big.Int.Exp`: any
/// positive modulus, even or odd, and the base not reduced first), big-endian and
/// left-padded to `len` bytes. `None` for a zero modulus or a result longer than `len`.
fn rsa_public(base: &[u8], exponent: u64, modulus: &[u8], len: usize) -> Option<Vec<u8>> {
    let modulus = BigUint::from_bytes_be(modulus);
    if modulus.bits() == 0 {
        return None;
    }
    let result = BigUint::from_bytes_be(base).modpow(&BigUint::from(exponent), &modulus);
    let bytes = if result.bits() == 0 {
        Vec::new()
    } else {
        result.to_bytes_be()
    };
    let mut out = vec![0u8; len.checked_sub(bytes.len())?];
    out.extend_from_slice(&bytes);
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn modular_exponentiation() {
        // 4^13 mod 497 = 445 (the classic textbook example).
        assert_eq!(
            rsa_public(&[4], 13, &[0x01, 0xf1], 2),
            Some(vec![0x01, 0xbd])
        );
        assert_eq!(rsa_public(&[5], 3, &[1], 1), Some(vec![0]));
        // The base is not reduced first, and an even modulus is fine, as with big.Int.Exp.
        assert_eq!(
            rsa_public(&[0xff, 0xff], 1, &[0x01, 0x00], 1),
            Some(vec![0xff])
        );
        assert_eq!(rsa_public(&[2], 10, &[0x10, 0x00], 1), None);
        assert_eq!(rsa_public(&[2], 3, &[0], 1), None);
    }

    /// The fast path only ever says yes to what the exact path accepts.
    #[test]
    fn the_fast_ecdsa_path_refuses_what_it_does_not_cover() {
        assert!(!ring_accepts(
            Some("P-521"),
            Hash::Sha256,
            &[4; 133],
            b"m",
            &[1; 132]
        ));
        assert!(!ring_accepts(
            Some("P-256"),
            Hash::Sha512,
            &[4; 65],
            b"m",
            &[1; 64]
        ));
        assert!(!ring_accepts(
            Some("P-256"),
            Hash::Sha256,
            &[4; 65],
            b"m",
            &[1; 64]
        ));
    }
}
