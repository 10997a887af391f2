//! Must-show 3: any spec the analyzer accepts renders objects that the
//! Gateway API CRDs accept (schema, limits, CEL rules), for each target
//! version. Specs are generated from pools of valid and invalid values, so
//! both outcomes occur; the counts are printed and both must be non-zero.

mod common;

use std::cell::RefCell;
use std::collections::BTreeMap;

use common::*;
use gatewright::crd::CrdSet;
use gatewright::{Options, compile};
use proptest::prelude::*;
use proptest::test_runner::{Config, TestRunner};
use serde_json::{Map, Value, json};

const VERSIONS: [&str; 4] = ["v1.1.0", "v1.2.1", "v1.3.0", "v1.6.1"];

fn pick(values: &'static [&'static str]) -> impl Strategy<Value = String> + Clone {
    proptest::sample::select(values).prop_map(str::to_string)
}

/// Mostly a valid value, sometimes an invalid one.
fn mostly(valid: &'static [&'static str], invalid: &'static [&'static str]) -> impl Strategy<Value = String> + Clone {
    prop_oneof![12 => pick(valid), 1 => pick(invalid)]
}

fn hostname() -> impl Strategy<Value = String> + Clone {
    prop_oneof![
        8 => pick(&["shop.example.com", "api.example.com", "*.example.com", "a.b.example.com", "example.com", "*.b.example.com"]),
        1 => pick(&["Shop.example.com", "a..example.com", "-a.example.com", "10.0.0.1", "*.*.example.com", "a_b.example.com"]),
    ]
}

fn path() -> impl Strategy<Value = String> + Clone {
    prop_oneof![
        8 => pick(&["/", "/api", "/api/", "/v1/items", "/a%20b", "/~user/@x;y=1", "/static/"]),
        2 => pick(&["api", "/a b", "/a%zz", "/caf\u{e9}", "//x", "/a/../b", "/x%2fy", "/a#b", "/a/.", "/q?x=1"]),
    ]
}

fn value_match(name: &'static str) -> impl Strategy<Value = Value> + Clone {
    (
        Just(name),
        mostly(&["1", "canary", "a b"], &[""]),
        proptest::option::of(pick(&["Exact", "RegularExpression"])),
    )
        .prop_map(|(name, value, kind)| {
            let mut m = json!({"name": name, "value": value});
            if let Some(k) = kind {
                m["type"] = json!(k);
            }
            m
        })
}

/// Header or query matches with names drawn without repetition, mostly the valid ones
/// (the last names of `names` are invalid; `X-Canary` repeats `x-canary` in another case).
fn matches_of(names: &'static [&'static str]) -> impl Strategy<Value = Vec<Value>> + Clone {
    prop_oneof![
        8 => proptest::sample::subsequence(&names[..2], 0..=1),
        1 => proptest::sample::subsequence(names, 1..=2),
    ]
    .prop_flat_map(|picked| picked.into_iter().map(value_match).collect::<Vec<_>>())
}

fn route_match() -> impl Strategy<Value = Value> + Clone {
    (
        proptest::option::of((pick(&["PathPrefix", "Exact", "RegularExpression"]), path())),
        matches_of(&["x-canary", "X-Canary", "x-user", "x-tenant", "bad name", "x:y"]),
        matches_of(&["v", "debug", "bad name"]),
        proptest::option::of(pick(&["GET", "POST"])),
    )
        .prop_map(|(path, headers, query, method)| {
            let mut m = Map::new();
            if let Some((kind, value)) = path {
                m.insert("path".into(), json!({"type": kind, "value": value}));
            }
            if !headers.is_empty() {
                m.insert("headers".into(), Value::Array(headers));
            }
            if !query.is_empty() {
                m.insert("queryParams".into(), Value::Array(query));
            }
            if let Some(x) = method {
                m.insert("method".into(), json!(x));
            }
            Value::Object(m)
        })
}

