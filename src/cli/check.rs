//! `gatewright check`: render in memory and compare with the tree on disk.
//! Exit 0 when identical; 1 with a unified diff per changed file and the
//! lists of missing and extra generated files.

use std::path::PathBuf;
use std::process::ExitCode;

use gatewright::diff::{self, format};

use super::output::{Printer, stdout_color};
use super::{FAILURE, FINDINGS, Format, FormatArgs, SpecArgs, exit_code};

/// Arguments of `check`.
#[derive(clap::Args)]
pub struct Args {
    #[command(flatten)]
    spec: SpecArgs,
    #[command(flatten)]
    format: FormatArgs,
    /// The output directory to compare with (as given to `render --out`).
    #[arg(long, short)]
    out: PathBuf,
}

/// Run `check`.
pub fn run(args: Args) -> ExitCode {
    let printer = Printer::new(args.format.format == Format::Json);
    let compiled = match gatewright::driver::compile_targets(&args.spec.options()) {
        Ok(t) => t,
        Err(d) => {
            printer.diagnostics(&[d], &Default::default());
            return ExitCode::from(FINDINGS);
        }
    };
    let color = stdout_color();
    let mut code = 0u8;
    let mut report = String::new();
    let mut files = 0;
    for (target, outcome) in &compiled {
        printer.diagnostics(&outcome.diagnostics, &outcome.sources);
        let Some(compiled) = &outcome.output else {
            code = code.max(exit_code(&outcome.diagnostics));
            continue;
        };
        let dir = target.out_dir(&args.out);
        let d = match diff::compare_dir(&compiled.tree, &dir) {
            Ok(d) => d,
            Err(e) => {
                printer.diagnostics(std::slice::from_ref(&e), &outcome.sources);
                code = FAILURE;
                continue;
            }
        };
        files += compiled.tree.files.len();
        if d.is_empty() {
            continue;
        }
        code = code.max(FINDINGS);
        let shown = dir.display().to_string();
        let changed = diff::TreeDiff {
            added: Vec::new(),
            removed: Vec::new(),
            added_text: Vec::new(),
            removed_text: Vec::new(),
            ..d.clone()
        };
        report.push_str(&format::file_diffs(&changed, &shown, "rendered", color));
        for p in &d.added {
            report.push_str(&format!("missing: {shown}/{p} (rendered, not on disk)\n"));
        }
        for p in &d.removed {
            report.push_str(&format!("extra: {shown}/{p} (generated earlier, no longer rendered)\n"));
        }
        for p in &d.blocked {
            report.push_str(&format!(
                "blocked: {shown}/{p} (not written by gatewright; `render` refuses to replace it)\n"
            ));
        }
    }
    if !report.is_empty() && printer.stdout(&report) != ExitCode::SUCCESS {
        return ExitCode::from(FAILURE);
    }
    match code {
        0 => printer.note(&format!("up to date: {files} files in {}", args.out.display())),
        FINDINGS if !report.is_empty() => printer.note(&format!(
            "the output is stale: run `gatewright render {}{} --out {}` and commit the result",
            args.spec.spec.display(),
            if args.spec.no_overlays { " --no-overlays" } else { "" },
            args.out.display()
        )),
        _ => {}
    }
    ExitCode::from(code)
}
