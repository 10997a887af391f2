//! The places beyond rendering that see TLSRoutes, TCPRoutes and UDPRoutes:
//! `diff` (the routing summary, from models and from rendered trees, and the
//! requests whose outcome changes: TLS by SNI hostname, TCP and UDP by
//! listener port), the namespace labels `import` adds for a `Selector`
//! listener, and the label gatewright stamps for a `Selector` without selector.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use gatewright::diff::behaviour;
use gatewright::diff::routing::{ChangeKind, Routing, summarize};
use gatewright::driver::{Compiled, Options, compile};
use gatewright::trace;

use crate::common::cli::gatewright;

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/l4_more").join(name)
}

fn compiled(name: &str) -> Compiled {
    let outcome = compile(&Options {
        spec: fixture(name),
        ..Options::default()
    });
    assert!(!outcome.has_errors(), "{name}: {:#?}", outcome.diagnostics);
    outcome.output.expect("output")
}

fn summary(base: &Routing, head: &Routing) -> Vec<(ChangeKind, String)> {
    summarize(base, head).into_iter().map(|c| (c.kind, c.subject)).collect()
}

/// base.yaml → head.yaml: a TLS backend and weights change, a TLS hostname
/// changes, a TCP route moves to another port, a UDP route goes.
#[test]
fn diff_summary_covers_tls_tcp_and_udp_routes() {
    let (base, head) = (compiled("base.yaml"), compiled("head.yaml"));
    let expected = vec![
        (ChangeKind::Added, "infra/edge TCP listener pg2".to_string()),
        (ChangeKind::Added, "new.aks.rocks TLS".to_string()),
        (ChangeKind::Removed, "infra/edge TCP listener pg".to_string()),
        (ChangeKind::Removed, "infra/edge UDP listener dns".to_string()),
        (ChangeKind::Removed, "old.aks.rocks TLS".to_string()),
        (ChangeKind::Repointed, "a.aks.rocks TLS".to_string()),
        (ChangeKind::Repointed, "db.aks.rocks TLS".to_string()),
    ];
    let from_models = summary(&Routing::from_model(&base.model), &Routing::from_model(&head.model));
    assert_eq!(from_models, expected, "from the models");
    let from_trees = summary(
        &Routing::from_tree(base.tree().expect("a tree")),
        &Routing::from_tree(head.tree().expect("a tree")),
    );
    assert_eq!(from_trees, expected, "from the rendered trees");
    let weights = summarize(&Routing::from_model(&base.model), &Routing::from_model(&head.model));
    let split = weights.iter().find(|c| c.subject == "a.aks.rocks TLS").expect("split");
    assert_eq!(
        split.before.as_deref(),
        Some("db/canary:5432 (weight 10), db/postgres:5432 (weight 90)")
    );
    assert_eq!(
        split.after.as_deref(),
        Some("db/canary:5432 (weight 50), db/postgres:5432 (weight 50)")
    );
}

#[test]
fn diff_behaviour_probes_tls_by_sni_and_tcp_udp_by_port() {
    let (base, head) = (compiled("base.yaml"), compiled("head.yaml"));
    let b = behaviour::compare(
        &trace::tree_inputs(base.tree().expect("a tree")),
        &trace::tree_inputs(head.tree().expect("a tree")),
    );
    let changed: BTreeSet<&str> = b.changes.iter().map(|c| c.request.as_str()).collect();
    let expected: BTreeSet<&str> = [
        "tls://a.aks.rocks:443",
        "tls://db.aks.rocks:443",
        "tls://new.aks.rocks:443",
        "tls://old.aks.rocks:443",
        "tcp://probe.invalid:5432",
        "tcp://probe.invalid:6432",
        "udp://probe.invalid:53",
    ]
    .into_iter()
    .collect();
    assert_eq!(changed, expected, "{:#?}", b.changes);
    let outcome = |req: &str| {
        let c = b.changes.iter().find(|c| c.request == req).expect("a change");
        (c.gateway.as_str(), c.before.as_str(), c.after.as_str())
    };
    assert_eq!(
        outcome("tls://db.aks.rocks:443"),
        ("infra/edge", "200 db/postgres:5432", "200 db/postgres-v2:5432")
    );
    assert_eq!(
        outcome("tls://old.aks.rocks:443"),
        ("infra/edge", "200 db/legacy:5432", "404")
    );
    assert_eq!(
        outcome("tcp://probe.invalid:6432"),
        ("infra/edge", "404", "200 db/postgres:5432")
    );
    assert_eq!(
        outcome("udp://probe.invalid:53"),
        ("infra/edge", "200 db/coredns:53", "404")
    );
    assert!(b.hosts.contains(&"tcp://*:5432".to_string()), "{:?}", b.hosts);
    assert!(
        !b.hosts.contains(&"*".to_string()),
        "a TCP change is not every host: {:?}",
        b.hosts
    );
}

