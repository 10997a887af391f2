//! Command-line interface: one file per command. Exit codes: 0 ok,
//! 1 findings (invalid spec, drift, diff), 2 usage, I/O or internal error
//! (a diagnostic's exit code follows its code's class).

mod blueprints;
mod check;
mod diff;
mod explain;
mod git;
mod import;
mod map;
mod output;
mod render;
mod revision;
mod stamp;
mod trace;
mod validate;

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand, ValueEnum};

use gatewright::diagnostic::Diagnostic;
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
    /// Render the spec into a kustomize tree per environment (or one YAML stream).
    Render(render::Args),
    /// Compare the rendered spec with the tree on disk: exit 1 with a diff when they differ.
    #[command(after_help = CHECK_EXIT_CODES)]
    Check(check::Args),
    /// Summarize what a change does to routing between two Git revisions (or two output trees), the requests it re-routes, then the YAML diff.
    #[command(after_help = DIFF_EXIT_CODES)]
    Diff(diff::Args),
    /// Write a spec from existing manifests (Gateway API objects, LoadBalancer Services, Ingresses) on stdout.
    Import(import::Args),
    /// Print the spec's JSON Schema (for editors and yaml-language-server).
    Schema,
    /// Validate Kubernetes YAML files against Gateway API CRDs (schema, limits and the CRDs' CEL rules).
    Validate(validate::Args),
    /// Show what the Gateway does with a request: listener, winning rule, filters, backends (offline, from a spec or YAML).
    Trace(trace::Args),
    /// Draw the routing map: Gateway → listener → hostname → route → backends (Mermaid, dot or text).
    Map(map::Args),
    /// Work with blueprints (the templates gatewright renders with).
    #[command(subcommand)]
    Blueprints(blueprints::Command),
    /// Explain a diagnostic code (e.g. `gatewright explain GW410`): what it means, an example, the fix.
    Explain(explain::Args),
}

/// The exit codes of `check`, in its `--help`.
const CHECK_EXIT_CODES: &str = "Exit codes:\n  0  no difference: the output is up to date\n  1  differs (or the spec has errors)\n  2  error (usage, unreadable spec, unreadable output)";

/// The exit codes of `diff`, in its `--help`.
const DIFF_EXIT_CODES: &str =
    "Exit codes:\n  0  no difference\n  1  differs\n  2  error (usage, Git, I/O, or a side that does not compile)";

/// What to compile: shared by the commands that compile a spec.
#[derive(clap::Args, Clone)]
pub struct SpecArgs {
    /// Spec file or directory of spec files.
    #[arg(default_value = ".")]
    pub spec: PathBuf,
    /// Compile only this environment (`overlays/<env>.yaml` beside the spec).
    #[arg(long, conflicts_with = "no_overlays")]
    pub env: Option<String>,
    /// Apply this overlay file instead of the spec's `overlays/` folder.
    #[arg(long, conflicts_with = "no_overlays")]
    pub overlay: Option<PathBuf>,
    /// Ignore the spec's environments: compile the base spec, without overlays, as one tree.
    #[arg(long)]
    pub no_overlays: bool,
    /// Directory of templates that override the built-in blueprints.
    #[arg(long)]
    pub blueprints: Option<PathBuf>,
    /// Gateway API version to target, e.g. `v1.3.0` (default: the newest the gateways' profiles target).
    #[arg(long, value_name = "VERSION", value_parser = parse_version)]
    pub gateway_api: Option<String>,
    /// Refuse local `manifests:` files outside this directory (e.g. the repository's root).
    #[arg(long, value_name = "DIR")]
    pub manifests_under: Option<PathBuf>,
}

fn parse_version(v: &str) -> Result<String, String> {
    if gatewright::version::Version::parse(v).is_some() {
        Ok(v.to_string())
    } else {
        Err("expected a Gateway API release such as `v1.3.0`".to_string())
    }
}

/// `--crds FILE`: validate every rendered object with these CRDs before writing.
#[derive(clap::Args, Clone)]
pub struct CrdArgs {
    /// Gateway API install file (e.g. `standard-install.yaml` of your release) to validate the rendered objects with, CEL rules included; repeatable. Not bundled.
    #[arg(long, value_name = "FILE")]
    pub crds: Vec<PathBuf>,
}

