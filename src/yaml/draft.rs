//! What a chunk parses to, before the stream numbers its documents: shared by the full
//! parser (`build`) and the fast path (`fast`).

use super::error::YamlError;
use super::mapping::DuplicateKey;
use super::tree::{NodeId, Tree};
use crate::source::Span;

/// Collections nested deeper than this are refused.
pub(super) const MAX_DEPTH: usize = 256;
/// Scalars longer than this (in bytes) are refused.
pub(super) const MAX_SCALAR_BYTES: usize = 32 << 20;

/// A document read from a chunk, before stream-level numbering.
#[derive(Debug)]
pub(super) struct DocDraft {
    pub(crate) tree: Tree,
    pub(crate) root: NodeId,
    pub(crate) span: Span,
    /// `# Source:` comments seen in the document: (byte offset, path), in source order.
    pub(crate) sources: Vec<(usize, String)>,
    pub(crate) duplicate_keys: Vec<DuplicateKey>,
}

#[derive(Debug)]
pub(super) enum Parsed {
    Doc(DocDraft),
    Error(YamlError),
}
