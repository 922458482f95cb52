//! Fake GitHub releases of speclint, as scripts/install.sh downloads them.

use std::path::{Path, PathBuf};
use std::process::Command;

pub fn sha256_hex(bytes: &[u8]) -> String {
    use sha2::Digest;
    sha2::Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// What scripts/install.sh needs to download and check a release; without them the test
/// fails in CI and skips elsewhere, saying why.
pub fn install_tools() -> bool {
    super::have(&["sh", "tar", "curl", "sha256sum"])
}

/// A release as GitHub serves it, under `root`: `download/v<version>/` (or
/// `latest/download/`) holding `speclint-<target>.tar.gz` (`.zip` with `speclint.exe` for
/// Windows) and its `.sha256`. The binary is a stand-in script running `body`.
pub fn fake_release(root: &Path, dir: &str, target: &str, body: &str) -> PathBuf {
    let staging = tempfile::tempdir().unwrap();
    let package = staging.path().join(format!("speclint-{target}"));
    std::fs::create_dir(&package).unwrap();
    let windows = target.contains("windows");
    let exe = package.join(if windows { "speclint.exe" } else { "speclint" });
    super::write_script(&exe, &format!("#!/bin/sh\n{body}\n"));
    std::fs::write(package.join("README.md"), "speclint\n").unwrap();
    std::fs::write(package.join("LICENSE"), "Apache-2.0\n").unwrap();
    let out = root.join(dir);
    std::fs::create_dir_all(&out).unwrap();
    let asset = format!(
        "speclint-{target}.{}",
        if windows { "zip" } else { "tar.gz" }
    );
    let mut archiver = if windows {
        let mut zip = Command::new("zip");
        zip.arg("-qr");
        zip
    } else {
        let mut tar = Command::new("tar");
        tar.arg("-czf");
        tar
    };
    let status = archiver
        .arg(out.join(&asset))
        .arg(format!("speclint-{target}"))
        .current_dir(staging.path())
        .status()
        .unwrap();
    assert!(status.success());
    let archive = std::fs::read(out.join(&asset)).unwrap();
    std::fs::write(
        out.join(format!("{asset}.sha256")),
        format!("{}  {asset}\n", sha256_hex(&archive)),
    )
    .unwrap();
    out.join(asset)
}
