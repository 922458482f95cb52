//! Documentation subcommands: `speclint rules`, `speclint explain RULE`,
//! `speclint completions SHELL` and `speclint man`.

use crate::cli::{EXIT_OK, EXIT_USAGE};
use crate::rules::{Rule, RULES};
use clap::{CommandFactory, ValueEnum};
use serde::Serialize;
use std::io::Write;

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum RulesFormat {
    Human,
    Json,
}

#[derive(Debug, clap::Args)]
pub struct RulesArgs {
    /// Output format: aligned columns, or a JSON array of {id, severity, summary}.
    #[arg(long, value_enum, default_value_t = RulesFormat::Human)]
    pub format: RulesFormat,
}

#[derive(Debug, clap::Args)]
pub struct ExplainArgs {
    /// A rule id, as `speclint rules` lists them (e.g. webhook-hostname).
    #[arg(value_name = "RULE")]
    pub rule: String,
}

#[derive(Debug, clap::Args)]
pub struct CompletionsArgs {
    /// The shell to write the completion script for.
    #[arg(value_enum)]
    pub shell: clap_complete::Shell,
}

#[derive(Serialize)]
struct RuleEntry {
    id: &'static str,
    severity: &'static str,
    summary: &'static str,
}

/// `speclint rules`.
pub fn rules(args: &RulesArgs, stdout: &mut dyn Write) -> i32 {
    finish(write_rules(args.format, stdout), stdout)
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

/// `speclint explain RULE`: the rule's Markdown documentation, as written.
pub fn explain(args: &ExplainArgs, stdout: &mut dyn Write) -> i32 {
    let Some(rule) = crate::rules::find(args.rule.trim()) else {
        eprintln!("error: unknown rule {:?}", args.rule);
        let closest = closest_ids(&args.rule, 3);
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
    finish(written, stdout)
}

/// `speclint completions SHELL`.
pub fn completions(args: &CompletionsArgs, stdout: &mut dyn Write) -> i32 {
    // Rule ids complete for --enable, --disable and `explain` (parsing does not change:
    // this command only feeds the script generator).
    let ids: Vec<&'static str> = RULES.iter().map(|r| r.id).collect();
    let with_all: Vec<&'static str> = std::iter::once("all").chain(ids.iter().copied()).collect();
    let mut command = crate::cli::Args::command()
        .mut_arg("enable", |a| {
            a.value_parser(clap::builder::PossibleValuesParser::new(with_all.clone()))
        })
        .mut_arg("disable", |a| {
            a.value_parser(clap::builder::PossibleValuesParser::new(with_all.clone()))
        })
        .mut_subcommand("explain", |s| {
            s.mut_arg("rule", |a| {
                a.value_parser(clap::builder::PossibleValuesParser::new(ids.clone()))
            })
        });
    clap_complete::generate(args.shell, &mut command, "speclint", stdout);
    finish(Ok(()), stdout)
}

/// Sections of the man page that clap does not know: exit status, files, environment.
const MAN_EXTRA: &str = r#".SH "EXIT STATUS"
.TP
\fB0\fR
No finding at the \fB\-\-fail\-on\fR level (default: no error).
.TP
\fB1\fR
At least one finding at that level.
.TP
\fB2\fR
Usage error, an input that cannot be read, or an invalid configuration.
.SH FILES
.TP
\fB.speclint.yaml\fR
Configuration, found in the working directory or the nearest parent: namespace, now,
min\-validity, fail\-on, require\-reason, exclude, enable, disable, rules (severity and
options per rule), helm. Unknown keys and bad values are errors. See \fB\-\-config\fR and
\fB\-\-no\-config\fR.
.SH SUPPRESSIONS
\fB# speclint\-ignore: RULE[, RULE] \-\- reason\fR covers the next node (or the node of the
line it ends); \fB# speclint\-ignore\-document: ...\fR covers the whole document; the
annotation \fBspeclint.io/ignore: "RULE,RULE \-\- reason"\fR covers its object.
Suppressions that suppress nothing are reported (unused\-suppression).
.SH ENVIRONMENT
.TP
\fBNO_COLOR\fR
When set and not empty, \fB\-\-color auto\fR writes no colour.
.TP
\fBCI\fR
When set (and not \fBfalse\fR or \fB0\fR), no progress is shown.
.SH "SEE ALSO"
\fBspeclint rules\fR lists every rule; \fBspeclint explain RULE\fR documents one.
"#;

/// `speclint man`: a roff man page for speclint(1).
pub fn man(stdout: &mut dyn Write) -> i32 {
    let page = clap_mangen::Man::new(crate::cli::Args::command());
    let written = page
        .render(stdout)
        .and_then(|()| stdout.write_all(MAN_EXTRA.as_bytes()));
    finish(written, stdout)
}

fn finish(written: std::io::Result<()>, stdout: &mut dyn Write) -> i32 {
    match written.and_then(|_| stdout.flush()) {
        Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => {
            eprintln!("error: cannot write the output: {e}");
            EXIT_USAGE
        }
        _ => EXIT_OK,
    }
}

/// The rule ids nearest to `wanted`: those containing it (or contained in it) first,
/// then by edit distance; at most `limit`.
pub fn closest_ids(wanted: &str, limit: usize) -> Vec<&'static str> {
    let wanted = wanted.trim().to_ascii_lowercase();
    let mut scored: Vec<(usize, &'static str)> = RULES
        .iter()
        .map(|rule: &&Rule| {
            let contains =
                !wanted.is_empty() && (rule.id.contains(&wanted) || wanted.contains(rule.id));
            let distance = edit_distance(&wanted, rule.id);
            (if contains { 0 } else { distance + 1 }, rule.id)
        })
        .collect();
    scored.sort();
    scored.into_iter().take(limit).map(|(_, id)| id).collect()
}

pub fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut previous: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut current = vec![i + 1; b.len() + 1];
        for (j, &cb) in b.iter().enumerate() {
            let substitution = previous[j] + usize::from(ca != cb);
            current[j + 1] = substitution.min(previous[j + 1] + 1).min(current[j] + 1);
        }
        previous = current;
    }
    previous[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn distances() {
        assert_eq!(edit_distance("", "abc"), 3);
        assert_eq!(edit_distance("kitten", "sitting"), 3);
        assert_eq!(edit_distance("same", "same"), 0);
    }

    #[test]
    fn closest() {
        assert_eq!(closest_ids("webhook-hostnme", 1), vec!["webhook-hostname"]);
        assert_eq!(closest_ids("hostname", 1), vec!["webhook-hostname"]);
        assert_eq!(closest_ids("x", 3).len(), 3);
    }
}
