//! The ways speclint is distributed stay in step with the crate: the Helm plugin, the
//! pre-commit hooks and the README name the version Cargo.toml releases, plugin.yaml runs
//! scripts that exist, and the crate package holds what the binary embeds and no test data.

use std::path::{Path, PathBuf};

const VERSION: &str = env!("CARGO_PKG_VERSION");

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn read(path: &str) -> String {
    std::fs::read_to_string(root().join(path)).unwrap_or_else(|e| panic!("{path}: {e}"))
}

/// Every release version named after `marker` in `text` (`@v0.1.0`, `:0.1.0`, ...).
fn versions_after<'a>(text: &'a str, marker: &str) -> Vec<&'a str> {
    text.match_indices(marker)
        .map(|(at, _)| {
            let rest = &text[at + marker.len()..];
            let end = rest
                .find(|c: char| !(c.is_ascii_digit() || c == '.'))
                .unwrap_or(rest.len());
            rest[..end].trim_end_matches('.')
        })
        .collect()
}

#[test]
fn every_published_reference_names_the_crates_version() {
    let mut found = 0;
    for (path, markers) in [
        ("plugin.yaml", &["version: \""][..]),
        (
            ".pre-commit-hooks.yaml",
            &["ghcr.io/speclint/speclint:"][..],
        ),
        (
            "README.md",
            &[
                "ghcr.io/speclint/speclint:",
                "speclint/speclint@v",
                "--version v",
                "rev: v",
            ][..],
        ),
    ] {
        let text = read(path);
        for marker in markers {
            let versions = versions_after(&text, marker);
            assert!(!versions.is_empty(), "{path} names no `{marker}` version");
            for version in versions {
                assert_eq!(
                    version, VERSION,
                    "{path}: `{marker}{version}` is not Cargo.toml's {VERSION}"
                );
                found += 1;
            }
        }
    }
    assert!(found >= 8, "only {found} versions found");
}

#[test]
fn plugin_yaml_runs_scripts_that_exist() {
    let manifest = read("plugin.yaml");
    assert!(manifest.lines().any(|line| line == "name: speclint"));
    let scripts: Vec<&str> = manifest
        .lines()
        .filter_map(|line| line.trim().strip_prefix("- ${HELM_PLUGIN_DIR}/"))
        .collect();
    assert_eq!(
        scripts,
        [
            "scripts/helm-speclint.sh",
            "scripts/helm-plugin-install.sh",
            "scripts/helm-plugin-install.sh"
        ]
    );
    for script in scripts {
        assert!(root().join(script).is_file(), "{script} is missing");
    }
}

/// Cargo.toml's `include` globs, as cargo reads them (gitignore-style, rooted at `/`).
fn package_globs() -> globset::GlobSet {
    let manifest = read("Cargo.toml");
    let start = manifest
        .find("\ninclude = [")
        .expect("Cargo.toml has include = [");
    let list = &manifest[start..];
    let list = &list[..list.find("\n]").unwrap()];
    let mut globs = globset::GlobSetBuilder::new();
    for line in list
        .lines()
        .filter(|line| line.trim_start().starts_with('"'))
    {
        let pattern = line.trim().trim_end_matches(',').trim_matches('"');
        let pattern = pattern
            .strip_prefix('/')
            .expect("include patterns are rooted");
        globs.add(
            globset::GlobBuilder::new(pattern)
                .literal_separator(true)
                .build()
                .unwrap(),
        );
    }
    globs.build().unwrap()
}

fn files(dir: &Path, out: &mut Vec<String>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            files(&path, out);
        } else {
            let relative = path.strip_prefix(root()).unwrap();
            out.push(relative.to_string_lossy().replace('\\', "/"));
        }
    }
}

/// What the binary embeds (`include_str!` of rules/, the catalogue, schemas/, a doc) is in
/// the package, and the test data, tests, benchmarks and images are not. `.ci/run` builds
/// and runs the packaged crate, which proves the first half for the compiler too.
#[test]
fn the_package_holds_what_the_binary_embeds_and_no_test_data() {
    let globs = package_globs();
    let mut all = Vec::new();
    for dir in [
        "src", "rules", "schemas", "docs", "testdata", "tests", "bench",
    ] {
        files(&root().join(dir), &mut all);
    }
    let embedded = |file: &str| {
        (file.starts_with("src/") && file.ends_with(".rs"))
            || (file.starts_with("rules/")
                && file.ends_with(".md")
                && file.matches('/').count() == 1)
            || (file.starts_with("rules/provisioners/") && file.ends_with(".yaml"))
            || (file.starts_with("schemas/") && file.ends_with(".schema.json"))
            || file == "docs/kubernetes-go.md"
    };
    let mut wrong = Vec::new();
    for file in &all {
        let packaged = globs.is_match(file);
        if packaged != embedded(file) {
            wrong.push(format!(
                "{file}: {}",
                if packaged {
                    "packaged, not embedded"
                } else {
                    "embedded, not packaged"
                }
            ));
        }
    }
    assert!(wrong.is_empty(), "{wrong:#?}");
    assert!(all.iter().filter(|f| globs.is_match(f)).count() > 200);
    for file in ["Cargo.toml", "Cargo.lock", "LICENSE", "README.md"] {
        assert!(globs.is_match(file), "{file} is not packaged");
    }
}
