//! `gatewright render`: write one kustomize root per environment, or print
//! one environment as a YAML stream.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use gatewright::diagnostic::{Code, Diagnostic};
use gatewright::driver::{Destination, Outcome, Target};
use gatewright::emit;
use gatewright::source::Sources;

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
    /// Always compile and compare: neither trust nor record the stamp that lets `render` and `check` skip both when no input or output changed (also `GATEWRIGHT_NO_CACHE=1`).
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
    if !args.stdout && unchanged(&args, &options, &printer) {
        return ExitCode::SUCCESS;
    }
    let recorder = super::stamp::begin(args.no_cache || args.stdout);
    options.crds = match args.crds.load(&printer) {
        Ok(crds) => crds,
        Err(code) => return code,
    };
    if args.argocd_plugin && options.env.is_none() {
        options.env = std::env::var(ARGOCD_ENV).ok().filter(|v| !v.is_empty());
    }
    let build = match gatewright::driver::build(&options) {
        Ok(b) => b,
        Err(d) => {
            printer.diagnostics(&[d], &Default::default());
            return ExitCode::from(super::FINDINGS);
        }
    };
    if args.stdout && build.targets.len() > 1 {
        printer.error(&several_environments(&build.targets, args.argocd_plugin));
        return ExitCode::from(FAILURE);
    }
    if args.stdout {
        let code = print_stream(&build.targets, args.argocd_plugin, &printer);
        // The stream is written: freeing the compiled model and objects (50,001 at 10,000 apps)
        // would only cost CPU before the process exits and the OS takes the memory back. The
        // binary only, never the library; nothing left in `build` needs its `Drop` (no file or lock).
        std::mem::forget(build);
        return code;
    }
    let Some(out) = &args.out else {
        return ExitCode::from(FAILURE);
    };
    let report = build.report();
    printer.diagnostics(&report.diagnostics, &report.sources);
    if !build.complete() {
        return ExitCode::from(exit_code(&report.diagnostics));
    }
    if let Err(d) = emit::refuse_symlinked_out(out) {
        printer.diagnostics(std::slice::from_ref(&d), &report.sources);
        return ExitCode::from(exit_code(std::slice::from_ref(&d)));
    }
    let trees = build.trees(out);
    if let Some(Destination {
        dir: Err(d), sources, ..
    }) = trees.iter().find(|t| t.gitops)
    {
        printer.diagnostics(std::slice::from_ref(d), sources);
        return ExitCode::from(exit_code(std::slice::from_ref(d)));
    }
    let Some(writes) = prepare_all(trees, &printer) else {
        return ExitCode::from(FAILURE);
    };
    // Every tree is checked and every output locked: from here on only an I/O error stops the render.
    if !write_all(writes, &printer) {
        return ExitCode::from(FAILURE);
    }
    super::stamp::record(recorder, &options, &args.crds.crds, out, &build, true);
    ExitCode::from(0)
}

/// Why `--stdout` cannot print a spec with several environments, and what to do.
fn several_environments(compiled: &[(Target, Outcome)], argocd_plugin: bool) -> String {
    let names: Vec<&str> = compiled.iter().filter_map(|(t, _)| t.env.as_deref()).collect();
    let how = if argocd_plugin {
        format!(
            "set the plugin variable `{}` in the Application's `spec.source.plugin.env`",
            gatewright::gitops::ENV_VAR
        )
    } else {
        "pick one with `--env NAME`".to_string()
    };
    format!(
        "the spec has {} environments ({}); {how} to print it",
        names.len(),
        names.join(", ")
    )
}

/// Whether a stamp that an earlier render recorded vouches that every tree
/// is as this render would write it: then its notes are printed (every file
/// unchanged) and nothing is compiled, read or locked.
fn unchanged(args: &Args, options: &gatewright::Options, printer: &Printer) -> bool {
    let Some(out) = &args.out else { return false };
    let cache = super::stamp::cache(args.no_cache);
    let Some(summary) = super::stamp::fresh(cache.as_ref(), options, &args.crds.crds, out) else {
        return false;
    };
    if !summary.rendered || Some(summary.out.as_str()) != out.to_str() {
        return false;
    }
    for t in &summary.trees {
        let report = emit::WriteReport {
            unchanged: t.files,
            ..Default::default()
        };
        printer.note(&note(noun(t.gitops), t.files, Path::new(&t.dir), &report));
    }
    true
}

