//! The Argo CD config-management plugin, run the way `argocd-cmp-server` runs
//! it: `spec.generate.command` + `args` of `argocd/plugin.yaml`, verbatim, in
//! a copy of an example, with the built binary on `PATH` and the environment
//! in `ARGOCD_ENV_GATEWRIGHT_ENV`.
//!
//! "Equal to the rendered tree" means: the same set of objects (compared as
//! JSON values, order aside) that `kubectl kustomize` builds from the tree
//! `render` writes for that environment, which includes the app's vendored
//! upstream manifests with the Service patches applied.

use crate::common;

use std::path::{Path, PathBuf};
use std::process::Output;

use common::*;
use serde_json::Value;

/// `spec.generate.command` followed by `spec.generate.args` of `argocd/plugin.yaml`.
fn generate_argv() -> Vec<String> {
    let text = std::fs::read_to_string(root().join("argocd/plugin.yaml")).expect("argocd/plugin.yaml");
    let plugin: Value = serde_yaml::from_str(&text).expect("plugin.yaml is YAML");
    assert_eq!(plugin["kind"], "ConfigManagementPlugin");
    assert_eq!(plugin["metadata"]["name"], gatewright::gitops::PLUGIN_NAME);
    let list = |v: &Value| -> Vec<String> {
        v.as_array()
            .map(|a| a.iter().map(|s| s.as_str().expect("string").to_string()).collect())
            .unwrap_or_default()
    };
    let mut argv = list(&plugin["spec"]["generate"]["command"]);
    argv.extend(list(&plugin["spec"]["generate"]["args"]));
    assert!(!argv.is_empty(), "generate.command is empty");
    argv
}

/// The `discover.fileName` of the plugin.
fn discover_file() -> String {
    let text = std::fs::read_to_string(root().join("argocd/plugin.yaml")).expect("plugin.yaml");
    let plugin: Value = serde_yaml::from_str(&text).expect("YAML");
    plugin["spec"]["discover"]["fileName"]
        .as_str()
        .expect("fileName")
        .to_string()
}

fn copy_dir(from: &Path, to: &Path) {
    for entry in walkdir::WalkDir::new(from).sort_by_file_name() {
        let entry = entry.expect("walk");
        let rel = entry.path().strip_prefix(from).expect("prefix");
        let dest = to.join(rel);
        if entry.file_type().is_dir() {
            std::fs::create_dir_all(&dest).expect("mkdir");
        } else {
            std::fs::copy(entry.path(), &dest).expect("copy");
        }
    }
}

/// Run the plugin's `generate` in `dir` with `ARGOCD_ENV_GATEWRIGHT_ENV=env`.
fn generate(dir: &Path, env: Option<&str>) -> Output {
    let argv = generate_argv();
    let bin_dir = PathBuf::from(crate::common::cli::BINARY)
        .parent()
        .expect("bin dir")
        .to_path_buf();
    let path = std::env::join_paths(
        std::iter::once(bin_dir).chain(std::env::split_paths(&std::env::var_os("PATH").unwrap_or_default())),
    )
    .expect("PATH");
    let mut cmd = std::process::Command::new(&argv[0]);
    cmd.args(&argv[1..])
        .current_dir(dir)
        .env("PATH", path)
        .env("NO_COLOR", "1");
    cmd.env_remove("ARGOCD_ENV_GATEWRIGHT_ENV");
    if let Some(env) = env {
        cmd.env("ARGOCD_ENV_GATEWRIGHT_ENV", env);
    }
    cmd.output().expect("run the plugin's generate command")
}

fn sorted(mut objects: Vec<Value>) -> Vec<Value> {
    objects.sort_by_key(|o| (key(o), o.to_string()));
    objects
}

fn example_copy(name: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("tempdir");
    copy_dir(&root().join("examples").join(name), dir.path());
    dir
}

#[test]
fn generate_prints_the_rendered_tree_as_kustomize_builds_it() {
    let Some(kubectl) = program("kubectl") else { return };
    let repo = example_copy("gitops-repo");
    assert!(
        repo.path().join(discover_file()).is_file(),
        "the plugin discovers the example by its spec file"
    );
    for env in ["dev", "prod"] {
        let out = generate(repo.path(), Some(env));
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(out.status.success(), "{env}: generate failed: {stderr}");
        let printed = sorted(parse_stream(&String::from_utf8_lossy(&out.stdout)));

        let tree = render_with(gatewright::Options {
            spec: repo.path().to_path_buf(),
            overlay: Some(repo.path().join(format!("overlays/{env}.yaml"))),
            env: Some(env.to_string()),
            ..Default::default()
        });
        let built_dir = tempfile::tempdir().expect("tempdir");
        gatewright::emit::write_tree(&tree, built_dir.path()).expect("write");
        let built = std::process::Command::new(&kubectl)
            .arg("kustomize")
            .arg(built_dir.path())
            .output()
            .expect("kubectl");
        assert!(built.status.success(), "{}", String::from_utf8_lossy(&built.stderr));
        let expected = sorted(parse_stream(&String::from_utf8_lossy(&built.stdout)));

        assert_eq!(printed, expected, "{env}: the plugin's stream is the kustomize build");
        let service = printed
            .iter()
            .find(|o| o["kind"] == "Service" && o["metadata"]["name"] == "storefront")
            .expect("the vendored Service is in the stream");
        assert_eq!(service["spec"]["type"], "ClusterIP", "{env}: patched");
        assert!(service["spec"].get("externalTrafficPolicy").is_none());
        assert!(service["spec"]["ports"][0].get("nodePort").is_none());
        assert!(
            printed.iter().any(|o| o["kind"] == "Deployment"),
            "upstream objects included"
        );
    }
}

#[test]
fn generate_with_a_broken_spec_fails_with_nothing_on_stdout() {
    let repo = example_copy("gitops-repo");
    let spec = repo.path().join("gatewright.yaml");
    let text = std::fs::read_to_string(&spec).expect("spec");
    std::fs::write(&spec, text.replace("host: www.shop", "hots: www.shop")).expect("break the spec");
    let out = generate(repo.path(), Some("dev"));
    assert!(!out.status.success(), "a broken spec must fail the sync");
    assert!(
        out.stdout.is_empty(),
        "stdout: {}",
        String::from_utf8_lossy(&out.stdout)
    );
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("GW202") && stderr.contains("gatewright.yaml:"),
        "{stderr}"
    );
}

#[test]
fn generate_without_an_environment_fails_when_there_are_several() {
    let repo = example_copy("gitops-repo");
    let out = generate(repo.path(), None);
    assert!(!out.status.success());
    assert!(out.stdout.is_empty());
    assert!(String::from_utf8_lossy(&out.stderr).contains("GATEWRIGHT_ENV"));
}

#[test]
fn generate_refuses_an_upstream_manifest_by_url() {
    let repo = example_copy("aks-store");
    let out = generate(repo.path(), Some("prod"));
    assert!(!out.status.success());
    assert!(out.stdout.is_empty());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("GW603") && stderr.contains("vendor"), "{stderr}");
}
