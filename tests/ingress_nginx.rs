//! Ingress-NGINX migration (issue 18, items 1 and 2): Ingresses with
//! `nginx.ingress.kubernetes.io/*` annotations imported and rendered as a
//! user runs the CLI, one case per annotation family; the fixtures are in
//! `tests/import/nginx/`.

use crate::common;
use crate::common::imports;

use imports::{Rendered, Run, import_texts};
use serde_json::{Value, json};

/// Import fixtures of `tests/import/nginx/` with `args`.
fn import_nginx(names: &[&str], args: &[&str]) -> Run {
    let dir = common::root().join("tests/import/nginx");
    let texts: Vec<(String, String)> = names
        .iter()
        .map(|n| {
            (
                n.to_string(),
                std::fs::read_to_string(dir.join(n)).expect("read fixture"),
            )
        })
        .collect();
    let files: Vec<(&str, &str)> = texts.iter().map(|(n, t)| (n.as_str(), t.as_str())).collect();
    import_texts(&files, args)
}

/// Import and render, which must succeed.
fn rendered(names: &[&str], args: &[&str]) -> (Run, Rendered) {
    let run = import_nginx(names, args);
    let r = run.render();
    assert_eq!(r.code, Some(0), "{:?}\n{}", r.errors(), run.spec);
    (run, r)
}

fn rules(r: &Rendered, kind: &str, ns: &str, name: &str) -> Vec<Value> {
    r.object(kind, ns, name)["spec"]["rules"]
        .as_array()
        .cloned()
        .unwrap_or_default()
}

fn lines(run: &Run, code: &str) -> Vec<u64> {
    run.with_code(code)
        .iter()
        .map(|d| d["line"].as_u64().unwrap_or(0))
        .collect()
}

#[test]
fn canary_by_header_cookie_and_weight_merges_into_the_main_route() {
    let (run, r) = rendered(&["canary.yaml"], &[]);
    assert!(!r.objects.keys().any(|(_, _, n)| n == "shop-canary"), "{}", run.spec);
    let rules = rules(&r, "HTTPRoute", "shop", "shop");
    assert_eq!(rules.len(), 3, "{rules:?}");
    assert_eq!(
        rules[0]["matches"][0]["headers"],
        json!([{"type": "Exact", "name": "X-Canary", "value": "always"}])
    );
    assert_eq!(rules[0]["backendRefs"][0]["name"], "shop-v2");
    assert_eq!(rules[1]["matches"][0]["headers"][0]["name"], "Cookie");
    assert_eq!(rules[1]["matches"][0]["headers"][0]["type"], "RegularExpression");
    assert_eq!(rules[1]["backendRefs"][0]["name"], "shop-v2");
    let weights: Vec<(Value, Value)> = rules[2]["backendRefs"]
        .as_array()
        .expect("backends")
        .iter()
        .map(|b| (b["name"].clone(), b["weight"].clone()))
        .collect();
    assert_eq!(weights, vec![(json!("shop"), json!(8)), (json!("shop-v2"), json!(2))]);
}

#[test]
fn a_canary_in_another_namespace_than_its_main_ingress_is_a_warning() {
    let text = std::fs::read_to_string(common::root().join("tests/import/nginx/canary.yaml")).expect("read");
    let moved = text.replacen(
        "name: shop-canary\n  namespace: shop",
        "name: shop-canary\n  namespace: other",
        1,
    );
    assert_ne!(moved, text);
    let run = import_texts(&[("canary.yaml", &moved)], &[]);
    assert_eq!(lines(&run, "GW943"), vec![36], "{:?}", run.diagnostics);
}

#[test]
fn canary_by_header_pattern_is_a_regular_expression_header_match() {
    let (_, r) = rendered(&["canary-pattern.yaml"], &[]);
    let rules = rules(&r, "HTTPRoute", "api", "api");
    assert_eq!(
        rules[0]["matches"][0]["headers"],
        json!([{"type": "RegularExpression", "name": "X-Region", "value": "eu-.*"}])
    );
    assert_eq!(rules[0]["backendRefs"][0]["name"], "api-eu");
    assert_eq!(rules[1]["backendRefs"], json!([{"name": "api", "port": 8080}]));
}

