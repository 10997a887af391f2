//! `gatewright blueprints export DIR`: write the built-in blueprints, the
//! starting point for a custom set (`--blueprints DIR` or the spec's
//! `blueprints:` field override them one file at a time).

use std::path::PathBuf;
use std::process::ExitCode;

use gatewright::render::Blueprint;

use super::FAILURE;
use super::output::Printer;

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
    if let Err(e) = std::fs::create_dir_all(&dir) {
        printer.error(&format!("cannot create `{}`: {e}", dir.display()));
        return ExitCode::from(FAILURE);
    }
    let mut clashes = Vec::new();
    for bp in Blueprint::ALL {
        let path = dir.join(bp.file_name());
        if !force && path.exists() && std::fs::read_to_string(&path).ok().as_deref() != Some(bp.builtin()) {
            clashes.push(path);
        }
    }
    if !clashes.is_empty() {
        for path in &clashes {
            printer.error(&format!(
                "`{}` exists and differs from the built-in blueprint; not overwritten (use --force)",
                path.display()
            ));
        }
        return ExitCode::from(FAILURE);
    }
    for bp in Blueprint::ALL {
        let path = dir.join(bp.file_name());
        if let Err(e) = std::fs::write(&path, bp.builtin()) {
            printer.error(&format!("cannot write `{}`: {e}", path.display()));
            return ExitCode::from(FAILURE);
        }
    }
    printer.note(&format!(
        "wrote {} blueprints into {}; edit the ones to change and delete the others",
        Blueprint::ALL.len(),
        dir.display()
    ));
    ExitCode::SUCCESS
}
