//! `speclint rules`, `explain`, `completions` and `man`, run as a user would, and the
//! pre-commit hook definition.

use std::path::Path;
use std::process::{Command, Stdio};

const BIN: &str = env!("CARGO_BIN_EXE_speclint");

struct Run {
    code: i32,
    stdout: String,
    stderr: String,
}

fn speclint(args: &[&str]) -> Run {
    let out = Command::new(BIN)
        .args(args)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .stdin(Stdio::null())
        .output()
        .expect("speclint runs");
    Run {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8(out.stdout).unwrap(),
        stderr: String::from_utf8(out.stderr).unwrap(),
    }
}

fn rule_doc_count() -> usize {
    std::fs::read_dir(Path::new(env!("CARGO_MANIFEST_DIR")).join("rules"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.is_file() && p.extension().is_some_and(|e| e == "md"))
        .count()
}

#[test]
fn rules_human() {
    let run = speclint(&["rules"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(run.stdout.lines().count(), rule_doc_count());
    insta::assert_snapshot!("rules_human", run.stdout);
}

#[test]
fn rules_json() {
    let run = speclint(&["rules", "--format", "json"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let value: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    let rules = value.as_array().expect("an array");
    assert_eq!(rules.len(), rule_doc_count());
    for rule in rules {
        let object = rule.as_object().expect("an object");
        assert_eq!(object.len(), 3, "{rule}");
        for key in ["id", "severity", "summary"] {
            let text = object[key]
                .as_str()
                .unwrap_or_else(|| panic!("{key} in {rule}"));
            assert!(!text.is_empty(), "{key} in {rule}");
        }
        assert!(["error", "warning", "note"].contains(&object["severity"].as_str().unwrap()));
    }
    assert!(rules.iter().any(|r| r["id"] == "webhook-hostname"));
}

#[test]
fn explain_prints_the_doc() {
    let run = speclint(&["explain", "webhook-hostname"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(run.stdout.contains("# webhook-hostname"), "{}", run.stdout);
    assert!(run.stdout.contains("## Fix"), "{}", run.stdout);
    let doc = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("rules/webhook-hostname.md"),
    )
    .unwrap();
    assert_eq!(run.stdout.trim_end(), doc.trim_end());
}

#[test]
fn explain_unknown_rule() {
    let run = speclint(&["explain", "webhook-hostnme"]);
    assert_eq!(run.code, 2);
    assert!(run.stdout.is_empty(), "{}", run.stdout);
    assert!(
        run.stderr
            .starts_with("error: unknown rule \"webhook-hostnme\""),
        "{}",
        run.stderr
    );
    assert!(run.stderr.contains("webhook-hostname"), "{}", run.stderr);
}

#[test]
fn completions() {
    for shell in ["bash", "zsh", "fish", "powershell", "elvish"] {
        let run = speclint(&["completions", shell]);
        assert_eq!(run.code, 0, "{shell}: {}", run.stderr);
        assert!(run.stdout.contains("speclint"), "{shell}");
        // Rule ids complete for --enable, --disable and explain (clap_complete writes value
        // lists for these three shells).
        if ["bash", "zsh", "fish"].contains(&shell) {
            assert!(run.stdout.contains("webhook-hostname"), "{shell}");
        }
    }
    assert_eq!(speclint(&["completions", "tcsh"]).code, 2);
}

#[test]
fn man_page() {
    let run = speclint(&["man"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let th = run
        .stdout
        .lines()
        .find(|l| !l.starts_with(".ie") && !l.starts_with(".el"))
        .unwrap_or("");
    assert!(th.starts_with(".TH speclint 1"), "{}", run.stdout);
    assert!(run.stdout.contains("explain"), "subcommands are listed");
    for section in [
        ".SH \"EXIT STATUS\"",
        ".SH FILES",
        ".SH SUPPRESSIONS",
        ".SH ENVIRONMENT",
    ] {
        assert!(run.stdout.contains(section), "{section}");
    }
}

#[test]
fn pre_commit_hook() {
    use speclint::source::SourceFile;
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join(".pre-commit-hooks.yaml");
    let file = SourceFile::new(".pre-commit-hooks.yaml", std::fs::read(path).unwrap());
    let (documents, errors) = speclint::yaml::load(0, &file);
    assert!(errors.is_empty(), "{errors:?}");
    assert_eq!(documents.len(), 1);
    let root = documents[0].root().expect("a list of hooks");
    let hook = root
        .items()
        .find(|h| h.get("id").and_then(|n| n.as_str()) == Some("speclint"))
        .expect("hook id speclint");
    let field = |key: &str| hook.get(key).and_then(|n| n.as_str());
    assert_eq!(field("name"), Some("speclint"));
    assert_eq!(field("entry"), Some("speclint"));
    assert_eq!(field("language"), Some("rust"));
    let types: Vec<&str> = hook
        .get("types_or")
        .expect("types_or")
        .items()
        .filter_map(|n| n.as_str())
        .collect();
    assert_eq!(types, ["yaml", "json"]);
    let ids: Vec<&str> = root
        .items()
        .filter_map(|h| h.get("id").and_then(|n| n.as_str()))
        .collect();
    assert_eq!(
        ids,
        [
            "speclint",
            "speclint-all",
            "speclint-helm",
            "speclint-system",
            "speclint-docker"
        ]
    );
    // Without a toolchain: the installed binary, or the release's image.
    let without_toolchain: Vec<(Option<&str>, Option<&str>)> = root
        .items()
        .skip(3)
        .map(|h| {
            (
                h.get("language").and_then(|n| n.as_str()),
                h.get("entry").and_then(|n| n.as_str()),
            )
        })
        .collect();
    let image = format!("ghcr.io/speclint/speclint:{}", env!("CARGO_PKG_VERSION"));
    assert_eq!(
        without_toolchain,
        [
            (Some("system"), Some("speclint")),
            (Some("docker_image"), Some(image.as_str()))
        ]
    );
    let all = root.items().nth(1).unwrap();
    assert_eq!(
        all.get("pass_filenames").and_then(|n| n.as_bool()),
        Some(false)
    );
    let helm = root.items().nth(2).unwrap();
    assert_eq!(
        helm.get("entry").and_then(|n| n.as_str()),
        Some("speclint --helm")
    );
}
