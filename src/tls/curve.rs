//! The point check of Go's `elliptic.Unmarshal` for the NIST curves Go parses:
//! coordinates below p and y² = x³ - 3x + b (mod p). Go refuses a certificate
//! whose ECDSA key fails it, so the port must too. Schoolbook arithmetic, but
//! reduction by Knuth's division: a caBundle may hold thousands of certificates.

use std::cmp::Ordering;

pub(crate) struct Curve {
    p: &'static str,
    b: &'static str,
}

pub(crate) const P224: Curve = Curve {
    p: "ffffffffffffffffffffffffffffffff000000000000000000000001",
    b: "b4050a850c04b3abf54132565044b0b7d7bfd8ba270b39432355ffb4",
};
pub(crate) const P256: Curve = Curve {
    p: "ffffffff00000001000000000000000000000000ffffffffffffffffffffffff",
    b: "5ac635d8aa3a93e7b3ebbd55769886bc651d06b0cc53b0f63bce3c3e27d2604b",
};
pub(crate) const P384: Curve = Curve {
    p: "fffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffeffffffff0000000000000000ffffffff",
    b: "b3312fa7e23ee7e4988e056be3f82d19181d9c6efe8141120314088f5013875ac656398d8a2ed19d2a85c8edd3ec2aef",
};
pub(crate) const P521: Curve = Curve {
    p: "1ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff",
    b: "51953eb9618e1c9a1f929a21a0b68540eea2da725b99b315f3b8b489918ef109e156193951ec7e937b1652c0bd3bb1bf073573df883d2c34f1ef451fd46b503f00",
};

/// Unsigned integer as little-endian 32-bit limbs, no trailing zero limbs.
type Int = Vec<u32>;

fn normalize(mut a: Int) -> Int {
    while a.last() == Some(&0) {
        a.pop();
    }
    a
}

fn from_be_bytes(bytes: &[u8]) -> Int {
    let limbs = bytes
        .rchunks(4)
        .map(|chunk| chunk.iter().fold(0u32, |acc, &b| (acc << 8) | u32::from(b)))
        .collect();
    normalize(limbs)
}

fn from_hex(hex: &str) -> Int {
    let limbs = hex
        .as_bytes()
        .rchunks(8)
        .map(|chunk| u32::from_str_radix(std::str::from_utf8(chunk).unwrap(), 16).unwrap())
        .collect();
    normalize(limbs)
}

fn compare(a: &Int, b: &Int) -> Ordering {
    a.len()
        .cmp(&b.len())
        .then_with(|| a.iter().rev().cmp(b.iter().rev()))
}

fn add(a: &Int, b: &Int) -> Int {
    let mut out = Vec::with_capacity(a.len().max(b.len()) + 1);
    let mut carry = 0u64;
    for i in 0..a.len().max(b.len()) {
        let sum = u64::from(*a.get(i).unwrap_or(&0)) + u64::from(*b.get(i).unwrap_or(&0)) + carry;
        out.push(sum as u32);
        carry = sum >> 32;
    }
    out.push(carry as u32);
    normalize(out)
}

/// `a - b` for `a >= b`.
fn sub(a: &Int, b: &Int) -> Int {
    let mut out = Vec::with_capacity(a.len());
    let mut borrow = 0i64;
    for (i, &limb) in a.iter().enumerate() {
        let mut diff = i64::from(limb) - i64::from(*b.get(i).unwrap_or(&0)) - borrow;
        borrow = 0;
        if diff < 0 {
            diff += 1 << 32;
            borrow = 1;
        }
        out.push(diff as u32);
    }
    normalize(out)
}

fn mul(a: &Int, b: &Int) -> Int {
    let mut out = vec![0u32; a.len() + b.len()];
    for (i, &x) in a.iter().enumerate() {
        let mut carry = 0u64;
        for (j, &y) in b.iter().enumerate() {
            let cur = u64::from(out[i + j]) + u64::from(x) * u64::from(y) + carry;
            out[i + j] = cur as u32;
            carry = cur >> 32;
        }
        out[i + b.len()] = carry as u32;
    }
    normalize(out)
}

