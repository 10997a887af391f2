//! `import --verify` (issue 18, item 3 and must-show 2): every Ingress rule
//! sent through the model of ingress-nginx and through the rendered routes.
//! The shared ingress2gateway fixtures and this project's own fixtures
//! (`tests/import/nginx/`, `tests/import/verify/`) show no difference but
//! the conversion's known limitations; a wrong conversion is caught.

use std::path::{Path, PathBuf};
use std::process::Output;

use crate::common;
use crate::common::cli::gatewright;
use crate::common::outside::shared_data;

use gatewright::import::{Options, import};
use serde_json::Value;

/// The classes of every fixture here.
const CLASSES: &[&str] = &[
    "--ingress-class",
    "nginx",
    "--ingress-class",
    "webapprouting.kubernetes.azure.com",
];

/// `import --verify --format json` of `paths` with `args`: exit code, report, stderr.
fn verify(paths: &[&Path], args: &[&str]) -> (Option<i32>, Value, String) {
    let out: Output = gatewright()
        .arg("import")
        .args(paths)
        .args(args)
        .args(["--verify", "--format", "json"])
        .output()
        .expect("run gatewright");
    let report = serde_json::from_slice(&out.stdout).unwrap_or(Value::Null);
    (
        out.status.code(),
        report,
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

fn differences(report: &Value) -> Vec<Value> {
    report["differences"].as_array().cloned().unwrap_or_default()
}

/// Each difference's request and the codes of its known limitations.
fn explained(report: &Value) -> Vec<(String, Vec<String>)> {
    differences(report)
        .iter()
        .map(|d| {
            let codes = d["known"]
                .as_array()
                .into_iter()
                .flatten()
                .filter_map(|k| k.as_str()?.split(':').next().map(str::to_string))
                .collect();
            (d["request"].as_str().unwrap_or("").to_string(), codes)
        })
        .collect()
}

fn own(name: &str) -> PathBuf {
    common::root().join("tests/import").join(name)
}

/// The ingress2gateway inputs holding an Ingress, sorted.
fn ingress2gateway_inputs(data: &Path) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = walkdir::WalkDir::new(data.join("ingress2gateway"))
        .sort_by_file_name()
        .into_iter()
        .filter_map(Result::ok)
        .map(|e| e.into_path())
        .filter(|p| p.to_string_lossy().contains("input"))
        .filter(|p| std::fs::read_to_string(p).is_ok_and(|t| t.lines().any(|l| l.trim_end() == "kind: Ingress")))
        .collect();
    files.sort();
    files
}

#[test]
fn every_ingress2gateway_fixture_verifies_with_only_known_limitations() {
    let Some(data) = shared_data() else { return };
    let inputs = ingress2gateway_inputs(&data);
    assert!(
        inputs.len() >= 9,
        "ingress2gateway's Ingress inputs not found: {inputs:?}"
    );
    let mut verified = 0;
    for path in &inputs {
        let (code, report, stderr) = verify(&[path], &[]);
        if report.is_null() {
            // The imported spec does not render: an error at the Ingress's line, never a silent pass.
            let diags: Vec<Value> = serde_json::from_str(&stderr).unwrap_or_default();
            let name = path.file_name().unwrap_or_default().to_string_lossy().into_owned();
            assert!(
                diags.iter().any(|d| d["severity"] == "error"
                    && d["file"].as_str().is_some_and(|f| f.ends_with(&name))
                    && d["line"].as_u64().is_some()),
                "{path:?}: {stderr}"
            );
            assert_ne!(code, Some(0), "{path:?}");
            continue;
        }
        verified += 1;
        assert!(
            report["probes"].as_u64().unwrap_or(0) > 0,
            "{path:?}: no probe: {report}"
        );
        for (request, codes) in explained(&report) {
            assert!(
                !codes.is_empty(),
                "{path:?}: `{request}` differs without a known limitation: {report}"
            );
        }
        assert_eq!(
            code,
            Some(if differences(&report).is_empty() { 0 } else { 1 }),
            "{path:?}"
        );
        // On the target that has 308, the one limitation they hit (GW946) is gone.
        let (code, report, _) = verify(&[path], &["--gateway-api", "v1.6.1"]);
        assert_eq!(
            (code, differences(&report)),
            (Some(0), Vec::new()),
            "{path:?}: {report}"
        );
    }
    assert!(verified >= 8, "too few fixtures verified: {verified}");
}

#[test]
fn every_converted_annotation_routes_as_ingress_nginx_does() {
    let fixtures = [
        "nginx/advice.yaml",
        "nginx/canary.yaml",
        "nginx/canary-pattern.yaml",
        "nginx/cors.yaml",
        "nginx/grpc.yaml",
        "nginx/headers.yaml",
        "nginx/redirects.yaml",
        "nginx/rewrite.yaml",
        "nginx/ssl-redirect.yaml",
        "verify/aks-store.yaml",
    ];
    for name in fixtures {
        let path = own(name);
        let mut args = CLASSES.to_vec();
        args.extend(["--gateway-api", "v1.6.1", "--profile", "aks-approuting-istio"]);
        let (code, report, stderr) = verify(&[&path], &args);
        assert!(report["probes"].as_u64().unwrap_or(0) >= 4, "{name}: {report} {stderr}");
        let found = explained(&report);
        let expected: Vec<(String, Vec<String>)> = match name {
            // Gateway API's PathPrefix matches with case; nginx's `~*` without (GW950).
            "nginx/rewrite.yaml" => vec![("GET http://app.example.com/API/X".into(), vec!["GW950".into()])],
            "verify/aks-store.yaml" => vec![("GET http://api.contoso.com/ORDERS/X".into(), vec!["GW950".into()])],
            // force-ssl-redirect on a host without TLS: the redirect is not added (GW948).
            "nginx/ssl-redirect.yaml" => ["/", "/x"]
                .iter()
                .map(|p| (format!("GET http://plain.example.com{p}"), vec!["GW948".into()]))
                .collect(),
            _ => Vec::new(),
        };
        assert_eq!(found, expected, "{name}: {report}");
        assert_eq!(code, Some(if expected.is_empty() { 0 } else { 1 }), "{name}");
    }
}

#[test]
fn a_string_prefix_outranked_is_a_known_limitation() {
    // The default backend's rule (PathPrefix `/`) outranks the regular
    // expression of the ImplementationSpecific path `/shop`: nginx's string
    // prefix sends `/shopx` to `shop`, the route to `fallback` (GW951);
    // `/shop/x` goes to `shop` through the route's PathPrefix `/shop`.
    let (code, report, _) = verify(&[&own("nginx/hosts.yaml")], &["--profile", "aks-approuting-istio"]);
    assert_eq!(code, Some(1), "{report}");
    assert_eq!(
        explained(&report),
        vec![(
            "GET http://www.example.com/shopx".to_string(),
            vec!["GW951".to_string()]
        )]
    );
    let d = differences(&report);
    let shop = &d[0];
    assert!(
        shop["nginx"].as_str().unwrap_or("").starts_with("200 shop/shop:80"),
        "{shop}"
    );
    assert!(
        shop["gateway"]
            .as_str()
            .unwrap_or("")
            .starts_with("200 shop/fallback:80"),
        "{shop}"
    );
    assert!(
        shop["gateway"].as_str().unwrap_or("").contains("hosts.yaml:8"),
        "names the Ingress line: {shop}"
    );
}

/// The library's comparison on a rendered tree altered by hand: a backend renamed is a difference.
#[test]
fn an_altered_rendered_route_differs() {
    let imported = import(&Options {
        paths: vec![own("nginx/canary.yaml")],
        profile: Some("aks-approuting-istio".into()),
        ..Options::default()
    });
    let tree = gatewright::driver::render_site(&imported.site).expect("renders");
    let mut inputs = gatewright::trace::tree_inputs(&tree);
    assert!(gatewright::verify::compare(&imported, &inputs).differences.is_empty());
    let route = inputs
        .iter_mut()
        .find(|i| i.value["kind"] == "HTTPRoute")
        .expect("an HTTPRoute");
    let text = route.value.to_string().replace("\"shop-v2\"", "\"shop-v3\"");
    route.value = serde_json::from_str(&text).expect("json");
    let report = gatewright::verify::compare(&imported, &inputs);
    let canary = report
        .differences
        .iter()
        .find(|d| d.request == "GET http://shop.example.com/ [X-Canary: always]")
        .unwrap_or_else(|| panic!("{report:?}"));
    assert!(canary.nginx.starts_with("200 shop/shop-v2:80"), "{canary:?}");
    assert!(canary.gateway.starts_with("200 shop/shop-v3:80"), "{canary:?}");
}

/// A gRPC app (no HTTP route) gets its namespace label, and a GRPCRoute
/// rule without matches ranks below one that names the service.
#[test]
fn a_grpc_only_app_is_admitted_and_its_service_rule_wins() {
    let imported = import(&Options {
        paths: vec![own("nginx/grpc.yaml")],
        profile: Some("aks-approuting-istio".into()),
        ..Options::default()
    });
    let tree = gatewright::driver::render_site(&imported.site).expect("renders");
    let inputs = gatewright::trace::tree_inputs(&tree);
    let ns = inputs
        .iter()
        .find(|i| i.value["kind"] == "Namespace" && i.value["metadata"]["name"] == "grpc")
        .expect("the grpc Namespace");
    assert_eq!(
        ns.value["metadata"]["labels"]["gatewright.dev/gateway-gateway"], "true",
        "{}",
        ns.value
    );
    let engine = gatewright::routing::Engine::new(&inputs);
    let mut req = gatewright::routing::Request::get("http://grpc.example.com/echo.Echo/Hi").expect("url");
    req.method = "POST".into();
    req.grpc = true;
    let o = engine.route(&req).expect("routed");
    assert_eq!(o.backends.first().map(|b| b.name.as_str()), Some("echo"), "{o:?}");
}

#[test]
fn the_text_report_is_one_line_per_request_and_a_summary() {
    let out = gatewright()
        .args(["import", "--profile", "aks-approuting-istio", "--verify"])
        .arg(own("nginx/rewrite.yaml"))
        .output()
        .expect("run");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(1), "{stdout}");
    let lines: Vec<&str> = stdout.lines().collect();
    assert!(
        lines[0].starts_with(
            "GET http://app.example.com/API/X: ingress-nginx: 200 app/api:80 as /X (Ingress app/app); gateway: 404"
        ),
        "{stdout}"
    );
    assert!(lines[1].starts_with("  known limitation: GW950: "), "{stdout}");
    assert!(
        lines
            .last()
            .is_some_and(|l| l.starts_with("verify: ") && l.ends_with(" probes, 1 differ")),
        "{stdout}"
    );
}

