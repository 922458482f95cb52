//! The JSON Schemas under `schemas/`: `speclint schema` prints them as committed, and every
//! JSON output of the fixtures (lint reports, `rules`, `tls inspect`) validates against them.

use jsonschema::Validator;
use serde_json::{json, Value};
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

mod common;

use common::{list, testdata};

const BIN: &str = env!("CARGO_BIN_EXE_speclint");
const NOW: &str = "2026-11-27T00:00:00Z";

/// `speclint schema` argument and the file it prints.
const SCHEMAS: &[(&str, &str)] = &[
    ("report", "report-v1.schema.json"),
    ("rules", "rules-v1.schema.json"),
    ("inspect", "inspect-v1.schema.json"),
];

fn speclint(dir: &Path, args: &[&str], stdin: &[u8]) -> Output {
    use std::io::Write;
    let mut child = Command::new(BIN)
        .args(args)
        .current_dir(dir)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("speclint runs");
    child.stdin.take().unwrap().write_all(stdin).unwrap();
    child.wait_with_output().unwrap()
}

fn json_of(run: &Output, what: &str) -> Value {
    serde_json::from_slice(&run.stdout).unwrap_or_else(|e| {
        panic!(
            "{what}: not JSON ({e}), {}: {}{}",
            run.status,
            String::from_utf8_lossy(&run.stdout),
            String::from_utf8_lossy(&run.stderr)
        )
    })
}

fn committed(file: &str) -> String {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("schemas")
        .join(file);
    std::fs::read_to_string(path).unwrap()
}

fn validator(file: &str) -> Validator {
    let schema: Value = serde_json::from_str(&committed(file)).unwrap();
    jsonschema::draft202012::new(&schema).unwrap_or_else(|e| panic!("{file}: {e}"))
}

/// Every way `document` breaks `validator`, one line each; empty when it validates.
fn violations(validator: &Validator, document: &Value) -> Vec<String> {
    validator
        .iter_errors(document)
        .map(|e| format!("{}: {e}", e.instance_path()))
        .collect()
}

/// Validates every document, then fails listing each one that does not.
fn assert_all_valid(file: &str, documents: &[(String, Value)]) {
    let validator = validator(file);
    let failures: Vec<String> = documents
        .iter()
        .filter_map(|(name, document)| {
            let found = violations(&validator, document);
            (!found.is_empty()).then(|| format!("{name}:\n  {}", found.join("\n  ")))
        })
        .collect();
    assert!(
        failures.is_empty(),
        "{} of {} documents break {file}:\n{}",
        failures.len(),
        documents.len(),
        failures.join("\n")
    );
}

/// The arguments of an optional `args` file: a line may hold several (the cases' files do).
fn args_file(path: &Path) -> Vec<String> {
    list(path)
        .iter()
        .flat_map(|line| line.split_whitespace())
        .map(str::to_string)
        .collect()
}

fn subdirectories(dir: &Path) -> Vec<PathBuf> {
    let mut dirs: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.is_dir())
        .collect();
    dirs.sort();
    dirs
}

/// Every file under `dir` whose name ends with one of `extensions`, sorted.
fn files_under(dir: &Path, extensions: &[&str]) -> Vec<PathBuf> {
    let mut found = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            found.extend(files_under(&path, extensions));
        } else if extensions
            .iter()
            .any(|e| path.to_string_lossy().ends_with(e))
        {
            found.push(path);
        }
    }
    found.sort();
    found
}

/// The lint report of one fixture: a directory (with its case's and its own `args`) or a file.
fn lint_report(path: &Path, extra: &[String]) -> (String, Value) {
    let name = path.strip_prefix(testdata()).unwrap().display().to_string();
    let (dir, input) = if path.is_dir() {
        (path, ".".to_string())
    } else {
        let file = path.file_name().unwrap().to_string_lossy().into_owned();
        (path.parent().unwrap(), file)
    };
    let mut args = vec!["--no-config", "--format", "json"];
    if !extra.iter().any(|a| a == "--now") {
        args.extend(["--now", NOW]);
    }
    args.extend(extra.iter().map(String::as_str));
    args.push(&input);
    let run = speclint(dir, &args, b"");
    let report = json_of(&run, &name);
    (name, report)
}

