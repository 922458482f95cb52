//! The module graph of `src/` has no cycle: a module never imports from a module that
//! (through others) imports it. A `mod.rs` declares its children and may use them; a child
//! never reaches back into its parent's items (they belong in a sibling file).
//!
//! Edges are read from the source text: paths starting `crate::`, `super::`, `self::`, or a
//! child module's name, `use` groups expanded; comments, strings and `#[cfg(test)]` inline
//! modules are left out.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

type Module = Vec<String>;

/// Module -> module it imports -> the path that shows it.
type Graph = BTreeMap<String, BTreeMap<String, String>>;

#[test]
fn no_import_cycle_in_src() {
    let graph = module_graph(&Path::new(env!("CARGO_MANIFEST_DIR")).join("src"));
    assert!(graph.len() > 50, "read only {} modules", graph.len());
    assert_acyclic(&graph, "import cycles in src/");
}

/// The stages as wholes (each top-level module with everything under it) import one
/// way too: `report` may read `rules`, never the reverse.
#[test]
fn no_import_cycle_between_top_level_modules() {
    let stage = |module: &str| module.split("::").next().unwrap().to_string();
    let mut stages = Graph::new();
    for (from, edges) in module_graph(&Path::new(env!("CARGO_MANIFEST_DIR")).join("src")) {
        let entry = stages.entry(stage(&from)).or_default();
        for (to, via) in edges {
            if stage(&to) != stage(&from) {
                entry
                    .entry(stage(&to))
                    .or_insert(format!("{from} -> {to}: {via}"));
            }
        }
    }
    assert_acyclic(&stages, "import cycles between stages");
}

/// The distributed build (`[profile.dist]`) aborts on a panic, which is only sound while
/// no code catches one: `catch_unwind` would stop working there without a word.
#[test]
fn the_distributed_build_aborts_on_panic_and_nothing_catches_one() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let manifest = std::fs::read_to_string(root.join("Cargo.toml")).unwrap();
    let dist = manifest
        .split("\n[")
        .find(|section| section.starts_with("profile.dist]"))
        .expect("Cargo.toml has a [profile.dist]");
    assert!(
        dist.lines().any(|line| line.trim() == "panic = \"abort\""),
        "[profile.dist] no longer aborts on panic: update this test and the profile's comment"
    );
    let mut files = Vec::new();
    walk(&root.join("src"), &mut files);
    let catching: Vec<_> = files
        .iter()
        .filter(|file| {
            let text = std::fs::read_to_string(file).unwrap();
            let code = code_only(&text);
            code.contains("catch_unwind") || code.contains("panic::set_hook")
        })
        .collect();
    assert!(
        catching.is_empty(),
        "{catching:?} catch panics, which [profile.dist]'s panic = \"abort\" turns off"
    );
}

fn assert_acyclic(graph: &Graph, what: &str) {
    let cycles = strongly_connected(graph);
    let mut report = String::new();
    for cycle in &cycles {
        report.push_str(&format!("cycle: {}\n", cycle.join(", ")));
        for from in cycle {
            for (to, via) in graph[from].iter().filter(|(to, _)| cycle.contains(to)) {
                report.push_str(&format!("  {from} -> {to} (via {via})\n"));
            }
        }
    }
    assert!(cycles.is_empty(), "{what}:\n{report}");
}

#[test]
fn the_reader_sees_through_groups_strings_and_tests() {
    let text = r#"
        use super::{a, b::{C, d::E}};
        // use crate::commented::Out;
        const S: &str = "crate::in_string::X";
        const R: &str = r"crate::in_raw::Y";
        fn f<'a>(x: &'a str) -> char { crate::used::call(x); 'c' }
        #[cfg(test)]
        mod tests { use crate::test_only::Z; }
    "#;
    let mut paths: Vec<String> = paths_in(&code_only(text), &["m".into()], &[])
        .into_iter()
        .map(|p| p.join("::"))
        .collect();
    paths.sort();
    assert_eq!(paths, ["a", "b::C", "b::d::E", "used::call"]);
}

fn module_graph(root: &Path) -> Graph {
    let mut files = Vec::new();
    walk(root, &mut files);
    let mut graph = Graph::new();
    for file in files {
        let module = module_of(root, &file);
        let name = display(&module);
        let text = code_only(&std::fs::read_to_string(&file).unwrap());
        let children = declared_children(&text);
        let edges = graph.entry(name.clone()).or_default();
        for path in paths_in(&text, &module, &children) {
            let target = longest_module(root, &path);
            if target.is_empty() || target == module {
                continue;
            }
            edges
                .entry(display(&target))
                .or_insert_with(|| path.join("::"));
        }
    }
    graph
}

fn walk(dir: &Path, files: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            walk(&path, files);
        } else if path.extension().is_some_and(|e| e == "rs") {
            files.push(path);
        }
    }
}

