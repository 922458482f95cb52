//! Manifests as an attacker would write them in a pull request: names that carry GitHub
//! workflow commands, terminal escapes and bidi overrides; a file named with a newline;
//! Secrets written on one long line with their data repeated in annotations. Every output
//! format, with colour and without, on stdout and through `-o`, must show such text and
//! never emit it, and must never show a byte of a Secret's data.

mod common;

use common::testdata;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

const NOW: &str = "2026-11-27T00:00:00Z";
const FORMATS: [&str; 7] = [
    "human", "concise", "json", "github", "junit", "sarif", "markdown",
];

fn speclint(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_speclint"))
        .current_dir(dir)
        .args(["--no-config", "--now", NOW])
        .args(args)
        .env_remove("NO_COLOR")
        .env_remove("CI")
        .output()
        .unwrap()
}

/// Every way a report reaches a reader: each format on stdout with colour forced on and
/// off, and each format written with `-o`. Returns (description, stdout or file, stderr).
fn every_output(dir: &Path, inputs: &[&str]) -> Vec<(String, Vec<u8>, Vec<u8>)> {
    let scratch = tempfile::tempdir().unwrap();
    let mut outputs = Vec::new();
    for format in FORMATS {
        for color in ["always", "never"] {
            let mut args = vec!["--format", format, "--color", color];
            args.extend(inputs);
            let run = speclint(dir, &args);
            assert_eq!(run.status.code(), Some(1), "{format}: {run:?}");
            outputs.push((format!("{format} --color {color}"), run.stdout, run.stderr));
        }
        let file = scratch.path().join(format!("report.{format}"));
        let mut args = vec!["--format", format, "-o", file.to_str().unwrap()];
        args.extend(inputs);
        let run = speclint(dir, &args);
        assert_eq!(run.status.code(), Some(1), "{format} -o: {run:?}");
        outputs.push((
            format!("{format} -o"),
            std::fs::read(&file).unwrap(),
            run.stderr,
        ));
    }
    outputs
}

/// No control byte but newline and tab; ESC only in the SGR colour codes speclint writes;
/// no raw C1 control, bidi control or Unicode line separator.
fn assert_no_hidden_characters(what: &str, bytes: &[u8]) {
    let mut at = 0;
    while at < bytes.len() {
        let b = bytes[at];
        if b == 0x1b {
            let sgr = bytes[at + 1..].strip_prefix(b"[").and_then(|rest| {
                let digits = rest
                    .iter()
                    .take_while(|b| b.is_ascii_digit() || **b == b';')
                    .count();
                (rest.get(digits) == Some(&b'm')).then_some(digits + 2)
            });
            let Some(length) = sgr else {
                panic!(
                    "{what}: ESC not starting a colour code at byte {at}: {:?}",
                    context(bytes, at)
                );
            };
            at += 1 + length;
            continue;
        }
        assert!(
            b >= 0x20 || b == b'\n' || b == b'\t',
            "{what}: control byte {b:#04x} at {at}: {:?}",
            context(bytes, at)
        );
        at += 1;
    }
    let text = String::from_utf8_lossy(bytes);
    for c in text.chars() {
        let hidden = ('\u{80}'..='\u{9f}').contains(&c)
            || ('\u{202a}'..='\u{202e}').contains(&c)
            || ('\u{2066}'..='\u{2069}').contains(&c)
            || matches!(
                c,
                '\u{7f}' | '\u{2028}' | '\u{2029}' | '\u{200e}' | '\u{200f}'
            );
        assert!(!hidden, "{what}: raw {c:?} in the output");
    }
}

fn context(bytes: &[u8], at: usize) -> String {
    String::from_utf8_lossy(&bytes[at.saturating_sub(40)..(at + 40).min(bytes.len())]).into_owned()
}

/// A line that GitHub Actions would read as a workflow command must be one of the
/// `github` format's own annotations, one per finding.
fn assert_no_injected_workflow_commands(what: &str, bytes: &[u8], findings: usize) {
    let text = String::from_utf8_lossy(bytes);
    let commands: Vec<&str> = text
        .lines()
        .filter(|line| line.trim_start().starts_with("::"))
        .collect();
    if what.starts_with("github") {
        assert_eq!(commands.len(), findings, "{what}: {commands:#?}");
        for line in commands {
            assert!(
                ["::error file=", "::warning file=", "::notice file="]
                    .iter()
                    .any(|p| line.starts_with(p)),
                "{what}: {line}"
            );
        }
    } else {
        assert!(commands.is_empty(), "{what}: {commands:#?}");
    }
}

