//! The one driver that chains the stages: load → overlay → resolve →
//! analyze → render → normalize → emit. The CLI and the tests call this.

use std::path::PathBuf;

use crate::diagnostic::{Diagnostic, Diagnostics};
use crate::emit::{Objects, Tree};
use crate::load::Provenance;
use crate::model::Model;
use crate::source::Sources;

mod build;
mod memory;
mod plan;
mod stages;

pub use build::{Build, Destination, build, gitops_objects};
pub use memory::{check_site, render_site};
pub use plan::{Target, plan};

/// What to compile.
#[derive(Debug, Clone, Default)]
pub struct Options {
    /// The spec: a file or a directory of files.
    pub spec: PathBuf,
    /// A directory whose templates override the built-in blueprints.
    pub blueprints: Option<PathBuf>,
    /// An environment overlay applied on top of the spec (`--overlay FILE`,
    /// or `overlays/<env>.yaml` beside the spec when `env` is set).
    pub overlay: Option<PathBuf>,
    /// The environment being compiled, if the spec has environments.
    pub env: Option<String>,
    /// For [`compile_targets`]: ignore the spec's environments and compile
    /// the base spec, without overlays, as one tree (`--no-overlays`).
    pub no_overlays: bool,
    /// The Gateway API version to target (`--gateway-api`); by default the
    /// newest any gateway's profile targets ([`crate::version::DEFAULT_GATEWAY_API`] without one).
    pub gateway_api: Option<String>,
    /// CRDs to validate every rendered object with before anything is
    /// written (`--crds FILE`); a violation is an error at the spec line
    /// that produced the field.
    pub crds: Option<std::sync::Arc<crate::crd::CrdSet>>,
    /// Refuse local `manifests:` files outside this directory
    /// (`--manifests-under DIR`); by default, outside the Git work tree that
    /// holds the spec, or the spec's folder outside Git
    /// ([`resolve::ManifestRoot`]): a spec (or a team's file) cannot vendor
    /// a file from elsewhere on the machine into the output.
    pub manifests_under: Option<PathBuf>,
    /// Drop the spec's parsed nodes once nothing in the compile needs them
    /// (after analysis, unless `crds` are set): [`Compiled::provenance`] then
    /// locates nothing. `render` sets it: at 10,000 apps they are a fifth of
    /// the peak memory.
    pub lean: bool,
    /// Build no tree: [`Compiled::output`] is [`Output::Objects`], the
    /// objects in the order [`crate::emit::Tree::write_stream`] prints them,
    /// without a path per object, folder kustomizations, vendored manifests
    /// or group roots. `render --stdout` sets it.
    pub objects_only: bool,
}

/// The result of a compilation.
#[derive(Debug)]
pub struct Compiled {
    /// The resolved model.
    pub model: Model,
    /// The output: the tree, or only its objects ([`Options::objects_only`]).
    pub output: Output,
    /// Where each spec value came from (to point at the spec line of a model item's `origin`).
    pub provenance: Provenance,
    /// The spec's `gitops:` settings (see [`crate::gitops`]).
    pub gitops: Option<crate::spec::gitops::GitOps>,
    /// The blueprint directory used (`--blueprints`, else the spec's `blueprints:`), if any.
    pub blueprints: Option<PathBuf>,
}

/// What a compilation lays out.
#[derive(Debug, Clone)]
pub enum Output {
    /// The kustomize tree, every file by path.
    Tree(Tree),
    /// Only the objects, in stream order ([`Options::objects_only`]).
    Objects(Objects),
}

impl Default for Output {
    fn default() -> Self {
        Self::Tree(Tree::default())
    }
}

impl Compiled {
    /// The output tree; `None` for an [`Options::objects_only`] compile.
    pub fn tree(&self) -> Option<&Tree> {
        match &self.output {
            Output::Tree(tree) => Some(tree),
            Output::Objects(_) => None,
        }
    }

