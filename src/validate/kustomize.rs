//! Files of a kustomize tree that are not objects to validate: the
//! kustomizations themselves (`kustomize.config.k8s.io` `Kustomization` and
//! `Component`, or a `kustomization.yaml` without `apiVersion`/`kind`), and
//! the patches they apply (partial objects, such as the Service patches
//! gatewright writes). `validate` skips them and counts them as skipped.

use std::collections::HashSet;
use std::path::{Path, PathBuf};

use serde_json::Value;

use crate::yaml::Node;

/// File names kustomize reads as a kustomization.
const KUSTOMIZATION_FILES: &[&str] = &["kustomization.yaml", "kustomization.yml", "Kustomization"];

/// Whether a document (of the file at `path`) is a kustomization.
pub fn is_kustomization(object: &Value, path: &Path) -> bool {
    let field = |k: &str| object.get(k).and_then(Value::as_str);
    match (field("apiVersion"), field("kind")) {
        (Some(v), Some(k)) => v.starts_with("kustomize.config.k8s.io/") && matches!(k, "Kustomization" | "Component"),
        (None, None) => path
            .file_name()
            .and_then(|n| n.to_str())
            .is_some_and(|n| KUSTOMIZATION_FILES.contains(&n)),
        _ => false,
    }
}

/// The patch files the kustomizations among `files` apply (`patches[].path`,
/// `patchesStrategicMerge`, `patchesJson6902[].path`), as canonical paths.
pub fn patch_files<'a>(files: impl IntoIterator<Item = (&'a Path, &'a [Node])>) -> HashSet<PathBuf> {
    let mut out = HashSet::new();
    for (path, docs) in files {
        let dir = path.parent().unwrap_or(Path::new(""));
        for object in docs.iter().map(Node::to_json) {
            if !is_kustomization(&object, path) {
                continue;
            }
            let list = |key: &str| object.get(key).and_then(Value::as_array).cloned().unwrap_or_default();
            let entries = list("patches")
                .into_iter()
                .chain(list("patchesJson6902"))
                .filter_map(|p| p.get("path").and_then(Value::as_str).map(str::to_string))
                .chain(
                    list("patchesStrategicMerge")
                        .into_iter()
                        .filter_map(|p| p.as_str().map(str::to_string)),
                );
            out.extend(entries.map(|entry| canonical(&dir.join(entry))));
        }
    }
    out
}

/// Whether the file is a patch gatewright wrote (its generated header and a
/// `.patch.yaml` name), also when its kustomization is not among the inputs.
pub fn is_generated_patch(path: &Path, text: &str) -> bool {
    path.to_string_lossy().ends_with(".patch.yaml") && crate::load::is_generated(text.as_bytes())
}

/// The path with symlinks and `..` resolved, or as given when it does not exist.
pub fn canonical(path: &Path) -> PathBuf {
    std::fs::canonicalize(path).unwrap_or_else(|_| path.to_path_buf())
}
