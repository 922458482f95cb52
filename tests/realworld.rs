//! Published install manifests with verdicts written from each project's source before
//! speclint ran on them: testdata/realworld/*/expect.yaml (our corpus) and
//! testdata/realworld-shared/expect.yaml (../shared/realworld, read in place).
//!
//! Every error and warning speclint raises must be one the verdict names (a real failure
//! or an `allowed` warning that holds for a working install), and every real failure must
//! be caught with its severity. Webhook-safety findings (self-lockout, system resources,
//! timeouts, availability...) are listed under `risks:`, each with why it is right. The inventory's share of endpoints whose certificate and
//! caBundle sources are both known is printed and held to the target.

use speclint::source::SourceFile;
use speclint::yaml::NodeRef;
use std::path::{Path, PathBuf};
use std::process::Command;

/// The corpus' certificates were valid at this time; verdicts do not drift with the clock.
const NOW: &str = "2026-12-01T00:00:00Z";

#[derive(Debug)]
struct Failure {
    kind: String,
    name: String,
    severity: String,
    rule: Option<String>,
    /// `caught: false`: a real failure speclint is known to miss (with `why`); counted.
    caught: bool,
}

/// A risk a webhook-safety rule reports (`risks:`), judged right with `why` from the
/// project's source: it must be raised, with its severity.
type Risk = Failure;

/// A known false error or warning, with why the project's source contradicts it; counted.
#[derive(Debug)]
struct FalseFinding {
    rule: String,
    kind: String,
    name: String,
}

#[derive(Debug)]
struct Verdict {
    input: String,
    allowed: Vec<String>,
    failures: Vec<Failure>,
    risks: Vec<Risk>,
    false_findings: Vec<FalseFinding>,
}

fn full_kind(kind: &str) -> &str {
    match kind {
        "VWC" => "ValidatingWebhookConfiguration",
        "MWC" => "MutatingWebhookConfiguration",
        "CRD" => "CustomResourceDefinition",
        other => other,
    }
}

fn strings(node: Option<NodeRef<'_>>) -> Vec<String> {
    node.map(|n| n.items().filter_map(|i| i.scalar_text()).collect())
        .unwrap_or_default()
}

fn read_verdicts(path: &Path) -> Vec<Verdict> {
    let text =
        std::fs::read(path).unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
    let file = SourceFile::new(path.display().to_string(), text);
    let (documents, errors) = speclint::yaml::load(0, &file);
    assert!(errors.is_empty(), "{}: {errors:?}", path.display());
    let root = documents[0].root().expect("a list of verdicts");
    root.items()
        .map(|entry| {
            let text = |key: &str| entry.get(key).and_then(|n| n.scalar_text());
            let failures = entry
                .get("failures")
                .map(|f| f.items().collect::<Vec<_>>())
                .unwrap_or_default()
                .into_iter()
                .map(|failure| {
                    let get = |key: &str| failure.get(key).and_then(|n| n.scalar_text());
                    let object = get("object").expect("failure object");
                    let (kind, name) = object.split_once(' ').expect("`Kind name`");
                    Failure {
                        kind: full_kind(kind).to_string(),
                        name: name.to_string(),
                        severity: get("severity").expect("failure severity"),
                        rule: get("rule"),
                        caught: get("caught").as_deref() != Some("false"),
                    }
                })
                .collect();
            let risks = entry
                .get("risks")
                .map(|f| f.items().collect::<Vec<_>>())
                .unwrap_or_default()
                .into_iter()
                .map(|risk| {
                    let get = |key: &str| risk.get(key).and_then(|n| n.scalar_text());
                    assert!(get("why").is_some(), "a risk says why it is right");
                    let object = get("object").expect("risk object");
                    let (kind, name) = object.split_once(' ').expect("`Kind name`");
                    Risk {
                        kind: full_kind(kind).to_string(),
                        name: name.to_string(),
                        severity: get("severity").expect("risk severity"),
                        rule: Some(get("rule").expect("risk rule")),
                        caught: true,
                    }
                })
                .collect();
            let false_findings = entry
                .get("false_findings")
                .map(|f| f.items().collect::<Vec<_>>())
                .unwrap_or_default()
                .into_iter()
                .map(|item| {
                    let get = |key: &str| item.get(key).and_then(|n| n.scalar_text());
                    assert!(get("why").is_some(), "a false finding says why");
                    let object = get("object").expect("false finding object");
                    let (kind, name) = object.split_once(' ').expect("`Kind name`");
                    FalseFinding {
                        rule: get("rule").expect("false finding rule"),
                        kind: full_kind(kind).to_string(),
                        name: name.to_string(),
                    }
                })
                .collect();
            Verdict {
                input: text("input").expect("input"),
                allowed: strings(entry.get("allowed")),
                failures,
                risks,
                false_findings,
            }
        })
        .collect()
}

