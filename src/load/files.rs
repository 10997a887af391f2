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
    /// Entries that look like spec files but are not read, with their
    /// warning (GW115: a symlink, or a `*.YAML`/`*.Yml` name), in walk order.
    pub skipped: Vec<(PathBuf, Diagnostic)>,
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
            skipped: Vec::new(),
        });
    }
    let mut files = Vec::new();
    let mut skipped = Vec::new();
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
        } else if let Some(d) = not_read(p, kind) {
            skipped.push((p.to_path_buf(), d));
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
        skipped,
    })
}

/// The warnings of `files.skipped` but for the entries an app names under
/// `manifests:` in `spec` (a symlinked manifest is read from there).
pub fn unread_warnings(files: &SpecFiles, spec: &serde_json::Value) -> Vec<Diagnostic> {
    let plain = |p: &Path| -> PathBuf {
        p.components()
            .filter(|c| !matches!(c, std::path::Component::CurDir))
            .collect()
    };
    let named: std::collections::BTreeSet<PathBuf> = spec
        .get("apps")
        .and_then(serde_json::Value::as_object)
        .into_iter()
        .flat_map(|apps| apps.values())
        .filter_map(|app| app.get("manifests").and_then(serde_json::Value::as_array))
        .flatten()
        .filter_map(serde_json::Value::as_str)
        .map(|m| plain(&files.root.join(m)))
        .collect();
    files
        .skipped
        .iter()
        .filter(|(p, _)| !named.contains(&plain(p)))
        .map(|(_, d)| d.clone())
        .collect()
}

/// GW115 for an entry a user may take for a spec file: a symlink named
/// like a YAML file (or without extension: maybe a folder), which is never
/// followed; a file whose extension is `yaml`/`yml` in another case.
fn not_read(p: &Path, kind: std::fs::FileType) -> Option<Diagnostic> {
    let ext = p.extension().map(|e| e.to_string_lossy().into_owned());
    let yamlish = ext
        .as_deref()
        .is_some_and(|e| e.eq_ignore_ascii_case("yaml") || e.eq_ignore_ascii_case("yml"));
    let shown = crate::source::display_path(p);
    if kind.is_symlink() && (yamlish || ext.is_none()) {
        return Some(
            Diagnostic::warning(
                Code::SpecEntryNotRead,
                format!("`{shown}` is a symlink: gatewright never follows symlinks in a spec directory, so it is not part of the spec"),
            )
            .help("copy the file (or folder) into the spec directory in place of the link, or delete the link if it does not belong to the spec"),
        );
    }
    if kind.is_file() && yamlish {
        let lower = ext.unwrap_or_default().to_ascii_lowercase();
        return Some(
            Diagnostic::warning(
                Code::SpecEntryNotRead,
                format!(
                    "`{shown}` is not part of the spec: only files named `*.yaml` or `*.yml` in lower case are read"
                ),
            )
            .help(format!("rename it to end in `.{lower}` if it belongs to the spec")),
        );
    }
    None
}
