//! The trust graph as a Mermaid flowchart, which GitHub and GitLab render in Markdown.

use super::nodes::{wrap, Graph, NodeKind, Status};

/// Edge labels wrap at this many characters.
const LABEL_WIDTH: usize = 48;
use std::io::{self, Write};

pub fn render(out: &mut dyn Write, graph: &Graph) -> io::Result<()> {
    // Mermaid wraps node text at 200 pixels by default, which breaks DNS names at hyphens.
    writeln!(
        out,
        "%%{{init: {{\"flowchart\": {{\"wrappingWidth\": 520}}}}}}%%"
    )?;
    writeln!(out, "flowchart LR")?;
    if graph.nodes.is_empty() {
        // An empty flowchart is a Mermaid syntax error.
        return writeln!(
            out,
            "  none[\"no webhook, conversion webhook or APIService\"]"
        );
    }
    for (index, node) in graph.nodes.iter().enumerate() {
        let mut text = format!("<b>{}</b>", escape(&node.title));
        for line in &node.lines {
            text.push_str("<br/>");
            text.push_str(&escape(line));
        }
        let (open, close) = match node.kind {
            NodeKind::Endpoint => ("[[\"", "\"]]"),
            NodeKind::Secret => ("[(\"", "\")]"),
            NodeKind::Provisioner | NodeKind::Injector => ("([\"", "\"])"),
            NodeKind::Ca => ("{{\"", "\"}}"),
            _ => ("[\"", "\"]"),
        };
        writeln!(
            out,
            "  n{index}{open}{text}{close}:::{}",
            class(node.kind, node.status)
        )?;
    }
    for edge in &graph.edges {
        let arrow = match edge.status {
            Status::Undetermined => "-.->",
            Status::Failing | Status::Warning => "==>",
            Status::Ok => "-->",
        };
        match &edge.label {
            Some(label) => writeln!(
                out,
                "  n{} {arrow}|\"{}\"| n{}",
                edge.from,
                wrap(label, LABEL_WIDTH)
                    .iter()
                    .map(|l| escape(l))
                    .collect::<Vec<_>>()
                    .join("<br/>"),
                edge.to
            )?,
            None => writeln!(out, "  n{} {arrow} n{}", edge.from, edge.to)?,
        }
    }
    for (index, edge) in graph.edges.iter().enumerate() {
        match edge.status {
            Status::Failing => writeln!(
                out,
                "  linkStyle {index} stroke:#c62828,stroke-width:3px,color:#c62828"
            )?,
            Status::Warning => writeln!(
                out,
                "  linkStyle {index} stroke:#e68a00,stroke-width:3px,color:#a35f00"
            )?,
            Status::Undetermined => writeln!(out, "  linkStyle {index} stroke:#888888")?,
            Status::Ok => {}
        }
    }
    writeln!(
        out,
        "  classDef ok fill:#f7f7f7,stroke:#555555,color:#111111"
    )?;
    writeln!(
        out,
        "  classDef start fill:#e8f0fe,stroke:#1a56c4,color:#111111"
    )?;
    writeln!(
        out,
        "  classDef failing fill:#fdecea,stroke:#c62828,stroke-width:2px,color:#111111"
    )?;
    writeln!(
        out,
        "  classDef warning fill:#fff4e0,stroke:#e68a00,stroke-width:2px,color:#111111"
    )?;
    writeln!(
        out,
        "  classDef undetermined fill:#ffffff,stroke:#888888,stroke-dasharray:4 3,color:#444444"
    )
}

fn class(kind: NodeKind, status: Status) -> &'static str {
    match status {
        Status::Failing => "failing",
        Status::Warning => "warning",
        Status::Undetermined => "undetermined",
        Status::Ok if kind == NodeKind::Endpoint => "start",
        Status::Ok => "ok",
    }
}

/// Input text inside a quoted Mermaid label: every character that Mermaid's grammar, its
/// Markdown or HTML could read as syntax becomes an entity code (`#35;`), so a name can
/// neither end the label nor inject markup.
fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if c.is_alphanumeric() || matches!(c, ' ' | '.' | ',' | '/' | ':' | '-' | '+' | '=' | '…')
        {
            out.push(c);
        } else {
            out.push_str(&format!("#{};", c as u32));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labels_cannot_break_out() {
        assert_eq!(escape("a\"]-->x"), "a#34;#93;--#62;x");
        assert_eq!(escape("<img src=x>"), "#60;img src=x#62;");
        assert_eq!(escape("svc_1#"), "svc#95;1#35;");
        assert_eq!(escape("é.svc"), "é.svc");
    }
}
