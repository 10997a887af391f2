//! Several ListenerSets per app (`apps.<a>.listenerSets.<set>`): each renders
//! as its own ListenerSet; a route's `listener` names `<set>/<listener>` or a
//! listener only one set has (GW354 when several have it, GW315 with "did you
//! mean" for an unknown set or listener); listener conflicts between two
//! sets name both; set names are unique per namespace (GW353) and valid
//! (GW401); the version gate (GW425); `import` of several sets of a namespace.

use crate::common;

use common::imports::import_texts;
use common::tree_objects;
use gatewright::diagnostic::Diagnostic;
use serde_json::{Value, json};

const PLATFORM: &str = "apiVersion: gatewright.dev/v1alpha1
kind: Site
gatewayApi: v1.6.1
gateways:
  public:
    profile: istio
    namespace: gateways
    createNamespace: true
    allowedListeners: { from: All }
    listeners:
      http: { protocol: HTTP, port: 80, allowedRoutes: { from: All } }
  internal:
    profile: istio
    namespace: gateways
    allowedListeners: { from: All }
    listeners:
      http: { protocol: HTTP, port: 8080, allowedRoutes: { from: All } }
";

/// The shop team's file: two sets on two gateways, routes naming a
/// listener of each (`set/listener` and a bare name only one set has).
const SHOP: &str = "apiVersion: gatewright.dev/v1alpha1
kind: Site
team: shop
apps:
  shop:
    listenerSets:
      shop-public:
        gateway: public
        labels: { tier: web }
        listeners:
          https: { hostname: shop.example.com, protocol: HTTPS, port: 443, tls: { certificates: [shop-tls] } }
      shop-partners:
        gateway: internal
        annotations: { cert-manager.io/cluster-issuer: internal-ca }
        listeners:
          https: { hostname: partners.shop.example.com, protocol: HTTPS, port: 8443, tls: { certificates: [partners-tls] } }
          partner-api: { hostname: api.partners.shop.example.com, protocol: HTTPS, port: 8443, tls: { certificates: [partners-tls] } }
    routes:
      web: { host: shop.example.com, to: web:80, listener: LISTENER }
      api: { host: api.partners.shop.example.com, to: api:80, listener: partner-api }
";

/// Platform and shop files, `LISTENER` and the `with` replacements made in the shop file, compiled.
fn compile(listener: &str, with: &[(&str, &str)]) -> gatewright::Outcome {
    let mut shop = SHOP.replace("LISTENER", listener);
    for (k, v) in with {
        assert!(shop.contains(k), "`{k}` is not in the file");
        shop = shop.replace(k, v);
    }
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::write(dir.path().join("platform.yaml"), PLATFORM).expect("write");
    std::fs::write(dir.path().join("shop.yaml"), shop).expect("write");
    gatewright::compile(&gatewright::Options {
        spec: dir.path().to_path_buf(),
        ..Default::default()
    })
}

fn codes(o: &gatewright::Outcome) -> Vec<String> {
    o.diagnostics
        .iter()
        .map(|d| format!("{}: {}", d.code, d.message))
        .collect()
}

fn objects(o: &gatewright::Outcome, kind: &str) -> Vec<Value> {
    let out = o.output.as_ref().unwrap_or_else(|| panic!("no output: {:?}", codes(o)));
    tree_objects(out.tree().expect("a tree"))
        .into_iter()
        .map(|(_, v)| v)
        .filter(|v| v["kind"] == kind)
        .collect()
}

fn object(o: &gatewright::Outcome, kind: &str, name: &str) -> Value {
    objects(o, kind)
        .into_iter()
        .find(|v| v["metadata"]["name"] == name)
        .unwrap_or_else(|| panic!("no {kind} {name}"))
}

/// The one finding of `code`, with `file:line` of where it is.
fn finding<'o>(o: &'o gatewright::Outcome, code: &str) -> (&'o Diagnostic, String) {
    let found: Vec<&Diagnostic> = o.diagnostics.iter().filter(|d| d.code.as_str() == code).collect();
    assert_eq!(found.len(), 1, "one {code}: {:?}", codes(o));
    let loc = found[0].loc.as_ref().expect("located");
    let name = o.sources.name(loc.file).to_string();
    let file = name.rsplit('/').next().unwrap_or_default().to_string();
    (found[0], format!("{file}:{}", loc.line))
}

