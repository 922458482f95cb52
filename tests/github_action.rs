//! The GitHub Action (action.yml, scripts/github-action.sh) driven as the runner drives it:
//! inputs as environment variables, temporary files for GITHUB_OUTPUT, GITHUB_STEP_SUMMARY
//! and GITHUB_PATH, and the speclint under test on PATH (`version: path`). Then
//! scripts/install.sh against fake releases served from `file://` directories. Offline.
#![cfg(unix)]

use std::collections::HashMap;
use std::path::Path;
use std::process::Command;

mod common;

use common::release::{fake_release, install_tools};
use common::{have, testdata};

const BIN: &str = env!("CARGO_BIN_EXE_speclint");
const NOW: &str = "2026-11-27T00:00:00Z";
const TARGET: &str = "x86_64-unknown-linux-musl";

fn repo() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// A command without the runner's variables of the process running the tests (in GitHub
/// Actions they would point at that job's files).
fn clean_command(program: &str) -> Command {
    let mut command = Command::new(program);
    for (key, _) in std::env::vars_os() {
        let key = key.to_string_lossy();
        if ["GITHUB_", "RUNNER_", "INPUT_", "SPECLINT_"]
            .iter()
            .any(|prefix| key.starts_with(prefix))
        {
            command.env_remove(&*key);
        }
    }
    command
}

struct ActionRun {
    code: i32,
    stdout: String,
    stderr: String,
    outputs: HashMap<String, String>,
    summary: String,
    github_path: String,
    temp: tempfile::TempDir,
}

impl ActionRun {
    fn output(&self, name: &str) -> &str {
        self.outputs
            .get(name)
            .unwrap_or_else(|| panic!("no output {name}: {:?}\n{}", self.outputs, self.stderr))
    }
}

/// Runs the action's script with `inputs` (action.yml's names) over `version: path` and
/// `args: --no-config --now NOW` unless `inputs` says otherwise, from an empty directory,
/// with `path` as PATH (default: the directory of the speclint under test, then PATH).
fn action_with(inputs: &[(&str, &str)], env: &[(&str, &str)], path: Option<&str>) -> ActionRun {
    let temp = tempfile::tempdir().unwrap();
    let runner_temp = temp.path().join("runner");
    let cwd = temp.path().join("cwd");
    std::fs::create_dir_all(&runner_temp).unwrap();
    std::fs::create_dir_all(&cwd).unwrap();
    for file in ["output", "summary", "path"] {
        std::fs::write(temp.path().join(file), "").unwrap();
    }
    let default_path = format!(
        "{}:{}",
        Path::new(BIN).parent().unwrap().display(),
        std::env::var("PATH").unwrap_or_default()
    );
    let mut command = clean_command("bash");
    command
        .arg(repo().join("scripts/github-action.sh"))
        .current_dir(&cwd)
        .env("PATH", path.unwrap_or(&default_path))
        .env("RUNNER_TEMP", &runner_temp)
        .env("GITHUB_OUTPUT", temp.path().join("output"))
        .env("GITHUB_STEP_SUMMARY", temp.path().join("summary"))
        .env("GITHUB_PATH", temp.path().join("path"))
        .env("INPUT_VERSION", "path")
        .env("INPUT_ARGS", format!("--no-config --now {NOW}"));
    for (name, value) in inputs {
        command.env(
            format!("INPUT_{}", name.to_uppercase().replace('-', "_")),
            value,
        );
    }
    for (name, value) in env {
        command.env(name, value);
    }
    let out = command.output().unwrap();
    let read = |file: &str| std::fs::read_to_string(temp.path().join(file)).unwrap();
    let outputs = read("output")
        .lines()
        .map(|line| {
            let (key, value) = line.split_once('=').expect("name=value");
            (key.to_string(), value.to_string())
        })
        .collect();
    ActionRun {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8(out.stdout).unwrap(),
        stderr: String::from_utf8(out.stderr).unwrap(),
        outputs,
        summary: read("summary"),
        github_path: read("path"),
        temp,
    }
}

