//! Round trip: every standard-channel HTTPRoute, GRPCRoute, TLSRoute,
//! TCPRoute, UDPRoute, Gateway, ListenerSet and BackendTLSPolicy of
//! the Gateway API v1.6.1 examples and conformance manifests, imported and
//! rendered again, is the original object field for field, after defaults.
//!
//! Every rendered object must also pass the v1.6.1 CRDs (`gatewright::crd`).
//! An object the v1.6.1 standard CRDs refuse (an experimental-channel field)
//! is not a standard-channel object: it is listed in `EXPERIMENTAL_ONLY`, not counted.
//! Defaults: the v1.6.1 standard CRDs' `default`s, applied to both sides
//! as the API server does ([`gatewright::crd::CrdSet::defaulted`]), plus what the API
//! means without saying it: an object without namespace is in `default`,
//! and a reference's `namespace` equal to the object's is the same as none.

use crate::common;

use std::collections::BTreeMap;
use std::path::Path;

use common::*;
use gatewright::crd::CrdSet;
use serde_json::Value;

// Missing features that keep an object from round-tripping.

/// Objects that cannot round-trip: file, kind, `namespace/name`, the missing feature.
const CANNOT: &[(&str, &str, &str, &str)] = &[];

const KINDS: &[&str] = &[
    "Gateway",
    "ListenerSet",
    "HTTPRoute",
    "GRPCRoute",
    "TLSRoute",
    "TCPRoute",
    "UDPRoute",
    "BackendTLSPolicy",
];

/// Objects of the corpus that the v1.6.1 standard CRDs refuse (file, kind,
/// `namespace/name`, why): they use experimental-channel fields, so they are
/// not standard-channel objects and are not counted.
const EXPERIMENTAL_ONLY: &[(&str, &str, &str, &str)] = &[(
    "tests__httproute-retry.yaml",
    "HTTPRoute",
    "gateway-conformance-infra/retries",
    "`retry` is in the v1.6.1 experimental CRDs only",
)];