#[test]
fn two_sets_of_one_app_render_two_listenersets_and_routes_attach_to_each() {
    let o = compile("shop-public/https", &[]);
    assert!(o.diagnostics.is_empty(), "{:?}", codes(&o));
    assert_eq!(objects(&o, "ListenerSet").len(), 2);
    let public = object(&o, "ListenerSet", "shop-public");
    assert_eq!(public["metadata"]["namespace"], "shop");
    assert_eq!(public["metadata"]["labels"], json!({"tier": "web"}));
    assert_eq!(
        public["spec"]["parentRef"],
        json!({"kind": "Gateway", "name": "public", "namespace": "gateways"})
    );
    assert_eq!(public["spec"]["listeners"][0]["port"], 443);
    let partners = object(&o, "ListenerSet", "shop-partners");
    assert_eq!(partners["spec"]["parentRef"]["name"], "internal");
    assert_eq!(
        partners["metadata"]["annotations"],
        json!({"cert-manager.io/cluster-issuer": "internal-ca"})
    );
    let names: Vec<&Value> = partners["spec"]["listeners"]
        .as_array()
        .expect("listeners")
        .iter()
        .map(|l| &l["name"])
        .collect();
    assert_eq!(names, [&json!("https"), &json!("partner-api")]);
    let parent = |route: &str| object(&o, "HTTPRoute", route)["spec"]["parentRefs"].clone();
    assert_eq!(
        parent("web"),
        json!([{"kind": "ListenerSet", "name": "shop-public", "sectionName": "https"}])
    );
    assert_eq!(
        parent("api"),
        json!([{"kind": "ListenerSet", "name": "shop-partners", "sectionName": "partner-api"}])
    );
}

#[test]
fn a_listener_of_two_sets_is_ambiguous_and_names_the_choices() {
    // Both sets have `https`; a route's `gateway` limits a bare name to the sets on it.
    let o = compile("https", &[]);
    let (d, at) = finding(&o, "GW354");
    assert_eq!(at, "shop.yaml:19", "at the route's `listener`");
    assert!(d.message.contains("`shop-partners` and `shop-public`"), "{}", d.message);
    let help = d.help.as_deref().unwrap_or_default();
    assert!(help.contains("`shop-partners/https` or `shop-public/https`"), "{help}");
    let o = compile("https", &[("web: { host", "web: { gateway: internal, host")]);
    assert!(!codes(&o).iter().any(|c| c.starts_with("GW354")), "{:?}", codes(&o));
}

#[test]
fn an_unknown_set_or_set_listener_is_gw315_with_did_you_mean() {
    let o = compile("shop-pubic/https", &[]);
    let (d, at) = finding(&o, "GW315");
    assert_eq!(at, "shop.yaml:19");
    assert!(d.message.contains("no ListenerSet `shop-pubic`"), "{}", d.message);
    assert_eq!(d.help.as_deref(), Some("did you mean `shop-public/https`?"));
    let o = compile("shop-public/htps", &[]);
    let (d, _) = finding(&o, "GW315");
    assert!(
        d.message.contains("ListenerSet `shop-public` has no listener `htps`"),
        "{}",
        d.message
    );
    assert_eq!(d.help.as_deref(), Some("did you mean `shop-public/https`?"));
    // A bare name that neither a set nor the route's gateway has suggests a set's listener.
    let o = compile("partner-apy", &[("web: { host", "web: { gateway: internal, host")]);
    let (d, _) = finding(&o, "GW315");
    assert_eq!(d.help.as_deref(), Some("did you mean `partner-api`?"));
    // A set on another gateway than the route's.
    let o = compile(
        "shop-public/https",
        &[("web: { host", "web: { gateway: internal, host")],
    );
    let (d, _) = finding(&o, "GW315");
    assert!(d.message.contains("attaches to gateway `public`"), "{}", d.message);
}

