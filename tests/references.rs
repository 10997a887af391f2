//! Cross-namespace references: every Service a route uses in another
//! namespace the spec owns, as a backend or as a `requestMirror` target,
//! gets a ReferenceGrant; a model without one is a GW413 finding.

use gatewright::analyze::{Context, analyze};
use gatewright::diagnostic::Diagnostics;
use gatewright::driver::{Compiled, Options, compile};

const SPEC: &str = "apiVersion: gatewright.dev/v1alpha1
kind: Site
gatewayApi: v1.6.1
gateways:
  web:
    profile: aks-istio-external
    listeners:
      http: { hostname: '*.example.com', protocol: HTTP, port: 80 }
apps:
  shop:
    routes:
      web:
        host: shop.example.com
        rules:
        - filters:
          - requestMirror: { backendRef: { name: shadow, namespace: audit, port: 80 } }
          - requestMirror: { backendRef: { name: local-copy, port: 80 } }
          backendRefs:
          - name: web
            port: 80
            filters: [{ requestMirror: { backendRef: { name: replay, namespace: audit, port: 80 } } }]
          - { name: api, namespace: backend, port: 80 }
  audit: {}
  backend: {}
";

fn compiled(dir: &tempfile::TempDir) -> (gatewright::driver::Outcome, Compiled) {
    std::fs::write(dir.path().join("gatewright.yaml"), SPEC).expect("write spec");
    let mut outcome = compile(&Options {
        spec: dir.path().join("gatewright.yaml"),
        ..Options::default()
    });
    assert!(!outcome.has_errors(), "{:#?}", outcome.diagnostics);
    let compiled = outcome.output.take().expect("output");
    (outcome, compiled)
}

#[test]
fn mirror_targets_in_other_owned_namespaces_get_a_reference_grant() {
    let dir = tempfile::tempdir().expect("tempdir");
    let (_, compiled) = compiled(&dir);
    let grants: Vec<(&str, &str, &str, Vec<&str>)> = compiled
        .model
        .reference_grants
        .iter()
        .map(|g| {
            (
                g.namespace.as_str(),
                g.from_kind.as_str(),
                g.from_namespace.as_str(),
                g.names.iter().map(String::as_str).collect(),
            )
        })
        .collect();
    assert_eq!(
        grants,
        vec![
            ("audit", "HTTPRoute", "shop", vec!["replay", "shadow"]),
            ("backend", "HTTPRoute", "shop", vec!["api"]),
        ],
        "the rule's and the backend's mirror targets in `audit`, the backend in `backend`; none for the same-namespace mirror"
    );
    let file = compiled
        .tree()
        .expect("a tree")
        .files
        .iter()
        .find(|(p, _)| p.starts_with("audit/referencegrant-"))
        .map(|(_, text)| text.as_str())
        .expect("a ReferenceGrant file in audit/");
    assert!(file.contains("name: shadow") && file.contains("name: replay"), "{file}");
}

#[test]
fn a_model_without_the_grants_is_reported_at_each_reference() {
    let dir = tempfile::tempdir().expect("tempdir");
    let (outcome, mut compiled) = compiled(&dir);
    compiled.model.reference_grants.clear();
    let mut diags = Diagnostics::new();
    analyze(
        &compiled.model,
        &Context {
            prov: &compiled.provenance,
            sources: &outcome.sources,
        },
        &mut diags,
    );
    let mut found: Vec<(String, u32)> = diags
        .iter()
        .filter(|d| d.code == "GW413")
        .map(|d| (d.message.clone(), d.loc.as_ref().map_or(0, |l| l.line)))
        .collect();
    found.sort();
    assert_eq!(
        found,
        vec![
            (
                "backend `backend/api` has no ReferenceGrant from HTTPRoutes in `shop`".to_string(),
                22
            ),
            (
                "mirror backend `audit/replay` has no ReferenceGrant from HTTPRoutes in `shop`".to_string(),
                21
            ),
            (
                "mirror backend `audit/shadow` has no ReferenceGrant from HTTPRoutes in `shop`".to_string(),
                16
            ),
        ]
    );
}
