//! SARIF 2.1.0, for code scanning: every rule with its documentation, one result per
//! finding with its region (1-based, columns in Unicode code points as in the JSON
//! output), secondary labels as related locations, and a fingerprint that survives line
//! shifts (rule, object identity and message, hashed with FNV-1a 64).
//!
//! Only messages are written, never source text.

use crate::diagnostic::{Diagnostic, Severity};
use crate::rules::{self, Rule, RULES};
use crate::source::{SourceMap, Span};
use foldhash::HashMap;
use serde_json::{json, Value};
use std::io::{self, Write};

pub(crate) const SCHEMA: &str = "https://json.schemastore.org/sarif-2.1.0.json";
pub(crate) const INFORMATION_URI: &str = "https://github.com/speclint/speclint";
pub(crate) const FINGERPRINT: &str = "speclintFingerprint/v1";

pub fn render(out: &mut dyn Write, diags: &[Diagnostic], sources: &SourceMap) -> io::Result<()> {
    crate::untrusted::write_json(out, &report(diags, sources), true)?;
    writeln!(out)
}

pub(crate) fn report(diags: &[Diagnostic], sources: &SourceMap) -> Value {
    let rules: Vec<Value> = RULES.iter().map(|r| rule(r)).collect();
    let mut seen: HashMap<String, usize> = HashMap::default();
    let results: Vec<Value> = diags
        .iter()
        .map(|d| {
            let mut result = json!({
                "ruleId": d.rule,
                "level": level(d.severity),
                "message": {"text": d.message},
                "locations": [{"physicalLocation": physical(d.span, sources)}],
            });
            if let Some(index) = RULES.iter().position(|r| r.id == d.rule) {
                result["ruleIndex"] = json!(index);
            }
            let mut related: Vec<Value> = d
                .labels
                .iter()
                .enumerate()
                .map(|(id, l)| {
                    json!({
                        "id": id,
                        "physicalLocation": physical(l.span, sources),
                        "message": {"text": l.message},
                    })
                })
                .collect();
            if let Some(template) = super::template::template_file(d, sources) {
                // The render is no file: the result is on its template, the render's place
                // (whose lines are not the template's) a related location.
                let mut location = json!({"artifactLocation": {"uri": uri(&template)}});
                // The whole template, as SARIF expresses a finding about a whole file.
                if let Ok(text) = std::fs::read_to_string(&template) {
                    location["region"] =
                        json!({"startLine": 1, "endLine": text.lines().count().max(1)});
                }
                result["locations"] = json!([{ "physicalLocation": location }]);
                related.push(json!({
                    "id": related.len(),
                    "physicalLocation": physical(d.span, sources),
                    "message": {"text": "where helm template rendered it"},
                }));
            }
            if !related.is_empty() {
                result["relatedLocations"] = Value::Array(related);
            }
            let hash = crate::baseline::fingerprint(d, sources);
            let occurrence = seen.entry(hash.clone()).or_insert(0);
            *occurrence += 1;
            result["partialFingerprints"] = json!({ FINGERPRINT: format!("{hash}:{occurrence}") });
            result
        })
        .collect();
    let artifacts: Vec<Value> = sources
        .files()
        .map(|(_, f)| json!({"location": {"uri": uri(&f.name)}}))
        .collect();
    json!({
        "$schema": SCHEMA,
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": {
                "name": "speclint",
                "version": env!("CARGO_PKG_VERSION"),
                "informationUri": INFORMATION_URI,
                "rules": rules,
            }},
            "columnKind": "unicodeCodePoints",
            "artifacts": artifacts,
            "results": results,
        }],
    })
}

fn level(severity: Severity) -> &'static str {
    match severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Note => "note",
    }
}

fn rule(rule: &Rule) -> Value {
    json!({
        "id": rule.id,
        "shortDescription": {"text": rule.summary()},
        "fullDescription": {"text": full_description(rule)},
        "help": {"text": rule.doc, "markdown": rule.doc},
        "helpUri": format!("{INFORMATION_URI}/blob/main/rules/{}.md", rule.id),
        "defaultConfiguration": {"level": level(rule.severity)},
    })
}

/// The first paragraph of the rule's `## Why`, on one line; the summary if there is none.
fn full_description(rule: &Rule) -> String {
    let why = rule
        .doc
        .split_once("## Why")
        .map(|(_, rest)| {
            rest.trim_start()
                .split("\n\n")
                .next()
                .unwrap_or("")
                .split_whitespace()
                .collect::<Vec<_>>()
                .join(" ")
        })
        .unwrap_or_default();
    if why.is_empty() || why.starts_with('#') {
        rules::doc_field(rule.doc, "Summary")
            .unwrap_or("")
            .to_string()
    } else {
        why
    }
}

fn physical(span: Span, sources: &SourceMap) -> Value {
    let (start, end) = sources.line_col(span);
    json!({
        "artifactLocation": {"uri": uri(&sources.get(span.file).name), "index": span.file},
        "region": {
            "startLine": start.line.max(1),
            "startColumn": start.column.max(1),
            "endLine": end.line.max(1),
            "endColumn": end.column.max(1),
        },
    })
}

/// The path as given, as a relative URI reference (an absolute path as a `file://` URI):
/// `<stdin>` becomes `stdin`, backslashes become slashes, and what a URI cannot hold is
/// percent-encoded.
pub(crate) fn uri(name: &str) -> String {
    if name == "<stdin>" {
        return "stdin".to_string();
    }
    let mut out = String::new();
    if name.starts_with('/') {
        // A relative reference may not start with a slash (SARIF1004).
        out.push_str("file://");
    }
    for b in name.replace('\\', "/").bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' | b'/' => {
                out.push(b as char)
            }
            _ => out.push_str(&format!("%{b:02X}")),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uris() {
        assert_eq!(uri("<stdin>"), "stdin");
        assert_eq!(uri("out\\a b.yaml"), "out/a%20b.yaml");
        assert_eq!(uri("dir/x.yaml"), "dir/x.yaml");
        assert_eq!(uri("/abs/x.yaml"), "file:///abs/x.yaml");
    }

    #[test]
    fn every_rule_has_a_full_description() {
        for r in RULES {
            assert!(!full_description(r).is_empty(), "{}", r.id);
        }
    }
}
