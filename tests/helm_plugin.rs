//! The Helm plugin (plugin.yaml, scripts/helm-speclint.sh): `helm speclint CHART [helm
//! template flags] [-- speclint flags]` renders with `helm template` and lints the render.
//! Helm runs the plugin's command with HELM_BIN, HELM_PLUGIN_DIR and HELM_NAMESPACE set; here
//! a stand-in helm prints a render and records its arguments, so this runs offline.
#![cfg(unix)]

use std::path::{Path, PathBuf};
use std::process::Command;

mod common;

use common::{fake_helm, testdata, Run};

const BIN: &str = env!("CARGO_BIN_EXE_speclint");
const NOW: &str = "2026-11-27T00:00:00Z";

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Runs the plugin's command as helm would (plugin.yaml: `bash scripts/helm-speclint.sh`),
/// from testdata/, with `env` on top of a PATH that holds no speclint.
fn plugin(args: &[&str], env: &[(&str, &Path)]) -> Run {
    let mut command = Command::new("bash");
    command
        .arg(root().join("scripts/helm-speclint.sh"))
        .args(args)
        .current_dir(testdata())
        .env_clear()
        .env("PATH", "/usr/bin:/bin")
        .env("HELM_PLUGIN_DIR", root());
    for (name, value) in env {
        command.env(name, value);
    }
    let out = command.output().unwrap();
    Run::from(out)
}

/// A speclint that records its arguments in `calls`, then runs the real one.
fn recording_speclint(dir: &Path) -> PathBuf {
    let path = dir.join("speclint");
    let script = format!(
        "#!/bin/sh\nprintf '%s\\n' \"$*\" >> '{}'\nexec '{BIN}' \"$@\"\n",
        dir.join("calls").display()
    );
    common::write_script(&path, &script);
    path
}

fn calls(dir: &Path) -> String {
    std::fs::read_to_string(dir.join("calls")).unwrap_or_default()
}

const LINT_FLAGS: [&str; 5] = ["--no-config", "--now", NOW, "--color", "never"];

#[test]
fn renders_the_chart_and_lints_it_with_the_template_of_each_finding() {
    let render = testdata().join("cases/hostname-renamed-service/input.yaml");
    let helm = fake_helm(&render, None);
    let speclint_dir = tempfile::tempdir().unwrap();
    let speclint = recording_speclint(speclint_dir.path());
    let mut args = vec![
        "demo",
        "charts/demo",
        "-n",
        "webhooks",
        "--set",
        "webhook.port=8443",
        "--",
    ];
    args.extend(LINT_FLAGS);
    let run = plugin(
        &args,
        &[
            ("HELM_BIN", &helm.path().join("helm")),
            ("SPECLINT_BIN", &speclint),
        ],
    );
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(
        run.stdout.starts_with(
            "error[webhook-hostname]: x509: certificate is valid for demo-webhook-old, demo-webhook-old.webhooks, demo-webhook-old.webhooks.svc, not demo-webhook.webhooks.svc\n  --> <helm template charts/demo>:70:15"
        ),
        "{}",
        run.stdout
    );
    // The render is named after the chart on disk, and its `# Source:` comments name the
    // template behind the finding.
    assert!(
        run.stdout
            .contains("= note: rendered from demo/templates/webhook.yaml"),
        "{}",
        run.stdout
    );
    // helm gets every argument before `--`, and the chart's CRDs.
    assert_eq!(
        std::fs::read_to_string(helm.path().join("calls")).unwrap(),
        "template demo charts/demo -n webhooks --set webhook.port=8443 --include-crds\n"
    );
    // speclint gets the namespace helm renders into, the arguments after `--`, and the render.
    assert_eq!(
        calls(speclint_dir.path()),
        format!(
            "--namespace webhooks --stdin-chart charts/demo {} -\n",
            LINT_FLAGS.join(" ")
        )
    );
}

