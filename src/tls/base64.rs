//! Go's `base64.StdEncoding.DecodeString`, byte for byte.
//!
//! Go differs from most decoders: `\r` and `\n` are skipped anywhere, padding is
//! required, non-zero trailing bits are accepted, and the error names the offset
//! of the offending byte. A caBundle or Secret value is decoded by the API server
//! exactly this way, so the linter must be no stricter and no looser.

use std::fmt;

/// Go's `base64.CorruptInputError`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Base64Error {
    /// Offset into the input, as Go reports it.
    pub(crate) offset: usize,
}

impl fmt::Display for Base64Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "illegal base64 data at input byte {}", self.offset)
    }
}

impl std::error::Error for Base64Error {}

const INVALID: u8 = 0xff;
const PAD: u8 = b'=';

const DECODE_MAP: [u8; 256] = {
    let alphabet = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut map = [INVALID; 256];
    let mut i = 0;
    while i < alphabet.len() {
        map[alphabet[i] as usize] = i as u8;
        i += 1;
    }
    map
};

fn is_newline(b: u8) -> bool {
    b == b'\n' || b == b'\r'
}

/// Decodes like Go's `base64.StdEncoding.DecodeString`.
pub fn decode_std(input: &[u8]) -> Result<Vec<u8>, Base64Error> {
    let mut out = Vec::with_capacity(input.len() / 4 * 3);
    let mut si = 0;
    // Go's fast paths decode whole valid quanta exactly as decodeQuantum does,
    // so looping over decodeQuantum alone gives the same result.
    while si < input.len() {
        // Four alphabet bytes in a row decode as decodeQuantum would decode them, without
        // its per-byte checks: most of a value is such quanta.
        while let Some(quad) = input.get(si..si + 4) {
            let values = [
                DECODE_MAP[quad[0] as usize],
                DECODE_MAP[quad[1] as usize],
                DECODE_MAP[quad[2] as usize],
                DECODE_MAP[quad[3] as usize],
            ];
            // Alphabet values are below 64; INVALID has the 64 bit set.
            if (values[0] | values[1] | values[2] | values[3]) & 0x40 != 0 {
                break;
            }
            let val = (u32::from(values[0]) << 18)
                | (u32::from(values[1]) << 12)
                | (u32::from(values[2]) << 6)
                | u32::from(values[3]);
            out.extend_from_slice(&[(val >> 16) as u8, (val >> 8) as u8, val as u8]);
            si += 4;
        }
        if si < input.len() {
            si = decode_quantum(&mut out, input, si)?;
        }
    }
    Ok(out)
}

/// Port of Go's `(*Encoding).decodeQuantum` for StdEncoding (padded, not strict).
/// Appends the decoded bytes and returns the next input offset.
fn decode_quantum(out: &mut Vec<u8>, src: &[u8], mut si: usize) -> Result<usize, Base64Error> {
    let mut dbuf = [0u8; 4];
    let mut dlen = 4;
    let mut trailing_garbage = None;

    // `j` is signed because Go decrements it on a newline before `continue`.
    let mut j: isize = 0;
    while j < 4 {
        if si == src.len() {
            if j == 0 {
                return Ok(si);
            }
            // Padding is required, so any partial quantum at the end is corrupt.
            return Err(Base64Error {
                offset: si - j as usize,
            });
        }
        let byte = src[si];
        si += 1;

        let value = DECODE_MAP[byte as usize];
        if value != INVALID {
            dbuf[j as usize] = value;
            j += 1;
            continue;
        }

        if is_newline(byte) {
            continue;
        }

        if byte != PAD {
            return Err(Base64Error { offset: si - 1 });
        }

        // Padding reached: this is the last quantum.
        match j {
            0 | 1 => return Err(Base64Error { offset: si - 1 }),
            2 => {
                // "==" expected; the first '=' is consumed.
                while si < src.len() && is_newline(src[si]) {
                    si += 1;
                }
                if si == src.len() {
                    return Err(Base64Error { offset: src.len() });
                }
                if src[si] != PAD {
                    return Err(Base64Error { offset: si - 1 });
                }
                si += 1;
            }
            _ => {}
        }
        while si < src.len() && is_newline(src[si]) {
            si += 1;
        }
        if si < src.len() {
            trailing_garbage = Some(Base64Error { offset: si });
        }
        dlen = j as usize;
        break;
    }

    let val = (u32::from(dbuf[0]) << 18)
        | (u32::from(dbuf[1]) << 12)
        | (u32::from(dbuf[2]) << 6)
        | u32::from(dbuf[3]);
    let bytes = [(val >> 16) as u8, (val >> 8) as u8, val as u8];
    out.extend_from_slice(&bytes[..dlen - 1]);

    match trailing_garbage {
        Some(err) => Err(err),
        None => Ok(si),
    }
}

