//! Input stage: standard input, files, directories and glob patterns, read into a [`SourceMap`].
//!
//! Every read is bounded by [`InputBudget`] (`--max-input-size`). A FIFO or device named on the
//! command line is read as a stream; inside a directory only regular files are opened, so a
//! walk never blocks. UTF-16 with a byte-order mark is converted as kubectl converts it
//! ([`encoding`]). What named nothing to lint is recorded in [`Inputs::empty`].

mod encoding;
mod error;
mod helm;
mod limit;
mod paths;

pub(crate) use error::InputError;
pub(crate) use helm::Helm;
pub(crate) use limit::{parse_size, InputBudget, DEFAULT_MAX_INPUT_SIZE};
pub(crate) use paths::{relative_to_cwd, shown};

use paths::absolute;

use crate::source::{SourceFile, SourceMap};
use globset::{GlobBuilder, GlobMatcher};
use std::io::Read;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

const MANIFEST_EXTENSIONS: [&str; 3] = ["yaml", "yml", "json"];
const STDIN_NAME: &str = "<stdin>";

/// Paths left out of every input (`exclude` in `.speclint.yaml`, `--exclude`), gitignore-style:
/// a pattern without `/` matches a name at any depth, one with `/` is anchored at its base
/// directory, and a pattern that matches a directory leaves out everything under it.
#[derive(Default)]
pub(crate) struct Exclude {
    sets: Vec<(PathBuf, globset::GlobSet)>,
}

impl Exclude {
    pub(crate) fn check_pattern(pattern: &str) -> Result<(), String> {
        Self::globs(pattern).map(|_| ())
    }

    fn globs(pattern: &str) -> Result<Vec<globset::Glob>, String> {
        let trimmed = pattern.trim_start_matches("./").trim_end_matches('/');
        if trimmed.is_empty() {
            return Err("the pattern is empty".to_string());
        }
        let anchored = match trimmed.strip_prefix('/') {
            Some(rest) => rest.to_string(),
            None if trimmed.contains('/') => trimmed.to_string(),
            None => format!("**/{trimmed}"),
        };
        [anchored.clone(), format!("{anchored}/**")]
            .iter()
            .map(|p| {
                GlobBuilder::new(p)
                    .literal_separator(true)
                    .build()
                    .map_err(|e| e.kind().to_string())
            })
            .collect()
    }

    /// Adds `patterns`, relative to `base`.
    pub(crate) fn add(&mut self, base: &Path, patterns: &[String]) -> Result<(), InputError> {
        if patterns.is_empty() {
            return Ok(());
        }
        let mut builder = globset::GlobSetBuilder::new();
        for pattern in patterns {
            for glob in Self::globs(pattern)
                .map_err(|e| InputError(format!("invalid exclude pattern {pattern:?}: {e}")))?
            {
                builder.add(glob);
            }
        }
        let set = builder
            .build()
            .map_err(|e| InputError(format!("invalid exclude pattern: {e}")))?;
        self.sets.push((absolute(base), set));
        Ok(())
    }

    pub(crate) fn matches(&self, path: &Path) -> bool {
        if self.sets.is_empty() {
            return false;
        }
        let path = absolute(path);
        self.sets.iter().any(|(base, set)| {
            path.strip_prefix(base)
                .is_ok_and(|relative| set.is_match(relative))
        })
    }
}

/// How inputs are read.
#[derive(Default)]
pub(crate) struct ReadOptions {
    pub(crate) exclude: Exclude,
    /// Render Helm charts with `helm template` (`--helm`); without it their templates are skipped.
    pub(crate) helm: Option<Helm>,
    /// The chart whose `helm template` render standard input is (`--stdin-chart`).
    pub(crate) stdin_chart: Option<PathBuf>,
}

/// An argument that named nothing to lint: a directory without manifests, or manifests
/// that are all excluded.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct EmptyInput {
    /// The argument as given.
    pub(crate) arg: String,
    /// How many files it named that the exclude patterns left out.
    pub(crate) excluded: usize,
}

