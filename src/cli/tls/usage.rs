//! What the `tls` commands say besides their output: a usage or I/O problem (exit 2), and
//! notes on stderr.

use crate::untrusted::escape;
use std::io::Write;

/// A usage or I/O problem: exit 2 with the message on stderr.
pub(crate) struct Usage(pub(crate) String);

impl From<String> for Usage {
    fn from(message: String) -> Self {
        Usage(message)
    }
}

pub(crate) type CliResult<T> = Result<T, Usage>;

/// `note: ...` on stderr, the input's text escaped.
pub(crate) fn note(message: &str) {
    eprintln!("note: {}", escape(message));
}

/// The command's output; a reader that closed the pipe early (`| head`) is no failure.
pub(crate) fn write_output(stdout: &mut dyn Write, text: &str) -> CliResult<()> {
    match stdout
        .write_all(text.as_bytes())
        .and_then(|()| stdout.flush())
    {
        Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => {
            Err(Usage(format!("cannot write the output: {e}")))
        }
        _ => Ok(()),
    }
}
