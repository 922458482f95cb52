//! Go's name-constraint checks: `checkNameConstraints` and the `match*Constraint` functions
//! of crypto/x509/verify.go, under Go's 250,000-comparison budget.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

use super::error::{VerifyError, VerifyErrorKind};
use super::options::CertRef;
use crate::tls::cert::{self, Certificate, IpRange};
use crate::tls::der::{Reader, TAG_SEQUENCE};
use crate::tls::go::Go;
use crate::tls::go_names::{
    domain_to_reverse_labels, go_quote, parse_rfc2821_mailbox, split_host_port, url_host, Mailbox,
};
use crate::tls::ip;

/// Go's default `MaxConstraintComparisions`.
const MAX_CONSTRAINT_COMPARISONS: usize = 250_000;

/// Go's walk of one certificate's SANs (`forEachSAN`) against `ca`'s name constraints.
pub(super) fn check_sans_against(
    ca_ref: CertRef,
    ca: &Certificate,
    san_extension: &[u8],
    comparisons: &mut usize,
    go: Go,
) -> Result<(), VerifyError> {
    let uncheckable = |message: String| {
        VerifyError::new(VerifyErrorKind::UncheckableName {
            cert: ca_ref,
            message,
        })
    };
    let empty = cert::NameConstraints::default();
    let constraints = ca.name_constraints.as_deref().unwrap_or(&empty);
    let Some(names) = Reader::new(san_extension).read(TAG_SEQUENCE) else {
        return Err(uncheckable(
            "x509: invalid subject alternative names".to_string(),
        ));
    };
    let mut names = Reader::new(names);
    while !names.is_empty() {
        let Some(name) = names.read_any() else {
            return Err(uncheckable(
                "x509: invalid subject alternative name".to_string(),
            ));
        };
        let data = name.contents;
        let mut checker = ConstraintChecker {
            ca_ref,
            comparisons,
        };
        match name.tag ^ 0x80 {
            1 => {
                let text = String::from_utf8_lossy(data).into_owned();
                let Some(mailbox) = parse_rfc2821_mailbox(&text, go) else {
                    // Go formats the zero mailbox struct with %q.
                    return Err(uncheckable(
                        "x509: cannot parse rfc822Name {\"\" \"\"}".to_string(),
                    ));
                };
                checker.check(
                    "email address",
                    &text,
                    &constraints.permitted_email_addresses,
                    &constraints.excluded_email_addresses,
                    |constraint: &String, excluded| {
                        match_email_constraint(&mailbox, constraint, excluded, go)
                    },
                    |constraint| go_quote(constraint.as_bytes()),
                )?;
            }
            2 => {
                let text = String::from_utf8_lossy(data).into_owned();
                if domain_to_reverse_labels(&text, go).is_none() {
                    return Err(uncheckable(format!(
                        "x509: cannot parse dnsName {}",
                        go_quote(data)
                    )));
                }
                checker.check(
                    "DNS name",
                    &text,
                    &constraints.permitted_dns_domains,
                    &constraints.excluded_dns_domains,
                    |constraint: &String, excluded| {
                        match_domain_constraint(&text, constraint, excluded, go)
                    },
                    |constraint| go_quote(constraint.as_bytes()),
                )?;
            }
            6 => {
                let text = String::from_utf8_lossy(data).into_owned();
                checker.check(
                    "URI",
                    &text,
                    &constraints.permitted_uri_domains,
                    &constraints.excluded_uri_domains,
                    |constraint: &String, excluded| {
                        match_uri_constraint(&text, constraint, excluded, go)
                    },
                    |constraint| go_quote(constraint.as_bytes()),
                )?;
            }
            7 => {
                let Some(ip) = ip_from_bytes(data) else {
                    let hex: String = data.iter().map(|b| format!("{b:02x}")).collect();
                    return Err(uncheckable(format!(
                        "x509: internal error: IP SAN {hex} failed to parse"
                    )));
                };
                checker.check(
                    "IP address",
                    &ip::go_ip_string(&ip),
                    &constraints.permitted_ip_ranges,
                    &constraints.excluded_ip_ranges,
                    |constraint: &IpRange, _| Ok(match_ip_constraint(data, constraint)),
                    |constraint| go_quote(ip_range_string(constraint).as_bytes()),
                )?;
            }
            _ => {}
        }
    }
    Ok(())
}

struct ConstraintChecker<'c> {
    ca_ref: CertRef,
    comparisons: &'c mut usize,
}

