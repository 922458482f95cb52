//! The command line's arguments: every flag, subcommand and help text, as clap parses them.

use crate::config;
use crate::diagnostic::Severity;
use crate::input;
use clap::{Parser, Subcommand, ValueEnum};

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub(crate) enum Format {
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
    /// Markdown: a summary, a table of findings and their help, for pull-request comments
    /// and `$GITHUB_STEP_SUMMARY` (a clean run prints a ✅ line).
    Markdown,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub(crate) enum ColorChoice {
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
pub(crate) struct Args {
    #[command(subcommand)]
    pub(crate) command: Option<Command>,

    #[command(flatten)]
    pub(crate) check: CheckArgs,

    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Human)]
    pub(crate) format: Format,

    /// Exit 1 when a finding is at this severity or above [default: error].
    #[arg(long, value_name = "SEVERITY", value_parser = severity_arg())]
    pub(crate) fail_on: Option<Severity>,

    /// When to use colour (NO_COLOR is honoured in `auto`).
    #[arg(long, value_enum, default_value_t = ColorChoice::Auto)]
    pub(crate) color: ColorChoice,

    /// Write the report to FILE instead of standard output; a one-line summary goes to stderr.
    #[arg(short = 'o', long, value_name = "FILE")]
    pub(crate) output: Option<std::path::PathBuf>,

    /// Print nothing unless there is an error (the exit code tells); `--output` is still written.
    #[arg(short = 'q', long)]
    pub(crate) quiet: bool,

    /// Human format: print every note in full, including the endpoints not checked (by
    /// default these are counted, by cause, at the end).
    #[arg(short = 'v', long)]
    pub(crate) verbose: bool,

    /// After the report, print the number of findings per rule on stderr.
    #[arg(long)]
    pub(crate) statistics: bool,

    /// After the report, print on stderr the wall and CPU time of each stage (read, parse,
    /// model, resolve and verify, rules, report) and the peak memory.
    #[arg(long)]
    pub(crate) timings: bool,

    /// Write the findings as a baseline to FILE (after the report) and exit 0.
    #[arg(long, value_name = "FILE")]
    pub(crate) write_baseline: Option<std::path::PathBuf>,
}

/// What is checked, and how: shared by the lint command and `speclint graph`.
#[derive(Debug, clap::Args)]
pub(crate) struct CheckArgs {
    /// Files, directories (walked for *.yaml, *.yml, *.json) or quoted glob patterns; `-` is stdin.
    #[arg(value_name = "PATH")]
    pub(crate) paths: Vec<String>,

    /// Live cluster state (`kubectl get ... -o yaml`), linted with the other inputs; repeatable.
    /// Objects with server-set fields (uid, resourceVersion, ...) are recognised as live anyway.
    #[arg(long = "cluster-state", value_name = "PATH")]
    pub(crate) cluster_state: Vec<String>,

    /// The previous release's render (the same chart at the old version), to predict the
    /// upgrade trap: a Secret that carries over with names for a Service that was renamed.
    #[arg(long, value_name = "PATH")]
    pub(crate) previous: Vec<String>,

    /// Namespace of objects that set none, as `helm template -n` / `kubectl apply -n` would
    /// place them [default: default].
    #[arg(short = 'n', long)]
    pub(crate) namespace: Option<String>,

    /// Evaluation time, RFC 3339 (e.g. 2026-01-01T00:00:00Z, or with a fraction of a second:
    /// Go compares to the nanosecond), for reproducible CI; default: now.
    #[arg(long, value_name = "RFC3339")]
    pub(crate) now: Option<String>,

    /// Warn about certificates that expire sooner than this: days, or 30d, 720h, 90m, 3600s
    /// [default: 30d].
    #[arg(long, value_name = "DURATION")]
    pub(crate) min_validity: Option<String>,

    /// The Kubernetes release whose API server is predicted, as 1.N (1.26 to 1.37): its Go
    /// decides every TLS verdict, messages included [default: the newest stable, 1.37].
    #[arg(long, value_name = "1.N")]
    pub(crate) kube_version: Option<String>,

    /// Releases a verdict must hold across, as 1.A..1.B: an endpoint the API servers of
    /// the range judge differently is reported (version-dependent-verdict); verdicts are
    /// the newest's unless --kube-version says [default: every supported release, unless
    /// --kube-version pins one].
    #[arg(long, value_name = "1.A..1.B")]
    pub(crate) kube_versions: Option<String>,

    /// Run these rules (ids, comma-separated, or `all`), even if the configuration disables them.
    #[arg(long, value_name = "RULE", value_delimiter = ',', value_parser = rule_id)]
    pub(crate) enable: Vec<String>,

