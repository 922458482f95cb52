//! Go's verdicts (testdata/tls/verify/cases.json, made by gen.go there) reached through the
//! whole linter: each case becomes a Service, a Deployment mounting a Secret with the chain,
//! and a webhook whose caBundle is the case's, and the verdict rules must say what Go says:
//! for every release (`--kube-version`), the Go of that release (go/<profile>.json).

mod common;

use speclint::pipeline::{lint, Options};
use speclint::source::{SourceFile, SourceMap};
use std::path::Path;

/// Rules that report the first failure of the verdict, and certificate-decode for caBundles
/// client-go cannot load.
const VERDICT_RULES: &[&str] = &[
    "webhook-hostname",
    "certificate-expired",
    "webhook-unknown-authority",
    "certificate-key-usage",
    "certificate-chain",
    "certificate-decode",
    "ca-bundle-empty",
];

fn base64(bytes: &[u8]) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::new();
    for chunk in bytes.chunks(3) {
        let n = (u32::from(chunk[0]) << 16)
            | (u32::from(*chunk.get(1).unwrap_or(&0)) << 8)
            | u32::from(*chunk.get(2).unwrap_or(&0));
        for (i, shift) in [18, 12, 6, 0].iter().enumerate() {
            if i <= chunk.len() {
                out.push(ALPHABET[((n >> shift) & 63) as usize] as char);
            } else {
                out.push('=');
            }
        }
    }
    out
}

fn manifests(service: &str, namespace: &str, chain_pem: &str, ca_bundle_pem: &str) -> String {
    let ca_bundle = if ca_bundle_pem.is_empty() {
        String::new()
    } else {
        format!("      caBundle: {}\n", base64(ca_bundle_pem.as_bytes()))
    };
    format!(
        "apiVersion: v1\nkind: Service\nmetadata: {{name: {service}, namespace: {namespace}}}\nspec:\n  selector: {{app: w}}\n  ports: [{{port: 443, targetPort: 9443}}]\n---\n\
apiVersion: apps/v1\nkind: Deployment\nmetadata: {{name: w, namespace: {namespace}}}\nspec:\n  template:\n    metadata: {{labels: {{app: w}}}}\n    spec:\n      containers: [{{name: w, ports: [{{containerPort: 9443}}], volumeMounts: [{{name: certs, mountPath: /certs}}]}}]\n      volumes: [{{name: certs, secret: {{secretName: w-tls}}}}]\n---\n\
apiVersion: v1\nkind: Secret\nmetadata: {{name: w-tls, namespace: {namespace}}}\ndata:\n  tls.crt: {}\n---\n\
apiVersion: admissionregistration.k8s.io/v1\nkind: ValidatingWebhookConfiguration\nmetadata: {{name: w}}\nwebhooks:\n  - name: w.example.org\n    clientConfig:\n      service: {{name: {service}, namespace: {namespace}}}\n{ca_bundle}",
        base64(chain_pem.as_bytes())
    )
}

fn cases() -> Vec<serde_json::Value> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("testdata/tls/verify/cases.json");
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

/// Each release with its Go's verdict on every case, in order.
fn releases_with_verdicts() -> Vec<(&'static speclint::kube_version::KubeRelease, Vec<String>)> {
    speclint::kube_version::RELEASES
        .iter()
        .map(|release| {
            let profile = common::go_profiles::of_release(&format!("1.{}", release.minor));
            let verdicts: Vec<serde_json::Value> =
                common::go_profiles::oracle("tls/verify", profile);
            let verdicts = verdicts
                .iter()
                .map(|v| v["verdict"].as_str().unwrap().to_string())
                .collect();
            (release, verdicts)
        })
        .collect()
}

#[test]
fn go_verify_vectors_through_the_linter() {
    let cases = cases();
    let mut checked = 0;
    let mut disagreements = Vec::new();
    for (release, verdicts) in releases_with_verdicts() {
        for (case, go) in cases.iter().zip(&verdicts) {
            let server_name = case["server_name"].as_str().unwrap();
            // IP names are only reachable through `url`, whose server is outside the manifests.
            let Some((service, namespace)) = server_name
                .strip_suffix(".svc")
                .and_then(|rest| rest.split_once('.'))
            else {
                continue;
            };
            let text = manifests(
                service,
                namespace,
                case["chain_pem"].as_str().unwrap(),
                case["ca_bundle_pem"].as_str().unwrap(),
            );
            let mut sources = SourceMap::default();
            sources.add(SourceFile::new("case.yaml", text.into_bytes()));
            let mut options = Options::new("default");
            options.kube_version = release;
            options.now =
                speclint::tls::time::parse_rfc3339(case["now"].as_str().unwrap()).unwrap();
            let outcome = lint(&sources, &options);
            let messages: Vec<&str> = outcome
                .diagnostics
                .iter()
                // An empty caBundle's unknown authority is a warning until injectors are recognised.
                .filter(|d| VERDICT_RULES.contains(&d.rule))
                // ca-bundle-empty also warns without a verdict; only Go's messages count here.
                .filter(|d| {
                    d.message.starts_with("x509:")
                        || d.message.starts_with("unable to")
                        || d.message.starts_with("tls:")
                })
                .map(|d| d.message.as_str())
                .collect();
            let agrees = if go == "ok" {
                messages.is_empty()
            } else {
                messages == [go.as_str()]
            };
            if !agrees {
                disagreements.push(format!(
                    "1.{} {}: Go {go:?}, speclint {messages:?}",
                    release.minor, case["name"]
                ));
            }
            checked += 1;
        }
    }
    println!("{checked} (vector, release) pairs checked through the linter");
    assert!(
        checked >= 60 * 12,
        "only {checked} vectors reach the linter"
    );
    assert!(disagreements.is_empty(), "{}", disagreements.join("\n"));
}

