//! Go 1.26's name-constraint check (crypto/x509/constraints.go): once a chain is built,
//! the SANs of each certificate are checked against the constraints of every certificate
//! above it, by kind (IP addresses, DNS names, URIs, then email addresses), each kind's
//! constraints sorted and pruned, then searched.
//!
//! Earlier Go checks constraints while building (`name_constraints`); the two disagree
//! on which name or constraint an error names, and on chains Go 1.25 gave up on.

use std::cmp::Ordering;
use std::collections::HashMap;

use crate::tls::cert::{Certificate, IpRange, NameConstraints};
use crate::tls::go::Go;
use crate::tls::go_names::{
    domain_to_reverse_labels, go_quote, parse_rfc2821_mailbox, split_host_port, url_host, Mailbox,
};
use crate::tls::ip;

/// Go's `checkChainConstraints`: the index (in `chain`) of the certificate whose
/// constraints refuse a name, and Go's error text; or a SAN that cannot be checked,
/// named by the index of the first constraining certificate above it.
pub(super) fn check_chain_constraints(
    chain: &[&Certificate],
    go: Go,
) -> Result<(), (usize, String)> {
    let empty = NameConstraints::default();
    let sets: Vec<ChainConstraints<'_>> = chain
        .iter()
        .enumerate()
        .filter(|(_, c)| c.has_name_constraints)
        .map(|(index, c)| {
            let nc = c.name_constraints.as_deref().unwrap_or(&empty);
            ChainConstraints::new(index, nc, go)
        })
        .collect();
    if sets.is_empty() {
        return Ok(());
    }
    let mut current = 0;
    for (i, c) in chain.iter().enumerate() {
        if !c.has_san_extension {
            continue;
        }
        // Only the constraints of certificates above this one apply.
        while sets[current].index <= i {
            if current + 1 == sets.len() {
                return Ok(());
            }
            current += 1;
        }
        let at = sets[current].index;
        let uris = parse_uris(&c.uris, go).map_err(|e| (at, e))?;
        let emails = parse_mailboxes(&c.email_addresses, go).map_err(|e| (at, e))?;
        for set in &sets[current..] {
            set.check(c, &uris, &emails, go)
                .map_err(|e| (set.index, e))?;
        }
    }
    Ok(())
}

struct ChainConstraints<'c> {
    index: usize,
    ip: (Option<IpConstraints<'c>>, Option<IpConstraints<'c>>),
    dns: (Option<DnsConstraints<'c>>, Option<DnsConstraints<'c>>),
    uri: (Option<DnsConstraints<'c>>, Option<DnsConstraints<'c>>),
    email: (Option<EmailConstraints<'c>>, Option<EmailConstraints<'c>>),
}

impl<'c> ChainConstraints<'c> {
    fn new(index: usize, nc: &'c NameConstraints, go: Go) -> Self {
        ChainConstraints {
            index,
            ip: (
                IpConstraints::new(&nc.permitted_ip_ranges),
                IpConstraints::new(&nc.excluded_ip_ranges),
            ),
            dns: (
                DnsConstraints::new(&nc.permitted_dns_domains, true),
                DnsConstraints::new(&nc.excluded_dns_domains, false),
            ),
            uri: (
                DnsConstraints::new(&nc.permitted_uri_domains, true),
                DnsConstraints::new(&nc.excluded_uri_domains, false),
            ),
            email: (
                EmailConstraints::new(&nc.permitted_email_addresses, true, go),
                EmailConstraints::new(&nc.excluded_email_addresses, false, go),
            ),
        }
    }

