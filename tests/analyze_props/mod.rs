//! Must-show 3: any spec the analyzer accepts renders objects that the
//! Gateway API CRDs accept (schema, limits, CEL rules), for each target
//! version. Each generated spec is valid by construction, with at most one
//! fault injected (an invalid name, path, header, address, label, a limit
//! exceeded, conflicting listeners, ...), so that a check the analyzer
//! lacks shows up as an accepted spec the CRDs refuse. Specs without a fault
//! must be accepted. The counts are printed.

use crate::common;
mod faults;

use std::cell::RefCell;
use std::collections::BTreeMap;

use common::*;
use faults::{FAULTS, inject};
use gatewright::crd::CrdSet;
use gatewright::{Options, compile};
use proptest::prelude::*;
use proptest::test_runner::{Config, TestRunner};
use serde_json::{Value, json};

const VERSIONS: [&str; 4] = ["v1.1.0", "v1.2.1", "v1.3.0", "v1.6.1"];

fn pick(values: &'static [&'static str]) -> impl Strategy<Value = String> + Clone {
    proptest::sample::select(values).prop_map(str::to_string)
}

fn host() -> impl Strategy<Value = String> + Clone {
    pick(&[
        "shop.example.com",
        "api.example.com",
        "a.b.example.com",
        "*.b.example.com",
        "www.example.com",
    ])
}

fn route_match() -> impl Strategy<Value = Value> + Clone {
    (
        pick(&["PathPrefix", "Exact", "RegularExpression"]),
        pick(&["/", "/api", "/api/", "/v1/items", "/a%20b", "/~user/@x;y=1", "/static/"]),
        proptest::option::of(pick(&["x-canary", "X-Tenant"])),
        proptest::option::of(pick(&["GET", "POST"])),
    )
        .prop_map(|(kind, path, header, method)| {
            let mut m = json!({"path": {"type": kind, "value": path}});
            if let Some(h) = header {
                m["headers"] = json!([{"name": h, "value": "on"}]);
                m["queryParams"] = json!([{"name": "v", "value": "2", "type": "Exact"}]);
            }
            if let Some(x) = method {
                m["method"] = json!(x);
            }
            m
        })
}

fn route() -> impl Strategy<Value = Value> {
    let short = (
        host(),
        pick(&["web:80", "api:8080", "shop/web:80", "external/api:80"]),
        proptest::option::of(pick(&["/", "/api", "/static/"])),
    )
        .prop_map(|(host, to, path)| {
            let mut r = json!({"host": host, "to": to});
            if let Some(p) = path {
                r["path"] = json!(p);
            }
            r
        });
    let backend = (
        pick(&["web", "api"]),
        proptest::option::of(pick(&["pets", "shop", "external"])),
        0u32..=100,
    )
        .prop_map(|(name, ns, weight)| {
            let mut b = json!({"name": name, "port": 80, "weight": weight});
            if let Some(ns) = ns {
                b["namespace"] = json!(ns);
            }
            b
        });
    let rule = (
        proptest::collection::vec(route_match(), 0..3),
        proptest::collection::vec(backend, 1..3),
    )
        .prop_map(|(matches, backends)| json!({"matches": matches, "backendRefs": backends}));
    let long = (
        proptest::collection::vec(host(), 1..3),
        proptest::collection::vec(rule, 1..3),
    )
        .prop_map(|(hostnames, rules)| json!({"hostnames": hostnames, "rules": rules}));
    prop_oneof![short, long]
}

/// A valid site: one gateway (`http` on 80, maybe `https` on 443 and `alt`
/// on 8080), a few apps, and the `probe` route the faults go into.
fn valid_site() -> impl Strategy<Value = Value> {
    let app = (
        proptest::collection::btree_map(pick(&["web", "api"]), route(), 0..3),
        proptest::option::of(pick(&["team-a", "a.b_c"])),
    )
        .prop_map(|(routes, team)| {
            let mut a = json!({"routes": routes});
            if let Some(t) = team {
                a["labels"] = json!({"team": t});
            }
            a
        });
    (
        proptest::option::of(Just("*.example.com")),
        proptest::option::of(pick(&["shop-tls", "certs/wild-tls", "shop/shop-tls"])),
        any::<bool>(),
        proptest::sample::subsequence(&["Hostname gw.example.com", "IPAddress 10.0.0.7", "IPAddress 2001:db8::1"][..], 0..=2),
        proptest::collection::btree_map(pick(&["pets", "shop"]), app, 0..3),
        proptest::option::of(pick(&["asm-1-22", "asm-1-23"])),
        pick(&["All", "Selector"]),
    )
        .prop_map(|(hostname, cert, alt, addresses, apps, revision, from)| {
            let mut listeners = json!({"http": {"protocol": "HTTP", "port": 80}});
            if let Some(h) = hostname {
                listeners["http"]["hostname"] = json!(h);
            }
            if let Some(c) = cert {
                listeners["https"] = json!({"protocol": "HTTPS", "port": 443, "hostname": "*.example.com", "tls": {"certificates": [c]}});
            }
            if alt {
                listeners["alt"] = json!({"protocol": "HTTP", "port": 8080});
            }
            let addresses: Vec<Value> = addresses
                .iter()
                .filter_map(|a| a.split_once(' '))
                .map(|(t, v)| json!({"type": t, "value": v}))
                .collect();
            let mut apps = json!(apps);
            unique_hosts(&mut apps);
            apps["probe"] = json!({"routes": {"probe": {
                "hostnames": ["probe.example.com"],
                "rules": [{"matches": [{"path": {"type": "PathPrefix", "value": "/probe"}}], "backendRefs": [{"name": "probe", "port": 80}]}],
            }}});
            let mut s = json!({
                "apiVersion": "gatewright.dev/v1alpha1",
                "kind": "Site",
                "gateways": {"public": {"namespace": "gateways", "className": "istio", "allowedRoutes": {"from": from}, "listeners": listeners, "addresses": addresses}},
                "apps": apps,
            });
            if let Some(r) = revision {
                s["mesh"] = json!({"revision": r});
            }
            s
        })
}

