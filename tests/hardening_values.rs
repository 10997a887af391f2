//! Values the API server or kustomize would not take as the spec says them
//! (issue 14, items 18 to 20): every number is bounded as the target Gateway
//! API version bounds it, integral floats are integers, manifest file names
//! kustomize treats specially are refused, and namespaces kustomize would
//! re-read as numbers, booleans, nulls or dates are refused.

use crate::common;

use std::path::{Path, PathBuf};
use std::process::Command;

use gatewright::analyze::bounds::{self, BOUNDS, Bound};
use gatewright::analyze::scalars::plain_reading;
use gatewright::diagnostic::Diagnostic;
use gatewright::{Options, compile};
use serde_json::Value;

const HEAD: &str = r#"apiVersion: gatewright.dev/v1alpha1
kind: Site
gatewayApi: VERSION
gateways:
  gateway:
    profile: aks-istio-external
    listeners:
      default: { hostname: "*.aks.rocks", protocol: HTTP, port: 80 }
apps:
  pets:
    routes:
"#;

/// A spec targeting `version` whose one route has `rule` as its only rule.
fn route_spec(version: &str, rule: &str) -> String {
    format!(
        "{}      r:\n        hostnames: [r.aks.rocks]\n        rules:\n          - {rule}\n",
        HEAD.replace("VERSION", version)
    )
}

fn compile_text(dir: &Path, text: &str) -> gatewright::Outcome {
    let spec = dir.join("spec.yaml");
    std::fs::write(&spec, text).expect("write spec");
    compile(&Options {
        spec,
        ..Options::default()
    })
}

fn errors(outcome: &gatewright::Outcome) -> Vec<&Diagnostic> {
    outcome.diagnostics.iter().filter(|d| d.is_error()).collect()
}

fn codes(outcome: &gatewright::Outcome) -> Vec<&'static str> {
    errors(outcome).iter().map(|d| d.code.as_str()).collect()
}

/// Every error is located, and none is an internal error.
fn assert_located(outcome: &gatewright::Outcome, what: &str) {
    for d in errors(outcome) {
        assert_ne!(d.code, "GW299", "{what}: internal error {}", d.message);
        assert!(d.loc.is_some(), "{what}: {} without a location: {}", d.code, d.message);
    }
}

/// The rendered stream of a compile that must succeed.
fn stream(outcome: &gatewright::Outcome, what: &str) -> String {
    let errs: Vec<String> = errors(outcome)
        .iter()
        .map(|d| format!("{}: {}", d.code, d.message))
        .collect();
    assert!(errs.is_empty(), "{what}: {errs:?}");
    let tree = outcome.output.as_ref().expect("output").tree().expect("a tree");
    tree.files
        .values()
        .map(String::as_str)
        .collect::<Vec<_>>()
        .join("---\n")
}

// ---- item 18: numbers ---------------------------------------------------

#[test]
fn integral_floats_are_read_as_the_integer() {
    let dir = tempfile::tempdir().expect("tmp");
    let spec = route_spec(
        "v1.6.1",
        "{ filters: [{requestRedirect: {statusCode: 301.0, port: 8.0e+1}}, {cors: {allowOrigins: [\"https://a.example\"], maxAge: 60.0}}] }",
    )
    .replace("port: 80 }", "port: 8080.0 }");
    let outcome = compile_text(dir.path(), &spec);
    assert_located(&outcome, "integral floats");
    let text = stream(&outcome, "integral floats");
    for expected in ["port: 8080\n", "statusCode: 301\n", "port: 80\n", "maxAge: 60\n"] {
        assert!(text.contains(expected), "`{expected}` missing from\n{text}");
    }
    assert!(!text.contains(".0\n"), "a float was written:\n{text}");
}

