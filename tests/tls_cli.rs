//! `speclint tls verify` and `speclint tls inspect`, run as a user would, on the
//! fixtures of testdata/tls/cli (written by its gen.go, with Go 1.19's verdicts).

mod common;

use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use serde::Deserialize;

const BIN: &str = env!("CARGO_BIN_EXE_speclint");
/// The time gen.go took Go's verdicts at.
const NOW: &str = "2025-06-01T00:00:00Z";
const SERVER_NAME: &str = "webhook.system.svc";

struct Run {
    code: i32,
    stdout: String,
    stderr: String,
}

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("testdata/tls/cli")
}

fn fixture(name: &str) -> Vec<u8> {
    std::fs::read(fixtures().join(name)).unwrap_or_else(|e| panic!("{name}: {e}"))
}

/// Runs `speclint tls ARGS` in the fixture folder, so file names print short.
fn tls(args: &[&str], stdin: Option<&[u8]>) -> Run {
    use std::io::Write;
    let mut child = Command::new(BIN)
        .arg("tls")
        .args(args)
        .current_dir(fixtures())
        .stdin(if stdin.is_some() {
            Stdio::piped()
        } else {
            Stdio::null()
        })
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("speclint runs");
    if let Some(bytes) = stdin {
        child.stdin.take().unwrap().write_all(bytes).unwrap();
    }
    let out = child.wait_with_output().unwrap();
    Run {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8(out.stdout).unwrap(),
        stderr: String::from_utf8(out.stderr).unwrap(),
    }
}

fn verify(chain: &str, ca_bundle: &str, server_name: &str) -> Run {
    tls(
        &[
            "verify",
            "--ca-bundle",
            ca_bundle,
            "--server-name",
            server_name,
            "--now",
            NOW,
            chain,
        ],
        None,
    )
}

#[derive(Deserialize)]
struct Verdicts {
    now: String,
    cases: Vec<VerdictCase>,
}

#[derive(Deserialize)]
struct VerdictCase {
    name: String,
    chain: String,
    ca_bundle: String,
    server_name: String,
    verdict: String,
}

/// What the API server reports for Go's verdict: since Go 1.20 crypto/tls wraps what
/// `Verify` returns (its errors are the `x509:` ones).
fn as_reported(verdict: &str, go: speclint::tls::go::Go) -> String {
    if go.minor >= 20 && verdict.starts_with("x509:") {
        format!("tls: failed to verify certificate: {verdict}\n")
    } else {
        format!("{verdict}\n")
    }
}

/// Every failure kind under every release (`--kube-version`), against the verdicts of its
/// Go (testdata/tls/cli/go/<profile>.json; go1.19.8's equal verdicts.json).
#[test]
fn verify_prints_gos_verdict_for_every_failure_kind() {
    let verdicts: Verdicts = serde_json::from_slice(&fixture("verdicts.json")).unwrap();
    assert_eq!(verdicts.now, NOW);
    assert!(verdicts.cases.len() >= 12);
    let go_1_19: Vec<VerdictCase> =
        common::go_profiles::oracle("tls/cli", &common::go_profiles::PROFILES[0]);
    let same = |a: &VerdictCase, b: &VerdictCase| {
        (&a.name, &a.chain, &a.ca_bundle, &a.server_name, &a.verdict)
            == (&b.name, &b.chain, &b.ca_bundle, &b.server_name, &b.verdict)
    };
    assert!(go_1_19.iter().zip(&verdicts.cases).all(|(a, b)| same(a, b)));
    for release in speclint::kube_version::RELEASES {
        let minor = format!("1.{}", release.minor);
        let profile = common::go_profiles::of_release(&minor);
        let cases: Vec<VerdictCase> = common::go_profiles::oracle("tls/cli", profile);
        assert_eq!(cases.len(), verdicts.cases.len());
        for case in &cases {
            let run = tls(
                &[
                    "verify",
                    "--ca-bundle",
                    &case.ca_bundle,
                    "--server-name",
                    &case.server_name,
                    "--now",
                    NOW,
                    "--kube-version",
                    &minor,
                    &case.chain,
                ],
                None,
            );
            let context = format!("{minor} {}", case.name);
            assert_eq!(
                run.stdout,
                as_reported(&case.verdict, release.go),
                "{context}"
            );
            let expected_code = if case.verdict == "ok" { 0 } else { 1 };
            assert_eq!(run.code, expected_code, "{context}: {}", run.stderr);
        }
    }
}

