//! ListenerSets: apps' `listeners` (team files) rendered as ListenerSets
//! attached to a platform Gateway that admits them with `allowedListeners`;
//! the analysis of attachment, conflicts across a Gateway and its
//! ListenerSets, certificate grants, names and limits and the version gate;
//! the example `examples/listenersets` against the v1.6.1 CRDs and kustomize.

use crate::common;

use std::path::Path;
use std::process::Command;

use common::outside::{program, shared_data};
use common::{golden_dir, parse_stream, render, root, tree_objects};
use gatewright::crd::CrdSet;
use serde_json::Value;

const PLATFORM: &str = "apiVersion: gatewright.dev/v1alpha1
kind: Site
gatewayApi: v1.6.1
gateways:
  public:
    profile: istio
    namespace: gateways
    createNamespace: true
    allowedListeners: ALLOWED
    listeners:
      http: { protocol: HTTP, port: 80, allowedRoutes: { from: All } }
      https: { hostname: platform.example.com, protocol: HTTPS, port: 443, tls: { certificates: [platform-tls] } }
";

const TEAM: &str = "apiVersion: gatewright.dev/v1alpha1
kind: Site
team: shop
apps:
  shop:
    gateway: public
    LABELS
    listeners:
      shop-https: { hostname: HOST, protocol: PROTO, port: PORT, tls: { certificates: [CERT] } }
    routes:
      web: { host: ROUTE_HOST, to: web:80, listener: shop-https }
";

/// A platform file and a team file with the placeholders replaced (and
/// `more` files), compiled.
fn compile(platform: &[(&str, &str)], team: &[(&str, &str)]) -> gatewright::Outcome {
    compile_with(platform, team, &[])
}

fn compile_with(platform: &[(&str, &str)], team: &[(&str, &str)], more: &[(&str, &str)]) -> gatewright::Outcome {
    let fill = |text: &str, with: &[(&str, &str)]| {
        let defaults = [
            ("ALLOWED", "{ from: All }"),
            ("LABELS", ""),
            ("ROUTE_HOST", "shop.example.com"),
            ("HOST", "shop.example.com"),
            ("PROTO", "HTTPS"),
            ("PORT", "443"),
            ("CERT", "shop-tls"),
        ];
        let mut out = text.to_string();
        // Free-form replacements first, then the placeholders.
        for (k, v) in with.iter().filter(|(k, _)| !defaults.iter().any(|(d, _)| d == k)) {
            assert!(out.contains(k), "`{k}` is not in the file");
            out = out.replace(k, v);
        }
        for (k, default) in defaults {
            let v = with.iter().find(|(w, _)| *w == k).map_or(default, |(_, v)| v);
            out = out.replace(k, v);
        }
        out
    };
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::write(dir.path().join("platform.yaml"), fill(PLATFORM, platform)).expect("write");
    std::fs::write(dir.path().join("shop.yaml"), fill(TEAM, team)).expect("write");
    for (name, text) in more {
        std::fs::write(dir.path().join(name), text).expect("write");
    }
    gatewright::compile(&gatewright::Options {
        spec: dir.path().to_path_buf(),
        ..Default::default()
    })
}

fn codes(o: &gatewright::Outcome) -> Vec<String> {
    o.diagnostics.iter().map(|d| d.code.to_string()).collect()
}

fn objects(o: &gatewright::Outcome, kind: &str) -> Vec<Value> {
    let tree = &o
        .output
        .as_ref()
        .unwrap_or_else(|| panic!("no output: {:?}", codes(o)))
        .tree()
        .expect("a tree");
    tree_objects(tree)
        .into_iter()
        .map(|(_, v)| v)
        .filter(|v| v["kind"] == kind)
        .collect()
}

fn v1_6_1() -> Option<CrdSet> {
    let path = shared_data()?.join("gateway-api/v1.6.1/standard-install.yaml");
    let text = std::fs::read_to_string(&path).expect("v1.6.1 CRDs");
    Some(CrdSet::from_yaml(&text, &path.display().to_string()).expect("CRDs"))
}