impl EmptyInput {
    /// `no Kubernetes manifests found in out/ (looked for *.yaml, *.yml, *.json)`.
    pub(crate) fn message(&self) -> String {
        let arg = shown(&self.arg);
        match self.excluded {
            0 => format!(
                "no Kubernetes manifests found in {arg} (looked for {})",
                MANIFEST_EXTENSIONS.map(|e| format!("*.{e}")).join(", ")
            ),
            1 => format!("no Kubernetes manifests found in {arg}: the one file it names is excluded (--exclude, or exclude in the configuration)"),
            n => format!("no Kubernetes manifests found in {arg}: the {n} files it names are all excluded (--exclude, or exclude in the configuration)"),
        }
    }
}

/// A line for stderr about how an input was read.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Notice {
    /// A warning; a note otherwise.
    pub(crate) warning: bool,
    pub(crate) text: String,
}

/// What was read.
#[derive(Debug, Default)]
pub(crate) struct Inputs {
    pub(crate) sources: SourceMap,
    /// Charts whose templates were skipped (no `--helm`), with the number of files.
    pub(crate) skipped_charts: Vec<(String, usize)>,
    /// Arguments that named nothing to lint.
    pub(crate) empty: Vec<EmptyInput>,
    /// Entries of walked directories that are not regular files (FIFOs, sockets, devices):
    /// never opened, since opening a FIFO blocks until a writer comes. As reports name files.
    pub(crate) skipped_special: Vec<String>,
    /// About encodings (UTF-16), in input order.
    pub(crate) notices: Vec<Notice>,
}