#[test]
fn verify_takes_chain_and_ca_bundle_from_manifests() {
    // kubectl's `create secret tls` output, a two-webhook configuration.
    let run = verify("secret.yaml", "webhook.yaml", SERVER_NAME);
    assert_eq!(
        (run.code, run.stdout.as_str()),
        (0, "ok\n"),
        "{}",
        run.stderr
    );
    assert_eq!(run.stderr, "");
    // stringData with `cert`/`key`, intermediate included; a CRD's conversion webhook.
    let run = verify("secret-stringdata.yaml", "crd.yaml", SERVER_NAME);
    assert_eq!(
        (run.code, run.stdout.as_str()),
        (0, "ok\n"),
        "{}",
        run.stderr
    );
    // A JSON List holding both the APIService and the Secret.
    let run = verify("list.json", "list.json", SERVER_NAME);
    assert_eq!(
        (run.code, run.stdout.as_str()),
        (0, "ok\n"),
        "{}",
        run.stderr
    );
    let run = verify("list.json", "list.json", "webhook-svc.system.svc");
    assert_eq!(run.code, 1);
    assert_eq!(
        run.stdout,
        "tls: failed to verify certificate: x509: certificate is valid for webhook.system.svc, webhook.system.svc.cluster.local, not webhook-svc.system.svc\n"
    );
}

#[test]
fn verify_names_the_ca_bundle_it_picked_when_they_differ() {
    let run = verify("server.pem", "webhook-differing.yaml", SERVER_NAME);
    assert_eq!((run.code, run.stdout.as_str()), (0, "ok\n"));
    assert_eq!(
        run.stderr,
        "note: webhook-differing.yaml holds 1 caBundle(s) that differ from the first; using \
         MutatingWebhookConfiguration webhook webhooks[0].clientConfig.caBundle\n"
    );
}

#[test]
fn verify_empty_ca_bundle_falls_back_to_system_roots() {
    let run = verify("secret.yaml", "webhook-no-cabundle.yaml", SERVER_NAME);
    assert_eq!(run.code, 1);
    assert_eq!(
        run.stdout,
        "tls: failed to verify certificate: x509: certificate signed by unknown authority\n"
    );
    assert!(
        run.stderr.contains("the caBundle is empty"),
        "{}",
        run.stderr
    );
}

#[test]
fn verify_double_base64_ca_bundle_cannot_load_roots() {
    let run = verify("secret.yaml", "webhook-double-base64.yaml", SERVER_NAME);
    assert_eq!(run.code, 1);
    assert_eq!(
        run.stdout,
        "unable to load root certificates: unable to parse bytes as PEM block\n"
    );
}

#[test]
fn verify_reads_stdin_and_a_pasted_base64_ca_bundle() {
    let run = tls(
        &[
            "verify",
            "--ca-bundle",
            "ca.b64",
            "--server-name",
            SERVER_NAME,
            "--now",
            NOW,
            "-",
        ],
        Some(&fixture("server.pem")),
    );
    assert_eq!(
        (run.code, run.stdout.as_str()),
        (0, "ok\n"),
        "{}",
        run.stderr
    );
    assert_eq!(run.stderr, "note: ca.b64 is base64 of PEM; decoded it\n");
}

#[test]
fn verify_reports_unparseable_server_certificates_like_crypto_tls() {
    let run = verify("garbage.pem", "ca.pem", SERVER_NAME);
    assert_eq!(run.code, 1);
    assert_eq!(
        run.stdout,
        "tls: failed to parse certificate from server: x509: malformed certificate\n"
    );
}

#[test]
fn verify_notes_a_key_that_does_not_match_without_changing_the_verdict() {
    let mut pem = fixture("chain.pem");
    pem.extend(fixture("server.key"));
    let run = tls(
        &[
            "verify",
            "--ca-bundle",
            "ca.pem",
            "--server-name",
            SERVER_NAME,
            "--now",
            NOW,
            "-",
        ],
        Some(&pem),
    );
    assert_eq!((run.code, run.stdout.as_str()), (0, "ok\n"));
    assert_eq!(
        run.stderr,
        "note: the webhook server would not start with the key of <stdin>: \
         tls: private key type does not match public key type\n"
    );
}

