//! The scratch directory of a render, `.<out>.gatewright-staging-<pid>`
//! beside the output: the new tree is built in its `tree/`, and after the
//! exchange `tree/` holds the previous one until it is settled
//! ([`super::settle`]).
//!
//! A scratch directory is recognised by what is inside it, never by its
//! name: the render that creates it locks it (`flock`) and then writes a
//! marker naming the output into it. A later render removes (or restores) a
//! scratch directory only when the marker is there and names its output, and
//! the lock can be taken, i.e. the render that made it is dead. Anything
//! else beside the output, whatever its name, is left alone.

use std::fs::File;
use std::io::Write;
use std::path::{Path, PathBuf};

use super::fsops::{io, names, open_dir};
use super::out::Out;
use super::scan::has_header;
use super::settle::{Rules, settle};
use crate::diagnostic::Diagnostic;

const MARKER: &str = ".gatewright-scratch";
/// Present once the tree may have been exchanged: `tree/` may hold the previous output.
const EXCHANGED: &str = ".gatewright-exchanged";

/// A live scratch directory, locked for as long as this value lives.
pub(crate) struct Scratch {
    dir: PathBuf,
    _lock: File,
}

fn marker_text(out: &Out) -> Vec<u8> {
    use std::os::unix::ffi::OsStrExt;
    let mut text = b"gatewright render scratch directory of `".to_vec();
    text.extend_from_slice(out.name.as_bytes());
    text.extend_from_slice(b"`; removed by the next render of it once the render that made it is gone\n");
    text
}

fn prefix(out: &Out) -> std::ffi::OsString {
    let mut name = std::ffi::OsString::from(".");
    name.push(&out.name);
    name.push(".gatewright-staging-");
    name
}

impl Scratch {
    /// Create, lock and mark a new scratch directory for `out`.
    pub(crate) fn create(out: &Out) -> Result<Scratch, Diagnostic> {
        for n in 0u32.. {
            let mut name = prefix(out);
            name.push(std::process::id().to_string());
            if n > 0 {
                name.push(format!("-{n}"));
            }
            let dir = out.parent.join(name);
            match std::fs::create_dir(&dir) {
                Ok(()) => {}
                Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists && n < 1000 => continue,
                Err(e) => return Err(io("create", &dir, e)),
            }
            let lock = open_dir(&dir).map_err(|e| io("open", &dir, e))?;
            rustix::fs::flock(&lock, rustix::fs::FlockOperation::NonBlockingLockExclusive)
                .map_err(|e| io("lock", &dir, e))?;
            let scratch = Scratch { dir, _lock: lock };
            let marker = scratch.dir.join(MARKER);
            File::create_new(&marker)
                .and_then(|mut f| f.write_all(&marker_text(out)))
                .map_err(|e| io("write", &marker, e))?;
            return Ok(scratch);
        }
        unreachable!("the loop returns")
    }

    /// Where the new tree is built.
    pub(crate) fn tree(&self) -> PathBuf {
        self.dir.join("tree")
    }

    /// Where the previous tree goes when the exchange is two renames.
    pub(crate) fn old(&self) -> PathBuf {
        self.dir.join("old")
    }

    /// The scratch directory.
    pub(crate) fn dir(&self) -> &Path {
        &self.dir
    }

    /// Record that `tree/` may hold the previous output from now on.
    pub(crate) fn mark_exchanging(&self) -> Result<(), Diagnostic> {
        let path = self.dir.join(EXCHANGED);
        File::create(&path).map(drop).map_err(|e| io("write", &path, e))
    }

    /// Remove the scratch directory and everything in it.
    pub(crate) fn remove(self) -> Result<(), Diagnostic> {
        std::fs::remove_dir_all(&self.dir).map_err(|e| io("remove", &self.dir, e))
    }

    /// Leave the scratch directory to the user: no render removes it any more.
    pub(crate) fn keep(self) {
        let _ = std::fs::remove_file(self.dir.join(MARKER));
    }
}

/// The scratch directories of `out` whose render is gone, each locked.
fn dead(out: &Out) -> Vec<(PathBuf, File)> {
    use std::os::unix::ffi::OsStrExt;
    let prefix = prefix(out);
    let Ok(read) = std::fs::read_dir(&out.parent) else {
        return Vec::new();
    };
    let mut found: Vec<PathBuf> = read
        .filter_map(Result::ok)
        .filter(|e| e.file_name().as_bytes().starts_with(prefix.as_bytes()))
        .filter(|e| e.file_type().is_ok_and(|t| t.is_dir()))
        .map(|e| e.path())
        .collect();
    found.sort();
    let expected = marker_text(out);
    found
        .into_iter()
        .filter_map(|dir| {
            let lock = open_dir(&dir).ok()?;
            let marker = std::fs::symlink_metadata(dir.join(MARKER)).ok()?;
            if !marker.is_file() || crate::load::read_limited(&dir.join(MARKER), expected.len()).ok()? != expected {
                return None;
            }
            let free = rustix::fs::flock(&lock, rustix::fs::FlockOperation::NonBlockingLockExclusive).is_ok();
            (free && names(&dir, &lock)).then_some((dir, lock))
        })
        .collect()
}

/// With the parent locked and `out` missing: put back the previous tree
/// that a render killed between its two renames had moved aside.
pub(crate) fn restore(out: &Out) -> Result<(), Diagnostic> {
    if std::fs::symlink_metadata(&out.dir).is_ok() {
        return Ok(());
    }
    for (dir, _lock) in dead(out) {
        let old = dir.join("old");
        if std::fs::symlink_metadata(&old).is_ok_and(|m| m.is_dir()) {
            return std::fs::rename(&old, &out.dir).map_err(|e| io("restore", &out.dir, e));
        }
    }
    Ok(())
}

/// With `out` locked: clean up after renders that were killed. A staging
/// tree that was never exchanged is removed; a tree that may be the previous
/// output is settled like a live render would have (what gatewright did not
/// write or link is moved into the output, or the directory is left to the user).
pub(crate) fn recover(out: &Out) -> Result<(), Diagnostic> {
    for (dir, lock) in dead(out) {
        let scratch = Scratch { dir, _lock: lock };
        if std::fs::symlink_metadata(scratch.dir.join(EXCHANGED)).is_err() {
            scratch.remove()?;
            continue;
        }
        let mut stuck = Vec::new();
        for sub in [scratch.tree(), scratch.old()] {
            if std::fs::symlink_metadata(&sub).is_ok() {
                let rules = Rules {
                    known: &disposable,
                    replaceable: &|_, _, _| false,
                };
                stuck.extend(settle(&sub, &out.dir, &rules, false));
                if stuck.is_empty() {
                    let _ = std::fs::remove_dir(&sub);
                }
            }
        }
        if stuck.is_empty() {
            scratch.remove()?;
        } else {
            scratch.keep();
        }
    }
    Ok(())
}

/// In a dead render's previous tree: folders, generated files, and files
/// still linked from elsewhere (the output holds them) can go.
fn disposable(path: &Path, _rel: &Path, meta: &std::fs::Metadata) -> bool {
    use std::os::unix::fs::MetadataExt;
    meta.is_dir() || meta.nlink() > 1 || (meta.is_file() && has_header(path))
}