#[test]
fn a_team_listener_renders_as_a_listenerset_its_route_attaches_to() {
    let o = compile(&[], &[]);
    assert!(codes(&o).is_empty(), "{:?}", codes(&o));
    let sets = objects(&o, "ListenerSet");
    assert_eq!(sets.len(), 1);
    let set = &sets[0];
    assert_eq!(set["metadata"]["namespace"], "shop");
    assert_eq!(set["metadata"]["name"], "shop");
    assert_eq!(set["spec"]["parentRef"]["name"], "public");
    assert_eq!(set["spec"]["parentRef"]["namespace"], "gateways");
    assert_eq!(set["spec"]["listeners"][0]["name"], "shop-https");
    assert_eq!(
        set["spec"]["listeners"][0]["tls"]["certificateRefs"][0]["name"],
        "shop-tls"
    );
    let route = &objects(&o, "HTTPRoute")[0];
    let parent = &route["spec"]["parentRefs"][0];
    assert_eq!(parent["kind"], "ListenerSet");
    assert_eq!(parent["name"], "shop");
    assert_eq!(parent["sectionName"], "shop-https");
    assert!(parent.get("namespace").is_none(), "{parent}");
    let gateway = &objects(&o, "Gateway")[0];
    assert_eq!(gateway["spec"]["allowedListeners"]["namespaces"]["from"], "All");
}

#[test]
fn a_bare_selector_labels_the_team_namespace() {
    let o = compile(&[("ALLOWED", "{ from: Selector }")], &[]);
    assert!(codes(&o).is_empty(), "{:?}", codes(&o));
    let gateway = &objects(&o, "Gateway")[0];
    let selector = &gateway["spec"]["allowedListeners"]["namespaces"]["selector"]["matchLabels"];
    assert_eq!(selector["gatewright.dev/listeners-public"], "true");
    let ns = objects(&o, "Namespace")
        .into_iter()
        .find(|n| n["metadata"]["name"] == "shop")
        .expect("shop");
    assert_eq!(ns["metadata"]["labels"]["gatewright.dev/listeners-public"], "true");
}

#[test]
fn allowed_listeners_must_admit_the_team_namespace() {
    for (allowed, labels, admitted) in [
        ("{ from: All }", "", true),
        ("{ from: None }", "", false),
        ("{ from: Same }", "", false),
        ("{ from: Selector, selector: { tier: web } }", "", false),
        (
            "{ from: Selector, selector: { tier: web } }",
            "labels: { tier: web }",
            true,
        ),
        (
            "{ from: Selector, selector: { kubernetes.io/metadata.name: shop } }",
            "",
            true,
        ),
    ] {
        let o = compile(&[("ALLOWED", allowed)], &[("LABELS", labels)]);
        let refused = codes(&o).contains(&"GW350".to_string());
        assert_eq!(!refused, admitted, "{allowed} {labels}: {:?}", codes(&o));
    }
    // No `allowedListeners` at all is the API's `None`.
    let o = compile(&[("    allowedListeners: ALLOWED\n", "")], &[]);
    let d = o
        .diagnostics
        .iter()
        .find(|d| d.code.as_str() == "GW350")
        .expect("GW350");
    assert!(d.message.contains("admits no ListenerSet"), "{}", d.message);
}

#[test]
fn a_team_listener_that_repeats_a_platform_listener_names_both_files() {
    let o = compile(
        &[],
        &[("HOST", "platform.example.com"), ("ROUTE_HOST", "platform.example.com")],
    );
    let d = o
        .diagnostics
        .iter()
        .find(|d| d.code.as_str() == "GW420")
        .expect("GW420");
    let file = |loc: &gatewright::source::Loc| o.sources.name(loc.file).to_string();
    let at = d.loc.as_ref().expect("located");
    assert!(file(at).ends_with("shop.yaml"), "{}", file(at));
    assert!(
        d.related.iter().any(|(loc, _)| file(loc).ends_with("platform.yaml")),
        "{:?}",
        d.related
    );
    assert!(
        d.related.iter().any(|(_, m)| m.contains("platform.yaml:12:")),
        "{:?}",
        d.related
    );
}

