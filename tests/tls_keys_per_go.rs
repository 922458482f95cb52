//! `tls.X509KeyPair` (src/tls/key.rs) against what each Go profile says about the same
//! certificate and key pairs (testdata/tls/keys/go/<profile>.json; the differences and
//! their causes are in that directory's README). The lib test
//! `x509_key_pair_agrees_with_go` holds the port to Go 1.19 alone.

mod common;

use std::collections::BTreeMap;

use common::go_profiles::{oracle, Profile, PROFILES};
use serde::Deserialize;
use speclint::tls::cert;
use speclint::tls::go::Go;
use speclint::tls::key::{self, KeyPairError, KeyPairInfo};
use speclint::tls::pem;

/// testdata/tls/keys/cases.json: the inputs (its verdicts are Go 1.19.8's).
#[derive(Deserialize)]
struct Cases {
    certificates: BTreeMap<String, String>,
    cases: Vec<Case>,
}

#[derive(Deserialize)]
struct Case {
    name: String,
    cert: String,
    key_pem: String,
}

/// One entry of `go/<profile>.json`.
#[derive(Deserialize)]
struct Verdict {
    index: usize,
    name: String,
    /// `ok` or `tls.X509KeyPair`'s error text.
    result: String,
    /// What `parsePrivateKey` makes of the first private key block; both empty when it
    /// fails.
    encoding: String,
    key_type: String,
}

fn cases() -> Cases {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/testdata/tls/keys/cases.json");
    let text = std::fs::read_to_string(path).expect("cases.json");
    serde_json::from_str(&text).expect("cases.json parses")
}

/// `ok` or the error text, as the oracles write a verdict.
fn result_text(result: &Result<KeyPairInfo, KeyPairError>) -> String {
    match result {
        Ok(_) => "ok".to_string(),
        Err(e) => e.to_string(),
    }
}

/// The oracle's `encoding key_type` of the first private key block, as `go` parses it.
fn parsed_key_description(key_pem: &str, go: Go) -> String {
    pem::decode_all(key_pem.as_bytes())
        .into_iter()
        .find(|block| key::is_private_key_type(&block.kind))
        .and_then(|block| key::parse_private_key_for(&block.bytes, go))
        .map(|key| format!("{} {}", key.encoding().name(), key.algorithm()))
        .unwrap_or_else(|| " ".to_string())
}

/// How one case disagrees with one verdict under `go`; no key material, names only.
fn disagreements(certificate_pem: &str, case: &Case, verdict: &Verdict, go: Go) -> Vec<String> {
    let mut found = Vec::new();
    let expected_key = format!("{} {}", verdict.encoding, verdict.key_type);

    let judged = key::x509_key_pair(certificate_pem.as_bytes(), case.key_pem.as_bytes(), go);
    let ours = result_text(&judged);
    if ours != verdict.result {
        found.push(format!("go: {}\n      ours: {ours}", verdict.result));
    }
    if let Ok(info) = &judged {
        let described = format!("{} {}", info.encoding.name(), info.key);
        if described != expected_key {
            found.push(format!(
                "pair info: go {expected_key:?}, ours {described:?}"
            ));
        }
    }

    let parsed = parsed_key_description(&case.key_pem, go);
    if parsed != expected_key {
        found.push(format!(
            "parsePrivateKey: go {expected_key:?}, ours {parsed:?}"
        ));
    }

    // The entry point for a leaf parsed already must say the same.
    let first_certificate = pem::decode_all(certificate_pem.as_bytes())
        .into_iter()
        .find(|block| block.kind == "CERTIFICATE");
    if let Some(leaf) = first_certificate.and_then(|b| cert::parse_der(&b.bytes, go).ok()) {
        let with_leaf = result_text(&key::x509_key_pair_with_leaf_for(
            certificate_pem.as_bytes(),
            &leaf,
            case.key_pem.as_bytes(),
            go,
        ));
        if with_leaf != ours {
            found.push(format!("with a parsed leaf: {with_leaf}, without: {ours}"));
        }
    }
    found
}

/// How `go` fares against `profile`'s oracle.
struct Judgement {
    /// Cases whose verdict, message and parsed key all agree.
    agreeing: usize,
    /// Every disagreement, naming its case.
    disagreements: Vec<String>,
}

fn judge(cases: &Cases, profile: &Profile, go: Go) -> Judgement {
    let verdicts: Vec<Verdict> = oracle("tls/keys", profile);
    assert_eq!(
        verdicts.len(),
        cases.cases.len(),
        "{}: one verdict per case",
        profile.name
    );
    let mut judgement = Judgement {
        agreeing: 0,
        disagreements: Vec::new(),
    };
    for (index, (case, verdict)) in cases.cases.iter().zip(&verdicts).enumerate() {
        assert_eq!(
            (verdict.index, verdict.name.as_str()),
            (index, case.name.as_str())
        );
        let certificate_pem = &cases.certificates[&case.cert];
        let found = disagreements(certificate_pem, case, verdict, go);
        if found.is_empty() {
            judgement.agreeing += 1;
        }
        for disagreement in found {
            judgement
                .disagreements
                .push(format!("#{index} {}: {disagreement}", case.name));
        }
    }
    judgement
}

