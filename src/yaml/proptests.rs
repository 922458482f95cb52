//! `load` never panics and returns only spans that lie inside the text on char
//! boundaries, for arbitrary bytes and for mutated YAML. Set PROPTEST_CASES for longer runs.

use proptest::prelude::*;

use super::*;
use crate::source::{SourceFile, Span};

const SEEDS: &[&str] = &[
    "---\n# Source: chart/templates/svc.yaml\napiVersion: v1\nkind: Service\nmetadata:\n  name: \"svc\"\n  labels: {app: x, 'q': y}\nspec:\n  ports:\n  - port: 443\n    targetPort: 0x1F\n",
    "kind: List\nitems:\n  - # Source: a/b.yaml\n    kind: Secret\n    data:\n      tls.crt: |\n        LS0t\n        LS0t\n  - kind: ConfigMap\n...\n%YAML 1.1\n---\nb: >-\n  folded\n  text\n",
    "base: &b {x: 1, y: [1, 2]}\nm:\n  <<: *b\n  <<: [*b, {z: 3}]\n  x: !!str 2\nl: [*b, *b, &c ~, *c]\n? complex\n: value\n",
    "{\n\t\"apiVersion\": \"v1\",\n\t\"items\": [\n\t\t{\"kind\": \"Service\", \"n\": -1.5e3}\n\t],\n\t\"kind\": \"List\"\n}\n",
    "\u{feff}a: 1\r\nb:\r\n- c\r\n- d: é\r\n  e: 'ü''x'\r\n---\r\nf: \"\\u00e9\\t\"\r\n",
];

const ALPHABET: &[&str] = &[
    "-",
    ":",
    " ",
    "\n",
    "\r\n",
    "\t",
    "[",
    "]",
    "{",
    "}",
    ",",
    "|",
    ">",
    "&a",
    "*a",
    "!!int ",
    "#",
    "'",
    "\"",
    "<<",
    "---\n",
    "...\n",
    "%YAML 1.1\n",
    "? ",
    "é",
    "\u{feff}",
    "\\",
    "  ",
    "x",
];

#[derive(Clone, Debug)]
enum Mutation {
    Insert(usize, usize),
    Delete(usize, usize),
    Replace(usize, usize),
}

fn apply(seed: &str, mutations: &[Mutation]) -> Vec<u8> {
    let mut bytes = seed.as_bytes().to_vec();
    for m in mutations {
        let len = bytes.len().max(1);
        match *m {
            Mutation::Insert(at, what) => {
                let at = at % (len + 1);
                let at = at.min(bytes.len());
                let piece = ALPHABET[what % ALPHABET.len()].as_bytes();
                bytes.splice(at..at, piece.iter().copied());
            }
            Mutation::Delete(at, n) => {
                let at = (at % len).min(bytes.len());
                let end = (at + n % 8).min(bytes.len());
                bytes.drain(at..end);
            }
            Mutation::Replace(at, byte) => {
                if !bytes.is_empty() {
                    let at = at % bytes.len();
                    bytes[at] = byte as u8;
                }
            }
        }
    }
    bytes
}

fn mutation() -> impl Strategy<Value = Mutation> {
    prop_oneof![
        (any::<usize>(), any::<usize>()).prop_map(|(a, b)| Mutation::Insert(a, b)),
        (any::<usize>(), any::<usize>()).prop_map(|(a, b)| Mutation::Delete(a, b)),
        (any::<usize>(), any::<usize>()).prop_map(|(a, b)| Mutation::Replace(a, b)),
    ]
}

fn check_span(text: &str, span: Span) {
    assert!(span.start <= span.end, "{span:?}");
    assert!(span.end <= text.len(), "{span:?} beyond {}", text.len());
    assert!(text.is_char_boundary(span.start), "{span:?}");
    assert!(text.is_char_boundary(span.end), "{span:?}");
}