fn backend() -> impl Strategy<Value = Value> + Clone {
    (
        mostly(&["web", "api"], &["Web_1"]),
        proptest::option::of(mostly(&["pets", "shop", "external"], &["Bad_NS"])),
        prop_oneof![Just(80u32), Just(8080u32)],
        proptest::option::of(0u32..=1_000_000),
    )
        .prop_map(|(name, ns, port, weight)| {
            let mut b = json!({"name": name, "port": port});
            if let Some(ns) = ns {
                b["namespace"] = json!(ns);
            }
            if let Some(w) = weight {
                b["weight"] = json!(w);
            }
            b
        })
}

fn route() -> impl Strategy<Value = Value> {
    let short = (
        proptest::option::of(hostname()),
        mostly(
            &["web:80", "api:8080", "shop/web:80", "external/api:80"],
            &["Bad/web:80", "web"],
        ),
        proptest::option::of(path()),
        proptest::option::of(mostly(&["http", "https"], &["nope"])),
    )
        .prop_map(|(host, to, path, listener)| {
            let mut r = json!({"to": to});
            if let Some(h) = host {
                r["host"] = json!(h);
            }
            if let Some(p) = path {
                r["path"] = json!(p);
            }
            if let Some(l) = listener {
                r["listener"] = json!(l);
            }
            r
        });
    let rule = (
        prop_oneof![4 => proptest::collection::vec(route_match(), 0..3), 1 => proptest::collection::vec(route_match(), 7..10)],
        proptest::collection::vec(backend(), 0..3),
    )
        .prop_map(|(matches, backends)| json!({"matches": matches, "backendRefs": backends}));
    let long = (
        proptest::collection::vec(hostname(), 0..3),
        prop_oneof![6 => proptest::collection::vec(rule.clone(), 1..3), 1 => proptest::collection::vec(rule, 0..1)],
    )
        .prop_map(|(hostnames, rules)| json!({"hostnames": hostnames, "rules": rules}));
    prop_oneof![short, long]
}

fn listener() -> impl Strategy<Value = Value> {
    (
        proptest::option::of(hostname()),
        prop_oneof![Just("HTTP"), Just("HTTPS")],
        prop_oneof![Just(80u32), Just(443u32), Just(8080u32)],
        mostly(&["shop-tls", "shop/shop-tls", "certs/wild-tls"], &["Bad_Cert"]),
        prop_oneof![12 => Just(false), 1 => Just(true)],
        proptest::option::of(pick(&["All", "Same", "Selector"])),
    )
        .prop_map(|(hostname, protocol, port, cert, flip_tls, from)| {
            let mut l = json!({"protocol": protocol, "port": port});
            if let Some(h) = hostname {
                l["hostname"] = json!(h);
            }
            if (protocol == "HTTPS") != flip_tls {
                l["tls"] = json!({"certificates": [cert]});
            }
            if let Some(f) = from {
                l["allowedRoutes"] = json!({"from": f});
            }
            l
        })
}

