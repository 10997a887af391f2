//! Command-line interface. Exit codes: 0 ok, 1 findings (invalid spec,
//! drift, diff), 2 usage or I/O error.

mod output;

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand, ValueEnum};

use gatewright::{Options, compile, emit, schema};
use output::Printer;

/// gatewright compiles a compact app/route spec into Gateway API manifests.
#[derive(Parser)]
#[command(name = "gatewright", version, about, long_about = None)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Render the spec into a kustomize tree (or one YAML stream).
    Render {
        /// Spec file or directory of spec files.
        #[arg(default_value = ".")]
        spec: PathBuf,
        /// Output directory (one kustomize root).
        #[arg(long, short, required_unless_present = "stdout", conflicts_with = "stdout")]
        out: Option<PathBuf>,
        /// Print every rendered resource as one YAML stream instead of writing files.
        #[arg(long)]
        stdout: bool,
        /// Directory of templates that override the built-in blueprints.
        #[arg(long)]
        blueprints: Option<PathBuf>,
        #[command(flatten)]
        report: ReportArgs,
    },
    /// Print the spec's JSON Schema (for editors and yaml-language-server).
    Schema,
}

#[derive(clap::Args)]
struct ReportArgs {
    /// How to print diagnostics.
    #[arg(long, value_enum, default_value_t = Format::Text)]
    format: Format,
}

#[derive(Clone, Copy, ValueEnum, PartialEq, Eq)]
enum Format {
    /// Source excerpts with carets.
    Text,
    /// One JSON array of diagnostics on stderr.
    Json,
}

/// Exit code for findings (invalid spec, drift, diff).
const FINDINGS: u8 = 1;
/// Exit code for usage and I/O errors.
const FAILURE: u8 = 2;

/// Run the CLI.
pub fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            let _ = e.print();
            return ExitCode::from(if e.use_stderr() { FAILURE } else { 0 });
        }
    };
    match cli.command {
        Command::Render {
            spec,
            out,
            stdout,
            blueprints,
            report,
        } => {
            let printer = Printer::new(report.format == Format::Json);
            let outcome = compile(&Options { spec, blueprints });
            printer.diagnostics(&outcome.diagnostics, &outcome.sources);
            let Some(compiled) = outcome.output else {
                return ExitCode::from(exit_code(&outcome.diagnostics));
            };
            if stdout {
                return printer.stdout(&compiled.tree.to_stream());
            }
            let Some(out) = out else { return ExitCode::from(FAILURE) };
            match emit::write_tree(&compiled.tree, &out) {
                Ok(report) => {
                    printer.note(&format!(
                        "rendered {} files into {} ({} written, {} unchanged, {} removed)",
                        compiled.tree.files.len(),
                        out.display(),
                        report.written.len(),
                        report.unchanged,
                        report.removed.len()
                    ));
                    ExitCode::SUCCESS
                }
                Err(d) => {
                    printer.diagnostics(std::slice::from_ref(&d), &outcome.sources);
                    ExitCode::from(FAILURE)
                }
            }
        }
        Command::Schema => Printer::new(false).stdout(&schema::spec_schema_text()),
    }
}

/// 2 when the failure was reading or writing files, 1 for findings.
fn exit_code(diags: &[gatewright::diagnostic::Diagnostic]) -> u8 {
    let io = diags
        .iter()
        .any(|d| d.is_error() && (d.code == "GW101" || d.code.starts_with("GW70")));
    if io { FAILURE } else { FINDINGS }
}
