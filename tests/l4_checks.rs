//! Analysis of TLS, TCP and UDP routes and of routes on ListenerSet
//! listeners: wrong-namespace and foreign parents (GW412, GW414) for every
//! route kind, conflicts on a ListenerSet's listener (GW361, GW430) named in
//! both files, TLS/TCP/UDP routes that name a team listener, and
//! certificates of any kind in another namespace (ReferenceGrant or GW317).

use serde_json::Value;

use crate::common::spec_run::{findings, render_files, stdout_objects};

const PLATFORM: &str = include_str!("l4_checks/platform.yaml");

/// A team file: app `shop` owns one listener of each protocol (a ListenerSet)
/// and attaches one route of each kind to them by `listener:`.
const SHOP: &str = include_str!("l4_checks/shop.yaml");

#[test]
fn tls_tcp_and_udp_routes_attach_to_the_team_listener_they_name() {
    let (code, out, err) = render_files(&[("platform.yaml", PLATFORM), ("shop.yaml", SHOP)]);
    assert_eq!(code, Some(0), "{err}");
    let sets = stdout_objects(&out, "ListenerSet");
    assert_eq!(sets.len(), 1, "{out}");
    let names: Vec<&str> = sets[0]["spec"]["listeners"]
        .as_array()
        .expect("listeners")
        .iter()
        .filter_map(|l| l["name"].as_str())
        .collect();
    for (kind, route) in [
        ("TCPRoute", "pg"),
        ("UDPRoute", "resolver"),
        ("TLSRoute", "secure"),
        ("HTTPRoute", "front"),
    ] {
        let routes = stdout_objects(&out, kind);
        let r = routes
            .iter()
            .find(|r| r["metadata"]["name"] == route)
            .unwrap_or_else(|| panic!("no {kind} {route}"));
        let parent = &r["spec"]["parentRefs"][0];
        assert_eq!(parent["kind"], "ListenerSet", "{kind} {route}: {parent}");
        assert_eq!(parent["name"], sets[0]["metadata"]["name"], "{kind} {route}");
        let section = parent["sectionName"].as_str().expect("sectionName");
        assert!(
            names.contains(&section),
            "{kind} {route}: sectionName `{section}` is none of the set's listeners {names:?}"
        );
    }
}

/// A second app whose routes of every kind take the same listeners of
/// `shop`'s ListenerSet (by long-form parentRefs), with the same hostnames.
const CACHE: &str = include_str!("l4_checks/cache.yaml");

#[test]
fn two_routes_on_one_listenerset_listener_conflict_naming_both_files() {
    let cache = CACHE
        .replace("HOST", "db.shop.example.com")
        .replace("WEB", "shop.example.com");
    let (code, _, err) = render_files(&[("platform.yaml", PLATFORM), ("shop.yaml", SHOP), ("cache.yaml", &cache)]);
    assert_eq!(code, Some(1), "{err}");
    let l4 = findings(&err, "GW361");
    for (kind, listener) in [("TCPRoutes", "db"), ("UDPRoutes", "dns"), ("TLSRoutes", "sni")] {
        let f = l4
            .iter()
            .find(|f| f.contains(kind))
            .unwrap_or_else(|| panic!("no GW361 for {kind}: {err}"));
        assert!(
            f.contains(&format!("listener `{listener}` of ListenerSet `shop/shop`")),
            "{f}"
        );
        assert!(f.contains("shop.yaml:") && f.contains("cache.yaml:"), "both files: {f}");
    }
    assert!(
        l4.iter().any(|f| f.contains("SNI hostname `db.shop.example.com`")),
        "{err}"
    );
    let http = findings(&err, "GW430");
    assert_eq!(http.len(), 1, "{err}");
    assert!(
        http[0].contains("on listener `web` of ListenerSet `shop/shop`")
            && http[0].contains("shop.yaml:")
            && http[0].contains("cache.yaml:"),
        "{}",
        http[0]
    );
}

