//! Paths and argument text as users see them.

use std::path::{Path, PathBuf};

/// `path` relative to the working directory when it is under it, as users name paths.
pub(crate) fn relative_to_cwd(path: PathBuf) -> PathBuf {
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
pub(super) fn absolute(path: &Path) -> PathBuf {
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

/// Text from an input (a path, an argument) as it may be shown on a terminal: control
/// characters visible, on one line (see [`crate::untrusted`]).
pub(crate) fn shown(text: &str) -> String {
    crate::untrusted::escape(text).into_owned()
}
