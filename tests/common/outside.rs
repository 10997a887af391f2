//! What a test needs from outside the repository: the project's reference
//! data (the `shared` folder beside the clone: `data/`, the upstream files,
//! and `seed/`) and programs on PATH (kubectl, git, pre-commit). A test that
//! lacks one prints a `skipped: ...` line and passes; with
//! `GATEWRIGHT_TEST_STRICT=1` (CI) it fails instead, so CI never skips.
//! Fixtures the project writes itself live in `tests/` and never skip.

use std::io::Write;
use std::path::{Path, PathBuf};

/// Names the shared folder (the one holding `data/` and `seed/`); relative
/// to the crate root when relative. Default: `../shared`.
pub const SHARED_VAR: &str = "GATEWRIGHT_TEST_SHARED";

/// When set (to anything but `0` or nothing), every skip is a failure.
pub const STRICT_VAR: &str = "GATEWRIGHT_TEST_STRICT";

/// The upstream reference data (`<shared>/data`), or `None` after printing the skip line.
pub fn shared_data() -> Option<PathBuf> {
    shared("data")
}

/// The seed scenario's expected objects (`<shared>/seed`), or `None` after printing the skip line.
pub fn shared_seed() -> Option<PathBuf> {
    shared("seed")
}

/// The shared folder: `GATEWRIGHT_TEST_SHARED`, or `../shared` beside the crate.
pub fn shared_dir() -> PathBuf {
    match std::env::var_os(SHARED_VAR).filter(|v| !v.is_empty()) {
        Some(dir) => super::root().join(dir),
        None => super::root().join("../shared"),
    }
}

fn shared(sub: &str) -> Option<PathBuf> {
    let dir = shared_dir().join(sub);
    if dir.is_dir() {
        return Some(dir);
    }
    skip(&format!(
        "reference data not found at {} (set {SHARED_VAR}=<the folder holding data/ and seed/>)",
        dir.display()
    ))
}

/// The full path of `name` found on PATH, or `None` after printing the skip line.
pub fn program(name: &str) -> Option<PathBuf> {
    let path = std::env::var_os("PATH").unwrap_or_default();
    let found = std::env::split_paths(&path)
        .map(|dir| dir.join(name))
        .find(|p| is_executable(p));
    if found.is_none() {
        return skip(&format!("{name} not found on PATH"));
    }
    found
}

#[cfg(unix)]
fn is_executable(p: &Path) -> bool {
    use std::os::unix::fs::PermissionsExt;
    std::fs::metadata(p).is_ok_and(|m| m.is_file() && m.permissions().mode() & 0o111 != 0)
}

#[cfg(not(unix))]
fn is_executable(p: &Path) -> bool {
    p.is_file() || p.with_extension("exe").is_file()
}

/// Whether `GATEWRIGHT_TEST_STRICT` turns skips into failures.
pub fn strict() -> bool {
    std::env::var(STRICT_VAR).is_ok_and(|v| !v.is_empty() && v != "0")
}

/// Skip the calling test: print why (or fail, when strict).
pub fn skip<T>(why: &str) -> Option<T> {
    assert!(
        !strict(),
        "{why}; {STRICT_VAR} is set, so the test fails instead of skipping"
    );
    let test = std::thread::current().name().unwrap_or_default().to_string();
    // libtest captures `print!`/`eprint!` (shown only for a failing test), not
    // writes to the stderr handle: this line shows in a plain `cargo test`.
    let _ = writeln!(std::io::stderr(), "skipped: {why} [{test}]");
    None
}
