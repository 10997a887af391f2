//! Helpers shared by the integration tests.
#![allow(dead_code)]

pub mod accept;
pub mod cli;
pub mod hardening;
pub mod imports;
pub mod layers;
pub mod limits;
pub mod markdown;
pub mod outside;
pub mod spec_run;

#[allow(unused_imports)]
pub use outside::{program, shared_data, shared_seed};

use std::path::{Path, PathBuf};

use gatewright::emit::Tree;
use gatewright::{Options, compile};
use serde_json::Value;

/// The seed's spec up to its routes (a macro, so that `concat!` can extend it).
macro_rules! pets_head {
    () => {
        r#"apiVersion: gatewright.dev/v1alpha1
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
    routes:
"#
    };
}

/// The seed's spec with its storefront route only, without manifests.
pub const PETS_ONE_ROUTE: &str = concat!(
    pets_head!(),
    "      store-front: { host: store.aks.rocks, to: store-front:80 }\n"
);

/// The seed's spec with both routes, without manifests.
pub const PETS: &str = concat!(
    pets_head!(),
    "      store-admin: { host: admin.aks.rocks, to: store-admin:80 }\n",
    "      store-front: { host: store.aks.rocks, to: store-front:80 }\n"
);

/// The crate root.
pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Every example: each directory under `examples/`.
pub fn examples() -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> = std::fs::read_dir(root().join("examples"))
        .expect("examples/")
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.is_dir())
        .collect();
    v.sort();
    assert!(!v.is_empty(), "no examples found");
    v
}

/// Compile a spec's base (no overlay), failing the test with the diagnostics on error.
pub fn render(spec: &Path) -> Tree {
    render_with(Options {
        spec: spec.to_path_buf(),
        ..Options::default()
    })
}

/// Every tree of every example: `(example name, environment, tree)`, in the
/// order `driver::plan` lists them (one tree without environment when the
/// example has no overlays).
pub fn example_trees() -> Vec<(String, Option<String>, Tree)> {
    let mut out = Vec::new();
    for example in examples() {
        let name = example.file_name().expect("name").to_string_lossy().into_owned();
        for target in gatewright::driver::plan(&example, None, None).expect("plan") {
            let tree = render_with(Options {
                spec: example.clone(),
                overlay: target.overlay.clone(),
                env: target.env.clone(),
                ..Options::default()
            });
            out.push((name.clone(), target.env, tree));
        }
    }
    out
}

/// The golden directory of one example's environment.
pub fn golden_dir(example: &str, env: Option<&str>) -> PathBuf {
    let dir = root().join("golden").join(example);
    match env {
        Some(env) => dir.join(env),
        None => dir,
    }
}

/// Compile, failing the test with the diagnostics on error.
pub fn render_with(opts: Options) -> Tree {
    let spec = opts.spec.clone();
    let outcome = compile(&opts);
    let errors: Vec<String> = outcome
        .diagnostics
        .iter()
        .filter(|d| d.is_error())
        .map(|d| format!("{d:?}"))
        .collect();
    assert!(
        errors.is_empty(),
        "{} does not compile:\n{}",
        spec.display(),
        errors.join("\n")
    );
    outcome.output.expect("output").into_tree().expect("a tree")
}

/// Compile every target of a spec (each environment, or the base spec).
pub fn compile_all(spec: &Path) -> Vec<(gatewright::driver::Target, gatewright::Outcome)> {
    gatewright::driver::compile_targets(&Options {
        spec: spec.to_path_buf(),
        ..Default::default()
    })
    .expect("plan")
}

/// Give the spec directory `dir` an empty overlay (`overlays/<env>.yaml`) per environment.
pub fn write_empty_overlays(dir: &Path, envs: &[&str]) {
    if !envs.is_empty() {
        std::fs::create_dir(dir.join("overlays")).expect("overlays");
    }
    for env in envs {
        std::fs::write(dir.join(format!("overlays/{env}.yaml")), "{}\n").expect("overlay");
    }
}

/// Parse a YAML stream into JSON values (empty documents skipped).
pub fn parse_stream(text: &str) -> Vec<Value> {
    serde_yaml::Deserializer::from_str(text)
        .map(|d| serde::Deserialize::deserialize(d).expect("valid YAML"))
        .filter(|v: &Value| !v.is_null())
        .collect()
}

/// The documents of the tree's resource and patch files (no kustomizations,
/// no vendored upstream manifests).
pub fn tree_objects(tree: &Tree) -> Vec<(String, Value)> {
    tree.files
        .iter()
        .filter(|(p, _)| !p.ends_with("kustomization.yaml") && !p.contains("/upstream/"))
        .flat_map(|(p, text)| parse_stream(text).into_iter().map(move |v| (p.clone(), v)))
        .collect()
}

/// `(kind, namespace, name)` of an object.
pub fn key(v: &Value) -> (String, String, String) {
    let s = |p: &str| v.pointer(p).and_then(Value::as_str).unwrap_or_default().to_string();
    (s("/kind"), s("/metadata/namespace"), s("/metadata/name"))
}

/// Substitute the placeholders the Gateway API conformance suite fills in at
/// run time (`{GATEWAY_CLASS_NAME}`, ...), so its manifests can be validated.
pub fn substitute_placeholders(text: &str) -> String {
    text.replace("{GATEWAY_CLASS_NAME}", "gatewright-conformance")
        .replace("{GATEWAY_CONTROLLER_NAME}", "gatewright.dev/conformance-controller")
        .replace("PLACEHOLDER_UNUSABLE_ADDRS", "198.51.100.1")
        .replace("PLACEHOLDER_USABLE_ADDRS", "192.0.2.10")
}

/// Conformance files (v1.6.1) whose objects are of standard kinds but use
/// experimental-channel fields: the standard CRDs drop those fields (and
/// strict field validation refuses them), so they belong to the experimental channel.
pub const EXPERIMENTAL_FIELD_FILES: &[(&str, &str)] = &[(
    "tests__httproute-retry.yaml",
    "`spec.rules[].retry` (HTTPRouteRetry) is experimental-channel only in v1.6.1",
)];

/// The `*.yaml` files of a directory whose names start with `prefix`, sorted.
pub fn yaml_files(dir: &Path, prefix: &str) -> Vec<PathBuf> {
    let mut out: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("cannot list {}: {e}", dir.display()))
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| {
            p.file_name()
                .and_then(|n| n.to_str())
                .is_some_and(|n| n.starts_with(prefix) && n.ends_with(".yaml"))
        })
        .collect();
    out.sort();
    out
}