/// The verifier's cost per webhook: `cargo test --release --test verify_through_linter -- --ignored --nocapture`.
#[test]
#[ignore]
fn verifier_cost_per_webhook() {
    let certs = Path::new(env!("CARGO_MANIFEST_DIR")).join("testdata/certs");
    let chain_pem = std::fs::read(certs.join("leaf-good.pem")).unwrap();
    let ca_pem = std::fs::read(certs.join("ca.pem")).unwrap();
    let now = speclint::tls::time::parse_rfc3339("2026-11-27T00:00:00Z").unwrap();
    let rounds = 5_000;
    let started = std::time::Instant::now();
    for _ in 0..rounds {
        let chain: Vec<_> =
            speclint::tls::cert::parse_pem_chain(&chain_pem, speclint::tls::go::Go::GO_1_19)
                .unwrap()
                .into_iter()
                .map(|(_, c)| c)
                .collect();
        let verdict = speclint::tls::verify::verify_server(
            &chain,
            &ca_pem,
            "demo-webhook.webhooks.svc",
            now,
            None,
            speclint::tls::go::Go::GO_1_19,
        );
        assert!(verdict.is_ok());
    }
    let per_call = started.elapsed() / rounds;
    println!("ECDSA P-256 leaf + CA, parse + verify: {per_call:?} per webhook");
}

/// The same vectors through `speclint tls verify`: `ok` or Go's exact message, exit 0 or 1.
#[test]
fn go_verify_vectors_through_tls_verify() {
    let cases = cases();
    let dir = tempfile::tempdir().unwrap();
    let mut disagreements = Vec::new();
    let releases = releases_with_verdicts();
    for (i, case) in cases.iter().enumerate() {
        let chain = dir.path().join(format!("chain-{i}.pem"));
        let ca_bundle = dir.path().join(format!("ca-{i}.pem"));
        std::fs::write(&chain, case["chain_pem"].as_str().unwrap()).unwrap();
        // Written as the caBundle field is (base64 of the bytes the API server loads), which
        // `tls verify` decodes once: a bundle that is itself base64 text stays so.
        let bundle = case["ca_bundle_pem"].as_str().unwrap();
        let field = if bundle.is_empty() {
            String::new()
        } else {
            base64(bundle.as_bytes())
        };
        std::fs::write(&ca_bundle, field).unwrap();
        for (release, verdicts) in &releases {
            let out = std::process::Command::new(env!("CARGO_BIN_EXE_speclint"))
                .args(["tls", "verify", "--ca-bundle"])
                .arg(&ca_bundle)
                .args(["--server-name", case["server_name"].as_str().unwrap()])
                .args(["--now", case["now"].as_str().unwrap()])
                .args(["--kube-version", &format!("1.{}", release.minor)])
                .arg(&chain)
                .output()
                .unwrap();
            let go = verdicts[i].as_str();
            // Since Go 1.20 crypto/tls wraps what Verify returns.
            let reported = if go.starts_with("x509:") {
                format!("tls: failed to verify certificate: {go}")
            } else {
                go.to_string()
            };
            let printed = String::from_utf8_lossy(&out.stdout).trim_end().to_string();
            let expected_code = if go == "ok" { 0 } else { 1 };
            if printed != reported || out.status.code() != Some(expected_code) {
                disagreements.push(format!(
                    "1.{} {}: Go {reported:?}, speclint {printed:?} (exit {:?}; {})",
                    release.minor,
                    case["name"],
                    out.status.code(),
                    String::from_utf8_lossy(&out.stderr).trim()
                ));
            }
        }
    }
    println!(
        "{} Go vectors checked through `speclint tls verify`",
        cases.len()
    );
    assert!(disagreements.is_empty(), "{}", disagreements.join("\n"));
}
