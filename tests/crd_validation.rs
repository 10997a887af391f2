//! Validation of real Gateway API objects against the upstream CRDs, with CEL.
//!
//! The data lives in `../shared/data` beside the crate (see `shared/data/README.md`),
//! or where `GATEWRIGHT_TEST_SHARED` says; without it the tests are skipped.

use crate::common;

use std::path::{Path, PathBuf};
use std::time::Instant;

use gatewright::crd::{CrdSet, Rule, Violation};
use serde::Deserialize;
use serde_json::Value;

fn read(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()))
}

/// The CRDs of one release and channel, from the reference data folder `data`.
fn install(data: &Path, version: &str, channel: &str) -> CrdSet {
    let path = data.join(format!("gateway-api/{version}/{channel}-install.yaml"));
    CrdSet::from_yaml(&read(&path), &path.display().to_string())
        .unwrap_or_else(|e| panic!("cannot load {}: {e}", path.display()))
}

/// The non-empty documents of a YAML stream.
fn documents(text: &str, origin: &str) -> Vec<Value> {
    serde_yaml::Deserializer::from_str(text)
        .enumerate()
        .map(|(i, d)| Value::deserialize(d).unwrap_or_else(|e| panic!("{origin}: document {i}: {e}")))
        .filter(|v| !v.is_null())
        .collect()
}

fn show(violations: &[Violation]) -> String {
    violations.iter().map(|v| format!("\n    {v}")).collect::<String>()
}

const VERSIONS: [&str; 4] = ["v1.1.0", "v1.2.1", "v1.3.0", "v1.6.1"];

#[test]
fn seed_objects_are_valid_for_every_version() {
    let Some(data) = common::shared_data() else { return };
    let Some(seed) = common::shared_seed() else { return };
    let seed = seed.join("expected");
    for version in VERSIONS {
        let set = install(&data, version, "standard");
        let mut count = 0;
        for file in ["gateway.yaml", "httproutes.yaml"] {
            let path = seed.join(file);
            for object in documents(&read(&path), file) {
                let violations = set
                    .validate(&object)
                    .unwrap_or_else(|| panic!("{version} does not cover {file}"));
                assert!(violations.is_empty(), "{version}: {file}: {}", show(&violations));
                count += 1;
            }
        }
        println!("{version}: {count} seed objects valid");
        assert_eq!(count, 3);
    }
}

struct Tally {
    valid: usize,
    not_covered: usize,
    failures: Vec<String>,
}

fn validate_files(set: &CrdSet, paths: &[PathBuf], placeholders: bool) -> Tally {
    let mut tally = Tally {
        valid: 0,
        not_covered: 0,
        failures: Vec::new(),
    };
    for path in paths {
        let mut text = read(path);
        if placeholders {
            text = common::substitute_placeholders(&text);
        }
        let name = path
            .file_name()
            .map_or_else(String::new, |n| n.to_string_lossy().into_owned());
        for object in documents(&text, &name) {
            match set.validate(&object) {
                None => tally.not_covered += 1,
                Some(v) if v.is_empty() => tally.valid += 1,
                Some(v) => tally.failures.push(format!(
                    "{name}: {} {}: {}",
                    object["kind"].as_str().unwrap_or("?"),
                    object["metadata"]["name"].as_str().unwrap_or("?"),
                    show(&v)
                )),
            }
        }
    }
    tally
}

#[test]
fn upstream_standard_examples_are_valid() {
    let Some(data) = common::shared_data() else { return };
    let set = install(&data, "v1.6.1", "standard");
    let dir = data.join("gateway-api/v1.6.1/examples");
    let started = Instant::now();
    let tally = validate_files(&set, &common::yaml_files(&dir, "standard__"), false);
    println!(
        "v1.6.1 standard examples: {} valid, {} not covered (e.g. Namespace), {} invalid, in {:?}",
        tally.valid,
        tally.not_covered,
        tally.failures.len(),
        started.elapsed()
    );
    assert!(tally.failures.is_empty(), "{}", tally.failures.join("\n"));
    assert!(tally.valid >= 80, "expected at least 80 objects, got {}", tally.valid);

    let experimental = install(&data, "v1.6.1", "experimental");
    let tally = validate_files(&experimental, &common::yaml_files(&dir, "experimental__"), false);
    println!(
        "v1.6.1 experimental examples: {} valid, {} not covered, {} invalid",
        tally.valid,
        tally.not_covered,
        tally.failures.len()
    );
    assert!(tally.failures.is_empty(), "{}", tally.failures.join("\n"));
}

