//! Issue 18, must-show 4: `kubectl kustomize` builds the rendered tree of a
//! LoadBalancer import whose manifest holds its own Namespace and a port
//! with `protocol: TCP` and a `nodePort`, and the built Service is one the
//! API server accepts as `ClusterIP` (no `nodePort`, no LoadBalancer-only field).

use crate::common;
use crate::common::imports;

use common::program;
use serde_json::Value;

#[test]
fn kustomize_builds_a_loadbalancer_import_with_its_own_namespace() {
    let Some(kubectl) = program("kubectl") else { return };
    let run = imports::import_fixtures(&["lb-namespace.yaml"], &[]);
    let r = run.render();
    assert_eq!(r.code, Some(0), "{:?}", r.errors());
    let out = std::process::Command::new(kubectl)
        .arg("kustomize")
        .arg(&r.out)
        .output()
        .expect("run kubectl kustomize");
    assert!(
        out.status.success(),
        "kubectl kustomize fails: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let objects = common::parse_stream(&String::from_utf8_lossy(&out.stdout));
    let of = |kind: &str| -> Vec<&Value> { objects.iter().filter(|o| o["kind"] == kind).collect() };
    let namespaces = of("Namespace");
    assert_eq!(namespaces.len(), 1, "one Namespace `shop`: {namespaces:?}");
    assert_eq!(namespaces[0]["metadata"]["name"], "shop");
    let services = of("Service");
    assert_eq!(services.len(), 1, "{services:?}");
    let spec = &services[0]["spec"];
    assert_eq!(spec["type"], "ClusterIP");
    let ports = spec["ports"].as_array().expect("ports");
    assert_eq!(
        ports.len(),
        1,
        "the patch merged into the port, not beside it: {ports:?}"
    );
    assert_eq!(ports[0]["protocol"], "TCP");
    assert!(
        ports[0].get("nodePort").is_none(),
        "a ClusterIP Service has no nodePort: {ports:?}"
    );
    for field in gatewright::load::NON_CLUSTER_IP_FIELDS {
        assert!(
            spec.get(*field).is_none(),
            "`{field}` is left on a ClusterIP Service: {spec}"
        );
    }
}
