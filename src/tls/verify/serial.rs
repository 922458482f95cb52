//! Serial numbers as Go prints them in its errors.

use crate::tls::cert::Certificate;

fn serial_bytes(cert: &Certificate) -> Vec<u8> {
    (0..cert.serial_hex.len() / 2)
        .filter_map(|i| u8::from_str_radix(&cert.serial_hex[2 * i..2 * i + 2], 16).ok())
        .collect()
}

/// Go's `SerialNumber.String()`: the two's-complement DER integer in decimal.
pub fn serial_decimal(cert: &Certificate) -> String {
    num_bigint::BigInt::from_signed_bytes_be(&serial_bytes(cert)).to_string()
}
