//! `speclint [PATH]...`, the lint command: settings, inputs, the pipeline, the report and
//! the exit code.

mod inputs;
mod output;

use crate::cli::args::{Args, CheckArgs, Format};
use crate::cli::exit::{usage_error, EXIT_FINDINGS, EXIT_OK, EXIT_USAGE};
use crate::cli::settings;
use crate::config::ConfigError;
use crate::diagnostic::{Diagnostic, Severity};
use crate::input;
use crate::pipeline::{self, Options, Outcome};
use crate::progress::{Progress, Ticker};
use crate::source::SourceMap;
use crate::timings::Timings;
use inputs::ReadReport;
use std::io::{IsTerminal, Read, Write};
use std::sync::Arc;

/// Lints the inputs `args` names. The process ends right after, so what the run built is
/// left to the operating system ([`Options::leave_memory_to_exit`]).
pub(crate) fn run(args: &Args, stdin: &mut dyn Read, stdout: &mut dyn Write) -> i32 {
    match lint(args, stdin, stdout) {
        Ok(code) | Err(code) => code,
    }
}

/// `Err` is the exit code of a run that stopped early, having said why.
fn lint(args: &Args, stdin: &mut dyn Read, stdout: &mut dyn Write) -> Result<i32, i32> {
    let config = match settings::load_config(&args.check) {
        Ok(config) => config,
        Err(ConfigError::Io(message)) => return Err(usage_error(message)),
        Err(ConfigError::Invalid {
            sources,
            diagnostics,
        }) => return Err(report_invalid_config(args, &sources, diagnostics, stdout)),
    };
    let config = config.as_ref();
    settings::check_rule_flags(&args.check).map_err(usage_error)?;
    let exclude = settings::exclude(&args.check, config).map_err(usage_error)?;
    let mut options = settings::options(&args.check, config).map_err(usage_error)?;
    options.leave_memory_to_exit = true;
    options.list_objects = args.format == Format::Junit;
    options.full_inventory = args.format == Format::Json;
    options.graph = args.format == Format::Markdown;
    let read_options = input::ReadOptions {
        exclude,
        helm: settings::helm(&args.check, config, &options.default_namespace),
        stdin_chart: args.check.stdin_chart.clone(),
    };
    let mut budget = input::InputBudget::new(settings::max_input_size(&args.check, config));
    // Printed when the run ends, whichever way it returns.
    let timings = args.timings.then(|| {
        let timings = Arc::new(Timings::default());
        timings.stage("read");
        TimingsOnExit(timings)
    });
    let (mut sources, read_report) = inputs::read(&args.check, stdin, &read_options, &mut budget)?;
    read_report.print(args.quiet, args.check.fail_on_empty)?;
    let fail_on = settings::fail_on(args, config);
    let outcome = lint_sources(&mut sources, &options, timings.as_ref(), args.quiet);
    if let Some(TimingsOnExit(timings)) = &timings {
        timings.stage("report");
    }
    // The inputs are left for the process's end to reclaim.
    let sources = LeftToExit(Some(sources));
    let outcome = LeftToExit(Some(outcome));
    conclude(args, &sources, &outcome, &read_report, fail_on, stdout)
}

/// The pipeline over `check`'s inputs for a command that draws its own output
/// (`speclint graph`): the configuration, the inputs' notices on stderr, and the outcome.
/// `adjust` sets what that command needs of the pipeline. `Err` is the exit code.
pub(crate) fn check_inputs(
    check: &CheckArgs,
    stdin: &mut dyn Read,
    adjust: impl FnOnce(&mut Options),
) -> Result<(SourceMap, Outcome), i32> {
    let config = match settings::load_config(check) {
        Ok(config) => config,
        Err(ConfigError::Io(message)) => return Err(usage_error(message)),
        Err(ConfigError::Invalid {
            sources,
            diagnostics,
        }) => {
            let mut stderr = std::io::stderr().lock();
            let _ = crate::report::human::render(
                &mut stderr,
                &diagnostics,
                &sources,
                &crate::report::Redactions::default(),
                false,
            );
            return Err(usage_error(format!(
                "the configuration {} is invalid; nothing was checked",
                sources.get(0).name
            )));
        }
    };
    let config = config.as_ref();
    settings::check_rule_flags(check).map_err(usage_error)?;
    let exclude = settings::exclude(check, config).map_err(usage_error)?;
    let mut options = settings::options(check, config).map_err(usage_error)?;
    options.leave_memory_to_exit = true;
    options.list_objects = false;
    adjust(&mut options);
    let read_options = input::ReadOptions {
        exclude,
        helm: settings::helm(check, config, &options.default_namespace),
        stdin_chart: check.stdin_chart.clone(),
    };
    let mut budget = input::InputBudget::new(settings::max_input_size(check, config));
    let (mut sources, read_report) = inputs::read(check, stdin, &read_options, &mut budget)?;
    read_report.print(false, check.fail_on_empty)?;
    let outcome = lint_sources(&mut sources, &options, None, false);
    Ok((sources, outcome))
}