#[test]
fn the_namespace_comes_from_the_flags_or_from_helm_and_speclint_may_set_its_own() {
    let render = testdata().join("cases/hostname-ok/input.yaml");
    let helm = fake_helm(&render, None);
    let helm_bin = helm.path().join("helm");
    let cases: [(&[&str], Option<&str>, &str); 5] = [
        (
            &["charts/demo", "--namespace=ops"],
            None,
            "--namespace ops --stdin-chart charts/demo -\n",
        ),
        (
            &["charts/demo", "-nops"],
            Some("default"),
            "--namespace ops --stdin-chart charts/demo -\n",
        ),
        (
            &["charts/demo"],
            Some("from-context"),
            "--namespace from-context --stdin-chart charts/demo -\n",
        ),
        (&["charts/demo"], None, "--stdin-chart charts/demo -\n"),
        (
            &["charts/demo", "-n", "ops", "--", "-n", "mine"],
            None,
            "--stdin-chart charts/demo -n mine -\n",
        ),
    ];
    for (args, helm_namespace, expected) in cases {
        let speclint_dir = tempfile::tempdir().unwrap();
        let speclint = recording_speclint(speclint_dir.path());
        let namespace_value = helm_namespace.map(PathBuf::from);
        let mut env: Vec<(&str, &Path)> =
            vec![("HELM_BIN", &helm_bin), ("SPECLINT_BIN", &speclint)];
        if let Some(value) = &namespace_value {
            env.push(("HELM_NAMESPACE", value));
        }
        let run = plugin(args, &env);
        assert_eq!(run.code, 0, "{args:?}: {}", run.stderr);
        assert_eq!(
            calls(speclint_dir.path()),
            expected,
            "{args:?} {helm_namespace:?}"
        );
    }
}

/// A stand-in helm rendering a webhook called by a name its certificate lacks, and the
/// speclint under test.
fn renamed_service() -> (tempfile::TempDir, PathBuf) {
    let render = testdata().join("cases/hostname-renamed-service/input.yaml");
    (fake_helm(&render, None), PathBuf::from(BIN))
}

#[test]
fn speclint_flags_pass_through_and_its_exit_status_is_the_plugins() {
    let (helm, bin) = renamed_service();
    let helm_bin = helm.path().join("helm");
    let env = [
        ("HELM_BIN", helm_bin.as_path()),
        ("SPECLINT_BIN", bin.as_path()),
    ];

    let mut args = vec!["charts/demo", "--"];
    args.extend(LINT_FLAGS);
    args.extend(["--format", "json"]);
    let json = plugin(&args, &env);
    assert_eq!(json.code, 1, "{}", json.stderr);
    let report: serde_json::Value = serde_json::from_str(&json.stdout).unwrap();
    assert_eq!(report["summary"]["errors"], 1, "{}", json.stdout);

    // An error below the threshold the user gives: speclint exits 0, so does the plugin.
    let mut args = vec!["charts/demo", "--"];
    args.extend(LINT_FLAGS);
    args.extend(["--disable", "webhook-hostname", "--quiet"]);
    let disabled = plugin(&args, &env);
    assert_eq!(disabled.code, 0, "{}{}", disabled.stdout, disabled.stderr);

    // A clean chart.
    let clean_helm = fake_helm(&testdata().join("cases/hostname-ok/input.yaml"), None);
    let clean_bin = clean_helm.path().join("helm");
    let mut args = vec!["charts/demo", "--"];
    args.extend(LINT_FLAGS);
    let clean = plugin(&args, &[("HELM_BIN", &clean_bin), ("SPECLINT_BIN", &bin)]);
    assert_eq!(clean.code, 0, "{}{}", clean.stdout, clean.stderr);

    // A usage error of speclint's is its exit status 2.
    let usage = plugin(&["charts/demo", "--", "--no-such-flag"], &env);
    assert_eq!(usage.code, 2, "{}", usage.stderr);
}

