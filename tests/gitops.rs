//! GitOps objects: what each `gitops:` setting generates, where `render`
//! writes them, and what it refuses.

use crate::common;

use std::path::Path;

use common::*;
use gatewright::emit::Tree;
use serde_json::Value;

const SPEC: &str = r#"apiVersion: gatewright.dev/v1alpha1
kind: Site
gateways:
  web:
    profile: istio
    listeners:
      http: { hostname: "*.example.com", protocol: HTTP, port: 80 }
apps:
  shop:
    routes:
      www: { host: www.example.com, to: web:80 }
"#;

/// A spec directory with `gatewright.yaml` (SPEC + `gitops`) and the given overlays.
fn repo(gitops: &str, envs: &[&str]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::write(dir.path().join("gatewright.yaml"), format!("{SPEC}{gitops}")).expect("spec");
    write_empty_overlays(dir.path(), envs);
    dir
}

fn gitops_tree(spec: &Path) -> Tree {
    let targets = compile_all(spec);
    for (_, o) in &targets {
        assert!(!o.has_errors(), "{:?}", o.diagnostics);
    }
    gatewright::driver::gitops_objects(&targets)
        .expect("a gitops section")
        .result
        .expect("generates")
}

fn object(tree: &Tree, path: &str) -> Value {
    let text = tree
        .files
        .get(path)
        .unwrap_or_else(|| panic!("{path} not generated; files: {:?}", tree.files.keys()));
    parse_stream(text).pop().expect("one object")
}

const REPO: &str = "gitops:\n  repository: { url: \"https://git.example.com/platform.git\" }\n  output: deploy\n";

#[test]
fn flux_kustomization_per_namespace_folder_depends_on_the_crds_and_the_gateway() {
    let dir = repo(
        &format!("{REPO}  gatewayApiCrds: true\n  flux: {{}}\n"),
        &["dev", "prod"],
    );
    let tree = gitops_tree(dir.path());
    let shop = object(&tree, "dev/kustomization-gatewright-dev-shop.yaml");
    assert_eq!(
        shop["spec"]["path"], "./deploy/dev/shop",
        "one namespace folder, not the whole env"
    );
    assert_eq!(shop["spec"]["prune"], true);
    assert_eq!(shop["spec"]["wait"], false);
    assert_eq!(shop["spec"]["interval"], "10m");
    assert_eq!(
        shop["spec"]["sourceRef"]["name"], "flux-system",
        "the bootstrap source by default"
    );
    assert_eq!(
        shop["spec"]["dependsOn"],
        serde_json::json!([{"name": "gateway-api-crds"}, {"name": "gatewright-dev-istio-ingress"}]),
        "the CRDs, and the gateway its routes attach to"
    );
    let gateway = object(&tree, "prod/kustomization-gatewright-prod-istio-ingress.yaml");
    assert_eq!(gateway["spec"]["path"], "./deploy/prod/istio-ingress");
    assert_eq!(
        gateway["spec"]["dependsOn"],
        serde_json::json!([{"name": "gateway-api-crds"}])
    );
    assert!(
        !tree.files.contains_key("dev/kustomization-gatewright-dev.yaml"),
        "nothing builds the aggregate root: {:?}",
        tree.files.keys()
    );
    let crds = object(&tree, "prod/kustomization-gateway-api-crds.yaml");
    assert_eq!(crds["spec"]["path"], "./clusters/gateway-api/v1.1.0");
    assert_eq!(
        crds["spec"]["prune"], false,
        "removing the CRDs would delete every route"
    );
    let k = object(&tree, "gateway-api/v1.1.0/kustomization.yaml");
    assert_eq!(
        k["resources"][0],
        "https://github.com/kubernetes-sigs/gateway-api/releases/download/v1.1.0/standard-install.yaml"
    );
    assert!(!tree.files.keys().any(|p| p.contains("gitrepository")));
}

