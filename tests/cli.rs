//! End-to-end: the binary on every fixture under testdata/cases and testdata/examples,
//! with snapshots of the human and JSON output, Go's verdicts, and secrecy checks.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

mod common;

use common::{secret_fragments, testdata};

const BIN: &str = env!("CARGO_BIN_EXE_speclint");
/// The time testdata/certs/gen.go recorded Go's verdicts at; every fixture run pins it.
const NOW: &str = "2026-11-27T00:00:00Z";

struct Run {
    code: i32,
    stdout: String,
    stderr: String,
}

fn speclint(dir: &Path, args: &[&str], stdin: Option<&[u8]>) -> Run {
    use std::io::Write;
    let mut child = Command::new(BIN)
        .args(pinned(args))
        .current_dir(dir)
        .env_remove("NO_COLOR")
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

/// `--now NOW` before the arguments, unless they run a subcommand or set it themselves.
fn pinned<'a>(args: &[&'a str]) -> Vec<&'a str> {
    if args.first() == Some(&"tls") {
        return args.to_vec();
    }
    if args.contains(&"--now") {
        return [&["--no-config"][..], args].concat();
    }
    // A .speclint.yaml above the checkout must not change the snapshots.
    let mut all = vec!["--no-config", "--now", NOW];
    all.extend_from_slice(args);
    all
}

/// Fixture folders, each linted as one run of all its manifests.
fn fixtures() -> Vec<(String, PathBuf, Vec<String>)> {
    let mut found = Vec::new();
    for group in ["cases", "examples"] {
        let mut dirs: Vec<PathBuf> = std::fs::read_dir(testdata().join(group))
            .unwrap()
            .map(|e| e.unwrap().path())
            .filter(|p| p.is_dir())
            .collect();
        dirs.sort();
        for dir in dirs {
            let mut files: Vec<String> = std::fs::read_dir(&dir)
                .unwrap()
                .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
                .filter(|n| n.ends_with(".yaml") || n.ends_with(".json"))
                .collect();
            files.sort();
            let name = dir.file_name().unwrap().to_string_lossy().into_owned();
            // An `args` file holds extra arguments (e.g. `--previous previous/x.yaml`).
            if let Ok(extra) = std::fs::read_to_string(dir.join("args")) {
                let mut with_args: Vec<String> =
                    extra.split_whitespace().map(str::to_string).collect();
                with_args.extend(files);
                files = with_args;
            }
            found.push((name, dir, files));
        }
    }
    found
}

fn json(run: &Run) -> serde_json::Value {
    serde_json::from_str(&run.stdout).unwrap_or_else(|e| panic!("not JSON ({e}): {}", run.stdout))
}

#[test]
fn every_fixture_matches_its_snapshots() {
    for (name, dir, files) in fixtures() {
        let file_args: Vec<&str> = files.iter().map(String::as_str).collect();
        let mut args = vec!["--color", "never"];
        args.extend(&file_args);
        let human = speclint(&dir, &args, None);
        insta::assert_snapshot!(
            format!("{name}__human"),
            format!("exit: {}\n{}{}", human.code, human.stdout, human.stderr)
        );
        let mut args = vec!["--format", "json"];
        args.extend(&file_args);
        let run = speclint(&dir, &args, None);
        let value = json(&run);
        insta::assert_json_snapshot!(format!("{name}__json"), value);
        let errors = value["summary"]["errors"].as_u64().unwrap();
        assert_eq!(
            run.code,
            i32::from(errors > 0),
            "{name}: exit code vs error count"
        );
        assert_eq!(
            human.code, run.code,
            "{name}: formats disagree on the exit code"
        );
    }
}

