//! Replacing an output directory in one step. The new tree (generated files
//! plus hard links to everything else already there) is built in the
//! scratch directory beside the output ([`super::scratch`]), on the same
//! filesystem, made durable, locked, then exchanged with the output
//! directory (`renameat2(RENAME_EXCHANGE)` on Linux; elsewhere two renames,
//! recovered by the next run if a crash falls between them). The previous
//! tree is then settled ([`super::settle`]): what appeared in it since the
//! scan is carried into the new tree, or the trees are exchanged back and
//! the render fails.
//!
//! Durability, as Git's `core.fsyncMethod=batch` does for its objects: on
//! Linux one `syncfs` once the staging tree is written (data and metadata of
//! every file and folder on that filesystem reach the disk), then the
//! exchange, then an `fsync` of the parent directory. Elsewhere each file
//! and folder is synced on its own.

use std::collections::BTreeSet;
use std::fs::File;
use std::path::{Path, PathBuf};

use rayon::prelude::*;

use super::fsops::{copy_owner_and_mode, exchange, io, open_dir, remove_emptied_dirs, sync_dir, sync_tree, write_file};
use super::out::Out;
use super::scan::{Found, Ident, Scan, located};
use super::scratch::Scratch;
use super::settle::{Rules, settle};
use crate::diagnostic::{Code, Diagnostic};

/// Called after the n-th new file is written (to inject failures in tests).
pub(crate) type AfterFile<'h> = dyn FnMut(usize) -> Result<(), Diagnostic> + Send + 'h;

/// One entry of the new tree.
pub(crate) enum Entry<'a> {
    /// A folder that exists today.
    Dir(PathBuf),
    /// A file (or symlink) that exists today and stays as it is.
    Keep(PathBuf),
    /// A file to write with these bytes.
    Write(PathBuf, &'a [u8]),
}

impl Entry<'_> {
    /// Its path in the tree.
    pub(crate) fn rel(&self) -> &Path {
        match self {
            Entry::Dir(p) | Entry::Keep(p) | Entry::Write(p, _) => p,
        }
    }
}

/// The new tree.
pub(crate) struct Plan<'a> {
    /// Entries, folders before what they hold.
    pub entries: Vec<Entry<'a>>,
    /// Generated files left out (their folders go when nothing else is left).
    pub pruned: Vec<PathBuf>,
}

/// Each file synced on its own, where one `syncfs` cannot do it for all.
const PER_FILE_SYNC: bool = !cfg!(target_os = "linux");

/// Build the new tree in a scratch directory, swap it in, and settle the previous one.
pub(crate) fn replace(out: &Out, scan: &Scan, plan: &Plan, after_file: &mut AfterFile) -> Result<(), Diagnostic> {
    let scratch = Scratch::create(out)?;
    let staging = scratch.tree();
    let built = build(out, &staging, plan, after_file)
        .and_then(|()| sync_tree(&staging))
        .and_then(|()| open_dir(&staging).map_err(|e| io("open", &staging, e)))
        .and_then(|new| {
            // Locked before it becomes the output: a render that opens it next waits for this one.
            rustix::fs::flock(&new, rustix::fs::FlockOperation::NonBlockingLockExclusive)
                .map_err(|e| io("lock", &staging, e))?;
            scratch.mark_exchanging()?;
            Ok(new)
        });
    let _new_lock = match built {
        Ok(lock) => lock,
        Err(d) => {
            let _ = scratch.remove();
            return Err(d);
        }
    };
    let previous = match swap_in(out, &scratch) {
        Ok(previous) => previous,
        Err(e) => {
            let _ = scratch.remove();
            return Err(exchange_error(out, e));
        }
    };
    sync_dir(&out.parent);
    let scanned =
        |_: &Path, rel: &Path, meta: &std::fs::Metadata| scan.get(rel).is_some_and(|s| s.ident == Ident::of(meta));
    let rules = Rules {
        known: &scanned,
        replaceable: &scanned,
    };
    let conflicts = settle(&previous, &out.dir, &rules, true);
    if !conflicts.is_empty() {
        return undo(out, scratch, &previous, plan, &conflicts);
    }
    let deleted = deleted_since_scan(&previous, scan, plan);
    let stuck = settle(&previous, &out.dir, &rules, false);
    for rel in deleted {
        // Deleted during the render: the new tree must not bring it back.
        let path = out.dir.join(rel);
        let ours = std::fs::symlink_metadata(&path)
            .is_ok_and(|m| m.file_type().is_symlink() || scan.get(rel).is_some_and(|s| s.ident == Ident::of(&m)));
        if ours {
            let _ = std::fs::remove_file(&path);
        }
    }
    if stuck.is_empty() {
        return scratch.remove();
    }
    let kept = scratch.dir().to_path_buf();
    scratch.keep();
    Err(changed(out, &stuck).help(format!(
        "they were not lost: they are in `{}`; move them back and delete that folder",
        kept.display()
    )))
}

/// The kept entries (hand-written files, symlinks) gone from the previous tree since the scan.
fn deleted_since_scan<'p>(previous: &Path, scan: &Scan, plan: &'p Plan) -> Vec<&'p Path> {
    let generated = |rel: &Path| {
        scan.get(rel)
            .is_some_and(|s| s.found == Found::File { generated: true })
    };
    plan.entries
        .iter()
        .filter_map(|e| match e {
            Entry::Keep(rel) if !generated(rel) && std::fs::symlink_metadata(previous.join(rel)).is_err() => {
                Some(rel.as_path())
            }
            _ => None,
        })
        .collect()
}

