//! The point check of Go's `elliptic.Unmarshal` for the NIST curves Go parses: an
//! uncompressed point (`04 || x || y`) whose coordinates are below p and satisfy the
//! curve's equation. Go refuses a certificate whose ECDSA key fails it, so the port must
//! too. The RustCrypto curve crates decide; their SEC 1 decoding makes the same checks.

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Curve {
    P224,
    P256,
    P384,
    P521,
}

macro_rules! decodes_with {
    ($curve:ident, $point:expr) => {
        $curve::PublicKey::from_sec1_bytes($point).is_ok()
    };
}

impl Curve {
    /// The size of one coordinate, in bytes.
    pub(crate) fn coordinate_len(self) -> usize {
        match self {
            Curve::P224 => 28,
            Curve::P256 => 32,
            Curve::P384 => 48,
            Curve::P521 => 66,
        }
    }

    /// `elliptic.Unmarshal(curve, point) != nil`.
    pub(crate) fn unmarshals(self, point: &[u8]) -> bool {
        point.len() == 1 + 2 * self.coordinate_len()
            && point[0] == 4
            && match self {
                Curve::P224 => decodes_with!(p224, point),
                Curve::P256 => decodes_with!(p256, point),
                Curve::P384 => decodes_with!(p384, point),
                Curve::P521 => decodes_with!(p521, point),
            }
    }
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

    fn point(x: &str, y: &str) -> Vec<u8> {
        let mut out = vec![4];
        out.extend(hex_bytes(x));
        out.extend(hex_bytes(y));
        out
    }

    const P256_P: &str = "ffffffff00000001000000000000000000000000ffffffffffffffffffffffff";
    const P256_GX: &str = "6b17d1f2e12c4247f8bce6e563a440f277037d812deb33a0f4a13945d898c296";
    const P256_GY: &str = "4fe342e2fe1a7f9b8ee7eb4a7c0f9e162bce33576b315ececbb6406837bf51f5";

    #[test]
    fn the_p256_generator_unmarshals_and_its_neighbours_do_not() {
        assert!(Curve::P256.unmarshals(&point(P256_GX, P256_GY)));
        let mut off_curve = point(P256_GX, P256_GY);
        off_curve[64] ^= 1;
        assert!(!Curve::P256.unmarshals(&off_curve));
        // A coordinate of p or more is refused even when it is the generator's mod p.
        assert!(!Curve::P256.unmarshals(&point(P256_P, P256_GY)));
        let mut compressed = vec![2];
        compressed.extend(hex_bytes(P256_GX));
        assert!(!Curve::P256.unmarshals(&compressed));
        assert!(!Curve::P256.unmarshals(&[0]));
        assert!(!Curve::P384.unmarshals(&point(P256_GX, P256_GY)));
    }

    #[test]
    fn the_p224_generator_unmarshals() {
        let gx = "b70e0cbd6bb4bf7f321390b94a03c1d356c21122343280d6115c1d21";
        let gy = "bd376388b5f723fb4c22dfe6cd4375a05a07476444d5819985007e34";
        assert!(Curve::P224.unmarshals(&point(gx, gy)));
        let mut off_curve = point(gx, gy);
        off_curve[56] ^= 1;
        assert!(!Curve::P224.unmarshals(&off_curve));
    }
}
