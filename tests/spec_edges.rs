//! Rough edges of the spec a new user hits, where one CLI case cannot show
//! it: `import` of kustomize folders, then `render` of the spec it printed.

use crate::common;

use std::path::Path;

use common::cli::gatewright;

fn write(dir: &Path, files: &[(&str, &str)]) {
    for (path, text) in files {
        let path = dir.join(path);
        std::fs::create_dir_all(path.parent().expect("parent")).expect("mkdir");
        std::fs::write(path, text).expect("write");
    }
}

const SERVICE: &str = "apiVersion: v1
kind: Service
metadata: { name: web }
spec: { type: LoadBalancer, ports: [{ port: 80, targetPort: 8080 }] }
";

/// A kustomize layout: a base without namespace, an overlay that sets one
/// (and a `namePrefix`), and a second app folder of the same Service name.
fn kustomize_tree(dir: &Path) {
    write(
        dir,
        &[
            ("base/kustomization.yaml", "resources: [service.yaml]\n"),
            ("base/service.yaml", SERVICE),
            (
                "overlays/prod/kustomization.yaml",
                "apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nnamespace: shop\nresources: [../../base]\n",
            ),
            ("pay/kustomization.yaml", "namespace: pay\nresources: [service.yaml]\n"),
            ("pay/service.yaml", SERVICE),
        ],
    );
}

fn run(dir: &Path, args: &[&str]) -> std::process::Output {
    gatewright()
        .args(args)
        .current_dir(dir)
        .output()
        .expect("run gatewright")
}

#[test]
fn imported_kustomize_folders_render_in_their_namespaces() {
    let tmp = tempfile::tempdir().expect("tempdir");
    kustomize_tree(tmp.path());
    let import = run(tmp.path(), &["import", "overlays/prod", "pay", "--domain", "aks.rocks"]);
    let stderr = String::from_utf8_lossy(&import.stderr);
    assert_eq!(import.status.code(), Some(0), "{stderr}");
    assert!(
        !stderr.contains("GW903"),
        "every object has its kustomization's namespace: {stderr}"
    );
    let spec = String::from_utf8(import.stdout).expect("utf-8");
    assert!(spec.contains("  shop:\n") && spec.contains("  pay:\n"), "{spec}");
    assert!(!spec.contains("apps:\n  default:"), "no app `default`: {spec}");
    assert!(
        spec.contains("- base/service.yaml"),
        "the base read through the overlay: {spec}"
    );
    std::fs::write(tmp.path().join("gatewright.yaml"), &spec).expect("write spec");
    let render = run(tmp.path(), &["render", "gatewright.yaml", "--stdout"]);
    assert_eq!(
        render.status.code(),
        Some(0),
        "the printed spec renders: {}",
        String::from_utf8_lossy(&render.stderr)
    );
    let stream = String::from_utf8_lossy(&render.stdout);
    for ns in ["shop", "pay"] {
        assert!(
            stream.contains(&format!("kind: HTTPRoute\nmetadata:\n  name: web\n  namespace: {ns}\n")),
            "{stream}"
        );
    }
}

#[test]
fn objects_without_namespace_are_each_named_once() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let three: String = ["a", "b", "c"]
        .iter()
        .map(|n| SERVICE.replace("web", n) + "---\n")
        .collect();
    write(tmp.path(), &[("legacy/services.yaml", &three)]);
    let import = run(tmp.path(), &["import", "legacy"]);
    let stderr = String::from_utf8_lossy(&import.stderr);
    assert_eq!(import.status.code(), Some(0), "{stderr}");
    for name in ["a", "b", "c"] {
        let line = format!("warning[GW903]: `Service` {name} names no namespace");
        assert_eq!(stderr.matches(&line).count(), 1, "{stderr}");
    }
}

#[test]
fn the_outermost_kustomization_sets_the_namespace() {
    let tmp = tempfile::tempdir().expect("tempdir");
    write(
        tmp.path(),
        &[
            // two levels below the outer one, and sorted before it
            (
                "a-inner/kustomization.yaml",
                "namespace: inner\nresources: [service.yaml]\n",
            ),
            ("a-inner/service.yaml", SERVICE),
            ("m-middle/kustomization.yaml", "resources: [../a-inner]\n"),
            (
                "z-outer/kustomization.yaml",
                "namespace: outer\nresources: [../m-middle]\n",
            ),
        ],
    );
    // the middle one is not among the paths given: it is found through the outer one
    let import = run(tmp.path(), &["import", "a-inner", "z-outer"]);
    assert_eq!(
        import.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&import.stderr)
    );
    let spec = String::from_utf8(import.stdout).expect("utf-8");
    assert!(spec.contains("apps:\n  outer:\n"), "{spec}");
    assert!(!spec.contains("inner:\n"), "{spec}");
}
