//! Chains with random certificate-policy extensions (testdata/tls/policies/cases.json,
//! written by its gen.go) through `verify`, against the verdicts of every profile's Go
//! (testdata/tls/policies/go/<profile>.json): Go 1.24 parses the policy extensions and
//! drops the chains whose policies are invalid.

mod common;

use std::path::PathBuf;

use serde::Deserialize;
use speclint::tls::cert::{self, Certificate};
use speclint::tls::go::Go;
use speclint::tls::time::parse_rfc3339;
use speclint::tls::verify::{self, VerifyOptions};

#[derive(Deserialize)]
struct Case {
    index: usize,
    description: String,
    leaf: String,
    intermediates: Vec<String>,
    roots: Vec<String>,
}

#[derive(Deserialize)]
struct GoVerdict {
    index: usize,
    verdict: String,
}

fn read<T: for<'de> Deserialize<'de>>(relative: &str) -> T {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("testdata/tls/policies")
        .join(relative);
    let text = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn parse(pem_text: &str, go: Go) -> Result<Certificate, String> {
    let (block, _) = speclint::tls::pem::decode(pem_text.as_bytes()).ok_or("not PEM")?;
    cert::parse_der(&block.bytes, go).map_err(|e| e.to_string())
}

/// gen.go's `judge`: the leaf must parse, the other certificates that do not are left out.
fn our_verdict(case: &Case, go: Go) -> String {
    let leaf = match parse(&case.leaf, go) {
        Ok(leaf) => leaf,
        Err(error) => return format!("parse: {error}"),
    };
    let usable = |pems: &[String]| -> Vec<Certificate> {
        pems.iter().filter_map(|p| parse(p, go).ok()).collect()
    };
    let (roots, intermediates) = (usable(&case.roots), usable(&case.intermediates));
    let options = VerifyOptions {
        roots: &roots,
        intermediates: &intermediates,
        dns_name: "",
        now: parse_rfc3339("2025-01-01T00:00:00Z").unwrap(),
        go,
    };
    match verify::verify(&leaf, &options) {
        Ok(_) => "ok".to_string(),
        Err(error) => error.to_string(),
    }
}

#[test]
fn policy_chains_agree_with_every_go() {
    let cases: Vec<Case> = read("cases.json");
    assert!(cases.len() >= 200, "only {} cases", cases.len());
    let mut disagreements = Vec::new();
    for profile in common::go_profiles::PROFILES {
        let verdicts: Vec<GoVerdict> = read(&format!("go/{}.json", profile.name));
        assert_eq!(verdicts.len(), cases.len(), "{}", profile.name);
        for (case, go) in cases.iter().zip(&verdicts) {
            assert_eq!(case.index, go.index, "{}", profile.name);
            let ours = our_verdict(case, profile.go);
            if ours != go.verdict {
                disagreements.push(format!(
                    "{} case {} ({}):\n  go:   {}\n  rust: {ours}",
                    profile.name, case.index, case.description, go.verdict
                ));
            }
        }
    }
    assert!(
        disagreements.is_empty(),
        "{} disagree:\n{}",
        disagreements.len(),
        disagreements.join("\n")
    );
}

/// The vectors hold what the port must get right: chains Go 1.24 drops for their
/// policies, under each wording, and certificates it refuses to parse.
#[test]
fn policy_vectors_cover_go_1_24_refusals() {
    for (profile, wanted) in [
        (
            "go1.24.11-go1.24",
            "x509: no valid chains built: all candidate chains have invalid policies",
        ),
        (
            "go1.24.11-go1.24",
            "x509: no valid chains built: 1 chains with incompatible key usage, ",
        ),
        (
            "go1.26.6-go1.26",
            "x509: no valid chains built: 2 candidate chains with invalid policies",
        ),
        (
            "go1.24.11-go1.24",
            "parse: x509: invalid certificate policies",
        ),
    ] {
        let verdicts: Vec<GoVerdict> = read(&format!("go/{profile}.json"));
        let count = verdicts
            .iter()
            .filter(|v| v.verdict.starts_with(wanted))
            .count();
        assert!(count > 0, "{profile}: no {wanted:?}");
    }
}
