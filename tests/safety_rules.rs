//! Each webhook-safety rule fires on its fixture, with its severity, and stays silent on
//! the safe variant of the same wiring.

use std::path::Path;
use std::process::Command;

mod common;

use common::testdata;

const BIN: &str = env!("CARGO_BIN_EXE_speclint");
const NOW: &str = "2026-11-27T00:00:00Z";

/// (rule id, firing case dir, expected severity, safe case dir), under testdata/cases.
/// One row per line.
#[rustfmt::skip]
const CASES: &[(&str, &str, &str, &str)] = &[
    ("webhook-side-effects", "webhook-side-effects", "error", "webhook-side-effects-safe"),
    ("webhook-side-effects", "webhook-side-effects", "warning", "webhook-side-effects-safe"),
    ("webhook-review-versions", "webhook-review-versions", "error", "webhook-review-versions-safe"),
    ("webhook-self-lockout", "webhook-self-lockout", "error", "webhook-self-lockout-safe"),
    ("webhook-self-lockout", "webhook-self-lockout", "warning", "webhook-self-lockout-safe"),
    ("webhook-system-resources", "webhook-system-resources", "error", "webhook-system-resources-safe"),
    ("webhook-system-resources", "webhook-system-resources", "warning", "webhook-system-resources-safe"),
    ("webhook-timeout", "webhook-timeout", "error", "webhook-timeout-safe"),
    ("webhook-timeout", "webhook-timeout", "warning", "webhook-timeout-safe"),
    ("webhook-timeout-total", "webhook-timeout-total", "warning", "webhook-timeout-total-safe"),
    ("webhook-backend-availability", "webhook-backend-availability", "warning", "webhook-backend-availability-safe"),
    ("webhook-network-policy", "webhook-network-policy", "warning", "webhook-network-policy-safe"),
    ("webhook-dependency-loop", "webhook-dependency-loop", "error", "webhook-dependency-loop-safe"),
];

/// The (rule, severity) of every finding of a run over the case's manifests.
fn findings(case: &str) -> Vec<(String, String)> {
    let dir = testdata().join("cases").join(case);
    let mut files: Vec<String> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".yaml") || n.ends_with(".json"))
        .collect();
    files.sort();
    let out = Command::new(BIN)
        .args(["--no-config", "--now", NOW, "--format", "json"])
        .args(&files)
        .current_dir(&dir)
        .output()
        .expect("speclint runs");
    let stdout = String::from_utf8(out.stdout).unwrap();
    let value: serde_json::Value = serde_json::from_str(&stdout)
        .unwrap_or_else(|e| panic!("{case}: not JSON ({e}): {stdout}"));
    value["diagnostics"]
        .as_array()
        .unwrap_or_else(|| panic!("{case}: no diagnostics array: {stdout}"))
        .iter()
        .map(|d| {
            let text = |key: &str| d[key].as_str().unwrap_or_default().to_string();
            (text("rule"), text("severity"))
        })
        .collect()
}

#[test]
fn each_rule_fires_on_its_case_and_not_on_the_safe_one() {
    assert!(Path::new(BIN).exists());
    for &(rule, firing, severity, safe) in CASES {
        let fired = findings(firing);
        assert!(
            fired.iter().any(|(r, s)| r == rule && s == severity),
            "{firing}: no {severity} of {rule}; findings: {fired:?}"
        );
        let silent = findings(safe);
        assert!(
            !silent.iter().any(|(r, _)| r == rule),
            "{safe}: {rule} fires on the safe case; findings: {silent:?}"
        );
    }
}

/// Edge cases of kube-apiserver's semantics under testdata/safety: (file, extra
/// arguments, rule, the severity it must raise, or None for silence).
#[rustfmt::skip]
const EDGES: &[(&str, &[&str], &str, Option<&str>)] = &[
    ("served-by-two-workloads.yaml", &[], "webhook-dependency-loop", None),
    ("host-network-backend.yaml", &[], "webhook-network-policy", None),
    ("connect-timeouts.yaml", &[], "webhook-timeout-total", None),
    ("gardener-purpose-exclusion.yaml", &[], "webhook-system-resources", None),
    ("refused-timeout.yaml", &[], "webhook-timeout-total", None),
    ("refused-timeout.yaml", &[], "webhook-timeout", Some("error")),
    ("empty-policy-types.yaml", &[], "webhook-network-policy", Some("warning")),
    ("star-group-timeouts.yaml", &[], "webhook-timeout-total", Some("warning")),
    ("render-replacing-live.yaml", &["--cluster-state", "render-replacing-live.live.yaml"], "webhook-timeout-total", None),
];

#[test]
fn edge_cases_follow_the_api_server() {
    let dir = testdata().join("safety");
    for &(file, extra, rule, severity) in EDGES {
        let out = Command::new(BIN)
            .args(["--no-config", "--now", NOW, "--format", "json"])
            .args(extra)
            .arg(file)
            .current_dir(&dir)
            .output()
            .expect("speclint runs");
        let value: serde_json::Value = serde_json::from_slice(&out.stdout)
            .unwrap_or_else(|e| panic!("{file}: not JSON ({e})"));
        let raised: Vec<&str> = value["diagnostics"]
            .as_array()
            .unwrap_or_else(|| panic!("{file}: no diagnostics"))
            .iter()
            .filter(|d| d["rule"] == rule)
            .filter_map(|d| d["severity"].as_str())
            .filter(|s| *s != "note")
            .collect();
        match severity {
            None => assert!(raised.is_empty(), "{file}: {rule} raised {raised:?}"),
            Some(severity) => assert!(
                raised.contains(&severity),
                "{file}: no {severity} of {rule}, only {raised:?}"
            ),
        }
    }
    // The budget without a selector protects nothing and blocks nothing.
    let out = Command::new(BIN)
        .args([
            "--no-config",
            "--now",
            NOW,
            "--format",
            "json",
            "budget-without-selector.yaml",
        ])
        .current_dir(&dir)
        .output()
        .expect("speclint runs");
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("no PodDisruptionBudget"), "{text}");
    assert!(!text.contains("allows no eviction"), "{text}");
}
