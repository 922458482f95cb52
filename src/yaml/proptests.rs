//! `load` never panics and returns only spans that lie inside the text on char
//! boundaries, for arbitrary bytes and for mutated YAML. Set PROPTEST_CASES for longer runs.

use proptest::prelude::*;

use super::*;
use crate::source::SourceFile;

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
        let count = doc.tree.nodes.len() as NodeId;
        assert!(doc.root.is_some_and(|r| r < count));
        for object in &doc.objects {
            assert!(object.node < count);
        }
        for node in &doc.tree.nodes {
            check_span(text, node.span);
            match &node.value {
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
