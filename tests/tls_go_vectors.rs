//! The Rust ports against verdicts recorded from Go itself (testdata/tls/*/gen.go).

use std::collections::BTreeMap;
use std::path::PathBuf;

mod common;

use common::certparse::{hex, summarize, ParsedCertificate};
use serde::Deserialize;
use speclint::tls::{base64, cert, hostname, ip, pem};

fn testdata(path: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("testdata/tls")
        .join(path)
}

fn read_json<T: for<'de> Deserialize<'de>>(path: &str) -> T {
    let file = testdata(path);
    let text = std::fs::read_to_string(&file)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", file.display()));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", file.display()))
}

#[derive(Deserialize)]
struct HostnameCase {
    name: String,
    host: String,
    leaf_pem: String,
    ca_pem: String,
    verify_hostname: String,
}

fn parse_single_pem(pem_text: &str, what: &str) -> cert::Certificate {
    let chain = cert::parse_pem_chain(pem_text.as_bytes(), speclint::tls::go::Go::GO_1_19)
        .unwrap_or_else(|e| panic!("{what}: {e}"));
    assert_eq!(chain.len(), 1, "{what}: expected one certificate");
    chain.into_iter().next().unwrap().1
}

fn hostname_verdict(cert: &cert::Certificate, host: &str) -> String {
    match hostname::verify_hostname(cert, host, speclint::tls::go::Go::GO_1_19) {
        Ok(()) => "ok".to_string(),
        Err(e) => e.to_string(),
    }
}

#[test]
fn verify_hostname_agrees_with_go() {
    let cases: Vec<HostnameCase> = read_json("hostname/cases.json");
    assert!(cases.len() >= 40, "only {} cases", cases.len());

    let mut disagreements = Vec::new();
    for case in &cases {
        let leaf = parse_single_pem(&case.leaf_pem, &case.name);
        parse_single_pem(&case.ca_pem, &format!("{} CA", case.name));
        let ours = hostname_verdict(&leaf, &case.host);
        if ours != case.verify_hostname {
            disagreements.push(format!(
                "{} (host {:?}):\n   go: {}\n  ours: {}",
                case.name, case.host, case.verify_hostname, ours
            ));
        }
    }
    assert!(
        disagreements.is_empty(),
        "{} of {} cases disagree with Go:\n{}",
        disagreements.len(),
        cases.len(),
        disagreements.join("\n")
    );
}

#[test]
fn hostname_error_details_are_consistent_with_the_message() {
    let cases: Vec<HostnameCase> = read_json("hostname/cases.json");
    for case in &cases {
        let leaf = parse_single_pem(&case.leaf_pem, &case.name);
        let Err(err) = hostname::verify_hostname(&leaf, &case.host, speclint::tls::go::Go::GO_1_19)
        else {
            continue;
        };
        let message = err.to_string();
        assert_eq!(
            err.is_legacy_common_name(),
            message.contains("legacy Common Name"),
            "{}",
            case.name
        );
        let names = err.valid_names();
        if message.starts_with("x509: certificate is valid for ") {
            let listed = format!("valid for {}, not ", names.join(", "));
            assert!(message.contains(&listed), "{}: {message}", case.name);
        }
    }
}

#[derive(Deserialize)]
struct SparkVerdict {
    host: String,
    verify_hostname: String,
}

#[test]
fn spark_operator_upgrade_example() {
    let verdict: SparkVerdict = read_json("spark/verdict.json");
    let read = |file: &str| std::fs::read(testdata(&format!("spark/{file}"))).unwrap();

    let leaf = &cert::parse_pem_chain(&read("server-cert.pem"), speclint::tls::go::Go::GO_1_19)
        .unwrap()[0]
        .1;
    let ca = &cert::parse_pem_chain(&read("ca.pem"), speclint::tls::go::Go::GO_1_19).unwrap()[0].1;
    assert_eq!(
        leaf.subject_common_name.as_deref(),
        Some("spark-operator-webhook.default.svc")
    );
    assert_eq!(leaf.dns_names, ["spark-operator-webhook.default.svc"]);
    assert!(leaf.allows_server_auth() && !leaf.is_ca);
    assert!(ca.is_ca && ca.is_self_issued());
    assert_eq!(leaf.raw_issuer(), ca.raw_subject());
    assert_eq!(leaf.not_after, 4_070_908_800, "valid until 2099-01-01");

    assert_eq!(
        hostname_verdict(leaf, &verdict.host),
        verdict.verify_hostname
    );
    let err =
        hostname::verify_hostname(leaf, &verdict.host, speclint::tls::go::Go::GO_1_19).unwrap_err();
    assert_eq!(err.valid_names(), ["spark-operator-webhook.default.svc"]);

    // The key file is a PEM block of another type: a chain problem, named by type only.
    let problem =
        cert::parse_pem_chain(&read("server-key.pem"), speclint::tls::go::Go::GO_1_19).unwrap_err();
    let message = problem.to_string();
    assert_eq!(
        message,
        "PEM block 1 is of type \"RSA PRIVATE KEY\", not \"CERTIFICATE\""
    );
}