    /// Do not run these rules (ids, comma-separated, or `all`); `--enable` wins over it.
    #[arg(long, value_name = "RULE", value_delimiter = ',', value_parser = rule_id)]
    pub(crate) disable: Vec<String>,

    /// Leave out paths matching this glob (gitignore-style, relative to the working directory);
    /// repeatable, added to the configuration's `exclude`.
    #[arg(long, value_name = "GLOB")]
    pub(crate) exclude: Vec<String>,

    /// Render Helm charts among the inputs (directories with a Chart.yaml) with `helm template`
    /// and lint the output; without it, their templates are skipped.
    #[arg(long)]
    pub(crate) helm: bool,

    /// Release name for `helm template` [default: release-name].
    #[arg(long, value_name = "NAME")]
    pub(crate) helm_release: Option<String>,

    /// One more argument for `helm template`, e.g. `--helm-arg=--values=prod.yaml`; repeatable.
    #[arg(long, value_name = "ARG", allow_hyphen_values = true)]
    pub(crate) helm_arg: Vec<String>,

    /// Standard input is `helm template`'s render of the chart in DIR (`helm template x DIR |
    /// speclint --stdin-chart DIR`): it is named `<helm template DIR>`, and the github and sarif
    /// formats place its findings on the chart's template files, as with --helm.
    #[arg(long, value_name = "DIR")]
    pub(crate) stdin_chart: Option<std::path::PathBuf>,

    /// Read the configuration from FILE instead of the nearest .speclint.yaml.
    #[arg(long, value_name = "FILE", conflicts_with = "no_config")]
    pub(crate) config: Option<std::path::PathBuf>,

    /// Ignore any .speclint.yaml.
    #[arg(long)]
    pub(crate) no_config: bool,

    /// Suppressions (`# speclint-ignore: rule -- reason`) without a reason are errors.
    #[arg(long)]
    pub(crate) require_reason: bool,

    /// Drop findings recorded in the baseline FILE (from `--write-baseline`).
    #[arg(long, value_name = "FILE")]
    pub(crate) baseline: Option<std::path::PathBuf>,

    /// Refuse (exit 2) an input larger than SIZE, and inputs larger than SIZE together:
    /// bytes, or with K, M, G (KiB, MiB, GiB) or KB, MB, GB; at most 4 GiB - 1 byte
    /// (4294967295) [default: 512MiB].
    #[arg(long, value_name = "SIZE", value_parser = input::parse_size)]
    pub(crate) max_input_size: Option<u64>,

    /// Exit 2 when an input holds no manifest (an empty directory, everything excluded, no
    /// Kubernetes object), instead of warning.
    #[arg(long)]
    pub(crate) fail_on_empty: bool,
}

#[derive(Debug, Subcommand)]
pub(crate) enum Command {
    /// Draw each endpoint's trust chain as Mermaid, Graphviz DOT or SVG.
    ///
    /// Configuration → Service:port → pods → Secret → certificate → CA, who makes the
    /// certificate and who fills the caBundle. Failing steps are red with the rule and Go's
    /// verdict, undetermined ones dashed; endpoints that share an object share its node.
    /// Exit status: 1 when a drawn endpoint's call fails, as the lint command's.
    Graph(Box<GraphArgs>),
    /// Certificate tools for debugging by hand: `tls verify`, `tls inspect`.
    #[command(subcommand)]
    Tls(TlsCommand),
    /// List every rule: id, default severity and summary.
    Rules(RulesArgs),
    /// Print a rule's documentation (rules/RULE.md).
    Explain(ExplainArgs),
    /// Write a shell completion script to standard output.
    Completions(CompletionsArgs),
    /// Write the man page (roff) to standard output.
    Man,
    /// Print the JSON Schema of a JSON output: the report, `rules` or `tls inspect`.
    Schema(SchemaArgs),
}

// `speclint graph`.

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub(crate) enum GraphFormat {
    /// A Mermaid flowchart (renders in GitHub and GitLab Markdown).
    Mermaid,
    /// Graphviz DOT (`dot -Tsvg`, `dot -Tpng`).
    Dot,
    /// SVG, laid out by speclint itself.
    Svg,
}

#[derive(Debug, clap::Args)]
pub(crate) struct GraphArgs {
    #[command(flatten)]
    pub(crate) check: CheckArgs,

    /// Drawing format.
    #[arg(long, value_enum, default_value_t = GraphFormat::Mermaid)]
    pub(crate) format: GraphFormat,

