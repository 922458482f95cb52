//! The trust graph as SVG, laid out without any program outside the binary.
//!
//! The layout is the `dagre` crate (0.1.2, a port of dagre.js cross-validated against it;
//! it needs only `log`, serde and serde_json): a layered (Sugiyama) layout, left to right
//! as the DOT output, that gives edge labels a rank of their own so they never cover a
//! node, routes self-loops and parallel edges, and iterates in insertion order (same
//! input, same bytes). rust-sugiyama places no labels and pulls in petgraph, layout-rs
//! draws its own SVG, dugong is an alpha of the same port. Each connected part is laid
//! out alone, as the port slows down faster than the graph grows.

use super::nodes::{wrap, Graph, Node, NodeKind, Status};
use dagre::graph::{Graph as Layered, GraphOptions};
use dagre::layout::types::LabelPos;
use dagre::{EdgeLabel, LayoutOptions, NodeLabel, RankDir, Ranker};
use std::fmt::Write as _;
use std::io::{self, Write};

const FONT: &str = "'DejaVu Sans', Verdana, Helvetica, Arial, sans-serif";
const NODE_FONT: f64 = 12.0;
const EDGE_FONT: f64 = 11.0;
/// Line height, in font sizes.
const LEADING: f64 = 1.3;
const PAD_X: f64 = 10.0;
const PAD_Y: f64 = 6.0;
/// Where a label or a node's line wraps, in characters.
const LABEL_WRAP: usize = 48;
const LINE_WRAP: usize = 60;
const MARGIN: f64 = 16.0;
/// The space between two connected parts of the graph, drawn one under the other.
const PART_GAP: f64 = 28.0;
/// Nodes and edges in a part past which ranking trades compactness for time.
const LARGE_PART: usize = 400;
/// Nodes and edges in a part past which the layout crate takes seconds to minutes (1,000
/// webhooks sharing one CA: 11 s, 2,000: 58 s): such a part is placed in plain columns.
const HUGE_PART: usize = 3000;
/// How far a Secret's cylinder top bulges, and how far a CA's hexagon slants.
const CYLINDER_RY: f64 = 5.0;
const HEXAGON_INSET: f64 = 10.0;
/// The arrowhead's length; the line stops inside it so a thick line cannot poke out.
const ARROW: f64 = 10.0;
const ARROW_OVERLAP: f64 = 6.0;

const EMPTY_TEXT: &str = "no webhook, conversion webhook or APIService to draw";

/// A box by its centre: a node, or an edge's label.
struct Placed {
    x: f64,
    y: f64,
    width: f64,
    height: f64,
}

/// An edge's line, from border to border, and its label's lines.
struct Route {
    points: Vec<(f64, f64)>,
    label: Option<(Placed, Vec<String>)>,
}

pub fn render(out: &mut dyn Write, graph: &Graph) -> io::Result<()> {
    let mut svg = String::new();
    if graph.nodes.is_empty() {
        empty(&mut svg);
    } else {
        draw(&mut svg, graph);
    }
    out.write_all(svg.as_bytes())
}

fn empty(svg: &mut String) {
    let width = text_width(EMPTY_TEXT, NODE_FONT, false) + 2.0 * MARGIN;
    let height = NODE_FONT + 2.0 * MARGIN;
    open_svg(svg, width, height);
    let _ = writeln!(
        svg,
        "<text x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"middle\" fill=\"#444444\">{}</text>",
        width / 2.0,
        MARGIN + NODE_FONT * 0.85,
        EMPTY_TEXT
    );
    svg.push_str("</svg>\n");
}

fn draw(svg: &mut String, graph: &Graph) {
    let node_lines: Vec<Vec<String>> = graph.nodes.iter().map(node_lines).collect();
    let label_lines: Vec<Option<Vec<String>>> = (graph.edges.iter())
        .map(|e| e.label.as_deref().map(|l| wrap(&clean(l), LABEL_WRAP)))
        .collect();
    let (boxes, routes) = lay_out(graph, &node_lines, label_lines);
    let all_nodes: Vec<usize> = (0..boxes.len()).collect();
    let all_edges: Vec<usize> = (0..routes.len()).collect();
    let (_, _, max_x, max_y) = bounds(&boxes, &routes, &all_nodes, &all_edges);
    open_svg(svg, max_x + MARGIN, max_y + MARGIN);
    markers(svg);

    // Failing edges last, so no other line crosses over them.
    let mut order: Vec<usize> = (0..graph.edges.len()).collect();
    order.sort_by_key(|&i| graph.edges[i].status);
    for &i in &order {
        edge_path(svg, graph.edges[i].status, &routes[i].points);
    }
    for ((node, b), lines) in graph.nodes.iter().zip(&boxes).zip(&node_lines) {
        node_shape(svg, node, b);
        text_block(svg, b, lines, NODE_FONT, "#111111", true);
    }
    for &i in &order {
        if let Some((b, lines)) = &routes[i].label {
            let _ = writeln!(
                svg,
                "<rect x=\"{:.1}\" y=\"{:.1}\" width=\"{:.1}\" height=\"{:.1}\" rx=\"3\" fill=\"#ffffff\" fill-opacity=\"0.92\"/>",
                b.x - b.width / 2.0,
                b.y - b.height / 2.0,
                b.width,
                b.height
            );
            let colour = edge_colours(graph.edges[i].status).1;
            text_block(svg, b, lines, EDGE_FONT, colour, false);
        }
    }
    svg.push_str("</svg>\n");
}