impl ConstraintChecker<'_> {
    /// Go's `checkNameConstraints`: excluded first, then permitted; a match error
    /// is reported as the refusal's detail.
    fn check<T>(
        &mut self,
        name_type: &str,
        name: &str,
        permitted: &[T],
        excluded: &[T],
        matches: impl Fn(&T, bool) -> Result<bool, String>,
        quote_constraint: impl Fn(&T) -> String,
    ) -> Result<(), VerifyError> {
        let refuse = |detail: String| {
            VerifyError::new(VerifyErrorKind::NameConstraint {
                cert: self.ca_ref,
                detail,
            })
        };
        let too_many =
            || VerifyError::new(VerifyErrorKind::TooManyConstraints { cert: self.ca_ref });

        *self.comparisons += excluded.len();
        if *self.comparisons > MAX_CONSTRAINT_COMPARISONS {
            return Err(too_many());
        }
        for constraint in excluded {
            if matches(constraint, true).map_err(refuse)? {
                return Err(refuse(format!(
                    "{name_type} {} is excluded by constraint {}",
                    go_quote(name.as_bytes()),
                    quote_constraint(constraint)
                )));
            }
        }

        *self.comparisons += permitted.len();
        if *self.comparisons > MAX_CONSTRAINT_COMPARISONS {
            return Err(too_many());
        }
        let mut ok = true;
        for constraint in permitted {
            ok = matches(constraint, false).map_err(refuse)?;
            if ok {
                break;
            }
        }
        if !ok {
            return Err(refuse(format!(
                "{name_type} {} is not permitted by any constraint",
                go_quote(name.as_bytes())
            )));
        }
        Ok(())
    }
}

fn ip_from_bytes(data: &[u8]) -> Option<IpAddr> {
    match data.len() {
        4 => Some(IpAddr::V4(Ipv4Addr::new(
            data[0], data[1], data[2], data[3],
        ))),
        16 => {
            let mut octets = [0u8; 16];
            octets.copy_from_slice(data);
            Some(IpAddr::V6(Ipv6Addr::from(octets)))
        }
        _ => None,
    }
}

/// Go's `matchIPConstraint`: same length, equal under the mask.
fn match_ip_constraint(ip: &[u8], constraint: &IpRange) -> bool {
    ip.len() == constraint.ip.len()
        && ip
            .iter()
            .zip(&constraint.ip)
            .zip(&constraint.mask)
            .all(|((a, b), m)| a & m == b & m)
}

/// Go's `(*net.IPNet).String()`: the address as stored (not masked) and the prefix
/// length, or the mask in hex when it is not a prefix.
pub(super) fn ip_range_string(range: &IpRange) -> String {
    let mut ip = range.ip.as_slice();
    let mut mask = range.mask.as_slice();
    // networkNumberAndMask: a v4-in-v6 address is shown as IPv4 with the mask's tail.
    if ip.len() == 16 && ip[..12] == [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff] {
        ip = &ip[12..];
        if mask.len() == 16 {
            mask = &mask[12..];
        }
    }
    let Some(address) = ip_from_bytes(ip) else {
        return "<nil>".to_string();
    };
    let address = ip::go_ip_string(&address);
    match simple_mask_length(mask) {
        Some(ones) => format!("{address}/{ones}"),
        None => {
            let hex: String = mask.iter().map(|b| format!("{b:02x}")).collect();
            format!("{address}/{hex}")
        }
    }
}

/// Go's `simpleMaskLength`: the prefix length of a canonical mask.
fn simple_mask_length(mask: &[u8]) -> Option<usize> {
    let mut ones = 0;
    for (i, &byte) in mask.iter().enumerate() {
        if byte == 0xff {
            ones += 8;
            continue;
        }
        let leading = byte.leading_ones() as usize;
        if byte << leading != 0 || mask[i + 1..].iter().any(|&b| b != 0) {
            return None;
        }
        return Some(ones + leading);
    }
    Some(ones)
}

/// Go's `matchDomainConstraint`. A leading dot requires at least one more label. With
/// the fix of CVE-2025-61727, an excluded constraint also matches a wildcard name
/// whose other labels it matches (`*.example.com` against `bar.example.com`).
fn match_domain_constraint(
    domain: &str,
    constraint: &str,
    excluded: bool,
    go: Go,
) -> Result<bool, String> {
    if constraint.is_empty() {
        return Ok(true);
    }
    let Some(mut domain_labels) = domain_to_reverse_labels(domain, go) else {
        return Err(format!(
            "x509: internal error: cannot parse domain {}",
            go_quote(domain.as_bytes())
        ));
    };
    let (must_have_subdomains, constraint) = match constraint.strip_prefix('.') {
        Some(rest) => (true, rest),
        None => (false, constraint),
    };
    let Some(mut constraint_labels) = domain_to_reverse_labels(constraint, go) else {
        return Err(format!(
            "x509: internal error: cannot parse domain {}",
            go_quote(constraint.as_bytes())
        ));
    };
    if domain_labels.len() < constraint_labels.len()
        || (must_have_subdomains && domain_labels.len() == constraint_labels.len())
    {
        return Ok(false);
    }
    if excluded
        && go.excluded_constraints_cover_wildcards()
        && domain.starts_with('*')
        && domain_labels.len() > 1
        && !constraint_labels.is_empty()
    {
        domain_labels.pop();
        constraint_labels.pop();
    }
    Ok(constraint_labels
        .iter()
        .zip(&domain_labels)
        .all(|(c, d)| c.eq_ignore_ascii_case(d)))
}

