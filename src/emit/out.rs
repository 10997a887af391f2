//! Which directory a render writes: checked (not a symlink, a directory if
//! it exists), made absolute, its missing parents created.

use crate::diagnostic::Code;
use std::ffi::OsString;
use std::path::{Path, PathBuf};

use super::fsops::io;
use crate::diagnostic::Diagnostic;

/// The output directory, absolute, with its parent and name.
pub(crate) struct Out {
    /// The output directory.
    pub dir: PathBuf,
    /// The folder that holds it.
    pub parent: PathBuf,
    /// Its name.
    pub name: OsString,
    /// Folders above it that [`resolve_out`] created, deepest last.
    pub(super) made: Vec<PathBuf>,
}

/// Check `out` (not a symlink, a directory if it exists), create its parent,
/// and make it absolute.
pub(crate) fn resolve_out(out: &Path) -> Result<Out, Diagnostic> {
    refuse_symlinked_out(out)?;
    if let Ok(meta) = std::fs::symlink_metadata(out) {
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

/// Refuse an `--out` that is itself a symlink: also when the trees go to
/// folders inside it (one per environment), nothing is written through it.
pub fn refuse_symlinked_out(out: &Path) -> Result<(), Diagnostic> {
    match std::fs::symlink_metadata(out) {
        Ok(meta) if meta.file_type().is_symlink() => Err(Diagnostic::error(
            Code::OutputSymlink,
            format!("output directory `{}` is a symlink", out.display()),
        )
        .help("pass the real directory: gatewright never writes through symlinks")),
        _ => Ok(()),
    }
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
