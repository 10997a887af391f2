//! One way to accept new output after a reviewed change, insta's:
//! `INSTA_UPDATE=always cargo test` rewrites the insta snapshots, the golden
//! trees, `docs/diagnostics.md` and the CLI cases' expected output; review
//! the diff (`git diff`, `cargo insta review`) before committing.

/// Whether this run accepts new output (`INSTA_UPDATE=always`).
pub fn accepting() -> bool {
    std::env::var_os("INSTA_UPDATE").is_some_and(|v| v == "always")
}
