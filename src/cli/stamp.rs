//! The stamps of the `check` fast path ([`gatewright::stamp`]) for `check` and `render`.

use std::path::{Path, PathBuf};

use gatewright::driver::{Outcome, Target};
use gatewright::stamp::{Cache, Freshness, Key, Recorder, Summary, Watch};

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

/// Record the stamp after a render wrote the trees, or a full check found
/// them up to date; only when no target printed a finding (the fast path
/// prints none). Failures are ignored: the next check is a full one.
pub fn record(
    recorder: Option<Recorder>,
    options: &gatewright::Options,
    crds: &[PathBuf],
    out: &Path,
    compiled: &[(Target, Outcome)],
) {
    let Some(recorder) = recorder else { return };
    if compiled
        .iter()
        .any(|(_, o)| !o.diagnostics.is_empty() || o.output.is_none())
    {
        return;
    }
    let mut watch = Watch::new(options, crds);
    let mut files = 0;
    for (target, outcome) in compiled {
        watch.add_outcome(outcome);
        let Ok(dir) = target.out_dir(out) else { return };
        watch.add_tree(&dir);
        files += outcome.output.as_ref().map_or(0, |c| c.tree.files.len());
    }
    if let Some(generated) = gatewright::gitops::generate_for(compiled) {
        let (Ok(tree), Ok(dir)) = (
            &generated.result,
            gatewright::gitops::objects_dir(out, &generated.settings),
        ) else {
            return;
        };
        watch.add_sources(&generated.sources);
        watch.add_tree(&dir);
        files += tree.files.len();
    }
    let Some(key) = Key::new(options, crds, out) else {
        return;
    };
    let summary = Summary {
        files,
        targets: compiled.len(),
    };
    recorder.finish(key, &watch, summary);
}
