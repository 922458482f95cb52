//! `speclint tls inspect`: every certificate, private key and caBundle in the input,
//! described.

mod human;
mod inventory;
mod report;

use crate::cli::args::{InspectArgs, InspectFormat};
use crate::cli::exit::EXIT_OK;
use crate::cli::tls::input::{evaluation_time, manifest_documents, read_input};
use crate::cli::tls::usage::{write_output, CliResult};
use inventory::Inventory;
use std::io::{Read, Write};

pub(crate) fn run(
    args: &InspectArgs,
    stdin: &mut dyn Read,
    stdout: &mut dyn Write,
) -> CliResult<i32> {
    let now = evaluation_time(&args.now)?;
    let input = read_input(&args.input, stdin)?;
    let mut inventory = Inventory::default();
    match manifest_documents(&input) {
        Some(documents) => inventory.add_manifest(&input, &documents),
        None => inventory.add_raw(&input),
    }
    let report = report::build_report(&inventory, now);
    let text = match args.format {
        InspectFormat::Json => {
            let mut text = crate::untrusted::json_string(&report, true);
            text.push('\n');
            text
        }
        InspectFormat::Human => human::render(&report),
    };
    write_output(stdout, &text)?;
    Ok(EXIT_OK)
}
