//! `--timings`: the wall and CPU time of each stage and the peak memory, printed on stderr
//! for users who want to know where their CI minute goes.

use std::sync::Mutex;
use std::time::{Duration, Instant};

/// Stage marks, taken from any thread.
#[derive(Debug, Default)]
pub(crate) struct Timings {
    inner: Mutex<Marks>,
}

#[derive(Debug, Default)]
struct Marks {
    /// The stage running: its name, when it began, and the process' CPU time then.
    current: Option<(&'static str, Instant, Option<Duration>)>,
    /// Finished stages: name, wall time, CPU time and resident memory at the end (None
    /// where the platform does not say).
    done: Vec<(&'static str, Duration, Option<Duration>, Option<u64>)>,
}

impl Timings {
    /// Ends the running stage, if any, and starts `name`.
    pub(crate) fn stage(&self, name: &'static str) {
        let now = (Instant::now(), cpu_time());
        let mut marks = self.inner.lock().unwrap_or_else(|e| e.into_inner());
        marks.close(now);
        marks.current = Some((name, now.0, now.1));
    }

    /// Ends the running stage and renders every stage, the total and the peak memory.
    pub(crate) fn finish(&self) -> String {
        let now = (Instant::now(), cpu_time());
        let mut marks = self.inner.lock().unwrap_or_else(|e| e.into_inner());
        marks.close(now);
        let mut out =
            String::from("timings: stage                wall       CPU   resident after\n");
        let mut wall_total = Duration::ZERO;
        let mut cpu_total = Some(Duration::ZERO);
        for (name, wall, cpu, resident) in &marks.done {
            wall_total += *wall;
            cpu_total = cpu_total.zip(*cpu).map(|(a, b)| a + b);
            out.push_str(&format!(
                "timings: {name:<14} {} {} {}\n",
                seconds(Some(*wall)),
                seconds(*cpu),
                megabytes(*resident)
            ));
        }
        out.push_str(&format!(
            "timings: {:<14} {} {}\n",
            "total",
            seconds(Some(wall_total)),
            seconds(cpu_total)
        ));
        out.push_str(&match peak_memory() {
            Some(bytes) => format!("timings: peak memory {:.1} MB\n", bytes as f64 / 1e6),
            None => "timings: peak memory not known on this platform\n".to_string(),
        });
        out
    }
}

impl Marks {
    fn close(&mut self, (now, cpu): (Instant, Option<Duration>)) {
        if let Some((name, started, cpu_started)) = self.current.take() {
            let cpu = cpu
                .zip(cpu_started)
                .map(|(end, start)| end.saturating_sub(start));
            self.done.push((
                name,
                now.saturating_duration_since(started),
                cpu,
                memory("VmRSS:"),
            ));
        }
    }
}

/// `  0.123 s`, or `      —` when unknown.
fn seconds(duration: Option<Duration>) -> String {
    match duration {
        Some(d) => format!("{:>7.3} s", d.as_secs_f64()),
        None => format!("{:>9}", "—"),
    }
}

/// User and system time of the whole process, all threads (Linux: /proc/self/stat fields
/// 14 and 15, in clock ticks of 1/100 s, the USER_HZ every Linux architecture exports).
fn cpu_time() -> Option<Duration> {
    let stat = std::fs::read_to_string("/proc/self/stat").ok()?;
    // The command name (field 2) may hold spaces; fields after its closing parenthesis.
    let after = &stat[stat.rfind(')')? + 1..];
    let fields: Vec<&str> = after.split_whitespace().collect();
    // `after` starts at field 3 (state): utime is field 14, stime field 15.
    let ticks: u64 = fields.get(11)?.parse::<u64>().ok()? + fields.get(12)?.parse::<u64>().ok()?;
    Some(Duration::from_millis(ticks * 10))
}

/// `  123.4 MB`, or `—` when unknown.
fn megabytes(bytes: Option<u64>) -> String {
    match bytes {
        Some(b) => format!("{:>8.1} MB", b as f64 / 1e6),
        None => format!("{:>11}", "—"),
    }
}

/// The peak resident set size (Linux: VmHWM of /proc/self/status).
fn peak_memory() -> Option<u64> {
    memory("VmHWM:")
}

/// A size line of /proc/self/status (Linux), in bytes.
fn memory(field: &str) -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with(field))?;
    let kilobytes: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kilobytes * 1024)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_stage_is_listed_with_the_total() {
        let timings = Timings::default();
        timings.stage("read");
        timings.stage("parse");
        let text = timings.finish();
        let stages: Vec<&str> = text
            .lines()
            .filter_map(|l| l.split_whitespace().nth(1))
            .collect();
        assert_eq!(stages, vec!["stage", "read", "parse", "total", "peak"]);
        if cfg!(target_os = "linux") {
            assert!(cpu_time().is_some() && peak_memory().is_some_and(|b| b > 0));
        }
    }
}
