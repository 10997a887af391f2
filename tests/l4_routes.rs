//! TLSRoutes, TCPRoutes and UDPRoutes (`tlsRoutes`, `tcpRoutes`,
//! `udpRoutes`): rendering, the v1.6.1 version gate (GW425), attachment
//! (GW360), conflicts (GW361), a TLS route without hostname (GW362),
//! import, and `trace` by SNI hostname.

use std::path::{Path, PathBuf};

use crate::common::cli::gatewright;
use crate::common::outside::shared_data;
use crate::common::spec_run::{run_in, spec_dir};

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/l4").join(name)
}

/// Exit code, stdout and stderr of `gatewright ARGS`, run in `tests/l4` (so file names print short).
fn run(args: &[&str]) -> (Option<i32>, String, String) {
    run_in(&fixture(""), args)
}

/// Write `spec` into a temporary directory and render it to stdout.
fn render_text(spec: &str) -> (Option<i32>, String, String) {
    let dir = spec_dir(&[("spec.yaml", spec)]);
    run_in(dir.path(), &["render", "spec.yaml", "--stdout"])
}

fn documents(stdout: &str) -> Vec<serde_json::Value> {
    stdout
        .split("\n---\n")
        .filter_map(|d| serde_yaml::from_str::<serde_json::Value>(d).ok())
        .filter(|v| v.get("kind").is_some())
        .collect()
}

fn object<'a>(docs: &'a [serde_json::Value], kind: &str, name: &str) -> &'a serde_json::Value {
    docs.iter()
        .find(|d| d["kind"] == kind && d["metadata"]["name"] == name)
        .unwrap_or_else(|| panic!("no {kind} {name} rendered"))
}

#[test]
fn renders_tls_tcp_and_udp_routes() {
    let (code, out, err) = run(&["render", "site.yaml", "--stdout"]);
    assert_eq!(code, Some(0), "{err}");
    let docs = documents(&out);
    let split = object(&docs, "TLSRoute", "split");
    assert_eq!(split["apiVersion"], "gateway.networking.k8s.io/v1");
    assert_eq!(
        split["spec"]["hostnames"],
        serde_json::json!(["a.aks.rocks", "b.aks.rocks"])
    );
    assert_eq!(split["metadata"]["labels"]["team"], "db");
    assert_eq!(split["spec"]["rules"][0]["name"], "main");
    assert_eq!(split["spec"]["rules"][0]["backendRefs"][1]["namespace"], "canary");
    assert_eq!(split["spec"]["rules"][0]["backendRefs"][1]["weight"], 10);
    let secure = object(&docs, "TLSRoute", "secure");
    assert_eq!(secure["spec"]["hostnames"], serde_json::json!(["db.aks.rocks"]));
    assert_eq!(secure["spec"]["rules"][0]["backendRefs"][0]["port"], 5432);
    let pg = object(&docs, "TCPRoute", "pg");
    assert_eq!(pg["spec"]["parentRefs"][0]["sectionName"], "pg");
    assert!(pg["spec"].get("hostnames").is_none());
    let dns = object(&docs, "UDPRoute", "dns");
    assert_eq!(dns["spec"]["rules"][0]["backendRefs"][0]["name"], "coredns");
    let grant = object(&docs, "ReferenceGrant", "tlsroutes-from-db");
    assert_eq!(grant["spec"]["from"][0]["kind"], "TLSRoute");
    assert_eq!(grant["spec"]["to"][0]["name"], "postgres-canary");
    let Some(data) = shared_data() else { return };
    let crds = std::fs::read_to_string(data.join("gateway-api/v1.6.1/standard-install.yaml")).expect("CRDs");
    let set = gatewright::crd::CrdSet::from_yaml(&crds, "v1.6.1").expect("CRDs load");
    for d in &docs {
        let invalid: Vec<String> = set.validate(d).into_iter().flatten().map(|v| v.to_string()).collect();
        assert!(invalid.is_empty(), "{}: {invalid:?}", d["kind"]);
    }
}

