//! `.speclint.yaml`: discovery, precedence (defaults < file < command line), rule selection,
//! severities and options, excludes, and errors in the file reported with spans.

use std::path::Path;
use std::process::{Command, Stdio};

const BIN: &str = env!("CARGO_BIN_EXE_speclint");
const NOW: &str = "2026-11-27T00:00:00Z";

struct Run {
    code: i32,
    /// `--format concise` lines: `file:line:col: severity[rule] message`.
    lines: Vec<String>,
    stderr: String,
}

impl Run {
    /// `severity[rule]` of every finding.
    fn findings(&self) -> Vec<String> {
        self.lines
            .iter()
            .filter_map(|l| l.split(' ').nth(1).map(str::to_string))
            .collect()
    }
}

fn speclint(cwd: &Path, args: &[&str]) -> Run {
    let out = Command::new(BIN)
        .args(["--format", "concise"])
        .args(args)
        .current_dir(cwd)
        .stdin(Stdio::null())
        .env("NO_COLOR", "1")
        .output()
        .expect("speclint runs");
    let stdout = String::from_utf8(out.stdout).unwrap();
    Run {
        code: out.status.code().unwrap_or(-1),
        lines: stdout
            .lines()
            .filter(|l| !l.is_empty() && !l.starts_with("Found") && !l.starts_with("No "))
            .filter(|l| l.contains(": "))
            .map(str::to_string)
            .collect(),
        stderr: String::from_utf8(out.stderr).unwrap(),
    }
}

fn case(name: &str) -> String {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("testdata/cases")
        .join(name)
        .join("input.yaml");
    std::fs::read_to_string(path).unwrap()
}

/// A project folder: `manifests/input.yaml` holds the fixture, `.speclint.yaml` the config.
fn project(fixture: &str, config: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(dir.path().join("manifests")).unwrap();
    std::fs::write(dir.path().join("manifests/input.yaml"), case(fixture)).unwrap();
    if !config.is_empty() {
        std::fs::write(dir.path().join(".speclint.yaml"), config).unwrap();
    }
    dir
}

#[test]
fn discovered_by_walking_up_from_the_working_directory() {
    let dir = project("verdict-rsa-1024", "disable: [weak-key]\n");
    let nested = dir.path().join("manifests");
    // From the project root, from a folder below it, and not with --no-config.
    let root = speclint(dir.path(), &["--now", NOW, "manifests"]);
    assert_eq!(root.findings(), Vec::<String>::new(), "{}", root.stderr);
    let below = speclint(&nested, &["--now", NOW, "input.yaml"]);
    assert_eq!(below.findings(), Vec::<String>::new());
    let ignored = speclint(&nested, &["--now", NOW, "--no-config", "input.yaml"]);
    assert_eq!(ignored.findings(), vec!["warning[weak-key]"]);
}

#[test]
fn config_flag_names_another_file_instead_of_the_discovered_one() {
    let dir = project("verdict-rsa-1024", "disable: [weak-key]\n");
    std::fs::write(
        dir.path().join("strict.yaml"),
        "rules:\n  weak-key:\n    severity: error\n",
    )
    .unwrap();
    let run = speclint(
        dir.path(),
        &["--now", NOW, "--config", "strict.yaml", "manifests"],
    );
    assert_eq!(run.findings(), vec!["error[weak-key]"]);
    assert_eq!(run.code, 1);
    let missing = speclint(dir.path(), &["--config", "nope.yaml", "manifests"]);
    assert_eq!(missing.code, 2);
    assert!(
        missing.stderr.contains("cannot read nope.yaml"),
        "{}",
        missing.stderr
    );
    let both = speclint(
        dir.path(),
        &["--config", "strict.yaml", "--no-config", "manifests"],
    );
    assert_eq!(both.code, 2, "--config and --no-config conflict");
}

