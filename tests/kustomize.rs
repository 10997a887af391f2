//! The rendered tree built by the real `kubectl kustomize`, with the upstream
//! aks-store manifest as the app's manifest: the patched Services come out
//! `ClusterIP` and acceptable to the API server, the others unchanged.

use crate::common;

use std::path::Path;
use std::process::Command;

use common::*;
use serde_json::Value;

#[test]
fn kustomize_builds_the_seed_tree_with_the_upstream_manifest() {
    let Some(data) = shared_data() else { return };
    let Some(kubectl) = program("kubectl") else { return };
    let upstream = data.join("aks-store-demo/aks-store-all-in-one@44efc6e.yaml");
    assert!(upstream.is_file(), "missing {}", upstream.display());
    let dir = tempfile::tempdir().expect("tempdir");
    let spec = std::fs::read_to_string(root().join("examples/aks-store/gatewright.yaml")).expect("spec");
    let spec: String = spec
        .lines()
        .map(|l| {
            if l.trim_start().starts_with("- https://") {
                format!("    - {}", upstream.display())
            } else {
                l.to_string()
            }
        })
        .collect::<Vec<_>>()
        .join("\n");
    std::fs::write(dir.path().join("gatewright.yaml"), spec).expect("write spec");
    // The manifest lies in ../shared, outside the spec's folder: allowed as
    // `--manifests-under` allows it.
    let tree = render_with(gatewright::Options {
        spec: dir.path().join("gatewright.yaml"),
        manifests_under: Some(data.clone()),
        ..gatewright::Options::default()
    });
    let out = dir.path().join("out");
    gatewright::emit::write_tree(&tree, &out).expect("write tree");

    let built = Command::new(kubectl)
        .arg("kustomize")
        .arg(&out)
        .output()
        .expect("run kubectl");
    assert!(
        built.status.success(),
        "kubectl kustomize failed: {}",
        String::from_utf8_lossy(&built.stderr)
    );
    let objects = parse_stream(&String::from_utf8_lossy(&built.stdout));
    let upstream_objects = parse_stream(&std::fs::read_to_string(&upstream).expect("upstream"));

    let services: Vec<&Value> = objects.iter().filter(|o| o["kind"] == "Service").collect();
    assert_eq!(services.len(), 7, "all seven upstream Services are built");
    for svc in services {
        let name = svc["metadata"]["name"].as_str().expect("name");
        assert_eq!(svc["metadata"]["namespace"], "pets", "{name} is in the app namespace");
        let original = upstream_objects
            .iter()
            .find(|o| o["kind"] == "Service" && o["metadata"]["name"] == name)
            .expect("Service is upstream");
        if name == "store-front" || name == "store-admin" {
            assert_eq!(svc["spec"]["type"], "ClusterIP", "{name} is patched");
            assert_eq!(
                original["spec"]["type"], "LoadBalancer",
                "{name} was a LoadBalancer upstream"
            );
            for field in [
                "externalTrafficPolicy",
                "loadBalancerIP",
                "loadBalancerSourceRanges",
                "allocateLoadBalancerNodePorts",
                "healthCheckNodePort",
                "loadBalancerClass",
            ] {
                assert!(svc["spec"].get(field).is_none(), "{name} keeps {field}");
            }
            let ports = svc["spec"]["ports"].as_array().expect("ports");
            assert!(
                ports.iter().all(|p| p.get("nodePort").is_none()),
                "{name} keeps a nodePort"
            );
            let mut without_type = svc["spec"].clone();
            let mut original_without_type = original["spec"].clone();
            without_type.as_object_mut().expect("spec").remove("type");
            original_without_type.as_object_mut().expect("spec").remove("type");
            assert_eq!(without_type, original_without_type, "{name}: only the type changes");
        } else {
            assert_eq!(svc["spec"], original["spec"], "{name} is unchanged");
        }
    }
    let ns = objects.iter().find(|o| o["kind"] == "Namespace").expect("Namespace");
    assert_eq!(ns["metadata"]["name"], "pets");
    assert_eq!(ns["metadata"]["labels"]["istio.io/rev"], "asm-1-22");
    for kind in ["Gateway", "HTTPRoute"] {
        assert!(objects.iter().any(|o| o["kind"] == kind), "{kind} is in the build");
    }
}

