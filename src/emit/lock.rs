//! Which directory a render writes, and the lock that keeps two renders of
//! it from interleaving.
//!
//! The lock is an `flock` on the output directory itself, so renders of two
//! sibling outputs (`deploy-a`, `deploy-b`) never wait for each other, and no
//! lock file is left anywhere: the kernel drops the lock when the process
//! ends, however it ends. A missing output directory is created empty first,
//! so that there is something to lock (a failed render removes it again).
//!
//! A render replaces the output directory by another inode (see
//! [`super::swap`]), so a lock on the old inode says nothing about the new
//! one. Therefore the render locks the new tree before exchanging it in, and
//! holds both until it is done; and a render that obtains a lock checks that
//! the path still names the inode it locked, and starts over when it does
//! not (another render exchanged the directory in between). Opening,
//! creating and restoring the directory happen under a second `flock`, on the
//! parent directory, held only for those few system calls.

use std::ffi::OsString;
use std::fs::File;
use std::path::{Path, PathBuf};

use rustix::fs::{FlockOperation, Mode, OFlags, flock};

use crate::diagnostic::{Code, Diagnostic};

/// The output directory, absolute, with its parent and name.
pub(crate) struct Out {
    /// The output directory.
    pub dir: PathBuf,
    /// The folder that holds it.
    pub parent: PathBuf,
    /// Its name.
    pub name: OsString,
    /// Folders above it that [`resolve_out`] created, deepest last.
    made: Vec<PathBuf>,
}

/// Lock held while a render checks and writes; released on drop.
pub(crate) struct Lock {
    _dir: File,
    /// The folders this render created (the output directory last), all empty until it writes.
    created: Vec<PathBuf>,
}

impl Lock {
    /// Remove the (empty) folders this render created: nothing was written.
    pub(crate) fn undo_create(&mut self) {
        for dir in self.created.drain(..).rev() {
            if std::fs::remove_dir(&dir).is_err() {
                break;
            }
        }
    }

    /// The render went through: keep the folders it created.
    pub(crate) fn keep(&mut self) {
        self.created.clear();
    }
}

impl Drop for Lock {
    fn drop(&mut self) {
        self.undo_create();
    }
}

pub(crate) fn io(what: &str, p: &Path, e: impl Into<std::io::Error>) -> Diagnostic {
    let e: std::io::Error = e.into();
    Diagnostic::error(Code::OutputIo, format!("cannot {what} `{}`: {e}", p.display()))
        .help("check the output directory's permissions and free space")
}

/// Check `out` (not a symlink, a directory if it exists), create its parent,
/// and make it absolute.
pub(crate) fn resolve_out(out: &Path) -> Result<Out, Diagnostic> {
    if let Ok(meta) = std::fs::symlink_metadata(out) {
        if meta.file_type().is_symlink() {
            return Err(Diagnostic::error(
                Code::OutputSymlink,
                format!("output directory `{}` is a symlink", out.display()),
            )
            .help("pass the real directory: gatewright never writes through symlinks"));
        }
        if !meta.is_dir() {
            return Err(Diagnostic::error(
                Code::OutputSymlink,
                format!("output path `{}` is not a directory", out.display()),
            )
            .help("choose a directory for `--out`"));
        }
        let dir = std::fs::canonicalize(out).map_err(|e| io("resolve", out, e))?;
        return split(dir, out, Vec::new());
    }
    let abs = std::path::absolute(out).map_err(|e| io("resolve", out, e))?;
    let (Some(parent), Some(name)) = (abs.parent(), abs.file_name()) else {
        return Err(not_a_dir(out));
    };
    let mut made: Vec<PathBuf> = parent
        .ancestors()
        .take_while(|p| std::fs::symlink_metadata(p).is_err())
        .map(Path::to_path_buf)
        .collect();
    made.reverse();
    std::fs::create_dir_all(parent).map_err(|e| io("create", parent, e))?;
    let parent = std::fs::canonicalize(parent).map_err(|e| io("resolve", parent, e))?;
    split(parent.join(name), out, made)
}

