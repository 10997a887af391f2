//! The trust edges: an `ImplementationSpecific` import that a shorter path
//! outranked, diagnostics without a place, environment names said twice,
//! spec entries skipped silently, `diff --base`'s unbounded checkout, and
//! `trace` exit codes.

use std::path::{Path, PathBuf};

use serde_json::Value;

use crate::common;
use crate::common::cli::gatewright;
use crate::common::imports::import_texts;

fn nginx_fixture(name: &str) -> PathBuf {
    common::root().join("tests/import/nginx").join(name)
}

/// `import --verify --format json`: exit code and report.
fn verify(path: &Path) -> (Option<i32>, Value) {
    let out = gatewright()
        .arg("import")
        .arg(path)
        .args(["--verify", "--format", "json", "--profile", "aks-approuting-istio"])
        .output()
        .expect("run gatewright");
    (
        out.status.code(),
        serde_json::from_slice(&out.stdout).unwrap_or(Value::Null),
    )
}

/// Each difference's request and whether a GW951 explains it.
fn differences(report: &Value) -> Vec<(String, bool)> {
    report["differences"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|d| {
            let known = d["known"].as_array().into_iter().flatten();
            let gw951 = known.filter_map(Value::as_str).any(|k| k.starts_with("GW951:"));
            (d["request"].as_str().unwrap_or("").to_string(), gw951)
        })
        .collect()
}

#[test]
fn implementation_specific_path_beside_the_default_backend_routes_as_nginx() {
    // `/shop` (a string prefix) and the default backend's `/`: `/shop`,
    // `/shop/` and `/shop/x` go to `shop` on both sides; `/shopx` is the
    // one request only the regular expression matches, a known limitation.
    let (code, report) = verify(&nginx_fixture("hosts.yaml"));
    assert_eq!(
        differences(&report),
        vec![("GET http://www.example.com/shopx".to_string(), true)],
        "{report}"
    );
    assert_eq!(code, Some(1));
}

#[test]
fn implementation_specific_paths_get_a_path_prefix_where_it_is_exact() {
    let text = std::fs::read_to_string(nginx_fixture("implementation-specific.yaml")).expect("read");
    let run = import_texts(&[("is.yaml", &text)], &[]);
    let r = run.render();
    assert_eq!(r.code, Some(0), "{:?}\n{}", r.errors(), run.spec);
    let rules = r.object("HTTPRoute", "shop", "shop-a-example-com")["spec"]["rules"].clone();
    let paths = |backend: &str| -> Vec<(String, String)> {
        let rule = rules
            .as_array()
            .into_iter()
            .flatten()
            .find(|r| r["backendRefs"][0]["name"] == backend)
            .unwrap_or_else(|| panic!("no rule for {backend}: {rules}"));
        rule["matches"]
            .as_array()
            .into_iter()
            .flatten()
            .map(|m| {
                let t = m["path"]["type"].as_str().unwrap_or("").to_string();
                (t, m["path"]["value"].as_str().unwrap_or("").to_string())
            })
            .collect()
    };
    let pair = |p: &str| {
        vec![
            ("PathPrefix".to_string(), p.to_string()),
            ("RegularExpression".to_string(), format!("{p}.*")),
        ]
    };
    assert_eq!(paths("shop"), pair("/shop"));
    assert_eq!(paths("shopping"), pair("/shopping"));
    // `/cart/` as PathPrefix would match `/cart`, `/a|b` is no Gateway API
    // path, and `/docs` would claim the PathPrefix of `/docs/`: regex only.
    let regex = |v: &str| vec![("RegularExpression".to_string(), v.to_string())];
    assert_eq!(paths("cart"), regex("/cart/.*"));
    assert_eq!(paths("odd"), regex("/a\\|b.*"));
    assert_eq!(paths("docs"), regex("/docs.*"));
    let warned: Vec<u64> = run
        .with_code("GW951")
        .iter()
        .map(|d| d["line"].as_u64().unwrap_or(0))
        .collect();
    // Every path of `a.example.com` but `/only` of the host with no other path.
    assert_eq!(warned, vec![38, 42, 46, 50, 53], "{:?}", run.diagnostics);
    let (_, report) = verify(&nginx_fixture("implementation-specific.yaml"));
    let found = differences(&report);
    assert!(found.iter().all(|(_, known)| *known), "{report}");
    let requests: Vec<&str> = found.iter().map(|(r, _)| r.as_str()).collect();
    for served in ["/shop", "/shop/x", "/shopping", "/shopping/x"] {
        let request = format!("GET http://a.example.com{served}");
        assert!(!requests.contains(&request.as_str()), "{request}: {report}");
    }
    assert!(requests.contains(&"GET http://a.example.com/shopx"), "{report}");
    assert!(!requests.iter().any(|r| r.contains("b.example.com")), "{report}");
}

