//! GitOps objects: what each `gitops:` setting generates, where `render`
//! writes them, and what it refuses.

mod common;

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
    if !envs.is_empty() {
        std::fs::create_dir(dir.path().join("overlays")).expect("overlays");
    }
    for env in envs {
        std::fs::write(dir.path().join(format!("overlays/{env}.yaml")), "{}\n").expect("overlay");
    }
    dir
}

fn compile_all(spec: &Path) -> Vec<(gatewright::driver::Target, gatewright::Outcome)> {
    gatewright::driver::compile_targets(&gatewright::Options {
        spec: spec.to_path_buf(),
        ..Default::default()
    })
    .expect("plan")
}

fn gitops_tree(spec: &Path) -> Tree {
    let targets = compile_all(spec);
    for (_, o) in &targets {
        assert!(!o.has_errors(), "{:?}", o.diagnostics);
    }
    gatewright::gitops::generate_for(&targets, None)
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
fn flux_kustomization_per_environment_depends_on_the_crds() {
    let dir = repo(
        &format!("{REPO}  gatewayApiCrds: true\n  flux: {{}}\n"),
        &["dev", "prod"],
    );
    let tree = gitops_tree(dir.path());
    let dev = object(&tree, "dev/kustomization-gatewright-dev.yaml");
    assert_eq!(dev["spec"]["path"], "./deploy/dev");
    assert_eq!(dev["spec"]["prune"], true);
    assert_eq!(dev["spec"]["interval"], "10m");
    assert_eq!(
        dev["spec"]["sourceRef"]["name"], "flux-system",
        "the bootstrap source by default"
    );
    assert_eq!(dev["spec"]["dependsOn"][0]["name"], "gateway-api-crds");
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
    let k = object(&tree, "default/kustomization-gatewright.yaml");
    assert_eq!(k["spec"]["path"], "./deploy");
    assert_eq!(k["spec"]["dependsOn"][0]["name"], "infra");
    assert_eq!(k["spec"]["prune"], false);
    assert_eq!(k["spec"]["sourceRef"]["name"], "gatewright");
    let git = object(&tree, "default/gitrepository-gatewright.yaml");
    assert_eq!(git["spec"]["url"], "https://git.example.com/platform.git");
    assert_eq!(git["spec"]["ref"]["branch"], "main");
    assert_eq!(git["spec"]["interval"], "2m");
}

#[test]
fn argocd_application_per_environment() {
    let dir = repo(
        &format!("{REPO}  gatewayApiCrds: true\n  argocd: {{}}\n"),
        &["dev", "prod"],
    );
    let tree = gitops_tree(dir.path());
    let app = object(&tree, "prod/application-gatewright-prod.yaml");
    assert_eq!(app["metadata"]["namespace"], "argocd");
    assert_eq!(app["spec"]["source"]["path"], "deploy/prod");
    assert_eq!(app["spec"]["destination"]["server"], "https://kubernetes.default.svc");
    let options = app["spec"]["syncPolicy"]["syncOptions"]
        .as_array()
        .expect("syncOptions");
    assert!(options.contains(&Value::from("SkipDryRunOnMissingResource=true")));
    assert!(options.contains(&Value::from("ServerSideApply=true")));
    let crds = object(&tree, "prod/application-gateway-api-crds-prod.yaml");
    assert_eq!(crds["metadata"]["annotations"]["argocd.argoproj.io/sync-wave"], "-1");
    assert_eq!(crds["spec"]["source"]["path"], "clusters/gateway-api/v1.1.0");
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
    assert_eq!(elements[0]["env"], "dev");
    assert_eq!(elements[1]["path"], "deploy/prod");
    assert_eq!(set["spec"]["template"]["spec"]["source"]["path"], "{{ .path }}");

    let dir = repo(
        &format!("{REPO}  argocd: {{ applicationSet: git, plugin: {{ spec: site }} }}\n"),
        &["dev"],
    );
    let set = object(&gitops_tree(dir.path()), "applicationset-gatewright.yaml");
    assert_eq!(
        set["spec"]["generators"][0]["git"]["directories"][0]["path"],
        "deploy/*"
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
    let app = object(&gitops_tree(dir.path()), "stage/application-gatewright-stage.yaml");
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
    let mut codes: Vec<&str> = errors(dir.path()).iter().map(|d| d.code).collect();
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
    std::process::Command::new(env!("CARGO_BIN_EXE_gatewright"))
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
            .join("clusters/dev/kustomization-gatewright-dev.yaml")
            .is_file()
    );
    assert!(
        gatewright(dir.path(), &["check", "site", "--out", "deploy"])
            .status
            .success()
    );
    std::fs::remove_file(dir.path().join("clusters/dev/kustomization-gatewright-dev.yaml")).expect("rm");
    let check = gatewright(dir.path(), &["check", "site", "--out", "deploy"]);
    assert_eq!(check.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&check.stdout).contains("missing: clusters/dev/kustomization-gatewright-dev.yaml"));

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
