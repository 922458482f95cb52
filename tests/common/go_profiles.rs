//! The Go profiles the per-version oracles were made under (testdata/tls/go-profiles.sh):
//! a toolchain and the GODEBUG defaults of a go.mod, and the Kubernetes releases each
//! stands for. Every vector set has `go/<profile>.json` with that Go's verdicts.

use speclint::tls::go::Go;

pub struct Profile {
    /// The file stem of its oracles.
    pub name: &'static str,
    /// The toolchain that made them, with its defaults.
    pub go: Go,
    /// The releases it stands for (`--kube-version`); none for Go 1.19.8, the Go of
    /// Kubernetes 1.26.0 to 1.26.6 only.
    pub releases: &'static [&'static str],
}

pub const PROFILES: &[Profile] = &[
    profile("go1.19.8", Go::GO_1_19, &[]),
    profile("go1.21.13-go1.19", Go::new(21, 13, 20), &["1.26"]),
    profile("go1.22.10-go1.20", Go::new(22, 10, 20), &["1.27", "1.28"]),
    profile("go1.23.9-go1.21", Go::new(23, 9, 21), &["1.29"]),
    profile("go1.23.9-go1.22", Go::new(23, 9, 22), &["1.30", "1.31"]),
    profile("go1.24.11-go1.23", Go::new(24, 11, 23), &["1.32"]),
    profile("go1.24.11-go1.24", Go::new(24, 11, 24), &["1.33"]),
    profile("go1.25.5-go1.24", Go::new(25, 5, 24), &["1.34"]),
    profile("go1.25.5-go1.25", Go::new(25, 5, 25), &["1.35"]),
    profile("go1.26.6-go1.26", Go::new(26, 6, 26), &["1.36", "1.37"]),
];

const fn profile(name: &'static str, go: Go, releases: &'static [&'static str]) -> Profile {
    Profile { name, go, releases }
}

impl Profile {
    /// This profile with its oracle file named `<prefix><name>.json`.
    pub fn with_prefix(&self, prefix: &str) -> Profile {
        Profile {
            name: Box::leak(format!("{prefix}{}", self.name).into_boxed_str()),
            go: self.go,
            releases: self.releases,
        }
    }
}

/// The profile a release's oracles come from.
pub fn of_release(minor: &str) -> &'static Profile {
    PROFILES
        .iter()
        .find(|p| p.releases.contains(&minor))
        .unwrap_or_else(|| panic!("no profile for Kubernetes {minor}"))
}

/// `testdata/tls/<set>/go/<profile>.json`, parsed.
pub fn oracle<T: serde::de::DeserializeOwned>(set: &str, profile: &Profile) -> T {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("testdata")
        .join(set)
        .join("go")
        .join(format!("{}.json", profile.name));
    let text = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// Every release of speclint's table has the profile of its Go: same toolchain minor
/// and defaults (the patch may differ where no wheel of the exact patch exists).
pub fn check_releases_have_profiles() {
    for release in speclint::kube_version::RELEASES {
        let profile = of_release(&format!("1.{}", release.minor));
        assert_eq!(profile.go.minor, release.go.minor, "1.{}", release.minor);
        assert_eq!(
            profile.go.defaults, release.go.defaults,
            "1.{}",
            release.minor
        );
    }
}
