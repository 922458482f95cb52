use std::time::{Duration, Instant};

use super::*;
use crate::source::{SourceFile, Span};

struct Loaded {
    file: SourceFile,
    docs: Vec<Document>,
    errors: Vec<YamlError>,
}

impl Loaded {
    fn slice(&self, span: Span) -> &str {
        self.file.text.get(span.range()).expect("span inside text")
    }

    fn doc(&self, i: usize) -> &Document {
        &self.docs[i]
    }

    fn root(&self, i: usize) -> NodeRef<'_> {
        self.docs[i].root().expect("root")
    }

    /// Text of the key and of the value of `path` in document `i`.
    fn kv(&self, i: usize, path: &[&str]) -> (&str, &str) {
        let (last, parents) = path.split_last().unwrap();
        let parent = self.root(i).path(parents).expect("parent");
        let (k, v) = parent.entry(last).expect("entry");
        (self.slice(k.span()), self.slice(v.span()))
    }

    fn line_of(&self, offset: usize) -> usize {
        self.file.line_col(offset).line
    }
}

fn load_bytes(bytes: &[u8]) -> Loaded {
    let file = SourceFile::new("test.yaml", bytes.to_vec());
    // Whichever path reads a chunk, the result is the same.
    if file.text.len() < 1 << 20 {
        super::proptests::fast_matches_full(&file.text);
    }
    let (docs, errors) = load(0, &file);
    Loaded { file, docs, errors }
}

fn load_str(text: &str) -> Loaded {
    load_bytes(text.as_bytes())
}

fn load_ok(text: &str) -> Loaded {
    let loaded = load_str(text);
    assert!(
        loaded.errors.is_empty(),
        "unexpected errors: {:?}",
        loaded.errors
    );
    loaded
}

