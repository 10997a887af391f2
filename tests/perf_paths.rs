//! The fast paths of `render` (issue 20): vendored manifests in plain block
//! YAML are read without spans, anything else by the full reader. Both must
//! give the same output, and a malformed manifest must still be located.

use std::path::Path;

use crate::common::cli::gatewright;

/// A spec of `apps` apps, each with two Services patched to ClusterIP.
fn spec(apps: usize) -> String {
    let mut s = String::from(
        "apiVersion: gatewright.dev/v1alpha1\nkind: Site\nmesh:\n  revision: asm-1-22\ngateways:\n  gateway-external:\n    \
         profile: aks-istio-external\n    listeners:\n      http: { hostname: \"*.example.com\", protocol: HTTP, port: 80 }\napps:\n",
    );
    for i in 1..=apps {
        s.push_str(&format!(
            "  app-{i}:\n    services: [front-{i}, admin-{i}]\n    manifests: [manifests/app-{i}.yaml]\n    routes:\n      \
             front-{i}: {{ host: front-{i}.example.com, to: front-{i}:80 }}\n      \
             admin-{i}: {{ host: admin-{i}.example.com, to: admin-{i}:80 }}\n"
        ));
    }
    s
}

/// App `i`'s manifest: plain block YAML, or the same objects with comments
/// and quotes (which only the full reader reads). `front` sets a nodePort and
/// `externalTrafficPolicy`, which the patch must null.
fn manifest(i: usize, plain: bool) -> String {
    let (q, note) = if plain { ("", "") } else { ("\"", "  # vendored\n") };
    format!(
        "---\napiVersion: v1\nkind: Service\nmetadata:\n  name: {q}front-{i}{q}\n{note}spec:\n  type: LoadBalancer\n  \
         externalTrafficPolicy: Local\n  ports:\n  - name: http\n    port: 80\n    targetPort: 8080\n    nodePort: 3{i:04}\n    \
         protocol: TCP\n---\napiVersion: v1\nkind: Service\nmetadata:\n  name: admin-{i}\nspec:\n  type: LoadBalancer\n  \
         ports:\n  - port: 80\n"
    )
}

fn workload(dir: &Path, apps: usize, plain: bool) -> std::path::PathBuf {
    std::fs::create_dir_all(dir.join("manifests")).expect("mkdir");
    for i in 1..=apps {
        std::fs::write(dir.join(format!("manifests/app-{i}.yaml")), manifest(i, plain)).expect("manifest");
    }
    let path = dir.join("gatewright.yaml");
    std::fs::write(&path, spec(apps)).expect("spec");
    path
}

fn stdout_of(spec: &Path) -> Vec<u8> {
    let o = gatewright()
        .arg("render")
        .arg(spec)
        .arg("--stdout")
        .output()
        .expect("run");
    assert_eq!(o.status.code(), Some(0), "{}", String::from_utf8_lossy(&o.stderr));
    o.stdout
}

#[test]
fn plain_and_decorated_manifests_render_the_same_stream() {
    let dir = tempfile::tempdir().expect("tempdir");
    let plain = stdout_of(&workload(&dir.path().join("plain"), 30, true));
    let decorated = stdout_of(&workload(&dir.path().join("decorated"), 30, false));
    assert_eq!(String::from_utf8_lossy(&plain), String::from_utf8_lossy(&decorated));
    let text = String::from_utf8_lossy(&plain);
    assert!(text.contains("externalTrafficPolicy: null"), "{text}");
    assert!(text.contains("nodePort: null"), "{text}");
}

#[test]
fn a_malformed_plain_manifest_is_still_located() {
    let dir = tempfile::tempdir().expect("tempdir");
    let spec = workload(dir.path(), 3, true);
    let bad = manifest(2, true).replacen("  type: LoadBalancer\n", "  type: LoadBalancer\n  type: ClusterIP\n", 1);
    std::fs::write(dir.path().join("manifests/app-2.yaml"), bad).expect("write");
    let o = gatewright()
        .arg("render")
        .arg(&spec)
        .arg("--stdout")
        .output()
        .expect("run");
    let err = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(1), "{err}");
    assert!(
        err.contains("app-2.yaml` is not valid YAML: 8:3: duplicate key `type`"),
        "{err}"
    );
    assert!(o.stdout.is_empty());
}
