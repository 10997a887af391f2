//! Replacing an output directory in one step. The new tree (generated files
//! plus hard links to everything else already there) is built in a staging
//! directory beside the output, on the same filesystem, then exchanged with
//! the output directory (`renameat2(RENAME_EXCHANGE)` on Linux; elsewhere two
//! renames, recovered by the next run if a crash falls between them).
//!
//! Scratch directories are named `.<out>.gatewright-staging-<pid>` and
//! `.<out>.gatewright-old-<pid>`, beside the output, never inside it. A lock
//! on the output's parent directory keeps two renders from interleaving; the
//! run that holds it removes scratch directories that a killed run left.

use std::ffi::OsString;

use rayon::prelude::*;
use std::fs::File;
use std::path::{Path, PathBuf};

use super::write::join;
use crate::diagnostic::Diagnostic;

/// The output directory, absolute, with its parent and name.
pub(crate) struct Out {
    /// The output directory.
    pub dir: PathBuf,
    parent: PathBuf,
    name: OsString,
}

/// Called after the n-th new file is written (to inject failures in tests).
pub(crate) type AfterFile<'h> = dyn FnMut(usize) -> Result<(), Diagnostic> + Send + 'h;

/// One entry of the new tree.
pub(crate) enum Entry<'a> {
    /// A folder that exists today.
    Dir(String),
    /// A file (or symlink) that exists today and stays as it is.
    Keep(String),
    /// A file to write with these bytes.
    Write(String, &'a [u8]),
}

/// The new tree.
pub(crate) struct Plan<'a> {
    /// Entries, folders before what they hold.
    pub entries: Vec<Entry<'a>>,
    /// Generated files left out (their folders go when nothing else is left).
    pub pruned: &'a [&'a str],
}

fn io(what: &str, p: &Path, e: std::io::Error) -> Diagnostic {
    Diagnostic::error("GW701", format!("cannot {what} `{}`: {e}", p.display()))
        .help("check the output directory's permissions and free space")
}

/// Check `out` (not a symlink, a directory if it exists), create its parent,
/// and make it absolute.
pub(crate) fn resolve_out(out: &Path) -> Result<Out, Diagnostic> {
    if let Ok(meta) = std::fs::symlink_metadata(out) {
        if meta.file_type().is_symlink() {
            return Err(
                Diagnostic::error("GW702", format!("output directory `{}` is a symlink", out.display()))
                    .help("pass the real directory: gatewright never writes through symlinks"),
            );
        }
        if !meta.is_dir() {
            return Err(
                Diagnostic::error("GW702", format!("output path `{}` is not a directory", out.display()))
                    .help("choose a directory for `--out`"),
            );
        }
        let dir = std::fs::canonicalize(out).map_err(|e| io("resolve", out, e))?;
        return split(dir, out);
    }
    let abs = std::path::absolute(out).map_err(|e| io("resolve", out, e))?;
    let (Some(parent), Some(name)) = (abs.parent(), abs.file_name()) else {
        return Err(
            Diagnostic::error("GW702", format!("`{}` cannot be an output directory", out.display()))
                .help("choose a directory for `--out`"),
        );
    };
    std::fs::create_dir_all(parent).map_err(|e| io("create", parent, e))?;
    let parent = std::fs::canonicalize(parent).map_err(|e| io("resolve", parent, e))?;
    split(parent.join(name), out)
}

fn split(dir: PathBuf, given: &Path) -> Result<Out, Diagnostic> {
    match (dir.parent(), dir.file_name()) {
        (Some(parent), Some(name)) => Ok(Out {
            parent: parent.to_path_buf(),
            name: name.to_os_string(),
            dir: dir.clone(),
        }),
        _ => Err(
            Diagnostic::error("GW702", format!("`{}` cannot be an output directory", given.display()))
                .help("choose a directory below the filesystem root for `--out`"),
        ),
    }
}

impl Out {
    fn scratch(&self, kind: &str) -> PathBuf {
        let mut name = OsString::from(".");
        name.push(&self.name);
        name.push(format!(".gatewright-{kind}-{}", std::process::id()));
        self.parent.join(name)
    }

    fn scratch_prefix(&self) -> String {
        format!(".{}.gatewright-", self.name.to_string_lossy())
    }
}

