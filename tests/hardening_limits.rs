//! Bounds on hostile input (issue 14): blueprint templates have a work, memory
//! and output budget (GW505-GW507); CEL rules of CRDs have the API server's
//! cost budget (GW807); an unknown kind or unserved version of a group the CRDs
//! define is an error (GW803); and `status`, integral floats and `null`
//! optional metadata are accepted as the API server accepts them.
//!
//! Runs that could do unbounded work go through [`limits::run_bounded`], which
//! turns a hang into a failure (no speed is asserted).

mod common;
#[path = "common/limits.rs"]
mod limits;

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
