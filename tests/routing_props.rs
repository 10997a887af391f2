//! Properties of the routing engine over generated route sets and requests:
//! document order changes an answer only through the documented tie-breaker
//! (route age, document order standing in for it); a route for another
//! hostname never changes an answer for this one; and tracing a spec answers
//! exactly as tracing the tree it renders to.

use crate::common;

use std::path::Path;

use gatewright::routing::{Engine, Input, Outcome, Request};
use proptest::prelude::*;
use serde_json::{Value, json};

const HOSTS: [&str; 3] = ["x.example.com", "y.example.com", "z.example.com"];
const PATHS: [&str; 7] = ["/", "/a", "/a/", "/a/b", "/ab", "/b/c", "/a/b?v=1"];

/// One generated match: path (type, value), method, headers, query.
type MatchGen = ((usize, usize), Option<bool>, Vec<usize>, bool);

fn match_strategy() -> impl Strategy<Value = MatchGen> {
    (
        (0..3usize, 0..5usize),
        proptest::option::of(any::<bool>()),
        proptest::sample::subsequence(vec![0usize, 1], 0..=2),
        any::<bool>(),
    )
}

/// A route: namespace, hostnames, rules (each a list of matches).
type RouteGen = (usize, Vec<usize>, Vec<Vec<MatchGen>>);

fn route_strategy() -> impl Strategy<Value = RouteGen> {
    (
        0..2usize,
        proptest::sample::subsequence(vec![0usize, 1, 2], 0..=2),
        proptest::collection::vec(proptest::collection::vec(match_strategy(), 0..3), 1..3),
    )
}

fn match_json(m: &MatchGen) -> Value {
    let ((kind, value), method, headers, query) = m;
    let kind = ["Exact", "PathPrefix", "RegularExpression"][*kind];
    let value = if kind == "RegularExpression" {
        ["/a.*", "/.*b", "/", "/a/b", "/b.*"][*value]
    } else {
        ["/", "/a", "/a/b", "/b", "/a/"][*value]
    };
    let mut m = json!({"path": {"type": kind, "value": value}});
    if let Some(post) = method {
        m["method"] = json!(if *post { "POST" } else { "GET" });
    }
    let pool = [("x-env", "canary"), ("x-team", "a")];
    m["headers"] = headers
        .iter()
        .map(|h| json!({"name": pool[*h].0, "value": pool[*h].1}))
        .collect();
    if *query {
        m["queryParams"] = json!([{"name": "v", "value": "1"}]);
    }
    m
}

fn route_json(i: usize, r: &RouteGen, created: Option<usize>) -> Value {
    let (ns, hosts, rules) = r;
    let hostnames: Vec<&str> = hosts
        .iter()
        .map(|h| ["x.example.com", "*.example.com", "y.example.com"][*h])
        .collect();
    let rules: Vec<Value> = rules
        .iter()
        .enumerate()
        .map(|(j, matches)| {
            json!({"matches": matches.iter().map(match_json).collect::<Vec<_>>(),
                   "backendRefs": [{"name": format!("svc-{i}-{j}"), "port": 80}]})
        })
        .collect();
    let namespace = ["a", "b"][*ns];
    let mut metadata = json!({"name": format!("r{i}"), "namespace": namespace});
    if let Some(t) = created {
        metadata["creationTimestamp"] = json!(format!("2024-01-01T00:{:02}:00Z", t));
    }
    json!({"apiVersion": "gateway.networking.k8s.io/v1", "kind": "HTTPRoute", "metadata": metadata,
           "spec": {"parentRefs": [{"name": "gw", "namespace": "infra"}], "hostnames": hostnames, "rules": rules}})
}

fn gateway() -> Value {
    json!({"apiVersion": "gateway.networking.k8s.io/v1", "kind": "Gateway",
           "metadata": {"name": "gw", "namespace": "infra"},
           "spec": {"listeners": [{"name": "http", "port": 80, "protocol": "HTTP",
                                   "allowedRoutes": {"namespaces": {"from": "All"}}}]}})
}

/// Every request of the pools: each host, path, method and header set.
fn requests() -> Vec<Request> {
    let mut out = Vec::new();
    for host in HOSTS {
        for path in PATHS {
            for (method, headers) in [
                ("GET", vec![]),
                ("POST", vec![("x-env", "canary")]),
                ("GET", vec![("x-env", "canary"), ("x-team", "a")]),
            ] {
                let mut r = Request::get(&format!("http://{host}{path}")).expect("url");
                r.method = method.into();
                r.headers = headers.iter().map(|(n, v)| (n.to_string(), v.to_string())).collect();
                out.push(r);
            }
        }
    }
    out
}

