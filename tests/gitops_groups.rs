//! `gitops.groups`: hashed group roots in the rendered tree, and the engine
//! objects pointing at them instead of at each namespace folder.

use crate::common;

use std::path::Path;

use common::*;
use gatewright::emit::Tree;
use serde_json::{Value, json};

const HEAD: &str = r#"apiVersion: gatewright.dev/v1alpha1
kind: Site
gateways:
  web:
    profile: istio
    listeners:
      http: { hostname: "*.example.com", protocol: HTTP, port: 80 }
apps:
"#;

const REPO: &str = "gitops:\n  repository: { url: \"https://git.example.com/platform.git\" }\n  output: deploy\n";

/// A spec with an app (one route, one patched Service from a local manifest)
/// per namespace, `gitops` appended, in a new directory with the given overlays.
fn site(namespaces: &[&str], gitops: &str, envs: &[&str]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut spec = HEAD.to_string();
    std::fs::create_dir(dir.path().join("manifests")).expect("manifests");
    for (i, ns) in namespaces.iter().enumerate() {
        spec.push_str(&format!(
            "  {ns}:\n    services: [web]\n    manifests: [manifests/{ns}.yaml]\n    routes:\n      r{i}: {{ host: a{i}.example.com, to: web:80 }}\n"
        ));
        let manifest = "apiVersion: v1\nkind: Service\nmetadata:\n  name: web\nspec:\n  type: LoadBalancer\n  ports:\n  - port: 80\n";
        std::fs::write(dir.path().join(format!("manifests/{ns}.yaml")), manifest).expect("manifest");
    }
    spec.push_str(gitops);
    std::fs::write(dir.path().join("gatewright.yaml"), spec).expect("spec");
    write_empty_overlays(dir.path(), envs);
    dir
}

/// The output tree of every environment, and the GitOps tree.
fn trees(spec: &Path) -> (Vec<Tree>, Tree) {
    let targets = compile_all(spec);
    let outputs = targets
        .iter()
        .map(|(_, o)| {
            o.output
                .as_ref()
                .unwrap_or_else(|| panic!("{:?}", o.diagnostics))
                .tree()
                .expect("a tree")
                .clone()
        })
        .collect();
    let gitops = gatewright::driver::gitops_objects(&targets)
        .expect("a gitops section")
        .result
        .expect("generates");
    (outputs, gitops)
}

fn object(tree: &Tree, path: &str) -> Value {
    let text = tree
        .files
        .get(path)
        .unwrap_or_else(|| panic!("{path} not generated; files: {:?}", tree.files.keys()));
    parse_stream(text).pop().expect("one object")
}

fn group_roots(tree: &Tree) -> Vec<&str> {
    tree.files
        .keys()
        .filter(|p| p.starts_with("_groups/"))
        .map(String::as_str)
        .collect()
}

#[test]
fn group_roots_are_in_the_tree_and_a_namespace_has_a_fixed_group() {
    let dir = site(
        &["shop", "cart", "foobar"],
        &format!("{REPO}  groups: 16\n  flux: {{}}\n"),
        &[],
    );
    let (outputs, _) = trees(dir.path());
    let tree = &outputs[0];
    // FNV-1a 32: shop 0xa847e0a9 % 16 = 9, cart 0x9827728f % 16 = 15, foobar 0xbf9cf968 % 16 = 8.
    assert_eq!(
        group_roots(tree),
        [
            "_groups/08/kustomization.yaml",
            "_groups/09/kustomization.yaml",
            "_groups/15/kustomization.yaml",
            "_groups/gateways/kustomization.yaml",
        ],
        "no empty group"
    );
    assert_eq!(
        object(tree, "_groups/09/kustomization.yaml")["resources"],
        json!(["../../shop"])
    );
    assert_eq!(
        object(tree, "_groups/gateways/kustomization.yaml")["resources"],
        json!(["../../istio-ingress"])
    );
    let aggregate = object(tree, "kustomization.yaml");
    let listed = aggregate["resources"].as_array().expect("resources");
    assert!(!listed.contains(&Value::from("_groups")), "{listed:?}");
    assert_eq!(listed.len(), 4, "the gateway folder and three app folders: {listed:?}");

    let dir = site(&["shop"], &format!("{REPO}  flux: {{}}\n"), &[]);
    let (outputs, _) = trees(dir.path());
    assert!(group_roots(&outputs[0]).is_empty(), "no groups unless asked");
}

