//! `gatewright render`: write one kustomize root per environment, or print
//! one environment as a YAML stream.

use std::path::PathBuf;
use std::process::ExitCode;

use gatewright::diagnostic::Diagnostic;
use gatewright::emit;

use super::output::Printer;
use super::{FAILURE, Format, FormatArgs, SpecArgs, exit_code};

/// Arguments of `render`.
#[derive(clap::Args)]
pub struct Args {
    #[command(flatten)]
    spec: SpecArgs,
    #[command(flatten)]
    format: FormatArgs,
    /// Output directory: one kustomize root, or `DIR/<env>/` per environment.
    #[arg(long, short, required_unless_present = "stdout", conflicts_with = "stdout")]
    out: Option<PathBuf>,
    /// Print the rendered resources as one YAML stream instead of writing files.
    #[arg(long)]
    stdout: bool,
}

/// Run `render`.
pub fn run(args: Args) -> ExitCode {
    let printer = Printer::new(args.format.format == Format::Json);
    let compiled = match gatewright::driver::compile_targets(&args.spec.options()) {
        Ok(t) => t,
        Err(d) => {
            printer.diagnostics(&[d], &Default::default());
            return ExitCode::from(super::FINDINGS);
        }
    };
    if args.stdout && compiled.len() > 1 {
        let names: Vec<&str> = compiled.iter().filter_map(|(t, _)| t.env.as_deref()).collect();
        printer.error(&format!(
            "the spec has {} environments ({}); pick one with `--env NAME` to print it",
            names.len(),
            names.join(", ")
        ));
        return ExitCode::from(FAILURE);
    }
    let mut hook = failure_injection();
    let mut code = 0u8;
    for (target, outcome) in &compiled {
        printer.diagnostics(&outcome.diagnostics, &outcome.sources);
        let Some(compiled) = &outcome.output else {
            code = code.max(exit_code(&outcome.diagnostics));
            continue;
        };
        if args.stdout {
            return printer.stdout(&compiled.tree.to_stream());
        }
        let Some(out) = &args.out else {
            return ExitCode::from(FAILURE);
        };
        let dir = target.out_dir(out);
        match emit::write_tree_hooked(&compiled.tree, &dir, &mut hook) {
            Ok(report) => printer.note(&format!(
                "rendered {} files into {} ({} written, {} unchanged, {} removed)",
                compiled.tree.files.len(),
                dir.display(),
                report.written.len(),
                report.unchanged,
                report.removed.len()
            )),
            Err(d) => {
                printer.diagnostics(std::slice::from_ref(&d), &outcome.sources);
                code = FAILURE;
            }
        }
    }
    ExitCode::from(code)
}

/// For tests of atomic replacement: `GATEWRIGHT_FAIL_AFTER_FILES=N` fails the
/// write after N new files are staged (`GATEWRIGHT_FAIL_MODE=abort` kills the
/// process there instead, like a crash).
fn failure_injection() -> impl FnMut(usize) -> Result<(), Diagnostic> {
    let after: Option<usize> = std::env::var("GATEWRIGHT_FAIL_AFTER_FILES")
        .ok()
        .and_then(|v| v.parse().ok());
    let abort = std::env::var("GATEWRIGHT_FAIL_MODE").is_ok_and(|m| m == "abort");
    move |n| {
        if after != Some(n) {
            return Ok(());
        }
        if abort {
            std::process::abort();
        }
        Err(Diagnostic::error(
            "GW799",
            format!("injected failure after {n} files (GATEWRIGHT_FAIL_AFTER_FILES)"),
        )
        .help("unset GATEWRIGHT_FAIL_AFTER_FILES"))
    }
}
