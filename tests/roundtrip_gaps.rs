//! What kept Gateway API objects from the round trip: listener protocols
//! beyond the five gatewright analyzes, certificates that are not Secrets,
//! addresses without a value or of an implementation-specific type, an
//! explicit `backendRefs: []`. Each is written by the spec, rendered as the
//! API has it, and imported back.

use crate::common;

use common::spec_run::compile_files;
use common::*;
use gatewright::diagnostic::{Code, Diagnostic, Severity};
use serde_json::Value;

/// Compile a spec: the rendered Gateway `web` (if any) and the diagnostics.
fn compile(spec: &str) -> (Option<Value>, Vec<Diagnostic>) {
    let outcome = compile_files(&[("gatewright.yaml", spec)]);
    let gateway = outcome.output.and_then(|o| {
        tree_objects(o.tree().expect("a tree"))
            .into_iter()
            .map(|(_, v)| v)
            .find(|v| v["kind"] == "Gateway")
    });
    (gateway, outcome.diagnostics.to_vec())
}

fn site(version: &str, gateway: &str) -> String {
    format!(
        "apiVersion: gatewright.dev/v1alpha1\nkind: Site\ngatewayApi: {version}\ngateways:\n  web:\n    namespace: infra\n    className: istio\n{gateway}"
    )
}

fn codes(diags: &[Diagnostic]) -> Vec<String> {
    diags
        .iter()
        .map(|d| format!("{:?} {}: {}", d.severity, d.code, d.message))
        .collect()
}

#[test]
fn an_implementation_specific_protocol_is_carried_with_a_located_warning() {
    let spec = site(
        "v1.1.0",
        "    listeners:\n      http: { protocol: HTTP, port: 80 }\n      custom: { protocol: example.com/proto, port: 80 }\n      odd: { protocol: INVALID, port: 1111 }\n",
    );
    let (gateway, diags) = compile(&spec);
    let gateway = gateway.unwrap_or_else(|| panic!("not rendered: {:?}", codes(&diags)));
    let protocols: Vec<&str> = gateway["spec"]["listeners"]
        .as_array()
        .expect("listeners")
        .iter()
        .filter_map(|l| l["protocol"].as_str())
        .collect();
    assert_eq!(protocols, ["example.com/proto", "HTTP", "INVALID"]);
    let warnings: Vec<&Diagnostic> = diags.iter().filter(|d| d.code == Code::UnknownProtocol).collect();
    assert_eq!(warnings.len(), 2, "{:?}", codes(&diags));
    for w in &warnings {
        assert_eq!(w.severity, Severity::Warning);
        let loc = w.loc.as_ref().expect("located");
        let line = spec.lines().nth(loc.line as usize - 1).expect("line");
        assert!(
            line.contains("protocol: example.com/proto") || line.contains("protocol: INVALID"),
            "{line}"
        );
        assert!(w.help.is_some());
    }
    // Sharing port 80 with HTTP is not refused: gatewright does not know the protocol.
    assert!(
        !diags.iter().any(|d| d.code == Code::IncompatibleProtocols),
        "{:?}",
        codes(&diags)
    );
}

#[test]
fn a_protocol_outside_the_api_pattern_is_refused_at_its_line() {
    for bad in ["\"a b\"", "Example.com/proto", "\"-x\""] {
        let (gateway, diags) = compile(&site(
            "v1.1.0",
            &format!("    listeners:\n      odd: {{ protocol: {bad}, port: 80 }}\n"),
        ));
        assert!(gateway.is_none(), "{bad} rendered");
        let shown = bad.trim_matches('"');
        let d = diags
            .iter()
            .find(|d| d.severity == Severity::Error && d.message.contains(shown));
        let d = d.unwrap_or_else(|| panic!("{bad}: {:?}", codes(&diags)));
        assert_eq!(d.loc.as_ref().map(|l| l.line), Some(9), "{bad}");
    }
}

#[test]
fn certificates_of_other_kinds_keep_group_and_kind() {
    let (gateway, diags) = compile(&site(
        "v1.1.0",
        "    listeners:\n      https:\n        protocol: HTTPS\n        port: 443\n        tls:\n          certificates:\n            - web-tls\n            - { group: cert.example.com, kind: Certificate, name: web-cert }\n            - { kind: WrongKind, name: other, namespace: certs }\n",
    ));
    let gateway = gateway.unwrap_or_else(|| panic!("not rendered: {:?}", codes(&diags)));
    let refs = &gateway["spec"]["listeners"][0]["tls"]["certificateRefs"];
    assert_eq!(
        refs,
        &serde_json::json!([
            {"kind": "Secret", "name": "web-tls"},
            {"group": "cert.example.com", "kind": "Certificate", "name": "web-cert"},
            {"kind": "WrongKind", "name": "other", "namespace": "certs"},
        ])
    );
    // `certs/other` is checked as what it is: the warning (the spec does not
    // own `certs`) asks for a grant to a WrongKind, never to a Secret.
    let about: Vec<_> = diags.iter().filter(|d| d.message.contains("certs/other")).collect();
    assert_eq!(about.len(), 1, "{:?}", codes(&diags));
    assert_eq!(about[0].code, Code::CertificateNamespaceNotOwned);
    let help = about[0].help.as_deref().unwrap_or_default();
    assert!(help.contains("to WrongKind `other`"), "{help}");
}

