//! The hostname, codec and certificate-parsing ports against what each Go profile says
//! about the same inputs (testdata/tls/{hostname,codec,certparse,spark}/go/<profile>.json).
//! tests/tls_go_vectors.rs holds the same ports to Go 1.19 alone.

mod common;

use std::collections::BTreeMap;
use std::path::PathBuf;

use common::certparse::{hex, summarize, ParsedCertificate};
use common::go_profiles::{oracle, Profile, PROFILES};
use serde::Deserialize;
use speclint::tls::cert::{self, Certificate};
use speclint::tls::go::Go;
use speclint::tls::time::Time;
use speclint::tls::verify::{self, VerifyOptions};
use speclint::tls::{base64, hostname, ip, pem};

/// The `CurrentTime` the hostname and spark oracles were made with: 2030-01-01T00:00:00Z.
const ORACLE_TIME: i64 = 1_893_456_000;

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

fn unhex(text: &str) -> Vec<u8> {
    (0..text.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&text[i..i + 2], 16).unwrap())
        .collect()
}

/// Disagreements of one set, per profile; panics listing them all when there are any.
struct Tally {
    set: &'static str,
    lines: Vec<String>,
    disagreements: Vec<String>,
}

impl Tally {
    fn new(set: &'static str) -> Self {
        Tally {
            set,
            lines: Vec::new(),
            disagreements: Vec::new(),
        }
    }

    /// Records one profile's comparisons: `(case, go, ours)` for each case that differs.
    fn profile(&mut self, profile: &Profile, cases: usize, differing: Vec<String>) {
        self.lines.push(format!(
            "{} {}: {} of {cases} agree",
            self.set,
            profile.name,
            cases - differing.len()
        ));
        self.disagreements.extend(
            differing
                .into_iter()
                .map(|d| format!("{}: {d}", profile.name)),
        );
    }

    fn finish(self) {
        finish_all([self]);
    }
}

/// Prints every set's agreement, then fails listing every disagreement, so that one
/// broken set does not hide another.
fn finish_all<const N: usize>(tallies: [Tally; N]) {
    let lines: Vec<&str> = tallies
        .iter()
        .flat_map(|t| t.lines.iter().map(String::as_str))
        .collect();
    println!("{}", lines.join("\n"));
    let disagreements: Vec<String> = tallies
        .iter()
        .flat_map(|t| t.disagreements.iter().map(|d| format!("{} {d}", t.set)))
        .collect();
    assert!(
        disagreements.is_empty(),
        "{} disagreements with Go:\n{}",
        disagreements.len(),
        disagreements.join("\n")
    );
}

/// Checks that an oracle covers every input, in order.
fn check_indices(set: &str, profile: &Profile, indices: impl Iterator<Item = usize>, len: usize) {
    let indices: Vec<usize> = indices.collect();
    assert_eq!(
        indices,
        (0..len).collect::<Vec<_>>(),
        "{set} oracle of {} does not follow the inputs",
        profile.name
    );
}

fn verdict<E: std::fmt::Display>(result: Result<impl Sized, E>) -> String {
    match result {
        Ok(_) => "ok".to_string(),
        Err(e) => e.to_string(),
    }
}

fn single_certificate(pem_text: &[u8], go: Go, what: &str) -> Certificate {
    let mut chain = cert::parse_pem_chain(pem_text, go).unwrap_or_else(|e| panic!("{what}: {e}"));
    assert_eq!(chain.len(), 1, "{what}: expected one certificate");
    chain.remove(0).1
}

/// `VerifyHostname(host)` and `Verify` with `ca` as the only root and `host` as DNSName.
fn hostname_verdicts(leaf: &Certificate, ca: &Certificate, host: &str, go: Go) -> (String, String) {
    let roots = std::slice::from_ref(ca);
    let options = VerifyOptions {
        roots,
        intermediates: &[],
        dns_name: host,
        now: Time::from_unix(ORACLE_TIME),
        go,
    };
    (
        verdict(hostname::verify_hostname(leaf, host, go)),
        verdict(verify::verify(leaf, &options)),
    )
}

#[derive(Deserialize)]
struct HostnameCase {
    name: String,
    host: String,
    leaf_pem: String,
    ca_pem: String,
}

#[derive(Deserialize)]
struct HostnameVerdict {
    index: usize,
    name: String,
    verify_hostname: String,
    verify: String,
}

