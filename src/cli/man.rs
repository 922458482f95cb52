//! `speclint man`: the man page, speclint(1), in roff.

use crate::cli::args::Args;
use crate::cli::exit;
use clap::CommandFactory;
use std::io::Write;

pub(crate) fn run(stdout: &mut dyn Write) -> i32 {
    let page = clap_mangen::Man::new(Args::command());
    let written = page
        .render(stdout)
        .and_then(|()| stdout.write_all(MAN_EXTRA.as_bytes()));
    exit::after_writing(written, stdout)
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
