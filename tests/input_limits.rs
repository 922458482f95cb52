//! Inputs that could hang or exhaust the machine, and runs that checked nothing: the binary
//! on `/dev/zero`, endless pipes, FIFOs, empty directories, UTF-16 files and a terminal.

use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

mod common;

const BIN: &str = env!("CARGO_BIN_EXE_speclint");
const NOW: &str = "2026-11-27T00:00:00Z";
/// Far longer than any of these runs takes; a run past it is taken for a hang.
const HANG: Duration = Duration::from_secs(20);

struct Run {
    code: i32,
    stdout: String,
    stderr: String,
    took: Duration,
}

fn command(dir: &Path, args: &[&str]) -> Command {
    let mut command = Command::new(BIN);
    command
        .args(["--no-config", "--now", NOW, "--color", "never"])
        .args(args)
        .current_dir(dir)
        .env_remove("NO_COLOR")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    command
}

/// Waits for `child`, killing it and failing the test if it runs past [`HANG`].
fn finish(mut child: Child, started: Instant) -> Run {
    // Drained on threads, so a chatty child cannot block on a full pipe.
    let drain = |pipe: Option<Box<dyn Read + Send>>| {
        std::thread::spawn(move || {
            let mut text = Vec::new();
            if let Some(mut pipe) = pipe {
                let _ = pipe.read_to_end(&mut text);
            }
            String::from_utf8(text).expect("UTF-8 output")
        })
    };
    let stdout = drain(child.stdout.take().map(|p| Box::new(p) as _));
    let stderr = drain(child.stderr.take().map(|p| Box::new(p) as _));
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        if started.elapsed() > HANG {
            let _ = child.kill();
            let _ = child.wait();
            panic!("speclint still ran after {HANG:?}: it hangs");
        }
        std::thread::sleep(Duration::from_millis(5));
    };
    let took = started.elapsed();
    Run {
        code: status.code().unwrap_or(-1),
        stdout: stdout.join().unwrap(),
        stderr: stderr.join().unwrap(),
        took,
    }
}

fn speclint(dir: &Path, args: &[&str]) -> Run {
    let started = Instant::now();
    finish(command(dir, args).spawn().unwrap(), started)
}

/// speclint with `stdin` piped in from a thread (so an early exit shows as a broken pipe).
fn speclint_stdin(dir: &Path, args: &[&str], stdin: impl Read + Send + 'static) -> Run {
    let started = Instant::now();
    let mut child = command(dir, args).stdin(Stdio::piped()).spawn().unwrap();
    let mut pipe = child.stdin.take().unwrap();
    let mut stdin = stdin;
    std::thread::spawn(move || std::io::copy(&mut stdin, &mut pipe));
    finish(child, started)
}

fn mkfifo(path: &Path) {
    let status = Command::new("mkfifo")
        .arg(path)
        .status()
        .expect("mkfifo runs");
    assert!(status.success(), "mkfifo {}", path.display());
}

fn input_fixture(name: &str) -> PathBuf {
    common::testdata().join("input").join(name)
}

const MANIFEST: &str =
    "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: settings\n  namespace: default\n";

// --- Bounded input -------------------------------------------------------------------------