#[test]
fn canary_by_header_value_is_an_exact_header_match() {
    let base = std::fs::read_to_string(common::root().join("tests/import/nginx/canary-pattern.yaml")).expect("read");
    let text = base.replace("canary-by-header-pattern: \"eu-.*\"", "canary-by-header-value: eu-west");
    assert_ne!(text, base);
    let run = import_texts(&[("canary.yaml", &text)], &[]);
    let r = run.render();
    assert_eq!(r.code, Some(0), "{:?}", r.errors());
    assert_eq!(
        rules(&r, "HTTPRoute", "api", "api")[0]["matches"][0]["headers"],
        json!([{"type": "Exact", "name": "X-Region", "value": "eu-west"}])
    );
}

#[test]
fn rewrite_target_with_capture_groups_is_a_prefix_rewrite() {
    let (_, r) = rendered(&["rewrite.yaml"], &[]);
    let app = rules(&r, "HTTPRoute", "app", "app");
    assert_eq!(
        app[0]["matches"][0]["path"],
        json!({"type": "PathPrefix", "value": "/api"})
    );
    assert_eq!(
        app[0]["filters"][0]["urlRewrite"]["path"],
        json!({"type": "ReplacePrefixMatch", "replacePrefixMatch": "/"})
    );
    let legacy = rules(&r, "HTTPRoute", "app", "legacy");
    assert_eq!(
        legacy[0]["matches"][0]["path"],
        json!({"type": "RegularExpression", "value": "(?i)/home.*"})
    );
    assert_eq!(
        legacy[0]["filters"][0]["urlRewrite"]["path"],
        json!({"type": "ReplaceFullPath", "replaceFullPath": "/index.html"})
    );
}

#[test]
fn app_root_permanent_temporal_and_www_redirects() {
    let (run, r) = rendered(&["redirects.yaml"], &["--gateway-api", "v1.6.1"]);
    let root = rules(&r, "HTTPRoute", "web", "root");
    assert_eq!(root[0]["matches"][0]["path"], json!({"type": "Exact", "value": "/"}));
    assert_eq!(
        root[0]["filters"][0]["requestRedirect"],
        json!({"path": {"type": "ReplaceFullPath", "replaceFullPath": "/app1"}, "statusCode": 302})
    );
    let www = r.object("HTTPRoute", "web", "root-www");
    assert_eq!(www["spec"]["hostnames"], json!(["example.com"]));
    assert_eq!(
        www["spec"]["rules"][0]["filters"][0]["requestRedirect"],
        json!({"hostname": "www.example.com", "statusCode": 308})
    );
    let moved = rules(&r, "HTTPRoute", "web", "moved");
    assert_eq!(
        moved[0]["filters"][0]["requestRedirect"],
        json!({"scheme": "https", "hostname": "new.example.org",
               "path": {"type": "ReplaceFullPath", "replaceFullPath": "/landing"}, "statusCode": 308})
    );
    assert!(moved[0].get("backendRefs").is_none_or(|b| b == &json!([])), "{moved:?}");
    let away = rules(&r, "HTTPRoute", "web", "away");
    assert_eq!(away[0]["filters"][0]["requestRedirect"]["port"], 8080);
    assert_eq!(away[0]["filters"][0]["requestRedirect"]["statusCode"], 302);
    assert!(run.with_code("GW946").is_empty());
}

#[test]
fn a_redirect_status_the_target_lacks_is_a_located_warning() {
    let (run, r) = rendered(&["redirects.yaml"], &[]);
    let moved = rules(&r, "HTTPRoute", "web", "moved");
    assert_eq!(moved[0]["filters"][0]["requestRedirect"]["statusCode"], 301);
    assert!(lines(&run, "GW946").contains(&27), "{:?}", run.diagnostics);
}