/// The leaf each fixture's Secret holds (testdata/certs/gen.go), and the name the webhook
/// is called as. Go's full `Verify` verdict for that pair, at NOW with ca.pem as the only
/// root, is in testdata/certs/verdicts.json.
const VERDICT_CASES: &[(&str, &str, &str)] = &[
    ("hostname-ok", "good", "demo-webhook.webhooks.svc"),
    (
        "hostname-renamed-service",
        "old-name",
        "demo-webhook.webhooks.svc",
    ),
    (
        "hostname-legacy-common-name",
        "cn-only",
        "demo-webhook.webhooks.svc",
    ),
    (
        "hostname-cluster-local-only",
        "cluster-local",
        "demo-webhook.webhooks.svc",
    ),
    ("hostname-wildcard", "wildcard", "demo-webhook.webhooks.svc"),
    (
        "hostname-ip-san-only",
        "ip-only",
        "demo-webhook.webhooks.svc",
    ),
    (
        "hostname-fail-open",
        "old-name",
        "demo-webhook.webhooks.svc",
    ),
    ("live-secret-json", "old-name", "demo-webhook.webhooks.svc"),
    (
        "stringdata-renamed",
        "old-name",
        "demo-webhook.webhooks.svc",
    ),
    (
        "crd-and-apiservice",
        "cluster-local",
        "demo-webhook.webhooks.svc",
    ),
    (
        "spark-operator-upgrade",
        "spark-1.2",
        "spark-operator-webhook-svc.default.svc",
    ),
    (
        "verdict-expired-leaf",
        "expired",
        "demo-webhook.webhooks.svc",
    ),
    (
        "verdict-not-yet-valid",
        "not-yet-valid",
        "demo-webhook.webhooks.svc",
    ),
    (
        "verdict-signed-by-other-ca",
        "other-ca",
        "demo-webhook.webhooks.svc",
    ),
    (
        "verdict-client-auth-only",
        "client-eku",
        "demo-webhook.webhooks.svc",
    ),
    (
        "verdict-expiring-soon",
        "expiring",
        "demo-webhook.webhooks.svc",
    ),
    ("verdict-rsa-1024", "rsa1024", "demo-webhook.webhooks.svc"),
    ("verdict-rsa-512", "rsa512", "demo-webhook.webhooks.svc"),
];

/// Chart-shaped fixtures whose certificates testdata/certs/charts/gen.go made, with Go's
/// verdicts in testdata/certs/charts/verdicts.json.
const CHART_VERDICT_CASES: &[(&str, &str, &str)] = &[
    (
        "chart-aws-lbc-genca-ok",
        "aws-lbc",
        "aws-load-balancer-webhook-service.kube-system.svc",
    ),
    (
        "chart-aws-lbc-genca-renamed-service",
        "aws-lbc",
        "aws-lbc-webhook-service.kube-system.svc",
    ),
    (
        "operator-spark-2.1-live-secret-valid",
        "spark-2.x",
        "spark-operator-webhook-svc.default.svc",
    ),
];

/// Rules that report the verdict's first failure, one of which must carry Go's message.
const VERDICT_RULES: &[&str] = &[
    "webhook-hostname",
    "certificate-expired",
    "webhook-unknown-authority",
    "certificate-key-usage",
    "certificate-chain",
    "ca-bundle-empty",
];

/// Each fixture under every release (`--kube-version`) carries the x509 verdict of that
/// release's Go (certs/go/<profile>.json, certs/charts/go/<profile>.json; go1.19.8's
/// equal verdicts.json). A handshake alert (`remote error: ...`, the RSA-512 leaf) is
/// crypto/tls's, outside these oracles: testdata/tls/handshake holds it.
#[test]
fn verdicts_equal_gos() {
    let read = |path: &str| -> serde_json::Value {
        serde_json::from_str(&std::fs::read_to_string(testdata().join(path)).unwrap()).unwrap()
    };
    let go_1_19 = &common::go_profiles::PROFILES[0];
    assert_eq!(
        read("certs/verdicts.json"),
        read(&format!("certs/go/{}.json", go_1_19.name))
    );
    assert_eq!(
        read("certs/charts/verdicts.json"),
        read(&format!("certs/charts/go/{}.json", go_1_19.name))
    );
    for release in speclint::kube_version::RELEASES {
        let minor = format!("1.{}", release.minor);
        let profile = common::go_profiles::of_release(&minor);
        let demo = read(&format!("certs/go/{}.json", profile.name));
        let charts = read(&format!("certs/charts/go/{}.json", profile.name));
        verdicts_equal(&demo, &charts, &minor);
    }
}

