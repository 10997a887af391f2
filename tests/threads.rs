//! Output does not depend on the number of threads: manifests are read,
//! objects rendered and files written on every core, and the bytes, the
//! tree and the diagnostics must be the same with one thread as with many.

use crate::common;

use std::path::Path;

use common::cli::{gatewright, snapshot};

const APPS: usize = 40;

/// A spec directory: `APPS` apps, each with two routes and a vendored
/// manifest whose two Services it patches (the benchmark's shape), and
/// `broken` apps whose manifests are missing, invalid or lack the Service.
fn site(dir: &Path, broken: bool) {
    let mut spec = String::from(
        "apiVersion: gatewright.dev/v1alpha1\nkind: Site\nmesh:\n  revision: asm-1-22\ngateways:\n  web:\n    profile: aks-istio-external\n    listeners:\n      http: { hostname: \"*.example.com\", protocol: HTTP, port: 80 }\napps:\n",
    );
    std::fs::create_dir(dir.join("manifests")).expect("manifests");
    for i in 0..APPS {
        spec.push_str(&format!(
            "  app-{i}:\n    services: [front-{i}, admin-{i}]\n    manifests: [manifests/app-{i}.yaml]\n    routes:\n      front-{i}: {{ host: front-{i}.example.com, to: front-{i}:80 }}\n      admin-{i}: {{ host: admin-{i}.example.com, to: admin-{i}:80 }}\n"
        ));
        let manifest: String = ["front", "admin"]
            .iter()
            .map(|s| format!("---\napiVersion: v1\nkind: Service\nmetadata:\n  name: {s}-{i}\nspec:\n  type: LoadBalancer\n  ports:\n  - port: 80\n    nodePort: 3{i:04}\n"))
            .collect();
        let manifest = match (broken, i % 10) {
            (true, 3) => "kind: Service\nmetadata: {name: [\n".to_string(),
            (true, 5) => manifest.replace(&format!("admin-{i}"), &format!("other-{i}")),
            _ => manifest,
        };
        if !(broken && i % 10 == 7) {
            std::fs::write(dir.join(format!("manifests/app-{i}.yaml")), manifest).expect("manifest");
        }
    }
    std::fs::write(dir.join("gatewright.yaml"), spec).expect("spec");
}

fn run(threads: &str, args: &[&std::ffi::OsStr]) -> std::process::Output {
    gatewright()
        .env("RAYON_NUM_THREADS", threads)
        .args(args)
        .output()
        .expect("run gatewright")
}

#[test]
fn stdout_is_the_same_with_one_thread_and_many() {
    let dir = tempfile::tempdir().expect("tempdir");
    site(dir.path(), false);
    // the directory (manifests read with the spec) and the file (manifests read by resolve)
    for spec in [dir.path().to_path_buf(), dir.path().join("gatewright.yaml")] {
        let args = ["render".as_ref(), spec.as_os_str(), "--stdout".as_ref()];
        let one = run("1", &args);
        assert_eq!(one.status.code(), Some(0), "{}", String::from_utf8_lossy(&one.stderr));
        assert!(
            String::from_utf8_lossy(&one.stdout).matches("kind: HTTPRoute").count() == 2 * APPS,
            "every route rendered"
        );
        for threads in ["2", "4"] {
            let many = run(threads, &args);
            assert_eq!(many.status.code(), Some(0));
            assert!(
                one.stdout == many.stdout,
                "{threads} threads changed the stream of {}",
                spec.display()
            );
        }
    }
}

#[test]
fn written_tree_is_the_same_with_one_thread_and_many() {
    let dir = tempfile::tempdir().expect("tempdir");
    site(dir.path(), false);
    let spec = dir.path().join("gatewright.yaml");
    let trees: Vec<_> = ["1", "4"]
        .iter()
        .map(|threads| {
            let out = dir.path().join(format!("out-{threads}"));
            let o = run(
                threads,
                &["render".as_ref(), spec.as_os_str(), "--out".as_ref(), out.as_os_str()],
            );
            assert_eq!(o.status.code(), Some(0), "{}", String::from_utf8_lossy(&o.stderr));
            snapshot(&out)
        })
        .collect();
    assert_eq!(
        trees[0].len(),
        8 * APPS + 3,
        "per app 8 files, plus the gateway's folder and the root"
    );
    assert!(trees[0] == trees[1], "4 threads wrote another tree than 1");
}

#[test]
fn diagnostics_are_the_same_with_one_thread_and_many() {
    let dir = tempfile::tempdir().expect("tempdir");
    site(dir.path(), true);
    // In a directory the invalid manifest is read with the spec (GW102, which
    // stops the run); from the file, resolve reads every manifest.
    let file = dir.path().join("gatewright.yaml");
    let cases = [
        (dir.path().to_path_buf(), &["GW102"][..]),
        (file, &["GW323", "GW324", "GW325"][..]),
    ];
    for (spec, codes) in cases {
        let args = ["render".as_ref(), spec.as_os_str(), "--stdout".as_ref()];
        let one = run("1", &args);
        let stderr = String::from_utf8_lossy(&one.stderr);
        assert_eq!(one.status.code(), Some(1), "{stderr}");
        for code in codes {
            let count = stderr.matches(&format!("[{code}]")).count();
            assert_eq!(
                count,
                APPS / 10,
                "{code} once per broken app for {}:\n{stderr}",
                spec.display()
            );
        }
        let many = run("4", &args);
        assert_eq!(many.status.code(), Some(1));
        assert_eq!(
            stderr,
            String::from_utf8_lossy(&many.stderr),
            "4 threads reported otherwise"
        );
    }
}
