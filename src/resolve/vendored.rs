//! Manifests of a spec directory (files of Kubernetes objects, read with the
//! spec, [`crate::load::Preloaded`]) that no app names: an error, since
//! nothing would deploy them (GW131). A file an app names by another
//! spelling of its path (`../site/x.yaml`) is matched by its canonical path.

use crate::diagnostic::Code;
use std::collections::HashSet;
use std::path::PathBuf;

use super::Context;
use crate::diagnostic::{Diagnostic, Diagnostics};

/// Report each preloaded manifest no app names (`named`: the path of each
/// local manifest an app names); re-key one an app names by
/// another spelling of its path under that spelling, so it is read once.
pub(super) fn check(named: &[PathBuf], cx: &mut Context<'_>, diags: &mut Diagnostics) {
    if cx.preloaded.is_empty() {
        return;
    }
    let exact: HashSet<&PathBuf> = named.iter().collect();
    let mut left: Vec<PathBuf> = cx.preloaded.keys().filter(|p| !exact.contains(p)).cloned().collect();
    if left.is_empty() {
        return;
    }
    left.sort();
    // A path the walk found is never another spelling of a second one it found.
    let canonical: Vec<(PathBuf, &PathBuf)> = named
        .iter()
        .filter(|p| !cx.preloaded.contains_key(*p))
        .filter_map(|p| Some((std::fs::canonicalize(p).ok()?, p)))
        .collect();
    for path in left {
        let real = std::fs::canonicalize(&path).ok();
        let alias = canonical
            .iter()
            .find(|(c, _)| Some(c) == real.as_ref())
            .map(|(_, p)| (*p).clone());
        let Some(entry) = cx.preloaded.remove(&path) else {
            continue;
        };
        match alias {
            Some(alias) => {
                cx.preloaded.insert(alias, entry);
            }
            None => diags.push(unnamed(&path, entry.0, cx)),
        }
    }
}

fn unnamed(path: &std::path::Path, file: crate::source::FileId, cx: &Context<'_>) -> Diagnostic {
    let name = crate::source::display_path(path);
    Diagnostic::error(
        Code::UnnamedManifestFile,
        format!("`{name}` holds Kubernetes objects, not `Site` fragments, and no app names it under `manifests:`"),
    )
    .at(Some(cx.sources.loc_at(file, 1, 1)))
    .help("every file of a spec directory is a `Site` fragment or a manifest an app deploys: name it under the app's `manifests:` (relative to the spec file), or move it out of the spec directory")
}
