//! The behavioural section of `diff` and its probes: every path match and
//! its boundaries are probed; a change that re-routes one path lists exactly
//! that request; a change that keeps behaviour lists none; the probes are
//! capped and say so; and (a property) adding a route for another hostname
//! changes no probe of this hostname, nor its answer.

use gatewright::diff::behaviour::{self, PROBE_CAP};
use gatewright::routing::probes::{self, concrete_host};
use gatewright::routing::{Engine, Input};
use proptest::prelude::*;
use serde_json::{Value, json};

fn gateway(hostname: Option<&str>) -> Value {
    let mut listener = json!({"name": "http", "port": 80, "protocol": "HTTP",
                              "allowedRoutes": {"namespaces": {"from": "All"}}});
    if let Some(h) = hostname {
        listener["hostname"] = json!(h);
    }
    json!({"apiVersion": "gateway.networking.k8s.io/v1", "kind": "Gateway",
           "metadata": {"name": "web", "namespace": "infra"},
           "spec": {"gatewayClassName": "x", "listeners": [listener]}})
}

fn route(name: &str, hosts: &[&str], rules: Value) -> Value {
    json!({"apiVersion": "gateway.networking.k8s.io/v1", "kind": "HTTPRoute",
           "metadata": {"name": name, "namespace": "shop"},
           "spec": {"parentRefs": [{"name": "web", "namespace": "infra"}],
                    "hostnames": hosts, "rules": rules}})
}

fn rule(matches: Value, backend: &str) -> Value {
    json!({"matches": matches, "backendRefs": [{"name": backend, "port": 80}]})
}

/// A shop with a prefix, an exact path with a method, and a header match; a blog beside it.
fn site() -> Vec<Value> {
    vec![
        gateway(None),
        route(
            "shop",
            &["shop.example.com"],
            json!([
                rule(json!([{"path": {"type": "PathPrefix", "value": "/api/"}}]), "api"),
                rule(
                    json!([{"path": {"type": "Exact", "value": "/login"}, "method": "POST"}]),
                    "auth"
                ),
                rule(
                    json!([{"path": {"type": "PathPrefix", "value": "/beta"},
                            "headers": [{"name": "X-Env", "value": "canary"}]}]),
                    "beta"
                ),
                rule(json!([]), "front"),
            ]),
        ),
        route("blog", &["*.blog.example.com"], json!([rule(json!([]), "blog")])),
    ]
}

fn inputs(values: &[Value]) -> Vec<Input> {
    values.iter().cloned().map(Input::bare).collect()
}

fn labels(values: &[Value]) -> Vec<String> {
    probes::probes(&Engine::new(&inputs(values)))
        .into_iter()
        .map(|p| p.label)
        .collect()
}

#[test]
fn probes_cover_each_path_match_and_its_boundaries() {
    let got = labels(&site());
    let want = [
        // The prefix, with and without its trailing slash, and a sibling.
        "GET http://shop.example.com/api",
        "GET http://shop.example.com/api/",
        "GET http://shop.example.com/apix",
        // The exact path, its trailing-slash twin, and the method that just misses.
        "POST http://shop.example.com/login",
        "POST http://shop.example.com/login/",
        "GET http://shop.example.com/login",
        // The header match, and the header value that just misses.
        "GET http://shop.example.com/beta [x-env: canary]",
        "GET http://shop.example.com/beta [x-env: canary-miss]",
        "GET http://shop.example.com/",
        // A wildcard hostname gets a concrete host.
        "GET http://probe.blog.example.com/",
    ];
    for w in want {
        assert!(got.iter().any(|g| g == w), "no probe `{w}` in {got:#?}");
    }
    let mut sorted = got.clone();
    sorted.sort();
    sorted.dedup();
    assert_eq!(got, sorted, "probes are sorted, each once");
    assert_eq!(concrete_host(Some("*.Blog.example.com")), "probe.blog.example.com");
}

#[test]
fn a_change_that_reroutes_one_path_lists_exactly_that_request() {
    let base = site();
    let mut head = site();
    head[1]["spec"]["rules"][1]["backendRefs"][0]["name"] = json!("auth-v2");
    let b = behaviour::compare(&inputs(&base), &inputs(&head));
    let changed: Vec<(&str, &str, &str)> = b
        .changes
        .iter()
        .map(|c| (c.request.as_str(), c.before.as_str(), c.after.as_str()))
        .collect();
    assert_eq!(
        changed,
        [(
            "POST http://shop.example.com/login",
            "200 shop/auth:80",
            "200 shop/auth-v2:80"
        )]
    );
    assert_eq!(b.hosts, ["shop.example.com"]);
    assert!(
        b.map.contains("shop/auth-v2:80") && !b.map.contains("blog"),
        "{}",
        b.map
    );
}

