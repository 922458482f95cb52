//! Suppression comments, the `speclint.io/ignore` annotation, `--require-reason` and baselines.

use std::path::Path;
use std::process::Command;

const BIN: &str = env!("CARGO_BIN_EXE_speclint");
const NOW: &str = "2026-11-27T00:00:00Z";
const HOSTNAME_LINE: &str =
    "        name: demo-webhook\n        namespace: webhooks\n        path: /validate";

fn base() -> String {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/testdata/cases/hostname-renamed-service/input.yaml"
    );
    let text = std::fs::read_to_string(path).unwrap();
    assert!(text.contains(HOSTNAME_LINE));
    text
}

struct Run {
    code: i32,
    rules: Vec<(String, String)>,
    stderr: String,
}

fn run(dir: &Path, input: &str, args: &[&str]) -> Run {
    std::fs::write(dir.join("input.yaml"), input).unwrap();
    let out = Command::new(BIN)
        .args(["--no-config", "--now", NOW, "--format", "json"])
        .args(args)
        .arg("input.yaml")
        .current_dir(dir)
        .output()
        .unwrap();
    let stdout = String::from_utf8(out.stdout).unwrap();
    let value: serde_json::Value =
        serde_json::from_str(&stdout).unwrap_or_else(|e| panic!("not JSON ({e}): {stdout}"));
    let rules = value["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            (
                d["rule"].as_str().unwrap().to_string(),
                d["message"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    Run {
        code: out.status.code().unwrap_or(-1),
        rules,
        stderr: String::from_utf8(out.stderr).unwrap(),
    }
}

fn ids(run: &Run) -> Vec<&str> {
    run.rules.iter().map(|(r, _)| r.as_str()).collect()
}

fn with_hostname_line(replacement: &str) -> String {
    base().replacen(
        HOSTNAME_LINE,
        &format!("{replacement}\n        namespace: webhooks\n        path: /validate"),
        1,
    )
}

#[test]
fn base_input_has_the_hostname_error() {
    let dir = tempfile::tempdir().unwrap();
    let r = run(dir.path(), &base(), &[]);
    assert_eq!(ids(&r), ["webhook-hostname"]);
    assert_eq!(r.code, 1);
}

#[test]
fn trailing_comment_suppresses() {
    let dir = tempfile::tempdir().unwrap();
    let input = with_hostname_line(
        "        name: demo-webhook # speclint-ignore: webhook-hostname -- reissued on install",
    );
    let r = run(dir.path(), &input, &[]);
    assert!(r.rules.is_empty(), "{:?}", r.rules);
    assert_eq!(r.code, 0, "{}", r.stderr);
}

#[test]
fn own_line_comment_suppresses_the_next_code_line() {
    let dir = tempfile::tempdir().unwrap();
    let input = with_hostname_line(
        "        # speclint-ignore: webhook-hostname -- reissued on install\n\n        # another comment\n        name: demo-webhook",
    );
    let r = run(dir.path(), &input, &[]);
    assert!(r.rules.is_empty(), "{:?}", r.rules);
    assert_eq!(r.code, 0);
}

#[test]
fn document_comment_suppresses_its_document_only() {
    let dir = tempfile::tempdir().unwrap();
    let input = base().replacen(
        "# Source: demo/templates/webhook.yaml",
        "# speclint-ignore-document: webhook-hostname -- reissued on install",
        1,
    );
    let r = run(dir.path(), &input, &[]);
    assert!(r.rules.is_empty(), "{:?}", r.rules);
    assert_eq!(r.code, 0);

    let input = base().replacen(
        "# Source: demo/templates/secret.yaml",
        "# speclint-ignore-document: webhook-hostname -- wrong document",
        1,
    );
    let r = run(dir.path(), &input, &[]);
    assert_eq!(ids(&r), ["unused-suppression", "webhook-hostname"]);
    assert_eq!(r.code, 1);
}

#[test]
fn annotation_suppresses_the_object() {
    let dir = tempfile::tempdir().unwrap();
    let input = base().replacen(
        "metadata:\n  name: demo-webhook\nwebhooks:",
        "metadata:\n  name: demo-webhook\n  annotations:\n    speclint.io/ignore: \"webhook-hostname\"\nwebhooks:",
        1,
    );
    assert_ne!(input, base());
    let r = run(dir.path(), &input, &[]);
    assert!(r.rules.is_empty(), "{:?}", r.rules);
    assert_eq!(r.code, 0);
}

#[test]
fn unused_and_unknown_suppressions_warn() {
    let dir = tempfile::tempdir().unwrap();
    let input = base().replacen(
        "kind: Service\n",
        "kind: Service # speclint-ignore: webhook-hostname, no-such-rule\n",
        1,
    );
    let r = run(dir.path(), &input, &[]);
    assert_eq!(
        ids(&r),
        [
            "unused-suppression",
            "unused-suppression",
            "webhook-hostname"
        ]
    );
    assert!(r.rules[0].1.contains("unused"), "{:?}", r.rules);
    assert!(r.rules[1].1.contains("unknown rule id `no-such-rule`"));
    assert_eq!(r.code, 1);
}

#[test]
fn require_reason() {
    let dir = tempfile::tempdir().unwrap();
    let bare = with_hostname_line("        name: demo-webhook # speclint-ignore: webhook-hostname");
    let r = run(dir.path(), &bare, &[]);
    assert!(r.rules.is_empty(), "{:?}", r.rules);
    assert_eq!(r.code, 0);
    let r = run(dir.path(), &bare, &["--require-reason"]);
    assert_eq!(ids(&r), ["suppression-without-reason"]);
    assert_eq!(r.code, 1);

    let reasoned = with_hostname_line(
        "        name: demo-webhook # speclint-ignore: webhook-hostname -- reissued on install",
    );
    let r = run(dir.path(), &reasoned, &["--require-reason"]);
    assert!(r.rules.is_empty(), "{:?}", r.rules);
    assert_eq!(r.code, 0);
}

#[test]
fn baseline_survives_reformatting() {
    let dir = tempfile::tempdir().unwrap();
    let r = run(dir.path(), &base(), &["--write-baseline", "baseline.json"]);
    assert_eq!(ids(&r), ["webhook-hostname"]);
    assert_eq!(r.code, 0, "--write-baseline exits 0");
    let baseline: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(dir.path().join("baseline.json")).unwrap())
            .unwrap();
    assert_eq!(baseline["version"], 2);
    assert_eq!(baseline["findings"][0]["rule"], "webhook-hostname");
    assert_eq!(
        baseline["findings"][0]["fingerprint"]
            .as_str()
            .unwrap()
            .len(),
        16
    );

    let reformatted = format!(
        "# a comment at the top\n\n\n{}",
        base().replace("\n---\n", "\n\n---\n\n")
    );
    let r = run(dir.path(), &reformatted, &["--baseline", "baseline.json"]);
    assert!(r.rules.is_empty(), "{:?}", r.rules);
    assert_eq!(r.code, 0);
}

#[test]
fn missing_baseline_file_is_a_usage_error() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("input.yaml"), base()).unwrap();
    let out = Command::new(BIN)
        .args([
            "--now",
            NOW,
            "--format",
            "json",
            "--baseline",
            "nope.json",
            "input.yaml",
        ])
        .current_dir(dir.path())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
}

