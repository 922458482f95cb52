//! Baselines: `--write-baseline FILE` records the current findings' fingerprints,
//! `--baseline FILE` drops findings whose fingerprint is recorded.

use crate::diagnostic::Diagnostic;
use crate::source::SourceMap;
use std::collections::HashSet;

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
pub fn fingerprint(diagnostic: &Diagnostic, sources: &SourceMap) -> String {
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
    let text = format!("{}\0{identity}\0{}", diagnostic.rule, diagnostic.message);
    format!("{:016x}", fnv1a(text.as_bytes()))
}

/// The baseline file's JSON.
pub fn render(diagnostics: &[Diagnostic], sources: &SourceMap) -> String {
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
    let value = serde_json::json!({ "version": 1, "findings": findings });
    let mut text = serde_json::to_string_pretty(&value).unwrap_or_default();
    text.push('\n');
    text
}

/// Reads a baseline file's fingerprints.
pub fn load(path: &std::path::Path) -> Result<HashSet<String>, String> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| format!("cannot read baseline {}: {e}", path.display()))?;
    let value: serde_json::Value = serde_json::from_str(&text)
        .map_err(|e| format!("invalid baseline {}: {e}", path.display()))?;
    let findings = value
        .get("findings")
        .and_then(|f| f.as_array())
        .ok_or_else(|| format!("invalid baseline {}: no `findings` array", path.display()))?;
    Ok(findings
        .iter()
        .filter_map(|f| f.get("fingerprint").and_then(|v| v.as_str()))
        .map(str::to_string)
        .collect())
}

/// Drops the findings the baseline records.
pub fn apply(diagnostics: &mut Vec<Diagnostic>, sources: &SourceMap, known: &HashSet<String>) {
    diagnostics.retain(|d| !known.contains(&fingerprint(d, sources)));
}

#[cfg(test)]
mod tests {
    #[test]
    fn fnv1a_vectors() {
        assert_eq!(super::fnv1a(b""), 0xcbf2_9ce4_8422_2325);
        assert_eq!(super::fnv1a(b"a"), 0xaf63_dc4c_8601_ec8c);
    }
}
