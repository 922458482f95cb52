//! What a verification is asked ([`VerifyOptions`]) and what it
//! answers ([`Chain`] of [`CertRef`]s), shared by the entry points and chain building.

use crate::tls::cert::Certificate;
use crate::tls::go::Go;
use crate::tls::time::Time;

/// What `verify` checks, as Go's `x509.VerifyOptions`.
#[derive(Debug, Clone, Copy)]
pub struct VerifyOptions<'a> {
    /// Trust anchors (Go's `Roots`): the caBundle's certificates.
    pub roots: &'a [Certificate],
    /// Certificates that may complete a chain (Go's `Intermediates`).
    pub intermediates: &'a [Certificate],
    /// Checked with `VerifyHostname` when not empty.
    pub dns_name: &'a str,
    /// Go's `CurrentTime`, to the nanosecond.
    pub now: Time,
    /// The Go whose behaviour decides.
    pub go: Go,
}

/// A certificate of a chain or an error, by where it came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum CertRef {
    Leaf,
    /// Index into [`VerifyOptions::roots`] (the roots pool's certificates).
    Root(usize),
    /// Index into [`VerifyOptions::intermediates`] (the intermediates pool's certificates).
    Intermediate(usize),
}

/// A verified chain, leaf first, ending with a root (or the leaf alone when the
/// leaf itself is in the roots).
pub type Chain = Vec<CertRef>;