#[test]
fn routes_with_other_hostnames_share_a_listenerset_listener() {
    let cache = CACHE
        .replace("HOST", "cache.shop.example.com")
        .replace("WEB", "shop.example.com")
        .replace(
            "sectionName: web }], to: front:80",
            "sectionName: web }], path: /cache, to: front:80",
        );
    let (_, _, err) = render_files(&[("platform.yaml", PLATFORM), ("shop.yaml", SHOP), ("cache.yaml", &cache)]);
    let l4 = findings(&err, "GW361");
    // TCP and UDP listeners take one route each: the Gateway API serves the
    // oldest (conformance `tcproute-multiple-routes-attachment`), so a second is a conflict.
    assert_eq!(l4.len(), 2, "{err}");
    assert!(l4.iter().all(|f| !f.contains("TLSRoutes")), "{err}");
    assert!(findings(&err, "GW430").is_empty(), "{err}");
}

#[test]
fn a_tls_route_claims_only_the_hostnames_its_listener_accepts() {
    let spec = format!(
        "{PLATFORM}      b: {{ hostname: '*.b.example.com', protocol: TLS, port: 8443, tls: {{ mode: Passthrough }}, allowedRoutes: {{ from: All }} }}
apps:
  db:
    gateway: edge
    tlsRoutes:
      rx: {{ hostnames: [a.example.com, x.b.example.com], listener: b, to: pg:5432 }}
      ry: {{ hostnames: [a.example.com, y.b.example.com], listener: b, to: pg:5432 }}
      rz: {{ host: x.b.example.com, listener: b, to: pg:5432 }}
"
    );
    let (_, _, err) = render_files(&[("spec.yaml", &spec)]);
    let l4 = findings(&err, "GW361");
    // Listener `b` never serves a.example.com: only x.b.example.com is claimed twice.
    assert_eq!(l4.len(), 1, "{err}");
    assert!(
        l4[0].contains("`db/rx` and `db/rz`") && l4[0].contains("SNI hostname `x.b.example.com`"),
        "{}",
        l4[0]
    );
}

#[test]
fn every_route_kind_gets_gw412_and_gw414_for_its_parents() {
    let mut spec = PLATFORM.to_string();
    spec.push_str("apps:\n  db:\n");
    for (field, route, extra) in [
        ("tlsRoutes", "sni", "host: db.example.com, "),
        ("tcpRoutes", "pg", ""),
        ("udpRoutes", "dns", ""),
        ("grpcRoutes", "api", "host: api.example.com, "),
    ] {
        spec.push_str(&format!(
            "    {field}:\n      {route}: {{ {extra}parentRefs: [{{ name: edge, namespace: wrong }}], to: svc:53 }}\n      {route}-2: {{ {extra}parentRefs: [{{ name: shared, namespace: infra }}], to: svc:53 }}\n"
        ));
    }
    let (code, _, err) = render_files(&[("spec.yaml", &spec)]);
    assert_eq!(code, Some(1), "{err}");
    let wrong = findings(&err, "GW412");
    let foreign = findings(&err, "GW414");
    for (kind, field, route) in [
        ("TLSRoute", "tlsRoutes", "sni"),
        ("TCPRoute", "tcpRoutes", "pg"),
        ("UDPRoute", "udpRoutes", "dns"),
        ("GRPCRoute", "grpcRoutes", "api"),
    ] {
        let f = wrong
            .iter()
            .find(|f| f.contains(&format!("{kind} `db/{route}`")))
            .unwrap_or_else(|| panic!("no GW412 for the {kind}: {err}"));
        assert!(f.contains("gateway `wrong/edge`, which does not exist"), "{f}");
        assert!(f.contains(&format!("at apps.db.{field}.{route}.parentRefs.0")), "{f}");
        assert!(f.contains("is in namespace `gateways`"), "{f}");
        let f = foreign
            .iter()
            .find(|f| f.contains(&format!("{kind} `db/{route}-2`")))
            .unwrap_or_else(|| panic!("no GW414 for the {kind}: {err}"));
        assert!(f.starts_with("warning[GW414]") && f.contains("`infra/shared`"), "{f}");
    }
}

