//! What was not checked, once per cause: the human report ends with a line per cause
//! counting the endpoints whose TLS verdict speclint could not reach, instead of a note
//! per endpoint (`-v` prints those notes too).

use super::inventory::Entry;
use crate::diagnostic::{Diagnostic, Severity};
use crate::untrusted::escape;
use std::io::{self, Write};

/// Notes that only say an endpoint's certificate cannot be judged: counted, not printed.
pub(crate) fn is_counted_instead(diagnostic: &Diagnostic) -> bool {
    diagnostic.severity == Severity::Note && diagnostic.rule == "certificate-undetermined"
}

/// Whether speclint could not reach the endpoint's TLS verdict: [`cause`] says why.
fn undetermined(entry: &Entry) -> bool {
    entry.verdict == "undetermined"
}

/// Whether [`render`] says anything of `entry`.
pub(crate) fn mentions(entry: &Entry) -> bool {
    undetermined(entry)
        || entry
            .admission
            .as_ref()
            .is_some_and(|a| a.match_conditions > 0)
}

/// Why an endpoint's verdict is undetermined, in words; None when it was checked.
pub(crate) fn cause(entry: &Entry) -> Option<String> {
    if !undetermined(entry) {
        return None;
    }
    let certificate = entry.certificate.source.as_str();
    Some(if let Some(workload) = certificate.strip_prefix("rbac:") {
        format!("their certificates are made at run time by {workload} (names unknown)")
    } else if certificate == "unknown" && entry.service.is_none() {
        "they call a URL, whose certificate is not among the inputs".to_string()
    } else if certificate == "unknown" {
        match &entry.certificate.reason {
            Some(reason) => format!("their serving certificate cannot be determined: {reason}"),
            None => "their serving certificate cannot be determined from the inputs".to_string(),
        }
    } else if entry.ca_bundle.source == "none" {
        "nothing among the inputs fills their caBundle".to_string()
    } else {
        format!("their certificate ({certificate}) cannot be judged from the inputs")
    })
}

pub(crate) fn render(
    out: &mut dyn Write,
    inventory: &[Entry],
    diagnostics: &[Diagnostic],
    verbose: bool,
) -> io::Result<()> {
    let mut causes: Vec<(String, usize)> = Vec::new();
    for cause in inventory.iter().filter_map(cause) {
        match causes.iter_mut().find(|(c, _)| *c == cause) {
            Some((_, n)) => *n += 1,
            None => causes.push((cause, 1)),
        }
    }
    let with_conditions = inventory
        .iter()
        .filter(|e| e.admission.as_ref().is_some_and(|a| a.match_conditions > 0))
        .count();
    let hidden = diagnostics.iter().filter(|d| is_counted_instead(d)).count();
    for (cause, n) in &causes {
        let endpoints = if *n == 1 { "endpoint" } else { "endpoints" };
        writeln!(out, "note: {n} {endpoints} not checked: {}", escape(cause))?;
    }
    if with_conditions > 0 {
        let webhooks = if with_conditions == 1 {
            "webhook"
        } else {
            "webhooks"
        };
        writeln!(
            out,
            "note: {with_conditions} {webhooks} not fully checked: matchConditions (CEL) are not evaluated, so the webhook-safety rules take them to match every request and report at most a warning"
        )?;
    }
    if hidden > 0 && !verbose {
        let notes = if hidden == 1 { "note" } else { "notes" };
        writeln!(out, "note: -v shows the {hidden} {notes} on them in full")?;
    }
    Ok(())
}