#[test]
fn upstream_conformance_objects_are_valid() {
    let Some(data) = common::shared_data() else { return };
    let standard = install(&data, "v1.6.1", "standard");
    let experimental = install(&data, "v1.6.1", "experimental");
    let dir = data.join("gateway-api/v1.6.1/conformance");
    let (mut on_experimental, mut experimental_files) = (Vec::new(), Vec::new());
    for path in common::yaml_files(&dir, "") {
        let name = path
            .file_name()
            .map_or_else(String::new, |n| n.to_string_lossy().into_owned());
        if common::EXPERIMENTAL_FIELD_FILES.iter().any(|(f, _)| *f == name) {
            experimental_files.push(path);
        } else {
            on_experimental.push(path);
        }
    }
    let started = Instant::now();
    let tally = validate_files(&standard, &on_experimental, true);
    println!(
        "v1.6.1 conformance against standard: {} valid, {} not covered (Service, Deployment, ...), {} invalid, in {:?}",
        tally.valid,
        tally.not_covered,
        tally.failures.len(),
        started.elapsed()
    );
    assert!(tally.failures.is_empty(), "{}", tally.failures.join("\n"));
    assert!(tally.valid >= 300, "expected at least 300 objects, got {}", tally.valid);

    let tally = validate_files(&experimental, &experimental_files, true);
    println!(
        "v1.6.1 conformance with experimental fields, against experimental: {} valid, {} invalid",
        tally.valid,
        tally.failures.len()
    );
    assert!(tally.failures.is_empty(), "{}", tally.failures.join("\n"));
    assert!(tally.valid > 0);
    // ... and the standard install does refuse them.
    let refused = validate_files(&standard, &experimental_files, true);
    assert_eq!(
        refused.valid, 0,
        "expected the standard CRDs to refuse experimental fields"
    );
}

/// Every file of `invalid-examples/<channel>__*` must be refused; counts those
/// refused by CEL rules or list keys alone in `beyond_schema`.
fn assert_all_rejected(data: &Path, set: &CrdSet, channel: &str, beyond_schema: &mut usize) -> usize {
    let dir = data.join("gateway-api/v1.6.1/invalid-examples");
    let mut rejected = 0;
    let mut accepted = Vec::new();
    for path in common::yaml_files(&dir, &format!("{channel}__")) {
        let name = path
            .file_name()
            .map_or_else(String::new, |n| n.to_string_lossy().into_owned());
        for object in documents(&read(&path), &name) {
            match set.validate(&object) {
                None => accepted.push(format!("{name}: kind not covered")),
                Some(v) if v.is_empty() => accepted.push(format!("{name}: accepted")),
                Some(v) => {
                    rejected += 1;
                    let cel = v.iter().any(|v| matches!(v.rule, Rule::Cel { .. }));
                    let only_cel_or_lists = v.iter().all(|v| matches!(v.rule, Rule::Cel { .. } | Rule::ListType));
                    if only_cel_or_lists {
                        *beyond_schema += 1;
                    }
                    let first = v.iter().find(|v| v.rule != Rule::CelNotEvaluated).unwrap_or(&v[0]);
                    println!("  rejected {name}{}: {first}", if cel { " (CEL)" } else { "" });
                }
            }
        }
    }
    assert!(accepted.is_empty(), "not rejected:\n{}", accepted.join("\n"));
    rejected
}

