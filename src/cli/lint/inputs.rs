//! Reading the lint command's inputs, and what reading them has to say on stderr.

use crate::cli::args::CheckArgs;
use crate::cli::exit::{usage_error, EXIT_USAGE};
use crate::input;
use crate::source::SourceMap;
use std::io::Read;

/// Reads the paths, then `--previous`, then `--cluster-state`; a failure is said and
/// gives the exit code.
pub(crate) fn read(
    args: &CheckArgs,
    stdin: &mut dyn Read,
    options: &input::ReadOptions,
    budget: &mut input::InputBudget,
) -> Result<(SourceMap, ReadReport), i32> {
    let mut report = ReadReport::default();
    let mut read = |paths: &[String]| match input::read_all(paths, stdin, options, budget) {
        Ok(inputs) => Ok(report.take(inputs)),
        Err(e) => Err(usage_error(e)),
    };
    let mut sources = read(&args.paths)?;
    if !args.previous.is_empty() {
        sources.append_previous(read(&args.previous)?);
    }
    if !args.cluster_state.is_empty() {
        sources.append_live(read(&args.cluster_state)?);
    }
    Ok((sources, report))
}

/// What reading the inputs has to say on stderr, gathered over every read (paths,
/// `--previous`, `--cluster-state`) and said once, before the report.
#[derive(Default)]
pub(crate) struct ReadReport {
    skipped_charts: Vec<(String, usize)>,
    empty: Vec<input::EmptyInput>,
    skipped_special: Vec<String>,
    notices: Vec<input::Notice>,
}

impl ReadReport {
    fn take(&mut self, inputs: input::Inputs) -> SourceMap {
        self.skipped_charts.extend(inputs.skipped_charts);
        self.empty.extend(inputs.empty);
        self.skipped_special.extend(inputs.skipped_special);
        self.notices.extend(inputs.notices);
        inputs.sources
    }

    /// Whether an input named nothing to read (already warned about).
    pub(crate) fn found_empty_input(&self) -> bool {
        !self.empty.is_empty()
    }

    /// Notes and warnings, unless `quiet`. With `fail_on_empty`, an input that named nothing
    /// is an error: exit 2 before anything is linted.
    pub(crate) fn print(&self, quiet: bool, fail_on_empty: bool) -> Result<(), i32> {
        if fail_on_empty && !self.empty.is_empty() {
            for empty in &self.empty {
                eprintln!(
                    "error: {}; --fail-on-empty makes this an error",
                    empty.message()
                );
            }
            return Err(EXIT_USAGE);
        }
        if quiet {
            return Ok(());
        }
        for (chart, files) in &self.skipped_charts {
            eprintln!(
                "note: skipped {files} template file{} of the Helm chart {}: templates are not manifests until rendered; --helm renders the chart with `helm template`",
                if *files == 1 { "" } else { "s" },
                input::shown(chart)
            );
        }
        for notice in &self.notices {
            let level = if notice.warning { "warning" } else { "note" };
            eprintln!("{level}: {}", notice.text);
        }
        if let Some(first) = self.skipped_special.first() {
            let first = input::shown(first);
            let which = match self.skipped_special.len() {
                1 => format!("skipped {first}, which is not a regular file (a FIFO, socket or device)"),
                n => format!("skipped {n} entries that are not regular files (FIFOs, sockets or devices), {first} first"),
            };
            eprintln!("note: {which}: only regular files are read from a directory; name one on the command line to read it as a stream");
        }
        for empty in &self.empty {
            eprintln!("warning: {}", empty.message());
        }
        Ok(())
    }
}

/// `standard input`, `a.yaml`, or `the 3 inputs`: what the nothing-checked warning names.
pub(crate) fn what_was_read(sources: &SourceMap, files: usize) -> String {
    let mut linted = sources.files().filter(|(_, f)| !f.previous);
    match (files, linted.next()) {
        (1, Some((_, file))) if file.name == "<stdin>" => "standard input".to_string(),
        (1, Some((_, file))) => input::shown(&file.name),
        (0, _) => "the inputs".to_string(),
        (n, _) => format!("the {n} inputs"),
    }
}
