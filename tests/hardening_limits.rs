//! Bounds on hostile input (issue 14): blueprint templates have a work, memory
//! and output budget (GW505-GW507); CEL rules of CRDs have the API server's
//! cost budget (GW807); an unknown kind or unserved version of a group the CRDs
//! define is an error (GW803); and `status`, integral floats and `null`
//! optional metadata are accepted as the API server accepts them.
//!
//! Runs that could do unbounded work go through [`limits::run_bounded`], which
//! turns a hang into a failure (no speed is asserted).

use crate::common;
use crate::common::limits;

use std::path::{Path, PathBuf};
use std::process::Output;

use common::cli::gatewright;
use limits::{json_diagnostics, run_bounded};
use serde_json::Value;

// ---- item 11: blueprint templates are bounded ----

/// Render the two-route pets spec with `namespace.yaml.j2` (or `file`) overridden by `template`.
fn render_with_blueprint(file: &str, template: &str, spec: &str) -> (tempfile::TempDir, Output) {
    let dir = tempfile::tempdir().expect("tempdir");
    let spec_path = common::cli::write_spec(dir.path(), "site.yaml", spec);
    let bp = dir.path().join("bp");
    std::fs::create_dir(&bp).expect("mkdir bp");
    std::fs::write(bp.join(file), template).expect("write blueprint");
    let mut cmd = gatewright();
    cmd.arg("render")
        .arg(&spec_path)
        .arg("--blueprints")
        .arg(&bp)
        .args(["--stdout", "--format", "json"]);
    let out = run_bounded(cmd);
    (dir, out)
}

const NAMESPACE_HEAD: &str = "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: {{ namespace.name }}\n";

/// The one diagnostic of `code` of a failed run, which must exit 1.
fn only_error(out: &Output, code: &str) -> Value {
    assert_eq!(out.status.code(), Some(1), "{}", String::from_utf8_lossy(&out.stderr));
    let diags = json_diagnostics(out);
    let found: Vec<&Value> = diags.iter().filter(|d| d["code"] == code).collect();
    assert_eq!(found.len(), 1, "expected one {code}: {diags:#?}");
    found[0].clone()
}

fn assert_at_blueprint_line(d: &Value, file: &str, line: u64) {
    let name = d["file"].as_str().unwrap_or_default();
    assert!(name.ends_with(&format!("bp/{file}")), "{d:#}");
    assert_eq!(d["line"], line, "{d:#}");
}

#[test]
fn nested_loops_run_out_of_fuel_at_their_line() {
    let template = format!(
        "{NAMESPACE_HEAD}{}",
        "{% for i in range(10000) %}{% for j in range(10000) %}{% for k in range(10000) %}{% endfor %}{% endfor %}{% endfor %}\n"
    );
    let (_dir, out) = render_with_blueprint("namespace.yaml.j2", &template, common::PETS);
    let d = only_error(&out, "GW505");
    assert_at_blueprint_line(&d, "namespace.yaml.j2", 5);
    let message = d["message"].as_str().unwrap_or_default();
    assert!(
        message.contains("`apps.pets`") && message.contains("budget"),
        "{message}"
    );
}