/// A configuration with mistakes: its findings are reported like any, in the format asked
/// for, so CI annotates the file; nothing is checked.
fn report_invalid_config(
    args: &Args,
    sources: &SourceMap,
    diagnostics: Vec<Diagnostic>,
    stdout: &mut dyn Write,
) -> i32 {
    let summary = crate::report::Summary::count(1, 1, &diagnostics);
    let outcome = Outcome {
        diagnostics,
        redactions: crate::report::Redactions::default(),
        summary,
        endpoints: 0,
        inventory: Vec::new(),
        graph: None,
        object_count: 0,
        objects: Vec::new(),
        baselined: Vec::new(),
        baseline_stale: 0,
    };
    if let Err(code) = output::write_report(args, &outcome, sources, stdout, false, Severity::Error)
    {
        return code;
    }
    eprintln!(
        "error: the configuration {} is invalid; nothing was checked{}",
        sources.get(0).name,
        if args.check.config.is_some() {
            ""
        } else {
            " (--no-config ignores it)"
        }
    );
    EXIT_USAGE
}

/// The pipeline over the inputs, with a progress line when stderr is a terminal and the
/// inputs are large enough to wait for.
fn lint_sources(
    sources: &mut SourceMap,
    options: &Options,
    timings: Option<&TimingsOnExit>,
    quiet: bool,
) -> Outcome {
    let show_progress = crate::progress::wanted(
        std::io::stderr().is_terminal(),
        quiet,
        std::env::var("CI").ok().as_deref(),
        std::env::var("TERM").ok().as_deref(),
        sources.total_bytes() as u64,
    );
    let progress = match timings {
        Some(TimingsOnExit(timings)) => Progress::timed(timings.clone()),
        None => Progress::default(),
    };
    if show_progress {
        // The ticker erases its line when dropped, before the report is written.
        let ticker = Ticker::start(progress);
        pipeline::lint_owned(sources, options, ticker.progress())
    } else {
        pipeline::lint_owned(sources, options, &progress)
    }
}

/// After the pipeline: the nothing-checked warning, the report, the clean line, the
/// baseline's note and file, and the exit code.
fn conclude(
    args: &Args,
    sources: &SourceMap,
    outcome: &Outcome,
    read_report: &ReadReport,
    fail_on: Severity,
    stdout: &mut dyn Write,
) -> Result<i32, i32> {
    // --quiet: nothing on stdout or stderr without an error; --output is still written.
    let failed = outcome.fails(fail_on);
    let quiet = args.quiet && !failed;
    let files = sources.linted_count();
    let nothing_checked = outcome.object_count == 0
        && outcome.diagnostics.is_empty()
        && outcome.baselined.is_empty()
        && !read_report.found_empty_input();
    if nothing_checked {
        let message = format!(
            "no Kubernetes objects found in {}; nothing was checked",
            inputs::what_was_read(sources, files)
        );
        if args.check.fail_on_empty {
            return Err(usage_error(format!(
                "{message}; --fail-on-empty makes this an error"
            )));
        }
        if !quiet {
            eprintln!("warning: {message}");
        }
    }
    output::write_report(args, outcome, sources, stdout, quiet, fail_on)?;
    // After a "nothing found" warning, "no problems" would read as a pass.
    let nothing_found = nothing_checked || outcome.object_count == 0;
    if !quiet && output::is_clean(args, outcome) && args.output.is_none() && !nothing_found {
        output::write_clean_summary(args, outcome, files, stdout)?;
    }
    if !quiet && args.check.baseline.is_some() {
        note_baseline(outcome);
    }
    if let Some(path) = &args.write_baseline {
        write_baseline(path, outcome, sources)?;
        return Ok(EXIT_OK);
    }
    Ok(if failed { EXIT_FINDINGS } else { EXIT_OK })
}

/// How many findings `--baseline` hid, and how many of its own are stale.
fn note_baseline(outcome: &Outcome) {
    let hidden = outcome.baselined.len();
    let stale = outcome.baseline_stale;
    eprintln!(
        "note: the baseline hid {hidden} known finding{}{}",
        if hidden == 1 { "" } else { "s" },
        if stale > 0 {
            format!("; {stale} of its findings no longer occur (--write-baseline records the current ones)")
        } else {
            String::new()
        }
    );
}

/// `--write-baseline`: every current finding, those a `--baseline` hid included.
fn write_baseline(
    path: &std::path::Path,
    outcome: &Outcome,
    sources: &SourceMap,
) -> Result<(), i32> {
    let mut all = outcome.diagnostics.clone();
    all.extend(outcome.baselined.iter().cloned());
    all.sort_by_key(|d| (d.span.file, d.span.start));
    let text = crate::baseline::render(&all, sources);
    std::fs::write(path, text)
        .map_err(|e| usage_error(format!("cannot write {}: {e}", path.display())))
}

/// Leaves its value to the operating system to reclaim when the process exits (see
/// [`Options::leave_memory_to_exit`]), whichever way the function holding it returns.
struct LeftToExit<T>(Option<T>);

impl<T> std::ops::Deref for LeftToExit<T> {
    type Target = T;
    fn deref(&self) -> &T {
        self.0
            .as_ref()
            .unwrap_or_else(|| unreachable!("taken only on drop"))
    }
}

impl<T> Drop for LeftToExit<T> {
    fn drop(&mut self) {
        std::mem::forget(self.0.take());
    }
}

/// Prints `--timings` on stderr when dropped, after the report.
struct TimingsOnExit(Arc<Timings>);

impl Drop for TimingsOnExit {
    fn drop(&mut self) {
        let _ = write!(std::io::stderr().lock(), "{}", self.0.finish());
    }
}
