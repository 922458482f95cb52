//! Exit statuses, as `--help` and the man page document them.

/// Nothing at the `--fail-on` level was found (or the command succeeded).
pub(crate) const EXIT_OK: i32 = 0;
/// Findings at the `--fail-on` level; `tls verify`: the API server would refuse the chain.
pub(crate) const EXIT_FINDINGS: i32 = 1;
/// A usage error, an input that cannot be read, or an invalid configuration.
pub(crate) const EXIT_USAGE: i32 = 2;

/// Says `error: {message}` on stderr and gives the usage status.
pub(crate) fn usage_error(message: impl std::fmt::Display) -> i32 {
    eprintln!("error: {message}");
    EXIT_USAGE
}

/// The status of a command whose output is `written` to `stdout`: a reader that closed the
/// pipe early (`| head`) is no failure.
pub(crate) fn after_writing(written: std::io::Result<()>, stdout: &mut dyn std::io::Write) -> i32 {
    match written.and_then(|_| stdout.flush()) {
        Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => {
            usage_error(format!("cannot write the output: {e}"))
        }
        _ => EXIT_OK,
    }
}