#[test]
fn verify_usage_and_io_problems_exit_2() {
    let cases: [(&[&str], &str); 6] = [
        (
            &["verify", "--ca-bundle", "ca.pem", "--server-name", "x", "missing.pem"],
            "error: cannot read missing.pem: ",
        ),
        (
            &["verify", "--ca-bundle", "ca.pem", "--server-name", "x", "server.key"],
            "error: server.key holds no certificate: no \"CERTIFICATE\" PEM block\n",
        ),
        (
            &["verify", "--ca-bundle", "secret.yaml", "--server-name", "x", "server.pem"],
            "error: secret.yaml: no webhook configuration, CRD conversion webhook or APIService to take a caBundle from\n",
        ),
        (
            &["verify", "--ca-bundle", "webhook.yaml", "--server-name", "x", "webhook.yaml"],
            "error: webhook.yaml: no Secret with `tls.crt`, `cert` or `server-cert.pem`\n",
        ),
        (
            &["verify", "--ca-bundle", "-", "--server-name", "x", "-"],
            "error: CHAIN and --ca-bundle cannot both be standard input\n",
        ),
        (
            &["verify", "--ca-bundle", "ca.pem", "--server-name", "x", "--now", "soon", "server.pem"],
            "error: --now: cannot parse \"soon\" as RFC 3339: too short\n",
        ),
    ];
    for (args, stderr) in cases {
        let run = tls(args, None);
        assert_eq!(run.code, 2, "{args:?}: {}", run.stderr);
        assert_eq!(run.stdout, "", "{args:?}");
        assert!(run.stderr.starts_with(stderr), "{args:?}: {}", run.stderr);
    }
    // Missing required options are clap's usage errors, also exit 2.
    assert_eq!(tls(&["verify", "server.pem"], None).code, 2);
}

fn inspect(args: &[&str], stdin: Option<&[u8]>) -> Run {
    let mut all = vec!["inspect", "--now", NOW];
    all.extend_from_slice(args);
    let run = tls(&all, stdin);
    assert_eq!(run.code, 0, "{args:?}: {}", run.stderr);
    run
}

#[test]
fn inspect_manifest_human() {
    let run = inspect(&["inspect.yaml"], None);
    assert_eq!(run.stderr, "");
    insta::assert_snapshot!("inspect_manifest_human", run.stdout);
}

#[test]
fn inspect_manifest_json() {
    let run = inspect(&["--format", "json", "inspect.yaml"], None);
    serde_json::from_str::<serde_json::Value>(&run.stdout).expect("JSON");
    // Top-level fields, in the documented order.
    let keys: Vec<&str> = run
        .stdout
        .lines()
        .filter_map(|line| line.strip_prefix("  \""))
        .filter_map(|rest| rest.split('"').next())
        .collect();
    assert_eq!(
        keys,
        [
            "now",
            "certificates",
            "private_keys",
            "ca_bundles",
            "other_pem_blocks",
            "problems"
        ]
    );
    insta::assert_snapshot!("inspect_manifest_json", run.stdout);
}

#[test]
fn inspect_string_data_secret_with_chain_and_key_human() {
    let run = inspect(&["secret-stringdata.yaml"], None);
    insta::assert_snapshot!("inspect_stringdata_human", run.stdout);
}

#[test]
fn inspect_list_json() {
    let run = inspect(&["--format", "json", "list.json"], None);
    insta::assert_snapshot!("inspect_list_json", run.stdout);
}

#[test]
fn inspect_plain_pem_human() {
    let run = inspect(&["chain.pem"], None);
    insta::assert_snapshot!("inspect_chain_pem_human", run.stdout);
}

#[test]
fn inspect_expired_and_not_yet_valid_count_days_from_now() {
    let expired = inspect(&["expired.pem"], None);
    assert!(
        expired
            .stdout
            .contains("  days left           -151 (expired)\n"),
        "{}",
        expired.stdout
    );
    let later = inspect(&["--format", "json", "not-yet-valid.pem"], None);
    let value: serde_json::Value = serde_json::from_str(&later.stdout).unwrap();
    assert_eq!(value["certificates"][0]["validity"], "not yet valid");
}

#[test]
fn inspect_pasted_base64_from_stdin() {
    let run = inspect(&["-"], Some(&fixture("ca.b64")));
    assert_eq!(run.stderr, "note: <stdin> is base64 of PEM; decoded it\n");
    assert!(run.stdout.starts_with("certificate 1: <stdin>, block 1\n"));
    assert!(run
        .stdout
        .contains("  CA                  yes, path length 1\n"));
}

