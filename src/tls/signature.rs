//! Signatures as Go's `crypto/x509` checks them (`CheckSignatureFrom`, `checkSignature`):
//! whether a parent may sign, the algorithm and hash, and RSA (PKCS #1 v1.5 and PSS),
//! ECDSA and Ed25519 verification, with the arithmetic RSA needs.

use sha2::{Digest, Sha256, Sha384, Sha512};

use super::cert::{key_usage, Certificate, PublicKeyAlgorithm};
use super::der::{self, Reader, TAG_INTEGER, TAG_SEQUENCE};
use super::verify::SignatureError;

/// Go's `(*Certificate).CheckSignatureFrom(parent)`.
pub(crate) fn check_signature_from(
    child: &Certificate,
    parent: &Certificate,
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
        &child.raw_tbs,
        &child.signature_value,
        parent,
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
) -> Result<(), SignatureError> {
    let insecure = || SignatureError::InsecureAlgorithm {
        algorithm: algorithm.to_string(),
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
            let verified = match scheme {
                Scheme::Pkcs1v15 => rsa_verify_pkcs1v15(modulus, exponent, hash, digest, signature),
                Scheme::Pss => rsa_verify_pss(modulus, exponent, hash, digest, signature),
                _ => return Err(mismatch("*rsa.PublicKey")),
            };
            if verified {
                Ok(())
            } else {
                Err(bad("crypto/rsa: verification error"))
            }
        }
        PublicKeyAlgorithm::Ecdsa => {
            let (Scheme::Ecdsa, Some(digest)) = (scheme, digest.as_deref()) else {
                return Err(mismatch("*ecdsa.PublicKey"));
            };
            if ecdsa_verify(parent, digest, signature) {
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
    let Some(em) = bigint::rsa_public(signature, exponent, modulus, k) else {
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
    let Some(full) = bigint::rsa_public(signature, exponent, modulus, k) else {
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

/// Go's `ecdsa.VerifyASN1`: a strict DER SEQUENCE of two positive INTEGERs below
/// the group order, then ECDSA with the digest truncated to the order's size.
fn ecdsa_verify(parent: &Certificate, digest: &[u8], signature: &[u8]) -> bool {
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
    let scalar_len = match parent.public_key.curve {
        Some("P-256") => 32,
        Some("P-384") => 48,
        Some("P-521") => 66,
        // P-224 keys parse in Go but no P-224 implementation is linked here.
        _ => return false,
    };
    let Some(scalars) = padded_scalars(r, s, scalar_len) else {
        return false;
    };
    match scalar_len {
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

/// Just enough unsigned arithmetic for RSA public-key operations: Go applies
/// `s^e mod n` to any positive modulus and exponent, so a general-purpose
/// routine (schoolbook multiplication, Knuth's division) is used rather than one
/// that assumes an odd modulus or a bounded exponent.
pub(crate) mod bigint {
    /// Little-endian 64-bit limbs without trailing zero limbs (zero is empty).
    pub(crate) type Nat = Vec<u64>;

    const LIMB_BITS: u32 = 64;
    const LOW_MASK: u128 = u64::MAX as u128;

    fn normalize(mut a: Nat) -> Nat {
        while a.last() == Some(&0) {
            a.pop();
        }
        a
    }

    pub(crate) fn from_be_bytes(bytes: &[u8]) -> Nat {
        let limbs = bytes
            .rchunks(8)
            .map(|chunk| chunk.iter().fold(0u64, |acc, &b| (acc << 8) | u64::from(b)))
            .collect();
        normalize(limbs)
    }

    /// Big-endian, left-padded to `len` bytes; `None` if it does not fit.
    fn to_be_bytes(a: &Nat, len: usize) -> Option<Vec<u8>> {
        let mut out = vec![0u8; len];
        for (i, limb) in a.iter().enumerate() {
            for (j, byte) in limb.to_le_bytes().into_iter().enumerate() {
                let position = 8 * i + j;
                if position >= len {
                    if byte != 0 {
                        return None;
                    }
                    continue;
                }
                out[len - 1 - position] = byte;
            }
        }
        Some(out)
    }

    fn mul(a: &Nat, b: &Nat) -> Nat {
        if a.is_empty() || b.is_empty() {
            return Vec::new();
        }
        let mut out = vec![0u64; a.len() + b.len()];
        for (i, &x) in a.iter().enumerate() {
            let mut carry = 0u128;
            for (j, &y) in b.iter().enumerate() {
                let t = u128::from(out[i + j]) + u128::from(x) * u128::from(y) + carry;
                out[i + j] = t as u64;
                carry = t >> LIMB_BITS;
            }
            out[i + b.len()] = carry as u64;
        }
        normalize(out)
    }

    /// Quotient and remainder by a single limb.
    pub(crate) fn div_small(a: &Nat, divisor: u64) -> (Nat, u64) {
        let mut quotient = vec![0u64; a.len()];
        let mut remainder = 0u128;
        for i in (0..a.len()).rev() {
            let current = (remainder << LIMB_BITS) | u128::from(a[i]);
            quotient[i] = (current / u128::from(divisor)) as u64;
            remainder = current % u128::from(divisor);
        }
        (normalize(quotient), remainder as u64)
    }

    fn less_than(a: &Nat, b: &Nat) -> bool {
        a.len() < b.len() || (a.len() == b.len() && a.iter().rev().lt(b.iter().rev()))
    }

    /// `u mod v` for non-zero `v` (Knuth, TAOCP vol. 2, 4.3.1, algorithm D).
    pub(crate) fn rem(u: &Nat, v: &Nat) -> Nat {
        if less_than(u, v) {
            return u.clone();
        }
        if v.len() == 1 {
            return normalize(vec![div_small(u, v[0]).1]);
        }
        let n = v.len();
        let shift = v[n - 1].leading_zeros();
        let shl = |x: &Nat, extra: usize| -> Nat {
            let mut out = vec![0u64; x.len() + extra];
            for (i, &limb) in x.iter().enumerate() {
                out[i] |= limb << shift;
                if shift > 0 && i + 1 < out.len() {
                    out[i + 1] |= limb >> (LIMB_BITS - shift);
                }
            }
            out
        };
        let vn = shl(v, 0);
        let mut un = shl(u, 1);
        let m = u.len() - n;
        let base = 1u128 << LIMB_BITS;
        let top = u128::from(vn[n - 1]);
        for j in (0..=m).rev() {
            let numerator = (u128::from(un[j + n]) << LIMB_BITS) | u128::from(un[j + n - 1]);
            let mut qhat = numerator / top;
            let mut rhat = numerator % top;
            // qhat <= base + 1, so the product below cannot overflow once qhat < base.
            while qhat >= base
                || qhat * u128::from(vn[n - 2]) > ((rhat << LIMB_BITS) | u128::from(un[j + n - 2]))
            {
                qhat -= 1;
                rhat += top;
                if rhat >= base {
                    break;
                }
            }
            // Multiply and subtract.
            let mut borrow: i128 = 0;
            for i in 0..n {
                let product = qhat * u128::from(vn[i]);
                let t = i128::from(un[i + j]) - borrow - (product & LOW_MASK) as i128;
                un[i + j] = t as u64;
                borrow = (product >> LIMB_BITS) as i128 - (t >> LIMB_BITS);
            }
            let t = i128::from(un[j + n]) - borrow;
            un[j + n] = t as u64;
            if t < 0 {
                // qhat was one too large: add the divisor back.
                let mut carry = 0u128;
                for i in 0..n {
                    let sum = u128::from(un[i + j]) + u128::from(vn[i]) + carry;
                    un[i + j] = sum as u64;
                    carry = sum >> LIMB_BITS;
                }
                un[j + n] = un[j + n].wrapping_add(carry as u64);
            }
        }
        // Undo the normalisation shift on the remainder (the low n limbs).
        let mut remainder = vec![0u64; n];
        for i in 0..n {
            remainder[i] = un[i] >> shift;
            if shift > 0 {
                remainder[i] |= un[i + 1] << (LIMB_BITS - shift);
            }
        }
        normalize(remainder)
    }

    fn mul_mod(a: &Nat, b: &Nat, modulus: &Nat) -> Nat {
        rem(&mul(a, b), modulus)
    }

    /// `base^exponent mod modulus`, all big-endian; the result as `len` bytes.
    /// `None` for a zero modulus.
    pub(super) fn rsa_public(
        base: &[u8],
        exponent: u64,
        modulus: &[u8],
        len: usize,
    ) -> Option<Vec<u8>> {
        let modulus = from_be_bytes(modulus);
        if modulus.is_empty() {
            return None;
        }
        let base = rem(&from_be_bytes(base), &modulus);
        let mut result = rem(&vec![1], &modulus);
        for bit in (0..64 - exponent.leading_zeros()).rev() {
            result = mul_mod(&result, &result, &modulus);
            if exponent >> bit & 1 == 1 {
                result = mul_mod(&result, &base, &modulus);
            }
        }
        to_be_bytes(&result, len)
    }

    #[cfg(test)]
    mod tests {
        use super::*;

        fn nat(x: u128) -> Nat {
            from_be_bytes(&x.to_be_bytes())
        }

        fn value(a: &Nat) -> u128 {
            a.iter()
                .rev()
                .fold(0u128, |acc, &l| (acc << 64) | u128::from(l))
        }

        #[test]
        fn remainder_agrees_with_u128() {
            let mut seed = 0x2545_f491_4f6c_dd1du64;
            let mut next = || {
                seed ^= seed << 13;
                seed ^= seed >> 7;
                seed ^= seed << 17;
                seed
            };
            for _ in 0..20_000 {
                let u = (u128::from(next()) << 64) | u128::from(next());
                let shift = next() % 120;
                let v = (((u128::from(next()) << 64) | u128::from(next())) >> shift).max(1);
                assert_eq!(value(&rem(&nat(u), &nat(v))), u % v, "{u} mod {v}");
            }
            assert_eq!(
                value(&rem(&nat(u128::MAX), &nat(1 << 64))),
                u128::from(u64::MAX)
            );
        }

        #[test]
        fn modular_exponentiation() {
            // 4^13 mod 497 = 445 (the classic textbook example).
            assert_eq!(
                rsa_public(&[4], 13, &[0x01, 0xf1], 2),
                Some(vec![0x01, 0xbd])
            );
            assert_eq!(rsa_public(&[5], 3, &[1], 1), Some(vec![0]));
            assert_eq!(
                rsa_public(&[0xff, 0xff], 1, &[0x01, 0x00], 1),
                Some(vec![0xff])
            );
            assert_eq!(rsa_public(&[2], 10, &[0x10, 0x00], 1), None);
        }
    }
}
