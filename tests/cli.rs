//! CLI cases: each `tests/cmd/NAME.toml` runs the real binary in a copy of
//! `tests/cmd/NAME.in/` and pins its exit code, stdout and stderr.
//! Refresh after a reviewed change with `TRYCMD=overwrite cargo test --test cli`.

#[test]
fn cli_cases() {
    // The `check` stamps go to a scratch cache, never to `~/.cache`.
    let cache = tempfile::tempdir().expect("cache dir");
    trycmd::TestCases::new()
        .env("GATEWRIGHT_CACHE_DIR", cache.path().display().to_string())
        .case("tests/cmd/*.toml")
        .run();
}
