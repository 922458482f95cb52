//! Progress on stderr: shown for a large input on a terminal, never in a pipe or in CI.
//! The terminal is a real pseudo-terminal from util-linux `script`.

mod common;

use std::path::Path;
use std::process::Command;

const BIN: &str = env!("CARGO_BIN_EXE_speclint");

/// A manifest stream of about 5 MB.
fn large_input(dir: &Path) -> std::path::PathBuf {
    let document = "---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: filler\n  namespace: default\ndata:\n  key: value-value-value-value-value-value-value-value-value-value-value-value\n";
    let path = dir.join("large.yaml");
    let text = document.repeat(5_000_000 / document.len() + 1);
    assert!(text.len() as u64 >= speclint::progress::MIN_INPUT_BYTES);
    std::fs::write(&path, text).unwrap();
    path
}

/// Runs speclint under `script`, which gives it a terminal; returns what the terminal got.
fn on_a_terminal(dir: &Path, args: &str, ci: Option<&str>) -> Option<String> {
    let transcript = dir.join("transcript");
    let mut command = Command::new("script");
    command
        .args(["-q", "-e", "-c", &format!("{BIN} {args}")])
        .arg(&transcript)
        .current_dir(dir)
        .env_remove("CI")
        .env("TERM", "xterm");
    if let Some(value) = ci {
        command.env("CI", value);
    }
    let status = command.output().ok()?.status;
    assert_eq!(status.code(), Some(0), "speclint under script");
    Some(std::fs::read_to_string(transcript).unwrap())
}

#[test]
fn progress_only_on_a_terminal_outside_ci() {
    let dir = tempfile::tempdir().unwrap();
    let input = large_input(dir.path());
    let args = format!("--no-config --format json -o out.json {}", input.display());

    // A pipe: stderr carries the summary line and nothing else.
    let piped = Command::new(BIN)
        .args(args.split(' '))
        .current_dir(dir.path())
        .env_remove("CI")
        .output()
        .unwrap();
    let stderr = String::from_utf8(piped.stderr).unwrap();
    assert_eq!(stderr, "speclint: 0 errors, 0 warnings\n");

    let Some(terminal) = on_a_terminal(dir.path(), &args, None) else {
        common::missing("util-linux `script` (the terminal case)");
        return;
    };
    assert!(
        terminal.contains("\r\x1b[2Kspeclint: parsing ") && terminal.contains(" / 5.0 MB"),
        "{terminal:?}"
    );
    // No line is drawn before the stage knows its total.
    assert!(
        terminal.split("speclint: parsing ").skip(1).all(|line| line
            .split('\r')
            .next()
            .unwrap()
            .ends_with(" / 5.0 MB")),
        "{terminal:?}"
    );
    // The line is erased before the summary.
    assert!(
        terminal.contains("\r\x1b[2Kspeclint: 0 errors"),
        "{terminal:?}"
    );

    let in_ci = on_a_terminal(dir.path(), &args, Some("true")).unwrap();
    assert!(!in_ci.contains("speclint: parsing"), "{in_ci:?}");
    let quiet = on_a_terminal(dir.path(), &format!("{args} --quiet"), None).unwrap();
    assert!(!quiet.contains("speclint: parsing"), "{quiet:?}");
}