/// Reads every input. No path, or `-`, reads standard input. Directories are walked
/// recursively for manifests; arguments with glob characters are expanded here.
/// Each file is read once even if named twice; excluded files are not read. Files of a
/// Helm chart are replaced by the chart's render with `--helm`, else its templates are skipped.
/// Every read counts against `budget`.
pub(crate) fn read_all(
    paths: &[String],
    stdin: &mut dyn Read,
    options: &ReadOptions,
    budget: &mut InputBudget,
) -> Result<Inputs, InputError> {
    let exclude = &options.exclude;
    let mut inputs = Inputs::default();
    let mut charts = helm::Charts::default();
    let mut rendered = foldhash::HashSet::default();
    let mut seen = foldhash::HashSet::default();
    let mut stdin_read = false;
    let wanted: Vec<String> = if paths.is_empty() {
        vec!["-".to_string()]
    } else {
        paths.to_vec()
    };
    if let Some(chart) = &options.stdin_chart {
        if !chart.join("Chart.yaml").is_file() {
            return Err(InputError(format!(
                "--stdin-chart {}: no Chart.yaml there; it names the directory of the chart whose render is on standard input",
                shown(&chart.to_string_lossy())
            )));
        }
        if !wanted.iter().any(|arg| arg == "-") {
            return Err(InputError(
                "--stdin-chart names the chart of standard input, which is not read: give `-` among the paths, or no path".to_string(),
            ));
        }
    }
    for arg in &wanted {
        if arg == "-" {
            if !stdin_read {
                stdin_read = true;
                let bytes = budget.read(stdin, "standard input", None)?;
                match &options.stdin_chart {
                    None => inputs.add_decoded(STDIN_NAME.to_string(), bytes),
                    // Named and placed as speclint's own render of the chart would be.
                    Some(chart) => {
                        let (mut render, found) = decoded(helm::source_name(chart), bytes);
                        render.chart = Some(display_path(chart));
                        inputs.add_prepared(render, found);
                    }
                }
            }
            continue;
        }
        // The walk hands its files to parallel reads as it goes; what it found is then
        // taken in order (counted against the budget, charts rendered), as if read one by one.
        let mut walked = Walked::default();
        let remaining = budget.remaining();
        let taken = AtomicU64::new(0);
        let (sender, receiver) = std::sync::mpsc::channel();
        rayon::in_place_scope(|scope| {
            let reader = BatchReader {
                scope,
                sender: &sender,
                taken: &taken,
                remaining,
            };
            let mut plain: Vec<PathBuf> = Vec::new();
            expand(arg, &mut |path, regular| {
                if !regular {
                    if !exclude.matches(&path) {
                        inputs.skipped_special.push(display_path(&path));
                    }
                    return;
                }
                if exclude.matches(&path) {
                    walked.excluded += 1;
                    return;
                }
                walked.found += 1;
                if !seen.insert(path.clone()) {
                    return;
                }
                let chart = match charts.membership(&path) {
                    helm::Membership::None => None,
                    helm::Membership::Chart(root) if options.helm.is_some() => Some(root),
                    helm::Membership::Chart(_) => None,
                    helm::Membership::Template(root) => Some(root),
                };
                match (chart, &options.helm) {
                    (None, _) => {
                        plain.push(path);
                        if plain.len() == READ_BATCH_FILES {
                            reader.flush(&mut plain, &mut walked, false);
                        }
                    }
                    (Some(root), Some(_)) => {
                        if rendered.insert(absolute(&root)) {
                            if !plain.is_empty() {
                                reader.flush(&mut plain, &mut walked, false);
                            }
                            walked.steps.push(Step::Render(root));
                        }
                    }
                    (Some(root), None) => {
                        let name = display_path(&root);
                        match inputs.skipped_charts.iter_mut().find(|(c, _)| *c == name) {
                            Some((_, count)) => *count += 1,
                            None => inputs.skipped_charts.push((name, 1)),
                        }
                    }
                }
            })?;
            if !plain.is_empty() {
                reader.flush(&mut plain, &mut walked, true);
            }
            Ok::<(), InputError>(())
        })?;
        drop(sender);
        let mut batches: Vec<Vec<Option<Prefetched>>> =
            (0..walked.batches).map(|_| Vec::new()).collect();
        for (batch, read) in receiver {
            batches[batch] = read;
        }
        let files: usize = (walked.steps.iter())
            .map(|step| match step {
                Step::Files(paths, _) => paths.len(),
                Step::Render(_) => 1,
            })
            .sum();
        inputs.sources.reserve(files);
        for step in walked.steps {
            match step {
                Step::Files(paths, batch) => {
                    let mut prefetched = batch
                        .map(|b| std::mem::take(&mut batches[b]))
                        .unwrap_or_default()
                        .into_iter();
                    for path in paths.iter() {
                        match prefetched.next().flatten() {
                            Some(Prefetched {
                                length,
                                file,
                                found,
                            }) => {
                                budget.account_length(|| shown(&file.name), length)?;
                                inputs.add_prepared(file, found);
                            }
                            // Not a regular file, unreadable, or past the budget: as one by one.
                            None => {
                                let bytes = read_file(path, budget)?;
                                inputs.add_decoded(display_path(path), bytes);
                            }
                        }
                    }
                }
                Step::Render(root) => {
                    let Some(settings) = &options.helm else {
                        continue;
                    };
                    let bytes = helm::render(settings, &root, budget)?;
                    let mut render = SourceFile::new(helm::source_name(&root), bytes);
                    render.chart = Some(display_path(&root));
                    inputs.sources.add(render);
                }
            }
        }
        let (found, excluded) = (walked.found, walked.excluded);
        if found == 0 {
            inputs.empty.push(EmptyInput {
                arg: arg.clone(),
                excluded,
            });
        }
    }
    Ok(inputs)
}

impl Inputs {
    /// Adds an input, converted from UTF-16 as kubectl would, with a notice when it was.
    fn add_decoded(&mut self, name: String, bytes: Vec<u8>) {
        let (file, found) = decoded(name, bytes);
        self.add_prepared(file, found);
    }

    /// Adds a file [`decoded`] made, with what its encoding calls for saying.
    fn add_prepared(&mut self, file: SourceFile, found: encoding::Encoding) {
        if !matches!(found, encoding::Encoding::Utf8) {
            if let Some((warning, text)) = encoding::describe(&shown(&file.name), &found) {
                self.notices.push(Notice { warning, text });
            }
        }
        self.sources.add(file);
    }
}

/// Fewer files than this are read one by one.
const PARALLEL_READ_FILES: usize = 64;

/// Files a walk hands to one parallel read.
const READ_BATCH_FILES: usize = 256;

/// What one argument's walk found, in order.
#[derive(Default)]
struct Walked {
    steps: Vec<Step>,
    /// Parallel reads started.
    batches: usize,
    found: usize,
    excluded: usize,
}