fn verdicts_equal(demo: &serde_json::Value, charts: &serde_json::Value, minor: &str) {
    let all = fixtures();
    let cases = VERDICT_CASES
        .iter()
        .map(|(case, leaf, host)| (case, leaf, host, demo))
        .chain(
            CHART_VERDICT_CASES
                .iter()
                .map(|(case, leaf, host)| (case, leaf, host, charts)),
        );
    for (case, leaf, host, verdicts) in cases {
        let (_, dir, files) = all
            .iter()
            .find(|(n, _, _)| n == case)
            .expect("fixture exists");
        let go = verdicts[leaf][host].as_str().expect("Go verdict recorded");
        let mut args = vec!["--format", "json", "--kube-version", minor];
        args.extend(files.iter().map(String::as_str));
        let value = json(&speclint(dir, &args, None));
        let messages: Vec<&str> = value["diagnostics"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|d| VERDICT_RULES.iter().any(|r| d["rule"] == *r))
            // ca-bundle-empty also warns without a verdict; only Go's messages count here.
            .filter(|d| {
                d["message"].as_str().is_some_and(|m| {
                    m.starts_with("x509:") || m.starts_with("unable to") || m.starts_with("tls:")
                })
            })
            .map(|d| d["message"].as_str().unwrap())
            .collect();
        if go == "ok" {
            assert!(
                messages.is_empty(),
                "{minor} {case}: Go accepts, speclint says {messages:?}"
            );
        } else {
            assert!(
                !messages.is_empty(),
                "{minor} {case}: Go says {go:?}, speclint found nothing"
            );
            assert!(
                messages.iter().all(|m| *m == go),
                "{minor} {case}: Go says {go:?}, speclint {messages:?}"
            );
        }
    }
}

#[test]
fn no_output_prints_secret_material() {
    let fragments = secret_fragments();
    assert!(fragments.len() > 10);
    for (name, dir, files) in fixtures() {
        for format in ["human", "json"] {
            let mut args = vec!["--color", "always", "--format", format];
            args.extend(files.iter().map(String::as_str));
            let run = speclint(&dir, &args, None);
            for fragment in &fragments {
                assert!(
                    !run.stdout.contains(fragment.as_str())
                        && !run.stderr.contains(fragment.as_str()),
                    "{name} ({format}) prints secret material {fragment}"
                );
            }
        }
    }
}

#[test]
fn stdin_is_read_and_named() {
    let dir = testdata().join("cases/hostname-renamed-service");
    let input = std::fs::read(dir.join("input.yaml")).unwrap();
    let run = speclint(&dir, &["--format", "json"], Some(&input));
    assert_eq!(run.code, 1);
    assert_eq!(json(&run)["diagnostics"][0]["file"], "<stdin>");
    let dash = speclint(&dir, &["--format", "json", "-"], Some(&input));
    assert_eq!(dash.stdout, run.stdout);
}

#[test]
fn directories_and_globs_are_one_set_of_objects() {
    let dir = testdata().join("examples");
    let walked = speclint(&dir, &["--format", "json", "spark-operator-upgrade"], None);
    let globbed = speclint(&dir, &["--format", "json", "spark-*/*.yaml"], None);
    assert_eq!(walked.code, 1);
    assert_eq!(walked.stdout, globbed.stdout);
    let value = json(&walked);
    assert_eq!(value["summary"]["files"], 2);
}

#[test]
fn unreadable_paths_and_bad_usage_exit_2() {
    let dir = testdata();
    let missing = speclint(&dir, &["no-such-file.yaml"], None);
    assert_eq!(missing.code, 2);
    assert!(
        missing.stderr.contains("no-such-file.yaml"),
        "{}",
        missing.stderr
    );
    let empty_glob = speclint(&dir, &["nothing-here/*.yaml"], None);
    assert_eq!(empty_glob.code, 2);
    let bad_flag = speclint(&dir, &["--format", "yaml"], None);
    assert_eq!(bad_flag.code, 2);
}