#[test]
fn adding_a_namespace_moves_no_other_one() {
    let names: Vec<String> = (0..40).map(|i| format!("app-{i}")).collect();
    let before: Vec<&str> = names.iter().map(String::as_str).collect();
    let mut after = before.clone();
    after.insert(7, "zz-new");
    let roots = |namespaces: &[&str]| {
        let dir = site(namespaces, &format!("{REPO}  groups: 8\n  flux: {{}}\n"), &[]);
        let (outputs, _) = trees(dir.path());
        let mut of = std::collections::BTreeMap::new();
        for path in group_roots(&outputs[0]) {
            for r in object(&outputs[0], path)["resources"].as_array().expect("resources") {
                of.insert(r.as_str().expect("path").to_string(), path.to_string());
            }
        }
        of
    };
    let (b, a) = (roots(&before), roots(&after));
    assert_eq!(b.len(), 41, "40 apps and the gateway folder");
    for (ns, group) in &b {
        assert_eq!(a.get(ns), Some(group), "{ns} moved");
    }
    assert!(a.contains_key("../../zz-new"));
}

#[test]
fn flux_kustomizations_point_at_the_groups_and_app_groups_depend_on_the_gateways() {
    let dir = site(
        &["shop", "cart"],
        &format!("{REPO}  groups: 4\n  gatewayApiCrds: true\n  flux: {{}}\n"),
        &["dev"],
    );
    let (_, tree) = trees(dir.path());
    // shop % 4 = 1, cart % 4 = 3.
    let kustomizations: Vec<&str> = tree
        .files
        .keys()
        .filter(|p| p.starts_with("dev/kustomization-gatewright-"))
        .map(String::as_str)
        .collect();
    assert_eq!(
        kustomizations,
        [
            "dev/kustomization-gatewright-dev-01.yaml",
            "dev/kustomization-gatewright-dev-03.yaml",
            "dev/kustomization-gatewright-dev-gateways.yaml",
        ],
        "one per group, none per namespace"
    );
    let app = object(&tree, "dev/kustomization-gatewright-dev-01.yaml");
    assert_eq!(app["spec"]["path"], "./deploy/dev/_groups/01");
    assert_eq!(
        app["spec"]["dependsOn"],
        json!([{"name": "gateway-api-crds"}, {"name": "gatewright-dev-gateways"}])
    );
    let gateways = object(&tree, "dev/kustomization-gatewright-dev-gateways.yaml");
    assert_eq!(gateways["spec"]["path"], "./deploy/dev/_groups/gateways");
    assert_eq!(gateways["spec"]["dependsOn"], json!([{"name": "gateway-api-crds"}]));

    let dir = site(
        &["shop"],
        &format!("{REPO}  groups: 4\n  flux: {{ dependsOn: [infra] }}\n"),
        &[],
    );
    let (_, tree) = trees(dir.path());
    let app = object(&tree, "default/kustomization-gatewright-01.yaml");
    assert_eq!(app["spec"]["path"], "./deploy/_groups/01");
    assert_eq!(
        app["spec"]["dependsOn"],
        json!([{"name": "infra"}, {"name": "gatewright-gateways"}])
    );
}