enum Step {
    /// Plain files, and the parallel read that has them, if one was started.
    Files(Arc<Vec<PathBuf>>, Option<usize>),
    /// A chart to render with `helm template`.
    Render(PathBuf),
}

/// A file read ahead of its turn, before the budget counted it.
struct Prefetched {
    length: u64,
    file: SourceFile,
    found: encoding::Encoding,
}

type Batch = (usize, Vec<Option<Prefetched>>);

/// Starts the parallel reads of a walk's files.
struct BatchReader<'a, 'scope> {
    scope: &'a rayon::Scope<'scope>,
    sender: &'a std::sync::mpsc::Sender<Batch>,
    taken: &'scope AtomicU64,
    remaining: u64,
}

impl BatchReader<'_, '_> {
    /// Adds the files in `plain` to `walked` as one step, read in parallel unless they are
    /// the `last` and few of a walk that started no parallel read: a few files are read
    /// faster than threads start.
    fn flush(&self, plain: &mut Vec<PathBuf>, walked: &mut Walked, last: bool) {
        let paths = Arc::new(std::mem::take(plain));
        if last && walked.batches == 0 && paths.len() < PARALLEL_READ_FILES {
            walked.steps.push(Step::Files(paths, None));
            return;
        }
        let batch = walked.batches;
        walked.batches += 1;
        let (sender, shared, taken, remaining) = (
            self.sender.clone(),
            Arc::clone(&paths),
            self.taken,
            self.remaining,
        );
        self.scope.spawn(move |_| {
            // The receiver outlives the scope; a failed send only means an earlier error.
            let _ = sender.send((batch, read_batch(&shared, remaining, taken)));
        });
        walked.steps.push(Step::Files(paths, Some(batch)));
    }
}

/// Reads and decodes `paths` (the text checked as UTF-8 too), each to `None` if it is not a
/// regular file, cannot be read, or the reads together have spent the budget (`remaining`):
/// those are read again in their turn, which says why.
fn read_batch(paths: &[PathBuf], remaining: u64, taken: &AtomicU64) -> Vec<Option<Prefetched>> {
    use rayon::prelude::*;
    // In parallel within the batch too: a walk of a hundred files is one batch.
    paths
        .par_iter()
        .map(|path| {
            if taken.load(Ordering::Relaxed) > remaining {
                return None;
            }
            let (mut file, size) = open_regular(path)?;
            let bytes = limit::read_at_most(&mut file, Some(size), remaining).ok()?;
            let length = bytes.len() as u64;
            taken.fetch_add(length, Ordering::Relaxed);
            let (file, found) = decoded(display_path(path), bytes);
            Some(Prefetched {
                length,
                file,
                found,
            })
        })
        .collect()
}

/// `path` opened if it is a regular file, with its size. Opening a FIFO would wait for its
/// writer: on Unix the file is opened without waiting and then looked at; elsewhere, looked
/// at first.
fn open_regular(path: &Path) -> Option<(std::fs::File, u64)> {
    #[cfg(unix)]
    let file = {
        use std::os::unix::fs::OpenOptionsExt;
        std::fs::OpenOptions::new()
            .read(true)
            .custom_flags(libc::O_NONBLOCK)
            .open(path)
            .ok()?
    };
    #[cfg(not(unix))]
    let file = {
        std::fs::metadata(path).ok().filter(|m| m.is_file())?;
        std::fs::File::open(path).ok()?
    };
    let metadata = file.metadata().ok().filter(|m| m.is_file())?;
    Some((file, metadata.len()))
}

/// An input's text as speclint reads it (UTF-16 converted), and its encoding.
fn decoded(name: String, bytes: Vec<u8>) -> (SourceFile, encoding::Encoding) {
    let (bytes, found) = encoding::decode(bytes);
    (SourceFile::new(name, bytes), found)
}

/// A file named on the command line or found by a walk. A FIFO or a device is read as a
/// stream, as `cat` would; only the budget bounds it.
fn read_file(path: &Path, budget: &mut InputBudget) -> Result<Vec<u8>, InputError> {
    let name = shown(&display_path(path));
    let mut file =
        std::fs::File::open(path).map_err(|e| InputError(format!("cannot read {name}: {e}")))?;
    let size = file
        .metadata()
        .ok()
        .filter(|m| m.is_file())
        .map(|m| m.len());
    budget.read(&mut file, &name, size)
}