    /// Go's `(*chainConstraints).check`.
    fn check(
        &self,
        c: &Certificate,
        uris: &[ParsedUri<'_>],
        emails: &[Mailbox],
        go: Go,
    ) -> Result<(), String> {
        for ip in &c.ip_addresses {
            let bytes = ip_bytes(ip);
            let shown = go_quote(ip::go_ip_string(ip).as_bytes());
            check_kind(
                "IP address",
                &shown,
                self.ip.0.as_ref().map(|p| p.query(&bytes).is_some()),
                self.ip
                    .1
                    .as_ref()
                    .and_then(|e| e.query(&bytes))
                    .map(ip_range_quoted),
            )?;
        }
        for name in &c.dns_names {
            if !domain_name_valid(name, go) {
                return Err(format!(
                    "x509: cannot parse dnsName {}",
                    go_quote(name.as_bytes())
                ));
            }
            check_kind(
                "DNS name",
                &go_quote(name.as_bytes()),
                self.dns.0.as_ref().map(|p| p.query(name).is_some()),
                self.dns
                    .1
                    .as_ref()
                    .and_then(|e| e.query(name))
                    .map(|c| go_quote(c.as_bytes())),
            )?;
        }
        for uri in uris {
            if !domain_name_valid(&uri.domain, go) {
                return Err(format!(
                    "x509: internal error: URI SAN {} failed to parse",
                    go_quote(uri.text.as_bytes())
                ));
            }
            check_kind(
                "URI",
                &go_quote(uri.text.as_bytes()),
                self.uri.0.as_ref().map(|p| p.query(&uri.domain).is_some()),
                self.uri
                    .1
                    .as_ref()
                    .and_then(|e| e.query(&uri.domain))
                    .map(|c| go_quote(c.as_bytes())),
            )?;
        }
        for mailbox in emails {
            let shown = format!("{}@{}", mailbox.local, mailbox.domain);
            if !domain_name_valid(&mailbox.domain, go) {
                return Err(format!(
                    "x509: cannot parse rfc822Name {}",
                    go_quote(shown.as_bytes())
                ));
            }
            check_kind(
                "email address",
                &go_quote(shown.as_bytes()),
                self.email.0.as_ref().map(|p| p.query(mailbox).is_some()),
                self.email
                    .1
                    .as_ref()
                    .and_then(|e| e.query(mailbox))
                    .map(|c| go_quote(c.as_bytes())),
            )?;
        }
        Ok(())
    }
}

/// Go's `checkConstraints`: permitted first (when there are any), then excluded.
fn check_kind(
    kind: &str,
    quoted: &str,
    permitted: Option<bool>,
    excluded_by: Option<String>,
) -> Result<(), String> {
    if permitted == Some(false) {
        return Err(format!(
            "{kind} {quoted} is not permitted by any constraint"
        ));
    }
    if let Some(constraint) = excluded_by {
        return Err(format!(
            "{kind} {quoted} is excluded by constraint {constraint}"
        ));
    }
    Ok(())
}

/// Go 1.24's `domainNameValid(s, false)`: what `domainToReverseLabels` of Go 1.23 accepts.
fn domain_name_valid(name: &str, go: Go) -> bool {
    domain_to_reverse_labels(name, go).is_some()
}

/// Go's `nameConstraintsSet.search`: an exact match, or the constraint just before where
/// `target` would sort, if it matches.
fn search<'s, T: ?Sized, V: ?Sized>(
    set: &[&'s T],
    target: &V,
    compare: impl Fn(&T, &V) -> Ordering,
    matches: impl Fn(&T, &V) -> bool,
) -> Option<&'s T> {
    if set.is_empty() {
        return None;
    }
    let i = set.partition_point(|c| compare(c, target) == Ordering::Less);
    if i < set.len() && compare(set[i], target) == Ordering::Equal {
        return Some(set[i]);
    }
    let candidate = set[i.saturating_sub(1)];
    matches(candidate, target).then_some(candidate)
}

