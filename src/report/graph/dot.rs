//! The trust graph in Graphviz's DOT language (`dot -Tsvg`, `dot -Tpng`).

use super::nodes::{wrap, Graph, NodeKind, Status};

/// Edge labels wrap at this many characters.
const LABEL_WIDTH: usize = 48;
use std::io::{self, Write};

pub fn render(out: &mut dyn Write, graph: &Graph) -> io::Result<()> {
    writeln!(out, "digraph speclint {{")?;
    writeln!(out, "  rankdir=LR;")?;
    writeln!(out, "  nodesep=0.3;")?;
    writeln!(out, "  ranksep=0.6;")?;
    writeln!(
        out,
        "  node [shape=box, style=\"rounded,filled\", fillcolor=\"#f7f7f7\", color=\"#555555\", fontname=\"Helvetica\", fontsize=11];"
    )?;
    writeln!(
        out,
        "  edge [fontname=\"Helvetica\", fontsize=10, color=\"#555555\"];"
    )?;
    for (index, node) in graph.nodes.iter().enumerate() {
        let mut label = quote(&node.title);
        for line in &node.lines {
            label.push_str("\\n");
            label.push_str(&quote(line));
        }
        let shape = match node.kind {
            NodeKind::Secret => "shape=cylinder, style=filled, ",
            NodeKind::Provisioner | NodeKind::Injector => {
                "shape=box, style=\"rounded,filled,bold\", "
            }
            NodeKind::Ca => "shape=hexagon, style=filled, ",
            _ => "",
        };
        let colours = match node.status {
            Status::Failing => "fillcolor=\"#fdecea\", color=\"#c62828\", penwidth=2",
            Status::Warning => "fillcolor=\"#fff4e0\", color=\"#e68a00\", penwidth=2",
            Status::Undetermined => {
                "fillcolor=\"#ffffff\", color=\"#888888\", style=\"rounded,filled,dashed\""
            }
            Status::Ok if node.kind == NodeKind::Endpoint => {
                "fillcolor=\"#e8f0fe\", color=\"#1a56c4\""
            }
            Status::Ok => "fillcolor=\"#f7f7f7\"",
        };
        writeln!(out, "  n{index} [{shape}{colours}, label=\"{label}\"];")?;
    }
    for edge in &graph.edges {
        let style = match edge.status {
            Status::Failing => "color=\"#c62828\", fontcolor=\"#c62828\", penwidth=2.5",
            Status::Warning => "color=\"#e68a00\", fontcolor=\"#a35f00\", penwidth=2.5",
            Status::Undetermined => "style=dashed, color=\"#888888\"",
            Status::Ok => "",
        };
        let label = edge
            .label
            .as_ref()
            .map(|l| {
                let lines: Vec<String> = wrap(l, LABEL_WIDTH).iter().map(|l| quote(l)).collect();
                format!("label=\"{}\"", lines.join("\\n"))
            })
            .unwrap_or_default();
        let sep = if style.is_empty() || label.is_empty() {
            ""
        } else {
            ", "
        };
        writeln!(
            out,
            "  n{} -> n{} [{style}{sep}{label}];",
            edge.from, edge.to
        )?;
    }
    writeln!(out, "}}")
}

/// Input text inside a DOT double-quoted string: a quote or backslash cannot end it or
/// start an escape (`\N`, `\G` are DOT's own substitutions).
fn quote(text: &str) -> String {
    text.replace('\\', "\\\\").replace('"', "\\\"")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quotes_cannot_break_out() {
        assert_eq!(
            quote(r#"a"]; x -> y [label="\N"#),
            r#"a\"]; x -> y [label=\"\\N"#
        );
    }
}
