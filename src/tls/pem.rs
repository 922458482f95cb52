//! Go's `encoding/pem.Decode`, byte for byte.
//!
//! Go is lenient in specific ways (junk before `-----BEGIN`, trailing blanks,
//! spaces and tabs inside the base64) and strict in others (the END line must
//! repeat the type; a block whose base64 is bad is skipped, not reported). The
//! API server reads caBundles and Secrets with it, so this mirrors it exactly, in the
//! two algorithms Go has had (`Go::pem_decodes_from_first_end`).

use super::base64;
use super::go::Go;

const PEM_START: &[u8] = b"\n-----BEGIN ";
const PEM_END: &[u8] = b"\n-----END ";
const PEM_END_OF_LINE: &[u8] = b"-----";

/// One decoded PEM block.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Block {
    /// The type from the BEGIN line, e.g. `CERTIFICATE`.
    pub kind: String,
    /// Headers in first-seen order; a repeated key keeps the last value, as Go's map does.
    pub headers: Vec<(String, String)>,
    /// The decoded body (usually DER).
    pub bytes: Vec<u8>,
    /// Offset of `-----BEGIN` in the input.
    pub start: usize,
    /// Offset just past the closing `-----` of the END line.
    pub end: usize,
}

/// Go's `getLine`: the line without trailing spaces/tabs (and `\r\n` or `\n`), and the
/// offset of the rest. Works on `data[from..]`; returns `(line_start, line_end, rest)`.
fn get_line(data: &[u8], from: usize) -> (usize, usize, usize) {
    let tail = &data[from..];
    let (mut line_end, rest) = match tail.iter().position(|&b| b == b'\n') {
        None => (data.len(), data.len()),
        Some(i) => {
            let mut end = from + i;
            if i > 0 && data[end - 1] == b'\r' {
                end -= 1;
            }
            (end, from + i + 1)
        }
    };
    while line_end > from && matches!(data[line_end - 1], b' ' | b'\t') {
        line_end -= 1;
    }
    (from, line_end, rest)
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

/// Go's `bytes.LastIndex`.
fn find_last(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).rposition(|w| w == needle)
}

/// Go's `bytes.TrimSpace`. Invalid UTF-8 becomes U+FFFD, which is not a space,
/// so trimming stops at the same place Go's does.
fn trim_space(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes)
        .trim_matches(is_go_space)
        .to_string()
}

/// Go's `unicode.IsSpace`.
fn is_go_space(c: char) -> bool {
    matches!(
        c,
        '\t' | '\n'
            | '\u{0b}'
            | '\u{0c}'
            | '\r'
            | ' '
            | '\u{85}'
            | '\u{a0}'
            | '\u{1680}'
            | '\u{2000}'
            ..='\u{200a}' | '\u{2028}' | '\u{2029}' | '\u{202f}' | '\u{205f}' | '\u{3000}'
    )
}

/// Go 1.19's `pem.Decode`; callers that know their Go use [`decode_for`].
pub fn decode(data: &[u8]) -> Option<(Block, usize)> {
    decode_for(data, Go::GO_1_19)
}

/// Finds the first PEM block like `go`'s `pem.Decode`. Returns the block and the
/// offset in `data` where the rest begins, or `None` where Go returns a nil block.
pub fn decode_for(data: &[u8], go: Go) -> Option<(Block, usize)> {
    if go.pem_decodes_from_first_end() {
        decode_from_first_end(data)
    } else {
        decode_from_first_begin(data)
    }
}

/// `pem.Decode` up to Go 1.24.7 and 1.25.1: each BEGIN line in turn, then its END
/// line. Quadratic on some invalid inputs (CVE-2025-61723).
fn decode_from_first_begin(data: &[u8]) -> Option<(Block, usize)> {
    let mut rest = 0usize;
    loop {
        // At the very start (and, as in Go, after any skipped attempt) the BEGIN
        // line is accepted without a preceding newline.
        let begin;
        if data[rest..].starts_with(&PEM_START[1..]) {
            begin = rest;
            rest += PEM_START.len() - 1;
        } else if let Some(i) = find(&data[rest..], PEM_START) {
            begin = rest + i + 1;
            rest += i + PEM_START.len();
        } else {
            return None;
        }

        let (type_line, after_type) = type_line(data, rest);
        rest = after_type;
        let Some(type_line) = type_line else {
            continue;
        };
        let (headers, body) = read_headers(data, rest)?;
        rest = body;

        // Offsets into data[rest..].
        let (end_index, end_trailer_index) =
            if headers.is_empty() && data[rest..].starts_with(&PEM_END[1..]) {
                (0, PEM_END.len() - 1)
            } else {
                match find(&data[rest..], PEM_END) {
                    Some(i) => (i, i + PEM_END.len()),
                    None => continue,
                }
            };

        let Some(rest_of_end_line) = end_of_end_line(data, rest + end_trailer_index, type_line)
        else {
            continue;
        };
        let Some(bytes) = decode_body(&data[rest..rest + end_index]) else {
            continue;
        };

        // The -1: the END line may have matched without its leading newline.
        let (_, _, after) = get_line(data, rest + end_index + PEM_END.len() - 1);
        let block = Block {
            kind: String::from_utf8_lossy(type_line).into_owned(),
            headers,
            bytes,
            start: begin,
            end: rest_of_end_line,
        };
        return Some((block, after));
    }
}