fn findings(dir: &Path, inputs: &[&str]) -> serde_json::Value {
    let mut args = vec!["--format", "json"];
    args.extend(inputs);
    let run = speclint(dir, &args);
    serde_json::from_slice(&run.stdout).unwrap()
}

const HOSTILE: &str = "\n::error file=pwned.yaml,line=1::owned\u{1b}[2J\u{1b}[H\u{1b}]0;title\u{7}\u{202e}evil\u{85}\u{2028}";

fn names_dir() -> PathBuf {
    testdata().join("hostile/names")
}

#[test]
fn hostile_names_are_shown_never_emitted_in_every_format() {
    let dir = names_dir();
    let json = findings(&dir, &["input.yaml"]);
    let count = json["diagnostics"].as_array().unwrap().len();
    assert!(count >= 1, "{json}");
    // JSON keeps the data exact (escaped), so a program reading it sees the real name.
    let message = json["diagnostics"][0]["message"].as_str().unwrap();
    assert!(message.contains(HOSTILE), "{message:?}");

    for (what, stdout, stderr) in every_output(&dir, &["input.yaml"]) {
        assert_no_hidden_characters(&what, &stdout);
        assert_no_hidden_characters(&format!("{what} (stderr)"), &stderr);
        assert_no_injected_workflow_commands(&what, &stdout, count);
        assert_no_injected_workflow_commands(&format!("{what} (stderr)"), &stderr, 0);
        let text = String::from_utf8_lossy(&stdout);
        if !what.starts_with("json") && !what.starts_with("sarif") {
            assert!(
                text.contains("\u{240a}::error file=pwned.yaml"),
                "{what}: {text}"
            );
        }
    }
}

#[test]
fn help_puts_no_impossible_name_into_a_command() {
    let run = speclint(&names_dir(), &["--format", "human", "input.yaml"]);
    let text = String::from_utf8(run.stdout).unwrap();
    assert!(
        text.contains("delete it so it is issued again for"),
        "{text}"
    );
    assert!(!text.contains("kubectl"), "{text}");
}

#[test]
fn a_file_named_with_a_newline_and_escapes_is_shown_never_emitted() {
    let dir = tempfile::tempdir().unwrap();
    let name = "evil\n::warning file=x::y\u{1b}[2J\u{202e}.yaml";
    std::fs::copy(
        testdata().join("cases/hostname-renamed-service/input.yaml"),
        dir.path().join(name),
    )
    .unwrap();
    let count = findings(dir.path(), &["."])["diagnostics"]
        .as_array()
        .unwrap()
        .len();
    assert!(count >= 1);
    for (what, stdout, stderr) in every_output(dir.path(), &["."]) {
        assert_no_hidden_characters(&what, &stdout);
        assert_no_hidden_characters(&format!("{what} (stderr)"), &stderr);
        assert_no_injected_workflow_commands(&what, &stdout, count);
        assert_no_injected_workflow_commands(&format!("{what} (stderr)"), &stderr, 0);
    }
}

/// Pieces of every Secret value in testdata/hostile/one-line-secret, as they are written
/// there (base64) and decoded.
fn one_line_secret_fragments() -> Vec<String> {
    let live: serde_json::Value = serde_json::from_slice(
        &std::fs::read(testdata().join("hostile/one-line-secret/live.json")).unwrap(),
    )
    .unwrap();
    let mut fragments = vec!["CANARY".to_string(), "hunter2".to_string()];
    for key in ["tls.crt", "tls.key"] {
        let value = live["data"][key].as_str().unwrap();
        // Every 12 characters past the PEM header's base64, which all certificates share.
        fragments.extend((40..value.len() - 12).map(|i| value[i..i + 12].to_string()));
    }
    fragments
}

fn assert_shows_no_secret(what: &str, bytes: &[u8], fragments: &[String]) {
    let text = String::from_utf8_lossy(bytes);
    for fragment in fragments {
        assert!(
            !text.contains(fragment.as_str()),
            "{what} shows {fragment:?}:\n{text}"
        );
    }
}