#[test]
fn a_conflict_between_two_sets_of_one_gateway_names_both() {
    let o = compile(
        "shop-public/https",
        &[
            ("gateway: internal", "gateway: public"),
            (
                "port: 8443, tls: { certificates: [partners-tls] } }\n          partner-api",
                "port: 443, tls: { certificates: [partners-tls] } }\n          partner-api",
            ),
        ],
    );
    // `shop-partners/partner-api` on 8443 is fine; `shop-partners/https` repeats nothing either
    // (another hostname): no conflict yet.
    assert!(!codes(&o).iter().any(|c| c.starts_with("GW420")), "{:?}", codes(&o));
    let o = compile(
        "shop-public/https",
        &[
            ("gateway: internal", "gateway: public"),
            (
                "partners.shop.example.com, protocol: HTTPS, port: 8443",
                "shop.example.com, protocol: HTTPS, port: 443",
            ),
        ],
    );
    let (d, at) = finding(&o, "GW420");
    assert_eq!(at, "shop.yaml:11", "at the later set's listener");
    assert!(d.message.contains("ListenerSet `shop/shop-public`"), "{}", d.message);
    assert!(d.message.contains("ListenerSet `shop/shop-partners`"), "{}", d.message);
    assert!(
        d.related.iter().any(|(_, m)| m.contains("shop.yaml:16:")),
        "the other set's listener: {:?}",
        d.related
    );
    // Plain HTTP on a port one set serves HTTPS on: GW421, both named.
    let o = compile(
        "shop-public/https",
        &[
            ("gateway: internal", "gateway: public"),
            (
                "partners.shop.example.com, protocol: HTTPS, port: 8443, tls: { certificates: [partners-tls] }",
                "partners.shop.example.com, protocol: HTTP, port: 443",
            ),
        ],
    );
    let (d, _) = finding(&o, "GW421");
    assert!(
        d.message.contains("shop/shop-partners") && d.message.contains("shop/shop-public"),
        "{}",
        d.message
    );
}

#[test]
fn set_names_are_unique_per_namespace_and_valid() {
    let short = "    listeners:\n      extra: { hostname: extra.example.com, protocol: HTTPS, port: 443, tls: { certificates: [x-tls] } }\n    listenerSet: { name: shop-public, gateway: public }\n    listenerSets:\n";
    let o = compile("shop-public/https", &[("    listenerSets:\n", short)]);
    let (d, at) = finding(&o, "GW353");
    assert_eq!(at, "shop.yaml:10", "at the `listenerSets` entry");
    assert!(d.message.contains("ListenerSet `shop-public` twice"), "{}", d.message);
    assert!(!d.related.is_empty(), "points at the app's `listeners`");
    let o = compile("Shop_Public/https", &[("shop-public:", "Shop_Public:")]);
    let (d, at) = finding(&o, "GW401");
    assert_eq!(at, "shop.yaml:7");
    assert!(d.message.contains("`Shop_Public`"), "{}", d.message);
    let o = compile(
        "shop-public/https",
        &[(
            "    routes:\n",
            "      empty: { gateway: public, listeners: {} }\n    routes:\n",
        )],
    );
    let (d, at) = finding(&o, "GW351");
    assert_eq!(at, "shop.yaml:18");
    assert!(d.message.contains("ListenerSet `empty`"), "{}", d.message);
}

#[test]
fn several_sets_need_gateway_api_v1_6_1() {
    let dir = tempfile::tempdir().expect("tempdir");
    let platform = PLATFORM
        .replace("gatewayApi: v1.6.1", "gatewayApi: v1.3.0")
        .replace("    allowedListeners: { from: All }\n", "");
    std::fs::write(dir.path().join("platform.yaml"), platform).expect("write");
    std::fs::write(
        dir.path().join("shop.yaml"),
        SHOP.replace("LISTENER", "shop-public/https"),
    )
    .expect("write");
    let o = gatewright::compile(&gatewright::Options {
        spec: dir.path().to_path_buf(),
        ..Default::default()
    });
    let mut gated: Vec<String> = o
        .diagnostics
        .iter()
        .filter(|d| d.code.as_str() == "GW425")
        .filter_map(|d| d.spec_path.clone())
        .collect();
    gated.sort();
    assert_eq!(
        gated,
        [
            "/apps/shop/listenerSets/shop-partners",
            "/apps/shop/listenerSets/shop-public"
        ],
        "{:?}",
        codes(&o)
    );
}