#[test]
fn a_route_naming_a_listenerset_in_the_wrong_namespace_is_gw412() {
    let cache = CACHE
        .replace("HOST", "cache.shop.example.com")
        .replace("WEB", "cache.example.com")
        .replace("namespace: shop, sectionName: db", "namespace: cache, sectionName: db");
    let (code, _, err) = render_files(&[("platform.yaml", PLATFORM), ("shop.yaml", SHOP), ("cache.yaml", &cache)]);
    assert_eq!(code, Some(1), "{err}");
    let wrong = findings(&err, "GW412");
    assert_eq!(wrong.len(), 1, "{err}");
    assert!(
        wrong[0].contains("TCPRoute `cache/redis` refers to ListenerSet `cache/shop`")
            && wrong[0].contains("ListenerSet `shop` is in namespace `shop`"),
        "{}",
        wrong[0]
    );
}

#[test]
fn a_tcp_route_on_a_team_listener_of_another_protocol_attaches_nowhere() {
    let shop = SHOP.replace("pg: { listener: db,", "pg: { listener: web,");
    let (code, _, err) = render_files(&[("platform.yaml", PLATFORM), ("shop.yaml", &shop)]);
    assert_eq!(code, Some(1), "{err}");
    let f = findings(&err, "GW360");
    assert_eq!(f.len(), 1, "{err}");
    assert!(
        f[0].contains(
            "TCPRoute `pg` attaches to no listener of ListenerSet `shop/shop`: listener `web` is HTTPS, not TCP"
        ),
        "{}",
        f[0]
    );
}

/// Certificates of other kinds than Secret, in a namespace the spec owns
/// (`certs`) and in namespaces it does not own, on a Gateway listener, a
/// ListenerSet listener and the Gateway's `tls` (a kind `allow: [GW370]` lets through).
const CERTS: &str = include_str!("l4_checks/certs.yaml");

fn grant<'a>(grants: &'a [Value], from_kind: &str, to_kind: &str) -> &'a Value {
    grants
        .iter()
        .find(|g| g["spec"]["from"][0]["kind"] == from_kind && g["spec"]["to"][0]["kind"] == to_kind)
        .unwrap_or_else(|| panic!("no ReferenceGrant from {from_kind} to {to_kind}: {grants:?}"))
}

#[test]
fn certificates_of_any_kind_in_another_namespace_get_a_grant_or_a_warning() {
    let (code, out, err) = render_files(&[("spec.yaml", CERTS)]);
    assert_eq!(code, Some(0), "{err}");
    let grants = stdout_objects(&out, "ReferenceGrant");
    let g = grant(&grants, "Gateway", "Certificate");
    assert_eq!(g["metadata"]["namespace"], "certs");
    assert_eq!(
        g["spec"]["to"],
        serde_json::json!([{"group": "example.com", "kind": "Certificate", "name": "edge-cert"}])
    );
    let g = grant(&grants, "Gateway", "Secret");
    assert_eq!(
        g["spec"]["to"],
        serde_json::json!([{"group": "", "kind": "Secret", "name": "edge-tls"}])
    );
    let g = grant(&grants, "ListenerSet", "ConfigMap");
    assert_eq!(g["metadata"]["namespace"], "certs");
    assert_eq!(g["spec"]["from"][0]["namespace"], "shop");
    assert_eq!(
        g["spec"]["to"],
        serde_json::json!([{"group": "", "kind": "ConfigMap", "name": "shop-cert"}])
    );
    let g = grant(&grants, "Gateway", "TrustBundle");
    assert_eq!(
        g["spec"]["to"],
        serde_json::json!([{"group": "example.com", "kind": "TrustBundle", "name": "clients"}])
    );
    let mut names: Vec<&str> = grants.iter().filter_map(|g| g["metadata"]["name"].as_str()).collect();
    let count = names.len();
    names.sort();
    names.dedup();
    assert_eq!(names.len(), count, "grant names repeat: {names:?}");
    // The ListenerSet renders each reference with its own kind.
    let set = &stdout_objects(&out, "ListenerSet")[0];
    let refs = &set["spec"]["listeners"][0]["tls"]["certificateRefs"];
    assert_eq!(refs[0]["kind"], "ConfigMap", "{refs}");
    assert_eq!(refs[1]["kind"], "ConfigMap", "{refs}");
    let unowned = findings(&err, "GW317");
    assert_eq!(unowned.len(), 2, "{err}");
    assert!(
        unowned
            .iter()
            .any(|f| f.contains("`elsewhere/far-cert`") && f.contains("to Certificate (example.com) `far-cert`")),
        "{err}"
    );
    assert!(
        unowned
            .iter()
            .any(|f| f.contains("`nowhere/odd`") && f.contains("ListenerSets in `shop` to ConfigMap `odd`")),
        "{err}"
    );
    let tls = findings(&err, "GW372");
    assert_eq!(tls.len(), 1, "{err}");
    assert!(tls[0].contains("TrustBundle (example.com) `faraway/far`"), "{}", tls[0]);
}

