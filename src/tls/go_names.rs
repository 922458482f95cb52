//! Go's parsing and printing of names and addresses that certificate checks share:
//! `domainToReverseLabels` and `parseRFC2821Mailbox` (crypto/x509/verify.go), `strconv.Quote`,
//! the host of `url.Parse` and `net.SplitHostPort`.

/// Go's `domainToReverseLabels`: labels last first; `None` for a trailing dot,
/// an empty label or a byte outside 33..=126. Go before 1.23 drops a single leading
/// dot silently (the loop ends when nothing is left before it); Go 1.23 keeps the
/// empty label it leaves, and so refuses the name.
use super::go::Go;

pub(super) fn domain_to_reverse_labels(domain: &str, go: Go) -> Option<Vec<&str>> {
    let mut labels = Vec::new();
    let mut rest = domain;
    while !rest.is_empty() {
        match rest.rfind('.') {
            Some(dot) => {
                labels.push(&rest[dot + 1..]);
                rest = &rest[..dot];
                if dot == 0 && go.refuses_leading_period_san() {
                    labels.push("");
                }
            }
            None => {
                labels.push(rest);
                rest = "";
            }
        }
    }
    // Go ranges over runes: any non-ASCII byte is outside 33..=126 too.
    let valid = labels
        .iter()
        .all(|label| !label.is_empty() && label.bytes().all(|b| (33..=126).contains(&b)));
    valid.then_some(labels)
}

/// Go's `rfc2821Mailbox`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Mailbox {
    pub(super) local: String,
    pub(super) domain: String,
}

/// Go's `parseRFC2821Mailbox`.
pub(super) fn parse_rfc2821_mailbox(input: &str, go: Go) -> Option<Mailbox> {
    let mut rest = input.as_bytes();
    if rest.is_empty() {
        return None;
    }
    let mut local: Vec<u8> = Vec::with_capacity(rest.len() / 2);
    if rest[0] == b'"' {
        rest = &rest[1..];
        loop {
            let (&c, tail) = rest.split_first()?;
            rest = tail;
            match c {
                b'"' => break,
                b'\\' => {
                    let (&next, tail) = rest.split_first()?;
                    if next == 11
                        || next == 12
                        || (1..=9).contains(&next)
                        || (14..=127).contains(&next)
                    {
                        local.push(next);
                        rest = tail;
                    } else {
                        return None;
                    }
                }
                11 | 12 | 32 | 33 | 127 | 1..=8 | 14..=31 | 35..=91 | 93..=126 => local.push(c),
                _ => return None,
            }
        }
    } else {
        while let Some(&c) = rest.first() {
            if c == b'\\' {
                // An escaped character outside quotes (RFC 3696 examples).
                let (&escaped, tail) = rest[1..].split_first()?;
                local.push(escaped);
                rest = tail;
            } else if c.is_ascii_alphanumeric() || b"!#$%&'*+-/=?^_`{|}~.".contains(&c) {
                local.push(c);
                rest = &rest[1..];
            } else {
                break;
            }
        }
        if local.is_empty()
            || local[0] == b'.'
            || local[local.len() - 1] == b'.'
            || local.windows(2).any(|w| w == b"..")
        {
            return None;
        }
    }
    let domain = rest.strip_prefix(b"@")?;
    let domain = std::str::from_utf8(domain).ok()?;
    domain_to_reverse_labels(domain, go)?;
    Some(Mailbox {
        local: String::from_utf8_lossy(&local).into_owned(),
        domain: domain.to_string(),
    })
}

