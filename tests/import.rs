//! `gatewright import`: the seed's migration from the aks-store manifest,
//! and Ingress cases, each pinned by a snapshot of the proposed spec and its
//! warnings; every proposed spec must also compile.

use crate::common;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use common::*;
use gatewright::import::{Imported, Options, import};

/// The spec and its warnings as `CODE file:line:col: message`.
fn report(imported: &Imported) -> String {
    let mut out = imported.text.clone();
    out.push_str("---\n");
    for d in &imported.diagnostics {
        let at = d.loc.as_ref().map_or_else(String::new, |l| {
            let name = imported.sources.name(l.file);
            let file = Path::new(name).file_name().map_or(name.into(), |f| f.to_string_lossy());
            format!(" {file}:{}:{}", l.line, l.col)
        });
        out.push_str(&format!("# {}{at}: {}\n", d.code, d.message));
    }
    let data = common::outside::shared_dir().join("data");
    out.replace(&data.display().to_string(), "<data>")
        .replace(&root().display().to_string(), "<root>")
}

/// Save the spec in `dir` and compile it, its manifests allowed under
/// `manifests_under` (the spec's folder by default, outside Git); the
/// rendered objects by key.
fn compile_spec(
    dir: &Path,
    text: &str,
    manifests_under: Option<&Path>,
) -> BTreeMap<(String, String, String), serde_json::Value> {
    std::fs::write(dir.join("gatewright.yaml"), text).expect("write spec");
    let tree = render_with(gatewright::Options {
        spec: dir.to_path_buf(),
        manifests_under: manifests_under.map(Path::to_path_buf),
        ..gatewright::Options::default()
    });
    tree_objects(&tree).into_iter().map(|(_, v)| (key(&v), v)).collect()
}

#[test]
fn aks_store_manifest_becomes_the_seed_spec() {
    let Some(shared) = shared_data() else { return };
    let Some(seed) = shared_seed() else { return };
    // The layout of the command in the issue: run beside `../shared/data`, with the path as given.
    let tmp = tempfile::tempdir().expect("tempdir");
    let work = tmp.path().join("work");
    let data = tmp.path().join("shared/data/aks-store-demo");
    std::fs::create_dir_all(&work).expect("mkdir");
    std::fs::create_dir_all(&data).expect("mkdir");
    let manifest = "aks-store-all-in-one@main.yaml";
    std::fs::copy(shared.join("aks-store-demo").join(manifest), data.join(manifest)).expect("copy");
    let out = crate::common::cli::bin()
        .args(["import", "../shared/data/aks-store-demo/aks-store-all-in-one@main.yaml"])
        .args(["--namespace", "pets", "--domain", "aks.rocks", "--revision", "asm-1-22"])
        .args([
            "--host",
            "store-front=store.aks.rocks",
            "--host",
            "store-admin=admin.aks.rocks",
        ])
        .current_dir(&work)
        .output()
        .expect("run gatewright import");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let spec = String::from_utf8(out.stdout).expect("utf-8");
    insta::assert_snapshot!("aks_store_spec", spec);
    insta::assert_snapshot!("aks_store_stderr", String::from_utf8_lossy(&out.stderr));

    // The manifest is beside `work/`, in no Git work tree: rendering it
    // takes `--manifests-under ..`.
    let rendered = compile_spec(&work, &spec, Some(tmp.path()));
    let mut expected = BTreeMap::new();
    for entry in std::fs::read_dir(seed.join("expected")).expect("seed/expected") {
        let text = std::fs::read_to_string(entry.expect("entry").path()).expect("read");
        for v in parse_stream(&text) {
            expected.insert(key(&v), v);
        }
    }
    assert_eq!(
        expected.len(),
        6,
        "seed: Gateway, 2 HTTPRoutes, Namespace, 2 Service patches"
    );
    for (k, want) in &expected {
        let got = rendered.get(k).unwrap_or_else(|| panic!("{k:?} not rendered"));
        if k.0 == "Service" {
            // The local manifest's patches also delete what only LoadBalancer Services carry.
            assert_eq!(got.pointer("/spec/type"), want.pointer("/spec/type"), "{k:?}");
        } else {
            assert_eq!(got, want, "{k:?} differs from the seed");
        }
    }
}

fn ingress_case(name: &str, paths: Vec<PathBuf>, namespace: Option<&str>) {
    ingress_case_of(name, paths, namespace, &[]);
}

fn ingress_case_of(name: &str, paths: Vec<PathBuf>, namespace: Option<&str>, classes: &[&str]) {
    let imported = import(&Options {
        paths,
        namespace: namespace.map(str::to_string),
        ingress_classes: classes.iter().map(|c| c.to_string()).collect(),
        ..Options::default()
    });
    assert!(
        !imported.diagnostics.iter().any(|d| d.is_error()),
        "{:?}",
        imported.diagnostics
    );
    insta::assert_snapshot!(name, report(&imported));
    let dir = tempfile::tempdir().expect("tempdir");
    let rendered = compile_spec(dir.path(), &imported.text, None);
    assert!(
        rendered.keys().any(|(k, _, _)| k == "HTTPRoute"),
        "{name}: no HTTPRoute rendered"
    );
}

#[test]
fn ingress_with_tls_named_port_and_default_backend() {
    ingress_case(
        "ingress_tls_and_default",
        vec![root().join("tests/import/tls-and-default.yaml")],
        None,
    );
}

#[test]
fn ingress_single_host_without_namespace() {
    ingress_case(
        "ingress_single_host",
        vec![root().join("tests/import/single-host.yaml")],
        Some("blog"),
    );
}

#[test]
fn ingress_parts_that_do_not_carry_over_are_warnings() {
    ingress_case(
        "ingress_unsupported",
        vec![root().join("tests/import/unsupported.yaml")],
        None,
    );
}

#[test]
fn ingress2gateway_common_input() {
    let Some(data) = shared_data() else { return };
    let input = data.join("ingress2gateway/v1.1.0/common__testdata__input-file.yaml");
    // Its Ingresses name classes of their own: imported with `--ingress-class`.
    let classes = [
        "ingressClass-ingress1",
        "ingressClass-ingress2",
        "ingressClass-ingress-no-namespace",
    ];
    ingress_case_of("ingress2gateway_common", vec![input], None, &classes);
}
