//! `gatewright validate`: any Kubernetes YAML against the CRDs the user
//! supplies (`--crds FILE`), the way the API server validates on create —
//! structural schema, limits, patterns and the CRDs' own CEL rules
//! ([`crate::crd`]). Every violation points at the file, line and column of
//! the offending field. [`rendered`] does the same for the objects a spec
//! renders, pointing at the spec line that produced them.
//!
//! Codes: [`Code::CrdSchema`] (GW801), [`Code::CrdCelRule`] (GW802),
//! [`Code::NotCovered`] (GW803, a warning unless `strict`: a group the
//! CRDs do not define), [`Code::NoMatchForKind`] (GW807: a kind or version the
//! CRDs of its group do not serve),
//! [`Code::NotAnObject`] (GW804), [`Code::UnusableCrds`] (GW805).

mod crds;
pub mod kustomize;
pub mod rendered;
pub mod report;

use std::path::{Path, PathBuf};

use serde_json::Value;

use crate::crd::CrdSet;
use crate::diagnostic::{Code, Diagnostic, Diagnostics};
use crate::load::to_loc;
use crate::source::{FileId, Sources};
use crate::yaml::Node;
pub use crds::{Unusable, load_crds};

/// How `validate` treats what the CRDs do not cover.
#[derive(Clone, Copy, Debug, Default)]
pub struct FileOptions {
    /// Objects whose kind the CRDs do not cover are errors, not warnings.
    pub strict: bool,
}

/// What a validation run counted.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Summary {
    /// Files read.
    pub files: usize,
    /// Objects (non-empty documents) read and validated.
    pub objects: usize,
    /// Objects the CRDs cover and accept.
    pub valid: usize,
    /// Objects refused (by the CRDs, or not objects at all).
    pub invalid: usize,
    /// Objects whose kind the CRDs do not cover.
    pub not_covered: usize,
    /// Kustomizations and the patches they apply, not validated.
    pub skipped: usize,
}

/// The outcome of [`validate_paths`].
#[derive(Debug)]
pub struct Report {
    /// Every file read.
    pub sources: Sources,
    /// Findings, sorted by file and line.
    pub diagnostics: Vec<Diagnostic>,
    /// Counts.
    pub summary: Summary,
}

/// Validate every object of every YAML file under `paths` (files as given;
/// directories walked in sorted order for `*.yaml`/`*.yml`, hidden entries
/// skipped). Kustomizations and the patches they apply are skipped
/// ([`kustomize`]).
pub fn validate_paths(paths: &[PathBuf], crds: &CrdSet, opts: FileOptions) -> Report {
    let mut sources = Sources::new();
    let mut diags = Diagnostics::new();
    let mut summary = Summary::default();
    let mut read = Vec::new();
    for path in expand(paths, &mut diags) {
        summary.files += 1;
        if let Some((file, docs)) = crate::load::read_yaml_file(&path, &mut sources, &mut diags) {
            read.push((path, file, docs));
        }
    }
    let patches = kustomize::patch_files(read.iter().map(|(p, _, d)| (p.as_path(), d.as_slice())));
    for (path, file, docs) in &read {
        let patch = kustomize::is_generated_patch(path, &sources.get(*file).text)
            || (!patches.is_empty() && patches.contains(&kustomize::canonical(path)));
        for node in docs {
            if patch || kustomize::is_kustomization(&node.to_json(), path) {
                summary.skipped += 1;
                continue;
            }
            for object in list_items(node) {
                summary.objects += 1;
                validate_node(*file, object, crds, opts, &mut summary, &mut diags);
            }
        }
    }
    Report {
        diagnostics: diags.sorted(&sources),
        sources,
        summary,
    }
}