fn display_path(path: &Path) -> String {
    let text = path.to_string_lossy();
    text.strip_prefix("./").unwrap_or(&text).to_string()
}

/// Hands `found` each file an argument names, in order, and whether it is a regular file
/// (a walk passes over FIFOs, sockets and devices without opening them).
fn expand(arg: &str, found: &mut dyn FnMut(PathBuf, bool)) -> Result<(), InputError> {
    let path = Path::new(arg);
    if path.is_dir() {
        return walk(path, None, found).map(|_| ());
    }
    if path.exists() {
        found(path.to_path_buf(), true);
        return Ok(());
    }
    if !has_glob_chars(arg) {
        return Err(InputError(format!(
            "{}: no such file or directory",
            shown(arg)
        )));
    }
    let matcher = GlobBuilder::new(arg)
        .literal_separator(true)
        .build()
        .map_err(|e| InputError(format!("invalid glob pattern {}: {e}", shown(arg))))?
        .compile_matcher();
    // A pattern that matched only special files did match: they are noted, not missing.
    if walk(&glob_base(arg), Some(&matcher), found)? == 0 {
        return Err(InputError(format!(
            "{}: no file matches this pattern",
            shown(arg)
        )));
    }
    Ok(())
}

fn has_glob_chars(arg: &str) -> bool {
    arg.contains(['*', '?', '[', '{'])
}

/// The directory part of a glob before its first component with a glob character.
fn glob_base(pattern: &str) -> PathBuf {
    let mut base = PathBuf::new();
    for component in Path::new(pattern).components() {
        if has_glob_chars(&component.as_os_str().to_string_lossy()) {
            break;
        }
        base.push(component);
    }
    if base.as_os_str().is_empty() {
        PathBuf::from(".")
    } else {
        base
    }
}

