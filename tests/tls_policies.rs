//! Gateway `tls` (frontend client certificate validation, the backend
//! client certificate) and `backendTls` (BackendTLSPolicy): what they
//! render, every refusal located at its spec line, the version gate, and
//! the import of both.

use gatewright::diagnostic::{Code, Diagnostic};
use gatewright::driver::{Options, Outcome, compile};
use serde_json::Value;

use crate::common::parse_stream;

const HEAD: &str = "apiVersion: gatewright.dev/v1alpha1
kind: Site
gatewayApi: v1.6.1
gateways:
  web:
    namespace: infra
    className: istio
    allowedRoutes: { from: All }
    listeners:
      https: { hostname: '*.example.com', protocol: HTTPS, port: 443, tls: { certificates: [web-cert] } }
      partners: { hostname: partners.example.com, protocol: HTTPS, port: 8443, tls: { certificates: [web-cert] } }
      http: { protocol: HTTP, port: 80 }
";

/// A valid spec: gateway `tls` with cross-namespace references into an
/// app namespace, and a policy for the Service the app routes to.
fn valid() -> String {
    format!(
        "{HEAD}    tls:
      frontend:
        default:
          validation: {{ caCertificateRefs: [client-ca], mode: AllowInsecureFallback }}
        perPort:
        - {{ port: 8443, tls: {{ validation: {{ caCertificateRefs: [shop/partner-ca] }} }} }}
      backend:
        clientCertificateRef: shop/gateway-client
apps:
  shop:
    routes:
      front: {{ host: shop.example.com, to: auth:443 }}
    backendTls:
      auth:
        sectionName: https
        hostname: auth.shop.svc
        caCertificateRefs: [auth-ca]
        subjectAltNames: [{{ type: URI, uri: 'spiffe://cluster.local/ns/shop/sa/auth' }}]
"
    )
}

fn run(spec: &str) -> (tempfile::TempDir, Outcome) {
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::write(dir.path().join("gatewright.yaml"), spec).expect("write spec");
    let outcome = compile(&Options {
        spec: dir.path().join("gatewright.yaml"),
        ..Options::default()
    });
    (dir, outcome)
}

fn objects(outcome: &Outcome) -> Vec<Value> {
    let out = outcome.output.as_ref().expect("rendered");
    out.tree()
        .expect("a tree")
        .files
        .iter()
        .filter(|(k, _)| !k.ends_with("kustomization.yaml"))
        .flat_map(|(_, text)| parse_stream(text))
        .collect()
}

/// The one finding of `code`, and the spec line it points at.
fn finding(outcome: &Outcome, code: Code) -> (&Diagnostic, u32) {
    let found: Vec<&Diagnostic> = outcome.diagnostics.iter().filter(|d| d.code == code).collect();
    assert_eq!(found.len(), 1, "one {code}, got {:#?}", outcome.diagnostics);
    let loc = found[0].loc.as_ref().expect("located");
    assert!(found[0].help.is_some(), "{code} suggests a fix");
    (found[0], loc.line)
}

/// Line (1-based) of the first line of `spec` containing `needle`.
fn line_of(spec: &str, needle: &str) -> u32 {
    let i = spec.lines().position(|l| l.contains(needle)).expect(needle);
    u32::try_from(i + 1).expect("a short spec")
}

