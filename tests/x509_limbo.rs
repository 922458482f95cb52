//! The x509-limbo suite's server cases through `verify` and `speclint tls verify`, against
//! the verdicts of Go 1.19 (../shared/conformance/x509-limbo, read in place, never copied)
//! and of the Go of every Kubernetes release (testdata/tls/limbo/<profile>.json).

mod common;

use std::collections::HashMap;
use std::path::PathBuf;

use common::go_profiles::{Profile, PROFILES};
use serde::Deserialize;
use speclint::tls::cert::{self, Certificate};
use speclint::tls::go::Go;
use speclint::tls::time::parse_rfc3339;
use speclint::tls::verify::{self, VerifyOptions};

#[derive(Deserialize)]
struct Limbo {
    testcases: Vec<LimboCase>,
}

#[derive(Deserialize)]
struct LimboCase {
    id: String,
    trusted_certs: Vec<String>,
    untrusted_intermediates: Vec<String>,
    peer_certificate: String,
    validation_time: Option<String>,
}

#[derive(Deserialize)]
struct GoVerdict {
    id: String,
    name: String,
    time: String,
    result: String,
    #[serde(default)]
    error: String,
}

fn limbo_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../shared/conformance/x509-limbo")
}

fn read<T: for<'de> Deserialize<'de>>(name: &str) -> T {
    let path = limbo_dir().join(name);
    let text = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn parse(pem_text: &str, go: Go) -> Result<Certificate, String> {
    let (block, _) = speclint::tls::pem::decode(pem_text.as_bytes()).ok_or("not PEM")?;
    cert::parse_der(&block.bytes, go).map_err(|e| e.to_string())
}

/// Certificates Go cannot parse are left out of the pools, as `AppendCertsFromPEM`
/// (the caBundle) and crypto/tls's handling of what it cannot use would.
fn parse_usable(pems: &[String], go: Go) -> Vec<Certificate> {
    pems.iter().filter_map(|p| parse(p, go).ok()).collect()
}

/// Go's verdict text: the peer's parse error, or Verify's. The time is the
/// suite's own (go-verdicts.json prints it without its fraction of a second).
fn our_verdict(case: &LimboCase, go: &GoVerdict, profile: Go) -> Result<(), String> {
    let peer = parse(&case.peer_certificate, profile)?;
    let intermediates = parse_usable(&case.untrusted_intermediates, profile);
    let roots = parse_usable(&case.trusted_certs, profile);
    let time = case.validation_time.as_deref().unwrap_or(&go.time);
    let now = parse_rfc3339(time)?;
    assert_eq!(
        parse_rfc3339(&go.time).map(|t| t.seconds),
        Ok(now.seconds),
        "{}: the suite's time and Go's differ",
        go.id
    );
    let options = VerifyOptions {
        roots: &roots,
        intermediates: &intermediates,
        dns_name: &go.name,
        now,
        go: profile,
    };
    verify::verify(&peer, &options)
        .map(|_| ())
        .map_err(|e| e.to_string())
}

fn limbo_present() -> bool {
    if limbo_dir().join("go-verdicts.json").exists() {
        return true;
    }
    common::missing(&format!(
        "{} (x509-limbo is read in place, not vendored)",
        limbo_dir().display()
    ));
    false
}

/// A profile's verdicts, from testdata/tls/limbo (go1.19.8.json equals the suite's own
/// go-verdicts.json: see the last test).
fn profile_verdicts(profile: &Profile) -> Vec<GoVerdict> {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("testdata/tls/limbo")
        .join(format!("{}.json", profile.name));
    serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap()
}

fn expected(go: &GoVerdict) -> Result<(), String> {
    match go.result.as_str() {
        "SUCCESS" => Ok(()),
        "FAILURE" => Err(go.error.clone()),
        other => panic!("{}: unexpected result {other}", go.id),
    }
}

/// Every server case under every profile: verdict and message.
#[test]
fn limbo_server_cases_agree_with_every_go() {
    if !limbo_present() {
        return;
    }
    let limbo: Limbo = read("limbo.json");
    let by_id: HashMap<&str, &LimboCase> =
        limbo.testcases.iter().map(|c| (c.id.as_str(), c)).collect();
    let mut disagreements = Vec::new();
    for profile in PROFILES {
        let verdicts = profile_verdicts(profile);
        let mut agree = 0;
        for go in &verdicts {
            let case = by_id
                .get(go.id.as_str())
                .unwrap_or_else(|| panic!("{} is not in limbo.json", go.id));
            let ours = our_verdict(case, go, profile.go);
            if ours == expected(go) {
                agree += 1;
            } else {
                disagreements.push(format!(
                    "{} {}:\n  go:   {:?}\n  rust: {ours:?}",
                    profile.name,
                    go.id,
                    expected(go)
                ));
            }
        }
        println!(
            "x509-limbo: {agree} of {} server cases agree with {}",
            verdicts.len(),
            profile.name
        );
    }
    assert!(
        disagreements.is_empty(),
        "{} disagree:\n{}",
        disagreements.len(),
        disagreements.join("\n")
    );
}

/// Every server case through `speclint tls verify --kube-version` for every release, against
/// kube-apiserver's whole verdict under its Go (gen.go's `apiserver` mode: the caBundle
/// loaded as client-go loads it, every served certificate parsed as crypto/tls parses it,
/// Verify's errors wrapped from Go 1.20 on).
#[test]
fn limbo_server_cases_agree_through_tls_verify_for_every_release() {
    if !limbo_present() {
        return;
    }
    common::go_profiles::check_releases_have_profiles();
    let limbo: Limbo = read("limbo.json");
    let by_id: HashMap<&str, &LimboCase> =
        limbo.testcases.iter().map(|c| (c.id.as_str(), c)).collect();
    let mut disagreements = Vec::new();
    let mut compared = 0;
    for release in speclint::kube_version::RELEASES {
        let minor = format!("1.{}", release.minor);
        let profile = common::go_profiles::of_release(&minor);
        for go in profile_verdicts(&profile.with_prefix("apiserver-")) {
            let case = by_id[go.id.as_str()];
            let time = case.validation_time.clone().unwrap_or(go.time.clone());
            let want = match expected(&go) {
                Ok(()) => (0, "ok\n".to_string()),
                Err(error) => (1, format!("{error}\n")),
            };
            let ours = tls_verify(case, &go.name, &time, Some(&minor));
            compared += 1;
            if ours != want {
                disagreements.push(format!(
                    "{minor} {}:\n  go:   {want:?}\n  ours: {ours:?}",
                    go.id
                ));
            }
        }
    }
    println!("x509-limbo through tls verify: {compared} (case, release) pairs compared");
    assert_eq!(compared, 197 * speclint::kube_version::RELEASES.len());
    assert!(
        disagreements.is_empty(),
        "{} disagree:\n{}",
        disagreements.len(),
        disagreements.join("\n")
    );
}

/// Runs `speclint tls verify` on a limbo case at `now`: the peer and the untrusted
/// intermediates as the served chain, the trusted certificates as the caBundle.
fn tls_verify(
    case: &LimboCase,
    server_name: &str,
    now: &str,
    kube_version: Option<&str>,
) -> (i32, String) {
    let dir = tempfile::tempdir().unwrap();
    let chain = dir.path().join("chain.pem");
    let ca_bundle = dir.path().join("ca.pem");
    let mut served = case.peer_certificate.clone();
    for intermediate in &case.untrusted_intermediates {
        served.push('\n');
        served.push_str(intermediate);
    }
    std::fs::write(&chain, served).unwrap();
    std::fs::write(&ca_bundle, case.trusted_certs.join("\n")).unwrap();
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_speclint"))
        .args(["tls", "verify", "--ca-bundle"])
        .arg(&ca_bundle)
        .args(["--server-name", server_name, "--now", now])
        .args(kube_version.map(|v| ["--kube-version", v]).iter().flatten())
        .arg(&chain)
        .output()
        .expect("speclint runs");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8(out.stdout).unwrap(),
    )
}

