//! Reading an output directory before writing it: every entry by relative
//! path (names need not be UTF-8), what it is, and its identity, so that
//! whatever changes after the scan can be told apart ([`super::settle`]).
//! A mount inside the output and an immutable or append-only entry are
//! refused here, before anything is touched.

use crate::diagnostic::Code;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use rayon::prelude::*;
use walkdir::WalkDir;

use crate::diagnostic::Diagnostic;
use crate::load::is_generated;

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

/// Why a path `render` writes is taken: the rule both `render` (which
/// refuses) and `check` (which reports) apply to each folder on the way.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Blocker {
    /// A symlink (never written through).
    Symlink,
    /// A file without the generated header.
    HandWritten,
    /// A generated file where a folder is needed.
    FileForFolder,
    /// A folder where the file goes.
    Folder,
    /// A socket, FIFO or device.
    Special,
}

/// The first entry on the way to `path` (`/`-separated) that keeps `render`
/// from writing it, with its relative path; `found_at` says what is at a prefix.
pub(crate) fn in_the_way(path: &str, found_at: impl Fn(&str) -> Option<Found>) -> Option<(String, Blocker)> {
    let mut prefix = String::new();
    for (i, part) in path.split('/').enumerate() {
        if i > 0 {
            prefix.push('/');
        }
        prefix.push_str(part);
        let last = prefix.len() == path.len();
        let blocker = match found_at(&prefix) {
            Some(Found::Symlink) => Blocker::Symlink,
            Some(Found::File { generated: false }) => Blocker::HandWritten,
            Some(Found::File { generated: true }) if !last => Blocker::FileForFolder,
            Some(Found::Dir) if last => Blocker::Folder,
            Some(Found::Other) => Blocker::Special,
            _ => continue,
        };
        return Some((prefix, blocker));
    }
    None
}

/// What tells an entry from the one that replaced it: device, inode, type,
/// and for non-folders size and modification time.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Ident {
    dev: u64,
    ino: u64,
    kind: u32,
    size: u64,
    mtime: (i64, i64),
}

impl Ident {
    /// The identity in `meta` (from `symlink_metadata`).
    pub(crate) fn of(meta: &std::fs::Metadata) -> Ident {
        use std::os::unix::fs::MetadataExt;
        let dir = meta.is_dir();
        Ident {
            dev: meta.dev(),
            ino: meta.ino(),
            kind: meta.mode() & 0o170_000,
            // A folder's size and mtime change with what it holds; its entries are compared one by one.
            size: if dir { 0 } else { meta.size() },
            mtime: if dir { (0, 0) } else { (meta.mtime(), meta.mtime_nsec()) },
        }
    }
}

/// One entry of a scan.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Seen {
    /// What it is.
    pub found: Found,
    /// Its identity when scanned.
    pub ident: Ident,
}

/// Everything under a directory by relative path, sorted; symlinks are not followed.
pub(crate) type Scan = BTreeMap<PathBuf, Seen>;

/// Flags of an entry that make gatewright refuse the output directory.
#[derive(Debug, Default, Clone, Copy)]
struct Flags {
    /// Immutable or append-only (`chattr +i`, `+a`): cannot be linked, moved or removed.
    pinned: bool,
    /// The root of another mount.
    mount: bool,
}

fn io_error(p: &Path, e: impl std::fmt::Display) -> Diagnostic {
    Diagnostic::error(Code::OutputIo, format!("cannot read `{}`: {e}", p.display()))
        .help("check the output directory's permissions")
}

/// Scan `out` (which must exist): `GW711` for a mount inside it, `GW713`
/// for an immutable or append-only entry (the folder itself included).
pub(crate) fn scan_checked(out: &Path) -> Result<Scan, Diagnostic> {
    let root_flags = flags(out, None).map_err(|e| io_error(out, e))?;
    let mut problems = Problems::default();
    if root_flags.0.pinned {
        problems.pinned.push(out.to_path_buf());
    }
    let root_mount = root_flags.1;
    let mut walk = WalkDir::new(out)
        .follow_links(false)
        .min_depth(1)
        .sort_by_file_name()
        .into_iter();
    let mut found = BTreeMap::new();
    let mut files = Vec::new();
    while let Some(entry) = walk.next() {
        let entry = entry.map_err(|e| io_error(out, e))?;
        let Ok(rel) = entry.path().strip_prefix(out).map(Path::to_path_buf) else {
            continue;
        };
        let ft = entry.file_type();
        if ft.is_file() {
            files.push((rel, entry.into_path()));
            continue;
        }
        let path = entry.path();
        let (f, _) = flags(path, Some(root_mount)).map_err(|e| io_error(path, e))?;
        if f.mount {
            problems.mounts.push(path.to_path_buf());
            walk.skip_current_dir();
            continue;
        }
        if f.pinned {
            problems.pinned.push(path.to_path_buf());
        }
        let meta = std::fs::symlink_metadata(path).map_err(|e| io_error(path, e))?;
        let kind = if ft.is_symlink() {
            Found::Symlink
        } else if ft.is_dir() {
            Found::Dir
        } else {
            Found::Other
        };
        found.insert(
            rel,
            Seen {
                found: kind,
                ident: Ident::of(&meta),
            },
        );
    }
    // Stat and read each file's first line: on every core.
    let read: Vec<Result<(PathBuf, Seen, Flags), Diagnostic>> = files
        .into_par_iter()
        .map(|(rel, path)| {
            let meta = std::fs::symlink_metadata(&path).map_err(|e| io_error(&path, e))?;
            let (f, _) = flags(&path, Some(root_mount)).map_err(|e| io_error(&path, e))?;
            let seen = Seen {
                found: Found::File {
                    generated: has_header(&path),
                },
                ident: Ident::of(&meta),
            };
            Ok((rel, seen, f))
        })
        .collect();
    for r in read {
        let (rel, seen, f) = r?;
        if f.mount {
            problems.mounts.push(out.join(&rel));
        } else if f.pinned {
            problems.pinned.push(out.join(&rel));
        }
        found.insert(rel, seen);
    }
    problems.into_result()?;
    Ok(found)
}

