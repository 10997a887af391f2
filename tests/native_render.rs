//! The built-in blueprints that render builds as values (Namespace,
//! HTTPRoute, ReferenceGrant, Service patch) make exactly what their
//! templates make. Each spec is compiled twice: with the built-in blueprints,
//! and with the same templates given as an override directory (which always
//! runs them). The trees must be byte-identical and the findings the same.
//!
//! The specs: every example and environment, every CLI case's spec
//! directory, every Gateway API v1.6.1 example and conformance manifest
//! imported, and generated specs that use every route feature.

use crate::common;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use common::*;
use gatewright::render::Blueprint;
use gatewright::{Options, Outcome};
use proptest::prelude::*;
use serde_json::{Value, json};

/// The built-in templates, written out as an override directory.
fn template_dir() -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("tempdir");
    for bp in Blueprint::ALL {
        std::fs::write(dir.path().join(bp.file_name()), bp.builtin()).expect("write blueprint");
    }
    dir
}

/// What an outcome shows: its findings (the blueprints' names made equal) and its files.
fn shown(outcome: &Outcome, templates: &Path) -> (Vec<String>, BTreeMap<String, String>) {
    let prefix = templates.display().to_string();
    let diagnostics = outcome
        .diagnostics
        .iter()
        .map(|d| format!("{d:?}").replace(&prefix, "<builtin>/blueprints"))
        .collect();
    let files = outcome
        .output
        .as_ref()
        .map(|o| o.tree().expect("a tree").files.clone())
        .unwrap_or_default();
    (diagnostics, files)
}

/// How many objects of each kind, and of each route feature, were compared.
#[derive(Default)]
struct Seen(BTreeMap<String, usize>);

impl Seen {
    fn count(&mut self, files: &BTreeMap<String, String>) {
        for text in files.values() {
            for doc in parse_stream(text) {
                let kind = doc["kind"].as_str().unwrap_or("").to_string();
                *self.0.entry(kind).or_default() += 1;
                for feature in features(&doc) {
                    *self.0.entry(feature.to_string()).or_default() += 1;
                }
            }
        }
    }

    fn assert_covers(&self, what: &[&str]) {
        let missing: Vec<&&str> = what.iter().filter(|w| !self.0.contains_key(**w)).collect();
        assert!(missing.is_empty(), "never compared {missing:?}; seen {:?}", self.0);
    }
}

/// The optional parts of an object that its blueprint writes only sometimes.
fn features(doc: &Value) -> Vec<&'static str> {
    let mut out = Vec::new();
    let has = |p: &str| doc.pointer(p).is_some_and(|v| !v.is_null());
    for (pointer, name) in [
        ("/metadata/labels", "labels"),
        ("/spec/hostnames", "hostnames"),
        ("/spec/ports", "nodePort"),
        ("/spec/externalTrafficPolicy", "clearField"),
    ] {
        if has(pointer) {
            out.push(name);
        }
    }
    let items = |v: Option<&Value>| v.and_then(Value::as_array).cloned().unwrap_or_default();
    for p in items(doc.pointer("/spec/parentRefs")) {
        present(
            &p,
            &[
                ("sectionName", "parent sectionName"),
                ("port", "parent port"),
                ("namespace", "parent namespace"),
                ("group", "parent group"),
                ("kind", "parent kind"),
            ],
            &mut out,
        );
    }
    if doc["kind"] != "HTTPRoute" {
        return out;
    }
    if doc.pointer("/spec/rules").is_some_and(Value::is_null) {
        out.push("no rules");
    }
    for rule in items(doc.pointer("/spec/rules")) {
        present(
            &rule,
            &[
                ("name", "rule name"),
                ("filters", "rule filters"),
                ("timeouts", "timeouts"),
            ],
            &mut out,
        );
        for m in items(rule.get("matches")) {
            if m.is_null() {
                out.push("empty match");
            }
            present(
                &m,
                &[
                    ("headers", "header match"),
                    ("queryParams", "query match"),
                    ("method", "method match"),
                ],
                &mut out,
            );
        }
        for b in items(rule.get("backendRefs")) {
            present(
                &b,
                &[
                    ("weight", "backend weight"),
                    ("filters", "backend filters"),
                    ("namespace", "backend namespace"),
                    ("kind", "backend kind"),
                ],
                &mut out,
            );
        }
    }
    out
}