#[test]
fn two_grpc_routes_claiming_one_method_on_one_listener_conflict() {
    let spec = format!(
        "{PLATFORM}apps:
  a:
    gateway: edge
    grpcRoutes:
      api:
        host: api.example.com
        rules:
        - matches: [{{ method: {{ service: shop.Cart, method: Add }} }}]
          backendRefs: [{{ name: cart, port: 50051 }}]
        - matches: [{{ method: {{ service: shop.Cart, method: List }} }}]
          backendRefs: [{{ name: cart, port: 50051 }}]
  b:
    gateway: edge
    grpcRoutes:
      api:
        host: api.example.com
        rules:
        - matches: [{{ method: {{ service: shop.Cart, method: Add }} }}]
          backendRefs: [{{ name: cart2, port: 50051 }}]
      other:
        host: api.example.com
        rules:
        - matches: [{{ method: {{ service: shop.Cart, method: Remove }} }}]
          backendRefs: [{{ name: cart2, port: 50051 }}]
"
    );
    let (code, _, err) = render_files(&[("spec.yaml", &spec)]);
    assert_eq!(code, Some(1), "{err}");
    let f = findings(&err, "GW430");
    assert_eq!(f.len(), 1, "{err}");
    assert!(
        f[0].contains("gRPC routes `a/api` and `b/api` both claim `api.example.com` method `shop.Cart/Add` on listener `http` of gateway `edge`")
            && f[0].contains("at apps.b.grpcRoutes.api.rules.0.matches.0"),
        "{}",
        f[0]
    );
}

#[test]
fn tcp_routes_are_admitted_by_a_selector_listener_gatewright_labels() {
    let spec = include_str!("l4_checks/selector.yaml");
    let (code, out, err) = render_files(&[("spec.yaml", spec)]);
    assert_eq!(code, Some(0), "{err}");
    let db = stdout_objects(&out, "Namespace")
        .into_iter()
        .find(|n| n["metadata"]["name"] == "db")
        .expect("namespace db");
    assert_eq!(db["metadata"]["labels"]["gatewright.dev/gateway-edge"], "true", "{db}");
}

#[test]
fn a_grpc_route_on_a_team_listener_is_checked_as_an_http_route() {
    let shop = SHOP.replace(
        "    routes:\n",
        "    grpcRoutes:\n      api: { host: api.other.example.com, listener: web, to: api:50051 }\n      gone: { host: shop.example.com, parentRefs: [{ kind: ListenerSet, name: shop, sectionName: nope }], to: api:50051 }\n    routes:\n",
    );
    let (code, _, err) = render_files(&[("platform.yaml", PLATFORM), ("shop.yaml", &shop)]);
    assert_eq!(code, Some(1), "{err}");
    let host = findings(&err, "GW410");
    assert_eq!(host.len(), 1, "{err}");
    assert!(
        host[0].contains("hostname `api.other.example.com` matches no listener of ListenerSet `shop/shop`")
            && host[0].contains("at apps.shop.grpcRoutes.api.host"),
        "{}",
        host[0]
    );
    let unknown = findings(&err, "GW315");
    assert_eq!(unknown.len(), 1, "{err}");
    assert!(
        unknown[0].contains("ListenerSet `shop/shop` has no listener `nope`"),
        "{}",
        unknown[0]
    );
}
