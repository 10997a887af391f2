//! Writing into an output directory that is itself a mount point (a Docker
//! volume, say), which cannot be renamed: each file is replaced on its own,
//! atomically (a temporary file beside it, then a rename over it), and made
//! durable before any rename. The tree as a whole is not replaced in one
//! step: a crash in the middle leaves some files new and some old, each of
//! them whole, and the next render completes it (a temporary file left
//! behind carries the generated header, so that render removes it).

use crate::diagnostic::Code;
use std::path::{Path, PathBuf};

use rayon::prelude::*;

use super::fsops::{io, remove_emptied_dirs, rename_noreplace, sync_dir, sync_tree, write_file};
use super::out::Out;
use super::scan::{Ident, Scan};
use super::swap::{AfterFile, Entry, Plan};
use crate::diagnostic::Diagnostic;

/// Write `plan` into `out` file by file.
pub(crate) fn apply(out: &Out, scan: &Scan, plan: &Plan, after_file: &mut AfterFile) -> Result<(), Diagnostic> {
    let writes: Vec<(&Path, &[u8])> = plan
        .entries
        .iter()
        .filter_map(|e| match e {
            Entry::Write(rel, bytes) => Some((rel.as_path(), *bytes)),
            _ => None,
        })
        .collect();
    let mut folders: Vec<PathBuf> = writes
        .iter()
        .filter_map(|(rel, _)| rel.parent())
        .map(|p| out.dir.join(p))
        .collect();
    folders.sort();
    folders.dedup();
    for folder in &folders {
        std::fs::create_dir_all(folder).map_err(|e| io("create", folder, e))?;
    }
    let temps: Vec<(PathBuf, &Path, std::io::Result<()>)> = writes
        .par_iter()
        .map(|(rel, bytes)| {
            let temp = temp_name(&out.dir.join(rel));
            let written = write_file(&temp, bytes, !cfg!(target_os = "linux"));
            (temp, *rel, written)
        })
        .collect();
    let renamed = rename_all(out, scan, &temps, after_file);
    for (temp, _, written) in &temps {
        if written.is_ok() && renamed.is_err() {
            let _ = std::fs::remove_file(temp);
        }
    }
    renamed?;
    for rel in &plan.pruned {
        let path = out.dir.join(rel);
        unchanged_since_scan(scan, rel, &path)?;
        std::fs::remove_file(&path).map_err(|e| io("remove", &path, e))?;
    }
    remove_emptied_dirs(&out.dir, &plan.pruned);
    for folder in folders.iter().chain(std::iter::once(&out.dir)) {
        sync_dir(folder);
    }
    Ok(())
}

/// Put every temporary file in place, once all are written and synced.
fn rename_all(
    out: &Out,
    scan: &Scan,
    temps: &[(PathBuf, &Path, std::io::Result<()>)],
    after_file: &mut AfterFile,
) -> Result<(), Diagnostic> {
    for (temp, _, written) in temps {
        if let Err(e) = written {
            return Err(io("write", temp, std::io::Error::new(e.kind(), e.to_string())));
        }
    }
    sync_tree(&out.dir)?;
    for (n, (temp, rel, _)) in temps.iter().enumerate() {
        let to = out.dir.join(rel);
        unchanged_since_scan(scan, rel, &to)?;
        match scan.get(*rel) {
            Some(_) => std::fs::rename(temp, &to),
            None => rename_noreplace(temp, &to),
        }
        .map_err(|e| io("replace", &to, e))?;
        after_file(n + 1)?;
    }
    Ok(())
}

/// `GW712` when the file at `path` is not the one scanned (or appeared).
fn unchanged_since_scan(scan: &Scan, rel: &Path, path: &Path) -> Result<(), Diagnostic> {
    let now = std::fs::symlink_metadata(path).ok();
    let same = match (scan.get(rel), &now) {
        (Some(seen), Some(meta)) => seen.ident == Ident::of(meta),
        (None, None) => true,
        _ => false,
    };
    if same {
        return Ok(());
    }
    Err(Diagnostic::error(
        Code::OutputChanged,
        format!("`{}` changed while gatewright was rendering", path.display()),
    )
    .help("the output directory is a mount point, written file by file: render again to complete it"))
}

/// `.<name>.gatewright-<pid>.tmp` beside `path`.
fn temp_name(path: &Path) -> PathBuf {
    let mut name = std::ffi::OsString::from(".");
    name.push(path.file_name().unwrap_or_default());
    name.push(format!(".gatewright-{}.tmp", std::process::id()));
    path.with_file_name(name)
}