// ---- item 2: diagnostics located where the input has a place ----

/// `validate --crds CRDS objects.yaml --format json` in `dir`: exit code and diagnostics.
fn validate_with(dir: &Path, crds: &str) -> (Option<i32>, Vec<Value>) {
    std::fs::write(dir.join("crds.yaml"), crds).expect("write CRDs");
    std::fs::write(
        dir.join("objects.yaml"),
        "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: x}\n",
    )
    .expect("write objects");
    let out = gatewright()
        .current_dir(dir)
        .args(["validate", "--crds", "crds.yaml", "objects.yaml", "--format", "json"])
        .output()
        .expect("run gatewright");
    (
        out.status.code(),
        serde_json::from_slice(&out.stderr).unwrap_or_default(),
    )
}

/// The one diagnostic's code, file and line.
fn place(diags: &[Value]) -> (String, String, u64) {
    assert_eq!(diags.len(), 1, "{diags:#?}");
    let d = &diags[0];
    (
        d["code"].as_str().unwrap_or("").to_string(),
        d["file"].as_str().unwrap_or("").to_string(),
        d["line"].as_u64().unwrap_or(0),
    )
}

const CRD_HEAD: &str = "apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata: {name: widgets.example.com}
spec:
  group: example.com
  scope: Namespaced
  names: {kind: Widget, plural: widgets}
  versions:
  - name: v1
    served: true
    storage: true
    schema:
      openAPIV3Schema:
        type: object
        properties:
          spec:
            type: object
            properties:
              items: {type: array, items: {type: string}}
            x-kubernetes-validations:
";

#[test]
fn an_unusable_crds_file_is_located_in_it() {
    let dir = tempfile::tempdir().expect("tempdir");
    let crds = "# not CRDs\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: x}\n";
    let (code, diags) = validate_with(dir.path(), crds);
    assert_eq!(code, Some(2));
    assert_eq!(place(&diags), ("GW805".into(), "crds.yaml".into(), 1));
    let (_, diags) = validate_with(dir.path(), "kind: ConfigMap\n---\na: [\n");
    assert_eq!(place(&diags), ("GW805".into(), "crds.yaml".into(), 4));
    // The rule that does not compile (GW805) and the rule over the cost
    // budget (GW808): the line of the rule.
    let crd = |rule: &str| {
        format!("{CRD_HEAD}            - rule: \"self.items.size() >= 0\"\n            - rule: \"{rule}\"\n")
    };
    let (_, diags) = validate_with(dir.path(), &crd("self.items.exists(("));
    assert_eq!(place(&diags), ("GW805".into(), "crds.yaml".into(), 22));
    let triple = "self.items.all(a, self.items.all(b, self.items.all(c, a != b || b != c)))";
    let (code, diags) = validate_with(dir.path(), &crd(triple));
    assert_eq!(code, Some(2));
    assert_eq!(place(&diags), ("GW808".into(), "crds.yaml".into(), 22));
    assert_eq!(diags[0]["column"], 21, "{diags:#?}");
}

