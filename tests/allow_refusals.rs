//! `allow:` for the deliberate refusals around ListenerSets: a set its
//! gateway does not admit (GW350), listener conflicts between a gateway and
//! a set (GW420, GW421), a route a listener does not admit (GW411), a
//! `sectionName` the parent lacks (GW315), a route hostname no listener of
//! its ListenerSet serves (GW410). Each is refused without `allow`, rendered
//! as written with it on the right owner, still refused with it on another;
//! and `import` writes the `allow` a manifest needs.

use crate::common::imports::import_texts;
use crate::common::{parse_stream, tree_objects};

use serde_json::{Value, json};

/// A gateway `public` (HTTP on port 80 for gw.example.com), app `shop` with
/// a ListenerSet, app `other` without one; `(from, to)` replacements first.
const SPEC: &str = "apiVersion: gatewright.dev/v1alpha1
kind: Site
gatewayApi: v1.6.1
gateways:
  public:
    profile: istio
    namespace: gateways
    createNamespace: true
    allowedListeners: { from: All }
    ALLOW_GATEWAY
    listeners:
      http: { protocol: HTTP, port: 80, hostname: gw.example.com, allowedRoutes: { from: All } }
apps:
  shop:
    gateway: public
    ALLOW_SHOP
    listeners:
      shop-http: { hostname: shop.example.com, protocol: HTTP, port: 80 }
    routes:
      web: { host: shop.example.com, to: web:80, listener: shop-http, ALLOW_WEB }
  other:
    gateway: public
    ALLOW_OTHER
    routes:
      api: { host: gw.example.com, to: api:80, listener: http, ALLOW_API }
";

/// Compile [`SPEC`] with the replacements (placeholders left are dropped).
fn compile(with: &[(&str, &str)]) -> gatewright::Outcome {
    let mut text = SPEC.to_string();
    for (from, to) in with {
        assert!(text.contains(from), "`{from}` is not in the spec");
        text = text.replacen(from, to, 1);
    }
    for p in ["ALLOW_GATEWAY", "ALLOW_SHOP", "ALLOW_OTHER"] {
        text = text.replace(&format!("    {p}\n"), "");
    }
    text = text.replace(", ALLOW_WEB", "").replace(", ALLOW_API", "");
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::write(dir.path().join("gatewright.yaml"), text).expect("write");
    gatewright::compile(&gatewright::Options {
        spec: dir.path().to_path_buf(),
        ..Default::default()
    })
}

fn codes(o: &gatewright::Outcome) -> Vec<String> {
    o.diagnostics
        .iter()
        .filter(|d| d.is_error())
        .map(|d| d.code.to_string())
        .collect()
}

/// The rendered object, or a panic naming the errors.
fn object(o: &gatewright::Outcome, kind: &str, name: &str) -> Value {
    let out = o
        .output
        .as_ref()
        .unwrap_or_else(|| panic!("not rendered: {:?}", codes(o)));
    tree_objects(out.tree().expect("a tree"))
        .into_iter()
        .map(|(_, v)| v)
        .find(|v| v["kind"] == kind && v["metadata"]["name"] == name)
        .unwrap_or_else(|| panic!("no {kind} {name}"))
}

/// Without allow: refused with `code`; with each of `wrong`: still refused
/// (GW343 where that place cannot allow it); with `right`: rendered.
fn check(
    case: &[(&str, &str)],
    code: &str,
    right: (&str, &str),
    wrong: &[((&str, &str), bool)],
) -> gatewright::Outcome {
    let refused = compile(case);
    assert!(
        codes(&refused).contains(&code.to_string()),
        "{code} expected: {:?}",
        codes(&refused)
    );
    assert!(refused.output.is_none());
    for (place, not_allowable) in wrong {
        let o = compile(&[case, &[*place]].concat());
        let found = codes(&o);
        // An entry its place cannot allow is GW343, which stops the run before analysis.
        let want = if *not_allowable { "GW343" } else { code };
        assert!(
            found.contains(&want.to_string()),
            "{place:?} let {code} through: {found:?}"
        );
        assert!(o.output.is_none(), "{place:?} rendered");
    }
    let allowed = compile(&[case, &[right]].concat());
    assert!(
        codes(&allowed).is_empty(),
        "{right:?} did not let {code} through: {:?}",
        codes(&allowed)
    );
    allowed
}

