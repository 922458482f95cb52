//! Go's `(*x509.Certificate).VerifyHostname` and `HostnameError.Error()`,
//! ported from Go 1.19 `crypto/x509/verify.go`, with the changes of later Go as switches
//! (`tls::go`).
//!
//! The Common Name is never matched; it only selects the "legacy Common Name"
//! message, exactly as Go does.

use std::fmt;

use super::cert::Certificate;
use super::go::Go;
#[cfg(test)]
use super::ip::parse_ip;
use super::ip::{go_ip_string, ip_equal, parse_ip_for};

/// What kind of mismatch Go reports; each has its own message.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum HostnameErrorKind {
    /// No SAN extension, but the Common Name would have matched.
    LegacyCommonName,
    /// IP host and the certificate has no IP SANs.
    NoIpSans,
    /// DNS host and the certificate has no DNS SANs.
    NotValidForAnyNames,
    /// The certificate lists names (IPs for an IP host, DNS names otherwise), none matching.
    Mismatch,
}

/// Go's `x509.HostnameError`, with what Go's message is built from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HostnameError {
    /// Go's `HostnameError.Host`: the host as given, or without `[ ]` for an IP.
    pub(crate) host: String,
    /// The host is an IP address (only IP SANs were considered).
    pub(crate) host_is_ip: bool,
    /// The certificate has no SAN extension and its CN matches the host.
    pub(crate) legacy_common_name: bool,
    /// The certificate's DNS SANs, verbatim and in order.
    pub(crate) dns_names: Vec<String>,
    /// The certificate's IP SANs as Go prints them, in order.
    pub(crate) ip_addresses: Vec<String>,
    /// Go counts rather than lists 100 names or more (`Go::counts_many_names`).
    pub(crate) counts_many_names: bool,
}

impl HostnameError {
    fn new(cert: &Certificate, host: &str, host_is_ip: bool, go: Go) -> Self {
        let legacy_common_name = !cert.has_san_extension
            && cert.subject_common_name.as_deref().is_some_and(|cn| {
                if go.splits_empty_host_to_one_label() {
                    match_host_labels(cn, &split_hostname(host))
                } else {
                    match_hostnames(cn, host)
                }
            });
        HostnameError {
            host: host.to_string(),
            host_is_ip,
            legacy_common_name,
            dns_names: cert.dns_names.clone(),
            ip_addresses: cert.ip_addresses.iter().map(go_ip_string).collect(),
            counts_many_names: go.counts_many_names(),
        }
    }

    pub(crate) fn kind(&self) -> HostnameErrorKind {
        if self.legacy_common_name {
            HostnameErrorKind::LegacyCommonName
        } else if self.host_is_ip && self.ip_addresses.is_empty() {
            HostnameErrorKind::NoIpSans
        } else if self.valid_names().join(", ").is_empty() {
            // Go tests the joined list, so a lone empty dNSName counts as none.
            HostnameErrorKind::NotValidForAnyNames
        } else {
            HostnameErrorKind::Mismatch
        }
    }

    /// Whether this is the "relies on legacy Common Name field" case.
    pub fn is_legacy_common_name(&self) -> bool {
        self.legacy_common_name
    }

    /// The names Go lists as valid: IP SANs for an IP host, DNS SANs otherwise.
    pub fn valid_names(&self) -> Vec<String> {
        if self.host_is_ip {
            self.ip_addresses.clone()
        } else {
            self.dns_names.clone()
        }
    }
}

impl fmt::Display for HostnameError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let host = &self.host;
        match self.kind() {
            HostnameErrorKind::LegacyCommonName => f.write_str(
                "x509: certificate relies on legacy Common Name field, use SANs instead",
            ),
            HostnameErrorKind::NoIpSans => write!(
                f,
                "x509: cannot validate certificate for {host} because it doesn't contain any IP SANs"
            ),
            HostnameErrorKind::NotValidForAnyNames => write!(
                f,
                "x509: certificate is not valid for any names, but wanted to match {host}"
            ),
            HostnameErrorKind::Mismatch
                if self.counts_many_names && self.host_is_ip && self.ip_addresses.len() >= 100 =>
            {
                write!(
                    f,
                    "x509: certificate is valid for {} IP SANs, but none matched {host}",
                    self.ip_addresses.len()
                )
            }
            HostnameErrorKind::Mismatch
                if self.counts_many_names && !self.host_is_ip && self.dns_names.len() >= 100 =>
            {
                write!(
                    f,
                    "x509: certificate is valid for {} names, but none matched {host}",
                    self.dns_names.len()
                )
            }
            HostnameErrorKind::Mismatch => write!(
                f,
                "x509: certificate is valid for {}, not {host}",
                self.valid_names().join(", ")
            ),
        }
    }
}

impl std::error::Error for HostnameError {}

/// `go`'s `(*Certificate).VerifyHostname`.
pub fn verify_hostname(cert: &Certificate, host: &str, go: Go) -> Result<(), HostnameError> {
    // IP addresses may be written in [ ].
    let candidate_ip = if host.len() >= 3 && host.starts_with('[') && host.ends_with(']') {
        &host[1..host.len() - 1]
    } else {
        host
    };
    if let Some(ip) = parse_ip_for(candidate_ip, go) {
        // Only IP SANs count for an IP (RFC 6125, Appendix B.2).
        if cert.ip_addresses.iter().any(|san| ip_equal(&ip, san)) {
            return Ok(());
        }
        return Err(HostnameError::new(cert, candidate_ip, true, go));
    }

    let candidate_name = host.to_ascii_lowercase();
    let valid_candidate_name = valid_hostname(&candidate_name, false, go);
    // Split once, not per SAN: Go's own fix for quadratic time (CVE-2026-27145).
    let host_labels = split_hostname(&candidate_name);
    for pattern in &cert.dns_names {
        // Wildcards and the trailing dot only apply when both sides are valid
        // hostnames; otherwise Go allows exact matches only.
        let matched = if valid_candidate_name && valid_hostname(pattern, true, go) {
            match_host_labels(pattern, &host_labels)
        } else {
            match_exactly(pattern, &candidate_name)
        };
        if matched {
            return Ok(());
        }
    }
    Err(HostnameError::new(cert, host, false, go))
}

