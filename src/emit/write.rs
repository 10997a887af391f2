//! Writing a tree to an output directory without losing anyone's files:
//! only files that carry the generated header are replaced or pruned, a
//! hand-written file in the way is an error, symlinks are refused, mounts
//! are never crossed, and the whole directory is replaced at once (see
//! [`super::swap`]), so an error, a crash or Ctrl-C mid-render leaves the
//! previous tree as it was. Every check runs before anything is written
//! ([`prepare`]), so that several trees can be checked before any is written.

use std::collections::BTreeSet;
use std::path::{Component, Path, PathBuf};

use rayon::prelude::*;

use super::Tree;
use super::fsops::io;
use super::lock::{self, Lock};
use super::out::{Out, resolve_out};
use super::scan::{self, Blocker, Found, Scan, in_the_way};
use super::swap::{self, Entry, Plan};
use super::{in_place, scratch};
use crate::diagnostic::{Code, Diagnostic};

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
    prepare(tree, out)?.commit(after_file)
}

/// A write that passed every check (paths outside the output, files in the
/// way, symlinks, mounts, immutable files) and holds the output's lock.
/// Dropping it writes nothing (and removes the output directory if the
/// check created it empty).
pub struct Pending<'t> {
    out: Out,
    lock: Lock,
    scan: Scan,
    plan: Plan<'t>,
    report: WriteReport,
    in_place: bool,
}

/// Check writing `tree` into `out` and take its lock; nothing is written
/// until [`Pending::commit`].
pub fn prepare<'t>(tree: &'t Tree, out: &Path) -> Result<Pending<'t>, Diagnostic> {
    if let Some(first) = tree.files.keys().find_map(|p| check_relative(p).err()) {
        return Err(first);
    }
    let out = resolve_out(out)?;
    let mut lock = lock::acquire(&out)?;
    match plan(tree, &out) {
        Ok((scan, plan, report, in_place)) => Ok(Pending {
            out,
            lock,
            scan,
            plan,
            report,
            in_place,
        }),
        Err(d) => {
            lock.undo_create();
            Err(d)
        }
    }
}

type Planned<'t> = (Scan, Plan<'t>, WriteReport, bool);

/// With the lock held: recover, scan, check, and compare.
fn plan<'t>(tree: &'t Tree, out: &Out) -> Result<Planned<'t>, Diagnostic> {
    scratch::recover(out)?;
    let existing = scan::scan_checked(&out.dir)?;
    check_collisions(tree, &out.dir, &existing)?;
    let in_place = scan::is_mount_point(&out.dir).map_err(|e| io("read", &out.dir, e))?;
    // Comparing is reading every file: on every core.
    let same: BTreeSet<&Path> = existing
        .par_iter()
        .filter(|(path, seen)| {
            seen.found == Found::File { generated: true }
                && path
                    .to_str()
                    .and_then(|p| tree.files.get(p))
                    .is_some_and(|text| read_equals(&out.dir.join(path), text))
        })
        .map(|(path, _)| path.as_path())
        .collect();
    let mut report = WriteReport::default();
    let mut entries: Vec<Entry> = Vec::new();
    let mut pruned = Vec::new();
    for (path, seen) in &existing {
        let generated = path.to_str().filter(|_| seen.found == Found::File { generated: true });
        match (seen.found, generated) {
            (Found::Dir, _) => entries.push(Entry::Dir(path.clone())),
            (_, Some(p)) if tree.files.contains_key(p) => {
                if same.contains(path.as_path()) {
                    entries.push(Entry::Keep(path.clone()));
                }
            }
            (_, Some(p)) => {
                report.removed.push(p.to_string());
                pruned.push(path.clone());
            }
            // Hand-written files, symlinks, and generated files whose name is not UTF-8 (never a tree path).
            _ => entries.push(Entry::Keep(path.clone())),
        }
    }
    report.unchanged = same.len();
    for (path, text) in &tree.files {
        if !same.contains(join(Path::new(""), path).as_path()) {
            report.written.push(path.clone());
            entries.push(Entry::Write(join(Path::new(""), path), text.as_bytes()));
        }
    }
    Ok((existing, Plan { entries, pruned }, report, in_place))
}

impl Pending<'_> {
    /// The output directory (absolute).
    pub fn dir(&self) -> &Path {
        &self.out.dir
    }

    /// Write the tree: from here on, only an I/O error (or a file changed in
    /// the output meanwhile, `GW712`) can stop it.
    pub fn commit(
        mut self,
        after_file: &mut (dyn FnMut(usize) -> Result<(), Diagnostic> + Send),
    ) -> Result<WriteReport, Diagnostic> {
        if self.report.written.is_empty() && self.report.removed.is_empty() {
            self.lock.keep();
            return Ok(self.report);
        }
        let written = if self.in_place {
            in_place::apply(&self.out, &self.scan, &self.plan, after_file)
        } else {
            swap::replace(&self.out, &self.scan, &self.plan, after_file)
        };
        match written {
            Ok(()) => self.lock.keep(),
            Err(_) => self.lock.undo_create(),
        }
        written.map(|()| self.report)
    }
}

fn read_equals(path: &Path, text: &str) -> bool {
    crate::load::read_limited(path, text.len()).is_ok_and(|b| b == text.as_bytes())
}

/// Every tree path must land on a generated file or nothing: not on a
/// hand-written file, a symlink or a directory, and not below one of them.
fn check_collisions(tree: &Tree, out: &Path, existing: &Scan) -> Result<(), Diagnostic> {
    let mut problems = Vec::new();
    for path in tree.files.keys() {
        let Some((prefix, blocker)) = in_the_way(path, |p| existing.get(Path::new(p)).map(|s| s.found)) else {
            continue;
        };
        problems.push(match blocker {
            Blocker::Symlink => (prefix, Code::OutputSymlink, "is a symlink"),
            Blocker::HandWritten => (prefix, Code::OutputInTheWay, "exists and was not written by gatewright"),
            Blocker::FileForFolder => (prefix, Code::OutputInTheWay, "is a file where a folder is needed"),
            Blocker::Folder => (prefix, Code::OutputInTheWay, "is a folder"),
            Blocker::Special => (prefix, Code::OutputInTheWay, "is not a regular file"),
        });
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
    Err(Diagnostic::error(*code, message).help(
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
            Code::OutputPathOutside,
            format!("refusing to write `{path}` outside the output directory"),
        )
        .help("output paths are derived from object names; check the blueprint that produced it"))
    }
}

/// The path of a tree file inside `out`.
pub(crate) fn join(out: &Path, rel: &str) -> PathBuf {
    rel.split('/').fold(out.to_path_buf(), |p, part| p.join(part))
}