#[test]
fn dev_zero_is_refused_at_the_limit_at_once() {
    let dir = tempfile::tempdir().unwrap();
    let run = speclint(dir.path(), &["--max-input-size", "1MiB", "/dev/zero"]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert_eq!(
        run.stderr,
        "error: /dev/zero is larger than the input size limit of 1 MiB (--max-input-size); nothing was checked\n"
    );
    assert_eq!(run.stdout, "");
    assert!(run.took < Duration::from_secs(1), "took {:?}", run.took);
}

#[test]
fn an_endless_pipe_is_refused_at_the_limit() {
    let dir = tempfile::tempdir().unwrap();
    let run = speclint_stdin(
        dir.path(),
        &["--max-input-size", "2M"],
        std::io::repeat(b'y'),
    );
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(
        run.stderr
            .starts_with("error: standard input is larger than the input size limit of 2 MiB"),
        "{}",
        run.stderr
    );
    assert!(run.took < Duration::from_secs(2), "took {:?}", run.took);
}

#[test]
fn the_limit_bounds_each_input_and_their_total() {
    let dir = tempfile::tempdir().unwrap();
    // Two files of 700 KiB: each is under 1 MiB, together they are not.
    let filler = format!("{MANIFEST}# {}\n", "x".repeat(700 * 1024));
    std::fs::write(dir.path().join("a.yaml"), &filler).unwrap();
    std::fs::write(dir.path().join("b.yaml"), &filler).unwrap();
    for one in ["a.yaml", "b.yaml"] {
        let run = speclint(dir.path(), &["--max-input-size", "1MiB", one]);
        assert_eq!(run.code, 0, "{one}: {}", run.stderr);
    }
    let run = speclint(
        dir.path(),
        &["--max-input-size", "1MiB", "a.yaml", "b.yaml"],
    );
    assert_eq!(run.code, 2);
    assert!(
        run.stderr.starts_with(
            "error: the inputs together are larger than the input size limit of 1 MiB"
        ) && run.stderr.contains("reading b.yaml"),
        "{}",
        run.stderr
    );
    // The whole directory, and --previous and --cluster-state count towards the same total.
    let run = speclint(dir.path(), &["--max-input-size", "1MiB", "."]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    let run = speclint(
        dir.path(),
        &["--max-input-size", "1MiB", "a.yaml", "--previous", "b.yaml"],
    );
    assert_eq!(run.code, 2, "{}", run.stderr);
    // Files of a walk are read in parallel but counted in walk order: the file named is
    // the first the total does not fit, whichever thread read what first.
    let many = tempfile::tempdir().unwrap();
    let part = format!("{MANIFEST}# {}\n", "x".repeat(100 * 1024));
    // More files than speclint reads one by one (64), so they are read in parallel.
    for i in 0..80 {
        std::fs::write(many.path().join(format!("f{i:02}.yaml")), &part).unwrap();
    }
    for _ in 0..5 {
        let run = speclint(many.path(), &["--max-input-size", "1MiB", "."]);
        assert_eq!(run.code, 2, "{}", run.stderr);
        assert!(
            run.stderr.contains("reading f10.yaml, after "),
            "{}",
            run.stderr
        );
    }
    // A file over the limit names itself and the limit.
    let run = speclint(dir.path(), &["--max-input-size", "512K", "a.yaml"]);
    assert_eq!(
        run.stderr,
        "error: a.yaml is larger than the input size limit of 512 KiB (--max-input-size); nothing was checked\n"
    );
}

#[test]
fn the_default_limit_is_512_mib_and_sizes_are_checked() {
    let dir = tempfile::tempdir().unwrap();
    let help = speclint(dir.path(), &["--help"]);
    assert!(
        help.stdout.contains("--max-input-size <SIZE>") && help.stdout.contains("512MiB"),
        "{}",
        help.stdout
    );
    // Offsets into an input are 32-bit: 4 GiB is one byte too many.
    for bad in ["0", "12X", "MiB", "1.5G", "4G"] {
        let run = speclint(dir.path(), &["--max-input-size", bad, "-"]);
        assert_eq!(run.code, 2, "{bad}");
        assert!(
            run.stderr.contains("--max-input-size"),
            "{bad}: {}",
            run.stderr
        );
    }
}

// --- Special files -------------------------------------------------------------------------

#[test]
fn a_fifo_inside_a_directory_is_skipped_unopened() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("a.yaml"), MANIFEST).unwrap();
    // No writer ever comes: opening it would block for good.
    mkfifo(&dir.path().join("pipe.yaml"));
    let run = speclint(dir.path(), &["."]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(
        run.stdout,
        "checked 1 file, 1 object, 0 webhook endpoints: no problems\n"
    );
    assert_eq!(
        run.stderr,
        "note: skipped pipe.yaml, which is not a regular file (a FIFO, socket or device): only regular files are read from a directory; name one on the command line to read it as a stream\n"
    );
    assert!(run.took < Duration::from_secs(5), "took {:?}", run.took);
    // Left out by --exclude, it is not worth a note.
    let run = speclint(dir.path(), &["--exclude", "pipe.yaml", "."]);
    assert_eq!((run.code, run.stderr.as_str()), (0, ""));
}

#[test]
fn a_fifo_named_on_the_command_line_is_read_as_a_stream() {
    let dir = tempfile::tempdir().unwrap();
    let fifo = dir.path().join("manifests");
    mkfifo(&fifo);
    let writer = {
        let fifo = fifo.clone();
        std::thread::spawn(move || {
            let mut pipe = std::fs::OpenOptions::new().write(true).open(fifo).unwrap();
            pipe.write_all(MANIFEST.as_bytes()).unwrap();
        })
    };
    let run = speclint(dir.path(), &["manifests"]);
    writer.join().unwrap();
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(
        run.stdout,
        "checked 1 file, 1 object, 0 webhook endpoints: no problems\n"
    );
    assert_eq!(run.stderr, "");

    // An endless writer stops at the limit.
    let writer = {
        let fifo = fifo.clone();
        std::thread::spawn(move || {
            let mut pipe = std::fs::OpenOptions::new().write(true).open(fifo).unwrap();
            // Ends with a broken pipe once speclint gives up.
            let _ = std::io::copy(&mut std::io::repeat(b'#'), &mut pipe);
        })
    };
    let run = speclint(dir.path(), &["--max-input-size", "64KiB", "manifests"]);
    writer.join().unwrap();
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(
        run.stderr
            .starts_with("error: manifests is larger than the input size limit of 64 KiB"),
        "{}",
        run.stderr
    );
}

#[test]
fn a_character_device_named_is_read_as_a_stream() {
    let dir = tempfile::tempdir().unwrap();
    let run = speclint(dir.path(), &["/dev/null"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(
        run.stderr,
        "warning: no Kubernetes objects found in /dev/null; nothing was checked\n"
    );
}

// --- Saying when nothing was checked -------------------------------------------------------

#[test]
fn an_input_with_no_manifest_is_a_warning_or_with_fail_on_empty_an_error() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    std::fs::create_dir_all(root.join("empty")).unwrap();
    std::fs::create_dir_all(root.join("notes")).unwrap();
    std::fs::write(root.join("notes/readme.txt"), "not a manifest\n").unwrap();
    std::fs::create_dir_all(root.join("excluded")).unwrap();
    std::fs::write(root.join("excluded/a.yaml"), MANIFEST).unwrap();
    std::fs::write(root.join("excluded/b.yaml"), MANIFEST).unwrap();
    std::fs::write(root.join("good.yaml"), MANIFEST).unwrap();
    let looked_for = "(looked for *.yaml, *.yml, *.json)";
    let cases: &[(&[&str], String)] = &[
        (
            &["empty"],
            format!("no Kubernetes manifests found in empty {looked_for}"),
        ),
        (
            &["notes"],
            format!("no Kubernetes manifests found in notes {looked_for}"),
        ),
        (
            &["excluded", "--exclude", "excluded/*.yaml"],
            "no Kubernetes manifests found in excluded: the 2 files it names are all excluded (--exclude, or exclude in the configuration)".to_string(),
        ),
        (
            &["good.yaml", "--exclude", "good.yaml"],
            "no Kubernetes manifests found in good.yaml: the one file it names is excluded (--exclude, or exclude in the configuration)".to_string(),
        ),
    ];
    for (args, message) in cases {
        let run = speclint(root, args);
        assert_eq!(run.code, 0, "{args:?}: {}", run.stderr);
        assert_eq!(run.stderr, format!("warning: {message}\n"), "{args:?}");
        let quiet = speclint(root, &[&["-q"][..], args].concat());
        assert_eq!(
            (quiet.code, quiet.stdout.as_str(), quiet.stderr.as_str()),
            (0, "", ""),
            "{args:?}"
        );
        let strict = speclint(root, &[&["--fail-on-empty"][..], args].concat());
        assert_eq!(strict.code, 2, "{args:?}");
        assert_eq!(
            strict.stderr,
            format!("error: {message}; --fail-on-empty makes this an error\n"),
            "{args:?}"
        );
        assert_eq!(strict.stdout, "", "{args:?}");
    }
    // The other inputs are still checked, and the empty one is named.
    let run = speclint(root, &["good.yaml", "empty"]);
    assert_eq!(run.code, 0);
    assert_eq!(
        run.stdout,
        "checked 1 file, 1 object, 0 webhook endpoints: no problems\n"
    );
    assert!(run.stderr.contains("found in empty"), "{}", run.stderr);
    // A glob that matches nothing stays an error, like a path that does not exist.
    let run = speclint(root, &["empty/*.yaml"]);
    assert_eq!(run.code, 2);
    assert_eq!(
        run.stderr,
        "error: empty/*.yaml: no file matches this pattern\n"
    );
}

#[test]
fn input_without_kubernetes_objects_is_a_warning() {
    let dir = tempfile::tempdir().unwrap();
    for stdin in ["", "\n---\n# nothing\n", "a: 1\n"] {
        let run = speclint_stdin(dir.path(), &[], std::io::Cursor::new(stdin));
        assert_eq!(run.code, 0, "{stdin:?}");
        assert_eq!(
            run.stderr,
            "warning: no Kubernetes objects found in standard input; nothing was checked\n",
            "{stdin:?}"
        );
        let run = speclint_stdin(
            dir.path(),
            &["--fail-on-empty"],
            std::io::Cursor::new(stdin),
        );
        assert_eq!(run.code, 2, "{stdin:?}");
        assert_eq!(
            run.stderr,
            "error: no Kubernetes objects found in standard input; nothing was checked; --fail-on-empty makes this an error\n",
            "{stdin:?}"
        );
    }
    // A manifest that does not parse is a finding, not an empty input.
    let run = speclint_stdin(dir.path(), &[], std::io::Cursor::new("a: [\n"));
    assert_eq!(run.code, 1);
    assert!(
        !run.stderr.contains("nothing was checked"),
        "{}",
        run.stderr
    );
}

#[test]
fn a_clean_run_says_what_it_checked_where_each_format_allows() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("a.yaml"), MANIFEST).unwrap();
    std::fs::write(
        dir.path().join("b.yaml"),
        format!("{MANIFEST}---\n{}", MANIFEST.replace("settings", "other")),
    )
    .unwrap();
    let line = "checked 2 files, 3 objects, 0 webhook endpoints: no problems\n";
    let run = speclint(dir.path(), &["--format", "human", "."]);
    assert_eq!(
        (run.code, run.stdout.as_str(), run.stderr.as_str()),
        (0, line, "")
    );
    // The other formats keep stdout to themselves: concise has one line per finding.
    for format in ["concise", "json", "sarif", "junit", "github"] {
        let run = speclint(dir.path(), &["--format", format, "."]);
        assert_eq!(run.code, 0, "{format}");
        assert_eq!(run.stderr, line, "{format}");
        assert!(!run.stdout.contains("no problems"), "{format}");
        if format == "json" || format == "sarif" {
            serde_json::from_str::<serde_json::Value>(&run.stdout).expect(format);
        }
    }
    // -q says nothing; -o keeps its own summary on stderr.
    let quiet = speclint(dir.path(), &["-q", "."]);
    assert_eq!((quiet.stdout.as_str(), quiet.stderr.as_str()), ("", ""));
    let to_file = speclint(dir.path(), &["-o", "report.txt", "."]);
    assert_eq!(to_file.stdout, "");
    assert_eq!(to_file.stderr, "speclint: 0 errors, 0 warnings\n");
    // With findings, the report is as before: no summary of a clean run.
    let run = speclint(&input_fixture(""), &["--format", "concise", "utf8.yaml"]);
    assert_eq!(run.code, 1);
    assert!(!run.stdout.contains("no problems"), "{}", run.stdout);
}

