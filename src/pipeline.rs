//! Runs the stages in order over one set of inputs.

use crate::diagnostic::{Diagnostic, Severity};
use crate::model::Model;
use crate::report::{Redactions, Summary};
use crate::resolve;
use crate::rules;
use crate::source::{FileId, SourceMap, Span, Text};
use crate::yaml::{self, Document};
use rayon::prelude::*;
use std::sync::Arc;

pub struct Options {
    /// Namespace for objects that name none (`-n`).
    pub(crate) default_namespace: String,
    /// Evaluation time, to the nanosecond (`--now`).
    pub now: crate::tls::time::Time,
    /// Certificates expiring sooner than this many seconds are reported (`--min-validity`).
    pub(crate) min_validity: i64,
    /// Suppressions must give a reason (`--require-reason`).
    pub(crate) require_reason: bool,
    /// Fingerprints of findings to drop, with counts (`--baseline`).
    pub(crate) baseline: Option<crate::baseline::Known>,
    /// Which rules run, their severities and options.
    pub(crate) rules: rules::RuleSettings,
    /// Keep every object checked in [`Outcome::objects`] (JUnit's test cases); otherwise
    /// only their number, so a large run does not hold a copy of every object's name.
    pub list_objects: bool,
    /// Which documents keep their tree once parsed. The output is the same whichever.
    pub trees: Trees,
    /// The caller exits once it has the outcome (the command line): what the run built is
    /// left for the operating system to reclaim at exit, all at once, rather than freed
    /// piece by piece (millions of small allocations), as clang's `-disable-free` does.
    pub(crate) leave_memory_to_exit: bool,
    /// With [`lint_owned`], files of at least this many bytes whose every document is kept
    /// by its identity alone are compressed; smaller ones have too little to gain.
    pub compress_from_bytes: usize,
    /// Every endpoint in [`Outcome::inventory`] (the JSON report's `endpoints`); otherwise
    /// only those the human report's not-checked notes count.
    pub(crate) full_inventory: bool,
    /// Build the trust graph ([`Outcome::graph`]): `speclint graph`, `--format markdown`.
    pub graph: bool,
    /// The Kubernetes release whose API server is predicted (`--kube-version`).
    pub kube_version: &'static crate::kube_version::KubeRelease,
    /// Releases whose verdicts must agree (`--kube-versions`; by default every supported
    /// release; empty when a release is pinned): where they differ, `version-dependent-verdict`.
    pub(crate) kube_range: &'static [crate::kube_version::KubeRelease],
}

/// Which documents keep their tree once parsed: memory, not findings (a tree let go is
/// parsed again when a stage reads it; tests/set_aside.rs holds every fixture to that).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Trees {
    /// Documents whose kind no stage reads keep only their identity.
    #[default]
    LetUnreadGo,
    /// Every document keeps its tree.
    KeepAll,
    /// Every document that can keep only its identity does, whatever its kind, so that
    /// each read parses it again (for tests).
    LetAllGo,
}

impl Options {
    pub fn new(default_namespace: impl Into<String>) -> Self {
        Options {
            default_namespace: default_namespace.into(),
            now: crate::tls::time::Time::now(),
            min_validity: DEFAULT_MIN_VALIDITY,
            require_reason: false,
            baseline: None,
            rules: rules::RuleSettings::default(),
            list_objects: true,
            trees: Trees::default(),
            leave_memory_to_exit: false,
            kube_version: crate::kube_version::newest(),
            kube_range: crate::kube_version::RELEASES,
            compress_from_bytes: 4096,
            full_inventory: true,
            graph: false,
        }
    }
}

/// 30 days.
pub(crate) const DEFAULT_MIN_VALIDITY: i64 = 30 * 24 * 3600;