fn check(bytes: Vec<u8>) {
    let file = SourceFile::new("prop.yaml", bytes);
    let (docs, errors) = load(0, &file);
    let text = file.text.as_str();
    for err in &errors {
        check_span(text, err.span);
    }
    for doc in &docs {
        check_span(text, doc.span);
        let count = doc.tree().len() as NodeId;
        assert!(doc.root.is_some_and(|r| r < count));
        for object in doc.objects() {
            assert!(object.node < count);
        }
        for node in doc.tree().nodes() {
            assert_eq!(node.span().file, doc.file());
            check_span(text, node.span());
            match node.value() {
                Value::Seq(items) => assert!(items.iter().all(|&i| i < count)),
                Value::Map(entries) => {
                    assert!(entries.iter().all(|&(k, v)| k < count && v < count))
                }
                _ => {}
            }
        }
    }
}

fn config() -> ProptestConfig {
    let cases = std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(256);
    ProptestConfig {
        cases,
        // Keep saved failing cases next to this file (src/yaml/proptests.regressions).
        failure_persistence: Some(Box::new(
            proptest::test_runner::FileFailurePersistence::WithSource("regressions"),
        )),
        ..ProptestConfig::default()
    }
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn arbitrary_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..400)) {
        check(bytes);
    }

    #[test]
    fn mutated_yaml_never_panics(
        seed in 0..SEEDS.len(),
        mutations in proptest::collection::vec(mutation(), 1..12),
    ) {
        check(apply(SEEDS[seed], &mutations));
    }
}

// ---- the fast path builds exactly what the granit path builds ----

/// xorshift64*: a tiny deterministic generator driven by a proptest seed.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }

    fn chance(&mut self, percent: usize) -> bool {
        self.below(100) < percent
    }

    fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items[self.below(items.len())]
    }
}

/// Keys and scalars the fast path takes, then (after `CLEAN_*`) ones it leaves to granit
/// or that are invalid.
const KEYS: &[&str] = &[
    "a",
    "b",
    "name",
    "app.kubernetes.io/name",
    "on",
    "80",
    "a b",
    "\"q\"",
    "'s'",
    "k-1",
    "it's",
    "é",
    "\"es\\u00e9\"",
    "x  ",
    "y",
    "0x10",
    "~",
    "\"\"",
    // Equal to keys above once resolved: duplicates.
    "'a'",
    "true",
    "16",
    // Not taken by the fast path:
    "<<",
    "a[0]",
    "-k",
    "key with: colon",
    "&a k",
    "? k",
    "\"a\"b",
];
const CLEAN_KEYS: usize = 21;

const SCALARS: &[&str] = &[
    "a",
    "name",
    "yes",
    "No",
    "0755",
    "0x1F",
    "1.5",
    "-3",
    "~",
    "null",
    "true",
    "nginx:1.16",
    "100m",
    "a b  c",
    "x#y",
    "it's",
    "foo[1]",
    "-dash",
    "?q",
    ":c",
    "é",
    "日本",
    "12e3",
    ".inf",
    "a,b",
    "\"a\\tb\"",
    "\"\\u00e9\\x41\\\"\"",
    "\"\"",
    "\"yes\"",
    "'it''s'",
    "''",
    "'a # b'",
    "v #c",
    "[]",
    "{}",
    "[a, b]",
    "[\"x\", 'y', 1]",
    "{a: 1, \"b\":2}",
    "[a, [b, {c: d}]]",
    "[a b, c]",
    "[ a , b , ]",
    "{a: [1, 2], b: {c: ~}}",
    "{\"k\": \"v\", 'x': -0.5}",
    "[-1, +2, .5]",
    "http://x/y?z=1",
    "a:b",
    "'''quoted'''",
    "\"\\\\\"",
    // Not taken by the fast path, or invalid:
    "@at",
    "%pct",
    "\"\\uD834\\uDD1E\"",
    "\"bad\\q\"",
    "&anc v",
    "*alias",
    "!!str 5",
    "a: b",
    "- x",
    "[a: b]",
    "{a}",
    "[a, b",
    "\"unclosed",
    "'x' y",
    "[http://x]",
    "{a: }",
];
const CLEAN_SCALARS: usize = 48;

