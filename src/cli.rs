//! Command line: parses arguments, runs the pipeline, renders the report, picks the exit code.

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

    /// Namespace of objects that set none, as `helm template -n` / `kubectl apply -n` would place them.
    #[arg(short = 'n', long, default_value = "default")]
    pub namespace: String,

    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Human)]
    pub format: Format,

    /// Evaluation time, RFC 3339 (e.g. 2026-01-01T00:00:00Z), for reproducible CI; default: now.
    #[arg(long, value_name = "RFC3339")]
    pub now: Option<String>,

    /// Warn about certificates that expire sooner than this: days, or 30d, 720h, 90m, 3600s.
    #[arg(long, value_name = "DURATION", default_value = "30d")]
    pub min_validity: String,

    /// When to use colour (NO_COLOR is honoured in `auto`).
    #[arg(long, value_enum, default_value_t = ColorChoice::Auto)]
    pub color: ColorChoice,

    /// Write the report to FILE instead of standard output; a one-line summary goes to stderr.
    #[arg(short = 'o', long, value_name = "FILE")]
    pub output: Option<std::path::PathBuf>,

    /// Print nothing unless there is an error (the exit code tells); `--output` is still written.
    #[arg(short = 'q', long)]
    pub quiet: bool,

    /// After the report, print the number of findings per rule on stderr.
    #[arg(long)]
    pub statistics: bool,

    /// Suppressions (`# speclint-ignore: rule -- reason`) without a reason are errors.
    #[arg(long)]
    pub require_reason: bool,

    /// Write the findings as a baseline to FILE (after the report) and exit 0.
    #[arg(long, value_name = "FILE")]
    pub write_baseline: Option<std::path::PathBuf>,

    /// Drop findings recorded in the baseline FILE (from `--write-baseline`).
    #[arg(long, value_name = "FILE")]
    pub baseline: Option<std::path::PathBuf>,
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
    run(
        &args,
        &mut std::io::stdin().lock(),
        &mut std::io::stdout().lock(),
    )
}

pub fn run(args: &Args, stdin: &mut dyn std::io::Read, stdout: &mut dyn Write) -> i32 {
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
    let mut sources = match input::read_all(&args.paths, stdin) {
        Ok(sources) => sources,
        Err(e) => {
            eprintln!("error: {e}");
            return EXIT_USAGE;
        }
    };
    if !args.previous.is_empty() {
        match input::read_all(&args.previous, stdin) {
            Ok(previous) => sources.append_previous(previous),
            Err(e) => {
                eprintln!("error: {e}");
                return EXIT_USAGE;
            }
        }
    }
    if !args.cluster_state.is_empty() {
        match input::read_all(&args.cluster_state, stdin) {
            Ok(live) => sources.append_live(live),
            Err(e) => {
                eprintln!("error: {e}");
                return EXIT_USAGE;
            }
        }
    }
    let mut options = Options::new(args.namespace.clone());
    if let Some(now) = &args.now {
        match crate::tls::time::parse_rfc3339(now) {
            Ok(t) => options.now = t,
            Err(e) => {
                eprintln!("error: invalid --now {now:?}: {e}");
                return EXIT_USAGE;
            }
        }
    }
    match parse_duration(&args.min_validity) {
        Some(seconds) => options.min_validity = seconds,
        None => {
            eprintln!(
                "error: invalid --min-validity {:?}: use a number of days, or a number with d, h, m or s (30d, 720h)",
                args.min_validity
            );
            return EXIT_USAGE;
        }
    }
    options.require_reason = args.require_reason;
    if let Some(path) = &args.baseline {
        match crate::baseline::load(path) {
            Ok(known) => options.baseline = Some(known),
            Err(e) => {
                eprintln!("error: {e}");
                return EXIT_USAGE;
            }
        }
    }
    let outcome = pipeline::lint(&sources, &options);
    // --quiet: nothing on stdout or stderr without an error; --output is still written.
    let quiet = args.quiet && !outcome.has_errors();
    let mut file = None;
    let mut sink = std::io::sink();
    let out: &mut dyn Write = if let Some(path) = &args.output {
        match std::fs::File::create(path) {
            Ok(f) => file.insert(std::io::BufWriter::new(f)),
            Err(e) => {
                eprintln!("error: cannot write {}: {e}", path.display());
                return EXIT_USAGE;
            }
        }
    } else if quiet {
        &mut sink
    } else {
        stdout
    };
    let color =
        use_color(args.color) && (args.output.is_none() || args.color == ColorChoice::Always);
    let diags = &outcome.diagnostics;
    let written = match args.format {
        Format::Human => report::human::render(out, diags, &sources, &outcome.redactions, color),
        Format::Json => report::json::render(out, diags, &sources, &outcome.summary),
        Format::Concise => report::concise::render(out, diags, &sources),
        Format::Github => report::github::render(out, diags, &sources),
        Format::Junit => report::junit::render(out, diags, &sources),
        Format::Sarif => report::sarif::render(out, diags, &sources),
    };
    if let Err(e) = written.and_then(|_| out.flush()) {
        if e.kind() != std::io::ErrorKind::BrokenPipe {
            eprintln!("error: cannot write the report: {e}");
            return EXIT_USAGE;
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
    if let Some(path) = &args.write_baseline {
        let text = crate::baseline::render(diags, &sources);
        if let Err(e) = std::fs::write(path, text) {
            eprintln!("error: cannot write {}: {e}", path.display());
            return EXIT_USAGE;
        }
        return EXIT_OK;
    }
    if outcome.has_errors() {
        EXIT_FINDINGS
    } else {
        EXIT_OK
    }
}

fn use_color(choice: ColorChoice) -> bool {
    match choice {
        ColorChoice::Always => true,
        ColorChoice::Never => false,
        ColorChoice::Auto => {
            std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
                && std::io::stdout().is_terminal()
        }
    }
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