/// Lock held while a render writes; released on drop.
#[cfg(unix)]
pub(crate) struct Lock(#[allow(dead_code)] File);

/// Lock held while a render writes; released on drop.
#[cfg(not(unix))]
pub(crate) struct Lock(#[allow(dead_code)] File, PathBuf);

/// Take the render lock of `out`, or fail with GW705 when another render
/// holds it for more than a moment. On Unix: `flock` on the output's parent
/// directory (no lock file; released by the kernel when the process dies).
/// The moment (up to ~0.2 s) covers a child process forked by another thread
/// of the same program, which holds the lock from fork until exec.
#[cfg(unix)]
pub(crate) fn lock(out: &Out) -> Result<Lock, Diagnostic> {
    use rustix::fs::{FlockOperation, flock};
    const ATTEMPTS: u32 = 40;
    let file = File::open(&out.parent).map_err(|e| io("lock", &out.parent, e))?;
    for _ in 1..ATTEMPTS {
        match flock(&file, FlockOperation::NonBlockingLockExclusive) {
            Err(rustix::io::Errno::WOULDBLOCK) => std::thread::sleep(std::time::Duration::from_millis(5)),
            Ok(()) => return Ok(Lock(file)),
            Err(e) => return Err(io("lock", &out.parent, e.into())),
        }
    }
    match flock(&file, FlockOperation::NonBlockingLockExclusive) {
        Ok(()) => Ok(Lock(file)),
        Err(rustix::io::Errno::WOULDBLOCK) => Err(busy(out)),
        Err(e) => Err(io("lock", &out.parent, e.into())),
    }
}

/// Elsewhere: a lock file beside the output, created exclusively and
/// removed when the render ends.
#[cfg(not(unix))]
pub(crate) fn lock(out: &Out) -> Result<Lock, Diagnostic> {
    let mut name = OsString::from(".");
    name.push(&out.name);
    name.push(".gatewright-lock");
    let path = out.parent.join(name);
    match std::fs::OpenOptions::new().write(true).create_new(true).open(&path) {
        Ok(file) => Ok(Lock(file, path)),
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => Err(busy(out).help(format!(
            "wait for the other render; if none is running, delete `{}`",
            path.display()
        ))),
        Err(e) => Err(io("lock", &path, e)),
    }
}

fn busy(out: &Out) -> Diagnostic {
    Diagnostic::error(
        "GW705",
        format!("another gatewright render is writing `{}`", out.dir.display()),
    )
    .help("wait for it to finish and run again; renders of one directory never interleave")
}

#[cfg(not(unix))]
impl Drop for Lock {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.1);
    }
}

/// Clean up after a run that was killed: remove staging directories, and put
/// back an old tree that was moved aside but not replaced. Needs the lock.
pub(crate) fn recover(out: &Out) -> Result<(), Diagnostic> {
    let prefix = out.scratch_prefix();
    let Ok(read) = std::fs::read_dir(&out.parent) else {
        return Ok(());
    };
    let mut found: Vec<PathBuf> = read
        .filter_map(Result::ok)
        .filter(|e| e.file_name().to_string_lossy().starts_with(&prefix))
        .filter(|e| e.file_type().is_ok_and(|t| t.is_dir()))
        .map(|e| e.path())
        .collect();
    found.sort();
    for path in found {
        let name = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let old = name[prefix.len()..].starts_with("old-");
        if old && !out.dir.exists() {
            std::fs::rename(&path, &out.dir).map_err(|e| io("restore", &out.dir, e))?;
        } else {
            std::fs::remove_dir_all(&path).map_err(|e| io("remove", &path, e))?;
        }
    }
    Ok(())
}

/// Build the new tree in a staging directory and swap it in.
pub(crate) fn replace(out: &Out, exists: bool, plan: &Plan, after_file: &mut AfterFile) -> Result<(), Diagnostic> {
    let staging = out.scratch("staging");
    std::fs::create_dir(&staging).map_err(|e| io("create", &staging, e))?;
    if let Err(d) = build(out, exists, &staging, plan, after_file) {
        let _ = std::fs::remove_dir_all(&staging);
        return Err(d);
    }
    if !exists {
        return std::fs::rename(&staging, &out.dir).map_err(|e| {
            let _ = std::fs::remove_dir_all(&staging);
            io("create", &out.dir, e)
        });
    }
    if exchange(&staging, &out.dir).is_ok() {
        // `staging` now holds the previous tree.
        return std::fs::remove_dir_all(&staging).map_err(|e| io("remove", &staging, e));
    }
    let old = out.scratch("old");
    std::fs::rename(&out.dir, &old).map_err(|e| {
        let _ = std::fs::remove_dir_all(&staging);
        io("replace", &out.dir, e)
    })?;
    if let Err(e) = std::fs::rename(&staging, &out.dir) {
        let _ = std::fs::rename(&old, &out.dir);
        let _ = std::fs::remove_dir_all(&staging);
        return Err(io("replace", &out.dir, e));
    }
    std::fs::remove_dir_all(&old).map_err(|e| io("remove", &old, e))
}