#[test]
fn gateway_tls_and_backend_tls_render_in_the_api_shape_with_grants() {
    let (_dir, outcome) = run(&valid());
    assert!(!outcome.has_errors(), "{:#?}", outcome.diagnostics);
    let objs = objects(&outcome);
    let gw = objs.iter().find(|o| o["kind"] == "Gateway").expect("gateway");
    let tls = &gw["spec"]["tls"];
    assert_eq!(
        tls["frontend"]["default"]["validation"],
        serde_json::json!({"caCertificateRefs": [{"group": "", "kind": "ConfigMap", "name": "client-ca"}], "mode": "AllowInsecureFallback"})
    );
    assert_eq!(
        tls["frontend"]["perPort"][0]["tls"]["validation"]["caCertificateRefs"][0]["namespace"],
        "shop"
    );
    assert_eq!(
        tls["backend"]["clientCertificateRef"],
        serde_json::json!({"group": "", "kind": "Secret", "name": "gateway-client", "namespace": "shop"})
    );
    let policy = objs.iter().find(|o| o["kind"] == "BackendTLSPolicy").expect("policy");
    assert_eq!(policy["apiVersion"], "gateway.networking.k8s.io/v1");
    assert_eq!(policy["metadata"]["namespace"], "shop");
    assert_eq!(
        policy["spec"]["targetRefs"],
        serde_json::json!([{"group": "", "kind": "Service", "name": "auth", "sectionName": "https"}])
    );
    assert_eq!(policy["spec"]["validation"]["hostname"], "auth.shop.svc");
    let grants: Vec<(String, String)> = objs
        .iter()
        .filter(|o| o["kind"] == "ReferenceGrant")
        .map(|g| {
            (
                g["spec"]["to"][0]["kind"].as_str().unwrap_or_default().to_string(),
                g["spec"]["to"][0]["name"].as_str().unwrap_or_default().to_string(),
            )
        })
        .collect();
    assert!(
        grants.contains(&("ConfigMap".into(), "partner-ca".into())),
        "{grants:?}"
    );
    assert!(
        grants.contains(&("Secret".into(), "gateway-client".into())),
        "{grants:?}"
    );
}

#[test]
fn the_rendered_objects_pass_the_v1_6_1_crds() {
    let Some(data) = crate::common::shared_data() else {
        return;
    };
    let text = std::fs::read_to_string(data.join("gateway-api/v1.6.1/standard-install.yaml")).expect("crds");
    let set = gatewright::crd::CrdSet::from_yaml(&text, "v1.6.1").expect("crds load");
    let (_dir, outcome) = run(&valid());
    for o in objects(&outcome) {
        let bad: Vec<String> = set.validate(&o).into_iter().flatten().map(|v| v.to_string()).collect();
        assert!(bad.is_empty(), "{}: {bad:?}", o["kind"]);
    }
}

#[test]
fn both_features_are_gated_by_the_target_version() {
    let spec = valid().replace("gatewayApi: v1.6.1\n", "gatewayApi: v1.3.0\n");
    let (_dir, outcome) = run(&spec);
    let gated: Vec<(u32, &str)> = outcome
        .diagnostics
        .iter()
        .filter(|d| d.code == Code::FeatureTooNew)
        .map(|d| (d.loc.as_ref().expect("located").line, d.message.as_str()))
        .collect();
    assert_eq!(gated.len(), 2, "{:#?}", outcome.diagnostics);
    assert!(
        gated
            .iter()
            .any(|(l, m)| *l == line_of(&spec, "    tls:") + 1 && m.contains("gateway `tls`")),
        "{gated:?}"
    );
    assert!(
        gated
            .iter()
            .any(|(l, m)| *l == line_of(&spec, "sectionName: https") && m.contains("BackendTLSPolicy")),
        "{gated:?}"
    );
}

/// Each refusal of the class, one spec edit each: (edit, code, the line it points at).
#[test]
fn each_refusal_is_located() {
    let cases: &[(&str, &str, Code, &str)] = &[
        (
            "clientCertificateRef: shop/gateway-client",
            "clientCertificateRef: { kind: WrongKind, name: c }",
            Code::TlsRefKind,
            "WrongKind",
        ),
        (
            "caCertificateRefs: [auth-ca]",
            "caCertificateRefs: [{ group: invalid.io, kind: InvalidKind, name: x }]",
            Code::TlsRefKind,
            "InvalidKind",
        ),
        (
            "caCertificateRefs: [auth-ca]",
            "caCertificateRefs: [other/auth-ca]",
            Code::TlsRefNamespace,
            "other/auth-ca",
        ),
        (
            "hostname: auth.shop.svc",
            "hostname: '*.shop.svc'",
            Code::TlsHostname,
            "*.shop.svc",
        ),
        (
            "uri: 'spiffe://cluster.local/ns/shop/sa/auth'",
            "uri: 'not a uri'",
            Code::TlsHostname,
            "not a uri",
        ),
        (
            "caCertificateRefs: [auth-ca]",
            "wellKnownCACertificates: System\n        caCertificateRefs: [auth-ca]",
            Code::TlsValidationFields,
            "sectionName: https",
        ),
        (
            "caCertificateRefs: [auth-ca]",
            "wellKnownCACertificates: 'Not Valid'",
            Code::TlsValidationFields,
            "Not Valid",
        ),
        (
            "{ type: URI, uri:",
            "{ type: Hostname, uri:",
            Code::TlsValidationFields,
            "type: Hostname",
        ),
        ("{ port: 8443,", "{ port: 80,", Code::TlsPerPortNoListener, "port: 80,"),
        ("[client-ca], mode", "[], mode", Code::TlsOverLimit, "[], mode"),
        (
            "caCertificateRefs: [auth-ca]",
            "caCertificateRefs: [a, b, c, d, e, f, g, h, i]",
            Code::TlsOverLimit,
            "[a, b",
        ),
    ];
    for (from, to, code, at) in cases {
        let spec = valid().replacen(from, to, 1);
        assert_ne!(spec, valid(), "edit {from}");
        let (_dir, outcome) = run(&spec);
        let (d, line) = finding(&outcome, *code);
        assert!(d.is_error(), "{code} is an error");
        assert_eq!(line, line_of(&spec, at), "{code} for `{to}`: {d:#?}");
    }
}