/// Encodes like Go's `base64.StdEncoding.EncodeToString`: padded, no line breaks.
pub(crate) fn encode(data: &[u8]) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::with_capacity(data.len().div_ceil(3) * 4);
    for chunk in data.chunks(3) {
        let b = [
            chunk[0],
            *chunk.get(1).unwrap_or(&0),
            *chunk.get(2).unwrap_or(&0),
        ];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(char::from(ALPHABET[(n >> (18 - 6 * i) & 63) as usize]));
            } else {
                out.push('=');
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// Go's loop over decodeQuantum alone, which the fast path must agree with.
    fn decode_by_quanta(input: &[u8]) -> Result<Vec<u8>, Base64Error> {
        let mut out = Vec::new();
        let mut si = 0;
        while si < input.len() {
            si = decode_quantum(&mut out, input, si)?;
        }
        Ok(out)
    }

    proptest! {
        #[test]
        fn the_fast_path_decodes_as_decode_quantum(
            input in proptest::collection::vec(
                prop_oneof![
                    8 => proptest::sample::select(b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".to_vec()),
                    1 => proptest::sample::select(b"=\r\n -_!".to_vec()),
                ],
                0..64,
            )
        ) {
            prop_assert_eq!(decode_std(&input), decode_by_quanta(&input));
        }
    }

    fn ok(input: &str) -> Vec<u8> {
        decode_std(input.as_bytes()).unwrap_or_else(|e| panic!("{input:?}: {e}"))
    }

    fn err(input: &str) -> usize {
        match decode_std(input.as_bytes()) {
            Ok(v) => panic!("{input:?} decoded to {v:?}"),
            Err(e) => e.offset,
        }
    }

    #[test]
    fn decodes_standard_input() {
        assert_eq!(ok(""), b"");
        assert_eq!(ok("Zg=="), b"f");
        assert_eq!(ok("Zm8="), b"fo");
        assert_eq!(ok("Zm9v"), b"foo");
        assert_eq!(ok("Zm9vYmFy"), b"foobar");
        assert_eq!(ok("+/+/"), [0xfb, 0xff, 0xbf]);
    }

    #[test]
    fn newlines_are_ignored_anywhere() {
        assert_eq!(ok("\r\nZm\n9v\r"), b"foo");
        assert_eq!(ok("Zg=\n="), b"f");
        assert_eq!(ok("Zg==\n\r\n"), b"f");
        assert_eq!(ok("\n\n\n"), b"");
    }

    #[test]
    fn trailing_bits_are_accepted() {
        // The base64 crate's standard engine rejects these (non-canonical).
        assert_eq!(ok("Zh=="), b"f");
        assert_eq!(ok("Zm9="), b"fo");
    }

    #[test]
    fn padding_is_required() {
        assert_eq!(err("Zg"), 0);
        assert_eq!(err("Zm8"), 0);
        assert_eq!(err("Zm9vZ"), 4);
        assert_eq!(err("Zg="), 3);
    }

    #[test]
    fn error_offsets_match_go() {
        // Offsets checked against Go 1.19 base64.StdEncoding.DecodeString.
        assert_eq!(err("Zm9v!"), 4);
        assert_eq!(err(" Zm9v"), 0);
        assert_eq!(err("Zm9v "), 4);
        assert_eq!(err("Zg==Zg=="), 4);
        assert_eq!(err("Zg==\nx"), 5);
        assert_eq!(err("Z==="), 1);
        assert_eq!(err("===="), 0);
        assert_eq!(err("Zm=v"), 2);
        assert_eq!(err("Zg=x"), 2);
        assert_eq!(err("Zm9v-_"), 4);
        assert_eq!(err("Z\n\n"), 2);
        assert_eq!(err("Zm\n"), 1);
        assert_eq!(err("Zm9\n"), 1);
        assert_eq!(err("Zm9vYmFy\nZm9vYmFy="), 17);
        assert_eq!(err("Zm9vYmFyZg=\r\n=\nA"), 15);
        assert_eq!(err("QUJDRA=\n"), 8);
    }

    #[test]
    fn error_message_is_gos() {
        let e = decode_std(b"Zm9v!").unwrap_err();
        assert_eq!(e.to_string(), "illegal base64 data at input byte 4");
    }

    #[test]
    fn encoding_round_trips_through_gos_decoder() {
        for len in 0..12 {
            let data: Vec<u8> = (0..len).map(|i| (i * 37 + 5) as u8).collect();
            let encoded = encode(&data);
            assert_eq!(encoded.len() % 4, 0);
            assert_eq!(decode_std(encoded.as_bytes()).unwrap(), data);
        }
        assert_eq!(encode(b"foob"), "Zm9vYg==");
    }
}