#[test]
fn ssl_redirect_is_on_for_tls_hosts_and_off_when_asked() {
    let (run, r) = rendered(&["ssl-redirect.yaml"], &[]);
    let secure = r.object("HTTPRoute", "web", "secure");
    assert_eq!(
        secure["spec"]["parentRefs"][0]["sectionName"],
        "https-secure-example-com"
    );
    let http = r.object("HTTPRoute", "web", "secure-http");
    assert_eq!(http["spec"]["parentRefs"][0]["sectionName"], "default");
    assert_eq!(
        http["spec"]["rules"][0]["filters"][0]["requestRedirect"],
        json!({"scheme": "https", "statusCode": 301})
    );
    assert!(!r.objects.keys().any(|(_, _, n)| n == "both-http"));
    assert!(!run.with_code("GW946").is_empty());
    assert_eq!(lines(&run, "GW948"), vec![49], "{:?}", run.diagnostics);
    assert!(!r.objects.keys().any(|(_, _, n)| n == "plain-http"));
    let (_, r) = rendered(&["ssl-redirect.yaml"], &["--gateway-api", "v1.6.1"]);
    let http = r.object("HTTPRoute", "web", "secure-http");
    assert_eq!(
        http["spec"]["rules"][0]["filters"][0]["requestRedirect"]["statusCode"],
        308
    );
}

#[test]
fn upstream_vhost_forwarded_prefix_connection_and_custom_headers() {
    let (_, r) = rendered(&["headers.yaml"], &[]);
    let route = r.object("HTTPRoute", "web", "headers");
    assert_eq!(
        route["spec"]["hostnames"],
        json!(["headers.example.com", "h.example.com", "headers.example.org"])
    );
    let rule = &rules(&r, "HTTPRoute", "web", "headers")[0];
    let filters = rule["filters"].as_array().expect("filters");
    let find = |k: &str| filters.iter().find(|f| f.get(k).is_some()).map(|f| f[k].clone());
    assert_eq!(find("urlRewrite"), Some(json!({"hostname": "internal.example.local"})));
    assert_eq!(
        find("requestHeaderModifier"),
        Some(
            json!({"set": [{"name": "X-Forwarded-Prefix", "value": "/shop"}, {"name": "Connection", "value": "keep-alive"}]})
        )
    );
    assert_eq!(
        find("responseHeaderModifier"),
        Some(json!({"set": [{"name": "X-Frame-Options", "value": "DENY"}]}))
    );
}

#[test]
fn cors_is_the_cors_filter_on_v1_6_1_and_response_headers_before() {
    let (_, r) = rendered(&["cors.yaml"], &["--gateway-api", "v1.6.1"]);
    let rule = &rules(&r, "HTTPRoute", "api", "api")[0];
    let cors = &rule["filters"][0]["cors"];
    assert_eq!(cors["allowOrigins"], json!(["https://app.example.com"]));
    assert_eq!(cors["allowMethods"], json!(["GET", "POST"]));
    assert_eq!(cors["maxAge"], 600);
    assert_eq!(cors["allowCredentials"], false);
    assert_eq!(cors["allowHeaders"], json!(["Content-Type", "X-Token"]));
    assert_eq!(cors["exposeHeaders"], json!(["X-Total"]));
    let (run, r) = rendered(&["cors.yaml"], &[]);
    let rule = &rules(&r, "HTTPRoute", "api", "api")[0];
    let set = rule["filters"][0]["responseHeaderModifier"]["set"].clone();
    assert_eq!(
        set[0],
        json!({"name": "Access-Control-Allow-Origin", "value": "https://app.example.com"})
    );
    assert_eq!(lines(&run, "GW947"), vec![8]);
}