#[test]
fn a_duplicate_per_port_is_refused_at_the_second() {
    let spec = valid().replace(
        "        - { port: 8443, tls: { validation: { caCertificateRefs: [shop/partner-ca] } } }\n",
        "        - { port: 8443, tls: { validation: { caCertificateRefs: [shop/partner-ca] } } }\n        - { port: 8443, tls: { validation: { caCertificateRefs: [again] } } }\n",
    );
    let (_dir, outcome) = run(&spec);
    let (_, line) = finding(&outcome, Code::TlsPerPortTwice);
    assert_eq!(line, line_of(&spec, "[again]"));
}

#[test]
fn two_policies_for_one_service_port_conflict_unless_allowed() {
    let second = "      auth-2: { service: auth, sectionName: https, hostname: other.shop.svc, wellKnownCACertificates: System }\n";
    let spec = format!("{}{second}", valid());
    let (_dir, outcome) = run(&spec);
    let (d, line) = finding(&outcome, Code::TlsPolicyConflict);
    assert_eq!(line, line_of(&spec, "auth-2:"));
    assert_eq!(d.related.len(), 1, "names the other policy");
    assert_eq!(d.related[0].0.line, line_of(&spec, "      auth:") + 1);
    let other_port = spec.replace(
        "auth, sectionName: https, hostname: other",
        "auth, sectionName: admin, hostname: other",
    );
    assert!(!run(&other_port).1.has_errors(), "another port is no conflict");
    let allowed = spec.replace(
        "wellKnownCACertificates: System }",
        "wellKnownCACertificates: System, allow: [GW375] }",
    );
    let (_dir, outcome) = run(&allowed);
    assert!(!outcome.has_errors(), "{:#?}", outcome.diagnostics);
}

#[test]
fn an_unknown_target_service_and_an_unowned_namespace_are_located_warnings() {
    let spec = valid()
        .replace("      auth:\n        sectionName", "      atuh:\n        sectionName")
        .replace(
            "clientCertificateRef: shop/gateway-client",
            "clientCertificateRef: security/gateway-client",
        );
    let (_dir, outcome) = run(&spec);
    assert!(!outcome.has_errors(), "{:#?}", outcome.diagnostics);
    let (d, line) = finding(&outcome, Code::TlsPolicyUnknownService);
    assert!(!d.is_error());
    assert_eq!(line, line_of(&spec, "atuh:") + 1);
    let (d, line) = finding(&outcome, Code::TlsRefNamespaceNotOwned);
    assert!(!d.is_error());
    assert_eq!(line, line_of(&spec, "security/gateway-client"));
}