#[test]
fn listeners_on_one_port_must_agree_across_the_gateway_and_its_sets() {
    // Another hostname on the same port and protocol: fine.
    assert!(codes(&compile(&[], &[])).is_empty());
    // Plain HTTP on the platform's HTTPS port: incompatible protocols.
    let o = compile(&[], &[("PROTO", "HTTP"), (", tls: { certificates: [CERT] }", "")]);
    assert!(codes(&o).contains(&"GW421".to_string()), "{:?}", codes(&o));
    // HTTPS on the platform's HTTP port.
    let o = compile(&[], &[("PORT", "80")]);
    assert!(codes(&o).contains(&"GW421".to_string()), "{:?}", codes(&o));
}

#[test]
fn a_certificate_in_another_owned_namespace_gets_a_grant_from_listenersets() {
    let o = compile(&[], &[("CERT", "certs/shop-tls")]);
    assert!(codes(&o).iter().any(|c| c == "GW317"), "unowned: {:?}", codes(&o));
    let certs = "apiVersion: gatewright.dev/v1alpha1\nkind: Site\nteam: certs\napps:\n  certs: { routes: {} }\n";
    let o = compile_with(&[], &[("CERT", "certs/shop-tls")], &[("certs.yaml", certs)]);
    assert!(codes(&o).is_empty(), "{:?}", codes(&o));
    let grants = objects(&o, "ReferenceGrant");
    let grant = grants
        .iter()
        .find(|g| g["spec"]["from"][0]["kind"] == "ListenerSet")
        .expect("a grant from ListenerSets");
    assert_eq!(grant["metadata"]["namespace"], "certs");
    assert_eq!(grant["metadata"]["name"], "listenersets-from-shop");
    assert_eq!(grant["spec"]["from"][0]["namespace"], "shop");
    assert_eq!(grant["spec"]["to"][0]["name"], "shop-tls");
    let Some(crds) = v1_6_1() else { return };
    for object in grants.iter().chain(objects(&o, "ListenerSet").iter()) {
        let violations = crds.validate(object).expect("covered");
        assert!(violations.is_empty(), "{violations:?}");
    }
}

#[test]
fn routes_attach_to_a_listener_of_the_set_by_hostname() {
    let o = compile(&[], &[("ROUTE_HOST", "other.example.com")]);
    assert!(codes(&o).contains(&"GW410".to_string()), "{:?}", codes(&o));
}

#[test]
fn listenersets_and_allowed_listeners_need_gateway_api_v1_6_1() {
    let o = compile(&[("gatewayApi: v1.6.1\n", "")], &[]);
    let found: Vec<String> = o
        .diagnostics
        .iter()
        .filter(|d| d.code.as_str() == "GW425")
        .map(|d| d.message.clone())
        .collect();
    assert!(found.iter().any(|m| m.contains("allowedListeners")), "{found:?}");
    assert!(found.iter().any(|m| m.contains("ListenerSet")), "{found:?}");
}

#[test]
fn names_and_forms_are_checked() {
    let o = compile(
        &[],
        &[
            ("shop-https:", "Shop_HTTPS:"),
            ("listener: shop-https", "listener: Shop_HTTPS"),
        ],
    );
    assert!(codes(&o).contains(&"GW401".to_string()), "{:?}", codes(&o));
    let o = compile(
        &[],
        &[
            (
                "    listeners:\n      shop-https: { hostname: HOST, protocol: PROTO, port: PORT, tls: { certificates: [CERT] } }\n",
                "    listenerSet: { name: shop-listeners }\n",
            ),
            ("listener: shop-https", "listener: https"),
        ],
    );
    assert!(codes(&o).contains(&"GW351".to_string()), "{:?}", codes(&o));
    let o = compile(
        &[],
        &[(
            "tls: { certificates: [CERT] } }",
            "tls: { certificates: [CERT] }, allowedRoutes: { from: Selector } }",
        )],
    );
    assert!(codes(&o).contains(&"GW352".to_string()), "{:?}", codes(&o));
}