fn run_at(dir: &Path, fixture: &str, now: &str, args: &[&str]) -> (i32, Vec<String>, String) {
    let input = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("testdata/cases")
        .join(fixture)
        .join("input.yaml");
    let out = Command::new(BIN)
        .args(["--no-config", "--format", "concise", "--now", now])
        .args(args)
        .arg(input)
        .current_dir(dir)
        .output()
        .unwrap();
    let findings = String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .filter_map(|l| l.split(' ').nth(1).map(str::to_string))
        .collect();
    (
        out.status.code().unwrap_or(-1),
        findings,
        String::from_utf8(out.stderr).unwrap(),
    )
}

#[test]
fn baseline_survives_time_passing() {
    let dir = tempfile::tempdir().unwrap();
    // "current time ... is after ..." and "expires on ..., in N days" change every run.
    for (fixture, finding) in [
        ("verdict-expired-leaf", "error[certificate-expired]"),
        ("verdict-expiring-soon", "warning[certificate-expiring]"),
    ] {
        let (_, found, _) = run_at(dir.path(), fixture, NOW, &["--write-baseline", "b.json"]);
        assert_eq!(found, vec![finding]);
        let (code, found, stderr) = run_at(
            dir.path(),
            fixture,
            "2026-12-01T00:00:01Z",
            &["--baseline", "b.json", "--fail-on", "warning"],
        );
        assert_eq!((code, found), (0, vec![]), "{fixture}: {stderr}");
        assert_eq!(
            stderr,
            "checked 1 file, 4 objects, 1 webhook endpoint: no problems\n\
             note: the baseline hid 1 known finding\n"
        );
    }
}