fn not_a_dir(given: &Path) -> Diagnostic {
    Diagnostic::error(
        Code::OutputSymlink,
        format!("`{}` cannot be an output directory", given.display()),
    )
    .help("choose a directory below the filesystem root for `--out`")
}

fn split(dir: PathBuf, given: &Path, made: Vec<PathBuf>) -> Result<Out, Diagnostic> {
    match (dir.parent(), dir.file_name()) {
        (Some(parent), Some(name)) => Ok(Out {
            parent: parent.to_path_buf(),
            name: name.to_os_string(),
            dir: dir.clone(),
            made,
        }),
        _ => Err(not_a_dir(given)),
    }
}

/// Attempts at a lock held by someone else, 5 ms apart: a fifth of a second
/// covers a child process forked by another thread of the same program,
/// which holds the lock from fork until exec.
const ATTEMPTS: u32 = 40;

/// Attempts at the parent's lock, which renders hold only for a few system
/// calls: two seconds, so that a sibling render never fails for it.
const PARENT_ATTEMPTS: u32 = 400;

/// Take `file`'s exclusive lock, retrying `attempts` times 5 ms apart;
/// `Ok(false)` when another holds it all along.
pub(crate) fn try_flock(file: &File, attempts: u32) -> std::io::Result<bool> {
    for attempt in 1..=attempts {
        match flock(file, FlockOperation::NonBlockingLockExclusive) {
            Ok(()) => return Ok(true),
            Err(rustix::io::Errno::WOULDBLOCK) if attempt < attempts => {
                std::thread::sleep(std::time::Duration::from_millis(5));
            }
            Err(rustix::io::Errno::WOULDBLOCK) => return Ok(false),
            Err(e) => return Err(e.into()),
        }
    }
    Ok(false)
}

/// Open a directory without following a symlink.
pub(crate) fn open_dir(path: &Path) -> std::io::Result<File> {
    let fd = rustix::fs::open(
        path,
        OFlags::RDONLY | OFlags::DIRECTORY | OFlags::NOFOLLOW | OFlags::CLOEXEC,
        Mode::empty(),
    )?;
    Ok(File::from(fd))
}

/// Take the render lock of `out`, creating it empty when missing, or fail
/// with `GW705` when another render holds it for more than a moment.
pub(crate) fn acquire(out: &Out) -> Result<Lock, Diagnostic> {
    for _ in 0..ATTEMPTS {
        let (file, created) = {
            let parent = open_dir(&out.parent).map_err(|e| io("lock", &out.parent, e))?;
            if !try_flock(&parent, PARENT_ATTEMPTS).map_err(|e| io("lock", &out.parent, e))? {
                return Err(busy(out));
            }
            super::scratch::restore(out)?;
            let mut created = out.made.clone();
            match std::fs::create_dir(&out.dir) {
                Ok(()) => created.push(out.dir.clone()),
                Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {}
                Err(e) => return Err(io("create", &out.dir, e)),
            }
            (open_dir(&out.dir).map_err(|e| io("open", &out.dir, e))?, created)
        };
        if !try_flock(&file, ATTEMPTS).map_err(|e| io("lock", &out.dir, e))? {
            return Err(busy(out));
        }
        if names(&out.dir, &file) {
            return Ok(Lock { _dir: file, created });
        }
    }
    Err(busy(out))
}

/// Whether `path` (not followed) is the inode open as `file`.
pub(crate) fn names(path: &Path, file: &File) -> bool {
    use std::os::unix::fs::MetadataExt;
    match (std::fs::symlink_metadata(path), file.metadata()) {
        (Ok(a), Ok(b)) => a.dev() == b.dev() && a.ino() == b.ino(),
        _ => false,
    }
}

fn busy(out: &Out) -> Diagnostic {
    Diagnostic::error(
        Code::OutputLocked,
        format!("another gatewright render is writing `{}`", out.dir.display()),
    )
    .help("wait for it to finish and run again; renders of one directory never interleave")
}