#[test]
fn older_targets_refuse_the_kinds_with_a_located_error() {
    let (code, _, err) = run(&["render", "old.yaml", "--stdout"]);
    assert_eq!(code, Some(1), "{err}");
    for (what, at) in [
        ("a TLS route (TLSRoute)", "old.yaml:15:15"),
        ("a TCP route (TCPRoute)", "old.yaml:25:11"),
        ("a UDP route (UDPRoute)", "old.yaml:27:12"),
    ] {
        assert!(
            err.contains(&format!(
                "error[GW425]: {what} needs Gateway API v1.6.1 (standard channel); this spec targets v1.1.0"
            )),
            "{err}"
        );
        assert!(err.contains(at), "{at} missing in {err}");
    }
    assert!(err.contains("set `gatewayApi: v1.6.1`"), "{err}");
    let site = std::fs::read_to_string(fixture("site.yaml")).expect("read");
    for v in ["v1.2.1", "v1.3.0"] {
        let (code, _, err) = render_text(&site.replace("gatewayApi: v1.6.1", &format!("gatewayApi: {v}")));
        assert_eq!(code, Some(1), "{v}: {err}");
        assert_eq!(err.matches("error[GW425]").count(), 4, "{v}: {err}");
        assert!(err.contains(&format!("this spec targets {v}")), "{err}");
    }
}

#[test]
fn a_tls_route_that_no_tls_listener_takes_is_gw360() {
    let (code, _, err) = run(&["render", "attach.yaml", "--stdout"]);
    assert_eq!(code, Some(1), "{err}");
    assert!(
        err.contains("error[GW360]: TLSRoute `pg` attaches to no listener of gateway `edge`: listener `https` is HTTPS, not TLS; `tls` serves hostname *.aks.rocks, none of the route's"),
        "{err}"
    );
    assert!(err.contains("attach.yaml:15:11"), "{err}");
    assert!(err.contains("help: add a `TLS` listener"), "{err}");
    let allowed = std::fs::read_to_string(fixture("attach.yaml"))
        .expect("read")
        .replace("to: postgres:5432 }", "to: postgres:5432, allow: [GW360] }");
    let (code, out, err) = render_text(&allowed);
    assert_eq!(code, Some(0), "{err}");
    assert!(out.contains("kind: TLSRoute"), "{out}");
}

const GATEWAY: &str = "apiVersion: gatewright.dev/v1alpha1
kind: Site
gatewayApi: v1.6.1
gateways:
  edge:
    namespace: infra
    className: istio
    allowedRoutes: { from: All }
    listeners:
      tls-only: { protocol: TCP, port: 9000, allowedRoutes: { from: All, kinds: [{ kind: TLSRoute }] } }
      pg: { protocol: TCP, port: 5432 }
      dns: { protocol: UDP, port: 53 }
apps:
  db:
";

#[test]
fn tcp_and_udp_attach_by_protocol_kind_section_and_port() {
    let cases = [
        (
            "    tcpRoutes: { pg: { listener: tls-only, to: postgres:5432 } }\n",
            "TCPRoute `pg` attaches to no listener of gateway `edge`: listener `tls-only` does not admit TCPRoutes (`allowedRoutes.kinds`)",
        ),
        (
            "    udpRoutes: { dns: { listener: pg, to: coredns:53 } }\n",
            "UDPRoute `dns` attaches to no listener of gateway `edge`: listener `pg` is TCP, not UDP",
        ),
        (
            "    udpRoutes: { dns: { parentRefs: [{ name: edge, namespace: infra, port: 54 }], to: coredns:53 } }\n",
            "UDPRoute `dns` attaches to no listener of gateway `edge`: it has no listener with that `sectionName`/`port`",
        ),
    ];
    for (app, want) in cases {
        let (code, _, err) = render_text(&format!("{GATEWAY}{app}"));
        assert_eq!(code, Some(1), "{app}: {err}");
        assert!(err.contains(&format!("error[GW360]: {want}")), "{app}: {err}");
        assert!(err.contains("spec.yaml:15:"), "{err}");
    }
    let fine = "    tcpRoutes: { pg: { parentRefs: [{ name: edge, namespace: infra, port: 5432 }], to: postgres:5432 } }\n    udpRoutes: { dns: { to: coredns:53 } }\n";
    let (code, out, err) = render_text(&format!("{GATEWAY}{fine}"));
    assert_eq!(code, Some(0), "{err}");
    assert!(out.contains("port: 5432") && out.contains("kind: UDPRoute"), "{out}");
}

