//! `gatewright diff`: compile the spec at two Git revisions (or read two
//! output trees) and print what changes in routing, the requests whose
//! outcome changes, then the YAML diff.
//! Exit 0 when nothing differs, 1 when something does, 2 on Git or I/O errors.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::ValueEnum;
use gatewright::diagnostic::{Code, Diagnostic};
use gatewright::diff::{self, EnvReport, Locator, Report, Routing, behaviour, format};
use gatewright::driver::Compiled;
use gatewright::trace;

use super::git::Repo;
use super::output::{Printer, stdout_color};
use super::revision::{self, At, Side};
use super::{FAILURE, FINDINGS, SpecArgs};

/// How `diff` prints.
#[derive(Clone, Copy, ValueEnum, PartialEq, Eq)]
pub enum DiffFormat {
    /// Summary and unified diff for a terminal.
    Text,
    /// A pull-request comment.
    Markdown,
    /// One JSON object.
    Json,
    /// GitHub workflow annotations at the spec lines, then text.
    Github,
}

/// Arguments of `diff`.
#[derive(clap::Args)]
pub struct Args {
    #[command(flatten)]
    spec: SpecArgs,
    /// The old revision (a commit, branch or tag).
    #[arg(long, required_unless_present = "trees")]
    base: Option<String>,
    /// The new revision; the working tree by default.
    #[arg(long, requires = "base")]
    head: Option<String>,
    /// Compare two output directories instead of two revisions of the spec.
    #[arg(long, num_args = 2, value_names = ["OLD", "NEW"], conflicts_with_all = ["base", "head"])]
    trees: Option<Vec<PathBuf>>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = DiffFormat::Text)]
    format: DiffFormat,
}

/// Run `diff`.
pub fn run(args: Args) -> ExitCode {
    let printer = Printer::new(args.format == DiffFormat::Json);
    let report = match &args.trees {
        Some(dirs) if dirs.len() == 2 => trees(&dirs[0], &dirs[1], &printer),
        Some(_) => return ExitCode::from(FAILURE),
        None => revisions(&args, &printer),
    };
    let report = match report {
        Ok(r) => r,
        Err(code) => return ExitCode::from(code),
    };
    let text = match args.format {
        DiffFormat::Text => format::text(&report, stdout_color()),
        DiffFormat::Markdown => format::markdown(&report),
        DiffFormat::Json => format::json(&report),
        DiffFormat::Github => format::github(&report),
    };
    if printer.stdout(&text) != ExitCode::SUCCESS {
        return ExitCode::from(FAILURE);
    }
    ExitCode::from(if report.is_empty() { 0 } else { FINDINGS })
}

fn trees(old: &Path, new: &Path, printer: &Printer) -> Result<Report, u8> {
    let read = |dir: &Path| {
        diff::read_existing(dir).map_err(|d| {
            printer.diagnostics(&[d], &Default::default());
            FAILURE
        })
    };
    let (a, b) = (read(old)?, read(new)?);
    let changes = diff::summarize(&Routing::from_tree(&a), &Routing::from_tree(&b));
    Ok(Report {
        base: old.display().to_string(),
        head: new.display().to_string(),
        envs: vec![EnvReport {
            env: None,
            changes,
            files: diff::compare_trees(&a, &b),
            behaviour: behaviour::compare(&trace::tree_inputs(&a), &trace::tree_inputs(&b)),
        }],
    })
}

fn revisions(args: &Args, printer: &Printer) -> Result<Report, u8> {
    let fail = |d: Diagnostic| {
        printer.diagnostics(&[d], &Default::default());
        FAILURE
    };
    let base_rev = args.base.clone().unwrap_or_default();
    let (repo, rel) = Repo::open(&args.spec.spec).map_err(fail)?;
    let tmp = tempfile::tempdir().map_err(|e| {
        fail(Diagnostic::error(
            Code::OutputIo,
            format!("cannot create a temporary directory: {e}"),
        ))
    })?;
    let opts = args.spec.options();
    let at = |rev, dir: &str| At {
        repo: &repo,
        rel: &rel,
        rev,
        scratch: tmp.path().join(dir),
    };
    // Both sides are compiled, so that the findings of both are printed.
    let base = revision::compile(&opts, &at(Some(base_rev.as_str()), "base"), printer);
    let head = revision::compile(&opts, &at(args.head.as_deref(), "head"), printer);
    let (base, head) = (base?, head?);
    let envs: std::collections::BTreeSet<&Option<String>> = base.targets.keys().chain(head.targets.keys()).collect();
    let mut report = Report {
        base: base_rev.clone(),
        head: args.head.clone().unwrap_or_else(|| "working tree".into()),
        envs: Vec::new(),
    };
    for env in envs {
        report.envs.push(compare(env, &base, &head));
    }
    Ok(report)
}

/// The report of one environment, from the outcomes of both sides.
fn compare(env: &Option<String>, base: &Side, head: &Side) -> EnvReport {
    let empty = Compiled {
        model: Default::default(),
        output: Default::default(),
        provenance: Default::default(),
        gitops: None,
        blueprints: None,
    };
    let (bo, ho) = (base.targets.get(env), head.targets.get(env));
    let (b, h) = (bo.and_then(|o| o.output.as_ref()), ho.and_then(|o| o.output.as_ref()));
    let (bc, hc) = (b.unwrap_or(&empty), h.unwrap_or(&empty));
    let mut changes = diff::summarize(&Routing::from_model(&bc.model), &Routing::from_model(&hc.model));
    let bl = b.zip(bo).map(|(c, o)| Locator {
        provenance: &c.provenance,
        sources: &o.sources,
        root: Some(&base.root),
    });
    let hl = h.zip(ho).map(|(c, o)| Locator {
        provenance: &c.provenance,
        sources: &o.sources,
        root: Some(&head.root),
    });
    diff::locate(&mut changes, bl.as_ref(), hl.as_ref());
    // `diff` compiles whole trees (not `objects_only`).
    let none = gatewright::emit::Tree::default();
    let (bt, ht) = (bc.tree().unwrap_or(&none), hc.tree().unwrap_or(&none));
    EnvReport {
        env: env.clone(),
        changes,
        files: diff::compare_trees(bt, ht),
        behaviour: behaviour::compare(&trace::tree_inputs(bt), &trace::tree_inputs(ht)),
    }
}
