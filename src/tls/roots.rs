//! The trust store the API server falls back to when a caBundle is empty.

use std::sync::OnceLock;

use super::cert::{self, Certificate};
use super::go::Go;

/// The public web PKI roots (Mozilla's list, from the webpki-root-certs crate),
/// parsed once; roots Go's parser would refuse are left out.
///
/// This approximates the API server's OS trust store (its container image's
/// `/etc/ssl/certs`), which is usually the same Mozilla list. What matters for a
/// webhook is that a private CA is never in it, so a chain it signed fails with
/// `x509: certificate signed by unknown authority`.
pub(crate) fn system_roots() -> &'static [Certificate] {
    static ROOTS: OnceLock<Vec<Certificate>> = OnceLock::new();
    ROOTS.get_or_init(|| {
        webpki_root_certs::TLS_SERVER_ROOT_CERTS
            .iter()
            // Every supported Go parses the Mozilla roots alike.
            .filter_map(|der| cert::parse_der(der.as_ref(), Go::GO_1_19).ok())
            .collect()
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn roots_are_parsed_and_are_cas() {
        let roots = system_roots();
        assert!(roots.len() > 100, "only {} roots", roots.len());
        assert!(roots.iter().all(|root| root.is_ca || root.version < 3));
        assert!(std::ptr::eq(roots, system_roots()));
    }
}
