//! `speclint schema [report|rules|inspect]`: the JSON Schema of a JSON output, as committed
//! under `schemas/` (tests check both against real outputs).

use crate::cli::args::{SchemaArgs, SchemaOf};
use crate::cli::exit;
use std::io::Write;

const REPORT: &str = include_str!("../../schemas/report-v1.schema.json");
const RULES: &str = include_str!("../../schemas/rules-v1.schema.json");
const INSPECT: &str = include_str!("../../schemas/inspect-v1.schema.json");

pub(crate) fn run(args: &SchemaArgs, stdout: &mut dyn Write) -> i32 {
    let schema = match args.output {
        SchemaOf::Report => REPORT,
        SchemaOf::Rules => RULES,
        SchemaOf::Inspect => INSPECT,
    };
    exit::after_writing(stdout.write_all(schema.as_bytes()), stdout)
}
