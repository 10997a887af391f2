//! The `gatewright` command: parses arguments, runs the library, prints
//! results and diagnostics, and maps outcomes to exit codes.

mod cli;

/// mimalloc instead of the system allocator: the compile is allocation-bound (many small
/// YAML nodes and strings), and glibc's malloc costs about a quarter of its time. Built
/// without transparent huge pages (`no_thp`), which only add resident memory here.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// `mi_option_purge_delay` in mimalloc.h's `mi_option_e` (libmimalloc-sys names no constant
/// for it): 15 in the v2 and v3 headers of libmimalloc-sys 0.1.49, which Cargo.toml pins
/// exactly. Check the header again before changing that version.
const MI_OPTION_PURGE_DELAY: libmimalloc_sys::mi_option_t = 15;

fn main() -> std::process::ExitCode {
    purge_freed_memory_sooner();
    cli::main()
}

/// Return freed memory to the system after 1 ms instead of 10: the spec is freed
/// on one thread while the documents are built on others, which cannot reuse it.
/// The crate's one `unsafe` (Cargo.toml denies it elsewhere).
#[allow(unsafe_code)]
fn purge_freed_memory_sooner() {
    // SAFETY: sets a plain integer option; mimalloc reads options atomically.
    unsafe { libmimalloc_sys::mi_option_set(MI_OPTION_PURGE_DELAY, 1) };
}
