use super::context::{rule_doc, Context, Rule};
use crate::diagnostic::{Diagnostic, Severity};
use crate::model::{Model, ObjectId};
use crate::source::Span;
use crate::yaml::{Document, DuplicateKey, KeyEntry, NodeId, NodeRef, Value};

pub(crate) const RULE: Rule = Rule {
    id: "duplicate-key",
    severity: Severity::Warning,
    doc: rule_doc!("duplicate-key"),
    check,
};

fn check(context: &Context<'_, '_>, out: &mut Vec<Diagnostic>) {
    for document in context.model.documents {
        for duplicate in document.duplicate_keys().iter().filter(|d| is_reported(d)) {
            out.push(diagnostic(context, document, duplicate));
        }
    }
}

/// A key written twice, or a `<<` merge that overrides a key written before it (go-yaml
/// keeps the merged value, where YAML's merge rule keeps the explicit one). Overriding a
/// merged value by a later key (`<<: *base` then `a: 2`) and merging maps that share a
/// key are the purpose of merge keys: the strict decoders refuse them, but no tool that
/// applies manifests decodes strictly (see the rule's doc), so they are not reported.
fn is_reported(duplicate: &DuplicateKey) -> bool {
    duplicate.first.merged_by.is_none()
}

fn diagnostic(
    context: &Context<'_, '_>,
    document: &Document,
    duplicate: &DuplicateKey,
) -> Diagnostic {
    let node = |id| document.node(id);
    let key = node(duplicate.again.key);
    let name = key_text(key);
    let (first_key, first_is_alias) = written_at(document, duplicate.map, duplicate.first);
    let (again_key, again_is_alias) = written_at(document, duplicate.map, duplicate.again);
    let alias_note = |label: &str, is_alias: bool| {
        if is_alias {
            format!("{label} (by an alias: its value is shown)")
        } else {
            label.to_string()
        }
    };
    let go_error = format!("key {} already set in map", go_key(key));
    let (message, span, span_label) = match (duplicate.first.merged_by, duplicate.again.merged_by) {
        (None, None) => (
            format!("duplicate key `{name}`"),
            again_key,
            alias_note(
                "set again here: lenient decoders keep this value",
                again_is_alias,
            ),
        ),
        (Some(_), None) => (
            format!("key `{name}` overrides the value a `<<` merge key brought in"),
            again_key,
            alias_note(
                "set again here: lenient decoders keep this value",
                again_is_alias,
            ),
        ),
        (_, Some(merge)) => (
            format!("the `<<` merge key sets `{name}` again"),
            node(merge).span(),
            format!("merges `{name}` in again: lenient decoders keep the merged value"),
        ),
    };
    let mut diagnostic = match object_containing(context.model, document, span) {
        Some(object) => context.diagnostic_for(&RULE, object, message, span),
        None => Diagnostic::new(RULE.id, RULE.severity, message, span)
            .with_template(document.template().map(|t| t.to_string())),
    }
    .with_span_label(span_label);
    if let Some(merge) = duplicate.first.merged_by {
        diagnostic = diagnostic.with_label(node(merge).span(), format!("`{name}` merged in here"));
    }
    diagnostic = diagnostic.with_label(first_key, alias_note("first defined here", first_is_alias));
    if duplicate.again.merged_by.is_some() && again_key != first_key {
        diagnostic = diagnostic.with_label(again_key, "merged from here");
    }
    diagnostic
        .with_note(format!(
            "kubectl, Helm and the API server's default decoding keep the last value; strict decoders (sigs.k8s.io/yaml's YAMLToJSONStrict, the API server under fieldValidation=Strict given this YAML as is) refuse the document: {go_error}"
        ))
        .with_help(if duplicate.first.merged_by.is_some() || duplicate.again.merged_by.is_some() {
            format!("set `{name}` in one place only: drop it from the merged mapping or from this one")
        } else {
            format!("remove one of the two `{name}` keys, keeping the value you meant")
        })
}

/// Where an entry of `map` is written: its key, or, when the key is an alias (its node was
/// built before the mapping, at its anchor) and the value is not, its value.
fn written_at(document: &Document, map: NodeId, entry: KeyEntry) -> (Span, bool) {
    let key = document.node(entry.key).span();
    if entry.merged_by.is_some() || entry.key > map || entry.value < map {
        return (key, false);
    }
    (document.node(entry.value).span(), true)
}

/// The innermost object of the document whose node holds `span`.
fn object_containing(model: &Model<'_>, document: &Document, span: Span) -> Option<ObjectId> {
    model
        .objects
        .iter_ids()
        .filter(|(_, o)| std::ptr::eq(o.document, document))
        .filter(|(_, o)| {
            let s = o.span();
            s.start <= span.start && span.end <= s.end
        })
        .min_by_key(|(_, o)| o.span().len())
        .map(|(i, _)| i)
}

fn key_text(key: NodeRef<'_>) -> String {
    key.scalar_text().unwrap_or_default()
}

/// The key as go-yaml's message prints it (`%#v`): strings quoted.
fn go_key(key: NodeRef<'_>) -> String {
    match key.value() {
        Value::Str(s) => format!("{s:?}"),
        Value::Null => "<nil>".to_string(),
        _ => key_text(key),
    }
}