#[test]
fn hostname_verdicts_agree_with_every_go() {
    let cases: Vec<HostnameCase> = read_json("hostname/cases.json");
    let mut tally = Tally::new("hostname");
    for profile in PROFILES {
        let go_verdicts: Vec<HostnameVerdict> = oracle("tls/hostname", profile);
        check_indices(
            "hostname",
            profile,
            go_verdicts.iter().map(|v| v.index),
            cases.len(),
        );
        let mut differing = Vec::new();
        for (case, go) in cases.iter().zip(&go_verdicts) {
            assert_eq!(case.name, go.name);
            let leaf = single_certificate(case.leaf_pem.as_bytes(), profile.go, &case.name);
            let ca = single_certificate(case.ca_pem.as_bytes(), profile.go, &case.name);
            let ours = hostname_verdicts(&leaf, &ca, &case.host, profile.go);
            if ours != (go.verify_hostname.clone(), go.verify.clone()) {
                differing.push(format!(
                    "{} {} (host {:?}):\n   go: {:?}\n  ours: {ours:?}",
                    go.index,
                    case.name,
                    case.host,
                    (&go.verify_hostname, &go.verify)
                ));
            }
        }
        tally.profile(profile, cases.len(), differing);
    }
    tally.finish();
}

#[derive(Deserialize)]
struct SparkVerdict {
    host: String,
    verify: String,
    verify_hostname: String,
}

#[test]
fn spark_operator_verdicts_agree_with_every_go() {
    let read = |file: &str| std::fs::read(testdata(&format!("spark/{file}"))).unwrap();
    let mut tally = Tally::new("spark");
    for profile in PROFILES {
        let go: SparkVerdict = oracle("tls/spark", profile);
        let leaf = single_certificate(&read("server-cert.pem"), profile.go, "server-cert.pem");
        let ca = single_certificate(&read("ca.pem"), profile.go, "ca.pem");
        let ours = hostname_verdicts(&leaf, &ca, &go.host, profile.go);
        let mut differing = Vec::new();
        if ours != (go.verify_hostname.clone(), go.verify.clone()) {
            differing.push(format!(
                "go: {:?}\n  ours: {ours:?}",
                (&go.verify_hostname, &go.verify)
            ));
        }
        tally.profile(profile, 1, differing);
    }
    tally.finish();
}

#[derive(Deserialize)]
struct CodecOracle {
    base64: Vec<Base64Result>,
    pem: Vec<PemResult>,
    ip: Vec<IpResult>,
}

#[derive(Deserialize)]
struct Base64Input {
    input_hex: String,
}

#[derive(Deserialize)]
struct Base64Result {
    index: usize,
    output_hex: String,
    error: String,
}

#[derive(Deserialize)]
struct PemInput {
    input_hex: String,
}