/// `pem.Decode` from Go 1.24.8 and 1.25.2 (CVE-2025-61723): the first END line, the
/// last BEGIN line before it; when that block fails, on after that END. Like Go, it keeps
/// the END's offsets relative to the moving `rest`, where they may go negative.
fn decode_from_first_end(data: &[u8]) -> Option<(Block, usize)> {
    let mut rest = 0usize;
    let mut end_trailer_index: isize = 0;
    loop {
        // Skip past the END already tried; Go gives up when that is outside `rest`.
        let skip = usize::try_from(end_trailer_index).ok()?;
        if skip > data.len() - rest {
            return None;
        }
        rest += skip;

        let first_end = find(&data[rest..], PEM_END)?;
        let mut end_index = first_end as isize;
        end_trailer_index = (first_end + PEM_END.len()) as isize;
        let Some(begin_index) = find_last(&data[rest..rest + first_end], &PEM_START[1..]) else {
            continue;
        };
        if begin_index > 0 && data[rest + begin_index - 1] != b'\n' {
            continue;
        }
        let begin = rest + begin_index;
        let mut advance = |rest: &mut usize, to: usize| {
            let consumed = (to - *rest) as isize;
            end_index -= consumed;
            end_trailer_index -= consumed;
            *rest = to;
        };
        advance(&mut rest, begin + PEM_START.len() - 1);

        let (type_line, after_type) = type_line(data, rest);
        advance(&mut rest, after_type);
        let Some(type_line) = type_line else {
            continue;
        };
        let (headers, body) = read_headers(data, rest)?;
        advance(&mut rest, body);

        // Headers that ran past the END line: that END does not close this block.
        if !headers.is_empty() && end_index < 0 {
            continue;
        }

        // Without headers the END's "\n" may be the type line's, so end_index >= -1.
        let trailer = usize::try_from(end_trailer_index)
            .ok()
            .map(|offset| rest + offset)
            .filter(|&at| at <= data.len());
        let Some(rest_of_end_line) = trailer.and_then(|at| end_of_end_line(data, at, type_line))
        else {
            continue;
        };
        let bytes = match usize::try_from(end_index) {
            Ok(body_len) if body_len > 0 => match decode_body(&data[rest..rest + body_len]) {
                Some(bytes) => bytes,
                None => continue,
            },
            _ => Vec::new(),
        };

        // The -1: the END line may have matched without its leading newline.
        let end_line = rest as isize + end_index + PEM_END.len() as isize - 1;
        let (_, _, after) = get_line(data, usize::try_from(end_line).unwrap_or(rest));
        let block = Block {
            kind: String::from_utf8_lossy(type_line).into_owned(),
            headers,
            bytes,
            start: begin,
            end: rest_of_end_line,
        };
        return Some((block, after));
    }
}

/// The type named by a BEGIN line whose `-----BEGIN ` ends at `rest` (the line up to its
/// closing `-----`, or `None` when it has none), and where the next line starts.
fn type_line(data: &[u8], rest: usize) -> (Option<&[u8]>, usize) {
    let (start, end, after) = get_line(data, rest);
    (data[start..end].strip_suffix(PEM_END_OF_LINE), after)
}