#[test]
fn two_routes_on_one_tcp_listener_or_one_sni_hostname_are_gw361() {
    let (code, _, err) = run(&["render", "conflict.yaml", "--stdout"]);
    assert_eq!(code, Some(1), "{err}");
    assert!(
        err.contains("error[GW361]: TCPRoutes `cache/redis` and `db/pg` both take listener `pg` of gateway `edge`\n"),
        "{err}"
    );
    assert!(
        err.contains("error[GW361]: TLSRoutes `cache/b` and `db/a` both take listener `tls` of gateway `edge` with SNI hostname `db.aks.rocks`"),
        "{err}"
    );
    for at in ["conflict.yaml:15:11", "conflict.yaml:17:10"] {
        assert!(err.contains(at), "{at}: {err}");
    }
    assert!(err.contains("taken here first"), "{err}");
    let spec = std::fs::read_to_string(fixture("conflict.yaml")).expect("read");
    let other_host = spec.replace("b: { host: db.aks.rocks", "b: { host: cache.aks.rocks");
    let (_, _, err) = render_text(&other_host);
    assert_eq!(err.matches("error[GW361]").count(), 1, "{err}");
    let allowed = other_host.replace("redis: { listener: pg,", "redis: { allow: [GW361], listener: pg,");
    let (code, _, err) = render_text(&allowed);
    assert_eq!(code, Some(0), "{err}");
}

#[test]
fn a_tls_route_needs_a_hostname_and_one_rule_with_backends() {
    let base = "apiVersion: gatewright.dev/v1alpha1
kind: Site
gatewayApi: v1.6.1
gateways:
  edge: { namespace: infra, className: istio, listeners: { tls: { protocol: TLS, port: 443, tls: { mode: Passthrough } } } }
apps:
  db:
    tlsRoutes:
";
    let cases = [
        (
            "      pg: { to: postgres:5432 }\n",
            "error[GW362]: TLS route `pg` has no hostname",
            "spec.yaml:9:11",
        ),
        (
            "      pg: { host: db.aks.rocks, rules: [{ backendRefs: [] }] }\n",
            "error[GW313]: a rule of TLSRoute `pg` has no backend",
            "spec.yaml:9:",
        ),
        (
            "      pg: { host: db.aks.rocks, rules: [{ backendRefs: [{ name: a, port: 1 }] }, { backendRefs: [{ name: b, port: 1 }] }] }\n",
            "error[GW408]: rules of TLSRoute `pg`: 2, more than the 1 Gateway API v1.6.1 allows",
            "spec.yaml:9:",
        ),
        (
            "      pg: { host: db.aks.rocks, to: postgres }\n",
            "error[GW314]: `to: postgres` is not `SERVICE:PORT`",
            "spec.yaml:9:",
        ),
    ];
    for (route, want, at) in cases {
        let (code, _, err) = render_text(&format!("{base}{route}"));
        assert_eq!(code, Some(1), "{route}: {err}");
        assert!(err.contains(want), "{route}: {err}");
        assert!(err.contains(at), "{route}: {err}");
    }
}

#[test]
fn import_writes_the_short_form_and_renders_the_same_objects() {
    let dir = tempfile::tempdir().expect("tempdir");
    let (code, out, err) = run(&["render", "site.yaml", "--stdout"]);
    assert_eq!(code, Some(0), "{err}");
    std::fs::write(dir.path().join("objects.yaml"), &out).expect("write");
    let (_, spec, _) = run_in(dir.path(), &["import", "objects.yaml"]);
    assert!(
        spec.contains("tlsRoutes:") && spec.contains("tcpRoutes:") && spec.contains("udpRoutes:"),
        "{spec}"
    );
    assert!(
        spec.contains("host: db.aks.rocks") && spec.contains("to: postgres:5432"),
        "{spec}"
    );
    assert!(spec.contains("gatewayApi: v1.6.1"), "{spec}");
    let (code, again, err) = render_text(&spec);
    assert_eq!(code, Some(0), "{err}\n{spec}");
    let (before, after) = (documents(&out), documents(&again));
    for (kind, name) in [
        ("TLSRoute", "split"),
        ("TLSRoute", "secure"),
        ("TCPRoute", "pg"),
        ("UDPRoute", "dns"),
    ] {
        assert_eq!(
            object(&before, kind, name)["spec"],
            object(&after, kind, name)["spec"],
            "{kind} {name}"
        );
    }
}