#[test]
fn gateway_api_examples_and_conformance_round_trip() {
    let Some(data) = shared_data() else { return };
    let data = data.join("gateway-api/v1.6.1");
    let crds = crd_schemas(&data.join("standard-install.yaml"));
    let crd_text = std::fs::read_to_string(data.join("standard-install.yaml")).expect("CRDs");
    let set = CrdSet::from_yaml(&crd_text, "v1.6.1").expect("CRDs load");
    let mut files: Vec<_> = ["examples", "conformance"]
        .iter()
        .flat_map(|d| {
            std::fs::read_dir(data.join(d))
                .expect("dir")
                .map(|e| e.expect("entry").path())
        })
        .filter(|p| {
            !p.file_name()
                .is_some_and(|n| n.to_string_lossy().starts_with("experimental__"))
        })
        .collect();
    files.sort();
    let tmp = tempfile::tempdir().expect("tempdir");
    let (mut total, mut ok) = (0, 0);
    let mut seen_kinds = std::collections::BTreeSet::new();
    let mut experimental = Vec::new();
    let mut failures: BTreeMap<(String, String, String), String> = BTreeMap::new();
    for file in &files {
        let text = std::fs::read_to_string(file)
            .expect("read")
            .replace("{GATEWAY_CLASS_NAME}", "gateway-conformance")
            .replace("{GATEWAY_CONTROLLER_NAME}", "example.com/gateway-controller")
            // The suite substitutes addresses of the implementation's for these.
            .replace("PLACEHOLDER_UNUSABLE_ADDRS", "192.0.2.1")
            .replace("PLACEHOLDER_USABLE_ADDRS", "192.0.2.2");
        let originals: Vec<Value> = parse_stream(&text)
            .into_iter()
            .filter(|v| KINDS.contains(&v["kind"].as_str().unwrap_or("")))
            .filter(|v| v["apiVersion"] == "gateway.networking.k8s.io/v1")
            .collect();
        if originals.is_empty() {
            continue;
        }
        let name = file.file_name().expect("name").to_string_lossy().into_owned();
        let input = tmp.path().join(&name);
        std::fs::write(&input, &text).expect("write");
        let (rendered, why) = import_and_render(&input, &tmp.path().join(format!("{name}.spec")));
        for original in originals {
            seen_kinds.insert(original["kind"].as_str().unwrap_or_default().to_string());
            let mut original = original;
            default_namespace(&mut original);
            let (kind, ns, oname) = key(&original);
            let id = (name.clone(), kind.clone(), format!("{ns}/{oname}"));
            let refusals: Vec<String> = set
                .validate(&original)
                .into_iter()
                .flatten()
                .map(|v| v.to_string())
                .collect();
            if !refusals.is_empty() {
                println!("not standard-channel: {name} {kind} {ns}/{oname}: {refusals:?}");
                experimental.push((id, refusals.join("; ")));
                continue;
            }
            total += 1;
            let Some(got) = rendered.get(&(kind, ns, oname)) else {
                failures.insert(id, format!("not rendered: {why}"));
                continue;
            };
            let invalid: Vec<String> = set.validate(got).into_iter().flatten().map(|v| v.to_string()).collect();
            assert!(
                invalid.is_empty(),
                "{name}: rendered {:?} fails the v1.6.1 CRDs: {invalid:?}",
                key(got)
            );
            let (a, b) = (normalized(&original, &crds, &set), normalized(got, &crds, &set));
            if a == b {
                ok += 1;
            } else {
                failures.insert(id, format!("differs:\n  original {a}\n  rendered {b}"));
            }
        }
    }
    println!("round trip: {ok} of {total} objects");
    for ((file, kind, name), why) in &failures {
        println!("- {file} {kind} {name}: {why}");
    }
    let refused: Vec<(String, String, String)> = EXPERIMENTAL_ONLY
        .iter()
        .map(|(f, k, n, _)| (f.to_string(), k.to_string(), n.to_string()))
        .collect();
    let ids: Vec<_> = experimental.iter().map(|(id, _)| id.clone()).collect();
    assert_eq!(
        ids, refused,
        "objects the standard CRDs refuse differ from the listed ones"
    );
    for ((_, why), (_, _, _, reason)) in experimental.iter().zip(EXPERIMENTAL_ONLY) {
        let field = reason.split('`').nth(1).unwrap_or(reason);
        assert!(why.contains(field), "refused for {why}, not for `{field}`");
    }
    let listed: Vec<(String, String, String)> = CANNOT
        .iter()
        .map(|(f, k, n, _)| (f.to_string(), k.to_string(), n.to_string()))
        .collect();
    let failed: Vec<_> = failures.keys().cloned().collect();
    assert_eq!(
        failed, listed,
        "objects that do not round-trip differ from the listed ones"
    );
    assert_eq!(ok + CANNOT.len(), total);
    assert!(total > 100, "expected the whole corpus, read {total} objects");
    let kinds: Vec<&str> = seen_kinds.iter().map(String::as_str).collect();
    let mut every_kind = KINDS.to_vec();
    every_kind.sort_unstable();
    assert_eq!(kinds, every_kind, "every counted kind occurs in the corpus");
}

/// Import one manifest file, render the spec; the rendered objects by key,
/// or why there are none.
fn import_and_render(input: &Path, dir: &Path) -> (BTreeMap<(String, String, String), Value>, String) {
    let imported = gatewright::import::import(&gatewright::import::Options {
        paths: vec![input.to_path_buf()],
        ..Default::default()
    });
    let warnings: Vec<String> = imported
        .diagnostics
        .iter()
        .map(|d| format!("{}: {}", d.code, d.message))
        .collect();
    std::fs::create_dir_all(dir).expect("mkdir");
    std::fs::write(dir.join("gatewright.yaml"), &imported.text).expect("write spec");
    let outcome = gatewright::compile(&gatewright::Options {
        spec: dir.to_path_buf(),
        ..Default::default()
    });
    let Some(out) = outcome.output else {
        let errors: Vec<String> = outcome
            .diagnostics
            .iter()
            .map(|d| format!("{}: {}", d.code, d.message))
            .collect();
        return (BTreeMap::new(), format!("render failed: {}", errors.join("; ")));
    };
    let objects = tree_objects(out.tree().expect("a tree"))
        .into_iter()
        .map(|(_, v)| (key(&v), v))
        .collect();
    (objects, warnings.join("; "))
}

