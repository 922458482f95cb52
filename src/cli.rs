//! Command line: parses arguments, runs the pipeline, renders the report, picks the exit code.

use crate::config::{self, ConfigError};
use crate::diagnostic::{Diagnostic, Severity};
use crate::input;
use crate::pipeline::{self, Options};
use crate::report;
use clap::{Parser, Subcommand, ValueEnum};
use std::io::{IsTerminal, Write};

pub const EXIT_OK: i32 = 0;
pub const EXIT_FINDINGS: i32 = 1;
pub const EXIT_USAGE: i32 = 2;

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum Format {
    Human,
    Json,
    /// One line per finding: `file:line:col: severity[rule] message`.
    Concise,
    /// GitHub Actions annotations (`::error file=...::message`).
    Github,
    /// JUnit XML, a test suite per input file.
    Junit,
    /// SARIF 2.1.0, for code scanning.
    Sarif,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum ColorChoice {
    Auto,
    Always,
    Never,
}

/// Predicts kube-apiserver's TLS verdict for admission webhooks, CRD conversion webhooks and
/// aggregated APIs, offline, from Kubernetes manifests.
#[derive(Debug, Parser)]
#[command(name = "speclint", version, about, long_about = None)]
#[command(
    after_help = "Reads standard input when no PATH (or `-`) is given: `helm template x | speclint`.\n\
Exit status: 0 no error found, 1 errors found, 2 usage or I/O failure."
)]
#[command(args_conflicts_with_subcommands = true)]
pub struct Args {
    #[command(subcommand)]
    pub command: Option<Command>,

    /// Files, directories (walked for *.yaml, *.yml, *.json) or quoted glob patterns; `-` is stdin.
    #[arg(value_name = "PATH")]
    pub paths: Vec<String>,

    /// Live cluster state (`kubectl get ... -o yaml`), linted with the other inputs; repeatable.
    /// Objects with server-set fields (uid, resourceVersion, ...) are recognised as live anyway.
    #[arg(long = "cluster-state", value_name = "PATH")]
    pub cluster_state: Vec<String>,

    /// The previous release's render (the same chart at the old version), to predict the
    /// upgrade trap: a Secret that carries over with names for a Service that was renamed.
    #[arg(long, value_name = "PATH")]
    pub previous: Vec<String>,