const BLOCK_LINES: &[&str] = &[
    "text",
    "more text",
    "# not a comment",
    "- x",
    "a: b",
    "trailing  ",
    "",
    "",
    "é ü",
    "{x}",
];

struct Generator {
    rng: Rng,
    out: String,
    newline: &'static str,
    /// Mostly input the fast path takes, so that its output gets compared.
    clean: bool,
}

impl Generator {
    fn pick_from(&mut self, items: &[&'static str], clean: usize) -> &'static str {
        if self.clean && !self.rng.chance(3) {
            items[self.rng.below(clean)]
        } else {
            self.rng.pick(items)
        }
    }

    fn line(&mut self) {
        if self.rng.chance(10) {
            self.out.push_str(" # c");
        } else if self.rng.chance(5) {
            self.out.push_str(" # Source: t/x.yaml");
        }
        self.out.push_str(self.newline);
        if self.rng.chance(8) {
            let indent = self.rng.below(8);
            self.out.push_str(&" ".repeat(indent));
            self.out.push_str(if self.rng.chance(50) {
                "# Source: t/y.yaml"
            } else {
                "# note"
            });
            self.out.push_str(self.newline);
        }
        if self.rng.chance(5) {
            self.out.push_str(self.newline);
        }
    }

    fn indent(&mut self, n: usize) {
        self.out.push_str(&" ".repeat(n));
    }

    fn step(&mut self) -> usize {
        1 + self.rng.below(4)
    }

    fn map(&mut self, indent: usize, depth: usize, first_inline: bool) {
        let entries = 1 + self.rng.below(4);
        for i in 0..entries {
            if i > 0 || !first_inline {
                self.indent(indent);
            }
            let key = self.pick_from(KEYS, CLEAN_KEYS);
            self.out.push_str(key);
            self.out.push(':');
            self.value(indent, depth, true);
        }
    }

    fn seq(&mut self, indent: usize, depth: usize) {
        let items = 1 + self.rng.below(4);
        for _ in 0..items {
            self.indent(indent);
            self.out.push('-');
            self.value(indent, depth, false);
        }
    }

    /// Writes a value after `key:` or `-`; `owner` is the column of the key or dash.
    fn value(&mut self, owner: usize, depth: usize, after_key: bool) {
        let kinds = if depth >= 4 { 4 } else { 8 };
        match self.rng.below(kinds) {
            0 | 1 => {
                self.out.push(' ');
                let scalar = self.pick_from(SCALARS, CLEAN_SCALARS);
                self.out.push_str(scalar);
                self.line();
            }
            2 => self.block_scalar(owner),
            3 => {
                self.out
                    .push_str(if self.rng.chance(80) { " " } else { "" });
                self.line();
            }
            4 => {
                self.out.push(' ');
                self.out
                    .push_str(self.rng.pick(&["plain", "first part", "x"]));
                let lines = 1 + self.rng.below(3);
                for _ in 0..lines {
                    self.out.push_str(self.newline);
                    if self.rng.chance(20) {
                        self.out.push_str(self.newline);
                    }
                    let step = self.step();
                    self.indent(owner + step);
                    self.out.push_str(self.rng.pick(&[
                        "more",
                        "words here",
                        "end #c",
                        "- no",
                        "a: b",
                    ]));
                }
                self.out.push_str(self.newline);
            }
            5 if !after_key => {
                self.out.push(' ');
                self.map(owner + 2, depth + 1, true);
            }
            5 | 6 => {
                self.line();
                let step = self.step();
                self.map(owner + step, depth + 1, false);
            }
            _ => {
                self.line();
                let indent = if after_key && self.rng.chance(50) {
                    owner
                } else {
                    owner + self.step()
                };
                self.seq(indent, depth + 1);
            }
        }
    }

    fn block_scalar(&mut self, owner: usize) {
        self.out.push(' ');
        let header = if self.clean {
            self.rng.pick(&["|", "|-", ">", ">-"])
        } else {
            self.rng.pick(&["|", "|-", ">", ">-", "|+", "|2", "|+2"])
        };
        self.out.push_str(header);
        self.line();
        let content = owner + self.step();
        if self.rng.chance(20) {
            self.out.push_str(self.newline);
        }
        let lines = 1 + self.rng.below(5);
        for _ in 0..lines {
            let text = self.rng.pick(BLOCK_LINES);
            if !text.is_empty() {
                let extra = if self.rng.chance(20) {
                    1 + self.rng.below(2)
                } else {
                    0
                };
                self.indent(content + extra);
            }
            self.out.push_str(text);
            self.out.push_str(self.newline);
        }
    }

    fn document(&mut self) {
        if self.rng.chance(30) {
            self.out.push_str("# Source: chart/templates/a.yaml");
            self.out.push_str(self.newline);
        }
        if self.rng.chance(50) {
            self.out.push_str("---");
            self.line();
        }
        if self.rng.chance(70) {
            self.map(0, 0, false);
        } else {
            self.seq(0, 0);
        }
    }
}

fn generate(seed: u64) -> String {
    let mut rng = Rng(seed | 1);
    let newline = if rng.chance(20) { "\r\n" } else { "\n" };
    let clean = rng.chance(60);
    let mut generator = Generator {
        rng,
        out: String::new(),
        newline,
        clean,
    };
    if generator.rng.chance(10) {
        generator.out.push('\u{feff}');
    }
    let documents = 1 + generator.rng.below(3);
    for i in 0..documents {
        if i > 0 {
            generator.out.push_str("---");
            generator.out.push_str(newline);
        }
        generator.document();
    }
    generator.out
}

/// Each node as the public view shows it: value (children by id) and span.
fn node_views(tree: &Tree) -> Vec<String> {
    tree.nodes()
        .map(|n| format!("{:?} {:?}", n.value(), n.span()))
        .collect()
}

/// A comparable rendering of a chunk's result.
fn canonical(parsed: &[draft::Parsed]) -> Vec<String> {
    parsed
        .iter()
        .map(|p| match p {
            draft::Parsed::Doc(d) => {
                let mut sources = d.sources.clone();
                sources.sort();
                format!(
                    "{:?} {} {:?} {:?} {:?} {:?}",
                    node_views(&d.tree),
                    d.root,
                    d.span,
                    sources,
                    d.duplicate_keys,
                    d.tree.overridden
                )
            }
            draft::Parsed::Error(_) => "error".to_string(),
        })
        .collect()
}

pub(super) const HELM_DOC: &str = "---
# Source: mychart/templates/deployment.yaml
apiVersion: apps/v1
kind: Deployment
metadata:
  name: \"release-name-app-N\"
  namespace: default
  labels:
    app.kubernetes.io/name: app
    app.kubernetes.io/instance: release-name
    app.kubernetes.io/version: \"1.16.0\"
    helm.sh/chart: mychart-0.1.0
  annotations:
    checksum/config: 7d865e959b2466918c9863afca942d0fb89d7c9ac0c99bafc3749504ded97730
spec:
  replicas: 3
  selector:
    matchLabels:
      app.kubernetes.io/name: app
      app.kubernetes.io/instance: release-name
  template:
    metadata:
      labels:
        app.kubernetes.io/name: app
        app.kubernetes.io/instance: release-name
    spec:
      serviceAccountName: release-name-app
      securityContext:
        runAsNonRoot: true
        fsGroup: 2000
      containers:
        - name: app
          image: \"nginx:1.16.0\"
          imagePullPolicy: IfNotPresent
          args: [\"--port=8080\", \"--tls-cert-file=/certs/tls.crt\", \"--verbose\"]
          ports:
            - name: http
              containerPort: 8080
              protocol: TCP
          env:
            - name: FOO
              value: \"bar\"
          livenessProbe:
            httpGet:
              path: /healthz
              port: http
          resources:
            limits:
              cpu: 100m
              memory: 128Mi
          volumeMounts:
            - name: certs
              mountPath: /certs
              readOnly: true
      volumes:
        - name: certs
          secret:
            secretName: release-name-app-tls
---
# Source: mychart/templates/secret.yaml
apiVersion: v1
kind: Secret
metadata:
  name: release-name-app-tls
type: kubernetes.io/tls
data:
  tls.crt: |
    LS0tLS1CRUdJTiBDRVJUSUZJQ0FURS0tLS0tCk1JSUJrVENCK3dJSkFLSHNlVzVXbHpNQU1BMEdDU3FHU0liM0RRRUJDd1VBTUJFeER6QU5CZ05WQkFNTUJuUmxjM1J3
    YzNJd0hoY05NVGd4TWpFek1UQXdNREF3V2hjTk1qZ3hNakV3TVRBd01EQXdXakFSTVE4d0RRWURWUVFEREFaMFpYTjBjSE55TUlHZk1BMEdDU3FHU0liM0RRRUJBUVVB
  tls.key: c2VjcmV0
";

/// Checks every chunk the fast path accepts against granit; returns (accepted, chunks).
pub(super) fn fast_matches_full(text: &str) -> (usize, usize) {
    let chunks = chunk::split(text);
    let source = std::sync::Arc::new(text.to_string());
    let mut accepted = 0;
    for range in &chunks {
        if let Some(fast) = fast::parse_simple(0, &source, range.clone()) {
            accepted += 1;
            let full = build::parse_chunk_full(0, &source, range.clone());
            if let ([draft::Parsed::Doc(a)], [draft::Parsed::Doc(b)]) = (&fast[..], &full[..]) {
                let (x, y) = (node_views(&a.tree), node_views(&b.tree));
                if let Some(i) = (0..x.len().min(y.len())).find(|&i| x[i] != y[i]) {
                    let id = i as NodeId;
                    panic!(
                        "node {i} differs: fast {} {:?} / full {} {:?} in chunk {:?}",
                        x[i],
                        text.get(a.tree.span(id).range()),
                        y[i],
                        text.get(b.tree.span(id).range()),
                        &text[range.clone()]
                    );
                }
            }
            assert_eq!(
                canonical(&fast),
                canonical(&full),
                "fast path differs on chunk {range:?} of {text:?}"
            );
        }
    }
    (accepted, chunks.len())
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn fast_path_agrees_with_granit(seed in any::<u64>()) {
        fast_matches_full(&generate(seed));
    }

    #[test]
    fn fast_path_agrees_with_granit_after_mutation(
        seed in any::<u64>(),
        mutations in proptest::collection::vec(mutation(), 1..6),
    ) {
        let bytes = apply(&generate(seed), &mutations);
        if let Ok(text) = String::from_utf8(bytes) {
            fast_matches_full(&text);
        }
    }
}

#[test]
fn fast_path_takes_most_generated_documents() {
    assert_eq!((KEYS[CLEAN_KEYS], SCALARS[CLEAN_SCALARS]), ("<<", "@at"));
    let (mut accepted, mut total) = (0, 0);
    for seed in 0..500 {
        let (a, t) = fast_matches_full(&generate(seed * 7919 + 13));
        accepted += a;
        total += t;
    }
    // The vocabulary holds invalid and unusual YAML on purpose; still, most chunks qualify.
    assert!(
        accepted * 4 > total,
        "fast path took {accepted} of {total} chunks"
    );
}

#[test]
fn fast_path_takes_helm_output() {
    let text = HELM_DOC.repeat(3);
    let (accepted, total) = fast_matches_full(&text);
    assert_eq!(accepted, total);
}

/// The generator repeats keys, so the comparison above covers the duplicates found.
#[test]
fn generated_documents_repeat_keys_the_fast_path_reads() {
    let mut with_duplicates = 0;
    for seed in 0..500 {
        let text = std::sync::Arc::new(generate(seed * 7919 + 13));
        for range in chunk::split(&text) {
            if let Some(parsed) = fast::parse_simple(0, &text, range) {
                with_duplicates += parsed
                    .iter()
                    .filter(|p| matches!(p, draft::Parsed::Doc(d) if !d.duplicate_keys.is_empty()))
                    .count();
            }
        }
    }
    assert!(
        with_duplicates >= 50,
        "{with_duplicates} documents with duplicates"
    );
}
