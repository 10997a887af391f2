//! File-level comparison of output trees: a rendered [`Tree`] against the
//! generated files in a directory, or against another tree.

use std::path::Path;

use serde::Serialize;

use crate::diagnostic::Diagnostic;
use crate::emit::Tree;
use crate::emit::read::{Found, scan};

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

/// How two trees differ, file by file.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct TreeDiff {
    /// Files on both sides with different text.
    pub changed: Vec<Changed>,
    /// Files only on the new side (for `check`: rendered, missing on disk).
    pub added: Vec<String>,
    /// Files only on the old side (for `check`: generated files on disk the spec no longer renders).
    pub removed: Vec<String>,
    /// Paths the new side writes where a file without the generated header
    /// (or a symlink) stands: `render` refuses them.
    pub blocked: Vec<String>,
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

/// Compare the generated files in `dir` (old) with `tree` (new). Files
/// without the generated header are ignored unless `tree` would write there.
pub fn compare_dir(tree: &Tree, dir: &Path) -> Result<TreeDiff, Diagnostic> {
    let (on_disk, foreign) = read_generated(dir)?;
    let mut d = compare_trees(&on_disk, tree);
    let blocked: Vec<String> = foreign
        .into_iter()
        .filter(|p| tree.files.contains_key(p) || tree.files.keys().any(|t| t.starts_with(&format!("{p}/"))))
        .collect();
    let keep: Vec<usize> = (0..d.added.len()).filter(|&i| !blocked.contains(&d.added[i])).collect();
    d.added_text = keep.iter().map(|&i| d.added_text[i].clone()).collect();
    d.added = keep.iter().map(|&i| d.added[i].clone()).collect();
    d.blocked = blocked;
    Ok(d)
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
            "GW722",
            format!("cannot read output tree `{}`: {problem}", dir.display()),
        )
        .help("pass two directories that `gatewright render --out` wrote"));
    }
    read_generated(dir).map(|(tree, _)| tree)
}

/// The generated files under `dir` as a tree, and the paths of everything
/// else that is not a folder (hand-written files, symlinks).
pub fn read_generated(dir: &Path) -> Result<(Tree, Vec<String>), Diagnostic> {
    if let Ok(meta) = std::fs::symlink_metadata(dir) {
        if meta.file_type().is_symlink() {
            return Err(
                Diagnostic::error("GW702", format!("output directory `{}` is a symlink", dir.display()))
                    .help("pass the real directory: gatewright never follows symlinks out of it"),
            );
        }
    }
    let mut tree = Tree::default();
    let mut foreign = Vec::new();
    for (path, found) in scan(dir)? {
        match found {
            Found::File { generated: true } => {
                let full = crate::emit::read::join(dir, &path);
                let bytes = crate::load::read_limited(&full, crate::load::OUTPUT_FILE_LIMIT).map_err(|e| {
                    Diagnostic::error("GW701", format!("cannot read `{}`: {e}", full.display()))
                        .help("check the output directory's permissions")
                })?;
                tree.files.insert(path, String::from_utf8_lossy(&bytes).into_owned());
            }
            Found::Dir => {}
            _ => foreign.push(path),
        }
    }
    Ok((tree, foreign))
}