#[test]
fn a_render_over_its_output_budget_points_at_the_overridden_blueprint() {
    // 100 routes, each writing 4 MB (refused one by one, and counted): 400 MB in all.
    let dir = tempfile::tempdir().expect("tempdir");
    let spec = common::cli::write_spec(dir.path(), "site.yaml", &common::cli::spec(100, "t"));
    std::fs::create_dir(dir.path().join("bp")).expect("mkdir bp");
    let line = "x".repeat(999);
    let template = format!("# big\n{{% for i in range(4000) %}}#{line}\n{{% endfor %}}\n");
    std::fs::write(dir.path().join("bp/httproute.yaml.j2"), template).expect("write blueprint");
    let mut cmd = gatewright();
    cmd.arg("render")
        .arg(&spec)
        .args(["--blueprints".as_ref(), dir.path().join("bp").as_os_str()])
        .args(["--stdout", "--format", "json"]);
    let out = crate::common::limits::run_bounded(cmd);
    assert_eq!(out.status.code(), Some(1));
    let diags = crate::common::limits::json_diagnostics(&out);
    let total: Vec<&Value> = diags.iter().filter(|d| d["code"] == "GW507").collect();
    assert_eq!(total.len(), 1, "{diags:#?}");
    let d = total[0];
    assert!(
        d["file"].as_str().unwrap_or("").ends_with("bp/httproute.yaml.j2"),
        "{d:#}"
    );
    assert_eq!(d["line"], 1, "{d:#}");
    let message = d["message"].as_str().unwrap_or("");
    assert!(
        message.contains("(blueprint `") && message.contains("bp/httproute.yaml.j2` is overridden)"),
        "{d:#}"
    );
}

// ---- item 3: the environment named once ----

/// The diagnostics (`--format json`) of `gatewright ARGS` in `dir`.
fn json_run(dir: &Path, args: &[&str]) -> Vec<Value> {
    let out = gatewright()
        .current_dir(dir)
        .args(args)
        .args(["--format", "json"])
        .output()
        .expect("run gatewright");
    serde_json::from_slice(&out.stderr).unwrap_or_default()
}

/// Each diagnostic of `codes`: whether its message names environment `env`, and its environments.
fn env_naming(diags: &[Value], codes: &[&str], env: &str) -> Vec<(String, bool, Value)> {
    diags
        .iter()
        .filter(|d| codes.iter().any(|c| d["code"] == *c))
        .map(|d| {
            let message = d["message"].as_str().unwrap_or("");
            let named = message.contains(&format!("environment `{env}`"));
            (
                d["code"].as_str().unwrap_or("").to_string(),
                named,
                d["environments"].clone(),
            )
        })
        .collect()
}

#[test]
fn overlay_findings_name_their_environment_once() {
    let dir = common::root().join("tests/cmd/spec-overlay-misspelt-names.in");
    let diags = json_run(&dir, &["render", ".", "--env", "prod", "--stdout"]);
    let found = env_naming(&diags, &["GW132", "GW133", "GW134"], "prod");
    assert!(found.len() >= 4, "{diags:#?}");
    for (code, named, envs) in found {
        assert!(!named, "{code} names the environment in its message too: {diags:#?}");
        assert_eq!(envs, serde_json::json!(["prod"]), "{code}");
    }
    // GW606: an overlay that changes the shared `gitops` settings.
    let tmp = tempfile::tempdir().expect("tempdir");
    let site = "apiVersion: gatewright.dev/v1alpha1\nkind: Site\ngateways:\n  gateway:\n    profile: aks-istio-external\n    listeners:\n      default: { hostname: \"*.aks.rocks\", protocol: HTTP, port: 80 }\napps:\n  pets:\n    routes:\n      a: { host: a.aks.rocks, to: a:80 }\ngitops:\n  repository: { url: \"https://git.example.com/platform.git\" }\n  output: deploy\n  flux: {}\n";
    std::fs::write(tmp.path().join("gatewright.yaml"), site).expect("spec");
    std::fs::create_dir(tmp.path().join("overlays")).expect("overlays");
    std::fs::write(tmp.path().join("overlays/dev.yaml"), "{}\n").expect("dev");
    std::fs::write(tmp.path().join("overlays/prod.yaml"), "gitops: { output: other }\n").expect("prod");
    let diags = json_run(tmp.path(), &["render", "gatewright.yaml", "--out", "deploy"]);
    let found = env_naming(&diags, &["GW606"], "prod");
    assert_eq!(
        found,
        vec![("GW606".to_string(), false, serde_json::json!(["prod"]))],
        "{diags:#?}"
    );
    let message = diags[0]["message"].as_str().unwrap_or("");
    assert!(message.contains("`gitops.output`"), "{message}");
}

// ---- item 4: spec entries that are not read are not skipped silently ----

