//! `gatewright diff` between two commits of a scratch Git repository: the
//! routing summary (pinned by snapshots), spec-line annotations, and the
//! comparison of two output trees.

use crate::common;

use std::path::Path;
use std::process::{Command, Output};

const V1: &str = r#"apiVersion: gatewright.dev/v1alpha1
kind: Site
mesh:
  revision: asm-1-22
gateways:
  gateway:
    profile: aks-istio-external
    listeners:
      default: { hostname: "*.aks.rocks", protocol: HTTP, port: 80 }
apps:
  pets:
    services: [store-front]
    manifests:
    - https://raw.githubusercontent.com/Azure-Samples/aks-store-demo/44efc6edab0a811e2d8c6d8b559e066307cbbe42/aks-store-all-in-one.yaml
    routes:
      store-admin: { host: admin.aks.rocks, to: store-admin:80 }
      store-front: { host: store.aks.rocks, to: store-front:80 }
"#;

fn git(git: &Path, dir: &Path, args: &[&str]) {
    let status = Command::new(git)
        .args(args)
        .current_dir(dir)
        .env("GIT_AUTHOR_NAME", "Test")
        .env("GIT_AUTHOR_EMAIL", "test@example.com")
        .env("GIT_COMMITTER_NAME", "Test")
        .env("GIT_COMMITTER_EMAIL", "test@example.com")
        .status()
        .expect("run git");
    assert!(status.success(), "git {args:?}");
}

/// A repository whose second commit adds a host, re-points a backend, bumps
/// the revision and patches one more Service; the spec lives in `site/`.
/// `None` (the test is skipped) when git is not on PATH.
fn scratch_repo() -> Option<tempfile::TempDir> {
    let git_path = common::program("git")?;
    let git = |dir: &Path, args: &[&str]| git(&git_path, dir, args);
    let dir = tempfile::tempdir().expect("tmp");
    let site = dir.path().join("site");
    std::fs::create_dir(&site).expect("mkdir");
    git(dir.path(), &["init", "-q", "-b", "main"]);
    std::fs::write(site.join("gatewright.yaml"), V1).expect("v1");
    git(dir.path(), &["add", "."]);
    git(dir.path(), &["commit", "-q", "-m", "v1"]);
    std::fs::write(site.join("gatewright.yaml"), v2()).expect("v2");
    git(dir.path(), &["commit", "-q", "-am", "v2"]);
    Some(dir)
}

fn v2() -> String {
    V1.replace("asm-1-22", "asm-1-23")
        .replace("to: store-admin:80", "to: store-admin-v2:8080")
        .replace("[store-front]", "[store-front, store-admin]")
        .replace(
            "      store-front: {",
            "      store-api: { host: api.aks.rocks, path: /v1, to: product-service:3002 }\n      store-front: {",
        )
}

fn diff(dir: &Path, args: &[&str]) -> Output {
    crate::common::cli::bin()
        .arg("diff")
        .args(args)
        .current_dir(dir)
        .env_remove("NO_COLOR")
        .output()
        .expect("run gatewright")
}

fn stdout(o: &Output) -> String {
    assert_eq!(
        o.status.code(),
        Some(1),
        "a diff exits 1; stderr:\n{}",
        String::from_utf8_lossy(&o.stderr)
    );
    String::from_utf8(o.stdout.clone()).expect("utf-8")
}

#[test]
fn markdown_summary_between_two_commits() {
    let Some(repo) = scratch_repo() else { return };
    let out = stdout(&diff(
        repo.path(),
        &["site", "--base", "HEAD~1", "--head", "HEAD", "--format", "markdown"],
    ));
    let summary = out.split("<details>").next().expect("summary");
    insta::assert_snapshot!("markdown_summary", summary);
    assert!(out.contains("```diff\n--- HEAD~1/"), "{out}");
    assert!(
        out.contains("--- HEAD~1/pets/namespace.yaml\n+++ HEAD/pets/namespace.yaml"),
        "{out}"
    );
    assert!(
        out.contains("--- /dev/null\n+++ HEAD/pets/httproute-store-api.yaml"),
        "{out}"
    );
}

#[test]
fn head_defaults_to_the_working_tree_and_is_run_from_a_subfolder() {
    let Some(repo) = scratch_repo() else { return };
    let site = repo.path().join("site");
    std::fs::write(site.join("gatewright.yaml"), v2().replace("asm-1-23", "asm-1-24")).expect("edit");
    let out = stdout(&diff(&site, &[".", "--base", "HEAD"]));
    assert!(
        out.contains("~ namespace pets: istio.io/rev=asm-1-23 → istio.io/rev=asm-1-24"),
        "{out}"
    );
    assert!(out.contains("Routing changes HEAD → working tree:"), "{out}");
    let same = diff(&site, &[".", "--base", "HEAD", "--head", "HEAD"]);
    assert_eq!(same.status.code(), Some(0), "{}", String::from_utf8_lossy(&same.stdout));
}

#[test]
fn github_annotations_point_at_spec_lines() {
    let Some(repo) = scratch_repo() else { return };
    let out = stdout(&diff(
        repo.path(),
        &["site", "--base", "HEAD~1", "--head", "HEAD", "--format", "github"],
    ));
    let line_of = |needle: &str| v2().lines().position(|l| l.contains(needle)).expect("line") + 1;
    let expect = [
        format!("::notice file=site/gatewright.yaml,line={},", line_of("store-api:")),
        format!("::notice file=site/gatewright.yaml,line={},", line_of("store-admin:")),
        format!("::notice file=site/gatewright.yaml,line={},", line_of("revision:")),
    ];
    for e in &expect {
        assert!(out.contains(e.as_str()), "missing `{e}` in:\n{out}");
    }
}

#[test]
fn json_lists_changes_and_files() {
    let Some(repo) = scratch_repo() else { return };
    let out = stdout(&diff(
        repo.path(),
        &["site", "--base", "HEAD~1", "--head", "HEAD", "--format", "json"],
    ));
    let v: serde_json::Value = serde_json::from_str(&out).expect("json");
    let env = &v["environments"][0];
    let kinds: Vec<&str> = env["changes"]
        .as_array()
        .expect("changes")
        .iter()
        .filter_map(|c| c["kind"].as_str())
        .collect();
    assert_eq!(kinds, ["added", "repointed", "relabelled", "patched"]);
    assert_eq!(env["files"]["added"][0], "pets/httproute-store-api.yaml");
}

#[test]
fn two_output_trees_compare_without_git() {
    let dir = tempfile::tempdir().expect("tmp");
    for (name, spec) in [("old", V1.to_string()), ("new", v2())] {
        std::fs::write(dir.path().join(format!("{name}.yaml")), spec).expect("spec");
        let st = crate::common::cli::bin()
            .args(["render", &format!("{name}.yaml"), "--out", name])
            .current_dir(dir.path())
            .env("GATEWRIGHT_NO_CACHE", "1")
            .status()
            .expect("render");
        assert!(st.success());
    }
    let out = stdout(&diff(dir.path(), &["--trees", "old", "new"]));
    insta::assert_snapshot!("trees_summary", out.split("Files:").next().expect("summary"));
}