/// A spec template per integer field of the spec's schema: `N` is the value.
const INTEGER_FIELDS: &[(&str, &str)] = &[
    ("Listener.port", "LISTENER"),
    ("BackendRef.port", "{ backendRefs: [{name: a, port: N}] }"),
    ("BackendRef.weight", "{ backendRefs: [{name: a, port: 80, weight: N}] }"),
    (
        "ObjectRef.port",
        "{ filters: [{requestMirror: {backendRef: {name: a, port: N}}}], backendRefs: [{name: a, port: 80}] }",
    ),
    (
        "RequestMirror.percent",
        "{ filters: [{requestMirror: {backendRef: {name: a, port: 80}, percent: N}}], backendRefs: [{name: a, port: 80}] }",
    ),
    (
        "Fraction.numerator",
        "{ filters: [{requestMirror: {backendRef: {name: a, port: 80}, fraction: {numerator: N, denominator: 2147483647}}}], backendRefs: [{name: a, port: 80}] }",
    ),
    (
        "Fraction.denominator",
        "{ filters: [{requestMirror: {backendRef: {name: a, port: 80}, fraction: {numerator: 0, denominator: N}}}], backendRefs: [{name: a, port: 80}] }",
    ),
    ("RequestRedirect.port", "{ filters: [{requestRedirect: {port: N}}] }"),
    (
        "RequestRedirect.statusCode",
        "{ filters: [{requestRedirect: {statusCode: N}}] }",
    ),
    (
        "Cors.maxAge",
        "{ filters: [{cors: {allowOrigins: [\"https://a.example\"], maxAge: N}}] }",
    ),
    ("ParentRef.port", "PARENT"),
    ("L4BackendRef.port", "L4 { backendRefs: [{name: a, port: N}] }"),
    (
        "L4BackendRef.weight",
        "L4 { backendRefs: [{name: a, port: 80, weight: N}] }",
    ),
    ("GitOps.groups", "GITOPS"),
    ("PerPortTls.port", "PERPORT"),
];

fn integer_field_spec(template: &str, n: &str) -> String {
    match template {
        "LISTENER" => route_spec("v1.6.1", "{ backendRefs: [{name: a, port: 80}] }")
            .replace("port: 80 }", &format!("port: {n} }}")),
        "PARENT" => format!(
            "{}      r:\n        hostnames: [r.aks.rocks]\n        parentRefs: [{{name: gateway, namespace: aks-istio-ingress, port: {n}}}]\n        rules: [{{ backendRefs: [{{name: a, port: 80}}] }}]\n",
            HEAD.replace("VERSION", "v1.6.1")
                .replace("port: 80 }", &format!("port: {n} }}"))
        ),
        "GITOPS" => format!(
            "{}gitops:\n  repository: {{ url: \"https://example.com/r.git\" }}\n  output: deploy\n  flux: {{}}\n  groups: {n}\n",
            route_spec("v1.6.1", "{ backendRefs: [{name: a, port: 80}] }")
        ),
        "PERPORT" => route_spec("v1.6.1", "{ backendRefs: [{name: a, port: 80}] }").replace(
            "    listeners:\n",
            &format!(
                "    tls: {{ frontend: {{ default: {{}}, perPort: [{{ port: {n}, tls: {{}} }}] }} }}\n    listeners:\n"
            ),
        ),
        t if t.starts_with("L4 ") => format!(
            "{}      r:\n        rules:\n          - {}\n",
            HEAD.replace("VERSION", "v1.6.1")
                .replace("    routes:\n", "    tcpRoutes:\n")
                .replace("port: 80 }\n", "port: 80 }\n      tcp: { protocol: TCP, port: 9000 }\n"),
            t["L4 ".len()..].replace('N', n)
        ),
        t => route_spec("v1.6.1", &t.replace('N', n)),
    }
}

/// `(definition, property)` of every integer the spec's schema has.
fn schema_integers() -> Vec<String> {
    let schema = gatewright::schema::spec_schema();
    let mut out = Vec::new();
    for (def, body) in schema["$defs"].as_object().expect("$defs") {
        for (prop, s) in body["properties"].as_object().into_iter().flatten() {
            if s["type"] == "integer" {
                out.push(format!("{def}.{prop}"));
            }
        }
    }
    out.sort();
    out
}

#[test]
fn no_number_reaches_an_internal_error() {
    let mut listed: Vec<String> = INTEGER_FIELDS.iter().map(|(f, _)| f.to_string()).collect();
    listed.sort();
    assert_eq!(listed, schema_integers(), "every integer of the schema has a case here");
    let dir = tempfile::tempdir().expect("tmp");
    for (field, template) in INTEGER_FIELDS {
        for n in [
            "80.0",
            "-1",
            "0.5",
            "5000000000",
            "1.0e+30",
            "4294967296",
            "99999999999999999999",
        ] {
            let outcome = compile_text(dir.path(), &integer_field_spec(template, n));
            assert_located(&outcome, &format!("{field} = {n}"));
        }
    }
}

/// `(kind, path)` → the CRD schema node at that path of `spec`, if the version has it.
fn crd_node<'a>(crds: &'a [Value], kind: &str, path: &str) -> Option<&'a Value> {
    let crd = crds.iter().find(|c| c["spec"]["names"]["kind"] == kind)?;
    let version = crd["spec"]["versions"]
        .as_array()?
        .iter()
        .find(|v| v["storage"] == true)?;
    let mut node = &version["schema"]["openAPIV3Schema"];
    for part in path.split('.') {
        let (name, list) = match part.strip_suffix("[]") {
            Some(n) => (n, true),
            None => (part, false),
        };
        node = node.get("properties")?.get(name)?;
        if list {
            node = node.get("items")?;
        }
    }
    Some(node)
}