fn module_of(root: &Path, file: &Path) -> Module {
    let relative = file.strip_prefix(root).unwrap().with_extension("");
    let mut parts: Module = relative
        .components()
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect();
    if matches!(
        parts.last().map(String::as_str),
        Some("mod" | "lib" | "main")
    ) {
        parts.pop();
    }
    parts
}

fn display(module: &Module) -> String {
    if module.is_empty() {
        "crate".to_string()
    } else {
        module.join("::")
    }
}

fn is_module(root: &Path, parts: &[String]) -> bool {
    let base = parts
        .iter()
        .fold(root.to_path_buf(), |p, part| p.join(part));
    base.with_extension("rs").is_file() || base.join("mod.rs").is_file()
}

fn longest_module(root: &Path, path: &[String]) -> Module {
    let mut found = 0;
    for length in 1..=path.len() {
        if !is_module(root, &path[..length]) {
            break;
        }
        found = length;
    }
    path[..found].to_vec()
}

/// The text with comments, string and char literals blanked and `#[cfg(test)]` inline
/// modules dropped.
fn code_only(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = String::with_capacity(text.len());
    let mut i = 0;
    while i < bytes.len() {
        let rest = &text[i..];
        if rest.starts_with("//") {
            i += rest.find('\n').unwrap_or(rest.len());
        } else if rest.starts_with("/*") {
            i += rest.find("*/").map_or(rest.len(), |end| end + 2);
        } else if let Some(length) = raw_string(rest) {
            out.push_str("\"\"");
            i += length;
        } else if rest.starts_with('"') {
            let mut j = 1;
            while j < rest.len() && rest.as_bytes()[j] != b'"' {
                j += if rest.as_bytes()[j] == b'\\' { 2 } else { 1 };
            }
            out.push_str("\"\"");
            i += (j + 1).min(rest.len());
        } else if let Some(length) = char_literal(rest) {
            out.push_str("' '");
            i += length;
        } else {
            let c = rest.chars().next().unwrap();
            out.push(c);
            i += c.len_utf8();
        }
    }
    drop_test_modules(&out)
}

fn raw_string(rest: &str) -> Option<usize> {
    let after_prefix = rest.strip_prefix("br").or_else(|| rest.strip_prefix('r'))?;
    let hashes = after_prefix.len() - after_prefix.trim_start_matches('#').len();
    let body = after_prefix[hashes..].strip_prefix('"')?;
    let closing = format!("\"{}", "#".repeat(hashes));
    let end = body.find(&closing)?;
    Some(rest.len() - body.len() + end + closing.len())
}

fn char_literal(rest: &str) -> Option<usize> {
    let inner = rest.strip_prefix('\'')?;
    let length = if inner.starts_with('\\') {
        inner.find('\'')?
    } else {
        inner.chars().next()?.len_utf8()
    };
    (inner.as_bytes().get(length) == Some(&b'\'')).then_some(length + 2)
}

fn drop_test_modules(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(at) = rest.find("#[cfg(test)]") {
        out.push_str(&rest[..at]);
        let after = rest[at + "#[cfg(test)]".len()..].trim_start();
        let inline_module = after.starts_with("mod ")
            && after
                .find(['{', ';'])
                .is_some_and(|end| after.as_bytes()[end] == b'{');
        if !inline_module {
            out.push_str("#[cfg(test)]");
            rest = &rest[at + "#[cfg(test)]".len()..];
            continue;
        }
        let open = after.find('{').unwrap();
        let mut depth = 0;
        let mut end = after.len();
        for (k, b) in after.bytes().enumerate().skip(open) {
            match b {
                b'{' => depth += 1,
                b'}' => {
                    depth -= 1;
                    if depth == 0 {
                        end = k + 1;
                        break;
                    }
                }
                _ => {}
            }
        }
        rest = &after[end..];
    }
    out.push_str(rest);
    out
}

fn declared_children(text: &str) -> Vec<String> {
    text.lines()
        .filter_map(|line| {
            let line = line.trim_start();
            let line = line
                .strip_prefix("pub(crate) ")
                .or_else(|| line.strip_prefix("pub(super) "))
                .or_else(|| line.strip_prefix("pub "))
                .unwrap_or(line);
            let name = line.strip_prefix("mod ")?.strip_suffix(';')?;
            is_identifier(name).then(|| name.to_string())
        })
        .collect()
}

fn is_identifier(text: &str) -> bool {
    !text.is_empty() && text.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_')
}