fn site() -> impl Strategy<Value = Value> {
    let listeners = proptest::collection::btree_map(pick(&["http", "https", "alt"]), listener(), 1..3);
    let address = prop_oneof![
        6 => pick(&["Hostname gw.example.com", "IPAddress 10.0.0.7", "IPAddress 2001:db8::1", "Hostname lb.internal"]),
        1 => pick(&["Hostname Not_A_Host", "IPAddress gw.example.com", "IPAddress 10.0.0.300"]),
    ]
    .prop_map(|a| {
        let (t, v) = a.split_once(' ').unwrap_or_default();
        json!({"type": t, "value": v})
    });
    let gateway = (
        listeners,
        proptest::collection::vec(address, 0..3),
        pick(&["gateways", "aks-istio-ingress"]),
        proptest::option::of(pick(&["All", "Selector"])),
    )
        .prop_map(|(listeners, addresses, ns, from)| {
            let mut g = json!({"namespace": ns, "className": "istio", "listeners": listeners});
            if !addresses.is_empty() {
                g["addresses"] = Value::Array(addresses);
            }
            if let Some(f) = from {
                g["allowedRoutes"] = json!({"from": f});
            }
            g
        });
    let app = (
        proptest::collection::btree_map(pick(&["web", "api", "admin"]), route(), 0..3),
        proptest::option::of(mostly(&["team-a", "a.b_c"], &["bad value!"])),
    )
        .prop_map(|(routes, team)| {
            let mut a = json!({"routes": routes});
            if let Some(t) = team {
                a["labels"] = json!({"team": t});
            }
            a
        });
    (
        gateway,
        proptest::collection::btree_map(pick(&["pets", "shop", "gateways"]), app, 1..3),
        proptest::option::of(mostly(&["asm-1-22", "asm-1-23"], &["asm 1.22"])),
    )
        .prop_map(|(gateway, apps, revision)| {
            let mut s = json!({
                "apiVersion": "gatewright.dev/v1alpha1",
                "kind": "Site",
                "gateways": {"public": gateway},
                "apps": apps,
            });
            if let Some(r) = revision {
                s["mesh"] = json!({"revision": r});
            }
            s
        })
}

fn crds(version: &str) -> CrdSet {
    let path = shared_data().join(format!("gateway-api/{version}/standard-install.yaml"));
    let text = std::fs::read_to_string(&path).expect("read CRDs");
    CrdSet::from_yaml(&text, version).expect("load CRDs")
}

#[test]
fn accepted_specs_render_objects_the_crds_accept() {
    let sets: Vec<(&str, CrdSet)> = VERSIONS.iter().map(|v| (*v, crds(v))).collect();
    let dir = tempfile::tempdir().expect("tempdir");
    let spec = dir.path().join("spec.yaml");
    let counts: RefCell<BTreeMap<&str, (usize, usize, usize)>> = RefCell::new(BTreeMap::new());
    let codes: RefCell<BTreeMap<&str, usize>> = RefCell::new(BTreeMap::new());
    let mut runner = TestRunner::new(Config {
        cases: 128,
        failure_persistence: None,
        ..Config::default()
    });
    let result = runner.run(&site(), |site| {
        std::fs::write(&spec, serde_json::to_string_pretty(&site).expect("json")).expect("write spec");
        for (version, set) in &sets {
            let outcome = compile(&Options {
                spec: spec.clone(),
                gateway_api: Some(version.to_string()),
                no_overlays: true,
                ..Options::default()
            });
            let mut c = counts.borrow_mut();
            let entry = c.entry(version).or_default();
            let Some(compiled) = outcome.output else {
                entry.1 += 1;
                let mut codes = codes.borrow_mut();
                for d in outcome.diagnostics.iter().filter(|d| d.is_error()) {
                    *codes.entry(d.code).or_default() += 1;
                }
                continue;
            };
            entry.0 += 1;
            for (path, object) in tree_objects(&compiled.tree) {
                if path.ends_with(".patch.yaml") {
                    continue;
                }
                let Some(violations) = set.validate(&object) else {
                    continue;
                };
                entry.2 += 1;
                let shown: Vec<String> = violations.iter().map(ToString::to_string).collect();
                prop_assert!(
                    shown.is_empty(),
                    "{version}: the analyzer accepted this spec, but the CRDs refuse {path}: {shown:#?}\nspec: {}",
                    serde_json::to_string_pretty(&site).unwrap_or_default()
                );
            }
        }
        Ok(())
    });
    if let Err(e) = result {
        panic!("{e}");
    }
    println!("errors of the rejected specs, by code: {:?}", codes.borrow());
    for (version, (accepted, rejected, objects)) in counts.borrow().iter() {
        println!(
            "{version}: {accepted} specs accepted ({objects} Gateway API objects valid), {rejected} rejected by the analyzer"
        );
        assert!(*accepted > 0, "{version}: no generated spec was accepted");
        assert!(*rejected > 0, "{version}: no generated spec was rejected");
    }
}