fn answers(objects: &[Value]) -> Vec<Outcome> {
    let inputs: Vec<Input> = objects.iter().cloned().map(Input::bare).collect();
    let engine = Engine::new(&inputs);
    requests()
        .iter()
        .map(|r| engine.route(r).expect("one gateway"))
        .collect()
}

fn winner(o: &Outcome) -> Option<(String, String, usize)> {
    Some((
        o.route.as_ref()?.namespace.clone(),
        o.route.as_ref()?.name.clone(),
        o.rule?,
    ))
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(96))]

    #[test]
    fn with_creation_times_document_order_never_matters(
        routes in proptest::collection::vec(route_strategy(), 1..6),
        order in Just((0..6usize).collect::<Vec<_>>()).prop_shuffle(),
        times in Just((0..6usize).collect::<Vec<_>>()).prop_shuffle(),
    ) {
        let objects: Vec<Value> = routes.iter().enumerate().map(|(i, r)| route_json(i, r, Some(times[i]))).collect();
        let mut shuffled: Vec<Value> = order.iter().filter_map(|i| objects.get(*i).cloned()).collect();
        shuffled.push(gateway());
        let mut original = objects.clone();
        original.insert(0, gateway());
        prop_assert_eq!(answers(&original), answers(&shuffled));
    }

    #[test]
    fn without_creation_times_order_decides_only_ties_of_age(
        routes in proptest::collection::vec(route_strategy(), 1..6),
        order in Just((0..6usize).collect::<Vec<_>>()).prop_shuffle(),
    ) {
        let objects: Vec<Value> = routes.iter().enumerate().map(|(i, r)| route_json(i, r, None)).collect();
        let mut shuffled: Vec<Value> = order.iter().filter_map(|i| objects.get(*i).cloned()).collect();
        shuffled.push(gateway());
        let mut original = objects.clone();
        original.push(gateway());
        for (a, b) in answers(&original).iter().zip(answers(&shuffled)) {
            if winner(a) == winner(&b) {
                continue;
            }
            let (ns, name, rule) = winner(&b).expect("a winner after shuffling");
            let lost = a.losers.iter().find(|l| l.route.namespace == ns && l.route.name == name && l.rule == rule);
            prop_assert!(
                lost.is_some_and(|l| l.why.contains("route age")),
                "{ns}/{name} rule {rule} wins after shuffling, but lost on {:?}", lost.map(|l| &l.why)
            );
        }
    }

    #[test]
    fn a_route_for_another_hostname_changes_no_answer(
        routes in proptest::collection::vec(route_strategy(), 0..6),
        other in route_strategy(),
        at in 0..7usize,
    ) {
        let mut objects: Vec<Value> = routes.iter().enumerate().map(|(i, r)| route_json(i, r, None)).collect();
        objects.push(gateway());
        let before = answers(&objects);
        let mut added = route_json(99, &other, None);
        added["spec"]["hostnames"] = json!(["www.other.test", "*.another.test"]);
        objects.insert(at.min(objects.len()), added);
        prop_assert_eq!(before, answers(&objects));
    }
}

/// Write a rendered tree's files under `dir`.
fn write_tree(tree: &gatewright::emit::Tree, dir: &Path) {
    for (path, text) in &tree.files {
        let file = dir.join(path);
        std::fs::create_dir_all(file.parent().expect("parent")).expect("mkdir");
        std::fs::write(&file, text).expect("write");
    }
}