/// The title, then each line wrapped, all free of characters XML forbids.
fn node_lines(node: &Node) -> Vec<String> {
    let mut lines = vec![clean(&node.title)];
    for line in &node.lines {
        lines.extend(wrap(&clean(line), LINE_WRAP));
    }
    lines
}

fn node_size(kind: NodeKind, lines: &[String]) -> (f64, f64) {
    let (width, height) = text_size(lines, NODE_FONT, true);
    let (width, height) = (width + 2.0 * PAD_X, height + 2.0 * PAD_Y);
    match kind {
        NodeKind::Secret => (width, height + 2.0 * CYLINDER_RY),
        NodeKind::Ca => (width + 2.0 * HEXAGON_INSET, height),
        _ => (width, height),
    }
}

/// Bounding box (min x, min y, max x, max y) of some nodes and edges, arrowheads included.
fn bounds(
    boxes: &[Placed],
    routes: &[Route],
    nodes: &[usize],
    edges: &[usize],
) -> (f64, f64, f64, f64) {
    let mut bounds = (
        f64::INFINITY,
        f64::INFINITY,
        f64::NEG_INFINITY,
        f64::NEG_INFINITY,
    );
    let mut extend = |x: f64, y: f64, half_w: f64, half_h: f64| {
        bounds.0 = bounds.0.min(x - half_w);
        bounds.1 = bounds.1.min(y - half_h);
        bounds.2 = bounds.2.max(x + half_w);
        bounds.3 = bounds.3.max(y + half_h);
    };
    for b in nodes.iter().map(|&n| &boxes[n]) {
        extend(b.x, b.y, b.width / 2.0, b.height / 2.0);
    }
    for route in edges.iter().map(|&e| &routes[e]) {
        for &(x, y) in &route.points {
            extend(x, y, ARROW, ARROW);
        }
        if let Some((b, _)) = &route.label {
            extend(b.x, b.y, b.width / 2.0, b.height / 2.0);
        }
    }
    bounds
}

/// The nodes of each connected part, parts in the order of their first node.
fn components(graph: &Graph) -> Vec<Vec<usize>> {
    let mut parent: Vec<usize> = (0..graph.nodes.len()).collect();
    fn root(parent: &mut [usize], mut n: usize) -> usize {
        while parent[n] != n {
            parent[n] = parent[parent[n]];
            n = parent[n];
        }
        n
    }
    for edge in &graph.edges {
        let (a, b) = (root(&mut parent, edge.from), root(&mut parent, edge.to));
        parent[a.max(b)] = a.min(b);
    }
    let mut index_of_root = vec![usize::MAX; graph.nodes.len()];
    let mut parts: Vec<Vec<usize>> = Vec::new();
    for n in 0..graph.nodes.len() {
        let r = root(&mut parent, n);
        if index_of_root[r] == usize::MAX {
            index_of_root[r] = parts.len();
            parts.push(Vec::new());
        }
        parts[index_of_root[r]].push(n);
    }
    parts
}

