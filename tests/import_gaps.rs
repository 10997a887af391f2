//! The import gaps of issue 18 (items 5 to 14): manifests that public
//! repositories hold, imported and rendered as a user runs the CLI; the
//! fixtures are in `tests/import/gaps/`.

use crate::common;
use crate::common::imports;

use imports::{import_fixtures, import_texts, render_dir};
use serde_json::Value;

fn line_of(d: &Value) -> u64 {
    d["line"].as_u64().unwrap_or(0)
}

#[test]
fn labels_and_annotations_of_gateways_and_routes_are_carried_over() {
    let run = import_fixtures(&["metadata.yaml"], &[]);
    let r = run.render();
    assert_eq!(r.code, Some(0), "{:?}", r.errors());
    let gw = &r.object("Gateway", "infra", "web")["metadata"];
    assert_eq!(gw["annotations"]["cert-manager.io/cluster-issuer"], "letsencrypt");
    assert_eq!(
        gw["annotations"]["external-dns.alpha.kubernetes.io/hostname"],
        "shop.example.com"
    );
    assert_eq!(gw["labels"]["team"], "platform");
    let route = &r.object("HTTPRoute", "shop", "shop")["metadata"];
    assert_eq!(route["annotations"]["konghq.com/plugins"], "rate-limit");
    assert_eq!(route["labels"]["app"], "shop");
    let grpc = &r.object("GRPCRoute", "shop", "echo")["metadata"];
    assert_eq!(grpc["annotations"]["retry.linkerd.io/http"], "5xx");
}

#[test]
fn an_invalid_route_label_is_a_located_error() {
    let spec = "apiVersion: gatewright.dev/v1alpha1\nkind: Site\ngateways:\n  gw:\n    profile: istio\n    listeners:\n      http: {protocol: HTTP, port: 80}\napps:\n  shop:\n    routes:\n      front:\n        to: front:80\n        labels:\n          \"-bad\": x\n";
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::write(dir.path().join("gatewright.yaml"), spec).expect("write");
    let r = render_dir(dir.path());
    assert_eq!(r.code, Some(1));
    let d = r.diagnostics.iter().find(|d| d["code"] == "GW404").expect("GW404");
    assert_eq!(line_of(d), 14, "{d}");
}

#[test]
fn backends_of_other_kinds_are_carried_and_not_checked_as_services() {
    let run = import_fixtures(&["backends.yaml"], &[]);
    let r = run.render();
    assert_eq!(r.code, Some(0), "{:?}", r.errors());
    let rules = r.object("HTTPRoute", "infra", "parent")["spec"]["rules"].clone();
    let backends: Vec<Value> = rules
        .as_array()
        .expect("rules")
        .iter()
        .map(|rule| rule["backendRefs"][0].clone())
        .collect();
    assert!(
        backends
            .iter()
            .any(|b| b["kind"] == "HTTPRoute" && b["name"] == "*" && b["namespace"] == "team1"),
        "{backends:?}"
    );
    assert!(
        backends
            .iter()
            .any(|b| b["kind"] == "Hostname" && b["name"] == "httpbin.org" && b["port"] == 443)
    );
    assert!(
        backends
            .iter()
            .any(|b| b["kind"] == "TraefikService" && b["name"] == "whoami@kubernetescrd")
    );
    let ingress = &r.object("HTTPRoute", "infra", "assets")["spec"]["rules"][0]["backendRefs"][0];
    assert_eq!(ingress["kind"], "StorageBucket");
    assert_eq!(ingress["group"], "k8s.example.com");
    assert_eq!(ingress["name"], "static-assets");
}

#[test]
fn names_over_63_characters_are_shortened_as_gitops_names_are() {
    let run = import_fixtures(&["long-names.yaml"], &[]);
    let r = run.render();
    assert_eq!(r.code, Some(0), "{:?}", r.errors());
    let long = "checkout-service-for-the-european-storefront-with-a-rather-long-name";
    let short = gatewright::names::object_name(&[long]);
    assert!(short.len() <= 63);
    let listener =
        gatewright::names::object_name(&["plain-http-listener-for-the-european-storefront-and-its-customers"]);
    assert_eq!(
        r.object("Gateway", "shop", "web")["spec"]["listeners"][0]["name"],
        listener.as_str()
    );
    let parent = &r.object("HTTPRoute", "shop", &short)["spec"]["parentRefs"][0];
    assert_eq!(
        parent["sectionName"],
        listener.as_str(),
        "the route follows its listener"
    );
    let from_ingress =
        gatewright::names::object_name(&["storefront-ingress-customer-portal-eu-west-production-shop-example-corpora"]);
    r.object("HTTPRoute", "shop", &from_ingress);
    for (kind, _, name) in r.objects.keys() {
        assert!(name.len() <= 63, "{kind} {name}");
    }
    let warned = run.with_code("GW911");
    assert_eq!(warned.len(), 4, "{warned:?}");
    assert!(warned.iter().all(|d| line_of(d) > 0), "located: {warned:?}");
    assert_eq!(
        run.spec,
        import_fixtures(&["long-names.yaml"], &[]).spec,
        "deterministic"
    );
}

