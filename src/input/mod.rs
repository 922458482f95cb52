//! Input stage: standard input, files, directories and glob patterns, read into a [`SourceMap`].
//!
//! Every read is bounded by [`InputBudget`] (`--max-input-size`). A FIFO or device named on the
//! command line is read as a stream; inside a directory only regular files are opened, so a
//! walk never blocks. UTF-16 with a byte-order mark is converted as kubectl converts it
//! ([`encoding`]). What named nothing to lint is recorded in [`Inputs::empty`].

mod encoding;
mod helm;
mod limit;

pub use helm::Helm;
pub use limit::{parse_size, InputBudget, DEFAULT_MAX_INPUT_SIZE};

use crate::source::{SourceFile, SourceMap};
use globset::{GlobBuilder, GlobMatcher};
use std::fmt;
use std::io::Read;
use std::path::{Path, PathBuf};

/// A usage or I/O failure: exit code 2.
#[derive(Debug)]
pub struct InputError(pub String);

impl fmt::Display for InputError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for InputError {}

const MANIFEST_EXTENSIONS: [&str; 3] = ["yaml", "yml", "json"];
const STDIN_NAME: &str = "<stdin>";

/// Paths left out of every input (`exclude` in `.speclint.yaml`, `--exclude`), gitignore-style:
/// a pattern without `/` matches a name at any depth, one with `/` is anchored at its base
/// directory, and a pattern that matches a directory leaves out everything under it.
#[derive(Default)]
pub struct Exclude {
    sets: Vec<(PathBuf, globset::GlobSet)>,
}

