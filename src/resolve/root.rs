//! The directory local `manifests:` must lie in: `--manifests-under DIR`
//! when given, else the Git work tree that holds the spec (found by walking
//! up to a `.git`, without running Git), else the spec's own folder. A
//! vendored manifest is copied into the output and printed by `check` and
//! `diff`, so a file from elsewhere on the machine (`/proc/self/environ`)
//! must never get there.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Component, Path, PathBuf};

use crate::diagnostic::{Code, Diagnostic};

/// Where the manifest root came from (it words GW328).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RootKind {
    /// `--manifests-under DIR`.
    Flag,
    /// The Git work tree that holds the spec.
    Repository,
    /// The spec's folder (the spec is in no Git work tree).
    SpecFolder,
}

/// The directory local manifests must lie in, canonical.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ManifestRoot {
    /// The directory, symlinks resolved.
    pub dir: PathBuf,
    /// How it was chosen.
    pub kind: RootKind,
}

impl ManifestRoot {
    /// The root for `spec` (a file or folder): `under` when given, else the
    /// spec's Git work tree, else its folder.
    ///
    /// # Errors
    /// GW101 when `under` or the spec's folder cannot be resolved.
    pub fn for_spec(spec: &Path, under: Option<&Path>) -> Result<Self, Diagnostic> {
        if let Some(dir) = under {
            return match std::fs::canonicalize(dir) {
                Ok(dir) if dir.is_dir() => Ok(Self {
                    dir,
                    kind: RootKind::Flag,
                }),
                Ok(_) => Err(bad_under(dir, "not a directory")),
                Err(e) => Err(bad_under(dir, &e.to_string())),
            };
        }
        let folder = if spec.is_dir() {
            spec
        } else {
            spec.parent()
                .filter(|p| !p.as_os_str().is_empty())
                .unwrap_or(Path::new("."))
        };
        let folder = std::fs::canonicalize(folder).map_err(|e| {
            Diagnostic::error(
                Code::UnreadableFile,
                format!("cannot resolve the spec's folder `{}`: {e}", folder.display()),
            )
            .help("pass an existing spec file or folder")
        })?;
        Ok(match work_tree(&folder) {
            Some(dir) => Self {
                dir,
                kind: RootKind::Repository,
            },
            None => Self {
                dir: folder,
                kind: RootKind::SpecFolder,
            },
        })
    }

    /// Whether a manifest at `path` may be read: inside the root, symlinks
    /// resolved, and in no `.git` folder (a work tree's own data, e.g. the
    /// credentials a CI checkout leaves in `.git/config`). Only metadata is
    /// looked at: a refused file is never opened. A path that does not
    /// exist is judged by its nearest existing ancestor (reading it then
    /// fails with GW323).
    pub fn allows(&self, path: &Path) -> bool {
        self.refusal(path, "").is_none()
    }

    /// The GW328 message and help when manifest `entry`, at `path`, may not
    /// be read ([`ManifestRoot::allows`]); `None` when it may.
    pub fn refusal(&self, path: &Path, entry: &str) -> Option<(String, String)> {
        self.judge(resolved(path).as_deref(), entry)
    }

    /// [`ManifestRoot::allows`] for a `path` whose folder was resolved
    /// beforehand ([`resolved_folders`]): a folder's links are resolved once
    /// for all its files, and only the file itself is looked at here. A file
    /// that is a link, is missing, or whose folder did not resolve is judged
    /// by [`ManifestRoot::allows`].
    pub fn allows_in(&self, path: &Path, folders: &BTreeMap<PathBuf, PathBuf>) -> bool {
        let folder = path.parent().and_then(|p| folders.get(p));
        let plain = || std::fs::symlink_metadata(path).is_ok_and(|m| !m.file_type().is_symlink());
        match (folder, path.file_name()) {
            (Some(folder), Some(name)) if plain() => self.judge(Some(&folder.join(name)), "").is_none(),
            _ => self.allows(path),
        }
    }

    /// [`ManifestRoot::refusal`] of the manifest at `resolved` (canonical; `None` when it did not resolve).
    fn judge(&self, resolved: Option<&Path>, entry: &str) -> Option<(String, String)> {
        let inside = resolved.and_then(|p| p.strip_prefix(&self.dir).ok());
        match inside {
            Some(rel) if rel.components().any(|c| c.as_os_str() == ".git") => Some((
                format!("manifest `{entry}` is inside a `.git` folder"),
                "a `.git` folder holds Git's own data (and a CI checkout's credentials): list a manifest of the work tree".into(),
            )),
            Some(_) => None,
            None => Some(self.outside(entry)),
        }
    }

