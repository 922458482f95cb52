//! Webhook-safety rules on their fixtures: each fires on its case with its severity, and
//! stays silent on the safe variant.

use std::path::Path;
use std::process::Command;

mod common;

use common::testdata;

/// (rule id, firing case, expected severity, safe case), cases under testdata/cases.
const CASES: &[(&str, &str, &str, &str)] = &[
    (
        "webhook-backend-availability",
        "webhook-backend-availability",
        "warning",
        "webhook-backend-availability-safe",
    ),
    (
        "webhook-network-policy",
        "webhook-network-policy",
        "warning",
        "webhook-network-policy-safe",
    ),
];

/// The severities of the findings of `rule` on a case's manifests.
fn severities(case: &str, rule: &str) -> Vec<String> {
    let dir = testdata().join("cases").join(case);
    let mut files: Vec<String> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".yaml") || n.ends_with(".json"))
        .collect();
    files.sort();
    let output = Command::new(env!("CARGO_BIN_EXE_speclint"))
        .args([
            "--no-config",
            "--now",
            "2026-11-27T00:00:00Z",
            "--format",
            "json",
        ])
        .args(&files)
        .current_dir(Path::new(&dir))
        .output()
        .unwrap();
    let report: serde_json::Value =
        serde_json::from_slice(&output.stdout).unwrap_or_else(|e| panic!("{case}: not JSON ({e})"));
    report["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["rule"] == rule)
        .map(|d| d["severity"].as_str().unwrap_or("").to_string())
        .collect()
}

#[test]
fn each_rule_fires_on_its_case_and_not_on_the_safe_one() {
    for &(rule, firing, severity, safe) in CASES {
        let found = severities(firing, rule);
        assert!(
            found.iter().any(|s| s == severity),
            "{rule} on {firing}: expected a {severity}, got {found:?}"
        );
        let found = severities(safe, rule);
        assert!(
            found.is_empty(),
            "{rule} on {safe}: expected none, got {found:?}"
        );
    }
}