#[test]
fn gateways_of_one_name_in_two_namespaces_are_both_kept() {
    let run = import_fixtures(&["same-name-gateways.yaml"], &[]);
    let r = run.render();
    assert_eq!(r.code, Some(0), "{:?}", r.errors());
    assert_eq!(
        r.object("Gateway", "team-a", "gateway")["spec"]["listeners"][0]["hostname"],
        "*.a.example.com"
    );
    assert_eq!(
        r.object("Gateway", "team-b", "gateway")["spec"]["listeners"][0]["hostname"],
        "*.b.example.com"
    );
    let parent = &r.object("HTTPRoute", "team-b", "app")["spec"]["parentRefs"][0];
    assert_eq!(parent["name"], "gateway");
    assert!(parent.get("namespace").is_none(), "{parent}");
}

#[test]
fn a_selector_listener_gets_its_labels_on_the_route_namespaces() {
    let run = import_fixtures(&["selector.yaml"], &[]);
    let r = run.render();
    assert_eq!(r.code, Some(0), "{:?}", r.errors());
    assert_eq!(
        r.object("Namespace", "", "store")["metadata"]["labels"]["shared-gateway-access"],
        "true"
    );
    assert_eq!(run.with_code("GW912").len(), 1);
}

#[test]
fn null_matches_skipped_kinds_duplicates_and_grants_are_handled_or_warned() {
    let run = import_fixtures(&["kinds.yaml"], &[]);
    let r = run.render();
    assert_eq!(r.code, Some(0), "{:?}", r.errors());
    r.object("HTTPRoute", "shop", "echo");
    let api = &r.object("HTTPRoute", "shop", "api")["spec"]["rules"][0];
    assert_eq!(api["backendRefs"][0]["name"], "api-v2", "kubectl apply keeps the last");
    let dup = run.with_code("GW910");
    assert_eq!(dup.len(), 1, "{dup:?}");
    assert_eq!(line_of(dup[0]), 50, "at the earlier object");
    let skipped: Vec<&str> = run
        .with_code("GW901")
        .iter()
        .filter_map(|d| d["message"].as_str())
        .collect();
    assert!(
        skipped.iter().any(|m| m.starts_with("GatewayClass `istio`")),
        "{skipped:?}"
    );
    assert!(
        skipped.iter().any(|m| m.starts_with("Deployment `echo`")),
        "{skipped:?}"
    );
    let grant = import_fixtures(&["grant.yaml"], &[]);
    let lost = grant.with_code("GW901");
    assert!(
        lost.iter().any(|d| d["message"]
            .as_str()
            .is_some_and(|m| m.starts_with("ReferenceGrant `shop/gateway-certs`"))),
        "{lost:?}"
    );
}

#[test]
fn an_app_manifest_with_its_own_namespace_gets_a_namespace_patch() {
    let run = import_fixtures(&["lb-namespace.yaml"], &[]);
    let r = run.render();
    assert_eq!(r.code, Some(0), "{:?}", r.errors());
    let k = std::fs::read_to_string(r.out.join("shop/kustomization.yaml")).expect("kustomization");
    let k: Value = serde_json::to_value(common::parse_stream(&k)).expect("value")[0].clone();
    let listed = |key: &str| k[key].as_array().cloned().unwrap_or_default();
    assert!(!listed("resources").contains(&"namespace.yaml".into()), "{k}");
    assert!(
        listed("patches").contains(&serde_json::json!({"path": "namespace.yaml"})),
        "{k}"
    );
}

