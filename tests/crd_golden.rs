//! Every Gateway API object of every golden tree (every example ×
//! environment) is valid against the CRDs of the Gateway API version the tree
//! says it needs (`../shared/data/gateway-api/<version>/standard-install.yaml`),
//! CEL rules included.

use crate::common;

use std::collections::BTreeMap;

use common::*;
use gatewright::crd::CrdSet;
use serde_json::Value;

/// The standard CRDs of a Gateway API release in the reference data.
fn crds(data: &std::path::Path, version: &str) -> CrdSet {
    let path = data.join(format!("gateway-api/{version}/standard-install.yaml"));
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    CrdSet::from_yaml(&text, &path.display().to_string()).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// The Gateway API objects of a golden tree on disk, by file.
fn golden_objects(dir: &std::path::Path) -> Vec<(String, Value)> {
    walkdir::WalkDir::new(dir)
        .sort_by_file_name()
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_file() && !e.path().ends_with("kustomization.yaml"))
        .flat_map(|e| {
            let text = std::fs::read_to_string(e.path()).expect("read");
            let rel = e.path().strip_prefix(dir).expect("prefix").display().to_string();
            parse_stream(&text).into_iter().map(move |v| (rel.clone(), v))
        })
        .filter(|(_, v)| {
            v["apiVersion"]
                .as_str()
                .is_some_and(|a| a.starts_with("gateway.networking.k8s.io/"))
        })
        .collect()
}

#[test]
fn every_golden_tree_passes_the_gateway_api_crds_it_names() {
    let Some(data) = shared_data() else { return };
    let mut sets: BTreeMap<String, CrdSet> = BTreeMap::new();
    let mut checked = 0;
    for (example, env, tree) in example_trees() {
        let golden = golden_dir(&example, env.as_deref());
        let version = gatewright::emit::needed_gateway_api(&tree)
            .unwrap_or_else(|| panic!("{}: the tree does not name its Gateway API version", golden.display()));
        let set = sets.entry(version.clone()).or_insert_with(|| crds(&data, &version));
        for (path, object) in golden_objects(&golden) {
            let violations = set.validate(&object).unwrap_or_else(|| {
                panic!(
                    "{}: {path}: {} is not in the {version} CRDs",
                    golden.display(),
                    object["kind"]
                )
            });
            let shown: Vec<String> = violations.iter().map(ToString::to_string).collect();
            assert!(shown.is_empty(), "{}: {path} ({version}): {shown:#?}", golden.display());
            checked += 1;
        }
    }
    assert!(checked >= 10, "only {checked} objects checked");
}

/// The seed's target: every rendered Gateway API object of every example, in
/// every environment, is also valid for Gateway API v1.1.0 (the examples use no
/// newer feature), so the trees apply to the oldest version gatewright targets.
#[test]
fn every_example_is_valid_for_gateway_api_v1_1_0() {
    let Some(data) = shared_data() else { return };
    let set = crds(&data, "v1.1.0");
    let mut checked = 0;
    for (example, env, tree) in example_trees() {
        if matches!(example.as_str(), "long-form" | "listenersets") {
            continue; // show features newer than v1.1.0 (`gatewayApi: v1.6.1`); checked against v1.6.1 above
        }
        for (path, text) in &tree.files {
            for object in parse_stream(text) {
                if !object["apiVersion"]
                    .as_str()
                    .is_some_and(|a| a.starts_with("gateway.networking.k8s.io/"))
                {
                    continue;
                }
                let violations = set
                    .validate(&object)
                    .unwrap_or_else(|| panic!("{example}/{env:?}/{path}: not covered"));
                let shown: Vec<String> = violations.iter().map(ToString::to_string).collect();
                assert!(shown.is_empty(), "{example} {env:?} {path}: {shown:#?}");
                checked += 1;
            }
        }
    }
    println!("{checked} rendered Gateway API objects valid for v1.1.0");
    assert!(checked >= 10, "only {checked} objects checked");
}

#[test]
fn the_crds_refuse_a_broken_golden_route() {
    let Some(data) = shared_data() else { return };
    let golden = golden_dir("aks-store", Some("prod"));
    let (_, mut route) = golden_objects(&golden)
        .into_iter()
        .find(|(_, v)| v["kind"] == "HTTPRoute")
        .expect("an HTTPRoute");
    route["spec"]["hostnames"] = serde_json::json!(["Not_A_Hostname"]);
    let violations = crds(&data, "v1.1.0").validate(&route).expect("HTTPRoute is covered");
    assert!(!violations.is_empty(), "an invalid hostname passes");
}