#[test]
fn inspect_describes_a_lone_key_without_showing_it() {
    let run = inspect(&["server.key"], None);
    assert_eq!(
        run.stdout,
        "private key 1 (RSA, 2048 bits): present, does not match any certificate\n  \
         server.key, block 1\n"
    );
}

#[test]
fn inspect_io_problem_exits_2() {
    let run = tls(&["inspect", "missing.yaml"], None);
    assert_eq!(run.code, 2);
    assert!(run.stderr.starts_with("error: cannot read missing.yaml: "));
    let run = tls(&["inspect", "--now", "later", "ca.pem"], None);
    assert_eq!(run.code, 2);
}

/// Every 20-character window of the key's PEM lines and of the base64 of its PEM
/// text (the form a Secret's `data` holds).
fn key_needles(key_pem: &[u8]) -> Vec<String> {
    let text = String::from_utf8(key_pem.to_vec()).unwrap();
    let mut sources: Vec<String> = text
        .lines()
        .filter(|line| !line.starts_with("-----"))
        .map(str::to_string)
        .collect();
    sources.push(encode_base64(key_pem));
    let mut needles = Vec::new();
    for source in sources {
        let chars: Vec<char> = source.chars().collect();
        for window in chars.windows(20) {
            needles.push(window.iter().collect());
        }
    }
    assert!(needles.len() > 200, "{} windows", needles.len());
    needles
}

fn encode_base64(data: &[u8]) -> String {
    const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::new();
    for chunk in data.chunks(3) {
        let mut n = 0u32;
        for (i, b) in chunk.iter().enumerate() {
            n |= u32::from(*b) << (16 - 8 * i);
        }
        for i in 0..4 {
            out.push(if i <= chunk.len() {
                char::from(ALPHABET[(n >> (18 - 6 * i) & 63) as usize])
            } else {
                '='
            });
        }
    }
    out
}

fn windows_of(text: &str) -> HashSet<String> {
    let chars: Vec<char> = text.chars().collect();
    chars.windows(20).map(|w| w.iter().collect()).collect()
}

#[test]
fn no_output_contains_private_key_material() {
    let server_key = fixture("server.key");
    let chain_key = fixture("chain.key");
    // The fixtures really carry the keys, so the check below can fail.
    let secret = String::from_utf8(fixture("secret.yaml")).unwrap();
    assert!(key_needles(&server_key)
        .iter()
        .any(|n| secret.contains(n.as_str())));

    let mut combined = fixture("server.pem");
    combined.extend(&server_key);
    let mut runs = Vec::new();
    for input in [
        "secret.yaml",
        "secret-stringdata.yaml",
        "list.json",
        "inspect.yaml",
        "server.key",
        "chain.key",
    ] {
        for format in ["human", "json"] {
            runs.push(tls(
                &["inspect", "--now", NOW, "--format", format, input],
                None,
            ));
        }
    }
    runs.push(tls(&["inspect", "--now", NOW, "-"], Some(&combined)));
    runs.push(verify("secret.yaml", "webhook.yaml", SERVER_NAME));
    runs.push(verify(
        "secret-stringdata.yaml",
        "webhook-no-cabundle.yaml",
        "other.svc",
    ));
    runs.push(verify(
        "list.json",
        "webhook-double-base64.yaml",
        SERVER_NAME,
    ));
    runs.push(verify("server.key", "ca.pem", SERVER_NAME));
    runs.push(verify("ca.pem", "server.key", SERVER_NAME));
    runs.push(tls(
        &[
            "verify",
            "--ca-bundle",
            "ca.pem",
            "--server-name",
            SERVER_NAME,
            "-",
        ],
        Some(&[fixture("chain.pem"), server_key.clone()].concat()),
    ));

    let needles: Vec<String> = [key_needles(&server_key), key_needles(&chain_key)].concat();
    for (i, run) in runs.iter().enumerate() {
        for output in [&run.stdout, &run.stderr] {
            let windows = windows_of(output);
            let leaked = needles.iter().find(|n| windows.contains(n.as_str()));
            assert!(leaked.is_none(), "run {i} prints key material: {leaked:?}");
        }
    }
}