/// Only the TCP route's port changes: its probes go through, no HTTP or TLS one.
#[test]
fn diff_of_a_tcp_change_probes_only_the_tcp_listeners_it_touches() {
    let base = compiled("base.yaml");
    let dir = tempfile::tempdir().expect("tempdir");
    let text = std::fs::read_to_string(fixture("base.yaml")).expect("base");
    let spec = dir.path().join("spec.yaml");
    std::fs::write(&spec, text.replace("{ listener: pg, to:", "{ listener: pg2, to:")).expect("write");
    let outcome = compile(&Options {
        spec,
        ..Options::default()
    });
    let head = outcome.output.expect("output");
    let b = behaviour::compare(
        &trace::tree_inputs(base.tree().expect("a tree")),
        &trace::tree_inputs(head.tree().expect("a tree")),
    );
    assert_eq!(b.probes, 2, "one connection per TCP port touched: {b:#?}");
    assert_eq!(b.hosts, vec!["tcp://*:5432".to_string(), "tcp://*:6432".to_string()]);
    assert_eq!(b.changes.len(), 2, "{:#?}", b.changes);
}

fn render(spec: &str, out: &Path) {
    let o = gatewright()
        .args([
            "render".as_ref(),
            fixture(spec).as_os_str(),
            "--out".as_ref(),
            out.as_os_str(),
        ])
        .output()
        .expect("run gatewright");
    assert_eq!(o.status.code(), Some(0), "{}", String::from_utf8_lossy(&o.stderr));
}

#[test]
fn diff_trees_prints_l4_changes_and_exits_1() {
    let dir = tempfile::tempdir().expect("tempdir");
    let (old, new) = (dir.path().join("old"), dir.path().join("new"));
    render("base.yaml", &old);
    render("head.yaml", &new);
    let o = gatewright()
        .args(["diff".as_ref(), "--trees".as_ref(), old.as_os_str(), new.as_os_str()])
        .output()
        .expect("run gatewright");
    let out = String::from_utf8_lossy(&o.stdout);
    assert_eq!(o.status.code(), Some(1), "{out}");
    for line in [
        "  ~ db.aks.rocks TLS: db/postgres:5432 → db/postgres-v2:5432 (route db/secure)",
        "  - infra/edge UDP listener dns (was db/coredns:53) (route db/dns)",
        "  ~ tls://db.aks.rocks:443: 200 db/postgres:5432 → 200 db/postgres-v2:5432",
        "  ~ tcp://probe.invalid:5432: 200 db/postgres:5432 → 404",
    ] {
        assert!(out.lines().any(|l| l == line), "missing `{line}` in:\n{out}");
    }
    let same = gatewright()
        .args(["diff".as_ref(), "--trees".as_ref(), old.as_os_str(), old.as_os_str()])
        .output()
        .expect("run gatewright");
    assert_eq!(same.status.code(), Some(0));
}

/// Each route kind's namespace gets the labels its `Selector` listener
/// admits by; a route reaches only listeners of its protocol (and `port`).
#[test]
fn import_labels_namespaces_for_every_route_kind() {
    let imported = gatewright::import::import(&gatewright::import::Options {
        paths: vec![fixture("selector.yaml")],
        ..Default::default()
    });
    let label = |ns: &str, key: &str| {
        let app = imported.site.apps.get(ns).unwrap_or_else(|| panic!("no app {ns}"));
        app.labels.get(key).cloned()
    };
    for (ns, key) in [
        ("tls-app", "edge-tls"),
        ("tcp-app", "edge-tcp"),
        ("udp-app", "edge-udp"),
    ] {
        assert_eq!(label(ns, key).as_deref(), Some("yes"), "{ns}:\n{}", imported.text);
    }
    assert_eq!(
        label("tcp-app", "edge-tls"),
        None,
        "a TCP route never reaches a TLS listener"
    );
    assert!(
        !imported.text.contains("routes: {}"),
        "an app without HTTP routes has no empty `routes`:\n{}",
        imported.text
    );
    assert!(
        !imported.text.contains("GW360"),
        "every route attaches, none needs `allow: [GW360]`:\n{}",
        imported.text
    );
    let warned: BTreeSet<String> = imported
        .diagnostics
        .iter()
        .filter(|d| d.code.as_str() == "GW912")
        .map(|d| d.message.clone())
        .collect();
    assert_eq!(warned.len(), 4, "one warning per namespace labelled: {warned:#?}");
}

/// An HTTPRoute without `sectionName` on a gateway whose only `from: All`
/// listener is a TCP one: that listener never takes it, so its namespace
/// still needs the HTTP listener's `Selector` labels.
#[test]
fn import_labels_http_routes_by_the_listeners_of_their_protocol() {
    let imported = gatewright::import::import(&gatewright::import::Options {
        paths: vec![fixture("selector.yaml")],
        ..Default::default()
    });
    let app = imported.site.apps.get("web-app").expect("web-app");
    assert_eq!(
        app.labels.get("edge-web").map(String::as_str),
        Some("yes"),
        "{}",
        imported.text
    );
}