/// `a mod p`, by the RSA code's Knuth division on 64-bit limbs.
fn reduce(a: &Int, p: &Int) -> Int {
    let wide = |x: &Int| -> Vec<u64> {
        x.chunks(2)
            .map(|pair| u64::from(pair[0]) | pair.get(1).map_or(0, |&high| u64::from(high) << 32))
            .collect()
    };
    let remainder = super::verify::bigint::rem(&wide(a), &wide(p));
    normalize(
        remainder
            .iter()
            .flat_map(|&limb| [limb as u32, (limb >> 32) as u32])
            .collect(),
    )
}

/// `a mod p` by binary long division: the reference `reduce` is checked against.
#[cfg(test)]
fn reduce_by_long_division(a: &Int, p: &Int) -> Int {
    let mut r: Int = Vec::new();
    for bit in (0..a.len() * 32).rev() {
        r = add(&r, &r);
        if (a[bit / 32] >> (bit % 32)) & 1 == 1 {
            r = add(&r, &vec![1]);
        }
        if compare(&r, p) != Ordering::Less {
            r = sub(&r, p);
        }
    }
    r
}

fn mul_mod(a: &Int, b: &Int, p: &Int) -> Int {
    reduce(&mul(a, b), p)
}

/// Whether the affine point (x, y), big-endian, is on `curve` with both coordinates below p.
pub(crate) fn is_on_curve(curve: &Curve, x: &[u8], y: &[u8]) -> bool {
    let p = from_hex(curve.p);
    let (x, y) = (from_be_bytes(x), from_be_bytes(y));
    if compare(&x, &p) != Ordering::Less || compare(&y, &p) != Ordering::Less {
        return false;
    }
    let lhs = mul_mod(&y, &y, &p);
    let x3 = mul_mod(&mul_mod(&x, &x, &p), &x, &p);
    let three_x = reduce(&mul(&x, &vec![3]), &p);
    // x³ - 3x + b, kept non-negative by adding p first.
    let rhs = reduce(&add(&sub(&add(&x3, &p), &three_x), &from_hex(curve.b)), &p);
    compare(&lhs, &rhs) == Ordering::Equal
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hex_bytes(hex: &str) -> Vec<u8> {
        (0..hex.len())
            .step_by(2)
            .map(|i| u8::from_str_radix(&hex[i..i + 2], 16).unwrap())
            .collect()
    }

    #[test]
    fn p256_generator_is_on_the_curve() {
        let gx = hex_bytes("6b17d1f2e12c4247f8bce6e563a440f277037d812deb33a0f4a13945d898c296");
        let gy = hex_bytes("4fe342e2fe1a7f9b8ee7eb4a7c0f9e162bce33576b315ececbb6406837bf51f5");
        assert!(is_on_curve(&P256, &gx, &gy));
        let mut bad = gy.clone();
        bad[31] ^= 1;
        assert!(!is_on_curve(&P256, &gx, &bad));
        assert!(!is_on_curve(&P256, &hex_bytes(P256.p), &gy));
    }

    #[test]
    fn knuth_reduction_agrees_with_long_division() {
        // A fixed xorshift stream: products of every size up to p² and beyond, zero limbs,
        // all-ones limbs, and values just around p.
        let mut state = 0x9e37_79b9_7f4a_7c15u64;
        let mut next = move || {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state
        };
        for curve in [&P224, &P256, &P384, &P521] {
            let p = from_hex(curve.p);
            let p_minus_one = sub(&p, &vec![1]);
            let mut samples = vec![
                Vec::new(),
                vec![1],
                p.clone(),
                p_minus_one.clone(),
                add(&p, &vec![1]),
                mul(&p_minus_one, &p_minus_one),
                vec![u32::MAX; 2 * p.len()],
            ];
            for _ in 0..300 {
                let limbs = (next() % (2 * p.len() as u64 + 2)) as usize;
                let value: Int = (0..limbs)
                    .map(|_| match next() % 4 {
                        0 => 0,
                        1 => u32::MAX,
                        _ => next() as u32,
                    })
                    .collect();
                samples.push(normalize(value));
            }
            for a in &samples {
                assert_eq!(reduce(a, &p), reduce_by_long_division(a, &p), "{a:x?}");
            }
        }
    }
}
