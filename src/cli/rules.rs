//! `speclint rules`: every rule's id, default severity and summary.

use crate::cli::args::{RulesArgs, RulesFormat};
use crate::cli::exit;
use crate::rules::RULES;
use serde::Serialize;
use std::io::Write;

/// One element of `--format json`, as schemas/rules-v1.schema.json describes it.
#[derive(Serialize)]
struct RuleEntry {
    id: &'static str,
    severity: &'static str,
    summary: &'static str,
}

pub(crate) fn run(args: &RulesArgs, stdout: &mut dyn Write) -> i32 {
    exit::after_writing(write_rules(args.format, stdout), stdout)
}

fn write_rules(format: RulesFormat, out: &mut dyn Write) -> std::io::Result<()> {
    match format {
        RulesFormat::Human => {
            let id_width = RULES.iter().map(|r| r.id.len()).max().unwrap_or(0);
            let severity_width = RULES
                .iter()
                .map(|r| r.severity.as_str().len())
                .max()
                .unwrap_or(0);
            for rule in RULES {
                writeln!(
                    out,
                    "{:id_width$}  {:severity_width$}  {}",
                    rule.id,
                    rule.severity.as_str(),
                    rule.summary()
                )?;
            }
            Ok(())
        }
        RulesFormat::Json => {
            let entries: Vec<RuleEntry> = RULES
                .iter()
                .map(|r| RuleEntry {
                    id: r.id,
                    severity: r.severity.as_str(),
                    summary: r.summary(),
                })
                .collect();
            serde_json::to_writer_pretty(&mut *out, &entries)?;
            writeln!(out)
        }
    }
}