/// Go's `sortAndPrune`: sorted, then each constraint that another just before it covers
/// is dropped. (Go's sort is not stable; on 12 or fewer constraints it is an insertion
/// sort, which is.)
fn sort_and_prune<T: ?Sized>(
    set: &mut Vec<&T>,
    compare: impl Fn(&T, &T) -> Ordering,
    subset: impl Fn(&T, &T) -> bool,
) {
    if set.len() < 2 {
        return;
    }
    set.sort_by(|a, b| compare(a, b));
    let mut write = 1;
    for read in 1..set.len() {
        if !subset(set[write - 1], set[read]) {
            set[write] = set[read];
            write += 1;
        }
    }
    set.truncate(write);
}

struct IpConstraints<'c> {
    v4: Vec<&'c IpRange>,
    v6: Vec<&'c IpRange>,
}

impl<'c> IpConstraints<'c> {
    fn new(ranges: &'c [IpRange]) -> Option<Self> {
        if ranges.is_empty() {
            return None;
        }
        let (mut v4, mut v6): (Vec<&IpRange>, Vec<&IpRange>) =
            ranges.iter().partition(|r| r.ip.len() == 4);
        for set in [&mut v4, &mut v6] {
            sort_and_prune(
                set,
                |a, b| a.ip.cmp(&b.ip).then_with(|| a.mask.cmp(&b.mask)),
                ip_network_subset,
            );
        }
        Some(IpConstraints { v4, v6 })
    }

    fn query(&self, ip: &[u8]) -> Option<&'c IpRange> {
        let set = if ip.len() == 4 { &self.v4 } else { &self.v6 };
        search(
            set,
            ip,
            |c, target| c.ip.as_slice().cmp(target),
            ip_net_contains,
        )
    }
}

fn ip_bytes(ip: &std::net::IpAddr) -> Vec<u8> {
    match ip {
        std::net::IpAddr::V4(v4) => v4.octets().to_vec(),
        std::net::IpAddr::V6(v6) => v6.octets().to_vec(),
    }
}

/// Go's `net.IP.To4`.
fn to4(ip: &[u8]) -> Option<&[u8]> {
    match ip.len() {
        4 => Some(ip),
        16 if ip[..10].iter().all(|&b| b == 0) && ip[10] == 0xff && ip[11] == 0xff => {
            Some(&ip[12..])
        }
        _ => None,
    }
}

/// Go's `(*net.IPNet).Contains`, with `networkNumberAndMask`.
fn ip_net_contains(net: &IpRange, ip: &[u8]) -> bool {
    let network = match to4(&net.ip) {
        Some(v4) => v4,
        None if net.ip.len() == 16 => &net.ip[..],
        None => return false,
    };
    let mask = match net.mask.len() {
        4 if network.len() == 4 => &net.mask[..],
        4 => return false,
        16 if network.len() == 4 => &net.mask[12..],
        16 => &net.mask[..],
        _ => return false,
    };
    let ip = to4(ip).unwrap_or(ip);
    ip.len() == network.len() && (0..ip.len()).all(|i| network[i] & mask[i] == ip[i] & mask[i])
}

/// Go's `ipNetworkSubset`: `b` lies within `a`.
fn ip_network_subset(a: &IpRange, b: &IpRange) -> bool {
    if !ip_net_contains(a, &b.ip) {
        return false;
    }
    let broadcast: Vec<u8> = (b.ip.iter().zip(&b.mask))
        .map(|(ip, mask)| ip | !mask)
        .collect();
    ip_net_contains(a, &broadcast)
}

fn ip_range_quoted(range: &IpRange) -> String {
    go_quote(super::name_constraints::ip_range_string(range).as_bytes())
}

/// Go's `dnsConstraints`.
enum DnsConstraints<'c> {
    /// An empty constraint matches every name.
    All,
    Sorted {
        permitted: bool,
        set: Vec<&'c str>,
        /// Excluded constraints by their parent domain, lowercased: a wildcard name is
        /// excluded when a constraint names one of the names it covers.
        parents: HashMap<String, &'c str>,
    },
}

impl<'c> DnsConstraints<'c> {
    fn new(list: &'c [String], permitted: bool) -> Option<Self> {
        Self::of(list.iter().map(String::as_str).collect(), permitted)
    }