/// Go's `strconv.Quote` (and `%q` of a string): printable characters as they
/// are, others escaped, invalid UTF-8 bytes as `\xNN`.
pub(super) fn go_quote(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len() + 2);
    out.push('"');
    for chunk in bytes.utf8_chunks() {
        for c in chunk.valid().chars() {
            match c {
                '"' => out.push_str("\\\""),
                '\\' => out.push_str("\\\\"),
                '\u{07}' => out.push_str("\\a"),
                '\u{08}' => out.push_str("\\b"),
                '\u{0c}' => out.push_str("\\f"),
                '\n' => out.push_str("\\n"),
                '\r' => out.push_str("\\r"),
                '\t' => out.push_str("\\t"),
                '\u{0b}' => out.push_str("\\v"),
                c if is_go_printable(c) => out.push(c),
                c if (c as u32) < 0x80 => out.push_str(&format!("\\x{:02x}", c as u32)),
                c if (c as u32) < 0x10000 => out.push_str(&format!("\\u{:04x}", c as u32)),
                c => out.push_str(&format!("\\U{:08x}", c as u32)),
            }
        }
        for b in chunk.invalid() {
            out.push_str(&format!("\\x{b:02x}"));
        }
    }
    out.push('"');
    out
}

/// An approximation of Go's `unicode.IsPrint` without the Unicode tables:
/// controls, spaces other than U+0020, format characters and private-use or
/// non-characters are not printable.
fn is_go_printable(c: char) -> bool {
    if c == ' ' {
        return true;
    }
    let code = c as u32;
    !(c.is_control()
        || c.is_whitespace()
        || matches!(code, 0xad | 0x600..=0x605 | 0x61c | 0x6dd | 0x70f | 0x180e)
        || matches!(code, 0x200b..=0x200f | 0x202a..=0x202e | 0x2060..=0x206f)
        || matches!(code, 0xd800..=0xf8ff | 0xfeff | 0xfff9..=0xfffb)
        || code & 0xfffe == 0xfffe
        || (0xfdd0..=0xfdef).contains(&code)
        || code >= 0xf0000
        || matches!(code, 0xe0001 | 0xe0020..=0xe007f))
}

/// The `Host` of Go's `url.Parse(uri)` (host and port, percent-decoded), empty
/// when the URI has no authority.
pub(super) fn url_host(uri: &str) -> String {
    let without_fragment = uri.split('#').next().unwrap_or("");
    let scheme_end = without_fragment.find(':').filter(|&i| {
        i > 0
            && without_fragment.as_bytes()[0].is_ascii_alphabetic()
            && without_fragment[..i]
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'+' | b'-' | b'.'))
    });
    let rest = match scheme_end {
        Some(i) => &without_fragment[i + 1..],
        None => without_fragment,
    };
    let rest = rest.split('?').next().unwrap_or("");
    let Some(after_slashes) = rest.strip_prefix("//") else {
        return String::new();
    };
    if scheme_end.is_none() && rest.starts_with("///") {
        return String::new();
    }
    let authority = after_slashes.split('/').next().unwrap_or("");
    let host = authority.rsplit('@').next().unwrap_or("");
    percent_decode(host)
}

