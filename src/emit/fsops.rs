//! The file system operations the writer is built from: open a directory
//! without following a symlink, take an `flock`, rename without replacing,
//! exchange two directories, make writes durable; and the GW701 diagnostic
//! for an operation that failed.

use crate::diagnostic::Code;
use std::collections::BTreeSet;
use std::fs::File;
use std::io::Write;
use std::path::{Path, PathBuf};

use rustix::fs::{FlockOperation, Mode, OFlags, flock};

use crate::diagnostic::Diagnostic;

/// GW701: the file system refused `what` on `p`.
pub(crate) fn io(what: &str, p: &Path, e: impl Into<std::io::Error>) -> Diagnostic {
    let e: std::io::Error = e.into();
    Diagnostic::error(Code::OutputIo, format!("cannot {what} `{}`: {e}", p.display()))
        .help("check the output directory's permissions and free space")
}

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

/// Whether `path` (not followed) is the inode open as `file`.
pub(crate) fn names(path: &Path, file: &File) -> bool {
    use std::os::unix::fs::MetadataExt;
    match (std::fs::symlink_metadata(path), file.metadata()) {
        (Ok(a), Ok(b)) => a.dev() == b.dev() && a.ino() == b.ino(),
        _ => false,
    }
}

/// Create `to` (it must not exist) holding `bytes`; with `sync`, on disk before returning.
pub(crate) fn write_file(to: &Path, bytes: &[u8], sync: bool) -> std::io::Result<()> {
    let mut file = File::create_new(to)?;
    file.write_all(bytes)?;
    if sync {
        file.sync_data()?;
    }
    Ok(())
}

/// Make everything written under `dir` durable (see the module doc).
pub(crate) fn sync_tree(dir: &Path) -> Result<(), Diagnostic> {
    #[cfg(target_os = "linux")]
    {
        let f = open_dir(dir).map_err(|e| io("open", dir, e))?;
        rustix::fs::syncfs(&f).map_err(|e| io("sync", dir, e))
    }
    #[cfg(not(target_os = "linux"))]
    {
        for entry in walkdir::WalkDir::new(dir).follow_links(false).contents_first(true) {
            let entry = entry.map_err(|e| io("sync", dir, std::io::Error::other(e)))?;
            if entry.file_type().is_dir() {
                File::open(entry.path())
                    .and_then(|f| f.sync_all())
                    .map_err(|e| io("sync", entry.path(), e))?;
            }
        }
        Ok(())
    }
}

/// `fsync` a folder, so that the names in it are on disk (best effort: the
/// renames it records are done either way).
pub(crate) fn sync_dir(dir: &Path) {
    if let Ok(f) = File::open(dir) {
        let _ = f.sync_all();
    }
}

/// Give a new folder or file the mode and, where allowed, the owner of the one it replaces.
pub(crate) fn copy_owner_and_mode(from: &Path, to: &Path) {
    use std::os::unix::fs::MetadataExt;
    let (Ok(old), Ok(new)) = (std::fs::symlink_metadata(from), std::fs::symlink_metadata(to)) else {
        return;
    };
    if (old.uid(), old.gid()) != (new.uid(), new.gid()) {
        let _ = std::os::unix::fs::lchown(to, Some(old.uid()), Some(old.gid()));
    }
    let _ = std::fs::set_permissions(to, old.permissions());
}

/// Remove the folders that pruning left empty (and only those).
pub(crate) fn remove_emptied_dirs(root: &Path, removed: &[PathBuf]) {
    let mut dirs = BTreeSet::new();
    for path in removed {
        let mut p = path.parent();
        while let Some(d) = p.filter(|d| !d.as_os_str().is_empty()) {
            dirs.insert(root.join(d));
            p = d.parent();
        }
    }
    for d in dirs.iter().rev() {
        let _ = std::fs::remove_dir(d);
    }
}

/// Rename `from` to `to`, failing when `to` exists.
pub(crate) fn rename_noreplace(from: &Path, to: &Path) -> std::io::Result<()> {
    #[cfg(target_os = "linux")]
    {
        use rustix::fs::{CWD, RenameFlags, renameat_with};
        renameat_with(CWD, from, CWD, to, RenameFlags::NOREPLACE).map_err(std::io::Error::from)
    }
    #[cfg(not(target_os = "linux"))]
    {
        if std::fs::symlink_metadata(to).is_ok() {
            return Err(std::io::Error::from(std::io::ErrorKind::AlreadyExists));
        }
        std::fs::rename(from, to)
    }
}

/// Exchange two directories in one step (Linux only).
#[cfg(target_os = "linux")]
pub(crate) fn exchange(a: &Path, b: &Path) -> std::io::Result<()> {
    use rustix::fs::{CWD, RenameFlags, renameat_with};
    renameat_with(CWD, a, CWD, b, RenameFlags::EXCHANGE).map_err(std::io::Error::from)
}

/// Exchange two directories in one step (Linux only).
#[cfg(not(target_os = "linux"))]
pub(crate) fn exchange(_a: &Path, _b: &Path) -> std::io::Result<()> {
    Err(std::io::Error::from(std::io::ErrorKind::Unsupported))
}
