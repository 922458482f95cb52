//! The lint command's report: in the format asked for, to `--output` or stdout, and the
//! lines around it on stderr.

use crate::cli::args::{Args, ColorChoice, Format};
use crate::cli::exit::usage_error;
use crate::diagnostic::{Diagnostic, Severity};
use crate::pipeline::Outcome;
use crate::report;
use crate::source::SourceMap;
use std::io::{IsTerminal, Write};

/// Writes the report in the format asked for, to `--output` or stdout, then the stderr extras.
pub(crate) fn write_report(
    args: &Args,
    outcome: &Outcome,
    sources: &SourceMap,
    stdout: &mut dyn Write,
    quiet: bool,
    fail_on: Severity,
) -> Result<(), i32> {
    let mut file = None;
    let mut sink = std::io::sink();
    let out: &mut dyn Write = if let Some(path) = &args.output {
        match std::fs::File::create(path) {
            Ok(f) => file.insert(std::io::BufWriter::new(f)),
            Err(e) => return Err(usage_error(format!("cannot write {}: {e}", path.display()))),
        }
    } else if quiet {
        &mut sink
    } else {
        stdout
    };
    let color = use_color(args.color, std::io::stdout().is_terminal())
        && (args.output.is_none() || args.color == ColorChoice::Always);
    let diags = &outcome.diagnostics;
    let written = match args.format {
        Format::Human => {
            let filtered: Vec<Diagnostic>;
            let counted_instead = report::not_checked::is_counted_instead;
            // Copied only when some are left out: a large run's findings are many.
            let shown: &[Diagnostic] = if args.verbose || !diags.iter().any(counted_instead) {
                diags
            } else {
                filtered = (diags.iter())
                    .filter(|d| !counted_instead(d))
                    .cloned()
                    .collect();
                &filtered
            };
            report::human::render(out, shown, sources, &outcome.redactions, color).and_then(|()| {
                // A clean run prints them after its "no problems" line.
                if shown.is_empty() && args.output.is_none() {
                    return Ok(());
                }
                report::not_checked::render(out, &outcome.inventory, diags, args.verbose)
            })
        }
        Format::Json => {
            report::json::render(out, diags, sources, &outcome.summary, &outcome.inventory)
        }
        Format::Concise => report::concise::render(out, diags, sources),
        Format::Github => report::github::render(out, diags, sources),
        Format::Junit => report::junit::render(out, diags, sources, &outcome.objects, fail_on),
        Format::Sarif => report::sarif::render(out, diags, sources),
        Format::Markdown => {
            let mermaid = failing_mermaid(outcome);
            report::markdown::render(
                out,
                diags,
                sources,
                &outcome.summary,
                &scope(outcome, sources.linted_count()),
                mermaid.as_deref(),
            )
        }
    };
    if let Err(e) = written.and_then(|_| out.flush()) {
        if e.kind() != std::io::ErrorKind::BrokenPipe {
            return Err(usage_error(format!("cannot write the report: {e}")));
        }
    }
    if !quiet {
        if args.output.is_some() {
            eprintln!("{}", report::concise::summary_line(&outcome.summary));
        }
        if args.statistics {
            let _ = report::concise::statistics(&mut std::io::stderr().lock(), diags);
        }
    }
    Ok(())
}

/// The Mermaid drawing of the endpoints whose call fails; None when none does.
fn failing_mermaid(outcome: &Outcome) -> Option<String> {
    let failing = outcome.graph.as_ref()?.failing_only();
    if failing.endpoints.is_empty() {
        return None;
    }
    let mut text = Vec::new();
    report::graph::mermaid::render(&mut text, &failing).ok()?;
    String::from_utf8(text).ok()
}

/// No finding was reported: notes the human report counts instead of printing leave a run
/// clean.
pub(crate) fn is_clean(args: &Args, outcome: &Outcome) -> bool {
    outcome.diagnostics.iter().all(|d| {
        args.format == Format::Human && !args.verbose && report::not_checked::is_counted_instead(d)
    })
}

/// `checked 12 files, 40 objects, 3 webhook endpoints: no problems`, after the report.
pub(crate) fn write_clean_summary(
    args: &Args,
    outcome: &Outcome,
    files: usize,
    stdout: &mut dyn Write,
) -> Result<(), i32> {
    let line = format!("{}: no problems", scope(outcome, files).checked());
    // People read the line after the (empty) human report, as ruff's `All checks
    // passed!`; the other formats keep stdout to their own syntax (concise: one line per
    // finding, for problem matchers; markdown printed its own ✅ line).
    let written = match args.format {
        Format::Human => writeln!(stdout, "{line}")
            .and_then(|()| {
                report::not_checked::render(
                    stdout,
                    &outcome.inventory,
                    &outcome.diagnostics,
                    args.verbose,
                )
            })
            .and_then(|()| stdout.flush()),
        Format::Concise
        | Format::Json
        | Format::Github
        | Format::Junit
        | Format::Sarif
        | Format::Markdown => {
            writeln!(std::io::stderr().lock(), "{line}")
        }
    };
    match written {
        Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => {
            Err(usage_error(format!("cannot write the report: {e}")))
        }
        _ => Ok(()),
    }
}

/// What the run checked, in `files` linted.
fn scope(outcome: &Outcome, files: usize) -> report::Scope {
    report::Scope {
        files,
        objects: outcome.object_count,
        endpoints: outcome.endpoints,
    }
}

/// `terminal`: whether the stream the colours go to is a terminal.
fn use_color(choice: ColorChoice, terminal: bool) -> bool {
    match choice {
        ColorChoice::Always => true,
        ColorChoice::Never => false,
        ColorChoice::Auto => std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty()) && terminal,
    }
}