#[test]
fn namespace_comes_from_the_flag_then_the_file_then_default() {
    // The fixture's objects lose their namespace; the webhook still calls namespace webhooks.
    let text = case("hostname-ok").replace("\n  namespace: webhooks\n", "\n");
    assert!(
        text.contains("namespace: webhooks"),
        "clientConfig keeps it"
    );
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("input.yaml"), &text).unwrap();
    let default = speclint(dir.path(), &["--now", NOW, "input.yaml"]);
    assert!(
        default
            .findings()
            .contains(&"warning[webhook-service-missing]".to_string()),
        "objects land in `default`: {:?}",
        default.lines
    );
    std::fs::write(dir.path().join(".speclint.yaml"), "namespace: webhooks\n").unwrap();
    let from_file = speclint(dir.path(), &["--now", NOW, "input.yaml"]);
    assert_eq!(from_file.findings(), Vec::<String>::new());
    let flag = speclint(dir.path(), &["--now", NOW, "-n", "other", "input.yaml"]);
    assert_eq!(flag.findings(), default.findings(), "-n wins over the file");
}

#[test]
fn now_and_min_validity_from_the_file_and_the_flags() {
    // The serving certificate expires on 2026-12-10T00:00:00Z.
    let dir = project("verdict-expiring-soon", "now: 2026-11-01T00:00:00Z\n");
    let at_file_time = speclint(dir.path(), &["manifests"]);
    assert_eq!(
        at_file_time.findings(),
        Vec::<String>::new(),
        "39 days left"
    );
    let at_flag_time = speclint(dir.path(), &["--now", NOW, "manifests"]);
    assert_eq!(
        at_flag_time.findings(),
        vec!["warning[certificate-expiring]"]
    );
    let later = speclint(dir.path(), &["--now", "2027-01-01T00:00:00Z", "manifests"]);
    assert_eq!(later.findings(), vec!["error[certificate-expired]"]);

    // min-validity: the rule's own option wins over the file's, the flag over both.
    std::fs::write(
        dir.path().join(".speclint.yaml"),
        "now: 2026-11-01T00:00:00Z\nmin-validity: 10d\nrules:\n  certificate-expiring:\n    min-validity: 60d\n",
    )
    .unwrap();
    let rule_option = speclint(dir.path(), &["manifests"]);
    assert_eq!(
        rule_option.findings(),
        vec!["warning[certificate-expiring]"]
    );
    std::fs::write(
        dir.path().join(".speclint.yaml"),
        "now: 2026-11-01T00:00:00Z\nmin-validity: 60d\n",
    )
    .unwrap();
    let file_value = speclint(dir.path(), &["manifests"]);
    assert_eq!(file_value.findings(), vec!["warning[certificate-expiring]"]);
    std::fs::write(
        dir.path().join(".speclint.yaml"),
        "now: 2026-11-01T00:00:00Z\nrules:\n  certificate-expiring:\n    min-validity: 60d\n",
    )
    .unwrap();
    let flag = speclint(dir.path(), &["--min-validity", "10d", "manifests"]);
    assert_eq!(flag.findings(), Vec::<String>::new(), "the flag wins");
}

#[test]
fn enable_and_disable_layers() {
    let dir = project(
        "verdict-rsa-1024",
        "disable: [all]\nenable: [webhook-hostname]\n",
    );
    let only_hostname = speclint(dir.path(), &["--now", NOW, "manifests"]);
    assert_eq!(only_hostname.findings(), Vec::<String>::new());
    let enabled = speclint(
        dir.path(),
        &["--now", NOW, "--enable", "weak-key", "manifests"],
    );
    assert_eq!(enabled.findings(), vec!["warning[weak-key]"]);

    std::fs::write(dir.path().join(".speclint.yaml"), "enable: [weak-key]\n").unwrap();
    let disabled = speclint(
        dir.path(),
        &[
            "--now",
            NOW,
            "--disable",
            "weak-key, version-dependent-verdict",
            "manifests",
        ],
    );
    assert_eq!(disabled.findings(), Vec::<String>::new());
    let unknown = speclint(dir.path(), &["--disable", "weak-kye", "manifests"]);
    assert_eq!(unknown.code, 2);
    assert!(
        unknown
            .stderr
            .contains("unknown rule `weak-kye`; did you mean `weak-key`?"),
        "{}",
        unknown.stderr
    );
}