pub struct Outcome {
    pub diagnostics: Vec<Diagnostic>,
    pub redactions: Redactions,
    pub summary: Summary,
    /// Endpoints the API server would call (webhooks, CRD conversion, APIServices).
    pub(crate) endpoints: usize,
    /// Each endpoint's wiring, provenance and verdict (`endpoints` in JSON).
    pub inventory: Vec<crate::report::inventory::Entry>,
    /// The trust graph, with [`Options::graph`].
    pub graph: Option<crate::report::graph::Graph>,
    /// How many objects were checked.
    pub object_count: usize,
    /// Every object checked, and where (for JUnit's test cases), with
    /// [`Options::list_objects`].
    pub objects: Vec<crate::report::junit::Checked>,
    /// Findings the baseline hid (`--baseline`).
    pub baselined: Vec<Diagnostic>,
    /// Findings the baseline records that no longer occur.
    pub(crate) baseline_stale: usize,
}

impl Outcome {
    /// Whether a finding is at `level` or more severe (`--fail-on`).
    pub(crate) fn fails(&self, level: Severity) -> bool {
        self.diagnostics.iter().any(|d| d.severity <= level)
    }
}

pub fn lint(sources: &SourceMap, options: &Options) -> Outcome {
    lint_reporting(sources, options, &crate::progress::Progress::default())
}

/// [`lint`], advancing `progress` through the stages (a few relaxed atomic additions).
pub(crate) fn lint_reporting(
    sources: &SourceMap,
    options: &Options,
    progress: &crate::progress::Progress,
) -> Outcome {
    let parsed = parse(sources, options, progress, false);
    check(sources, parsed, options, progress)
}

/// [`lint_reporting`] for the owner of the inputs (the command line): the text of a file
/// whose every document is kept by its identity alone is compressed once parsed. A chart's
/// CRDs are often most of its text, and no stage reads them; a finding on one, or a stage
/// that reads one after all, decompresses its file.
pub fn lint_owned(
    sources: &mut SourceMap,
    options: &Options,
    progress: &crate::progress::Progress,
) -> Outcome {
    let mut parsed = parse(sources, options, progress, true);
    for (id, text) in std::mem::take(&mut parsed.compressed) {
        sources.compress(id, text);
    }
    check(sources, parsed, options, progress)
}

/// What parsing gives the later stages.
struct Parsed {
    documents: Vec<Document>,
    previous_documents: Vec<Document>,
    diagnostics: Vec<Diagnostic>,
    /// Files whose documents refer to their text compressed, for the owner to swap in.
    compressed: Vec<(FileId, Arc<Text>)>,
}

fn parse(
    sources: &SourceMap,
    options: &Options,
    progress: &crate::progress::Progress,
    compress: bool,
) -> Parsed {
    use crate::progress::PARSING;
    progress.start_stage(PARSING, sources.total_bytes() as u64);
    let parsed_bytes = |n: usize| progress.advance(n as u64);
    let loaded: Vec<_> = (0..sources.len())
        .into_par_iter()
        .map(|id| {
            let file = sources.get(id);
            // Documents of earlier releases (`--previous`) are few, and read by other rules.
            let set_aside: &yaml::SetAside = match options.trees {
                _ if file.previous => &|_| None,
                Trees::LetUnreadGo => &crate::model::identity_unless_read,
                Trees::LetAllGo => &crate::model::identity,
                Trees::KeepAll => &|_| None,
            };
            let mut loaded = yaml::load_retaining(id, file, &parsed_bytes, set_aside);
            // Not when a finding points into it, or a suppression comment is read from it;
            // nor when every object's position is reported (JUnit), which reads every file.
            let compressible = compress
                && !options.list_objects
                && !file.previous
                && file.text.len() >= options.compress_from_bytes
                && loaded.errors.is_empty()
                && loaded.implicit_starts.is_empty()
                && !file.text.contains(crate::suppress::MARKER);
            let compressed = compressible
                .then(|| yaml::compress_set_aside(&mut loaded.documents, &file.text))
                .flatten();
            (loaded, compressed)
        })
        .collect();
    // One Vec each, allocated once: the first file's is extended to hold the others'.
    let count = |previous: bool| -> usize {
        (loaded.iter().enumerate())
            .filter(|(id, _)| sources.get(*id).previous == previous)
            .map(|(_, (loaded, _))| loaded.documents.len())
            .sum()
    };
    let (current_count, previous_count) = (count(false), count(true));
    let mut documents: Vec<Document> = Vec::new();
    let mut previous_documents: Vec<Document> = Vec::new();
    let mut diagnostics = Vec::new();
    let mut separators = Vec::new();
    let mut compressed = Vec::new();
    for (id, (loaded, text)) in loaded.into_iter().enumerate() {
        compressed.extend(text.map(|text| (id, text)));
        let yaml::Loaded {
            documents: docs,
            errors,
            implicit_starts,
        } = loaded;
        let file = sources.get(id);
        if !file.previous {
            for at in implicit_starts {
                let end = file.text[at..]
                    .find('\n')
                    .map_or(file.text.len(), |i| at + i);
                separators.push(rules::missing_separator_diagnostic(Span::new(id, at, end)));
            }
        }
        let (into, total) = if file.previous {
            (&mut previous_documents, previous_count)
        } else {
            (&mut documents, current_count)
        };
        if into.is_empty() {
            *into = docs;
            into.reserve_exact(total - into.len());
        } else {
            into.extend(docs);
        }
        diagnostics.extend(errors.iter().map(rules::yaml_error_diagnostic));
    }
    diagnostics.append(&mut separators);
    Parsed {
        documents,
        previous_documents,
        diagnostics,
        compressed,
    }
}

