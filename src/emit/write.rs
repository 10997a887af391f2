//! Writing a tree to an output directory without losing anyone's files:
//! only files that carry the generated header are replaced or pruned, a
//! hand-written file in the way is an error, symlinks are refused, and the
//! whole directory is replaced at once (see [`super::swap`]), so an error, a
//! crash or Ctrl-C mid-render leaves the previous tree as it was.

use std::collections::BTreeMap;
use std::path::{Component, Path, PathBuf};

use rayon::prelude::*;
use walkdir::WalkDir;

use super::Tree;
use super::swap::{self, Entry, Plan};
use crate::diagnostic::Diagnostic;
use crate::normalize::is_generated;

/// What a write changed.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct WriteReport {
    /// Files created or rewritten.
    pub written: Vec<String>,
    /// Files already up to date (left untouched, mtime kept).
    pub unchanged: usize,
    /// Stale generated files removed.
    pub removed: Vec<String>,
}

/// Write `tree` into `out`, replacing the previous tree atomically.
///
/// Another render of the same directory running at the same time makes this
/// fail with `GW705` after a moment (it does not wait for the other render).
pub fn write_tree(tree: &Tree, out: &Path) -> Result<WriteReport, Diagnostic> {
    write_tree_hooked(tree, out, &mut |_| Ok(()))
}

/// [`write_tree`], calling `after_file(n)` after the n-th new file is staged.
/// For failure-injection tests: an `Err` (or a process abort) there must
/// leave the previous tree intact.
#[doc(hidden)]
pub fn write_tree_hooked(
    tree: &Tree,
    out: &Path,
    after_file: &mut (dyn FnMut(usize) -> Result<(), Diagnostic> + Send),
) -> Result<WriteReport, Diagnostic> {
    let errors: Vec<Diagnostic> = tree.files.keys().filter_map(|p| check_relative(p).err()).collect();
    if let Some(first) = errors.into_iter().next() {
        return Err(first);
    }
    let out = swap::resolve_out(out)?;
    let _lock = swap::lock(&out)?;
    swap::recover(&out)?;
    let existing = scan(&out.dir)?;
    check_collisions(tree, &out.dir, &existing)?;
    let mut report = WriteReport::default();
    let mut entries: Vec<Entry> = Vec::new();
    // Comparing is reading every file: on every core.
    let same: std::collections::BTreeSet<&str> = existing
        .par_iter()
        .filter(|(path, found)| {
            **found == Found::File { generated: true }
                && tree
                    .files
                    .get(*path)
                    .is_some_and(|text| read_equals(&join(&out.dir, path), text))
        })
        .map(|(path, _)| path.as_str())
        .collect();
    for (path, found) in &existing {
        match found {
            Found::Dir => entries.push(Entry::Dir(path.clone())),
            Found::Other | Found::Symlink | Found::File { generated: false } => entries.push(Entry::Keep(path.clone())),
            Found::File { generated: true } => match tree.files.get(path) {
                Some(_) if same.contains(path.as_str()) => entries.push(Entry::Keep(path.clone())),
                Some(_) => {}
                None => report.removed.push(path.clone()),
            },
        }
    }
    report.unchanged = same.len();
    for (path, text) in &tree.files {
        if !same.contains(path.as_str()) {
            report.written.push(path.clone());
            entries.push(Entry::Write(path.clone(), text.as_bytes()));
        }
    }
    let exists = out.dir.exists();
    if report.written.is_empty() && report.removed.is_empty() && exists {
        return Ok(report);
    }
    let pruned: Vec<&str> = report.removed.iter().map(String::as_str).collect();
    let plan = Plan {
        entries,
        pruned: &pruned,
    };
    swap::replace(&out, exists, &plan, after_file)?;
    Ok(report)
}

/// What is at a path inside the output directory.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Found {
    /// A regular file, and whether it carries the generated header.
    File {
        /// Starts with the generated header.
        generated: bool,
    },
    /// A directory.
    Dir,
    /// A symbolic link (never followed).
    Symlink,
    /// A socket, FIFO or device.
    Other,
}