#[test]
fn flux_without_crds_depends_on_what_the_spec_names() {
    let dir = repo(
        &format!("{REPO}  flux: {{ gitRepository: true, dependsOn: [infra], prune: false, interval: 2m }}\n"),
        &[],
    );
    let tree = gitops_tree(dir.path());
    let k = object(&tree, "default/kustomization-gatewright-shop.yaml");
    assert_eq!(k["spec"]["path"], "./deploy/shop");
    assert_eq!(
        k["spec"]["dependsOn"],
        serde_json::json!([{"name": "infra"}, {"name": "gatewright-istio-ingress"}])
    );
    assert_eq!(k["spec"]["prune"], false);
    assert_eq!(k["spec"]["interval"], "2m");
    assert_eq!(k["spec"]["sourceRef"]["name"], "gatewright");
    let gateway = object(&tree, "default/kustomization-gatewright-istio-ingress.yaml");
    assert_eq!(gateway["spec"]["dependsOn"], serde_json::json!([{"name": "infra"}]));
    let git = object(&tree, "default/gitrepository-gatewright.yaml");
    assert_eq!(git["spec"]["url"], "https://git.example.com/platform.git");
    assert_eq!(git["spec"]["ref"]["branch"], "main");
    assert_eq!(git["spec"]["interval"], "2m");
}

/// SPEC plus apps in the namespaces given (each with a route to the gateway).
fn with_apps(namespaces: &[&str]) -> String {
    let mut apps = String::new();
    for (i, ns) in namespaces.iter().enumerate() {
        apps.push_str(&format!(
            "  {ns}:\n    routes:\n      r{i}: {{ host: a{i}.example.com, to: web:80 }}\n"
        ));
    }
    SPEC.replace("apps:\n", &format!("apps:\n{apps}"))
}

#[test]
fn adding_an_app_renames_no_other_object_and_long_names_are_shortened_apart() {
    let long_a = format!("{}-a", "n".repeat(56));
    let long_b = format!("{}-b", "n".repeat(56));
    let gitops = format!("{REPO}  flux: {{}}\n  argocd: {{ applicationSet: list }}\n");
    let tree_for = |namespaces: &[&str]| {
        let dir = repo(&gitops, &["production"]);
        std::fs::write(
            dir.path().join("gatewright.yaml"),
            format!("{}{gitops}", with_apps(namespaces)),
        )
        .expect("spec");
        gitops_tree(dir.path())
    };
    let before = tree_for(&[&long_a]);
    let after = tree_for(&["aaa", &long_a, &long_b]);
    let kustomizations = |t: &Tree| -> Vec<(String, String)> {
        t.files
            .iter()
            .filter(|(p, _)| p.contains("/kustomization-"))
            .map(|(p, text)| (p.clone(), text.clone()))
            .collect()
    };
    for (path, text) in kustomizations(&before) {
        assert_eq!(
            after.files.get(&path),
            Some(&text),
            "{path} changed when apps were added"
        );
    }
    let names: Vec<String> = kustomizations(&after)
        .iter()
        .map(|(_, text)| {
            parse_stream(text)[0]["metadata"]["name"]
                .as_str()
                .expect("name")
                .to_string()
        })
        .collect();
    assert_eq!(names.len(), 5, "{names:?}");
    for n in &names {
        assert!(n.len() <= 63 && gatewright::analyze::syntax::is_dns_label(n), "{n}");
    }
    let long: Vec<&String> = names
        .iter()
        .filter(|n| n.starts_with("gatewright-production-nnn"))
        .collect();
    assert_eq!(long.len(), 2, "{names:?}");
    assert_ne!(long[0], long[1], "long namespaces sharing a prefix keep apart");
    let set = object(&after, "applicationset-gatewright.yaml");
    let elements: Vec<&str> = set["spec"]["generators"][0]["list"]["elements"]
        .as_array()
        .expect("elements")
        .iter()
        .filter_map(|e| e["name"].as_str())
        .collect();
    for n in &names {
        assert!(
            elements.contains(&n.as_str()),
            "Argo CD names its Application {n} too: {elements:?}"
        );
    }
}

