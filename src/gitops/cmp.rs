//! The Argo CD config-management-plugin stream: the objects `kubectl
//! kustomize` would build from the rendered tree, as one YAML stream.
//!
//! Resources are printed as rendered; the vendored upstream manifests of each
//! app are put in the app's namespace, and the Service patches are applied to
//! them in-process (a strategic merge: maps merge, `null` deletes, `ports`
//! merge by `port`). An upstream manifest given by URL cannot be fetched
//! (gatewright has no network client) and is an error, as is an empty stream:
//! Argo CD with pruning would delete everything.

use serde_json::{Map, Value};

use crate::diagnostic::{Code, Diagnostic};
use crate::emit::Tree;
use crate::model::Model;
use crate::source::Loc;
use crate::yaml;

/// Kinds without a namespace that upstream manifests commonly carry; the
/// kustomize namespace transformer leaves them alone.
const CLUSTER_SCOPED: &[&str] = &[
    "Namespace",
    "CustomResourceDefinition",
    "ClusterRole",
    "ClusterRoleBinding",
    "PriorityClass",
    "StorageClass",
    "PersistentVolume",
    "IngressClass",
    "GatewayClass",
    "ValidatingWebhookConfiguration",
    "MutatingWebhookConfiguration",
    "APIService",
];

/// The complete manifests of a compiled tree, for the plugin's `generate`.
/// `locate` finds the spec line of a model item's `origin`.
pub fn manifests(
    tree: &Tree,
    model: &Model,
    locate: &dyn Fn(&str) -> Option<Loc>,
) -> Result<Vec<Value>, Vec<Diagnostic>> {
    let mut errors = Vec::new();
    let mut unfetched = Vec::new();
    let mut resources = Vec::new();
    let mut patches = Vec::new();
    for u in &model.upstreams {
        let Some(content) = &u.content else {
            unfetched.push(u.namespace.as_str());
            errors.push(
                Diagnostic::error(
                    Code::ManifestUrlInPlugin,
                    format!(
                        "app namespace `{}` deploys `{}` by URL, which the Argo CD plugin cannot fetch",
                        u.namespace, u.resource
                    ),
                )
                .at(locate(&u.origin))
                .path(u.origin.clone())
                .help("vendor the manifest: commit a copy beside the spec and list its path under `manifests:`"),
            );
            continue;
        };
        match yaml::read_documents(content, &yaml::Limits::default()) {
            Ok(docs) => {
                for doc in docs {
                    let mut v = doc.to_json();
                    if !v.is_object() {
                        continue;
                    }
                    let kind = v.get("kind").and_then(Value::as_str).unwrap_or_default();
                    if !CLUSTER_SCOPED.contains(&kind) {
                        v["metadata"]["namespace"] = Value::String(u.namespace.clone());
                    }
                    resources.push(v);
                }
            }
            Err(e) => errors.push(
                Diagnostic::error(
                    Code::InvalidManifestYaml,
                    format!("manifest `{}` is not valid YAML: {}", u.resource, e.message),
                )
                .at(locate(&u.origin))
                .path(u.origin.clone())
                .help("fix the manifest"),
            ),
        }
    }
    for (path, text) in &tree.files {
        if path.ends_with("kustomization.yaml") || path.contains("/upstream/") {
            continue;
        }
        match yaml::read_documents(text, &yaml::Limits::default()) {
            Ok(docs) => {
                let list = if path.ends_with(".patch.yaml") {
                    &mut patches
                } else {
                    &mut resources
                };
                list.extend(docs.into_iter().map(|d| d.to_json()));
            }
            Err(e) => errors.push(Diagnostic::error(
                Code::BlueprintOutput,
                format!("rendered `{path}` is not valid YAML: {}", e.message),
            )),
        }
    }
    for patch in &patches {
        let key = id(patch);
        if unfetched.contains(&key.1.as_str()) {
            continue; // reported above
        }
        match resources.iter_mut().find(|r| id(r) == key) {
            Some(target) => merge(target, patch),
            None => errors.push(
                Diagnostic::error(
                    Code::ServiceNotFound,
                    format!("the patch of {} `{}/{}` matches no object", key.0, key.1, key.2),
                )
                .at(model
                    .service_patches
                    .iter()
                    .find(|p| p.namespace == key.1 && p.name == key.2)
                    .and_then(|p| locate(&p.origin)))
                .help("list the manifest that deploys it under the app's `manifests:`"),
            ),
        }
    }
    if resources.is_empty() && errors.is_empty() {
        errors.push(
            Diagnostic::error(
                Code::EmptyPluginStream,
                "the spec renders no objects: refusing to print an empty stream",
            )
            .help("Argo CD prunes everything an empty stream leaves out; add a gateway or an app"),
        );
    }
    if errors.is_empty() { Ok(resources) } else { Err(errors) }
}

/// The stream text of [`manifests`]: `---` before each object, canonical YAML.
pub fn stream(objects: &[Value]) -> String {
    let mut out = String::new();
    for o in objects {
        out.push_str("---\n");
        yaml::write_canonical_yaml(&mut out, o);
    }
    out
}

fn id(v: &Value) -> (String, String, String) {
    let s = |p: &str| v.pointer(p).and_then(Value::as_str).unwrap_or_default().to_string();
    (s("/kind"), s("/metadata/namespace"), s("/metadata/name"))
}

/// Strategic merge of a Service patch: maps merge, `null` deletes, lists of
/// maps with a `port` (Service ports) merge by it, other lists are replaced.
fn merge(target: &mut Value, patch: &Value) {
    match (target, patch) {
        (Value::Object(t), Value::Object(p)) => merge_maps(t, p),
        (Value::Array(t), Value::Array(p)) if p.iter().all(|i| i.get("port").is_some()) => {
            for item in p {
                match t.iter_mut().find(|x| x.get("port") == item.get("port")) {
                    Some(existing) => merge(existing, item),
                    None => t.push(item.clone()),
                }
            }
        }
        (t, p) => *t = p.clone(),
    }
}

fn merge_maps(t: &mut Map<String, Value>, p: &Map<String, Value>) {
    for (k, v) in p {
        match (v, t.get_mut(k)) {
            (Value::Null, _) => {
                t.remove(k);
            }
            (_, Some(existing)) => merge(existing, v),
            (_, None) => {
                t.insert(k.clone(), v.clone());
            }
        }
    }
}