fn check(
    sources: &SourceMap,
    parsed: Parsed,
    options: &Options,
    progress: &crate::progress::Progress,
) -> Outcome {
    use crate::progress::{CHECKING, MODELLING, VERIFYING};
    let Parsed {
        documents,
        previous_documents,
        mut diagnostics,
        ..
    } = parsed;
    progress.start_stage(MODELLING, 0);
    let model = Model::build_with_live(&documents, &options.default_namespace, &|file| {
        sources.get(file).live
    });
    progress.start_stage(VERIFYING, model.endpoints.len() as u64);
    let verified = || progress.advance(1);
    let go = options.kube_version.go;
    let chains = resolve::SecretChains::decode(&model, go);
    let mut resolutions = resolve::resolve_links(&model, &chains);
    progress.time_stage("verify");
    resolve::attach_verdicts(
        &model,
        &mut resolutions,
        &resolve::ResolveOptions {
            now: options.now,
            go,
            on_verdict: &verified,
            range: options.kube_range,
        },
    );
    progress.start_stage(CHECKING, 0);
    let provenance = crate::provision::Provenance::compute(&model, &resolutions);
    let previous_model = Model::build(&previous_documents, &options.default_namespace);
    let previous = (!previous_documents.is_empty())
        .then(|| crate::provision::Provenance::compute(&previous_model, &[]));
    let namespaces = crate::admission::Namespaces::of(&model);
    let context = rules::Context {
        model: &model,
        resolutions: &resolutions,
        chains: &chains,
        now: options.now,
        go,
        min_validity: options.min_validity,
        provenance: &provenance,
        previous: previous.as_ref().map(|p| (&previous_model, p)),
        settings: &options.rules,
        namespaces: &namespaces,
    };
    diagnostics.extend(rules::run(&context));
    // Stable: findings at one place keep the order their rule gave them (the API server's).
    diagnostics.sort_by_key(|d| (d.span.file, d.span.start));
    diagnostics.dedup();
    crate::suppress::apply(
        sources,
        &documents,
        &model,
        &mut diagnostics,
        options.require_reason,
        &options.rules,
    );
    options.rules.apply(&mut diagnostics);
    let mut baselined = Vec::new();
    let mut baseline_stale = 0;
    if let Some(known) = &options.baseline {
        (baselined, baseline_stale) = crate::baseline::apply(&mut diagnostics, sources, known);
    }
    diagnostics.sort_by_key(|d| (d.span.file, d.span.start));
    let mut redactions = Redactions::default();
    let secret_spans: Vec<Vec<Span>> = {
        use rayon::prelude::*;
        let all: Vec<&crate::yaml::Document> =
            documents.iter().chain(&previous_documents).collect();
        all.par_iter()
            // A document keeps only its identity when no stage reads its kind: not a Secret.
            .filter(|document| document.identity().is_none())
            .map(|document| {
                let text = &sources.get(document.file()).text;
                document
                    .objects()
                    .flat_map(|object| {
                        crate::report::secret_spans(document.node(object.node), text)
                    })
                    .collect()
            })
            .collect()
    };
    for span in secret_spans.into_iter().flatten() {
        redactions.add(span);
    }
    for span in rules::spans_to_redact(&model) {
        redactions.add(span);
    }
    for diagnostic in diagnostics.iter().filter(|d| d.rule == "invalid-yaml") {
        redact_broken_secret_document(sources, diagnostic.span, &mut redactions);
    }
    let summary = Summary::count(sources.len(), documents.len(), &diagnostics);
    // Without the whole inventory, only what the not-checked notes count is kept.
    let keep = |entry: &crate::report::inventory::Entry| {
        options.full_inventory || crate::report::not_checked::mentions(entry)
    };
    let inventory =
        crate::report::inventory::build(&model, &resolutions, &provenance, &diagnostics, keep);
    let graph = options
        .graph
        .then(|| crate::report::graph::build(&model, &resolutions, &provenance, &diagnostics));
    let objects = match options.list_objects {
        true => model
            .objects
            .iter()
            .map(|o| (o.object_ref(), o.span()))
            .collect(),
        false => Vec::new(),
    };
    let outcome = Outcome {
        diagnostics,
        redactions,
        summary,
        endpoints: model.endpoints.len(),
        inventory,
        graph,
        object_count: model.objects.len(),
        objects,
        baselined,
        baseline_stale,
    };
    if options.leave_memory_to_exit {
        std::mem::forget((namespaces, provenance, previous, resolutions, chains));
        std::mem::forget((model, previous_model));
        std::mem::forget((documents, previous_documents));
        return outcome;
    }
    // What borrows the documents goes first, so they can leave this thread.
    drop(namespaces);
    drop(provenance);
    drop(previous);
    drop(resolutions);
    drop(chains);
    drop(model);
    drop(previous_model);
    drop_in_background((documents, previous_documents));
    outcome
}