#[test]
fn severity_overrides_and_fail_on() {
    let dir = project(
        "verdict-rsa-1024",
        "rules:\n  weak-key:\n    severity: error\n",
    );
    let raised = speclint(dir.path(), &["--now", NOW, "manifests"]);
    assert_eq!(
        (raised.code, raised.findings()),
        (1, vec!["error[weak-key]".to_string()])
    );

    std::fs::write(dir.path().join(".speclint.yaml"), "fail-on: warning\n").unwrap();
    let warning_fails = speclint(dir.path(), &["--now", NOW, "manifests"]);
    assert_eq!(
        (warning_fails.code, warning_fails.findings()),
        (1, vec!["warning[weak-key]".to_string()])
    );
    // --quiet stays quiet only when nothing fails at the --fail-on level.
    let quiet = speclint(dir.path(), &["--now", NOW, "--quiet", "manifests"]);
    assert_eq!(
        (quiet.code, quiet.findings()),
        (1, vec!["warning[weak-key]".to_string()])
    );
    let flag = speclint(
        dir.path(),
        &["--now", NOW, "--fail-on", "error", "manifests"],
    );
    assert_eq!(flag.code, 0, "--fail-on wins over the file");
    let quiet = speclint(
        dir.path(),
        &["--now", NOW, "--fail-on", "error", "--quiet", "manifests"],
    );
    assert_eq!((quiet.code, quiet.lines.len()), (0, 0));
    let note = speclint(
        dir.path(),
        &[
            "--now",
            NOW,
            "--no-config",
            "--fail-on",
            "note",
            "manifests",
        ],
    );
    assert_eq!(note.code, 1);

    // weak-key's threshold is a per-rule option: at 1024 bits, a 1024-bit key passes.
    let dir = project(
        "verdict-rsa-1024",
        "rules:\n  weak-key:\n    min-rsa-bits: 1024\n",
    );
    let loose = speclint(dir.path(), &["--now", NOW, "manifests"]);
    assert_eq!(loose.findings(), Vec::<String>::new());
    std::fs::write(
        dir.path().join(".speclint.yaml"),
        "rules:\n  weak-key:\n    min-rsa-bits: 1025\n",
    )
    .unwrap();
    let strict = speclint(dir.path(), &["--now", NOW, "manifests"]);
    assert_eq!(strict.findings(), vec!["warning[weak-key]"]);
}

#[test]
fn excludes_are_relative_to_the_config_file() {
    let dir = project(
        "hostname-renamed-service",
        "exclude: [manifests/generated]\n",
    );
    std::fs::create_dir_all(dir.path().join("manifests/generated")).unwrap();
    std::fs::rename(
        dir.path().join("manifests/input.yaml"),
        dir.path().join("manifests/generated/input.yaml"),
    )
    .unwrap();
    std::fs::write(dir.path().join("manifests/empty.yaml"), "# nothing\n").unwrap();
    let nested = dir.path().join("manifests");
    let excluded = speclint(&nested, &["--now", NOW, "."]);
    assert_eq!((excluded.code, excluded.findings()), (0, vec![]));
    let not_excluded = speclint(&nested, &["--now", NOW, "--no-config", "."]);
    assert_eq!(not_excluded.code, 1);
    // --exclude adds patterns relative to the working directory.
    let flag = speclint(
        &nested,
        &["--now", NOW, "--no-config", "--exclude", "generated", "."],
    );
    assert_eq!(flag.code, 0);
}

#[test]
fn require_reason_and_suppressions_of_disabled_rules() {
    let text = case("verdict-rsa-1024").replacen(
        "kind: Secret\n",
        "kind: Secret # speclint-ignore-document: weak-key, version-dependent-verdict\n",
        1,
    );
    assert!(text.contains("speclint-ignore-document"));
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("input.yaml"), &text).unwrap();
    std::fs::write(dir.path().join(".speclint.yaml"), "require-reason: true\n").unwrap();
    let run = speclint(dir.path(), &["--now", NOW, "input.yaml"]);
    assert!(
        run.findings()
            .contains(&"error[suppression-without-reason]".to_string()),
        "{:?}",
        run.lines
    );
    // version-dependent-verdict has nothing to suppress here; once disabled, that is not reported.
    assert!(run
        .findings()
        .contains(&"warning[unused-suppression]".to_string()));
    std::fs::write(
        dir.path().join(".speclint.yaml"),
        "disable: [version-dependent-verdict]\n",
    )
    .unwrap();
    let run = speclint(dir.path(), &["--now", NOW, "input.yaml"]);
    assert_eq!(run.findings(), Vec::<String>::new(), "{:?}", run.lines);
}