#[test]
fn upstream_invalid_examples_are_rejected() {
    let Some(data) = common::shared_data() else { return };
    let standard = install(&data, "v1.6.1", "standard");
    let mut beyond = 0;
    let n = assert_all_rejected(&data, &standard, "standard", &mut beyond);
    println!("v1.6.1 standard invalid examples rejected: {n} ({beyond} only by CEL rules or list-map keys)");
    assert_eq!(n, 32);
    // The data README counts 17 of the 36 that a plain JSON Schema check misses;
    // 15 of them are standard-channel files.
    assert!(
        beyond >= 15,
        "expected CEL/list-type to reject at least 15, got {beyond}"
    );
    let experimental = install(&data, "v1.6.1", "experimental");
    let mut beyond = 0;
    let n = assert_all_rejected(&data, &experimental, "experimental", &mut beyond);
    println!("v1.6.1 experimental invalid examples rejected: {n} ({beyond} only by CEL rules or list-map keys)");
    assert_eq!(n, 4);
}

/// Every `x-kubernetes-validations` rule of every served version of every
/// install, counted independently of the library.
fn count_rules(text: &str) -> (usize, usize) {
    fn walk(v: &Value, rules: &mut usize, transition: &mut usize) {
        match v {
            Value::Object(map) => {
                if let Some(Value::Array(list)) = map.get("x-kubernetes-validations") {
                    for r in list {
                        if r["rule"].as_str().is_some_and(|r| r.contains("oldSelf")) {
                            *transition += 1;
                        } else {
                            *rules += 1;
                        }
                    }
                }
                map.values().for_each(|v| walk(v, rules, transition));
            }
            Value::Array(items) => items.iter().for_each(|v| walk(v, rules, transition)),
            _ => {}
        }
    }
    let (mut rules, mut transition) = (0, 0);
    for doc in documents(text, "install") {
        if doc["kind"] != "CustomResourceDefinition" {
            continue;
        }
        for version in doc["spec"]["versions"].as_array().into_iter().flatten() {
            if version["served"] == true {
                walk(&version["schema"], &mut rules, &mut transition);
            }
        }
    }
    (rules, transition)
}

#[test]
fn every_cel_rule_of_every_version_compiles() {
    let Some(data) = common::shared_data() else { return };
    let mut installs: Vec<PathBuf> = VERSIONS
        .iter()
        .map(|v| data.join(format!("gateway-api/{v}/standard-install.yaml")))
        .collect();
    installs.push(data.join("gateway-api/v1.6.1/experimental-install.yaml"));
    for flux in [
        "kustomize.toolkit.fluxcd.io_kustomizations",
        "source.toolkit.fluxcd.io_gitrepositories",
        "source.toolkit.fluxcd.io_ocirepositories",
    ] {
        installs.push(data.join(format!("flux/{flux}.yaml")));
    }
    for path in installs {
        let text = read(&path);
        // `from_yaml` compiles every rule, and refuses a rule that does not
        // compile or calls a function the evaluator lacks.
        let set = CrdSet::from_yaml(&text, &path.display().to_string()).unwrap_or_else(|e| panic!("{e}"));
        let (rules, transition) = count_rules(&text);
        println!(
            "{}: {} CEL rules compiled, {transition} transition rules skipped, kinds: {}",
            path.display(),
            set.rule_count(),
            set.kinds()
                .iter()
                .map(|(a, k)| format!("{k} {a}"))
                .collect::<Vec<_>>()
                .join(", ")
        );
        assert_eq!(set.rule_count(), rules, "{}", path.display());
    }
}

/// `--crds` of another Gateway API release than the output targets is a GW806 warning.
#[test]
fn crds_of_another_release_than_the_target_are_a_warning() {
    let Some(data) = common::shared_data() else { return };
    let seed = Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/aks-store/gatewright.yaml");
    let warnings = |version: &str| -> Vec<String> {
        let outcome = gatewright::driver::compile(&gatewright::Options {
            spec: seed.clone(),
            crds: Some(std::sync::Arc::new(install(&data, version, "standard"))),
            ..Default::default()
        });
        assert!(!outcome.has_errors(), "{:?}", outcome.diagnostics);
        outcome
            .diagnostics
            .iter()
            .filter(|d| d.code == "GW806")
            .map(|d| d.message.clone())
            .collect()
    };
    assert_eq!(install(&data, "v1.3.0", "standard").bundle_versions(), ["v1.3.0"]);
    assert!(warnings("v1.1.0").is_empty(), "the seed targets v1.1.0");
    assert_eq!(
        warnings("v1.3.0"),
        ["the `--crds` are Gateway API v1.3.0, but the output targets v1.1.0"]
    );
}