/// The standard CRDs of every Gateway API version in `shared/data`.
fn crd_versions(data: &Path) -> Vec<(String, Vec<Value>)> {
    let dir = data.join("gateway-api");
    let mut out = Vec::new();
    let mut versions: Vec<PathBuf> = std::fs::read_dir(&dir)
        .expect("gateway-api")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.join("standard-install.yaml").is_file())
        .collect();
    versions.sort();
    for v in versions {
        let text = std::fs::read_to_string(v.join("standard-install.yaml")).expect("crds");
        let docs = common::parse_stream(&text)
            .into_iter()
            .filter(|d| d["kind"] == "CustomResourceDefinition")
            .collect();
        out.push((v.file_name().expect("name").to_string_lossy().into_owned(), docs));
    }
    assert!(out.len() >= 4, "expected the four Gateway API versions");
    out
}

/// The bounds a CRD states for an integer: its minimum, and its maximum or int32's.
fn crd_bounds(node: &Value) -> (i64, i64) {
    assert_eq!(node["type"], "integer", "{node}");
    let min = node["minimum"].as_i64().unwrap_or(i64::from(i32::MIN));
    let max = node["maximum"].as_i64().unwrap_or(bounds::INT32_MAX);
    (min, max)
}

#[test]
fn the_bounds_table_is_the_crds() {
    let Some(data) = common::shared_data() else { return };
    let versions = crd_versions(&data);
    let newest = &versions.last().expect("a version").1;
    let mut covered: Vec<(&str, &str)> = bounds::STATUS_CODE_PATHS.to_vec();
    for b in BOUNDS {
        for &(kind, path) in b.crd_paths {
            covered.push((kind, path));
            assert!(
                crd_node(newest, kind, path).is_some(),
                "{kind} {path} not in the newest CRDs"
            );
            for (v, crds) in &versions {
                if let Some(node) = crd_node(crds, kind, path) {
                    assert_eq!(crd_bounds(node), (b.min, b.max), "{} ({kind} {path}) in {v}", b.what);
                }
            }
        }
    }
    for (v, crds) in &versions {
        for &(kind, path) in bounds::STATUS_CODE_PATHS {
            let node = crd_node(crds, kind, path).expect("statusCode");
            let codes: Vec<u32> = node["enum"]
                .as_array()
                .expect("enum")
                .iter()
                .filter_map(|c| c.as_u64())
                .map(|c| c as u32)
                .collect();
            assert_eq!(codes, bounds::status_codes(v), "{kind} {path} in {v}");
        }
        for &(kind, path) in bounds::SCHEME_PATHS {
            let node = crd_node(crds, kind, path).expect("scheme");
            assert_eq!(node["enum"], serde_json::json!(bounds::SCHEMES), "{kind} {path} in {v}");
        }
        // Every integer of the objects gatewright writes is in the table.
        const NOT_WRITTEN: &[(&str, &str)] = &[("Gateway", "spec.tls.frontend.perPort[].port")];
        for kind in ["Gateway", "HTTPRoute", "GRPCRoute", "ReferenceGrant"] {
            let Some(spec) = crd_node(crds, kind, "spec") else {
                continue;
            };
            for path in integer_paths(spec, "spec") {
                let known = covered.iter().chain(NOT_WRITTEN).any(|(k, p)| *k == kind && *p == path);
                assert!(known, "{v}: {kind} {path} is an integer the bounds table does not know");
            }
        }
    }
}

fn integer_paths(node: &Value, at: &str) -> Vec<String> {
    let mut out = Vec::new();
    if node["type"] == "integer" {
        out.push(at.to_string());
    }
    for (name, sub) in node["properties"].as_object().into_iter().flatten() {
        out.extend(integer_paths(sub, &format!("{at}.{name}")));
    }
    if let Some(items) = node.get("items") {
        out.extend(integer_paths(items, &format!("{at}[]")));
    }
    out
}