#[test]
fn import_reads_gateway_tls_and_policies_and_renders_them_back() {
    let manifest = "apiVersion: gateway.networking.k8s.io/v1
kind: Gateway
metadata: { name: web, namespace: infra }
spec:
  gatewayClassName: istio
  listeners:
  - { name: https, protocol: HTTPS, port: 443, tls: { certificateRefs: [{ name: cert }] } }
  tls:
    frontend:
      default:
        validation:
          caCertificateRefs: [{ group: '', kind: ConfigMap, name: client-ca }]
      perPort:
      - port: 443
        tls: { validation: { caCertificateRefs: [{ group: '', kind: Service, name: odd }] } }
    backend:
      clientCertificateRef: { group: '', kind: Secret, name: client, namespace: infra }
---
apiVersion: gateway.networking.k8s.io/v1
kind: BackendTLSPolicy
metadata: { name: tls-upstream-dev, namespace: shop }
spec:
  targetRefs: [{ group: '', kind: Service, name: dev }]
  validation: { hostname: dev.example.com, wellKnownCACertificates: System }
";
    let dir = tempfile::tempdir().expect("tempdir");
    let input = dir.path().join("in.yaml");
    std::fs::write(&input, manifest).expect("write");
    let imported = gatewright::import::import(&gatewright::import::Options {
        paths: vec![input],
        ..Default::default()
    });
    assert!(imported.text.contains("gatewayApi: v1.6.1"), "{}", imported.text);
    assert!(
        imported.text.contains("clientCertificateRef: client"),
        "short form: {}",
        imported.text
    );
    assert!(
        imported.text.contains("GW370"),
        "the Service CA is allowed: {}",
        imported.text
    );
    let shop = &imported.site.apps["shop"].backend_tls["dev"];
    assert_eq!(shop.name.as_deref(), Some("tls-upstream-dev"));
    let (_d, outcome) = run(&imported.text);
    assert!(!outcome.has_errors(), "{:#?}", outcome.diagnostics);
    let objs = objects(&outcome);
    let policy = objs.iter().find(|o| o["kind"] == "BackendTLSPolicy").expect("policy");
    assert_eq!(policy["metadata"]["name"], "tls-upstream-dev");
    assert_eq!(policy["spec"]["validation"]["wellKnownCACertificates"], "System");
    let gw = objs.iter().find(|o| o["kind"] == "Gateway").expect("gateway");
    assert_eq!(
        gw["spec"]["tls"]["frontend"]["perPort"][0]["tls"]["validation"]["caCertificateRefs"][0]["kind"],
        "Service"
    );
}

#[test]
fn a_crd_violation_in_a_policy_or_gateway_tls_points_at_its_spec_line() {
    let Some(data) = crate::common::shared_data() else {
        return;
    };
    let crds = data.join("gateway-api/v1.6.1/standard-install.yaml");
    let long = "x".repeat(5000);
    let spec = valid().replace(
        "        hostname: auth.shop.svc\n",
        &format!("        hostname: auth.shop.svc\n        options: {{ example.com/x: {long} }}\n"),
    );
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("gatewright.yaml");
    std::fs::write(&path, &spec).expect("write spec");
    let out = crate::common::cli::gatewright()
        .args([
            "render".as_ref(),
            path.as_os_str(),
            "--stdout".as_ref(),
            "--crds".as_ref(),
            crds.as_os_str(),
        ])
        .output()
        .expect("run");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    let at = format!("gatewright.yaml:{}:", line_of(&spec, "options:"));
    assert!(stderr.contains(&at), "expected {at} in {stderr}");
}

/// A Service a TCP or TLS route sends to is one the app knows: no GW373.
#[test]
fn a_service_an_l4_route_sends_to_is_known() {
    let dir = tempfile::tempdir().expect("tempdir");
    let spec = dir.path().join("gatewright.yaml");
    std::fs::write(
        &spec,
        "apiVersion: gatewright.dev/v1alpha1\nkind: Site\ngatewayApi: v1.6.1\ngateways:\n  edge:\n    profile: istio\n    listeners:\n      tcp: { protocol: TCP, port: 9000 }\napps:\n  db:\n    tcpRoutes:\n      pg: { listener: tcp, to: \"postgres:5432\" }\n    backendTls:\n      postgres: { hostname: db.example.com, wellKnownCACertificates: System }\n",
    )
    .expect("write");
    let out = crate::common::cli::bin()
        .args(["render", spec.to_str().expect("utf-8"), "--stdout"])
        .output()
        .expect("run");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    assert!(!stderr.contains("GW373"), "{stderr}");
}
