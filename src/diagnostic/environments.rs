//! The findings of a run that compiled several environments, as one list:
//! each environment's findings moved onto one table of files, and a finding
//! that holds in several environments kept once, with their list.

use std::collections::HashMap;

use super::{Diagnostic, Diagnostics};
use crate::source::{FileId, Loc, Sources};

/// The findings of a whole run and the files they point at.
#[derive(Debug, Default)]
pub struct Report {
    /// Every file any finding points at.
    pub sources: Sources,
    /// The findings, sorted by file and line; each one once, with every environment it holds in.
    pub diagnostics: Vec<Diagnostic>,
}

impl Report {
    /// Whether any finding is an error.
    pub fn has_errors(&self) -> bool {
        self.diagnostics.iter().any(Diagnostic::is_error)
    }
}

/// Merge the findings of several parts of a run (one per environment, each
/// with the files its findings point at): findings equal but for their
/// environments (code, message, location, labels, help) become one, with
/// the sorted union of the environments.
pub fn merge<'a>(parts: impl IntoIterator<Item = (&'a [Diagnostic], &'a Sources)>) -> Report {
    let mut sources = Sources::new();
    let mut merged: Vec<Diagnostic> = Vec::new();
    let mut seen: HashMap<Diagnostic, usize> = HashMap::new();
    for (diagnostics, part) in parts {
        let ids = sources.absorb(part);
        for d in diagnostics {
            let d = moved(d, &ids);
            let key = Diagnostic {
                environments: Vec::new(),
                ..d.clone()
            };
            match seen.get(&key) {
                Some(&at) => {
                    let envs = &mut merged[at].environments;
                    envs.extend(d.environments);
                    envs.sort();
                    envs.dedup();
                }
                None => {
                    seen.insert(key, merged.len());
                    merged.push(d);
                }
            }
        }
    }
    let mut all = Diagnostics::new();
    all.extend(merged);
    let diagnostics = all.sorted(&sources);
    Report { sources, diagnostics }
}

/// A diagnostic's locations moved to the ids of the merged table.
fn moved(d: &Diagnostic, ids: &[FileId]) -> Diagnostic {
    let at = |loc: &Loc| Loc {
        file: ids.get(loc.file.0).copied().unwrap_or(loc.file),
        ..loc.clone()
    };
    Diagnostic {
        loc: d.loc.as_ref().map(at),
        related: d.related.iter().map(|(l, m)| (at(l), m.clone())).collect(),
        ..d.clone()
    }
}