/// The objects `kubectl kustomize DIR` builds (`golden` names the tree in messages).
fn build(kubectl: &Path, dir: &Path, golden: &Path) -> Vec<Value> {
    let built = Command::new(kubectl)
        .arg("kustomize")
        .arg(dir)
        .output()
        .expect("run kubectl");
    assert!(
        built.status.success(),
        "{}: {}",
        golden.display(),
        String::from_utf8_lossy(&built.stderr)
    );
    parse_stream(&String::from_utf8_lossy(&built.stdout))
}

/// The pinned aks-store manifest URL the example uses, and its local copy.
const AKS_STORE_URL: &str = "https://raw.githubusercontent.com/Azure-Samples/aks-store-demo/44efc6edab0a811e2d8c6d8b559e066307cbbe42/aks-store-all-in-one.yaml";

/// Every golden tree (every example × environment) builds with the real
/// `kubectl kustomize`, as a whole and namespace folder by namespace folder
/// (the roots the generated Flux and Argo CD objects build). A remote manifest would need the network: the pinned
/// aks-store URL is swapped for its local copy in `../shared/data`, and any
/// other URL fails the test.
#[test]
fn kustomize_builds_every_golden_tree() {
    let Some(data) = shared_data() else { return };
    let Some(kubectl) = program("kubectl") else { return };
    let local = data.join("aks-store-demo/aks-store-all-in-one@44efc6e.yaml");
    let mut built_trees = 0;
    for (example, env, tree) in example_trees() {
        let golden = golden_dir(&example, env.as_deref());
        let dir = tempfile::tempdir().expect("tempdir");
        for entry in walkdir::WalkDir::new(&golden).into_iter().filter_map(Result::ok) {
            if !entry.file_type().is_file() {
                continue;
            }
            let rel = entry.path().strip_prefix(&golden).expect("prefix");
            let dest = dir.path().join(rel);
            std::fs::create_dir_all(dest.parent().expect("parent")).expect("mkdir");
            let mut text = std::fs::read_to_string(entry.path()).expect("read");
            if text.contains(AKS_STORE_URL) {
                std::fs::copy(&local, dest.with_file_name("aks-store-all-in-one.yaml")).expect("copy upstream");
                text = text.replace(AKS_STORE_URL, "aks-store-all-in-one.yaml");
            }
            // Only a kustomization fetches; a CORS origin in a route is just a value.
            assert!(
                !(rel.ends_with("kustomization.yaml") && text.contains("https://")),
                "{}: a remote resource needs the network",
                entry.path().display()
            );
            std::fs::write(&dest, text).expect("write");
        }
        let objects = build(&kubectl, dir.path(), &golden);
        // What the GitOps engine builds: each namespace folder alone.
        let mut roots: Vec<std::path::PathBuf> = std::fs::read_dir(dir.path())
            .expect("read tree")
            .filter_map(Result::ok)
            .map(|e| e.path())
            .filter(|p| p.join("kustomization.yaml").is_file())
            .collect();
        roots.sort();
        assert!(roots.len() >= 2, "{}: a gateway and an app folder", golden.display());
        let sorted = |objects: Vec<Value>| {
            let mut texts: Vec<String> = objects.iter().map(Value::to_string).collect();
            texts.sort();
            texts
        };
        let one_by_one = roots.iter().flat_map(|r| build(&kubectl, r, &golden)).collect();
        assert_eq!(
            sorted(one_by_one),
            sorted(objects.clone()),
            "{}: the namespace folders built one by one give the objects of the whole tree",
            golden.display()
        );
        for (path, object) in tree_objects(&tree) {
            let (kind, ns, name) = key(&object);
            let found = objects
                .iter()
                .find(|o| key(o) == (kind.clone(), ns.clone(), name.clone()));
            let found = found.unwrap_or_else(|| panic!("{}: {path} is not in the build", golden.display()));
            if path.ends_with(".patch.yaml") {
                assert_eq!(
                    found["spec"]["type"],
                    "ClusterIP",
                    "{}: {path} is applied",
                    golden.display()
                );
            } else {
                assert_eq!(found, &object, "{}: {path} comes out unchanged", golden.display());
            }
        }
        built_trees += 1;
    }
    assert!(built_trees >= 3, "aks-store dev and prod, teams: {built_trees} trees");
}
