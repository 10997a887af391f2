//! Properties over generated specs: rendering is deterministic, the output
//! reads back to the same values, nothing leaves the output directory, and
//! no spec (well-formed or not) makes the compiler panic.
//! (`import` round trips and CRD validation wait for those features.)

use crate::common;

use std::path::{Component, Path};

use gatewright::yaml::{self, Limits};
use gatewright::{Options, compile};
use proptest::prelude::*;
use serde_json::{Map, Value, json};

fn compile_text(text: &str) -> gatewright::Outcome {
    let dir = tempfile::tempdir().expect("tempdir");
    let spec = dir.path().join("spec.yaml");
    std::fs::write(&spec, text).expect("write");
    compile(&Options {
        spec,
        ..Options::default()
    })
}

fn label() -> impl Strategy<Value = String> {
    "[a-z][a-z0-9-]{0,10}[a-z0-9]"
}

/// Any short string, with the characters that matter for paths, YAML and templates over-represented.
fn hostile_string() -> impl Strategy<Value = String> {
    prop_oneof![
        label(),
        "[a-z./\\\\{}%\n\"': -]{0,16}",
        any::<String>().prop_map(|s| s.chars().take(24).collect()),
        Just("../../etc".to_string()),
        Just("{{ 7*7 }}".to_string()),
    ]
}

/// A well-formed spec: one gateway, apps with short-form routes under `*.aks.rocks`.
fn valid_spec() -> impl Strategy<Value = Value> {
    let route = (
        label(),
        label(),
        1u16..65535,
        proptest::option::of("(/[a-z0-9-]{1,6}){1,3}/?"),
    );
    let app = proptest::collection::btree_map(label(), route, 1..4);
    proptest::collection::btree_map(label(), app, 1..4).prop_map(|apps| {
        let mut apps_json = Map::new();
        for (app, routes) in apps {
            let mut rs = Map::new();
            for (name, (host, svc, port, path)) in routes {
                // One host per route: two routes of one host and path are a deliberate refusal (GW430).
                let mut r = json!({"host": format!("{host}.{name}.{app}.aks.rocks"), "to": format!("{svc}:{port}")});
                if let Some(p) = path {
                    r["path"] = json!(p);
                }
                rs.insert(name, r);
            }
            apps_json.insert(app, json!({"routes": rs}));
        }
        json!({
            "apiVersion": "gatewright.dev/v1alpha1",
            "kind": "Site",
            "gateways": {"gateway": {"profile": "aks-istio-external",
                "listeners": {"default": {"hostname": "*.aks.rocks", "protocol": "HTTP", "port": 80}}}},
            "apps": apps_json,
        })
    })
}

/// A spec whose names and values are arbitrary strings.
fn hostile_spec() -> impl Strategy<Value = Value> {
    let route = (hostile_string(), hostile_string(), hostile_string());
    let app = (
        proptest::option::of(hostile_string()),
        proptest::collection::vec(hostile_string(), 0..2),
        proptest::collection::btree_map(hostile_string(), route, 0..3),
    );
    (
        hostile_string(),
        hostile_string(),
        proptest::collection::btree_map(hostile_string(), app, 0..3),
    )
        .prop_map(|(gw, listener, apps)| {
            let mut apps_json = Map::new();
            for (key, (namespace, services, routes)) in apps {
                let mut rs = Map::new();
                for (name, (host, to, path)) in routes {
                    rs.insert(name, json!({"host": host, "to": to, "path": path}));
                }
                let mut a = json!({"services": services, "routes": rs});
                if let Some(ns) = namespace {
                    a["namespace"] = json!(ns);
                }
                apps_json.insert(key, a);
            }
            json!({
                "apiVersion": "gatewright.dev/v1alpha1",
                "kind": "Site",
                "gateways": {gw: {"profile": "aks-istio-external",
                    "listeners": {listener: {"hostname": "*.aks.rocks", "protocol": "HTTP", "port": 80}}}},
                "apps": apps_json,
            })
        })
}

fn stays_inside(path: &str) -> bool {
    let parts: Vec<Component<'_>> = Path::new(path).components().collect();
    !parts.is_empty() && parts.iter().all(|c| matches!(c, Component::Normal(_)))
}

/// Output exactly when there is no error, and every output path stays inside the output directory.
fn check_invariants(outcome: &gatewright::Outcome) -> Result<(), TestCaseError> {
    prop_assert_eq!(outcome.output.is_some(), !outcome.has_errors());
    if let Some(c) = &outcome.output {
        for path in c.tree().expect("a tree").files.keys() {
            prop_assert!(stays_inside(path), "`{}` leaves the output directory", path);
        }
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, ..ProptestConfig::default() })]

    #[test]
    fn a_valid_spec_renders_the_same_bytes_every_time(spec in valid_spec()) {
        let text = yaml::to_canonical_yaml(&spec);
        let first = compile_text(&text);
        let errors: Vec<_> = first.diagnostics.iter().filter(|d| d.is_error()).collect();
        prop_assert!(errors.is_empty(), "{:?}\n{}", errors, text);
        let second = compile_text(&text);
        prop_assert_eq!(first.output.and_then(gatewright::Compiled::into_tree), second.output.and_then(gatewright::Compiled::into_tree));
    }

    #[test]
    fn rendered_objects_read_back_to_the_same_values(spec in valid_spec()) {
        let outcome = compile_text(&yaml::to_canonical_yaml(&spec));
        check_invariants(&outcome)?;
        let tree = outcome.output.expect("a valid spec compiles").into_tree().expect("a tree");
        for (path, text) in &tree.files {
            let ours: Vec<Value> = yaml::read_documents(text, &Limits::default())
                .map_err(|e| TestCaseError::fail(format!("{path}: {e}")))?
                .iter()
                .map(yaml::Node::to_json)
                .collect();
            prop_assert_eq!(&ours, &common::parse_stream(text), "{}: YAML 1.1 and 1.2 readings differ", path);
            // The body after the header comments is the canonical YAML of what it reads as.
            let body: String = text.split_inclusive('\n').skip_while(|l| l.starts_with('#')).collect();
            prop_assert_eq!(ours.len(), 1, "{} holds one object", path);
            prop_assert_eq!(&yaml::to_canonical_yaml(&ours[0]), &body, "{} is not canonical", path);
        }
    }

    #[test]
    fn hostile_names_never_panic_nor_leave_the_output_directory(spec in hostile_spec()) {
        check_invariants(&compile_text(&yaml::to_canonical_yaml(&spec)))?;
    }

    #[test]
    fn arbitrary_yaml_text_never_panics(text in "(apiVersion: gatewright.dev/v1alpha1\nkind: Site\n)?[a-z:{}\\[\\],&*!|>'\"#\n -]{0,200}") {
        check_invariants(&compile_text(&text))?;
    }
}
