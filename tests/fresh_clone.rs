//! A fresh clone tests anywhere: what a test needs from outside the
//! repository (the reference data, kubectl, git, pre-commit) it reaches
//! through `tests/common/outside.rs`, which skips the test with a visible
//! line when it is missing, and fails it when `GATEWRIGHT_TEST_STRICT` is set.
//!
//! The skip is checked end to end: this test binary runs its own probe tests
//! in a child process, with the shared folder or PATH emptied.

use crate::common;

use std::path::Path;
use std::process::{Command, Output};

use common::outside::{SHARED_VAR, STRICT_VAR};

/// Probe: the reference data, through the helper.
#[test]
fn probe_reference_data() {
    let Some(data) = common::shared_data() else { return };
    assert!(
        data.join("gateway-api").is_dir(),
        "{} has no gateway-api/",
        data.display()
    );
}

/// Probe: kubectl, through the helper.
#[test]
fn probe_kubectl() {
    let Some(kubectl) = common::program("kubectl") else {
        return;
    };
    assert!(kubectl.is_absolute() && kubectl.is_file(), "{}", kubectl.display());
}

/// Run one probe of this binary in a child process, as plain `cargo test` runs it (output captured).
fn run_probe(probe: &str, env: &[(&str, &std::ffi::OsStr)], strict: bool) -> Output {
    let mut cmd = Command::new(std::env::current_exe().expect("test binary"));
    cmd.args(["--exact", &format!("fresh_clone::{probe}"), "--test-threads", "1"])
        .env_remove(STRICT_VAR);
    if strict {
        cmd.env(STRICT_VAR, "1");
    }
    for (k, v) in env {
        cmd.env(k, v);
    }
    cmd.output().expect("run the probe")
}

fn text(o: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    )
}

#[test]
fn missing_reference_data_skips_with_a_visible_line_and_fails_when_strict() {
    let empty = tempfile::tempdir().expect("tempdir");
    let env = [(SHARED_VAR, empty.path().as_os_str())];
    let skipped = run_probe("probe_reference_data", &env, false);
    let line = format!(
        "skipped: reference data not found at {} (set {SHARED_VAR}=<the folder holding data/ and seed/>)",
        empty.path().join("data").display()
    );
    assert!(skipped.status.success(), "{}", text(&skipped));
    // Outside the captured output: the line shows without --nocapture.
    let stderr = String::from_utf8_lossy(&skipped.stderr);
    assert!(stderr.contains(&line), "no skip line in:\n{stderr}");
    assert!(
        String::from_utf8_lossy(&skipped.stdout).contains("1 passed"),
        "{}",
        text(&skipped)
    );

    let failed = run_probe("probe_reference_data", &env, true);
    assert!(!failed.status.success(), "strict run passed:\n{}", text(&failed));
    assert!(
        text(&failed).contains(&format!("{STRICT_VAR} is set")),
        "{}",
        text(&failed)
    );
}

#[test]
fn a_program_missing_from_path_skips_and_fails_when_strict() {
    let empty = tempfile::tempdir().expect("tempdir");
    let env = [("PATH", empty.path().as_os_str())];
    let skipped = run_probe("probe_kubectl", &env, false);
    assert!(skipped.status.success(), "{}", text(&skipped));
    let stderr = String::from_utf8_lossy(&skipped.stderr);
    assert!(
        stderr.contains("skipped: kubectl not found on PATH [fresh_clone::probe_kubectl]"),
        "{stderr}"
    );

    let failed = run_probe("probe_kubectl", &env, true);
    assert!(!failed.status.success(), "strict run passed:\n{}", text(&failed));
}

/// The shared folder named by the variable, relative to the crate root, is the one used.
#[test]
fn the_variable_names_the_shared_folder() {
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::create_dir_all(dir.path().join("data/gateway-api")).expect("mkdir");
    let found = run_probe("probe_reference_data", &[(SHARED_VAR, dir.path().as_os_str())], true);
    assert!(found.status.success(), "{}", text(&found));
    assert!(!text(&found).contains("skipped:"), "{}", text(&found));
}

/// Every reach outside the repository goes through the helper: no test,
/// bench or fuzz source joins a path above the crate root or starts kubectl,
/// git or pre-commit itself (aside: the product's own `git` call in
/// `src/cli/git.rs`, and `tests/cli.rs`, which hands the CLI cases the data folder).
#[test]
fn tests_reach_outside_only_through_the_helper() {
    let root = common::root();
    let allowed = [
        root.join("tests/common/outside.rs"),
        root.join("tests/fresh_clone.rs"),
        root.join("tests/cli.rs"),
        root.join("src/cli/git.rs"),
    ];
    let forbidden = [
        "join(\"../",
        "/../shared",
        "Command::new(\"kubectl\")",
        "Command::new(\"git\")",
        "Command::new(\"pre-commit\")",
    ];
    let mut found = Vec::new();
    for dir in ["tests", "benches", "fuzz/src", "fuzz/fuzz_targets", "src"] {
        for entry in walkdir::WalkDir::new(root.join(dir)).sort_by_file_name() {
            let entry = entry.expect("walk");
            let path = entry.path();
            if path.extension().is_none_or(|x| x != "rs") || allowed.iter().any(|a| a == path) {
                continue;
            }
            let text = std::fs::read_to_string(path).expect("read source");
            for (i, line) in text.lines().enumerate() {
                if forbidden.iter().any(|f| line.contains(f)) {
                    found.push(format!("{}:{}: {}", rel(&root, path), i + 1, line.trim()));
                }
            }
        }
    }
    assert!(
        found.is_empty(),
        "use common::shared_data() / shared_seed() / program() instead:\n{}",
        found.join("\n")
    );
}

/// A CLI case names the reference data only as `cli.rs` rewrites it (`../../../../shared/data`).
#[test]
fn cli_cases_name_the_data_in_the_one_form_cli_rs_handles() {
    let root = common::root();
    for entry in std::fs::read_dir(root.join("tests/cmd")).expect("tests/cmd") {
        let path = entry.expect("entry").path();
        if path.extension().is_none_or(|x| x != "toml") {
            continue;
        }
        let text = std::fs::read_to_string(&path).expect("read case");
        assert_eq!(
            text.matches("shared/").count(),
            text.matches("../../../../shared/data/").count(),
            "{}: name the data as ../../../../shared/data/ (see tests/cli.rs)",
            rel(&root, &path)
        );
    }
}

fn rel(root: &Path, path: &Path) -> String {
    path.strip_prefix(root).unwrap_or(path).display().to_string()
}
