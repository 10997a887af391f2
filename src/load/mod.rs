//! Stage 1, **load**: find the spec files, read them keeping line and column,
//! merge team-owned fragments by key, and validate the result against the
//! spec's JSON Schema.
//!
//! Every value keeps its provenance ([`Provenance`]), so later stages can
//! point at the file and line that set it.

mod files;
mod fragments;
mod provenance;

pub use files::{SpecFiles, find_spec_files};
pub use fragments::{escape as escape_token, merge_fragments};
pub use provenance::{Layer, Provenance, to_loc};

use std::path::Path;

use crate::diagnostic::{Diagnostic, Diagnostics};
use crate::source::Sources;
use crate::yaml;

/// Limits applied to every YAML file read (see the README, "Limits").
pub fn limits() -> yaml::Limits {
    yaml::Limits::default()
}

/// Read one YAML file into its documents, registering it in `sources`.
/// Syntax errors become diagnostics located in that file.
pub fn read_yaml_file(
    path: &Path,
    sources: &mut Sources,
    diags: &mut Diagnostics,
) -> Option<(crate::source::FileId, Vec<yaml::Node>)> {
    let bytes = match std::fs::read(path) {
        Ok(b) => b,
        Err(e) => {
            diags.push(
                Diagnostic::error("GW101", format!("cannot read `{}`: {e}", path.display()))
                    .help("check that the path exists and is readable"),
            );
            return None;
        }
    };
    let text = String::from_utf8_lossy(&bytes).into_owned();
    let file = sources.add_path(path, text);
    match yaml::read_bytes(&bytes, &limits()) {
        Ok(docs) => Some((file, docs)),
        Err(e) => {
            diags.push(yaml_error(sources, file, &e));
            None
        }
    }
}

/// A YAML syntax or limit error as a diagnostic.
pub fn yaml_error(sources: &Sources, file: crate::source::FileId, e: &yaml::ReadError) -> Diagnostic {
    Diagnostic::error("GW102", format!("invalid YAML: {}", e.message))
        .at(Some(sources.loc_at(file, e.line, e.col)))
        .help(e.help.clone().unwrap_or_else(|| {
            "check this line and the one above: indentation (spaces, not tabs), and unclosed `{`, `[` or quotes"
                .to_string()
        }))
}
