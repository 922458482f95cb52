//! The CI formats (concise, github, junit, sarif, markdown) and the output options (`--output`,
//! `--quiet`, `--statistics`), end to end through the binary.

use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

mod common;

use common::{fixture_args, secret_fragments, testdata};

const BIN: &str = env!("CARGO_BIN_EXE_speclint");
const NOW: &str = "2026-11-27T00:00:00Z";
const FORMATS: &[&str] = &["concise", "github", "junit", "sarif", "markdown"];

/// Fixtures snapshotted in every format: a clean run, errors, warnings, a syntax error,
/// `--previous`, and the Spark example whose finding spans two files.
const SNAPSHOTTED: &[&str] = &[
    "cases/hostname-ok",
    "cases/hostname-renamed-service",
    "cases/apiservice-insecure-with-cabundle",
    "cases/syntax-error-recovery",
    "cases/upgrade-trap-spark",
    "examples/spark-operator-upgrade",
];

struct Run {
    code: i32,
    stdout: String,
    stderr: String,
}

fn speclint(dir: &Path, args: &[&str]) -> Run {
    let out = Command::new(BIN)
        .args(["--no-config", "--now", NOW])
        .args(args)
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

fn all_fixtures() -> Vec<(String, PathBuf)> {
    let mut found = Vec::new();
    for group in ["cases", "examples"] {
        let mut dirs: Vec<PathBuf> = std::fs::read_dir(testdata().join(group))
            .unwrap()
            .map(|e| e.unwrap().path())
            .filter(|p| p.is_dir())
            .collect();
        dirs.sort();
        for dir in dirs {
            let name = dir.file_name().unwrap().to_string_lossy().into_owned();
            found.push((name, dir));
        }
    }
    found
}

fn run_format(dir: &Path, format: &str, extra: &[&str]) -> Run {
    let files = fixture_args(dir);
    let mut args = vec!["--format", format];
    args.extend_from_slice(extra);
    args.extend(files.iter().map(String::as_str));
    speclint(dir, &args)
}

fn sarif(run: &Run) -> Value {
    serde_json::from_str(&run.stdout).unwrap_or_else(|e| panic!("not JSON ({e}): {}", run.stdout))
}

/// The SARIF report with what changes on every release (the version) and the bulky
/// rule documentation reduced to rule ids.
fn sarif_for_snapshot(mut value: Value) -> Value {
    let driver = &mut value["runs"][0]["tool"]["driver"];
    driver["version"] = Value::from("[version]");
    let ids: Vec<Value> = driver["rules"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["id"].clone())
        .collect();
    driver["rules"] = Value::from(ids);
    value
}

#[test]
fn formats_match_their_snapshots() {
    for fixture in SNAPSHOTTED {
        let dir = testdata().join(fixture);
        let name = dir.file_name().unwrap().to_string_lossy().into_owned();
        let json = run_format(&dir, "json", &[]);
        for format in FORMATS {
            let run = run_format(&dir, format, &[]);
            assert_eq!(run.code, json.code, "{name} {format}: exit code");
            // Nothing on stderr but, for a clean run, the line saying what was checked.
            assert_eq!(run.stderr, json.stderr, "{name} {format}: stderr");
            assert!(
                json.stderr.is_empty() || json.stderr.ends_with(": no problems\n"),
                "{name}: {}",
                json.stderr
            );
            if *format == "sarif" {
                insta::assert_json_snapshot!(
                    format!("{name}__{format}"),
                    sarif_for_snapshot(sarif(&run))
                );
            } else {
                insta::assert_snapshot!(format!("{name}__{format}"), run.stdout);
            }
        }
    }
}

#[test]
fn concise_and_github_have_one_line_per_finding() {
    for (name, dir) in all_fixtures() {
        let json = run_format(&dir, "json", &[]);
        let value: Value = serde_json::from_str(&json.stdout).unwrap();
        let diags = value["diagnostics"].as_array().unwrap();
        for format in ["concise", "github"] {
            let run = run_format(&dir, format, &[]);
            assert_eq!(run.code, json.code, "{name} {format}: exit code");
            let lines: Vec<&str> = run.stdout.lines().collect();
            assert_eq!(lines.len(), diags.len(), "{name} {format}");
            for (line, d) in lines.iter().zip(diags) {
                let severity = d["severity"].as_str().unwrap();
                let expected = if format == "concise" {
                    format!(
                        "{}:{}:{}: {severity}[{}] ",
                        d["file"].as_str().unwrap(),
                        d["line"],
                        d["column"],
                        d["rule"].as_str().unwrap()
                    )
                } else {
                    let command = match severity {
                        "error" => "error",
                        "warning" => "warning",
                        _ => "notice",
                    };
                    format!("::{command} file=")
                };
                assert!(line.starts_with(&expected), "{name}: {line} vs {expected}");
            }
        }
    }
}

/// JUnit: a test case per object, a failure per finding at the --fail-on level, and the
/// failing test cases counted, as the JSON report and the exit code say.
#[test]
fn junit_counts_failures() {
    for (name, dir) in all_fixtures() {
        for fail_on in ["error", "warning"] {
            let json = run_format(&dir, "json", &["--fail-on", fail_on]);
            let value: Value = serde_json::from_str(&json.stdout).unwrap();
            let levels: &[&str] = if fail_on == "error" {
                &["error"]
            } else {
                &["error", "warning"]
            };
            let failing: Vec<&Value> = value["diagnostics"]
                .as_array()
                .unwrap()
                .iter()
                .filter(|d| levels.contains(&d["severity"].as_str().unwrap()))
                .collect();
            // The failing test cases: one per object, or per object-less finding.
            let mut cases: Vec<String> = failing
                .iter()
                .map(|d| match d["object"].as_object() {
                    Some(o) => format!("{o:?}"),
                    None => format!("{}:{}", d["file"], d["line"]),
                })
                .collect();
            cases.sort();
            cases.dedup();
            let run = run_format(&dir, "junit", &["--fail-on", fail_on]);
            assert_eq!(run.code, json.code, "{name}: exit code");
            assert_eq!(
                run.code == 1,
                !failing.is_empty(),
                "{name}: --fail-on {fail_on}"
            );
            assert_eq!(
                run.stdout.matches("<failure ").count(),
                failing.len(),
                "{name}"
            );
            assert!(
                run.stdout
                    .contains(&format!("failures=\"{}\" errors=\"0\">\n", cases.len())),
                "{name} --fail-on {fail_on}: {}",
                run.stdout
            );
        }
        let run = run_format(&dir, "junit", &[]);
        assert!(run
            .stdout
            .starts_with("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites "));
        assert_eq!(
            run.stdout.matches("<testsuite ").count(),
            run.stdout.matches("</testsuite>").count()
        );
        assert!(run.stdout.ends_with("</testsuites>\n"));
    }
}

#[test]
fn sarif_structure() {
    let rule_ids: Vec<&str> = speclint::rules::RULES.iter().map(|r| r.id).collect();
    let mut two_file_findings = 0;
    for (name, dir) in all_fixtures() {
        let run = run_format(&dir, "sarif", &[]);
        let value = sarif(&run);
        assert_eq!(value["version"], "2.1.0");
        assert!(value["$schema"].as_str().unwrap().contains("sarif-2.1.0"));
        let the_run = &value["runs"][0];
        let driver = &the_run["tool"]["driver"];
        assert_eq!(driver["name"], "speclint");
        assert_eq!(driver["version"], env!("CARGO_PKG_VERSION"));
        assert_eq!(
            driver["informationUri"],
            "https://github.com/speclint/speclint"
        );
        let rules = driver["rules"].as_array().unwrap();
        assert_eq!(rules.len(), rule_ids.len());
        for (rule, id) in rules.iter().zip(&rule_ids) {
            assert_eq!(rule["id"], *id);
            for field in ["shortDescription", "fullDescription"] {
                assert!(
                    !rule[field]["text"].as_str().unwrap().is_empty(),
                    "{id} {field}"
                );
            }
            assert!(rule["help"]["markdown"]
                .as_str()
                .unwrap()
                .starts_with(&format!("# {id}\n")));
            assert!(rule["helpUri"]
                .as_str()
                .unwrap()
                .ends_with(&format!("/rules/{id}.md")));
            assert!(["error", "warning", "note"]
                .contains(&rule["defaultConfiguration"]["level"].as_str().unwrap()));
        }
        let artifacts: Vec<&str> = the_run["artifacts"]
            .as_array()
            .unwrap()
            .iter()
            .map(|a| a["location"]["uri"].as_str().unwrap())
            .collect();
        let errors = the_run["results"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|r| r["level"] == "error")
            .count();
        assert_eq!(run.code, i32::from(errors > 0), "{name}: exit code");
        for result in the_run["results"].as_array().unwrap() {
            let index = result["ruleIndex"].as_u64().unwrap() as usize;
            assert_eq!(result["ruleId"], rules[index]["id"], "{name}");
            assert!(["error", "warning", "note"].contains(&result["level"].as_str().unwrap()));
            assert!(!result["message"]["text"].as_str().unwrap().is_empty());
            assert!(result["partialFingerprints"]["speclintFingerprint/v1"].is_string());
            let mut locations = vec![&result["locations"][0]];
            let related = result["relatedLocations"].as_array();
            locations.extend(related.into_iter().flatten());
            let mut files = Vec::new();
            for location in locations {
                let physical = &location["physicalLocation"];
                let uri = physical["artifactLocation"]["uri"].as_str().unwrap();
                let index = physical["artifactLocation"]["index"].as_u64().unwrap() as usize;
                assert_eq!(artifacts[index], uri, "{name}");
                files.push(uri);
                let region = &physical["region"];
                for field in ["startLine", "startColumn", "endLine", "endColumn"] {
                    assert!(region[field].as_u64().unwrap() >= 1, "{name}: {field}");
                }
            }
            for (i, r) in related.into_iter().flatten().enumerate() {
                assert_eq!(r["id"], i as u64);
                assert!(r["message"]["text"].is_string());
            }
            files.sort();
            files.dedup();
            if name == "spark-operator-upgrade" && files.len() == 2 {
                two_file_findings += 1;
            }
        }
    }
    assert!(
        two_file_findings >= 1,
        "the Spark example's two-file finding"
    );
}

#[test]
fn sarif_names_stdin() {
    let dir = testdata().join("cases/hostname-renamed-service");
    let input = std::fs::read(dir.join("input.yaml")).unwrap();
    let out = Command::new(BIN)
        .args(["--now", NOW, "--format", "sarif"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .and_then(|mut child| {
            use std::io::Write;
            child.stdin.take().unwrap().write_all(&input)?;
            child.wait_with_output()
        })
        .unwrap();
    let value: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(value["runs"][0]["artifacts"][0]["location"]["uri"], "stdin");
    assert_eq!(
        value["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["artifactLocation"]
            ["uri"],
        "stdin"
    );
}

/// (line, fingerprint) of every result.
fn fingerprints(value: &Value) -> Vec<(u64, String)> {
    value["runs"][0]["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            (
                r["locations"][0]["physicalLocation"]["region"]["startLine"]
                    .as_u64()
                    .unwrap(),
                r["partialFingerprints"]["speclintFingerprint/v1"]
                    .as_str()
                    .unwrap()
                    .to_string(),
            )
        })
        .collect()
}

#[test]
fn fingerprints_survive_line_shifts() {
    let source = testdata().join("examples/spark-operator-upgrade");
    let shifted = tempfile::tempdir().unwrap();
    for file in ["rendered.yaml", "cluster-state.yaml"] {
        let text = std::fs::read_to_string(source.join(file)).unwrap();
        std::fs::write(shifted.path().join(file), format!("\n{text}")).unwrap();
    }
    let before = fingerprints(&sarif(&run_format(&source, "sarif", &[])));
    let after = fingerprints(&sarif(&run_format(shifted.path(), "sarif", &[])));
    assert!(!before.is_empty());
    assert_eq!(before.len(), after.len());
    for ((line_before, print_before), (line_after, print_after)) in before.iter().zip(&after) {
        assert_eq!(line_before + 1, *line_after);
        assert_eq!(print_before, print_after);
    }
    let mut unique: Vec<&String> = before.iter().map(|(_, p)| p).collect();
    unique.sort();
    unique.dedup();
    assert_eq!(unique.len(), before.len(), "fingerprints are distinct");
}

#[test]
fn output_writes_the_file_and_summarises_on_stderr() {
    let dir = testdata().join("examples/spark-operator-upgrade");
    let out = tempfile::tempdir().unwrap();
    for format in [
        "human", "json", "concise", "github", "junit", "sarif", "markdown",
    ] {
        let path = out.path().join(format!("report.{format}"));
        let to_stdout = run_format(&dir, format, &["--color", "never"]);
        let to_file = run_format(
            &dir,
            format,
            &["--color", "never", "--output", path.to_str().unwrap()],
        );
        assert_eq!(to_file.code, 1);
        assert_eq!(to_file.stdout, "");
        assert_eq!(to_file.stderr, "speclint: 3 errors, 0 warnings, 2 notes\n");
        assert_eq!(
            std::fs::read_to_string(&path).unwrap(),
            to_stdout.stdout,
            "{format}"
        );
    }
    let bad = run_format(&dir, "sarif", &["--output", "/nonexistent/dir/x.sarif"]);
    assert_eq!(bad.code, 2);
    assert!(
        bad.stderr.starts_with("error: cannot write"),
        "{}",
        bad.stderr
    );
}

#[test]
fn quiet_prints_nothing_without_errors() {
    let clean = testdata().join("cases/hostname-ok");
    for format in FORMATS {
        let run = run_format(&clean, format, &["--quiet", "--statistics"]);
        assert_eq!(
            (run.code, run.stdout.as_str(), run.stderr.as_str()),
            (0, "", "")
        );
    }
    let broken = testdata().join("cases/hostname-renamed-service");
    let loud = run_format(&broken, "concise", &[]);
    let quiet = run_format(&broken, "concise", &["--quiet"]);
    assert_eq!(quiet.code, 1);
    assert_eq!(quiet.stdout, loud.stdout);
    // --output is still written under --quiet.
    let out = tempfile::tempdir().unwrap();
    let path = out.path().join("clean.sarif");
    let run = run_format(&clean, "sarif", &["--quiet", "-o", path.to_str().unwrap()]);
    assert_eq!(
        (run.code, run.stdout.as_str(), run.stderr.as_str()),
        (0, "", "")
    );
    let written: Value = serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
    assert_eq!(written["version"], "2.1.0");
}

#[test]
fn statistics_count_per_rule_on_stderr() {
    let dir = testdata().join("examples/spark-operator-upgrade");
    let plain = run_format(&dir, "concise", &[]);
    let run = run_format(&dir, "concise", &["--statistics"]);
    assert_eq!(run.stdout, plain.stdout);
    assert_eq!(run.stderr, "3  webhook-hostname\n2  ca-bundle-empty\n");
}

#[test]
fn no_format_prints_secret_material() {
    let fragments = secret_fragments();
    assert!(fragments.len() > 10);
    for (name, dir) in all_fixtures() {
        for format in FORMATS {
            let run = run_format(&dir, format, &["--statistics"]);
            for fragment in &fragments {
                assert!(
                    !run.stdout.contains(fragment.as_str())
                        && !run.stderr.contains(fragment.as_str()),
                    "{name} ({format}) prints secret material {fragment}"
                );
            }
        }
    }
}

/// testdata/cases/secret-canary holds recognisable values in data, stringData, a block scalar
/// and a broken Secret document; findings point right at some of them.
#[test]
fn the_canary_secret_appears_in_no_output() {
    let dir = testdata().join("cases/secret-canary");
    let needles = ["CANARY", "U1BFQ0xJTlQtQ0FOQVJZLVBBU1NXT1JELWRhdGE="];
    let input = std::fs::read_to_string(dir.join("input.yaml")).unwrap();
    assert!(
        needles.iter().all(|n| input.contains(n)),
        "the fixture holds them"
    );
    let check = |what: &str, text: &str| {
        for needle in needles {
            assert!(!text.contains(needle), "{what} prints {needle}:\n{text}");
        }
    };
    let out = tempfile::tempdir().unwrap();
    let report = out.path().join("report");
    let baseline = out.path().join("baseline.json");
    for format in ["human", "json", "concise", "github", "junit", "sarif"] {
        for color in ["always", "never"] {
            let run = speclint(
                &dir,
                &[
                    "--format",
                    format,
                    "--color",
                    color,
                    "--statistics",
                    "input.yaml",
                ],
            );
            assert_eq!(run.code, 1, "{format}: the fixture has errors");
            check(format, &run.stdout);
            check(format, &run.stderr);
        }
        let report_arg = report.display().to_string();
        let run = speclint(&dir, &["--format", format, "-o", &report_arg, "input.yaml"]);
        check(format, &run.stderr);
        check(format, &std::fs::read_to_string(&report).unwrap());
    }
    let baseline_arg = baseline.display().to_string();
    speclint(&dir, &["--write-baseline", &baseline_arg, "input.yaml"]);
    check("baseline", &std::fs::read_to_string(&baseline).unwrap());
    for format in ["human", "json"] {
        let run = Command::new(BIN)
            .args(["tls", "inspect", "--format", format, "input.yaml"])
            .current_dir(&dir)
            .output()
            .unwrap();
        let stdout = String::from_utf8(run.stdout).unwrap();
        assert!(stdout.contains("caBundle"), "tls inspect ran: {stdout}");
        check("tls inspect", &stdout);
        check("tls inspect", &String::from_utf8(run.stderr).unwrap());
    }
}

/// Markdown: a table row per finding (up to the cap), each with the table's six cells, and
/// no raw HTML from the inputs.
#[test]
fn markdown_tables_hold_every_finding() {
    for (name, dir) in all_fixtures() {
        let json = run_format(&dir, "json", &[]);
        let value: Value = serde_json::from_str(&json.stdout).unwrap();
        let diags = value["diagnostics"].as_array().unwrap();
        let run = run_format(&dir, "markdown", &[]);
        assert_eq!(run.code, json.code, "{name}: exit code");
        assert!(run.stdout.starts_with("### speclint\n\n"), "{name}");
        let rows: Vec<&str> = (run.stdout.lines())
            .filter(|l| l.starts_with("| ") && !l.starts_with("| # "))
            .collect();
        assert_eq!(rows.len(), diags.len().min(100), "{name}");
        for (row, d) in rows.iter().zip(diags) {
            assert_eq!(table_cells(row), 6, "{name}: {row}");
            let rule = format!(" | `{}` | ", d["rule"].as_str().unwrap());
            assert!(row.contains(&rule), "{name}: {row}");
        }
        assert!(!run.stdout.contains("<script"), "{name}");
    }
}

/// Cells of a table row as GitHub splits it: at each `|` not after a backslash.
fn table_cells(row: &str) -> usize {
    let (mut pipes, mut escaped) = (0, false);
    for c in row.chars() {
        pipes += usize::from(c == '|' && !escaped);
        escaped = c == '\\';
    }
    pipes - 1
}

#[test]
fn markdown_of_hostile_names() {
    let dir = testdata().join("hostile/names");
    let run = speclint(&dir, &["--format", "markdown", "input.yaml"]);
    assert_eq!(run.code, 1);
    for row in run.stdout.lines().filter(|l| l.starts_with("| ")) {
        assert_eq!(table_cells(row), 6, "{row}");
    }
    insta::assert_snapshot!("hostile-names__markdown", run.stdout);
}

/// A run with thousands of findings writes a bounded document: GitHub takes at most 1 MiB
/// per step summary.
#[test]
fn markdown_of_a_huge_run_stays_small() {
    let dir = tempfile::tempdir().unwrap();
    let mut yaml = String::new();
    for i in 0..5000 {
        let long = "x".repeat(200);
        yaml.push_str(&format!(
            "---\napiVersion: admissionregistration.k8s.io/v1\nkind: ValidatingWebhookConfiguration\n\
             metadata:\n  name: \"hook-{i}-<b>|`{long}\"\nwebhooks:\n  - name: v{i}.example.org\n    \
             admissionReviewVersions: [\"v1\"]\n    sideEffects: None\n    clientConfig:\n      \
             service:\n        name: \"missing-{i}-<i>|{long}\"\n        namespace: ns\n"
        ));
    }
    std::fs::write(dir.path().join("many.yaml"), yaml).unwrap();
    let json = speclint(dir.path(), &["--format", "json", "many.yaml"]);
    let value: Value = serde_json::from_str(&json.stdout).unwrap();
    let findings = value["diagnostics"].as_array().unwrap().len();
    assert!(findings >= 5000, "{findings}");
    let run = speclint(dir.path(), &["--format", "markdown", "many.yaml"]);
    assert_eq!(run.code, json.code);
    assert!(run.stdout.len() < 320 * 1024, "{} bytes", run.stdout.len());
    assert!(
        run.stdout
            .contains("more findings not shown; `speclint --format json` lists them all."),
        "{}",
        run.stdout
    );
    assert!(run.stdout.contains("<details><summary>"));
}
