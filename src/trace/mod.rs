//! The library side of `gatewright trace`: the objects to route with, read
//! from a spec (compiled with its overlay, each route rule located at the
//! spec line that produced it) or from Kubernetes YAML files and folders
//! (each object and rule at its own line), and the requests to trace
//! ([`requests`]). Everything is read through the bounded readers.

pub mod expect;
pub mod requests;

/// `text` as a message quotes it: at most 40 characters, then `…` (the
/// caret points at the whole of it anyway).
pub(crate) fn shown(text: &str) -> String {
    match text.char_indices().nth(40) {
        Some((i, _)) => format!("{}…", &text[..i]),
        None => text.to_string(),
    }
}

/// A fault in a request: the 1-based column, what is wrong, and the likely fix.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Fault {
    /// 1-based column (in characters).
    pub column: usize,
    /// What is wrong, and what was expected.
    pub message: String,
    /// The likely fix.
    pub help: String,
}

use crate::diagnostic::Code;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use crate::diagnostic::{Diagnostic, Diagnostics};
use crate::routing::{Input, Origin};
use crate::source::{Loc, Sources};
use crate::validate::kustomize;
use crate::yaml::{Node, Value as YamlValue};

/// The objects read, and the findings of each read with the files they point at.
#[derive(Debug, Default)]
pub struct Loaded {
    /// Objects for [`crate::routing::Engine::new`], in input order.
    pub inputs: Vec<Input>,
    /// Findings, each group with the files its locations refer to.
    pub reports: Vec<(Sources, Vec<Diagnostic>)>,
}

impl Loaded {
    /// Whether any finding is an error.
    pub fn has_errors(&self) -> bool {
        self.reports.iter().any(|(_, d)| d.iter().any(Diagnostic::is_error))
    }
}

/// Whether `path` is a gatewright spec (a file, or a folder with a top-level
/// file, whose first bytes name `gatewright.dev/`) rather than Kubernetes YAML.
pub fn is_spec(path: &Path) -> bool {
    let names_site = |p: &Path| {
        is_yaml(p)
            && crate::load::read_head(p, 4096).is_ok_and(|b| String::from_utf8_lossy(&b).contains("gatewright.dev/"))
    };
    if !path.is_dir() {
        return names_site(path);
    }
    let Ok(entries) = std::fs::read_dir(path) else {
        return false;
    };
    let mut files: Vec<PathBuf> = entries.filter_map(Result::ok).map(|e| e.path()).collect();
    files.sort();
    files.iter().any(|p| !p.is_dir() && names_site(p))
}

fn is_yaml(path: &Path) -> bool {
    path.extension()
        .and_then(|x| x.to_str())
        .is_some_and(|x| x.eq_ignore_ascii_case("yaml") || x.eq_ignore_ascii_case("yml"))
}

/// Read every input: a spec is compiled with `base`'s environment and overlay
/// options; other paths are Kubernetes YAML files or folders (walked in sorted order).
pub fn load(paths: &[PathBuf], base: &crate::Options) -> Loaded {
    let mut loaded = Loaded::default();
    let mut yaml = Vec::new();
    for path in paths {
        if is_spec(path) {
            load_spec(path, base, &mut loaded);
        } else {
            yaml.push(path.clone());
        }
    }
    if !yaml.is_empty() {
        let mut sources = Sources::new();
        let mut diags = Diagnostics::new();
        let mut read = Vec::new();
        for file in expand(&yaml, &mut diags) {
            if let Some((id, docs)) = crate::load::read_yaml_file(&file, &mut sources, &mut diags) {
                read.push((file, id, docs));
            }
        }
        let patches = kustomize::patch_files(read.iter().map(|(p, _, d)| (p.as_path(), d.as_slice())));
        for (path, id, docs) in &read {
            if kustomize::is_generated_patch(path, &sources.get(*id).text)
                || patches.contains(&kustomize::canonical(path))
            {
                continue;
            }
            let name = sources.name(*id).to_string();
            for doc in docs.iter().filter(|d| !kustomize::is_kustomization(&d.to_json(), path)) {
                for object in list_items(doc) {
                    loaded.inputs.push(located(object, &name));
                }
            }
        }
        loaded.reports.push((sources.clone(), diags.sorted(&sources)));
    }
    loaded
}

fn located(node: &Node, file: &str) -> Input {
    let at = |n: &Node| {
        Some(Origin {
            file: file.to_string(),
            line: n.span.line,
        })
    };
    let rule_origins = match node.pointer("/spec/rules").map(|r| &r.value) {
        Some(YamlValue::Seq(rules)) => rules.iter().map(at).collect(),
        _ => Vec::new(),
    };
    Input {
        value: node.to_json(),
        origin: at(node),
        rule_origins,
    }
}

/// The objects of a document: a `List`'s items (as `kubectl get -o yaml` prints them), else the document.
fn list_items(node: &Node) -> Vec<&Node> {
    let kind = node.get("kind").and_then(|k| match &k.value {
        YamlValue::String(s) => Some(s.as_str()),
        _ => None,
    });
    match (kind, node.get("items").map(|i| &i.value)) {
        (Some(k), Some(YamlValue::Seq(items))) if k.ends_with("List") => items.iter().flat_map(list_items).collect(),
        _ => vec![node],
    }
}