    /// Draw only the endpoints whose webhook name, object name or Kind/name matches NAME
    /// or a glob (`*.example.com`); repeatable.
    #[arg(long, value_name = "NAME|GLOB")]
    pub(crate) only: Vec<String>,

    /// Draw only the endpoints whose call fails (an error on their chain).
    #[arg(long)]
    pub(crate) failing: bool,

    /// Write the drawing to FILE instead of standard output.
    #[arg(short = 'o', long, value_name = "FILE")]
    pub(crate) output: Option<std::path::PathBuf>,
}

// `speclint rules`, `explain`, `completions`.

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub(crate) enum RulesFormat {
    Human,
    Json,
}

#[derive(Debug, clap::Args)]
pub(crate) struct RulesArgs {
    /// Output format: aligned columns, or a JSON array of {id, severity, summary}.
    #[arg(long, value_enum, default_value_t = RulesFormat::Human)]
    pub(crate) format: RulesFormat,
}

#[derive(Debug, clap::Args)]
pub(crate) struct ExplainArgs {
    /// A rule id, as `speclint rules` lists them (e.g. webhook-hostname).
    #[arg(value_name = "RULE")]
    pub(crate) rule: String,
}

#[derive(Debug, clap::Args)]
pub(crate) struct CompletionsArgs {
    /// The shell to write the completion script for.
    #[arg(value_enum)]
    pub(crate) shell: clap_complete::Shell,
}

// `speclint tls verify`, `tls inspect`.

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub(crate) enum InspectFormat {
    Human,
    Json,
}

#[derive(Debug, Subcommand)]
pub(crate) enum TlsCommand {
    /// Verify a serving chain as kube-apiserver would: prints `ok` or Go's exact error (exit 0 or 1).
    Verify(VerifyArgs),
    /// Describe every certificate and key found in PEM, base64 or a manifest.
    Inspect(InspectArgs),
}

#[derive(Debug, clap::Args)]
#[command(
    after_help = "CHAIN is PEM (every CERTIFICATE block is sent, leaf first) or a manifest holding a Secret \
with `tls.crt`, `cert` or `server-cert.pem`. The caBundle is PEM or a ValidatingWebhookConfiguration, \
MutatingWebhookConfiguration, CustomResourceDefinition or APIService; an empty caBundle means the API \
server's own trust store.\n\
Exit status: 0 ok, 1 the API server would refuse the chain, 2 usage or I/O failure."
)]
pub(crate) struct VerifyArgs {
    /// The caBundle: PEM, or a manifest (webhook configuration, CRD, APIService) to take it from.
    #[arg(long, value_name = "FILE")]
    pub(crate) ca_bundle: String,
    /// The name the API server dials, e.g. `my-svc.my-ns.svc`.
    #[arg(long, value_name = "NAME")]
    pub(crate) server_name: String,
    /// Evaluation time, RFC 3339, a fraction of a second included (default: now).
    #[arg(long, value_name = "RFC3339")]
    pub(crate) now: Option<String>,
    /// The Kubernetes release whose API server judges, as 1.N: its Go decides, messages
    /// included [default: the newest stable release, 1.37]
    #[arg(long, value_name = "1.N")]
    pub(crate) kube_version: Option<String>,
    /// The serving chain: PEM (leaf first), or a Secret manifest to take it from; `-` is stdin.
    #[arg(value_name = "CHAIN")]
    pub(crate) chain: String,
}

#[derive(Debug, clap::Args)]
#[command(
    after_help = "Fingerprints are SHA-256 of the DER, upper-case hex with colons, as \
`openssl x509 -fingerprint -sha256` prints them. Private keys are described, never shown."
)]
pub(crate) struct InspectArgs {
    /// PEM, base64 of PEM, or a manifest; `-` is stdin.
    #[arg(value_name = "FILE")]
    pub(crate) input: String,
    #[arg(long, value_enum, default_value_t = InspectFormat::Human)]
    pub(crate) format: InspectFormat,
    /// Evaluation time for "days left", RFC 3339 (default: now).
    #[arg(long, value_name = "RFC3339")]
    pub(crate) now: Option<String>,
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

// `speclint schema`.

/// Which JSON output a schema describes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub(crate) enum SchemaOf {
    /// `speclint --format json`.
    Report,
    /// `speclint rules --format json`.
    Rules,
    /// `speclint tls inspect --format json`.
    Inspect,
}

#[derive(Debug, clap::Args)]
pub(crate) struct SchemaArgs {
    /// The output whose schema (JSON Schema 2020-12) to print.
    #[arg(value_enum, default_value_t = SchemaOf::Report)]
    pub(crate) output: SchemaOf,
}
