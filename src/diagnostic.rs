//! The finding every stage produces and every report format consumes.

use crate::source::Span;
use serde::Serialize;

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Error,
    Warning,
    Note,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Note => "note",
        }
    }
}

/// A secondary span with its message, possibly in another file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Label {
    pub(crate) span: Span,
    pub(crate) message: String,
}

/// The Kubernetes object a finding is about.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash, Serialize)]
pub struct ObjectRef {
    #[serde(rename = "apiVersion")]
    pub(crate) api_version: String,
    pub(crate) kind: String,
    pub(crate) namespace: Option<String>,
    pub(crate) name: String,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Diagnostic {
    /// Rule id, as in `rules/<id>.md`.
    pub rule: &'static str,
    pub(crate) severity: Severity,
    pub message: String,
    /// Where the finding is; its label (may be empty) is printed under the caret.
    pub span: Span,
    pub(crate) span_label: String,
    /// Other places involved, in any file.
    pub(crate) labels: Vec<Label>,
    /// `= note:` lines.
    pub(crate) notes: Vec<String>,
    /// `= help:` lines.
    pub(crate) help: Vec<String>,
    pub(crate) object: Option<ObjectRef>,
    /// The Helm template the primary span was rendered from (`# Source:`).
    pub(crate) template: Option<String>,
}

impl Diagnostic {
    pub(crate) fn new(
        rule: &'static str,
        severity: Severity,
        message: impl Into<String>,
        span: Span,
    ) -> Self {
        Diagnostic {
            rule,
            severity,
            message: message.into(),
            span,
            span_label: String::new(),
            labels: Vec::new(),
            notes: Vec::new(),
            help: Vec::new(),
            object: None,
            template: None,
        }
    }

    pub(crate) fn with_span_label(mut self, label: impl Into<String>) -> Self {
        self.span_label = label.into();
        self
    }

    pub(crate) fn with_label(mut self, span: Span, message: impl Into<String>) -> Self {
        self.labels.push(Label {
            span,
            message: message.into(),
        });
        self
    }

    pub(crate) fn with_note(mut self, note: impl Into<String>) -> Self {
        self.notes.push(note.into());
        self
    }

    pub(crate) fn with_help(mut self, help: impl Into<String>) -> Self {
        self.help.push(help.into());
        self
    }

    pub(crate) fn with_object(mut self, object: Option<ObjectRef>) -> Self {
        self.object = object;
        self
    }

    pub(crate) fn with_template(mut self, template: Option<String>) -> Self {
        self.template = template;
        self
    }
}