/// `--now` keeps its fraction of a second through `speclint tls verify`, and the validity
/// window is compared as Go compares it: `now.After(NotAfter)`, `now.Before(NotBefore)`.
#[test]
fn fractional_now_through_tls_verify() {
    if !limbo_present() {
        return;
    }
    let limbo: Limbo = read("limbo.json");
    let verdicts: Vec<GoVerdict> = read("go-verdicts.json");
    let case = |id: &str| {
        let case = limbo.testcases.iter().find(|c| c.id == id).unwrap();
        let go = verdicts.iter().find(|v| v.id == id).unwrap();
        (case, go)
    };
    let expired = |go: &GoVerdict| {
        assert_eq!(go.result, "FAILURE");
        (
            1,
            format!("tls: failed to verify certificate: {}\n", go.error),
        )
    };

    // EE's notAfter is 2024-04-01T00:00:00Z; the suite validates 5 ms later, and Go refuses.
    let (after, go) = case("rfc5280::validity::notafter-fractional");
    let now = after.validation_time.as_deref().unwrap();
    assert_eq!(now, "2024-04-01T00:00:00.005+00:00");
    assert_eq!(tls_verify(after, &go.name, now, None), expired(go));
    // One nanosecond after notAfter is expired; notAfter itself is still valid.
    assert_eq!(
        tls_verify(after, &go.name, "2024-04-01T00:00:00.000000001Z", None),
        expired(go)
    );
    assert_eq!(
        tls_verify(after, &go.name, "2024-04-01T00:00:00Z", None),
        (0, "ok\n".to_string())
    );

    // EE's notBefore is 2024-03-01T00:00:01Z; 1 ms earlier it is not yet valid.
    let (before, go) = case("rfc5280::validity::notbefore-fractional");
    let now = before.validation_time.as_deref().unwrap();
    assert_eq!(tls_verify(before, &go.name, now, None), expired(go));
    assert_eq!(
        tls_verify(before, &go.name, "2024-03-01T00:00:01Z", None),
        (0, "ok\n".to_string())
    );
    assert_eq!(
        tls_verify(before, &go.name, "2024-03-01T00:00:00.999999999Z", None).0,
        1
    );
}

