//! Local manifests read and parsed ahead of the walk over the apps, on every
//! core: a site can vendor thousands. The walk takes each one from here and
//! makes every check as before; a manifest that was not prefetched (refused
//! as outside the manifest root, or named twice) is read when the walk gets to it.

use std::collections::{BTreeSet, HashMap, HashSet};
use std::path::{Path, PathBuf};

use rayon::prelude::*;

use super::root::resolved_folders;
use super::{Context, esc};
use crate::load::{Service, read_limited, services_of};
use crate::spec::Site;
use crate::yaml;

/// A manifest's text and its Services, or why it could not be read or parsed.
pub(super) type Manifest = Result<(String, Result<Vec<Service>, yaml::ReadError>), std::io::Error>;

/// Read one manifest (within the YAML limits) and keep its text and Services.
/// Plain block YAML is read by [`yaml::read_plain`], without spans (only the
/// Services' values are kept); anything else by the full reader, which locates every error.
pub(super) fn read_manifest(path: &Path) -> Manifest {
    let limits = yaml::Limits::default();
    let bytes = read_limited(path, limits.max_bytes)?;
    let plain = std::str::from_utf8(&bytes).ok().and_then(yaml::read_plain);
    let services = match plain {
        Some(docs) => Ok(services_of(&docs)),
        None => yaml::read_bytes(&bytes, &limits).map(|docs| services_of(&docs)),
    };
    let text = String::from_utf8(bytes).unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned());
    Ok((text, services))
}

/// The local manifests the apps name, looked at ahead of the walk over the apps.
pub(super) struct Prefetched {
    /// Each manifest read, by path: not those of the spec directory, nor
    /// those outside the manifest root.
    pub manifests: HashMap<PathBuf, Manifest>,
    /// The manifests of the spec directory ([`crate::load::Preloaded`]) that
    /// were found inside the manifest root.
    pub preloaded_inside: HashSet<PathBuf>,
}

impl Prefetched {
    /// Whether the manifest at `path` was found inside the manifest root.
    pub fn inside(&self, path: &Path) -> bool {
        self.manifests.contains_key(path) || self.preloaded_inside.contains(path)
    }
}

/// The path of every local manifest the apps name, in the spec's order.
pub(super) fn named_manifests(site: &Site, cx: &Context<'_>) -> Vec<PathBuf> {
    let mut named = Vec::new();
    for (key, app) in &site.apps {
        let base = format!("/apps/{}", esc(key));
        for (i, entry) in app.manifests.iter().enumerate() {
            if entry.contains("://") {
                continue;
            }
            named.extend(cx.local_path(entry, &format!("{base}/manifests/{i}")));
        }
    }
    named
}

/// Every local manifest the apps name ([`named_manifests`]), judged against
/// the manifest root and read on every core: those the spec directory
/// already holds are only judged.
pub(super) fn prefetch(named: &[PathBuf], cx: &Context<'_>) -> Prefetched {
    let (preloaded, paths): (BTreeSet<PathBuf>, BTreeSet<PathBuf>) =
        named.iter().cloned().partition(|p| cx.preloaded.contains_key(p));
    // Each folder's symlinks are resolved once; each file is then looked at on every core.
    let root = cx.manifests_under.as_ref();
    let folders = root
        .map(|_| resolved_folders(paths.iter().chain(&preloaded)))
        .unwrap_or_default();
    let inside = |path: &PathBuf| root.is_none_or(|root| root.allows_in(path, &folders));
    let manifests = paths
        .into_par_iter()
        .filter(|path| inside(path))
        .map(|path| {
            let manifest = read_manifest(&path);
            (path, manifest)
        })
        .collect();
    let preloaded_inside = preloaded.into_par_iter().filter(|path| inside(path)).collect();
    Prefetched {
        manifests,
        preloaded_inside,
    }
}
