//! Work that must stay linear in the input (issue 9).
//!
//! The `#[ignore]`d benchmarks generate their inputs with bench/gen_scale.py (Python 3 with
//! `cryptography`), run the release binary at two sizes and print wall times and their ratio
//! (about 2 when linear, 4 when quadratic). They assert nothing about time, so a loaded
//! machine cannot fail them:
//!
//! `cargo test --release --test scale -- --ignored --nocapture --test-threads 1`
//!
//! The normal tests check that the shared, indexed verification gives Go's answers.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use serde::Deserialize;
use speclint::tls::cert::{self, Certificate};
use speclint::tls::time::parse_rfc3339;
use speclint::tls::verify::{self, CertPool, PooledOptions, VerifyOptions};

const BIN: &str = env!("CARGO_BIN_EXE_speclint");

#[derive(Deserialize)]
struct Case {
    name: String,
    server_name: String,
    now: String,
    chain_pem: String,
    ca_bundle_pem: String,
}

fn verify_cases() -> Vec<Case> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("testdata/tls/verify/cases.json");
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

fn certificates(pem: &str) -> Vec<Certificate> {
    cert::append_certs_from_pem(pem.as_bytes(), speclint::tls::go::Go::GO_1_19)
        .into_iter()
        .map(|(_, c)| c)
        .collect()
}

fn outcome(result: Result<verify::Chain, verify::VerifyError>) -> Result<usize, String> {
    result
        .map(|chain| chain.len())
        .map_err(|e| e.message().to_string())
}

/// `tls inspect` verifies each certificate of a value with the others as intermediates from
/// one pool of the whole value, leaving the certificate out. That must equal a pool built
/// without it, duplicates and same-subject certificates included: Go's candidate order
/// decides which error it reports.
#[test]
fn a_pool_with_one_member_left_out_verifies_like_a_pool_built_without_it() {
    let cases = verify_cases();
    assert!(cases.len() >= 60);
    let mut compared = 0;
    for case in &cases {
        let chain = certificates(&case.chain_pem);
        let roots = certificates(&case.ca_bundle_pem);
        let now = parse_rfc3339(&case.now).unwrap();
        // The chain, its roots and the chain again: duplicates on both sides of members
        // with the same subject.
        let group: Vec<Certificate> = chain.iter().chain(&roots).chain(&chain).cloned().collect();
        let group_pool = CertPool::new(&group);
        let root_pool = CertPool::new(&roots);
        for (position, leaf) in group.iter().enumerate() {
            let others: Vec<Certificate> = group
                .iter()
                .enumerate()
                .filter(|(i, _)| *i != position)
                .map(|(_, c)| c.clone())
                .collect();
            for dns_name in ["", case.server_name.as_str()] {
                let built_without = verify::verify(
                    leaf,
                    &VerifyOptions {
                        roots: &roots,
                        intermediates: &others,
                        dns_name,
                        now,
                        go: speclint::tls::go::Go::GO_1_19,
                    },
                );
                let left_out = verify::verify_pooled(
                    leaf,
                    &PooledOptions {
                        roots: &root_pool,
                        intermediates: &group_pool,
                        excluded_intermediate: Some(position),
                        dns_name,
                        now,
                        go: speclint::tls::go::Go::GO_1_19,
                    },
                );
                assert_eq!(
                    outcome(left_out),
                    outcome(built_without),
                    "{}: certificate {position}, name {dns_name:?}",
                    case.name
                );
                compared += 1;
            }
        }
    }
    assert!(compared > 500, "only {compared} comparisons");
}

/// Shared pools give `verify_server`'s verdict for every Go vector.
#[test]
fn a_shared_pool_gives_the_verdict_of_verify_server() {
    for case in verify_cases() {
        let chain = certificates(&case.chain_pem);
        let roots = certificates(&case.ca_bundle_pem);
        let now = parse_rfc3339(&case.now).unwrap();
        if roots.is_empty() || chain.is_empty() {
            continue;
        }
        let alone = verify::verify_server(
            &chain,
            case.ca_bundle_pem.as_bytes(),
            &case.server_name,
            now,
            Some(&[]),
            speclint::tls::go::Go::GO_1_19,
        );
        let served = verify::ServedChain::new(&chain);
        let shared = verify::verify_served_chain(
            &served,
            &CertPool::new(&roots),
            &case.server_name,
            now,
            speclint::tls::go::Go::GO_1_19,
        );
        assert_eq!(shared, alone, "{}", case.name);
    }
}

// ---------------------------------------------------------------------------
// Benchmarks