#[cfg(unix)]
#[test]
fn spec_entries_that_look_like_spec_files_but_are_not_read_are_warned_about() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let spec = tmp.path().join("spec");
    let other = tmp.path().join("other");
    std::fs::create_dir_all(&spec).expect("spec dir");
    std::fs::create_dir_all(&other).expect("other dir");
    std::fs::write(spec.join("gatewright.yaml"), common::cli::spec(1, "a")).expect("spec");
    let pets = "apiVersion: gatewright.dev/v1alpha1\nkind: Site\napps:\n  cats:\n    routes:\n      c: { host: c.aks.rocks, to: c:80 }\n";
    std::fs::write(other.join("pets.yaml"), pets).expect("linked");
    for name in ["shop.YAML", "cats.Yml"] {
        std::fs::write(spec.join(name), pets).expect("case variant");
    }
    std::os::unix::fs::symlink("../other/pets.yaml", spec.join("pets.yaml")).expect("file link");
    std::os::unix::fs::symlink("../other", spec.join("more")).expect("folder link");
    std::os::unix::fs::symlink("../other/pets.yaml", spec.join("notes.md")).expect("other link");
    std::fs::write(spec.join("README.md"), "# not YAML\n").expect("readme");
    let out = gatewright()
        .current_dir(tmp.path())
        .args(["render", "spec", "--stdout", "--format", "json"])
        .output()
        .expect("run gatewright");
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    let diags: Vec<Value> = serde_json::from_slice(&out.stderr).unwrap_or_default();
    let mut warned: Vec<String> = diags
        .iter()
        .filter(|d| d["code"] == "GW115" && d["severity"] == "warning")
        .map(|d| {
            d["message"]
                .as_str()
                .unwrap_or("")
                .split('`')
                .nth(1)
                .unwrap_or("")
                .to_string()
        })
        .collect();
    warned.sort();
    assert_eq!(
        warned,
        ["spec/cats.Yml", "spec/more", "spec/pets.yaml", "spec/shop.YAML"],
        "{diags:#?}"
    );
    // Never followed nor read: the linked and case-variant apps are not rendered.
    assert!(!String::from_utf8_lossy(&out.stdout).contains("c.aks.rocks"));
}

// ---- item 5: `diff --base` extracts a bounded tree, and removes it ----

#[test]
fn diff_refuses_a_base_tree_over_its_file_bound_and_leaves_no_temporary_tree() {
    let Some(git) = crate::common::outside::program("git") else {
        return;
    };
    let tmp = tempfile::tempdir().expect("tempdir");
    let repo = tmp.path().join("repo");
    let scratch = tmp.path().join("tmp");
    std::fs::create_dir_all(repo.join("site")).expect("repo");
    std::fs::create_dir_all(&scratch).expect("scratch");
    let run = |args: &[&str], input: Option<&str>| {
        let mut cmd = std::process::Command::new(&git);
        cmd.current_dir(&repo)
            .args(args)
            .env("GIT_AUTHOR_NAME", "Test")
            .env("GIT_AUTHOR_EMAIL", "test@example.com")
            .env("GIT_COMMITTER_NAME", "Test")
            .env("GIT_COMMITTER_EMAIL", "test@example.com")
            .stdin(std::process::Stdio::piped());
        let mut child = cmd.spawn().expect("run git");
        if let (Some(text), Some(mut stdin)) = (input, child.stdin.take()) {
            std::io::Write::write_all(&mut stdin, text.as_bytes()).expect("feed git");
        }
        assert!(child.wait().expect("git").success(), "git {args:?}");
    };
    run(&["init", "-q", "-b", "main"], None);
    std::fs::write(repo.join("site/gatewright.yaml"), common::cli::spec(1, "a")).expect("spec");
    run(&["add", "."], None);
    // 50,001 more paths of one small blob, straight into the index.
    std::fs::write(repo.join("blob.txt"), "x\n").expect("blob");
    let out = hash_object(&git, &repo);
    let entries: String = (0..50_001).map(|i| format!("100644 {out}\tmany/f{i}\n")).collect();
    run(&["update-index", "--index-info"], Some(&entries));
    run(&["commit", "-q", "-m", "many"], None);
    let out = gatewright()
        .current_dir(&repo)
        .env("TMPDIR", &scratch)
        .args(["diff", "site", "--base", "HEAD", "--format", "json"])
        .output()
        .expect("run gatewright");
    assert_eq!(out.status.code(), Some(2), "{}", String::from_utf8_lossy(&out.stderr));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("GW116") && stderr.contains("revision `HEAD` holds 50002 files"),
        "{stderr}"
    );
    let left: Vec<_> = std::fs::read_dir(&scratch).expect("scratch").collect();
    assert!(left.is_empty(), "temporary trees left: {left:?}");
}