    fn of(mut set: Vec<&'c str>, permitted: bool) -> Option<Self> {
        if set.is_empty() {
            return None;
        }
        if set.iter().any(|c| c.is_empty()) {
            return Some(DnsConstraints::All);
        }
        sort_and_prune(&mut set, dns_compare, dns_has_suffix);
        let mut parents = HashMap::new();
        if !permitted {
            for &name in &set {
                let trimmed = trim_first_label(&name.to_ascii_lowercase()).to_string();
                if !trimmed.is_empty() {
                    parents.insert(trimmed, name);
                }
            }
        }
        Some(DnsConstraints::Sorted {
            permitted,
            set,
            parents,
        })
    }

    /// The constraint matching `name`, if any (`""` for [`DnsConstraints::All`]).
    fn query(&self, name: &str) -> Option<&'c str> {
        let DnsConstraints::Sorted {
            permitted,
            set,
            parents,
        } = self
        else {
            return Some("");
        };
        if let Some(found) = search(set, name, dns_compare, dns_has_suffix) {
            return Some(found);
        }
        if !permitted && name.starts_with('*') {
            let lower = name.to_ascii_lowercase();
            return parents.get(trim_first_label(&lower)).copied();
        }
        None
    }
}

/// Go's `dnsCompare`: byte by byte from the end, ASCII case folded, `.` lowest.
fn dns_compare(a: &str, b: &str) -> Ordering {
    let key = |byte: u8| {
        if byte == b'.' {
            0
        } else {
            byte.to_ascii_lowercase()
        }
    };
    let (a, b) = (a.as_bytes(), b.as_bytes());
    for (x, y) in a.iter().rev().zip(b.iter().rev()) {
        match key(*x).cmp(&key(*y)) {
            Ordering::Equal => {}
            other => return other,
        }
    }
    a.len().cmp(&b.len())
}

/// Go's `dnsHasSuffix(a, b)`: the constraint `a` covers the name `b` (a whole-label
/// suffix, or any suffix when `a` starts with a dot), ASCII case folded.
fn dns_has_suffix(a: &str, b: &str) -> bool {
    let (a, b) = (a.as_bytes(), b.as_bytes());
    if a.len() > b.len() || a.is_empty() {
        return false;
    }
    let offset = b.len() - a.len();
    if !a
        .iter()
        .zip(&b[offset..])
        .all(|(x, y)| x.eq_ignore_ascii_case(y))
    {
        return false;
    }
    !(a[0] != b'.' && b.len() > a.len() && b[offset - 1] != b'.')
}

/// Go's `trimFirstLabel`: from the first dot on, or empty.
fn trim_first_label(name: &str) -> &str {
    name.find('.').map_or("", |dot| &name[dot..])
}

/// Go's `emailConstraints`: whole mailboxes, and domain constraints.
struct EmailConstraints<'c> {
    mailboxes: Vec<Mailbox>,
    domains: Option<DnsConstraints<'c>>,
}

impl<'c> EmailConstraints<'c> {
    fn new(list: &'c [String], permitted: bool, go: Go) -> Option<Self> {
        if list.is_empty() {
            return None;
        }
        let mut mailboxes = Vec::new();
        let mut domains = Vec::new();
        for constraint in list {
            if !constraint.contains('@') {
                domains.push(constraint.as_str());
            } else if let Some(mut mailbox) = parse_rfc2821_mailbox(constraint, go) {
                mailbox.domain = mailbox.domain.to_ascii_lowercase();
                mailboxes.push(mailbox);
            }
        }
        Some(EmailConstraints {
            mailboxes,
            domains: DnsConstraints::of(domains, permitted),
        })
    }

    /// The matching constraint, as Go prints it.
    fn query(&self, mailbox: &Mailbox) -> Option<String> {
        if self.mailboxes.contains(mailbox) {
            return Some(format!("{}@{}", mailbox.local, mailbox.domain));
        }
        self.domains
            .as_ref()?
            .query(&mailbox.domain)
            .map(str::to_string)
    }
}

