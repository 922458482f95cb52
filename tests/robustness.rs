//! Hostile and broken input, through the whole pipeline: never a crash or hang, always a
//! diagnostic where the input breaks, and the other documents still checked.

use proptest::prelude::*;
use speclint::pipeline::{lint, Options};
use speclint::source::{SourceFile, SourceMap};
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

fn lint_bytes(bytes: &[u8]) -> speclint::pipeline::Outcome {
    let mut sources = SourceMap::default();
    sources.add(SourceFile::new("input.yaml", bytes.to_vec()));
    lint(&sources, &Options::new("default"))
}

fn render_all(bytes: &[u8]) {
    let mut sources = SourceMap::default();
    sources.add(SourceFile::new("input.yaml", bytes.to_vec()));
    let outcome = lint(&sources, &Options::new("default"));
    let mut out = Vec::new();
    speclint::report::human::render(
        &mut out,
        &outcome.diagnostics,
        &sources,
        &outcome.redactions,
        true,
    )
    .unwrap();
    speclint::report::json::render(&mut out, &outcome.diagnostics, &sources, &outcome.summary)
        .unwrap();
}

/// A valid webhook wiring whose certificate is for the wrong name: one hostname error.
fn renamed_service_fixture() -> Vec<u8> {
    std::fs::read(
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("testdata/cases/hostname-renamed-service/input.yaml"),
    )
    .unwrap()
}

fn rules_of(outcome: &speclint::pipeline::Outcome) -> Vec<&'static str> {
    outcome.diagnostics.iter().map(|d| d.rule).collect()
}

/// Each hostile document is refused with an error while the valid wiring after it is still judged.
fn assert_refused_but_rest_checked(hostile: &[u8]) {
    let mut input = hostile.to_vec();
    input.extend_from_slice(b"\n");
    input.extend(renamed_service_fixture());
    let started = Instant::now();
    let outcome = lint_bytes(&input);
    assert!(
        started.elapsed() < Duration::from_secs(20),
        "took {:?}",
        started.elapsed()
    );
    let rules = rules_of(&outcome);
    assert!(
        rules.contains(&"invalid-yaml"),
        "hostile input not reported: {rules:?}"
    );
    assert!(
        rules.contains(&"webhook-hostname"),
        "the other documents were not checked: {rules:?}"
    );
    let error = outcome
        .diagnostics
        .iter()
        .find(|d| d.rule == "invalid-yaml")
        .unwrap();
    assert!(
        error.span.start < hostile.len() + 1,
        "reported outside the hostile document"
    );
}

#[test]
fn deep_nesting_is_refused() {
    for (open, close) in [("[", "]"), ("{a: ", "}")] {
        let mut doc = String::from("a: ");
        doc.push_str(&open.repeat(200_000));
        doc.push_str(&close.repeat(200_000));
        assert_refused_but_rest_checked(doc.as_bytes());
    }
    assert_refused_but_rest_checked(format!("{}x\n", "- ".repeat(200_000)).as_bytes());
}

#[test]
fn billion_laughs_is_refused() {
    let mut doc = String::from(
        "a: &a [\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\"]\n",
    );
    let mut previous = 'a';
    for name in 'b'..='j' {
        let refs: Vec<String> = (0..9).map(|_| format!("*{previous}")).collect();
        doc.push_str(&format!("{name}: &{name} [{}]\n", refs.join(",")));
        previous = name;
    }
    assert_refused_but_rest_checked(doc.as_bytes());
}

#[test]
fn invalid_utf8_is_reported_at_its_offset() {
    let hostile = b"apiVersion: v1\nkind: ConfigMap\ndata:\n  x: \"\xff\xfe\"\n".to_vec();
    let offset = hostile.iter().position(|b| *b == 0xff).unwrap();
    let mut input = hostile.clone();
    input.extend_from_slice(b"---\n");
    input.extend(renamed_service_fixture());
    let outcome = lint_bytes(&input);
    let error = outcome
        .diagnostics
        .iter()
        .find(|d| d.rule == "invalid-yaml")
        .expect("invalid UTF-8 reported");
    assert_eq!(error.span.start, offset);
    assert!(rules_of(&outcome).contains(&"webhook-hostname"));
}

#[test]
fn huge_scalar_does_not_blow_up() {
    let mut doc = b"a: \"".to_vec();
    doc.extend(std::iter::repeat_n(b'x', 40 << 20));
    doc.extend_from_slice(b"\"\n");
    let started = Instant::now();
    let outcome = lint_bytes(&doc);
    assert!(started.elapsed() < Duration::from_secs(30));
    assert!(rules_of(&outcome).contains(&"invalid-yaml"));
}

#[test]
fn binary_does_not_crash_on_garbage_from_stdin() {
    let mut child = Command::new(env!("CARGO_BIN_EXE_speclint"))
        .args(["--format", "json"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    {
        use std::io::Write;
        let mut stdin = child.stdin.take().unwrap();
        stdin
            .write_all(b"\x00\x01--- [\n: : :\n---\n\tkind: {\n")
            .unwrap();
    }
    let out = child.wait_with_output().unwrap();
    assert_eq!(
        out.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let value: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert!(value["summary"]["errors"].as_u64().unwrap() >= 1);
}

fn fixture_corpus() -> Vec<Vec<u8>> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("testdata/cases");
    let mut corpus = Vec::new();
    for dir in std::fs::read_dir(root).unwrap() {
        for file in std::fs::read_dir(dir.unwrap().path()).unwrap() {
            let path = file.unwrap().path();
            if path.is_file() {
                corpus.push(std::fs::read(path).unwrap());
            }
        }
    }
    corpus.sort();
    corpus
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

    /// Arbitrary bytes, from bytes to rendered diagnostics.
    #[test]
    fn arbitrary_bytes_never_crash(bytes in proptest::collection::vec(any::<u8>(), 0..2048)) {
        render_all(&bytes);
    }

    /// Real fixtures with bytes flipped, cut, or spliced: the interesting inputs are near-valid ones.
    #[test]
    fn mutated_fixtures_never_crash(
        pick in any::<prop::sample::Index>(),
        edits in proptest::collection::vec((any::<prop::sample::Index>(), any::<u8>(), 0u8..4), 1..12),
    ) {
        let corpus = fixture_corpus();
        let mut bytes = pick.get(&corpus).clone();
        for (at, byte, action) in edits {
            if bytes.is_empty() { break; }
            let i = at.index(bytes.len());
            match action {
                0 => bytes[i] = byte,
                1 => { bytes.remove(i); }
                2 => bytes.insert(i, b"-:[]{}&*!|>'\"#\n \t"[usize::from(byte) % 17]),
                _ => bytes.truncate(i),
            }
        }
        render_all(&bytes);
    }
}