#[test]
fn backend_protocol_grpc_is_a_grpc_route() {
    let (_, r) = rendered(&["grpc.yaml"], &[]);
    assert!(!r.objects.keys().any(|(k, _, _)| k == "HTTPRoute"));
    let rules = rules(&r, "GRPCRoute", "grpc", "echo");
    assert_eq!(rules[0]["matches"][0]["method"]["service"], "echo.Echo");
    assert_eq!(rules[0]["backendRefs"][0]["name"], "echo");
    assert!(rules[1].get("matches").is_none(), "{rules:?}");
    assert_eq!(rules[1]["backendRefs"][0]["name"], "fallback");
    // Paths that are not `/SERVICE` (empty, not starting with `/`) are read without a panic.
    let text = std::fs::read_to_string(common::root().join("tests/import/nginx/grpc.yaml")).expect("read");
    let odd = text
        .replace("path: /echo.Echo", "path: \"\"")
        .replace("path: /\n", "path: é\n");
    assert_ne!(odd, text);
    let run = import_texts(&[("grpc.yaml", &odd)], &[]);
    assert!(run.spec.contains("grpcRoutes:"), "{}", run.spec);
}

#[test]
fn ingresses_of_one_host_are_one_virtual_host_of_the_imported_classes() {
    let (run, r) = rendered(&["hosts.yaml"], &[]);
    let shop = rules(&r, "HTTPRoute", "shop", "shop");
    // nginx's string prefix: the PathPrefix (ranked as nginx's longest prefix), then the rest.
    assert_eq!(
        shop[0]["matches"],
        json!([
            {"path": {"type": "PathPrefix", "value": "/shop"}},
            {"path": {"type": "RegularExpression", "value": "/shop.*"}}
        ])
    );
    assert_eq!(shop[1]["backendRefs"][0]["name"], "fallback");
    let blog = rules(&r, "HTTPRoute", "blog", "blog");
    assert_eq!(blog[0]["backendRefs"][0]["name"], "blog");
    assert!(!r.objects.keys().any(|(_, _, n)| n == "blog-again" || n == "traefik"));
    assert_eq!(lines(&run, "GW944"), vec![53]);
    assert_eq!(lines(&run, "GW942"), vec![64]);
    let run = import_nginx(&["hosts.yaml"], &["--ingress-class", "traefik"]);
    assert!(run.spec.contains("traefik:"), "{}", run.spec);
    assert!(!run.spec.contains("shop:"), "{}", run.spec);
}

#[test]
fn annotations_without_equivalent_are_warnings_at_their_line() {
    let (run, _) = rendered(&["advice.yaml"], &[]);
    assert_eq!(
        lines(&run, "GW940"),
        vec![8, 9, 10, 11, 12, 13],
        "{:?}",
        run.diagnostics
    );
    assert_eq!(lines(&run, "GW949"), vec![14]);
    assert!(run.with_code("GW902").is_empty());
    for d in run.with_code("GW940") {
        assert!(d["help"].as_str().is_some_and(|h| !h.is_empty()), "{d}");
    }
}

/// Rows of docs/ingress-nginx.md's annotation table: (annotation, test).
fn table() -> Vec<(String, String)> {
    let text = std::fs::read_to_string(common::root().join("docs/ingress-nginx.md")).expect("read docs");
    text.lines()
        .filter_map(|l| {
            let cells: Vec<&str> = l.split(" | ").collect();
            let name = cells.first()?.strip_prefix("| `")?.strip_suffix('`')?;
            let test = cells.last()?.strip_prefix('`')?.strip_suffix("` |")?;
            Some((name.to_string(), test.to_string()))
        })
        .collect()
}

