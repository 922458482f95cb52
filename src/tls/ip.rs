//! Go's `net.ParseIP` and `net.IP.String`: IP addresses as certificates, hostnames and
//! name constraints read and print them.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

use super::go::Go;

/// Go 1.19's `net.ParseIP`; callers that know their Go use [`parse_ip_for`].
pub fn parse_ip(s: &str) -> Option<IpAddr> {
    parse_ip_for(s, Go::GO_1_19)
}

/// `go`'s `net.ParseIP`: dotted IPv4 without leading zeros, or IPv6 (with optional
/// trailing IPv4), no zone. IPv4 is returned as V4.
pub fn parse_ip_for(s: &str, go: Go) -> Option<IpAddr> {
    match s.bytes().find(|&b| b == b'.' || b == b':')? {
        b'.' => parse_ipv4(s.as_bytes()).map(|o| IpAddr::V4(Ipv4Addr::from(o))),
        _ => parse_ipv6(s.as_bytes(), go.limits_ipv6_group_digits())
            .map(|o| IpAddr::V6(Ipv6Addr::from(o))),
    }
}

/// Go's `dtoi` / `xtoi` give up at this value.
const BIG: u32 = 0xFF_FFFF;

fn dtoi(s: &[u8]) -> Option<(u32, usize)> {
    let mut n: u32 = 0;
    let mut i = 0;
    while i < s.len() && s[i].is_ascii_digit() {
        n = n * 10 + u32::from(s[i] - b'0');
        if n >= BIG {
            return None;
        }
        i += 1;
    }
    (i > 0).then_some((n, i))
}

fn xtoi(s: &[u8]) -> Option<(u32, usize)> {
    let mut n: u32 = 0;
    let mut i = 0;
    while i < s.len() {
        let Some(digit) = (s[i] as char).to_digit(16) else {
            break;
        };
        n = n * 16 + digit;
        if n >= BIG {
            return None;
        }
        i += 1;
    }
    (i > 0).then_some((n, i))
}

fn parse_ipv4(mut s: &[u8]) -> Option<[u8; 4]> {
    let mut octets = [0u8; 4];
    for (i, octet) in octets.iter_mut().enumerate() {
        if s.is_empty() {
            return None;
        }
        if i > 0 {
            if s[0] != b'.' {
                return None;
            }
            s = &s[1..];
        }
        let (n, consumed) = dtoi(s)?;
        if n > 0xff {
            return None;
        }
        // Leading zeros are rejected (Go >= 1.17).
        if consumed > 1 && s[0] == b'0' {
            return None;
        }
        s = &s[consumed..];
        *octet = n as u8;
    }
    s.is_empty().then_some(octets)
}

fn parse_ipv6(mut s: &[u8], at_most_four_digits: bool) -> Option<[u8; 16]> {
    let mut ip = [0u8; 16];
    let mut ellipsis: Option<usize> = None;

    if s.starts_with(b"::") {
        ellipsis = Some(0);
        s = &s[2..];
        if s.is_empty() {
            return Some(ip);
        }
    }

    let mut i = 0;
    while i < 16 {
        let (n, consumed) = xtoi(s)?;
        // Leading zeros count: `00001` fits 16 bits but is five digits.
        if n > 0xffff || (at_most_four_digits && consumed > 4) {
            return None;
        }
        if consumed < s.len() && s[consumed] == b'.' {
            if ellipsis.is_none() && i != 12 {
                return None;
            }
            if i + 4 > 16 {
                return None;
            }
            let v4 = parse_ipv4(s)?;
            ip[i..i + 4].copy_from_slice(&v4);
            s = &[];
            i += 4;
            break;
        }
        ip[i] = (n >> 8) as u8;
        ip[i + 1] = n as u8;
        i += 2;

        s = &s[consumed..];
        if s.is_empty() {
            break;
        }
        if s[0] != b':' || s.len() == 1 {
            return None;
        }
        s = &s[1..];
        if s[0] == b':' {
            if ellipsis.is_some() {
                return None;
            }
            ellipsis = Some(i);
            s = &s[1..];
            if s.is_empty() {
                break;
            }
        }
    }

    if !s.is_empty() {
        return None;
    }
    if i < 16 {
        let ellipsis = ellipsis?;
        let n = 16 - i;
        ip.copy_within(ellipsis..i, ellipsis + n);
        ip[ellipsis..ellipsis + n].fill(0);
    } else if ellipsis.is_some() {
        // "::" must stand for at least one zero group.
        return None;
    }
    Some(ip)
}

