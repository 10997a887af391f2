//! Finding the spec files: one file, or every YAML file under a directory.

use std::path::{Path, PathBuf};

use walkdir::WalkDir;

use crate::diagnostic::{Code, Diagnostic};

/// The files that make up a spec.
#[derive(Debug, Clone)]
pub struct SpecFiles {
    /// The directory the spec lives in (the file's parent for a single file).
    pub root: PathBuf,
    /// The spec files, in sorted order.
    pub files: Vec<PathBuf>,
    /// Whether the spec was given as a directory.
    pub is_dir: bool,
}

/// Directory names under a spec directory that never hold spec fragments.
const SKIPPED_DIRS: &[&str] = &["overlays"];

/// Find the spec files at `path`: the file itself, or the `*.yaml` and
/// `*.yml` files under the directory in sorted order (hidden entries and the
/// `overlays/` folder skipped; symlinks are not followed). Anything that is
/// not a directory counts as a file, and so does a `*.yaml` entry that is
/// neither a directory nor a symlink (a FIFO, a device): reading refuses
/// it (GW101), where skipping it would compile a spec without it.
pub fn find_spec_files(path: &Path) -> Result<SpecFiles, Diagnostic> {
    let meta = std::fs::metadata(path).map_err(|e| {
        Diagnostic::error(
            Code::UnreadableFile,
            format!("cannot read spec `{}`: {e}", path.display()),
        )
        .help("pass a spec file or a directory of spec files, e.g. `gatewright render examples/aks-store`")
    })?;
    if !meta.is_dir() {
        let root = path.parent().map(Path::to_path_buf).unwrap_or_default();
        return Ok(SpecFiles {
            root,
            files: vec![path.to_path_buf()],
            is_dir: false,
        });
    }
    let mut files = Vec::new();
    let walker = WalkDir::new(path)
        .follow_links(false)
        .sort_by_file_name()
        .into_iter()
        .filter_entry(|e| {
            let name = e.file_name().to_string_lossy();
            e.depth() == 0
                || !(name.starts_with('.')
                    || (e.depth() == 1 && e.file_type().is_dir() && SKIPPED_DIRS.contains(&name.as_ref())))
        });
    for entry in walker {
        let entry = entry
            .map_err(|e| Diagnostic::error(Code::UnreadableFile, format!("cannot walk `{}`: {e}", path.display())))?;
        let p = entry.path();
        let kind = entry.file_type();
        if !kind.is_dir()
            && !kind.is_symlink()
            && matches!(p.extension().and_then(|e| e.to_str()), Some("yaml" | "yml"))
        {
            files.push(p.to_path_buf());
        }
    }
    if files.is_empty() {
        return Err(Diagnostic::error(
            Code::NoSpecDocuments,
            format!("no spec files (`*.yaml`) found under `{}`", path.display()),
        )
        .help("a spec starts with `apiVersion: gatewright.dev/v1alpha1` and `kind: Site`"));
    }
    Ok(SpecFiles {
        root: path.to_path_buf(),
        files,
        is_dir: true,
    })
}