#[test]
fn argocd_applications_list_and_git_generators_use_the_groups() {
    let gitops = |argocd: &str| format!("{REPO}  groups: 4\n  argocd: {argocd}\n");
    let dir = site(&["shop", "cart"], &gitops("{}"), &["prod"]);
    let (_, tree) = trees(dir.path());
    let app = object(&tree, "prod/application-gatewright-prod-03.yaml");
    assert_eq!(app["spec"]["source"]["path"], "deploy/prod/_groups/03");
    let gateways = object(&tree, "prod/application-gatewright-prod-gateways.yaml");
    assert_eq!(gateways["spec"]["source"]["path"], "deploy/prod/_groups/gateways");
    assert!(!tree.files.contains_key("prod/application-gatewright-prod-shop.yaml"));

    let dir = site(&["shop", "cart"], &gitops("{ applicationSet: list }"), &["dev", "prod"]);
    let (_, tree) = trees(dir.path());
    let set = object(&tree, "applicationset-gatewright.yaml");
    let elements = &set["spec"]["generators"][0]["list"]["elements"];
    assert_eq!(elements.as_array().map(Vec::len), Some(6), "2 environments × 3 groups");
    assert_eq!(
        elements[0],
        json!({"env": "dev", "name": "gatewright-dev-01", "path": "deploy/dev/_groups/01"}),
        "no namespace: a group holds several"
    );
    assert_eq!(elements[5]["path"], "deploy/prod/_groups/gateways");

    let dir = site(&["shop"], &gitops("{ applicationSet: git }"), &["dev"]);
    let (_, tree) = trees(dir.path());
    let set = object(&tree, "applicationset-gatewright.yaml");
    assert_eq!(
        set["spec"]["generators"][0]["git"]["directories"][0]["path"],
        "deploy/*/_groups/*"
    );
    let name = set["spec"]["template"]["metadata"]["name"].as_str().expect("name");
    assert!(name.contains("(index .path.segments 1) .path.basename"), "{name}");
    let dir = site(&["shop"], &gitops("{ applicationSet: git }"), &[]);
    let (_, tree) = trees(dir.path());
    let set = object(&tree, "applicationset-gatewright.yaml");
    assert_eq!(
        set["spec"]["generators"][0]["git"]["directories"][0]["path"],
        "deploy/_groups/*"
    );

    let dir = site(&["shop"], &gitops("{ applicationSet: git, plugin: {} }"), &["dev"]);
    let (_, tree) = trees(dir.path());
    let set = object(&tree, "applicationset-gatewright.yaml");
    assert_eq!(
        set["spec"]["generators"][0]["git"]["directories"][0]["path"], "deploy/*",
        "the plugin still renders a whole environment"
    );
    let dir = site(&["shop"], &gitops("{ plugin: {} }"), &["dev"]);
    let (_, tree) = trees(dir.path());
    assert_eq!(
        tree.files.keys().collect::<Vec<_>>(),
        ["dev/application-gatewright-dev.yaml"]
    );
}

fn error_codes(spec: &Path) -> Vec<&'static str> {
    compile_all(spec)
        .into_iter()
        .flat_map(|(_, o)| o.diagnostics)
        .filter(|d| d.is_error())
        .map(|d| d.code.as_str())
        .collect()
}

#[test]
fn the_schema_takes_1_to_256_groups() {
    for (n, codes) in [
        ("0", vec!["GW206"]),
        ("257", vec!["GW206"]),
        ("1", vec![]),
        ("256", vec![]),
    ] {
        let dir = site(&["shop"], &format!("{REPO}  groups: {n}\n  flux: {{}}\n"), &[]);
        assert_eq!(error_codes(dir.path()), codes, "groups: {n}");
    }
    let dir = site(&["shop"], &format!("{REPO}  groups: 256\n  flux: {{}}\n"), &[]);
    let (outputs, _) = trees(dir.path());
    // shop 0xa847e0a9 % 256 = 169
    assert!(outputs[0].files.contains_key("_groups/169/kustomization.yaml"));
}

#[test]
fn an_overlay_cannot_change_the_groups() {
    let dir = site(
        &["shop"],
        &format!("{REPO}  groups: 4\n  flux: {{}}\n"),
        &["dev", "prod"],
    );
    std::fs::write(dir.path().join("overlays/prod.yaml"), "gitops: { groups: 8 }\n").expect("overlay");
    let targets = compile_all(dir.path());
    let errors = gatewright::driver::gitops_objects(&targets)
        .expect("a gitops section")
        .result
        .expect_err("refused");
    assert_eq!(errors.iter().map(|d| d.code).collect::<Vec<_>>(), ["GW606"]);
}