/// Every module path the code names, made absolute.
fn paths_in(text: &str, module: &[String], children: &[String]) -> Vec<Module> {
    let bytes = text.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        let starts_word = i == 0
            || !(bytes[i - 1].is_ascii_alphanumeric()
                || bytes[i - 1] == b'_'
                || bytes[i - 1] == b':');
        if !starts_word {
            i += 1;
            continue;
        }
        let rest = &text[i..];
        let mut base: Option<(Module, usize)> = None;
        if rest.starts_with("crate::") {
            base = Some((Vec::new(), "crate::".len()));
        } else if rest.starts_with("self::") {
            base = Some((module.to_vec(), "self::".len()));
        } else if rest.starts_with("super::") {
            let mut length = 0;
            let mut up = 0;
            while rest[length..].starts_with("super::") {
                length += "super::".len();
                up += 1;
            }
            let kept = module.len().saturating_sub(up);
            base = Some((module[..kept].to_vec(), length));
        } else {
            for child in children {
                if rest.starts_with(child.as_str()) && rest[child.len()..].starts_with("::") {
                    let mut path = module.to_vec();
                    path.push(child.clone());
                    base = Some((path, child.len() + 2));
                    break;
                }
            }
        }
        match base {
            Some((prefix, length)) => i += length + expand(&text[i + length..], prefix, &mut out),
            None => i += 1,
        }
    }
    out
}

/// Reads a path tail (`a::b::C` or a `{...}` group) after `prefix::`; returns its length.
fn expand(text: &str, prefix: Module, out: &mut Vec<Module>) -> usize {
    if let Some(group) = text.strip_prefix('{') {
        let mut at = 1;
        let mut rest = group;
        loop {
            let trimmed = rest.trim_start_matches([' ', '\n', '\t', '\r', ',']);
            at += rest.len() - trimmed.len();
            rest = trimmed;
            if rest.is_empty() {
                return at;
            }
            if rest.starts_with('}') {
                return at + 1;
            }
            let (segments, length) = segments(rest);
            if length == 0 {
                return at;
            }
            let mut path = prefix.clone();
            path.extend(segments);
            at += length;
            rest = &rest[length..];
            if rest.starts_with("::{") {
                let used = expand(&rest[2..], path, out);
                at += 2 + used;
                rest = &rest[2 + used..];
            } else {
                out.push(path);
                // `as name` and anything else up to the next separator.
                let skip = rest.find([',', '}']).unwrap_or(rest.len());
                at += skip;
                rest = &rest[skip..];
            }
        }
    }
    let (segments, length) = segments(text);
    let mut path = prefix;
    path.extend(segments);
    if text[length..].starts_with("::{") {
        return length + 2 + expand(&text[length + 2..], path, out);
    }
    out.push(path);
    length
}

/// `a::b::C` (or `*`) at the start of `text`: its segments and length.
fn segments(text: &str) -> (Module, usize) {
    let mut parts = Vec::new();
    let mut at = 0;
    loop {
        let rest = &text[at..];
        let length = rest
            .bytes()
            .take_while(|b| b.is_ascii_alphanumeric() || *b == b'_')
            .count();
        if length == 0 {
            if rest.starts_with('*') {
                at += 1;
            } else if at > 0 {
                at -= 2; // the `::` before a group or nothing
            }
            return (parts, at);
        }
        parts.push(rest[..length].to_string());
        at += length;
        if !text[at..].starts_with("::") || text[at + 2..].starts_with('{') {
            return (parts, at);
        }
        at += 2;
    }
}

/// Tarjan's strongly connected components of more than one module, each sorted.
fn strongly_connected(graph: &Graph) -> Vec<Vec<String>> {
    struct State<'g> {
        graph: &'g Graph,
        index: BTreeMap<&'g str, usize>,
        low: BTreeMap<&'g str, usize>,
        stack: Vec<&'g str>,
        on_stack: BTreeSet<&'g str>,
        found: Vec<Vec<String>>,
    }
    fn visit<'g>(state: &mut State<'g>, node: &'g str) {
        let n = state.index.len();
        state.index.insert(node, n);
        state.low.insert(node, n);
        state.stack.push(node);
        state.on_stack.insert(node);
        let edges = state.graph.get(node).into_iter().flat_map(|e| e.keys());
        for next in edges {
            let next = next.as_str();
            if !state.index.contains_key(next) {
                visit(state, next);
                let low = state.low[node].min(state.low[next]);
                state.low.insert(node, low);
            } else if state.on_stack.contains(next) {
                let low = state.low[node].min(state.index[next]);
                state.low.insert(node, low);
            }
        }
        if state.low[node] == state.index[node] {
            let mut component = Vec::new();
            loop {
                let top = state.stack.pop().unwrap();
                state.on_stack.remove(top);
                component.push(top.to_string());
                if top == node {
                    break;
                }
            }
            if component.len() > 1 {
                component.sort();
                state.found.push(component);
            }
        }
    }
    let mut state = State {
        graph,
        index: BTreeMap::new(),
        low: BTreeMap::new(),
        stack: Vec::new(),
        on_stack: BTreeSet::new(),
        found: Vec::new(),
    };
    for node in graph.keys() {
        if !state.index.contains_key(node.as_str()) {
            visit(&mut state, node);
        }
    }
    state.found
}
