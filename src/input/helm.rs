//! Helm charts among the inputs. Their templates are Go templates, not manifests: without
//! `--helm` they are skipped (and said so); with it, each chart is rendered by `helm template`
//! and its output is linted in their place.

use super::error::InputError;
use foldhash::HashMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

/// How charts are rendered (`--helm`).
#[derive(Clone, Debug)]
pub(crate) struct Helm {
    /// The helm program: `helm`, found on PATH.
    pub(crate) program: String,
    /// `helm template`'s release name.
    pub(crate) release: String,
    pub(crate) namespace: String,
    /// More arguments for `helm template` (`--helm-arg`), e.g. `--values=prod.yaml`.
    pub(crate) args: Vec<String>,
}

/// Finds the chart a file belongs to, with a cache of which directories hold a Chart.yaml.
#[derive(Default)]
pub(crate) struct Charts {
    has_chart_yaml: HashMap<PathBuf, bool>,
    /// The last file's directory and its membership, which every file of that directory
    /// shares; a walk gives a directory's files one after another.
    last: Option<(PathBuf, Membership)>,
}

/// Where a file stands with respect to Helm charts.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Membership {
    /// Not in a chart: a manifest like any other.
    None,
    /// In a chart, outside `templates/` and `charts/` (Chart.yaml, values, crds/, ci/).
    Chart(PathBuf),
    /// A template, or a subchart's file: not a manifest until rendered.
    Template(PathBuf),
}

impl Charts {
    fn is_chart(&mut self, dir: &Path) -> bool {
        if let Some(&known) = self.has_chart_yaml.get(dir) {
            return known;
        }
        let found = dir.join("Chart.yaml").is_file();
        self.has_chart_yaml.insert(dir.to_path_buf(), found);
        found
    }

    /// The outermost chart holding `file` (subcharts are rendered by their parent), and
    /// whether the file is one of its templates. The root is relative to the working
    /// directory when under it.
    pub(crate) fn membership(&mut self, file: &Path) -> Membership {
        // The chart root is a proper ancestor, so what is below it, past the file's own
        // directory, is the same for every file there.
        let dir = file.parent().unwrap_or(Path::new(""));
        if let Some((last, membership)) = &self.last {
            if last == dir {
                return membership.clone();
            }
        }
        let membership = self.membership_of(file);
        self.last = Some((dir.to_path_buf(), membership.clone()));
        membership
    }

    fn membership_of(&mut self, file: &Path) -> Membership {
        let absolute = super::paths::absolute(file);
        let mut outermost: Option<(usize, bool)> = None;
        for (depth, dir) in absolute.ancestors().skip(1).enumerate() {
            if !self.is_chart(dir) {
                continue;
            }
            let relative = absolute.strip_prefix(dir).unwrap_or(&absolute);
            let first = relative
                .components()
                .next()
                .map(|c| c.as_os_str().to_string_lossy().into_owned());
            let template = matches!(first.as_deref(), Some("templates" | "charts"))
                && relative.components().count() > 1;
            outermost = Some((depth, template));
        }
        let Some((depth, template)) = outermost else {
            return Membership::None;
        };
        let Some(root) = absolute.ancestors().nth(depth + 1) else {
            return Membership::None;
        };
        let root = super::paths::relative_to_cwd(root.to_path_buf());
        if template {
            Membership::Template(root)
        } else {
            Membership::Chart(root)
        }
    }
}