/// Manifests under `dir`, sorted, with gitignore-style filters off: rendered output often
/// lives in ignored folders. With a glob, every file it matches counts, whatever its extension.
/// Only regular files (and links to them, which kubectl follows too) are taken; FIFOs,
/// sockets and devices are set aside unopened.
/// Answers how many entries it handed to `found`.
fn walk(
    dir: &Path,
    glob: Option<&GlobMatcher>,
    found: &mut dyn FnMut(PathBuf, bool),
) -> Result<usize, InputError> {
    let mut count = 0;
    let walker = ignore::WalkBuilder::new(dir)
        .standard_filters(false)
        .hidden(false)
        .sort_by_file_path(|a, b| a.cmp(b))
        .build();
    for entry in walker {
        let entry = entry.map_err(|e| {
            InputError(format!(
                "cannot read {}: {e}",
                shown(&dir.to_string_lossy())
            ))
        })?;
        let Some(file_type) = entry.file_type() else {
            continue;
        };
        let path = entry.path();
        let regular = if file_type.is_symlink() {
            match std::fs::metadata(path) {
                Ok(target) if target.is_dir() => continue,
                Ok(target) => target.is_file(),
                // A dangling link: nothing to read, as before.
                Err(_) => continue,
            }
        } else if file_type.is_dir() {
            continue;
        } else {
            file_type.is_file()
        };
        let wanted = match glob {
            Some(glob) => {
                glob.is_match(path) || glob.is_match(path.strip_prefix("./").unwrap_or(path))
            }
            None => path
                .extension()
                .and_then(|e| e.to_str())
                .is_some_and(|e| MANIFEST_EXTENSIONS.contains(&e.to_ascii_lowercase().as_str())),
        };
        if !wanted {
            continue;
        }
        count += 1;
        found(path.to_path_buf(), regular);
    }
    Ok(count)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(sources: &SourceMap) -> Vec<String> {
        sources.files().map(|(_, f)| f.name.clone()).collect()
    }

    #[test]
    fn no_path_reads_stdin() {
        let sources = read_all(
            &[],
            &mut &b"a: 1\n"[..],
            &ReadOptions::default(),
            &mut InputBudget::default(),
        )
        .map(|i| i.sources)
        .unwrap();
        assert_eq!(names(&sources), vec!["<stdin>"]);
        assert_eq!(sources.get(0).text.as_str(), "a: 1\n");
    }

    #[test]
    fn directories_walk_for_manifests_and_globs_expand() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        std::fs::create_dir_all(root.join("a/b")).unwrap();
        for name in [
            "a/x.yaml",
            "a/b/y.yml",
            "a/b/z.json",
            "a/notes.txt",
            "a/.hidden.yaml",
        ] {
            std::fs::write(root.join(name), "k: v\n").unwrap();
        }
        let sources = read_all(
            &[root.join("a").display().to_string()],
            &mut &b""[..],
            &ReadOptions::default(),
            &mut InputBudget::default(),
        )
        .unwrap()
        .sources;
        let got: Vec<String> = names(&sources)
            .iter()
            .map(|n| n.rsplit('/').next().unwrap().to_string())
            .collect();
        assert_eq!(got, vec![".hidden.yaml", "y.yml", "z.json", "x.yaml"]);

        let pattern = format!("{}/a/**/*.y*ml", root.display());
        let sources = read_all(
            &[pattern],
            &mut &b""[..],
            &ReadOptions::default(),
            &mut InputBudget::default(),
        )
        .map(|i| i.sources)
        .unwrap();
        assert_eq!(sources.len(), 3);
    }

    #[test]
    fn a_walk_read_in_batches_keeps_walk_order_and_counts_in_it() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        let mut expected = Vec::new();
        // Several parallel reads, with a chart's templates (skipped) between them.
        for (folder, count) in [("a", 300), ("b/templates", 5), ("c", 400)] {
            std::fs::create_dir_all(root.join(folder)).unwrap();
            if folder.starts_with('b') {
                // Outside templates/, so read as a manifest without --helm.
                std::fs::write(root.join("b/Chart.yaml"), "name: b/Chart.yaml\n").unwrap();
                expected.push(format!("{}/b/Chart.yaml", root.display()));
            }
            for i in 0..count {
                let name = format!("{folder}/f{i:03}.yaml");
                std::fs::write(root.join(&name), format!("name: {name}\n")).unwrap();
                if !folder.starts_with('b') {
                    expected.push(format!("{}/{name}", root.display()));
                }
            }
        }
        let arg = root.to_string_lossy().to_string();
        let read = |budget: &mut InputBudget| {
            read_all(
                std::slice::from_ref(&arg),
                &mut &b""[..],
                &ReadOptions::default(),
                budget,
            )
        };
        let inputs = read(&mut InputBudget::default()).unwrap();
        assert!(names(&inputs.sources) == expected, "not in walk order");
        for (_, file) in inputs.sources.files() {
            assert_eq!(
                file.text.as_str(),
                format!("name: {}\n", &file.name[arg.len() + 1..])
            );
        }
        assert_eq!(inputs.skipped_charts.len(), 1);
        assert_eq!(inputs.skipped_charts[0].1, 5);
        // The file refused is the first the total does not fit, in walk order.
        let sizes: Vec<u64> = inputs
            .sources
            .files()
            .map(|(_, f)| f.text.len() as u64)
            .collect();
        let limit: u64 = sizes[..500].iter().sum();
        let err = read(&mut InputBudget::new(limit)).unwrap_err();
        assert!(
            err.0.contains(&format!("reading {}", expected[500])),
            "{err}"
        );
    }

    #[test]
    fn missing_path_and_empty_glob_are_errors() {
        let err = read_all(
            &["/no/such/file.yaml".into()],
            &mut &b""[..],
            &ReadOptions::default(),
            &mut InputBudget::default(),
        )
        .unwrap_err();
        assert!(err.0.contains("no such file"), "{err}");
        let dir = tempfile::tempdir().unwrap();
        let err = read_all(
            &[format!("{}/*.yaml", dir.path().display())],
            &mut &b""[..],
            &ReadOptions::default(),
            &mut InputBudget::default(),
        )
        .unwrap_err();
        assert!(err.0.contains("no file matches"), "{err}");
    }

    #[test]
    fn excludes_are_gitignore_style_under_their_base() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        for name in [
            "charts/a/templates/x.yaml",
            "charts/a/tests/t.yaml",
            "charts/b/golden.yaml",
            "envs/prod/y.yaml",
            "z.golden.yaml",
        ] {
            std::fs::create_dir_all(root.join(name).parent().unwrap()).unwrap();
            std::fs::write(root.join(name), "k: v\n").unwrap();
        }
        let mut exclude = Exclude::default();
        exclude
            .add(
                root,
                &[
                    "charts/*/tests".into(),
                    "*.golden.yaml".into(),
                    "golden.yaml".into(),
                ],
            )
            .unwrap();
        let options = ReadOptions {
            exclude,
            helm: None,
            stdin_chart: None,
        };
        let sources = read_all(
            &[root.display().to_string()],
            &mut &b""[..],
            &options,
            &mut InputBudget::default(),
        )
        .unwrap()
        .sources;
        let got: Vec<String> = names(&sources)
            .iter()
            .map(|n| {
                n.strip_prefix(&format!("{}/", root.display()))
                    .unwrap()
                    .to_string()
            })
            .collect();
        assert_eq!(got, vec!["charts/a/templates/x.yaml", "envs/prod/y.yaml"]);
        // A base elsewhere leaves these files alone; `..` is resolved.
        let mut elsewhere = Exclude::default();
        elsewhere
            .add(&root.join("envs"), &["*.yaml".into()])
            .unwrap();
        assert!(!elsewhere.matches(&root.join("charts/a/templates/x.yaml")));
        assert!(elsewhere.matches(&root.join("charts/../envs/prod/y.yaml")));
        assert!(Exclude::check_pattern("a/[b").is_err());
        assert!(Exclude::check_pattern("").is_err());
    }

    #[cfg(unix)]
    #[test]
    fn walks_take_links_to_files_and_set_special_files_aside_unopened() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        std::fs::write(root.join("a.yaml"), "k: v\n").unwrap();
        std::os::unix::fs::symlink(root.join("a.yaml"), root.join("link.yaml")).unwrap();
        std::os::unix::fs::symlink(root.join("gone.yaml"), root.join("dangling.yaml")).unwrap();
        let fifo = root.join("pipe.yaml");
        assert!(std::process::Command::new("mkfifo")
            .arg(&fifo)
            .status()
            .unwrap()
            .success());
        std::os::unix::fs::symlink(&fifo, root.join("to-pipe.yaml")).unwrap();
        let inputs = read_all(
            &[root.display().to_string()],
            &mut &b""[..],
            &ReadOptions::default(),
            &mut InputBudget::default(),
        )
        .unwrap();
        let base = |n: &String| n.rsplit('/').next().unwrap().to_string();
        let read: Vec<String> = names(&inputs.sources).iter().map(base).collect();
        assert_eq!(read, vec!["a.yaml", "link.yaml"]);
        let skipped: Vec<String> = inputs.skipped_special.iter().map(base).collect();
        assert_eq!(skipped, vec!["pipe.yaml", "to-pipe.yaml"]);
        assert!(inputs.empty.is_empty());
    }

    #[test]
    fn arguments_that_name_nothing_are_recorded() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        std::fs::create_dir_all(root.join("empty")).unwrap();
        std::fs::create_dir_all(root.join("out")).unwrap();
        std::fs::write(root.join("out/a.yaml"), "k: v\n").unwrap();
        let mut exclude = Exclude::default();
        exclude.add(root, &["out/a.yaml".into()]).unwrap();
        let options = ReadOptions {
            exclude,
            helm: None,
            stdin_chart: None,
        };
        let args = [
            root.join("empty").display().to_string(),
            root.join("out").display().to_string(),
        ];
        let inputs = read_all(&args, &mut &b""[..], &options, &mut InputBudget::default()).unwrap();
        assert_eq!(
            inputs.empty,
            vec![
                EmptyInput {
                    arg: args[0].clone(),
                    excluded: 0
                },
                EmptyInput {
                    arg: args[1].clone(),
                    excluded: 1
                },
            ]
        );
        assert!(inputs.empty[0]
            .message()
            .ends_with("(looked for *.yaml, *.yml, *.json)"));
        assert!(inputs.empty[1].message().contains("is excluded"));
    }
}
