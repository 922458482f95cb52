//! The trust graph: the objects an endpoint's TLS call goes through, shared between the
//! endpoints that go through them, and the edges between them with their verdict. Every
//! text here came from an input and is already free of control characters
//! ([`crate::untrusted::escape`]); each format escapes what its own syntax needs.

use serde::Serialize;

/// What a node stands for; renderers choose its shape and colour from it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum NodeKind {
    /// A webhook configuration, CRD or APIService: where the API server's call starts.
    Endpoint,
    /// The Service and port called, a URL, or the API server itself.
    Target,
    /// A Deployment, StatefulSet, ... whose pods serve the call.
    Workload,
    Secret,
    /// The serving certificate (or why it is not known).
    Certificate,
    /// Who makes the certificate: cert-manager, kube-webhook-certgen, an operator.
    Provisioner,
    /// A CA: the serving chain's issuer, or a root in a caBundle.
    Ca,
    /// The caBundle the API server trusts.
    CaBundle,
    /// Who fills the caBundle at run time.
    Injector,
}

/// The verdict on a node or an edge.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Status {
    Ok,
    /// Not known from the inputs (made at run time, not among the inputs): drawn dashed.
    Undetermined,
    /// A warning is reported here.
    Warning,
    /// An error is reported here: the call fails.
    Failing,
}

#[derive(Clone, Debug, Serialize)]
pub struct Node {
    pub kind: NodeKind,
    /// The first line: `Service`, `Secret`, `ValidatingWebhookConfiguration`, ...
    pub title: String,
    /// The lines under it: the name, the key, the SANs, the findings.
    pub lines: Vec<String>,
    pub status: Status,
}

#[derive(Clone, Debug, Serialize)]
pub struct Edge {
    /// Indexes into [`Graph::nodes`].
    pub from: usize,
    pub to: usize,
    /// `calls :443`, or for a finding `webhook-hostname: valid for a.svc, not b.svc`.
    pub label: Option<String>,
    pub status: Status,
}

/// One endpoint: its start node and everything its chain touches.
#[derive(Clone, Debug, Serialize)]
pub struct EndpointPath {
    /// `ValidatingWebhookConfiguration/x webhook w`, as `--only` matches and people read.
    pub name: String,
    /// The names `--only` matches: the webhook's, the object's, `Kind/name`.
    pub(crate) match_names: Vec<String>,
    pub node: usize,
    /// The worst status on its path.
    pub status: Status,
    pub(crate) nodes: Vec<usize>,
    pub(crate) edges: Vec<usize>,
}

#[derive(Clone, Debug, Default, Serialize)]
pub struct Graph {
    pub nodes: Vec<Node>,
    pub edges: Vec<Edge>,
    pub endpoints: Vec<EndpointPath>,
}

impl EndpointPath {
    /// The names `--only` matches: the webhook's, the object's, `Kind/name`.
    pub fn match_names(&self) -> &[String] {
        &self.match_names
    }
}

impl Graph {
    /// The part of the graph the endpoints `keep` accepts go through, renumbered.
    pub fn retain_endpoints(&self, keep: impl Fn(&EndpointPath) -> bool) -> Graph {
        let kept: Vec<&EndpointPath> = self.endpoints.iter().filter(|e| keep(e)).collect();
        let mut node_map: Vec<Option<usize>> = vec![None; self.nodes.len()];
        let mut edge_used = vec![false; self.edges.len()];
        for path in &kept {
            for &n in &path.nodes {
                node_map[n] = Some(0);
            }
            for &e in &path.edges {
                edge_used[e] = true;
            }
        }
        let mut nodes = Vec::new();
        for (index, slot) in node_map.iter_mut().enumerate() {
            if slot.is_some() {
                *slot = Some(nodes.len());
                nodes.push(self.nodes[index].clone());
            }
        }
        let mut edge_map: Vec<Option<usize>> = vec![None; self.edges.len()];
        let mut edges = Vec::new();
        for (index, edge) in self.edges.iter().enumerate() {
            if let (true, Some(from), Some(to)) =
                (edge_used[index], node_map[edge.from], node_map[edge.to])
            {
                edge_map[index] = Some(edges.len());
                edges.push(Edge {
                    from,
                    to,
                    ..edge.clone()
                });
            }
        }
        let endpoints = kept
            .into_iter()
            .filter_map(|path| {
                Some(EndpointPath {
                    node: node_map[path.node]?,
                    nodes: path.nodes.iter().filter_map(|&n| node_map[n]).collect(),
                    edges: path.edges.iter().filter_map(|&e| edge_map[e]).collect(),
                    ..path.clone()
                })
            })
            .collect();
        Graph {
            nodes,
            edges,
            endpoints,
        }
    }

    /// Only the endpoints whose call fails.
    pub fn failing_only(&self) -> Graph {
        self.retain_endpoints(|path| path.status == Status::Failing)
    }
}

/// Splits a label into lines of about `limit` characters, after a space or a comma: long
/// verdicts (two DNS names) stay whole and readable, and a word is never split.
pub(crate) fn wrap(text: &str, limit: usize) -> Vec<String> {
    let mut lines = Vec::new();
    let mut line = String::new();
    for piece in text.split_inclusive([' ', ',']) {
        let longer = line.chars().count() + piece.trim_end().chars().count();
        if longer > limit && !line.trim().is_empty() {
            lines.push(line.trim_end().to_string());
            line.clear();
        }
        if line.is_empty() {
            line.push_str(piece.trim_start());
        } else {
            line.push_str(piece);
        }
    }
    if !line.trim().is_empty() || lines.is_empty() {
        lines.push(line.trim_end().to_string());
    }
    lines
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wraps_after_spaces() {
        assert_eq!(
            wrap(
                "webhook-hostname: valid for a.default.svc, not b.default.svc",
                30
            ),
            [
                "webhook-hostname: valid for",
                "a.default.svc, not",
                "b.default.svc"
            ]
        );
        assert_eq!(wrap("short", 30), ["short"]);
        assert_eq!(
            wrap("averyveryverylongword x", 5),
            ["averyveryverylongword", "x"]
        );
    }
}