    /// Namespace of objects that set none, as `helm template -n` / `kubectl apply -n` would
    /// place them [default: default].
    #[arg(short = 'n', long)]
    pub namespace: Option<String>,

    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Human)]
    pub format: Format,

    /// Evaluation time, RFC 3339 (e.g. 2026-01-01T00:00:00Z, or with a fraction of a second:
    /// Go compares to the nanosecond), for reproducible CI; default: now.
    #[arg(long, value_name = "RFC3339")]
    pub now: Option<String>,

    /// Warn about certificates that expire sooner than this: days, or 30d, 720h, 90m, 3600s
    /// [default: 30d].
    #[arg(long, value_name = "DURATION")]
    pub min_validity: Option<String>,

    /// The Kubernetes release whose API server is predicted, as 1.N (1.26 to 1.37): its Go
    /// decides every TLS verdict, messages included [default: the newest stable, 1.37].
    #[arg(long, value_name = "1.N")]
    pub kube_version: Option<String>,

    /// Releases a verdict must hold across, as 1.A..1.B: an endpoint the API servers of
    /// the range judge differently is reported (version-dependent-verdict); verdicts are
    /// the newest's unless --kube-version says [default: every supported release, unless
    /// --kube-version pins one].
    #[arg(long, value_name = "1.A..1.B")]
    pub kube_versions: Option<String>,

    /// Exit 1 when a finding is at this severity or above [default: error].
    #[arg(long, value_name = "SEVERITY", value_parser = severity_arg())]
    pub fail_on: Option<Severity>,

    /// Run these rules (ids, comma-separated, or `all`), even if the configuration disables them.
    #[arg(long, value_name = "RULE", value_delimiter = ',', value_parser = rule_id)]
    pub enable: Vec<String>,

    /// Do not run these rules (ids, comma-separated, or `all`); `--enable` wins over it.
    #[arg(long, value_name = "RULE", value_delimiter = ',', value_parser = rule_id)]
    pub disable: Vec<String>,

    /// Leave out paths matching this glob (gitignore-style, relative to the working directory);
    /// repeatable, added to the configuration's `exclude`.
    #[arg(long, value_name = "GLOB")]
    pub exclude: Vec<String>,

    /// Render Helm charts among the inputs (directories with a Chart.yaml) with `helm template`
    /// and lint the output; without it, their templates are skipped.
    #[arg(long)]
    pub helm: bool,

    /// Release name for `helm template` [default: release-name].
    #[arg(long, value_name = "NAME")]
    pub helm_release: Option<String>,

    /// One more argument for `helm template`, e.g. `--helm-arg=--values=prod.yaml`; repeatable.
    #[arg(long, value_name = "ARG", allow_hyphen_values = true)]
    pub helm_arg: Vec<String>,

    /// Read the configuration from FILE instead of the nearest .speclint.yaml.
    #[arg(long, value_name = "FILE", conflicts_with = "no_config")]
    pub config: Option<std::path::PathBuf>,

    /// Ignore any .speclint.yaml.
    #[arg(long)]
    pub no_config: bool,

    /// When to use colour (NO_COLOR is honoured in `auto`).
    #[arg(long, value_enum, default_value_t = ColorChoice::Auto)]
    pub color: ColorChoice,

    /// Write the report to FILE instead of standard output; a one-line summary goes to stderr.
    #[arg(short = 'o', long, value_name = "FILE")]
    pub output: Option<std::path::PathBuf>,

    /// Print nothing unless there is an error (the exit code tells); `--output` is still written.
    #[arg(short = 'q', long)]
    pub quiet: bool,

    /// Human format: print every note in full, including the endpoints not checked (by
    /// default these are counted, by cause, at the end).
    #[arg(short = 'v', long)]
    pub verbose: bool,

    /// After the report, print the number of findings per rule on stderr.
    #[arg(long)]
    pub statistics: bool,

    /// After the report, print on stderr the wall and CPU time of each stage (read, parse,
    /// model, resolve and verify, rules, report) and the peak memory.
    #[arg(long)]
    pub timings: bool,

    /// Suppressions (`# speclint-ignore: rule -- reason`) without a reason are errors.
    #[arg(long)]
    pub require_reason: bool,

    /// Write the findings as a baseline to FILE (after the report) and exit 0.
    #[arg(long, value_name = "FILE")]
    pub write_baseline: Option<std::path::PathBuf>,

    /// Drop findings recorded in the baseline FILE (from `--write-baseline`).
    #[arg(long, value_name = "FILE")]
    pub baseline: Option<std::path::PathBuf>,

    /// Refuse (exit 2) an input larger than SIZE, and inputs larger than SIZE together:
    /// bytes, or with K, M, G (KiB, MiB, GiB) or KB, MB, GB; at most 4 GiB - 1 byte
    /// (4294967295) [default: 512MiB].
    #[arg(long, value_name = "SIZE", value_parser = input::parse_size)]
    pub max_input_size: Option<u64>,

    /// Exit 2 when an input holds no manifest (an empty directory, everything excluded, no
    /// Kubernetes object), instead of warning.
    #[arg(long)]
    pub fail_on_empty: bool,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Certificate tools for debugging by hand: `tls verify`, `tls inspect`.
    #[command(subcommand)]
    Tls(crate::tls_cli::TlsCommand),
    /// List every rule: id, default severity and summary.
    Rules(crate::docs_cli::RulesArgs),
    /// Print a rule's documentation (rules/RULE.md).
    Explain(crate::docs_cli::ExplainArgs),
    /// Write a shell completion script to standard output.
    Completions(crate::docs_cli::CompletionsArgs),
    /// Write the man page (roff) to standard output.
    Man,
}