fn valid_hostname(host: &str, is_pattern: bool, go: Go) -> bool {
    let host = if is_pattern {
        host
    } else {
        host.strip_suffix('.').unwrap_or(host)
    };
    if host.is_empty() || (host == "*" && go.refuses_lone_wildcard()) {
        return false;
    }
    for (i, part) in host.split('.').enumerate() {
        if part.is_empty() {
            return false;
        }
        if is_pattern && i == 0 && part == "*" {
            continue;
        }
        for (j, c) in part.char_indices() {
            let ok = c.is_ascii_alphanumeric() || (c == '-' && j != 0) || c == '_';
            if !ok {
                return false;
            }
        }
    }
    true
}

fn match_exactly(a: &str, b: &str) -> bool {
    if a.is_empty() || a == "." || b.is_empty() || b == "." {
        return false;
    }
    a.eq_ignore_ascii_case(b)
}

/// Go's `matchHostnames(pattern, host)` before the CVE-2026-27145 fix: an empty host
/// matches nothing.
pub(crate) fn match_hostnames(pattern: &str, host: &str) -> bool {
    let labels = split_hostname(host);
    labels != [""] && match_host_labels(pattern, &labels)
}

/// Go's `splitHostname`: the host's labels, lower case, without one trailing dot.
fn split_hostname(host: &str) -> Vec<String> {
    let host = host.strip_suffix('.').unwrap_or(host).to_ascii_lowercase();
    host.split('.').map(str::to_string).collect()
}

/// Go's `matchHostnames(pattern, hostParts)`: equal label counts, a `*` first label
/// matches any one label.
fn match_host_labels(pattern: &str, host_labels: &[String]) -> bool {
    let pattern = pattern.to_ascii_lowercase();
    if pattern.is_empty() {
        return false;
    }
    let pattern_labels: Vec<&str> = pattern.split('.').collect();
    pattern_labels.len() == host_labels.len()
        && pattern_labels
            .iter()
            .zip(host_labels)
            .enumerate()
            .all(|(i, (p, h))| (i == 0 && *p == "*") || p == h)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cert(cn: Option<&str>, dns: &[&str], ips: &[&str], has_san: bool) -> Certificate {
        let pem = include_bytes!("../../testdata/tls/spark/server-cert.pem");
        let (block, _) = crate::tls::pem::decode(pem).expect("fixture is PEM");
        let mut cert =
            crate::tls::cert::parse_der(&block.bytes, Go::GO_1_19).expect("fixture parses");
        cert.subject_common_name = cn.map(str::to_string);
        cert.dns_names = dns.iter().map(|s| s.to_string()).collect();
        cert.ip_addresses = ips.iter().map(|s| parse_ip(s).unwrap()).collect();
        cert.has_san_extension = has_san;
        cert
    }

    fn verdict(cert: &Certificate, host: &str) -> String {
        match verify_hostname(cert, host, Go::GO_1_19) {
            Ok(()) => "ok".to_string(),
            Err(e) => e.to_string(),
        }
    }

    #[test]
    fn wildcard_matches_one_label() {
        let c = cert(None, &["*.ns.svc"], &[], true);
        assert_eq!(verdict(&c, "svc.ns.svc"), "ok");
        assert_eq!(verdict(&c, "SVC.NS.SVC."), "ok");
        assert_eq!(
            verdict(&c, "a.b.ns.svc"),
            "x509: certificate is valid for *.ns.svc, not a.b.ns.svc"
        );
    }

    #[test]
    fn common_name_only_selects_the_message() {
        let c = cert(Some("svc.ns.svc"), &[], &[], false);
        let err = verify_hostname(&c, "svc.ns.svc", Go::GO_1_19).unwrap_err();
        assert!(err.is_legacy_common_name());
        assert_eq!(err.kind(), HostnameErrorKind::LegacyCommonName);
        let other = verify_hostname(&c, "other.ns.svc", Go::GO_1_19).unwrap_err();
        assert_eq!(other.kind(), HostnameErrorKind::NotValidForAnyNames);
        let with_san = cert(Some("svc.ns.svc"), &[], &[], true);
        assert!(!verify_hostname(&with_san, "svc.ns.svc", Go::GO_1_19)
            .unwrap_err()
            .is_legacy_common_name());
    }

    #[test]
    fn ip_hosts_use_ip_sans_only() {
        let c = cert(None, &["10.0.0.1"], &["10.0.0.2", "::ffff:10.0.0.3"], true);
        assert_eq!(verdict(&c, "10.0.0.3"), "ok");
        let err = verify_hostname(&c, "10.0.0.1", Go::GO_1_19).unwrap_err();
        assert_eq!(err.valid_names(), ["10.0.0.2", "10.0.0.3"]);
        assert_eq!(
            err.to_string(),
            "x509: certificate is valid for 10.0.0.2, 10.0.0.3, not 10.0.0.1"
        );
        let none = cert(None, &["a"], &[], true);
        assert_eq!(
            verdict(&none, "[::1]"),
            "x509: cannot validate certificate for ::1 because it doesn't contain any IP SANs"
        );
    }
}