/// Files to read: each file as given; each folder's YAML files, sorted, hidden entries and symlinks left out.
fn expand(paths: &[PathBuf], diags: &mut Diagnostics) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for path in paths {
        if !path.is_dir() {
            out.push(path.clone());
            continue;
        }
        let walk = walkdir::WalkDir::new(path)
            .follow_links(false)
            .sort_by_file_name()
            .into_iter()
            .filter_entry(|e| e.depth() == 0 || !e.file_name().to_string_lossy().starts_with('.'));
        for entry in walk {
            match entry {
                Ok(e) if !e.file_type().is_dir() && !e.file_type().is_symlink() && is_yaml(e.path()) => {
                    out.push(e.into_path());
                }
                Ok(_) => {}
                Err(e) => diags.push(
                    Diagnostic::error(Code::UnreadableFile, format!("cannot read `{}`: {e}", path.display()))
                        .help("check that the folder is readable"),
                ),
            }
        }
    }
    out
}

fn load_spec(path: &Path, base: &crate::Options, loaded: &mut Loaded) {
    let options = crate::Options {
        spec: path.to_path_buf(),
        ..base.clone()
    };
    let targets = match crate::driver::compile_targets(&options) {
        Ok(t) => t,
        Err(d) => {
            loaded.reports.push((Sources::new(), vec![d]));
            return;
        }
    };
    if targets.len() > 1 {
        let envs: Vec<String> = targets.iter().filter_map(|(t, _)| t.env.clone()).collect();
        let d = Diagnostic::error(
            Code::TraceNeedsEnv,
            format!(
                "the spec `{}` has several environments ({}): trace needs one",
                path.display(),
                envs.join(", ")
            ),
        )
        .help(format!(
            "pass `--env {}` (or another of them)",
            envs.first().map_or("NAME", String::as_str)
        ));
        loaded.reports.push((Sources::new(), vec![d]));
        return;
    }
    for (_, outcome) in targets {
        if let Some(compiled) = &outcome.output {
            loaded.inputs.extend(rendered(compiled, &outcome.sources));
        }
        loaded.reports.push((outcome.sources, outcome.diagnostics));
    }
}

/// Where an object and each of its rules were written.
type Located = (Option<Origin>, Vec<Option<Origin>>);

/// The rendered objects of a compiled spec, each route and rule located at its spec line.
fn rendered(compiled: &crate::Compiled, sources: &Sources) -> Vec<Input> {
    let at = |pointer: &str| {
        compiled.provenance.locate(pointer).map(|l: Loc| Origin {
            file: sources.name(l.file).to_string(),
            line: l.line,
        })
    };
    let mut origins: BTreeMap<(&str, &str, &str), Located> = BTreeMap::new();
    let model = &compiled.model;
    for r in &model.routes {
        let rules = r.rules.iter().map(|x| at(&x.origin)).collect();
        origins.insert(("HTTPRoute", &r.namespace, &r.name), (at(&r.origin), rules));
    }
    for r in &model.grpc_routes {
        let rules = r.rules.iter().map(|x| at(&x.origin)).collect();
        origins.insert(("GRPCRoute", &r.namespace, &r.name), (at(&r.origin), rules));
    }
    for r in &model.l4_routes {
        let rules = r.rules.iter().map(|x| at(&x.origin)).collect();
        origins.insert((r.kind.kind(), &r.namespace, &r.name), (at(&r.origin), rules));
    }
    for g in &model.gateways {
        origins.insert(("Gateway", &g.namespace, &g.name), (at(&g.origin), Vec::new()));
    }
    let mut out = Vec::new();
    for value in compiled.tree().map(tree_objects).unwrap_or_default() {
        let s = |p: &str| value.pointer(p).and_then(serde_json::Value::as_str).unwrap_or("");
        let key = (s("/kind"), s("/metadata/namespace"), s("/metadata/name"));
        let (origin, rule_origins) = origins.get(&key).cloned().unwrap_or_default();
        out.push(Input {
            value,
            origin,
            rule_origins,
        });
    }
    out
}

/// The objects of a rendered tree for [`crate::routing::Engine::new`], without
/// origins (`diff` compares two trees): kustomizations and generated patches
/// left out, files in path order.
pub fn tree_inputs(tree: &crate::emit::Tree) -> Vec<Input> {
    tree_objects(tree).into_iter().map(Input::bare).collect()
}

fn tree_objects(tree: &crate::emit::Tree) -> Vec<serde_json::Value> {
    let mut out = Vec::new();
    for (path, text) in &tree.files {
        if path.ends_with("kustomization.yaml") || kustomize::is_generated_patch(Path::new(path), text) {
            continue;
        }
        let Ok(docs) = crate::yaml::read_documents(text, &crate::load::limits()) else {
            continue;
        };
        out.extend(docs.iter().map(Node::to_json));
    }
    out
}
