//! HTTP and gRPC routes on listeners that do not take their kind (GW363: a
//! TLS, TCP or UDP listener, or `allowedRoutes.kinds` without the kind), of
//! a gateway or of a ListenerSet; and gRPC routes checked for attachment
//! (hostname GW410, namespace GW411) as HTTP routes are.

use crate::common::spec_run::render_files;

const PLATFORM: &str = "apiVersion: gatewright.dev/v1alpha1
kind: Site
gatewayApi: v1.6.1
gateways:
  edge:
    profile: istio
    namespace: gateways
    createNamespace: true
    allowedListeners: { from: All }
    listeners:
      http: { hostname: '*.example.com', protocol: HTTP, port: 80, allowedRoutes: { from: All } }
      grpc-only: { hostname: '*.example.com', protocol: HTTP, port: 8080, allowedRoutes: { from: All, kinds: [{ kind: GRPCRoute }] } }
      pg: { protocol: TCP, port: 5432, allowedRoutes: { from: All } }
      same: { hostname: '*.example.com', protocol: HTTP, port: 81, allowedRoutes: { from: Same } }
";

/// Exit code and stderr of `gatewright render . --stdout` over a spec of
/// the platform above and `apps` (the text under `apps:`).
fn render(apps: &str) -> (Option<i32>, String) {
    let (code, _, stderr) = render_files(&[("gatewright.yaml", &format!("{PLATFORM}apps:\n{apps}"))]);
    (code, stderr)
}

fn assert_finding(apps: &str, code: &str, says: &str) {
    let (status, stderr) = render(apps);
    assert_eq!(status, Some(1), "{stderr}");
    assert!(
        stderr.contains(&format!("error[{code}]")) && stderr.contains(says),
        "want {code} saying {says:?}:\n{stderr}"
    );
}

#[test]
fn an_http_route_on_a_tcp_listener_is_gw363() {
    let apps = "  shop: { routes: { web: { host: shop.example.com, to: web:80, listener: pg } } }\n";
    assert_finding(
        apps,
        "GW363",
        "HTTPRoute `shop/web` attaches to no listener of gateway `edge` that takes HTTPRoutes: `pg` is TCP",
    );
}

#[test]
fn a_grpc_route_on_a_tcp_listener_is_gw363() {
    let apps = "  shop: { grpcRoutes: { api: { host: api.example.com, to: api:9090, listener: pg } } }\n";
    assert_finding(
        apps,
        "GW363",
        "GRPCRoute `shop/api` attaches to no listener of gateway `edge`",
    );
}

#[test]
fn an_http_route_on_a_listener_whose_kinds_leave_it_out_is_gw363() {
    let apps = "  shop: { routes: { web: { host: shop.example.com, to: web:80, listener: grpc-only } } }\n";
    assert_finding(
        apps,
        "GW363",
        "`grpc-only` does not admit HTTPRoutes (`allowedRoutes.kinds`)",
    );
    // The kind it names is taken.
    let grpc = "  shop: { grpcRoutes: { api: { host: api.example.com, to: api:9090, listener: grpc-only } } }\n";
    let (status, stderr) = render(grpc);
    assert_eq!(status, Some(0), "{stderr}");
}

#[test]
fn an_http_route_on_a_team_tcp_listener_is_gw363() {
    let apps = "  shop:
    listeners: { db: { protocol: TCP, port: 6000 } }
    routes: { web: { host: shop.example.com, to: web:80, listener: db } }
";
    assert_finding(
        apps,
        "GW363",
        "of ListenerSet `shop/shop` that takes HTTPRoutes: `db` is TCP",
    );
}

#[test]
fn allow_gw363_on_the_route_lets_it_through_and_nowhere_else() {
    let on_route =
        "  shop: { routes: { web: { host: shop.example.com, to: web:80, listener: pg, allow: [GW363] } } }\n";
    let (status, stderr) = render(on_route);
    assert_eq!(status, Some(0), "{stderr}");
    let on_other = "  shop:
    routes:
      web: { host: shop.example.com, to: web:80, listener: pg }
      ok: { host: ok.example.com, to: web:80, listener: http, allow: [GW363] }
";
    assert_finding(on_other, "GW363", "HTTPRoute `shop/web`");
}

#[test]
fn a_route_on_one_listener_of_several_that_takes_it_is_fine() {
    // Without `listener:` the route attaches to every listener of the gateway; the HTTP one takes it.
    let apps = "  shop: { routes: { web: { host: shop.example.com, to: web:80 } } }\n";
    let (status, stderr) = render(apps);
    assert_eq!(status, Some(0), "{stderr}");
    assert!(!stderr.contains("GW363"), "{stderr}");
}