#[test]
fn two_objects_with_one_name_are_refused() {
    let dir = repo("", &[]);
    let spec = format!(
        "{}gitops:\n  repository: {{ url: \"https://git.example.com/p.git\" }}\n  output: deploy\n  name: gateway\n  gatewayApiCrds: true\n  flux: {{}}\n",
        with_apps(&["api-crds"])
    );
    std::fs::write(dir.path().join("gatewright.yaml"), spec).expect("spec");
    let targets = compile_all(dir.path());
    let result = gatewright::driver::gitops_objects(&targets).expect("gitops").result;
    let errors = result.expect_err("namespace `api-crds` is named like the CRDs Kustomization");
    assert_eq!(errors.iter().map(|d| d.code).collect::<Vec<_>>(), ["GW609"]);
    assert!(errors[0].message.contains("gateway-api-crds"), "{}", errors[0].message);
}

#[test]
fn argocd_application_per_namespace_folder() {
    let dir = repo(
        &format!("{REPO}  gatewayApiCrds: true\n  argocd: {{}}\n"),
        &["dev", "prod"],
    );
    let tree = gitops_tree(dir.path());
    let app = object(&tree, "prod/application-gatewright-prod-shop.yaml");
    assert_eq!(app["metadata"]["namespace"], "argocd");
    assert_eq!(
        app["metadata"]["finalizers"][0], "resources-finalizer.argocd.argoproj.io",
        "deleting a removed app's Application deletes its objects"
    );
    assert_eq!(app["spec"]["source"]["path"], "deploy/prod/shop");
    assert_eq!(app["spec"]["destination"]["server"], "https://kubernetes.default.svc");
    let options = app["spec"]["syncPolicy"]["syncOptions"]
        .as_array()
        .expect("syncOptions");
    assert!(options.contains(&Value::from("SkipDryRunOnMissingResource=true")));
    assert!(options.contains(&Value::from("ServerSideApply=true")));
    let gateway = object(&tree, "prod/application-gatewright-prod-istio-ingress.yaml");
    assert_eq!(gateway["spec"]["source"]["path"], "deploy/prod/istio-ingress");
    assert!(!tree.files.contains_key("prod/application-gatewright-prod.yaml"));
    let crds = object(&tree, "prod/application-gateway-api-crds-prod.yaml");
    assert_eq!(crds["metadata"]["annotations"]["argocd.argoproj.io/sync-wave"], "-1");
    assert_eq!(crds["spec"]["source"]["path"], "clusters/gateway-api/v1.1.0");
    assert!(crds["metadata"].get("finalizers").is_none(), "the CRDs stay");
}