fn action(inputs: &[(&str, &str)]) -> ActionRun {
    action_with(inputs, &[], None)
}

fn spark() -> String {
    testdata()
        .join("examples/spark-operator-upgrade")
        .display()
        .to_string()
}

fn counts(run: &ActionRun) -> [&str; 3] {
    [
        run.output("errors"),
        run.output("warnings"),
        run.output("notes"),
    ]
}

#[test]
fn the_spark_example_gives_its_counts_and_fails_on_errors() {
    let spark = spark();
    let run = action(&[("working-directory", &spark)]);
    assert_eq!(run.code, 1, "{}{}", run.stdout, run.stderr);
    assert_eq!(counts(&run), ["3", "0", "2"]);
    assert_eq!(run.output("exit-code"), "1");
    assert_eq!(run.output("sarif"), "");
    // The log has the default format's annotations, on paths relative to the directory.
    assert!(
        run.stdout
            .contains("::error file=rendered.yaml,line=126,col=13,"),
        "{}",
        run.stdout
    );
    // The job summary holds the Markdown report.
    assert!(
        run.summary.starts_with("### speclint\n")
            && run.summary.contains("**3 errors**")
            && run.summary.contains("| `webhook-hostname` |"),
        "{}",
        run.summary
    );
    // version: path installs nothing.
    assert_eq!(run.github_path, "");
    assert!(!run.temp.path().join("runner/speclint").exists());
}

#[test]
fn fail_on_never_passes_on_findings_and_warning_or_note_fail_sooner() {
    let spark = spark();
    let never = action(&[("working-directory", &spark), ("fail-on", "never")]);
    assert_eq!(never.code, 0, "{}", never.stderr);
    assert_eq!(counts(&never), ["3", "0", "2"]);
    // The output still says what speclint said.
    assert_eq!(never.output("exit-code"), "1");

    let clean = testdata().join("cases/hostname-ok").display().to_string();
    for (fail_on, code) in [("error", 0), ("warning", 0), ("note", 0)] {
        let run = action(&[("working-directory", &clean), ("fail-on", fail_on)]);
        assert_eq!(run.code, code, "{fail_on}: {}", run.stderr);
    }
    // Only notes on rendered.yaml alone: fail-on note fails, error passes.
    let notes = |fail_on| {
        action(&[
            ("working-directory", &spark),
            ("paths", "rendered.yaml"),
            ("fail-on", fail_on),
        ])
    };
    let run = notes("note");
    assert_eq!(
        (run.code, counts(&run)),
        (1, ["0", "0", "4"]),
        "{}",
        run.stderr
    );
    assert_eq!(notes("error").code, 0);
}

#[test]
fn a_clean_fixture_passes_with_zero_errors_and_a_clean_summary() {
    let clean = testdata().join("cases/hostname-ok").display().to_string();
    let run = action(&[("working-directory", &clean)]);
    assert_eq!(run.code, 0, "{}{}", run.stdout, run.stderr);
    assert_eq!(counts(&run), ["0", "0", "0"]);
    assert_eq!(run.output("exit-code"), "0");
    assert!(
        run.summary.contains("✅ speclint: no problems"),
        "{}",
        run.summary
    );
}

