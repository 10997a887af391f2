//! The lock that keeps two renders of one output directory from
//! interleaving.
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

use crate::diagnostic::Code;
use std::fs::File;
use std::path::PathBuf;

use super::fsops::{io, names, open_dir, try_flock};
use super::out::Out;
use crate::diagnostic::Diagnostic;

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

/// Attempts at a lock held by someone else, 5 ms apart: a fifth of a second
/// covers a child process forked by another thread of the same program,
/// which holds the lock from fork until exec.
const ATTEMPTS: u32 = 40;

/// Attempts at the parent's lock, which renders hold only for a few system
/// calls: two seconds, so that a sibling render never fails for it.
const PARENT_ATTEMPTS: u32 = 400;

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

fn busy(out: &Out) -> Diagnostic {
    Diagnostic::error(
        Code::OutputLocked,
        format!("another gatewright render is writing `{}`", out.dir.display()),
    )
    .help("wait for it to finish and run again; renders of one directory never interleave")
}
