//! `render --stdout` at scale (issue 20): the manifest root is checked with
//! each folder's symlinks resolved once for all its files, and the stream
//! is the tree's objects. Speed is not asserted here; what must hold is that
//! the fast paths refuse and print exactly what the full ones do.

use std::path::{Path, PathBuf};

use gatewright::driver::{Options, Output, compile};

use crate::common::cli::gatewright;
use crate::common::spec_run::located_codes;

/// A spec of `apps` apps, app `i` vendoring the manifest `entries[i - 1]`.
fn spec(entries: &[String]) -> String {
    let mut s = String::from(
        "apiVersion: gatewright.dev/v1alpha1\nkind: Site\ngateways:\n  gateway-external:\n    \
         profile: aks-istio-external\n    listeners:\n      http: { hostname: \"*.example.com\", protocol: HTTP, port: 80 }\napps:\n",
    );
    for (i, entry) in entries.iter().enumerate() {
        let i = i + 1;
        s.push_str(&format!(
            "  app-{i}:\n    services: [front-{i}]\n    manifests: [{entry}]\n    routes:\n      \
             front-{i}: {{ host: front-{i}.example.com, to: front-{i}:80 }}\n"
        ));
    }
    s
}

/// App `i`'s manifest: its Service `front-i`, in plain block YAML.
fn manifest(i: usize) -> String {
    format!(
        "---\napiVersion: v1\nkind: Service\nmetadata:\n  name: front-{i}\nspec:\n  type: LoadBalancer\n  ports:\n  - port: 80\n"
    )
}

/// The line of app `i`'s `manifests:` entry in [`spec`].
fn manifests_line(i: usize) -> u32 {
    u32::try_from(8 + 5 * (i - 1) + 3).expect("small")
}

/// `site/` with `entries.len()` apps: app `i`'s manifest written at `site/manifests/app-i.yaml`
/// unless `entries` names it elsewhere; returns the spec's path.
fn site(root: &Path, entries: &[String]) -> PathBuf {
    let site = root.join("site");
    std::fs::create_dir_all(site.join("manifests")).expect("mkdir");
    for i in 1..=entries.len() {
        std::fs::write(site.join(format!("manifests/app-{i}.yaml")), manifest(i)).expect("manifest");
    }
    let path = site.join("gatewright.yaml");
    std::fs::write(&path, spec(entries)).expect("spec");
    path
}

/// Among many manifests of one folder (whose links are resolved once), each
/// way out of the root is still refused at its own spec line: a link to a
/// file outside, a file reached through a linked folder, a `..` path, a file
/// in `.git`; a link to a file inside is read.
#[cfg(unix)]
#[test]
fn every_way_out_of_the_root_is_refused_among_many_manifests() {
    use std::os::unix::fs::symlink;
    let root = tempfile::tempdir().expect("tempdir");
    let root = std::fs::canonicalize(root.path()).expect("canonical");
    let elsewhere = root.join("elsewhere");
    std::fs::create_dir_all(&elsewhere).expect("mkdir");
    let mut entries: Vec<String> = (1..=40).map(|i| format!("manifests/app-{i}.yaml")).collect();
    entries[4] = "manifests/out-5.yaml".into();
    entries[9] = "linked/app-10.yaml".into();
    entries[14] = "../elsewhere/app-15.yaml".into();
    entries[19] = ".git/app-20.yaml".into();
    entries[24] = "manifests/in-25.yaml".into();
    let spec = site(&root, &entries);
    let site = spec.parent().expect("folder");
    for i in [5, 10, 15] {
        std::fs::write(elsewhere.join(format!("app-{i}.yaml")), manifest(i)).expect("outside");
    }
    symlink(elsewhere.join("app-5.yaml"), site.join("manifests/out-5.yaml")).expect("link");
    symlink(&elsewhere, site.join("linked")).expect("link");
    std::fs::create_dir_all(site.join(".git")).expect("mkdir");
    std::fs::write(site.join(".git/app-20.yaml"), manifest(20)).expect("in .git");
    symlink(site.join("manifests/app-25.yaml"), site.join("manifests/in-25.yaml")).expect("link");
    let refused: Vec<(String, u32)> = [5, 10, 15, 20]
        .into_iter()
        .map(|i| ("GW328".to_string(), manifests_line(i)))
        .collect();
    assert_eq!(located_codes(&spec, site), refused);
    assert_eq!(
        located_codes(&spec, &root),
        [("GW328".to_string(), manifests_line(20))],
        "with the wider root only the `.git` file is refused"
    );
}

/// `render --stdout` prints every object of the rendered tree, in path order,
/// each as in its file (the header comment aside) under a `# Source:` line.
#[test]
fn the_stream_is_the_trees_objects_in_path_order() {
    let root = tempfile::tempdir().expect("tempdir");
    let entries: Vec<String> = (1..=30).map(|i| format!("manifests/app-{i}.yaml")).collect();
    let spec = site(root.path(), &entries);
    let out = root.path().join("out");
    crate::common::cli::render_ok(&spec, &out);
    let o = gatewright()
        .arg("render")
        .arg(&spec)
        .arg("--stdout")
        .output()
        .expect("run");
    assert_eq!(o.status.code(), Some(0), "{}", String::from_utf8_lossy(&o.stderr));
    let tree = crate::common::cli::snapshot(&out);
    let mut want = String::new();
    let root_kustomization = String::from_utf8_lossy(&tree["kustomization.yaml"]).into_owned();
    let note = root_kustomization
        .lines()
        .find(|l| l.starts_with("# Needs the Gateway API CRDs "))
        .expect("the root names the Gateway API version");
    want.push_str(&format!("{note}\n"));
    let mut objects = 0;
    for (path, bytes) in &tree {
        if path.ends_with("kustomization.yaml") || path.contains("/upstream/") {
            continue;
        }
        let text = String::from_utf8_lossy(bytes);
        let body = text.split_once('\n').map_or(text.as_ref(), |(_, rest)| rest);
        want.push_str(&format!("---\n# Source: {path}\n{body}"));
        objects += 1;
    }
    assert_eq!(
        objects,
        1 + 3 * 30,
        "the Gateway, and per app a Namespace, a route and a Service patch"
    );
    assert_eq!(String::from_utf8_lossy(&o.stdout), want);
}