struct ParsedUri<'u> {
    text: &'u str,
    /// The host, lowercased, without a port.
    domain: String,
}

/// Go's `parseURIs`.
fn parse_uris(uris: &[String], go: Go) -> Result<Vec<ParsedUri<'_>>, String> {
    let mut parsed = Vec::with_capacity(uris.len());
    for uri in uris {
        let raw_host = url_host(uri);
        let mut host = raw_host.to_ascii_lowercase();
        if host.is_empty() {
            return Err(format!(
                "URI with empty host ({}) cannot be matched against constraints",
                go_quote(uri.as_bytes())
            ));
        }
        if host.contains(':') && !host.ends_with(']') {
            host = split_host_port(&raw_host)
                .map_err(|e| {
                    format!(
                        "cannot parse URI host {}: {e}",
                        go_quote(raw_host.as_bytes())
                    )
                })?
                .to_string();
        }
        if ip::parse_ip_for(&host, go).is_some() || (host.starts_with('[') && host.ends_with(']')) {
            return Err(format!(
                "URI with IP ({}) cannot be matched against constraints",
                go_quote(uri.as_bytes())
            ));
        }
        parsed.push(ParsedUri {
            text: uri,
            domain: host,
        });
    }
    Ok(parsed)
}

/// Go's `parseMailboxes`: domains lowercased.
fn parse_mailboxes(emails: &[String], go: Go) -> Result<Vec<Mailbox>, String> {
    emails
        .iter()
        .map(|email| {
            let mut mailbox = parse_rfc2821_mailbox(email, go)
                .ok_or_else(|| format!("cannot parse rfc822Name {}", go_quote(email.as_bytes())))?;
            mailbox.domain = mailbox.domain.to_ascii_lowercase();
            Ok(mailbox)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dns_order_and_suffixes_follow_go() {
        assert_eq!(
            dns_compare("a.example.com", "example.com"),
            Ordering::Greater
        );
        assert_eq!(dns_compare("EXAMPLE.com", "example.COM"), Ordering::Equal);
        assert_eq!(
            dns_compare(".example.com", "example.com"),
            Ordering::Greater
        );
        assert!(dns_has_suffix("example.com", "a.example.com"));
        assert!(!dns_has_suffix("example.com", "aexample.com"));
        assert!(dns_has_suffix(".example.com", "a.example.com"));
        assert!(dns_has_suffix("Example.COM", "example.com"));
        assert!(!dns_has_suffix("", "example.com"));
    }

    #[test]
    fn pruning_keeps_the_covering_constraint() {
        let list = vec!["a.example.com".to_string(), "example.com".to_string()];
        let DnsConstraints::Sorted { set, .. } = DnsConstraints::new(&list, true).unwrap() else {
            panic!("sorted");
        };
        assert_eq!(set, vec!["example.com"]);
    }

    #[test]
    fn excluded_parents_cover_wildcards() {
        let list = vec!["bar.example.com".to_string()];
        let excluded = DnsConstraints::new(&list, false).unwrap();
        assert_eq!(excluded.query("*.example.com"), Some("bar.example.com"));
        assert_eq!(excluded.query("foo.example.com"), None);
        let permitted = DnsConstraints::new(&list, true).unwrap();
        assert_eq!(permitted.query("*.example.com"), None);
    }

    #[test]
    fn ip_networks_contain_like_go() {
        let net = IpRange {
            ip: vec![192, 0, 2, 0],
            mask: vec![255, 255, 255, 0],
        };
        assert!(ip_net_contains(&net, &[192, 0, 2, 7]));
        assert!(!ip_net_contains(&net, &[192, 0, 3, 7]));
        let mut mapped = vec![0u8; 10];
        mapped.extend([0xff, 0xff, 192, 0, 2, 9]);
        assert!(ip_net_contains(&net, &mapped));
    }
}
