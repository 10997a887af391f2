//! Run a spec written into a temporary directory, through the library
//! (`gatewright::compile`) or the CLI (`gatewright render . --stdout`), and
//! read what came out: codes, findings, rendered objects. Also the import
//! of manifests that must succeed and render back.

use std::path::Path;

use gatewright::Outcome;
use serde_json::Value;

use super::cli::gatewright;
use super::imports::{Rendered, Run, import_texts};
use super::{parse_stream, tree_objects};

/// A new temporary directory holding `files` (name, text).
pub fn spec_dir(files: &[(&str, &str)]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("tempdir");
    for (name, text) in files {
        std::fs::write(dir.path().join(name), text).expect("write");
    }
    dir
}

/// `gatewright::compile` of the spec directory holding `files`.
pub fn compile_files(files: &[(&str, &str)]) -> Outcome {
    let dir = spec_dir(files);
    gatewright::compile(&gatewright::Options {
        spec: dir.path().to_path_buf(),
        ..Default::default()
    })
}

/// Exit code, stdout and stderr of `gatewright ARGS` run in `dir`.
pub fn run_in(dir: &Path, args: &[&str]) -> (Option<i32>, String, String) {
    let o = gatewright()
        .args(args)
        .current_dir(dir)
        .output()
        .expect("run gatewright");
    let text = |b: &[u8]| String::from_utf8_lossy(b).into_owned();
    (o.status.code(), text(&o.stdout), text(&o.stderr))
}

/// Exit code, stdout and stderr of `gatewright render . --stdout` over `files`.
pub fn render_files(files: &[(&str, &str)]) -> (Option<i32>, String, String) {
    let dir = spec_dir(files);
    run_in(dir.path(), &["render", ".", "--stdout"])
}

/// `text` with every `from` of `with` replaced by its `to`, in order; a
/// `from` the text (so far) lacks fails the test.
pub fn fill(text: &str, with: &[(&str, &str)]) -> String {
    with.iter().fold(text.to_string(), |t, (from, to)| {
        assert!(t.contains(from), "`{from}` is not in the text");
        t.replace(from, to)
    })
}

/// The code of each finding.
pub fn codes(o: &Outcome) -> Vec<String> {
    o.diagnostics.iter().map(|d| d.code.to_string()).collect()
}

/// The code and line (0 when unlocated) of each finding of compiling `spec`
/// (a file or a folder) with the manifest root `under`.
pub fn located_codes(spec: &Path, under: &Path) -> Vec<(String, u32)> {
    let outcome = gatewright::driver::compile(&gatewright::driver::Options {
        spec: spec.to_path_buf(),
        manifests_under: Some(under.to_path_buf()),
        ..gatewright::driver::Options::default()
    });
    outcome
        .diagnostics
        .iter()
        .map(|d| (d.code.to_string(), d.loc.as_ref().map_or(0, |l| l.line)))
        .collect()
}

/// The code of each error (warnings left out).
pub fn error_codes(o: &Outcome) -> Vec<String> {
    o.diagnostics
        .iter()
        .filter(|d| d.is_error())
        .map(|d| d.code.to_string())
        .collect()
}

/// `CODE: message` of each finding.
pub fn messages(o: &Outcome) -> Vec<String> {
    o.diagnostics
        .iter()
        .map(|d| format!("{}: {}", d.code, d.message))
        .collect()
}

/// The rendered objects of `kind`; a run that rendered nothing fails the test, naming its findings.
pub fn objects(o: &Outcome, kind: &str) -> Vec<Value> {
    let out = o
        .output
        .as_ref()
        .unwrap_or_else(|| panic!("not rendered: {:?}", messages(o)));
    tree_objects(out.tree().expect("a tree"))
        .into_iter()
        .map(|(_, v)| v)
        .filter(|v| v["kind"] == kind)
        .collect()
}

/// The rendered object of `kind` named `name`, or a failed test.
pub fn object(o: &Outcome, kind: &str, name: &str) -> Value {
    objects(o, kind)
        .into_iter()
        .find(|v| v["metadata"]["name"] == name)
        .unwrap_or_else(|| panic!("no {kind} {name}"))
}

/// The objects of `kind` in a YAML stream (`render --stdout`).
pub fn stdout_objects(stdout: &str, kind: &str) -> Vec<Value> {
    parse_stream(stdout).into_iter().filter(|v| v["kind"] == kind).collect()
}

/// The findings of `stderr` (human format) with `code`: each from its
/// `error[GWnnn]` or `warning[GWnnn]` to the next.
pub fn findings<'a>(stderr: &'a str, code: &str) -> Vec<&'a str> {
    let mut starts: Vec<usize> = stderr
        .match_indices("error[")
        .chain(stderr.match_indices("warning["))
        .map(|(i, _)| i)
        .collect();
    starts.sort();
    starts
        .iter()
        .enumerate()
        .map(|(n, &i)| &stderr[i..starts.get(n + 1).copied().unwrap_or(stderr.len())])
        .filter(|f| f.contains(&format!("[{code}]")))
        .collect()
}

/// Import the manifests `files` (name, text), which must import with no
/// GW901 (nothing skipped), and render the spec read back, which must succeed.
pub fn import_and_render(files: &[(&str, &str)]) -> (Run, Rendered) {
    let run = import_texts(files, &[]);
    assert!(run.with_code("GW901").is_empty(), "{:?}", run.diagnostics);
    let rendered = run.render();
    assert_eq!(rendered.code, Some(0), "{:?}\n{}", rendered.errors(), run.spec);
    (run, rendered)
}

/// A Gateway manifest, `infra/shared` with one HTTP listener, that admits
/// ListenerSets from every namespace.
pub const SHARED_GATEWAY: &str = "apiVersion: gateway.networking.k8s.io/v1
kind: Gateway
metadata: {name: shared, namespace: infra}
spec:
  gatewayClassName: istio
  allowedListeners: {namespaces: {from: All}}
  listeners:
  - {name: http, port: 80, protocol: HTTP}
";
