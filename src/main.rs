//! The `gatewright` command: parses arguments, runs the library, prints
//! results and diagnostics, and maps outcomes to exit codes.

mod cli;

/// mimalloc instead of the system allocator: the compile is allocation-bound (many small
/// YAML nodes and strings), and glibc's malloc costs about a quarter of its time.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> std::process::ExitCode {
    cli::main()
}