/// `helm template`'s output for one chart, bounded by `budget` like any input: a render
/// larger than the limit stops helm rather than memory.
pub(crate) fn render(
    helm: &Helm,
    chart: &Path,
    budget: &mut super::limit::InputBudget,
) -> Result<Vec<u8>, InputError> {
    let shown_chart = super::paths::shown(&chart.to_string_lossy());
    let mut child = Command::new(&helm.program)
        .arg("template")
        .arg(&helm.release)
        .arg(chart)
        .args(["--namespace", &helm.namespace, "--include-crds"])
        .args(&helm.args)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| {
            if e.kind() == std::io::ErrorKind::NotFound {
                InputError(format!(
                    "{shown_chart} is a Helm chart, and `{}` is not on PATH to render it: install Helm, or render it yourself (helm template {shown_chart} | speclint -)",
                    helm.program,
                ))
            } else {
                InputError(format!("cannot run {}: {e}", helm.program))
            }
        })?;
    // stderr is drained on its own thread so helm never blocks on a full pipe; only its
    // start is kept for the message.
    let stderr = child.stderr.take().map(|mut pipe| {
        std::thread::spawn(move || {
            let mut kept = Vec::new();
            let _ = std::io::Read::read_to_end(
                &mut std::io::Read::take(&mut pipe, MAX_STDERR_KEPT),
                &mut kept,
            );
            let _ = std::io::copy(&mut pipe, &mut std::io::sink());
            kept
        })
    });
    let name = format!("the output of helm template {shown_chart}");
    let stdout = match child.stdout.take() {
        Some(mut pipe) => budget.read(&mut pipe, &name, None),
        None => Ok(Vec::new()),
    };
    if stdout.is_err() {
        let _ = child.kill();
    }
    let status = child.wait();
    let stderr = stderr
        .and_then(|thread| thread.join().ok())
        .unwrap_or_default();
    let stdout = stdout?;
    let status = status.map_err(|e| InputError(format!("cannot run {}: {e}", helm.program)))?;
    if !status.success() {
        let stderr = String::from_utf8_lossy(&stderr);
        return Err(InputError(format!(
            "helm template {shown_chart} failed ({status}):\n  | {}",
            // helm's lines (a chart's `fail` message among them), each shown and indented.
            stderr
                .trim()
                .lines()
                .map(super::paths::shown)
                .collect::<Vec<_>>()
                .join("\n  | ")
        )));
    }
    Ok(stdout)
}

/// How much of helm's stderr is kept for an error message.
const MAX_STDERR_KEPT: u64 = 64 * 1024;

/// How a render is named in reports: like `<stdin>`, it is no file on disk.
pub(crate) fn source_name(chart: &Path) -> String {
    let text = chart.to_string_lossy();
    format!(
        "<helm template {}>",
        text.strip_prefix("./").unwrap_or(&text)
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn files_belong_to_the_outermost_chart() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        for name in [
            "charts/a/Chart.yaml",
            "charts/a/values.yaml",
            "charts/a/templates/webhook.yaml",
            "charts/a/crds/crd.yaml",
            "charts/a/charts/sub/Chart.yaml",
            "charts/a/charts/sub/templates/x.yaml",
            "plain/x.yaml",
        ] {
            std::fs::create_dir_all(root.join(name).parent().unwrap()).unwrap();
            std::fs::write(root.join(name), "k: v\n").unwrap();
        }
        let mut charts = Charts::default();
        let a = root.join("charts/a");
        assert_eq!(
            charts.membership(&root.join("charts/a/templates/webhook.yaml")),
            Membership::Template(a.clone())
        );
        assert_eq!(
            charts.membership(&root.join("charts/a/charts/sub/templates/x.yaml")),
            Membership::Template(a.clone())
        );
        assert_eq!(
            charts.membership(&root.join("charts/a/values.yaml")),
            Membership::Chart(a.clone())
        );
        assert_eq!(
            charts.membership(&root.join("charts/a/crds/crd.yaml")),
            Membership::Chart(a)
        );
        assert_eq!(
            charts.membership(&root.join("plain/x.yaml")),
            Membership::None
        );
        // In walk order, the answer kept for a directory is the one each file gets alone.
        let mut walked = Charts::default();
        for name in [
            "charts/a/Chart.yaml",
            "charts/a/values.yaml",
            "charts/a/charts/sub/Chart.yaml",
            "charts/a/charts/sub/templates/x.yaml",
            "charts/a/charts/sub/templates/y.yaml",
            "charts/a/templates/webhook.yaml",
            "charts/a/templates/other.yaml",
            "plain/x.yaml",
        ] {
            let file = root.join(name);
            assert_eq!(
                walked.membership(&file),
                Charts::default().membership(&file),
                "{name}"
            );
        }
        assert_eq!(
            source_name(Path::new("./charts/a")),
            "<helm template charts/a>"
        );
    }
}