/// The spec rule that sets bound `b` to `n`, and the version that has the field.
fn bound_case(b: &Bound, n: i64) -> String {
    let template = match b.what {
        "listener `port`" => "LISTENER",
        "backend `port`" => INTEGER_FIELDS[1].1,
        "backend `weight`" => INTEGER_FIELDS[2].1,
        "parentRef `port`" => "PARENT",
        "mirror backend `port`" => INTEGER_FIELDS[3].1,
        "mirror `percent`" => INTEGER_FIELDS[4].1,
        "mirror fraction `numerator`" => INTEGER_FIELDS[5].1,
        "mirror fraction `denominator`" => {
            "{ filters: [{requestMirror: {backendRef: {name: a, port: 80}, fraction: {numerator: 1, denominator: N}}}], backendRefs: [{name: a, port: 80}] }"
        }
        "redirect `port`" => INTEGER_FIELDS[7].1,
        "CORS `maxAge`" => INTEGER_FIELDS[9].1,
        other => panic!("no case for {other}"),
    };
    integer_field_spec(template, &n.to_string())
}

#[test]
fn every_bound_is_checked_without_crds() {
    let dir = tempfile::tempdir().expect("tmp");
    for b in BOUNDS {
        for n in [b.min - 1, b.min, b.max, b.max + 1] {
            let outcome = compile_text(dir.path(), &bound_case(b, n));
            assert_located(&outcome, b.what);
            let refused = outcome.has_errors();
            let inside = (b.min..=b.max).contains(&n);
            assert_eq!(refused, !inside, "{} = {n}: {:?}", b.what, codes(&outcome));
        }
    }
    let fraction = route_spec(
        "v1.6.1",
        "{ filters: [{requestMirror: {backendRef: {name: a, port: 80}, fraction: {numerator: 101}}}], backendRefs: [{name: a, port: 80}] }",
    );
    let outcome = compile_text(dir.path(), &fraction);
    assert_eq!(codes(&outcome), ["GW334"], "101/100 is more than 1");
}

#[test]
fn redirect_status_codes_follow_the_target_version() {
    let dir = tempfile::tempdir().expect("tmp");
    let Some(data) = common::shared_data() else { return };
    for (v, crds) in crd_versions(&data) {
        let node =
            crd_node(&crds, "HTTPRoute", "spec.rules[].filters[].requestRedirect.statusCode").expect("statusCode");
        let allowed: Vec<u64> = node["enum"]
            .as_array()
            .expect("enum")
            .iter()
            .filter_map(Value::as_u64)
            .collect();
        for code in [200, 300, 301, 302, 303, 304, 307, 308, 999] {
            let outcome = compile_text(
                dir.path(),
                &route_spec(
                    &v,
                    &format!("{{ filters: [{{requestRedirect: {{statusCode: {code}}}}}] }}"),
                ),
            );
            assert_located(&outcome, "statusCode");
            if allowed.contains(&code) {
                stream(&outcome, &format!("statusCode {code} in {v}"));
            } else {
                // GW425 for a code a newer version allows, GW334 for one no version allows.
                let e = errors(&outcome);
                assert!(
                    e.iter()
                        .any(|d| matches!(d.code.as_str(), "GW334" | "GW425") && d.message.contains(&code.to_string())),
                    "statusCode {code} in {v}: {:?}",
                    codes(&outcome)
                );
            }
        }
    }
    let outcome = compile_text(
        dir.path(),
        &route_spec("v1.6.1", "{ filters: [{requestRedirect: {scheme: ftp}}] }"),
    );
    assert_eq!(codes(&outcome), ["GW334"], "scheme ftp");
}

// ---- kubectl ------------------------------------------------------------

/// `kubectl`, or `None` after the helper printed why the test is skipped.
fn kubectl() -> Option<Command> {
    common::program("kubectl").map(Command::new)
}

/// `gatewright render SPEC --out OUT`, which must succeed.
fn render_dir(spec: &Path, out: &Path) {
    let o = crate::common::cli::bin()
        .env("GATEWRIGHT_NO_CACHE", "1")
        .args(["render".as_ref(), spec.as_os_str(), "--out".as_ref(), out.as_os_str()])
        .output()
        .expect("run gatewright");
    assert_eq!(o.status.code(), Some(0), "{}", String::from_utf8_lossy(&o.stderr));
}

/// `kubectl kustomize DIR`'s output.
fn kustomize(mut kubectl: Command, dir: &Path) -> String {
    let o = kubectl.arg("kustomize").arg(dir).output().expect("run kubectl");
    assert!(
        o.status.success(),
        "kubectl kustomize {}: {}",
        dir.display(),
        String::from_utf8_lossy(&o.stderr)
    );
    String::from_utf8(o.stdout).expect("utf-8")
}

const SERVICE: &str =
    "apiVersion: v1\nkind: Service\nmetadata: {name: web}\nspec: {type: LoadBalancer, ports: [{port: 80}]}\n";