/// Everything under `out` by relative path (`/`-separated), sorted; symlinks are not followed.
pub(crate) fn scan(out: &Path) -> Result<BTreeMap<String, Found>, Diagnostic> {
    let mut found = BTreeMap::new();
    if !out.exists() {
        return Ok(found);
    }
    let mut files = Vec::new();
    for entry in WalkDir::new(out).follow_links(false).min_depth(1).sort_by_file_name() {
        let entry = entry.map_err(|e| {
            Diagnostic::error("GW701", format!("cannot read `{}`: {e}", out.display()))
                .help("check the output directory's permissions")
        })?;
        let Ok(rel) = entry.path().strip_prefix(out) else {
            continue;
        };
        let rel = rel.to_string_lossy().replace('\\', "/");
        let ft = entry.file_type();
        let kind = if ft.is_symlink() {
            Found::Symlink
        } else if ft.is_dir() {
            Found::Dir
        } else if ft.is_file() {
            files.push((rel, entry.into_path()));
            continue;
        } else {
            Found::Other
        };
        found.insert(rel, kind);
    }
    // Reading each file's first line: on every core.
    let headers: Vec<(String, Found)> = files
        .into_par_iter()
        .map(|(rel, path)| {
            let generated = has_header(&path);
            (rel, Found::File { generated })
        })
        .collect();
    found.extend(headers);
    Ok(found)
}

fn has_header(path: &Path) -> bool {
    crate::load::read_head(path, 64).is_ok_and(|head| is_generated(&head))
}

fn read_equals(path: &Path, text: &str) -> bool {
    crate::load::read_limited(path, text.len()).is_ok_and(|b| b == text.as_bytes())
}

/// Every tree path must land on a generated file or nothing: not on a
/// hand-written file, a symlink or a directory, and not below one of them.
fn check_collisions(tree: &Tree, out: &Path, existing: &BTreeMap<String, Found>) -> Result<(), Diagnostic> {
    let mut problems = Vec::new();
    for path in tree.files.keys() {
        let mut prefix = String::new();
        for (i, part) in path.split('/').enumerate() {
            if i > 0 {
                prefix.push('/');
            }
            prefix.push_str(part);
            let last = prefix.len() == path.len();
            match existing.get(&prefix) {
                Some(Found::Symlink) => problems.push((prefix.clone(), "GW702", "is a symlink")),
                Some(Found::File { generated: false }) => {
                    problems.push((prefix.clone(), "GW703", "exists and was not written by gatewright"))
                }
                Some(Found::File { generated: true }) if !last => {
                    problems.push((prefix.clone(), "GW703", "is a file where a folder is needed"))
                }
                Some(Found::Dir) if last => problems.push((prefix.clone(), "GW703", "is a folder")),
                Some(Found::Other) => problems.push((prefix.clone(), "GW703", "is not a regular file")),
                _ => continue,
            }
            break;
        }
    }
    problems.sort();
    problems.dedup();
    let Some((first, code, what)) = problems.first() else {
        return Ok(());
    };
    let names: Vec<String> = problems
        .iter()
        .map(|(p, _, _)| format!("`{}`", out.join(p).display()))
        .collect();
    let message = if names.len() == 1 {
        format!("`{}` {what}", out.join(first).display())
    } else {
        format!(
            "{} paths gatewright writes are taken: {}",
            names.len(),
            names.join(", ")
        )
    };
    Err(Diagnostic::error(code, message).help(
        "move or rename what is in the way: gatewright never overwrites files without its header \
         and never writes through symlinks",
    ))
}

fn check_relative(path: &str) -> Result<(), Diagnostic> {
    let ok = !path.is_empty() && Path::new(path).components().all(|c| matches!(c, Component::Normal(_)));
    if ok {
        Ok(())
    } else {
        Err(Diagnostic::error(
            "GW704",
            format!("refusing to write `{path}` outside the output directory"),
        )
        .help("output paths are derived from object names; check the blueprint that produced it"))
    }
}

/// The path of a tree file inside `out`.
pub(crate) fn join(out: &Path, rel: &str) -> PathBuf {
    rel.split('/').fold(out.to_path_buf(), |p, part| p.join(part))
}