fn build(out: &Out, exists: bool, staging: &Path, plan: &Plan, after_file: &mut AfterFile) -> Result<(), Diagnostic> {
    // Every folder once, parents first (a sorted set): then no file write needs to look for its folder.
    let mut folders = std::collections::BTreeSet::new();
    let mut dirs = Vec::new();
    for entry in &plan.entries {
        match entry {
            Entry::Dir(rel) => {
                folders.insert(join(staging, rel));
                dirs.push(rel.as_str());
            }
            Entry::Keep(rel) | Entry::Write(rel, _) => {
                if let Some(parent) = join(staging, rel).parent() {
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
        Entry::Keep(rel) => carry(&join(&out.dir, rel), &join(staging, rel)),
        Entry::Write(rel, bytes) => {
            let to = join(staging, rel);
            std::fs::write(&to, bytes).map_err(|e| io("write", &to, e))?;
            let mut guard = hook.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
            let (written, after_file) = &mut *guard;
            *written += 1;
            after_file(*written)
        }
    })?;
    remove_emptied_dirs(staging, plan.pruned);
    for rel in dirs.iter().rev() {
        copy_permissions(&join(&out.dir, rel), &join(staging, rel));
    }
    if exists {
        copy_permissions(&out.dir, staging);
    }
    Ok(())
}

/// Bring an existing file into the new tree: a hard link (same inode, same
/// mtime), a copy when links are not possible, a new symlink for a symlink.
fn carry(from: &Path, to: &Path) -> Result<(), Diagnostic> {
    let meta = std::fs::symlink_metadata(from).map_err(|e| io("read", from, e))?;
    if meta.file_type().is_symlink() {
        let target = std::fs::read_link(from).map_err(|e| io("read", from, e))?;
        return symlink(&target, to).map_err(|e| io("keep symlink", from, e));
    }
    if !meta.is_file() {
        return Err(Diagnostic::error(
            "GW703",
            format!("`{}` is not a regular file and cannot be carried over", from.display()),
        )
        .help("move sockets, FIFOs and devices out of the output directory"));
    }
    if std::fs::hard_link(from, to).is_ok() {
        return Ok(());
    }
    std::fs::copy(from, to).map(|_| ()).map_err(|e| io("copy", from, e))
}

#[cfg(unix)]
fn symlink(target: &Path, at: &Path) -> std::io::Result<()> {
    std::os::unix::fs::symlink(target, at)
}

#[cfg(not(unix))]
fn symlink(_target: &Path, _at: &Path) -> std::io::Result<()> {
    Err(std::io::Error::other(
        "symlinks in the output directory are not supported here",
    ))
}

fn copy_permissions(from: &Path, to: &Path) {
    if let Ok(meta) = std::fs::metadata(from) {
        let _ = std::fs::set_permissions(to, meta.permissions());
    }
}

/// Remove the folders that pruning left empty (and only those).
fn remove_emptied_dirs(root: &Path, removed: &[&str]) {
    let mut dirs = std::collections::BTreeSet::new();
    for path in removed {
        let mut p = Path::new(path).parent();
        while let Some(d) = p.filter(|d| !d.as_os_str().is_empty()) {
            dirs.insert(root.join(d));
            p = d.parent();
        }
    }
    for d in dirs.iter().rev() {
        let _ = std::fs::remove_dir(d);
    }
}

#[cfg(target_os = "linux")]
fn exchange(a: &Path, b: &Path) -> std::io::Result<()> {
    use rustix::fs::{CWD, RenameFlags, renameat_with};
    renameat_with(CWD, a, CWD, b, RenameFlags::EXCHANGE).map_err(std::io::Error::from)
}

#[cfg(not(target_os = "linux"))]
fn exchange(_a: &Path, _b: &Path) -> std::io::Result<()> {
    Err(std::io::Error::from(std::io::ErrorKind::Unsupported))
}