/// Reports over every fixture: cases, examples, real-world charts, rule cases and safety files.
fn every_lint_report() -> Vec<(String, Value)> {
    let data = testdata();
    let mut reports = Vec::new();
    for group in ["cases", "examples", "realworld"] {
        for dir in subdirectories(&data.join(group)) {
            let extra = args_file(&dir.join("args"));
            reports.push(lint_report(&dir, &extra));
        }
    }
    for case in subdirectories(&data.join("rules")) {
        for side in ["fires", "quiet"] {
            let dir = case.join(side);
            let mut extra = args_file(&case.join("args"));
            extra.extend(args_file(&dir.join("args")));
            reports.push(lint_report(&dir, &extra));
        }
    }
    for file in files_under(&data.join("safety"), &[".yaml"]) {
        reports.push(lint_report(&file, &[]));
    }
    reports
}

fn inspect(dir: &Path, input: &str, stdin: &[u8]) -> Value {
    let run = speclint(
        dir,
        &["tls", "inspect", "--format", "json", "--now", NOW, input],
        stdin,
    );
    assert!(
        run.status.success(),
        "tls inspect {input}: {}",
        String::from_utf8_lossy(&run.stderr)
    );
    json_of(&run, input)
}

/// PEM with what the fixtures lack: a block that is neither a certificate nor a key, and
/// a private key Go cannot parse.
const ODD_PEM: &str = "-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----\n\
-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n";

/// `tls inspect` over every certificate and key file, its own fixtures, every case's
/// manifest, and `ODD_PEM`.
fn every_inspect_report() -> Vec<(String, Value)> {
    let data = testdata();
    let mut inputs = files_under(&data, &[".pem", ".crt", ".key"]);
    // `tls inspect`'s own fixtures: manifests, base64, a `kubectl get -o json` list.
    let cli = data.join("tls/cli");
    inputs.extend(files_under(&cli, &[".yaml", ".b64"]));
    inputs.push(cli.join("list.json"));
    inputs.extend(
        subdirectories(&data.join("cases"))
            .into_iter()
            .map(|dir| dir.join("input.yaml"))
            .filter(|file| file.is_file()),
    );
    let mut reports: Vec<(String, Value)> = inputs
        .iter()
        .map(|path| {
            let name = path.strip_prefix(&data).unwrap().display().to_string();
            let report = inspect(&data, &name, b"");
            (name, report)
        })
        .collect();
    reports.push(("ODD_PEM".into(), inspect(&data, "-", ODD_PEM.as_bytes())));
    reports
}

#[test]
fn schema_prints_the_committed_files() {
    let meta = jsonschema::draft202012::meta::validator();
    for (output, file) in SCHEMAS {
        let run = speclint(&testdata(), &["schema", output], b"");
        assert!(run.status.success(), "speclint schema {output}: {run:?}");
        let printed = String::from_utf8(run.stdout).unwrap();
        assert_eq!(printed, committed(file), "speclint schema {output}");
        let schema: Value = serde_json::from_str(&printed).unwrap();
        assert!(meta.is_valid(&schema), "{file} is no JSON Schema 2020-12");
        assert_eq!(
            schema["$schema"],
            "https://json-schema.org/draft/2020-12/schema"
        );
        assert_eq!(
            schema["$id"],
            format!("https://speclint.dev/schemas/{file}")
        );
    }
    let default = speclint(&testdata(), &["schema"], b"");
    assert_eq!(
        default.stdout,
        committed("report-v1.schema.json").as_bytes()
    );
}