/// Each connected part laid out on its own (the layout's cost grows faster than the
/// graph), the parts stacked top to bottom inside the margin.
fn lay_out(
    graph: &Graph,
    node_lines: &[Vec<String>],
    label_lines: Vec<Option<Vec<String>>>,
) -> (Vec<Placed>, Vec<Route>) {
    let mut boxes: Vec<Placed> = (graph.nodes.iter().zip(node_lines))
        .map(|(node, lines)| {
            let (width, height) = node_size(node.kind, lines);
            Placed {
                x: 0.0,
                y: 0.0,
                width,
                height,
            }
        })
        .collect();
    let mut routes: Vec<Route> = (label_lines.into_iter())
        .map(|lines| Route {
            points: Vec::new(),
            label: lines.map(|lines| {
                let (w, h) = text_size(&lines, EDGE_FONT, false);
                let placed = Placed {
                    x: 0.0,
                    y: 0.0,
                    width: w + 8.0,
                    height: h + 4.0,
                };
                (placed, lines)
            }),
        })
        .collect();
    let mut part_of = vec![0; graph.nodes.len()];
    let mut parts = components(graph);
    // Parts where a call fails on top, where a reader looks first.
    let fails = |nodes: &Vec<usize>| {
        (nodes.iter()).any(|&n| graph.nodes[n].status == Status::Failing)
            || (graph.edges.iter())
                .any(|e| e.status == Status::Failing && nodes.binary_search(&e.from).is_ok())
    };
    parts.sort_by_key(|nodes| !fails(nodes));
    let mut part_edges = vec![Vec::new(); parts.len()];
    for (index, nodes) in parts.iter().enumerate() {
        for &n in nodes {
            part_of[n] = index;
        }
    }
    for (index, edge) in graph.edges.iter().enumerate() {
        part_edges[part_of[edge.from]].push(index);
    }
    let mut top = MARGIN;
    for (nodes, edges) in parts.iter().zip(&part_edges) {
        lay_out_part(graph, nodes, edges, &mut boxes, &mut routes);
        let (min_x, min_y, _, max_y) = bounds(&boxes, &routes, nodes, edges);
        let (dx, dy) = (MARGIN - min_x, top - min_y);
        for &n in nodes {
            boxes[n].x += dx;
            boxes[n].y += dy;
        }
        for &e in edges {
            let route = &mut routes[e];
            for point in &mut route.points {
                point.0 += dx;
                point.1 += dy;
            }
            if let Some((b, _)) = &mut route.label {
                b.x += dx;
                b.y += dy;
            }
        }
        top += max_y - min_y + PART_GAP;
    }
    (boxes, routes)
}

/// Places one connected part's boxes and routes its edges, in the layout's coordinates.
fn lay_out_part(
    graph: &Graph,
    nodes: &[usize],
    edges: &[usize],
    boxes: &mut [Placed],
    routes: &mut [Route],
) {
    if nodes.len() + edges.len() > HUGE_PART {
        return lay_out_in_columns(graph, nodes, edges, boxes, routes);
    }
    let mut layered: Layered<NodeLabel, EdgeLabel> = Layered::with_options(GraphOptions {
        directed: true,
        multigraph: true,
        compound: false,
    });
    for &n in nodes {
        let label = NodeLabel {
            width: boxes[n].width,
            height: boxes[n].height,
            ..NodeLabel::default()
        };
        layered.set_node(format!("n{n}"), Some(label));
    }
    for &e in edges {
        let edge = &graph.edges[e];
        let (width, height) =
            (routes[e].label.as_ref()).map_or((0.0, 0.0), |(b, _)| (b.width, b.height));
        let label = EdgeLabel {
            width,
            height,
            labelpos: LabelPos::Center,
            // A failing step pulls harder, so its edge stays short and straight.
            weight: if edge.status == Status::Failing { 2 } else { 1 },
            ..EdgeLabel::default()
        };
        layered.set_edge(
            format!("n{}", edge.from),
            format!("n{}", edge.to),
            Some(label),
            Some(format!("e{e}").as_str()),
        );
    }
    // Network simplex ranks best but is the slowest step of this port: past a few hundred
    // nodes and edges a tight tree ranks in a fraction of the time.
    let ranker = if nodes.len() + edges.len() > LARGE_PART {
        Ranker::TightTree
    } else {
        Ranker::NetworkSimplex
    };
    dagre::layout(
        &mut layered,
        Some(LayoutOptions {
            rankdir: RankDir::LR,
            nodesep: 18.0,
            edgesep: 12.0,
            ranksep: 40.0,
            ranker,
            ..LayoutOptions::default()
        }),
    );
    for &n in nodes {
        let placed = layered.node(&format!("n{n}"));
        boxes[n].x = finite(placed.and_then(|p| p.x));
        boxes[n].y = finite(placed.and_then(|p| p.y));
    }
    for &e in edges {
        let edge = &graph.edges[e];
        let laid = layered.edge(
            &format!("n{}", edge.from),
            &format!("n{}", edge.to),
            Some(&format!("e{e}")),
        );
        let mut points: Vec<(f64, f64)> = (laid.into_iter())
            .flat_map(|l| {
                l.points
                    .iter()
                    .map(|p| (finite(Some(p.x)), finite(Some(p.y))))
            })
            .collect();
        if points.len() < 2 {
            let (a, b) = (&boxes[edge.from], &boxes[edge.to]);
            points = vec![(a.x + a.width / 2.0, a.y), (b.x - b.width / 2.0, b.y)];
        }
        let middle = points[points.len() / 2];
        if let Some((b, _)) = &mut routes[e].label {
            let at = |v: Option<f64>, or: f64| v.filter(|v| v.is_finite()).unwrap_or(or);
            b.x = at(laid.and_then(|l| l.x), middle.0);
            b.y = at(laid.and_then(|l| l.y), middle.1);
        }
        routes[e].points = points;
    }
}

