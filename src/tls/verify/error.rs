//! Why Go refuses a chain, with Go's `err.Error()` texts: the errors of crypto/x509's
//! verify.go and x509.go, crypto/tls's refusals of the served chain, and what newer Go refuses.

use std::fmt;

pub use crate::tls::signature::SignatureError;

use super::options::CertRef;
use crate::tls::go_names::go_quote;
use crate::tls::hostname::HostnameError;
use crate::tls::time::{format_rfc3339_with_offset, Time};

/// Go's verification error, with what the linter needs to explain it.
/// `Display` is Go's `err.Error()`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VerifyError {
    kind: VerifyErrorKind,
    message: String,
}

impl VerifyError {
    pub(super) fn new(kind: VerifyErrorKind) -> Self {
        let message = kind.go_message();
        VerifyError { kind, message }
    }

    pub fn kind(&self) -> &VerifyErrorKind {
        &self.kind
    }

    /// Go's `err.Error()`.
    pub fn message(&self) -> &str {
        &self.message
    }
}

impl fmt::Display for VerifyError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for VerifyError {}

/// Why Go refused the chain.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum VerifyErrorKind {
    /// `x509: unhandled critical extension`.
    UnhandledCriticalExtension { cert: CertRef, oids: Vec<String> },
    /// `... current time X is after <NotAfter>`.
    Expired {
        cert: CertRef,
        now: Time,
        not_after: i64,
        not_after_utc_offset: i32,
    },
    /// `... current time X is before <NotBefore>`.
    NotYetValid {
        cert: CertRef,
        now: Time,
        not_before: i64,
        not_before_utc_offset: i32,
    },
    /// The leaf does not match the server name.
    Hostname(HostnameError),
    /// No chain to a root: `cert` is where the search for an issuer failed.
    UnknownAuthority {
        cert: CertRef,
        hint: Option<SignatureHint>,
    },
    /// Every chain has a certificate whose EKU lacks serverAuth; `certs` are
    /// those of the first chain found.
    IncompatibleUsage { certs: Vec<CertRef> },
    /// An intermediate that is not a CA (`CA:TRUE` missing).
    NotAuthorizedToSign { cert: CertRef },
    /// `cert`'s pathLenConstraint is exceeded.
    TooManyIntermediates { cert: CertRef, max_path_len: i64 },
    /// `cert`'s name constraints refuse a name; `detail` is Go's text after the colon.
    NameConstraint { cert: CertRef, detail: String },
    /// More than 250000 name-constraint comparisons (Go prints `x509: unknown error`).
    TooManyConstraints { cert: CertRef },
    /// A SAN Go cannot check against `cert`'s name constraints.
    UncheckableName { cert: CertRef, message: String },
    /// More than 100 signature checks while building chains.
    SignatureCheckLimit,
    /// Go 1.24 and later: every candidate chain was dropped, for invalid certificate
    /// policies or (with some of those) for its key usage. `detail` is Go's text after
    /// the colon, e.g. `all candidate chains have invalid policies`.
    NoValidChains { detail: String },
}

impl VerifyErrorKind {
    fn go_message(&self) -> String {
        match self {
            VerifyErrorKind::UnhandledCriticalExtension { .. } => {
                "x509: unhandled critical extension".to_string()
            }
            VerifyErrorKind::Expired {
                now,
                not_after,
                not_after_utc_offset,
                ..
            } => format!(
                "x509: certificate has expired or is not yet valid: current time {} is after {}",
                now.rfc3339(),
                format_rfc3339_with_offset(*not_after, *not_after_utc_offset)
            ),
            VerifyErrorKind::NotYetValid {
                now,
                not_before,
                not_before_utc_offset,
                ..
            } => format!(
                "x509: certificate has expired or is not yet valid: current time {} is before {}",
                now.rfc3339(),
                format_rfc3339_with_offset(*not_before, *not_before_utc_offset)
            ),
            VerifyErrorKind::Hostname(error) => error.to_string(),
            VerifyErrorKind::UnknownAuthority { hint, .. } => {
                let mut message = "x509: certificate signed by unknown authority".to_string();
                if let Some(hint) = hint {
                    message.push_str(&format!(
                        " (possibly because of {} while trying to verify candidate authority certificate {})",
                        go_quote(hint.error.to_string().as_bytes()),
                        go_quote(hint.candidate_name.as_bytes())
                    ));
                }
                message
            }
            VerifyErrorKind::IncompatibleUsage { .. } => {
                "x509: certificate specifies an incompatible key usage".to_string()
            }
            VerifyErrorKind::NotAuthorizedToSign { .. } => {
                "x509: certificate is not authorized to sign other certificates".to_string()
            }
            VerifyErrorKind::TooManyIntermediates { .. } => {
                "x509: too many intermediates for path length constraint".to_string()
            }
            VerifyErrorKind::NameConstraint { detail, .. } => format!(
                "x509: a root or intermediate certificate is not authorized to sign for this name: {detail}"
            ),
            VerifyErrorKind::TooManyConstraints { .. } => "x509: unknown error".to_string(),
            VerifyErrorKind::UncheckableName { message, .. } => message.clone(),
            VerifyErrorKind::SignatureCheckLimit => {
                "x509: signature check attempts limit reached while verifying certificate chain"
                    .to_string()
            }
            VerifyErrorKind::NoValidChains { detail } if detail.is_empty() => {
                "x509: no valid chains built".to_string()
            }
            VerifyErrorKind::NoValidChains { detail } => {
                format!("x509: no valid chains built: {detail}")
            }
        }
    }
}

/// The first candidate issuer whose signature check failed (Go's `hintErr`/`hintCert`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SignatureHint {
    pub candidate: CertRef,
    /// The CN, else the first O, else `serial:<decimal>`, as Go names it.
    pub candidate_name: String,
    pub error: SignatureError,
}

/// What the API server's TLS client concludes for a webhook as a whole.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ServerVerifyError {
    /// client-go cannot build its root pool from a non-empty caBundle (R6):
    /// `unable to load root certificates: <detail>`.
    RootCertificates { detail: String },
    /// The server sent no certificate.
    NoCertificate,
    /// crypto/tls refuses RSA keys over 8192 bits (R8); `position` is 0 for the leaf.
    RsaKeyTooLarge { position: usize, bits: usize },
    /// The leaf's RSA key is too small for RSA-PSS with SHA-256, the smallest signature
    /// TLS 1.3 allows: the webhook cannot sign the handshake and sends an alert
    /// (testdata/tls/handshake: every release, when TLS 1.3 is negotiated, Go's default).
    LeafKeyTooSmallForTls13 { bits: usize },
    /// `Verify` failed; certificate references are relative to this call: roots
    /// index the caBundle's usable certificates, intermediates `chain[1..]`.
    Verify(VerifyError),
}

impl fmt::Display for ServerVerifyError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ServerVerifyError::RootCertificates { detail } => {
                write!(f, "unable to load root certificates: {detail}")
            }
            ServerVerifyError::NoCertificate => {
                f.write_str("tls: received empty certificates message")
            }
            ServerVerifyError::LeafKeyTooSmallForTls13 { .. } => {
                f.write_str("remote error: tls: handshake failure")
            }
            ServerVerifyError::RsaKeyTooLarge { .. } => {
                f.write_str("tls: server sent certificate containing RSA key larger than 8192 bits")
            }
            ServerVerifyError::Verify(error) => error.fmt(f),
        }
    }
}

impl std::error::Error for ServerVerifyError {}