impl CrdArgs {
    /// The CRDs, or `None` when none were given; a file that cannot be used is printed, and is exit 2.
    pub fn load(&self, printer: &Printer) -> Result<Option<std::sync::Arc<gatewright::crd::CrdSet>>, ExitCode> {
        if self.crds.is_empty() {
            return Ok(None);
        }
        match gatewright::validate::load_crds(&self.crds) {
            Ok(set) => Ok(Some(std::sync::Arc::new(set))),
            Err(e) => {
                printer.diagnostics(std::slice::from_ref(&e.diagnostic), &e.sources);
                Err(ExitCode::from(exit_code(&[e.diagnostic])))
            }
        }
    }
}

impl SpecArgs {
    /// The compile options for every target of this spec.
    pub fn options(&self) -> gatewright::Options {
        gatewright::Options {
            spec: self.spec.clone(),
            blueprints: self.blueprints.clone(),
            overlay: self.overlay.clone(),
            env: self.env.clone(),
            no_overlays: self.no_overlays,
            gateway_api: self.gateway_api.clone(),
            crds: None,
            manifests_under: self.manifests_under.clone(),
            lean: false,
            objects_only: false,
        }
    }
}

/// `--format` of the commands that only print diagnostics.
#[derive(clap::Args, Clone)]
pub struct FormatArgs {
    /// How to print diagnostics.
    #[arg(long, value_enum, default_value_t = Format::Text)]
    pub format: Format,
}

/// Diagnostic output format.
#[derive(Clone, Copy, ValueEnum, PartialEq, Eq)]
pub enum Format {
    /// Source excerpts with carets.
    Text,
    /// One JSON array of diagnostics on stderr.
    Json,
}

/// Exit code for findings (invalid spec, drift, diff).
pub const FINDINGS: u8 = 1;
/// Exit code for usage and I/O errors.
pub const FAILURE: u8 = 2;

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
        Command::Render(args) => render::run(args),
        Command::Check(args) => check::run(args),
        Command::Diff(args) => diff::run(args),
        Command::Validate(args) => validate::run(args),
        Command::Trace(args) => trace::run(args),
        Command::Map(args) => map::run(args),
        Command::Import(args) => import::run(args),
        Command::Schema => Printer::new(false).stdout(&gatewright::schema::spec_schema_text()),
        Command::Blueprints(command) => blueprints::run(command),
        Command::Explain(args) => explain::run(args),
    }
}

/// The exit code of a run that stopped on `diags`: the highest class of their
/// errors (1 for findings, 2 for I/O and internal errors); 1 when none is an error.
pub fn exit_code(diags: &[Diagnostic]) -> u8 {
    diags
        .iter()
        .filter(|d| d.is_error())
        .map(|d| d.code.class().exit_code())
        .max()
        .unwrap_or(FINDINGS)
}

#[cfg(test)]
mod tests {
    use gatewright::diagnostic::{Class, Code, Diagnostic};

    use super::{FAILURE, FINDINGS, exit_code};

    /// A run that stops on one error of each code exits as its class says:
    /// 2 for I/O and internal errors (GW101, GW113, GW299, GW7xx, GW805,
    /// GW808), 1 for findings; a warning never raises it.
    #[test]
    fn the_exit_code_follows_the_class() {
        for &code in Code::ALL {
            let expected = match code.class() {
                Class::Finding => FINDINGS,
                Class::Io | Class::Usage | Class::Internal => FAILURE,
            };
            assert_eq!(exit_code(&[Diagnostic::error(code, "x")]), expected, "{code}");
            let with_warning = [
                Diagnostic::warning(Code::OutputLocked, "x"),
                Diagnostic::error(code, "x"),
            ];
            assert_eq!(exit_code(&with_warning), expected, "{code} beside an I/O warning");
        }
        let mixed = [
            Diagnostic::error(Code::UnknownField, "x"),
            Diagnostic::error(Code::SchemaInternal, "x"),
        ];
        assert_eq!(exit_code(&mixed), FAILURE, "the highest class wins");
    }
}