/// The objects `kubectl kustomize DIR` builds, each as one JSON text, sorted.
fn build(kubectl: &Path, dir: &Path) -> Vec<String> {
    let built = std::process::Command::new(kubectl)
        .arg("kustomize")
        .arg(dir)
        .output()
        .expect("run kubectl");
    assert!(
        built.status.success(),
        "{}: {}",
        dir.display(),
        String::from_utf8_lossy(&built.stderr)
    );
    let mut texts: Vec<String> = parse_stream(&String::from_utf8_lossy(&built.stdout))
        .iter()
        .map(Value::to_string)
        .collect();
    texts.sort();
    texts
}

#[test]
fn kustomize_builds_the_same_objects_from_every_group_root_as_from_the_environment() {
    let Some(kubectl) = program("kubectl") else { return };
    let names: Vec<String> = (0..24).map(|i| format!("app-{i}")).collect();
    let namespaces: Vec<&str> = names.iter().map(String::as_str).collect();
    let dir = site(&namespaces, &format!("{REPO}  groups: 5\n  flux: {{}}\n"), &[]);
    let (outputs, _) = trees(dir.path());
    let out = dir.path().join("deploy");
    gatewright::emit::write_tree(&outputs[0], &out).expect("write tree");
    let whole = build(&kubectl, &out);
    assert!(
        whole.len() > 3 * 24,
        "a Namespace, route and Service per app: {}",
        whole.len()
    );
    let roots = group_roots(&outputs[0]);
    assert_eq!(roots.len(), 6, "5 app groups and the gateways: {roots:?}");
    let mut by_group: Vec<String> = roots
        .iter()
        .flat_map(|p| build(&kubectl, &out.join(p.trim_end_matches("/kustomization.yaml"))))
        .collect();
    by_group.sort();
    assert_eq!(
        by_group, whole,
        "the group roots build exactly the environment's objects"
    );
    assert!(
        whole.iter().any(|o| o.contains("\"ClusterIP\"")),
        "the patches apply inside a group"
    );
}

/// `gatewright ARGS` with the stamp cache `cache` (in the test's working
/// directory, which the stamp's key names).
fn gatewright(cache: &Path, args: &[&std::ffi::OsStr]) -> (Option<i32>, String) {
    let o = crate::common::cli::bin()
        .args(args)
        .env("NO_COLOR", "1")
        .env("GATEWRIGHT_CACHE_DIR", cache)
        .env_remove("GATEWRIGHT_NO_CACHE")
        .output()
        .expect("run gatewright");
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    );
    (o.status.code(), text)
}

#[test]
fn check_sees_an_edited_group_root_even_after_a_trusted_stamp() {
    let dir = site(
        &["shop", "cart"],
        &format!("{REPO}  groups: 4\n  flux: {{}}\n"),
        &["dev"],
    );
    let (spec, out, cache) = (
        dir.path().join("gatewright.yaml"),
        dir.path().join("deploy"),
        dir.path().join("cache"),
    );
    let run = |command: &str| {
        let args = [command.as_ref(), spec.as_os_str(), "--out".as_ref(), out.as_os_str()];
        gatewright(&cache, &args)
    };
    let (code, text) = run("render");
    assert_eq!(code, Some(0), "{text}");
    let options = gatewright::Options {
        spec: spec.clone(),
        ..Default::default()
    };
    let key = gatewright::stamp::Key::new(&options, &[], &out).expect("key");
    let fresh = || {
        matches!(
            gatewright::stamp::Cache::new(&cache).probe(&key),
            gatewright::stamp::Freshness::Fresh(_)
        )
    };
    // Full checks until the stamp they record is trusted (the filesystem
    // clock must move past the recording; no timing is asserted).
    for _ in 0..200 {
        let (code, text) = run("check");
        assert_eq!(code, Some(0), "{text}");
        if fresh() {
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    assert!(fresh(), "the stamp never became fresh");
    let root = out.join("dev/_groups/01/kustomization.yaml");
    let text = std::fs::read_to_string(&root).expect("group root");
    std::fs::write(&root, text.replace("../../shop", "../../cart")).expect("edit");
    assert!(!fresh(), "the stamp records the group roots");
    let (code, text) = run("check");
    assert_eq!(code, Some(1), "{text}");
    assert!(text.contains("_groups/01/kustomization.yaml"), "{text}");
}
