//! Baselines: `--write-baseline FILE` records the current findings' fingerprints,
//! `--baseline FILE` drops as many findings of each fingerprint as it records.

use crate::diagnostic::Diagnostic;
use crate::source::SourceMap;
use foldhash::HashMap;

/// The baseline file format this speclint writes and reads.
pub(crate) const VERSION: u64 = 2;

/// Fingerprint -> how many findings with it the baseline records.
pub(crate) type Known = HashMap<String, usize>;

/// FNV-1a, 64 bits.
fn fnv1a(bytes: &[u8]) -> u64 {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for &b in bytes {
        hash ^= u64::from(b);
        hash = hash.wrapping_mul(0x0100_0000_01b3);
    }
    hash
}

/// A position-free identity of a finding: its rule, its object (or file) and its message.
pub(crate) fn fingerprint(diagnostic: &Diagnostic, sources: &SourceMap) -> String {
    let identity = match &diagnostic.object {
        Some(o) => format!(
            "{}/{}/{}/{}",
            o.api_version,
            o.kind,
            o.namespace.as_deref().unwrap_or(""),
            o.name
        ),
        None => sources.get(diagnostic.span.file).name.clone(),
    };
    let text = format!(
        "{}\0{identity}\0{}",
        diagnostic.rule,
        normalise(&diagnostic.message)
    );
    format!("{:016x}", fnv1a(text.as_bytes()))
}

/// The message without what changes as time passes: RFC 3339 times become `<time>`, and
/// `in N days` becomes `in <n> days`. Otherwise an expiry finding would be new every day.
pub(crate) fn normalise(message: &str) -> String {
    let bytes = message.as_bytes();
    let mut out = String::with_capacity(message.len());
    let mut i = 0;
    while i < bytes.len() {
        if let Some(length) = rfc3339_at(&bytes[i..]) {
            out.push_str("<time>");
            i += length;
            continue;
        }
        if let Some(length) = days_at(&bytes[i..]) {
            out.push_str("in <n> days");
            i += length;
            continue;
        }
        let c = message[i..].chars().next().unwrap_or(' ');
        out.push(c);
        i += c.len_utf8();
    }
    out
}

/// `YYYY-MM-DDTHH:MM:SS[.fff](Z|±HH:MM)` at the start of `b`: its length.
fn rfc3339_at(b: &[u8]) -> Option<usize> {
    const SHAPE: &[u8] = b"dddd-dd-ddTdd:dd:dd";
    if b.len() < SHAPE.len() {
        return None;
    }
    for (&want, &got) in SHAPE.iter().zip(b) {
        let ok = if want == b'd' {
            got.is_ascii_digit()
        } else {
            got == want
        };
        if !ok {
            return None;
        }
    }
    let mut at = SHAPE.len();
    if b.get(at) == Some(&b'.') {
        at += 1;
        while b.get(at).is_some_and(u8::is_ascii_digit) {
            at += 1;
        }
    }
    match b.get(at) {
        Some(b'Z') => at += 1,
        Some(b'+' | b'-')
            if b.len() >= at + 6
                && b[at + 1..at + 3].iter().all(u8::is_ascii_digit)
                && b[at + 3] == b':'
                && b[at + 4..at + 6].iter().all(u8::is_ascii_digit) =>
        {
            at += 6
        }
        _ => {}
    }
    Some(at)
}

/// `in N day` or `in N days` at the start of `b`: its length.
fn days_at(b: &[u8]) -> Option<usize> {
    let rest = b.strip_prefix(b"in ")?;
    let digits = rest.iter().take_while(|c| c.is_ascii_digit()).count();
    if digits == 0 {
        return None;
    }
    let after = rest[digits..].strip_prefix(b" day")?;
    let plural = usize::from(after.first() == Some(&b's'));
    Some(3 + digits + 4 + plural)
}