/// A part too large for the layout crate, in linear time: each node in the column of its
/// distance from the part's starts (nodes nothing points to), in the graph's order within
/// a column; edges straight, their labels half way.
fn lay_out_in_columns(
    graph: &Graph,
    nodes: &[usize],
    edges: &[usize],
    boxes: &mut [Placed],
    routes: &mut [Route],
) {
    let mut outgoing: foldhash::HashMap<usize, Vec<usize>> = foldhash::HashMap::default();
    let mut pointed_to = foldhash::HashSet::default();
    for &e in edges {
        let edge = &graph.edges[e];
        outgoing.entry(edge.from).or_default().push(edge.to);
        pointed_to.insert(edge.to);
    }
    let mut column: foldhash::HashMap<usize, usize> = foldhash::HashMap::default();
    let mut queue: std::collections::VecDeque<usize> = (nodes.iter().copied())
        .filter(|n| !pointed_to.contains(n))
        .collect();
    if queue.is_empty() {
        queue.extend(nodes.first().copied());
    }
    for &n in &queue {
        column.insert(n, 0);
    }
    while let Some(n) = queue.pop_front() {
        let next = column[&n] + 1;
        for &to in outgoing.get(&n).into_iter().flatten() {
            if let std::collections::hash_map::Entry::Vacant(slot) = column.entry(to) {
                slot.insert(next);
                queue.push_back(to);
            }
        }
    }
    let columns = column.values().copied().max().unwrap_or(0) + 1;
    let mut widths = vec![0.0f64; columns];
    for &n in nodes {
        let c = column.get(&n).copied().unwrap_or(0);
        widths[c] = widths[c].max(boxes[n].width);
    }
    let gap = 120.0;
    let mut lefts = vec![0.0f64; columns];
    for c in 1..columns {
        lefts[c] = lefts[c - 1] + widths[c - 1] + gap;
    }
    let mut tops = vec![0.0f64; columns];
    for &n in nodes {
        let c = column.get(&n).copied().unwrap_or(0);
        let b = &mut boxes[n];
        b.x = lefts[c] + widths[c] / 2.0;
        b.y = tops[c] + b.height / 2.0;
        tops[c] += b.height + 18.0;
    }
    for &e in edges {
        let edge = &graph.edges[e];
        let (a, b) = (&boxes[edge.from], &boxes[edge.to]);
        let points = vec![(a.x + a.width / 2.0, a.y), (b.x - b.width / 2.0, b.y)];
        if let Some((label, _)) = &mut routes[e].label {
            label.x = (points[0].0 + points[1].0) / 2.0;
            label.y = (points[0].1 + points[1].1) / 2.0;
        }
        routes[e].points = points;
    }
}

fn finite(value: Option<f64>) -> f64 {
    value.filter(|v| v.is_finite()).unwrap_or(0.0)
}

fn open_svg(svg: &mut String, width: f64, height: f64) {
    let _ = writeln!(svg, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>");
    let _ = writeln!(
        svg,
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{width:.0}\" height=\"{height:.0}\" viewBox=\"0 0 {width:.0} {height:.0}\" font-family=\"{FONT}\" font-size=\"{NODE_FONT}\">"
    );
    let _ = writeln!(
        svg,
        "<rect width=\"100%\" height=\"100%\" fill=\"#ffffff\"/>"
    );
}

const STATUSES: [(Status, &str); 4] = [
    (Status::Ok, "ok"),
    (Status::Undetermined, "undetermined"),
    (Status::Warning, "warning"),
    (Status::Failing, "failing"),
];

fn status_name(status: Status) -> &'static str {
    STATUSES
        .iter()
        .find(|(s, _)| *s == status)
        .map_or("ok", |(_, name)| name)
}