#[derive(Deserialize)]
struct Base64Case {
    input_hex: String,
    output_hex: String,
    error: String,
}

fn unhex(text: &str) -> Vec<u8> {
    (0..text.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&text[i..i + 2], 16).unwrap())
        .collect()
}

#[test]
fn base64_agrees_with_go() {
    let cases: Vec<Base64Case> = read_json("codec/base64.json");
    assert!(cases.len() > 100);
    let mut disagreements = Vec::new();
    for case in &cases {
        let input = unhex(&case.input_hex);
        let ours = match base64::decode_std(&input) {
            Ok(bytes) => (hex(&bytes), String::new()),
            Err(e) => (String::new(), e.to_string()),
        };
        // Go returns partial output with an error; only the error matters then.
        let go = if case.error.is_empty() {
            (case.output_hex.clone(), String::new())
        } else {
            (String::new(), case.error.clone())
        };
        if ours != go {
            disagreements.push(format!(
                "{:?}: go {go:?}, ours {ours:?}",
                String::from_utf8_lossy(&input)
            ));
        }
    }
    assert!(
        disagreements.is_empty(),
        "{} of {} disagree:\n{}",
        disagreements.len(),
        cases.len(),
        disagreements.join("\n")
    );
}

#[derive(Deserialize)]
struct PemCase {
    input_hex: String,
    blocks: Vec<PemBlock>,
}

#[derive(Deserialize, Debug, PartialEq)]
struct PemBlock {
    #[serde(rename = "type")]
    kind: String,
    headers: BTreeMap<String, String>,
    bytes_hex: String,
    /// Offset of the rest of the input after this block, as Go returns it.
    rest: usize,
}

#[test]
fn pem_decode_agrees_with_go() {
    let cases: Vec<PemCase> = read_json("codec/pem.json");
    assert!(cases.len() > 100);
    let mut disagreements = Vec::new();
    for case in &cases {
        let input = unhex(&case.input_hex);
        let mut ours = Vec::new();
        let mut base = 0;
        while let Some((block, rest)) = pem::decode(&input[base..]) {
            base += rest;
            ours.push(PemBlock {
                kind: block.kind,
                headers: block.headers.into_iter().collect(),
                bytes_hex: hex(&block.bytes),
                rest: base,
            });
        }
        if ours != case.blocks {
            disagreements.push(format!(
                "{:?}:\n   go: {:?}\n  ours: {ours:?}",
                String::from_utf8_lossy(&input),
                case.blocks
            ));
        }
        let all = pem::decode_all(&input);
        assert_eq!(all.len(), ours.len());
        for block in &all {
            assert!(input[block.start..].starts_with(b"-----BEGIN "));
            assert!(input[..block.end].ends_with(b"-----"));
        }
    }
    assert!(
        disagreements.is_empty(),
        "{} of {} disagree:\n{}",
        disagreements.len(),
        cases.len(),
        disagreements.join("\n")
    );
}

#[derive(Deserialize)]
struct IpCase {
    input: String,
    parsed: String,
}

#[test]
fn ip_parsing_and_printing_agree_with_go() {
    let cases: Vec<IpCase> = read_json("codec/ip.json");
    assert!(cases.len() > 100);
    let mut disagreements = Vec::new();
    for case in &cases {
        let ours = ip::parse_ip(&case.input)
            .map(|ip| ip::go_ip_string(&ip))
            .unwrap_or_default();
        if ours != case.parsed {
            disagreements.push(format!(
                "{:?}: go {:?}, ours {ours:?}",
                case.input, case.parsed
            ));
        }
    }
    assert!(
        disagreements.is_empty(),
        "{} of {} disagree:\n{}",
        disagreements.len(),
        cases.len(),
        disagreements.join("\n")
    );
}

#[derive(Deserialize)]
struct CertParseCase {
    der_hex: String,
    #[serde(flatten)]
    go: ParsedCertificate,
}

#[test]
fn certificate_parsing_agrees_with_go() {
    let cases: Vec<CertParseCase> = read_json("certparse/cases.json");
    assert!(cases.len() > 100);
    let mut disagreements = Vec::new();
    for case in &cases {
        let mut ours = summarize(cert::parse_der(
            &unhex(&case.der_hex),
            speclint::tls::go::Go::GO_1_19,
        ));
        let mut go = case.go.clone();
        // Go prints URIs re-escaped by net/url; ours are verbatim. Compare counts.
        let uri_counts = (ours.uris.len(), go.uris.len());
        (ours.uris, go.uris) = (vec![], vec![]);
        if ours != go || uri_counts.0 != uri_counts.1 {
            disagreements.push(format!("   go: {:?}\n  ours: {ours:?}", case.go));
        }
    }
    assert!(
        disagreements.is_empty(),
        "{} of {} disagree:\n{}",
        disagreements.len(),
        cases.len(),
        disagreements.join("\n")
    );
}