/// The note's verb and noun (one, many) for a tree.
fn noun(gitops: bool) -> (&'static str, &'static str, &'static str) {
    if gitops {
        ("wrote", "GitOps file", "GitOps files")
    } else {
        ("rendered", "file", "files")
    }
}

/// `rendered 8 files into OUT (0 written, 8 unchanged, 0 removed)`.
fn note(what: (&str, &str, &str), files: usize, shown: &Path, report: &emit::WriteReport) -> String {
    format!(
        "{} {} into {} ({} written, {} unchanged, {} removed)",
        what.0,
        gatewright::diagnostic::counted(files, what.1, what.2),
        shown.display(),
        report.written.len(),
        report.unchanged,
        report.removed.len()
    )
}

/// Write every checked tree, stopping at the first error; whether all were written.
fn write_all(writes: Vec<Write>, printer: &Printer) -> bool {
    let mut hook = failure_injection();
    for write in writes {
        match write.pending.commit(&mut hook) {
            Ok(report) => printer.note(&note(write.what, write.files, &write.shown, &report)),
            Err(d) => {
                printer.diagnostics(std::slice::from_ref(&d), write.sources);
                return false;
            }
        }
    }
    true
}

/// One environment's `--stdout` stream (the caller checked there is one).
fn print_stream(compiled: &[(Target, Outcome)], argocd_plugin: bool, printer: &Printer) -> ExitCode {
    let mut code = 0u8;
    for (_, outcome) in compiled {
        printer.diagnostics(&outcome.diagnostics, &outcome.sources);
        let Some(compiled) = &outcome.output else {
            code = code.max(exit_code(&outcome.diagnostics));
            continue;
        };
        // The plugin compiles a whole tree (`objects_only` is off): it needs the vendored manifests.
        let (true, Some(tree)) = (argocd_plugin, compiled.tree()) else {
            return printer.stdout_with(|out| compiled.write_stream(out));
        };
        return match gatewright::gitops::cmp::manifests(tree, &compiled.model, &|p| compiled.provenance.locate(p)) {
            Ok(objects) => printer.stdout(&gatewright::gitops::cmp::stream(&objects)),
            Err(diags) => {
                printer.diagnostics(&diags, &outcome.sources);
                ExitCode::from(exit_code(&diags))
            }
        };
    }
    ExitCode::from(code)
}

/// A tree ready to write: checked, its output locked.
struct Write<'a> {
    pending: emit::Pending<'a>,
    files: usize,
    sources: &'a Sources,
    /// The output directory as the user named it.
    shown: PathBuf,
    /// The note's verb and noun (one, many): `("rendered", "file", "files")`.
    what: (&'static str, &'static str, &'static str),
}

/// Check every tree before writing any, taking every output's lock: `None`
/// (with the reasons printed) when one cannot be written.
fn prepare_all<'a>(trees: Vec<Destination<'a>>, printer: &Printer) -> Option<Vec<Write<'a>>> {
    let mut writes = Vec::new();
    let mut failed = false;
    for t in trees {
        let what = noun(t.gitops);
        let prepared = t.dir.and_then(|dir| {
            emit::refuse_spec_files(&dir)?;
            emit::prepare(t.tree, &dir).map(|p| (p, dir))
        });
        match prepared {
            Ok((pending, shown)) => writes.push(Write {
                pending,
                files: t.tree.files.len(),
                sources: t.sources,
                shown,
                what,
            }),
            Err(d) => {
                printer.diagnostics(std::slice::from_ref(&d), t.sources);
                failed = true;
            }
        }
    }
    (!failed).then_some(writes)
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
            Code::InjectedFailure,
            format!("injected failure after {n} files (GATEWRIGHT_FAIL_AFTER_FILES)"),
        )
        .help("unset GATEWRIGHT_FAIL_AFTER_FILES"))
    }
}