fn percent_decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' && i + 3 <= bytes.len() {
            let hex = |b: u8| char::from(b).to_digit(16);
            if let (Some(high), Some(low)) = (hex(bytes[i + 1]), hex(bytes[i + 2])) {
                out.push((high * 16 + low) as u8);
                i += 3;
                continue;
            }
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// Go's `net.SplitHostPort`, host part only.
pub(super) fn split_host_port(host_port: &str) -> Result<&str, String> {
    let missing_port = || format!("address {host_port}: missing port in address");
    let too_many = || format!("address {host_port}: too many colons in address");
    let Some(last_colon) = host_port.rfind(':') else {
        return Err(missing_port());
    };
    if host_port.starts_with('[') {
        let Some(end) = host_port.find(']') else {
            return Err(format!("address {host_port}: missing ']' in address"));
        };
        if end + 1 == host_port.len() {
            return Err(missing_port());
        }
        if end + 1 != last_colon {
            return Err(if host_port.as_bytes()[end + 1] == b':' {
                too_many()
            } else {
                missing_port()
            });
        }
        let host = &host_port[1..end];
        if host.contains('[') || host.contains(']') {
            return Err(format!("address {host_port}: unexpected '[' in address"));
        }
        return Ok(host);
    }
    let host = &host_port[..last_colon];
    if host.contains(':') {
        return Err(too_many());
    }
    if host.contains('[') {
        return Err(format!("address {host_port}: unexpected '[' in address"));
    }
    if host.contains(']') {
        return Err(format!("address {host_port}: unexpected ']' in address"));
    }
    Ok(host)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reverse_labels_follow_go() {
        assert_eq!(
            domain_to_reverse_labels("a.example.com", Go::GO_1_19),
            Some(vec!["com", "example", "a"])
        );
        assert_eq!(domain_to_reverse_labels("", Go::GO_1_19), Some(vec![]));
        // Go drops one leading dot but refuses a trailing one or an empty label.
        assert_eq!(
            domain_to_reverse_labels(".example.com", Go::GO_1_19),
            Some(vec!["com", "example"])
        );
        assert_eq!(domain_to_reverse_labels("example.com.", Go::GO_1_19), None);
        assert_eq!(domain_to_reverse_labels("a..com", Go::GO_1_19), None);
        assert_eq!(domain_to_reverse_labels("..com", Go::GO_1_19), None);
        assert_eq!(domain_to_reverse_labels("a b.com", Go::GO_1_19), None);
        assert_eq!(domain_to_reverse_labels("caf\u{e9}.com", Go::GO_1_19), None);
        assert_eq!(
            domain_to_reverse_labels(".example.com", Go::new(23, 9, 22)),
            None
        );
    }

    #[test]
    fn mailboxes() {
        let mailbox = parse_rfc2821_mailbox("john.doe@example.com", Go::GO_1_19).unwrap();
        assert_eq!(
            (mailbox.local.as_str(), mailbox.domain.as_str()),
            ("john.doe", "example.com")
        );
        let quoted = parse_rfc2821_mailbox("\"john doe\"@example.com", Go::GO_1_19).unwrap();
        assert_eq!(quoted.local, "john doe");
        let escaped = parse_rfc2821_mailbox("a\\@b@example.com", Go::GO_1_19).unwrap();
        assert_eq!(escaped.local, "a@b");
        // As in Go, an empty domain passes domainToReverseLabels.
        assert_eq!(parse_rfc2821_mailbox("a@", Go::GO_1_19).unwrap().domain, "");
        for bad in [
            "",
            "@example.com",
            ".a@example.com",
            "a..b@example.com",
            "a",
        ] {
            assert!(parse_rfc2821_mailbox(bad, Go::GO_1_19).is_none(), "{bad}");
        }
    }

    #[test]
    fn url_hosts() {
        assert_eq!(
            url_host("https://user@Host.example.com:8443/path?q#f"),
            "Host.example.com:8443"
        );
        assert_eq!(url_host("spiffe://cluster.local/ns/x"), "cluster.local");
        assert_eq!(url_host("urn:example:x"), "");
    }

    #[test]
    fn quotes_like_go() {
        assert_eq!(go_quote(b"plain"), "\"plain\"");
        assert_eq!(go_quote(b"a\"b\\c"), "\"a\\\"b\\\\c\"");
        assert_eq!(go_quote(b"tab\tnl\n\x01\x7f"), "\"tab\\tnl\\n\\x01\\x7f\"");
        assert_eq!(go_quote("caf\u{e9}".as_bytes()), "\"caf\u{e9}\"");
        assert_eq!(go_quote(b"\xff"), "\"\\xff\"");
        assert_eq!(go_quote("\u{200b}".as_bytes()), "\"\\u200b\"");
    }

    #[test]
    fn split_host_port_like_go() {
        assert_eq!(split_host_port("example.com:443"), Ok("example.com"));
        assert_eq!(split_host_port("[::1]:443"), Ok("::1"));
        assert!(split_host_port("a:b:c").is_err());
        assert!(split_host_port("[::1]").is_err());
    }
}