/// A chart on disk: the github and sarif reports place findings on its template files.
/// A chart helm fetches (repo/name, oci://) has none on disk; the user may name it too.
#[test]
fn findings_of_a_chart_on_disk_are_placed_on_its_template_files() {
    let (helm, bin) = renamed_service();
    let helm_bin = helm.path().join("helm");
    let env = [
        ("HELM_BIN", helm_bin.as_path()),
        ("SPECLINT_BIN", bin.as_path()),
    ];
    let github = plugin(
        &[
            "demo",
            "charts/demo",
            "--",
            "--no-config",
            "--now",
            NOW,
            "--format",
            "github",
        ],
        &env,
    );
    assert_eq!(github.code, 1, "{}", github.stderr);
    assert!(
        github.stdout.starts_with(
            "::error file=charts/demo/templates/webhook.yaml,title=webhook-hostname::x509: certificate is valid for demo-webhook-old"
        ),
        "{}",
        github.stdout
    );
    assert!(github
        .stdout
        .contains("(rendered at <helm template charts/demo>:70:15)"));

    let speclint_dir = tempfile::tempdir().unwrap();
    let speclint = recording_speclint(speclint_dir.path());
    let recorded = [
        ("HELM_BIN", helm_bin.as_path()),
        ("SPECLINT_BIN", speclint.as_path()),
    ];
    plugin(&["demo", "example/demo", "--version", "1.2.3"], &recorded);
    plugin(
        &["demo", "charts/demo", "--", "--stdin-chart=charts/demo"],
        &recorded,
    );
    assert_eq!(
        calls(speclint_dir.path()),
        "-\n--stdin-chart=charts/demo -\n",
        "no chart on disk, then the user's own --stdin-chart"
    );
}

#[test]
fn a_failing_render_is_a_usage_failure_and_is_not_linted() {
    let helm = fake_helm(
        Path::new("/dev/null"),
        Some(
            "Error: execution error at (demo/templates/webhook.yaml:3:4): webhook.port is required",
        ),
    );
    let speclint_dir = tempfile::tempdir().unwrap();
    let speclint = recording_speclint(speclint_dir.path());
    let run = plugin(
        &["charts/demo"],
        &[
            ("HELM_BIN", &helm.path().join("helm")),
            ("SPECLINT_BIN", &speclint),
        ],
    );
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(
        run.stderr.contains("webhook.port is required"),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr
            .contains("helm speclint: helm template failed (exit status 1); nothing was linted"),
        "{}",
        run.stderr
    );
    assert_eq!(
        calls(speclint_dir.path()),
        "",
        "speclint ran on a failed render"
    );
}

#[test]
fn usage_help_and_a_missing_speclint() {
    let none = plugin(&[], &[]);
    assert_eq!(none.code, 2);
    assert!(
        none.stderr.contains("helm speclint [NAME] CHART"),
        "{}",
        none.stderr
    );
    let help = plugin(&["--help"], &[]);
    assert_eq!(help.code, 0);
    assert!(help
        .stdout
        .contains("Everything before `--` goes to `helm template`"));

    // No SPECLINT_BIN, nothing in the plugin's bin/, none on PATH.
    let empty = tempfile::tempdir().unwrap();
    let helm = fake_helm(&testdata().join("cases/hostname-ok/input.yaml"), None);
    let run = plugin(
        &["charts/demo"],
        &[
            ("HELM_BIN", &helm.path().join("helm")),
            ("HELM_PLUGIN_DIR", empty.path()),
        ],
    );
    assert_eq!(run.code, 2);
    assert!(
        run.stderr.contains("speclint is not installed"),
        "{}",
        run.stderr
    );
}

