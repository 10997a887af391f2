//! The precedence rules and backend checks the Gateway API conformance suite
//! never exercises (its README lists them), each on a small route set: they
//! are in the API reference and must hold all the same.

use gatewright::routing::{Engine, Input, Outcome, Request};
use serde_json::{Value, json};

fn gateway() -> Value {
    json!({"apiVersion": "gateway.networking.k8s.io/v1", "kind": "Gateway",
           "metadata": {"name": "gw", "namespace": "infra"},
           "spec": {"listeners": [{"name": "http", "port": 80, "protocol": "HTTP",
                                   "allowedRoutes": {"namespaces": {"from": "All"}}}]}})
}

/// The answer to `url` among `routes` (HTTPRoute specs, each `(namespace/name, creationTimestamp, spec)`)
/// on the catch-all gateway, plus the Services `svc-*` in their namespaces.
fn answer(routes: &[(&str, Option<&str>, Value)], url: &str) -> Outcome {
    let mut objects = vec![gateway()];
    for (id, created, spec) in routes {
        let (ns, name) = id.split_once('/').expect("namespace/name");
        let mut spec = spec.clone();
        spec["parentRefs"] = json!([{"name": "gw", "namespace": "infra"}]);
        let mut metadata = json!({"name": name, "namespace": ns});
        if let Some(t) = created {
            metadata["creationTimestamp"] = json!(t);
        }
        objects.push(json!({"apiVersion": "gateway.networking.k8s.io/v1", "kind": "HTTPRoute", "metadata": metadata, "spec": spec}));
    }
    for (ns, name) in [("a", "one"), ("a", "two"), ("b", "other")] {
        objects.push(json!({"apiVersion": "v1", "kind": "Service", "metadata": {"name": name, "namespace": ns}, "spec": {"ports": [{"port": 80}]}}));
    }
    let inputs: Vec<Input> = objects.into_iter().map(Input::bare).collect();
    Engine::new(&inputs)
        .route(&Request::get(url).expect("url"))
        .expect("gateway")
}

fn rule(path_type: &str, path: &str, backend: &str) -> Value {
    json!({"matches": [{"path": {"type": path_type, "value": path}}], "backendRefs": [{"name": backend, "port": 80}]})
}

fn served_by(o: &Outcome) -> Vec<&str> {
    o.backends.iter().map(|b| b.name.as_str()).collect()
}

#[test]
fn precedence_the_conformance_suite_never_exercises() {
    // Hostname specificity comes before the path: an exact hostname with `/` beats a wildcard with a longer prefix.
    let routes = [
        (
            "a/exact",
            None,
            json!({"hostnames": ["x.example.com"], "rules": [rule("PathPrefix", "/", "one")]}),
        ),
        (
            "a/wild",
            None,
            json!({"hostnames": ["*.example.com"], "rules": [rule("PathPrefix", "/a", "two")]}),
        ),
    ];
    let o = answer(&routes, "http://x.example.com/a");
    assert_eq!(served_by(&o), ["one"]);
    assert_eq!(o.losers[0].why, "lost on hostname specificity");
    // Exact beats a PathPrefix of the same length.
    let routes = [
        ("a/prefix", None, json!({"rules": [rule("PathPrefix", "/a", "one")]})),
        ("a/exact", None, json!({"rules": [rule("Exact", "/a", "two")]})),
    ];
    assert_eq!(served_by(&answer(&routes, "http://x.example.com/a")), ["two"]);
    // The oldest route wins a tie, before namespace/name; then namespace/name.
    let routes = [
        (
            "a/a-first",
            Some("2024-05-01T00:00:00Z"),
            json!({"rules": [rule("PathPrefix", "/", "one")]}),
        ),
        (
            "a/z-older",
            Some("2024-01-01T00:00:00Z"),
            json!({"rules": [rule("PathPrefix", "/", "two")]}),
        ),
    ];
    let o = answer(&routes, "http://x.example.com/");
    assert_eq!(served_by(&o), ["two"]);
    assert!(o.losers[0].why.contains("route age"));
    let routes = [
        (
            "a/z",
            Some("2024-01-01T00:00:00Z"),
            json!({"rules": [rule("PathPrefix", "/", "two")]}),
        ),
        (
            "a/b",
            Some("2024-01-01T00:00:00Z"),
            json!({"rules": [rule("PathPrefix", "/", "one")]}),
        ),
    ];
    let o = answer(&routes, "http://x.example.com/");
    assert_eq!(served_by(&o), ["one"]);
    assert_eq!(o.losers[0].why, "lost on route namespace/name");
}

#[test]
fn prefixes_segments_weights_and_references() {
    let routes = [("a/r", None, json!({"rules": [rule("PathPrefix", "/a", "one")]}))];
    assert_eq!(answer(&routes, "http://x.example.com/ab").status, 404);
    assert_eq!(answer(&routes, "http://x.example.com/a/b").status, 200);
    let weighted = json!({"rules": [{"backendRefs": [
        {"name": "one", "port": 80, "weight": 0},
        {"name": "two", "port": 80, "weight": 3},
        {"name": "other", "namespace": "b", "port": 80, "weight": 1},
        {"name": "missing", "port": 80, "weight": 1}]}]});
    let o = answer(&[("a/w", None, weighted)], "http://x.example.com/");
    assert_eq!(o.status, 200);
    assert_eq!(served_by(&o), ["two"], "weight 0 is never chosen");
    let failed: Vec<&str> = o.failed_backends.iter().map(|b| b.name.as_str()).collect();
    assert_eq!(
        failed,
        ["other", "missing"],
        "no ReferenceGrant, no Service: a 500 for their share"
    );
    let only_bad =
        json!({"rules": [{"backendRefs": [{"name": "x", "kind": "Bucket", "group": "example.com", "port": 80}]}]});
    assert_eq!(answer(&[("a/k", None, only_bad)], "http://x.example.com/").status, 500);
}
