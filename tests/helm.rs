//! Helm charts among the inputs: skipped with a note by default, rendered with `--helm`.
//! A fake `helm` on PATH records its arguments and prints a render, so this runs offline.

use std::path::Path;
use std::process::Command;

mod common;

use common::{fake_helm, testdata, Run};

const BIN: &str = env!("CARGO_BIN_EXE_speclint");
const NOW: &str = "2026-11-27T00:00:00Z";

/// Runs speclint from testdata/ with PATH = `path`.
fn speclint(path: &str, args: &[&str]) -> Run {
    let out = Command::new(BIN)
        .args(["--no-config", "--now", NOW, "--color", "never"])
        .args(args)
        .current_dir(testdata())
        .env("PATH", path)
        .output()
        .unwrap();
    Run::from(out)
}

fn path_with(dir: &Path) -> String {
    format!("{}:/usr/bin:/bin", dir.display())
}

#[test]
fn chart_templates_are_skipped_with_a_note_not_reported_as_broken_yaml() {
    let run = speclint("/usr/bin:/bin", &["charts/demo"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    // Chart.yaml and values.yaml are read, and hold no object: nothing was checked, and
    // no "no problems" line says otherwise.
    assert_eq!(run.stdout, "");
    assert_eq!(
        run.stderr,
        "note: skipped 2 template files of the Helm chart charts/demo: templates are not manifests until rendered; --helm renders the chart with `helm template`\n\
         warning: no Kubernetes objects found in the 2 inputs; nothing was checked\n"
    );
    let quiet = speclint("/usr/bin:/bin", &["--quiet", "charts/demo"]);
    assert_eq!(quiet.stderr, "");
}

#[cfg(unix)]
#[test]
fn helm_renders_each_chart_once_and_its_output_is_linted() {
    let render = testdata().join("cases/hostname-renamed-service/input.yaml");
    let helm = fake_helm(&render, None);
    // As pre-commit passes them: several files of one chart.
    let run = speclint(
        &path_with(helm.path()),
        &[
            "--helm",
            "-n",
            "webhooks",
            "--helm-release",
            "demo",
            "--helm-arg=--values=charts/demo/values.yaml",
            "--format",
            "concise",
            "charts/demo/templates/webhook.yaml",
            "charts/demo/values.yaml",
            "charts/demo/Chart.yaml",
        ],
    );
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert_eq!(
        run.stdout.lines().next().unwrap(),
        "<helm template charts/demo>:70:15: error[webhook-hostname] x509: certificate is valid for demo-webhook-old, demo-webhook-old.webhooks, demo-webhook-old.webhooks.svc, not demo-webhook.webhooks.svc"
    );
    let calls = std::fs::read_to_string(helm.path().join("calls")).unwrap();
    assert_eq!(
        calls,
        "template demo charts/demo --namespace webhooks --include-crds --values=charts/demo/values.yaml\n"
    );

    // The human report names the render and the template it came from.
    let human = speclint(&path_with(helm.path()), &["--helm", "charts/demo"]);
    assert!(
        human
            .stdout
            .contains("--> <helm template charts/demo>:70:15")
            && human
                .stdout
                .contains("= note: rendered from demo/templates/webhook.yaml"),
        "{}",
        human.stdout
    );
}

#[cfg(unix)]
#[test]
fn helm_missing_or_failing_is_a_usage_failure() {
    let missing = speclint("/nonexistent", &["--helm", "charts/demo"]);
    assert_eq!(missing.code, 2);
    assert!(
        missing
            .stderr
            .contains("charts/demo is a Helm chart, and `helm` is not on PATH"),
        "{}",
        missing.stderr
    );
    let helm = fake_helm(
        Path::new("/dev/null"),
        Some(
            "Error: execution error at (demo/templates/webhook.yaml:1:4): serviceName is required",
        ),
    );
    let failing = speclint(&path_with(helm.path()), &["--helm", "charts/demo"]);
    assert_eq!(failing.code, 2);
    assert!(
        failing.stderr.contains("helm template charts/demo failed")
            && failing.stderr.contains("serviceName is required"),
        "{}",
        failing.stderr
    );
}

#[cfg(unix)]
#[test]
fn the_configuration_can_render_charts_and_the_flags_win() {
    let render = testdata().join("cases/hostname-ok/input.yaml");
    let helm = fake_helm(&render, None);
    let project = tempfile::tempdir().unwrap();
    let chart = project.path().join("charts/demo");
    std::fs::create_dir_all(chart.join("templates")).unwrap();
    for file in ["Chart.yaml", "values.yaml", "templates/webhook.yaml"] {
        std::fs::copy(testdata().join("charts/demo").join(file), chart.join(file)).unwrap();
    }
    std::fs::write(
        project.path().join(".speclint.yaml"),
        "namespace: webhooks\nhelm:\n  render: true\n  release: from-config\n  args: [--values=charts/demo/values.yaml]\n",
    )
    .unwrap();
    let run = |args: &[&str]| {
        Command::new(BIN)
            .args(["--now", NOW])
            .args(args)
            .arg("charts")
            .current_dir(project.path())
            .env("PATH", path_with(helm.path()))
            .output()
            .unwrap()
    };
    let calls = helm.path().join("calls");
    assert_eq!(run(&[]).status.code(), Some(0));
    assert_eq!(
        std::fs::read_to_string(&calls).unwrap(),
        "template from-config charts/demo --namespace webhooks --include-crds --values=charts/demo/values.yaml\n"
    );
    std::fs::remove_file(&calls).unwrap();
    run(&[
        "--helm-release",
        "cli",
        "--helm-arg=--set=a=b",
        "-n",
        "other",
    ]);
    assert_eq!(
        std::fs::read_to_string(&calls).unwrap(),
        "template cli charts/demo --namespace other --include-crds --set=a=b\n"
    );
    std::fs::remove_file(&calls).unwrap();
    let skipped = run(&["--no-config"]);
    assert!(
        !calls.exists(),
        "without the configuration, charts are not rendered"
    );
    assert!(String::from_utf8(skipped.stderr)
        .unwrap()
        .contains("skipped 1 template file of the Helm chart charts/demo"));
}

/// The render is no file: GitHub annotations and SARIF results go to the template that
/// `# Source:` names, under the chart's directory; the render's place stays in the text.
#[cfg(unix)]
#[test]
fn ci_formats_point_at_the_template_file() {
    let render = testdata().join("cases/hostname-renamed-service/input.yaml");
    let helm = fake_helm(&render, None);
    let github = speclint(
        &path_with(helm.path()),
        &["--helm", "--format", "github", "charts/demo"],
    );
    assert!(
        github.stdout.starts_with(
            "::error file=charts/demo/templates/webhook.yaml,title=webhook-hostname::x509: certificate is valid for"
        ) && github
            .stdout
            .contains("%0A(rendered at <helm template charts/demo>:70:15)"),
        "{}",
        github.stdout
    );
    let sarif = speclint(
        &path_with(helm.path()),
        &["--helm", "--format", "sarif", "charts/demo"],
    );
    let value: serde_json::Value = serde_json::from_str(&sarif.stdout).unwrap();
    let result = &value["runs"][0]["results"][0];
    let location = &result["locations"][0]["physicalLocation"];
    assert_eq!(
        location["artifactLocation"]["uri"],
        "charts/demo/templates/webhook.yaml"
    );
    let template_lines =
        std::fs::read_to_string(testdata().join("charts/demo/templates/webhook.yaml"))
            .unwrap()
            .lines()
            .count();
    assert_eq!(location["region"]["endLine"], template_lines);
    let related = result["relatedLocations"].as_array().unwrap();
    let rendered = related.last().unwrap();
    assert_eq!(
        rendered["message"]["text"],
        "where helm template rendered it"
    );
    assert_eq!(rendered["physicalLocation"]["region"]["startLine"], 70);
}

/// `helm template x DIR | speclint --stdin-chart DIR`: the render is named and placed as
/// speclint's own render of DIR would be; DIR must be a chart, and standard input read.
#[test]
fn stdin_chart_names_the_render_and_places_findings_on_templates() {
    let render =
        std::fs::read(testdata().join("cases/hostname-renamed-service/input.yaml")).unwrap();
    let run = |args: &[&str]| {
        let mut child = Command::new(BIN)
            .args(["--no-config", "--now", NOW, "--color", "never"])
            .args(args)
            .current_dir(testdata())
            .stdin(std::process::Stdio::piped())
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .unwrap();
        use std::io::Write;
        let _ = child.stdin.take().unwrap().write_all(&render);
        Run::from(child.wait_with_output().unwrap())
    };
    let concise = run(&["--stdin-chart", "charts/demo", "--format", "concise"]);
    assert_eq!(concise.code, 1, "{}", concise.stderr);
    assert!(
        concise
            .stdout
            .starts_with("<helm template charts/demo>:70:15: error[webhook-hostname]"),
        "{}",
        concise.stdout
    );
    let sarif = run(&["--stdin-chart", "charts/demo", "--format", "sarif", "-"]);
    let report: serde_json::Value = serde_json::from_str(&sarif.stdout).unwrap();
    assert_eq!(
        report["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["artifactLocation"]
            ["uri"],
        "charts/demo/templates/webhook.yaml"
    );

    let not_a_chart = run(&["--stdin-chart", "cases"]);
    assert_eq!(not_a_chart.code, 2);
    assert!(
        not_a_chart
            .stderr
            .contains("--stdin-chart cases: no Chart.yaml there"),
        "{}",
        not_a_chart.stderr
    );
    let not_read = run(&[
        "--stdin-chart",
        "charts/demo",
        "cases/hostname-ok/input.yaml",
    ]);
    assert_eq!(not_read.code, 2);
    assert!(
        not_read
            .stderr
            .contains("standard input, which is not read"),
        "{}",
        not_read.stderr
    );
}
