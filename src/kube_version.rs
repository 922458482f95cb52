//! Kubernetes releases and the Go that decides their API server's TLS verdicts.
//!
//! Each release is taken at its newest patch seen (users run the newest patch of their
//! minor), with the toolchain its release binaries report and the GODEBUG defaults its
//! go.mod sets. The evidence for every row, with commits, is docs/kubernetes-go.md.

use std::fmt;

use crate::tls::go::Go;

/// A Kubernetes minor release and the Go its kube-apiserver runs as.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct KubeRelease {
    /// `1.minor`.
    pub minor: u8,
    /// The Go of the newest patch seen, and its go.mod's GODEBUG defaults.
    pub go: Go,
    /// The patch the toolchain was read from.
    pub(crate) patch: &'static str,
    /// How the Go is known, when not from that patch's own binary.
    pub(crate) caveat: Option<&'static str>,
}

/// Every release speclint can check against, oldest first (docs/kubernetes-go.md).
pub const RELEASES: &[KubeRelease] = &[
    // go.mod `go 1.19`: Go 1.20's defaults, the oldest Go 1.21 keeps.
    release(26, "1.26.15", Go::new(21, 8, 20)),
    release(27, "1.27.16", Go::new(22, 5, 20)),
    release(28, "1.28.15", Go::new(22, 8, 20)),
    release(29, "1.29.15", Go::new(23, 6, 21)),
    release(30, "1.30.14", Go::new(23, 10, 22)),
    KubeRelease {
        caveat: Some("v1.31.14's Go is not known; v1.31.13's is"),
        ..release(31, "1.31.13", Go::new(23, 12, 22))
    },
    // `godebug default=go1.23` from 1.32 on.
    release(32, "1.32.13", Go::new(24, 13, 23)),
    KubeRelease {
        caveat: Some("the Go of patches after v1.33.7 is not known"),
        ..release(33, "1.33.7", Go::new(24, 11, 24))
    },
    KubeRelease {
        caveat: Some("the Go of patches after v1.34.8 is not known"),
        ..release(34, "1.34.8", Go::new(25, 9, 24))
    },
    release(35, "1.35.7", Go::new(25, 12, 25)),
    release(36, "1.36.4", Go::new(26, 5, 26)),
    KubeRelease {
        caveat: Some(
            "taken from go.mod at v1.37.0-beta.0 (`go 1.26.0`, `godebug default=go1.26`); the patch of Go is not known",
        ),
        ..release(37, "1.37.0", Go::new(26, 5, 26))
    },
];

const fn release(minor: u8, patch: &'static str, go: Go) -> KubeRelease {
    KubeRelease {
        minor,
        go,
        patch,
        caveat: None,
    }
}

/// The newest stable release: the default.
pub(crate) fn newest() -> &'static KubeRelease {
    &RELEASES[RELEASES.len() - 1]
}

/// The release `1.N` (or `v1.N`, `1.N.P`: the patch is not used).
pub(crate) fn parse(text: &str) -> Result<&'static KubeRelease, String> {
    let trimmed = text.trim().trim_start_matches('v');
    let minor = trimmed
        .strip_prefix("1.")
        .and_then(|rest| rest.split('.').next())
        .and_then(|minor| minor.parse::<u8>().ok());
    let supported = || format!("1.{} to 1.{}", RELEASES[0].minor, newest().minor);
    match minor {
        Some(minor) => RELEASES
            .iter()
            .find(|r| r.minor == minor)
            .ok_or_else(|| format!("Kubernetes 1.{minor} is not supported: use {}", supported())),
        None => Err(format!(
            "expected a Kubernetes release such as 1.33, not {text:?} (supported: {})",
            supported()
        )),
    }
}

/// `A..B`, both ends included.
pub(crate) fn parse_range(text: &str) -> Result<&'static [KubeRelease], String> {
    let Some((from, to)) = text.split_once("..") else {
        return Err(format!("expected a range such as 1.30..1.35, not {text:?}"));
    };
    let (from, to) = (parse(from)?, parse(to)?);
    if from.minor > to.minor {
        return Err(format!("the range {text:?} runs backwards"));
    }
    let start = RELEASES
        .iter()
        .position(|r| r.minor == from.minor)
        .unwrap_or(0);
    let end = RELEASES
        .iter()
        .position(|r| r.minor == to.minor)
        .unwrap_or(0);
    Ok(&RELEASES[start..=end])
}

impl fmt::Display for KubeRelease {
    /// `Kubernetes 1.33 (Go 1.24.11)`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Kubernetes 1.{} ({})", self.minor, self.go)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn releases_are_in_order_and_parse() {
        assert!(RELEASES.windows(2).all(|w| w[0].minor + 1 == w[1].minor));
        assert_eq!(parse("1.33").unwrap().go, Go::new(24, 11, 24));
        assert_eq!(parse("v1.32.4").unwrap().minor, 32);
        assert!(parse("1.25").unwrap_err().contains("1.26 to 1.37"));
        assert!(parse("kubernetes").is_err());
        assert_eq!(parse_range("1.30..1.35").unwrap().len(), 6);
        assert!(parse_range("1.35..1.30").is_err());
    }

    /// Every row agrees with the table of docs/kubernetes-go.md: its newest patch seen
    /// and that patch's Go, or the go.mod it was taken from.
    #[test]
    fn releases_agree_with_the_documented_table() {
        let doc = include_str!("../docs/kubernetes-go.md");
        for release in RELEASES {
            let row = doc
                .lines()
                .find(|line| line.starts_with(&format!("| 1.{} ", release.minor)))
                .unwrap_or_else(|| panic!("no row for 1.{}", release.minor));
            let defaults = format!("go1.{}", release.go.defaults);
            if release.minor >= 32 {
                assert!(row.contains(&format!("default={defaults}")), "{row}");
            }
            let go = format!("go1.{}.{}", release.go.minor, release.go.patch);
            if release.minor < 37 {
                assert!(row.contains(&format!("v{}", release.patch)), "{row}");
                assert!(row.contains(&go), "1.{}: {go} not in {row}", release.minor);
            }
        }
    }
}
