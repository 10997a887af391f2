//! From documents to a tree of files.

use std::collections::BTreeMap;

use serde_json::{Value, json};

use crate::load::GENERATED_HEADER;
use crate::model::Upstream;
use crate::normalize::{Document, file_text};

/// The rendered output: relative path (with `/`) to file text, sorted.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Tree {
    /// Files by relative path.
    pub files: BTreeMap<String, String>,
}

impl Tree {
    /// The resources and patches as one YAML stream (`---` between
    /// documents), in path order, after the line that names the Gateway API
    /// version; kustomizations and vendored upstream manifests are left out.
    pub fn to_stream(&self) -> String {
        let mut out = Vec::new();
        // Writing into a Vec cannot fail, and every piece is UTF-8.
        let _ = self.write_stream(&mut out);
        String::from_utf8(out).unwrap_or_default()
    }

    /// Write [`Tree::to_stream`]'s text to `out` piece by piece, without
    /// building it in memory first.
    ///
    /// # Errors
    /// The first write error of `out`.
    pub fn write_stream(&self, out: &mut (impl std::io::Write + ?Sized)) -> std::io::Result<()> {
        if let Some(v) = needed_gateway_api(self) {
            out.write_all(gateway_api_note(&v).as_bytes())?;
        }
        for (path, text) in &self.files {
            if !in_stream(path) {
                continue;
            }
            write!(out, "---\n# Source: {path}\n")?;
            out.write_all(text.strip_prefix(GENERATED_HEADER).unwrap_or(text).as_bytes())?;
        }
        Ok(())
    }
}

/// Whether the stream prints the file at `path`: not a kustomization, and
/// not a vendored upstream manifest (the patches stand for it).
pub(super) fn in_stream(path: &str) -> bool {
    !(path.ends_with("kustomization.yaml") || path.contains("/upstream/"))
}

const KUSTOMIZE_API: &str = "kustomize.config.k8s.io/v1beta1";

/// The comment line of the root `kustomization.yaml` that says which Gateway
/// API CRDs the tree needs (gatewright renders standard-channel kinds only).
pub fn gateway_api_note(version: &str) -> String {
    format!("# Needs the Gateway API CRDs {version} (standard channel).\n")
}

/// The Gateway API version a rendered tree says it needs
/// ([`gateway_api_note`] in its root `kustomization.yaml`).
pub fn needed_gateway_api(tree: &Tree) -> Option<String> {
    let root = tree.files.get("kustomization.yaml")?;
    root.lines().find_map(|l| {
        let rest = l.strip_prefix("# Needs the Gateway API CRDs ")?;
        Some(rest.split_whitespace().next()?.to_string())
    })
}

/// Lay out documents and upstream manifests as a kustomize tree; the root
/// kustomization names the Gateway API version the objects need.
pub fn layout(docs: Vec<Document>, upstreams: &[Upstream], gateway_api_version: &str) -> Tree {
    let mut folders: BTreeMap<String, (Vec<String>, Vec<String>)> = BTreeMap::new();
    let mut files = BTreeMap::new();
    // An app manifest's own Namespace is the object; gatewright's becomes a patch of it.
    let patched: std::collections::BTreeSet<&str> = upstreams
        .iter()
        .filter(|u| u.has_namespace)
        .map(|u| u.namespace.as_str())
        .collect();
    for d in docs {
        files.insert(format!("{}/{}", d.folder, d.file_name), d.text);
        let namespace_patch = d.file_name == "namespace.yaml" && patched.contains(d.folder.as_str());
        let (resources, patches) = folders.entry(d.folder).or_default();
        if d.is_patch || namespace_patch {
            patches.push(d.file_name)
        } else {
            resources.push(d.file_name)
        }
    }
    let mut upstream_by_ns: BTreeMap<&str, Vec<&Upstream>> = BTreeMap::new();
    for u in upstreams {
        upstream_by_ns.entry(&u.namespace).or_default().push(u);
        folders.entry(u.namespace.clone()).or_default();
    }
    for (ns, list) in &upstream_by_ns {
        let mut resources = Vec::new();
        for u in list {
            resources.push(u.resource.clone());
            if let Some(content) = &u.content {
                files.insert(
                    format!("{ns}/upstream/{}", u.resource),
                    format!("{GENERATED_HEADER}{content}"),
                );
            }
        }
        let k = json!({
            "apiVersion": KUSTOMIZE_API,
            "kind": "Kustomization",
            "namespace": ns,
            "resources": resources,
        });
        files.insert(format!("{ns}/upstream/kustomization.yaml"), file_text(&k));
    }
    for (folder, (resources, patches)) in &folders {
        let mut res: Vec<String> = resources.iter().map(|s| s.to_string()).collect();
        res.sort();
        if upstream_by_ns.contains_key(folder.as_str()) {
            res.push("upstream".into());
        }
        let mut k = json!({"apiVersion": KUSTOMIZE_API, "kind": "Kustomization", "resources": res});
        if !patches.is_empty() {
            let mut p: Vec<&str> = patches.iter().map(String::as_str).collect();
            p.sort();
            k["patches"] = Value::Array(p.into_iter().map(|p| json!({"path": p})).collect());
        }
        files.insert(format!("{folder}/kustomization.yaml"), file_text(&k));
    }
    files.insert(
        "kustomization.yaml".into(),
        root_kustomization(folders.keys(), gateway_api_version),
    );
    Tree { files }
}

/// The objects of [`layout`] and its root `kustomization.yaml`, without the
/// folders' kustomizations and the vendored manifests: what
/// [`Tree::write_stream`] prints, at a fraction of the memory.
pub fn layout_objects(docs: Vec<Document>, upstreams: &[Upstream], gateway_api_version: &str) -> Tree {
    let mut files = BTreeMap::new();
    let mut folders = std::collections::BTreeSet::new();
    for d in docs {
        files.insert(format!("{}/{}", d.folder, d.file_name), d.text);
        folders.insert(d.folder);
    }
    folders.extend(upstreams.iter().map(|u| u.namespace.clone()));
    files.insert(
        "kustomization.yaml".into(),
        root_kustomization(folders.iter(), gateway_api_version),
    );
    Tree { files }
}

/// The root `kustomization.yaml`: every folder, and the Gateway API version the objects need.
fn root_kustomization<'a>(folders: impl Iterator<Item = &'a String>, gateway_api_version: &str) -> String {
    let roots: Vec<&str> = folders.map(String::as_str).collect();
    let root = json!({"apiVersion": KUSTOMIZE_API, "kind": "Kustomization", "resources": roots});
    let text = file_text(&root);
    let body = text.strip_prefix(GENERATED_HEADER).unwrap_or(&text);
    format!("{GENERATED_HEADER}{}{body}", gateway_api_note(gateway_api_version))
}