#[test]
fn sarif_is_written_where_the_output_says_and_locations_are_absolute_below_the_workspace() {
    let spark = spark();
    let workspace = repo().display().to_string();
    let run = action_with(
        &[("working-directory", &spark), ("sarif", "true")],
        &[("GITHUB_WORKSPACE", &workspace)],
        None,
    );
    assert_eq!(run.code, 1, "{}", run.stderr);
    let sarif_path = run.output("sarif");
    assert_eq!(
        Path::new(sarif_path),
        run.temp.path().join("runner/speclint.sarif")
    );
    let sarif: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(sarif_path).unwrap()).unwrap();
    assert_eq!(sarif["version"], "2.1.0");
    let results = sarif["runs"][0]["results"].as_array().unwrap();
    assert_eq!(results.len(), 5);
    // The working directory is below the workspace: annotations and SARIF name files by
    // absolute paths, which the runner and upload-sarif make relative to the repository.
    let uri = results[0]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
        .as_str()
        .unwrap();
    assert!(
        uri.starts_with("file:///") && uri.ends_with("/spark-operator-upgrade/rendered.yaml"),
        "{uri}"
    );
    assert!(
        run.stdout
            .contains(&format!("::error file={spark}/rendered.yaml,line=126")),
        "{}",
        run.stdout
    );
    // ./ and ../ are taken out lexically, so the runner's prefix match holds.
    let dotted = action_with(
        &[
            ("working-directory", &spark),
            (
                "paths",
                "../spark-operator-upgrade/rendered.yaml ./cluster-state.yaml",
            ),
        ],
        &[("GITHUB_WORKSPACE", &workspace)],
        None,
    );
    assert!(
        dotted
            .stdout
            .contains(&format!("::error file={spark}/rendered.yaml,line=126")),
        "{}",
        dotted.stdout
    );
    // The summary keeps the short paths.
    assert!(
        run.summary.contains("`rendered.yaml:126`"),
        "{}",
        run.summary
    );

    let no_summary = action(&[("working-directory", &spark), ("summary", "false")]);
    assert_eq!(no_summary.summary, "");
    assert_eq!(counts(&no_summary), ["3", "0", "2"]);
}

