//! Helpers shared by the integration tests (`mod common;`).
// Each test binary uses only some of these.
#![allow(dead_code)]

pub mod certparse;
pub mod go_profiles;
#[cfg(unix)]
pub mod release;

use std::path::{Path, PathBuf};

/// What a test needs is missing: in CI (`CI` set) that fails the test; elsewhere the test
/// skips, saying why.
pub fn missing(what: &str) {
    assert!(
        std::env::var_os("CI").is_none(),
        "{what} is missing, and CI must run every test"
    );
    eprintln!("skipping: {what} is missing");
}

/// A fixture directory's arguments: its `args` file, then its manifests, sorted.
pub fn fixture_args(dir: &Path) -> Vec<String> {
    let mut files: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".yaml") || n.ends_with(".json"))
        .collect();
    files.sort();
    let mut args: Vec<String> = std::fs::read_to_string(dir.join("args"))
        .map(|extra| extra.split_whitespace().map(str::to_string).collect())
        .unwrap_or_default();
    args.extend(files);
    args
}

pub fn testdata() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("testdata")
}

/// The lines of an optional list file (`args`, `companions`): one entry a line, blank
/// lines and lines starting with `#` left out.
pub fn list(path: &Path) -> Vec<String> {
    let Ok(text) = std::fs::read_to_string(path) else {
        return Vec::new();
    };
    text.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .map(str::to_string)
        .collect()
}

/// Base64 and PEM lines of every private key and certificate the fixtures embed.
pub fn secret_fragments() -> Vec<String> {
    let mut fragments = Vec::new();
    let entries = std::fs::read_dir(testdata().join("certs"))
        .unwrap()
        .chain(std::fs::read_dir(testdata().join("certs/charts")).unwrap());
    for entry in entries {
        let path = entry.unwrap().path();
        if path.extension().is_some_and(|e| e == "pem") {
            let text = std::fs::read_to_string(&path).unwrap();
            fragments.extend(
                text.lines()
                    .filter(|l| !l.starts_with("-----") && l.len() >= 40)
                    .map(|l| l[..40].to_string()),
            );
            fragments.push(base64_prefix(text.as_bytes()));
        }
    }
    fragments
}

fn base64_prefix(bytes: &[u8]) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::new();
    for chunk in bytes.chunks(3).take(20) {
        let n = (u32::from(chunk[0]) << 16)
            | (u32::from(*chunk.get(1).unwrap_or(&0)) << 8)
            | u32::from(*chunk.get(2).unwrap_or(&0));
        for shift in [18, 12, 6, 0] {
            out.push(ALPHABET[((n >> shift) & 63) as usize] as char);
        }
    }
    out[40..].to_string()
}

/// Writes an executable stand-in program (a shell script) at `path`.
#[cfg(unix)]
pub fn write_script(path: &Path, script: &str) {
    use std::os::unix::fs::PermissionsExt;
    std::fs::write(path, script).unwrap();
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o755)).unwrap();
}

/// A directory holding a fake `helm` that appends its arguments to `calls` and prints
/// `render` (or fails with `failure` on stderr).
#[cfg(unix)]
pub fn fake_helm(render: &Path, failure: Option<&str>) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let calls = dir.path().join("calls");
    let body = match failure {
        Some(message) => format!("echo '{message}' >&2\nexit 1\n"),
        None => format!("cat '{}'\n", render.display()),
    };
    let script = format!("#!/bin/sh\necho \"$@\" >> '{}'\n{body}", calls.display());
    let helm = dir.path().join("helm");
    write_script(&helm, &script);
    dir
}

/// `tool` is on PATH; if not, the test fails in CI and skips elsewhere, saying why.
pub fn have(tools: &[&str]) -> bool {
    let path = std::env::var_os("PATH").unwrap_or_default();
    for tool in tools {
        if !std::env::split_paths(&path).any(|dir| dir.join(tool).is_file()) {
            missing(tool);
            return false;
        }
    }
    true
}

/// A finished command: its exit code (-1 when a signal ended it) and its output as text.
pub struct Run {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

impl From<std::process::Output> for Run {
    fn from(out: std::process::Output) -> Self {
        Run {
            code: out.status.code().unwrap_or(-1),
            stdout: String::from_utf8(out.stdout).unwrap(),
            stderr: String::from_utf8(out.stderr).unwrap(),
        }
    }
}