#[test]
fn argocd_application_set_list_and_git_generators() {
    let dir = repo(
        &format!("{REPO}  argocd: {{ applicationSet: list }}\n"),
        &["dev", "prod"],
    );
    let tree = gitops_tree(dir.path());
    assert!(
        !tree.files.keys().any(|p| p.contains("application-")),
        "no Applications"
    );
    let set = object(&tree, "applicationset-gatewright.yaml");
    let elements = &set["spec"]["generators"][0]["list"]["elements"];
    assert_eq!(elements.as_array().map(Vec::len), Some(4), "2 environments × 2 folders");
    assert_eq!(elements[0]["env"], "dev");
    assert_eq!(elements[3]["path"], "deploy/prod/shop");
    assert_eq!(elements[3]["name"], "gatewright-prod-shop");
    assert_eq!(elements[3]["namespace"], "shop");
    let template = &set["spec"]["template"];
    assert_eq!(template["spec"]["source"]["path"], "{{ .path }}");
    assert_eq!(template["metadata"]["name"], "{{ .name }}");

    let dir = repo(&format!("{REPO}  argocd: {{ applicationSet: git }}\n"), &["dev"]);
    let set = object(&gitops_tree(dir.path()), "applicationset-gatewright.yaml");
    assert_eq!(
        set["spec"]["generators"][0]["git"]["directories"][0]["path"], "deploy/*/*",
        "every namespace folder of every environment"
    );
    let name = set["spec"]["template"]["metadata"]["name"].as_str().expect("name");
    assert!(
        name.contains("(index .path.segments 1) .path.basename") && name.contains("adler32sum"),
        "{name}"
    );

    let dir = repo(
        &format!("{REPO}  argocd: {{ applicationSet: git, plugin: {{ spec: site }} }}\n"),
        &["dev"],
    );
    let set = object(&gitops_tree(dir.path()), "applicationset-gatewright.yaml");
    assert_eq!(
        set["spec"]["generators"][0]["git"]["directories"][0]["path"], "deploy/*",
        "the plugin renders a whole environment"
    );
    let source = &set["spec"]["template"]["spec"]["source"];
    assert_eq!(source["path"], "site", "the plugin renders the spec");
    assert_eq!(source["plugin"]["name"], "gatewright");
    assert_eq!(source["plugin"]["env"][0]["name"], "GATEWRIGHT_ENV");
    assert_eq!(source["plugin"]["env"][0]["value"], "{{ .path.basename }}");
}

#[test]
fn argocd_plugin_application_names_the_environment() {
    let dir = repo(&format!("{REPO}  argocd: {{ plugin: {{}} }}\n"), &["stage"]);
    let tree = gitops_tree(dir.path());
    assert_eq!(
        tree.files.len(),
        1,
        "one Application per environment: {:?}",
        tree.files.keys()
    );
    let app = object(&tree, "stage/application-gatewright-stage.yaml");
    assert_eq!(app["spec"]["source"]["path"], ".");
    assert_eq!(app["spec"]["source"]["plugin"]["env"][0]["value"], "stage");
}

fn errors(spec: &Path) -> Vec<gatewright::diagnostic::Diagnostic> {
    compile_all(spec)
        .into_iter()
        .flat_map(|(_, o)| o.diagnostics)
        .filter(|d| d.is_error())
        .collect()
}

#[test]
fn objects_inside_the_output_are_refused_at_the_spec_line() {
    let dir = repo(
        "gitops:\n  repository: { url: \"https://git.example.com/p.git\" }\n  output: deploy\n  objects: deploy/flux\n  flux: {}\n",
        &[],
    );
    let e = errors(dir.path());
    assert_eq!(e.len(), 1, "{e:?}");
    assert_eq!(e[0].code, "GW602");
    assert_eq!(e[0].loc.as_ref().map(|l| l.line), Some(15), "points at `objects:`");
}

#[test]
fn bad_paths_urls_and_names_are_refused() {
    let dir = repo(
        "gitops:\n  repository: { url: \"git@github.com:o/r.git\" }\n  output: ../deploy\n  name: Bad_Name\n",
        &[],
    );
    let mut codes: Vec<&str> = errors(dir.path()).iter().map(|d| d.code.as_str()).collect();
    codes.sort();
    assert_eq!(codes, ["GW601", "GW604", "GW605"]);
}

#[test]
fn argocd_plugin_with_a_url_manifest_is_refused() {
    let dir = repo(&format!("{REPO}  argocd: {{ plugin: {{}} }}\n"), &[]);
    let spec = dir.path().join("gatewright.yaml");
    let text = std::fs::read_to_string(&spec).expect("spec");
    let text = text.replace(
        "    routes:",
        "    manifests: [\"https://example.com/app@0123456789abcdef.yaml\"]\n    routes:",
    );
    std::fs::write(&spec, text).expect("spec");
    let e = errors(dir.path());
    assert_eq!(e.iter().map(|d| d.code).collect::<Vec<_>>(), ["GW603"], "{e:?}");
}