#[test]
fn baseline_counts_findings_and_rewriting_it_keeps_them() {
    let dir = tempfile::tempdir().unwrap();
    // One webhook-hostname finding recorded; a second webhook with the same fault is new.
    run(dir.path(), &base(), &["--write-baseline", "b.json"]);
    let text = base();
    let start = text
        .find("  - name: validate.demo.example.org")
        .expect("the webhook");
    let webhook = &text[start..];
    let twice = format!(
        "{text}{}",
        webhook.replacen("validate.demo.example.org", "validate2.demo.example.org", 1)
    );
    let r = run(dir.path(), &twice, &["--baseline", "b.json"]);
    assert_eq!(ids(&r), ["webhook-hostname"], "the second one is new");
    assert_eq!(r.code, 1);

    // --baseline with --write-baseline to the same file records every current finding.
    let r = run(
        dir.path(),
        &twice,
        &["--baseline", "b.json", "--write-baseline", "b.json"],
    );
    assert_eq!(r.code, 0);
    let written: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(dir.path().join("b.json")).unwrap()).unwrap();
    assert_eq!(written["findings"].as_array().unwrap().len(), 2);
    let r = run(dir.path(), &base(), &["--baseline", "b.json"]);
    assert_eq!((r.code, r.rules.len()), (0, 0));
    assert_eq!(
        r.stderr,
        "checked 1 file, 4 objects, 1 webhook endpoint: no problems\n\
         note: the baseline hid 1 known finding; 1 of its findings no longer occur (--write-baseline records the current ones)\n"
    );
}

#[test]
fn a_hash_inside_a_string_is_not_a_suppression() {
    let dir = tempfile::tempdir().unwrap();
    for (what, annotation) in [
        (
            "block scalar",
            "  annotations:\n    note: |\n      # speclint-ignore-document: webhook-hostname -- like this\n",
        ),
        (
            "single-quoted",
            "  annotations:\n    note: 'x # speclint-ignore-document: webhook-hostname'\n",
        ),
        (
            "multi-line double-quoted",
            "  annotations:\n    note: \"x\n      # speclint-ignore-document: webhook-hostname\"\n",
        ),
    ] {
        let input = base().replacen(
            "kind: ValidatingWebhookConfiguration\nmetadata:\n",
            &format!("kind: ValidatingWebhookConfiguration\nmetadata:\n{annotation}"),
            1,
        );
        assert!(input.contains("note:"), "{what}: the fixture changed");
        let r = run(dir.path(), &input, &[]);
        assert_eq!(ids(&r), ["webhook-hostname"], "{what}");
    }
    // JSON has no comments at all.
    let json = r##"{"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "x"}, "data": {"a": "b # speclint-ignore: weak-key"}}"##;
    let r = run(dir.path(), json, &[]);
    assert!(r.rules.is_empty(), "{:?}", r.rules);
}

