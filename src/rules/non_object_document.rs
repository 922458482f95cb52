use super::context::{rule_doc, Context, Rule};
use crate::diagnostic::{Diagnostic, Severity};
use crate::model::Model;
use crate::source::Span;
use crate::yaml::{Document, Value};

pub(crate) const RULE: Rule = Rule {
    id: "non-object-document",
    severity: Severity::Note,
    doc: rule_doc!("non-object-document"),
    check,
};

fn check(context: &Context<'_, '_>, out: &mut Vec<Diagnostic>) {
    // A document that keeps only its identity is one object.
    for document in context
        .model
        .documents
        .iter()
        .filter(|d| d.identity().is_none())
    {
        let Some(root) = document.root() else {
            continue;
        };
        // Empty documents never get here; `null` ones are skipped, as kubectl does.
        let what = match root.value() {
            Value::Null | Value::Map(_) => continue,
            Value::Str(_) => "a string",
            Value::Int(_) | Value::Float(_) => "a number",
            Value::Bool(_) => "a boolean",
            Value::Seq(_) => "a list",
        };
        out.push(
            Diagnostic::new(
                RULE.id,
                RULE.severity,
                format!("document is {what}, not a Kubernetes object; nothing in it was checked"),
                where_it_starts(document),
            )
            .with_template(document.template().map(|t| t.to_string()))
            .with_span_label(format!("this document is {what}"))
            .with_note("Helm stops on such a document (`YAML parse error`: it reads every document's `apiVersion`, `kind` and `metadata`), and kubectl decodes it as an object; both skip only empty and `null` documents")
            .with_help(if matches!(root.value(), Value::Seq(_)) {
                "to check a list of objects, write each as its own document after a `---` line, or wrap them in `kind: List` with `items:`"
            } else {
                "if this text is not meant to be a manifest, leave it out of the inputs (an indentation slip can also turn a manifest's last lines into their own document)"
            }),
        );
    }
}

/// A scalar whole; a list by its first `-` or `[`: it may run on for pages.
fn where_it_starts(document: &Document) -> Span {
    let Some(root) = document.root() else {
        return document.span;
    };
    let span = root.span();
    match root.value() {
        Value::Seq(_) => Span::new(span.file, span.start, (span.start + 1).min(span.end)),
        _ => span,
    }
}

/// The text of string documents but short words: it belongs to no object, so nothing
/// says whether it is secret (a template that rendered a key on its own, say), and the
/// label shows it.
pub(crate) fn string_document_text(model: &Model<'_>) -> Vec<Span> {
    model
        .documents
        .iter()
        .filter(|d| d.identity().is_none())
        .filter_map(|d| d.root())
        .filter(|r| {
            r.as_str()
                .is_some_and(|s| s.len() >= SHOWN_WORD_BYTES || s.contains('\n'))
        })
        .map(|r| r.span())
        .collect()
}

/// A string document shorter than this, on one line, is shown (`hello`, `EOF`).
const SHOWN_WORD_BYTES: usize = 16;
