//! Every rule has its own fixture (testdata/rules/README.md): the binary on
//! `testdata/rules/<rule-id>/fires` reports that rule and no other (but the companions the
//! case declares), and on `testdata/rules/<rule-id>/quiet` does not report it. The rules
//! are read from `speclint::rules::RULES`, so a new rule without a case fails here.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

mod common;

use common::list;

const BIN: &str = env!("CARGO_BIN_EXE_speclint");
/// The evaluation time of every case unless its `args` set `--now`: the time
/// testdata/certs/gen.go recorded Go's verdicts at, as in tests/cli.rs.
const NOW: &str = "2026-11-27T00:00:00Z";

fn rules_dir() -> PathBuf {
    common::testdata().join("rules")
}

/// The manifests of a `fires` or `quiet` folder: its own YAML and JSON files, sorted; a
/// `.speclint.yaml` there is the run's configuration, not an input, and subfolders (e.g. a
/// `--previous` render) are read only through `args`.
fn manifests(dir: &Path) -> Vec<String> {
    let mut files: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.is_file())
        .filter_map(|p| p.file_name().map(|n| n.to_string_lossy().into_owned()))
        .filter(|n| n != ".speclint.yaml")
        .filter(|n| [".yaml", ".yml", ".json"].iter().any(|e| n.ends_with(e)))
        .collect();
    files.sort();
    files
}

/// The rule ids the binary reports on `dir` (`fires` or `quiet`), in the folder, with the
/// case's `args` then the folder's own `args`.
fn fired(case: &Path, dir: &Path) -> Result<BTreeSet<String>, String> {
    let files = manifests(dir);
    if files.is_empty() {
        return Err("holds no manifest (*.yaml, *.yml, *.json)".to_string());
    }
    let mut extra = list(&case.join("args"));
    extra.extend(list(&dir.join("args")));
    let mut args: Vec<String> = vec!["--format".into(), "json".into()];
    if !extra.iter().any(|a| a == "--now") {
        args.extend(["--now".into(), NOW.into()]);
    }
    // A .speclint.yaml above the checkout must not change the verdicts.
    let configured = extra.iter().any(|a| a == "--config" || a == "--no-config")
        || dir.join(".speclint.yaml").is_file();
    if !configured {
        args.push("--no-config".into());
    }
    args.extend(extra);
    args.extend(files);
    let out = Command::new(BIN)
        .args(&args)
        .current_dir(dir)
        .env_remove("NO_COLOR")
        .stdin(Stdio::null())
        .output()
        .map_err(|e| format!("speclint does not run: {e}"))?;
    let stdout = String::from_utf8_lossy(&out.stdout);
    let report: serde_json::Value = serde_json::from_str(&stdout).map_err(|e| {
        format!(
            "`speclint {}` printed no JSON report ({e}); exit {:?}, stderr: {}",
            args.join(" "),
            out.status.code(),
            String::from_utf8_lossy(&out.stderr).trim()
        )
    })?;
    let diagnostics = report["diagnostics"]
        .as_array()
        .ok_or("the JSON report has no diagnostics array")?;
    Ok(diagnostics
        .iter()
        .filter_map(|d| d["rule"].as_str())
        .map(str::to_string)
        .collect())
}

fn shown(ids: &BTreeSet<String>) -> String {
    if ids.is_empty() {
        "nothing".to_string()
    } else {
        ids.iter().cloned().collect::<Vec<_>>().join(", ")
    }
}

/// What is wrong with one rule's case, if anything.
fn check(id: &str) -> Vec<String> {
    let case = rules_dir().join(id);
    let mut problems = Vec::new();
    for dir in ["fires", "quiet"] {
        if !case.join(dir).is_dir() {
            problems.push(format!("no testdata/rules/{id}/{dir}/"));
        }
    }
    if !problems.is_empty() {
        return problems;
    }
    let companions: BTreeSet<String> = list(&case.join("companions")).into_iter().collect();
    for companion in &companions {
        if companion == id {
            problems.push("companions lists the rule itself".to_string());
        } else if speclint::rules::find(companion).is_none() {
            problems.push(format!("companions names no rule: {companion}"));
        }
    }
    let mut seen = BTreeSet::new();
    for (folder, fires) in [("fires", true), ("quiet", false)] {
        let ids = match fired(&case, &case.join(folder)) {
            Ok(ids) => ids,
            Err(e) => {
                problems.push(format!("{folder}: {e}"));
                continue;
            }
        };
        match (fires, ids.contains(id)) {
            (true, false) => {
                problems.push(format!("fires does not fire it (fires {})", shown(&ids)))
            }
            (false, true) => problems.push("quiet fires it".to_string()),
            _ => {}
        }
        let others: BTreeSet<String> = ids
            .iter()
            .filter(|r| *r != id && !companions.contains(*r))
            .cloned()
            .collect();
        if !others.is_empty() {
            let verb = if fires { "also fires" } else { "fires" };
            problems.push(format!(
                "{folder} {verb} {} (not in companions)",
                shown(&others)
            ));
        }
        seen.extend(ids);
    }
    // A companion that neither folder fires any longer is to be removed.
    let stale: BTreeSet<String> = companions.difference(&seen).cloned().collect();
    if !stale.is_empty() && problems.is_empty() {
        problems.push(format!(
            "companions lists {}, which neither fires nor quiet fires",
            shown(&stale)
        ));
    }
    problems
}

#[test]
fn every_rule_has_a_case_that_fires_it_alone() {
    let ids: Vec<&str> = speclint::rules::RULES.iter().map(|r| r.id).collect();
    // Cases run side by side, a few at a time; their reports are joined in rule order.
    let workers = std::thread::available_parallelism().map_or(2, |n| n.get().min(4));
    let chunks: Vec<&[&str]> = ids.chunks(ids.len().div_ceil(workers)).collect();
    let results: Vec<(&str, Vec<String>)> = std::thread::scope(|scope| {
        let handles: Vec<_> = chunks
            .iter()
            .map(|chunk| {
                scope.spawn(move || chunk.iter().map(|id| (*id, check(id))).collect::<Vec<_>>())
            })
            .collect();
        handles
            .into_iter()
            .flat_map(|h| h.join().unwrap())
            .collect()
    });
    let mut failures: Vec<String> = results
        .iter()
        .filter(|(_, problems)| !problems.is_empty())
        .map(|(id, problems)| format!("{id}: {}", problems.join("; ")))
        .collect();
    // Every folder names a rule: a case left behind by a renamed or removed rule fails too.
    let mut dirs: Vec<String> = std::fs::read_dir(rules_dir())
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.is_dir())
        .map(|p| p.file_name().unwrap().to_string_lossy().into_owned())
        .collect();
    dirs.sort();
    for dir in dirs {
        if !ids.contains(&dir.as_str()) {
            failures.push(format!(
                "testdata/rules/{dir}/ names no rule of speclint::rules::RULES"
            ));
        }
    }
    assert!(
        failures.is_empty(),
        "{} problem(s) with the per-rule fixtures under testdata/rules (see its README.md):\n{}",
        failures.len(),
        failures.join("\n")
    );
}