#[test]
fn x509_key_pair_agrees_with_every_go_profile() {
    let cases = cases();
    assert!(cases.cases.len() > 400, "only {} cases", cases.cases.len());
    let mut report = Vec::new();
    let mut failures = Vec::new();
    for profile in PROFILES {
        let judgement = judge(&cases, profile, profile.go);
        report.push(format!(
            "{}: {}/{}",
            profile.name,
            judgement.agreeing,
            cases.cases.len()
        ));
        failures.extend(
            judgement
                .disagreements
                .into_iter()
                .map(|line| format!("{}: {line}", profile.name)),
        );
    }
    println!("{}", report.join("\n"));
    assert!(
        failures.is_empty(),
        "{}\n{} disagreements:\n{}",
        report.join("\n"),
        failures.len(),
        failures.join("\n")
    );
}

/// The comparison can fail: every profile whose oracle differs from Go 1.19.8's is
/// disagreed with when judged as Go 1.19.8, so each switch is needed to agree.
#[test]
fn profiles_that_differ_are_told_apart() {
    let cases = cases();
    let mut differing = 0;
    for profile in PROFILES.iter().filter(|p| p.go != Go::GO_1_19) {
        let as_go_1_19 = judge(&cases, profile, Go::GO_1_19);
        assert!(
            as_go_1_19.agreeing < cases.cases.len(),
            "{}: Go 1.19.8 agrees with every verdict",
            profile.name
        );
        differing += 1;
    }
    assert_eq!(differing, PROFILES.len() - 1);
}

/// Go 1.26's `X509KeyPair` compares RSA exponents too (`PublicKey.Equal`); no committed
/// case shows it. A multi-prime key whose E is changed (65537 to 65539) fails to parse
/// before Go 1.24, parses from Go 1.24 on (its E·D is no longer checked), and from Go 1.26
/// no longer matches its certificate. Measured with Go 1.19.8, 1.23.9, 1.24.11 (both
/// go.mod lines), 1.25.5 and 1.26.6 on 2026-12-07, from cases.json's cases 3 and 4.
#[test]
fn go_1_26_compares_rsa_exponents() {
    let cases = cases();
    let measured = [
        (Go::GO_1_19, "tls: failed to parse private key"),
        (Go::new(23, 9, 22), "tls: failed to parse private key"),
        (Go::new(24, 11, 23), "ok"),
        (Go::new(24, 11, 24), "ok"),
        (Go::new(25, 5, 25), "ok"),
        (
            Go::new(26, 6, 26),
            "tls: private key does not match public key",
        ),
    ];
    for index in [3, 4] {
        let case = &cases.cases[index];
        assert!(case.name.starts_with("multi-prime rsa"), "{}", case.name);
        let block = &pem::decode_all(case.key_pem.as_bytes())[0];
        let exponent_65537 = [0x02, 0x03, 0x01, 0x00, 0x01];
        let at = block
            .bytes
            .windows(exponent_65537.len())
            .position(|w| w == exponent_65537)
            .expect("the key's E");
        let mut der = block.bytes.clone();
        der[at + 4] = 0x03;
        let key_pem = format!(
            "-----BEGIN {}-----\n{}\n-----END {}-----\n",
            block.kind,
            base64_std(&der),
            block.kind
        );
        let certificate_pem = &cases.certificates[&case.cert];
        for (go, expected) in measured {
            let judged = key::x509_key_pair(certificate_pem.as_bytes(), key_pem.as_bytes(), go);
            assert_eq!(result_text(&judged), expected, "{} under {go}", case.name);
        }
    }
}

/// `x509rsacrt` alone decides whether wrong encoded CRT values fail: Go 1.26.6 run with
/// `GODEBUG=x509rsacrt=0` judges the seven such cases ok and agrees with its oracle on
/// the rest (testdata/tls/keys/go/README.md, group C).
#[test]
fn go_1_26_under_older_defaults_recomputes_crt_values() {
    let cases = cases();
    let go_1_26 = PROFILES
        .iter()
        .find(|p| p.name == "go1.26.6-go1.26")
        .expect("the Go 1.26 profile");
    let older_defaults = Go::new(go_1_26.go.minor, go_1_26.go.patch, 23);
    assert!(!older_defaults.refuses_wrong_rsa_crt_values());
    let judgement = judge(&cases, go_1_26, older_defaults);
    let mut disagreeing: Vec<&str> = judgement
        .disagreements
        .iter()
        .map(|line| line.split(' ').next().unwrap_or_default())
        .collect();
    disagreeing.dedup();
    assert_eq!(
        disagreeing,
        ["#72", "#76", "#179", "#222", "#223", "#231", "#232"],
        "{}",
        judgement.disagreements.join("\n")
    );
    let now_ok = judgement
        .disagreements
        .iter()
        .filter(|line| line.ends_with("\n      ours: ok"))
        .count();
    assert_eq!(
        now_ok,
        disagreeing.len(),
        "{}",
        judgement.disagreements.join("\n")
    );
}

/// Standard base64 with padding, in 64-character lines as PEM writes it.
fn base64_std(bytes: &[u8]) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut text = String::new();
    for chunk in bytes.chunks(3) {
        let group = chunk
            .iter()
            .enumerate()
            .fold(0u32, |acc, (i, &b)| acc | (u32::from(b) << (16 - 8 * i)));
        for i in 0..4 {
            if i <= chunk.len() {
                text.push(char::from(ALPHABET[(group >> (18 - 6 * i)) as usize & 63]));
            } else {
                text.push('=');
            }
        }
    }
    text.as_bytes()
        .chunks(64)
        .map(|line| String::from_utf8_lossy(line).into_owned())
        .collect::<Vec<_>>()
        .join("\n")
}
