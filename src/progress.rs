//! Progress on stderr for large inputs, on a terminal only: never in a pipe, a file or CI.

use std::io::Write;
use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;

/// Inputs smaller than this finish before progress would be worth reading.
pub const MIN_INPUT_BYTES: u64 = 4 * 1024 * 1024;

const TICK: Duration = Duration::from_millis(100);

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Unit {
    Bytes,
    Count,
}

/// The pipeline's stages, in order, as progress names them.
const STAGES: &[(&str, Unit)] = &[
    ("parsing", Unit::Bytes),
    ("reading objects", Unit::Count),
    ("verifying certificates", Unit::Count),
    ("checking rules", Unit::Count),
];

pub(crate) const PARSING: usize = 0;
pub(crate) const MODELLING: usize = 1;
pub(crate) const VERIFYING: usize = 2;
pub(crate) const CHECKING: usize = 3;

/// Names of the stages in `--timings`.
const TIMED_STAGES: [&str; 4] = ["parse", "model", "resolve", "rules"];

/// Counters the pipeline advances from any thread.
#[derive(Default)]
pub struct Progress {
    stage: AtomicUsize,
    /// No line is drawn before the first stage knows its total.
    started: AtomicBool,
    done: AtomicU64,
    total: AtomicU64,
    /// `--timings`: each stage start is marked there too.
    timings: Option<Arc<crate::timings::Timings>>,
}

impl Progress {
    pub(crate) fn timed(timings: Arc<crate::timings::Timings>) -> Progress {
        Progress {
            timings: Some(timings),
            ..Progress::default()
        }
    }

    pub(crate) fn start_stage(&self, stage: usize, total: u64) {
        if let Some(timings) = &self.timings {
            timings.stage(TIMED_STAGES[stage.min(TIMED_STAGES.len() - 1)]);
        }
        self.done.store(0, Ordering::Relaxed);
        self.total.store(total, Ordering::Relaxed);
        self.stage.store(stage, Ordering::Relaxed);
        self.started.store(true, Ordering::Release);
    }

    /// Starts a stage of `--timings` only, inside the progress stage running.
    pub(crate) fn time_stage(&self, name: &'static str) {
        if let Some(timings) = &self.timings {
            timings.stage(name);
        }
    }

    pub(crate) fn advance(&self, amount: u64) {
        self.done.fetch_add(amount, Ordering::Relaxed);
    }

    fn line(&self) -> String {
        let stage = self.stage.load(Ordering::Relaxed).min(STAGES.len() - 1);
        let done = self.done.load(Ordering::Relaxed);
        let total = self.total.load(Ordering::Relaxed);
        line(stage, done, total)
    }
}

fn line(stage: usize, done: u64, total: u64) -> String {
    let (name, unit) = STAGES[stage];
    let done = done.min(total);
    match unit {
        Unit::Bytes => format!(
            "speclint: {name} {:.1} / {:.1} MB",
            done as f64 / 1e6,
            total as f64 / 1e6
        ),
        Unit::Count if total == 0 => format!("speclint: {name}"),
        Unit::Count => format!("speclint: {name} {done} / {total}"),
    }
}

/// Whether to show progress: stderr is a terminal, not `--quiet`, not in CI (`CI` set, as
/// GitHub Actions, GitLab CI and most others set it), not a dumb terminal, and a large input.
pub(crate) fn wanted(
    stderr_is_terminal: bool,
    quiet: bool,
    ci: Option<&str>,
    term: Option<&str>,
    input_bytes: u64,
) -> bool {
    stderr_is_terminal
        && !quiet
        && ci.is_none_or(|v| v.is_empty() || v == "false" || v == "0")
        && term != Some("dumb")
        && input_bytes >= MIN_INPUT_BYTES
}

/// Redraws the progress line on stderr until dropped, then erases it.
pub(crate) struct Ticker {
    progress: Arc<Progress>,
    stop: Arc<AtomicBool>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl Ticker {
    pub(crate) fn start(progress: Progress) -> Ticker {
        let progress = Arc::new(progress);
        let stop = Arc::new(AtomicBool::new(false));
        let thread = {
            let progress = Arc::clone(&progress);
            let stop = Arc::clone(&stop);
            std::thread::Builder::new()
                .name("progress".into())
                .spawn(move || {
                    while !stop.load(Ordering::Relaxed) {
                        if !progress.started.load(Ordering::Acquire) {
                            std::thread::park_timeout(TICK / 10);
                            continue;
                        }
                        let _ = write!(std::io::stderr().lock(), "\r\x1b[2K{}", progress.line());
                        std::thread::park_timeout(TICK);
                    }
                })
                .ok()
        };
        Ticker {
            progress,
            stop,
            thread,
        }
    }

    pub(crate) fn progress(&self) -> &Progress {
        &self.progress
    }
}

impl Drop for Ticker {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
        if let Some(thread) = self.thread.take() {
            thread.thread().unpark();
            let _ = thread.join();
            let _ = write!(std::io::stderr().lock(), "\r\x1b[2K");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_a_terminal_outside_ci_with_a_large_input() {
        let big = MIN_INPUT_BYTES;
        assert!(wanted(true, false, None, Some("xterm"), big));
        assert!(wanted(true, false, Some("false"), None, big));
        assert!(!wanted(false, false, None, None, big), "a pipe or a file");
        assert!(!wanted(true, true, None, None, big), "--quiet");
        assert!(!wanted(true, false, Some("true"), None, big), "CI");
        assert!(!wanted(true, false, Some("1"), None, big), "CI");
        assert!(!wanted(true, false, None, Some("dumb"), big));
        assert!(!wanted(true, false, None, None, big - 1), "small input");
    }

    #[test]
    fn lines() {
        assert_eq!(
            line(PARSING, 12_345_678, 55_700_000),
            "speclint: parsing 12.3 / 55.7 MB"
        );
        assert_eq!(
            line(VERIFYING, 412, 1000),
            "speclint: verifying certificates 412 / 1000"
        );
        assert_eq!(line(CHECKING, 0, 0), "speclint: checking rules");
        assert_eq!(line(PARSING, 9, 5), "speclint: parsing 0.0 / 0.0 MB");
    }
}