#[test]
fn the_example_golden_tree_passes_the_v1_6_1_crds_and_kustomize() {
    let tree = render(&root().join("examples/listenersets"));
    let sets: Vec<Value> = tree_objects(&tree)
        .into_iter()
        .map(|(_, v)| v)
        .filter(|v| v["kind"] == "ListenerSet")
        .collect();
    assert_eq!(sets.len(), 2, "one ListenerSet per team");
    let golden = golden_dir("listenersets", None);
    let Some(crds) = v1_6_1() else { return };
    let mut checked = 0;
    for entry in walkdir::WalkDir::new(&golden)
        .sort_by_file_name()
        .into_iter()
        .filter_map(Result::ok)
    {
        if !entry.file_type().is_file() || entry.path().ends_with("kustomization.yaml") {
            continue;
        }
        for object in parse_stream(&std::fs::read_to_string(entry.path()).expect("read")) {
            if object["apiVersion"]
                .as_str()
                .is_some_and(|a| a.starts_with("gateway.networking.k8s.io/"))
            {
                let violations = crds.validate(&object).expect("covered");
                assert!(violations.is_empty(), "{}: {violations:?}", entry.path().display());
                checked += 1;
            }
        }
    }
    assert_eq!(checked, 6, "Gateway, 2 ListenerSets, 3 HTTPRoutes");
    kustomize_builds(&golden);
}

fn kustomize_builds(dir: &Path) {
    let Some(kubectl) = program("kubectl") else { return };
    let out = Command::new(kubectl)
        .arg("kustomize")
        .arg(dir)
        .output()
        .expect("kubectl");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let kinds: Vec<String> = parse_stream(&String::from_utf8_lossy(&out.stdout))
        .iter()
        .map(|v| v["kind"].as_str().unwrap_or_default().to_string())
        .collect();
    assert_eq!(kinds.iter().filter(|k| *k == "ListenerSet").count(), 2, "{kinds:?}");
}

fn import(text: &str) -> gatewright::import::Imported {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("gateway.yaml");
    std::fs::write(&path, text).expect("write");
    gatewright::import::import(&gatewright::import::Options {
        paths: vec![path],
        ..Default::default()
    })
}

const GATEWAY: &str = "apiVersion: gateway.networking.k8s.io/v1
kind: Gateway
metadata: { name: public, namespace: gateways }
spec:
  gatewayClassName: istio
  allowedListeners: { namespaces: NAMESPACES }
  listeners: [{ name: http, protocol: HTTP, port: 80 }]
";

#[test]
fn import_carries_allowed_listeners_over_and_refuses_what_the_spec_cannot_say() {
    let imported = import(&GATEWAY.replace(
        "NAMESPACES",
        "{ from: Selector, selector: { matchLabels: { team: web } } }",
    ));
    let site: Value = parse_stream(&imported.text).remove(0);
    let allowed = &site["gateways"]["public"]["allowedListeners"];
    assert_eq!(allowed["from"], "Selector", "{}", imported.text);
    assert_eq!(allowed["selector"]["team"], "web");
    assert_eq!(site["gatewayApi"], "v1.6.1", "allowedListeners needs v1.6.1");
    for refused in [
        "{ from: Selector, selector: { matchExpressions: [{ key: team, operator: Exists }] } }",
        "{ from: Selector }",
    ] {
        let imported = import(&GATEWAY.replace("NAMESPACES", refused));
        let site: Value = parse_stream(&imported.text).remove(0);
        assert!(site["gateways"].get("public").is_none(), "{refused}: {}", imported.text);
        assert!(
            imported.diagnostics.iter().any(|d| d.code.as_str() == "GW901"),
            "{refused}"
        );
    }
}

#[test]
fn validate_checks_the_listenersets_against_the_crds_given() {
    let Some(data) = shared_data() else { return };
    let golden = golden_dir("listenersets", None);
    let crds = |v: &str| data.join(format!("gateway-api/{v}/standard-install.yaml"));
    let run = |v: &str| {
        crate::common::cli::bin()
            .arg("validate")
            .arg(&golden)
            .arg("--crds")
            .arg(crds(v))
            .output()
            .expect("run")
    };
    let ok = run("v1.6.1");
    assert!(ok.status.success(), "{}", String::from_utf8_lossy(&ok.stderr));
    assert!(
        String::from_utf8_lossy(&ok.stdout).contains("6 valid"),
        "{}",
        String::from_utf8_lossy(&ok.stdout)
    );
    // v1.3.0's CRDs have no ListenerSet: the API server would refuse it.
    let old = run("v1.3.0");
    assert!(String::from_utf8_lossy(&old.stderr).contains("no matches for kind \"ListenerSet\""));
}