const GATEWAY: &str = "apiVersion: gateway.networking.k8s.io/v1
kind: Gateway
metadata: {name: shared, namespace: infra}
spec:
  gatewayClassName: istio
  allowedListeners: {namespaces: {from: All}}
  listeners:
  - {name: http, port: 80, protocol: HTTP}
";

const SETS: &str = "apiVersion: gateway.networking.k8s.io/v1
kind: ListenerSet
metadata: {name: store-public, namespace: store, labels: {team: store}}
spec:
  parentRef: {name: shared, namespace: infra}
  listeners:
  - {name: web, hostname: store.example.com, port: 443, protocol: HTTPS, tls: {certificateRefs: [{name: store-tls}]}}
  - {name: admin, hostname: admin.store.example.com, port: 443, protocol: HTTPS, tls: {certificateRefs: [{name: store-tls}]}}
---
apiVersion: gateway.networking.k8s.io/v1
kind: ListenerSet
metadata: {name: store-partners, namespace: store}
spec:
  parentRef: {name: shared, namespace: infra}
  listeners:
  - {name: web, hostname: partners.store.example.com, port: 443, protocol: HTTPS, tls: {certificateRefs: [{name: partners-tls}]}}
---
apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata: {name: front, namespace: store}
spec:
  parentRefs: [{kind: ListenerSet, name: store-partners, sectionName: web}]
  hostnames: [partners.store.example.com]
  rules: [{backendRefs: [{name: front, port: 80}]}]
---
apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata: {name: admin, namespace: store}
spec:
  parentRefs: [{kind: ListenerSet, name: store-public, sectionName: admin}]
  hostnames: [admin.store.example.com]
  rules: [{backendRefs: [{name: admin, port: 80}]}]
---
apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata: {name: both, namespace: store}
spec:
  parentRefs:
  - {kind: ListenerSet, name: store-public, sectionName: web}
  - {kind: ListenerSet, name: store-partners}
  rules: [{backendRefs: [{name: both, port: 80}]}]
";

#[test]
fn every_listener_set_of_a_namespace_imports_and_renders_back() {
    let run = import_texts(&[("gateway.yaml", GATEWAY), ("sets.yaml", SETS)], &[]);
    assert!(run.with_code("GW901").is_empty(), "{:?}", run.diagnostics);
    let spec: Value = serde_yaml::from_str(&run.spec).expect("spec");
    let app = &spec["apps"]["store"];
    let sets = app["listenerSets"].as_object().expect("listenerSets");
    assert_eq!(sets.keys().collect::<Vec<_>>(), ["store-partners", "store-public"]);
    assert!(
        app.get("listeners").is_none() && app.get("listenerSet").is_none(),
        "{app}"
    );
    // `web` is in both sets, `admin` in one.
    assert_eq!(app["routes"]["front"]["listener"], "store-partners/web");
    assert_eq!(app["routes"]["admin"]["listener"], "admin");
    assert!(app["routes"]["both"]["parentRefs"].is_array(), "{app}");
    let r = run.render();
    assert_eq!(r.code, Some(0), "{:?}", r.errors());
    let public = r.object("ListenerSet", "store", "store-public");
    assert_eq!(public["metadata"]["labels"], json!({"team": "store"}));
    assert_eq!(public["spec"]["listeners"].as_array().map(Vec::len), Some(2));
    let partners = r.object("ListenerSet", "store", "store-partners");
    assert_eq!(partners["spec"]["parentRef"]["name"], "shared");
    // The API's default group is left out or not, as the blueprint writes it.
    let parents = |name: &str| {
        let mut refs = r.object("HTTPRoute", "store", name)["spec"]["parentRefs"].clone();
        for p in refs.as_array_mut().into_iter().flatten() {
            if p["group"] == "gateway.networking.k8s.io" {
                p.as_object_mut().map(|o| o.remove("group"));
            }
        }
        refs
    };
    let set_ref = |set: &str, section: &str| json!({"kind": "ListenerSet", "name": set, "sectionName": section});
    assert_eq!(parents("front"), json!([set_ref("store-partners", "web")]));
    assert_eq!(parents("admin"), json!([set_ref("store-public", "admin")]));
    assert_eq!(
        parents("both"),
        json!([set_ref("store-public", "web"), {"kind": "ListenerSet", "name": "store-partners"}])
    );
}