/// Go's `matchEmailConstraint`: a full mailbox, or a domain constraint on the
/// mailbox's domain.
fn match_email_constraint(
    mailbox: &Mailbox,
    constraint: &str,
    excluded: bool,
    go: Go,
) -> Result<bool, String> {
    if constraint.contains('@') {
        let Some(constraint_mailbox) = parse_rfc2821_mailbox(constraint, go) else {
            return Err(format!(
                "x509: internal error: cannot parse constraint {}",
                go_quote(constraint.as_bytes())
            ));
        };
        return Ok(mailbox.local == constraint_mailbox.local
            && mailbox
                .domain
                .eq_ignore_ascii_case(&constraint_mailbox.domain));
    }
    match_domain_constraint(&mailbox.domain, constraint, excluded, go)
}

/// Go's `matchURIConstraint`: the URI's host must be a domain name.
fn match_uri_constraint(
    uri: &str,
    constraint: &str,
    excluded: bool,
    go: Go,
) -> Result<bool, String> {
    let host = url_host(uri);
    if host.is_empty() {
        return Err(format!(
            "URI with empty host ({}) cannot be matched against constraints",
            go_quote(uri.as_bytes())
        ));
    }
    let mut host = host.as_str();
    if host.contains(':') && !host.ends_with(']') {
        host = split_host_port(host).map_err(|e| e.to_string())?;
    }
    if (host.starts_with('[') && host.ends_with(']')) || ip::parse_ip_for(host, go).is_some() {
        return Err(format!(
            "URI with IP ({}) cannot be matched against constraints",
            go_quote(uri.as_bytes())
        ));
    }
    match_domain_constraint(host, constraint, excluded, go)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn domain_constraints() {
        let matches = |domain, constraint| {
            match_domain_constraint(domain, constraint, false, Go::GO_1_19).unwrap()
        };
        assert!(matches("svc.ns.svc", "ns.svc"));
        assert!(matches("ns.svc", "ns.svc"));
        assert!(!matches("ns.svc", ".ns.svc"));
        assert!(matches("a.ns.svc", ".ns.svc"));
        assert!(!matches("svc.ns.svc", "s.svc"));
        assert!(matches("SVC.NS.SVC", "ns.svc"));
        assert!(matches("anything", ""));
        assert_eq!(
            match_domain_constraint("a.", "a", false, Go::GO_1_19).unwrap_err(),
            "x509: internal error: cannot parse domain \"a.\""
        );
    }

    #[test]
    fn email_constraints() {
        let mailbox = parse_rfc2821_mailbox("john.doe@example.com", Go::GO_1_19).unwrap();
        assert!(match_email_constraint(&mailbox, "example.com", false, Go::GO_1_19).unwrap());
        assert!(
            match_email_constraint(&mailbox, "john.doe@EXAMPLE.com", false, Go::GO_1_19).unwrap()
        );
        assert!(!match_email_constraint(&mailbox, "jane@example.com", false, Go::GO_1_19).unwrap());
        assert!(!match_email_constraint(&mailbox, ".example.com", false, Go::GO_1_19).unwrap());
    }

    #[test]
    fn uri_constraints() {
        assert!(match_uri_constraint(
            "https://a.example.com:443/x",
            ".example.com",
            false,
            Go::GO_1_19
        )
        .unwrap());
        assert!(
            !match_uri_constraint("https://example.org/", "example.com", false, Go::GO_1_19)
                .unwrap()
        );
        assert_eq!(
            match_uri_constraint("https://10.0.0.1/", "example.com", false, Go::GO_1_19)
                .unwrap_err(),
            "URI with IP (\"https://10.0.0.1/\") cannot be matched against constraints"
        );
        assert_eq!(
            match_uri_constraint("urn:x", "example.com", false, Go::GO_1_19).unwrap_err(),
            "URI with empty host (\"urn:x\") cannot be matched against constraints"
        );
    }

    #[test]
    fn ip_ranges_print_like_go() {
        let range = |ip: &[u8], mask: &[u8]| IpRange {
            ip: ip.to_vec(),
            mask: mask.to_vec(),
        };
        assert_eq!(
            ip_range_string(&range(&[192, 0, 2, 0], &[255, 255, 255, 0])),
            "192.0.2.0/24"
        );
        assert_eq!(
            ip_range_string(&range(&[10, 1, 2, 3], &[255, 0, 0, 0])),
            "10.1.2.3/8"
        );
        let mut v6 = [0u8; 16];
        v6[15] = 1;
        assert_eq!(ip_range_string(&range(&v6, &[0xff; 16])), "::1/128");
        let mut mapped = [0u8; 16];
        mapped[10..].copy_from_slice(&[0xff, 0xff, 10, 0, 0, 0]);
        let mut mapped_mask = [0xffu8; 16];
        mapped_mask[13..].fill(0);
        assert_eq!(ip_range_string(&range(&mapped, &mapped_mask)), "10.0.0.0/8");
        assert!(match_ip_constraint(
            &[192, 0, 2, 77],
            &range(&[192, 0, 2, 0], &[255, 255, 255, 0])
        ));
        assert!(!match_ip_constraint(
            &mapped,
            &range(&[10, 0, 0, 0], &[255, 0, 0, 0])
        ));
    }
}
