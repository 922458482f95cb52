use super::context::{rule_doc, Context, Rule};
use crate::diagnostic::{Diagnostic, Severity};
use crate::model::{EndpointKind, ObjectId};
use foldhash::HashMap;

pub(crate) const RULE: Rule = Rule {
    id: "configuration-collision",
    severity: Severity::Error,
    doc: rule_doc!("configuration-collision"),
    check,
};

fn check(context: &Context<'_, '_>, out: &mut Vec<Diagnostic>) {
    let mut first: HashMap<(&str, &str), ObjectId> = HashMap::default();
    for (id, object) in context.model.objects.iter_ids() {
        // A live object and its rendered twin are one object at two times; the kinds
        // holding endpoints are all cluster-scoped.
        if object.live || EndpointKind::from_kind(object.kind).is_none() || object.name.is_empty() {
            continue;
        }
        let Some(&earlier) = first.get(&(object.kind, object.name)) else {
            first.insert((object.kind, object.name), id);
            continue;
        };
        let previous = &context.model.objects[earlier];
        let mut diagnostic = context
            .diagnostic_for(
                &RULE,
                id,
                format!(
                    "{} {:?} is defined twice; it is cluster-scoped, so whichever is applied last replaces the other",
                    object.kind, object.name
                ),
                object.name_span(),
            )
            .with_span_label("second definition")
            .with_label(previous.name_span(), "first definition");
        if let Some(template) = previous.template {
            diagnostic = diagnostic.with_note(format!("the first comes from {template}"));
        }
        out.push(
            diagnostic
                .with_note("two releases (or namespaces) of one chart sharing this name overwrite each other's webhooks and caBundle")
                .with_help("give each release its own name, e.g. include the release name or namespace in metadata.name"),
        );
    }
}