pub fn main() -> i32 {
    let args = match Args::try_parse() {
        Ok(args) => args,
        Err(e) => {
            let _ = e.print();
            return if e.use_stderr() { EXIT_USAGE } else { EXIT_OK };
        }
    };
    if args.command.is_none() && args.paths.is_empty() && std::io::stdin().is_terminal() {
        // Nothing is piped in: waiting for typed YAML is never what was meant. Said as clap
        // says a missing argument.
        let usage = <Args as clap::CommandFactory>::command().render_usage();
        eprintln!("error: no PATH given, and standard input is a terminal: name files or directories, or pipe manifests in (`-` reads the terminal)\n\n{usage}\n\nFor more information, try '--help'.");
        return EXIT_USAGE;
    }
    run_then_exit(
        &args,
        &mut std::io::stdin().lock(),
        &mut std::io::stdout().lock(),
        true,
    )
}

pub fn run(args: &Args, stdin: &mut dyn std::io::Read, stdout: &mut dyn Write) -> i32 {
    run_then_exit(args, stdin, stdout, false)
}

/// [`run`]; with `exiting`, the process ends right after, so what the run built is left to
/// the operating system ([`pipeline::Options::leave_memory_to_exit`]).
fn run_then_exit(
    args: &Args,
    stdin: &mut dyn std::io::Read,
    stdout: &mut dyn Write,
    exiting: bool,
) -> i32 {
    if let Some(Command::Tls(command)) = &args.command {
        return crate::tls_cli::run(command, stdin, stdout);
    }
    match &args.command {
        Some(Command::Rules(a)) => return crate::docs_cli::rules(a, stdout),
        Some(Command::Explain(a)) => return crate::docs_cli::explain(a, stdout),
        Some(Command::Completions(a)) => return crate::docs_cli::completions(a, stdout),
        Some(Command::Man) => return crate::docs_cli::man(stdout),
        Some(Command::Tls(_)) | None => {}
    }
    let config = match load_config(args) {
        Ok(config) => config,
        Err(ConfigError::Io(message)) => {
            eprintln!("error: {message}");
            return EXIT_USAGE;
        }
        Err(ConfigError::Invalid {
            sources,
            diagnostics,
        }) => {
            // Reported like findings, in the format asked for, so CI annotates the file.
            let summary = report::Summary::count(1, 1, &diagnostics);
            let outcome = pipeline::Outcome {
                diagnostics,
                redactions: report::Redactions::default(),
                summary,
                endpoints: 0,
                inventory: Vec::new(),
                object_count: 0,
                objects: Vec::new(),
                baselined: Vec::new(),
                baseline_stale: 0,
            };
            let fail_on = Severity::Error;
            if let Err(code) = write_report(args, &outcome, &sources, stdout, false, fail_on) {
                return code;
            }
            eprintln!(
                "error: the configuration {} is invalid; nothing was checked{}",
                sources.get(0).name,
                if args.config.is_some() {
                    ""
                } else {
                    " (--no-config ignores it)"
                }
            );
            return EXIT_USAGE;
        }
    };
    for id in args.enable.iter().chain(&args.disable) {
        if id == crate::rules::INVALID_CONFIG.id {
            eprintln!("error: `{id}` cannot be enabled or disabled: a configuration with mistakes is never used");
            return EXIT_USAGE;
        }
        if id != "all" && crate::rules::find(id).is_none() {
            let hint = crate::docs_cli::closest_ids(id, 1)
                .first()
                .map(|near| format!("; did you mean `{near}`?"))
                .unwrap_or_default();
            eprintln!("error: unknown rule `{id}`{hint} (`speclint rules` lists them)");
            return EXIT_USAGE;
        }
    }
    let mut exclude = input::Exclude::default();
    let excluded = match &config {
        Some(config) => exclude.add(&config::base_dir(config), &config.exclude),
        None => Ok(()),
    }
    .and_then(|()| exclude.add(std::path::Path::new("."), &args.exclude));
    if let Err(e) = excluded {
        eprintln!("error: {e}");
        return EXIT_USAGE;
    }
    let options = match options(args, config.as_ref()) {
        Ok(mut options) => {
            options.leave_memory_to_exit = exiting;
            options
        }
        Err(message) => {
            eprintln!("error: {message}");
            return EXIT_USAGE;
        }
    };
    let read_options = input::ReadOptions {
        exclude,
        helm: helm_settings(args, config.as_ref(), &options.default_namespace),
    };
    let max_input_size = args
        .max_input_size
        .or(config.as_ref().and_then(|c| c.max_input_size))
        .unwrap_or(input::DEFAULT_MAX_INPUT_SIZE);
    let mut budget = input::InputBudget::new(max_input_size);
    // Printed when the run ends, whichever way it returns.
    let timings = args.timings.then(|| {
        let timings = std::sync::Arc::new(crate::timings::Timings::default());
        timings.stage("read");
        TimingsOnExit(timings)
    });
    let mut read_report = ReadReport::default();
    let mut read =
        |paths: &[String]| match input::read_all(paths, stdin, &read_options, &mut budget) {
            Ok(inputs) => Ok(read_report.take(inputs)),
            Err(e) => {
                eprintln!("error: {e}");
                Err(EXIT_USAGE)
            }
        };
    let mut sources = match read(&args.paths) {
        Ok(sources) => sources,
        Err(code) => return code,
    };
    if !args.previous.is_empty() {
        match read(&args.previous) {
            Ok(previous) => sources.append_previous(previous),
            Err(code) => return code,
        }
    }
    if !args.cluster_state.is_empty() {
        match read(&args.cluster_state) {
            Ok(live) => sources.append_live(live),
            Err(code) => return code,
        }
    }
    if let Err(code) = read_report.print(args.quiet, args.fail_on_empty) {
        return code;
    }
    let fail_on = args
        .fail_on
        .or(config.as_ref().and_then(|c| c.fail_on))
        .unwrap_or(Severity::Error);
    let input_bytes = sources.total_bytes();
    let show_progress = crate::progress::wanted(
        std::io::stderr().is_terminal(),
        args.quiet,
        std::env::var("CI").ok().as_deref(),
        std::env::var("TERM").ok().as_deref(),
        input_bytes as u64,
    );
    let progress = match &timings {
        Some(TimingsOnExit(timings)) => crate::progress::Progress::timed(timings.clone()),
        None => crate::progress::Progress::default(),
    };
    let outcome = if show_progress {
        // The ticker erases its line when dropped, before the report is written.
        let ticker = crate::progress::Ticker::start(progress);
        pipeline::lint_owned(&mut sources, &options, ticker.progress())
    } else {
        pipeline::lint_owned(&mut sources, &options, &progress)
    };
    if let Some(TimingsOnExit(timings)) = &timings {
        timings.stage("report");
    }
    // The inputs are left for the process's end to reclaim, or freed off the main thread.
    let sources = LeftToExit(Some(sources), exiting);
    let outcome = LeftToExit(Some(outcome), exiting);
    // --quiet: nothing on stdout or stderr without an error; --output is still written.
    let failed = outcome.fails(fail_on);
    let quiet = args.quiet && !failed;
    let files = sources.files().filter(|(_, f)| !f.previous).count();
    let nothing_checked = outcome.object_count == 0
        && outcome.diagnostics.is_empty()
        && outcome.baselined.is_empty()
        && read_report.empty.is_empty();
    if nothing_checked {
        let message = format!(
            "no Kubernetes objects found in {}; nothing was checked",
            what_was_read(&sources, files)
        );
        if args.fail_on_empty {
            eprintln!("error: {message}; --fail-on-empty makes this an error");
            return EXIT_USAGE;
        }
        if !quiet {
            eprintln!("warning: {message}");
        }
    }
    if let Err(code) = write_report(args, &outcome, &sources, stdout, quiet, fail_on) {
        return code;
    }
    // After a "nothing found" warning, "no problems" would read as a pass.
    let nothing_found = nothing_checked || outcome.object_count == 0;
    // Notes the human report counts instead of printing leave a run clean.
    let clean = outcome.diagnostics.iter().all(|d| {
        args.format == Format::Human && !args.verbose && report::not_checked::is_counted_instead(d)
    });
    if !quiet && clean && args.output.is_none() && !nothing_found {
        let line = clean_summary(files, outcome.object_count, outcome.endpoints);
        // People read the line after the (empty) human report, as ruff's `All checks
        // passed!`; the other formats keep stdout to their own syntax (concise: one line per
        // finding, for problem matchers).
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
            Format::Concise | Format::Json | Format::Github | Format::Junit | Format::Sarif => {
                writeln!(std::io::stderr().lock(), "{line}")
            }
        };
        if let Err(e) = written {
            if e.kind() != std::io::ErrorKind::BrokenPipe {
                eprintln!("error: cannot write the report: {e}");
                return EXIT_USAGE;
            }
        }
    }
    if !quiet && args.baseline.is_some() {
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
    if let Some(path) = &args.write_baseline {
        // Every current finding, those a --baseline hid included.
        let mut all = outcome.diagnostics.clone();
        all.extend(outcome.baselined.iter().cloned());
        all.sort_by_key(|d| (d.span.file, d.span.start));
        let text = crate::baseline::render(&all, &sources);
        if let Err(e) = std::fs::write(path, text) {
            eprintln!("error: cannot write {}: {e}", path.display());
            return EXIT_USAGE;
        }
        return EXIT_OK;
    }
    if failed {
        EXIT_FINDINGS
    } else {
        EXIT_OK
    }
}

