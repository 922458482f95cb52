//! The x509-limbo suite's server cases through `verify`, against the verdicts
//! Go 1.19 gave (../shared/conformance/x509-limbo, read in place, never copied).

use std::collections::HashMap;
use std::path::PathBuf;

use serde::Deserialize;
use speclint::tls::cert::{self, Certificate};
use speclint::tls::time::parse_rfc3339;
use speclint::tls::verify::{self, VerifyOptions};

/// Cases allowed to disagree, with the newer-Go difference that explains each.
/// The verdicts are Go 1.19's, so this should stay empty.
const ALLOWED_DISAGREEMENTS: &[(&str, &str)] = &[];

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

fn parse(pem_text: &str) -> Result<Certificate, String> {
    let (block, _) = speclint::tls::pem::decode(pem_text.as_bytes()).ok_or("not PEM")?;
    cert::parse_der(&block.bytes).map_err(|e| e.to_string())
}

/// Certificates Go cannot parse are left out of the pools, as `AppendCertsFromPEM`
/// (the caBundle) and crypto/tls's handling of what it cannot use would.
fn parse_usable(pems: &[String]) -> Vec<Certificate> {
    pems.iter().filter_map(|p| parse(p).ok()).collect()
}

/// Go's verdict text: the peer's parse error, or Verify's. The time is the
/// suite's own (go-verdicts.json prints it without its fraction of a second).
fn our_verdict(case: &LimboCase, go: &GoVerdict) -> Result<(), String> {
    let peer = parse(&case.peer_certificate)?;
    let intermediates = parse_usable(&case.untrusted_intermediates);
    let roots = parse_usable(&case.trusted_certs);
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
    };
    verify::verify(&peer, &options)
        .map(|_| ())
        .map_err(|e| e.to_string())
}

#[test]
fn limbo_server_cases_agree_with_go() {
    if !limbo_dir().join("go-verdicts.json").exists() {
        println!(
            "skipping: {} not found (x509-limbo is read in place, not vendored)",
            limbo_dir().display()
        );
        return;
    }
    let limbo: Limbo = read("limbo.json");
    let verdicts: Vec<GoVerdict> = read("go-verdicts.json");
    let by_id: HashMap<&str, &LimboCase> =
        limbo.testcases.iter().map(|c| (c.id.as_str(), c)).collect();
    let allowed: HashMap<&str, &str> = ALLOWED_DISAGREEMENTS.iter().copied().collect();

    let mut agree = 0;
    let mut disagreements = Vec::new();
    for go in &verdicts {
        let case = by_id
            .get(go.id.as_str())
            .unwrap_or_else(|| panic!("{} is not in limbo.json", go.id));
        let expected = match go.result.as_str() {
            "SUCCESS" => Ok(()),
            "FAILURE" => Err(go.error.clone()),
            other => panic!("{}: unexpected result {other}", go.id),
        };
        let ours = our_verdict(case, go);
        if ours == expected {
            agree += 1;
        } else if let Some(reason) = allowed.get(go.id.as_str()) {
            println!("allowed disagreement {}: {reason}", go.id);
        } else {
            disagreements.push(format!(
                "{}:\n  go:   {expected:?}\n  rust: {ours:?}",
                go.id
            ));
        }
    }
    println!(
        "x509-limbo: {agree} of {} server cases agree with Go 1.19",
        verdicts.len()
    );
    assert!(
        disagreements.is_empty(),
        "{} disagree:\n{}",
        disagreements.len(),
        disagreements.join("\n")
    );
}

/// Runs `speclint tls verify` on a limbo case at `now`: the peer and the untrusted
/// intermediates as the served chain, the trusted certificates as the caBundle.
fn tls_verify(case: &LimboCase, server_name: &str, now: &str) -> (i32, String) {
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
    if !limbo_dir().join("go-verdicts.json").exists() {
        println!("skipping: {} not found", limbo_dir().display());
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
        (1, format!("{}\n", go.error))
    };

    // EE's notAfter is 2024-04-01T00:00:00Z; the suite validates 5 ms later, and Go refuses.
    let (after, go) = case("rfc5280::validity::notafter-fractional");
    let now = after.validation_time.as_deref().unwrap();
    assert_eq!(now, "2024-04-01T00:00:00.005+00:00");
    assert_eq!(tls_verify(after, &go.name, now), expired(go));
    // One nanosecond after notAfter is expired; notAfter itself is still valid.
    assert_eq!(
        tls_verify(after, &go.name, "2024-04-01T00:00:00.000000001Z"),
        expired(go)
    );
    assert_eq!(
        tls_verify(after, &go.name, "2024-04-01T00:00:00Z"),
        (0, "ok\n".to_string())
    );

    // EE's notBefore is 2024-03-01T00:00:01Z; 1 ms earlier it is not yet valid.
    let (before, go) = case("rfc5280::validity::notbefore-fractional");
    let now = before.validation_time.as_deref().unwrap();
    assert_eq!(tls_verify(before, &go.name, now), expired(go));
    assert_eq!(
        tls_verify(before, &go.name, "2024-03-01T00:00:01Z"),
        (0, "ok\n".to_string())
    );
    assert_eq!(
        tls_verify(before, &go.name, "2024-03-01T00:00:00.999999999Z").0,
        1
    );
}

/// testdata/tls/limbo/gen.go, run under each Go a Kubernetes release is built with
/// (gen.sh), is the generator of go-verdicts.json: under Go 1.19.8 it gives that file.
/// The other Go versions' files are the oracles of `--kube-version` (issue 13).
#[test]
fn per_go_verdicts_come_from_the_generator_of_go_verdicts() {
    if !limbo_dir().join("go-verdicts.json").exists() {
        assert!(
            std::env::var_os("CI").is_none(),
            "{} not found in CI",
            limbo_dir().display()
        );
        println!("skipping: {} not found", limbo_dir().display());
        return;
    }
    let reference: Vec<GoVerdict> = read("go-verdicts.json");
    let ours_dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("testdata/tls/limbo");
    let load = |name: &str| -> Vec<GoVerdict> {
        let text = std::fs::read_to_string(ours_dir.join(name)).unwrap();
        serde_json::from_str(&text).unwrap()
    };
    let key = |v: &GoVerdict| {
        (
            v.id.clone(),
            v.name.clone(),
            v.time.clone(),
            v.result.clone(),
            v.error.clone(),
        )
    };
    let generated = load("go1.19.8.json");
    assert_eq!(generated.len(), reference.len());
    for (ours, theirs) in generated.iter().zip(&reference) {
        assert_eq!(key(ours), key(theirs));
    }
    let ids: Vec<&str> = reference.iter().map(|v| v.id.as_str()).collect();
    for version in [
        "1.21.13", "1.22.10", "1.23.9", "1.24.11", "1.25.5", "1.26.6",
    ] {
        let verdicts = load(&format!("go{version}.json"));
        let theirs: Vec<&str> = verdicts.iter().map(|v| v.id.as_str()).collect();
        assert_eq!(theirs, ids, "go{version}.json");
        assert!(
            verdicts
                .iter()
                .all(|v| (v.result == "SUCCESS") == v.error.is_empty()),
            "go{version}.json: a verdict without its error, or the reverse"
        );
    }
}
