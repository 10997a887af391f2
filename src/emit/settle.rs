//! After the exchange, the previous tree sits in the scratch directory. What
//! gatewright scanned and accounted for goes; anything else (a file an
//! editor saved while the render ran, by writing or by renaming over) is
//! moved into the live tree at the same path when that path is free. An
//! entry whose path is taken is "stuck": before anything is removed, the
//! caller exchanges the trees back and fails.

use std::path::{Path, PathBuf};

/// Whether an entry of the tree being settled is accounted for (may be
/// removed): called with its full path, its path relative to the tree, and
/// its metadata (not followed).
pub(crate) type Known<'a> = dyn Fn(&Path, &Path, &std::fs::Metadata) -> bool + 'a;

/// How to settle a tree: what may be removed from it, and what in the live
/// tree may be replaced (an entry carried over unchanged from the scan).
pub(crate) struct Rules<'a> {
    /// Entries of the settled tree that may be removed.
    pub known: &'a Known<'a>,
    /// Entries of the live tree that an entry moved in may replace.
    pub replaceable: &'a Known<'a>,
}

/// Settle `from` into `into`: remove what `rules.known` accounts for, move
/// the rest into `into`. Returns the relative paths that could be neither
/// (the path is taken in `into`). With `dry`, nothing is changed: the result
/// is what settling now would leave stuck.
pub(crate) fn settle(from: &Path, into: &Path, rules: &Rules, dry: bool) -> Vec<PathBuf> {
    let mut stuck = Vec::new();
    visit(from, into, Path::new(""), rules, dry, &mut stuck);
    stuck.sort();
    stuck
}

fn visit(from: &Path, into: &Path, rel: &Path, rules: &Rules, dry: bool, stuck: &mut Vec<PathBuf>) {
    let dir = from.join(rel);
    let Ok(read) = std::fs::read_dir(&dir) else {
        stuck.push(rel.to_path_buf());
        return;
    };
    let mut names: Vec<std::ffi::OsString> = read.filter_map(Result::ok).map(|e| e.file_name()).collect();
    names.sort();
    for name in names {
        let r = rel.join(&name);
        let path = from.join(&r);
        let Ok(meta) = std::fs::symlink_metadata(&path) else {
            continue;
        };
        let to = into.join(&r);
        let target = std::fs::symlink_metadata(&to).ok();
        let accounted = (rules.known)(&path, &r, &meta) || target.as_ref().is_some_and(|t| same(&path, &meta, t, &to));
        if meta.is_dir() && (accounted || target.as_ref().is_some_and(|t| t.is_dir())) {
            // A folder gatewright knows, or one the live tree has too: settle what it holds, then it goes.
            visit(from, into, &r, rules, dry, stuck);
            if !dry && std::fs::remove_dir(&path).is_err() {
                // Something appeared in it meanwhile: once more.
                visit(from, into, &r, rules, dry, stuck);
                if std::fs::remove_dir(&path).is_err() {
                    stuck.push(r);
                }
            }
        } else if accounted {
            if !dry && std::fs::remove_file(&path).is_err() {
                stuck.push(r);
            }
        } else if !parents_are_dirs(into, &r) {
            stuck.push(r);
        } else if let Some(t) = &target {
            // Only over an entry carried over unchanged: a file saved by rename over a kept one.
            let replaceable = !meta.is_dir() && !t.is_dir() && (rules.replaceable)(&to, &r, t);
            if !replaceable || (!dry && std::fs::rename(&path, &to).is_err()) {
                stuck.push(r);
            }
        } else if !dry {
            move_into(&path, into, &r, stuck);
        }
    }
}

/// Whether `from` (at `path`) and `to` (at `other`) are one file: the same
/// inode (a link gatewright made), or two symlinks to the same place.
fn same(path: &Path, from: &std::fs::Metadata, to: &std::fs::Metadata, other: &Path) -> bool {
    use std::os::unix::fs::MetadataExt;
    if from.file_type().is_symlink() && to.file_type().is_symlink() {
        return std::fs::read_link(path)
            .ok()
            .is_some_and(|a| std::fs::read_link(other).ok() == Some(a));
    }
    !from.is_dir() && from.dev() == to.dev() && from.ino() == to.ino()
}

/// Every folder above `rel` in `into` is a real folder or missing (then created).
fn parents_are_dirs(into: &Path, rel: &Path) -> bool {
    let mut at = into.to_path_buf();
    let Some(parent) = rel.parent() else { return true };
    for part in parent.components() {
        at.push(part);
        match std::fs::symlink_metadata(&at) {
            Ok(m) if m.is_dir() => {}
            Ok(_) => return false,
            Err(_) => return true,
        }
    }
    true
}

/// Move `path` to `into/rel` without replacing anything there, creating the
/// folders above it, and sync the folder it lands in.
fn move_into(path: &Path, into: &Path, rel: &Path, stuck: &mut Vec<PathBuf>) {
    let to = into.join(rel);
    let parent = to.parent().unwrap_or(into);
    let moved = std::fs::create_dir_all(parent).and_then(|()| super::fsops::rename_noreplace(path, &to));
    match moved {
        Ok(()) => super::fsops::sync_dir(parent),
        Err(_) => stuck.push(rel.to_path_buf()),
    }
}
