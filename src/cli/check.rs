//! `gatewright check`: render in memory and compare with the tree on disk.
//! Exit 0 when identical; 1 with a unified diff per changed file and the
//! lists of missing and extra generated files.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use gatewright::diagnostic::counted;
use gatewright::diff::{self, format};
use gatewright::emit::Tree;
use gatewright::source::Sources;

use super::output::{Printer, stdout_color};
use super::{CrdArgs, FAILURE, FINDINGS, Format, FormatArgs, SpecArgs, exit_code};

/// Arguments of `check`.
#[derive(clap::Args)]
pub struct Args {
    #[command(flatten)]
    spec: SpecArgs,
    #[command(flatten)]
    format: FormatArgs,
    #[command(flatten)]
    crds: CrdArgs,
    /// The output directory to compare with (as given to `render --out`).
    #[arg(long, short)]
    out: PathBuf,
    /// Always compile and compare: neither trust nor record the stamp that
    /// skips both when no input or output changed (also `GATEWRIGHT_NO_CACHE=1`).
    #[arg(long)]
    no_cache: bool,
}

/// Run `check`.
pub fn run(args: Args) -> ExitCode {
    let printer = Printer::new(args.format.format == Format::Json);
    let mut options = args.spec.options();
    let cache = super::stamp::cache(args.no_cache);
    if let Some(summary) = super::stamp::fresh(cache.as_ref(), &options, &args.crds.crds, &args.out) {
        printer.note(&up_to_date(summary.files, &args.out));
        return ExitCode::SUCCESS;
    }
    let recorder = cache.as_ref().and_then(gatewright::stamp::Cache::begin);
    options.crds = match args.crds.load(&printer) {
        Ok(crds) => crds,
        Err(code) => return code,
    };
    let build = match gatewright::driver::build(&options) {
        Ok(b) => b,
        Err(d) => {
            printer.diagnostics(&[d], &Default::default());
            return ExitCode::from(FINDINGS);
        }
    };
    let report = build.report();
    printer.diagnostics(&report.diagnostics, &report.sources);
    let mut code = if build.complete() {
        0
    } else {
        exit_code(&report.diagnostics)
    };
    let mut trees = Vec::new();
    for t in build.trees(&args.out) {
        match t.dir {
            Ok(dir) => trees.push((t.tree, dir, t.sources)),
            Err(d) => {
                printer.diagnostics(std::slice::from_ref(&d), t.sources);
                code = FAILURE;
            }
        }
    }
    let found = compare(trees, &printer, &args.out, stdout_color());
    code = code.max(found.code);
    let (report, files, blocked) = (found.report, found.files, found.blocked);
    if !report.is_empty() && printer.stdout(&report) != ExitCode::SUCCESS {
        return ExitCode::from(FAILURE);
    }
    if code == 0 {
        super::stamp::record(recorder, &options, &args.crds.crds, &args.out, &build, false);
    }
    if let Some(note) = closing_note(&args, code, files, blocked, !report.is_empty()) {
        printer.note(&note);
    }
    ExitCode::from(code)
}

/// The last line on stderr: up to date, or what to do about the differences.
fn closing_note(args: &Args, code: u8, files: usize, blocked: bool, differs: bool) -> Option<String> {
    Some(match code {
        0 => up_to_date(files, &args.out),
        FINDINGS if blocked => format!(
            "`render` would refuse: move each `blocked:` path out of `{}` (or rename it), then run `{}` and commit the result",
            args.out.display(),
            render_command(args)
        ),
        FINDINGS if differs => format!(
            "the output is stale: run `{}` and commit the result",
            render_command(args)
        ),
        _ => return None,
    })
}

/// What comparing the rendered trees with their folders found.
struct Found {
    /// 0, FINDINGS when a tree differs, FAILURE when a folder cannot be read.
    code: u8,
    /// The diffs and the missing, extra and blocked paths, for stdout.
    report: String,
    /// Files rendered.
    files: usize,
    /// Whether something stands where `render` would write.
    blocked: bool,
}

/// Compare each rendered tree with its folder under `out`.
fn compare(trees: Vec<(&Tree, PathBuf, &Sources)>, printer: &Printer, out: &Path, color: bool) -> Found {
    let mut found = Found {
        code: 0,
        report: String::new(),
        files: 0,
        blocked: false,
    };
    for (tree, dir, sources) in trees {
        let d = match diff::compare_dir(tree, &dir) {
            Ok(d) => d,
            Err(e) => {
                printer.diagnostics(std::slice::from_ref(&e), sources);
                found.code = FAILURE;
                continue;
            }
        };
        found.files += tree.files.len();
        if !d.is_empty() {
            found.code = found.code.max(FINDINGS);
            found.blocked |= !d.blocked.is_empty();
            found.report.push_str(&describe(&d, &dir, out, color));
        }
    }
    found
}

/// The report of one tree that differs from `dir`: the file diffs, whose
/// headers name the folder under `out` on both sides (`out/<env>/...` and
/// `rendered/<env>/...`), then the missing, extra and blocked paths.
fn describe(d: &diff::TreeDiff, dir: &Path, out: &Path, color: bool) -> String {
    let shown = dir.display().to_string();
    let rendered = match dir.strip_prefix(out) {
        Ok(rel) if !rel.as_os_str().is_empty() => format!("rendered/{}", rel.display()),
        _ => "rendered".to_string(),
    };
    let changed = diff::TreeDiff {
        added: Vec::new(),
        removed: Vec::new(),
        added_text: Vec::new(),
        removed_text: Vec::new(),
        ..d.clone()
    };
    let mut report = format::file_diffs(&changed, &shown, &rendered, color);
    for p in &d.added {
        report.push_str(&format!("missing: {shown}/{p} (rendered, not on disk)\n"));
    }
    for p in &d.removed {
        report.push_str(&format!("extra: {shown}/{p} (generated earlier, no longer rendered)\n"));
    }
    for b in &d.blocked {
        report.push_str(&format!(
            "blocked: {shown}/{} {}: `render` refuses to write over it\n",
            b.path, b.what
        ));
    }
    report
}

/// The `render` command that brings `--out` up to date.
fn render_command(args: &Args) -> String {
    format!(
        "gatewright render {}{} --out {}",
        args.spec.spec.display(),
        if args.spec.no_overlays { " --no-overlays" } else { "" },
        args.out.display()
    )
}

fn up_to_date(files: usize, out: &Path) -> String {
    format!("up to date: {} in {}", counted(files, "file", "files"), out.display())
}