#[test]
fn huge_values_are_refused_before_they_are_made() {
    for (expr, bound) in [
        (r#"{{ "x" * 10**9 }}"#, "budget"),
        (r#"{{ ("x" * 10**7) | replace("x", "yyyyyyyyyyyyyyyy") }}"#, "budget"),
        (r#"{{ range(10000) | join("x" * 100000) }}"#, "budget"),
        (r#"{{ ([1] * 10**8) | list | length }}"#, "budget"),
        ("{{ range(10**9) }}", "range"),
        ("{% macro f(n) %}{{ f(n) }}{% endmacro %}{{ f(1) }}", "recursion"),
    ] {
        let template = format!("{NAMESPACE_HEAD}  # {expr}\n");
        let (_dir, out) = render_with_blueprint("namespace.yaml.j2", &template, common::PETS);
        let d = only_error(&out, "GW505");
        assert_at_blueprint_line(&d, "namespace.yaml.j2", 5);
        assert!(
            d["message"].as_str().unwrap_or_default().contains(bound),
            "{expr}: {d:#}"
        );
    }
}

/// Under a 1.5 GB address-space limit, a template that builds a 1 GB string
/// stops with its error (exit 1), not an allocation abort (exit 134).
#[cfg(unix)]
#[test]
fn a_template_under_a_memory_limit_fails_cleanly() {
    let dir = tempfile::tempdir().expect("tempdir");
    let spec = common::cli::write_spec(dir.path(), "site.yaml", common::PETS);
    let bp = dir.path().join("bp");
    std::fs::create_dir(&bp).expect("mkdir bp");
    let template = format!("{NAMESPACE_HEAD}  # {{{{ range(10000) | join(\"x\" * 100000) }}}}\n");
    std::fs::write(bp.join("namespace.yaml.j2"), template).expect("write blueprint");
    let mut cmd = std::process::Command::new("sh");
    cmd.args(["-c", "ulimit -v 1500000 && exec \"$0\" \"$@\""])
        .arg(crate::common::cli::BINARY)
        .arg("render")
        .arg(&spec)
        .arg("--blueprints")
        .arg(&bp)
        .args(["--stdout", "--format", "json"])
        .env("GATEWRIGHT_NO_CACHE", "1");
    let out = run_bounded(cmd);
    let d = only_error(&out, "GW505");
    assert_at_blueprint_line(&d, "namespace.yaml.j2", 5);
}

#[test]
fn an_object_larger_than_the_api_server_takes_is_refused_at_the_writing_line() {
    let template = format!(
        "{NAMESPACE_HEAD}{}",
        "{% set a = \"x\" * 1000000 %}\n{% for i in range(100) %}\n  x{{ i }}: {{ a }}\n{% endfor %}\n"
    );
    let (_dir, out) = render_with_blueprint("namespace.yaml.j2", &template, common::PETS);
    let d = only_error(&out, "GW506");
    assert_at_blueprint_line(&d, "namespace.yaml.j2", 7);
    assert!(d["message"].as_str().unwrap_or_default().contains("3 MiB"), "{d:#}");
}

#[test]
fn the_whole_render_has_an_output_budget() {
    // 100 routes, each writing 4 MB (refused one by one, and counted): 400 MB in all.
    let line = "x".repeat(999);
    let template = format!("{{% for i in range(4000) %}}#{line}\n{{% endfor %}}\n");
    let (_dir, out) = render_with_blueprint("httproute.yaml.j2", &template, &common::cli::spec(100, "t"));
    assert_eq!(out.status.code(), Some(1), "{}", String::from_utf8_lossy(&out.stderr));
    let diags = json_diagnostics(&out);
    let total: Vec<&Value> = diags.iter().filter(|d| d["code"] == "GW507").collect();
    assert_eq!(total.len(), 1, "{diags:#?}");
    assert!(
        total[0]["message"].as_str().unwrap_or_default().contains("256 MiB"),
        "{diags:#?}"
    );
}

#[test]
fn the_built_in_blueprints_stay_well_within_the_bounds() {
    let (_dir, out) = render_with_blueprint(
        "gateway.yaml.j2",
        crate_blueprint("gateway.yaml.j2").as_str(),
        &common::cli::spec(200, "ok"),
    );
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
}

fn crate_blueprint(name: &str) -> String {
    std::fs::read_to_string(common::root().join("blueprints").join(name)).expect("built-in blueprint")
}

// ---- validation helpers ----

fn gateway_api(data: &Path, version: &str, channel: &str) -> PathBuf {
    data.join(format!("gateway-api/{version}/{channel}-install.yaml"))
}

/// `validate --format json` of `objects` (one YAML stream) against the install files `crds`.
fn validate(crds: &[PathBuf], objects: &str) -> (tempfile::TempDir, Output) {
    let dir = tempfile::tempdir().expect("tempdir");
    let file = dir.path().join("objects.yaml");
    std::fs::write(&file, objects).expect("write objects");
    let mut cmd = gatewright();
    cmd.arg("validate").args(["--format", "json"]);
    for crd in crds {
        cmd.arg("--crds").arg(crd);
    }
    cmd.arg(&file);
    let out = run_bounded(cmd);
    (dir, out)
}

fn errors(out: &Output) -> Vec<Value> {
    json_diagnostics(out)
        .into_iter()
        .filter(|d| d["severity"] == "error")
        .collect()
}

// ---- item 12: CEL rules have the API server's cost budget ----

/// A CRD `widgets.example.com` whose `spec` has `rules` over `spec.items`, a
/// list of short strings with `max_items` (none: unbounded).
fn widget_crd(dir: &Path, max_items: Option<u32>, rules: &[&str]) -> PathBuf {
    let max = max_items.map(|n| format!("maxItems: {n}, ")).unwrap_or_default();
    let rules: String = rules
        .iter()
        .map(|r| format!("              - rule: \"{r}\"\n"))
        .collect();
    let text = format!(
        "apiVersion: apiextensions.k8s.io/v1\nkind: CustomResourceDefinition\nmetadata: {{name: widgets.example.com}}\n\
         spec:\n  group: example.com\n  scope: Namespaced\n  names: {{kind: Widget, plural: widgets}}\n  versions:\n\
         \x20 - name: v1\n    served: true\n    storage: true\n    schema:\n      openAPIV3Schema:\n        type: object\n\
         \x20       properties:\n          spec:\n            type: object\n            x-kubernetes-validations:\n{rules}\
         \x20           properties:\n              items: {{type: array, {max}items: {{type: string, maxLength: 8}}}}\n"
    );
    let path = dir.join(format!("widgets-{}.yaml", max_items.unwrap_or(0)));
    std::fs::write(&path, text).expect("write CRD");
    path
}

fn widget(items: usize) -> String {
    let list: Vec<String> = (0..items).map(|i| format!("\"i{i}\"")).collect();
    format!(
        "apiVersion: example.com/v1\nkind: Widget\nmetadata: {{name: w, namespace: ns}}\nspec:\n  items: [{}]\n",
        list.join(", ")
    )
}

const TRIPLE: &str = "self.items.all(a, self.items.all(b, self.items.all(c, a != b || b != c || a == c)))";

#[test]
fn a_rule_whose_estimated_cost_is_over_budget_makes_the_crd_unusable() {
    let dir = tempfile::tempdir().expect("tempdir");
    for max_items in [Some(1000), None] {
        let crd = widget_crd(dir.path(), max_items, &[TRIPLE]);
        let (_objects, out) = validate(&[crd], &widget(1000));
        // Like any CRD file that cannot be used: exit 2, nothing validated.
        assert_eq!(out.status.code(), Some(2), "{}", String::from_utf8_lossy(&out.stderr));
        let diags = json_diagnostics(&out);
        assert_eq!(diags.len(), 1, "{diags:#?}");
        let d = &diags[0];
        assert_eq!(d["code"], "GW808", "{d:#}");
        let message = d["message"].as_str().unwrap_or_default();
        assert!(
            message.contains("estimated rule cost exceeds budget by factor of more than 100x")
                && message.contains("/properties/spec"),
            "{max_items:?}: {message}"
        );
    }
}

#[test]
fn a_call_over_the_per_call_limit_stops_the_rules_of_the_object() {
    let dir = tempfile::tempdir().expect("tempdir");
    let crd = widget_crd(dir.path(), Some(60), &[TRIPLE]);
    let (_objects, out) = validate(std::slice::from_ref(&crd), &widget(60));
    let d = only_error(&out, "GW809");
    let message = d["message"].as_str().unwrap_or_default();
    assert!(message.contains("call cost exceeds limit for rule"), "{message}");
    assert_eq!(d["line"], 5, "{d:#}");
    // The same rule on a small object runs, and holds.
    let (_objects, out) = validate(&[crd], &widget(5));
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
}

#[test]
fn rules_that_together_spend_the_runtime_budget_stop_with_the_api_servers_message() {
    let dir = tempfile::tempdir().expect("tempdir");
    // Each rule is well within the per-call limit; sixteen of them are not within the object's budget.
    let crd = widget_crd(
        dir.path(),
        Some(300),
        &["self.items.all(a, self.items.exists(b, a == b))"; 16],
    );
    let (_objects, out) = validate(&[crd], &widget(300));
    let d = only_error(&out, "GW809");
    assert!(
        d["message"]
            .as_str()
            .unwrap_or_default()
            .contains("validation failed due to running out of cost budget, no further validation rules will be run"),
        "{d:#}"
    );
}

#[test]
fn every_gateway_api_release_stays_within_the_cost_budget() {
    let Some(data) = common::shared_data() else { return };
    let installs = ["v1.1.0", "v1.2.1", "v1.3.0", "v1.6.1"].map(|v| (v, "standard"));
    for (version, channel) in installs.into_iter().chain([("v1.6.1", "experimental")]) {
        let (_objects, out) = validate(&[gateway_api(&data, version, channel)], "");
        assert_eq!(
            out.status.code(),
            Some(0),
            "{version} {channel}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
}

// ---- item 21: a kind or version the CRDs of its group do not serve ----

#[test]
fn an_unknown_kind_or_unserved_version_of_a_defined_group_is_refused() {
    let Some(data) = common::shared_data() else { return };
    let objects = "apiVersion: gateway.networking.k8s.io/v1\nkind: Gateways\nmetadata: {name: a, namespace: ns}\n---\n\
                   apiVersion: gateway.networking.k8s.io/v1alpha1\nkind: HTTPRoute\nmetadata: {name: a, namespace: ns}\n---\n\
                   apiVersion: gateway.networking.k8s.io/v1alpha2\nkind: GRPCRoute\nmetadata: {name: a, namespace: ns}\n---\n\
                   apiVersion: gateway.networking.k8s.io/v1\nkind: httproute\nmetadata: {name: a, namespace: ns}\n---\n\
                   apiVersion: v1\nkind: Service\nmetadata: {name: a, namespace: ns}\n";
    let (_dir, out) = validate(&[gateway_api(&data, "v1.6.1", "standard")], objects);
    assert_eq!(out.status.code(), Some(1), "{}", String::from_utf8_lossy(&out.stderr));
    let found: Vec<(u64, String, String)> = errors(&out)
        .iter()
        .map(|d| {
            assert_eq!(d["code"], "GW807", "{d:#}");
            let text = |k: &str| d[k].as_str().unwrap_or_default().to_owned();
            (d["line"].as_u64().unwrap_or_default(), text("message"), text("help"))
        })
        .collect();
    assert_eq!(found.len(), 4, "{found:#?}");
    let expect = [
        (
            2,
            "no matches for kind \"Gateways\" in version \"gateway.networking.k8s.io/v1\"",
            "did you mean `Gateway`?",
        ),
        (
            5,
            "no matches for kind \"HTTPRoute\" in version \"gateway.networking.k8s.io/v1alpha1\"",
            "gateway.networking.k8s.io/v1, gateway.networking.k8s.io/v1beta1",
        ),
        (
            9,
            "no matches for kind \"GRPCRoute\" in version \"gateway.networking.k8s.io/v1alpha2\"",
            "served as gateway.networking.k8s.io/v1:",
        ),
        (14, "no matches for kind \"httproute\"", "did you mean `HTTPRoute`?"),
    ];
    for ((line, message, help), (want_line, want_message, want_help)) in found.iter().zip(expect) {
        assert_eq!(*line, want_line, "{message}");
        assert!(message.contains(want_message), "{message}");
        assert!(help.contains(want_help), "{help}");
    }
    // A group the CRDs do not define stays a warning.
    let warnings: Vec<Value> = json_diagnostics(&out)
        .into_iter()
        .filter(|d| d["code"] == "GW803")
        .collect();
    assert_eq!(warnings.len(), 1, "{warnings:#?}");
}

// ---- item 22: what the API server accepts ----

#[test]
fn status_integral_floats_and_null_metadata_are_accepted_as_the_api_server_does() {
    let Some(data) = common::shared_data() else { return };
    let objects = "apiVersion: gateway.networking.k8s.io/v1\nkind: Gateway\n\
                   metadata: {name: a, namespace: null, labels: null, annotations: null, generateName: null}\n\
                   spec:\n  gatewayClassName: x\n  listeners:\n  - {name: h, port: 8080.0, protocol: HTTP}\n  - {name: i, port: 8.0e+1, protocol: HTTP}\n\
                   status: {bogus: true, conditions: 7}\n---\n\
                   apiVersion: gateway.networking.k8s.io/v1\nkind: HTTPRoute\nmetadata: {name: r, namespace: null}\n\
                   spec:\n  rules:\n  - backendRefs: [{name: s, port: 80.0, weight: 1.0}]\nstatus: {parents: nope}\n";
    for version in ["v1.1.0", "v1.6.1"] {
        let (_dir, out) = validate(&[gateway_api(&data, version, "standard")], objects);
        assert_eq!(
            out.status.code(),
            Some(0),
            "{version}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
}

#[test]
fn fractions_in_integer_fields_and_wrong_metadata_are_still_refused() {
    let Some(data) = common::shared_data() else { return };
    let objects = "apiVersion: gateway.networking.k8s.io/v1\nkind: Gateway\nmetadata: {name: a, namespace: 7}\n\
                   spec:\n  gatewayClassName: x\n  listeners:\n  - {name: h, port: 8080.5, protocol: HTTP}\n";
    let (_dir, out) = validate(&[gateway_api(&data, "v1.6.1", "standard")], objects);
    let messages: Vec<String> = errors(&out).iter().map(|d| d["message"].to_string()).collect();
    assert!(
        messages.iter().any(|m| m.contains("port: must be of type integer")),
        "{messages:#?}"
    );
    assert!(
        messages
            .iter()
            .any(|m| m.contains("metadata.namespace: must be a string")),
        "{messages:#?}"
    );
}

#[test]
fn status_is_validated_where_the_version_has_no_status_subresource() {
    let dir = tempfile::tempdir().expect("tempdir");
    let crd = widget_crd(dir.path(), Some(4), &["true"]);
    let text = std::fs::read_to_string(&crd).expect("read CRD");
    assert!(!text.contains("subresources"));
    let (_objects, out) = validate(&[crd], &format!("{}status: {{bogus: true}}\n", widget(1)));
    let d = only_error(&out, "GW801");
    assert!(
        d["message"]
            .as_str()
            .unwrap_or_default()
            .contains("unknown field `status`"),
        "{d:#}"
    );
}