#[test]
fn endpoints_are_counted_in_the_summary() {
    let dir = tempfile::tempdir().unwrap();
    let webhook = "apiVersion: admissionregistration.k8s.io/v1\nkind: ValidatingWebhookConfiguration\nmetadata:\n  name: hooks\nwebhooks:\n- name: a.example.com\n  clientConfig:\n    url: https://a.example.com/validate\n  sideEffects: None\n  admissionReviewVersions: [v1]\n- name: b.example.com\n  clientConfig:\n    url: https://b.example.com/validate\n  sideEffects: None\n  admissionReviewVersions: [v1]\n";
    std::fs::write(dir.path().join("hooks.yaml"), webhook).unwrap();
    let run = speclint(dir.path(), &["hooks.yaml"]);
    assert_eq!(
        (run.code, run.stdout.as_str(), run.stderr.as_str()),
        (
            0,
            "checked 1 file, 1 object, 2 webhook endpoints: no problems\nnote: 2 endpoints not checked: they call a URL, whose certificate is not among the inputs\n",
            ""
        )
    );
}

#[test]
fn at_a_terminal_with_no_input_the_usage_is_printed() {
    let dir = tempfile::tempdir().unwrap();
    let transcript = dir.path().join("transcript");
    let started = Instant::now();
    let child = Command::new("script")
        .args(["-q", "-e", "-c", &format!("{BIN} --no-config")])
        .arg(&transcript)
        .current_dir(dir.path())
        .env("TERM", "xterm")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("util-linux `script` gives speclint a terminal; install it to run this test");
    let run = finish(child, started);
    assert_eq!(run.code, 2, "{}", run.stderr);
    let text = std::fs::read_to_string(&transcript).unwrap();
    assert!(
        text.contains("error: no PATH given, and standard input is a terminal")
            && text.contains("Usage: speclint [OPTIONS] [PATH]..."),
        "{text:?}"
    );
}

