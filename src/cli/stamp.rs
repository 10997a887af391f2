//! The stamps of the `check` fast path ([`gatewright::stamp`]) for `check` and `render`.

use std::path::{Path, PathBuf};

use gatewright::driver::Build;
use gatewright::stamp::{Cache, Freshness, Key, Recorder, Summary, TreeSummary, Watch};

/// The stamp cache, unless `--no-cache` or `GATEWRIGHT_NO_CACHE` disables it.
pub fn cache(no_cache: bool) -> Option<Cache> {
    if no_cache { None } else { Cache::from_env() }
}

/// Start recording (before anything is read), unless the cache is disabled.
pub fn begin(no_cache: bool) -> Option<Recorder> {
    cache(no_cache)?.begin()
}

/// The stamp's summary when it vouches that the trees under `out` are up to date.
pub fn fresh(cache: Option<&Cache>, options: &gatewright::Options, crds: &[PathBuf], out: &Path) -> Option<Summary> {
    match cache?.probe(&Key::new(options, crds, out)?) {
        Freshness::Fresh(summary) => Some(summary),
        Freshness::Stale(_) => None,
    }
}

/// Record the stamp after a render committed the trees (`rendered`), or a
/// full check found them up to date; only when no target printed a finding
/// (the fast path prints none). Failures are ignored: the next run is a full one.
pub fn record(
    recorder: Option<Recorder>,
    options: &gatewright::Options,
    crds: &[PathBuf],
    out: &Path,
    build: &Build,
    rendered: bool,
) {
    let Some(recorder) = recorder else { return };
    if !build.complete() || build.targets.iter().any(|(_, o)| !o.diagnostics.is_empty()) {
        return;
    }
    let mut watch = Watch::new(options, crds);
    for (_, outcome) in &build.targets {
        watch.add_outcome(outcome);
    }
    let mut trees = Vec::new();
    for t in build.trees(out) {
        let Ok(dir) = t.dir else { return };
        if t.gitops {
            watch.add_sources(t.sources);
        }
        watch.add_tree(&dir);
        let Some(shown) = dir.to_str() else { return };
        trees.push(TreeSummary {
            dir: shown.to_string(),
            files: t.tree.files.len(),
            gitops: t.gitops,
        });
    }
    let (Some(key), Some(out)) = (Key::new(options, crds, out), out.to_str()) else {
        return;
    };
    let summary = Summary {
        files: trees.iter().map(|t| t.files).sum(),
        targets: build.targets.len(),
        rendered,
        out: out.to_string(),
        trees,
    };
    recorder.finish(key, &watch, summary);
}
