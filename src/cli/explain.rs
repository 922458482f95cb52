//! `speclint explain RULE`: the rule's Markdown documentation (rules/RULE.md), as written.

use crate::cli::args::ExplainArgs;
use crate::cli::exit::{self, EXIT_USAGE};
use std::io::Write;

pub(crate) fn run(args: &ExplainArgs, stdout: &mut dyn Write) -> i32 {
    let Some(rule) = crate::rules::find(args.rule.trim()) else {
        eprintln!("error: unknown rule {:?}", args.rule);
        let closest = crate::suggest::closest_rule_ids(&args.rule, 3);
        if !closest.is_empty() {
            eprintln!("  closest: {}", closest.join(", "));
        }
        eprintln!("  `speclint rules` lists every rule");
        return EXIT_USAGE;
    };
    let doc = rule.doc;
    let written = stdout.write_all(doc.as_bytes()).and_then(|_| {
        if doc.ends_with('\n') {
            Ok(())
        } else {
            writeln!(stdout)
        }
    });
    exit::after_writing(written, stdout)
}