// --- UTF-16 --------------------------------------------------------------------------------

/// The concise report of a fixture, with its file name taken out.
fn concise(name: &str) -> Run {
    let mut run = speclint(&input_fixture(""), &["--format", "concise", name]);
    run.stdout = run.stdout.replace(name, "FILE");
    run
}

#[test]
fn utf16_with_a_bom_is_linted_as_the_utf8_text_with_the_same_lines_and_columns() {
    let utf8 = concise("utf8.yaml");
    assert_eq!(utf8.code, 1);
    assert_eq!(utf8.stderr, "");
    assert!(
        utf8.stdout
            .contains("FILE:12:26: error[webhook-client-config]"),
        "{}",
        utf8.stdout
    );
    for (name, endian) in [("utf16le-bom.yaml", "little"), ("utf16be-bom.yaml", "big")] {
        let run = concise(name);
        assert_eq!(run.code, utf8.code, "{name}");
        assert_eq!(run.stdout, utf8.stdout, "{name}");
        assert_eq!(
            run.stderr,
            format!("note: {name} is UTF-16 ({endian}-endian, with a byte-order mark): it was converted to UTF-8 and linted, as kubectl reads it; lines and columns refer to the converted text\n")
        );
    }
    // JSON stays JSON, and the human report shows the decoded line.
    let json = speclint(
        &input_fixture(""),
        &["--format", "json", "utf16be-bom.yaml"],
    );
    let value: serde_json::Value = serde_json::from_str(&json.stdout).unwrap();
    assert_eq!(value["summary"]["errors"], 1);
    let human = speclint(&input_fixture(""), &["utf16le-bom.yaml"]);
    assert!(
        human.stdout.contains("12 |   insecureSkipTLSVerify: true"),
        "{}",
        human.stdout
    );
    // Standard input is read the same way, as kubectl's does.
    let bytes = std::fs::read(input_fixture("utf16le-bom.yaml")).unwrap();
    let run = speclint_stdin(
        &input_fixture(""),
        &["--format", "concise"],
        std::io::Cursor::new(bytes),
    );
    assert_eq!(run.stdout.replace("<stdin>", "FILE"), utf8.stdout);
}