/// Each route's hostnames get their own label (`shop.example.com` ->
/// `api-pets.shop.example.com`), so no two routes of a valid site claim the same hostname.
fn unique_hosts(apps: &mut Value) {
    for (app, a) in apps.as_object_mut().into_iter().flatten() {
        for (name, r) in a["routes"].as_object_mut().into_iter().flatten() {
            let own = |h: &str| match h.strip_prefix("*.") {
                Some(rest) => format!("*.{name}-{app}.{rest}"),
                None => format!("{name}-{app}.{h}"),
            };
            if let Some(h) = r.get("host").and_then(Value::as_str).map(own) {
                r["host"] = json!(h);
            }
            if let Some(hs) = r.get_mut("hostnames").and_then(Value::as_array_mut) {
                for h in hs.iter_mut() {
                    *h = json!(own(h.as_str().unwrap_or_default()));
                }
            }
        }
    }
}

fn site() -> impl Strategy<Value = (Value, Option<&'static str>)> {
    (
        valid_site(),
        prop_oneof![1 => Just(None), 4 => proptest::sample::select(FAULTS).prop_map(Some)],
        0usize..12,
    )
        .prop_map(|(mut site, fault, variant)| {
            if let Some(f) = fault {
                inject(&mut site, f, variant);
            }
            (site, fault)
        })
}

/// The standard CRDs of a Gateway API release in the reference data folder `data`.
fn crds(data: &std::path::Path, version: &str) -> CrdSet {
    let path = data.join(format!("gateway-api/{version}/standard-install.yaml"));
    let text = std::fs::read_to_string(&path).expect("read CRDs");
    CrdSet::from_yaml(&text, version).expect("load CRDs")
}

#[derive(Default, Debug)]
struct Count {
    accepted: usize,
    rejected: usize,
    objects: usize,
}

#[test]
fn accepted_specs_render_objects_the_crds_accept() {
    let Some(data) = shared_data() else { return };
    let sets: Vec<(&str, CrdSet)> = VERSIONS.iter().map(|v| (*v, crds(&data, v))).collect();
    let dir = tempfile::tempdir().expect("tempdir");
    let spec = dir.path().join("spec.yaml");
    let counts: RefCell<BTreeMap<&str, Count>> = RefCell::new(BTreeMap::new());
    let faults: RefCell<BTreeMap<&str, (usize, usize)>> = RefCell::new(BTreeMap::new());
    let mut runner = TestRunner::new(Config {
        cases: 256,
        failure_persistence: None,
        ..Config::default()
    });
    let result = runner.run(&site(), |(site, fault)| {
        std::fs::write(&spec, serde_json::to_string_pretty(&site).expect("json")).expect("write spec");
        let shown_spec = || serde_json::to_string_pretty(&site).unwrap_or_default();
        for (version, set) in &sets {
            let outcome = compile(&Options {
                spec: spec.clone(),
                gateway_api: Some(version.to_string()),
                ..Options::default()
            });
            let mut c = counts.borrow_mut();
            let count = c.entry(version).or_default();
            let tally = |rejected: bool| {
                let mut f = faults.borrow_mut();
                let e = f.entry(fault.unwrap_or("(none)")).or_default();
                if rejected { e.1 += 1 } else { e.0 += 1 }
            };
            let Some(compiled) = outcome.output else {
                count.rejected += 1;
                tally(true);
                let errors: Vec<String> = outcome.diagnostics.iter().map(|d| format!("{} {}", d.code, d.message)).collect();
                prop_assert!(fault.is_some(), "{version}: a valid spec was rejected: {errors:#?}\nspec: {}", shown_spec());
                continue;
            };
            count.accepted += 1;
            tally(false);
            for (path, object) in tree_objects(compiled.tree().expect("a tree")) {
                let Some(violations) = set.validate(&object) else { continue };
                count.objects += 1;
                let shown: Vec<String> = violations.iter().map(ToString::to_string).collect();
                prop_assert!(
                    shown.is_empty(),
                    "{version}: the analyzer accepted this spec (fault: {fault:?}), but the CRDs refuse {path}: {shown:#?}\nspec: {}",
                    shown_spec()
                );
            }
        }
        Ok(())
    });
    if let Err(e) = result {
        panic!("{e}");
    }
    for (fault, (accepted, rejected)) in faults.borrow().iter() {
        println!("  {fault}: accepted {accepted}, rejected {rejected} (over the 4 versions)");
    }
    for (version, c) in counts.borrow().iter() {
        println!(
            "{version}: {} specs accepted ({} Gateway API objects valid), {} rejected by the analyzer",
            c.accepted, c.objects, c.rejected
        );
        assert!(c.accepted > 0 && c.rejected > 0, "{version}: {c:?}");
    }
}
