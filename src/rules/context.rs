//! What a rule is and what it reads.

use super::settings::RuleSettings;
use crate::diagnostic::{Diagnostic, Severity};
use crate::model::{Endpoint, Model, ObjectId, ServiceReference};
use crate::resolve::Resolution;

/// What a rule needs to look at.
pub(crate) struct Context<'m, 'a> {
    pub(crate) model: &'m Model<'a>,
    pub(crate) resolutions: &'m [Resolution],
    /// Each Secret's certificate entry, decoded once.
    pub(crate) chains: &'m crate::resolve::SecretChains,
    /// Evaluation time, to the nanosecond (Go's `CurrentTime`).
    pub(crate) now: crate::tls::time::Time,
    /// The Go of the API server checked against (`--kube-version`).
    pub(crate) go: crate::tls::go::Go,
    /// Expiry warning threshold, seconds.
    pub(crate) min_validity: i64,
    /// Who makes each certificate and fills each caBundle, computed once (provision stage).
    pub(crate) provenance: &'m crate::provision::Provenance<'a>,
    /// The previous release's render and its provenance (`--previous`).
    pub(crate) previous: Option<(&'m Model<'m>, &'m crate::provision::Provenance<'m>)>,
    /// Which rules run, their severities and options (`.speclint.yaml`, `--enable`, `--disable`).
    pub(crate) settings: &'m RuleSettings,
    /// The cluster's namespaces with their labels, for namespaceSelectors.
    pub(crate) namespaces: &'m crate::admission::Namespaces<'a>,
}

impl<'m, 'a> Context<'m, 'a> {
    pub(crate) fn endpoint(&self, resolution: &Resolution) -> &'m Endpoint<'a> {
        &self.model.endpoints[resolution.endpoint]
    }

    /// The endpoint of a resolution with the Service reference it calls; None when it
    /// calls a URL.
    pub(crate) fn service_call(
        &self,
        resolution: &Resolution,
    ) -> Option<(&'m Endpoint<'a>, &'m ServiceReference<'a>)> {
        let endpoint = self.endpoint(resolution);
        Some((endpoint, endpoint.service.as_ref()?))
    }

    /// A diagnostic anchored on an endpoint's object, with its template and identity filled in.
    pub(crate) fn diagnostic_for(
        &self,
        rule: &Rule,
        object: ObjectId,
        message: impl Into<String>,
        span: crate::source::Span,
    ) -> Diagnostic {
        let object = &self.model.objects[object];
        Diagnostic::new(rule.id, rule.severity, message, span)
            .with_object(Some(object.object_ref()))
            .with_template(object.template.map(str::to_string))
    }
}

pub struct Rule {
    pub id: &'static str,
    pub severity: Severity,
    /// The Markdown documentation, `rules/<id>.md`.
    pub(crate) doc: &'static str,
    pub(crate) check: fn(&Context<'_, '_>, &mut Vec<Diagnostic>),
}

impl Rule {
    /// The one-line summary from the documentation.
    pub fn summary(&self) -> &'static str {
        doc_field(self.doc, "Summary").unwrap_or("")
    }
}

/// Reads `- **Field:** value` from a rule document.
pub(crate) fn doc_field<'d>(doc: &'d str, field: &str) -> Option<&'d str> {
    let prefix = format!("- **{field}:**");
    doc.lines()
        .find_map(|line| line.strip_prefix(prefix.as_str()))
        .map(str::trim)
}

macro_rules! rule_doc {
    ($id:literal) => {
        include_str!(concat!(env!("CARGO_MANIFEST_DIR"), "/rules/", $id, ".md"))
    };
}
pub(crate) use rule_doc;