impl Exclude {
    pub fn check_pattern(pattern: &str) -> Result<(), String> {
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
    pub fn add(&mut self, base: &Path, patterns: &[String]) -> Result<(), InputError> {
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

    pub fn is_empty(&self) -> bool {
        self.sets.is_empty()
    }

    pub fn matches(&self, path: &Path) -> bool {
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

/// `path` relative to the working directory when it is under it, as users name paths.
pub fn relative_to_cwd(path: PathBuf) -> PathBuf {
    std::env::current_dir()
        .ok()
        .and_then(|cwd| path.strip_prefix(&cwd).ok().map(Path::to_path_buf))
        .map(|p| {
            if p.as_os_str().is_empty() {
                PathBuf::from(".")
            } else {
                p
            }
        })
        .unwrap_or(path)
}

/// `path` made absolute against the working directory, with `.` and `..` resolved lexically.
fn absolute(path: &Path) -> PathBuf {
    let joined = if path.is_absolute() {
        path.to_path_buf()
    } else {
        std::env::current_dir().unwrap_or_default().join(path)
    };
    let mut out = PathBuf::new();
    for component in joined.components() {
        match component {
            std::path::Component::CurDir => {}
            std::path::Component::ParentDir => {
                out.pop();
            }
            other => out.push(other),
        }
    }
    out
}

/// How inputs are read.
#[derive(Default)]
pub struct ReadOptions {
    pub exclude: Exclude,
    /// Render Helm charts with `helm template` (`--helm`); without it their templates are skipped.
    pub helm: Option<Helm>,
}

/// An argument that named nothing to lint: a directory without manifests, or manifests
/// that are all excluded.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EmptyInput {
    /// The argument as given.
    pub arg: String,
    /// How many files it named that the exclude patterns left out.
    pub excluded: usize,
}

impl EmptyInput {
    /// `no Kubernetes manifests found in out/ (looked for *.yaml, *.yml, *.json)`.
    pub fn message(&self) -> String {
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
pub struct Notice {
    /// A warning; a note otherwise.
    pub warning: bool,
    pub text: String,
}

/// What was read.
#[derive(Debug, Default)]
pub struct Inputs {
    pub sources: SourceMap,
    /// Charts whose templates were skipped (no `--helm`), with the number of files.
    pub skipped_charts: Vec<(String, usize)>,
    /// Arguments that named nothing to lint.
    pub empty: Vec<EmptyInput>,
    /// Entries of walked directories that are not regular files (FIFOs, sockets, devices):
    /// never opened, since opening a FIFO blocks until a writer comes. As reports name files.
    pub skipped_special: Vec<String>,
    /// About encodings (UTF-16), in input order.
    pub notices: Vec<Notice>,
}

/// Reads every input. No path, or `-`, reads standard input. Directories are walked
/// recursively for manifests; arguments with glob characters are expanded here.
/// Each file is read once even if named twice; excluded files are not read. Files of a
/// Helm chart are replaced by the chart's render with `--helm`, else its templates are skipped.
/// Every read counts against `budget`.
pub fn read_all(
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
    for arg in &wanted {
        if arg == "-" {
            if !stdin_read {
                stdin_read = true;
                let bytes = budget.read(stdin, "standard input", None)?;
                inputs.add_decoded(STDIN_NAME.to_string(), bytes);
            }
            continue;
        }
        let expanded = expand(arg)?;
        inputs.skipped_special.extend(
            expanded
                .special
                .iter()
                .filter(|path| !exclude.matches(path))
                .map(|path| display_path(path)),
        );
        let mut found = 0;
        let mut excluded = 0;
        // Plain files are read together, in parallel, when the next chart or the end comes.
        let mut plain: Vec<PathBuf> = Vec::new();
        for path in expanded.files {
            if exclude.matches(&path) {
                excluded += 1;
                continue;
            }
            found += 1;
            if !seen.insert(path.clone()) {
                continue;
            }
            let chart = match charts.membership(&path) {
                helm::Membership::None => None,
                helm::Membership::Chart(root) if options.helm.is_some() => Some(root),
                helm::Membership::Chart(_) => None,
                helm::Membership::Template(root) => Some(root),
            };
            if chart.is_some() {
                read_files(std::mem::take(&mut plain), budget, &mut inputs)?;
            }
            match (chart, &options.helm) {
                (None, _) => plain.push(path),
                (Some(root), Some(settings)) => {
                    if rendered.insert(absolute(&root)) {
                        let bytes = helm::render(settings, &root, budget)?;
                        let mut render = SourceFile::new(helm::source_name(&root), bytes);
                        render.chart = Some(display_path(&root));
                        inputs.sources.add(render);
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
        }
        read_files(plain, budget, &mut inputs)?;
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

/// Reads `paths` and adds them in order. Regular files are read in parallel (the walk of a
/// chart tree is many small files), then counted against the budget in order, so what is
/// refused, and the message, are those of reading them one by one. The parallel reads stop
/// once the budget is spent; the files left are then read one by one, which reports it.
fn read_files(
    paths: Vec<PathBuf>,
    budget: &mut InputBudget,
    inputs: &mut Inputs,
) -> Result<(), InputError> {
    use rayon::prelude::*;
    use std::sync::atomic::{AtomicU64, Ordering};
    inputs.sources.reserve(paths.len());
    // A few files are read faster than threads start.
    if paths.len() < PARALLEL_READ_FILES {
        for path in &paths {
            let bytes = read_file(path, budget)?;
            inputs.add_decoded(display_path(path), bytes);
        }
        return Ok(());
    }
    let remaining = budget.remaining();
    let taken = AtomicU64::new(0);
    // Read and decoded side by side (the text checked as UTF-8 too); counted in order below.
    let prefetched: Vec<Option<(u64, SourceFile, encoding::Encoding)>> = paths
        .par_iter()
        .map(|path| {
            if taken.load(Ordering::Relaxed) > remaining {
                return None;
            }
            // Checked before opening: opening a FIFO would wait for its writer.
            let size = std::fs::metadata(path).ok().filter(|m| m.is_file())?.len();
            let mut file = std::fs::File::open(path).ok()?;
            let bytes = limit::read_at_most(&mut file, Some(size), remaining).ok()?;
            let length = bytes.len() as u64;
            taken.fetch_add(length, Ordering::Relaxed);
            let (file, found) = decoded(display_path(path), bytes);
            Some((length, file, found))
        })
        .collect();
    for (path, prefetched) in paths.iter().zip(prefetched) {
        match prefetched {
            Some((length, file, found)) => {
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
    Ok(())
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

/// Text from an input (a path, an argument) as it may be shown on a terminal: control
/// characters visible, on one line (see [`crate::report::untrusted`]).
pub fn shown(text: &str) -> String {
    crate::report::escape(text).into_owned()
}

fn display_path(path: &Path) -> String {
    let text = path.to_string_lossy();
    text.strip_prefix("./").unwrap_or(&text).to_string()
}

/// The files an argument names, and the special files its walk passed over.
#[derive(Default)]
struct Expanded {
    files: Vec<PathBuf>,
    special: Vec<PathBuf>,
}

fn expand(arg: &str) -> Result<Expanded, InputError> {
    let path = Path::new(arg);
    if path.is_dir() {
        return walk(path, None);
    }
    if path.exists() {
        return Ok(Expanded {
            files: vec![path.to_path_buf()],
            special: Vec::new(),
        });
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
    let expanded = walk(&glob_base(arg), Some(&matcher))?;
    // A pattern that matched only special files did match: they are noted, not missing.
    if expanded.files.is_empty() && expanded.special.is_empty() {
        return Err(InputError(format!(
            "{}: no file matches this pattern",
            shown(arg)
        )));
    }
    Ok(expanded)
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
fn walk(dir: &Path, glob: Option<&GlobMatcher>) -> Result<Expanded, InputError> {
    let mut expanded = Expanded::default();
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
        if regular {
            expanded.files.push(path.to_path_buf());
        } else {
            expanded.special.push(path.to_path_buf());
        }
    }
    Ok(expanded)
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
        assert_eq!(*sources.get(0).text, "a: 1\n");
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