/// `allowedRoutes: {from: Selector}` without selector: the namespace of an
/// app with only a TLS, TCP or UDP route gets the gateway's label, so the route attaches.
#[test]
fn render_stamps_the_selector_label_for_l4_only_apps() {
    let c = compiled("stamp.yaml");
    for ns in ["tls-app", "tcp-app", "udp-app"] {
        let n = c.model.namespaces.iter().find(|n| n.name == ns).expect("namespace");
        assert_eq!(
            n.labels.get("gatewright.dev/gateway-edge").map(String::as_str),
            Some("true"),
            "{ns}"
        );
    }
}

fn compile_text(text: &str) -> gatewright::Outcome {
    let dir = tempfile::tempdir().expect("tempdir");
    let spec = dir.path().join("spec.yaml");
    std::fs::write(&spec, text).expect("write");
    compile(&Options {
        spec,
        ..Options::default()
    })
}

fn codes(o: &gatewright::Outcome) -> Vec<(String, String)> {
    o.diagnostics
        .iter()
        .map(|d| (d.code.as_str().to_string(), d.message.clone()))
        .collect()
}

/// An app's TCP and UDP routes name its own ListenerSet listeners, as its HTTP routes do.
#[test]
fn l4_routes_attach_to_the_apps_own_listeners() {
    let text = std::fs::read_to_string(fixture("team.yaml")).expect("team");
    let o = compile_text(&text.replace("LISTENER", "pg"));
    assert!(!o.has_errors(), "{:#?}", codes(&o));
    let model = &o.output.expect("output").model;
    let pg = model.l4_routes.iter().find(|r| r.name == "pg").expect("pg");
    let parent = &pg.parent_refs[0];
    assert_eq!(
        (
            parent.kind.as_deref(),
            parent.name.as_str(),
            parent.section_name.as_deref()
        ),
        (Some("ListenerSet"), "shop", Some("pg"))
    );
    let o = compile_text(&text.replace("LISTENER", "dns"));
    assert_eq!(
        codes(&o),
        vec![(
            "GW360".to_string(),
            "TCPRoute `pg` attaches to no listener of ListenerSet `shop/shop`: listener `dns` is UDP, not TCP"
                .to_string()
        )]
    );
}

/// A TCP or gRPC route's parentRef to a gateway in the wrong namespace is
/// GW412, to a gateway the spec does not define a GW414 warning, as for HTTP routes.
#[test]
fn parent_refs_of_every_route_kind_name_existing_gateways() {
    let text = std::fs::read_to_string(fixture("parents.yaml")).expect("parents");
    let o = compile_text(&text);
    let found = codes(&o);
    for (code, message) in [
        (
            "GW412",
            "TCPRoute `db/pg` refers to gateway `db/edge`, which does not exist",
        ),
        (
            "GW412",
            "GRPCRoute `db/g` refers to gateway `db/edge`, which does not exist",
        ),
        (
            "GW414",
            "TCPRoute `db/other` attaches to gateway `x/elsewhere`, which this spec does not define",
        ),
    ] {
        assert!(
            found.iter().any(|(c, m)| c == code && m == message),
            "missing {code} {message}: {found:#?}"
        );
    }
}

/// A `--requests` line may be a TLS, TCP or UDP URL alone (a connection has no method).
#[test]
fn trace_requests_file_takes_connections() {
    let dir = tempfile::tempdir().expect("tempdir");
    let file = dir.path().join("requests.txt");
    std::fs::write(
        &file,
        "# connections\ntls://db.aks.rocks\nTCP://probe.invalid:5432\nudp://x:53\nGET tls://a.aks.rocks:443\n",
    )
    .expect("write");
    let o = gatewright()
        .args(["trace".as_ref(), fixture("base.yaml").as_os_str()])
        .args(["--requests".as_ref(), file.as_os_str()])
        .output()
        .expect("run gatewright");
    let out = String::from_utf8_lossy(&o.stdout);
    assert_eq!(o.status.code(), Some(0), "{}", String::from_utf8_lossy(&o.stderr));
    let routes: Vec<(String, String)> = out
        .lines()
        .map(|l| serde_json::from_str::<serde_json::Value>(l).expect("one JSON object per line"))
        .map(|v| {
            let s = |p: &str| v.pointer(p).and_then(|x| x.as_str()).unwrap_or_default().to_string();
            (s("/route/kind"), s("/route/name"))
        })
        .collect();
    let expected = [
        ("TLSRoute", "secure"),
        ("TCPRoute", "pg"),
        ("UDPRoute", "dns"),
        ("TLSRoute", "split"),
    ];
    let expected: Vec<(String, String)> = expected.iter().map(|(k, n)| (k.to_string(), n.to_string())).collect();
    assert_eq!(routes, expected);
}