fn app_spec(apps: &[(String, String)]) -> String {
    let mut s = HEAD.replace("VERSION", "v1.1.0").replace("  pets:\n    routes:\n", "");
    for (i, (name, manifest)) in apps.iter().enumerate() {
        s.push_str(&format!(
            "  \"{name}\":\n    manifests: [\"./{manifest}\"]\n    services: [web]\n    labels: {{ tag: \"v{i}\" }}\n    routes:\n      r: {{ host: h{i}.aks.rocks, to: web:80 }}\n"
        ));
    }
    s
}

// ---- item 19: manifest file names --------------------------------------

#[test]
fn manifest_names_kustomize_treats_specially_are_refused() {
    let dir = tempfile::tempdir().expect("tmp");
    let refused = [
        "kustomization.yaml",
        "kustomization.yml",
        "Kustomization",
        "KUSTOMIZATION.YAML",
        "Kustomization.yml",
        "kustomization",
        "-x.yaml",
        "--",
        ".hidden.yaml",
        "a b.yaml",
    ];
    for name in refused {
        std::fs::write(dir.path().join(name), SERVICE).expect("manifest");
        let outcome = compile_text(dir.path(), &app_spec(&[("pets".into(), name.into())]));
        let e = errors(&outcome);
        assert!(
            e.iter().any(|d| d.code == "GW321"
                && d.loc.is_some()
                && d.help.as_deref().is_some_and(|h| h.contains("rename"))),
            "`{name}` not refused with a located GW321: {:?}",
            codes(&outcome)
        );
        std::fs::remove_file(dir.path().join(name)).expect("remove");
    }
    // Two names one case-insensitive file system holds as one file.
    std::fs::write(dir.path().join("Web.yaml"), SERVICE).expect("manifest");
    std::fs::write(dir.path().join("web.yaml"), SERVICE).expect("manifest");
    let spec =
        app_spec(&[("pets".into(), "web.yaml".into())]).replace("[\"./web.yaml\"]", "[\"./web.yaml\", \"./Web.yaml\"]");
    assert_eq!(codes(&compile_text(dir.path(), &spec)), ["GW322"]);
}

#[test]
fn kustomize_builds_every_manifest_name_accepted() {
    let Some(_) = kubectl() else { return };
    let dir = tempfile::tempdir().expect("tmp");
    let accepted = [
        "web.yaml",
        "x",
        "a@b.yaml",
        "_x.yml",
        "Kustomization.json",
        "kustomization.yaml.orig",
        "1e3.yaml",
    ];
    let apps: Vec<(String, String)> = accepted
        .iter()
        .enumerate()
        .map(|(i, name)| {
            std::fs::create_dir_all(dir.path().join(format!("m{i}"))).expect("dir");
            std::fs::write(dir.path().join(format!("m{i}/{name}")), SERVICE).expect("manifest");
            (format!("app{i}"), format!("m{i}/{name}"))
        })
        .collect();
    std::fs::write(dir.path().join("spec.yaml"), app_spec(&apps)).expect("spec");
    let out = dir.path().join("out");
    render_dir(&dir.path().join("spec.yaml"), &out);
    let built = common::parse_stream(&kustomize(kubectl().expect("kubectl"), &out));
    for (app, _) in &apps {
        let svc = built
            .iter()
            .find(|o| o["kind"] == "Service" && o["metadata"]["namespace"] == app.as_str())
            .unwrap_or_else(|| panic!("no Service in {app}"));
        assert_eq!(svc["spec"]["type"], "ClusterIP", "{app}: the patch applies");
    }
    // Why the names are refused: beside the generated kustomization, kustomize refuses to build.
    let folder = out.join("app0/upstream");
    std::fs::write(folder.join("kustomization.yml"), SERVICE).expect("write");
    let o = kubectl()
        .expect("kubectl")
        .arg("kustomize")
        .arg(&folder)
        .output()
        .expect("kubectl");
    assert!(
        !o.status.success(),
        "kustomize built a folder with two kustomization files"
    );
}

// ---- item 20: namespaces kustomize re-reads ----------------------------

/// Names YAML or kustomize might read as something other than a string.
const TRICKY: &[&str] = &[
    "1e3",
    "0755",
    "0x1f",
    "null",
    "true",
    "false",
    "yes",
    "no",
    "on",
    "off",
    "y",
    "n",
    "~",
    "1_000",
    ".inf",
    "0o17",
    "12:30",
    "123",
    "0",
    "089",
    "1e-3",
    "0b101",
    "2001-12-14",
    "2001-1-2",
    "nan",
    "inf",
    "1e",
    "0x",
    "0-1",
    "x1",
];