#[test]
fn the_service_patch_names_each_port_protocol() {
    let run = import_fixtures(&["lb-namespace.yaml"], &[]);
    let r = run.render();
    assert_eq!(r.code, Some(0), "{:?}", r.errors());
    let patch = r
        .objects
        .iter()
        .find(|((kind, _, _), _)| kind == "patch")
        .map(|(_, v)| v)
        .expect("a Service patch");
    let port = &patch["spec"]["ports"][0];
    assert_eq!(port["port"], 80);
    assert_eq!(port["protocol"], "TCP");
    assert!(port["nodePort"].is_null() && port.get("nodePort").is_some(), "{port}");
}

#[test]
fn a_loadbalancer_beside_several_gateways_gets_one() {
    let run = import_fixtures(&["lb-gateways.yaml"], &[]);
    let r = run.render();
    assert_eq!(r.code, Some(0), "{:?}", r.errors());
    let parent = &r.object("HTTPRoute", "shop", "store")["spec"]["parentRefs"][0];
    assert_eq!(parent["name"], "public", "the one gateway that admits namespace `shop`");
    // Both admit it: the first is chosen, and the warning names the choice.
    let text = std::fs::read_to_string(imports::gaps_dir().join("lb-gateways.yaml"))
        .expect("fixture")
        .replace(
            "hostname: \"*.internal.example.com\"",
            "allowedRoutes: {namespaces: {from: All}}",
        );
    let both = import_texts(&[("both.yaml", &text)], &[]);
    assert_eq!(both.render().code, Some(0));
    let chosen = both.with_code("GW913");
    assert_eq!(chosen.len(), 1, "{:?}", both.diagnostics);
    let message = chosen[0]["message"].as_str().unwrap_or_default();
    assert!(
        message.contains("`internal`") && message.contains("public"),
        "{message}"
    );
    assert_eq!(line_of(chosen[0]), 33, "at the Service");
}

#[test]
fn refusals_the_manifests_need_are_allowed_with_a_warning() {
    let run = import_fixtures(&["refusals.yaml"], &[]);
    let allowed: Vec<String> = run
        .with_code("GW914")
        .iter()
        .map(|d| d["message"].as_str().unwrap_or_default().to_string())
        .collect();
    for code in ["GW313", "GW318", "GW410", "GW430"] {
        assert!(allowed.iter().any(|m| m.contains(code)), "{code} in {allowed:?}");
    }
    let r = run.render();
    assert_eq!(r.code, Some(0), "{:?}", r.errors());
    let listeners = r.object("Gateway", "shop", "web")["spec"]["listeners"].clone();
    assert!(
        listeners
            .as_array()
            .is_some_and(|l| l.iter().any(|l| l["protocol"] == "HTTPS"))
    );
    for name in ["no-backend", "elsewhere", "first", "second"] {
        r.object("HTTPRoute", "shop", name);
    }
    // Without the allow entries the same spec is refused.
    let strict = run
        .spec
        .lines()
        .filter(|l| !l.trim_start().starts_with("- GW") && l.trim() != "allow:");
    std::fs::write(
        run.dir.path().join("gatewright.yaml"),
        strict.collect::<Vec<_>>().join("\n"),
    )
    .expect("write");
    let refused = render_dir(run.dir.path());
    assert_eq!(refused.code, Some(1));
}

#[test]
fn an_allow_entry_that_cannot_be_allowed_is_a_located_error() {
    let spec = "apiVersion: gatewright.dev/v1alpha1\nkind: Site\ngateways:\n  gw:\n    profile: istio\n    listeners:\n      http: {protocol: HTTP, port: 80}\n    allow: [GW430]\napps:\n  shop:\n    routes:\n      front:\n        to: front:80\n        allow: [GW4300, GW401]\n";
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::write(dir.path().join("gatewright.yaml"), spec).expect("write");
    let r = render_dir(dir.path());
    assert_eq!(r.code, Some(1));
    let found: Vec<&Value> = r.diagnostics.iter().filter(|d| d["code"] == "GW343").collect();
    assert_eq!(found.len(), 3, "{:?}", r.diagnostics);
    let typo = found
        .iter()
        .find(|d| d["message"].as_str().is_some_and(|m| m.contains("GW4300")))
        .expect("GW4300");
    assert_eq!(line_of(typo), 14);
    assert!(
        typo["help"]
            .as_str()
            .is_some_and(|h| h.contains("did you mean `GW430`")),
        "{typo}"
    );
    let misplaced = found.iter().find(|d| line_of(d) == 8).expect("GW430 on a gateway");
    assert!(
        misplaced["message"]
            .as_str()
            .is_some_and(|m| m.contains("cannot be allowed on a gateway"))
    );
}