#[test]
fn a_comment_covers_the_whole_next_node() {
    let dir = tempfile::tempdir().unwrap();
    // Above the webhook's list item: the finding five lines below, on clientConfig, is covered.
    let input = base().replacen(
        "  - name: validate.demo.example.org",
        "  # speclint-ignore: webhook-hostname -- the Service is renamed in the next release\n  - name: validate.demo.example.org",
        1,
    );
    let r = run(dir.path(), &input, &[]);
    assert!(r.rules.is_empty(), "{:?}", r.rules);
    // Trailing a key whose value is a mapping: the mapping is covered.
    let input = base().replacen(
        "    clientConfig:\n",
        "    clientConfig: # speclint-ignore: webhook-hostname -- same\n",
        1,
    );
    assert!(input.contains("clientConfig: # speclint-ignore"));
    let r = run(dir.path(), &input, &[]);
    assert!(r.rules.is_empty(), "{:?}", r.rules);
    // The node after the comment only: the next list item is not covered.
    let input = base().replacen(
        "  - name: validate.demo.example.org",
        "  # speclint-ignore: webhook-hostname -- not this one\n  - name: other.demo.example.org\n    clientConfig: {url: \"https://example.org\"}\n    admissionReviewVersions: [v1]\n    sideEffects: None\n  - name: validate.demo.example.org",
        1,
    );
    let r = run(dir.path(), &input, &[]);
    assert!(ids(&r).contains(&"webhook-hostname"), "{:?}", r.rules);
}

/// Webhooks of one configuration failing for one cause are one finding; its fingerprint
/// names no count, so a baseline keeps hiding it when a webhook joins, and the object's
/// suppression annotation silences all of them.
#[test]
fn one_finding_per_cause_keeps_baselines_and_suppressions() {
    let webhook = |name: &str| {
        format!("- name: {name}.example.com\n  admissionReviewVersions: [v1]\n  sideEffects: None\n  clientConfig:\n    service: {{name: hooks, namespace: hooks}}\n")
    };
    let input = |names: &[&str], annotation: &str| {
        let mut text = format!("apiVersion: v1\nkind: Service\nmetadata: {{name: hooks, namespace: hooks}}\nspec: {{selector: {{app: hooks}}, ports: [{{port: 443, targetPort: 8443}}]}}\n---\napiVersion: apps/v1\nkind: Deployment\nmetadata: {{name: hooks, namespace: hooks}}\nspec:\n  selector: {{matchLabels: {{app: hooks}}}}\n  template:\n    metadata: {{labels: {{app: hooks}}}}\n    spec:\n      containers:\n      - {{name: server, image: example.com/hooks:v1, ports: [{{containerPort: 8443}}]}}\n---\napiVersion: admissionregistration.k8s.io/v1\nkind: ValidatingWebhookConfiguration\nmetadata:\n  name: hooks\n{annotation}webhooks:\n");
        for name in names {
            text.push_str(&webhook(name));
        }
        text
    };
    let dir = tempfile::tempdir().unwrap();
    let two = run(dir.path(), &input(&["a", "b"], ""), &[]);
    let empty: Vec<&(String, String)> = two
        .rules
        .iter()
        .filter(|(rule, _)| rule == "ca-bundle-empty")
        .collect();
    assert_eq!(
        empty.len(),
        1,
        "one finding for both webhooks: {:?}",
        two.rules
    );
    run(
        dir.path(),
        &input(&["a", "b"], ""),
        &["--write-baseline", "baseline.json"],
    );
    let three = run(
        dir.path(),
        &input(&["a", "b", "c"], ""),
        &["--baseline", "baseline.json"],
    );
    assert!(
        three
            .rules
            .iter()
            .all(|(rule, _)| rule != "ca-bundle-empty"),
        "a third webhook with the same cause stays baselined: {:?}",
        three.rules
    );
    let suppressed = run(
        dir.path(),
        &input(
            &["a", "b", "c"],
            "  annotations:\n    speclint.io/ignore: ca-bundle-empty -- filled by our operator\n",
        ),
        &[],
    );
    assert!(
        suppressed
            .rules
            .iter()
            .all(|(rule, _)| rule != "ca-bundle-empty"),
        "{:?}",
        suppressed.rules
    );
}