#[test]
fn a_path_that_does_not_exist_fails_with_2_even_with_fail_on_never() {
    let run = action(&[("paths", "does-not-exist.yaml"), ("fail-on", "never")]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert_eq!(run.output("exit-code"), "2");
    assert_eq!(counts(&run), ["", "", ""]);
    assert!(run.stderr.contains("does-not-exist.yaml"), "{}", run.stderr);
    assert!(
        run.summary.contains("could not check the manifests"),
        "{}",
        run.summary
    );
}

#[test]
fn paths_split_on_spaces_and_newlines_quotes_keep_spaces_and_globs_reach_speclint() {
    let spark = spark();
    // Both files are needed for the 3 errors: the Secret is in cluster-state.yaml.
    for paths in [
        "rendered.yaml cluster-state.yaml",
        "rendered.yaml\ncluster-state.yaml\n",
        "  '*.yaml'  ",
    ] {
        let run = action(&[("working-directory", &spark), ("paths", paths)]);
        assert_eq!(counts(&run), ["3", "0", "2"], "{paths:?}: {}", run.stderr);
    }
    let project = tempfile::tempdir().unwrap();
    std::fs::create_dir(project.path().join("my dir")).unwrap();
    std::fs::copy(
        testdata().join("cases/hostname-renamed-service/input.yaml"),
        project.path().join("my dir/app.yaml"),
    )
    .unwrap();
    let dir = project.path().display().to_string();
    let run = action(&[
        ("working-directory", &dir),
        ("paths", "\"my dir/app.yaml\""),
    ]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert_eq!(run.output("errors"), "1");
}

#[test]
fn config_is_passed_and_an_empty_fail_on_leaves_it_to_the_configuration() {
    let spark = spark();
    let project = tempfile::tempdir().unwrap();
    let config = project.path().join("ci.speclint.yaml");
    std::fs::write(&config, "disable: [webhook-hostname]\nfail-on: note\n").unwrap();
    let config = config.display().to_string();
    let args = format!("--now {NOW}");
    let run = |fail_on| {
        action(&[
            ("working-directory", &spark),
            ("config", &config),
            ("args", &args),
            ("fail-on", fail_on),
        ])
    };
    let from_config = run("");
    assert_eq!(
        counts(&from_config),
        ["0", "0", "2"],
        "{}",
        from_config.stderr
    );
    assert_eq!(from_config.code, 1);
    assert_eq!(run("error").code, 0);
}

#[test]
fn invalid_inputs_are_usage_failures() {
    for (name, value, message) in [
        ("format", "yaml", "format must be"),
        ("fail-on", "sometimes", "fail-on must be"),
        ("sarif", "yes", "sarif must be true or false"),
        ("summary", "1", "summary must be true or false"),
        ("build", "maybe", "build must be true or false"),
        ("args", "--now '2026", "args:"),
        ("working-directory", "/nonexistent/dir", "does not exist"),
    ] {
        let run = action(&[("fail-on", "never"), (name, value)]);
        assert_eq!(run.code, 2, "{name}={value}: {}", run.stdout);
        assert!(
            run.stdout.contains("::error title=speclint action::") && run.stdout.contains(message),
            "{name}={value}: {}",
            run.stdout
        );
    }
    // version: path with no speclint on PATH.
    let run = action_with(&[], &[], Some("/usr/bin:/bin"));
    assert_eq!(run.code, 2);
    assert!(run.stdout.contains("no speclint on PATH"), "{}", run.stdout);
}

#[test]
fn hostile_input_values_never_run() {
    let canary = tempfile::tempdir().unwrap();
    let c = canary.path().display();
    // One construct each (a shell that evaluates the value runs it), then all at once.
    let values = [
        format!("$(touch {c}/dollar)"),
        format!("`touch {c}/backtick`"),
        format!("x; touch {c}/semicolon"),
        format!("x\ntouch {c}/newline"),
        format!("x | touch {c}/pipe"),
        format!("x && touch {c}/and"),
        format!("'; touch {c}/quote; '"),
        format!("\"; touch {c}/double; \""),
        format!("x $(touch {c}/all) `touch {c}/all2`; touch {c}/all3\n::warning::injected"),
    ];
    let spark = spark();
    for name in [
        "paths",
        "args",
        "format",
        "config",
        "fail-on",
        "sarif",
        "summary",
        "version",
        "build",
        "working-directory",
    ] {
        for value in &values {
            let run = action_with(
                &[("working-directory", &spark), (name, value)],
                // No download even if the version check were passed.
                &[("SPECLINT_DOWNLOAD_BASE", "file:///nonexistent")],
                None,
            );
            assert_ne!(run.code, 0, "{name}={value:?}");
            let created: Vec<_> = std::fs::read_dir(canary.path()).unwrap().collect();
            assert!(
                created.is_empty(),
                "{name}={value:?} ran a command: {created:?}"
            );
            // A value's newline does not start a workflow command of its own.
            assert!(
                !(run.stdout.lines().chain(run.stderr.lines()))
                    .any(|l| l.starts_with("::warning::injected")),
                "{name}={value:?}: {}{}",
                run.stdout,
                run.stderr
            );
        }
    }
}

// --- scripts/install.sh -------------------------------------------------------------------

struct Install {
    code: i32,
    stdout: String,
    stderr: String,
}

fn install(base: &Path, args: &[&str], env: &[(&str, &str)]) -> Install {
    let mut command = clean_command("sh");
    command
        .arg(repo().join("scripts/install.sh"))
        .args(args)
        .env(
            "SPECLINT_DOWNLOAD_BASE",
            format!("file://{}", base.display()),
        )
        .env("SPECLINT_TARGET", TARGET);
    for (name, value) in env {
        command.env(name, value);
    }
    let out = command.output().unwrap();
    Install {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8(out.stdout).unwrap(),
        stderr: String::from_utf8(out.stderr).unwrap(),
    }
}

#[test]
fn install_sh_installs_a_release_after_checking_its_checksum() {
    if !install_tools() {
        return;
    }
    let release = tempfile::tempdir().unwrap();
    fake_release(
        release.path(),
        "download/v0.1.0",
        TARGET,
        "echo 'speclint 0.1.0'",
    );
    fake_release(
        release.path(),
        "latest/download",
        TARGET,
        "echo 'speclint 0.2.0'",
    );
    let bin = tempfile::tempdir().unwrap();
    let to = bin.path().join("nested/bin");
    let to_arg = to.display().to_string();

    let run = install(
        release.path(),
        &["--version", "0.1.0", "--to", &to_arg],
        &[],
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(run.stdout, "speclint 0.1.0\n");
    assert!(
        run.stderr.contains(&format!("installed {to_arg}/speclint")),
        "{}",
        run.stderr
    );
    let installed = Command::new(to.join("speclint"))
        .arg("--version")
        .output()
        .unwrap();
    assert_eq!(
        String::from_utf8(installed.stdout).unwrap(),
        "speclint 0.1.0\n"
    );

    // A v prefix is accepted; latest (the default) comes from latest/download/.
    let v = install(release.path(), &["--version=v0.1.0", "--to", &to_arg], &[]);
    assert_eq!(v.code, 0, "{}", v.stderr);
    let latest = install(release.path(), &["--to", &to_arg], &[]);
    assert_eq!(
        (latest.code, latest.stdout.as_str()),
        (0, "speclint 0.2.0\n"),
        "{}",
        latest.stderr
    );
}

#[test]
fn install_sh_refuses_a_tampered_archive_and_installs_nothing() {
    if !install_tools() {
        return;
    }
    let release = tempfile::tempdir().unwrap();
    let asset = fake_release(
        release.path(),
        "download/v0.1.0",
        TARGET,
        "echo 'speclint 0.1.0'",
    );
    // Another archive under the published checksum.
    let other = tempfile::tempdir().unwrap();
    let evil = fake_release(other.path(), "x", TARGET, "echo pwned");
    std::fs::copy(&evil, &asset).unwrap();
    let bin = tempfile::tempdir().unwrap();
    let fresh = bin.path().join("fresh");
    let run = install(
        release.path(),
        &["--version", "0.1.0", "--to", &fresh.display().to_string()],
        &[],
    );
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(
        run.stderr
            .contains("checksum mismatch for speclint-x86_64-unknown-linux-musl.tar.gz")
            && run.stderr.contains("nothing was installed"),
        "{}",
        run.stderr
    );
    assert!(!fresh.exists());

    // An installed speclint is left as it was.
    let old = bin.path().join("speclint");
    std::fs::write(&old, "old").unwrap();
    let run = install(
        release.path(),
        &[
            "--version",
            "0.1.0",
            "--to",
            &bin.path().display().to_string(),
        ],
        &[],
    );
    assert_eq!(run.code, 1);
    assert_eq!(std::fs::read_to_string(&old).unwrap(), "old");

    // A checksum file of another asset, and a missing asset.
    let sums = release
        .path()
        .join("download/v0.1.0/speclint-x86_64-unknown-linux-musl.tar.gz.sha256");
    std::fs::write(
        &sums,
        format!("{}  speclint-other.tar.gz\n", "ab".repeat(32)),
    )
    .unwrap();
    let run = install(
        release.path(),
        &["--version", "0.1.0", "--to", &fresh.display().to_string()],
        &[],
    );
    assert!(
        run.code != 0
            && run
                .stderr
                .contains("is the checksum of speclint-other.tar.gz"),
        "{}",
        run.stderr
    );
    let run = install(
        release.path(),
        &["--version", "9.9.9", "--to", &fresh.display().to_string()],
        &[],
    );
    assert!(
        run.code != 0 && run.stderr.contains("cannot download"),
        "{}",
        run.stderr
    );
    assert!(!fresh.exists());
}

/// A directory whose `uname` prints `os` for -s and `machine` for -m, ahead of PATH.
fn fake_uname(os: &str, machine: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let script = format!("#!/bin/sh\ncase $1 in -s) echo '{os}' ;; -m) echo '{machine}' ;; esac\n");
    let uname = dir.path().join("uname");
    common::write_script(&uname, &script);
    dir
}

#[test]
fn install_sh_picks_the_target_of_the_os_and_cpu_and_names_an_unknown_one() {
    if !install_tools() {
        return;
    }
    let empty = tempfile::tempdir().unwrap();
    let to = empty.path().join("bin").display().to_string();
    let system_path = std::env::var("PATH").unwrap_or_default();
    let with_uname = |os: &str, machine: &str, target: Option<&str>| {
        let uname = fake_uname(os, machine);
        let path = format!("{}:{system_path}", uname.path().display());
        let mut env = vec![("PATH", path.as_str())];
        if let Some(target) = target {
            env.push(("SPECLINT_TARGET", target));
        }
        let mut command = clean_command("sh");
        command
            .arg(repo().join("scripts/install.sh"))
            .args(["--version", "0.1.0", "--to", &to])
            .env(
                "SPECLINT_DOWNLOAD_BASE",
                format!("file://{}", empty.path().display()),
            );
        for (k, v) in env {
            command.env(k, v);
        }
        let out = command.output().unwrap();
        (out.status.code(), String::from_utf8(out.stderr).unwrap())
    };
    for (os, machine, asset) in [
        (
            "Linux",
            "x86_64",
            "speclint-x86_64-unknown-linux-musl.tar.gz",
        ),
        (
            "Linux",
            "amd64",
            "speclint-x86_64-unknown-linux-musl.tar.gz",
        ),
        (
            "Linux",
            "aarch64",
            "speclint-aarch64-unknown-linux-musl.tar.gz",
        ),
        (
            "Linux",
            "arm64",
            "speclint-aarch64-unknown-linux-musl.tar.gz",
        ),
        ("Darwin", "x86_64", "speclint-x86_64-apple-darwin.tar.gz"),
        ("Darwin", "arm64", "speclint-aarch64-apple-darwin.tar.gz"),
        (
            "MINGW64_NT-10.0-19045",
            "x86_64",
            "speclint-x86_64-pc-windows-msvc.zip",
        ),
        (
            "MSYS_NT-10.0",
            "x86_64",
            "speclint-x86_64-pc-windows-msvc.zip",
        ),
        (
            "CYGWIN_NT-10.0",
            "x86_64",
            "speclint-x86_64-pc-windows-msvc.zip",
        ),
    ] {
        let (code, stderr) = with_uname(os, machine, None);
        // Nothing is served here: the download fails, after naming what it fetched.
        assert_eq!(code, Some(1), "{os} {machine}: {stderr}");
        assert!(
            stderr.contains(&format!("/download/v0.1.0/{asset}\n")),
            "{os} {machine}: {stderr}"
        );
    }
    let (code, stderr) = with_uname("SunOS", "sparc64", None);
    assert_eq!(code, Some(1));
    assert!(
        stderr.contains(
            "no prebuilt speclint for SunOS on sparc64; build it from source: cargo install"
        ),
        "{stderr}"
    );
    let (code, stderr) = with_uname("Linux", "armv7l", None);
    assert!(
        code == Some(1) && stderr.contains("no prebuilt speclint for Linux on armv7l"),
        "{stderr}"
    );
    // SPECLINT_TARGET wins over uname, and must be a released target.
    let (code, stderr) = with_uname("Linux", "x86_64", Some("riscv64gc-unknown-linux-gnu"));
    assert!(
        code == Some(1)
            && stderr.contains("no prebuilt speclint for target riscv64gc-unknown-linux-gnu"),
        "{stderr}"
    );
    assert!(!empty.path().join("bin").exists());
}

#[test]
fn install_sh_installs_the_windows_zip() {
    if !install_tools() || !have(&["zip", "unzip"]) {
        return;
    }
    let target = "x86_64-pc-windows-msvc";
    let release = tempfile::tempdir().unwrap();
    // A stand-in that runs here: the script only copies the .exe.
    fake_release(
        release.path(),
        "download/v0.1.0",
        target,
        "echo 'speclint 0.1.0'",
    );
    let bin = tempfile::tempdir().unwrap();
    let run = install(
        release.path(),
        &[
            "--version",
            "0.1.0",
            "--to",
            &bin.path().display().to_string(),
        ],
        &[("SPECLINT_TARGET", target)],
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(bin.path().join("speclint.exe").is_file());
}

/// The action without `version: path`: it installs the release its tag names with
/// install.sh (here from a file:// mirror), puts it on GITHUB_PATH, and reuses it.
#[test]
fn the_action_installs_the_release_of_its_tag_and_reuses_it() {
    if !install_tools() {
        return;
    }
    let release = tempfile::tempdir().unwrap();
    // The stand-in runs the speclint under test.
    fake_release(
        release.path(),
        "download/v0.1.0",
        TARGET,
        &format!("exec '{BIN}' \"$@\""),
    );
    let base = format!("file://{}", release.path().display());
    let spark = spark();
    // No speclint on PATH: only the installed one can answer.
    let system_path = "/usr/local/bin:/usr/bin:/bin";
    let env = [
        ("SPECLINT_DOWNLOAD_BASE", base.as_str()),
        ("SPECLINT_TARGET", TARGET),
        ("SPECLINT_ACTION_REF", "v0.1.0"),
    ];
    let run = action_with(
        &[("working-directory", &spark), ("version", "")],
        &env,
        Some(system_path),
    );
    assert_eq!(run.code, 1, "{}{}", run.stdout, run.stderr);
    assert_eq!(counts(&run), ["3", "0", "2"]);
    let bin = run.temp.path().join("runner/speclint/bin");
    assert_eq!(run.github_path, format!("{}\n", bin.display()));
    assert!(
        run.stderr
            .contains("/download/v0.1.0/speclint-x86_64-unknown-linux-musl.tar.gz"),
        "{}",
        run.stderr
    );

    // Used again in the job (same RUNNER_TEMP), the pinned release is not downloaded again.
    let runner_temp = run.temp.path().join("runner").display().to_string();
    let again = action_with(
        &[("working-directory", &spark), ("version", "0.1.0")],
        &[
            ("SPECLINT_DOWNLOAD_BASE", "file:///nonexistent"),
            ("RUNNER_TEMP", &runner_temp),
        ],
        Some(system_path),
    );
    assert_eq!(again.code, 1, "{}{}", again.stdout, again.stderr);
    assert!(
        again.stdout.contains("speclint 0.1.0 is installed in"),
        "{}",
        again.stdout
    );

    // A branch ref asks for the latest release, which this mirror lacks: exit 2.
    let main = action_with(
        &[("working-directory", &spark), ("version", "")],
        &[env[0], env[1], ("SPECLINT_ACTION_REF", "main")],
        Some(system_path),
    );
    assert_eq!(main.code, 2, "{}", main.stderr);
    assert!(main.stderr.contains("/latest/download/"), "{}", main.stderr);
    assert!(
        main.stdout.contains("could not install speclint latest"),
        "{}",
        main.stdout
    );
}

/// build: true runs `cargo install` on the action's source into RUNNER_TEMP (a stand-in
/// cargo records its arguments and installs a stand-in running the speclint under test).
#[test]
fn build_true_installs_from_the_actions_source_with_the_dist_profile() {
    let tools = tempfile::tempdir().unwrap();
    let calls = tools.path().join("calls");
    let cargo = tools.path().join("cargo");
    let script = format!(
        "#!/bin/sh\necho \"$@\" > '{}'\nwhile [ \"$1\" != --root ]; do shift; done\nmkdir -p \"$2/bin\"\nprintf '#!/bin/sh\\nexec %s \"$@\"\\n' '{BIN}' > \"$2/bin/speclint\"\nchmod +x \"$2/bin/speclint\"\n",
        calls.display()
    );
    common::write_script(&cargo, &script);
    let path = format!("{}:/usr/local/bin:/usr/bin:/bin", tools.path().display());
    let spark = spark();
    let run = action_with(
        &[
            ("working-directory", &spark),
            ("build", "true"),
            ("version", ""),
        ],
        &[],
        Some(&path),
    );
    assert_eq!(run.code, 1, "{}{}", run.stdout, run.stderr);
    assert_eq!(counts(&run), ["3", "0", "2"]);
    let root = run.temp.path().join("runner/speclint");
    assert_eq!(
        std::fs::read_to_string(&calls).unwrap(),
        format!(
            "install --locked --profile dist --path {} --root {}\n",
            repo().display(),
            root.display()
        )
    );
    assert_eq!(run.github_path, format!("{}\n", root.join("bin").display()));
}