#[test]
fn addresses_without_value_need_v1_3_0_and_other_types_are_carried() {
    let listeners = "    listeners:\n      http: { protocol: HTTP, port: 80 }\n";
    let addresses = "    addresses:\n      - type: IPAddress\n      - { type: example.com/pool, value: \"pool a!\" }\n      - { type: NamedAddress, value: lb-1 }\n";
    let (gateway, diags) = compile(&site("v1.2.1", &format!("{addresses}{listeners}")));
    assert!(gateway.is_none());
    let gate = diags.iter().find(|d| d.code == Code::FeatureTooNew);
    let gate = gate.unwrap_or_else(|| panic!("{:?}", codes(&diags)));
    assert!(
        gate.message.contains("without `value`") && gate.message.contains("v1.3.0"),
        "{}",
        gate.message
    );
    assert_eq!(gate.loc.as_ref().map(|l| l.line), Some(9));
    let (gateway, diags) = compile(&site("v1.3.0", &format!("{addresses}{listeners}")));
    let gateway = gateway.unwrap_or_else(|| panic!("not rendered: {:?}", codes(&diags)));
    assert_eq!(
        gateway["spec"]["addresses"],
        serde_json::json!([
            {"type": "IPAddress"},
            {"type": "example.com/pool", "value": "pool a!"},
            {"type": "NamedAddress", "value": "lb-1"},
        ])
    );
}

#[test]
fn an_address_type_outside_the_api_pattern_is_refused() {
    let (gateway, diags) = compile(&site(
        "v1.3.0",
        "    addresses:\n      - { type: Fancy, value: x }\n    listeners:\n      http: { protocol: HTTP, port: 80 }\n",
    ));
    assert!(gateway.is_none());
    assert!(
        diags.iter().any(|d| d.severity == Severity::Error
            && d.message.contains("`Fancy`")
            && d.message.contains("NamedAddress")),
        "{:?}",
        codes(&diags)
    );
}

#[test]
fn imported_gateways_with_these_values_render_as_written() {
    let dir = tempfile::tempdir().expect("tempdir");
    let input = dir.path().join("gateways.yaml");
    std::fs::write(
        &input,
        "apiVersion: gateway.networking.k8s.io/v1\nkind: Gateway\nmetadata: { name: web, namespace: infra }\nspec:\n  gatewayClassName: istio\n  addresses:\n  - type: IPAddress\n  - { type: test/fake, value: \"x y\" }\n  listeners:\n  - { name: odd, port: 1111, protocol: example.com/proto }\n  - name: https\n    port: 443\n    protocol: HTTPS\n    tls: { certificateRefs: [ { group: wrong.example.com, kind: Secret, name: c } ] }\n",
    )
    .expect("write");
    let imported = gatewright::import::import(&gatewright::import::Options {
        paths: vec![input],
        ..Default::default()
    });
    assert!(imported.text.contains("gateways:"), "{}", imported.text);
    let (gateway, diags) = compile(&imported.text);
    let gateway = gateway.unwrap_or_else(|| panic!("{}\n{:?}", imported.text, codes(&diags)));
    assert_eq!(
        gateway["spec"]["addresses"][0],
        serde_json::json!({"type": "IPAddress"})
    );
    assert_eq!(gateway["spec"]["addresses"][1]["type"], "test/fake");
    assert_eq!(gateway["spec"]["listeners"][1]["protocol"], "example.com/proto");
    assert_eq!(
        gateway["spec"]["listeners"][0]["tls"]["certificateRefs"][0],
        serde_json::json!({"group": "wrong.example.com", "kind": "Secret", "name": "c"})
    );
}

/// The rules of the rendered object of `kind`.
fn rendered_rules(spec: &str, kind: &str) -> Vec<Value> {
    let outcome = compile_files(&[("gatewright.yaml", spec)]);
    let Some(out) = outcome.output else {
        panic!("not rendered: {:?}", codes(&outcome.diagnostics.to_vec()))
    };
    let route = tree_objects(out.tree().expect("a tree"))
        .into_iter()
        .map(|(_, v)| v)
        .find(|v| v["kind"] == kind);
    let route = route.unwrap_or_else(|| panic!("no {kind}"));
    route["spec"]["rules"].as_array().expect("rules").clone()
}

#[test]
fn an_explicit_empty_backend_list_stays_apart_from_none() {
    let rules = "        rules:\n          - { matches: [{ path: { type: Exact, value: /omitted } }] }\n          - { matches: [{ path: { type: Exact, value: /empty } }], backendRefs: [] }\n";
    let spec = format!(
        "apiVersion: gatewright.dev/v1alpha1\nkind: Site\ngateways:\n  web: {{ namespace: shop, className: istio, listeners: {{ http: {{ protocol: HTTP, port: 80 }} }} }}\napps:\n  shop:\n    routes:\n      r:\n        hostnames: [r.example.com]\n{rules}    grpcRoutes:\n      g:\n        hostnames: [g.example.com]\n        rules:\n          - {{ matches: [{{ method: {{ service: a.A }} }}] }}\n          - {{ matches: [{{ method: {{ service: b.B }} }}], backendRefs: [] }}\n"
    );
    for kind in ["HTTPRoute", "GRPCRoute"] {
        let rules = rendered_rules(&spec, kind);
        assert_eq!(rules.len(), 2, "{kind}: {rules:?}");
        assert!(rules[0].get("backendRefs").is_none(), "{kind}: {:?}", rules[0]);
        assert_eq!(
            rules[1].get("backendRefs"),
            Some(&serde_json::json!([])),
            "{kind}: {:?}",
            rules[1]
        );
    }
}
