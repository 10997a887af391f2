//! CLI cases: each `tests/cmd/NAME.toml` runs the real binary in a copy of
//! `tests/cmd/NAME.in/` and pins its exit code, stdout and stderr.
//! Refresh after a reviewed change with `TRYCMD=overwrite cargo test --test cli`.

#[test]
fn cli_cases() {
    trycmd::TestCases::new().case("tests/cmd/*.toml");
}
