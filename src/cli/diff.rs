//! `gatewright diff`: compile the spec at two Git revisions (or read two
//! output trees) and print what changes in routing, then the YAML diff.
//! Exit 0 when nothing differs, 1 when something does, 2 on Git or I/O errors.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::ValueEnum;
use gatewright::diagnostic::Diagnostic;
use gatewright::diff::{self, EnvReport, Locator, Report, Routing, format};
use gatewright::driver::{Compiled, Outcome, Target};

use super::git::Repo;
use super::output::{Printer, stdout_color};
use super::{FAILURE, FINDINGS, SpecArgs, exit_code};

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

/// One side: its compiled targets by environment, and the directory to strip from file names.
struct SideResult {
    targets: BTreeMap<Option<String>, Outcome>,
    root: PathBuf,
}

/// Run `diff`.
pub fn run(args: Args) -> ExitCode {
    let printer = Printer::new(args.format == DiffFormat::Json);
    let report = match &args.trees {
        Some(dirs) if dirs.len() == 2 => trees(&dirs[0], &dirs[1]),
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

fn trees(old: &Path, new: &Path) -> Result<Report, u8> {
    let read = |dir: &Path| {
        diff::read_generated(dir).map(|(t, _)| t).map_err(|d| {
            Printer::new(false).diagnostics(&[d], &Default::default());
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
        }],
    })
}

fn revisions(args: &Args, printer: &Printer) -> Result<Report, u8> {
    let fail = |d: Diagnostic| {
        printer.diagnostics(&[d], &Default::default());
        FAILURE
    };
    let base_rev = args.base.clone().unwrap_or_default();
    let repo = Repo::open().map_err(fail)?;
    let rel = repo.relative(&args.spec.spec).map_err(fail)?;
    let tmp = tempfile::tempdir().map_err(|e| {
        fail(Diagnostic::error(
            "GW701",
            format!("cannot create a temporary directory: {e}"),
        ))
    })?;
    let base = side(args, &repo, &rel, Some(&base_rev), &tmp.path().join("base"), printer)?;
    let head = side(
        args,
        &repo,
        &rel,
        args.head.as_deref(),
        &tmp.path().join("head"),
        printer,
    )?;
    let envs: std::collections::BTreeSet<&Option<String>> = base.targets.keys().chain(head.targets.keys()).collect();
    let mut report = Report {
        base: base_rev.clone(),
        head: args.head.clone().unwrap_or_else(|| "working tree".into()),
        envs: Vec::new(),
    };
    let empty = Compiled {
        model: Default::default(),
        tree: Default::default(),
        provenance: Default::default(),
        gitops: None,
        blueprints: None,
    };
    for env in envs {
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
        report.envs.push(EnvReport {
            env: env.clone(),
            changes,
            files: diff::compare_trees(&bc.tree, &hc.tree),
        });
    }
    Ok(report)
}

/// Compile every target of the spec at `rev` (the working tree when `None`).
fn side(
    args: &Args,
    repo: &Repo,
    rel: &Path,
    rev: Option<&str>,
    scratch: &Path,
    printer: &Printer,
) -> Result<SideResult, u8> {
    let root = match rev {
        Some(rev) => {
            let found = repo.extract(rev, rel, scratch).map_err(|d| {
                printer.diagnostics(&[d], &Default::default());
                FAILURE
            })?;
            if !found {
                printer.note(&format!("note: `{}` does not exist at `{rev}`", rel.display()));
                return Ok(SideResult {
                    targets: BTreeMap::new(),
                    root: scratch.to_path_buf(),
                });
            }
            scratch.to_path_buf()
        }
        None => repo.root.clone(),
    };
    let mut opts = args.spec.options();
    opts.spec = root.join(rel);
    let compiled: Vec<(Target, Outcome)> = gatewright::driver::compile_targets(&opts).map_err(|d| {
        printer.diagnostics(&[d], &Default::default());
        FINDINGS
    })?;
    let mut code = 0;
    let mut targets = BTreeMap::new();
    for (target, outcome) in compiled {
        if outcome.has_errors() {
            printer.note(&format!(
                "the spec does not compile at {}:",
                rev.map(|r| format!("`{r}`"))
                    .unwrap_or_else(|| "the working tree".into())
            ));
            printer.diagnostics(&outcome.diagnostics, &outcome.sources);
            code = code.max(exit_code(&outcome.diagnostics));
        }
        targets.insert(target.env.clone(), outcome);
    }
    if code != 0 {
        return Err(code);
    }
    Ok(SideResult { targets, root })
}