/// testdata/tls/limbo/gen.go, run under each profile (testdata/tls/go-profiles.sh), is
/// the generator of go-verdicts.json: under Go 1.19.8 it gives that file. The other
/// profiles' files are the oracles of `--kube-version`.
#[test]
fn per_go_verdicts_come_from_the_generator_of_go_verdicts() {
    if !limbo_present() {
        return;
    }
    let reference: Vec<GoVerdict> = read("go-verdicts.json");
    let key = |v: &GoVerdict| {
        (
            v.id.clone(),
            v.name.clone(),
            v.time.clone(),
            v.result.clone(),
            v.error.clone(),
        )
    };
    let generated = profile_verdicts(&PROFILES[0]);
    assert_eq!(PROFILES[0].name, "go1.19.8");
    assert_eq!(generated.len(), reference.len());
    for (ours, theirs) in generated.iter().zip(&reference) {
        assert_eq!(key(ours), key(theirs));
    }
    let ids: Vec<&str> = reference.iter().map(|v| v.id.as_str()).collect();
    for profile in PROFILES {
        let verdicts = profile_verdicts(profile);
        let theirs: Vec<&str> = verdicts.iter().map(|v| v.id.as_str()).collect();
        assert_eq!(theirs, ids, "{}", profile.name);
        assert!(
            verdicts
                .iter()
                .all(|v| (v.result == "SUCCESS") == v.error.is_empty()),
            "{}: a verdict without its error, or the reverse",
            profile.name
        );
    }
}