#[test]
fn a_one_line_secret_and_its_last_applied_copy_show_no_value_in_any_output() {
    let dir = testdata().join("hostile/one-line-secret");
    let fragments = one_line_secret_fragments();
    let inputs = ["app.yaml", "live.json"];
    let json = findings(&dir, &inputs);
    assert!(
        json["diagnostics"]
            .as_array()
            .unwrap()
            .iter()
            .any(|d| d["rule"] == "webhook-hostname"),
        "{json}"
    );
    for (what, stdout, stderr) in every_output(&dir, &inputs) {
        assert_shows_no_secret(&what, &stdout, &fragments);
        assert_shows_no_secret(&what, &stderr, &fragments);
    }
    // The label on tls.crt sits between the data and the annotation repeating it.
    let human = speclint(&dir, &["--format", "human", "app.yaml", "live.json"]);
    let text = String::from_utf8(human.stdout).unwrap();
    assert!(
        text.contains(r#"{"tls.crt":<redacted>,"tls.key":<redacted>},"kind":"Secret""#),
        "{text}"
    );

    let scratch = tempfile::tempdir().unwrap();
    let baseline = scratch.path().join("baseline.json");
    let baseline = baseline.to_str().unwrap();
    let written = speclint(
        &dir,
        &["--write-baseline", baseline, "app.yaml", "live.json"],
    );
    assert_shows_no_secret("--write-baseline stdout", &written.stdout, &fragments);
    assert_shows_no_secret("--write-baseline stderr", &written.stderr, &fragments);
    assert_shows_no_secret(
        "the baseline",
        &std::fs::read(baseline).unwrap(),
        &fragments,
    );
    let stats = speclint(
        &dir,
        &[
            "--statistics",
            "--baseline",
            baseline,
            "app.yaml",
            "live.json",
        ],
    );
    assert_shows_no_secret("--baseline", &stats.stdout, &fragments);
    assert_shows_no_secret("--baseline stderr", &stats.stderr, &fragments);
}

/// A Secret whose whole document is one line far longer than an excerpt, with a finding
/// on the same line: the excerpt is cut around the label and masks every value.
#[test]
fn long_lines_are_cut_around_the_label_and_masked() {
    let dir = tempfile::tempdir().unwrap();
    let live =
        std::fs::read_to_string(testdata().join("hostile/one-line-secret/live.json")).unwrap();
    let padded = live.replacen(
        "\"kind\":\"Secret\"",
        &format!(
            "\"kind\":\"Secret\",\"immutable\":false,\"padding\":\"{}\"",
            "p".repeat(5000)
        ),
        1,
    );
    std::fs::write(dir.path().join("live.json"), padded).unwrap();
    std::fs::copy(
        testdata().join("hostile/one-line-secret/app.yaml"),
        dir.path().join("app.yaml"),
    )
    .unwrap();
    let fragments = one_line_secret_fragments();
    for (what, stdout, stderr) in every_output(dir.path(), &["app.yaml", "live.json"]) {
        assert_shows_no_secret(&what, &stdout, &fragments);
        assert_shows_no_secret(&what, &stderr, &fragments);
        if what.starts_with("human") {
            let text = String::from_utf8_lossy(&stdout);
            let longest = text.lines().map(str::len).max().unwrap_or(0);
            assert!(longest < 1000, "{what}: a line of {longest} bytes");
        }
    }
}

/// A certificate is input too: its subject and names, in `tls inspect` and `tls verify`.
#[test]
fn certificate_names_are_shown_never_emitted_by_the_tls_commands() {
    let dir = testdata().join("hostile");
    let runs = [
        vec!["tls", "inspect", "evil-cert.pem"],
        vec!["tls", "inspect", "--format", "json", "evil-cert.pem"],
        vec![
            "tls",
            "verify",
            "--ca-bundle",
            "evil-cert.pem",
            "--server-name",
            "x.ns.svc",
            "evil-cert.pem",
        ],
    ];
    for args in runs {
        let run = Command::new(env!("CARGO_BIN_EXE_speclint"))
            .current_dir(&dir)
            .args(&args)
            .output()
            .unwrap();
        let what = args.join(" ");
        assert_no_hidden_characters(&what, &run.stdout);
        assert_no_hidden_characters(&format!("{what} (stderr)"), &run.stderr);
        assert_no_injected_workflow_commands(&what, &run.stdout, 0);
        let text = String::from_utf8_lossy(&run.stdout);
        if args.contains(&"json") {
            let value: serde_json::Value = serde_json::from_str(&text).unwrap();
            let subject = value["certificates"][0]["subject"].as_str().unwrap();
            assert!(
                subject.contains("evil\n::error file=cert.pem"),
                "{subject:?}"
            );
        } else {
            assert!(
                text.contains("evil\u{240a}::error") || text.contains("a\u{240a}::error::san"),
                "{what}: {text}"
            );
        }
    }
}