#[test]
fn status_redirect_and_rewrite_changes_are_listed() {
    let base = site();
    let mut head = site();
    head[1]["spec"]["rules"][0]["filters"] = json!([{"type": "URLRewrite",
        "urlRewrite": {"path": {"type": "ReplacePrefixMatch", "replacePrefixMatch": "/v2"}}}]);
    head[1]["spec"]["rules"][2] = json!({"matches": [{"path": {"type": "PathPrefix", "value": "/beta"},
        "headers": [{"name": "X-Env", "value": "canary"}]}],
        "filters": [{"type": "RequestRedirect", "requestRedirect": {"hostname": "beta.example.com", "statusCode": 301}}]});
    let b = behaviour::compare(&inputs(&base), &inputs(&head));
    let find = |r: &str| b.changes.iter().find(|c| c.request == r).map(|c| c.after.clone());
    assert_eq!(find("GET http://shop.example.com/api/x"), None, "not a probe");
    assert_eq!(
        find("GET http://shop.example.com/api").as_deref(),
        Some("200 shop/api:80 as shop.example.com/v2")
    );
    let redirect = find("GET http://shop.example.com/beta [x-env: canary]").unwrap_or_default();
    assert!(
        redirect.starts_with("301 redirect to http://beta.example.com/beta"),
        "{redirect}"
    );
    assert_eq!(find("GET http://shop.example.com/beta [x-env: canary-miss]"), None);
}

#[test]
fn an_unchanged_spec_lists_none() {
    let same = behaviour::compare(&inputs(&site()), &inputs(&site()));
    assert!(same.changes.is_empty() && same.probes == 0, "{same:?}");
    // A renamed route with the same rules is probed, and answers as before.
    let mut head = site();
    head[2]["metadata"]["name"] = json!("blog-renamed");
    let renamed = behaviour::compare(&inputs(&site()), &inputs(&head));
    assert!(renamed.probes > 0, "{renamed:?}");
    assert!(renamed.changes.is_empty(), "{:?}", renamed.changes);
}

#[test]
fn probes_are_capped_and_the_cap_is_reported() {
    // Three probes a route, each route on its own host; a Gateway change touches every host.
    let mut base = vec![gateway(None)];
    for i in 0..PROBE_CAP / 3 + 10 {
        let r = rule(json!([{"path": {"type": "PathPrefix", "value": "/p"}}]), "a");
        base.push(route(&format!("r{i}"), &[&format!("h{i}.example.com")], json!([r])));
    }
    let mut head = base.clone();
    head[0]["metadata"]["labels"] = json!({"changed": "yes"});
    let b = behaviour::compare(&inputs(&base), &inputs(&head));
    assert_eq!(b.probes, PROBE_CAP);
    assert!(
        b.capped() && b.candidates > PROBE_CAP,
        "{} of {}",
        b.probes,
        b.candidates
    );
    assert_eq!(b.hosts, ["*"]);
}

const PATHS: [&str; 5] = ["/", "/a", "/a/b", "/b", "/a/"];

/// A route for `host`: rules of (path type, path value, method?) matches.
fn generated(name: &str, host: &str, rules: &[(usize, usize, bool)]) -> Value {
    let rules: Vec<Value> = rules
        .iter()
        .enumerate()
        .map(|(j, (kind, value, post))| {
            let kind = ["Exact", "PathPrefix"][*kind];
            let mut m = json!({"path": {"type": kind, "value": PATHS[*value]}});
            if *post {
                m["method"] = json!("POST");
            }
            rule(json!([m]), &format!("{name}-{j}"))
        })
        .collect();
    route(name, &[host], json!(rules))
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn a_route_for_another_hostname_changes_no_probe_of_this_one(
        mine in proptest::collection::vec((0..2usize, 0..5usize, any::<bool>()), 1..4),
        other in proptest::collection::vec((0..2usize, 0..5usize, any::<bool>()), 1..4),
        other_host in 0..2usize,
    ) {
        let host = "a.example.com";
        let before = vec![gateway(Some("*.example.com")), generated("mine", host, &mine)];
        let mut after = before.clone();
        after.push(generated("other", ["b.example.com", "c.example.com"][other_host], &other));
        let (be, ae) = (Engine::new(&inputs(&before)), Engine::new(&inputs(&after)));
        let of_host = |e: &Engine| -> Vec<(String, Value)> {
            probes::probes(e)
                .into_iter()
                .filter(|p| p.request.host == host)
                .map(|p| (p.label, e.route(&p.request).map(|o| o.to_json()).unwrap_or(Value::Null)))
                .collect()
        };
        let (b, a) = (of_host(&be), of_host(&ae));
        prop_assert!(!b.is_empty());
        prop_assert_eq!(b, a);
        let diff = behaviour::compare(&inputs(&before), &inputs(&after));
        prop_assert!(diff.changes.iter().all(|c| !c.request.contains(host)), "{:?}", diff.changes);
    }
}
