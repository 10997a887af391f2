//! The `check` fast path: a *stamp* records the `stat` fingerprint (type,
//! size, mtime, ctime, inode, device, mode) of every input a compile read and
//! every path of the output trees, after a full check found them up to date
//! (or a render found nothing to write). `check` and `render` both skip their
//! work when it vouches for the trees; `render` only trusts a stamp that a
//! render recorded ([`Summary::rendered`]). When the key (version, embedded templates and
//! profiles, working directory, every option that changes output) matches
//! and every recorded path still stats the same, the trees are up to date
//! without compiling or reading them.
//!
//! Stamps live outside the repository ([`Cache::from_env`]). They are a
//! disposable cache: anything unexpected means [`Freshness::Stale`], and the
//! caller runs the full check. Like Git's index, a path whose mtime or ctime
//! is not older than the moment recording started is *racy* and not trusted
//! (an edit in the same timestamp tick would keep its fingerprint), nor is
//! one within twice its apparent granularity of that moment (a timestamp in
//! whole seconds may come from a filesystem that truncates to 1 or 2 s); the
//! moment is the mtime of the stamp's temporary file, created before the
//! compile reads anything, so no clock is read. Limit shared with Git: an
//! edit that restores size and mtime is only seen through ctime and inode.

mod stat;

use std::io::Write;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::driver::{Options, Outcome};
use crate::source::Sources;
use stat::{Group, walk};

/// Bumped whenever the stamp file's layout or meaning changes.
const FORMAT: u32 = 3;

/// What a stamp is valid for: a stamp is only used when its key is equal.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Key {
    version: String,
    embedded: String,
    cwd: String,
    spec: String,
    env: Option<String>,
    overlay: Option<String>,
    no_overlays: bool,
    blueprints: Option<String>,
    gateway_api: Option<String>,
    manifests_under: Option<String>,
    crds: Vec<String>,
    out: String,
}

impl Key {
    /// The key of compiling `options` (CRD files `crds`) into `out`; `None`
    /// when `out` does not exist or a path is not UTF-8 (no stamp then).
    pub fn new(options: &Options, crds: &[PathBuf], out: &Path) -> Option<Self> {
        let text = |p: &Path| p.to_str().map(str::to_string);
        let opt = |p: &Option<PathBuf>| match p {
            Some(p) => text(p).map(Some),
            None => Some(None),
        };
        Some(Self {
            version: env!("CARGO_PKG_VERSION").to_string(),
            embedded: format!("{:016x}", embedded_hash()),
            cwd: text(&std::env::current_dir().ok()?)?,
            spec: text(&options.spec)?,
            env: options.env.clone(),
            overlay: opt(&options.overlay)?,
            no_overlays: options.no_overlays,
            blueprints: opt(&options.blueprints)?,
            gateway_api: options.gateway_api.clone(),
            manifests_under: opt(&options.manifests_under)?,
            crds: crds.iter().map(|p| text(p)).collect::<Option<_>>()?,
            out: text(&std::fs::canonicalize(out).ok()?)?,
        })
    }

    fn file_name(&self) -> String {
        format!(
            "{:016x}.json",
            fnv(serde_json::to_string(self).unwrap_or_default().as_bytes(), FNV_SEED)
        )
    }
}

/// FNV-1a, 64 bits: stable across Rust versions and platforms (std's
/// `DefaultHasher` promises neither). Not collision-resistant, which is
/// fine here: the full key is stored in the stamp and compared.
fn fnv(bytes: &[u8], seed: u64) -> u64 {
    bytes
        .iter()
        .fold(seed, |h, b| (h ^ u64::from(*b)).wrapping_mul(0x0100_0000_01b3))
}

const FNV_SEED: u64 = 0xcbf2_9ce4_8422_2325;

/// A hash of the built-in blueprints and platform profiles, so that a binary
/// built with other templates never trusts an older stamp.
fn embedded_hash() -> u64 {
    let blueprints = crate::render::Blueprint::ALL.map(|b| (b.file_name(), b.builtin()));
    let profiles = crate::overlay::PROFILES.iter().map(|p| (p.name, p.text));
    blueprints
        .into_iter()
        .chain(profiles)
        .fold(FNV_SEED, |h, (name, text)| {
            fnv(text.as_bytes(), fnv(&[0], fnv(name.as_bytes(), h)))
        })
}