/// The baseline file's JSON.
pub(crate) fn render(diagnostics: &[Diagnostic], sources: &SourceMap) -> String {
    let findings: Vec<_> = diagnostics
        .iter()
        .map(|d| {
            serde_json::json!({
                "fingerprint": fingerprint(d, sources),
                "rule": d.rule,
                "object": d.object,
                "message": d.message,
            })
        })
        .collect();
    let value = serde_json::json!({ "version": VERSION, "findings": findings });
    let mut text = crate::untrusted::json_string(&value, true);
    text.push('\n');
    text
}

/// Reads a baseline file: how many findings of each fingerprint it records.
pub(crate) fn load(path: &std::path::Path) -> Result<Known, String> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| format!("cannot read baseline {}: {e}", path.display()))?;
    parse(&text).map_err(|e| format!("invalid baseline {}: {e}", path.display()))
}

fn parse(text: &str) -> Result<Known, String> {
    let value: serde_json::Value = serde_json::from_str(text).map_err(|e| e.to_string())?;
    match value.get("version").and_then(|v| v.as_u64()) {
        Some(VERSION) => {}
        Some(other) => {
            return Err(format!(
                "version {other} is not supported (this speclint writes version {VERSION}); write it again with --write-baseline"
            ))
        }
        None => return Err("no `version`".to_string()),
    }
    let findings = value
        .get("findings")
        .and_then(|f| f.as_array())
        .ok_or("no `findings` array")?;
    let mut known = Known::default();
    for finding in findings {
        let fingerprint = finding
            .get("fingerprint")
            .and_then(|v| v.as_str())
            .ok_or("a finding has no `fingerprint`")?;
        *known.entry(fingerprint.to_string()).or_insert(0) += 1;
    }
    Ok(known)
}

/// Moves the findings the baseline records (as many of each fingerprint as it holds) out of
/// `diagnostics`; returns them, and how many recorded findings no longer occur.
pub(crate) fn apply(
    diagnostics: &mut Vec<Diagnostic>,
    sources: &SourceMap,
    known: &Known,
) -> (Vec<Diagnostic>, usize) {
    let mut left = known.clone();
    let (hidden, kept): (Vec<_>, Vec<_>) = std::mem::take(diagnostics).into_iter().partition(|d| {
        match left.get_mut(&fingerprint(d, sources)) {
            Some(count) if *count > 0 => {
                *count -= 1;
                true
            }
            _ => false,
        }
    });
    *diagnostics = kept;
    (hidden, left.values().sum())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn messages_lose_what_time_changes() {
        assert_eq!(
            normalise("x509: certificate has expired or is not yet valid: current time 2026-11-27T00:00:01Z is after 2026-11-26T23:59:59.5+01:00"),
            "x509: certificate has expired or is not yet valid: current time <time> is after <time>"
        );
        assert_eq!(
            normalise("tls.crt (CN=é) expires on 2026-12-10T00:00:00Z, in 13 days"),
            "tls.crt (CN=é) expires on <time>, in <n> days"
        );
        assert_eq!(normalise("in 1 day"), "in <n> days");
        assert_eq!(
            normalise("port 8443 in namespace 2026-11"),
            "port 8443 in namespace 2026-11"
        );
    }

    #[test]
    fn counts_and_versions() {
        let known =
            parse(r#"{"version": 2, "findings": [{"fingerprint": "a"}, {"fingerprint": "a"}]}"#)
                .unwrap();
        assert_eq!(known.get("a"), Some(&2));
        assert!(parse(r#"{"version": 1, "findings": []}"#)
            .unwrap_err()
            .contains("version 1 is not supported"));
        assert!(parse(r#"{"findings": []}"#).is_err());
    }

    #[test]
    fn fnv1a_vectors() {
        assert_eq!(fnv1a(b""), 0xcbf2_9ce4_8422_2325);
        assert_eq!(fnv1a(b"a"), 0xaf63_dc4c_8601_ec8c);
    }
}
