//! `speclint graph`: the drawings of the fixtures (snapshots), what every drawing must
//! hold, `--only`, hostile names, and Graphviz reading every DOT output.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

mod common;

use common::{fixture_args, secret_fragments, testdata};

const BIN: &str = env!("CARGO_BIN_EXE_speclint");
const NOW: &str = "2026-11-27T00:00:00Z";

/// A clean run, the Spark incident, cert-manager, certgen, a missing Service, a warning.
const SNAPSHOTTED: &[&str] = &[
    "examples/spark-operator-upgrade",
    "cases/hostname-ok",
    "cases/cert-manager-spark-broken",
    "cases/certgen-ingress-nginx",
    "cases/service-missing",
    "cases/apiservice-insecure-with-cabundle",
];

struct Run {
    code: i32,
    stdout: String,
    stderr: String,
}

/// `speclint graph` over a fixture directory, with its `args` file and its manifests.
fn graph(dir: &Path, extra: &[&str]) -> Run {
    let out = Command::new(BIN)
        .args(["graph", "--no-config", "--now", NOW])
        .args(extra)
        .args(fixture_args(dir))
        .current_dir(dir)
        .stdin(Stdio::null())
        .output()
        .expect("speclint runs");
    Run {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8(out.stdout).unwrap(),
        stderr: String::from_utf8(out.stderr).unwrap(),
    }
}

fn fixtures() -> Vec<PathBuf> {
    let mut dirs = Vec::new();
    for group in ["cases", "examples"] {
        let mut found: Vec<PathBuf> = std::fs::read_dir(testdata().join(group))
            .unwrap()
            .map(|e| e.unwrap().path())
            .filter(|p| p.is_dir())
            .collect();
        found.sort();
        dirs.extend(found);
    }
    dirs
}