fn validate_node(
    file: FileId,
    node: &Node,
    crds: &CrdSet,
    opts: FileOptions,
    summary: &mut Summary,
    diags: &mut Diagnostics,
) {
    let object = node.to_json();
    let at = |pointer: &str| Some(to_loc(file, nearest(node, pointer).span));
    let field = |p: &str| object.pointer(p).and_then(Value::as_str).filter(|s| !s.is_empty());
    let (Some(api_version), Some(kind)) = (field("/apiVersion"), field("/kind")) else {
        summary.invalid += 1;
        diags.push(
            Diagnostic::error(Code::NotAnObject, "this document is not a Kubernetes object")
                .at(at(""))
                .help("a Kubernetes object is a mapping with `apiVersion` and `kind` strings"),
        );
        return;
    };
    if let Some(nm) = crds.no_match(api_version, kind) {
        summary.invalid += 1;
        let field = if nm.known_kind { "/apiVersion" } else { "/kind" };
        diags.push(report::no_match(&nm).at(at(field)));
        return;
    }
    let Some(violations) = crds.validate(&object) else {
        summary.not_covered += 1;
        let message = format!("the CRDs given do not cover {kind} `{api_version}`");
        let d = if opts.strict {
            Diagnostic::error(Code::NotCovered, message)
        } else {
            Diagnostic::warning(Code::NotCovered, message)
        };
        diags.push(d.at(at("/kind")).help(
            "pass the CRD that defines it with another `--crds FILE` (core kinds such as Service are not checked); `--strict` makes this an error",
        ));
        return;
    };
    if violations.is_empty() {
        summary.valid += 1;
        return;
    }
    summary.invalid += 1;
    let (list, skipped) = report::reportable(&violations);
    for v in list {
        diags.push(
            Diagnostic::error(report::code(&v.rule), report::message(&object, v))
                .at(at(&v.pointer))
                .help(report::help(v, skipped)),
        );
    }
}

/// The objects a document holds: the items of a `List` (`kind: List`, or a
/// kind ending in `List` with an `items` sequence), which kubectl applies one
/// by one (a `List` in a `List` too), else the document itself.
fn list_items(node: &Node) -> Vec<&Node> {
    let kind = node.get("kind").and_then(|k| match &k.value {
        crate::yaml::Value::String(s) => Some(s.as_str()),
        _ => None,
    });
    match (kind, node.get("items").map(|i| &i.value)) {
        (Some(k), Some(crate::yaml::Value::Seq(items))) if k.ends_with("List") => {
            items.iter().flat_map(list_items).collect()
        }
        _ => vec![node],
    }
}

/// The node at `pointer`, or its nearest ancestor that exists (a missing field points at its parent).
fn nearest<'a>(node: &'a Node, pointer: &str) -> &'a Node {
    let mut p = pointer;
    loop {
        if let Some(n) = node.pointer(p) {
            return n;
        }
        match p.rfind('/') {
            Some(i) => p = &p[..i],
            None => return node,
        }
    }
}

/// Files to read: each file as given; each directory's YAML files, sorted.
fn expand(paths: &[PathBuf], diags: &mut Diagnostics) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for path in paths {
        if !path.is_dir() {
            out.push(path.clone()); // a missing file is reported when read
            continue;
        }
        let walk = walkdir::WalkDir::new(path)
            .sort_by_file_name()
            .into_iter()
            .filter_entry(|e| e.depth() == 0 || !e.file_name().to_string_lossy().starts_with('.'));
        for entry in walk {
            match entry {
                // A FIFO or device named `*.yaml` is refused when read, never skipped silently.
                Ok(e) if !e.file_type().is_dir() && is_yaml(e.path()) => out.push(e.into_path()),
                Ok(_) => {}
                Err(e) => diags.push(
                    Diagnostic::error(Code::UnreadableFile, format!("cannot read `{}`: {e}", path.display()))
                        .help("check that the directory is readable"),
                ),
            }
        }
    }
    out
}

fn is_yaml(path: &Path) -> bool {
    path.extension()
        .and_then(|x| x.to_str())
        .is_some_and(|x| x.eq_ignore_ascii_case("yaml") || x.eq_ignore_ascii_case("yml"))
}
