//! The `gatewright` command: parses arguments, runs the library, prints
//! results and diagnostics, and maps outcomes to exit codes.

mod cli;

fn main() -> std::process::ExitCode {
    cli::main()
}