fn to_16(ip: &IpAddr) -> [u8; 16] {
    match ip {
        IpAddr::V4(v4) => v4.to_ipv6_mapped().octets(),
        IpAddr::V6(v6) => v6.octets(),
    }
}

/// Go's `net.IP.Equal`: an IPv4 address equals its v4-in-v6 form.
pub(crate) fn ip_equal(a: &IpAddr, b: &IpAddr) -> bool {
    to_16(a) == to_16(b)
}

/// Go's `net.IP.String`: v4-in-v6 addresses print dotted; `::` only for two
/// or more zero groups, the first longest run.
pub fn go_ip_string(ip: &IpAddr) -> String {
    let p = to_16(ip);
    if p[..12] == [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff] {
        return format!("{}.{}.{}.{}", p[12], p[13], p[14], p[15]);
    }

    let (mut e0, mut e1): (isize, isize) = (-1, -1);
    let mut i = 0;
    while i < 16 {
        let mut j = i;
        while j < 16 && p[j] == 0 && p[j + 1] == 0 {
            j += 2;
        }
        if j > i && (j - i) as isize > e1 - e0 {
            e0 = i as isize;
            e1 = j as isize;
            i = j;
        }
        i += 2;
    }
    if e1 - e0 <= 2 {
        e0 = -1;
        e1 = -1;
    }

    let mut out = String::with_capacity(39);
    let mut i: isize = 0;
    while i < 16 {
        if i == e0 {
            out.push_str("::");
            i = e1;
            if i >= 16 {
                break;
            }
        } else if i > 0 {
            out.push(':');
        }
        let group = (u16::from(p[i as usize]) << 8) | u16::from(p[i as usize + 1]);
        out.push_str(&format!("{group:x}"));
        i += 2;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parse_ip_matches_go() {
        assert!(parse_ip("010.0.0.1").is_none());
        assert!(parse_ip("1.2.3").is_none());
        assert!(parse_ip("fe80::1%eth0").is_none());
        assert!(parse_ip("1::2::3").is_none());
        assert!(parse_ip("1:2:3:4:5:6:7::8").is_none());
        assert_eq!(parse_ip("0000000001::").unwrap().to_string(), "1::");
        assert_eq!(parse_ip("::1.2.3.4").unwrap().to_string(), "::102:304");
        assert_eq!(parse_ip("0.0.0.0").unwrap().to_string(), "0.0.0.0");
    }

    #[test]
    fn go_1_23_refuses_ipv6_groups_of_five_digits() {
        let (go_1_22, go_1_23) = (Go::new(22, 10, 20), Go::new(23, 9, 22));
        for five_digits in ["0000000001::", "00001::", "1::0ffff"] {
            assert!(
                parse_ip_for(five_digits, go_1_22).is_some(),
                "{five_digits}"
            );
            assert!(
                parse_ip_for(five_digits, go_1_23).is_none(),
                "{five_digits}"
            );
        }
        assert!(parse_ip_for("0001::ffff", go_1_23).is_some());
    }

    #[test]
    fn go_ip_string_compresses_like_go() {
        let s = |t: &str| go_ip_string(&parse_ip(t).unwrap());
        assert_eq!(s("::"), "::");
        assert_eq!(s("1:0:2:3:4:5:6:7"), "1:0:2:3:4:5:6:7");
        assert_eq!(s("1:0:0:2:0:0:3:4"), "1::2:0:0:3:4");
        assert_eq!(s("::ffff:1.2.3.4"), "1.2.3.4");
        assert_eq!(s("2001:DB8::1"), "2001:db8::1");
    }
}