#[test]
fn report_schema_is_of_the_reports_version() {
    let (_, report) = lint_report(&testdata().join("cases/hostname-ok"), &[]);
    let version = report["version"]
        .as_u64()
        .expect("the report has a version");
    let schema: Value = serde_json::from_str(&committed("report-v1.schema.json")).unwrap();
    assert_eq!(schema["properties"]["version"]["const"], json!(version));
    assert!(
        schema["$id"]
            .as_str()
            .unwrap()
            .ends_with(&format!("/report-v{version}.schema.json")),
        "the schema's file and $id name the version it describes"
    );
}

#[test]
fn every_lint_report_validates() {
    let reports = every_lint_report();
    assert!(reports.len() > 200, "only {} reports", reports.len());
    let endpoints: usize = reports
        .iter()
        .map(|(_, r)| r["endpoints"].as_array().unwrap().len())
        .sum();
    assert!(
        endpoints > 100,
        "the fixtures give only {endpoints} endpoints"
    );
    assert_all_valid("report-v1.schema.json", &reports);
}

#[test]
fn rules_output_validates() {
    let run = speclint(&testdata(), &["rules", "--format", "json"], b"");
    let rules = json_of(&run, "rules");
    assert_all_valid("rules-v1.schema.json", &[("rules".into(), rules)]);
}

#[test]
fn every_inspect_output_validates() {
    let reports = every_inspect_report();
    let count = |field: &str| -> usize {
        reports
            .iter()
            .map(|(_, r)| r[field].as_array().unwrap().len())
            .sum()
    };
    for field in [
        "certificates",
        "private_keys",
        "ca_bundles",
        "other_pem_blocks",
        "problems",
    ] {
        assert!(count(field) > 0, "no input gives any of {field}");
    }
    assert_all_valid("inspect-v1.schema.json", &reports);
}

/// A real document with one thing changed must be rejected: the schemas are closed and
/// their enums are exact.
#[test]
fn drift_is_rejected() {
    let (_, report) = lint_report(&testdata().join("cases/hostname-renamed-service"), &[]);
    assert!(!report["diagnostics"].as_array().unwrap().is_empty());
    assert!(!report["endpoints"].as_array().unwrap().is_empty());
    let rules = json_of(
        &speclint(&testdata(), &["rules", "--format", "json"], b""),
        "rules",
    );
    let inspected = inspect(&testdata(), "certs/leaf-good.pem", b"");
    type Mutation = fn(&mut Value);
    let cases: &[(&str, &Value, &str, Mutation)] = &[
        ("report-v1.schema.json", &report, "an extra field", |r| {
            r["extra"] = json!(true)
        }),
        ("report-v1.schema.json", &report, "version 2", |r| {
            r["version"] = json!(2)
        }),
        (
            "report-v1.schema.json",
            &report,
            "a severity of fatal",
            |r| r["diagnostics"][0]["severity"] = json!("fatal"),
        ),
        (
            "report-v1.schema.json",
            &report,
            "a diagnostic's extra field",
            |r| r["diagnostics"][0]["url"] = json!("https://example.com"),
        ),
        (
            "report-v1.schema.json",
            &report,
            "a missing summary count",
            |r| {
                r["summary"].as_object_mut().unwrap().remove("notes");
            },
        ),
        (
            "report-v1.schema.json",
            &report,
            "a verdict of maybe",
            |r| r["endpoints"][0]["verdict"] = json!("maybe"),
        ),
        (
            "report-v1.schema.json",
            &report,
            "an unknown certificate source",
            |r| r["endpoints"][0]["certificate"]["source"] = json!("vault"),
        ),
        ("rules-v1.schema.json", &rules, "a severity of info", |r| {
            r[0]["severity"] = json!("info")
        }),
        (
            "inspect-v1.schema.json",
            &inspected,
            "a validity of soon",
            |r| r["certificates"][0]["validity"] = json!("soon"),
        ),
    ];
    for (file, document, change, mutate) in cases {
        let validator = validator(file);
        assert!(
            violations(&validator, document).is_empty(),
            "{file}: the document before {change}"
        );
        let mut changed = (*document).clone();
        mutate(&mut changed);
        assert!(
            !violations(&validator, &changed).is_empty(),
            "{file} accepts {change}"
        );
    }
}
