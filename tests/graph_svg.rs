//! `speclint graph --format svg` on every fixture: well-formed XML with a viewBox, every
//! text inside the canvas, and each endpoint's name (the line under its title) drawn.

use std::path::{Path, PathBuf};
use std::process::Command;

mod common;

use common::{fixture_args, testdata};

/// Each fixture folder with its arguments: its `args` file, then its manifests.
fn fixtures() -> Vec<(PathBuf, Vec<String>)> {
    let mut found = Vec::new();
    for group in ["cases", "examples"] {
        let mut dirs: Vec<PathBuf> = std::fs::read_dir(testdata().join(group))
            .unwrap()
            .map(|e| e.unwrap().path())
            .filter(|p| p.is_dir())
            .collect();
        dirs.sort();
        found.extend(dirs.into_iter().map(|dir| {
            let args = fixture_args(&dir);
            (dir, args)
        }));
    }
    found
}

fn graph(dir: &Path, format: &str, files: &[String]) -> String {
    let output = Command::new(env!("CARGO_BIN_EXE_speclint"))
        .args(["graph", "--no-config", "--now", "2026-11-27T00:00:00Z"])
        .args(["--format", format])
        .args(files)
        .current_dir(dir)
        .output()
        .unwrap();
    assert!(
        matches!(output.status.code(), Some(0 | 1)),
        "{}: {:?}\n{}",
        dir.display(),
        output.status,
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8(output.stdout).unwrap()
}

/// The line under each endpoint's title, read from the Mermaid output (an endpoint is a
/// `[["..."]]` node there, whatever its status).
fn endpoint_names(mermaid: &str) -> Vec<String> {
    mermaid
        .lines()
        .filter_map(|line| {
            let label = line.split_once("[[\"")?.1.rsplit_once("\"]]")?.0;
            Some(unescape_mermaid(label.split("<br/>").nth(1)?))
        })
        .collect()
}

/// Mermaid's `#60;` entity codes back to characters.
fn unescape_mermaid(text: &str) -> String {
    let mut out = String::new();
    let mut rest = text;
    while let Some(at) = rest.find('#') {
        out.push_str(&rest[..at]);
        let code = rest[at + 1..].split_once(';');
        let decoded = code.and_then(|(n, after)| Some((char::from_u32(n.parse().ok()?)?, after)));
        match decoded {
            Some((c, after)) => {
                out.push(c);
                rest = after;
            }
            None => {
                out.push('#');
                rest = &rest[at + 1..];
            }
        }
    }
    out.push_str(rest);
    out
}

/// Every `<text>`'s lines joined by spaces (wrapping breaks at spaces); panics on
/// malformed XML or on a line outside the viewBox.
fn drawn_texts(svg: &str, dir: &Path) -> Vec<String> {
    let document = roxmltree::Document::parse(svg)
        .unwrap_or_else(|e| panic!("{}: not XML: {e}\n{svg}", dir.display()));
    let root = document.root_element();
    assert!(root.has_tag_name("svg"), "{}", dir.display());
    let view: Vec<f64> = root
        .attribute("viewBox")
        .unwrap_or_else(|| panic!("{}: no viewBox", dir.display()))
        .split(' ')
        .map(|v| v.parse().unwrap())
        .collect();
    assert!(root.attribute("width").is_some() && root.attribute("height").is_some());
    let inside = |node: roxmltree::Node| {
        let at = |name| {
            node.attribute(name)
                .map(|v: &str| v.parse::<f64>().unwrap())
        };
        match (at("x"), at("y")) {
            (Some(x), Some(y)) => x >= view[0] && x <= view[2] && y >= view[1] && y <= view[3],
            _ => true,
        }
    };
    let mut texts = Vec::new();
    for text in document.descendants().filter(|n| n.has_tag_name("text")) {
        for positioned in text.descendants().filter(|n| n.is_element()) {
            assert!(
                inside(positioned),
                "{}: text outside the canvas {view:?}: {positioned:?}",
                dir.display()
            );
        }
        let lines: Vec<&str> = (text.descendants())
            .filter(|n| n.is_text())
            .filter_map(|n| n.text())
            .collect();
        texts.push(lines.join(" "));
    }
    texts
}

#[test]
fn every_fixture_draws_each_endpoint_inside_the_canvas() {
    let (mut fixtures_seen, mut endpoints_seen) = (0, 0);
    for (dir, files) in fixtures() {
        let svg = graph(&dir, "svg", &files);
        let texts = drawn_texts(&svg, &dir);
        let names = endpoint_names(&graph(&dir, "mermaid", &files));
        for name in &names {
            assert!(
                texts.iter().any(|t| t.contains(name.as_str())),
                "{}: endpoint {name:?} not drawn; texts: {texts:?}",
                dir.display()
            );
        }
        if names.is_empty() {
            assert_eq!(texts.len(), 1, "{}: {texts:?}", dir.display());
        }
        fixtures_seen += 1;
        endpoints_seen += names.len();
    }
    assert!(fixtures_seen > 100, "{fixtures_seen} fixtures");
    assert!(endpoints_seen > 100, "{endpoints_seen} endpoints");
    eprintln!("{fixtures_seen} fixtures, {endpoints_seen} endpoints drawn");
}

#[test]
fn mermaid_entities_decode() {
    assert_eq!(unescape_mermaid("a#60;b#35;#62;c#"), "a<b#>c#");
    let line = r#"  n0[["<b>Kind</b><br/>ns/web#95;hook<br/>w"]]:::start"#;
    assert_eq!(endpoint_names(line), ["ns/web_hook"]);
}
