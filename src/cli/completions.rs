//! `speclint completions SHELL`: a shell completion script.

use crate::cli::args::{Args, CompletionsArgs};
use crate::cli::exit;
use crate::rules::RULES;
use clap::builder::PossibleValuesParser;
use clap::CommandFactory;
use std::io::Write;

pub(crate) fn run(args: &CompletionsArgs, stdout: &mut dyn Write) -> i32 {
    // Rule ids complete for --enable, --disable and `explain` (parsing does not change:
    // this command only feeds the script generator).
    let ids: Vec<&'static str> = RULES.iter().map(|r| r.id).collect();
    let with_all: Vec<&'static str> = std::iter::once("all").chain(ids.iter().copied()).collect();
    let mut command = Args::command()
        .mut_arg("enable", |a| {
            a.value_parser(PossibleValuesParser::new(with_all.clone()))
        })
        .mut_arg("disable", |a| {
            a.value_parser(PossibleValuesParser::new(with_all.clone()))
        })
        .mut_subcommand("explain", |s| {
            s.mut_arg("rule", |a| {
                a.value_parser(PossibleValuesParser::new(ids.clone()))
            })
        });
    clap_complete::generate(args.shell, &mut command, "speclint", stdout);
    exit::after_writing(Ok(()), stdout)
}
