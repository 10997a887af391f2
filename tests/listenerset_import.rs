//! `import` of ListenerSets: a set becomes the `listeners` and `listenerSet`
//! of the app of its namespace, routes attached to one of its listeners take
//! `listener:`, and what the spec cannot carry is a located warning.

use crate::common::imports::import_texts;
use crate::common::spec_run::{SHARED_GATEWAY, fill, import_and_render};

use serde_json::{Value, json};

const TEAM: &str = "apiVersion: gateway.networking.k8s.io/v1
kind: ListenerSet
metadata:
  name: store-listeners
  namespace: store
  labels: {team: store}
  annotations: {cert-manager.io/cluster-issuer: letsencrypt}
spec:
  parentRef: {name: shared, namespace: infra}
  listeners:
  - name: web
    hostname: store.example.com
    port: 443
    protocol: HTTPS
    tls: {certificateRefs: [{name: store-tls}]}
---
apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata: {name: front, namespace: store}
spec:
  parentRefs:
  - {group: gateway.networking.k8s.io, kind: ListenerSet, name: store-listeners, sectionName: web}
  hostnames: [store.example.com]
  rules:
  - backendRefs: [{name: store-front, port: 80}]
";

#[test]
fn a_listener_set_and_its_route_import_and_render_back() {
    let (run, r) = import_and_render(&[("platform.yaml", SHARED_GATEWAY), ("team.yaml", TEAM)]);
    assert!(
        run.spec.contains("listener: web"),
        "the route takes the short form:\n{}",
        run.spec
    );
    assert!(run.spec.contains("name: store-listeners"), "{}", run.spec);
    let set = r.object("ListenerSet", "store", "store-listeners");
    assert_eq!(set["metadata"]["labels"], json!({"team": "store"}));
    assert_eq!(
        set["metadata"]["annotations"],
        json!({"cert-manager.io/cluster-issuer": "letsencrypt"})
    );
    assert_eq!(set["spec"]["parentRef"]["name"], "shared");
    assert_eq!(set["spec"]["parentRef"]["namespace"], "infra");
    let l = &set["spec"]["listeners"][0];
    assert_eq!(
        (&l["name"], &l["hostname"], &l["port"], &l["protocol"]),
        (&json!("web"), &json!("store.example.com"), &json!(443), &json!("HTTPS"))
    );
    assert_eq!(l["tls"]["certificateRefs"][0]["name"], "store-tls");
    let parent = &r.object("HTTPRoute", "store", "front")["spec"]["parentRefs"][0];
    assert_eq!(parent["kind"], "ListenerSet");
    assert_eq!(parent["name"], "store-listeners");
    assert_eq!(parent["sectionName"], "web");
}

fn warning_at(run: &crate::common::imports::Run, needle: &str) -> Value {
    let found: Vec<&Value> = run
        .with_code("GW901")
        .into_iter()
        .filter(|d| d["message"].as_str().unwrap_or_default().contains(needle))
        .collect();
    assert_eq!(found.len(), 1, "one GW901 about {needle}: {:?}", run.diagnostics);
    found[0].clone()
}

#[test]
fn a_set_whose_gateway_is_not_imported_is_a_located_warning() {
    let run = import_texts(&[("team.yaml", TEAM)], &[]);
    let d = warning_at(&run, "store-listeners");
    let message = d["message"].as_str().unwrap_or_default();
    assert!(
        message.contains("`infra/shared` is not among the imported Gateways"),
        "{message}"
    );
    assert_eq!(
        (d["line"].as_u64(), d["file"].as_str()),
        (Some(9), Some("team.yaml")),
        "{d}"
    );
    assert!(!run.spec.contains("listenerSet:"), "{}", run.spec);
}

#[test]
fn a_set_the_gateway_does_not_admit_is_imported_with_allow() {
    let closed = fill(
        SHARED_GATEWAY,
        &[("  allowedListeners: {namespaces: {from: All}}\n", "")],
    );
    let (run, r) = import_and_render(&[("platform.yaml", &closed), ("team.yaml", TEAM)]);
    let found = run.with_code("GW914");
    assert_eq!(found.len(), 1, "{:?}", run.diagnostics);
    let message = found[0]["message"].as_str().unwrap_or_default();
    assert!(message.contains("GW350"), "{message}");
    assert_eq!(found[0]["line"].as_u64(), Some(4), "at its name: {}", found[0]);
    assert!(run.spec.contains("allow:\n    - GW350"), "{}", run.spec);
    r.object("ListenerSet", "store", "store-listeners");
}
