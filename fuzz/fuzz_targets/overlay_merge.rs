//! Bytes as a spec and an environment overlay: merge, compile, check the invariants.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| gatewright_fuzz::overlay_merge(data));