/// Line colour, label colour, line width: as the DOT output's.
fn edge_colours(status: Status) -> (&'static str, &'static str, f64) {
    match status {
        Status::Failing => ("#c62828", "#c62828", 2.5),
        Status::Warning => ("#e68a00", "#a35f00", 2.5),
        Status::Undetermined => ("#888888", "#444444", 1.2),
        Status::Ok => ("#555555", "#111111", 1.2),
    }
}

fn markers(svg: &mut String) {
    svg.push_str("<defs>\n");
    for (status, name) in STATUSES {
        let _ = writeln!(
            svg,
            "<marker id=\"arrow-{name}\" viewBox=\"0 0 {ARROW} 8\" refX=\"{}\" refY=\"4\" markerWidth=\"{ARROW}\" markerHeight=\"8\" markerUnits=\"userSpaceOnUse\" orient=\"auto\"><path d=\"M0,0 L{ARROW},4 L0,8 z\" fill=\"{}\"/></marker>",
            ARROW - ARROW_OVERLAP,
            edge_colours(status).0
        );
    }
    svg.push_str("</defs>\n");
}

/// A curve through the layout's points (rounded at each bend), ending inside its arrowhead.
fn edge_path(svg: &mut String, status: Status, points: &[(f64, f64)]) {
    let mut points = points.to_vec();
    let n = points.len();
    let (x0, y0) = points[n - 2];
    let (x1, y1) = points[n - 1];
    let length = (x1 - x0).hypot(y1 - y0);
    if length > ARROW {
        let cut = ARROW_OVERLAP / length;
        points[n - 1] = (x1 - (x1 - x0) * cut, y1 - (y1 - y0) * cut);
    }
    let mid = |a: (f64, f64), b: (f64, f64)| ((a.0 + b.0) / 2.0, (a.1 + b.1) / 2.0);
    let mut d = format!("M{:.1},{:.1}", points[0].0, points[0].1);
    if n > 2 {
        let (mx, my) = mid(points[0], points[1]);
        let _ = write!(d, " L{mx:.1},{my:.1}");
        for i in 1..n - 1 {
            let (mx, my) = mid(points[i], points[i + 1]);
            let _ = write!(d, " Q{:.1},{:.1} {mx:.1},{my:.1}", points[i].0, points[i].1);
        }
    }
    let _ = write!(d, " L{:.1},{:.1}", points[n - 1].0, points[n - 1].1);
    let (colour, _, width) = edge_colours(status);
    let dash = if status == Status::Undetermined {
        " stroke-dasharray=\"6 4\""
    } else {
        ""
    };
    let _ = writeln!(
        svg,
        "<path d=\"{d}\" fill=\"none\" stroke=\"{colour}\" stroke-width=\"{width}\"{dash} marker-end=\"url(#arrow-{})\"/>",
        status_name(status)
    );
}

/// Fill, stroke, stroke width, dashes: as the DOT output's.
fn node_colours(node: &Node) -> (&'static str, &'static str, f64, &'static str) {
    let bold = matches!(node.kind, NodeKind::Provisioner | NodeKind::Injector);
    let width = if bold { 2.0 } else { 1.0 };
    match node.status {
        Status::Failing => ("#fdecea", "#c62828", 2.0, ""),
        Status::Warning => ("#fff4e0", "#e68a00", 2.0, ""),
        Status::Undetermined => ("#ffffff", "#888888", width, "5 3"),
        Status::Ok if node.kind == NodeKind::Endpoint => ("#e8f0fe", "#1a56c4", 1.5, ""),
        Status::Ok => ("#f7f7f7", "#555555", width, ""),
    }
}

