//! `gatewright blueprints export DIR`: write the built-in blueprints, the
//! starting point for a custom set (`--blueprints DIR` or the spec's
//! `blueprints:` field override them one file at a time). Nothing is written
//! through a symlink: a symlinked DIR, or a symlink (or anything but a
//! regular file) where a template goes, is refused even with `--force`.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use gatewright::diagnostic::{Code, Diagnostic};
use gatewright::render::Blueprint;

use super::output::Printer;
use super::{FAILURE, exit_code};

/// Subcommands of `blueprints`.
#[derive(clap::Subcommand)]
pub enum Command {
    /// Write the built-in blueprints into DIR (created if missing).
    Export {
        /// Directory to write the templates into.
        dir: PathBuf,
        /// Overwrite templates that differ from the built-in ones.
        #[arg(long)]
        force: bool,
    },
}

/// Run `blueprints`.
pub fn run(command: Command) -> ExitCode {
    let printer = Printer::new(false);
    let Command::Export { dir, force } = command;
    if let Err(d) = prepare_dir(&dir) {
        printer.diagnostics(std::slice::from_ref(&d), &Default::default());
        return ExitCode::from(exit_code(&[d]));
    }
    let clashes: Vec<Diagnostic> = Blueprint::ALL
        .iter()
        .filter_map(|bp| clash(&dir.join(bp.file_name()), bp.builtin(), force))
        .collect();
    if !clashes.is_empty() {
        printer.diagnostics(&clashes, &Default::default());
        return ExitCode::from(exit_code(&clashes));
    }
    for bp in Blueprint::ALL {
        let path = dir.join(bp.file_name());
        if let Err(e) = replace_file(&dir, &path, bp.builtin()) {
            printer.error(&format!("cannot write `{}`: {e}", path.display()));
            return ExitCode::from(FAILURE);
        }
    }
    printer.note(&format!(
        "wrote {} into {}; edit the ones to change and delete the others",
        gatewright::diagnostic::counted(Blueprint::ALL.len(), "blueprint", "blueprints"),
        dir.display()
    ));
    ExitCode::SUCCESS
}

/// Create `dir` if missing; refuse it when it is a symlink or not a directory.
fn prepare_dir(dir: &Path) -> Result<(), Diagnostic> {
    let refuse = |what: &str| {
        Diagnostic::error(
            Code::ExportPathRefused,
            format!("`{}` is {what}; nothing written", dir.display()),
        )
        .help("pass a real directory: gatewright never writes through symlinks")
    };
    match std::fs::symlink_metadata(dir) {
        Ok(meta) if meta.file_type().is_symlink() => return Err(refuse("a symlink")),
        Ok(meta) if !meta.is_dir() => return Err(refuse("not a directory")),
        Ok(_) => return Ok(()),
        Err(_) => {}
    }
    std::fs::create_dir_all(dir).map_err(|e| {
        Diagnostic::error(Code::UnreadableFile, format!("cannot create `{}`: {e}", dir.display()))
            .help("pass a directory you can write to")
    })?;
    match std::fs::symlink_metadata(dir) {
        Ok(meta) if meta.is_dir() => Ok(()),
        _ => Err(refuse("no longer a directory")),
    }
}

/// Why `path` must not be written: a symlink or another non-regular file
/// (even with `force`), or a file that differs from `builtin` (without it).
fn clash(path: &Path, builtin: &str, force: bool) -> Option<Diagnostic> {
    let meta = std::fs::symlink_metadata(path).ok()?;
    if meta.file_type().is_symlink() || !meta.is_file() {
        let what = if meta.file_type().is_symlink() {
            "a symlink"
        } else {
            "not a regular file"
        };
        return Some(
            Diagnostic::error(
                Code::ExportPathRefused,
                format!("`{}` is {what}; not written, even with --force", path.display()),
            )
            .help("remove it first: gatewright never writes through symlinks"),
        );
    }
    let same = gatewright::load::read_limited(path, builtin.len()).is_ok_and(|b| b == builtin.as_bytes());
    (!force && !same).then(|| {
        Diagnostic::error(
            Code::ExportWouldOverwrite,
            format!(
                "`{}` exists and differs from the built-in blueprint; not overwritten",
                path.display()
            ),
        )
        .help("pass --force to replace it, or export into an empty directory")
    })
}

/// Write `text` to a new file in `dir` and rename it over `path`: the
/// rename replaces a directory entry and follows no symlink, and a reader
/// never sees a half-written template.
fn replace_file(dir: &Path, path: &Path, text: &str) -> std::io::Result<()> {
    let mut file = tempfile::Builder::new().prefix(".gatewright-").tempfile_in(dir)?;
    file.write_all(text.as_bytes())?;
    file.as_file().sync_all()?;
    file.persist(path).map_err(|e| e.error)?;
    Ok(())
}
