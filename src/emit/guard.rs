//! Refusing an output directory that holds spec files: Flux applies every
//! YAML file under a Kustomization's path, so a spec there would be sent to
//! the cluster (and refused, failing the whole reconciliation).

use std::io::Read;
use std::path::{Path, PathBuf};

use walkdir::WalkDir;

use crate::diagnostic::Diagnostic;
use crate::normalize::is_generated;

/// The spec files (YAML documents with `apiVersion: gatewright.dev/...`)
/// under `dir`, sorted; symlinks are not followed, generated files skipped.
pub fn spec_files_under(dir: &Path) -> Vec<PathBuf> {
    WalkDir::new(dir)
        .follow_links(false)
        .sort_by_file_name()
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_file())
        .map(|e| e.into_path())
        .filter(|p| matches!(p.extension().and_then(|x| x.to_str()), Some("yaml" | "yml")))
        .filter(|p| is_spec_file(p))
        .collect()
}

fn is_spec_file(path: &Path) -> bool {
    let mut head = Vec::new();
    let read = std::fs::File::open(path).and_then(|f| f.take(1 << 16).read_to_end(&mut head));
    if read.is_err() || is_generated(&head) {
        return false;
    }
    String::from_utf8_lossy(&head).lines().any(|l| {
        l.strip_prefix("apiVersion:")
            .is_some_and(|v| v.trim().trim_matches(['"', '\'']).starts_with("gatewright.dev/"))
    })
}

/// `GW706` when `dir` holds spec files: it must not become a GitOps path.
pub fn refuse_spec_files(dir: &Path) -> Result<(), Diagnostic> {
    let found = spec_files_under(dir);
    let Some(first) = found.first() else { return Ok(()) };
    Err(Diagnostic::error(
        "GW706",
        format!(
            "the output directory `{}` holds spec files ({}{}); Flux and Argo CD would apply them as manifests",
            dir.display(),
            first.display(),
            match found.len() {
                1 => String::new(),
                n => format!(" and {} more", n - 1),
            }
        ),
    )
    .help("render beside the spec instead (e.g. spec in `site/`, `--out deploy`); or move the spec files out of the output directory"))
}
