//! Hostile input end to end: a spec far over the size limit, and values
//! that try to inject YAML keys or templates into the output.

use crate::common;

use std::path::Path;
use std::process::{Output, Stdio};
use std::time::{Duration, Instant};

use gatewright::{Options, compile};
use serde_json::Value;

const SITE: &str = "apiVersion: gatewright.dev/v1alpha1\nkind: Site\n";
const GATEWAY: &str = "gateways:\n  gateway:\n    profile: aks-istio-external\n    listeners:\n      default: { hostname: \"*.aks.rocks\", protocol: HTTP, port: 80 }\n";

/// Run the binary, killing it (and failing) if it runs past `limit`.
fn run_bounded(args: &[&str], cwd: &Path, limit: Duration) -> Output {
    let mut child = crate::common::cli::bin()
        .args(args)
        .current_dir(cwd)
        .env("GATEWRIGHT_NO_CACHE", "1")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run gatewright");
    let start = Instant::now();
    while child.try_wait().expect("wait").is_none() {
        if start.elapsed() > limit {
            let _ = child.kill();
            panic!("gatewright {args:?} still running after {limit:?}");
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    child.wait_with_output().expect("output")
}

#[test]
fn a_100_mb_spec_is_refused_by_its_size_before_it_is_read() {
    let dir = tempfile::tempdir().expect("tempdir");
    let spec = dir.path().join("spec.yaml");
    {
        use std::io::Write;
        let mut f = std::io::BufWriter::new(std::fs::File::create(&spec).expect("create"));
        f.write_all(SITE.as_bytes()).expect("write");
        f.write_all(b"apps:\n").expect("write");
        let line = format!("  # {}\n", "x".repeat(1020));
        for _ in 0..(100 * 1024) {
            f.write_all(line.as_bytes()).expect("write");
        }
    }
    assert!(std::fs::metadata(&spec).expect("meta").len() > 100 * 1024 * 1024);
    let out = run_bounded(
        &["render", "spec.yaml", "--stdout"],
        dir.path(),
        Duration::from_secs(20),
    );
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(out.stdout.is_empty());
    assert!(stderr.contains("error[GW102]"), "{stderr}");
    assert!(stderr.contains("spec.yaml:1:1"), "{stderr}");
    assert!(stderr.contains("more than the limit of 16777216 bytes"), "{stderr}");
}

#[test]
fn a_device_given_as_overlay_is_refused_without_reading_it() {
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::write(dir.path().join("spec.yaml"), format!("{SITE}{GATEWAY}apps: {{}}\n")).expect("write");
    let out = run_bounded(
        &["render", "spec.yaml", "--overlay", "/dev/zero", "--stdout"],
        dir.path(),
        Duration::from_secs(20),
    );
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.contains("cannot read `/dev/zero`: not a regular file"),
        "{stderr}"
    );
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

#[test]
fn a_hostname_with_a_newline_and_a_key_is_rejected_where_it_is_written() {
    let spec = format!(
        "{SITE}{GATEWAY}apps:\n  pets:\n    routes:\n      a: {{ host: \"a.aks.rocks\\nnamespace: kube-system\", to: a:80 }}\n"
    );
    let outcome = compile_text(&spec);
    assert!(outcome.output.is_none());
    let d = outcome
        .diagnostics
        .iter()
        .find(|d| d.code == "GW402")
        .expect("GW402 for the hostname");
    let loc = d.loc.as_ref().expect("located");
    assert_eq!((loc.line, loc.col), (11, 18));
    assert_eq!(d.spec_path.as_deref(), Some("/apps/pets/routes/a/host"));
}

/// Values that look like templates or carry a newline and a key come out
/// as the same strings, never as evaluated templates or new keys.
#[test]
fn template_syntax_and_newlines_in_values_render_as_inert_strings() {
    let evil = "{{ 7*7 }}\\nnamespace: kube-system";
    let spec = format!(
        "{SITE}{GATEWAY}apps:\n  pets:\n    manifests: [\"https://example.com/{{{{ 7*7 }}}}/x.yaml?ref=0123456789abcdef0123456789abcdef01234567\"]\n    routes:\n      a:\n        hostnames: [a.aks.rocks]\n        rules:\n        - matches:\n          - path: {{ type: RegularExpression, value: \"/{{{{ 7*7 }}}}\" }}\n            headers: [{{ name: x-env, value: \"{evil}\" }}]\n            queryParams: [{{ name: q, value: \"{evil}\" }}]\n          backendRefs: [{{ name: a, port: 80 }}]\n"
    );
    let outcome = compile_text(&spec);
    let errors: Vec<_> = outcome.diagnostics.iter().filter(|d| d.is_error()).collect();
    assert!(errors.is_empty(), "{errors:?}");
    let tree = outcome.output.expect("output").into_tree().expect("a tree");
    let all: String = tree.files.values().cloned().collect();
    assert!(!all.contains("49"), "a template was evaluated:\n{all}");
    let injected = "{{ 7*7 }}\nnamespace: kube-system";
    let mut seen = Vec::new();
    for (path, text) in &tree.files {
        for doc in common::parse_stream(text) {
            let ns = doc.pointer("/metadata/namespace").and_then(Value::as_str);
            assert_ne!(ns, Some("kube-system"), "{path}: a value became a key");
            collect_strings(&doc, &mut seen);
        }
    }
    for expected in [injected, "/{{ 7*7 }}"] {
        assert!(
            seen.iter().any(|s| s == expected),
            "`{expected}` not rendered as a string: {seen:?}"
        );
    }
    assert!(seen.iter().any(|s| s.contains("/{{ 7*7 }}/x.yaml")), "{seen:?}");
}

fn collect_strings(v: &Value, out: &mut Vec<String>) {
    match v {
        Value::String(s) => out.push(s.clone()),
        Value::Array(items) => items.iter().for_each(|i| collect_strings(i, out)),
        Value::Object(map) => map.values().for_each(|i| collect_strings(i, out)),
        _ => {}
    }
}

/// The "Limits" table of `docs/limits.md` states the reader's defaults.
#[test]
fn the_docs_state_the_limits_the_reader_enforces() {
    let page = std::fs::read_to_string(common::root().join("docs/limits.md")).expect("docs/limits.md");
    let section = page.split("# Limits\n").nth(1).expect("a Limits section");
    let l = gatewright::yaml::Limits::default();
    let grouped = |n: usize| {
        let digits = n.to_string();
        let mut out = String::new();
        for (i, c) in digits.chars().enumerate() {
            if i > 0 && (digits.len() - i) % 3 == 0 {
                out.push(',');
            }
            out.push(c);
        }
        out
    };
    for (what, n) in [
        ("file size", l.max_bytes),
        ("nesting depth", l.max_depth),
        ("nodes per document", l.max_nodes),
        ("documents per file", l.max_documents),
    ] {
        let row = section
            .lines()
            .find(|line| line.starts_with(&format!("| {what} |")))
            .unwrap_or_else(|| panic!("no `{what}` row in the Limits table of docs/limits.md"));
        assert!(
            row.contains(&grouped(n)),
            "docs/limits.md row `{row}` does not state {n}"
        );
    }
}

#[test]
fn template_syntax_in_a_label_value_is_rejected_where_it_is_written() {
    let spec = format!(
        "{SITE}{GATEWAY}apps:\n  pets:\n    labels: {{ team: \"{{{{ 7*7 }}}}\" }}\n    routes:\n      a: {{ host: a.aks.rocks, to: a:80 }}\n"
    );
    let outcome = compile_text(&spec);
    assert!(outcome.output.is_none());
    let d = outcome
        .diagnostics
        .iter()
        .find(|d| d.code == "GW404")
        .expect("GW404 for the label value");
    assert_eq!(d.spec_path.as_deref(), Some("/apps/pets/labels/team"));
    assert_eq!(d.loc.as_ref().map(|l| l.line), Some(10));
}