#[test]
fn namespace_flag_places_objects_without_one() {
    let manifest =
        std::fs::read_to_string(testdata().join("cases/hostname-renamed-service/input.yaml"))
            .unwrap()
            .replace(
                "        namespace: webhooks\n",
                "        namespace: other\n",
            )
            .replace("\n  namespace: webhooks\n", "\n");
    let dir = testdata();
    let run = speclint(
        &dir,
        &["--format", "json", "-n", "other"],
        Some(manifest.as_bytes()),
    );
    let value = json(&run);
    let messages: Vec<&str> = value["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["message"].as_str().unwrap())
        .collect();
    assert!(
        messages
            .iter()
            .any(|m| m.ends_with("not demo-webhook.other.svc")),
        "{messages:?}"
    );
}

#[test]
fn positions_survive_crlf_and_a_bom() {
    let dir = testdata().join("cases/hostname-renamed-service");
    let lf = std::fs::read_to_string(dir.join("input.yaml")).unwrap();
    let crlf = format!("\u{feff}{}", lf.replace('\n', "\r\n"));
    let positions = |input: &str| {
        let value = json(&speclint(
            &dir,
            &["--format", "json"],
            Some(input.as_bytes()),
        ));
        let d = &value["diagnostics"][0];
        let labels: Vec<(u64, u64)> = d["labels"]
            .as_array()
            .unwrap()
            .iter()
            .map(|l| (l["line"].as_u64().unwrap(), l["column"].as_u64().unwrap()))
            .collect();
        (
            d["line"].as_u64().unwrap(),
            d["column"].as_u64().unwrap(),
            d["end_column"].as_u64().unwrap(),
            labels,
        )
    };
    let (line, column, end_column, labels) = positions(&lf);
    assert!(line > 1 && column > 1 && end_column > column);
    assert_eq!(positions(&crlf), (line, column, end_column, labels));
}

#[test]
fn colour_follows_the_flag() {
    let dir = testdata().join("cases/hostname-renamed-service");
    let always = speclint(&dir, &["--color", "always", "input.yaml"], None);
    assert!(always.stdout.contains('\u{1b}'));
    let never = speclint(&dir, &["--color", "never", "input.yaml"], None);
    assert!(!never.stdout.contains('\u{1b}'));
    // Not a terminal: `auto` stays plain.
    let auto = speclint(&dir, &["input.yaml"], None);
    assert!(!auto.stdout.contains('\u{1b}'));
}

#[test]
fn rendered_from_names_the_helm_template() {
    let dir = testdata().join("examples/spark-operator-upgrade");
    let run = speclint(
        &dir,
        &["--format", "json", "rendered.yaml", "cluster-state.yaml"],
        None,
    );
    let value = json(&run);
    let first = &value["diagnostics"][0];
    assert_eq!(first["rule"], "webhook-hostname");
    assert_eq!(
        first["template"],
        "spark-operator/templates/webhook/mutatingwebhookconfiguration.yaml"
    );
    assert_eq!(first["file"], "rendered.yaml");
    let label_files: Vec<&str> = first["labels"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| l["file"].as_str().unwrap())
        .collect();
    assert!(
        label_files.contains(&"cluster-state.yaml"),
        "{label_files:?}"
    );
    let help = first["help"].to_string();
    assert!(
        help.contains("kubectl delete secret spark-operator-webhook-certs -n default"),
        "{help}"
    );
}

#[test]
fn a_broken_secret_document_does_not_leak_its_values() {
    let input = "apiVersion: v1\nkind: Secret\nmetadata:\n  name: s\ndata:\n  tls.key: c3VwZXJzZWNyZXRrZXltYXRlcmlhbA==: oops\n  other: [\n";
    let run = speclint(&testdata(), &["--color", "never"], Some(input.as_bytes()));
    assert_eq!(run.code, 1);
    assert!(run.stdout.contains("invalid-yaml"), "{}", run.stdout);
    assert!(
        !run.stdout.contains("c3VwZXJzZWNyZXRrZXltYXRlcmlhbA"),
        "{}",
        run.stdout
    );
}

/// A Secret key set twice: the label on the first one shows its line, whose value the
/// model does not use; it is redacted as the used one is, in every format.
#[test]
fn secret_values_of_a_key_set_twice_are_not_printed() {
    let dir = testdata().join("cases/duplicate-key");
    let input = std::fs::read_to_string(dir.join("input.yaml")).unwrap();
    let values: Vec<&str> = input
        .lines()
        .filter_map(|l| {
            l.strip_prefix("  tls.crt: ")
                .or_else(|| l.strip_prefix("  tls.key: "))
        })
        .collect();
    assert_eq!(values.len(), 3);
    for format in ["human", "json", "concise", "github", "junit", "sarif"] {
        let run = speclint(&dir, &["--format", format, "input.yaml"], None);
        assert!(run.stdout.contains("duplicate-key"), "{format}");
        for value in &values {
            // Past the base64 of `-----BEGIN ...-----\nMII`, which every PEM shares, and
            // within what an excerpt shows of a long line.
            let inner = &value[42..56];
            assert!(
                !run.stdout.contains(inner) && !run.stderr.contains(inner),
                "{format} prints secret material {inner}"
            );
        }
    }
}

/// A selector with a key written twice selects as Kubernetes reads it: by the last value.
#[test]
fn a_selector_key_written_twice_selects_by_its_last_value() {
    let manifest = "apiVersion: v1\nkind: Service\nmetadata: {name: svc, namespace: ns}\nspec:\n  selector: {app: old, app: web}\n  ports: [{port: 443, targetPort: https}]\n---\napiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web, namespace: ns}\nspec:\n  selector: {matchLabels: {app: web}}\n  template:\n    metadata: {labels: {app: web}}\n    spec:\n      containers:\n        - name: c\n          image: x\n          ports: [{name: https, containerPort: 8443}]\n---\napiVersion: admissionregistration.k8s.io/v1\nkind: ValidatingWebhookConfiguration\nmetadata: {name: w}\nwebhooks:\n  - name: w.example.org\n    clientConfig:\n      service: {name: svc, namespace: ns}\n";
    let run = speclint(
        &testdata(),
        &["--format", "concise"],
        Some(manifest.as_bytes()),
    );
    assert!(
        run.stdout
            .contains("warning[duplicate-key] duplicate key `app`"),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout
            .contains("the pods behind the Service mount no Secret"),
        "the Deployment is selected: {}",
        run.stdout
    );
}

/// `--now` keeps its fraction of a second: the leaf of verdict-expiring-soon has notAfter
/// 2026-12-10T00:00:00Z, valid at that instant (Go's `now.After(NotAfter)`) and expired
/// one nanosecond later.
#[test]
fn now_keeps_fractions_of_a_second() {
    let dir = testdata().join("cases/verdict-expiring-soon");
    let rules_at = |now: &str| -> Vec<String> {
        let run = speclint(
            &dir,
            &["--format", "json", "--now", now, "input.yaml"],
            None,
        );
        json(&run)["diagnostics"]
            .as_array()
            .unwrap()
            .iter()
            .map(|d| format!("{}: {}", d["rule"], d["message"]))
            .collect()
    };
    let at_not_after = rules_at("2026-12-10T00:00:00Z");
    assert!(
        !at_not_after
            .iter()
            .any(|d| d.contains("certificate-expired")),
        "{at_not_after:?}"
    );
    for now in [
        "2026-12-10T00:00:00.000000001Z",
        "2026-12-10T01:00:00.005+01:00",
    ] {
        let later = rules_at(now);
        assert!(
            later.iter().any(|d| d.contains("certificate-expired")
                && d.contains("current time 2026-12-10T00:00:00Z is after 2026-12-10T00:00:00Z")),
            "{now}: {later:?}"
        );
    }
}

/// What was not checked is counted once per cause at the end of the human report; `-v`
/// prints the notes on each endpoint as well. Machine formats always carry every finding.
#[test]
fn not_checked_is_counted_by_cause_and_verbose_shows_the_notes() {
    let dir = testdata().join("cases/certificate-secret-not-in-inputs");
    let plain = speclint(&dir, &["--color", "never", "input.yaml"], None);
    assert!(
        !plain.stdout.contains("note[certificate-undetermined]"),
        "{}",
        plain.stdout
    );
    assert!(
        plain.stdout.contains(
            "endpoint not checked: their serving certificate cannot be determined: the Secret"
        ),
        "{}",
        plain.stdout
    );
    let verbose = speclint(&dir, &["--color", "never", "-v", "input.yaml"], None);
    assert!(
        verbose.stdout.contains("note[certificate-undetermined]"),
        "{}",
        verbose.stdout
    );
    assert!(verbose.stdout.contains("endpoint not checked"));
    let json = speclint(&dir, &["--format", "json", "input.yaml"], None);
    assert!(json.stdout.contains("\"certificate-undetermined\""));
}

#[test]
fn timings_go_to_stderr_and_leave_the_report_alone() {
    let dir = testdata().join("cases/hostname-renamed-service");
    let plain = speclint(&dir, &["--color", "never", "input.yaml"], None);
    let timed = speclint(&dir, &["--color", "never", "--timings", "input.yaml"], None);
    assert_eq!(plain.stdout, timed.stdout);
    assert_eq!(plain.code, timed.code);
    let stages: Vec<&str> = timed
        .stderr
        .lines()
        .filter_map(|l| l.strip_prefix("timings: "))
        .filter_map(|l| l.split_whitespace().next())
        .collect();
    assert_eq!(
        stages,
        vec![
            "stage", "read", "parse", "model", "resolve", "verify", "rules", "report", "total",
            "peak"
        ],
        "{}",
        timed.stderr
    );
    assert!(!plain.stderr.contains("timings:"));
}

/// `--kube-version` pins the release whose Go judges; `--kube-versions` the releases whose
/// verdicts must agree. The negative serial of this case is refused from Kubernetes 1.32
/// (testdata/cases/verdict-negative-serial/go-verdicts.txt, from judge.go there).
#[test]
fn kube_versions_choose_whose_verdict_counts() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("testdata/cases/verdict-negative-serial");
    let rules = |run: &Run| -> Vec<String> {
        let report: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
        report["diagnostics"]
            .as_array()
            .unwrap()
            .iter()
            .map(|d| d["rule"].as_str().unwrap().to_string())
            .collect()
    };
    let run = |extra: &[&str]| {
        let mut args = vec!["--format", "json"];
        args.extend_from_slice(extra);
        args.push("input.yaml");
        speclint(&dir, &args, None)
    };
    let old = run(&["--kube-version", "1.31"]);
    assert_eq!((old.code, rules(&old)), (0, vec![]), "{}", old.stderr);
    let new = run(&["--kube-version", "1.32"]);
    assert_eq!(
        (new.code, rules(&new)),
        (1, vec!["certificate-decode".to_string()])
    );
    let both_old = run(&["--kube-versions", "1.29..1.31"]);
    assert_eq!((both_old.code, rules(&both_old)), (0, vec![]));
    let across = run(&["--kube-versions", "1.31..1.32", "--kube-version", "1.31"]);
    assert_eq!(
        (across.code, rules(&across)),
        (0, vec!["version-dependent-verdict".to_string()])
    );
    let message = serde_json::from_str::<serde_json::Value>(&across.stdout).unwrap()["diagnostics"]
        [0]["message"]
        .as_str()
        .unwrap()
        .to_string();
    assert_eq!(
        message,
        "passes on Kubernetes 1.31 (Go 1.23.12 (go1.22 defaults)), fails on Kubernetes 1.32 (Go 1.24.13 (go1.23 defaults)): tls: failed to parse certificate from server: x509: negative serial number"
    );
    let unknown = run(&["--kube-version", "1.25"]);
    assert_eq!(unknown.code, 2);
    assert!(
        unknown
            .stderr
            .contains("Kubernetes 1.25 is not supported: use 1.26 to 1.37"),
        "{}",
        unknown.stderr
    );
    let backwards = run(&["--kube-versions", "1.33..1.30"]);
    assert_eq!(backwards.code, 2);
}
