//! The trust edges: an `ImplementationSpecific` import that a shorter path
//! outranked, diagnostics without a place, environment names said twice,
//! spec entries skipped silently, `diff --base`'s unbounded checkout, and
//! `trace` exit codes.

use std::path::{Path, PathBuf};

use serde_json::Value;

use crate::common;
use crate::common::cli::gatewright;
use crate::common::imports::import_texts;

fn nginx_fixture(name: &str) -> PathBuf {
    common::root().join("tests/import/nginx").join(name)
}

/// `import --verify --format json`: exit code and report.
fn verify(path: &Path) -> (Option<i32>, Value) {
    let out = gatewright()
        .arg("import")
        .arg(path)
        .args(["--verify", "--format", "json", "--profile", "aks-approuting-istio"])
        .output()
        .expect("run gatewright");
    (
        out.status.code(),
        serde_json::from_slice(&out.stdout).unwrap_or(Value::Null),
    )
}

/// Each difference's request and whether a GW951 explains it.
fn differences(report: &Value) -> Vec<(String, bool)> {
    report["differences"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|d| {
            let known = d["known"].as_array().into_iter().flatten();
            let gw951 = known.filter_map(Value::as_str).any(|k| k.starts_with("GW951:"));
            (d["request"].as_str().unwrap_or("").to_string(), gw951)
        })
        .collect()
}

#[test]
fn implementation_specific_path_beside_the_default_backend_routes_as_nginx() {
    // `/shop` (a string prefix) and the default backend's `/`: `/shop`,
    // `/shop/` and `/shop/x` go to `shop` on both sides; `/shopx` is the
    // one request only the regular expression matches, a known limitation.
    let (code, report) = verify(&nginx_fixture("hosts.yaml"));
    assert_eq!(
        differences(&report),
        vec![("GET http://www.example.com/shopx".to_string(), true)],
        "{report}"
    );
    assert_eq!(code, Some(1));
}

#[test]
fn implementation_specific_paths_get_a_path_prefix_where_it_is_exact() {
    let text = std::fs::read_to_string(nginx_fixture("implementation-specific.yaml")).expect("read");
    let run = import_texts(&[("is.yaml", &text)], &[]);
    let r = run.render();
    assert_eq!(r.code, Some(0), "{:?}\n{}", r.errors(), run.spec);
    let rules = r.object("HTTPRoute", "shop", "shop-a-example-com")["spec"]["rules"].clone();
    let paths = |backend: &str| -> Vec<(String, String)> {
        let rule = rules
            .as_array()
            .into_iter()
            .flatten()
            .find(|r| r["backendRefs"][0]["name"] == backend)
            .unwrap_or_else(|| panic!("no rule for {backend}: {rules}"));
        rule["matches"]
            .as_array()
            .into_iter()
            .flatten()
            .map(|m| {
                let t = m["path"]["type"].as_str().unwrap_or("").to_string();
                (t, m["path"]["value"].as_str().unwrap_or("").to_string())
            })
            .collect()
    };
    let pair = |p: &str| {
        vec![
            ("PathPrefix".to_string(), p.to_string()),
            ("RegularExpression".to_string(), format!("{p}.*")),
        ]
    };
    assert_eq!(paths("shop"), pair("/shop"));
    assert_eq!(paths("shopping"), pair("/shopping"));
    // `/cart/` as PathPrefix would match `/cart`, `/a|b` is no Gateway API
    // path, and `/docs` would claim the PathPrefix of `/docs/`: regex only.
    let regex = |v: &str| vec![("RegularExpression".to_string(), v.to_string())];
    assert_eq!(paths("cart"), regex("/cart/.*"));
    assert_eq!(paths("odd"), regex("/a\\|b.*"));
    assert_eq!(paths("docs"), regex("/docs.*"));
    let warned: Vec<u64> = run
        .with_code("GW951")
        .iter()
        .map(|d| d["line"].as_u64().unwrap_or(0))
        .collect();
    // Every path of `a.example.com` but `/only` of the host with no other path.
    assert_eq!(warned, vec![38, 42, 46, 50, 53], "{:?}", run.diagnostics);
    let (_, report) = verify(&nginx_fixture("implementation-specific.yaml"));
    let found = differences(&report);
    assert!(found.iter().all(|(_, known)| *known), "{report}");
    let requests: Vec<&str> = found.iter().map(|(r, _)| r.as_str()).collect();
    for served in ["/shop", "/shop/x", "/shopping", "/shopping/x"] {
        let request = format!("GET http://a.example.com{served}");
        assert!(!requests.contains(&request.as_str()), "{request}: {report}");
    }
    assert!(requests.contains(&"GET http://a.example.com/shopx"), "{report}");
    assert!(!requests.iter().any(|r| r.contains("b.example.com")), "{report}");
}