#[derive(Deserialize)]
struct PemResult {
    index: usize,
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

#[derive(Deserialize)]
struct IpInput {
    input: String,
}

#[derive(Deserialize)]
struct IpResult {
    index: usize,
    parsed: String,
}

/// Repeated `pem.Decode`, as the oracle records it; checks `decode_all_for` agrees.
fn pem_blocks(input: &[u8], go: Go) -> Vec<PemBlock> {
    let mut blocks = Vec::new();
    let mut base = 0;
    while let Some((block, rest)) = pem::decode_for(&input[base..], go) {
        base += rest;
        blocks.push(PemBlock {
            kind: block.kind,
            headers: block.headers.into_iter().collect(),
            bytes_hex: hex(&block.bytes),
            rest: base,
        });
    }
    let all = pem::decode_all_for(input, go);
    assert_eq!(all.len(), blocks.len());
    for block in &all {
        assert!(input[block.start..].starts_with(b"-----BEGIN "));
        assert!(input[..block.end].ends_with(b"-----"));
    }
    blocks
}

#[test]
fn codecs_agree_with_every_go() {
    let base64_inputs: Vec<Base64Input> = read_json("codec/base64.json");
    let pem_inputs: Vec<PemInput> = read_json("codec/pem.json");
    let ip_inputs: Vec<IpInput> = read_json("codec/ip.json");
    let (mut base64_tally, mut pem_tally, mut ip_tally) =
        (Tally::new("base64"), Tally::new("pem"), Tally::new("ip"));
    for profile in PROFILES {
        let go: CodecOracle = oracle("tls/codec", profile);
        check_indices(
            "base64",
            profile,
            go.base64.iter().map(|r| r.index),
            base64_inputs.len(),
        );
        check_indices(
            "pem",
            profile,
            go.pem.iter().map(|r| r.index),
            pem_inputs.len(),
        );
        check_indices(
            "ip",
            profile,
            go.ip.iter().map(|r| r.index),
            ip_inputs.len(),
        );

        let mut differing = Vec::new();
        for (input, go) in base64_inputs.iter().zip(&go.base64) {
            let input = unhex(&input.input_hex);
            let ours = match base64::decode_std(&input) {
                Ok(bytes) => (hex(&bytes), String::new()),
                Err(e) => (String::new(), e.to_string()),
            };
            // Go returns partial output with an error; only the error matters then.
            let go_result = if go.error.is_empty() {
                (go.output_hex.clone(), String::new())
            } else {
                (String::new(), go.error.clone())
            };
            if ours != go_result {
                differing.push(format!(
                    "{} {:?}: go {go_result:?}, ours {ours:?}",
                    go.index,
                    String::from_utf8_lossy(&input)
                ));
            }
        }
        base64_tally.profile(profile, base64_inputs.len(), differing);

        let mut differing = Vec::new();
        for (input, go_result) in pem_inputs.iter().zip(&go.pem) {
            let input = unhex(&input.input_hex);
            let ours = pem_blocks(&input, profile.go);
            if ours != go_result.blocks {
                differing.push(format!(
                    "{} {:?}:\n   go: {:?}\n  ours: {ours:?}",
                    go_result.index,
                    String::from_utf8_lossy(&input),
                    go_result.blocks
                ));
            }
        }
        pem_tally.profile(profile, pem_inputs.len(), differing);

        let mut differing = Vec::new();
        for (input, go_result) in ip_inputs.iter().zip(&go.ip) {
            let ours = ip::parse_ip_for(&input.input, profile.go)
                .map(|ip| ip::go_ip_string(&ip))
                .unwrap_or_default();
            if ours != go_result.parsed {
                differing.push(format!(
                    "{} {:?}: go {:?}, ours {ours:?}",
                    go_result.index, input.input, go_result.parsed
                ));
            }
        }
        ip_tally.profile(profile, ip_inputs.len(), differing);
    }
    finish_all([base64_tally, pem_tally, ip_tally]);
}

#[derive(Deserialize)]
struct CertParseInput {
    der_hex: String,
}

#[derive(Deserialize)]
struct CertParseResult {
    index: usize,
    #[serde(flatten)]
    parsed: ParsedCertificate,
}

#[test]
fn certificate_parsing_agrees_with_every_go() {
    let inputs: Vec<CertParseInput> = read_json("certparse/cases.json");
    let ders: Vec<Vec<u8>> = inputs.iter().map(|i| unhex(&i.der_hex)).collect();
    let mut tally = Tally::new("certparse");
    for profile in PROFILES {
        let go_results: Vec<CertParseResult> = oracle("tls/certparse", profile);
        check_indices(
            "certparse",
            profile,
            go_results.iter().map(|r| r.index),
            ders.len(),
        );
        let mut differing = Vec::new();
        for (der, go) in ders.iter().zip(&go_results) {
            let mut ours = summarize(cert::parse_der(der, profile.go));
            let mut go_parsed = go.parsed.clone();
            // Go prints URIs re-escaped by net/url; ours are verbatim. Compare counts.
            let uri_counts = (ours.uris.len(), go_parsed.uris.len());
            (ours.uris, go_parsed.uris) = (vec![], vec![]);
            if ours != go_parsed || uri_counts.0 != uri_counts.1 {
                differing.push(format!(
                    "{}:\n   go: {:?}\n  ours: {ours:?}",
                    go.index, go.parsed
                ));
            }
        }
        tally.profile(profile, ders.len(), differing);
    }
    tally.finish();
}

/// The committed certificate of certparse/cases.json with a P-256 key, and the offset of
/// its uncompressed point (`04 || x || y`) in the DER.
fn p256_certificate() -> (Vec<u8>, usize) {
    let inputs: Vec<CertParseInput> = read_json("certparse/cases.json");
    // BIT STRING of 66 bytes, no unused bits, then the uncompressed-point byte.
    const P256_POINT_PREFIX: [u8; 4] = [0x03, 0x42, 0x00, 0x04];
    inputs
        .iter()
        .map(|i| unhex(&i.der_hex))
        .find_map(|der| {
            let parsed = cert::parse_der(&der, Go::GO_1_19).ok()?;
            (parsed.public_key.curve == Some("P-256")).then_some(())?;
            let at = der.windows(4).position(|w| w == P256_POINT_PREFIX)?;
            Some((der, at + 3))
        })
        .expect("certparse/cases.json has a P-256 certificate")
}

/// Go 1.26 texts of crypto/ecdsa that no committed vector reaches, read from the
/// 1.26.6 source (crypto/ecdsa.ParseUncompressedPublicKey, crypto/internal/fips140/nistec).
#[test]
fn go_1_26_names_each_ecdsa_point_failure() {
    let (der, point) = p256_certificate();
    let go_1_26 = Go::new(26, 6, 26);
    let go_1_25 = Go::new(25, 5, 25);
    let error = |der: &[u8], go: Go| cert::parse_der(der, go).err().map(|e| e.to_string());
    assert_eq!(error(&der, go_1_26), None);

    let mut compressed_marker = der.clone();
    compressed_marker[point] = 0x05;
    let mut x_not_reduced = der.clone();
    x_not_reduced[point + 1..point + 33].fill(0xff);
    let mut off_curve = der.clone();
    off_curve[point + 64] ^= 1;
    for (mutated, go_1_26_text) in [
        (&compressed_marker, "ecdsa: invalid uncompressed public key"),
        (&x_not_reduced, "invalid P256 element encoding"),
        (&off_curve, "P256 point not on curve"),
    ] {
        assert_eq!(error(mutated, go_1_26).as_deref(), Some(go_1_26_text));
        assert_eq!(
            error(mutated, go_1_25).as_deref(),
            Some("x509: failed to unmarshal elliptic curve point")
        );
    }
}

/// A certificate with the given Common Name and DNS SANs (none: no SAN extension).
fn certificate_named(common_name: &str, dns_names: Vec<String>) -> Certificate {
    let pem_text = std::fs::read(testdata("spark/server-cert.pem")).unwrap();
    let mut certificate = single_certificate(&pem_text, Go::GO_1_19, "server-cert.pem");
    certificate.subject_common_name = Some(common_name.to_string());
    certificate.has_san_extension = !dns_names.is_empty();
    certificate.dns_names = dns_names;
    certificate.ip_addresses.clear();
    certificate
}

/// Messages seen with a probe program (hostname/go/README.md), not in cases.json.
#[test]
fn hostname_messages_outside_the_vectors_follow_go() {
    let wildcard_cn = certificate_named("*", vec![]);
    let message = |host: &str, go: Go| verdict(hostname::verify_hostname(&wildcard_cn, host, go));
    for host in ["", "."] {
        assert_eq!(
            message(host, Go::new(25, 5, 25)),
            format!("x509: certificate is not valid for any names, but wanted to match {host}")
        );
        assert_eq!(
            message(host, Go::new(26, 6, 26)),
            "x509: certificate relies on legacy Common Name field, use SANs instead"
        );
    }

    let many = certificate_named("x", (0..100).map(|i| format!("n{i}.svc")).collect());
    let message = |go: Go| verdict(hostname::verify_hostname(&many, "x.svc", go));
    assert_eq!(
        message(Go::new(24, 11, 24)),
        "x509: certificate is valid for 100 names, but none matched x.svc"
    );
    assert!(message(Go::new(23, 9, 22)).ends_with(", n99.svc, not x.svc"));

    // Five hex digits in a group: an IP to Go 1.22, a DNS name from Go 1.23.
    let names = certificate_named("x", vec!["a.svc".to_string()]);
    assert_eq!(
        verdict(hostname::verify_hostname(
            &names,
            "00001::",
            Go::new(22, 10, 20)
        )),
        "x509: cannot validate certificate for 00001:: because it doesn't contain any IP SANs"
    );
    assert_eq!(
        verdict(hostname::verify_hostname(
            &names,
            "00001::",
            Go::new(23, 9, 22)
        )),
        "x509: certificate is valid for a.svc, not 00001::"
    );
}

/// Pieces that PEM-like text is made of, so random sequences reach every branch of
/// both `pem.Decode` algorithms: BEGIN and END lines out of order, headers, bodies.
const PEM_PIECES: &[&str] = &[
    "-----BEGIN A-----",
    "-----END A-----",
    "-----BEGIN ",
    "-----END ",
    "-----",
    "A",
    "\n",
    "\r\n",
    " \t",
    "Zm9v",
    "!",
    "k: v",
    ":",
];

proptest::proptest! {
    #[test]
    fn pem_decoders_never_panic(pieces in proptest::collection::vec(0..PEM_PIECES.len(), 0..40)) {
        let text: String = pieces.iter().map(|&i| PEM_PIECES[i]).collect();
        for profile in PROFILES {
            for block in pem::decode_all_for(text.as_bytes(), profile.go) {
                proptest::prop_assert!(block.start < block.end && block.end <= text.len());
            }
        }
    }

    #[test]
    fn ip_parsing_never_panics(host in "[0-9a-fA-F:.%]{0,48}") {
        for profile in PROFILES {
            if let Some(ip) = ip::parse_ip_for(&host, profile.go) {
                let _ = ip::go_ip_string(&ip);
            }
        }
    }
}
