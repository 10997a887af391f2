//! Findings of a spec with several environments: each names its
//! environments, one that holds in several is printed once with the list, a
//! value an overlay set is pointed at, and `--format json` is one document
//! per run whose entries carry `environments` (issue 15, items 4 and 5).

use crate::common;

use std::path::Path;
use std::process::Output;

use common::cli::gatewright;
use serde_json::Value;

/// Two environments: `dev`'s overlay narrows the listener, so `shop.example.com`
/// fails in `dev` only; `admin.other.org` fails in both, alike in both.
const SPEC: &str = r#"apiVersion: gatewright.dev/v1alpha1
kind: Site
mesh:
  revision: asm-1-22
gateways:
  web:
    profile: aks-istio-external
    listeners:
      https: { hostname: "*.example.com", protocol: HTTP, port: 80 }
apps:
  shop:
    routes:
      store: { host: shop.example.com, to: store:80 }
"#;
const ADMIN: &str = "      admin: { host: admin.other.org, to: admin:80 }\n";
const DEV_NARROWS: &str = "gateways:\n  web:\n    listeners:\n      https: { hostname: \"*.dev.example.com\" }\n";
const DEV_MESH: &str = "mesh:\n  revision: asm-1-23\n";

/// A spec folder with `spec.yaml` and the overlays `dev` and `prod`.
fn site(spec: &str, dev: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("temp dir");
    std::fs::create_dir(dir.path().join("overlays")).expect("overlays");
    std::fs::write(dir.path().join("spec.yaml"), spec).expect("spec");
    std::fs::write(dir.path().join("overlays/dev.yaml"), dev).expect("dev");
    std::fs::write(dir.path().join("overlays/prod.yaml"), "{}\n").expect("prod");
    dir
}