/// Leaves its value to the operating system to reclaim when the process exits, if it is
/// about to (see [`pipeline::Options::leave_memory_to_exit`]), else frees it on another
/// thread ([`pipeline::drop_in_background`]), whichever way the function holding it returns.
struct LeftToExit<T: Send + 'static>(Option<T>, bool);

impl<T: Send + 'static> std::ops::Deref for LeftToExit<T> {
    type Target = T;
    fn deref(&self) -> &T {
        self.0
            .as_ref()
            .unwrap_or_else(|| unreachable!("taken only on drop"))
    }
}

impl<T: Send + 'static> Drop for LeftToExit<T> {
    fn drop(&mut self) {
        match self.1 {
            true => std::mem::forget(self.0.take()),
            false => pipeline::drop_in_background(self.0.take()),
        }
    }
}

/// Prints `--timings` on stderr when dropped, after the report.
struct TimingsOnExit(std::sync::Arc<crate::timings::Timings>);

impl Drop for TimingsOnExit {
    fn drop(&mut self) {
        let _ = write!(std::io::stderr().lock(), "{}", self.0.finish());
    }
}

/// `checked 12 files, 40 objects, 3 webhook endpoints: no problems`.
fn clean_summary(files: usize, objects: usize, endpoints: usize) -> String {
    let count = |n: usize, noun: &str| format!("{n} {noun}{}", if n == 1 { "" } else { "s" });
    format!(
        "checked {}, {}, {}: no problems",
        count(files, "file"),
        count(objects, "object"),
        count(endpoints, "webhook endpoint")
    )
}