#[test]
fn a_grpc_route_is_checked_for_hostname_and_namespace_as_an_http_route() {
    let host = "  shop: { grpcRoutes: { api: { host: api.other.org, to: api:9090, listener: http } } }\n";
    assert_finding(
        host,
        "GW410",
        "hostname `api.other.org` matches no listener of gateway `edge`",
    );
    let namespace = "  shop: { grpcRoutes: { api: { host: api.example.com, to: api:9090, listener: same } } }\n";
    assert_finding(
        namespace,
        "GW411",
        "gateway `edge` does not admit routes from namespace `shop`",
    );
}

#[test]
fn an_http_and_a_grpc_route_sharing_a_hostname_on_one_listener_is_gw364() {
    let apps = "  shop:
    routes: { web: { host: shop.example.com, to: web:80, listener: http } }
    grpcRoutes: { api: { host: shop.example.com, to: api:9090, listener: http } }
";
    assert_finding(
        apps,
        "GW364",
        "HTTPRoute `shop/web` and GRPCRoute `shop/api` both take `shop.example.com` on listener `http` of gateway `edge`",
    );
    // A wildcard hostname intersects too, across apps.
    let wide = "  shop: { routes: { web: { host: '*.example.com', to: web:80, listener: http } } }
  rpc: { grpcRoutes: { api: { host: api.example.com, to: api:9090, listener: http } } }
";
    assert_finding(
        wide,
        "GW364",
        "HTTPRoute `shop/web` and GRPCRoute `rpc/api` both take `api.example.com`",
    );
}

#[test]
fn http_and_grpc_routes_on_other_hostnames_or_listeners_or_allowed_are_fine() {
    for apps in [
        // Other hostnames on one listener.
        "  shop:
    routes: { web: { host: shop.example.com, to: web:80, listener: http } }
    grpcRoutes: { api: { host: api.example.com, to: api:9090, listener: http } }
",
        // One hostname on two listeners.
        "  shop:
    routes: { web: { host: shop.example.com, to: web:80, listener: http } }
    grpcRoutes: { api: { host: shop.example.com, to: api:9090, listener: grpc-only } }
",
        // Allowed on the gRPC route.
        "  shop:
    routes: { web: { host: shop.example.com, to: web:80, listener: http } }
    grpcRoutes: { api: { host: shop.example.com, to: api:9090, listener: http, allow: [GW364] } }
",
    ] {
        let (status, stderr) = render(apps);
        assert_eq!(status, Some(0), "{apps}\n{stderr}");
        assert!(!stderr.contains("GW364"), "{stderr}");
    }
}

#[test]
fn a_grpc_route_name_hostname_and_backend_are_checked_as_an_http_routes() {
    let apps = "  shop:
    grpcRoutes:
      Api_X:
        hostnames: [api.example.com, Bad_Host]
        rules: [{ backendRefs: [{ name: Api_Svc, port: 9090 }] }]
";
    assert_finding(apps, "GW401", "route name `Api_X` is not a valid name");
    assert_finding(apps, "GW402", "`Bad_Host` is not a valid hostname");
    assert_finding(apps, "GW401", "`Api_Svc` is not a valid name");
}

#[test]
fn a_single_hostname_of_the_long_form_is_located_at_hostnames_not_host() {
    // The long form writes no `host`: the finding points at the hostname itself.
    let apps = "  shop:
    routes:
      one:
        hostnames: [c.other.org]
        rules: [{ backendRefs: [{ name: web, port: 80 }] }]
    grpcRoutes:
      two:
        hostnames: [Bad_Host.example.com]
        rules: [{ backendRefs: [{ name: api, port: 9090 }] }]
";
    let (status, stderr) = render(apps);
    assert_eq!(status, Some(1), "{stderr}");
    for want in [
        "at apps.shop.routes.one.hostnames.0",
        "at apps.shop.grpcRoutes.two.hostnames.0",
    ] {
        assert!(stderr.contains(want), "want {want}:\n{stderr}");
    }
    assert!(!stderr.contains(".host\n") && !stderr.contains(".host "), "{stderr}");
    // The short form's `host` is still where its hostname is reported.
    let short = "  shop: { routes: { web: { host: c.other.org, to: web:80 } } }\n";
    let (_, stderr) = render(short);
    assert!(stderr.contains("at apps.shop.routes.web.host"), "{stderr}");
}
