//! What went wrong reading a document.

use crate::source::Span;

/// A document (or part of one) that could not be read. `span` points at the fault.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct YamlError {
    pub(crate) span: Span,
    pub(crate) message: String,
}