#[test]
fn a_broken_configuration_is_reported_with_spans_and_exits_2() {
    let dir = project(
        "hostname-ok",
        "namespace: webhooks\ndisable: [weak-kee]\nrules:\n  certificate-expiring:\n    min-validty: 60d\nfail-on: fatal\n",
    );
    // Reported like findings, in the format asked for; the manifests are not checked.
    let run = speclint(dir.path(), &["--now", NOW, "manifests"]);
    assert_eq!(run.code, 2);
    assert_eq!(
        run.lines,
        vec![
            ".speclint.yaml:2:11: error[invalid-config] unknown rule `weak-kee`",
            ".speclint.yaml:5:5: error[invalid-config] unknown key `min-validty` in rule `certificate-expiring`",
            ".speclint.yaml:6:10: error[invalid-config] unknown severity `fatal`",
        ]
    );
    assert!(
        run.stderr
            .contains("error: the configuration .speclint.yaml is invalid; nothing was checked"),
        "{}",
        run.stderr
    );
    let human = Command::new(BIN)
        .args(["--now", NOW, "--color", "never", "manifests"])
        .current_dir(dir.path())
        .output()
        .unwrap();
    assert_eq!(human.status.code(), Some(2));
    insta::assert_snapshot!(String::from_utf8(human.stdout).unwrap());
    let github = Command::new(BIN)
        .args(["--format", "github", "manifests"])
        .current_dir(dir.path())
        .output()
        .unwrap();
    let annotations = String::from_utf8(github.stdout).unwrap();
    assert!(
        annotations.starts_with("::error file=.speclint.yaml,line=2,col=11,"),
        "{annotations}"
    );
}

#[test]
fn webhook_safety_options_tune_their_rules() {
    let run = |config: &str, fixture: &str| {
        let dir = project(fixture, config);
        speclint(dir.path(), &["--now", NOW, "manifests"])
    };
    let rule = |run: &Run, id: &str| -> Vec<String> {
        run.findings()
            .into_iter()
            .filter(|f| f.contains(&format!("[{id}]")))
            .collect()
    };
    // The lease limit: 3s by default, so a 3s lease webhook is fine until the limit is 2s.
    let safe = run("", "webhook-timeout-safe");
    assert_eq!(rule(&safe, "webhook-timeout"), Vec::<String>::new());
    let strict = run(
        "rules:\n  webhook-timeout:\n    lease-timeout: 2\n    max-timeout: 10\n",
        "webhook-timeout-safe",
    );
    assert_eq!(
        rule(&strict, "webhook-timeout"),
        vec!["warning[webhook-timeout]", "warning[webhook-timeout]"]
    );
    // The request deadline: 40s of timeouts pass at 41s.
    let loose = run(
        "rules:\n  webhook-timeout-total:\n    request-deadline: 41\n",
        "webhook-timeout-total",
    );
    assert_eq!(rule(&loose, "webhook-timeout-total"), Vec::<String>::new());
    let tight = run(
        "rules:\n  webhook-timeout-total:\n    request-deadline: 20\n",
        "webhook-timeout-total-safe",
    );
    assert_eq!(
        rule(&tight, "webhook-timeout-total"),
        vec!["warning[webhook-timeout-total]"]
    );
    // System namespaces: the policy webhook's own namespace may be declared one.
    let own = run(
        "rules:\n  webhook-system-resources:\n    system-namespaces: [kube-system, team-a]\n",
        "webhook-system-resources-safe",
    );
    // Both webhooks write there: the policy on deployments, the other on configmaps.
    assert_eq!(
        rule(&own, "webhook-system-resources"),
        vec![
            "warning[webhook-system-resources]",
            "warning[webhook-system-resources]"
        ]
    );
    // Out of range: reported against the file, exit 2.
    let broken = run(
        "rules:\n  webhook-timeout-total:\n    request-deadline: 0\n",
        "webhook-timeout-total",
    );
    assert_eq!(broken.code, 2, "{}", broken.stderr);
    let reported = broken.lines.join("\n");
    assert!(
        reported.contains("`request-deadline` must be a number of seconds from 1 to 60"),
        "{reported}"
    );
}
