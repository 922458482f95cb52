//! Documents whose content no stage reads let their tree go once parsed and keep only
//! their identity (issue 12: memory flat per document); a stage that reads one anyway
//! parses it again. Whichever documents keep their tree, the findings must be the same:
//! every fixture directory is linted keeping every tree, letting the unread ones go (the
//! default), and letting go of every one that can, so each read parses again. Each of the
//! last two is also run as the command line runs it, compressing the text of every file
//! whose documents all let their tree go: the report must read the same.

use speclint::pipeline::{lint, lint_owned, Options, Outcome, Trees};
use speclint::source::{SourceFile, SourceMap};
use std::path::{Path, PathBuf};

/// Every directory under testdata/ with YAML or JSON files, and those files, sorted.
fn fixture_directories() -> Vec<(PathBuf, Vec<PathBuf>)> {
    let mut found = Vec::new();
    let mut pending = vec![Path::new(env!("CARGO_MANIFEST_DIR")).join("testdata")];
    while let Some(dir) = pending.pop() {
        let mut files = Vec::new();
        let mut entries: Vec<_> = std::fs::read_dir(&dir)
            .unwrap()
            .map(|e| e.unwrap().path())
            .collect();
        entries.sort();
        for path in entries {
            if path.is_dir() {
                pending.push(path);
            } else if path
                .extension()
                .is_some_and(|e| e == "yaml" || e == "yml" || e == "json")
            {
                files.push(path);
            }
        }
        if !files.is_empty() {
            found.push((dir, files));
        }
    }
    found.sort();
    found
}

/// Everything a report is made of, as text.
fn observed(outcome: &Outcome) -> String {
    format!(
        "{:#?}\n{:#?}\n{:#?}\n{:?}\n{:#?}\n{}\n{:#?}",
        outcome.diagnostics,
        outcome.summary,
        outcome.inventory,
        outcome.redactions,
        outcome.objects,
        outcome.object_count,
        outcome.baselined,
    )
}

#[test]
fn findings_do_not_depend_on_which_documents_keep_their_tree() {
    let directories = fixture_directories();
    assert!(
        directories.len() > 50,
        "{} fixture directories",
        directories.len()
    );
    let mut set_aside = 0;
    let mut compressed = 0;
    for (dir, files) in &directories {
        let read = || {
            let mut sources = SourceMap::default();
            for file in files {
                let name = file.strip_prefix(dir).unwrap().display().to_string();
                sources.add(SourceFile::new(name, std::fs::read(file).unwrap()));
            }
            sources
        };
        let sources = read();
        // Listing every object with its position reads every file: nothing is compressed then.
        let options = |trees: Trees, list_objects: bool| {
            let mut options = Options::new("default");
            options.now = speclint::tls::time::parse_rfc3339("2026-06-01T00:00:00Z").unwrap();
            options.trees = trees;
            options.compress_from_bytes = 0;
            options.list_objects = list_objects;
            options
        };
        let keeping = lint(&sources, &options(Trees::KeepAll, true));
        let kept = observed(&keeping);
        let kept_report = human_report(&keeping, &sources);
        let kept_unlisted = observed(&lint(&sources, &options(Trees::KeepAll, false)));
        for trees in [Trees::LetUnreadGo, Trees::LetAllGo] {
            let mut owned = read();
            let outcome = lint_owned(&mut owned, &options(trees, false), &Default::default());
            compressed += (owned.files())
                .filter(|(_, f)| f.text.is_compressed())
                .count();
            let mut listed = read();
            lint_owned(&mut listed, &options(trees, true), &Default::default());
            assert!(
                listed.files().all(|(_, f)| !f.text.is_compressed()),
                "{}: compressed while listing objects",
                dir.display()
            );
            assert_eq!(
                human_report(&outcome, &owned),
                kept_report,
                "{}: {trees:?}, compressing",
                dir.display()
            );
            let runs = [
                (lint(&sources, &options(trees, true)), &kept),
                (outcome, &kept_unlisted),
            ];
            for (other, kept) in runs {
                let other = observed(&other);
                if other != *kept {
                    let line = kept
                        .lines()
                        .zip(other.lines())
                        .position(|(a, b)| a != b)
                        .unwrap_or(0);
                    panic!(
                    "{}: {trees:?} differs from KeepAll at line {line}:\n  kept: {:?}\n  {trees:?}: {:?}",
                    dir.display(),
                    kept.lines().nth(line),
                    other.lines().nth(line),
                );
                }
            }
        }
        for (id, file) in sources.files() {
            let loaded =
                speclint::yaml::load_retaining(id, file, &|_| {}, &speclint::model::identity);
            set_aside += (loaded.documents.iter())
                .filter(|d| d.identity().is_some())
                .count();
        }
    }
    // Most fixture objects are webhooks, Services and workloads, each of which is set aside
    // under LetAllGo unless annotated, a Secret or written with quotes.
    assert!(set_aside > 500, "only {set_aside} documents set aside");
    assert!(compressed > 100, "only {compressed} files compressed");
}

/// The human report, as the command line prints it without colour.
fn human_report(outcome: &Outcome, sources: &SourceMap) -> String {
    let mut out = Vec::new();
    speclint::report::human::render(
        &mut out,
        &outcome.diagnostics,
        sources,
        &outcome.redactions,
        false,
    )
    .unwrap();
    String::from_utf8(out).unwrap()
}
