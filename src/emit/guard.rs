//! Refusing an output directory that holds spec files: Flux applies every
//! YAML file under a Kustomization's path, so a spec there would be sent to
//! the cluster (and refused, failing the whole reconciliation).

use crate::diagnostic::Code;
use std::path::{Path, PathBuf};

use walkdir::WalkDir;

use crate::diagnostic::Diagnostic;
use crate::load::is_generated;
use crate::yaml;

/// The spec files under `dir` (files with a YAML document whose
/// `apiVersion` is `gatewright.dev/...`, as a YAML reader sees it), sorted;
/// generated files skipped. Symlinked folders are not walked, but a symlink
/// to a regular file counts as that file: kustomize and Flux read through it.
pub fn spec_files_under(dir: &Path) -> Vec<PathBuf> {
    WalkDir::new(dir)
        .follow_links(false)
        .sort_by_file_name()
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_file() || (e.path_is_symlink() && e.path().is_file()))
        .map(|e| e.into_path())
        .filter(|p| is_manifest_name(p))
        .filter(|p| is_spec_file(p))
        .collect()
}

/// Whether Flux or Argo CD would read the file as manifests: `*.yaml`,
/// `*.yml` or `*.json`, in any case.
fn is_manifest_name(path: &Path) -> bool {
    path.extension()
        .and_then(|x| x.to_str())
        .is_some_and(|x| ["yaml", "yml", "json"].iter().any(|e| x.eq_ignore_ascii_case(e)))
}

/// Whether a document of the file (or an item of a `List`) has
/// `apiVersion: gatewright.dev/...`. The
/// file is parsed with the bounded reader (its first 16 MiB at most), so
/// quoting, flow style, anchors, tags, comments or a byte-order mark change
/// nothing. A file this reader refuses (a merge key, a tag it does not know,
/// a character YAML forbids) counts when its text names `gatewright.dev/`
/// anywhere: another reader may accept it. UTF-16 and UTF-32 text (which
/// YAML readers detect from the first bytes) is read as the text it encodes.
fn is_spec_file(path: &Path) -> bool {
    let limits = crate::load::limits();
    let Ok(bytes) = crate::load::read_head(path, limits.max_bytes) else {
        return false;
    };
    let bytes = match wide_text(&bytes) {
        Some(text) => text.into_bytes(),
        None => bytes,
    };
    if is_generated(&bytes) {
        return false;
    }
    let Ok(docs) = yaml::read_bytes(&bytes, &limits) else {
        return String::from_utf8_lossy(&bytes).contains("gatewright.dev/");
    };
    docs.iter().any(|doc| {
        let items = match doc.get("items").map(|i| &i.value) {
            Some(yaml::Value::Seq(items)) => items.as_slice(),
            _ => &[],
        };
        is_spec_object(doc) || items.iter().any(is_spec_object)
    })
}

/// The text of UTF-16 or UTF-32 bytes, told from a byte-order mark or, as
/// YAML 1.2 (5.2) detects it, from the zero bytes around the first
/// character; `None` for anything else (UTF-8). Invalid units become U+FFFD.
fn wide_text(bytes: &[u8]) -> Option<String> {
    let unit32 = |b: &[u8], le: bool| {
        let a = [b[0], b[1], b[2], b[3]];
        char::from_u32(if le {
            u32::from_le_bytes(a)
        } else {
            u32::from_be_bytes(a)
        })
        .unwrap_or('\u{FFFD}')
    };
    match bytes {
        [0, 0, 0xFE, 0xFF, ..] | [0, 0, 0, _, ..] => Some(bytes.chunks_exact(4).map(|b| unit32(b, false)).collect()),
        [0xFF, 0xFE, 0, 0, ..] | [_, 0, 0, 0, ..] => Some(bytes.chunks_exact(4).map(|b| unit32(b, true)).collect()),
        [0xFE, 0xFF, ..] | [0, _, ..] => Some(utf16(bytes, u16::from_be_bytes)),
        [0xFF, 0xFE, ..] | [_, 0, ..] => Some(utf16(bytes, u16::from_le_bytes)),
        _ => None,
    }
}

fn utf16(bytes: &[u8], unit: fn([u8; 2]) -> u16) -> String {
    let units = bytes.chunks_exact(2).map(|b| unit([b[0], b[1]]));
    char::decode_utf16(units).map(|c| c.unwrap_or('\u{FFFD}')).collect()
}

/// Whether an object (a document, or an item of a `List`, which kubectl and
/// kustomize apply one by one) has `apiVersion: gatewright.dev/...`.
fn is_spec_object(node: &yaml::Node) -> bool {
    node.get("apiVersion")
        .is_some_and(|v| matches!(&v.value, yaml::Value::String(s) if s.starts_with("gatewright.dev/")))
}
/// `GW706` when `dir` holds spec files: it must not become a GitOps path.
pub fn refuse_spec_files(dir: &Path) -> Result<(), Diagnostic> {
    let found = spec_files_under(dir);
    let Some(first) = found.first() else { return Ok(()) };
    Err(Diagnostic::error(
        Code::OutputHoldsSpec,
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