#[test]
fn the_binary_the_install_hook_put_in_the_plugins_bin_is_used() {
    let plugin_dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(plugin_dir.path().join("bin")).unwrap();
    let speclint = recording_speclint(&plugin_dir.path().join("bin"));
    assert!(speclint.ends_with("bin/speclint"));
    let helm = fake_helm(&testdata().join("cases/hostname-ok/input.yaml"), None);
    let run = plugin(
        &["charts/demo", "--", "--no-config"],
        &[
            ("HELM_BIN", &helm.path().join("helm")),
            ("HELM_PLUGIN_DIR", plugin_dir.path()),
        ],
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(
        calls(&plugin_dir.path().join("bin")),
        "--stdin-chart charts/demo --no-config -\n"
    );
}

/// The plugin as helm installs it: plugin.yaml and the scripts, in HELM_PLUGIN_DIR.
fn installed_plugin() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::copy(root().join("plugin.yaml"), dir.path().join("plugin.yaml")).unwrap();
    std::fs::create_dir(dir.path().join("scripts")).unwrap();
    for script in ["helm-speclint.sh", "helm-plugin-install.sh", "install.sh"] {
        std::fs::copy(
            root().join("scripts").join(script),
            dir.path().join("scripts").join(script),
        )
        .unwrap();
    }
    dir
}

/// Runs the install hook as plugin.yaml does (`sh scripts/helm-plugin-install.sh`), the
/// releases served from `releases` (file://) for a Linux x86_64 machine.
fn install_hook(plugin_dir: &Path, releases: &Path, path: &str) -> Run {
    let out = Command::new("sh")
        .arg(plugin_dir.join("scripts/helm-plugin-install.sh"))
        .env_clear()
        .env("PATH", path)
        .env("HOME", plugin_dir)
        .env("HELM_PLUGIN_DIR", plugin_dir)
        .env(
            "SPECLINT_DOWNLOAD_BASE",
            format!("file://{}", releases.display()),
        )
        .env("SPECLINT_TARGET", "x86_64-unknown-linux-musl")
        .output()
        .unwrap();
    Run::from(out)
}

#[test]
fn the_install_hook_installs_the_release_of_the_plugins_version_into_its_bin() {
    if !common::release::install_tools() {
        return;
    }
    let releases = tempfile::tempdir().unwrap();
    let version = env!("CARGO_PKG_VERSION");
    common::release::fake_release(
        releases.path(),
        &format!("download/v{version}"),
        "x86_64-unknown-linux-musl",
        &format!("exec '{BIN}' \"$@\""),
    );
    let plugin_dir = installed_plugin();
    let hook = install_hook(plugin_dir.path(), releases.path(), "/usr/bin:/bin");
    assert_eq!(hook.code, 0, "{}{}", hook.stdout, hook.stderr);
    assert!(plugin_dir.path().join("bin/speclint").is_file());

    // The plugin then runs that binary, with no speclint on PATH.
    let helm = fake_helm(
        &testdata().join("cases/hostname-renamed-service/input.yaml"),
        None,
    );
    let run = plugin(
        &["charts/demo", "--", "--no-config", "--now", NOW],
        &[
            ("HELM_BIN", &helm.path().join("helm")),
            ("HELM_PLUGIN_DIR", plugin_dir.path()),
        ],
    );
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(
        run.stdout.contains("error[webhook-hostname]"),
        "{}",
        run.stdout
    );
}

#[test]
fn without_a_release_the_install_hook_falls_back_to_speclint_on_path_or_fails() {
    if !common::release::install_tools() {
        return;
    }
    let no_releases = tempfile::tempdir().unwrap();
    let plugin_dir = installed_plugin();
    let alone = install_hook(plugin_dir.path(), no_releases.path(), "/usr/bin:/bin");
    assert_eq!(alone.code, 1, "{}", alone.stderr);
    assert!(
        alone.stderr.contains(&format!(
            "could not download speclint {}, and none is on PATH",
            env!("CARGO_PKG_VERSION")
        )),
        "{}",
        alone.stderr
    );

    let on_path = tempfile::tempdir().unwrap();
    std::os::unix::fs::symlink(BIN, on_path.path().join("speclint")).unwrap();
    let path = format!("{}:/usr/bin:/bin", on_path.path().display());
    let fallback = install_hook(plugin_dir.path(), no_releases.path(), &path);
    assert_eq!(fallback.code, 0, "{}", fallback.stderr);
    assert!(
        fallback.stderr.contains("using ") && fallback.stderr.contains("speclint 0."),
        "{}",
        fallback.stderr
    );
    assert!(!plugin_dir.path().join("bin/speclint").exists());
}