#[test]
fn namespaces_reach_the_cluster_as_the_spec_names_them() {
    let Some(_) = kubectl() else { return };
    let dir = tempfile::tempdir().expect("tmp");
    std::fs::write(dir.path().join("web.yaml"), SERVICE).expect("manifest");
    let mut kept = Vec::new();
    for name in TRICKY {
        let outcome = compile_text(dir.path(), &app_spec(&[(name.to_string(), "web.yaml".into())]));
        if outcome.has_errors() {
            let e = errors(&outcome);
            assert!(
                e.iter()
                    .all(|d| matches!(d.code.as_str(), "GW401" | "GW415") && d.loc.is_some()),
                "`{name}`: {:?}",
                codes(&outcome)
            );
            if e.iter().any(|d| d.code == "GW415") {
                assert!(
                    plain_reading(name).is_some(),
                    "`{name}` refused but YAML reads it as a string"
                );
            }
        } else {
            kept.push(name.to_string());
        }
    }
    assert!(kept.len() >= 8, "the table keeps names to build: {kept:?}");
    let apps: Vec<(String, String)> = kept.iter().map(|n| (n.clone(), "web.yaml".to_string())).collect();
    std::fs::write(dir.path().join("spec.yaml"), app_spec(&apps)).expect("spec");
    let out = dir.path().join("out");
    render_dir(&dir.path().join("spec.yaml"), &out);
    let text = kustomize(kubectl().expect("kubectl"), &out);
    let built = common::parse_stream(&text);
    for name in &kept {
        for kind in ["Service", "HTTPRoute"] {
            let found = built
                .iter()
                .filter(|o| o["kind"] == kind)
                .any(|o| o["metadata"]["namespace"] == Value::String(name.clone()));
            assert!(
                found,
                "no {kind} in namespace `{name}` after kubectl kustomize:\n{text}"
            );
        }
        assert!(
            built
                .iter()
                .any(|o| o["kind"] == "Namespace" && o["metadata"]["name"] == Value::String(name.clone())),
            "Namespace `{name}` missing"
        );
    }
    // Read as Kubernetes tools do (go-yaml v2, YAML 1.1 booleans too): a namespace written plain is a string there too.
    for line in text.lines().filter_map(|l| l.trim().strip_prefix("namespace: ")) {
        let yaml11_bool = ["yes", "no", "on", "off", "y", "n"].contains(&line.to_ascii_lowercase().as_str());
        assert!(
            line.starts_with('"') || line.starts_with('\'') || (plain_reading(line).is_none() && !yaml11_bool),
            "`namespace: {line}` is not a string to a YAML 1.1 reader"
        );
    }
}

// ---- item 18: every other value of a rule the CRDs bound -----------------

