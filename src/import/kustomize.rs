//! Kustomize folders among the inputs of `import`: a kustomization's
//! `namespace:` applies to its resources, as `kubectl kustomize` applies it
//! (over the objects' own namespaces), through nested kustomizations too (the
//! outermost one that sets a namespace wins). Resource files outside the
//! given paths (`../base`) are read as well. A file two kustomizations put
//! in different namespaces goes to the first (GW905), and the transformers
//! that would change the imported objects (`namePrefix`, patches, ...) are
//! warnings (GW906).

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Component, Path, PathBuf};

use serde_json::Value;

use crate::diagnostic::{Code, Diagnostic, Diagnostics};
use crate::source::Sources;

/// File names kustomize reads as a kustomization.
const FILES: &[&str] = &["kustomization.yaml", "kustomization.yml", "Kustomization"];
/// Settings of a kustomization that change names or fields of the objects.
const TRANSFORMERS: &[&str] = &[
    "namePrefix",
    "nameSuffix",
    "patches",
    "patchesStrategicMerge",
    "patchesJson6902",
    "components",
];
/// How deep kustomizations may nest (a cycle stops here too).
const MAX_DEPTH: usize = 16;

/// What the kustomizations among the inputs say.
#[derive(Debug, Default)]
pub struct Kustomizations {
    /// Per resource file: the namespace its kustomization gives it.
    pub namespaces: BTreeMap<PathBuf, String>,
    /// Resource files outside the given paths, to read as well (sorted).
    pub extra: Vec<PathBuf>,
}

/// Whether `path` names a kustomization file.
pub fn is_kustomization_file(path: &Path) -> bool {
    path.file_name()
        .and_then(|n| n.to_str())
        .is_some_and(|n| FILES.contains(&n))
}

/// Read the kustomizations among `files` (the expanded inputs), registering
/// them in `sources` for the warnings.
pub fn read(files: &[PathBuf], sources: &mut Sources, diags: &mut Diagnostics) -> Kustomizations {
    let mut k = Walk::default();
    let roots: Vec<PathBuf> = files
        .iter()
        .filter(|p| is_kustomization_file(p))
        .map(|p| normal(p))
        .collect();
    // A kustomization another one includes is walked from there, under the outer namespace.
    let mut nested = BTreeSet::new();
    let mut todo: Vec<PathBuf> = roots.clone();
    while let Some(path) = todo.pop() {
        let Some(doc) = k.load(&path, sources, diags) else {
            continue;
        };
        for inner in resources(&path, &doc)
            .filter(|r| r.is_dir())
            .filter_map(|d| kustomization_in(&d))
        {
            if nested.insert(inner.clone()) {
                todo.push(inner);
            }
        }
    }
    for root in roots.iter().filter(|r| !nested.contains(*r)) {
        k.walk(root, None, 0, sources, diags);
    }
    let given: BTreeSet<PathBuf> = files.iter().map(|p| normal(p)).collect();
    // A resource that does not exist is kustomize's to report, not a file to read.
    let extra = k
        .namespaces
        .keys()
        .chain(&k.unscoped)
        .filter(|p| !given.contains(*p) && p.is_file())
        .cloned();
    let extra: BTreeSet<PathBuf> = extra.collect();
    Kustomizations {
        namespaces: k.namespaces.into_iter().map(|(p, (ns, _))| (p, ns)).collect(),
        extra: extra.into_iter().collect(),
    }
}

#[derive(Default)]
struct Walk {
    /// Resource file -> (namespace, the kustomization that gave it).
    namespaces: BTreeMap<PathBuf, (String, PathBuf)>,
    /// Resource files of kustomizations that set no namespace.
    unscoped: BTreeSet<PathBuf>,
    /// Parsed kustomizations, by path.
    docs: BTreeMap<PathBuf, Option<(crate::source::FileId, crate::yaml::Node)>>,
}

impl Walk {
    fn load(&mut self, path: &Path, sources: &mut Sources, diags: &mut Diagnostics) -> Option<Value> {
        if !self.docs.contains_key(path) {
            let read = crate::load::read_yaml_file(path, sources, diags)
                .and_then(|(file, docs)| docs.into_iter().next().map(|d| (file, d)));
            self.docs.insert(path.to_path_buf(), read);
        }
        self.docs.get(path)?.as_ref().map(|(_, node)| node.to_json())
    }

