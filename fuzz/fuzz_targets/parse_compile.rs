//! Bytes as a spec file: read, compile, check the invariants.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| gatewright_fuzz::parse_compile(data));
