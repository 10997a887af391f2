//! One build of a spec: every environment compiled once, then the GitOps
//! objects from their results. `render`, `check` and the stamp loop over it.

use std::path::{Path, PathBuf};

use super::{Options, Outcome, Target, compile_targets};
use crate::diagnostic::{Diagnostic, Report};
use crate::emit::Tree;
use crate::gitops::{self, EnvInput, Folder, Generated};
use crate::source::Sources;

/// Every tree of one run: each environment's outcome, and the GitOps objects.
#[derive(Debug)]
pub struct Build {
    /// Each target (environment) with its outcome, in plan order.
    pub targets: Vec<(Target, Outcome)>,
    /// The GitOps objects: `None` unless the spec has a `gitops:` section and every target compiled.
    pub gitops: Option<Generated>,
}

/// One tree of a build and the folder it goes to.
#[derive(Debug)]
pub struct Destination<'a> {
    /// The tree.
    pub tree: &'a Tree,
    /// Its folder under the output directory, or why it has none.
    pub dir: Result<PathBuf, Diagnostic>,
    /// The files its diagnostics point at.
    pub sources: &'a Sources,
    /// Whether it holds the GitOps objects (else one environment's output).
    pub gitops: bool,
}

/// Compile every target of `opts` ([`compile_targets`]) and, when all
/// compiled, the GitOps objects ([`gitops_objects`]).
///
/// # Errors
/// A finding that stops the build before any target compiles.
pub fn build(opts: &Options) -> Result<Build, Diagnostic> {
    let targets = compile_targets(opts)?;
    let gitops = gitops_objects(&targets);
    Ok(Build { targets, gitops })
}

impl Build {
    /// Each compiled tree with its folder under `out`: the environments'
    /// in plan order, then the GitOps objects' (when they generated).
    pub fn trees(&self, out: &Path) -> Vec<Destination<'_>> {
        let envs = self.targets.iter().filter_map(|(target, outcome)| {
            Some(Destination {
                tree: outcome.output.as_ref()?.tree()?,
                dir: target.out_dir(out),
                sources: &outcome.sources,
                gitops: false,
            })
        });
        let objects = self.gitops.as_ref().and_then(|g| {
            Some(Destination {
                tree: g.result.as_ref().ok()?,
                dir: gitops::objects_dir(out, &g.settings),
                sources: &g.sources,
                gitops: true,
            })
        });
        envs.chain(objects).collect()
    }

    /// Every finding of the build, each once with the environments it holds
    /// in ([`crate::diagnostic::merge`]): the targets', then the GitOps objects'.
    pub fn report(&self) -> Report {
        let envs = self.targets.iter().map(|(_, o)| (o.diagnostics.as_slice(), &o.sources));
        let objects = self
            .gitops
            .iter()
            .filter_map(|g| Some((g.result.as_ref().err()?.as_slice(), &g.sources)));
        crate::diagnostic::merge(envs.chain(objects))
    }

    /// Whether every target compiled and the GitOps objects (if any) generated.
    pub fn complete(&self) -> bool {
        self.targets.iter().all(|(_, o)| o.output.is_some()) && self.gitops.as_ref().is_none_or(|g| g.result.is_ok())
    }
}

/// The GitOps objects of compiled targets, with the blueprints the first
/// target used (`--blueprints`, else the spec's `blueprints:`): `None` when
/// the spec has no `gitops:` section or a target did not compile (or
/// compiled no tree: [`super::Options::objects_only`]).
pub fn gitops_objects(targets: &[(Target, Outcome)]) -> Option<Generated> {
    let compiled: Vec<_> = targets
        .iter()
        .map(|(target, outcome)| Some((target, outcome.output.as_ref()?)))
        .collect::<Option<_>>()?;
    // Without a `gitops:` section there is nothing to generate: skip laying out the folders.
    if compiled.iter().any(|(_, c)| c.gitops.is_none()) {
        return None;
    }
    let folders: Vec<Vec<Folder>> = compiled
        .iter()
        .map(|(_, c)| Some(gitops::folders(c.tree()?, &c.model)))
        .collect::<Option<_>>()?;
    let envs = compiled
        .iter()
        .zip(&folders)
        .map(|((target, c), folders)| {
            Some(EnvInput {
                env: target.env.as_deref(),
                settings: c.gitops.as_ref()?,
                gateway_api_version: &c.model.gateway_api_version,
                folders,
            })
        })
        .collect::<Option<Vec<_>>>()?;
    let blueprints = compiled.first().and_then(|(_, c)| c.blueprints.as_deref());
    gitops::generate_with(&envs, blueprints)
}