/// Put the previous tree back after a conflict, and fail naming the paths.
fn undo(out: &Out, scratch: Scratch, previous: &Path, plan: &Plan, conflicts: &[PathBuf]) -> Result<(), Diagnostic> {
    let new = swap_back(out, &scratch, previous).map_err(|e| io("restore", &out.dir, e))?;
    sync_dir(&out.parent);
    let planned: BTreeSet<&Path> = plan.entries.iter().map(Entry::rel).collect();
    let rules = Rules {
        known: &|_, rel, _| planned.contains(rel),
        replaceable: &|_, _, _| false,
    };
    let stuck = settle(&new, &out.dir, &rules, false);
    if stuck.is_empty() {
        scratch.remove()?;
    } else {
        scratch.keep();
    }
    Err(changed(out, conflicts).help(
        "the output directory is as it was, with those changes: render again (gatewright never replaces a file changed during a render)",
    ))
}

fn changed(out: &Out, rels: &[PathBuf]) -> Diagnostic {
    let paths: Vec<PathBuf> = rels.iter().map(|r| out.dir.join(r)).collect();
    Diagnostic::error(
        Code::OutputChanged,
        located(
            &paths,
            "changed while gatewright was rendering, where the new tree has a file",
            "changed while gatewright was rendering, where the new tree has files",
        ),
    )
}

fn exchange_error(out: &Out, e: std::io::Error) -> Diagnostic {
    if e.raw_os_error() == Some(rustix::io::Errno::BUSY.raw_os_error()) {
        return Diagnostic::error(
            Code::OutputIo,
            format!("cannot replace `{}`: it is in use as a mount point", out.dir.display()),
        )
        .help("render into a folder inside the mount, or mount the volume at the output directory itself");
    }
    io("replace", &out.dir, e)
}

/// Exchange the staging tree with the output; returns where the previous tree now is.
fn swap_in(out: &Out, scratch: &Scratch) -> std::io::Result<PathBuf> {
    let staging = scratch.tree();
    if exchange(&staging, &out.dir).is_ok() {
        return Ok(staging);
    }
    let old = scratch.old();
    std::fs::rename(&out.dir, &old)?;
    if let Err(e) = std::fs::rename(&staging, &out.dir) {
        let _ = std::fs::rename(&old, &out.dir);
        return Err(e);
    }
    Ok(old)
}

/// Undo [`swap_in`]; returns where the new tree now is.
fn swap_back(out: &Out, scratch: &Scratch, previous: &Path) -> std::io::Result<PathBuf> {
    if exchange(previous, &out.dir).is_ok() {
        return Ok(previous.to_path_buf());
    }
    let new = scratch.tree();
    std::fs::rename(&out.dir, &new)?;
    std::fs::rename(previous, &out.dir)?;
    Ok(new)
}

fn build(out: &Out, staging: &Path, plan: &Plan, after_file: &mut AfterFile) -> Result<(), Diagnostic> {
    // Every folder once, parents first (a sorted set): then no file write needs to look for its folder.
    let mut folders = BTreeSet::new();
    folders.insert(staging.to_path_buf());
    for entry in &plan.entries {
        match entry {
            Entry::Dir(rel) => {
                folders.insert(staging.join(rel));
            }
            Entry::Keep(rel) | Entry::Write(rel, _) => {
                if let Some(parent) = staging.join(rel).parent() {
                    folders.insert(parent.to_path_buf());
                }
            }
        }
    }
    for folder in &folders {
        std::fs::create_dir_all(folder).map_err(|e| io("create", folder, e))?;
    }
    // Files on every core; `after_file` sees them one at a time, counted.
    let hook = std::sync::Mutex::new((0usize, after_file));
    plan.entries.par_iter().try_for_each(|entry| match entry {
        Entry::Dir(_) => Ok(()),
        Entry::Keep(rel) => carry(&out.dir.join(rel), &staging.join(rel)),
        Entry::Write(rel, bytes) => {
            let to = staging.join(rel);
            write_file(&to, bytes, PER_FILE_SYNC).map_err(|e| io("write", &to, e))?;
            copy_owner_and_mode(&out.dir.join(rel), &to);
            let mut guard = hook.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
            let (written, after_file) = &mut *guard;
            *written += 1;
            after_file(*written)
        }
    })?;
    remove_emptied_dirs(staging, &plan.pruned);
    for entry in plan.entries.iter().rev() {
        if let Entry::Dir(rel) = entry {
            copy_owner_and_mode(&out.dir.join(rel), &staging.join(rel));
        }
    }
    copy_owner_and_mode(&out.dir, staging);
    Ok(())
}

/// Bring an existing file into the new tree: a hard link (same inode, same
/// mtime), a copy when links are not possible, a new symlink for a symlink.
fn carry(from: &Path, to: &Path) -> Result<(), Diagnostic> {
    let meta = std::fs::symlink_metadata(from).map_err(|e| io("read", from, e))?;
    if meta.file_type().is_symlink() {
        let target = std::fs::read_link(from).map_err(|e| io("read", from, e))?;
        return std::os::unix::fs::symlink(&target, to).map_err(|e| io("keep symlink", from, e));
    }
    if !meta.is_file() {
        return Err(Diagnostic::error(
            Code::OutputInTheWay,
            format!("`{}` is not a regular file and cannot be carried over", from.display()),
        )
        .help("move sockets, FIFOs and devices out of the output directory"));
    }
    if std::fs::hard_link(from, to).is_ok() {
        return Ok(());
    }
    std::fs::copy(from, to).map(|_| ()).map_err(|e| io("copy", from, e))?;
    if PER_FILE_SYNC {
        File::open(to)
            .and_then(|f| f.sync_data())
            .map_err(|e| io("sync", to, e))?;
    }
    Ok(())
}