#[test]
fn advised_annotations_are_warnings_at_their_line() {
    let advised: Vec<String> = table()
        .into_iter()
        .filter(|(_, t)| t == "advised_annotations_are_warnings_at_their_line")
        .map(|(a, _)| a)
        .collect();
    assert!(advised.len() > 20, "{advised:?}");
    let mut text = String::from(
        "apiVersion: networking.k8s.io/v1\nkind: Ingress\nmetadata:\n  name: tuned\n  namespace: web\n  annotations:\n",
    );
    for a in &advised {
        text.push_str(&format!("    nginx.ingress.kubernetes.io/{a}: \"x\"\n"));
    }
    text.push_str(
        "spec:\n  ingressClassName: nginx\n  defaultBackend:\n    service: {name: web, port: {number: 80}}\n",
    );
    let run = import_texts(&[("tuned.yaml", &text)], &[]);
    let expected: Vec<u64> = (7..7 + advised.len() as u64).collect();
    assert_eq!(lines(&run, "GW940"), expected, "{:?}", run.diagnostics);
}

/// Every annotation kubernetes-sigs/ingress2gateway's ingress-nginx provider
/// converts: `pkg/i2gw/providers/ingressnginx/README.md` (the version listing
/// the kgateway/agentgateway emitters; earlier versions at commits
/// a5b208ca3c31c32c0317d16745fa9643fd2ed364 and
/// 06a44eadc831002761ea87562b34bfa7be5a41fa list the canary ones and
/// `server-alias`) and `annotations.go` at commit
/// 35a9ffd9fa9efdc62da593cdcadf9e0061e24ecc (`x-forwarded-prefix`,
/// `upstream-vhost`, `connection-proxy-header`, `custom-headers`), plus the
/// redirect and source-range annotations of its `redirect.go`,
/// `app_root.go` and `iprange.go`. The upstream repository is not in the
/// shared data, hence the copy.
const INGRESS2GATEWAY: &[&str] = &[
    "canary",
    "canary-by-header",
    "canary-by-header-value",
    "canary-by-header-pattern",
    "canary-weight",
    "canary-weight-total",
    "server-alias",
    "client-body-buffer-size",
    "proxy-body-size",
    "enable-cors",
    "cors-allow-origin",
    "cors-allow-credentials",
    "cors-allow-headers",
    "cors-expose-headers",
    "cors-allow-methods",
    "cors-max-age",
    "limit-rps",
    "limit-rpm",
    "limit-burst-multiplier",
    "proxy-send-timeout",
    "proxy-read-timeout",
    "auth-url",
    "auth-response-headers",
    "auth-type",
    "auth-secret",
    "auth-secret-type",
    "backend-protocol",
    "proxy-connect-timeout",
    "load-balance",
    "service-upstream",
    "proxy-ssl-secret",
    "proxy-ssl-verify",
    "proxy-ssl-name",
    "proxy-ssl-server-name",
    "enable-access-log",
    "affinity",
    "session-cookie-name",
    "session-cookie-path",
    "session-cookie-domain",
    "session-cookie-samesite",
    "session-cookie-expires",
    "session-cookie-max-age",
    "session-cookie-secure",
    "ssl-redirect",
    "force-ssl-redirect",
    "ssl-passthrough",
    "use-regex",
    "rewrite-target",
    "x-forwarded-prefix",
    "upstream-vhost",
    "connection-proxy-header",
    "custom-headers",
    "app-root",
    "permanent-redirect",
    "permanent-redirect-code",
    "temporal-redirect",
    "from-to-www-redirect",
    "whitelist-source-range",
    "denylist-source-range",
];

#[test]
fn the_docs_table_covers_every_ingress2gateway_annotation_with_an_existing_test() {
    let table = table();
    let source = std::fs::read_to_string(common::root().join("tests/ingress_nginx.rs")).expect("read tests");
    for a in INGRESS2GATEWAY {
        let row = table.iter().find(|(name, _)| name == a);
        let (_, test) = row.unwrap_or_else(|| panic!("docs/ingress-nginx.md has no row for `{a}`"));
        assert!(source.contains(&format!("fn {test}()")), "`{a}`: no test `{test}`");
    }
    for (name, test) in &table {
        assert!(source.contains(&format!("fn {test}()")), "`{name}`: no test `{test}`");
    }
}