fn node_shape(svg: &mut String, node: &Node, b: &Placed) {
    let (fill, stroke, width, dash) = node_colours(node);
    let mut style = format!("fill=\"{fill}\" stroke=\"{stroke}\" stroke-width=\"{width}\"");
    if !dash.is_empty() {
        let _ = write!(style, " stroke-dasharray=\"{dash}\"");
    }
    let (x0, y0) = (b.x - b.width / 2.0, b.y - b.height / 2.0);
    let (x1, y1) = (x0 + b.width, y0 + b.height);
    let _ = match node.kind {
        NodeKind::Secret => {
            let (rx, ry) = (b.width / 2.0, CYLINDER_RY);
            writeln!(
                svg,
                "<path d=\"M{x0:.1},{:.1} A{rx:.1},{ry} 0 0 1 {x1:.1},{:.1} L{x1:.1},{:.1} A{rx:.1},{ry} 0 0 1 {x0:.1},{:.1} Z M{x0:.1},{:.1} A{rx:.1},{ry} 0 0 0 {x1:.1},{:.1}\" {style}/>",
                y0 + ry,
                y0 + ry,
                y1 - ry,
                y1 - ry,
                y0 + ry,
                y0 + ry
            )
        }
        NodeKind::Ca => {
            let k = HEXAGON_INSET;
            writeln!(
                svg,
                "<polygon points=\"{:.1},{y0:.1} {:.1},{y0:.1} {x1:.1},{:.1} {:.1},{y1:.1} {:.1},{y1:.1} {x0:.1},{:.1}\" {style}/>",
                x0 + k,
                x1 - k,
                b.y,
                x1 - k,
                x0 + k,
                b.y
            )
        }
        kind => {
            let radius = match kind {
                NodeKind::Provisioner | NodeKind::Injector => (b.height / 2.0).min(14.0),
                _ => 5.0,
            };
            writeln!(
                svg,
                "<rect x=\"{x0:.1}\" y=\"{y0:.1}\" width=\"{:.1}\" height=\"{:.1}\" rx=\"{radius:.1}\" {style}/>",
                b.width, b.height
            )
        }
    };
}

/// Lines centred in the box; a node's first line (its title) bold.
fn text_block(
    svg: &mut String,
    b: &Placed,
    lines: &[String],
    size: f64,
    colour: &str,
    title: bool,
) {
    let line_height = size * LEADING;
    let top = b.y - line_height * lines.len() as f64 / 2.0;
    let _ = write!(
        svg,
        "<text text-anchor=\"middle\" font-size=\"{size}\" fill=\"{colour}\">"
    );
    for (index, line) in lines.iter().enumerate() {
        // The baseline sits about 0.8 of the font size under the line's top, centring it.
        let y = top + line_height * index as f64 + (line_height - size) / 2.0 + size * 0.8;
        let weight = if title && index == 0 {
            " font-weight=\"bold\""
        } else {
            ""
        };
        let _ = write!(
            svg,
            "<tspan x=\"{:.1}\" y=\"{y:.1}\"{weight}>{}</tspan>",
            b.x,
            escape(line)
        );
    }
    svg.push_str("</text>\n");
}

fn text_size(lines: &[String], size: f64, title: bool) -> (f64, f64) {
    let width = (lines.iter().enumerate())
        .map(|(index, line)| text_width(line, size, title && index == 0))
        .fold(0.0, f64::max);
    (width, size * LEADING * lines.len() as f64)
}

/// An estimate from DejaVu Sans's advance widths (the widest of the fonts named), so the
/// text fits its box in every one of them.
fn text_width(text: &str, size: f64, bold: bool) -> f64 {
    let ems: f64 = text
        .chars()
        .map(|c| match c {
            'i' | 'j' | 'l' | '.' | ',' | ':' | ';' | '\'' | '|' | '!' => 0.30,
            ' ' | '/' | '-' | '(' | ')' | '[' | ']' | 'f' | 't' | 'r' | 'I' => 0.40,
            'm' | 'w' | 'M' | 'W' | '@' | '%' => 0.95,
            'A'..='Z' => 0.75,
            c if c.is_ascii() => 0.63,
            // Wide scripts (CJK, emoji) take about a full em.
            c if c >= '\u{1100}' => 1.0,
            _ => 0.7,
        })
        .sum();
    ems * size * if bold { 1.12 } else { 1.0 }
}

/// Without the characters XML 1.0 does not allow at all (they cannot even be escaped).
fn clean(text: &str) -> String {
    (text.chars().filter(|&c| allowed_in_xml(c)))
        .map(|c| if c.is_whitespace() { ' ' } else { c })
        .collect()
}

fn allowed_in_xml(c: char) -> bool {
    matches!(c, '\t' | '\n' | '\r' | ' '..='\u{D7FF}' | '\u{E000}'..='\u{FFFD}') || c >= '\u{10000}'
}

