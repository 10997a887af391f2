//! The bodies of the fuzz targets. Each takes arbitrary bytes, runs them
//! through gatewright and panics only when an invariant breaks (a panic
//! inside gatewright is a finding too). The root crate's
//! `tests/fuzz_seeds.rs` includes this file and runs the bodies on the seed
//! corpus, so CI checks them without libFuzzer.

use std::path::{Component, Path, PathBuf};

use gatewright::load::GENERATED_HEADER;
use gatewright::yaml::{self, Limits};
use gatewright::{Options, compile, overlay};
use serde_json::Value;

/// Separates the spec from the overlay in an `overlay_merge` input.
pub const OVERLAY_SEPARATOR: &[u8] = b"\n#%overlay\n";

thread_local! {
    static SCRATCH: tempfile::TempDir = tempfile::tempdir().expect("scratch directory");
}

/// The reader on the raw bytes (canonical YAML must read back to the same
/// value), then the whole pipeline with the bytes as a spec file.
pub fn parse_compile(data: &[u8]) {
    round_trip(data);
    SCRATCH.with(|dir| {
        let spec = dir.path().join("spec.yaml");
        std::fs::write(&spec, data).expect("write scratch spec");
        check_compile(&Options {
            spec,
            ..Options::default()
        });
    });
}

/// The bytes before [`OVERLAY_SEPARATOR`] are a spec, the rest an
/// environment overlay: the merge patch must be idempotent, and the
/// compilation with the overlay must keep the invariants.
pub fn overlay_merge(data: &[u8]) {
    let (spec_bytes, overlay_bytes) = split(data);
    let limits = Limits::default();
    if let (Ok(specs), Ok(patches)) = (
        yaml::read_bytes(spec_bytes, &limits),
        yaml::read_bytes(overlay_bytes, &limits),
    ) {
        for (target, patch) in specs.iter().zip(patches.iter()) {
            let mut once = target.to_json();
            overlay::merge_patch(&mut once, &patch.to_json());
            let mut twice = once.clone();
            overlay::merge_patch(&mut twice, &patch.to_json());
            assert_eq!(once, twice, "a merge patch applied twice must change nothing more");
        }
    }
    SCRATCH.with(|dir| {
        let spec = dir.path().join("spec.yaml");
        let env = dir.path().join("fuzz.yaml");
        std::fs::write(&spec, spec_bytes).expect("write scratch spec");
        std::fs::write(&env, overlay_bytes).expect("write scratch overlay");
        check_compile(&Options {
            spec,
            overlay: Some(env),
            env: Some("fuzz".into()),
            ..Options::default()
        });
    });
}

fn split(data: &[u8]) -> (&[u8], &[u8]) {
    match data
        .windows(OVERLAY_SEPARATOR.len())
        .position(|w| w == OVERLAY_SEPARATOR)
    {
        Some(i) => (&data[..i], &data[i + OVERLAY_SEPARATOR.len()..]),
        None => (data, &[]),
    }
}

/// Every document the reader accepts, written canonically, reads back to the same value.
fn round_trip(data: &[u8]) {
    let Ok(docs) = yaml::read_bytes(data, &Limits::default()) else {
        return;
    };
    for doc in docs {
        let value = doc.to_json();
        let text = yaml::to_canonical_yaml(&value);
        let back = yaml::read_documents(&text, &Limits::default())
            .unwrap_or_else(|e| panic!("canonical YAML does not read back: {e}\n{text}"));
        let back: Vec<Value> = back.iter().map(yaml::Node::to_json).collect();
        assert_eq!(back, vec![value], "canonical YAML reads back differently:\n{text}");
    }
}

/// Output exactly when there is no error; every output path stays inside
/// the output directory; every file carries the generated header.
fn check_compile(opts: &Options) {
    let outcome = compile(opts);
    assert_eq!(
        outcome.output.is_some(),
        !outcome.has_errors(),
        "output must be produced exactly when there is no error: {:?}",
        outcome.diagnostics
    );
    let Some(compiled) = outcome.output else { return };
    for (path, text) in &compiled.tree().expect("a whole tree").files {
        assert!(
            stays_inside(Path::new(path)),
            "output path `{path}` leaves the output directory"
        );
        assert!(
            text.starts_with(GENERATED_HEADER),
            "`{path}` lacks the generated header"
        );
    }
}

/// Only plain names: no root, no `..`, no `.`, no empty path.
pub fn stays_inside(path: &Path) -> bool {
    let parts: Vec<Component<'_>> = path.components().collect();
    !parts.is_empty() && parts.iter().all(|c| matches!(c, Component::Normal(_)))
}

/// The seed inputs of a target: the examples, the CLI cases' specs and the
/// regression inputs under `fuzz/regressions/<target>/`, sorted.
pub fn seeds(root: &Path, target: &str) -> Vec<PathBuf> {
    let mut found = Vec::new();
    let dirs = [
        root.join("examples"),
        root.join("tests/cmd"),
        root.join("fuzz/regressions").join(target),
    ];
    for dir in dirs {
        for entry in walk(&dir) {
            let yaml = matches!(entry.extension().and_then(|e| e.to_str()), Some("yaml" | "yml"));
            if yaml || entry.starts_with(root.join("fuzz/regressions")) {
                found.push(entry);
            }
        }
    }
    found.sort();
    found
}

fn walk(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let Ok(entries) = std::fs::read_dir(dir) else {
        return out;
    };
    for entry in entries.flatten() {
        let p = entry.path();
        if p.is_dir() {
            out.extend(walk(&p));
        } else if p.is_file() {
            out.push(p);
        }
    }
    out
}
