//! Writing a tree to an output directory without losing anyone's files:
//! only files that carry the generated header are replaced or pruned, a
//! hand-written file in the way is an error, symlinks are refused, and a
//! file is rewritten only when its bytes change.

use std::collections::BTreeSet;
use std::io::Write;
use std::path::{Component, Path, PathBuf};

use walkdir::WalkDir;

use super::Tree;
use crate::diagnostic::Diagnostic;
use crate::normalize::is_generated;

/// What a write changed.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct WriteReport {
    /// Files created or rewritten.
    pub written: Vec<String>,
    /// Files already up to date.
    pub unchanged: usize,
    /// Stale generated files removed.
    pub removed: Vec<String>,
}

/// Write `tree` into `out`.
pub fn write_tree(tree: &Tree, out: &Path) -> Result<WriteReport, Diagnostic> {
    let io = |what: &str, p: &Path, e: std::io::Error| {
        Diagnostic::error("GW701", format!("cannot {what} `{}`: {e}", p.display()))
            .help("check the output directory's permissions and free space")
    };
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
    }
    std::fs::create_dir_all(out).map_err(|e| io("create", out, e))?;
    let existing = scan(out)?;
    for path in tree.files.keys() {
        check_relative(path)?;
        if let Some(false) = existing.get(path) {
            return Err(Diagnostic::error(
                "GW703",
                format!(
                    "`{}` exists and was not written by gatewright",
                    out.join(path).display()
                ),
            )
            .help("move or rename that file: gatewright never overwrites files without its header"));
        }
    }
    let mut report = WriteReport::default();
    for (path, text) in &tree.files {
        let target = out.join(path);
        if std::fs::read(&target).ok().as_deref() == Some(text.as_bytes()) {
            report.unchanged += 1;
            continue;
        }
        if let Some(parent) = target.parent() {
            refuse_symlinked_dirs(out, parent)?;
            std::fs::create_dir_all(parent).map_err(|e| io("create", parent, e))?;
        }
        atomic_write(&target, text.as_bytes()).map_err(|e| io("write", &target, e))?;
        report.written.push(path.clone());
    }
    for (path, generated) in existing.iter() {
        if *generated && !tree.files.contains_key(path) {
            let p = out.join(path);
            std::fs::remove_file(&p).map_err(|e| io("remove", &p, e))?;
            report.removed.push(path.clone());
        }
    }
    remove_emptied_dirs(out, &report.removed);
    Ok(report)
}

/// Every regular file under `out` (relative path -> carries the header).
pub(crate) fn scan(out: &Path) -> Result<std::collections::BTreeMap<String, bool>, Diagnostic> {
    let mut files = std::collections::BTreeMap::new();
    if !out.exists() {
        return Ok(files);
    }
    for entry in WalkDir::new(out).follow_links(false).sort_by_file_name() {
        let entry = entry.map_err(|e| Diagnostic::error("GW701", format!("cannot read `{}`: {e}", out.display())))?;
        if !entry.file_type().is_file() {
            continue;
        }
        let Ok(rel) = entry.path().strip_prefix(out) else {
            continue;
        };
        let rel = rel.to_string_lossy().replace('\\', "/");
        let mut head = [0u8; 64];
        let n = std::fs::File::open(entry.path())
            .and_then(|mut f| std::io::Read::read(&mut f, &mut head))
            .unwrap_or(0);
        files.insert(rel, is_generated(&head[..n]));
    }
    Ok(files)
}

fn check_relative(path: &str) -> Result<(), Diagnostic> {
    let ok = Path::new(path).components().all(|c| matches!(c, Component::Normal(_)));
    if ok {
        Ok(())
    } else {
        Err(Diagnostic::error(
            "GW704",
            format!("refusing to write `{path}` outside the output directory"),
        ))
    }
}

fn refuse_symlinked_dirs(out: &Path, dir: &Path) -> Result<(), Diagnostic> {
    let Ok(rel) = dir.strip_prefix(out) else { return Ok(()) };
    let mut p = PathBuf::from(out);
    for c in rel.components() {
        p.push(c);
        if std::fs::symlink_metadata(&p)
            .map(|m| m.file_type().is_symlink())
            .unwrap_or(false)
        {
            return Err(Diagnostic::error("GW702", format!("`{}` is a symlink", p.display()))
                .help("gatewright never writes through symlinks; replace it with a directory"));
        }
    }
    Ok(())
}

/// Write to a temporary file beside the target, then rename over it.
fn atomic_write(target: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let dir = target.parent().unwrap_or(Path::new("."));
    let mut tmp = tempfile::NamedTempFile::new_in(dir)?;
    tmp.write_all(bytes)?;
    tmp.persist(target).map_err(|e| e.error)?;
    Ok(())
}

/// Remove the folders that pruning left empty (and only those).
fn remove_emptied_dirs(out: &Path, removed: &[String]) {
    let mut dirs: BTreeSet<PathBuf> = BTreeSet::new();
    for path in removed {
        let mut p = Path::new(path).parent();
        while let Some(d) = p.filter(|d| !d.as_os_str().is_empty()) {
            dirs.insert(out.join(d));
            p = d.parent();
        }
    }
    for d in dirs.iter().rev() {
        let _ = std::fs::remove_dir(d);
    }
}
