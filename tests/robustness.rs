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

/// Every format's output for `bytes`, checked for the escaping properties.
fn render_all(bytes: &[u8]) {
    for (format, out, findings) in every_format("input.yaml", bytes) {
        assert_safe(format, &out, findings, None);
    }
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

/// Every format's output for `bytes` (file `name`), human with and without colour.
fn every_format(name: &str, bytes: &[u8]) -> Vec<(&'static str, Vec<u8>, usize)> {
    let mut sources = SourceMap::default();
    sources.add(SourceFile::new(name, bytes.to_vec()));
    let outcome = lint(&sources, &Options::new("default"));
    let diags = &outcome.diagnostics;
    let mut outputs = Vec::new();
    for (format, color) in [("human color", true), ("human", false)] {
        let mut out = Vec::new();
        speclint::report::human::render(&mut out, diags, &sources, &outcome.redactions, color)
            .unwrap();
        outputs.push((format, out));
    }
    let mut out = Vec::new();
    speclint::report::concise::render(&mut out, diags, &sources).unwrap();
    outputs.push(("concise", out));
    let mut out = Vec::new();
    speclint::report::github::render(&mut out, diags, &sources).unwrap();
    outputs.push(("github", out));
    let mut out = Vec::new();
    speclint::report::json::render(
        &mut out,
        diags,
        &sources,
        &outcome.summary,
        &outcome.inventory,
    )
    .unwrap();
    outputs.push(("json", out));
    let mut out = Vec::new();
    speclint::report::sarif::render(&mut out, diags, &sources).unwrap();
    outputs.push(("sarif", out));
    let mut out = Vec::new();
    speclint::report::junit::render(
        &mut out,
        diags,
        &sources,
        &outcome.objects,
        speclint::diagnostic::Severity::Error,
    )
    .unwrap();
    outputs.push(("junit", out));
    outputs
        .into_iter()
        .map(|(format, out)| (format, out, diags.len()))
        .collect()
}

/// The escaping and redaction properties of one output: no control byte but newline and
/// tab, ESC only in SGR colour codes, no raw C1, bidi or line-separator character, no
/// line a CI runner would read as a workflow command except the github format's own
/// annotations, and no `canary`.
fn assert_safe(format: &str, bytes: &[u8], findings: usize, canary: Option<&str>) {
    let mut at = 0;
    while at < bytes.len() {
        if bytes[at] == 0x1b {
            let rest = &bytes[at + 1..];
            let digits = rest
                .iter()
                .skip(1)
                .take_while(|b| b.is_ascii_digit() || **b == b';')
                .count();
            assert!(
                format == "human color"
                    && rest.first() == Some(&b'[')
                    && rest.get(1 + digits) == Some(&b'm'),
                "{format}: stray ESC at {at}"
            );
            at += 2 + digits + 1;
            continue;
        }
        assert!(
            bytes[at] >= 0x20 || bytes[at] == b'\n' || bytes[at] == b'\t',
            "{format}: control byte {:#04x} at {at}",
            bytes[at]
        );
        at += 1;
    }
    let text = String::from_utf8_lossy(bytes);
    assert!(
        !text.chars().any(|c| ('\u{7f}'..='\u{9f}').contains(&c)
            || ('\u{202a}'..='\u{202e}').contains(&c)
            || ('\u{2066}'..='\u{2069}').contains(&c)
            || matches!(c, '\u{2028}' | '\u{2029}')),
        "{format}: raw hidden character"
    );
    let commands = text
        .lines()
        .filter(|l| l.trim_start().starts_with("::"))
        .count();
    let expected = if format == "github" { findings } else { 0 };
    assert_eq!(commands, expected, "{format}: workflow commands\n{text}");
    if let Some(canary) = canary {
        assert!(!text.contains(canary), "{format} shows the canary\n{text}");
    }
}

/// The renamed-service wiring with `name` as every object's name and namespace (a JSON
/// string is a YAML double-quoted scalar), and a Secret whose data, stringData and
/// last-applied annotation carry `canary`.
fn hostile_wiring(name: &str, canary: &str) -> Vec<u8> {
    let quoted = serde_json::to_string(name).unwrap();
    let text = String::from_utf8(renamed_service_fixture()).unwrap();
    let text = text
        .replace("namespace: webhooks", &format!("namespace: {quoted}"))
        .replace("name: demo-webhook\n", &format!("name: {quoted}\n"))
        .replace(
            "- name: validate.demo.example.org",
            &format!("- name: {quoted}"),
        );
    let applied = serde_json::to_string(&serde_json::json!({
        "kind": "Secret", "data": {"tls.key": canary}, "stringData": {"p": canary}
    }))
    .unwrap();
    format!(
        "{text}\n---\napiVersion: v1\nkind: Secret\nmetadata:\n  name: {quoted}\n  namespace: {quoted}\n  annotations:\n    kubectl.kubernetes.io/last-applied-configuration: {}\ndata:\n  tls.crt: {canary}\nstringData:\n  password: \"{canary}\"\n",
        serde_json::to_string(&applied).unwrap()
    )
    .into_bytes()
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

    /// Names made of what attacks terminals and CI logs, in every object of a wiring, a
    /// Secret carrying a canary, and a few byte edits: every format shows the names
    /// escaped, emits no workflow command of theirs, and never shows the canary.
    #[test]
    fn hostile_names_are_escaped_and_secrets_masked_in_every_format(
        name in proptest::collection::vec(
            prop_oneof![
                Just("\n::error::x".to_string()),
                Just("\r\n::warning file=a::b".to_string()),
                Just("\u{1b}[2J".to_string()),
                Just("\u{1b}]0;title\u{7}".to_string()),
                Just("%0A::".to_string()),
                "[\u{0}-\u{1f}\u{7f}-\u{9f}\u{202a}-\u{202e}\u{2066}-\u{2069}\u{2028}\u{2029}]",
                "[a-z0-9.-]{1,8}",
            ],
            0..6,
        ),
        file_name in "[a-z]{1,4}[\n\u{1b}\u{202e}]?[a-z]{0,4}",
        canary in "[A-Za-z0-9+/]{24,40}",
        edits in proptest::collection::vec((any::<prop::sample::Index>(), any::<u8>()), 0..3),
    ) {
        let canary = format!("CANARY{canary}");
        let mut bytes = hostile_wiring(&name.concat(), &canary);
        // A document whose kind is no longer Secret is not a Secret: its kind stays.
        let kind = String::from_utf8_lossy(&bytes).rfind("kind: Secret").unwrap();
        for (at, byte) in edits {
            let i = at.index(bytes.len());
            if !(kind..kind + "kind: Secret".len()).contains(&i) {
                bytes[i] = b"-:[]{}&*!|>'\"#\n \t"[usize::from(byte) % 17];
            }
        }
        for (format, out, findings) in every_format(&file_name, &bytes) {
            assert_safe(format, &out, findings, Some(&canary));
        }
    }
}