/// What the up-to-date messages of `check` and `render` need, recorded with the stamp.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Summary {
    /// Files in the compared trees.
    pub files: usize,
    /// Compiled targets (environments).
    pub targets: usize,
    /// Whether a render recorded it (after writing nothing): `check` also
    /// vouches for trees that `render` would refuse to write (e.g. a spec
    /// file inside the output), so `render` trusts only its own stamps.
    pub rendered: bool,
    /// The output directory as the command line named it.
    pub out: String,
    /// Each tree, as `render` reports it.
    pub trees: Vec<TreeSummary>,
}

/// One output tree of a [`Summary`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TreeSummary {
    /// Its folder as the command line would name it (`OUT` or `OUT/<env>`, or the GitOps objects' folder).
    pub dir: String,
    /// Files in the tree.
    pub files: usize,
    /// Whether it holds the GitOps objects.
    pub gitops: bool,
}

/// The answer of [`Cache::probe`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Freshness {
    /// Nothing recorded changed: the trees are up to date.
    Fresh(Summary),
    /// The full check is needed, and why.
    Stale(Stale),
}

/// Why a stamp cannot be used.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Stale {
    /// No stamp for this key.
    Missing,
    /// The stamp cannot be read or parsed.
    Unreadable,
    /// The stamp was written for another key (a hash collision of file names).
    OtherKey,
    /// This path changed no earlier than recording started, so its fingerprint proves nothing.
    Racy(String),
    /// This path's fingerprint changed (or it cannot be read).
    Changed(String),
}

/// The stamp file.
#[derive(Serialize, Deserialize)]
struct Stamp {
    format: u32,
    key: Key,
    /// When recording started (ns, filesystem clock): newer entries are racy.
    since: i64,
    summary: Summary,
    groups: Vec<Group>,
}

/// A directory of stamps.
#[derive(Debug, Clone)]
pub struct Cache {
    dir: PathBuf,
}

impl Cache {
    /// Stamps in `dir` (created when the first stamp is written).
    pub fn new(dir: impl Into<PathBuf>) -> Self {
        Self { dir: dir.into() }
    }

    /// The cache from the environment: `None` when `GATEWRIGHT_NO_CACHE` is
    /// set (to anything but `0` or empty); else `$GATEWRIGHT_CACHE_DIR`,
    /// `$XDG_CACHE_HOME/gatewright` or `$HOME/.cache/gatewright` (the first
    /// that is set and absolute).
    pub fn from_env() -> Option<Self> {
        let var = |name: &str| std::env::var_os(name).filter(|v| !v.is_empty());
        if var("GATEWRIGHT_NO_CACHE").is_some_and(|v| v != "0") {
            return None;
        }
        let absolute = |v: std::ffi::OsString| Some(PathBuf::from(v)).filter(|p| p.is_absolute());
        let dir = var("GATEWRIGHT_CACHE_DIR")
            .and_then(absolute)
            .or_else(|| var("XDG_CACHE_HOME").and_then(absolute).map(|p| p.join("gatewright")))
            .or_else(|| {
                var("HOME")
                    .and_then(absolute)
                    .map(|p| p.join(".cache").join("gatewright"))
            })?;
        Some(Self::new(dir))
    }

    /// Whether the stamp of `key` vouches for the trees (never an error).
    pub fn probe(&self, key: &Key) -> Freshness {
        let path = self.dir.join(key.file_name());
        let Ok(bytes) = crate::load::read_limited(&path, crate::load::limits().max_bytes) else {
            return Freshness::Stale(Stale::Missing);
        };
        let stamp: Stamp = match serde_json::from_slice(&bytes) {
            Ok(s) => s,
            Err(_) => return Freshness::Stale(Stale::Unreadable),
        };
        if stamp.format != FORMAT || stamp.groups.is_empty() {
            return Freshness::Stale(Stale::Unreadable);
        }
        if stamp.key != *key {
            return Freshness::Stale(Stale::OtherKey);
        }
        match stat::first_change(&stamp.groups, stamp.since) {
            Some((path, true)) => Freshness::Stale(Stale::Racy(path)),
            Some((path, false)) => Freshness::Stale(Stale::Changed(path)),
            None => Freshness::Fresh(stamp.summary),
        }
    }

    /// Start recording a stamp, before the compile reads anything:
    /// creates the temporary stamp file whose mtime marks the start. `None`
    /// when the cache directory cannot be written (no stamp then).
    pub fn begin(&self) -> Option<Recorder> {
        std::fs::create_dir_all(&self.dir).ok()?;
        let file = tempfile::Builder::new().prefix(".stamp-").tempfile_in(&self.dir).ok()?;
        let since = stat::mtime_of(&file.as_file().metadata().ok()?)?;
        Some(Recorder {
            dir: self.dir.clone(),
            file,
            since,
        })
    }
}