/// Rules in the Gateway API's own field names (the long form uses them), some valid, some not.
const RULES: &[&str] = &[
    "{ filters: [{requestHeaderModifier: {set: [{name: x, value: \"\"}]}}], backendRefs: [{name: a, port: 80}] }",
    "{ filters: [{requestHeaderModifier: {set: [{name: \"a b\", value: v}]}}], backendRefs: [{name: a, port: 80}] }",
    "{ filters: [{responseHeaderModifier: {remove: [\"a:b\"], set: [{name: \"a:b\", value: v}]}}], backendRefs: [{name: a, port: 80}] }",
    "{ filters: [{requestHeaderModifier: {remove: [x, x]}}], backendRefs: [{name: a, port: 80}] }",
    "{ filters: [{requestHeaderModifier: {add: [{name: x, value: v}, {name: x, value: w}]}}], backendRefs: [{name: a, port: 80}] }",
    "{ filters: [{requestHeaderModifier: {set: [{name: x, value: v}, {name: X, value: w}]}}], backendRefs: [{name: a, port: 80}] }",
    "{ filters: [{requestRedirect: {hostname: \"Foo_Bar\"}}] }",
    "{ filters: [{requestRedirect: {hostname: \"*.a.example\"}}] }",
    "{ filters: [{urlRewrite: {hostname: \"a..b\"}}], backendRefs: [{name: a, port: 80}] }",
    "{ filters: [{urlRewrite: {hostname: www.example.com}}], backendRefs: [{name: a, port: 80}] }",
    "{ filters: [{extensionRef: {group: \"UPPER\", kind: Filter, name: x}}], backendRefs: [{name: a, port: 80}] }",
    "{ filters: [{extensionRef: {group: example.com, kind: \"9x\", name: x}}], backendRefs: [{name: a, port: 80}] }",
    "{ backendRefs: [{group: \"Bad_Group\", kind: Thing, name: a, port: 80}] }",
    "{ backendRefs: [{group: example.com, kind: Thing, name: a}] }",
    "{ filters: [{cors: {allowOrigins: [\"foo\"]}}], backendRefs: [{name: a, port: 80}] }",
    "{ filters: [{cors: {allowOrigins: [\"https://a.example:123456\"]}}], backendRefs: [{name: a, port: 80}] }",
    "{ filters: [{cors: {allowMethods: [\"FOO\"]}}], backendRefs: [{name: a, port: 80}] }",
    "{ filters: [{cors: {allowMethods: [\"*\", GET]}}], backendRefs: [{name: a, port: 80}] }",
    "{ filters: [{cors: {allowHeaders: [\"a b\"]}}], backendRefs: [{name: a, port: 80}] }",
    "{ filters: [{cors: {exposeHeaders: [\"a b\"]}}], backendRefs: [{name: a, port: 80}] }",
    "{ filters: [{cors: {allowOrigins: [\"*\", \"https://a.b\"]}}], backendRefs: [{name: a, port: 80}] }",
    "{ filters: [{cors: {allowOrigins: [\"https://*.a.b:8080\"], allowMethods: [\"*\"], allowHeaders: [\"*\"], exposeHeaders: [X-A], maxAge: 5}}], backendRefs: [{name: a, port: 80}] }",
    "{ timeouts: {request: 1s, backendRequest: 2s}, backendRefs: [{name: a, port: 80}] }",
    "{ timeouts: {request: 1m, backendRequest: 59s}, backendRefs: [{name: a, port: 80}] }",
    "{ timeouts: {request: 0s, backendRequest: 2s}, backendRefs: [{name: a, port: 80}] }",
    "{ name: \"Bad_Name\", backendRefs: [{name: a, port: 80}] }",
    "{ name: ok-name, backendRefs: [{name: a, port: 80}] }",
    "{ filters: [{requestMirror: {backendRef: {name: a, port: 80}, percent: 5, fraction: {numerator: 1}}}], backendRefs: [{name: a, port: 80}] }",
    "{ filters: [{requestMirror: {backendRef: {name: a}}}], backendRefs: [{name: a, port: 80}] }",
    "{ filters: [{requestMirror: {backendRef: {group: example.com, kind: Thing, name: a}}}], backendRefs: [{name: a, port: 80}] }",
    "{ filters: [{requestRedirect: {statusCode: 301}}, {requestRedirect: {statusCode: 302}}] }",
    "{ filters: [{requestHeaderModifier: {add: [{name: a, value: b}]}}, {requestHeaderModifier: {remove: [c]}}], backendRefs: [{name: a, port: 80}] }",
    "{ filters: [{requestRedirect: {scheme: https}}, {urlRewrite: {hostname: a.b}}], backendRefs: [{name: a, port: 80}] }",
    "{ backendRefs: [{name: a, port: 80, filters: [{urlRewrite: {hostname: a.b}}, {urlRewrite: {hostname: c.d}}]}] }",
    "{ filters: [{requestRedirect: {scheme: https}}], backendRefs: [{name: a, port: 80}] }",
    "{ filters: [{requestRedirect: {path: {type: ReplacePrefixMatch, replaceFullPath: /x}}}] }",
    "{ filters: [{requestRedirect: {path: {type: ReplacePrefixMatch, replacePrefixMatch: /x}}}] }",
    "{ matches: [{path: {type: Exact, value: /a}}], filters: [{urlRewrite: {path: {type: ReplacePrefixMatch, replacePrefixMatch: /x}}}], backendRefs: [{name: a, port: 80}] }",
    "{ matches: [{path: {value: /a}}, {path: {value: /b}}], backendRefs: [{name: a, port: 80, filters: [{urlRewrite: {path: {type: ReplacePrefixMatch, replacePrefixMatch: /x}}}]}] }",
];