/// Apps whose namespaces sort differently as paths (`shop-eu/…` < `shop/…`
/// < `shop0/…`, `-` < `/` < `0`) than as (folder, file) pairs.
const ORDER_SPEC: &str = "apiVersion: gatewright.dev/v1alpha1\nkind: Site\ngateways:\n  gateway:\n    profile: aks-istio-external\n    listeners:\n      default: { hostname: \"*.aks.rocks\", protocol: HTTP, port: 80 }\napps:\n  shop0:\n    routes:\n      web: { host: zero.aks.rocks, to: web:80 }\n  shop:\n    routes:\n      web: { host: shop.aks.rocks, to: web:80 }\n      api: { host: api.aks.rocks, to: api:80 }\n  shop-eu:\n    routes:\n      web: { host: eu.aks.rocks, to: web:80 }\n";

fn compile_dir(dir: &Path, objects_only: bool) -> gatewright::Compiled {
    let outcome = compile(&Options {
        spec: dir.to_path_buf(),
        objects_only,
        ..Default::default()
    });
    outcome
        .output
        .unwrap_or_else(|| panic!("no output: {:?}", outcome.diagnostics))
}

fn stream(compiled: &gatewright::Compiled) -> String {
    let mut out = Vec::new();
    compiled.write_stream(&mut out).expect("write to a Vec");
    String::from_utf8(out).expect("UTF-8")
}

/// An `objects_only` compile (what `render --stdout` sets) builds no tree,
/// only the ordered objects, and streams the whole tree's bytes.
#[test]
fn an_objects_only_compile_builds_no_tree_and_streams_the_same_bytes() {
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::write(dir.path().join("gatewright.yaml"), ORDER_SPEC).expect("write");
    let (whole, objects) = (compile_dir(dir.path(), false), compile_dir(dir.path(), true));
    assert!(objects.tree().is_none(), "an objects_only compile lays out no tree");
    assert!(matches!(objects.output, Output::Objects(_)));
    let tree = whole.tree().expect("a whole compile lays out the tree");
    assert_eq!(stream(&objects), tree.to_stream());
    assert_eq!(stream(&whole), tree.to_stream());
}

/// The stream follows the tree's byte order of whole paths, not the order of
/// (namespace, file name) pairs.
#[test]
fn the_stream_is_in_the_trees_path_order() {
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::write(dir.path().join("gatewright.yaml"), ORDER_SPEC).expect("write");
    let text = stream(&compile_dir(dir.path(), true));
    let sources: Vec<&str> = text.lines().filter_map(|l| l.strip_prefix("# Source: ")).collect();
    let mut sorted = sources.clone();
    sorted.sort_unstable();
    assert_eq!(sources, sorted);
    let first = |folder: &str| sources.iter().position(|s| s.starts_with(&format!("{folder}/")));
    let (eu, shop, zero) = (first("shop-eu"), first("shop"), first("shop0"));
    assert!(eu.is_some() && shop.is_some() && zero.is_some(), "{sources:?}");
    assert!(eu < shop && shop < zero, "{sources:?}");
}

/// `render --stdout` prints the same stream as the library's whole tree.
#[test]
fn render_stdout_prints_the_trees_stream() {
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::write(dir.path().join("gatewright.yaml"), ORDER_SPEC).expect("write");
    let out = gatewright()
        .args(["render".as_ref(), dir.path().as_os_str(), "--stdout".as_ref()])
        .output()
        .expect("run gatewright");
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    let tree = compile_dir(dir.path(), false).into_tree().expect("a tree");
    assert_eq!(String::from_utf8_lossy(&out.stdout), tree.to_stream());
}

/// Other spellings of a manifest path inside the root (`//`, `./`, `..`
/// back in) are read ahead and vendored like the plain one, with no finding.
#[test]
fn other_spellings_of_a_manifest_inside_the_root_are_read() {
    let root = tempfile::tempdir().expect("tempdir");
    let entries: Vec<String> = vec![
        "manifests/app-1.yaml".into(),
        "manifests//app-2.yaml".into(),
        "./manifests/app-3.yaml".into(),
        "manifests/../manifests/app-4.yaml".into(),
    ];
    let spec = site(root.path(), &entries);
    let folder = spec.parent().expect("folder");
    assert_eq!(located_codes(&spec, folder), []);
    let compiled = compile_dir(folder, false);
    let vendored: Vec<&str> = compiled.model.upstreams.iter().map(|u| u.resource.as_str()).collect();
    assert_eq!(vendored, ["app-1.yaml", "app-2.yaml", "app-3.yaml", "app-4.yaml"]);
    assert!(compiled.model.upstreams.iter().all(|u| u.content.is_some()));
}