fn on(place: &'static str, code: &str) -> (&'static str, String) {
    let entry = match place {
        "ALLOW_WEB" | "ALLOW_API" => format!("allow: [{code}]"),
        _ => format!("allow: [{code}]\n    "),
    };
    (place, entry)
}

/// `check` with the owners named by placeholder.
fn check_on(
    case: &[(&str, &str)],
    code: &str,
    right: &'static str,
    wrong: &[(&'static str, bool)],
) -> gatewright::Outcome {
    let right = on(right, code);
    let wrong: Vec<((&str, String), bool)> = wrong.iter().map(|(p, n)| (on(p, code), *n)).collect();
    let wrong: Vec<((&str, &str), bool)> = wrong.iter().map(|((p, e), n)| ((*p, e.as_str()), *n)).collect();
    check(case, code, (right.0, &right.1), &wrong)
}

#[test]
fn gw350_a_listener_set_its_gateway_does_not_admit() {
    let case = [("allowedListeners: { from: All }", "allowedListeners: { from: Same }")];
    let wrong = [("ALLOW_GATEWAY", true), ("ALLOW_WEB", true), ("ALLOW_OTHER", false)];
    let o = check_on(&case, "GW350", "ALLOW_SHOP", &wrong);
    let set = object(&o, "ListenerSet", "shop");
    assert_eq!(set["spec"]["parentRef"]["name"], "public");
    assert_eq!(set["spec"]["listeners"][0]["hostname"], "shop.example.com");
    let gw = object(&o, "Gateway", "public");
    assert_eq!(gw["spec"]["allowedListeners"]["namespaces"]["from"], "Same");
}

#[test]
fn gw420_a_set_listener_repeating_a_gateway_listener() {
    let case = [
        (
            "shop-http: { hostname: shop.example.com",
            "shop-http: { hostname: gw.example.com",
        ),
        ("host: shop.example.com", "host: gw.example.com"),
    ];
    let wrong = [("ALLOW_GATEWAY", true), ("ALLOW_WEB", true), ("ALLOW_OTHER", false)];
    let o = check_on(&case, "GW420", "ALLOW_SHOP", &wrong);
    let set = object(&o, "ListenerSet", "shop");
    assert_eq!(
        set["spec"]["listeners"][0],
        json!({"name": "shop-http", "hostname": "gw.example.com", "port": 80, "protocol": "HTTP"})
    );
}

#[test]
fn gw420_between_two_sets_either_app_may_allow_it() {
    let second = "gateway: public\n    listeners:\n      other-http: { hostname: shop.example.com, protocol: HTTP, port: 80 }\n    routes:\n      api: { host: gw.example.com";
    let case = [(
        "gateway: public\n    ALLOW_OTHER\n    routes:\n      api: { host: gw.example.com",
        second,
    )];
    assert!(codes(&compile(&case)).contains(&"GW420".to_string()));
    for owner in ["shop:\n    gateway: public\n", "other:\n    gateway: public\n"] {
        let allowed = compile(&[case[0], (owner, &format!("{owner}    allow: [GW420]\n"))]);
        assert!(codes(&allowed).is_empty(), "{owner}: {:?}", codes(&allowed));
        object(&allowed, "ListenerSet", "other");
    }
}

#[test]
fn gw421_a_set_listener_of_another_protocol_family_on_a_gateway_port() {
    let case = [
        (
            "      shop-http: {",
            "      shop-tcp: { protocol: TCP, port: 80 }\n      shop-http: {",
        ),
        (
            "shop-http: { hostname: shop.example.com, protocol: HTTP, port: 80 }",
            "shop-http: { hostname: shop.example.com, protocol: HTTP, port: 8080 }",
        ),
    ];
    let wrong = [("ALLOW_GATEWAY", true), ("ALLOW_API", true), ("ALLOW_OTHER", false)];
    let o = check_on(&case, "GW421", "ALLOW_SHOP", &wrong);
    let set = object(&o, "ListenerSet", "shop");
    let listeners = set["spec"]["listeners"].as_array().expect("listeners");
    assert!(
        listeners.contains(&json!({"name": "shop-tcp", "port": 80, "protocol": "TCP"})),
        "{listeners:?}"
    );
}

#[test]
fn gw411_a_route_a_listener_set_does_not_admit() {
    let parent = "parentRefs: [{ kind: ListenerSet, name: shop, namespace: shop, sectionName: shop-http }], hostnames: [shop.example.com], rules: [{ backendRefs: [{ name: api, port: 80 }] }]";
    let case = [("host: gw.example.com, to: api:80, listener: http", parent)];
    let wrong = [("ALLOW_SHOP", false), ("ALLOW_WEB", false), ("ALLOW_GATEWAY", true)];
    let o = check_on(&case, "GW411", "ALLOW_API", &wrong);
    let route = object(&o, "HTTPRoute", "api");
    assert_eq!(
        route["spec"]["parentRefs"],
        json!([{"kind": "ListenerSet", "name": "shop", "namespace": "shop", "sectionName": "shop-http"}])
    );
    // The app of the route may allow it too.
    let by_app = compile(&[&case[..], &[("ALLOW_OTHER", "allow: [GW411]\n    ")]].concat());
    assert!(codes(&by_app).is_empty(), "{:?}", codes(&by_app));
}

#[test]
fn gw411_a_route_a_gateway_listener_does_not_admit() {
    let case = [("allowedRoutes: { from: All } }", "allowedRoutes: { from: Same } }")];
    let wrong = [("ALLOW_WEB", false), ("ALLOW_SHOP", false), ("ALLOW_GATEWAY", true)];
    let o = check_on(&case, "GW411", "ALLOW_API", &wrong);
    assert_eq!(
        object(&o, "HTTPRoute", "api")["spec"]["parentRefs"][0]["sectionName"],
        "http"
    );
}

#[test]
fn gw315_a_gateway_section_name_only_a_listener_set_has() {
    let parent = "parentRefs: [{ name: public, namespace: gateways, sectionName: shop-http }], hostnames: [gw.example.com], rules: [{ backendRefs: [{ name: api, port: 80 }] }]";
    let case = [("host: gw.example.com, to: api:80, listener: http", parent)];
    let wrong = [("ALLOW_WEB", false), ("ALLOW_SHOP", false), ("ALLOW_GATEWAY", true)];
    let o = check_on(&case, "GW315", "ALLOW_API", &wrong);
    let route = object(&o, "HTTPRoute", "api");
    assert_eq!(route["spec"]["parentRefs"][0]["sectionName"], "shop-http");
    assert_eq!(route["spec"]["parentRefs"][0]["name"], "public");
}

#[test]
fn gw315_a_listener_the_gateway_lacks_in_the_short_form_and_on_a_set() {
    let case = [("listener: http", "listener: nope")];
    let wrong = [("ALLOW_WEB", false), ("ALLOW_GATEWAY", true)];
    let o = check_on(&case, "GW315", "ALLOW_API", &wrong);
    assert_eq!(
        object(&o, "HTTPRoute", "api")["spec"]["parentRefs"][0]["sectionName"],
        "nope"
    );
    let parent = "parentRefs: [{ kind: ListenerSet, name: shop, namespace: shop, sectionName: nope }], hostnames: [shop.example.com], rules: [{ backendRefs: [{ name: web, port: 80 }] }]";
    let case = [("host: shop.example.com, to: web:80, listener: shop-http", parent)];
    let o = check_on(&case, "GW315", "ALLOW_WEB", &[("ALLOW_API", false)]);
    assert_eq!(
        object(&o, "HTTPRoute", "web")["spec"]["parentRefs"][0]["sectionName"],
        "nope"
    );
}

#[test]
fn gw410_a_hostname_no_listener_of_the_set_serves() {
    let case = [(
        "host: shop.example.com, to: web:80",
        "host: elsewhere.example.com, to: web:80",
    )];
    let wrong = [("ALLOW_API", false), ("ALLOW_GATEWAY", true)];
    let o = check_on(&case, "GW410", "ALLOW_WEB", &wrong);
    assert_eq!(
        object(&o, "HTTPRoute", "web")["spec"]["hostnames"],
        json!(["elsewhere.example.com"])
    );
}

const GATEWAY: &str = "apiVersion: gateway.networking.k8s.io/v1
kind: Gateway
metadata: {name: shared, namespace: infra}
spec:
  gatewayClassName: istio
  allowedListeners: {namespaces: {from: All}}
  listeners:
  - {name: http, port: 80, protocol: HTTP, hostname: gw.example.com, allowedRoutes: {namespaces: {from: All}}}
";

const TEAM: &str = "apiVersion: gateway.networking.k8s.io/v1
kind: ListenerSet
metadata: {name: store-listeners, namespace: store}
spec:
  parentRef: {name: shared, namespace: infra}
  listeners:
  - {name: web, port: 80, protocol: HTTP, hostname: store.example.com}
---
apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata: {name: front, namespace: ROUTE_NS}
spec:
  parentRefs: [PARENT]
  hostnames: [store.example.com]
  rules:
  - backendRefs: [{name: store-front, port: 80}]
";

const ON_SET: &str =
    "{group: gateway.networking.k8s.io, kind: ListenerSet, name: store-listeners, namespace: store, sectionName: web}";

/// Import the gateway and team manifests with the replacements; the spec
/// read back, and the render of it, which must succeed.
fn import(gateway: &[(&str, &str)], team: &[(&str, &str)]) -> (Value, crate::common::imports::Rendered) {
    let fill = |text: &str, with: &[(&str, &str)]| {
        with.iter().fold(text.to_string(), |t, (from, to)| {
            assert!(t.contains(from), "`{from}` is not in the manifest");
            t.replace(from, to)
        })
    };
    let gateway = fill(GATEWAY, gateway);
    let team = fill(TEAM, team).replace("ROUTE_NS", "store").replace("PARENT", ON_SET);
    let run = import_texts(&[("gateway.yaml", &gateway), ("team.yaml", &team)], &[]);
    assert!(run.with_code("GW901").is_empty(), "{:?}", run.diagnostics);
    let spec = parse_stream(&run.spec).into_iter().next().expect("spec");
    let rendered = run.render();
    assert_eq!(rendered.code, Some(0), "{:?}\n{}", rendered.errors(), run.spec);
    assert!(
        !run.with_code("GW914").is_empty(),
        "GW914 expected: {:?}",
        run.diagnostics
    );
    (spec, rendered)
}

#[test]
fn import_writes_the_allow_a_listener_set_needs() {
    let (spec, r) = import(
        &[(
            "allowedListeners: {namespaces: {from: All}}",
            "allowedListeners: {namespaces: {from: Same}}",
        )],
        &[],
    );
    assert_eq!(spec["apps"]["store"]["allow"], json!(["GW350"]), "{spec}");
    assert_eq!(
        r.object("Gateway", "infra", "shared")["spec"]["allowedListeners"]["namespaces"]["from"],
        "Same"
    );
    r.object("ListenerSet", "store", "store-listeners");

    let clash = [
        ("hostname: store.example.com}", "hostname: gw.example.com}"),
        ("hostnames: [store", "hostnames: [gw"),
    ];
    let (spec, r) = import(&[], &clash);
    assert_eq!(spec["apps"]["store"]["allow"], json!(["GW420"]), "{spec}");
    assert_eq!(
        r.object("ListenerSet", "store", "store-listeners")["spec"]["listeners"][0]["hostname"],
        "gw.example.com"
    );

    let tcp = [(
        "{name: web, port: 80, protocol: HTTP, hostname: store.example.com}",
        "{name: web, port: 8080, protocol: HTTP, hostname: store.example.com}\n  - {name: raw, port: 80, protocol: TCP}",
    )];
    let (spec, r) = import(&[], &tcp);
    assert_eq!(spec["apps"]["store"]["allow"], json!(["GW421"]), "{spec}");
    let set = r.object("ListenerSet", "store", "store-listeners");
    assert_eq!(set["spec"]["listeners"].as_array().map(Vec::len), Some(2));
}

#[test]
fn import_writes_the_allow_a_route_needs() {
    // A route of another namespace on a set listener that admits its own only.
    let (spec, r) = import(&[], &[("ROUTE_NS", "shop")]);
    let route = &spec["apps"]["shop"]["routes"]["front"];
    assert_eq!(route["allow"], json!(["GW411"]), "{spec}");
    assert_eq!(spec["apps"]["store"].get("allow"), None, "{spec}");
    assert_eq!(
        r.object("HTTPRoute", "shop", "front")["spec"]["parentRefs"][0]["kind"],
        "ListenerSet"
    );

    // A gateway parentRef naming a listener only the set has.
    let parent = "{name: shared, namespace: infra, sectionName: web}";
    let (spec, r) = import(&[], &[("PARENT", parent)]);
    assert_eq!(
        spec["apps"]["store"]["routes"]["front"]["allow"],
        json!(["GW315"]),
        "{spec}"
    );
    let parents = &r.object("HTTPRoute", "store", "front")["spec"]["parentRefs"];
    assert_eq!(parents[0]["name"], "shared");
    assert_eq!(parents[0]["sectionName"], "web");
}