/// Everything under `out` by `/`-separated path (names that are not UTF-8
/// shown lossily), for reading only ([`crate::diff`]).
pub(crate) fn scan(out: &Path) -> Result<BTreeMap<String, Found>, Diagnostic> {
    if !out.exists() {
        return Ok(BTreeMap::new());
    }
    let mut found = BTreeMap::new();
    for entry in WalkDir::new(out).follow_links(false).min_depth(1).sort_by_file_name() {
        let entry = entry.map_err(|e| io_error(out, e))?;
        let Ok(rel) = entry.path().strip_prefix(out) else {
            continue;
        };
        let ft = entry.file_type();
        let kind = match rel.to_str() {
            // A name that is not UTF-8 is never a generated path.
            None if !ft.is_dir() => Found::Other,
            _ if ft.is_symlink() => Found::Symlink,
            _ if ft.is_dir() => Found::Dir,
            _ if ft.is_file() => Found::File {
                generated: has_header(entry.path()),
            },
            _ => Found::Other,
        };
        found.insert(rel.to_string_lossy().replace('\\', "/"), kind);
    }
    Ok(found)
}

/// What a scan refuses, by kind.
#[derive(Default)]
struct Problems {
    mounts: Vec<PathBuf>,
    pinned: Vec<PathBuf>,
}

impl Problems {
    fn into_result(mut self) -> Result<(), Diagnostic> {
        self.mounts.sort();
        self.pinned.sort();
        if !self.mounts.is_empty() {
            return Err(Diagnostic::error(
                Code::MountInOutput,
                located(&self.mounts, "is a mount point inside the output directory", "are mount points inside the output directory"),
            )
            .help(
                "gatewright never crosses a mount: mount it outside the output directory (a mount point may be the output directory itself)",
            ));
        }
        if !self.pinned.is_empty() {
            return Err(Diagnostic::error(
                Code::ImmutableInOutput,
                located(&self.pinned, "is immutable or append-only (chattr +i/+a)", "are immutable or append-only (chattr +i/+a)"),
            )
            .help(
                "render replaces the output directory's folders and cannot keep such a file as it is: clear the flag (`chattr -i -a PATH`) or move the file out of the output directory",
            ));
        }
        Ok(())
    }
}

/// "`a` is X" or "3 paths are X: `a`, `b`, `c`".
pub(crate) fn located(paths: &[PathBuf], one: &str, many: &str) -> String {
    match paths {
        [p] => format!("`{}` {one}", p.display()),
        _ => {
            let names: Vec<String> = paths.iter().map(|p| format!("`{}`", p.display())).collect();
            format!("{} paths {many}: {}", names.len(), names.join(", "))
        }
    }
}

/// The flags of `path` (not followed), and its mount id; `root_mount` is the
/// output directory's mount id, to which every entry must belong.
#[cfg(target_os = "linux")]
fn flags(path: &Path, root_mount: Option<u64>) -> std::io::Result<(Flags, u64)> {
    use rustix::fs::{AtFlags, CWD, StatxAttributes as A, StatxFlags, statx};
    let st = statx(
        CWD,
        path,
        AtFlags::SYMLINK_NOFOLLOW | AtFlags::NO_AUTOMOUNT,
        StatxFlags::TYPE | StatxFlags::MNT_ID,
    )?;
    let known = st.stx_attributes_mask;
    let has = |a: A| known.contains(a) && st.stx_attributes.contains(a);
    let other_mount = root_mount.is_some_and(|m| st.stx_mask & StatxFlags::MNT_ID.bits() != 0 && st.stx_mnt_id != m);
    let flags = Flags {
        pinned: has(A::IMMUTABLE) || has(A::APPEND),
        mount: root_mount.is_some() && (has(A::MOUNT_ROOT) || other_mount),
    };
    Ok((flags, st.stx_mnt_id))
}

/// Elsewhere: a mount inside the output shows as another device; flags are not read.
#[cfg(not(target_os = "linux"))]
fn flags(path: &Path, root_mount: Option<u64>) -> std::io::Result<(Flags, u64)> {
    use std::os::unix::fs::MetadataExt;
    let dev = std::fs::symlink_metadata(path)?.dev();
    let flags = Flags {
        pinned: false,
        mount: root_mount.is_some_and(|m| m != dev),
    };
    Ok((flags, dev))
}

/// Whether `dir` is the root of a mount (a Docker volume, say): it cannot be
/// renamed, so its files are replaced one by one ([`super::in_place`]).
pub(crate) fn is_mount_point(dir: &Path) -> std::io::Result<bool> {
    let (_, up) = flags(dir.parent().unwrap_or(dir), None)?;
    Ok(flags(dir, Some(up))?.0.mount)
}

/// Whether the file at `path` starts with the generated header.
pub(crate) fn has_header(path: &Path) -> bool {
    crate::load::read_head(path, 64).is_ok_and(|head| is_generated(&head))
}
