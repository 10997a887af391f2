//! The routing summary covers GRPCRoutes: a re-pointed gRPC backend, an
//! added method match and a removed route show up, from the models and from
//! the rendered trees alike.

use gatewright::diff::routing::{ChangeKind, Routing, summarize};
use gatewright::driver::{Compiled, Options, compile};

const HEAD: &str = "apiVersion: gatewright.dev/v1alpha1
kind: Site
gatewayApi: v1.6.1
gateways:
  web:
    profile: aks-istio-external
    listeners:
      http: { hostname: '*.example.com', protocol: HTTP, port: 80, allowedRoutes: { from: All, kinds: [{kind: GRPCRoute}] } }
apps:
  shop:
    grpcRoutes:
      echo: { host: grpc.example.com, to: ECHO }
      search:
        host: grpc.example.com
        rules:
        - matches: [{method: {service: search.v1.Search, method: Query}}]
          backendRefs: [{name: search, port: 50051}]
EXTRA";

const ADDED_RULE: &str = "        - matches: [{method: {service: search.v1.Search, method: Suggest}}]
          backendRefs: [{name: suggest, port: 50051}]
";

fn compiled(text: &str) -> Compiled {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("gatewright.yaml");
    std::fs::write(&path, text).expect("write spec");
    let outcome = compile(&Options {
        spec: path,
        ..Options::default()
    });
    assert!(!outcome.has_errors(), "{:#?}", outcome.diagnostics);
    outcome.output.expect("output")
}

fn kinds(base: &Routing, head: &Routing) -> Vec<(ChangeKind, String)> {
    summarize(base, head).into_iter().map(|c| (c.kind, c.subject)).collect()
}

#[test]
fn grpc_routes_are_in_the_routing_summary() {
    let base = compiled(&HEAD.replace("ECHO", "echo:50051").replace("EXTRA", ""));
    let head = compiled(&HEAD.replace("ECHO", "echo-v2:50051").replace("EXTRA", ADDED_RULE));
    let expected = vec![
        (
            ChangeKind::Added,
            "grpc.example.com gRPC search.v1.Search/Suggest".to_string(),
        ),
        (ChangeKind::Repointed, "grpc.example.com gRPC */*".to_string()),
    ];
    assert_eq!(
        kinds(&Routing::from_model(&base.model), &Routing::from_model(&head.model)),
        expected,
        "from the models"
    );
    assert_eq!(
        kinds(
            &Routing::from_tree(base.tree().expect("a tree")),
            &Routing::from_tree(head.tree().expect("a tree"))
        ),
        expected,
        "from the rendered trees"
    );
    let removed = compiled(
        &HEAD
            .replace("ECHO", "echo:50051")
            .replace("EXTRA", "")
            .replace("      echo: { host: grpc.example.com, to: echo:50051 }\n", ""),
    );
    assert_eq!(
        kinds(&Routing::from_model(&base.model), &Routing::from_model(&removed.model)),
        vec![(ChangeKind::Removed, "grpc.example.com gRPC */*".to_string())]
    );
}