/// Go's header loop from `rest`: the `key: value` lines (a repeated key keeps its last
/// value, in first-seen order) and where the body starts; `None` when the data ends first.
fn read_headers(data: &[u8], mut rest: usize) -> Option<(Vec<(String, String)>, usize)> {
    let mut headers: Vec<(String, String)> = Vec::new();
    loop {
        if rest == data.len() {
            return None;
        }
        let (line_start, line_end, next) = get_line(data, rest);
        let line = &data[line_start..line_end];
        let Some(colon) = line.iter().position(|&b| b == b':') else {
            return Some((headers, rest));
        };
        let key = trim_space(&line[..colon]);
        let value = trim_space(&line[colon + 1..]);
        match headers.iter_mut().find(|(k, _)| *k == key) {
            Some(entry) => entry.1 = value,
            None => headers.push((key, value)),
        }
        rest = next;
    }
}

/// The END line's trailer starting at `trailer`: where that line ends when it names
/// `kind`, closes with `-----` and has only whitespace after.
fn end_of_end_line(data: &[u8], trailer: usize, kind: &[u8]) -> Option<usize> {
    let end_trailer = &data[trailer..];
    let end_trailer_len = kind.len() + PEM_END_OF_LINE.len();
    if end_trailer.len() < end_trailer_len {
        return None;
    }
    let rest_of_end_line = trailer + end_trailer_len;
    let end_trailer = &end_trailer[..end_trailer_len];
    if !end_trailer.starts_with(kind) || !end_trailer.ends_with(PEM_END_OF_LINE) {
        return None;
    }
    let (s, e, _) = get_line(data, rest_of_end_line);
    (e <= s).then_some(rest_of_end_line)
}

/// The body's base64, spaces and tabs dropped as Go drops them.
fn decode_body(body: &[u8]) -> Option<Vec<u8>> {
    let base64_data: Vec<u8> = body
        .iter()
        .copied()
        .filter(|&b| b != b' ' && b != b'\t')
        .collect();
    base64::decode_std(&base64_data).ok()
}

/// Go 1.19's blocks, as [`decode_all_for`].
pub fn decode_all(data: &[u8]) -> Vec<Block> {
    decode_all_for(data, Go::GO_1_19)
}

/// Decodes blocks in order until `go`'s `pem.Decode` would return nil, as Go callers
/// (`AppendCertsFromPEM`, `tls.X509KeyPair`) do. Offsets are relative to `data`.
pub fn decode_all_for(data: &[u8], go: Go) -> Vec<Block> {
    let mut blocks = Vec::new();
    let mut base = 0;
    while let Some((mut block, rest)) = decode_for(&data[base..], go) {
        block.start += base;
        block.end += base;
        blocks.push(block);
        base += rest;
    }
    blocks
}

/// Go's `pem.EncodeToMemory` of a block without headers: the body in lines of 64.
pub(crate) fn encode(kind: &str, der: &[u8]) -> Vec<u8> {
    let body = base64::encode(der);
    let mut out = format!("-----BEGIN {kind}-----\n");
    for line in body.as_bytes().chunks(64) {
        out.push_str(std::str::from_utf8(line).unwrap_or_default());
        out.push('\n');
    }
    out.push_str(&format!("-----END {kind}-----\n"));
    out.into_bytes()
}

#[cfg(test)]
mod tests {
    use super::*;

    const CERT_BODY: &str = "MIIB";

    fn pem(kind: &str, body: &str) -> String {
        format!("-----BEGIN {kind}-----\n{body}\n-----END {kind}-----\n")
    }

    #[test]
    fn decodes_a_simple_block() {
        let text = pem("CERTIFICATE", CERT_BODY);
        let (block, rest) = decode(text.as_bytes()).unwrap();
        assert_eq!(block.kind, "CERTIFICATE");
        assert_eq!(block.bytes, [0x30, 0x82, 0x01]);
        assert!(block.headers.is_empty());
        assert_eq!(rest, text.len());
        assert_eq!(block.start, 0);
        assert_eq!(&text[block.end - 5..block.end], "-----");
        assert_eq!(block.end, text.len() - 1);
    }

    #[test]
    fn skips_junk_before_begin() {
        let text = format!("junk\nmore junk\n{}", pem("X", CERT_BODY));
        let (block, _) = decode(text.as_bytes()).unwrap();
        assert_eq!(block.start, text.find("-----BEGIN").unwrap());
        // BEGIN must start a line.
        assert!(decode(b"junk-----BEGIN X-----\nMIIB\n-----END X-----\n").is_none());
    }

