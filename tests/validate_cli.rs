//! `gatewright validate` through the CLI, against the upstream Gateway API
//! v1.6.1 data in `../shared/data/gateway-api/v1.6.1/`: every invalid example
//! is refused (standard ones with the standard install, experimental ones
//! with the experimental install), every standard example and every
//! standard-channel conformance object is accepted. The counts are printed.

use crate::common;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Output;

use common::*;
use serde_json::Value;

/// The v1.6.1 data, or `None` when the test is skipped.
fn data() -> Option<PathBuf> {
    shared_data().map(|d| d.join("gateway-api/v1.6.1"))
}

fn validate(crds: &Path, paths: &[PathBuf]) -> Output {
    crate::common::cli::bin()
        .arg("validate")
        .arg("--crds")
        .arg(crds)
        .args(["--format", "json"])
        .args(paths)
        .output()
        .expect("run gatewright")
}

/// The counts of the summary line: `validated N objects in F files: V valid, I invalid, U not covered ...`.
fn summary(out: &Output) -> BTreeMap<String, usize> {
    let text = String::from_utf8_lossy(&out.stdout);
    let line = text
        .lines()
        .find(|l| l.starts_with("validated "))
        .unwrap_or_else(|| panic!("no summary in {text:?}"));
    println!("  {line}");
    let words: Vec<&str> = line.split([' ', ':', ',']).filter(|w| !w.is_empty()).collect();
    let mut out = BTreeMap::new();
    for pair in words.windows(2) {
        if let Ok(n) = pair[0].parse::<usize>() {
            out.insert(pair[1].to_string(), n);
        }
    }
    out
}

fn diagnostics(out: &Output) -> Vec<Value> {
    let text = String::from_utf8_lossy(&out.stderr);
    serde_json::from_str::<Vec<Value>>(text.trim()).unwrap_or_else(|e| panic!("stderr is not JSON ({e}): {text}"))
}

/// Every file must get at least one error, and nothing may be accepted.
fn assert_all_rejected(data: &Path, install: &str, channel: &str) -> usize {
    let files = yaml_files(&data.join("invalid-examples"), &format!("{channel}__"));
    assert!(!files.is_empty());
    let out = validate(&data.join(install), &files);
    assert_eq!(out.status.code(), Some(1), "{}", String::from_utf8_lossy(&out.stderr));
    let counts = summary(&out);
    let mut errors: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for d in diagnostics(&out) {
        assert!(d["code"] == "GW801" || d["code"] == "GW802", "unexpected {d}");
        assert!(d["line"].as_u64().is_some_and(|l| l > 0), "no line: {d}");
        if d["severity"] == "error" {
            let file = d["file"].as_str().unwrap_or_default().to_string();
            errors
                .entry(file)
                .or_default()
                .push(format!("{}: {}", d["code"], d["message"]));
        }
    }
    for f in &files {
        let shown = gatewright::source::display_path(f);
        let found = errors.get(&shown).unwrap_or_else(|| panic!("{shown} was not rejected"));
        println!(
            "  rejected {}: {}",
            f.file_name().unwrap_or_default().to_string_lossy(),
            found[0]
        );
    }
    assert_eq!(counts["files"], files.len());
    assert_eq!(counts["valid"], 0);
    assert_eq!(counts["invalid"], counts["objects"]);
    assert_eq!(counts["not"], 0, "every invalid example is of a covered kind");
    counts["invalid"]
}

#[test]
fn validate_rejects_every_invalid_example() {
    let Some(data) = data() else { return };
    let standard = assert_all_rejected(&data, "standard-install.yaml", "standard");
    println!("standard invalid examples rejected by `validate`: {standard}");
    assert_eq!(standard, 32);
    let experimental = assert_all_rejected(&data, "experimental-install.yaml", "experimental");
    println!("experimental invalid examples rejected by `validate`: {experimental}");
    assert_eq!(experimental, 4);
}

#[test]
fn validate_accepts_every_standard_example() {
    let Some(data) = data() else { return };
    let files = yaml_files(&data.join("examples"), "standard__");
    let out = validate(&data.join("standard-install.yaml"), &files);
    let counts = summary(&out);
    let errors: Vec<Value> = diagnostics(&out)
        .into_iter()
        .filter(|d| d["severity"] == "error")
        .collect();
    assert!(errors.is_empty(), "{errors:#?}");
    assert_eq!(out.status.code(), Some(0));
    println!(
        "standard examples accepted by `validate`: {} valid of {} objects ({} not covered, e.g. Namespace)",
        counts["valid"], counts["objects"], counts["not"]
    );
    assert_eq!(counts["invalid"], 0);
    assert!(counts["valid"] >= 80, "{counts:?}");
}

#[test]
fn validate_accepts_every_standard_channel_conformance_object() {
    let Some(data) = data() else { return };
    let dir = tempfile::tempdir().expect("tempdir");
    let mut written = 0;
    for path in yaml_files(&data.join("conformance"), "") {
        let name = path.file_name().expect("name").to_string_lossy().into_owned();
        if EXPERIMENTAL_FIELD_FILES.iter().any(|(f, _)| *f == name) {
            continue; // experimental-channel fields on standard kinds
        }
        let text = std::fs::read_to_string(&path).expect("read");
        std::fs::write(dir.path().join(&name), substitute_placeholders(&text)).expect("write");
        written += 1;
    }
    let out = validate(&data.join("standard-install.yaml"), &[dir.path().to_path_buf()]);
    let counts = summary(&out);
    let diags = diagnostics(&out);
    let errors: Vec<&Value> = diags.iter().filter(|d| d["severity"] == "error").collect();
    assert!(errors.is_empty(), "{errors:#?}");
    assert_eq!(out.status.code(), Some(0));
    assert!(
        diags.iter().all(|d| d["code"] == "GW803"),
        "only kinds not covered may be reported"
    );
    println!(
        "conformance objects (standard channel, {written} files): {} valid, {} invalid, {} not covered (Service, Deployment, experimental kinds)",
        counts["valid"], counts["invalid"], counts["not"]
    );
    assert_eq!(counts["files"], written);
    assert!(counts["valid"] >= 300, "{counts:?}");
}