/// `git hash-object -w blob.txt` in `repo`.
fn hash_object(git: &Path, repo: &Path) -> String {
    let out = std::process::Command::new(git)
        .current_dir(repo)
        .args(["hash-object", "-w", "blob.txt"])
        .output()
        .expect("git hash-object");
    String::from_utf8_lossy(&out.stdout).trim().to_string()
}

// ---- item 6: `trace --expect-status` makes the exit code a CI check ----

#[test]
fn trace_exits_1_when_a_status_is_not_the_expected_one() {
    let store = common::root().join("examples/aks-store");
    let trace = |extra: &[&str]| {
        let out = gatewright()
            .arg("trace")
            .arg(&store)
            .args(["--env", "dev"])
            .args(extra)
            .output()
            .expect("run gatewright");
        (out.status.code(), String::from_utf8_lossy(&out.stderr).into_owned())
    };
    // Without an expectation any answer is exit 0, as documented.
    assert_eq!(trace(&["http://nothing.aks.rocks/"]).0, Some(0));
    assert_eq!(trace(&["http://store.aks.rocks/", "--expect-status", "200"]).0, Some(0));
    let (code, stderr) = trace(&["http://store.aks.rocks/", "--expect-status", "404"]);
    assert_eq!(code, Some(1));
    assert!(stderr.contains("status 200, expected 404"), "{stderr}");
    let tmp = tempfile::tempdir().expect("tempdir");
    let file = tmp.path().join("requests.txt");
    std::fs::write(&file, "GET http://store.aks.rocks/\n\nGET http://nothing.aks.rocks/x\n").expect("requests");
    let file = file.to_string_lossy().into_owned();
    let (code, stderr) = trace(&["--requests", &file, "--expect-status", "200"]);
    assert_eq!(code, Some(1), "{stderr}");
    assert!(
        stderr.contains("requests.txt:3: GET http://nothing.aks.rocks/x: status 404, expected 200"),
        "{stderr}"
    );
    assert!(!stderr.contains("requests.txt:1:"), "{stderr}");
    assert_eq!(trace(&["--requests", &file]).0, Some(0));
}

#[cfg(unix)]
#[test]
fn a_symlinked_manifest_an_app_names_is_not_warned_about() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let spec = tmp.path().join("spec");
    std::fs::create_dir_all(spec.join("manifests")).expect("spec dir");
    std::fs::create_dir_all(tmp.path().join("real")).expect("real dir");
    std::fs::write(spec.join("gatewright.yaml"), crate::stamp::SPEC).expect("spec");
    std::fs::write(tmp.path().join("real/app-1.yaml"), crate::stamp::MANIFEST).expect("manifest");
    std::os::unix::fs::symlink("../../real/app-1.yaml", spec.join("manifests/app-1.yaml")).expect("link");
    std::os::unix::fs::symlink("../../real/app-1.yaml", spec.join("manifests/app-2.yaml")).expect("link");
    let out = gatewright()
        .current_dir(tmp.path())
        .args(["render", "spec", "--stdout", "--format", "json"])
        .output()
        .expect("run gatewright");
    let diags: Vec<Value> = serde_json::from_slice(&out.stderr).unwrap_or_default();
    let warned: Vec<&str> = diags
        .iter()
        .filter(|d| d["code"] == "GW115")
        .filter_map(|d| d["message"].as_str())
        .collect();
    // app-1 is read through `manifests:`; app-2 is named by nothing.
    assert_eq!(warned.len(), 1, "{diags:#?}");
    assert!(warned[0].contains("spec/manifests/app-2.yaml"), "{warned:?}");
}