/// The `gatewright` lines of the guide's `sh` blocks, in order.
fn guide_commands(guide: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut in_sh = false;
    for line in guide.lines() {
        match line.trim() {
            "```sh" => in_sh = true,
            "```" => in_sh = false,
            l if in_sh && l.starts_with("gatewright ") => out.push(l.to_string()),
            _ => {}
        }
    }
    out
}

/// The guide's gatewright commands, run as written on an AKS fixture saved
/// as `ingresses.yaml`; the report it shows is the one `--verify` prints.
#[test]
fn the_migration_guide_commands_run_as_written() {
    let guide = std::fs::read_to_string(common::root().join("docs/migrate-aks-nginx.md")).expect("guide");
    let commands = guide_commands(&guide);
    assert_eq!(commands.len(), 4, "{commands:?}");
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::copy(own("verify/aks-store.yaml"), dir.path().join("ingresses.yaml")).expect("copy");
    let mut outputs = Vec::new();
    for line in &commands {
        let (args, to) = match line.split_once(" > ") {
            Some((a, file)) => (a, Some(file.trim())),
            None => (line.as_str(), None),
        };
        let words: Vec<&str> = args.split_whitespace().skip(1).collect();
        let out = gatewright().args(&words).current_dir(dir.path()).output().expect("run");
        if let Some(file) = to {
            std::fs::write(dir.path().join(file), &out.stdout).expect("write");
        }
        let verify = words.contains(&"--verify");
        assert_eq!(
            out.status.code(),
            Some(i32::from(verify)),
            "`{line}`: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        outputs.push(String::from_utf8_lossy(&out.stdout).into_owned());
    }
    let shown = guide
        .split("```text\n")
        .nth(1)
        .and_then(|s| s.split("```").next())
        .expect("the report in the guide");
    assert_eq!(outputs[1], shown, "the guide's report is not what `--verify` prints");
    assert!(dir.path().join("deploy/kustomization.yaml").is_file());
}
