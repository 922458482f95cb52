//! Machine-readable output: one JSON object and a newline.
//!
//! ```text
//! {"version":1,
//!  "diagnostics":[{"rule","severity","message","file","line","column","end_line",
//!                  "end_column","offset","length","template","object","labels",
//!                  "notes","help"}],
//!  "endpoints":[{"kind","object","webhook","server_name","port","service",
//!                "pod_templates","secret","certificate","ca_bundle","verdict","findings"}],
//!  "summary":{"files","documents","errors","warnings","notes"}}
//! ```
//!
//! `endpoints` is the inventory ([`super::inventory::Entry`]): one entry per webhook, CRD
//! conversion webhook and APIService, with where its certificate and caBundle come from.
//!
//! Lines and columns are 1-based, columns count characters; `end_line`/`end_column` is
//! the position just after the span. `offset`/`length` are in bytes. `template` and
//! `object` may be null; `labels` holds `{"file","line","column","end_line",
//! "end_column","message"}`; `notes` and `help` are arrays of strings. No source text
//! is ever included, so nothing needs redacting.

use super::summary::Summary;
use crate::diagnostic::{Diagnostic, ObjectRef, Severity};
use crate::source::{SourceMap, Span};
use serde::Serialize;
use std::io::{self, Write};

/// Readers rely on schemas/report-v1.schema.json: a breaking change bumps this and adds a
/// schema (tests/schema.rs checks every fixture's report against it).
pub(crate) const FORMAT_VERSION: u32 = 1;

#[derive(Serialize)]
struct Report<'a> {
    version: u32,
    diagnostics: Vec<JsonDiagnostic<'a>>,
    endpoints: &'a [super::inventory::Entry],
    summary: &'a Summary,
}

#[derive(Serialize)]
struct JsonDiagnostic<'a> {
    rule: &'a str,
    severity: Severity,
    message: &'a str,
    #[serde(flatten)]
    location: Location<'a>,
    offset: usize,
    length: usize,
    template: Option<&'a str>,
    object: Option<&'a ObjectRef>,
    labels: Vec<JsonLabel<'a>>,
    notes: &'a [String],
    help: &'a [String],
}

#[derive(Serialize)]
struct JsonLabel<'a> {
    #[serde(flatten)]
    location: Location<'a>,
    message: &'a str,
}

#[derive(Serialize)]
struct Location<'a> {
    file: &'a str,
    line: usize,
    column: usize,
    end_line: usize,
    end_column: usize,
}

impl<'a> Location<'a> {
    fn of(span: Span, sources: &'a SourceMap) -> Self {
        let (start, end) = sources.line_col(span);
        Location {
            file: &sources.get(span.file).name,
            line: start.line,
            column: start.column,
            end_line: end.line,
            end_column: end.column,
        }
    }
}

pub fn render(
    out: &mut dyn Write,
    diags: &[Diagnostic],
    sources: &SourceMap,
    summary: &Summary,
    endpoints: &[super::inventory::Entry],
) -> io::Result<()> {
    let diagnostics = diags
        .iter()
        .map(|d| JsonDiagnostic {
            rule: d.rule,
            severity: d.severity,
            message: &d.message,
            location: Location::of(d.span, sources),
            offset: d.span.start,
            length: d.span.end.saturating_sub(d.span.start),
            template: d.template.as_deref(),
            object: d.object.as_ref(),
            labels: d
                .labels
                .iter()
                .map(|l| JsonLabel {
                    location: Location::of(l.span, sources),
                    message: &l.message,
                })
                .collect(),
            notes: &d.notes,
            help: &d.help,
        })
        .collect();
    let report = Report {
        version: FORMAT_VERSION,
        diagnostics,
        endpoints,
        summary,
    };
    crate::untrusted::write_json(out, &report, false)?;
    writeln!(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::SourceFile;
    use serde_json::{json, Value};

    #[test]
    fn fields_round_trip() {
        let mut sources = SourceMap::default();
        let a = sources.add(SourceFile::new(
            "rendered.yaml",
            "\u{feff}kind: Service\r\nmetadata:\r\n  name: é-svc\r\n"
                .as_bytes()
                .to_vec(),
        ));
        let b = sources.add(SourceFile::new("<stdin>", b"x: 1\ny: 2\n".to_vec()));
        let text = &sources.get(a).text;
        let start = text.find("é-svc").unwrap();
        let diags = vec![
            Diagnostic::new(
                "webhook-hostname",
                Severity::Error,
                "bad name",
                Span::new(a, start, start + "é-svc".len()),
            )
            .with_label(Span::new(b, 3, 9), "two lines")
            .with_note("a note")
            .with_help("first help")
            .with_help("second help")
            .with_template(Some("chart/templates/svc.yaml".into()))
            .with_object(Some(ObjectRef {
                api_version: "v1".into(),
                kind: "Service".into(),
                namespace: Some("default".into()),
                name: "é-svc".into(),
            })),
            Diagnostic::new("other", Severity::Note, "plain", Span::new(b, 0, 0)),
        ];
        let summary = Summary::count(2, 3, &diags);
        let mut out = Vec::new();
        render(&mut out, &diags, &sources, &summary, &[]).unwrap();
        let out = String::from_utf8(out).unwrap();
        assert!(
            out.ends_with("}\n") && out.matches('\n').count() == 1,
            "{out}"
        );
        let value: Value = serde_json::from_str(&out).unwrap();
        assert_eq!(
            value,
            json!({
                "version": 1,
                "diagnostics": [
                    {
                        "rule": "webhook-hostname",
                        "severity": "error",
                        "message": "bad name",
                        "file": "rendered.yaml",
                        "line": 3,
                        "column": 9,
                        "end_line": 3,
                        "end_column": 14,
                        "offset": start,
                        "length": 6,
                        "template": "chart/templates/svc.yaml",
                        "object": {"apiVersion": "v1", "kind": "Service", "namespace": "default", "name": "é-svc"},
                        "labels": [{"file": "<stdin>", "line": 1, "column": 4, "end_line": 2, "end_column": 5, "message": "two lines"}],
                        "notes": ["a note"],
                        "help": ["first help", "second help"]
                    },
                    {
                        "rule": "other",
                        "severity": "note",
                        "message": "plain",
                        "file": "<stdin>",
                        "line": 1,
                        "column": 1,
                        "end_line": 1,
                        "end_column": 1,
                        "offset": 0,
                        "length": 0,
                        "template": null,
                        "object": null,
                        "labels": [],
                        "notes": [],
                        "help": []
                    }
                ],
                "endpoints": [],
                "summary": {"files": 2, "documents": 3, "errors": 1, "warnings": 0, "notes": 1}
            })
        );
    }
}
