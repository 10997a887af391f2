//! CLI cases: each `tests/cmd/NAME.toml` runs the real binary in a copy of
//! `tests/cmd/NAME.in/` and pins its exit code, stdout and stderr.
//! Refresh after a reviewed change with `INSTA_UPDATE=always cargo test cli::`
//! (the one way to accept output, `tests/common/accept.rs`): the cases then
//! run in a child of this binary with trycmd's `TRYCMD=overwrite`.
//!
//! A case whose arguments name the reference data (`../../../../shared/data`,
//! from `tests/cmd/NAME.in`) runs where it is when the data is there; when
//! `GATEWRIGHT_TEST_SHARED` puts it elsewhere it runs from a scratch copy whose
//! arguments name that folder; without the data it is skipped.

use crate::common;

use std::path::{Path, PathBuf};

/// How a case's arguments name the reference data, from `tests/cmd/NAME.in`.
const DATA_IN_ARGS: &str = "../../../../shared/data";

#[test]
fn cli_cases() {
    if common::accept::accepting() && std::env::var_os("TRYCMD").is_none() {
        return overwrite_in_a_child();
    }
    // The `check` stamps go to a scratch cache, never to `~/.cache`.
    let cache = tempfile::tempdir().expect("cache dir");
    let scratch = tempfile::tempdir().expect("scratch dir");
    let cases = trycmd::TestCases::new();
    cases
        .env("GATEWRIGHT_CACHE_DIR", cache.path().display().to_string())
        .case("tests/cmd/*.toml");
    let with_data = cases_naming_the_data();
    let data = if with_data.is_empty() {
        None
    } else {
        common::shared_data()
    };
    for case in &with_data {
        match &data {
            Some(data) if same_dir(data, &case.with_extension("in").join(DATA_IN_ARGS)) => {}
            Some(data) => {
                cases.skip(case);
                cases.case(stage(case, data, scratch.path()));
            }
            None => {
                cases.skip(case);
            }
        }
    }
    cases.run();
}

/// Run this test again in a child process whose trycmd overwrites the
/// expected output (trycmd reads its mode from `TRYCMD` only).
fn overwrite_in_a_child() {
    let status = std::process::Command::new(std::env::current_exe().expect("test binary"))
        .args(["--exact", "cli::cli_cases", "--nocapture"])
        .env("TRYCMD", "overwrite")
        .status()
        .expect("run the CLI cases");
    assert!(status.success(), "the CLI cases failed while overwriting");
}

/// The cases whose `.toml` names the reference data, sorted.
fn cases_naming_the_data() -> Vec<PathBuf> {
    let mut out: Vec<PathBuf> = std::fs::read_dir("tests/cmd")
        .expect("tests/cmd")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "toml"))
        .filter(|p| std::fs::read_to_string(p).is_ok_and(|t| t.contains(DATA_IN_ARGS)))
        .collect();
    out.sort();
    out
}

/// Whether two paths name the same existing directory.
fn same_dir(a: &Path, b: &Path) -> bool {
    match (a.canonicalize(), b.canonicalize()) {
        (Ok(a), Ok(b)) => a == b,
        _ => false,
    }
}

/// A copy of the case in `scratch`, its arguments naming `data`; the new `.toml`.
fn stage(case: &Path, data: &Path, scratch: &Path) -> PathBuf {
    let toml = std::fs::read_to_string(case).expect("read case");
    let staged = scratch.join(case.file_name().expect("case name"));
    std::fs::write(&staged, toml.replace(DATA_IN_ARGS, &data.display().to_string())).expect("write case");
    for ext in ["stdout", "stderr"] {
        let from = case.with_extension(ext);
        if from.is_file() {
            std::fs::copy(&from, staged.with_extension(ext)).expect("copy expected output");
        }
    }
    let input = case.with_extension("in");
    for entry in walkdir::WalkDir::new(&input).sort_by_file_name() {
        let entry = entry.expect("walk");
        let dest = staged
            .with_extension("in")
            .join(entry.path().strip_prefix(&input).expect("inside"));
        if entry.file_type().is_dir() {
            std::fs::create_dir_all(&dest).expect("mkdir");
        } else {
            std::fs::copy(entry.path(), &dest).expect("copy input");
        }
    }
    staged
}

/// Every test runs the binary through `common::cli` (one builder), never by
/// its own `Command::new` of the build path.
#[test]
fn the_binary_is_run_through_one_builder() {
    let needle = concat!("CARGO_BIN_EXE", "_gatewright");
    let mut stack = vec![common::root().join("tests")];
    let mut found = Vec::new();
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).expect("tests") {
            let path = entry.expect("entry").path();
            if path.is_dir() {
                stack.push(path);
            } else if path.extension().is_some_and(|e| e == "rs")
                && !path.ends_with("common/cli.rs")
                && std::fs::read_to_string(&path).unwrap_or_default().contains(needle)
            {
                found.push(path.display().to_string());
            }
        }
    }
    found.sort();
    assert!(found.is_empty(), "run the binary through common::cli::bin(): {found:?}");
}
