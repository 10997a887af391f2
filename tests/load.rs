//! Loading a spec directory: which documents become spec layers.

use gatewright::driver::{Options, compile};

use crate::common::spec_run::located_codes;

const SPEC: &str = "apiVersion: gatewright.dev/v1alpha1
kind: Site
mesh: { revision: asm-1-22 }
gateways:
  gw: { profile: aks-istio-external, listeners: { http: { hostname: '*.example.com', protocol: HTTP, port: 80 } } }
apps:
  shop:
    services: [front]
    manifests: [manifests/shop.yaml]
    routes:
      front: { host: front.example.com, to: front:80 }
";

const MANIFEST: &str = "apiVersion: v1
kind: Service
metadata: { name: front }
spec: { type: LoadBalancer, ports: [{ port: 80 }] }
---
apiVersion: apps/v1
kind: Deployment
metadata: { name: front }
";

/// Vendored manifests in the spec directory are read by the app that names
/// them, but they are not spec layers: every location lookup walks all
/// layers, so one layer per manifest made analysis quadratic in the app count.
#[test]
fn other_tools_documents_in_a_spec_directory_are_not_spec_layers() {
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::write(dir.path().join("gatewright.yaml"), SPEC).expect("write spec");
    std::fs::create_dir(dir.path().join("manifests")).expect("mkdir");
    std::fs::write(dir.path().join("manifests/shop.yaml"), MANIFEST).expect("write manifest");
    let outcome = compile(&Options {
        spec: dir.path().to_path_buf(),
        ..Options::default()
    });
    assert!(!outcome.has_errors(), "{:?}", outcome.diagnostics);
    let compiled = outcome.output.expect("output");
    let from_spec_files = compiled
        .provenance
        .layers()
        .iter()
        .filter(|l| l.mount.is_empty())
        .count();
    assert_eq!(from_spec_files, 1, "only gatewright.yaml is a spec layer");
    assert!(
        compiled
            .tree()
            .expect("a tree")
            .files
            .keys()
            .any(|p| p.contains("shop")),
        "the app still renders from its manifest"
    );
}

/// `--manifests-under DIR` refuses local manifests outside DIR, symlinks resolved.
#[test]
fn manifests_outside_the_allowed_directory_are_refused() {
    let root = tempfile::tempdir().expect("tempdir");
    let site = root.path().join("site");
    std::fs::create_dir_all(site.join("manifests")).expect("mkdir");
    std::fs::create_dir_all(root.path().join("elsewhere")).expect("mkdir");
    std::fs::write(root.path().join("elsewhere/shop.yaml"), MANIFEST).expect("write manifest");
    let spec = SPEC.replace("[manifests/shop.yaml]", "[../elsewhere/shop.yaml]");
    std::fs::write(site.join("gatewright.yaml"), &spec).expect("write spec");
    let codes = |under: &std::path::Path| located_codes(&site.join("gatewright.yaml"), under);
    assert_eq!(
        codes(&site),
        [("GW328".to_string(), 9)],
        "the manifests line of the spec"
    );
    assert_eq!(codes(root.path()), [], "inside the wider root");

    #[cfg(unix)]
    {
        std::os::unix::fs::symlink(
            root.path().join("elsewhere/shop.yaml"),
            site.join("manifests/shop.yaml"),
        )
        .expect("symlink");
        std::fs::write(site.join("gatewright.yaml"), SPEC).expect("write spec");
        assert_eq!(
            codes(&site),
            [("GW328".to_string(), 9)],
            "a link to a file outside is outside"
        );
    }
    let missing = root.path().join("no-such-dir");
    assert_eq!(codes(&missing), [("GW101".to_string(), 0)]);
}

/// A manifest of a spec directory is judged against `--manifests-under` like
/// any other (it is read with the spec, not when the app names it), and one in
/// the plainest block YAML, read without spans, still yields its Services.
#[test]
fn spec_directory_manifests_are_judged_against_the_manifest_root() {
    const PLAIN: &str = "apiVersion: v1\nkind: Service\nmetadata:\n  name: front\nspec:\n  type: LoadBalancer\n  ports:\n  - port: 80\n";
    let root = tempfile::tempdir().expect("tempdir");
    let site = root.path().join("site");
    std::fs::create_dir_all(site.join("manifests")).expect("mkdir");
    std::fs::create_dir_all(root.path().join("elsewhere")).expect("mkdir");
    std::fs::write(site.join("gatewright.yaml"), SPEC).expect("write spec");
    let codes = |manifest: &str, under: &std::path::Path| {
        std::fs::write(site.join("manifests/shop.yaml"), manifest).expect("write manifest");
        located_codes(&site, under)
    };
    for manifest in [MANIFEST, PLAIN] {
        assert_eq!(
            codes(manifest, &root.path().join("elsewhere")),
            [("GW328".to_string(), 9)],
            "outside the root: {manifest}"
        );
        assert_eq!(codes(manifest, root.path()), [], "inside the root: {manifest}");
    }
    let other = PLAIN.replace("name: front", "name: back");
    assert_eq!(
        codes(&other, root.path()),
        [("GW325".to_string(), 8), ("GW341".to_string(), 11)],
        "the Services of a plain manifest are read: `front` is not among them"
    );
}
