//! `gatewright map`: draw Gateway → listener → hostname → route → backends
//! from a spec or Kubernetes YAML (read as `trace` reads them). Exit 0, or 2
//! when an input cannot be read.

use std::path::PathBuf;
use std::process::ExitCode;

use gatewright::routing::map::Map;

use super::FAILURE;
use super::output::Printer;

/// How `map` draws.
#[derive(Clone, Copy, clap::ValueEnum, PartialEq, Eq)]
pub enum MapFormat {
    /// A Mermaid flowchart (GitHub renders it in Markdown).
    Mermaid,
    /// A Graphviz digraph.
    Dot,
    /// An indented outline.
    Text,
}

/// Arguments of `map`.
#[derive(clap::Args)]
pub struct Args {
    /// The spec (file or folder, with its overlays) or Kubernetes YAML files and folders.
    #[arg(required = true, value_name = "INPUT")]
    inputs: Vec<PathBuf>,
    /// Compile this environment of the spec (`overlays/<env>.yaml`).
    #[arg(long)]
    env: Option<String>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = MapFormat::Mermaid)]
    format: MapFormat,
}

/// Run `map`.
pub fn run(args: Args) -> ExitCode {
    let printer = Printer::new(false);
    let engine = match super::trace::engine(&args.inputs, args.env.clone(), &printer) {
        Ok(e) => e,
        Err(code) => return code,
    };
    let map = Map::new(&engine, &|_| true);
    let text = match args.format {
        MapFormat::Mermaid => map.mermaid(),
        MapFormat::Dot => map.dot(),
        MapFormat::Text => map.text(),
    };
    if printer.stdout(&text) != ExitCode::SUCCESS {
        return ExitCode::from(FAILURE);
    }
    ExitCode::SUCCESS
}
