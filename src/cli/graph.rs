//! `speclint graph`: the trust graph of the inputs, as Mermaid, DOT or SVG.

use crate::cli::args::{GraphArgs, GraphFormat};
use crate::cli::exit::{after_writing, usage_error, EXIT_FINDINGS, EXIT_OK};
use crate::cli::lint::check_inputs;
use crate::report::graph::{self, EndpointPath, Graph, Status};
use std::io::{Read, Write};

/// Exit status as the lint command's: 1 when a drawn endpoint's call fails.
pub(crate) fn run(args: &GraphArgs, stdin: &mut dyn Read, stdout: &mut dyn Write) -> i32 {
    let only = match Only::new(&args.only) {
        Ok(only) => only,
        Err(message) => return usage_error(message),
    };
    let (_sources, outcome) = match check_inputs(&args.check, stdin, |options| {
        options.graph = true;
    }) {
        Ok(checked) => checked,
        Err(code) => return code,
    };
    let whole = outcome.graph.unwrap_or_default();
    let drawn = whole.retain_endpoints(|path| {
        only.matches(path) && (!args.failing || path.status == Status::Failing)
    });
    if !args.only.is_empty() && drawn.endpoints.is_empty() {
        return usage_error(no_match(&args.only, &whole));
    }
    let mut file = None;
    let out: &mut dyn Write = match &args.output {
        Some(path) => match std::fs::File::create(path) {
            Ok(f) => file.insert(std::io::BufWriter::new(f)),
            Err(e) => return usage_error(format!("cannot write {}: {e}", path.display())),
        },
        None => stdout,
    };
    let written = match args.format {
        GraphFormat::Mermaid => graph::mermaid::render(out, &drawn),
        GraphFormat::Dot => graph::dot::render(out, &drawn),
        GraphFormat::Svg => graph::svg::render(out, &drawn),
    };
    match after_writing(written, out) {
        EXIT_OK if drawn.endpoints.iter().any(|p| p.status == Status::Failing) => EXIT_FINDINGS,
        code => code,
    }
}

/// `--only`: names and globs, matched against an endpoint's names.
struct Only(Vec<globset::GlobMatcher>);

impl Only {
    fn new(patterns: &[String]) -> Result<Only, String> {
        patterns
            .iter()
            .map(|p| {
                globset::Glob::new(p)
                    .map(|g| g.compile_matcher())
                    .map_err(|e| format!("invalid --only {:?}: {e}", crate::untrusted::escape(p)))
            })
            .collect::<Result<_, _>>()
            .map(Only)
    }

    fn matches(&self, path: &EndpointPath) -> bool {
        self.0.is_empty()
            || self
                .0
                .iter()
                .any(|m| path.match_names().iter().any(|name| m.is_match(name)))
    }
}

/// Says which endpoints there are, with the closest name.
fn no_match(only: &[String], graph: &Graph) -> String {
    let wanted = only.join(", ");
    let names: Vec<&str> = graph
        .endpoints
        .iter()
        .flat_map(|p| p.match_names().iter().map(String::as_str))
        .collect();
    let hint = only
        .iter()
        .find_map(|o| crate::suggest::closest_known(o, &names))
        .map(|n| format!("; did you mean {:?}?", crate::untrusted::escape(n)))
        .unwrap_or_default();
    if graph.endpoints.is_empty() {
        return "no endpoint among the inputs: nothing to draw".to_string();
    }
    format!(
        "no endpoint matches --only {:?} ({} endpoint{} among the inputs){hint}",
        crate::untrusted::escape(&wanted),
        graph.endpoints.len(),
        if graph.endpoints.len() == 1 { "" } else { "s" }
    )
}
