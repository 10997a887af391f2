//! Loading the `--crds` install files; a file that cannot be used is one
//! diagnostic located in it: the character, the document, or the CEL rule.

use std::path::{Path, PathBuf};

use crate::crd::{CrdError, CrdSet};
use crate::diagnostic::{Code, Diagnostic};
use crate::source::{FileId, Loc, Sources};
use crate::yaml::{Node, Value};

/// A `--crds` file that cannot be used: the diagnostic, and the file it points into.
#[derive(Debug)]
pub struct Unusable {
    /// The error (GW805, GW808 or GW104), located in the file when it was read.
    pub diagnostic: Diagnostic,
    /// The file read.
    pub sources: Sources,
}

/// Load and merge the CRDs of every install file (later files win on the same kind and version).
///
/// # Errors
/// The first file that cannot be read or used, located in it.
pub fn load_crds(paths: &[PathBuf]) -> Result<CrdSet, Box<Unusable>> {
    let mut set = CrdSet::default();
    for path in paths {
        let text = crate::load::read_text_limited(path, crate::load::limits().max_bytes).map_err(|e| {
            Box::new(Unusable {
                diagnostic: Diagnostic::error(Code::UnreadableFile, format!("cannot read CRD file `{}`: {e}", path.display()))
                    .help("pass a Gateway API install file (a regular file of at most 16 MiB), e.g. `standard-install.yaml` of the release you run"),
                sources: Sources::new(),
            })
        })?;
        let mut sources = Sources::new();
        let file = sources.add_path(path, text.clone());
        match load_one(path, &text, file, &sources) {
            Ok(loaded) => set.extend(loaded),
            Err(d) => return Err(Box::new(Unusable { diagnostic: d, sources })),
        }
    }
    Ok(set)
}

fn load_one(path: &Path, text: &str, file: FileId, sources: &Sources) -> Result<CrdSet, Diagnostic> {
    if let Some(e) = crate::yaml::forbidden_char(text) {
        return Err(Diagnostic::error(
            Code::UnusableCrds,
            format!("cannot use the CRDs of `{}`: {}", path.display(), e.message),
        )
        .at(Some(sources.loc_at(file, e.line, e.col)))
        .help(e.help.unwrap_or_default()));
    }
    let loaded = CrdSet::from_yaml(text, &crate::source::display_path(path)).map_err(|e| {
        let loc = locate(&e, text, file, sources);
        match e {
            CrdError::Cost { .. } => Diagnostic::error(Code::CrdCostTooHigh, format!("cannot use the CRDs of `{}`: {e}", path.display()))
                .help("bound the lists, maps and strings the rule walks (`maxItems`, `maxProperties`, `maxLength`) or simplify the rule; the API server refuses this CRD as it is"),
            e => Diagnostic::error(Code::UnusableCrds, format!("cannot use the CRDs of `{}`: {e}", path.display()))
                .help("pass an unmodified install file of a Gateway API release (`standard-install.yaml` or `experimental-install.yaml`)"),
        }
        .at(Some(loc))
    })?;
    if loaded.kinds().is_empty() {
        return Err(Diagnostic::error(
            Code::UnusableCrds,
            format!("`{}` holds no CustomResourceDefinition", path.display()),
        )
        .at(Some(sources.loc_at(file, 1, 1)))
        .help("pass a Gateway API install file, e.g. `standard-install.yaml`"));
    }
    Ok(loaded)
}

/// Where `e` is in the file: the rule's text (or the schema, for a total
/// cost), else the line the error names, else the file's start.
fn locate(e: &CrdError, text: &str, file: FileId, sources: &Sources) -> Loc {
    let line = match e {
        CrdError::Yaml { line, .. } | CrdError::Malformed { line, .. } => *line,
        CrdError::Rule {
            crd,
            schema_pointer,
            rule,
            ..
        }
        | CrdError::Cost {
            crd,
            schema_pointer,
            rule,
            ..
        } => {
            if let Some(loc) = rule_loc(text, file, crd, schema_pointer, rule) {
                return loc;
            }
            None
        }
    };
    let line = line.and_then(|l| u32::try_from(l).ok()).unwrap_or(1);
    sources.loc_at(file, line, 1)
}

/// The `rule:` of `crd` (`NAME/VERSION`) at `schema_pointer` whose text is
/// `rule`; the version's `openAPIV3Schema` when `rule` is empty.
fn rule_loc(text: &str, file: FileId, crd: &str, schema_pointer: &str, rule: &str) -> Option<Loc> {
    let (name, version) = crd.rsplit_once('/')?;
    let docs = crate::yaml::read_documents(text, &crate::load::limits()).ok()?;
    let doc = docs
        .iter()
        .find(|d| string(d.pointer("/metadata/name")) == Some(name))?;
    let index = items(doc.pointer("/spec/versions"))
        .iter()
        .position(|v| string(v.get("name")) == Some(version))?;
    let node = doc.pointer(&format!(
        "/spec/versions/{index}/schema/openAPIV3Schema{schema_pointer}"
    ))?;
    if rule.is_empty() {
        return Some(crate::load::to_loc(file, node.span));
    }
    items(node.get("x-kubernetes-validations"))
        .iter()
        .filter_map(|r| r.get("rule"))
        .find(|r| string(Some(r)) == Some(rule))
        .map(|r| crate::load::to_loc(file, r.span))
}

fn string(node: Option<&Node>) -> Option<&str> {
    match node.map(|n| &n.value) {
        Some(Value::String(s)) => Some(s),
        _ => None,
    }
}

fn items(node: Option<&Node>) -> &[Node] {
    match node.map(|n| &n.value) {
        Some(Value::Seq(items)) => items,
        _ => &[],
    }
}