/// What reading the inputs has to say on stderr, gathered over every read (paths,
/// `--previous`, `--cluster-state`) and said once, before the report.
#[derive(Default)]
struct ReadReport {
    skipped_charts: Vec<(String, usize)>,
    empty: Vec<input::EmptyInput>,
    skipped_special: Vec<String>,
    notices: Vec<input::Notice>,
}

impl ReadReport {
    fn take(&mut self, inputs: input::Inputs) -> crate::source::SourceMap {
        self.skipped_charts.extend(inputs.skipped_charts);
        self.empty.extend(inputs.empty);
        self.skipped_special.extend(inputs.skipped_special);
        self.notices.extend(inputs.notices);
        inputs.sources
    }

    /// Notes and warnings, unless `quiet`. With `fail_on_empty`, an input that named nothing
    /// is an error: exit 2 before anything is linted.
    fn print(&self, quiet: bool, fail_on_empty: bool) -> Result<(), i32> {
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
fn what_was_read(sources: &crate::source::SourceMap, files: usize) -> String {
    let mut linted = sources.files().filter(|(_, f)| !f.previous);
    match (files, linted.next()) {
        (1, Some((_, file))) if file.name == "<stdin>" => "standard input".to_string(),
        (1, Some((_, file))) => input::shown(&file.name),
        (0, _) => "the inputs".to_string(),
        (n, _) => format!("the {n} inputs"),
    }
}

/// Writes the report in the format asked for, to `--output` or stdout, then the stderr extras.
fn write_report(
    args: &Args,
    outcome: &pipeline::Outcome,
    sources: &crate::source::SourceMap,
    stdout: &mut dyn Write,
    quiet: bool,
    fail_on: Severity,
) -> Result<(), i32> {
    let mut file = None;
    let mut sink = std::io::sink();
    let out: &mut dyn Write = if let Some(path) = &args.output {
        match std::fs::File::create(path) {
            Ok(f) => file.insert(std::io::BufWriter::new(f)),
            Err(e) => {
                eprintln!("error: cannot write {}: {e}", path.display());
                return Err(EXIT_USAGE);
            }
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
    };
    if let Err(e) = written.and_then(|_| out.flush()) {
        if e.kind() != std::io::ErrorKind::BrokenPipe {
            eprintln!("error: cannot write the report: {e}");
            return Err(EXIT_USAGE);
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

/// The configuration in force: `--config`, else the nearest `.speclint.yaml`, unless
/// `--no-config`.
fn load_config(args: &Args) -> Result<Option<config::Config>, ConfigError> {
    if args.no_config {
        return Ok(None);
    }
    let path = match &args.config {
        Some(path) => path.clone(),
        None => match std::env::current_dir()
            .ok()
            .and_then(|d| config::discover(&d))
        {
            Some(found) => input::relative_to_cwd(found),
            None => return Ok(None),
        },
    };
    config::load(&path).map(Some)
}

/// `--helm` and its flags, over the configuration's `helm:`; None when charts are not rendered.
fn helm_settings(
    args: &Args,
    config: Option<&config::Config>,
    namespace: &str,
) -> Option<input::Helm> {
    let file = config.map(|c| c.helm.clone()).unwrap_or_default();
    if !(args.helm || file.render == Some(true)) {
        return None;
    }
    Some(input::Helm {
        program: "helm".to_string(),
        release: args
            .helm_release
            .clone()
            .or(file.release)
            .unwrap_or_else(|| "release-name".to_string()),
        namespace: namespace.to_string(),
        args: if args.helm_arg.is_empty() {
            file.args
        } else {
            args.helm_arg.clone()
        },
    })
}

/// The pipeline's options: defaults, then the configuration file, then the command line.
fn options(args: &Args, config: Option<&config::Config>) -> Result<Options, String> {
    let namespace = args
        .namespace
        .clone()
        .or_else(|| config.and_then(|c| c.namespace.clone()))
        .unwrap_or_else(|| "default".to_string());
    let mut options = Options::new(namespace);
    if let Some(now) = &args.now {
        options.now = crate::tls::time::parse_rfc3339(now)
            .map_err(|e| format!("invalid --now {now:?}: {e}"))?;
    } else if let Some(now) = config.and_then(|c| c.now) {
        options.now = now;
    }
    if let Some(text) = &args.min_validity {
        options.min_validity = parse_duration(text).ok_or_else(|| {
            format!("invalid --min-validity {text:?}: use a number of days, or a number with d, h, m or s (30d, 720h)")
        })?;
    } else if let Some(seconds) = config.and_then(|c| c.min_validity) {
        options.min_validity = seconds;
    }
    let pinned = match &args.kube_version {
        Some(text) => Some(
            crate::kube_version::parse(text)
                .map_err(|e| format!("invalid --kube-version {text:?}: {e}"))?,
        ),
        None => config.and_then(|c| c.kube_version),
    };
    let range = match &args.kube_versions {
        Some(text) => Some(
            crate::kube_version::parse_range(text)
                .map_err(|e| format!("invalid --kube-versions {text:?}: {e}"))?,
        ),
        None => config.and_then(|c| c.kube_versions),
    };
    match (pinned, range) {
        (Some(release), None) => {
            options.kube_version = release;
            options.kube_range = &[];
        }
        (pinned, Some(range)) => {
            options.kube_range = range;
            options.kube_version = pinned.unwrap_or(&range[range.len() - 1]);
        }
        (None, None) => {}
    }
    options.require_reason =
        args.require_reason || config.and_then(|c| c.require_reason).unwrap_or(false);
    if let Some(path) = &args.baseline {
        options.baseline = Some(crate::baseline::load(path).map_err(|e| e.to_string())?);
    }
    options.rules = config::rule_settings(config, &args.enable, &args.disable);
    options.list_objects = args.format == Format::Junit;
    options.full_inventory = args.format == Format::Json;
    if args.min_validity.is_some() {
        // The flag wins over the file, including the rule's own threshold.
        options.rules.expiring_min_validity = None;
    }
    Ok(options)
}

/// `terminal`: whether the stream the colours go to is a terminal.
fn use_color(choice: ColorChoice, terminal: bool) -> bool {
    match choice {
        ColorChoice::Always => true,
        ColorChoice::Never => false,
        ColorChoice::Auto => std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty()) && terminal,
    }
}

/// error, warning or note, as `.speclint.yaml` reads them.
fn severity_arg() -> impl clap::builder::TypedValueParser<Value = Severity> {
    use clap::builder::TypedValueParser;
    clap::builder::PossibleValuesParser::new(["error", "warning", "note"])
        .map(|s| config::parse_severity(&s).unwrap_or(Severity::Error))
}

/// A rule id as given on the command line: `a, b` reads as `a` and `b`.
fn rule_id(text: &str) -> Result<String, std::convert::Infallible> {
    Ok(text.trim().to_string())
}

/// `30`, `30d`, `720h`, `90m` or `3600s`, in seconds.
pub fn parse_duration(text: &str) -> Option<i64> {
    let text = text.trim();
    let (number, unit) = match text.char_indices().find(|(_, c)| !c.is_ascii_digit()) {
        Some((i, _)) => (&text[..i], &text[i..]),
        None => (text, "d"),
    };
    let value: i64 = number.parse().ok()?;
    let scale = match unit {
        "d" => 86_400,
        "h" => 3_600,
        "m" => 60,
        "s" => 1,
        _ => return None,
    };
    value.checked_mul(scale)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations() {
        assert_eq!(parse_duration("30"), Some(30 * 86_400));
        assert_eq!(parse_duration("720h"), Some(720 * 3_600));
        assert_eq!(parse_duration("90m"), Some(5_400));
        assert_eq!(parse_duration("0s"), Some(0));
        assert_eq!(parse_duration("3w"), None);
        assert_eq!(parse_duration(""), None);
    }
}