/// The names of the keys `object` has.
fn present(object: &Value, keys: &[(&str, &'static str)], out: &mut Vec<&'static str>) {
    out.extend(
        keys.iter()
            .filter(|(key, _)| object.get(key).is_some())
            .map(|(_, name)| *name),
    );
}

/// Compile every target of `spec` both ways; they must agree. A spec that
/// names its own blueprint directory gets the built-in templates beside the ones it overrides.
fn assert_same(spec: &Path, templates: &Path, seen: &mut Seen) {
    let compile = |blueprints: Option<PathBuf>| {
        gatewright::driver::compile_targets(&Options {
            spec: spec.to_path_buf(),
            blueprints,
            ..Options::default()
        })
    };
    let native = compile(None);
    let own = native
        .iter()
        .flatten()
        .find_map(|(_, o)| o.output.as_ref()?.blueprints.clone());
    let combined = own.as_ref().map(|own| {
        let dir = template_dir();
        for entry in std::fs::read_dir(own).expect("blueprint dir") {
            let path = entry.expect("entry").path();
            std::fs::copy(&path, dir.path().join(path.file_name().expect("name"))).expect("copy");
        }
        dir
    });
    let templates = combined.as_ref().map_or(templates, |d| d.path());
    let (native, templated) = match (native, compile(Some(templates.to_path_buf()))) {
        (Ok(a), Ok(b)) => (a, b),
        (Err(a), Err(b)) => return assert_eq!(a.message, b.message),
        (a, b) => panic!("{}: plans differ: {a:?} / {b:?}", spec.display()),
    };
    assert_eq!(native.len(), templated.len());
    for ((target, a), (_, b)) in native.iter().zip(&templated) {
        let (mut a, b) = (shown(a, templates), shown(b, templates));
        if let Some(own) = &own {
            let own = own.display().to_string();
            a.0 = a.0.iter().map(|d| d.replace(&own, "<builtin>/blueprints")).collect();
        }
        assert_eq!(a.0, b.0, "{} {:?}: findings differ", spec.display(), target.env);
        for (path, text) in &a.1 {
            assert_eq!(
                Some(text),
                b.1.get(path),
                "{} {:?}: `{path}` differs",
                spec.display(),
                target.env
            );
        }
        assert_eq!(a.1.len(), b.1.len(), "{}: file lists differ", spec.display());
        seen.count(&a.1);
    }
}

#[test]
fn examples_and_cli_cases_render_the_same_with_their_templates() {
    let templates = template_dir();
    let mut seen = Seen::default();
    let mut specs = examples();
    let mut cases: Vec<PathBuf> = std::fs::read_dir(root().join("tests/cmd"))
        .expect("tests/cmd")
        .map(|e| e.expect("entry").path())
        .filter(|p| p.extension().is_some_and(|x| x == "in") && p.is_dir())
        .collect();
    cases.sort();
    assert!(cases.len() > 50, "expected the CLI cases, found {}", cases.len());
    specs.extend(cases);
    for spec in &specs {
        assert_same(spec, templates.path(), &mut seen);
    }
    seen.assert_covers(&[
        "Namespace",
        "HTTPRoute",
        "ReferenceGrant",
        "Service",
        "labels",
        "hostnames",
        "rule filters",
        "timeouts",
        "header match",
        "query match",
        "method match",
        "backend weight",
        "backend filters",
        "backend namespace",
    ]);
}

#[test]
fn the_gateway_api_corpus_imported_renders_the_same_with_its_templates() {
    let Some(data) = shared_data() else { return };
    let data = data.join("gateway-api/v1.6.1");
    let templates = template_dir();
    let tmp = tempfile::tempdir().expect("tempdir");
    let mut seen = Seen::default();
    let mut files: Vec<PathBuf> = ["examples", "conformance"]
        .iter()
        .flat_map(|d| {
            std::fs::read_dir(data.join(d))
                .expect("dir")
                .map(|e| e.expect("entry").path())
        })
        .collect();
    files.sort();
    for file in &files {
        let text = std::fs::read_to_string(file)
            .expect("read")
            .replace("{GATEWAY_CLASS_NAME}", "gateway-conformance")
            .replace("{GATEWAY_CONTROLLER_NAME}", "example.com/gateway-controller");
        let name = file.file_name().expect("name").to_string_lossy().into_owned();
        let input = tmp.path().join(&name);
        std::fs::write(&input, &text).expect("write");
        let imported = gatewright::import::import(&gatewright::import::Options {
            paths: vec![input],
            ..Default::default()
        });
        let dir = tmp.path().join(format!("{name}.spec"));
        std::fs::create_dir_all(&dir).expect("mkdir");
        std::fs::write(dir.join("gatewright.yaml"), &imported.text).expect("write spec");
        assert_same(&dir, templates.path(), &mut seen);
    }
    assert!(
        seen.0.get("HTTPRoute").copied().unwrap_or(0) > 100,
        "expected the whole corpus: {:?}",
        seen.0
    );
    seen.assert_covers(&[
        "rule name",
        "rule filters",
        "header match",
        "query match",
        "method match",
        "backend weight",
        "backend filters",
        "parent sectionName",
        "parent port",
    ]);
}

fn label() -> impl Strategy<Value = String> {
    "[a-z][a-z0-9-]{0,6}[a-z0-9]"
}

/// Strings a header or a path may carry, with YAML's and JSON's special characters over-represented.
fn text() -> impl Strategy<Value = String> {
    prop_oneof![
        label(),
        "[a-z0-9 :#'\"\\\\{}\\[\\],&*!|>%@`-]{1,12}",
        any::<String>().prop_filter("non-empty", |s| !s.is_empty()),
    ]
}

/// A long-form route rule using any mix of matches, filters, timeouts and backends.
fn rule() -> impl Strategy<Value = Value> {
    let matched = (
        proptest::option::of("(/[a-z0-9]{1,4}){1,2}"),
        proptest::collection::vec((label(), text()), 0..2),
        proptest::collection::vec((label(), text()), 0..2),
        proptest::option::of(prop_oneof![Just("GET"), Just("POST")]),
    )
        .prop_map(|(path, headers, query, method)| {
            let mut m = json!({});
            if let Some(p) = path {
                m["path"] = json!({"value": p});
            }
            if !headers.is_empty() {
                m["headers"] = headers.iter().map(|(n, v)| json!({"name": n, "value": v})).collect();
            }
            if !query.is_empty() {
                m["queryParams"] = query.iter().map(|(n, v)| json!({"name": n, "value": v})).collect();
            }
            if let Some(method) = method {
                m["method"] = json!(method);
            }
            m
        });
    let backend = (
        label(),
        1u16..65535,
        proptest::option::of(0u32..100),
        any::<bool>(),
        text(),
    )
        .prop_map(|(name, port, weight, filtered, value)| {
            let mut b = json!({"name": name, "port": port});
            if let Some(w) = weight {
                b["weight"] = json!(w);
            }
            if filtered {
                b["filters"] = json!([{"responseHeaderModifier": {"add": [{"name": "x-v", "value": value}]}}]);
            }
            b
        });
    (
        proptest::option::of(label()),
        proptest::collection::vec(matched, 0..3),
        any::<bool>(),
        text(),
        proptest::collection::vec(backend, 1..3),
        proptest::option::of(1u32..120),
    )
        .prop_map(|(name, matches, filtered, value, backends, timeout)| {
            let mut r = json!({"matches": matches, "backendRefs": backends});
            if let Some(n) = name {
                r["name"] = json!(n);
            }
            if filtered {
                r["filters"] = json!([{"requestHeaderModifier": {"set": [{"name": "x-env", "value": value}], "remove": ["x-debug"]}}]);
            }
            if let Some(t) = timeout {
                r["timeouts"] = json!({"request": format!("{t}s")});
            }
            r
        })
}

/// A site of a few apps whose routes use the long form.
fn site() -> impl Strategy<Value = Value> {
    let route = (label(), proptest::collection::vec(rule(), 1..3));
    let app = proptest::collection::btree_map(label(), route, 1..3);
    proptest::collection::btree_map(label(), app, 1..3).prop_map(|apps| {
        let apps: serde_json::Map<String, Value> = apps
            .into_iter()
            .map(|(app, routes)| {
                let routes: serde_json::Map<String, Value> = routes
                    .into_iter()
                    .map(|(name, (host, rules))| (name, json!({"host": format!("{host}.example.com"), "rules": rules})))
                    .collect();
                (app, json!({"routes": routes}))
            })
            .collect();
        json!({
            "apiVersion": "gatewright.dev/v1alpha1",
            "kind": "Site",
            "gatewayApi": "v1.6.1",
            "gateways": {"web": {"profile": "aks-istio-external",
                "listeners": {"http": {"hostname": "*.example.com", "protocol": "HTTP", "port": 80}}}},
            "apps": apps,
        })
    })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

    #[test]
    fn generated_long_form_routes_render_the_same_with_their_templates(spec in site()) {
        let templates = template_dir();
        let dir = tempfile::tempdir().expect("tempdir");
        std::fs::write(dir.path().join("gatewright.yaml"), serde_json::to_string(&spec).expect("json"))
            .expect("write");
        let mut seen = Seen::default();
        assert_same(dir.path(), templates.path(), &mut seen);
        prop_assert!(seen.0.contains_key("HTTPRoute"), "the generated spec did not compile: {spec}");
    }
}