fn run(dir: &Path, args: &[&str]) -> Output {
    gatewright()
        .current_dir(dir)
        .args(args)
        .output()
        .expect("gatewright runs")
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

/// The whole of stderr as one JSON document (fails on a second one: "trailing characters").
fn one_document(out: &Output) -> Vec<Value> {
    let text = stderr(out);
    match serde_json::from_str::<Value>(&text) {
        Ok(Value::Array(entries)) => entries,
        other => panic!("stderr is not one JSON array ({other:?}):\n{text}"),
    }
}

fn environments(entry: &Value) -> Vec<&str> {
    entry["environments"]
        .as_array()
        .unwrap_or_else(|| panic!("no `environments` list in {entry}"))
        .iter()
        .filter_map(Value::as_str)
        .collect()
}

#[test]
fn a_finding_alike_in_every_environment_is_printed_once_with_the_list() {
    let dir = site(
        &format!("{SPEC}{ADMIN}").replace("shop.example.com", "a.example.com"),
        DEV_MESH,
    );
    for command in ["render", "check"] {
        let out = run(dir.path(), &[command, ".", "--out", "out"]);
        let text = stderr(&out);
        assert_eq!(out.status.code(), Some(1), "{command}: {text}");
        assert_eq!(
            text.matches("error[GW410]").count(),
            1,
            "{command} prints it once:\n{text}"
        );
        assert!(text.contains("= in environments dev, prod"), "{command}:\n{text}");
    }
}

#[test]
fn a_finding_of_one_environment_names_it_and_the_overlay_line_that_set_the_value() {
    let dir = site(SPEC, DEV_NARROWS);
    let out = run(dir.path(), &["render", ".", "--out", "out"]);
    let text = stderr(&out);
    assert_eq!(out.status.code(), Some(1), "{text}");
    assert!(text.contains("= in environment dev\n"), "{text}");
    assert!(!text.contains("prod"), "prod has no finding:\n{text}");
    assert!(
        text.contains("┌─ overlays/dev.yaml:4:26"),
        "points at the overlay line:\n{text}"
    );
    assert!(
        text.contains("listener `https` hostname set by the overlay (overlays/dev.yaml:4:26)"),
        "{text}"
    );
}

#[test]
fn json_of_a_two_environment_run_is_one_document_with_environments() {
    let dir = site(&format!("{SPEC}{ADMIN}"), DEV_NARROWS);
    for command in ["render", "check"] {
        let out = run(dir.path(), &[command, ".", "--out", "out", "--format", "json"]);
        assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
        let entries = one_document(&out);
        let found: Vec<(u64, Vec<&str>)> = entries
            .iter()
            .map(|e| (e["line"].as_u64().unwrap_or(0), environments(e)))
            .collect();
        // shop (line 13) in dev only; admin (line 14) differs by listener between dev and prod.
        assert_eq!(
            found,
            [(13, vec!["dev"]), (14, vec!["dev"]), (14, vec!["prod"])],
            "{command}"
        );
        let related = &entries[0]["related"][0];
        assert_eq!(
            (related["file"].as_str(), related["line"].as_u64()),
            (Some("overlays/dev.yaml"), Some(4))
        );
        // The existing fields stay.
        for field in [
            "code",
            "severity",
            "message",
            "file",
            "line",
            "column",
            "spec_path",
            "help",
        ] {
            assert!(entries[0].get(field).is_some(), "{field} in {}", entries[0]);
        }
    }
}

#[test]
fn json_is_one_document_when_a_clean_run_or_a_failed_write_ends_it() {
    let dir = site(
        SPEC.replace("shop.example.com", "shop.dev.example.com").as_str(),
        DEV_MESH,
    );
    let out = run(dir.path(), &["render", ".", "--out", "out", "--format", "json"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(one_document(&out).is_empty());
    let out = run(dir.path(), &["check", ".", "--out", "out", "--format", "json"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(one_document(&out).is_empty());
    let failed = gatewright()
        .current_dir(dir.path())
        .args(["render", ".", "--out", "fresh", "--format", "json"])
        .env("GATEWRIGHT_FAIL_AFTER_FILES", "1")
        .output()
        .expect("gatewright runs");
    assert_eq!(failed.status.code(), Some(2), "{}", stderr(&failed));
    let entries = one_document(&failed);
    assert_eq!(entries.len(), 1, "{entries:?}");
    assert_eq!(entries[0]["code"], "GW799");
}

#[test]
fn the_library_build_reports_each_finding_once_with_its_environments() {
    let dir = site(&format!("{SPEC}{ADMIN}"), DEV_MESH);
    let build = gatewright::driver::build(&gatewright::Options {
        spec: dir.path().to_path_buf(),
        ..Default::default()
    })
    .expect("plans");
    let per_env: Vec<usize> = build.targets.iter().map(|(_, o)| o.diagnostics.len()).collect();
    assert_eq!(per_env, [1, 1]);
    let report = build.report();
    let merged: Vec<(&str, &[String])> = report
        .diagnostics
        .iter()
        .map(|d| (d.code.as_str(), d.environments.as_slice()))
        .collect();
    assert_eq!(merged, [("GW410", &["dev".to_string(), "prod".to_string()][..])]);
    assert!(report.has_errors());
}

/// Run git in `dir` (a commit needs an author).
fn git(git: &Path, dir: &Path, args: &[&str]) {
    let status = std::process::Command::new(git)
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

#[test]
fn diff_prints_a_broken_revisions_finding_once_with_its_environments() {
    let Some(git_path) = common::program("git") else {
        return;
    };
    let dir = site(
        &format!("{SPEC}{ADMIN}").replace("shop.example.com", "a.example.com"),
        DEV_MESH,
    );
    let git = |args: &[&str]| git(&git_path, dir.path(), args);
    git(&["init", "-q", "-b", "main"]);
    git(&["add", "."]);
    git(&["commit", "-q", "-m", "broken in both environments"]);
    std::fs::write(dir.path().join("spec.yaml"), SPEC).expect("fixed in the working tree");
    let out = run(dir.path(), &["diff", ".", "--base", "main", "--format", "json"]);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    let entries = one_document(&out);
    let gw410: Vec<(&str, Vec<&str>)> = entries
        .iter()
        .filter(|e| e["code"] == "GW410")
        .map(|e| (e["file"].as_str().unwrap_or_default(), environments(e)))
        .collect();
    assert_eq!(gw410, [("main:spec.yaml", vec!["dev", "prod"])], "once: {entries:?}");
}

#[test]
fn a_crds_warning_of_every_environment_is_printed_once() {
    let Some(data) = common::shared_data() else {
        return;
    };
    let crds = data.join("gateway-api/v1.6.1/standard-install.yaml");
    let dir = site(SPEC, DEV_MESH);
    let crds = crds.display().to_string();
    let out = run(dir.path(), &["render", ".", "--out", "out", "--crds", &crds]);
    let text = stderr(&out);
    assert_eq!(out.status.code(), Some(0), "{text}");
    assert_eq!(text.matches("warning[GW806]").count(), 1, "{text}");
    assert!(text.contains("= in environments dev, prod"), "{text}");
}

#[test]
fn merge_compares_findings_by_file_content_not_by_file_id() {
    use gatewright::diagnostic::{Code, Diagnostic, merge};
    use gatewright::source::Sources;
    let text = "a: 1\nb: 2\n".to_string();
    // `dev` read one more file first, so the spec has another id there.
    let mut dev = Sources::new();
    dev.add_named("overlays/dev.yaml", "b: 3\n".into());
    let dev_spec = dev.add_named("spec.yaml", text.clone());
    let mut prod = Sources::new();
    let prod_spec = prod.add_named("spec.yaml", text.clone());
    // `stage` read a file of the same name with other text: never the same place.
    let mut stage = Sources::new();
    let stage_spec = stage.add_named("spec.yaml", "a: 1\nb: 9\n".into());
    let finding = |sources: &Sources, file, env: &str| {
        Diagnostic::warning(Code::HostnameMatchesNoListener, "the same words")
            .at(Some(sources.loc_at(file, 2, 4)))
            .in_env(env)
    };
    let (d, p, s) = (
        [finding(&dev, dev_spec, "dev")],
        [finding(&prod, prod_spec, "prod")],
        [finding(&stage, stage_spec, "stage")],
    );
    let report = merge([(&d[..], &dev), (&p[..], &prod), (&s[..], &stage)]);
    let envs: Vec<Vec<String>> = report.diagnostics.iter().map(|d| d.environments.clone()).collect();
    assert_eq!(
        envs,
        [vec!["dev".to_string(), "prod".to_string()], vec!["stage".to_string()]]
    );
    for d in &report.diagnostics {
        let loc = d.loc.as_ref().expect("located");
        assert_eq!(report.sources.name(loc.file), "spec.yaml");
    }
}
