//! Text encodings kubectl accepts besides UTF-8: UTF-16 with a byte-order mark.
//!
//! k8s.io/cli-runtime's resource visitor (pkg/resource/visitor.go, `FileVisitor.Visit`) wraps
//! every file and standard input in
//! `transform.NewReader(f, unicode.BOMOverride(unicode.UTF8.NewDecoder()))`: a leading
//! FF FE or FE FF switches to golang.org/x/text's UTF-16 decoder, which drops the BOM and turns
//! each unpaired surrogate and an odd trailing byte into U+FFFD. [`decode`] does the same, so
//! speclint lints the text kubectl would apply. Without a BOM, kubectl reads UTF-8.

/// What was found about an input's encoding, for a note or a warning.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Encoding {
    /// UTF-8 (the bytes are passed on unchanged, invalid sequences included).
    Utf8,
    /// UTF-16 with a byte-order mark, converted to UTF-8.
    Utf16 {
        big_endian: bool,
        /// Where the input was not valid UTF-16 (read as U+FFFD), first ones only.
        invalid: Vec<Invalid>,
        /// How many places were not valid UTF-16, all of them.
        invalid_count: usize,
    },
    /// No BOM, but NUL in every other byte: UTF-16 saved without a byte-order mark. kubectl
    /// reads it as UTF-8 and fails; so does speclint, and this says why.
    LooksLikeUtf16WithoutBom,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Invalid {
    /// Byte offset in the input as read (the BOM included).
    pub(crate) at: usize,
    pub(crate) kind: InvalidKind,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum InvalidKind {
    UnpairedSurrogate,
    OddTrailingByte,
}

const MAX_INVALID_RECORDED: usize = 4;
/// The start of an input that [`looks_like_utf16`] examines.
const SNIFF_BYTES: usize = 4096;

/// The input's text as UTF-8 bytes, and what encoding it was in.
pub(crate) fn decode(bytes: Vec<u8>) -> (Vec<u8>, Encoding) {
    let big_endian = match bytes.get(..2) {
        Some([0xfe, 0xff]) => true,
        Some([0xff, 0xfe]) => false,
        _ if looks_like_utf16(&bytes) => return (bytes, Encoding::LooksLikeUtf16WithoutBom),
        _ => return (bytes, Encoding::Utf8),
    };
    let (text, invalid, invalid_count) = decode_utf16(&bytes, big_endian);
    (
        text,
        Encoding::Utf16 {
            big_endian,
            invalid,
            invalid_count,
        },
    )
}

/// golang.org/x/text/encoding/unicode's `utf16Decoder.Transform` at EOF, after the BOM.
fn decode_utf16(bytes: &[u8], big_endian: bool) -> (Vec<u8>, Vec<Invalid>, usize) {
    let unit = |at: usize| {
        let pair = [bytes[at], bytes[at + 1]];
        u32::from(if big_endian {
            u16::from_be_bytes(pair)
        } else {
            u16::from_le_bytes(pair)
        })
    };
    let mut text = String::with_capacity(bytes.len());
    let mut invalid = Vec::new();
    let mut invalid_count = 0;
    let mut note = |at: usize, kind: InvalidKind| {
        invalid_count += 1;
        if invalid.len() < MAX_INVALID_RECORDED {
            invalid.push(Invalid { at, kind });
        }
    };
    let mut at = 2;
    while at < bytes.len() {
        if at + 1 >= bytes.len() {
            note(at, InvalidKind::OddTrailingByte);
            text.push(char::REPLACEMENT_CHARACTER);
            break;
        }
        let first = unit(at);
        let mut size = 2;
        let mut decoded = char::from_u32(first);
        if (0xd800..=0xdfff).contains(&first) && at + 3 < bytes.len() {
            let second = unit(at + 2);
            // Go pairs any surrogate with a following low surrogate, even a low one; the
            // pair then decodes to U+FFFD, four bytes at once.
            if (0xdc00..=0xdfff).contains(&second) {
                size = 4;
                decoded = (0xd800..=0xdbff)
                    .contains(&first)
                    .then(|| char::from_u32(0x10000 + ((first - 0xd800) << 10) + (second - 0xdc00)))
                    .flatten();
            }
        }
        match decoded {
            Some(c) => text.push(c),
            None => {
                note(at, InvalidKind::UnpairedSurrogate);
                text.push(char::REPLACEMENT_CHARACTER);
            }
        }
        at += size;
    }
    (text.into_bytes(), invalid, invalid_count)
}

/// NUL in most odd bytes and few even ones (little-endian ASCII), or the reverse.
fn looks_like_utf16(bytes: &[u8]) -> bool {
    let start = &bytes[..bytes.len().min(SNIFF_BYTES)];
    let pairs = start.len() / 2;
    if pairs < 2 {
        return false;
    }
    let nul_at = |parity: usize| {
        start
            .iter()
            .skip(parity)
            .step_by(2)
            .filter(|b| **b == 0)
            .count()
    };
    let (even, odd) = (nul_at(0), nul_at(1));
    let mostly = |n: usize| n * 10 >= pairs * 4;
    let few = |n: usize| n * 10 <= pairs;
    (mostly(odd) && few(even)) || (mostly(even) && few(odd))
}

/// One line for stderr about a decoded input; None for UTF-8. The bool is true for a warning.
pub(crate) fn describe(name: &str, encoding: &Encoding) -> Option<(bool, String)> {
    match encoding {
        Encoding::Utf8 => None,
        Encoding::Utf16 {
            big_endian,
            invalid,
            invalid_count,
        } => {
            let form = format!(
                "UTF-16 ({}-endian, with a byte-order mark)",
                if *big_endian { "big" } else { "little" }
            );
            if invalid.is_empty() {
                return Some((
                    false,
                    format!("{name} is {form}: it was converted to UTF-8 and linted, as kubectl reads it; lines and columns refer to the converted text"),
                ));
            }
            let mut places: Vec<String> = invalid
                .iter()
                .map(|place| match place.kind {
                    InvalidKind::UnpairedSurrogate => {
                        format!("an unpaired surrogate at byte {}", place.at)
                    }
                    InvalidKind::OddTrailingByte => format!(
                        "a lone last byte at byte {} (the length is odd)",
                        place.at
                    ),
                })
                .collect();
            if *invalid_count > invalid.len() {
                places.push(format!("{} more", invalid_count - invalid.len()));
            }
            Some((
                true,
                format!("{name} is {form} but not valid UTF-16: {}; each was read as U+FFFD, as kubectl reads it", places.join(", ")),
            ))
        }
        Encoding::LooksLikeUtf16WithoutBom => Some((
            true,
            format!("{name} looks like UTF-16 without a byte-order mark (every other byte is NUL): kubectl reads a file without one as UTF-8 and rejects it, and so does speclint; save it as UTF-8, or as UTF-16 with a byte-order mark"),
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn utf16(text: &str, big_endian: bool) -> Vec<u8> {
        let mut bytes = if big_endian {
            vec![0xfe, 0xff]
        } else {
            vec![0xff, 0xfe]
        };
        for unit in text.encode_utf16() {
            bytes.extend(if big_endian {
                unit.to_be_bytes()
            } else {
                unit.to_le_bytes()
            });
        }
        bytes
    }

    #[test]
    fn utf16_with_a_bom_decodes_without_the_bom() {
        let text = "kind: Secret\nname: \"é𝄞\"\n";
        for big_endian in [false, true] {
            let (decoded, encoding) = decode(utf16(text, big_endian));
            assert_eq!(String::from_utf8(decoded).unwrap(), text);
            assert_eq!(
                encoding,
                Encoding::Utf16 {
                    big_endian,
                    invalid: vec![],
                    invalid_count: 0
                }
            );
        }
    }

    #[test]
    fn invalid_utf16_becomes_replacement_characters_as_go_reads_it() {
        // "a", lone high surrogate, "b", lone low then low (one U+FFFD for both), odd byte.
        let bytes = vec![
            0xff, 0xfe, b'a', 0, 0x00, 0xd8, b'b', 0, 0x00, 0xdc, 0x00, 0xdc, b'c',
        ];
        let (decoded, encoding) = decode(bytes);
        assert_eq!(
            String::from_utf8(decoded).unwrap(),
            "a\u{fffd}b\u{fffd}\u{fffd}"
        );
        let Encoding::Utf16 {
            invalid,
            invalid_count,
            ..
        } = encoding
        else {
            panic!("{encoding:?}")
        };
        assert_eq!(invalid_count, 3);
        assert_eq!(
            invalid,
            vec![
                Invalid {
                    at: 4,
                    kind: InvalidKind::UnpairedSurrogate
                },
                Invalid {
                    at: 8,
                    kind: InvalidKind::UnpairedSurrogate
                },
                Invalid {
                    at: 12,
                    kind: InvalidKind::OddTrailingByte
                },
            ]
        );
    }

    #[test]
    fn utf16_without_a_bom_is_recognised_and_left_alone() {
        let mut le = utf16("apiVersion: v1\nkind: List\n", false);
        le.drain(..2);
        let (bytes, encoding) = decode(le.clone());
        assert_eq!(bytes, le);
        assert_eq!(encoding, Encoding::LooksLikeUtf16WithoutBom);
        let mut be = utf16("apiVersion: v1\n", true);
        be.drain(..2);
        assert_eq!(decode(be).1, Encoding::LooksLikeUtf16WithoutBom);
        for utf8 in ["apiVersion: v1\n", "a\0b: c\n", "", "\0\0"] {
            assert_eq!(
                decode(utf8.as_bytes().to_vec()).1,
                Encoding::Utf8,
                "{utf8:?}"
            );
        }
    }
}
