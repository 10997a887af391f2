//! `gatewright render`: write one kustomize root per environment, or print
//! one environment as a YAML stream.

use std::path::PathBuf;
use std::process::ExitCode;

use gatewright::driver::{self, Options};
use gatewright::emit;

use super::output::Printer;
use super::{FAILURE, Format, SpecArgs, exit_code};

/// Arguments of `render`.
#[derive(clap::Args)]
pub struct Args {
    #[command(flatten)]
    spec: SpecArgs,
    /// Output directory: one kustomize root, or `DIR/<env>/` per environment.
    #[arg(long, short, required_unless_present = "stdout", conflicts_with = "stdout")]
    out: Option<PathBuf>,
    /// Print the rendered resources as one YAML stream instead of writing files.
    #[arg(long)]
    stdout: bool,
}

/// Run `render`.
pub fn run(args: Args) -> ExitCode {
    let printer = Printer::new(args.spec.format == Format::Json);
    let planned = if args.spec.base {
        Ok(vec![driver::Target {
            env: None,
            overlay: None,
        }])
    } else {
        driver::plan(&args.spec.spec, args.spec.overlay.as_deref(), args.spec.env.as_deref())
    };
    let targets = match planned {
        Ok(t) => t,
        Err(d) => {
            printer.diagnostics(&[d], &Default::default());
            return ExitCode::from(super::FINDINGS);
        }
    };
    if args.stdout && targets.len() > 1 {
        let names: Vec<&str> = targets.iter().filter_map(|t| t.env.as_deref()).collect();
        printer.error(&format!(
            "the spec has {} environments ({}); pick one with `--env NAME` to print it",
            names.len(),
            names.join(", ")
        ));
        return ExitCode::from(FAILURE);
    }
    let mut code = 0u8;
    for target in &targets {
        let outcome = driver::compile(&Options {
            spec: args.spec.spec.clone(),
            blueprints: args.spec.blueprints.clone(),
            overlay: target.overlay.clone(),
            env: target.env.clone(),
        });
        printer.diagnostics(&outcome.diagnostics, &outcome.sources);
        let Some(compiled) = outcome.output else {
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
        match emit::write_tree(&compiled.tree, &dir) {
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