/// The HTTPRoute the API server would get for `rule`: `type` set on every filter.
fn route_object(rule: &str) -> Value {
    let mut rule: Value = serde_yaml::from_str(rule).expect("rule YAML");
    fn typed(filters: Option<&mut Value>) {
        for f in filters.and_then(Value::as_array_mut).into_iter().flatten() {
            let key = f
                .as_object()
                .and_then(|m| m.keys().next().cloned())
                .expect("a filter field");
            let kind = match key.as_str() {
                "urlRewrite" => "URLRewrite".to_string(),
                "cors" => "CORS".to_string(),
                k => format!("{}{}", k[..1].to_uppercase(), &k[1..]),
            };
            f["type"] = Value::String(kind);
        }
    }
    typed(rule.get_mut("filters"));
    for b in rule
        .get_mut("backendRefs")
        .and_then(Value::as_array_mut)
        .into_iter()
        .flatten()
    {
        typed(b.get_mut("filters"));
    }
    serde_json::json!({
        "apiVersion": "gateway.networking.k8s.io/v1",
        "kind": "HTTPRoute",
        "metadata": {"name": "r", "namespace": "pets"},
        "spec": {"parentRefs": [{"name": "gateway", "namespace": "aks-istio-ingress"}], "hostnames": ["r.aks.rocks"], "rules": [rule]},
    })
}

#[test]
fn every_rule_value_the_crds_refuse_is_refused_without_them() {
    let Some(data) = common::shared_data() else { return };
    let path = data.join("gateway-api/v1.6.1/standard-install.yaml");
    let text = std::fs::read_to_string(&path).expect("crds");
    let crds = gatewright::crd::CrdSet::from_yaml(&text, &path.display().to_string()).expect("CRDs");
    let dir = tempfile::tempdir().expect("tmp");
    let (mut refused, mut accepted) = (0, 0);
    for rule in RULES {
        let violations = crds.validate(&route_object(rule)).expect("HTTPRoute v1 is covered");
        let outcome = compile_text(dir.path(), &route_spec("v1.6.1", rule));
        assert_located(&outcome, rule);
        assert_eq!(
            outcome.has_errors(),
            !violations.is_empty(),
            "{rule}\nthe API: {violations:?}\ngatewright: {:?}",
            errors(&outcome).iter().map(|d| &d.message).collect::<Vec<_>>()
        );
        if violations.is_empty() {
            accepted += 1;
        } else {
            refused += 1;
        }
    }
    assert!(refused >= 20 && accepted >= 8, "{refused} refused, {accepted} accepted");
}

/// Gateway `infrastructure` maps: `(spec text, the same as JSON)`.
const INFRASTRUCTURE: &[(&str, &str)] = &[
    ("{ labels: { \"bad key\": v } }", r#"{"labels": {"bad key": "v"}}"#),
    (
        "{ labels: { k: \"bad value!\" } }",
        r#"{"labels": {"k": "bad value!"}}"#,
    ),
    (
        "{ annotations: { \"a/b/c\": v } }",
        r#"{"annotations": {"a/b/c": "v"}}"#,
    ),
    (
        "{ labels: { a: \"1\", b: \"1\", c: \"1\", d: \"1\", e: \"1\", f: \"1\", g: \"1\", h: \"1\", i: \"1\" } }",
        r#"{"labels": {"a": "1", "b": "1", "c": "1", "d": "1", "e": "1", "f": "1", "g": "1", "h": "1", "i": "1"}}"#,
    ),
    (
        "{ labels: { \"a.io/k\": \"V-1\" }, annotations: { \"x.io/y\": \"any value at all\" } }",
        r#"{"labels": {"a.io/k": "V-1"}, "annotations": {"x.io/y": "any value at all"}}"#,
    ),
];

#[test]
fn gateway_infrastructure_the_crds_refuse_is_refused_without_them() {
    let Some(data) = common::shared_data() else { return };
    let path = data.join("gateway-api/v1.6.1/standard-install.yaml");
    let text = std::fs::read_to_string(&path).expect("crds");
    let crds = gatewright::crd::CrdSet::from_yaml(&text, &path.display().to_string()).expect("CRDs");
    let dir = tempfile::tempdir().expect("tmp");
    let with = |infra: &str| {
        route_spec("v1.6.1", "{ backendRefs: [{name: a, port: 80}] }").replace(
            "    listeners:",
            &format!("    infrastructure: {infra}\n    listeners:"),
        )
    };
    let valid = compile_text(dir.path(), &with(INFRASTRUCTURE[4].0));
    let gateway = common::parse_stream(&stream(&valid, "valid infrastructure"))
        .into_iter()
        .find(|o| o["kind"] == "Gateway")
        .expect("a Gateway");
    for (spec_text, json) in INFRASTRUCTURE {
        let mut object = gateway.clone();
        object["spec"]["infrastructure"] = serde_json::from_str(json).expect("JSON");
        let api_refuses = !crds.validate(&object).expect("Gateway v1 is covered").is_empty();
        let outcome = compile_text(dir.path(), &with(spec_text));
        assert_located(&outcome, spec_text);
        assert_eq!(outcome.has_errors(), api_refuses, "{spec_text}: {:?}", codes(&outcome));
    }
}
