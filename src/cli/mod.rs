//! The command line: `speclint [PATH]...` lints; the subcommands document the rules and
//! check certificates by hand. Each command is a module of its own; this one parses the
//! arguments and dispatches.

mod args;
mod completions;
mod exit;
mod explain;
mod graph;
mod lint;
mod man;
mod rules;
mod schema;
mod settings;
mod tls;

pub(crate) use args::Args;
pub(crate) use exit::{EXIT_OK, EXIT_USAGE};

use args::Command;
use clap::{CommandFactory, Parser};
use std::io::{IsTerminal, Read, Write};

/// The `speclint` program: its exit status.
pub fn main() -> i32 {
    let args = match Args::try_parse() {
        Ok(args) => args,
        Err(e) => {
            let _ = e.print();
            return if e.use_stderr() { EXIT_USAGE } else { EXIT_OK };
        }
    };
    let no_paths = match &args.command {
        None => args.check.paths.is_empty(),
        Some(Command::Graph(graph)) => graph.check.paths.is_empty(),
        Some(_) => false,
    };
    if no_paths && std::io::stdin().is_terminal() {
        // Nothing is piped in: waiting for typed YAML is never what was meant. Said as clap
        // says a missing argument.
        let usage = Args::command().render_usage();
        eprintln!("error: no PATH given, and standard input is a terminal: name files or directories, or pipe manifests in (`-` reads the terminal)\n\n{usage}\n\nFor more information, try '--help'.");
        return EXIT_USAGE;
    }
    dispatch(
        &args,
        &mut std::io::stdin().lock(),
        &mut std::io::stdout().lock(),
    )
}

fn dispatch(args: &Args, stdin: &mut dyn Read, stdout: &mut dyn Write) -> i32 {
    match &args.command {
        None => lint::run(args, stdin, stdout),
        Some(Command::Graph(graph_args)) => graph::run(graph_args, stdin, stdout),
        Some(Command::Tls(command)) => tls::run(command, stdin, stdout),
        Some(Command::Rules(rules_args)) => rules::run(rules_args, stdout),
        Some(Command::Explain(explain_args)) => explain::run(explain_args, stdout),
        Some(Command::Completions(completions_args)) => completions::run(completions_args, stdout),
        Some(Command::Man) => man::run(stdout),
        Some(Command::Schema(schema_args)) => schema::run(schema_args, stdout),
    }
}
