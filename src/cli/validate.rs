//! `gatewright validate`: Kubernetes YAML files against Gateway API CRDs,
//! like kubeconform, with the CRDs' CEL rules. Exit 0 when every object is
//! valid, 1 on any error, 2 for usage and I/O errors.

use std::path::PathBuf;
use std::process::ExitCode;

use gatewright::diagnostic::counted;
use gatewright::validate::{self, FileOptions};

use super::output::Printer;
use super::{FAILURE, Format, FormatArgs, exit_code};

/// Arguments of `validate`.
#[derive(clap::Args)]
pub struct Args {
    /// YAML files, or directories to search for `*.yaml`/`*.yml` (sorted).
    #[arg(default_value = ".")]
    paths: Vec<PathBuf>,
    /// Gateway API install file to validate with (e.g. `standard-install.yaml` of your release); repeatable. Required: CRDs are not bundled.
    #[arg(long, value_name = "FILE")]
    crds: Vec<PathBuf>,
    /// Objects whose kind the CRDs do not cover (Service, Namespace, ...) are errors, not warnings.
    #[arg(long)]
    strict: bool,
    #[command(flatten)]
    format: FormatArgs,
}

/// Run `validate`.
pub fn run(args: Args) -> ExitCode {
    let printer = Printer::new(args.format.format == Format::Json);
    if args.crds.is_empty() {
        printer.error(
            "`validate` needs the CRDs to validate with: pass `--crds FILE`, e.g. the `standard-install.yaml` of the Gateway API release your cluster runs (gatewright does not bundle them)",
        );
        return ExitCode::from(FAILURE);
    }
    let crds = match validate::load_crds(&args.crds) {
        Ok(set) => set,
        Err(e) => {
            printer.diagnostics(std::slice::from_ref(&e.diagnostic), &e.sources);
            return ExitCode::from(exit_code(&[e.diagnostic]));
        }
    };
    let report = validate::validate_paths(&args.paths, &crds, FileOptions { strict: args.strict });
    printer.diagnostics(&report.diagnostics, &report.sources);
    let s = report.summary;
    let mut summary = format!(
        "validated {} in {}: {} valid, {} invalid, {} not covered by the CRDs",
        counted(s.objects, "object", "objects"),
        counted(s.files, "file", "files"),
        s.valid,
        s.invalid,
        s.not_covered
    );
    if s.skipped > 0 {
        let what = counted(s.skipped, "kustomization or patch", "kustomizations and patches");
        summary.push_str(&format!("; skipped {what}"));
    }
    summary.push('\n');
    if printer.stdout(&summary) != ExitCode::SUCCESS {
        return ExitCode::from(FAILURE);
    }
    if report.diagnostics.iter().any(|d| d.is_error()) {
        return ExitCode::from(exit_code(&report.diagnostics));
    }
    ExitCode::SUCCESS
}