    #[test]
    fn headers_are_collected() {
        let text = "-----BEGIN K-----\nProc-Type: 4,ENCRYPTED\nA: 1\nA: 2\n\nMIIB\n-----END K-----";
        let (block, rest) = decode(text.as_bytes()).unwrap();
        assert_eq!(
            block.headers,
            vec![
                ("Proc-Type".to_string(), "4,ENCRYPTED".to_string()),
                ("A".to_string(), "2".to_string()),
            ]
        );
        assert_eq!(block.bytes, [0x30, 0x82, 0x01]);
        assert_eq!(rest, text.len());
    }

    #[test]
    fn end_line_must_match_type_and_end_cleanly() {
        assert!(decode(b"-----BEGIN A-----\nMIIB\n-----END B-----\n").is_none());
        assert!(decode(b"-----BEGIN A-----\nMIIB\n-----END A----- x\n").is_none());
        assert!(decode(b"-----BEGIN A-----\nMIIB\n-----END A-----  \t\r\n").is_some());
        assert!(decode(b"-----BEGIN A-----\nMIIB\n-----END AB-----\n").is_none());
    }

    #[test]
    fn empty_block_end_without_newline() {
        let (block, rest) = decode(b"-----BEGIN A-----\n-----END A-----\nrest").unwrap();
        assert!(block.bytes.is_empty());
        assert_eq!(rest, 34);
    }

    #[test]
    fn bad_base64_skips_to_the_next_block() {
        let text = format!("{}{}", pem("A", "!!!!"), pem("B", CERT_BODY));
        let blocks = decode_all(text.as_bytes());
        assert_eq!(blocks.len(), 1);
        assert_eq!(blocks[0].kind, "B");
    }

    #[test]
    fn spaces_and_tabs_in_body_are_ignored() {
        let (block, _) = decode(b"-----BEGIN A-----\n M I\tI B \n-----END A-----\n").unwrap();
        assert_eq!(block.bytes, [0x30, 0x82, 0x01]);
    }

    #[test]
    fn decode_all_reports_offsets_in_the_input() {
        let first = pem("A", CERT_BODY);
        let text = format!("{first}\n\n{}", pem("B", CERT_BODY));
        let blocks = decode_all(text.as_bytes());
        assert_eq!(blocks.len(), 2);
        assert_eq!(blocks[1].start, first.len() + 2);
        assert_eq!(
            &text[blocks[1].start..blocks[1].end],
            pem("B", CERT_BODY).trim_end()
        );
    }

    // Go 1.23.9 and 1.25.5 ran on each input below gave the results asserted.
    const OLD_DECODE: Go = Go::new(23, 9, 22);
    const NEW_DECODE: Go = Go::new(25, 5, 25);

    #[test]
    fn a_begin_after_a_failed_end_line_counts_from_cve_2025_61723() {
        let text = b"\n-----END -----BEGIN A-----\n-----END A-----\n";
        assert!(decode_for(text, OLD_DECODE).is_none());
        let (block, rest) = decode_for(text, NEW_DECODE).unwrap();
        assert_eq!((block.kind.as_str(), block.bytes.len(), rest), ("A", 0, 44));
        assert_eq!(
            &text[block.start..block.end],
            b"-----BEGIN A-----\n-----END A-----"
        );
    }

    #[test]
    fn headers_past_the_first_end_line_stop_the_new_decoder() {
        let text = b"-----BEGIN A-----\nk: v\n-----END k: v\nx: y\n\nZm9v\n-----END A-----\n";
        let (block, rest) = decode_for(text, OLD_DECODE).unwrap();
        assert_eq!(
            (block.bytes.as_slice(), block.headers.len(), rest),
            (&b"foo"[..], 3, 64)
        );
        assert!(decode_for(text, NEW_DECODE).is_none());
    }

    #[test]
    fn both_decoders_read_an_empty_block() {
        let text = b"-----BEGIN A-----\n-----END A-----\n";
        for go in [OLD_DECODE, NEW_DECODE] {
            let (block, rest) = decode_for(text, go).unwrap();
            assert_eq!((block.bytes.len(), rest, block.end), (0, 34, 33));
        }
    }

    #[test]
    fn no_block_in_plain_text() {
        assert!(decode(b"").is_none());
        assert!(decode(b"hello").is_none());
        assert!(decode_all(b"-----BEGIN A-----").is_empty());
    }

    #[test]
    fn encoded_blocks_decode() {
        let block = encode("CERTIFICATE", &[0x30; 100]);
        let decoded = decode_all(&block);
        assert_eq!(decoded.len(), 1);
        assert_eq!(decoded[0].bytes, vec![0x30; 100]);
    }
}
