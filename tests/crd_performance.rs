//! Validation speed: 10,000 HTTPRoutes against the v1.6.1 standard CRDs.
//!
//! Timed in CPU time of the test thread where Linux reports it, so that a busy
//! machine does not fail the test; asserted in release builds only.

use std::path::Path;
use std::time::{Duration, Instant};

use gatewright::crd::CrdSet;
use serde_json::{Value, json};

fn install() -> CrdSet {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../shared/data/gateway-api/v1.6.1/standard-install.yaml");
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| {
        panic!(
            "the shared test data is missing: cannot read {} ({e}); `shared/` must sit beside \
             the crate, as `../shared`",
            path.display()
        )
    });
    CrdSet::from_yaml(&text, &path.display().to_string()).unwrap_or_else(|e| panic!("{e}"))
}

/// The shape of the seed's HTTPRoutes: one rule, one match, one backend.
fn seed_route(i: usize) -> Value {
    json!({
        "apiVersion": "gateway.networking.k8s.io/v1",
        "kind": "HTTPRoute",
        "metadata": {"name": format!("route-{i}"), "namespace": "pets"},
        "spec": {
            "parentRefs": [{"name": "gateway", "namespace": "aks-istio-ingress"}],
            "hostnames": [format!("app{i}.aks.rocks")],
            "rules": [{"matches": [{"path": {"type": "PathPrefix", "value": "/"}}],
                       "backendRefs": [{"name": "front", "port": 80}]}]
        }
    })
}

/// A richer route: two rules, header match, a filter, weighted backends.
fn rich_route(i: usize) -> Value {
    json!({
        "apiVersion": "gateway.networking.k8s.io/v1",
        "kind": "HTTPRoute",
        "metadata": {"name": format!("route-{i}"), "namespace": "pets"},
        "spec": {
            "parentRefs": [{"name": "gateway", "namespace": "aks-istio-ingress", "sectionName": "default"}],
            "hostnames": [format!("app{i}.aks.rocks")],
            "rules": [
                {"matches": [{"path": {"type": "PathPrefix", "value": "/api"}, "headers": [{"name": "x-env", "value": "prod"}]}],
                 "filters": [{"type": "RequestHeaderModifier", "requestHeaderModifier": {"set": [{"name": "x-a", "value": "b"}]}}],
                 "backendRefs": [{"name": "api", "port": 8080, "weight": 90}, {"name": "api-canary", "port": 8080, "weight": 10}]},
                {"matches": [{"path": {"type": "PathPrefix", "value": "/"}}],
                 "backendRefs": [{"name": "front", "port": 80}]}
            ]
        }
    })
}

/// CPU time of this thread, from `/proc/thread-self/schedstat` (Linux), so that
/// the timing does not depend on how loaded the machine is.
fn thread_cpu_time() -> Option<Duration> {
    let stat = std::fs::read_to_string("/proc/thread-self/schedstat").ok()?;
    let nanos = stat.split_whitespace().next()?.parse().ok()?;
    Some(Duration::from_nanos(nanos))
}

/// Validate `n` routes made by `make`; the CPU time (or wall time) spent.
fn time(set: &CrdSet, n: usize, make: fn(usize) -> Value) -> Duration {
    let routes: Vec<Value> = (0..n).map(make).collect();
    let (started, cpu_started) = (Instant::now(), thread_cpu_time());
    for route in &routes {
        let v = set.validate(route).unwrap_or_default();
        assert!(v.is_empty(), "{v:?}");
    }
    let elapsed = started.elapsed();
    let cpu = cpu_started.and_then(|s| Some(thread_cpu_time()? - s));
    println!("validated {n} HTTPRoutes in {elapsed:?} wall, CPU time {cpu:?}");
    cpu.unwrap_or(elapsed)
}

#[test]
fn ten_thousand_routes_validate_fast() {
    let set = install();
    // compile the validator first: that is a one-off
    assert_eq!(set.validate(&seed_route(0)).map(|v| v.len()), Some(0));
    // 10,000 in release; a tenth in debug builds, which are ~20x slower
    let n = if cfg!(debug_assertions) {
        1_000
    } else {
        10_000
    };
    print!("seed-shaped routes: ");
    let seed = time(&set, n, seed_route);
    print!("rich routes: ");
    let rich = time(&set, n, rich_route);
    if !cfg!(debug_assertions) {
        assert!(seed.as_secs_f64() < 1.0, "too slow: {seed:?}");
        assert!(rich.as_secs_f64() < 2.0, "too slow: {rich:?}");
    }
}