/// The JSON answers to every request over the hosts `probe` names, traced from the spec and from its rendered tree.
fn spec_and_tree(spec: &Path, env: Option<&str>, hosts: &[String]) -> (Vec<Value>, Vec<Value>) {
    let options = gatewright::Options {
        spec: spec.to_path_buf(),
        env: env.map(str::to_string),
        ..Default::default()
    };
    let from_spec = gatewright::trace::load(&[spec.to_path_buf()], &options);
    assert!(!from_spec.has_errors(), "{}: {:?}", spec.display(), from_spec.reports);
    let tree = common::render_with(gatewright::Options {
        overlay: env.map(|e| spec.join("overlays").join(format!("{e}.yaml"))),
        ..options.clone()
    });
    let dir = tempfile::tempdir().expect("tempdir");
    write_tree(&tree, dir.path());
    let from_tree = gatewright::trace::load(&[dir.path().to_path_buf()], &gatewright::Options::default());
    assert!(!from_tree.has_errors(), "{:?}", from_tree.reports);
    let (a, b) = (Engine::new(&from_spec.inputs), Engine::new(&from_tree.inputs));
    let mut left = Vec::new();
    let mut right = Vec::new();
    for host in hosts {
        for path in ["/", "/p0", "/p0/x", "/p1", "/p10", "/admin"] {
            for scheme in ["http", "https"] {
                let req = Request::get(&format!("{scheme}://{host}{path}")).expect("url");
                left.push(
                    a.route(&req)
                        .map(|o| o.to_json())
                        .unwrap_or_else(|e| json!(format!("{e:?}"))),
                );
                right.push(
                    b.route(&req)
                        .map(|o| o.to_json())
                        .unwrap_or_else(|e| json!(format!("{e:?}"))),
                );
            }
        }
    }
    (left, right)
}

/// Every hostname a set of traced objects names (routes and listeners), plus one no route names.
fn hosts_of(spec: &Path, env: Option<&str>) -> Vec<String> {
    let options = gatewright::Options {
        spec: spec.to_path_buf(),
        env: env.map(str::to_string),
        ..Default::default()
    };
    let loaded = gatewright::trace::load(&[spec.to_path_buf()], &options);
    let mut hosts = vec!["unknown.invalid".to_string()];
    for i in &loaded.inputs {
        for h in i
            .value
            .pointer("/spec/hostnames")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
        {
            hosts.extend(h.as_str().map(|h| h.replace('*', "any")));
        }
    }
    hosts.sort();
    hosts.dedup();
    hosts
}

#[test]
fn every_example_traces_alike_from_its_spec_and_its_tree() {
    let (mut compared, mut served) = (0, 0);
    for example in common::examples() {
        for target in gatewright::driver::plan(&example, None, None).expect("plan") {
            let env = target.env.as_deref();
            let hosts = hosts_of(&example, env);
            let (spec, tree) = spec_and_tree(&example, env, &hosts);
            assert_eq!(spec, tree, "{} {env:?}", example.display());
            served += spec.iter().filter(|v| v["status"] == 200).count();
            compared += spec.len();
        }
    }
    assert!(
        compared > 100 && served > 10,
        "only {compared} requests compared, {served} served by a backend"
    );
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(12))]

    #[test]
    fn a_generated_spec_traces_alike_from_its_spec_and_its_tree(
        routes in proptest::collection::btree_map((0..3usize, 0..3usize), (0..3usize, Just(())), 1..6),
    ) {
        let mut text = String::from(common::PETS.split("    routes:\n").next().unwrap_or_default());
        text.push_str("    routes:\n");
        for (i, ((h, p), (svc, ()))) in routes.iter().enumerate() {
            let path = ["/", "/p0", "/p1"][*p];
            text.push_str(&format!("      r{i}: {{ host: h{h}.aks.rocks, path: {path}, to: svc{svc}:80 }}\n"));
        }
        let dir = tempfile::tempdir().expect("tempdir");
        let spec = dir.path().join("site.yaml");
        std::fs::write(&spec, &text).expect("spec");
        let hosts: Vec<String> = (0..4).map(|h| format!("h{h}.aks.rocks")).collect();
        let (a, b) = spec_and_tree(&spec, None, &hosts);
        prop_assert!(a.iter().any(|v| v["status"] == 200));
        prop_assert_eq!(a, b);
    }
}

#[test]
fn the_readme_shows_the_trace_the_binary_prints() {
    let out = std::fs::read_to_string(common::root().join("tests/cmd/trace-readme.stdout")).expect("trycmd case");
    for doc in ["README.md", "docs/trace.md"] {
        let text = std::fs::read_to_string(common::root().join(doc)).expect(doc);
        assert!(
            text.contains(&format!(
                "$ gatewright trace examples/aks-store --env dev http://store.aks.rocks/\n{out}```"
            )),
            "{doc} does not show the trace the binary prints"
        );
    }
    assert!(out.contains("backend   pets/store-front:80"));
}
