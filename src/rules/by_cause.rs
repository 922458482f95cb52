//! One finding per cause: the webhooks of one configuration that fail, or go unchecked, for
//! the same reason are one finding with a label per webhook, not one finding each.

use super::describe::describe_endpoint;
use crate::diagnostic::{Diagnostic, Label};
use crate::model::{EndpointId, EndpointKind, Model, ObjectId};

/// A finding about one endpoint, with what makes its cause the same as another's.
pub(crate) struct PerEndpoint {
    pub(crate) endpoint: EndpointId,
    /// Equal keys (with equal object and severity) mean the same cause.
    pub(crate) cause: String,
    pub(crate) diagnostic: Diagnostic,
}

/// Merges the findings of each (object, severity, cause): the first stays, its message
/// names the configuration's webhooks instead of the first one, and every other webhook
/// gets a label. The message names no count, so fingerprints survive a webhook more.
pub(crate) fn merge(model: &Model<'_>, findings: Vec<PerEndpoint>, out: &mut Vec<Diagnostic>) {
    let mut groups: Vec<(ObjectId, Vec<PerEndpoint>)> = Vec::new();
    let mut index: foldhash::HashMap<(ObjectId, crate::diagnostic::Severity, String), usize> =
        foldhash::HashMap::default();
    for finding in findings {
        let endpoint = &model.endpoints[finding.endpoint];
        let groupable = matches!(
            endpoint.kind,
            EndpointKind::ValidatingWebhook | EndpointKind::MutatingWebhook
        );
        let key = (
            endpoint.object,
            finding.diagnostic.severity,
            finding.cause.clone(),
        );
        match index.get(&key).filter(|_| groupable) {
            Some(&at) => groups[at].1.push(finding),
            None => {
                index.insert(key, groups.len());
                groups.push((endpoint.object, vec![finding]));
            }
        }
    }
    for (object, mut members) in groups {
        let first = members.remove(0);
        let mut diagnostic = first.diagnostic;
        if !members.is_empty() {
            let endpoint = &model.endpoints[first.endpoint];
            let described = describe_endpoint(model, endpoint);
            let subject = format!("the webhooks of {}", model.objects[object].display());
            diagnostic.message = diagnostic.message.replacen(&described, &subject, 1);
            // The subject is plural now.
            for (one, many) in [(" has no ", " have no "), (" is filled ", " are filled ")] {
                let singular = format!("{subject}{one}");
                if diagnostic.message.starts_with(&singular) {
                    diagnostic.message =
                        diagnostic
                            .message
                            .replacen(&singular, &format!("{subject}{many}"), 1);
                }
            }
            diagnostic.span_label =
                format!("webhook \"{}\": {}", endpoint.name, diagnostic.span_label)
                    .trim_end_matches(": ")
                    .to_string();
            for member in &members {
                let endpoint = &model.endpoints[member.endpoint];
                diagnostic.labels.push(Label {
                    span: endpoint.span(model),
                    message: format!("webhook \"{}\": the same", endpoint.name),
                });
            }
            diagnostic.notes.push(format!(
                "{} webhooks of {} share this cause",
                members.len() + 1,
                model.objects[object].display()
            ));
        }
        out.push(diagnostic);
    }
}