    /// The GW328 message and help for a manifest outside the root.
    fn outside(&self, entry: &str) -> (String, String) {
        let dir = shown(&self.dir);
        let widen = "vendor a copy inside it, or reference the manifest by URL";
        match self.kind {
            RootKind::Flag => (
                format!("manifest `{entry}` is outside `{dir}` (`--manifests-under`)"),
                "move the manifest under that directory, or reference it by URL".to_string(),
            ),
            RootKind::Repository => (
                format!("manifest `{entry}` is outside the repository `{dir}` that holds the spec"),
                format!("{widen}; `--manifests-under DIR` sets another root"),
            ),
            RootKind::SpecFolder => (
                format!("manifest `{entry}` is outside the spec's folder `{dir}` (the spec is in no Git work tree)"),
                format!("{widen}; `--manifests-under DIR` sets another root"),
            ),
        }
    }
}

/// `dir` relative to the current directory when one holds the other
/// (`.`, `../..`, `site`), else absolute: what a user would type.
fn shown(dir: &Path) -> String {
    let Some(cwd) = std::env::current_dir().ok().and_then(|c| std::fs::canonicalize(c).ok()) else {
        return dir.display().to_string();
    };
    if let Ok(below) = dir.strip_prefix(&cwd) {
        return if below.as_os_str().is_empty() {
            ".".into()
        } else {
            crate::source::display_path(below)
        };
    }
    match cwd.strip_prefix(dir) {
        Ok(up) => vec![".."; up.components().count()].join("/"),
        Err(_) => dir.display().to_string(),
    }
}

fn bad_under(dir: &Path, why: &str) -> Diagnostic {
    Diagnostic::error(
        Code::UnreadableFile,
        format!("cannot use `--manifests-under {}`: {why}", dir.display()),
    )
    .help("name an existing directory, e.g. the repository's root")
}

/// The nearest folder from `dir` (canonical) up that holds a `.git` (a
/// folder, or the file of a linked work tree), staying on `dir`'s file
/// system as Git does.
pub fn work_tree(dir: &Path) -> Option<PathBuf> {
    let start = device(dir)?;
    for folder in dir.ancestors() {
        if device(folder) != Some(start) {
            return None;
        }
        if std::fs::symlink_metadata(folder.join(".git")).is_ok() {
            return Some(folder.to_path_buf());
        }
    }
    None
}

#[cfg(unix)]
fn device(dir: &Path) -> Option<u64> {
    use std::os::unix::fs::MetadataExt;
    std::fs::metadata(dir).ok().map(|m| m.dev())
}

#[cfg(not(unix))]
fn device(dir: &Path) -> Option<u64> {
    std::fs::metadata(dir).ok().map(|_| 0)
}

/// The folders of `paths`, each with its symlinks resolved (those that
/// resolve), for [`ManifestRoot::allows_in`].
pub fn resolved_folders<'a>(paths: impl IntoIterator<Item = &'a PathBuf>) -> BTreeMap<PathBuf, PathBuf> {
    let folders: BTreeSet<&Path> = paths.into_iter().filter_map(|p| p.parent()).collect();
    folders
        .into_iter()
        .filter_map(|f| Some((f.to_path_buf(), std::fs::canonicalize(f).ok()?)))
        .collect()
}

/// `path` absolute with symlinks resolved: its longest existing prefix
/// canonicalized, the rest appended lexically (a missing folder is no link).
pub fn resolved(path: &Path) -> Option<PathBuf> {
    let abs = if path.is_absolute() {
        path.to_path_buf()
    } else {
        std::env::current_dir().ok()?.join(path)
    };
    let parts: Vec<Component> = abs.components().collect();
    for keep in (1..=parts.len()).rev() {
        let prefix: PathBuf = parts[..keep].iter().collect();
        let Ok(mut out) = std::fs::canonicalize(&prefix) else {
            continue;
        };
        for part in &parts[keep..] {
            match part {
                Component::Normal(p) => out.push(p),
                Component::ParentDir => {
                    out.pop();
                }
                _ => {}
            }
        }
        return Some(out);
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_missing_file_is_judged_by_its_folder() {
        let dir = tempfile::tempdir().expect("tempdir");
        let root = std::fs::canonicalize(dir.path()).expect("canonical");
        std::fs::create_dir(root.join("site")).expect("mkdir");
        assert_eq!(
            resolved(&root.join("site/missing/../x.yaml")),
            Some(root.join("site/x.yaml"))
        );
        let r = ManifestRoot {
            dir: root.join("site"),
            kind: RootKind::SpecFolder,
        };
        assert!(r.allows(&root.join("site/no/such.yaml")));
        assert!(!r.allows(&root.join("site/../other.yaml")));
        assert!(!r.allows(Path::new("/proc/self/environ")));
        assert!(!r.allows(&root.join("site/.git/config")));
    }

    #[test]
    fn the_work_tree_is_found_by_its_dot_git() {
        let dir = tempfile::tempdir().expect("tempdir");
        let root = std::fs::canonicalize(dir.path()).expect("canonical");
        std::fs::create_dir_all(root.join("a/b")).expect("mkdir");
        assert_eq!(work_tree(&root.join("a/b")), None);
        std::fs::write(root.join("a/.git"), "gitdir: elsewhere\n").expect("write");
        assert_eq!(work_tree(&root.join("a/b")), Some(root.join("a")));
    }
}
