//! The x509-limbo suite's server cases through `verify`, against the verdicts
//! Go 1.19 gave (../shared/conformance/x509-limbo, read in place, never copied).

use std::collections::HashMap;
use std::path::PathBuf;

use serde::Deserialize;
use speclint::tls::cert::{self, Certificate};
use speclint::tls::time::{parse_rfc3339, parse_rfc3339_with_nanos};
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
    let (now, nanos) = parse_rfc3339_with_nanos(time)?;
    assert_eq!(
        parse_rfc3339(&go.time),
        Ok(now),
        "{}: the suite's time and Go's differ",
        go.id
    );
    let options = VerifyOptions {
        roots: &roots,
        intermediates: &intermediates,
        dns_name: &go.name,
        now,
    };
    verify::verify_with_subsec_nanos(&peer, &options, nanos)
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
