//! `gatewright render`: write one kustomize root per environment, or print
//! one environment as a YAML stream.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use gatewright::diagnostic::Diagnostic;
use gatewright::driver::{Outcome, Target};
use gatewright::{emit, gitops};

use super::output::Printer;
use super::{CrdArgs, FAILURE, Format, FormatArgs, SpecArgs, exit_code};

/// Arguments of `render`.
#[derive(clap::Args)]
pub struct Args {
    #[command(flatten)]
    spec: SpecArgs,
    #[command(flatten)]
    format: FormatArgs,
    #[command(flatten)]
    crds: CrdArgs,
    /// Output directory: one kustomize root, or `DIR/<env>/` per environment.
    #[arg(long, short, required_unless_present = "stdout", conflicts_with = "stdout")]
    out: Option<PathBuf>,
    /// Print the rendered resources as one YAML stream instead of writing files.
    #[arg(long)]
    stdout: bool,
    /// Argo CD config-management-plugin mode (with `--stdout`): print complete
    /// manifests (Service patches applied to the vendored upstream manifests),
    /// the environment taken from `ARGOCD_ENV_GATEWRIGHT_ENV` unless `--env` is given.
    #[arg(long, requires = "stdout")]
    argocd_plugin: bool,
    /// Do not record the stamp that lets `check` skip the compile when nothing changed (also `GATEWRIGHT_NO_CACHE=1`).
    #[arg(long)]
    no_cache: bool,
}

/// The variable Argo CD sets from the Application's plugin env `GATEWRIGHT_ENV`.
const ARGOCD_ENV: &str = "ARGOCD_ENV_GATEWRIGHT_ENV";

/// Run `render`.
pub fn run(args: Args) -> ExitCode {
    let printer = Printer::new(args.format.format == Format::Json);
    let mut options = args.spec.options();
    // Only the Argo CD plugin locates model items in the spec after compiling.
    options.lean = !args.argocd_plugin;
    // The Argo CD plugin builds the tree's kustomizations; a plain `--stdout` prints only the objects.
    options.objects_only = args.stdout && !args.argocd_plugin;
    let recorder = super::stamp::begin(args.no_cache || args.stdout);
    options.crds = match args.crds.load(&printer) {
        Ok(crds) => crds,
        Err(code) => return code,
    };
    if args.argocd_plugin && options.env.is_none() {
        options.env = std::env::var(ARGOCD_ENV).ok().filter(|v| !v.is_empty());
    }
    let compiled = match gatewright::driver::compile_targets(&options) {
        Ok(t) => t,
        Err(d) => {
            printer.diagnostics(&[d], &Default::default());
            return ExitCode::from(super::FINDINGS);
        }
    };
    if args.stdout && compiled.len() > 1 {
        let names: Vec<&str> = compiled.iter().filter_map(|(t, _)| t.env.as_deref()).collect();
        let how = if args.argocd_plugin {
            format!(
                "set the plugin variable `{}` in the Application's `spec.source.plugin.env`",
                gatewright::gitops::ENV_VAR
            )
        } else {
            "pick one with `--env NAME`".to_string()
        };
        printer.error(&format!(
            "the spec has {} environments ({}); {how} to print it",
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
        if args.stdout && args.argocd_plugin {
            return match gatewright::gitops::cmp::manifests(&compiled.tree, &compiled.model, &|p| {
                compiled.provenance.locate(p)
            }) {
                Ok(objects) => printer.stdout(&gatewright::gitops::cmp::stream(&objects)),
                Err(diags) => {
                    printer.diagnostics(&diags, &outcome.sources);
                    ExitCode::from(exit_code(&diags))
                }
            };
        }
        if args.stdout {
            return printer.stdout_with(|out| compiled.tree.write_stream(out));
        }
        let Some(out) = &args.out else {
            return ExitCode::from(FAILURE);
        };
        let dir = target.out_dir(out);
        let written =
            emit::refuse_spec_files(&dir).and_then(|()| emit::write_tree_hooked(&compiled.tree, &dir, &mut hook));
        match written {
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
    if let (0, Some(out)) = (code, &args.out) {
        code = write_gitops(&compiled, out, &printer);
        if code == 0 {
            super::stamp::record(recorder, &options, &args.crds.crds, out, &compiled);
        }
    }
    ExitCode::from(code)
}

/// Write the GitOps objects of a spec with a `gitops:` section beside the output.
fn write_gitops(compiled: &[(Target, Outcome)], out: &Path, printer: &Printer) -> u8 {
    let Some(generated) = gitops::generate_for(compiled) else {
        return 0;
    };
    let tree = match generated.result {
        Ok(tree) => tree,
        Err(diags) => {
            printer.diagnostics(&diags, &generated.sources);
            return exit_code(&diags);
        }
    };
    let written = gitops::objects_dir(out, &generated.settings).and_then(|dir| {
        emit::refuse_spec_files(&dir)?;
        emit::write_tree(&tree, &dir).map(|r| (dir, r))
    });
    match written {
        Ok((dir, report)) => {
            printer.note(&format!(
                "wrote {} GitOps files into {} ({} written, {} unchanged, {} removed)",
                tree.files.len(),
                dir.display(),
                report.written.len(),
                report.unchanged,
                report.removed.len()
            ));
            0
        }
        Err(d) => {
            printer.diagnostics(std::slice::from_ref(&d), &generated.sources);
            exit_code(std::slice::from_ref(&d))
        }
    }
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