/// The files of an input: a file, or every YAML/JSON file of a directory but its verdicts.
fn input_files(base: &Path, input: &str) -> Vec<PathBuf> {
    let path = base.join(input);
    if !path.is_dir() {
        assert!(path.is_file(), "{} does not exist", path.display());
        return vec![path];
    }
    let mut files: Vec<PathBuf> = std::fs::read_dir(&path)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| {
            let name = p.file_name().unwrap().to_string_lossy();
            (name.ends_with(".yaml") || name.ends_with(".yml") || name.ends_with(".json"))
                && name != "expect.yaml"
        })
        .collect();
    files.sort();
    files
}

struct Finding {
    rule: String,
    severity: String,
    kind: String,
    name: String,
    message: String,
}

struct Run {
    findings: Vec<Finding>,
    endpoints: usize,
    /// Endpoints whose certificate source and caBundle source are both known.
    known: usize,
}

fn run(files: &[PathBuf]) -> Run {
    let output = Command::new(env!("CARGO_BIN_EXE_speclint"))
        .args(["--no-config", "--now", NOW, "--format", "json"])
        .args(files)
        .output()
        .unwrap();
    let report: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap_or_else(|e| {
        panic!(
            "{files:?}: no JSON ({e}): {}",
            String::from_utf8_lossy(&output.stderr)
        )
    });
    let text = |v: &serde_json::Value, key: &str| v[key].as_str().unwrap_or("").to_string();
    let findings = report["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| matches!(d["severity"].as_str(), Some("error" | "warning")))
        .map(|d| Finding {
            rule: text(d, "rule"),
            severity: text(d, "severity"),
            kind: text(&d["object"], "kind"),
            name: text(&d["object"], "name"),
            message: text(d, "message"),
        })
        .collect();
    let inventory = report["endpoints"].as_array().cloned().unwrap_or_default();
    let known = inventory
        .iter()
        .filter(|e| {
            let certificate = e["certificate"]["source"].as_str().unwrap_or("unknown");
            let ca_bundle = e["ca_bundle"]["source"].as_str().unwrap_or("none");
            certificate != "unknown" && ca_bundle != "none"
        })
        .count();
    Run {
        findings,
        endpoints: inventory.len(),
        known,
    }
}

fn explains(failure: &Failure, finding: &Finding) -> bool {
    let on_object = (finding.kind == failure.kind && finding.name == failure.name)
        || finding.message.contains(&failure.name);
    on_object
        && finding.severity == failure.severity
        && failure.rule.as_ref().is_none_or(|r| *r == finding.rule)
}

#[derive(Default)]
struct Tally {
    problems: Vec<String>,
    endpoints: usize,
    known: usize,
    /// Known gaps: false findings raised, real failures missed.
    false_findings: usize,
    misses: usize,
    failures_caught: usize,
    /// Webhook-safety risks raised as their verdicts say.
    risks: usize,
}

/// Checks every verdict of one expect.yaml.
fn check(expect: &Path, base: &Path, tally: &mut Tally) {
    let problems = &mut tally.problems;
    for verdict in read_verdicts(expect) {
        let files = input_files(base, &verdict.input);
        let result = run(&files);
        tally.endpoints += result.endpoints;
        tally.known += result.known;
        let label = format!("{}: {}", expect.display(), verdict.input);
        for finding in &result.findings {
            let known_false = verdict.false_findings.iter().any(|f| {
                f.rule == finding.rule && f.kind == finding.kind && f.name == finding.name
            });
            if known_false {
                tally.false_findings += 1;
                continue;
            }
            let explained = verdict.allowed.contains(&finding.rule)
                || verdict
                    .failures
                    .iter()
                    .chain(&verdict.risks)
                    .any(|f| f.caught && explains(f, finding));
            if !explained {
                problems.push(format!(
                    "{label}: unexpected {}[{}] on {} {}: {}",
                    finding.severity, finding.rule, finding.kind, finding.name, finding.message
                ));
            }
        }
        for risk in &verdict.risks {
            if result.findings.iter().any(|f| explains(risk, f)) {
                tally.risks += 1;
            } else {
                problems.push(format!(
                    "{label}: missed risk {} {} on {} {}",
                    risk.severity,
                    risk.rule.as_deref().unwrap_or(""),
                    risk.kind,
                    risk.name
                ));
            }
        }
        for failure in &verdict.failures {
            // A finding a risk already explains catches no failure (it names the same object).
            let found = result
                .findings
                .iter()
                .any(|f| explains(failure, f) && !verdict.risks.iter().any(|r| explains(r, f)));
            if !failure.caught {
                // A known miss that is caught now should say so.
                if found {
                    problems.push(format!(
                        "{label}: {} {} is caught now: drop `caught: false`",
                        failure.kind, failure.name
                    ));
                }
                tally.misses += 1;
            } else if found {
                tally.failures_caught += 1;
            } else {
                problems.push(format!(
                    "{label}: missed {} {} on {} {}",
                    failure.severity,
                    failure.rule.as_deref().unwrap_or("(any rule)"),
                    failure.kind,
                    failure.name
                ));
            }
        }
    }
}

#[test]
fn published_installs_get_their_written_verdicts() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let shared = root.join("../shared/realworld");
    assert!(
        shared.is_dir(),
        "{} is missing: the shared corpus must lie beside the clone",
        shared.display()
    );
    let mut expects: Vec<(PathBuf, PathBuf)> = std::fs::read_dir(root.join("testdata/realworld"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.join("expect.yaml").is_file())
        .map(|dir| (dir.join("expect.yaml"), dir))
        .collect();
    expects.sort();
    assert!(
        expects.len() >= 25,
        "the corpus lost projects: {}",
        expects.len()
    );
    expects.push((
        root.join("testdata/realworld-shared/expect.yaml"),
        shared.clone(),
    ));
    let mut tally = Tally::default();
    for (expect, base) in &expects {
        check(expect, base, &mut tally);
    }
    let Tally {
        problems,
        endpoints,
        known,
        false_findings,
        misses,
        failures_caught,
        risks,
    } = tally;
    println!(
        "real failures caught: {failures_caught}, known misses: {misses}, known false findings: {false_findings}, webhook-safety risks raised: {risks}"
    );
    let share = if endpoints == 0 {
        0.0
    } else {
        known as f64 / endpoints as f64
    };
    println!(
        "endpoints: {endpoints}, certificate and caBundle source both known: {known} ({:.1}%)",
        share * 100.0
    );
    assert!(
        problems.is_empty(),
        "{} verdicts not met:\n{}",
        problems.len(),
        problems.join("\n")
    );
    assert!(
        share >= 0.9,
        "only {known} of {endpoints} endpoints have known sources"
    );
}