#[test]
fn invalid_utf16_says_what_is_wrong_and_reads_as_kubectl_does() {
    let utf8 = concise("utf8.yaml");
    let run = concise("utf16le-invalid.yaml");
    assert_eq!(run.stdout, utf8.stdout);
    assert_eq!(
        run.stderr,
        "warning: utf16le-invalid.yaml is UTF-16 (little-endian, with a byte-order mark) but not valid UTF-16: an unpaired surrogate at byte 48, a lone last byte at byte 2224 (the length is odd); each was read as U+FFFD, as kubectl reads it\n"
    );
    assert!(!run.stderr.contains("UTF-8 at"), "{}", run.stderr);
}

#[test]
fn utf16_without_a_bom_is_named_as_such() {
    let run = concise("utf16le-no-bom.yaml");
    assert_eq!(run.code, 1, "kubectl reads it as UTF-8 and fails");
    assert!(
        run.stderr.starts_with(
            "warning: utf16le-no-bom.yaml looks like UTF-16 without a byte-order mark"
        ),
        "{}",
        run.stderr
    );
}

#[test]
fn the_configuration_can_set_the_limit_and_the_flag_wins() {
    let dir = tempfile::tempdir().unwrap();
    let big = format!("{MANIFEST}# {}\n", "x".repeat(2048));
    std::fs::write(dir.path().join("a.yaml"), big).unwrap();
    let with_config = |config: &str, args: &[&str]| {
        std::fs::write(dir.path().join(".speclint.yaml"), config).unwrap();
        let started = Instant::now();
        let child = Command::new(BIN)
            .args(args)
            .arg("a.yaml")
            .current_dir(dir.path())
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        finish(child, started)
    };
    let run = with_config("max-input-size: 1KiB\n", &[]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(
        run.stderr
            .starts_with("error: a.yaml is larger than the input size limit of 1 KiB"),
        "{}",
        run.stderr
    );
    let run = with_config("max-input-size: 4096\n", &[]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let run = with_config("max-input-size: 1KiB\n", &["--max-input-size", "1M"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let run = with_config("max-input-size: lots\n", &[]);
    assert_eq!(run.code, 2);
    assert!(run.stdout.contains("not a size"), "{}", run.stdout);
}

#[test]
fn names_from_inputs_are_shown_escaped_in_these_messages() {
    let dir = tempfile::tempdir().unwrap();
    let hostile = "out\u{1b}[2J\n::error file=x::pwned";
    std::fs::create_dir_all(dir.path().join(hostile)).unwrap();
    let fifo = dir.path().join(hostile).join("fifo\u{1b}]0;t.yaml");
    // A FIFO, the only manifest-named entry: a note names it, and a warning the directory.
    mkfifo(&fifo);
    let run = speclint(dir.path(), &[hostile]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    for line in run.stderr.lines() {
        assert!(!line.starts_with("::"), "{line:?}");
        assert!(
            !line.chars().any(|c| c.is_control() && c != '\t'),
            "{line:?}"
        );
    }
    assert!(
        run.stderr.contains("no Kubernetes manifests found in out"),
        "{}",
        run.stderr
    );
    assert!(run.stderr.contains("skipped out"), "{}", run.stderr);
}
