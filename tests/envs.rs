//! Environments: overlays as merge patches over the base spec (and over the
//! profiles), one tree per environment, and `blueprints export`.

use crate::common;

use std::path::Path;

use common::*;
use gatewright::Options;

fn with_overlay(dir: &Path, overlay: &str) -> gatewright::emit::Tree {
    std::fs::write(dir.join("spec.yaml"), PETS_ONE_ROUTE).expect("spec");
    std::fs::write(dir.join("env.yaml"), overlay).expect("overlay");
    render_with(Options {
        spec: dir.join("spec.yaml"),
        overlay: Some(dir.join("env.yaml")),
        ..Options::default()
    })
}

fn object(tree: &gatewright::emit::Tree, kind: &str) -> serde_json::Value {
    tree_objects(tree)
        .into_iter()
        .map(|(_, v)| v)
        .find(|v| v["kind"] == kind)
        .expect(kind)
}

#[test]
fn an_empty_overlay_changes_nothing() {
    let dir = tempfile::tempdir().expect("tempdir");
    let tree = with_overlay(dir.path(), "{}\n");
    assert_eq!(tree, render(&dir.path().join("spec.yaml")));
}

#[test]
fn the_overlay_wins_and_maps_merge_by_key() {
    let dir = tempfile::tempdir().expect("tempdir");
    let tree = with_overlay(
        dir.path(),
        "apps: { pets: { routes: { store-front: { host: shop.aks.rocks } } } }\n",
    );
    let route = object(&tree, "HTTPRoute");
    assert_eq!(route["spec"]["hostnames"], serde_json::json!(["shop.aks.rocks"]));
    assert_eq!(
        route["spec"]["rules"][0]["backendRefs"][0]["name"], "store-front",
        "kept from the base"
    );
}

#[test]
fn null_in_an_overlay_deletes_a_value_the_profile_supplies() {
    let dir = tempfile::tempdir().expect("tempdir");
    let tree = with_overlay(dir.path(), "gateways: { gateway: { addresses: null } }\n");
    let gateway = object(&tree, "Gateway");
    assert!(gateway["spec"].get("addresses").is_none(), "{gateway}");
    assert_eq!(
        gateway["metadata"]["namespace"], "aks-istio-ingress",
        "the rest of the profile stays"
    );
}

#[test]
fn an_overlay_pins_one_namespace_to_another_revision() {
    let dir = tempfile::tempdir().expect("tempdir");
    let tree = with_overlay(dir.path(), "apps: { pets: { revision: asm-1-23 } }\n");
    assert_eq!(
        object(&tree, "Namespace")["metadata"]["labels"]["istio.io/rev"],
        "asm-1-23"
    );
    let base = render(&dir.path().join("spec.yaml"));
    assert_eq!(
        object(&base, "Namespace")["metadata"]["labels"]["istio.io/rev"],
        "asm-1-22"
    );
}

#[test]
fn plan_lists_one_tree_per_overlay_or_one_without() {
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::write(dir.path().join("spec.yaml"), PETS_ONE_ROUTE).expect("spec");
    let plan = gatewright::driver::plan(dir.path(), None, None).expect("plan");
    assert_eq!(plan.len(), 1);
    assert_eq!(plan[0].env, None);
    assert_eq!(plan[0].out_dir(Path::new("out")).expect("dir"), Path::new("out"));
    std::fs::create_dir(dir.path().join("overlays")).expect("mkdir");
    for env in ["prod", "dev"] {
        std::fs::write(dir.path().join("overlays").join(format!("{env}.yaml")), "{}\n").expect("overlay");
    }
    let plan = gatewright::driver::plan(&dir.path().join("spec.yaml"), None, None).expect("plan");
    let envs: Vec<_> = plan.iter().map(|t| t.env.clone().expect("env")).collect();
    assert_eq!(envs, ["dev", "prod"]);
    assert_eq!(plan[1].out_dir(Path::new("out")).expect("dir"), Path::new("out/prod"));
    let one = gatewright::driver::plan(dir.path(), None, Some("prod")).expect("plan");
    assert_eq!(one, vec![plan[1].clone()]);
    let err = gatewright::driver::plan(dir.path(), None, Some("prd")).expect_err("unknown env");
    assert_eq!(err.code, "GW107");
}

#[test]
fn exported_blueprints_are_the_builtins_and_render_the_same_tree() {
    let dir = tempfile::tempdir().expect("tempdir");
    let bp = dir.path().join("bp");
    let run = |args: &[&str]| {
        crate::common::cli::bin()
            .args(args)
            .env("GATEWRIGHT_NO_CACHE", "1")
            .output()
            .expect("run gatewright")
    };
    let out = run(&["blueprints", "export", bp.to_str().expect("utf-8")]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    for b in gatewright::render::Blueprint::ALL {
        let text = std::fs::read_to_string(bp.join(b.file_name())).expect("exported");
        assert_eq!(text, b.builtin(), "{}", b.file_name());
    }
    let example = root().join("examples/aks-store");
    let custom = render_with(Options {
        spec: example.clone(),
        blueprints: Some(bp.clone()),
        ..Options::default()
    });
    assert_eq!(custom, render(&example));
    std::fs::write(bp.join("gateway.yaml.j2"), "edited").expect("edit");
    let again = run(&["blueprints", "export", bp.to_str().expect("utf-8")]);
    assert_eq!(again.status.code(), Some(2), "an edited blueprint is not overwritten");
    assert_eq!(
        std::fs::read_to_string(bp.join("gateway.yaml.j2")).expect("read"),
        "edited"
    );
}