fn testdata(name: &str) -> Vec<u8> {
    let path = format!("{}/testdata/yaml/{name}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

// ---- spans ----

#[test]
fn spans_are_exact_with_bom_crlf_tabs_and_non_ascii() {
    let l = load_ok(
        "\u{feff}# lead\r\nkéy: \"vä\\u00e9\"\r\nnested:\r\n  ünï: 'ß''x'\r\n  tab:\tcödé\r\nlist:\r\n- ä\r\n- {k: \"ö\"}\r\n",
    );
    assert_eq!(l.kv(0, &["kéy"]), ("kéy", "\"vä\\u00e9\""));
    assert_eq!(l.root(0).get("kéy").unwrap().as_str(), Some("väé"));
    assert_eq!(l.kv(0, &["nested", "ünï"]), ("ünï", "'ß''x'"));
    assert_eq!(l.kv(0, &["nested", "tab"]), ("tab", "cödé"));
    let nested = l.root(0).get("nested").unwrap();
    assert_eq!(l.slice(nested.span()), "ünï: 'ß''x'\r\n  tab:\tcödé");
    let list = l.root(0).get("list").unwrap();
    assert_eq!(l.slice(list.span()), "- ä\r\n- {k: \"ö\"}");
    let items: Vec<_> = list.items().map(|n| l.slice(n.span())).collect();
    assert_eq!(items, vec!["ä", "{k: \"ö\"}"]);
    let root = l.root(0);
    assert!(l.slice(root.span()).starts_with("kéy"));
    assert!(l.slice(root.span()).ends_with("{k: \"ö\"}"));
    assert_eq!(l.doc(0).span, root.span());
}

#[test]
fn block_scalar_spans_run_from_indicator_to_content_end() {
    let l = load_ok(
        "a: |\r\n  line1\r\n  line2\r\n\r\nb: >-  # note | not here\r\n\r\n   x\r\n   y\r\nc: |+\n  keep\n\n\nd: |\ne: !!str &anc |2\n   z\nf:\n  - |\n    item\n",
    );
    assert_eq!(l.kv(0, &["a"]).1, "|\r\n  line1\r\n  line2");
    assert_eq!(l.root(0).get("a").unwrap().as_str(), Some("line1\nline2\n"));
    assert_eq!(
        l.kv(0, &["b"]).1,
        ">-  # note | not here\r\n\r\n   x\r\n   y"
    );
    assert_eq!(l.root(0).get("b").unwrap().as_str(), Some("\nx y"));
    assert_eq!(l.kv(0, &["c"]).1, "|+\n  keep");
    assert_eq!(l.kv(0, &["d"]).1, "|");
    assert_eq!(l.root(0).get("d").unwrap().as_str(), Some(""));
    assert_eq!(l.kv(0, &["e"]).1, "|2\n   z");
    assert_eq!(l.root(0).get("e").unwrap().as_str(), Some(" z\n"));
    let item = l.root(0).get("f").unwrap().items().next().unwrap();
    assert_eq!(l.slice(item.span()), "|\n    item");
}

#[test]
fn collection_spans_start_at_their_first_byte() {
    let l = load_ok("top:\n- a\n-\n  b\nind:\n  - &x c\n  - *x\nflow: [ 1, {x: y} ]\nempty: {}\n");
    assert_eq!(l.kv(0, &["top"]).1, "- a\n-\n  b");
    assert_eq!(l.kv(0, &["ind"]).1, "- &x c\n  - *x");
    assert_eq!(l.kv(0, &["flow"]).1, "[ 1, {x: y} ]");
    assert_eq!(l.kv(0, &["empty"]).1, "{}");
    let root = l.root(0);
    assert_eq!(l.slice(root.span()), l.file.text.trim_end());
}

#[test]
fn empty_values_have_empty_spans_inside_the_text() {
    let l = load_ok("a:\nb: 1\n");
    let a = l.root(0).get("a").unwrap();
    assert!(a.is_null());
    assert!(a.span().is_empty());
    assert!(a.span().start <= l.file.text.len());
}

// ---- scalars ----

#[test]
fn scalars_resolve_as_kubernetes_reads_them() {
    let l = load_ok(
        "ka: yes\nkb: 0755\nkc: \"yes\"\nkd: 'on'\nke: !!str yes\nkf: |\n  yes\nkg: ~\nkh:\nki: 0x1F\nkj: 1_000\nkk: .inf\nkl: 1.5e3\nkm: !!int \"12\"\nkn: !!float 3\nko: NO\nkp: !custom 5\nkq: 9223372036854775808\nkr: 2001-12-14\nks: off\n",
    );
    let v = |k: &str| l.root(0).get(&format!("k{k}")).unwrap().value();
    assert_eq!(v("a"), Value::Bool(true));
    assert_eq!(v("b"), Value::Int(493));
    assert_eq!(v("c"), Value::Str("yes"));
    assert_eq!(v("d"), Value::Str("on"));
    assert_eq!(v("e"), Value::Str("yes"));
    assert_eq!(v("f"), Value::Str("yes\n"));
    assert_eq!(v("g"), Value::Null);
    assert_eq!(v("h"), Value::Null);
    assert_eq!(v("i"), Value::Int(31));
    assert_eq!(v("j"), Value::Int(1000));
    assert_eq!(v("k"), Value::Float(f64::INFINITY));
    assert_eq!(v("l"), Value::Float(1500.0));
    assert_eq!(v("m"), Value::Int(12));
    assert_eq!(v("n"), Value::Float(3.0));
    assert_eq!(v("o"), Value::Bool(false));
    assert_eq!(v("p"), Value::Str("5"));
    assert_eq!(v("q"), Value::Float(9223372036854775808.0));
    assert_eq!(v("r"), Value::Str("2001-12-14"));
    assert_eq!(v("s"), Value::Bool(false));
}

#[test]
fn keys_resolve_too() {
    let l = load_ok("on: 1\n80: http\n\"on\": 2\n");
    let keys: Vec<_> = l.root(0).entries().map(|(k, _)| k.value()).collect();
    assert_eq!(
        keys,
        vec![Value::Bool(true), Value::Int(80), Value::Str("on")]
    );
}

#[test]
fn tag_mismatch_is_a_document_error() {
    let l = load_str("a: !!int abc\n---\nb: 1\n");
    assert_eq!(l.errors.len(), 1);
    assert_eq!(l.errors[0].message, "cannot decode !!str `abc` as a !!int");
    assert_eq!(l.slice(l.errors[0].span), "abc");
    assert_eq!(l.docs.len(), 1);
    assert_eq!(l.root(0).get("b").unwrap().as_i64(), Some(1));
}

#[test]
fn duplicate_keys_are_recorded_and_the_last_wins() {
    let l = load_ok("a: 1\na: 2\n");
    assert_eq!(l.doc(0).duplicate_keys().len(), 1);
    assert_eq!(l.root(0).entries().count(), 1);
    assert_eq!(l.root(0).get("a").unwrap().as_i64(), Some(2));
}

// ---- anchors, aliases, merges ----

#[test]
fn aliases_share_the_anchored_node() {
    let l = load_ok("base: &b {x: 1}\nuse: *b\nlist: [&s str, *s, *b]\n");
    let root = l.root(0);
    let base = root.get("base").unwrap().id;
    assert_eq!(root.get("use").unwrap().id, base);
    let items: Vec<_> = root.get("list").unwrap().items().map(|n| n.id).collect();
    assert_eq!(items[1], items[0]);
    assert_eq!(items[2], base);
    // A collection ending in an alias ends at the alias token, not at the anchored node.
    assert_eq!(l.kv(0, &["list"]).1, "[&s str, *s, *b]");
}

#[test]
fn merge_keys_assign_in_go_yaml_order_and_the_last_assignment_wins() {
    let l = load_ok(
        "base: &base {a: 1, b: 2}\nother: &other {b: 3, c: 4}\nm:\n  <<: *base\n  b: 9\n  d: 5\nseq:\n  <<: [*other, *base]\n  e: 6\nquoted:\n  \"<<\": *base\n",
    );
    let keys = |key: &str| -> Vec<(String, String)> {
        l.root(0)
            .get(key)
            .unwrap()
            .entries()
            .map(|(k, v)| {
                (
                    k.scalar_text().unwrap_or_default(),
                    v.scalar_text().unwrap_or_default(),
                )
            })
            .collect()
    };
    let pairs = |v: &[(&str, &str)]| -> Vec<(String, String)> {
        v.iter()
            .map(|(a, b)| (a.to_string(), b.to_string()))
            .collect()
    };
    assert_eq!(keys("m"), pairs(&[("a", "1"), ("b", "9"), ("d", "5")]));
    // go-yaml merges a sequence's maps backwards, so earlier maps win.
    assert_eq!(
        keys("seq"),
        pairs(&[("a", "1"), ("b", "3"), ("c", "4"), ("e", "6")])
    );
    // A quoted "<<" is an ordinary key.
    assert_eq!(l.root(0).get("quoted").unwrap().entries().count(), 1);
    let merged_a = l.root(0).path(&["m", "a"]).unwrap();
    assert_eq!(merged_a.id, l.root(0).path(&["base", "a"]).unwrap().id);
}

#[test]
fn merge_of_a_scalar_is_an_error() {
    let l = load_str("a: &s x\nb:\n  <<: *s\n");
    assert_eq!(l.errors.len(), 1);
    assert_eq!(
        l.errors[0].message,
        "map merge requires map or sequence of maps as the value"
    );
    assert!(l.docs.is_empty());
}

#[test]
fn self_referencing_anchor_is_an_error() {
    let l = load_str("a: &x [1, *x]\n");
    assert_eq!(l.errors.len(), 1);
    assert_eq!(l.errors[0].message, "anchor 'x' value contains itself");
    assert_eq!(l.slice(l.errors[0].span), "*x");
}

#[test]
fn unknown_anchor_is_an_error() {
    let l = load_str("a: *nope\n");
    assert_eq!(l.errors.len(), 1);
    assert!(l.docs.is_empty());
}

fn billion_laughs(levels: usize) -> String {
    let mut s = String::from("a0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol, lol]\n");
    for i in 1..levels {
        let refs = vec![format!("*a{}", i - 1); 10].join(", ");
        s.push_str(&format!("a{i}: &a{i} [{refs}]\n"));
    }
    s
}

#[test]
fn billion_laughs_is_refused_fast() {
    let started = Instant::now();
    let l = load_str(&format!("{}---\nok: 1\n", billion_laughs(10)));
    assert!(started.elapsed() < Duration::from_secs(2));
    assert_eq!(l.errors.len(), 1);
    assert_eq!(l.errors[0].message, "document contains excessive aliasing");
    assert_eq!(l.docs.len(), 1);
    assert_eq!(l.docs[0].index, 1);
}

#[test]
fn moderate_aliasing_is_accepted() {
    // Three levels expand to about a thousand nodes: under go-yaml's limits.
    let l = load_str(&billion_laughs(3));
    assert!(l.errors.is_empty(), "{:?}", l.errors);
    let mut many = String::from("base: &b {x: 1}\nitems:\n");
    for _ in 0..500 {
        many.push_str("  - *b\n");
    }
    for i in 0..2000 {
        many.push_str(&format!("k{i}: v\n"));
    }
    let l = load_str(&many);
    assert!(l.errors.is_empty(), "{:?}", l.errors);
}

#[test]
fn alias_ratio_follows_go_yaml() {
    use super::build::excessive_aliasing;
    assert!(!excessive_aliasing(1000, 999));
    assert!(!excessive_aliasing(2000, 100));
    assert!(excessive_aliasing(2000, 1990));
    assert!(!excessive_aliasing(2000, 1970));
    assert!(excessive_aliasing(4_000_000, 400_001));
    assert!(!excessive_aliasing(4_000_000, 399_999));
    assert!(excessive_aliasing(u64::MAX, u64::MAX));
}

// ---- hostile input ----

fn assert_refused_without_crash(text: &str) {
    let started = Instant::now();
    let l = load_str(text);
    assert!(started.elapsed() < Duration::from_secs(10));
    assert!(l.docs.is_empty());
    assert_eq!(l.errors.len(), 1, "{:?}", l.errors);
}

#[test]
fn deep_flow_sequences_are_refused() {
    assert_refused_without_crash(&"[".repeat(200_000));
}

#[test]
fn deep_block_sequences_are_refused() {
    assert_refused_without_crash(&format!("{}x\n", "- ".repeat(200_000)));
}

#[test]
fn deep_flow_mappings_are_refused() {
    assert_refused_without_crash(&"a: {".repeat(200_000));
}

#[test]
fn deep_indented_mappings_are_refused() {
    let text: String = (0..300).map(|i| format!("{}a:\n", " ".repeat(i))).collect();
    assert_refused_without_crash(&text);
}

#[test]
fn mixed_block_and_flow_nesting_hits_our_limit() {
    let text = format!("{}{}{}", "- ".repeat(200), "[".repeat(200), "]".repeat(200));
    let l = load_str(&text);
    assert_eq!(l.errors.len(), 1);
    assert!(
        l.errors[0].message.contains("nesting"),
        "{}",
        l.errors[0].message
    );
}

#[test]
fn huge_scalars_are_refused() {
    let big = "x".repeat(33 << 20);
    for scalar in [
        big.clone(),
        format!("\"{big}\""),
        format!("[{big}]"),
        format!("|\n  {big}"),
    ] {
        let text = format!("a: b\n---\nbig: {scalar}\n---\nc: d\n");
        let l = load_str(&text);
        assert_eq!(l.errors.len(), 1);
        assert_eq!(l.errors[0].message, "scalar is larger than 32 MiB");
        assert_eq!(l.docs.len(), 2);
    }
}

#[test]
fn invalid_utf8_is_an_error_at_its_byte_and_other_documents_load() {
    let l = load_bytes(b"a: 1\n---\nb: \"x\xffy\"\n---\nc: 3\n");
    assert_eq!(l.errors.len(), 1);
    assert_eq!(l.errors[0].message, "invalid UTF-8 at byte 14");
    assert_eq!(l.errors[0].span, Span::new(0, 14, 15));
    assert_eq!(l.docs.len(), 2);
    assert_eq!(l.root(1).get("c").unwrap().as_i64(), Some(3));
    assert_eq!(l.docs[1].index, 2);
}

// ---- stream structure ----

#[test]
fn syntax_error_in_second_of_three_documents() {
    let l = load_str("a: 1\n---\nb: [1, 2\nc: 3\n---\nd: 4\n");
    assert_eq!(l.errors.len(), 1, "{:?}", l.errors);
    let line = l.line_of(l.errors[0].span.start);
    assert!(
        (3..=5).contains(&line),
        "error at line {line}: {:?}",
        l.errors[0]
    );
    assert_eq!(l.docs.len(), 2);
    assert_eq!(l.root(0).get("a").unwrap().as_i64(), Some(1));
    assert_eq!(l.root(1).get("d").unwrap().as_i64(), Some(4));
    assert_eq!((l.docs[0].index, l.docs[1].index), (0, 2));
}

#[test]
fn syntax_error_position_is_exact() {
    let l = load_str("a: 1\n---\nb: 1\n  c: 2\n");
    assert_eq!(l.errors.len(), 1);
    let at = l.file.line_col(l.errors[0].span.start);
    assert_eq!(at.line, 4, "{:?}", l.errors[0]);
}

#[test]
fn document_end_markers_and_empty_documents() {
    let l = load_ok("# only a comment\n---\n---\n# c\n...\na: 1\n...\n---\nb: 2\n...\n");
    assert_eq!(l.docs.len(), 2);
    assert_eq!(l.root(0).get("a").unwrap().as_i64(), Some(1));
    assert_eq!(l.root(1).get("b").unwrap().as_i64(), Some(2));
    assert_eq!((l.docs[0].index, l.docs[1].index), (0, 1));
}

#[test]
fn directives_belong_to_the_following_document() {
    let l = load_ok("a: 1\n...\n%YAML 1.1\n---\nb: yes\n");
    assert_eq!(l.docs.len(), 2);
    assert_eq!(l.root(1).get("b").unwrap().as_bool(), Some(true));
}

#[test]
fn scalar_and_sequence_roots_have_no_objects() {
    let l = load_ok("just text\n---\n- a\n---\n~\n");
    assert_eq!(l.docs.len(), 3);
    assert!(l.docs.iter().all(|d| d.object_list().is_empty()));
    assert!(l.root(2).is_null());
}

#[test]
fn many_comments_do_not_overflow_granit_buffers() {
    let comments = "  # Source: noise\n".repeat(300);
    let l = load_ok(&format!("a:\n{comments}  b: 1\nc:\n{comments}- x\n"));
    assert_eq!(l.root(0).path(&["a", "b"]).unwrap().as_i64(), Some(1));
}

// ---- Helm sources and Lists ----

#[test]
fn helm_source_comments_name_documents() {
    let l = load_ok(
        "---\n# Source: chart/templates/empty.yaml\n---\n# Source: chart/templates/svc.yaml\napiVersion: v1\nkind: Service\nmetadata:\n  name: s # Source: not/this.yaml\n---\napiVersion: v1\nkind: ConfigMap\n",
    );
    assert_eq!(l.docs.len(), 2);
    assert_eq!(
        l.docs[0].template().map(|t| &**t),
        Some("chart/templates/svc.yaml")
    );
    assert_eq!(l.docs[0].object_list().len(), 1);
    assert_eq!(l.docs[0].object_list()[0].node, l.docs[0].root.unwrap());
    assert_eq!(
        l.docs[0].object_list()[0].template,
        Some("chart/templates/svc.yaml")
    );
    assert_eq!(l.docs[1].template(), None);
    assert_eq!(l.docs[1].object_list()[0].template, None);
}

#[test]
fn list_items_are_objects_with_their_own_sources() {
    let l = load_ok(
        "# Source: whole/list.yaml\napiVersion: v1\nkind: List\nitems:\n  - # Source: x/templates/s.yaml\n    apiVersion: v1\n    kind: Service\n  - apiVersion: v1\n    kind: ConfigMap\n# Source: x/templates/d.yaml\n  - apiVersion: apps/v1\n    kind: Deployment\n  - just a string\n",
    );
    let doc = l.doc(0);
    assert_eq!(doc.template().map(|t| &**t), Some("whole/list.yaml"));
    let objects: Vec<_> = doc
        .objects()
        .map(|o| {
            let kind = doc.node(o.node).get("kind").unwrap().as_str().unwrap();
            (kind, o.template)
        })
        .collect();
    assert_eq!(
        objects,
        vec![
            ("Service", Some("x/templates/s.yaml")),
            ("ConfigMap", None),
            ("Deployment", Some("x/templates/d.yaml")),
        ]
    );
    let first = doc.node(doc.object_list()[0].node);
    assert_eq!(l.slice(first.span()), "apiVersion: v1\n    kind: Service");
}

#[test]
fn typed_lists_flatten_and_other_kinds_do_not() {
    let l = load_ok(
        "kind: ServiceList\nitems:\n- kind: Service\n- kind: Service\n---\nkind: Listing\nitems: [a]\n---\nkind: List\nitems: null\n",
    );
    assert_eq!(l.docs[0].object_list().len(), 2);
    assert_eq!(l.docs[1].object_list().len(), 1);
    assert_eq!(l.docs[1].object_list()[0].node, l.docs[1].root.unwrap());
    assert_eq!(l.docs[2].object_list().len(), 1);
}

// ---- JSON ----

#[test]
fn json_single_object() {
    let l = load_ok(
        "{\"apiVersion\": \"v1\", \"kind\": \"Service\", \"spec\": {\"ports\": [{\"port\": 443}]}}",
    );
    assert_eq!(l.docs.len(), 1);
    let port = l
        .root(0)
        .path(&["spec", "ports"])
        .unwrap()
        .items()
        .next()
        .unwrap();
    assert_eq!(port.get("port").unwrap().as_i64(), Some(443));
    assert_eq!(l.kv(0, &["kind"]), ("\"kind\"", "\"Service\""));
    assert_eq!(l.docs[0].object_list().len(), 1);
}

#[test]
fn json_pretty_printed_list_with_tabs() {
    let l = load_ok(&String::from_utf8(testdata("kubectl-list.json")).unwrap());
    assert_eq!(l.docs.len(), 1);
    let doc = l.doc(0);
    assert_eq!(doc.object_list().len(), 2);
    let names: Vec<_> = doc
        .object_list()
        .iter()
        .map(|o| {
            doc.node(o.node)
                .path(&["metadata", "name"])
                .unwrap()
                .as_str()
                .unwrap()
        })
        .collect();
    assert_eq!(names, vec!["webhook", "api"]);
    let port = doc
        .node(doc.object_list()[1].node)
        .path(&["spec", "ports"])
        .unwrap()
        .items()
        .next()
        .unwrap();
    assert_eq!(port.get("port").unwrap().as_i64(), Some(443));
    assert_eq!(l.slice(port.get("port").unwrap().span()), "443");
}

// ---- throughput ----

/// Run with `cargo test --release --lib yaml::tests::throughput -- --ignored --nocapture`.
#[test]
#[ignore]
fn throughput_on_generated_helm_yaml() {
    let mut text = String::with_capacity(52 << 20);
    while text.len() < 50 << 20 {
        text.push_str(super::proptests::HELM_DOC);
    }
    let file = SourceFile::new("bench.yaml", text.into_bytes());
    let mb = file.text.len() as f64 / 1e6;
    for threads in [1, 2] {
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .build()
            .unwrap();
        let started = Instant::now();
        let (docs, errors) = pool.install(|| load(0, &file));
        let secs = started.elapsed().as_secs_f64();
        assert!(errors.is_empty());
        let nodes: usize = docs.iter().map(|d| d.tree().len()).sum();
        println!(
            "{threads} thread(s): {mb:.1} MB, {} docs, {nodes} nodes in {secs:.2}s = {:.1} MB/s",
            docs.len(),
            mb / secs
        );
    }
    // For comparison: granit-parser alone (no fast path), one thread.
    let started = Instant::now();
    let parsed: usize = chunk::split(&file.text)
        .into_iter()
        .map(|range| super::build::parse_chunk_full(0, file.text.shared(), range).len())
        .sum();
    let secs = started.elapsed().as_secs_f64();
    println!(
        "granit path only, 1 thread: {parsed} docs in {secs:.2}s = {:.1} MB/s",
        mb / secs
    );
}

// ---- the fast path ----

#[test]
fn fast_path_takes_common_constructs() {
    let snippets = [
        "a: 1\nb: \"two\"\nc: 'three'\nd:\ne: [x, \"y\", {z: 1}]\nf: {}\n",
        "list:\n- a\n-\n  b: c\n- - nested\n  - more\nindented:\n  - x # comment\n",
        "cert: |\n  -----BEGIN CERTIFICATE-----\n  MIIB\n\n  -----END CERTIFICATE-----\nfolded: >-\n  one\n  two\n\n  three\n",
        "description: a long\n  plain scalar\n\n  over lines\nnext: 1\n",
        "\u{feff}# Source: c/t.yaml\r\n---\r\nkey: \"esc\\u00e9\\\"\"\r\nvalue: é\r\n",
        "- name: x\n  env:\n  - name: A\n    value: \"1\"\n",
    ];
    for text in snippets {
        let chunks = chunk::split(text);
        let source = std::sync::Arc::new(text.to_string());
        for range in chunks {
            assert!(
                fast::parse_simple(0, &source, range.clone()).is_some(),
                "fast path refused {:?}",
                &text[range]
            );
        }
        load_ok(text);
    }
}

/// Strings written as they read point into the file's text; only the others are copied.
#[test]
fn strings_equal_to_their_source_are_not_copied() {
    let text = "k: plain words\n'q k': 'single'\nd: \"double\"\ne: 'it''s'\nf: \"a\\tb\"\n\
                g: [x, 'y', \"z\"]\nh: |\n  block\ni: folded\n  plain\nj: \"\"\n";
    let expected = [
        ("k", "plain words"),
        ("q k", "single"),
        ("d", "double"),
        ("e", "it's"),
        ("f", "a\tb"),
        ("h", "block\n"),
        ("i", "folded plain"),
        ("j", ""),
    ];
    let source = std::sync::Arc::new(text.to_string());
    let range = 0..text.len();
    let fast = fast::parse_simple(0, &source, range.clone()).expect("fast path");
    let full = super::build::parse_chunk_full(0, &source, range);
    for parsed in [fast, full] {
        let [super::draft::Parsed::Doc(doc)] = &parsed[..] else {
            panic!("{parsed:?}");
        };
        let root = doc.tree.node(doc.root);
        for (key, value) in expected {
            assert_eq!(root.get(key).and_then(|v| v.as_str()), Some(value), "{key}");
        }
        let flow: Vec<_> = root.get("g").unwrap().items().map(|n| n.as_str()).collect();
        assert_eq!(flow, [Some("x"), Some("y"), Some("z")]);
        // "it's", "a\tb", "block\n" and "folded plain".
        assert_eq!(doc.tree.copied_text_len(), 4 + 3 + 6 + 12);
    }
}

#[test]
fn concatenated_files_with_boms_load() {
    let l = load_ok("\u{feff}a: 1\n\u{feff}---\nb: 2\n");
    assert_eq!(l.docs.len(), 2);
    assert_eq!(l.root(1).get("b").unwrap().as_i64(), Some(2));
}

/// testdata/yaml/dupkeys/gen.go ran each input through Go's decoders. speclint records a
/// duplicate key exactly where the strict ones refuse the document, fails to read exactly
/// what the lenient ones refuse, and resolves the same values as the lenient ones.
#[test]
fn duplicate_keys_agree_with_go_strict_decoders() {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/testdata/yaml/dupkeys/verdicts.json"
    );
    let records: Vec<serde_json::Value> =
        serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    assert!(records.len() >= 60, "{} inputs", records.len());
    let mut values_compared = 0;
    for record in &records {
        let name = record["name"].as_str().unwrap();
        let input = record["input"].as_str().unwrap();
        let verdict = |decoder: &str| &record["verdicts"][decoder];
        let l = load_str(input);
        let lenient = verdict("yaml.v2 Unmarshal");
        assert_eq!(
            l.errors.is_empty(),
            lenient["ok"].as_bool().unwrap(),
            "{name}: speclint's errors {:?} vs go-yaml's {lenient}",
            l.errors
        );
        let duplicates: Vec<&DuplicateKey> =
            l.docs.iter().flat_map(|d| d.duplicate_keys()).collect();
        for strict in [
            "yaml.v2 UnmarshalStrict",
            "sigs.k8s.io/yaml YAMLToJSONStrict",
            "sigs.k8s.io/yaml UnmarshalStrict",
        ] {
            let error = verdict(strict)["error"].as_str().unwrap_or("");
            let refused = error.contains("already set in map");
            assert_eq!(
                !duplicates.is_empty(),
                refused,
                "{name}: {strict} says {error:?}; speclint found {duplicates:?}"
            );
        }
        // go-yaml decodes an aliased node again at each alias; speclint records it once.
        if input.contains('*') {
            continue;
        }
        let error = verdict("yaml.v2 UnmarshalStrict")["error"]
            .as_str()
            .unwrap_or("");
        let mut go_lines: Vec<usize> = error
            .lines()
            .filter(|line| line.contains("already set in map"))
            .map(|line| {
                let line = line.trim().strip_prefix("line ").unwrap();
                line[..line.find(':').unwrap()].parse().unwrap()
            })
            .collect();
        let doc = l.docs.first();
        let mut lines: Vec<usize> = duplicates
            .iter()
            .map(|d| l.line_of(doc.unwrap().node(d.again.value).span().start))
            .collect();
        go_lines.sort_unstable();
        lines.sort_unstable();
        assert_eq!(
            lines, go_lines,
            "{name}: lines of the repeated keys' values"
        );
        // The values the lenient decoder keeps (string, int, bool and null keys).
        if let (Some(root), Some(result)) = (doc.and_then(Document::root), lenient.get("result")) {
            let go: serde_json::Value = serde_json::from_str(result.as_str().unwrap()).unwrap();
            if let Some(ours) = go_shaped(root) {
                assert!(same_json(&ours, &go), "{name}: {ours} vs go-yaml's {go}");
                values_compared += 1;
            }
        }
    }
    assert!(values_compared >= 30, "only {values_compared} compared");
}

/// A node as gen.go prints go-yaml's result: keys as `%T %#v` (`string "a"`, `int 1`).
/// `None` for keys it cannot spell the same way (floats, non-ASCII text).
fn go_shaped(node: NodeRef<'_>) -> Option<serde_json::Value> {
    use serde_json::Value as J;
    Some(match node.value() {
        Value::Null => J::Null,
        Value::Bool(b) => J::Bool(b),
        Value::Int(i) => J::from(i),
        Value::Float(f) => J::from(f),
        Value::Str(s) => J::String(s.to_string()),
        Value::Seq(_) => J::Array(node.items().map(go_shaped).collect::<Option<_>>()?),
        Value::Map(_) => {
            let mut out = serde_json::Map::new();
            // The last entry of a key wins, as in go-yaml's map.
            for (k, v) in node.entries() {
                let key = match k.value() {
                    Value::Str(s) if s.bytes().all(|b| b.is_ascii_graphic() && b != b'\\') => {
                        format!("string {s:?}")
                    }
                    Value::Int(i) => format!("int {i}"),
                    Value::Bool(b) => format!("bool {b}"),
                    Value::Null => "<nil> <nil>".to_string(),
                    _ => return None,
                };
                out.insert(key, go_shaped(v)?);
            }
            J::Object(out)
        }
    })
}

/// JSON equality with numbers compared as f64 (Go prints 1.0 as `1`).
fn same_json(a: &serde_json::Value, b: &serde_json::Value) -> bool {
    use serde_json::Value as J;
    match (a, b) {
        (J::Number(x), J::Number(y)) => x.as_f64() == y.as_f64(),
        (J::Array(x), J::Array(y)) => {
            x.len() == y.len() && x.iter().zip(y).all(|(a, b)| same_json(a, b))
        }
        (J::Object(x), J::Object(y)) => {
            x.len() == y.len()
                && x.iter()
                    .all(|(k, v)| y.get(k).is_some_and(|w| same_json(v, w)))
        }
        _ => a == b,
    }
}

#[test]
fn entries_leave_out_keys_set_again_later_as_go_yaml_does() {
    let l = load_ok(
        "m: {a: 1, b: 2, a: 3}\np:\n  x: 1\n  x: 2\n  z: 0\n  x: 3\nmerged:\n  a: 1\n  <<: {a: 2}\n",
    );
    let pairs = |key: &str| -> Vec<(String, String)> {
        l.root(0)
            .get(key)
            .unwrap()
            .entries()
            .map(|(k, v)| {
                (
                    k.scalar_text().unwrap(),
                    v.scalar_text().unwrap_or_default(),
                )
            })
            .collect()
    };
    let expect = |v: &[(&str, &str)]| -> Vec<(String, String)> {
        v.iter()
            .map(|(a, b)| (a.to_string(), b.to_string()))
            .collect()
    };
    assert_eq!(pairs("m"), expect(&[("b", "2"), ("a", "3")]));
    assert_eq!(pairs("p"), expect(&[("z", "0"), ("x", "3")]));
    // The merge comes after the explicit key: go-yaml keeps the merged value.
    assert_eq!(pairs("merged"), expect(&[("a", "2")]));
    assert_eq!(l.doc(0).duplicate_keys().len(), 4);
    // The tree keeps every entry (suppression comments and spans need them).
    let all = |key: &str| match l.root(0).get(key).unwrap().value() {
        Value::Map(entries) => entries.len(),
        _ => 0,
    };
    assert_eq!((all("m"), all("p"), all("merged")), (3, 4, 2));
}
