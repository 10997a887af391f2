//! File-level comparison of output trees: a rendered [`Tree`] against the
//! generated files in a directory, or against another tree.

use std::collections::BTreeMap;
use std::path::Path;

use serde::Serialize;

use crate::diagnostic::{Code, Diagnostic};
use crate::emit::Tree;
use crate::emit::read::{self, Blocker, Found, scan};

/// One file whose text differs.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Changed {
    /// Relative path.
    pub path: String,
    /// Text on the old side.
    pub old: String,
    /// Text on the new side.
    pub new: String,
}

/// A path of the output directory that is in the way of a rendered file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Blocked {
    /// Relative path of what is in the way.
    pub path: String,
    /// What it is, as a phrase: "is a hand-written file", "is a symlink", ...
    pub what: &'static str,
}

/// How two trees differ, file by file.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct TreeDiff {
    /// Files on both sides with different text.
    pub changed: Vec<Changed>,
    /// Files only on the new side (for `check`: rendered, missing on disk).
    pub added: Vec<String>,
    /// Files only on the old side (for `check`: generated files on disk the spec no longer renders).
    pub removed: Vec<String>,
    /// What stands where the new side writes and makes `render` refuse:
    /// a hand-written file, a symlink, a folder, or a file where a folder is needed.
    pub blocked: Vec<Blocked>,
    /// Text of the added files (for diffs).
    #[serde(skip)]
    pub added_text: Vec<String>,
    /// Text of the removed files (for diffs).
    #[serde(skip)]
    pub removed_text: Vec<String>,
}

impl TreeDiff {
    /// Whether the trees are identical.
    pub fn is_empty(&self) -> bool {
        self.changed.is_empty() && self.added.is_empty() && self.removed.is_empty() && self.blocked.is_empty()
    }
}

/// Compare two trees, `old` → `new`.
pub fn compare_trees(old: &Tree, new: &Tree) -> TreeDiff {
    let mut d = TreeDiff::default();
    for (path, text) in &new.files {
        match old.files.get(path) {
            None => {
                d.added.push(path.clone());
                d.added_text.push(text.clone());
            }
            Some(o) if o != text => d.changed.push(Changed {
                path: path.clone(),
                old: o.clone(),
                new: text.clone(),
            }),
            Some(_) => {}
        }
    }
    for (path, text) in old.files.iter().filter(|(p, _)| !new.files.contains_key(*p)) {
        d.removed.push(path.clone());
        d.removed_text.push(text.clone());
    }
    d
}

/// Compare the generated files in `dir` (old) with `tree` (new). What is
/// not generated is ignored unless it is in the way of a path of `tree`, by
/// the same rule `render` refuses it.
pub fn compare_dir(tree: &Tree, dir: &Path) -> Result<TreeDiff, Diagnostic> {
    let (on_disk, found) = read_found(dir)?;
    let mut d = compare_trees(&on_disk, tree);
    let mut blocked: Vec<Blocked> = tree.files.keys().filter_map(|p| in_the_way(p, &found)).collect();
    blocked.sort_by(|a, b| a.path.cmp(&b.path));
    blocked.dedup();
    let stands = |p: &str| {
        blocked
            .iter()
            .any(|b| p == b.path || p.starts_with(&format!("{}/", b.path)))
    };
    let keep: Vec<usize> = (0..d.added.len()).filter(|&i| !stands(&d.added[i])).collect();
    d.added_text = keep.iter().map(|&i| d.added_text[i].clone()).collect();
    d.added = keep.iter().map(|&i| d.added[i].clone()).collect();
    d.blocked = blocked;
    Ok(d)
}

/// What on disk keeps `render` from writing `path`, checking each folder on the way.
fn in_the_way(path: &str, found: &BTreeMap<String, Found>) -> Option<Blocked> {
    let (path, blocker) = read::in_the_way(path, |prefix| found.get(prefix).copied())?;
    let what = match blocker {
        Blocker::Symlink => "is a symlink",
        Blocker::HandWritten => "is a hand-written file (no generated header)",
        Blocker::FileForFolder => "is a file where a folder is needed",
        Blocker::Folder => "is a folder where a file is needed",
        Blocker::Special => "is not a regular file",
    };
    Some(Blocked { path, what })
}

/// The generated files of an output directory that must exist (`diff
/// --trees`): a missing, unreadable or non-directory path is GW722, where
/// [`read_generated`] takes a missing directory as an empty tree.
pub fn read_existing(dir: &Path) -> Result<Tree, Diagnostic> {
    let problem = match std::fs::symlink_metadata(dir) {
        Err(e) => Some(e.to_string()),
        Ok(meta) if !meta.is_dir() && !meta.file_type().is_symlink() => Some("not a directory".into()),
        Ok(meta) if meta.is_dir() => std::fs::read_dir(dir).err().map(|e| e.to_string()),
        Ok(_) => None,
    };
    if let Some(problem) = problem {
        return Err(Diagnostic::error(
            Code::UnreadableTree,
            format!("cannot read output tree `{}`: {problem}", dir.display()),
        )
        .help("pass two directories that `gatewright render --out` wrote"));
    }
    read_generated(dir).map(|(tree, _)| tree)
}

/// The generated files under `dir` as a tree, and the paths of everything
/// else that is not a folder (hand-written files, symlinks).
pub fn read_generated(dir: &Path) -> Result<(Tree, Vec<String>), Diagnostic> {
    let (tree, found) = read_found(dir)?;
    let foreign = found
        .into_iter()
        .filter(|(_, f)| !matches!(f, Found::Dir | Found::File { generated: true }))
        .map(|(p, _)| p)
        .collect();
    Ok((tree, foreign))
}

/// The generated files under `dir` as a tree, and everything found there.
fn read_found(dir: &Path) -> Result<(Tree, BTreeMap<String, Found>), Diagnostic> {
    if let Ok(meta) = std::fs::symlink_metadata(dir) {
        if meta.file_type().is_symlink() {
            return Err(Diagnostic::error(
                Code::OutputSymlink,
                format!("output directory `{}` is a symlink", dir.display()),
            )
            .help("pass the real directory: gatewright never follows symlinks out of it"));
        }
    }
    let mut tree = Tree::default();
    let found = scan(dir)?;
    for (path, f) in &found {
        if matches!(f, Found::File { generated: true }) {
            let full = crate::emit::read::join(dir, path);
            let bytes = crate::load::read_limited(&full, crate::load::OUTPUT_FILE_LIMIT).map_err(|e| {
                Diagnostic::error(Code::OutputIo, format!("cannot read `{}`: {e}", full.display()))
                    .help("check the output directory's permissions")
            })?;
            tree.files
                .insert(path.clone(), String::from_utf8_lossy(&bytes).into_owned());
        }
    }
    Ok((tree, found))
}
