//! Reading the spec files into provenance layers, every file the same way.
//!
//! In a directory spec a file is either a spec file (every document a `Site`
//! fragment) or another tool's manifest (every document a Kubernetes object,
//! [`is_foreign_document`]): the latter is kept, parsed once, for the app
//! whose `manifests:` names it ([`Preloaded`]); resolve reports one that no
//! app names (GW131). A file that mixes the two is an error at the object
//! (GW130): a Kubernetes object among the fragments is never dropped silently.

use rayon::prelude::*;

use super::{Layer, ParsedFile, Preloaded, Provenance, SpecFiles, is_foreign_document, register};
use crate::diagnostic::{Code, Diagnostic, Diagnostics};
use crate::source::Sources;

/// Read and parse `files` on every core, then register them in path order
/// (so that file ids stay the same): the spec documents become layers of the
/// returned provenance, the manifests of a directory spec are preloaded.
pub fn read_spec(files: &SpecFiles, sources: &mut Sources, diags: &mut Diagnostics) -> (Provenance, Preloaded) {
    let mut prov = Provenance::new();
    let mut preloaded = Preloaded::new();
    let parsed: Vec<(ParsedFile, Option<Vec<super::Service>>)> = files
        .files
        .par_iter()
        .map(|path| super::parse_yaml_file(path, files.is_dir))
        // gatewright's own output inside the spec directory is skipped
        .filter(|parsed| !parsed.is_generated())
        .map(|mut parsed| {
            let vendored = if files.is_dir { parsed.take_vendored() } else { None };
            (parsed, vendored)
        })
        .collect();
    for (parsed, vendored) in parsed {
        let path = parsed.path().to_path_buf();
        let Some((file, docs)) = register(parsed, sources, diags) else {
            continue;
        };
        if let Some(services) = vendored {
            preloaded.insert(path, (file, services));
            continue;
        }
        for node in docs {
            if files.is_dir && is_foreign_document(&node) {
                diags.push(mixed_file(file, &node));
                continue;
            }
            prov.push(Layer {
                file,
                node,
                mount: String::new(),
                kind: crate::load::LayerKind::Spec,
            });
        }
    }
    (prov, preloaded)
}

/// GW130 at the `kind` of a Kubernetes object found beside `Site` fragments.
fn mixed_file(file: crate::source::FileId, node: &crate::yaml::Node) -> Diagnostic {
    let kind = match node.get("kind").map(|k| &k.value) {
        Some(crate::yaml::Value::String(k)) => k.clone(),
        _ => "object".to_string(),
    };
    let at = node.get("kind").or_else(|| node.get("apiVersion")).unwrap_or(node);
    Diagnostic::error(
        Code::MixedSpecFile,
        format!("a Kubernetes {kind} in a spec file: a file of a spec directory holds `Site` fragments or manifests, not both"),
    )
    .at(Some(super::to_loc(file, at.span)))
    .help("move the object into a file of its own and name that file under the app's `manifests:` (it is then vendored into the app's namespace)")
}