fn default_namespace(v: &mut Value) {
    if v.pointer("/metadata/namespace").is_none() {
        v["metadata"]["namespace"] = "default".into();
    }
}

/// `apiVersion`, `kind`, `metadata` (name, namespace, labels, annotations)
/// and `spec`, with the CRD's defaults applied and same-namespace references bare.
fn normalized(v: &Value, crds: &BTreeMap<String, Value>, set: &CrdSet) -> Value {
    let v = &set.defaulted(v).unwrap_or_else(|| panic!("no CRD for {:?}", key(v)));
    let mut spec = v.get("spec").cloned().unwrap_or(Value::Null);
    let kind = v["kind"].as_str().unwrap_or_default();
    if let Some(schema) = crds.get(kind).and_then(|s| s.pointer("/properties/spec")) {
        sort_list_maps(&mut spec, schema);
    }
    let ns = v["metadata"]["namespace"].clone();
    drop_own_namespace(&mut spec, &ns);
    let mut meta = serde_json::Map::new();
    for k in ["name", "namespace", "labels", "annotations"] {
        if let Some(x) = v["metadata"].get(k) {
            meta.insert(k.into(), x.clone());
        }
    }
    serde_json::json!({"apiVersion": v["apiVersion"], "kind": kind, "metadata": meta, "spec": spec})
}

fn drop_own_namespace(v: &mut Value, ns: &Value) {
    match v {
        Value::Object(m) => {
            for key in ["parentRefs", "backendRefs", "certificateRefs", "caCertificateRefs"] {
                for r in m.get_mut(key).and_then(Value::as_array_mut).into_iter().flatten() {
                    if r.get("namespace") == Some(ns) {
                        r.as_object_mut().map(|o| o.remove("namespace"));
                    }
                }
            }
            for key in ["backendRef", "clientCertificateRef", "parentRef"] {
                if let Some(b) = m.get_mut(key).and_then(Value::as_object_mut) {
                    if b.get("namespace") == Some(ns) {
                        b.remove("namespace");
                    }
                }
            }
            m.values_mut().for_each(|x| drop_own_namespace(x, ns));
        }
        Value::Array(a) => a.iter_mut().for_each(|x| drop_own_namespace(x, ns)),
        _ => {}
    }
}

/// Lists the schema declares `x-kubernetes-list-type: map` are sets keyed
/// by their `x-kubernetes-list-map-keys`: order them by key.
fn sort_list_maps(v: &mut Value, schema: &Value) {
    match v {
        Value::Object(m) => {
            for (k, s) in schema
                .get("properties")
                .and_then(Value::as_object)
                .into_iter()
                .flatten()
            {
                if let Some(x) = m.get_mut(k) {
                    sort_list_maps(x, s);
                }
            }
        }
        Value::Array(a) => {
            if let Some(items) = schema.get("items") {
                a.iter_mut().for_each(|x| sort_list_maps(x, items));
            }
            if schema.get("x-kubernetes-list-type").and_then(Value::as_str) == Some("map") {
                let keys: Vec<String> = schema
                    .get("x-kubernetes-list-map-keys")
                    .and_then(Value::as_array)
                    .into_iter()
                    .flatten()
                    .filter_map(|k| k.as_str().map(str::to_string))
                    .collect();
                a.sort_by_key(|x| keys.iter().map(|k| x.get(k).map(Value::to_string)).collect::<Vec<_>>());
            }
        }
        _ => {}
    }
}

/// The `v1` OpenAPI schema of each CRD kind.
fn crd_schemas(path: &Path) -> BTreeMap<String, Value> {
    let text = std::fs::read_to_string(path).expect("CRDs");
    parse_stream(&text)
        .into_iter()
        .filter(|d| d["kind"] == "CustomResourceDefinition")
        .filter_map(|d| {
            let kind = d.pointer("/spec/names/kind")?.as_str()?.to_string();
            let version = d
                .pointer("/spec/versions")?
                .as_array()?
                .iter()
                .find(|v| v["name"] == "v1")?;
            Some((kind, version.pointer("/schema/openAPIV3Schema")?.clone()))
        })
        .collect()
}