fn gatewright(dir: &Path, args: &[&str]) -> std::process::Output {
    crate::common::cli::bin()
        .args(args)
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .env("GATEWRIGHT_NO_CACHE", "1")
        .output()
        .expect("run gatewright")
}

#[test]
fn render_writes_the_objects_beside_the_output_and_check_compares_them() {
    let dir = repo(&format!("{REPO}  flux: {{}}\n"), &["dev"]);
    let site = dir.path().join("site");
    std::fs::create_dir(&site).expect("site");
    for f in ["gatewright.yaml", "overlays"] {
        std::fs::rename(dir.path().join(f), site.join(f)).expect("move");
    }
    let out = gatewright(dir.path(), &["render", "site", "--out", "deploy"]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(dir.path().join("deploy/dev/kustomization.yaml").is_file());
    assert!(
        dir.path()
            .join("clusters/dev/kustomization-gatewright-dev-shop.yaml")
            .is_file()
    );
    assert!(
        gatewright(dir.path(), &["check", "site", "--out", "deploy"])
            .status
            .success()
    );
    std::fs::remove_file(dir.path().join("clusters/dev/kustomization-gatewright-dev-shop.yaml")).expect("rm");
    let check = gatewright(dir.path(), &["check", "site", "--out", "deploy"]);
    assert_eq!(check.status.code(), Some(1));
    assert!(
        String::from_utf8_lossy(&check.stdout).contains("missing: clusters/dev/kustomization-gatewright-dev-shop.yaml")
    );

    let elsewhere = gatewright(dir.path(), &["render", "site", "--out", "out"]);
    assert_eq!(elsewhere.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&elsewhere.stderr).contains("GW708"));
}

#[test]
fn render_refuses_an_output_directory_holding_spec_files() {
    let dir = repo("", &[]);
    let out = gatewright(dir.path(), &["render", "gatewright.yaml", "--out", "."]);
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("GW706") && stderr.contains("gatewright.yaml"),
        "{stderr}"
    );
    assert!(!dir.path().join("kustomization.yaml").exists(), "nothing written");
}

#[test]
fn the_example_repository_is_up_to_date() {
    let out = gatewright(
        &root(),
        &["check", "examples/gitops-repo", "--out", "examples/gitops-repo/deploy"],
    );
    assert!(
        out.status.success(),
        "run `gatewright render examples/gitops-repo --out examples/gitops-repo/deploy`:\n{}",
        String::from_utf8_lossy(&out.stdout)
    );
}

#[test]
fn the_specs_blueprints_directory_shapes_the_gitops_objects_too() {
    let dir = repo(&format!("blueprints: bp\n{REPO}  flux: {{}}\n"), &[]);
    std::fs::create_dir(dir.path().join("bp")).expect("bp");
    let builtin =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("blueprints/flux-kustomization.yaml.j2"))
            .expect("built-in blueprint");
    let custom = builtin.replacen(
        "  namespace: {{ kustomization.namespace }}\n",
        "  namespace: {{ kustomization.namespace }}\n  labels: { team: platform }\n",
        1,
    );
    assert_ne!(custom, builtin, "the blueprint still has the line this test extends");
    std::fs::write(dir.path().join("bp/flux-kustomization.yaml.j2"), custom).expect("custom blueprint");
    let tree = gitops_tree(&dir.path().join("gatewright.yaml"));
    let kustomizations: Vec<&String> = tree.files.keys().filter(|p| p.contains("kustomization-")).collect();
    assert!(!kustomizations.is_empty(), "{:?}", tree.files.keys());
    for path in kustomizations {
        assert_eq!(
            object(&tree, path).pointer("/metadata/labels/team"),
            Some(&Value::from("platform")),
            "{path}"
        );
    }
}