/// The endpoints of a fixture, from the JSON report: (object name, namespace, verdict).
fn endpoints(dir: &Path) -> Vec<(String, String)> {
    let out = Command::new(BIN)
        .args(["--no-config", "--now", NOW, "--format", "json"])
        .args(fixture_args(dir))
        .current_dir(dir)
        .stdin(Stdio::null())
        .output()
        .unwrap();
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    report["endpoints"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            (
                e["object"]["name"].as_str().unwrap().to_string(),
                e["verdict"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

#[test]
fn drawings_match_their_snapshots() {
    for fixture in SNAPSHOTTED {
        let dir = testdata().join(fixture);
        let name = dir.file_name().unwrap().to_string_lossy().into_owned();
        for format in ["mermaid", "dot"] {
            let run = graph(&dir, &["--format", format]);
            assert!(run.stderr.is_empty(), "{name}: {}", run.stderr);
            insta::assert_snapshot!(
                format!("{name}-{format}"),
                format!("exit {}\n{}", run.code, run.stdout)
            );
        }
    }
}

/// Every endpoint of every fixture is drawn, by the name of its object; an endpoint the
/// report calls failing makes the drawing exit 1, and no secret is drawn.
#[test]
fn every_fixture_draws_every_endpoint() {
    let fragments = secret_fragments();
    let mut problems = Vec::new();
    for dir in fixtures() {
        let name = dir.file_name().unwrap().to_string_lossy().into_owned();
        let endpoints = endpoints(&dir);
        for format in ["mermaid", "dot"] {
            let run = graph(&dir, &["--format", format]);
            if run.code != 0 && run.code != 1 {
                problems.push(format!(
                    "{name} {format}: exit {}: {}",
                    run.code, run.stderr
                ));
                continue;
            }
            for (object, _) in &endpoints {
                // Names are drawn escaped: compare their plain characters.
                let plain: String = object.chars().filter(|c| c.is_alphanumeric()).collect();
                let drawn: String = run.stdout.chars().filter(|c| c.is_alphanumeric()).collect();
                if !drawn.contains(&plain) {
                    problems.push(format!("{name} {format}: endpoint {object} not drawn"));
                }
            }
            // The drawing also counts findings on the serving Secret (a key that does not
            // match), which the report's verdict leaves out.
            let failing = endpoints.iter().any(|(_, verdict)| verdict == "error");
            if failing && run.code != 1 {
                problems.push(format!(
                    "{name} {format}: exit {} but the report's verdicts are {:?}",
                    run.code, endpoints
                ));
            }
            if let Some(fragment) = fragments.iter().find(|f| run.stdout.contains(f.as_str())) {
                problems.push(format!("{name} {format}: secret material {fragment}"));
            }
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn only_draws_the_endpoints_named() {
    let dir = testdata().join("cases/crd-and-apiservice");
    let all = graph(&dir, &[]);
    let only = graph(&dir, &["--only", "v1.metrics*"]);
    assert_eq!(only.code, all.code.min(only.code), "{}", only.stderr);
    assert!(only.stdout.lines().count() < all.stdout.lines().count());
    assert!(only.stdout.contains("APIService"), "{}", only.stdout);
    assert!(
        !only.stdout.contains("CustomResourceDefinition"),
        "{}",
        only.stdout
    );

    let none = graph(&dir, &["--only", "v1.metrics.demo.example.orgg"]);
    assert_eq!(none.code, 2);
    assert!(none.stdout.is_empty());
    assert!(
        none.stderr.starts_with("error: no endpoint matches --only")
            && none.stderr.contains("did you mean"),
        "{}",
        none.stderr
    );
}

#[test]
fn failing_draws_only_failing_endpoints() {
    let dir = testdata().join("examples/spark-operator-upgrade");
    let run = graph(&dir, &["--failing"]);
    assert_eq!(run.code, 1);
    assert!(run.stdout.contains("webhook-hostname"));
    let clean = graph(&testdata().join("cases/hostname-ok"), &["--failing"]);
    assert_eq!(clean.code, 0);
    assert!(clean.stdout.contains("no webhook"), "{}", clean.stdout);
}

/// Names that try to end a label, inject markup or commands stay text.
#[test]
fn hostile_names_stay_inside_their_labels() {
    let dir = testdata().join("hostile/names");
    for format in ["mermaid", "dot"] {
        let run = graph(&dir, &["--format", format]);
        assert!(run.code == 0 || run.code == 1, "{}", run.stderr);
        let out = &run.stdout;
        assert!(
            !out.contains('\u{1b}') && !out.contains('\u{202e}'),
            "{format}: {out}"
        );
        assert!(!out.lines().any(|l| l.starts_with("::")), "{format}: {out}");
        if format == "mermaid" {
            assert!(!out.contains("<&>"), "{format}: {out}");
            // Each label is one quoted string: quotes come only as delimiters.
            for line in out
                .lines()
                .filter(|l| l.contains('"') && !l.starts_with("%%"))
            {
                assert_eq!(line.matches('"').count(), 2, "{line}");
            }
        }
    }
}

/// Graphviz reads every fixture's DOT output without an error or a warning.
#[test]
fn graphviz_reads_every_dot_output() {
    if Command::new("dot").arg("-V").output().is_err() {
        return common::missing("Graphviz `dot`");
    }
    let mut problems = Vec::new();
    let mut dirs = fixtures();
    dirs.push(testdata().join("hostile/names"));
    for dir in dirs {
        let run = graph(&dir, &["--format", "dot"]);
        let mut child = Command::new("dot")
            .arg("-Tsvg")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        use std::io::Write;
        child
            .stdin
            .take()
            .unwrap()
            .write_all(run.stdout.as_bytes())
            .unwrap();
        let out = child.wait_with_output().unwrap();
        if !out.status.success() || !out.stderr.is_empty() {
            problems.push(format!(
                "{}: {}",
                dir.display(),
                String::from_utf8_lossy(&out.stderr)
            ));
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}
