//! Validation of real Gateway API objects against the upstream CRDs, with CEL.
//!
//! The data lives in `../shared/data` beside the crate (see `shared/data/README.md`).

use std::path::{Path, PathBuf};
use std::time::Instant;

use gatewright::crd::{CrdSet, Rule, Violation};
use serde::Deserialize;
use serde_json::Value;

fn shared() -> PathBuf {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared");
    assert!(
        dir.join("data/gateway-api").is_dir(),
        "the shared test data is missing: expected `{}` (the `shared/` directory must sit beside \
         the crate, as `../shared`)",
        dir.join("data/gateway-api").display()
    );
    dir
}

fn read(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()))
}

fn install(version: &str, channel: &str) -> CrdSet {
    let path = shared().join(format!("data/gateway-api/{version}/{channel}-install.yaml"));
    CrdSet::from_yaml(&read(&path), &path.display().to_string())
        .unwrap_or_else(|e| panic!("cannot load {}: {e}", path.display()))
}

/// The non-empty documents of a YAML stream.
fn documents(text: &str, origin: &str) -> Vec<Value> {
    serde_yaml::Deserializer::from_str(text)
        .enumerate()
        .map(|(i, d)| {
            Value::deserialize(d).unwrap_or_else(|e| panic!("{origin}: document {i}: {e}"))
        })
        .filter(|v| !v.is_null())
        .collect()
}

fn files(dir: &Path, prefix: &str) -> Vec<PathBuf> {
    let mut out: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("cannot list {}: {e}", dir.display()))
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| {
            p.file_name()
                .and_then(|n| n.to_str())
                .is_some_and(|n| n.starts_with(prefix) && n.ends_with(".yaml"))
        })
        .collect();
    out.sort();
    out
}

fn show(violations: &[Violation]) -> String {
    violations
        .iter()
        .map(|v| format!("\n    {v}"))
        .collect::<String>()
}

const VERSIONS: [&str; 4] = ["v1.1.0", "v1.2.1", "v1.3.0", "v1.6.1"];

#[test]
fn seed_objects_are_valid_for_every_version() {
    let seed = shared().join("seed/expected");
    for version in VERSIONS {
        let set = install(version, "standard");
        let mut count = 0;
        for file in ["gateway.yaml", "httproutes.yaml"] {
            let path = seed.join(file);
            for object in documents(&read(&path), file) {
                let violations = set
                    .validate(&object)
                    .unwrap_or_else(|| panic!("{version} does not cover {file}"));
                assert!(
                    violations.is_empty(),
                    "{version}: {file}: {}",
                    show(&violations)
                );
                count += 1;
            }
        }
        println!("{version}: {count} seed objects valid");
        assert_eq!(count, 3);
    }
}
