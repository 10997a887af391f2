//! One side of `gatewright diff --base`: every target of the spec compiled
//! at a Git revision (the repository's whole tree, extracted) or in the
//! working tree. A side that does not compile is exit 2, its findings
//! printed with file names as `REV:path`.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use gatewright::diagnostic::{Code, Diagnostic};
use gatewright::driver::{Options, Outcome};
use gatewright::source::{Sources, display_path};

use super::FAILURE;
use super::git::Repo;
use super::output::Printer;

/// One side: its compiled targets by environment, and the directory to strip from file names.
pub struct Side {
    /// The outcome of each target, by environment.
    pub targets: BTreeMap<Option<String>, Outcome>,
    /// The tree the spec was compiled in (the work tree, or the extraction).
    pub root: PathBuf,
}

/// Where one side is compiled.
pub struct At<'a> {
    /// The repository.
    pub repo: &'a Repo,
    /// The spec relative to the repository's top level.
    pub rel: &'a Path,
    /// The revision; the working tree when `None`.
    pub rev: Option<&'a str>,
    /// An empty directory to extract the revision into.
    pub scratch: PathBuf,
}

impl At<'_> {
    fn label(&self) -> String {
        self.rev
            .map(|r| format!("`{r}`"))
            .unwrap_or_else(|| "the working tree".into())
    }
}

/// Compile every target of the spec at `at` with `base`'s options.
/// `Err(2)` after printing what failed: Git, I/O, or a finding that is an
/// error in any environment.
pub fn compile(base: &Options, at: &At<'_>, printer: &Printer) -> Result<Side, u8> {
    let fail = |d: Diagnostic| {
        printer.diagnostics(&[d], &Default::default());
        FAILURE
    };
    let mut opts = base.clone();
    let root = match at.rev {
        None => at.repo.root.clone(),
        Some(rev) => {
            if !at.repo.extract(rev, at.rel, &at.scratch).map_err(fail)? {
                printer.note(&format!("note: `{}` does not exist at `{rev}`", at.rel.display()));
                return Ok(Side {
                    targets: BTreeMap::new(),
                    root: at.scratch.clone(),
                });
            }
            // The extraction is the revision's work tree: found as the
            // repository that bounds its `manifests:` (never an outer one).
            std::fs::create_dir_all(at.scratch.join(".git")).map_err(|e| {
                fail(Diagnostic::error(
                    Code::OutputIo,
                    format!("cannot create a temporary directory: {e}"),
                ))
            })?;
            opts.manifests_under =
                map_under(base.manifests_under.as_deref(), &at.repo.root, &at.scratch).map_err(fail)?;
            at.scratch.clone()
        }
    };
    opts.spec = root.join(at.rel);
    let prefix = at.rev.map(|r| format!("{r}:")).unwrap_or_default();
    let compiled = gatewright::driver::compile_targets(&opts).map_err(|d| fail(relabel_diag(d, &root, &prefix)))?;
    let mut failed = Vec::new();
    let mut relabeled = Vec::new();
    let mut targets = BTreeMap::new();
    for (target, outcome) in compiled {
        if outcome.has_errors() {
            relabeled.push(relabel(&outcome, &root, &prefix));
            failed.extend(target.env.clone());
        }
        targets.insert(target.env, outcome);
    }
    if !relabeled.is_empty() {
        if !failed.is_empty() {
            printer.note(&format!("at {}:", at.label()));
        }
        let report = gatewright::diagnostic::merge(relabeled.iter().map(|(s, d)| (d.as_slice(), s)));
        printer.diagnostics(&report.diagnostics, &report.sources);
        return Err(fail(does_not_compile(&at.label(), &failed)));
    }
    Ok(Side { targets, root })
}

fn does_not_compile(label: &str, envs: &[String]) -> Diagnostic {
    let envs = match envs {
        [] => String::new(),
        [one] => format!(" (environment `{one}`)"),
        many => format!(" (environments `{}`)", many.join("`, `")),
    };
    Diagnostic::error(
        Code::RevisionDoesNotCompile,
        format!("the spec does not compile at {label}{envs}: nothing to compare"),
    )
    .help("fix the errors above (they name the revision): `diff` exits 2 here, so a CI step that accepts exit 1 still fails")
}

/// `--manifests-under DIR` of the working tree, as the same folder of the extraction.
fn map_under(under: Option<&Path>, repo: &Path, scratch: &Path) -> Result<Option<PathBuf>, Diagnostic> {
    let Some(dir) = under else {
        return Ok(None);
    };
    let canonical = std::fs::canonicalize(dir).map_err(|e| {
        Diagnostic::error(
            Code::UnreadableFile,
            format!("cannot use `--manifests-under {}`: {e}", dir.display()),
        )
        .help("name an existing directory, e.g. the repository's root")
    })?;
    if let Ok(rel) = canonical.strip_prefix(repo) {
        let mapped = scratch.join(rel);
        // Absent at this revision: an empty folder, in which nothing is allowed.
        std::fs::create_dir_all(&mapped)
            .map_err(|e| Diagnostic::error(Code::OutputIo, format!("cannot create a temporary directory: {e}")))?;
        return Ok(Some(mapped));
    }
    if repo.starts_with(&canonical) {
        return Ok(Some(scratch.to_path_buf()));
    }
    Err(Diagnostic::error(
        Code::ManifestsUnderOutsideRepository,
        format!(
            "`--manifests-under {}` is outside the repository `{}`: at a revision only the repository's files exist",
            dir.display(),
            repo.display()
        ),
    )
    .help("name a folder of the repository (e.g. its root), or leave the option out"))
}

/// The outcome's files named `PREFIX` + their path inside `root`, and its
/// findings with `root` in their text replaced the same way.
fn relabel(outcome: &Outcome, root: &Path, prefix: &str) -> (Sources, Vec<Diagnostic>) {
    let mut sources = Sources::new();
    for (_, file) in outcome.sources.iter() {
        let name = match file.path.as_deref().map(|p| p.strip_prefix(root)) {
            Some(Ok(rel)) => format!("{prefix}{}", display_path(rel)),
            _ => file.name.clone(),
        };
        sources.add_named(name, file.text.clone());
    }
    let diags = outcome
        .diagnostics
        .iter()
        .map(|d| relabel_diag(d.clone(), root, prefix))
        .collect();
    (sources, diags)
}

fn relabel_diag(mut d: Diagnostic, root: &Path, prefix: &str) -> Diagnostic {
    let dir = format!("{}/", root.display());
    let swap = |s: &str| {
        let s = s.replace(&dir, prefix);
        if prefix.is_empty() {
            s
        } else {
            s.replace(&root.display().to_string(), &format!("{prefix}."))
        }
    };
    d.message = swap(&d.message);
    d.help = d.help.as_deref().map(swap);
    for (_, label) in &mut d.related {
        *label = swap(label);
    }
    d
}