/// Frees `value` on another thread: the trees of a large run are millions of small
/// allocations, and the report need not wait for them (nor the process, which may end first).
pub(crate) fn drop_in_background<T: Send + 'static>(value: T) {
    // Should no thread start, the closure, and the value with it, is dropped right here.
    let _ = std::thread::Builder::new().spawn(move || drop(value));
}

/// A document that failed to parse has no model, so which of its bytes are Secret data is
/// unknown. When the document mentions `Secret` anywhere, the value part of every one of
/// its lines is hidden: what follows the first `: ` (a key's value, or all of a one-line
/// JSON document), else the whole line (block scalar and list lines). Keys stay visible.
fn redact_broken_secret_document(sources: &SourceMap, span: Span, redactions: &mut Redactions) {
    let text = &sources.get(span.file).text;
    let at = span.start.min(text.len());
    let is_marker = |line: &str| line.starts_with("---") || line.starts_with("...");
    let document_start = text[..at]
        .rmatch_indices('\n')
        .map(|(i, _)| i + 1)
        .find(|&i| is_marker(&text[i..]))
        .unwrap_or(0);
    let document_end = text[at..]
        .match_indices('\n')
        .map(|(i, _)| at + i + 1)
        .find(|&i| is_marker(&text[i..]))
        .unwrap_or(text.len());
    let document = &text[document_start..document_end];
    if !document.contains("Secret") {
        return;
    }
    let mut line_start = document_start;
    for line in document.split_inclusive('\n') {
        let content = line.trim_end_matches(['\n', '\r']);
        let value_start = content.find(": ").map_or(0, |i| i + 2);
        if !is_marker(content) && value_start < content.len() {
            redactions.add(Span::new(
                span.file,
                line_start + value_start,
                line_start + content.len(),
            ));
        }
        line_start += line.len();
    }
}
