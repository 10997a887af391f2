//! The fuzz targets' bodies (`fuzz/src/lib.rs`) on the seed corpus and on
//! every regression input the fuzzers found, so that CI checks them on
//! stable without libFuzzer. The fuzzing itself: see `fuzz/README.md`.

#[path = "../fuzz/src/lib.rs"]
mod bodies;

use crate::common;

#[test]
fn parse_compile_holds_on_the_seeds() {
    let seeds = bodies::seeds(&common::root(), "parse_compile");
    assert!(
        seeds.len() >= 10,
        "expected the examples and CLI cases as seeds, found {seeds:?}"
    );
    for seed in seeds {
        let data = std::fs::read(&seed).expect("read seed");
        bodies::parse_compile(&data);
    }
}

#[test]
fn overlay_merge_holds_on_the_seeds() {
    let overlay = b"apps:\n  pets:\n    revision: asm-1-23\ngateways:\n  gateway:\n    createNamespace: null\n";
    for seed in bodies::seeds(&common::root(), "overlay_merge") {
        let data = std::fs::read(&seed).expect("read seed");
        bodies::overlay_merge(&data);
        let mut with_overlay = data.clone();
        with_overlay.extend_from_slice(bodies::OVERLAY_SEPARATOR);
        with_overlay.extend_from_slice(overlay);
        bodies::overlay_merge(&with_overlay);
    }
}