/// A stamp being recorded ([`Cache::begin`]); dropped unfinished, it leaves nothing.
pub struct Recorder {
    dir: PathBuf,
    file: tempfile::NamedTempFile,
    since: i64,
}

impl Recorder {
    /// Stat everything `watch` lists and store the stamp of `key` atomically.
    /// Returns whether a stamp was written; failing is harmless (no stamp).
    ///
    /// An output tree whose directory changed since recording started (a
    /// render that wrote anything replaces it) would make the stamp racy, so
    /// none is written then, and nothing else is stat'ed.
    pub fn finish(self, key: Key, watch: &Watch, summary: Summary) -> bool {
        if watch.trees.iter().any(|t| stat::changed_since(t, self.since)) {
            return false;
        }
        let Some(groups) = watch.groups() else {
            return false;
        };
        let stamp = Stamp {
            format: FORMAT,
            key,
            since: self.since,
            summary,
            groups,
        };
        let mut file = self.file;
        let written = serde_json::to_writer(std::io::BufWriter::new(file.as_file_mut()), &stamp).is_ok()
            && file.as_file_mut().flush().is_ok();
        written && file.persist(self.dir.join(stamp.key.file_name())).is_ok()
    }
}

/// The paths a stamp records: inputs, listings that matter, output trees.
#[derive(Debug, Default)]
pub struct Watch {
    paths: Vec<PathBuf>,
    /// Walked roots, also recorded through a symlink (the walk follows a root link).
    roots: Vec<PathBuf>,
    /// Output trees, walked when the stamp is written.
    trees: Vec<PathBuf>,
    failed: bool,
}

impl Watch {
    /// The inputs named by the options: the spec (its directory tree as
    /// walked, or the file and its directory), the `overlays/` folder beside
    /// it, the overlay and blueprint options, the CRD files, and the
    /// gatewright binary itself (a rebuilt binary never trusts an old stamp).
    pub fn new(options: &Options, crds: &[PathBuf]) -> Self {
        let mut w = Self::default();
        let spec = &options.spec;
        let root = if spec.is_dir() {
            w.failed |= walk(spec, true, &mut w.paths).is_none();
            w.roots.push(spec.clone());
            spec.clone()
        } else {
            w.paths.push(spec.clone());
            match spec.parent() {
                Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
                _ => PathBuf::from("."),
            }
        };
        w.paths.push(root.clone());
        w.add_tree_or_absent(&root.join("overlays"));
        w.paths.extend(options.overlay.iter().cloned());
        if let Some(dir) = &options.blueprints {
            w.add_tree_or_absent(dir);
        }
        w.paths.extend(crds.iter().cloned());
        if let Ok(exe) = std::env::current_exe() {
            w.paths.push(exe);
        }
        w
    }

    /// Every file one compile read: its sources, vendored manifests and blueprint directory.
    pub fn add_outcome(&mut self, outcome: &Outcome) {
        self.add_sources(&outcome.sources);
        if let Some(c) = &outcome.output {
            self.paths
                .extend(c.model.upstreams.iter().filter_map(|u| u.path.clone()));
            if let Some(dir) = &c.blueprints {
                self.add_tree_or_absent(dir);
            }
        }
    }

    /// Every file of `sources` that came from disk.
    pub fn add_sources(&mut self, sources: &Sources) {
        self.paths.extend(sources.iter().filter_map(|(_, f)| f.path.clone()));
    }

    /// An output tree: the directory and everything under it (walked when
    /// the stamp is written).
    pub fn add_tree(&mut self, dir: &Path) {
        self.trees.push(dir.to_path_buf());
    }

    fn add_tree_or_absent(&mut self, dir: &Path) {
        if std::fs::symlink_metadata(dir).is_ok() {
            self.failed |= walk(dir, false, &mut self.paths).is_none();
            self.roots.push(dir.to_path_buf());
        } else {
            self.paths.push(dir.to_path_buf());
        }
    }

    fn groups(&self) -> Option<Vec<Group>> {
        if self.failed {
            return None;
        }
        // Inputs first: an edited spec, the usual change, is found after few stats.
        let mut groups = stat::record(&stat::with_link_targets(&self.paths)?, &self.roots)?;
        let mut outputs = Vec::new();
        for tree in &self.trees {
            walk(tree, false, &mut outputs)?;
        }
        groups.extend(stat::record(&outputs, &self.trees)?);
        Some(groups)
    }
}
