//! Rendering diagnostics: rustc-style human output and JSON.

pub mod human;
pub mod json;
mod redact;

pub use redact::Redactions;