/// Text as XML character data or an attribute value, forbidden characters dropped.
fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            c if allowed_in_xml(c) => out.push(c),
            _ => {}
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::graph::Edge;

    fn node(kind: NodeKind, title: &str, lines: &[&str], status: Status) -> Node {
        Node {
            kind,
            title: title.to_string(),
            lines: lines.iter().map(|l| l.to_string()).collect(),
            status,
        }
    }

    fn edge(from: usize, to: usize, label: Option<&str>, status: Status) -> Edge {
        Edge {
            from,
            to,
            label: label.map(str::to_string),
            status,
        }
    }

    fn svg_of(graph: &Graph) -> String {
        let mut out = Vec::new();
        render(&mut out, graph).unwrap();
        String::from_utf8(out).unwrap()
    }

    /// Parses the SVG and checks every text lies inside the viewBox; returns the texts.
    fn checked_texts(svg: &str) -> Vec<String> {
        let document = roxmltree::Document::parse(svg).expect("well-formed XML");
        let root = document.root_element();
        let view: Vec<f64> = (root.attribute("viewBox").expect("a viewBox"))
            .split(' ')
            .map(|v| v.parse().unwrap())
            .collect();
        assert_eq!(root.attribute("width").unwrap(), view[2].to_string());
        assert_eq!(root.attribute("height").unwrap(), view[3].to_string());
        let mut texts = Vec::new();
        for text in document.descendants().filter(|n| n.has_tag_name("text")) {
            for span in text.descendants().filter(|n| n.has_tag_name("tspan")) {
                let x: f64 = span.attribute("x").unwrap().parse().unwrap();
                let y: f64 = span.attribute("y").unwrap().parse().unwrap();
                assert!(x > 0.0 && x < view[2] && y > 0.0 && y < view[3], "{x},{y}");
            }
            let content: String = (text.descendants())
                .filter(|n| n.is_text())
                .filter_map(|n| n.text())
                .collect::<Vec<_>>()
                .join("\n");
            texts.push(content);
        }
        texts
    }

    fn cyclic() -> Graph {
        let mut graph = Graph::default();
        for (index, kind) in [
            NodeKind::Endpoint,
            NodeKind::Target,
            NodeKind::Secret,
            NodeKind::Ca,
            NodeKind::Injector,
        ]
        .into_iter()
        .enumerate()
        {
            graph
                .nodes
                .push(node(kind, "Kind", &[&format!("ns/n{index}")], Status::Ok));
        }
        graph.edges = vec![
            edge(0, 1, Some("calls :443"), Status::Ok),
            edge(0, 1, Some("calls :8443"), Status::Warning),
            edge(0, 1, None, Status::Ok),
            edge(1, 2, None, Status::Undetermined),
            edge(2, 3, Some("signed by"), Status::Failing),
            edge(3, 0, Some("back"), Status::Ok),
            edge(3, 3, Some("self-signed"), Status::Ok),
            edge(4, 4, None, Status::Ok),
        ];
        graph
    }

    #[test]
    fn hostile_names_stay_text() {
        let hostile = "<script>alert(\"x\")</script> & 'q' ]]> <!-- \u{0}\u{1b}\u{fffe}";
        let mut graph = Graph::default();
        graph.nodes.push(node(
            NodeKind::Endpoint,
            hostile,
            &[hostile],
            Status::Failing,
        ));
        graph
            .nodes
            .push(node(NodeKind::Secret, "Secret", &["a&b"], Status::Ok));
        graph.edges.push(edge(0, 1, Some(hostile), Status::Failing));
        let svg = svg_of(&graph);
        assert!(!svg.contains("<script") && !svg.contains("<!--") && !svg.contains('\u{0}'));
        let texts = checked_texts(&svg);
        let kept = "<script>alert(\"x\")</script> & 'q' ]]> <!--";
        let lines: Vec<&str> = texts[0].lines().map(str::trim_end).collect();
        assert_eq!(lines, [kept, kept]);
        assert!(texts.iter().any(|t| t == "Secret\na&b"));
        assert_eq!(
            escape("&<>\"'\u{1}é"),
            "&amp;&lt;&gt;&quot;&apos;é",
            "every markup character escaped, forbidden ones dropped"
        );
    }

    #[test]
    fn empty_graph_says_so() {
        let texts = checked_texts(&svg_of(&Graph::default()));
        assert_eq!(texts, [EMPTY_TEXT]);
    }

    #[test]
    fn cycles_self_loops_and_parallel_edges_are_drawn() {
        let graph = cyclic();
        let svg = svg_of(&graph);
        let texts = checked_texts(&svg);
        for index in 0..graph.nodes.len() {
            assert!(texts.contains(&format!("Kind\nns/n{index}")), "{texts:?}");
        }
        for label in [
            "calls :443",
            "calls :8443",
            "signed by",
            "back",
            "self-signed",
        ] {
            assert!(texts.iter().any(|t| t == label), "{label}");
        }
        assert_eq!(svg.matches("marker-end=").count(), graph.edges.len());
        assert_eq!(svg.matches("marker-end=\"url(#arrow-failing)\"").count(), 1);
        assert_eq!(svg.matches("stroke-dasharray=\"6 4\"").count(), 1);
    }

    #[test]
    fn same_graph_same_bytes() {
        let graph = cyclic();
        assert_eq!(svg_of(&graph), svg_of(&graph));
    }

    #[test]
    fn long_labels_wrap_whole() {
        let verdict = "webhook-hostname: valid for spark-operator-webhook.default.svc, not spark-operator-webhook-svc.default.svc";
        let lines = wrap(verdict, LABEL_WRAP);
        assert_eq!(
            lines,
            [
                "webhook-hostname: valid for",
                "spark-operator-webhook.default.svc, not",
                "spark-operator-webhook-svc.default.svc",
            ]
        );
        assert!(lines.iter().all(|l| l.chars().count() <= LABEL_WRAP));
        let word = "x".repeat(100);
        assert_eq!(wrap(&word, LABEL_WRAP), [word.as_str()]);
        assert_eq!(wrap("a,b", 2), ["a,", "b"]);
        assert_eq!(wrap("", LABEL_WRAP), [""]);
        assert_eq!(wrap("   ", LABEL_WRAP), [""]);
    }

    /// Many shapes of graph, with cycles, self-loops and parallel edges: none panics and
    /// each is well-formed with every text inside the canvas.
    #[test]
    fn random_graphs_draw() {
        let mut seed: u64 = 0x9e3779b97f4a7c15;
        let mut next = |bound: usize| {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            (seed % bound.max(1) as u64) as usize
        };
        const KINDS: [NodeKind; 4] = [
            NodeKind::Endpoint,
            NodeKind::Secret,
            NodeKind::Ca,
            NodeKind::Provisioner,
        ];
        const STATUSES: [Status; 4] = [
            Status::Ok,
            Status::Undetermined,
            Status::Warning,
            Status::Failing,
        ];
        for round in 0..60 {
            let mut graph = Graph::default();
            let nodes = 1 + next(25);
            for index in 0..nodes {
                let lines = vec!["l"; next(4)];
                graph.nodes.push(node(
                    KINDS[next(4)],
                    &"T".repeat(next(30)),
                    &lines,
                    STATUSES[next(4)],
                ));
                let _ = index;
            }
            for _ in 0..next(3 * nodes) {
                let label = "word ".repeat(next(25));
                let label = (next(2) == 0).then_some(label.as_str());
                graph
                    .edges
                    .push(edge(next(nodes), next(nodes), label, STATUSES[next(4)]));
            }
            let svg = svg_of(&graph);
            checked_texts(&svg);
            assert_eq!(
                svg.matches("marker-end=").count(),
                graph.edges.len(),
                "{round}"
            );
        }
    }

    #[test]
    fn a_thousand_nodes_draw_in_time() {
        let mut graph = Graph::default();
        for index in 0..1200 {
            let kind = if index % 6 == 0 {
                NodeKind::Endpoint
            } else {
                NodeKind::Target
            };
            graph
                .nodes
                .push(node(kind, "Kind", &["ns/name"], Status::Ok));
            if index % 6 != 0 {
                graph
                    .edges
                    .push(edge(index - 1, index, Some("calls :443"), Status::Ok));
            }
            if index % 6 == 5 {
                graph
                    .edges
                    .push(edge(index, (index * 7) % 1200, None, Status::Ok));
            }
        }
        let started = std::time::Instant::now();
        checked_texts(&svg_of(&graph));
        assert!(started.elapsed().as_secs() < 20, "{:?}", started.elapsed());
    }

    /// One part past [`HUGE_PART`]: 2,000 configurations sharing one Service, Secret and CA
    /// (58 s through the layout crate) is placed in columns, inside the canvas.
    #[test]
    fn a_huge_shared_part_draws_in_columns() {
        let mut graph = Graph::default();
        graph.nodes.push(node(
            NodeKind::Target,
            "Service",
            &["ns/svc:443"],
            Status::Ok,
        ));
        graph
            .nodes
            .push(node(NodeKind::Secret, "Secret", &["ns/tls"], Status::Ok));
        graph.edges.push(edge(0, 1, None, Status::Ok));
        for index in 2..2002 {
            graph.nodes.push(node(
                NodeKind::Endpoint,
                "ValidatingWebhookConfiguration",
                &["w"],
                Status::Ok,
            ));
            graph
                .edges
                .push(edge(index, 0, Some("calls"), Status::Failing));
        }
        let started = std::time::Instant::now();
        let texts = checked_texts(&svg_of(&graph));
        assert!(
            texts.iter().any(|t| t.contains("ns/tls")),
            "the Secret is drawn"
        );
        assert!(started.elapsed().as_secs() < 5, "{:?}", started.elapsed());
    }
}