#[test]
fn trace_routes_a_tls_connection_by_sni_and_tcp_by_port() {
    let (code, out, err) = run(&["trace", "site.yaml", "tls://b.aks.rocks"]);
    assert_eq!(code, Some(0), "{err}");
    assert!(out.starts_with("tls://b.aks.rocks:443\n"), "{out}");
    assert!(out.contains("listener tls"), "{out}");
    assert!(out.contains("TLSRoute db/split rule 0 `main` (site.yaml:21)"), "{out}");
    assert!(out.contains("postgres-canary"), "{out}");
    let (_, out, _) = run(&["trace", "site.yaml", "tls://db.aks.rocks:443"]);
    assert!(out.contains("TLSRoute db/secure rule 0"), "{out}");
    let (_, out, _) = run(&["trace", "site.yaml", "tls://other.example.com"]);
    assert!(!out.contains("TLSRoute"), "{out}");
    let (_, out, err) = run(&["trace", "site.yaml", "tcp://anything:5432"]);
    assert!(
        out.contains("listener pg") && out.contains("TCPRoute db/pg"),
        "{out}{err}"
    );
    let (_, out, err) = run(&["trace", "site.yaml", "udp://anything:53"]);
    assert!(
        out.contains("listener dns") && out.contains("UDPRoute db/dns"),
        "{out}{err}"
    );
    let (code, _, err) = run(&["trace", "site.yaml", "tcp://anything"]);
    assert_eq!(code, Some(2), "{err}");
    assert!(err.contains("expected `:PORT` after the host"), "{err}");
}

#[test]
fn validate_checks_the_kinds_against_the_crds_given() {
    let Some(data) = shared_data() else { return };
    let dir = tempfile::tempdir().expect("tempdir");
    let (code, out, err) = run(&["render", "site.yaml", "--stdout"]);
    assert_eq!(code, Some(0), "{err}");
    let rendered = dir.path().join("out.yaml");
    std::fs::write(&rendered, out).expect("write");
    let crds = |v: &str| data.join(format!("gateway-api/{v}/standard-install.yaml"));
    let validate = |v: &str| {
        let o = gatewright()
            .arg("validate")
            .arg(&rendered)
            .arg("--crds")
            .arg(crds(v))
            .output()
            .expect("run");
        (o.status.code(), String::from_utf8_lossy(&o.stderr).into_owned())
    };
    let (code, err) = validate("v1.6.1");
    assert_eq!(code, Some(0), "{err}");
    let (code, err) = validate("v1.3.0");
    assert_eq!(code, Some(1), "{err}");
    for kind in ["TLSRoute", "TCPRoute", "UDPRoute"] {
        assert!(
            err.contains(&format!(
                "error[GW807]: the API server would refuse this object: no matches for kind \"{kind}\""
            )),
            "{kind}: {err}"
        );
    }
}

#[test]
fn backend_ports_and_weights_out_of_the_api_bounds_are_located() {
    let spec = std::fs::read_to_string(fixture("site.yaml"))
        .expect("read")
        .replace("port: 5432, weight: 90", "port: 0, weight: 2000000");
    let (code, _, err) = render_text(&spec);
    assert_eq!(code, Some(1), "{err}");
    assert!(err.contains("spec.yaml:23:41"), "{err}");
    assert!(
        err.contains("at apps.db.tlsRoutes.split.rules.0.backendRefs.0.port"),
        "{err}"
    );
    assert!(
        err.contains("at apps.db.tlsRoutes.split.rules.0.backendRefs.0.weight"),
        "{err}"
    );
}
