//! The one driver that chains the stages: load → overlay → resolve →
//! analyze → render → normalize → emit. The CLI and the tests call this.

use std::path::PathBuf;

use rayon::prelude::*;
use serde_json::Value;

use crate::diagnostic::{Code, Diagnostic, Diagnostics};
use crate::emit::{Tree, layout};
use crate::load::{self, Layer, Provenance};
use crate::model::Model;
use crate::normalize::Document;
use crate::render::{self, Blueprints};
use crate::source::Sources;
use crate::spec::Site;
use crate::{analyze, normalize, overlay, resolve, schema};

mod plan;

pub use plan::{Target, plan};

/// Gateway API version the output targets when no profile names one.
pub const DEFAULT_GATEWAY_API: &str = "v1.1.0";

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
    /// newest any gateway's profile targets ([`DEFAULT_GATEWAY_API`] without one).
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
    /// Lay out only what [`crate::emit::Tree::write_stream`] prints, the
    /// objects, and the root `kustomization.yaml` that names the Gateway API
    /// version: no folder kustomizations, vendored manifests or group roots.
    /// `render --stdout` sets it.
    pub objects_only: bool,
}

/// The result of a compilation.
#[derive(Debug)]
pub struct Compiled {
    /// The resolved model.
    pub model: Model,
    /// The output tree.
    pub tree: Tree,
    /// Where each spec value came from (to point at the spec line of a model item's `origin`).
    pub provenance: Provenance,
    /// The spec's `gitops:` settings (see [`crate::gitops`]).
    pub gitops: Option<crate::spec::gitops::GitOps>,
    /// The blueprint directory used (`--blueprints`, else the spec's `blueprints:`), if any.
    pub blueprints: Option<PathBuf>,
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

/// Compile every target of a spec ([`plan`] with `base.overlay` and `base.env`), in plan order.
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
            let outcome = compile(&Options {
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
    let output = run(opts, &mut sources, &mut diags);
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

fn run(opts: &Options, sources: &mut Sources, diags: &mut Diagnostics) -> Option<Compiled> {
    let files = match load::find_spec_files(&opts.spec) {
        Ok(f) => f,
        Err(d) => {
            diags.push(d);
            return None;
        }
    };
    let (mut prov, preloaded) = load::read_spec(&files, sources, diags);
    if diags.has_errors() {
        return None;
    }
    let mut spec = Value::Object(load::merge_fragments(&prov, diags));
    if spec.as_object().is_some_and(|m| m.is_empty()) {
        diags.push(
            Diagnostic::error(
                Code::NoSpecDocuments,
                format!("no spec documents in `{}`", opts.spec.display()),
            )
            .help("a spec starts with `apiVersion: gatewright.dev/v1alpha1` and `kind: Site`"),
        );
        return None;
    }
    if let Some(path) = &opts.overlay {
        let stem = || {
            path.file_stem()
                .map(|s| s.to_string_lossy().into_owned())
                .unwrap_or_default()
        };
        let env = opts.env.clone().unwrap_or_else(stem);
        apply_env_overlay(path, &env, &mut spec, &mut prov, sources, diags);
    }
    // Profiles lie under everything; a `null` in the spec or the overlay deletes a profile's value too.
    overlay::apply_profiles(&mut spec, &mut prov, sources, diags);
    overlay::strip_nulls(&mut spec);
    diags.extend(schema::validate(&spec, &prov, sources));
    if diags.has_errors() {
        return None;
    }
    schema::integral_floats_to_integers(&mut spec);
    let mut site: Site = match serde_json::from_value(spec) {
        Ok(s) => s,
        Err(e) => {
            diags.push(Diagnostic::error(
                Code::SchemaInternal,
                format!("internal error: validated spec does not deserialize: {e}"),
            ));
            return None;
        }
    };
    let target = opts.gateway_api.clone().unwrap_or_else(|| target_version(&site));
    let model = {
        let mut cx = resolve::Context {
            prov: &prov,
            sources,
            gateway_api_version: target,
            preloaded,
            manifests_under: match resolve::ManifestRoot::for_spec(&opts.spec, opts.manifests_under.as_deref()) {
                Ok(root) => Some(root),
                Err(d) => {
                    diags.push(d);
                    return None;
                }
            },
        };
        resolve::resolve(&mut site, &mut cx, diags)
    };
    if diags.has_errors() {
        return None;
    }
    // The typed spec is as large as the model; only its `gitops:` and `blueprints:` are needed from here on.
    let gitops = site.gitops.take();
    let dir = match &opts.blueprints {
        Some(d) => Ok(Some(d.clone())),
        None => spec_blueprints(&site, &prov, sources),
    };
    drop(site);
    analyze::analyze(&model, &analyze::Context { prov: &prov, sources }, diags);
    if let Some(g) = &gitops {
        diags.extend(crate::gitops::check(g, &model, &|p| prov.locate(p)));
    }
    if diags.has_errors() {
        return None;
    }
    let dir = dir.map_err(|d| diags.push(d)).ok()?;
    if opts.lean && opts.crds.is_none() {
        prov = Provenance::new();
    }
    let blueprints = match Blueprints::load(dir.as_deref(), sources) {
        Ok(b) => b,
        Err(d) => {
            diags.push(d);
            return None;
        }
    };
    let docs = render_documents(&model, &blueprints, sources, opts.crds.is_some())
        .map_err(|e| diags.extend(e))
        .ok()?;
    if let Some(crds) = &opts.crds {
        let bundles = crds.bundle_versions();
        if !bundles.is_empty() && !bundles.contains(&model.gateway_api_version) {
            diags.push(
                Diagnostic::warning(
                    Code::CrdRelease,
                    format!(
                        "the `--crds` are Gateway API {}, but the output targets {}",
                        bundles.join(", "),
                        model.gateway_api_version
                    ),
                )
                .help(format!(
                    "validate with the {} CRDs (the cluster's), or target the cluster's release with `--gateway-api` or `gatewayApi:`",
                    model.gateway_api_version
                )),
            );
        }
        crate::validate::rendered::check(&docs, &model, &prov, crds, diags);
        if diags.has_errors() {
            return None;
        }
    }
    let tree = if opts.objects_only {
        crate::emit::layout_objects(docs, &model.upstreams, &model.gateway_api_version)
    } else {
        let mut tree = layout(docs, &model.upstreams, &model.gateway_api_version);
        crate::gitops::groups::add_roots(&mut tree, &model, gitops.as_ref());
        tree
    };
    Some(Compiled {
        model,
        tree,
        provenance: prov,
        gitops,
        blueprints: dir,
    })
}

/// Render and normalize every object of the model (see [`render::render_model`]
/// and [`normalize::normalize`]), each object through both stages on one
/// thread: a rendered text lives only until its document is written. An
/// object whose built-in blueprint is built as a value ([`render::native_value`])
/// skips the template and the reading back.
fn render_documents(
    model: &Model,
    blueprints: &Blueprints,
    sources: &Sources,
    keep_values: bool,
) -> Result<Vec<Document>, Vec<Diagnostic>> {
    let results: Vec<_> = render::jobs(model)
        .into_par_iter()
        .map(|job| match render::native_value(job, blueprints) {
            Some(value) => normalize::document(value, job.blueprint(), job.origin(), blueprints, keep_values).map(Some),
            None => {
                let object = render::render_job(job, blueprints, sources)?;
                normalize::normalize_one(&object, blueprints, keep_values)
            }
        })
        .collect();
    render::collect_distinct(results).map(|docs| docs.into_iter().flatten().collect())
}

/// Apply an environment overlay as a merge patch; it becomes the top
/// provenance layer, so findings about values it sets point at it.
fn apply_env_overlay(
    path: &std::path::Path,
    env: &str,
    spec: &mut Value,
    prov: &mut Provenance,
    sources: &mut Sources,
    diags: &mut Diagnostics,
) {
    let Some((file, docs)) = load::read_yaml_file(path, sources, diags) else {
        return;
    };
    if let Some(second) = docs.get(1) {
        diags.push(
            Diagnostic::error(
                Code::OverlayDocuments,
                format!(
                    "an overlay is one merge patch, but this file has {} documents",
                    docs.len()
                ),
            )
            .at(Some(crate::load::to_loc(file, second.span)))
            .help("merge the documents into one (remove the `---` lines): which one should win would be a guess"),
        );
        return;
    }
    for node in docs {
        let mut patch = node.to_json();
        if let Value::Object(map) = &mut patch {
            for key in ["apiVersion", "kind"] {
                if map.get(key).is_some_and(|v| spec.get(key) == Some(v)) {
                    map.remove(key);
                }
            }
        } else {
            diags.push(
                Diagnostic::error(
                    Code::OverlayNotAMapping,
                    "an overlay must be a mapping (a merge patch of the spec)",
                )
                .at(Some(crate::load::to_loc(file, node.span)))
                .help("write the fields to change, e.g. `apps: { pets: { revision: asm-1-23 } }`; `null` deletes"),
            );
            continue;
        }
        let at = overlay::Overlay { node: &node, file, env };
        overlay::check_names(spec, &mut patch, &at, diags);
        overlay::compose_patch(spec, &patch);
        prov.push(Layer {
            file,
            node,
            mount: String::new(),
        });
    }
}

/// The spec's `blueprints` directory, relative to the file that sets it.
fn spec_blueprints(site: &Site, prov: &Provenance, sources: &Sources) -> Result<Option<PathBuf>, Diagnostic> {
    let Some(dir) = &site.blueprints else {
        return Ok(None);
    };
    let loc = prov.locate("/blueprints");
    let base = loc
        .as_ref()
        .and_then(|l| sources.get(l.file).path.as_deref())
        .and_then(std::path::Path::parent)
        .map(PathBuf::from)
        .unwrap_or_default();
    let path = base.join(dir);
    if path.is_dir() {
        return Ok(Some(path));
    }
    Err(Diagnostic::error(
        Code::UnreadableBlueprint,
        format!("blueprint directory `{}` not found", path.display()),
    )
    .at(loc)
    .path("/blueprints")
    .help("the path is relative to the file that sets it; `gatewright blueprints export DIR` creates one"))
}

/// Whether `v` reads as a Gateway API release version, `vMAJOR.MINOR.PATCH`.
pub fn is_version(v: &str) -> bool {
    let parts: Vec<&str> = v.strip_prefix('v').unwrap_or("").split('.').collect();
    parts.len() == 3
        && parts
            .iter()
            .all(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit()))
}

/// Order of two versions (`v1.10.0` after `v1.9.0`).
pub fn version_key(v: &str) -> Vec<u32> {
    v.trim_start_matches('v')
        .split('.')
        .map(|p| p.parse().unwrap_or(0))
        .collect()
}

/// The newest Gateway API version any gateway's profile, or the spec's
/// `gatewayApi`, targets.
fn target_version(site: &Site) -> String {
    site.gateways
        .values()
        .filter_map(|g| g.profile.as_deref())
        .filter_map(overlay::profile_target)
        .chain(site.gateway_api.clone())
        .max_by_key(|v| version_key(v))
        .unwrap_or_else(|| DEFAULT_GATEWAY_API.to_string())
}