    /// The output tree, taken out; `None` for an [`Options::objects_only`] compile.
    pub fn into_tree(self) -> Option<Tree> {
        match self.output {
            Output::Tree(tree) => Some(tree),
            Output::Objects(_) => None,
        }
    }

    /// Write the objects as one YAML stream (`render --stdout`): the same
    /// bytes from either output.
    ///
    /// # Errors
    /// The first write error of `out`.
    pub fn write_stream(&self, out: &mut (impl std::io::Write + ?Sized)) -> std::io::Result<()> {
        match &self.output {
            Output::Tree(tree) => tree.write_stream(out),
            Output::Objects(objects) => objects.write_stream(out),
        }
    }
}

/// Everything a run produced: the files read, the findings, and the output
/// when there was no error.
#[derive(Debug)]
pub struct Outcome {
    /// Every file read (for showing diagnostics).
    pub sources: Sources,
    /// Findings, sorted by file and line.
    pub diagnostics: Vec<Diagnostic>,
    /// The output, when no finding was an error.
    pub output: Option<Compiled>,
}

impl Outcome {
    /// Whether any finding is an error.
    pub fn has_errors(&self) -> bool {
        self.diagnostics.iter().any(Diagnostic::is_error)
    }
}

/// Compile every target of a spec ([`plan`] with `base.overlay` and `base.env`), in plan order;
/// each finding names the target's environment ([`Diagnostic::environments`]).
pub fn compile_targets(base: &Options) -> Result<Vec<(Target, Outcome)>, Diagnostic> {
    let targets = if base.no_overlays {
        vec![Target {
            env: None,
            overlay: None,
        }]
    } else {
        match plan::plan_at(&base.spec, base.overlay.as_deref(), base.env.as_deref()) {
            Ok(targets) => targets,
            Err((diagnostic, file)) => return Ok(vec![planning_failed(base, diagnostic, file.as_deref())]),
        }
    };
    Ok(targets
        .into_iter()
        .map(|target| {
            let mut outcome = compile(&Options {
                spec: base.spec.clone(),
                blueprints: base.blueprints.clone(),
                overlay: target.overlay.clone(),
                env: target.env.clone(),
                no_overlays: false,
                gateway_api: base.gateway_api.clone(),
                crds: base.crds.clone(),
                manifests_under: base.manifests_under.clone(),
                lean: base.lean,
                objects_only: base.objects_only,
            });
            if let Some(env) = &target.env {
                outcome.diagnostics = std::mem::take(&mut outcome.diagnostics)
                    .into_iter()
                    .map(|d| d.in_env(env))
                    .collect();
            }
            (target, outcome)
        })
        .collect())
}

/// A spec whose environments cannot be planned: one failed outcome, its
/// finding located at the overlay file at fault (`file:1:1`) when there is one.
fn planning_failed(base: &Options, diagnostic: Diagnostic, file: Option<&std::path::Path>) -> (Target, Outcome) {
    let mut sources = Sources::default();
    let loc = file.map(|f| {
        let id = sources.add_path(f, String::new());
        sources.loc_at(id, 1, 1)
    });
    let diagnostic = match loc {
        Some(loc) => diagnostic.at(Some(loc)),
        None => diagnostic,
    };
    let target = Target {
        env: base.env.clone().filter(|e| crate::analyze::syntax::is_dns_label(e)),
        overlay: None,
    };
    let outcome = Outcome {
        sources,
        diagnostics: vec![diagnostic],
        output: None,
    };
    (target, outcome)
}

/// Compile a spec into an output tree.
pub fn compile(opts: &Options) -> Outcome {
    let mut sources = Sources::new();
    let mut diags = Diagnostics::new();
    let output = stages::run(&mut stages::Run {
        opts,
        sources: &mut sources,
        diags: &mut diags,
    });
    let diagnostics = diags.sorted(&sources);
    let output = if diagnostics.iter().any(Diagnostic::is_error) {
        None
    } else {
        output
    };
    Outcome {
        sources,
        diagnostics,
        output,
    }
}