    fn walk(&mut self, path: &Path, outer: Option<&str>, depth: usize, sources: &mut Sources, diags: &mut Diagnostics) {
        let Some(doc) = self.load(path, sources, diags) else {
            return;
        };
        if depth > MAX_DEPTH {
            return;
        }
        let own = doc.get("namespace").and_then(Value::as_str);
        let ns = outer.or(own).map(str::to_string);
        self.not_applied(path, &doc, depth == 0, diags);
        for resource in resources(path, &doc).collect::<Vec<_>>() {
            if resource.is_dir() {
                if let Some(inner) = kustomization_in(&resource) {
                    self.walk(&inner, ns.as_deref(), depth + 1, sources, diags);
                }
                continue;
            }
            let Some(ns) = &ns else {
                self.unscoped.insert(resource);
                continue;
            };
            match self.namespaces.get(&resource) {
                Some((first, by)) if first != ns => {
                    let at = self.value_loc(path, "/namespace");
                    diags.push(
                        Diagnostic::warning(
                            Code::TwoNamespaces,
                            format!(
                                "`{}` is a resource of kustomizations with namespaces `{first}` (`{}`) and `{ns}`; importing it into `{first}`",
                                crate::source::display_path(&resource),
                                crate::source::display_path(by),
                            ),
                        )
                        .at(at)
                        .help("import one kustomization (one environment) at a time, e.g. `gatewright import overlays/prod`"),
                    );
                }
                Some(_) => {}
                None => {
                    self.namespaces.insert(resource, (ns.clone(), path.to_path_buf()));
                }
            }
        }
    }

    /// GW906 for each setting of the kustomization at `path` that import does not apply.
    fn not_applied(&self, path: &Path, doc: &Value, root: bool, diags: &mut Diagnostics) {
        if !root {
            return; // said once, for the kustomization given
        }
        for key in TRANSFORMERS.iter().filter(|k| doc.get(**k).is_some()) {
            diags.push(
                Diagnostic::warning(Code::KustomizationNotApplied, format!("the kustomization's `{key}` is not applied to the imported objects"))
                    .at(self.key_loc(path, &format!("/{key}")))
                    .help("the spec names the objects as the manifests spell them: check the imported names and ports, or import the output of `kubectl kustomize`"),
            );
        }
    }

    fn value_loc(&self, path: &Path, pointer: &str) -> Option<crate::source::Loc> {
        let (file, node) = self.docs.get(path)?.as_ref()?;
        Some(crate::load::to_loc(*file, node.pointer(pointer)?.span))
    }

    fn key_loc(&self, path: &Path, pointer: &str) -> Option<crate::source::Loc> {
        let (file, node) = self.docs.get(path)?.as_ref()?;
        Some(crate::load::to_loc(*file, node.key_span_at(pointer)?))
    }
}

/// The local resources (and legacy `bases`) of a kustomization, as paths.
fn resources<'a>(path: &'a Path, doc: &'a Value) -> impl Iterator<Item = PathBuf> + 'a {
    let dir = path.parent().unwrap_or(Path::new(""));
    ["resources", "bases"]
        .into_iter()
        .filter_map(|key| doc.get(key).and_then(Value::as_array))
        .flatten()
        .filter_map(Value::as_str)
        .filter(|r| !r.contains("://") && !r.starts_with("github.com/"))
        .map(move |r| normal(&dir.join(r)))
}

/// The kustomization file of a directory, if it has one.
fn kustomization_in(dir: &Path) -> Option<PathBuf> {
    FILES
        .iter()
        .map(|f| dir.join(f))
        .find(|p| p.is_file())
        .map(|p| normal(&p))
}

/// `a/b/../c` as `a/c`, without touching the file system (paths stay as the user wrote them).
pub fn normal(path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for c in path.components() {
        match c {
            Component::CurDir => {}
            Component::ParentDir if matches!(out.components().next_back(), Some(Component::Normal(_))) => {
                out.pop();
            }
            other => out.push(other),
        }
    }
    out
}