fn generator_available() -> bool {
    let ok = Command::new("python3")
        .args(["-c", "import cryptography"])
        .status()
        .is_ok_and(|s| s.success());
    if !ok {
        eprintln!("skipped: bench/gen_scale.py needs python3 with the cryptography package");
    }
    ok
}

/// Writes `scenario`'s input of `size` with bench/gen_scale.py.
fn generate(dir: &Path, scenario: &str, size: usize, extra: &[&str]) -> PathBuf {
    let out = dir.join(format!("{scenario}-{size}.input"));
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("bench/gen_scale.py");
    let status = Command::new("python3")
        .arg(script)
        .arg(scenario)
        .arg(&out)
        .arg(size.to_string())
        .args(extra)
        .status()
        .expect("python3 runs");
    assert!(status.success(), "gen_scale.py {scenario} {size} failed");
    out
}

/// Wall time of one run of the binary; the run itself must succeed.
fn run_timed(args: &[&str], input: &Path) -> Duration {
    let start = Instant::now();
    let output = Command::new(BIN)
        .args(args)
        .arg(input)
        .output()
        .expect("speclint runs");
    let elapsed = start.elapsed();
    assert!(
        matches!(output.status.code(), Some(0 | 1)),
        "speclint {args:?} {}: {:?}\n{}",
        input.display(),
        output.status,
        String::from_utf8_lossy(&output.stderr)
    );
    elapsed
}

/// Prints the wall time at half size and full size, and their ratio.
fn benchmark(label: &str, scenario: &str, size: usize, extra: &[&str], args: &[&str]) {
    if !generator_available() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let half = generate(dir.path(), scenario, size / 2, extra);
    let full = generate(dir.path(), scenario, size, extra);
    let half_time = run_timed(args, &half);
    let full_time = run_timed(args, &full);
    println!(
        "{label}: {} -> {:.2} s, {size} -> {:.2} s, ratio {:.1} (2 is linear, 4 quadratic)",
        size / 2,
        half_time.as_secs_f64(),
        full_time.as_secs_f64(),
        full_time.as_secs_f64() / half_time.as_secs_f64().max(1e-3)
    );
}

#[test]
#[ignore = "benchmark: prints figures"]
fn bench_webhooks_linked_to_pod_templates() {
    benchmark(
        "20,000 webhooks, Services and Deployments in one namespace",
        "webhooks",
        20_000,
        &[],
        &["--format", "concise", "-q"],
    );
}

#[test]
#[ignore = "benchmark: prints figures"]
fn bench_webhooks_with_verdicts() {
    benchmark(
        "10,000 webhooks with Secrets and a caBundle, over 10 namespaces",
        "webhooks",
        10_000,
        &["--namespaces", "10", "--secrets"],
        &["--format", "concise", "-q"],
    );
}

#[test]
#[ignore = "benchmark: prints figures"]
fn bench_webhook_interceptions() {
    benchmark(
        "webhooks on pods and `*` with namespaceSelectors, as many labelled Namespaces",
        "interceptions",
        4_000,
        &[],
        &["--format", "concise", "-q"],
    );
}

#[test]
#[ignore = "benchmark: prints figures"]
fn bench_tls_inspect_certificates() {
    benchmark(
        "tls inspect on a PEM of certificates",
        "pem",
        10_000,
        &["--keys", "100"],
        &["tls", "inspect"],
    );
}

#[test]
#[ignore = "benchmark: prints figures"]
fn bench_large_ca_bundle_on_five_webhooks() {
    benchmark(
        "a caBundle of certificates on 5 webhooks",
        "cabundle",
        10_000,
        &["5"],
        &["--format", "concise", "-q"],
    );
}

#[test]
#[ignore = "benchmark: prints figures"]
fn bench_many_certificates_in_one_secret() {
    benchmark(
        "one Secret's tls.crt with extra certificates (lint)",
        "chain",
        10_000,
        &[],
        &["--format", "concise", "-q"],
    );
    benchmark(
        "one Secret's tls.crt with extra certificates (tls inspect)",
        "chain",
        10_000,
        &[],
        &["tls", "inspect"],
    );
}

#[test]
#[ignore = "benchmark: prints figures"]
fn bench_many_secrets_and_ca_bundles() {
    benchmark(
        "Secrets and distinct caBundles (lint)",
        "secrets",
        2_000,
        &[],
        &["--format", "concise", "-q"],
    );
    benchmark(
        "Secrets and distinct caBundles (tls inspect)",
        "secrets",
        2_000,
        &[],
        &["tls", "inspect"],
    );
}
