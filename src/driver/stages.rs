//! The stages of one compile, each a short function: every stage records
//! its findings, and [`passed`] is the one checkpoint that stops the compile
//! after a stage that found an error.

use crate::diagnostic::Code;
use std::path::PathBuf;

use rayon::prelude::*;
use serde_json::Value;

use super::{Compiled, Options, Output};
use crate::diagnostic::{Diagnostic, Diagnostics};
use crate::emit::{Objects, Tree, layout};
use crate::load::{self, Layer, Provenance};
use crate::model::Model;
use crate::normalize::Document;
use crate::render::{self, Blueprints};
use crate::source::Sources;
use crate::spec::Site;
use crate::spec::gitops::GitOps;
use crate::version::{DEFAULT_GATEWAY_API, Version};
use crate::{analyze, normalize, overlay, resolve, schema};

/// What one compile reads and writes its findings into.
pub(super) struct Run<'a> {
    pub opts: &'a Options,
    pub sources: &'a mut Sources,
    pub diags: &'a mut Diagnostics,
}

/// The one checkpoint: a stage's result, unless the stage failed or any finding so far is an error.
fn passed<T>(stage: Option<T>, diags: &Diagnostics) -> Option<T> {
    stage.filter(|_| !diags.has_errors())
}

/// Chain the stages: load → overlay → resolve → analyze → render → emit.
pub(super) fn run(cx: &mut Run<'_>) -> Option<Compiled> {
    let (spec, prov, preloaded) = passed(load_spec(cx), cx.diags)?;
    let (site, prov) = passed(apply_overlays(cx, spec, prov), cx.diags)?;
    let (model, site) = passed(resolve_site(cx, site, &prov, preloaded), cx.diags)?;
    let analyzed = passed(analyze_model(cx, model, site, prov), cx.diags)?;
    let (docs, analyzed) = passed(render_model(cx, analyzed), cx.diags)?;
    Some(lay_out(cx.opts, docs, analyzed))
}

/// Read the spec files and merge them into one document.
fn load_spec(cx: &mut Run<'_>) -> Option<(Value, Provenance, load::Preloaded)> {
    let files = load::find_spec_files(&cx.opts.spec)
        .map_err(|d| cx.diags.push(d))
        .ok()?;
    let (prov, preloaded) = load::read_spec(&files, cx.sources, cx.diags);
    passed(Some(()), cx.diags)?;
    let spec = Value::Object(load::merge_fragments(&prov, cx.diags));
    cx.diags.extend(load::unread_warnings(&files, &spec));
    if spec.as_object().is_some_and(|m| m.is_empty()) {
        cx.diags.push(
            Diagnostic::error(
                Code::NoSpecDocuments,
                format!("no spec documents in `{}`", cx.opts.spec.display()),
            )
            .help("a spec starts with `apiVersion: gatewright.dev/v1alpha1` and `kind: Site`"),
        );
        return None;
    }
    Some((spec, prov, preloaded))
}

/// Apply the environment's overlay and the gateways' profiles, validate the
/// result against the schema, and read it as a [`Site`].
fn apply_overlays(cx: &mut Run<'_>, mut spec: Value, mut prov: Provenance) -> Option<(Site, Provenance)> {
    if let Some(path) = &cx.opts.overlay {
        let stem = || {
            path.file_stem()
                .map(|s| s.to_string_lossy().into_owned())
                .unwrap_or_default()
        };
        let env = cx.opts.env.clone().unwrap_or_else(stem);
        apply_env_overlay(path, &env, &mut spec, &mut prov, cx);
    }
    // Profiles lie under everything; a `null` in the spec or the overlay deletes a profile's value too.
    overlay::apply_profiles(&mut spec, &mut prov, cx.sources, cx.diags);
    overlay::strip_nulls(&mut spec);
    cx.diags.extend(schema::validate(&spec, &prov, cx.sources));
    passed(Some(()), cx.diags)?;
    schema::integral_floats_to_integers(&mut spec);
    match serde_json::from_value(spec) {
        Ok(site) => Some((site, prov)),
        Err(e) => {
            cx.diags.push(Diagnostic::error(
                Code::SchemaInternal,
                format!("internal error: validated spec does not deserialize: {e}"),
            ));
            None
        }
    }
}

/// Resolve the site into the model.
fn resolve_site(
    cx: &mut Run<'_>,
    mut site: Site,
    prov: &Provenance,
    preloaded: load::Preloaded,
) -> Option<(Model, Site)> {
    let manifests_under = resolve::ManifestRoot::for_spec(&cx.opts.spec, cx.opts.manifests_under.as_deref())
        .map_err(|d| cx.diags.push(d))
        .ok()?;
    let mut rcx = resolve::Context {
        prov,
        sources: cx.sources,
        gateway_api_version: cx.opts.gateway_api.clone().unwrap_or_else(|| target_version(&site)),
        preloaded,
        manifests_under: Some(manifests_under),
        allow: Default::default(),
        listener_set: None,
    };
    let model = resolve::resolve(&mut site, &mut rcx, cx.diags);
    Some((model, site))
}

/// A model that passed analysis, with what rendering needs.
struct Analyzed {
    model: Model,
    prov: Provenance,
    gitops: Option<GitOps>,
    blueprints: Option<PathBuf>,
}

/// Analyze the model and its `gitops:` settings, then find the blueprints.
fn analyze_model(cx: &mut Run<'_>, model: Model, mut site: Site, mut prov: Provenance) -> Option<Analyzed> {
    // The typed spec is as large as the model; only its `gitops:` and `blueprints:` are needed from here on.
    let gitops = site.gitops.take();
    let dir = match &cx.opts.blueprints {
        Some(d) => Ok(Some(d.clone())),
        None => spec_blueprints(&site, &prov, cx.sources),
    };
    drop(site);
    analyze::analyze(
        &model,
        &analyze::Context {
            prov: &prov,
            sources: cx.sources,
        },
        cx.diags,
    );
    if let Some(g) = &gitops {
        cx.diags.extend(crate::gitops::check(g, &model, &|p| prov.locate(p)));
    }
    passed(Some(()), cx.diags)?;
    let blueprints = dir.map_err(|d| cx.diags.push(d)).ok()?;
    if cx.opts.lean && cx.opts.crds.is_none() {
        prov = Provenance::new();
    }
    Some(Analyzed {
        model,
        prov,
        gitops,
        blueprints,
    })
}

/// Render every object, and validate them with the `--crds`.
fn render_model(cx: &mut Run<'_>, analyzed: Analyzed) -> Option<(Vec<Document>, Analyzed)> {
    let blueprints = Blueprints::load(analyzed.blueprints.as_deref(), cx.sources)
        .map_err(|d| cx.diags.push(d))
        .ok()?;
    let docs = render_documents(&analyzed.model, &blueprints, cx.sources, cx.opts.crds.is_some())
        .map_err(|e| cx.diags.extend(e))
        .ok()?;
    if let Some(crds) = &cx.opts.crds {
        let bundles = crds.bundle_versions();
        let version = &analyzed.model.gateway_api_version;
        if !bundles.is_empty() && !bundles.contains(version) {
            cx.diags.push(
                Diagnostic::warning(
                    Code::CrdRelease,
                    format!(
                        "the `--crds` are Gateway API {}, but the output targets {version}",
                        bundles.join(", "),
                    ),
                )
                .help(format!(
                    "validate with the {version} CRDs (the cluster's), or target the cluster's release with `--gateway-api` or `gatewayApi:`",
                )),
            );
        }
        crate::validate::rendered::check(&docs, &analyzed.model, &analyzed.prov, crds, cx.diags);
    }
    Some((docs, analyzed))
}

/// Lay the rendered documents out as the output tree.
fn lay_out(opts: &Options, docs: Vec<Document>, analyzed: Analyzed) -> Compiled {
    let Analyzed {
        model,
        prov,
        gitops,
        blueprints,
    } = analyzed;
    let output = if opts.objects_only {
        Output::Objects(Objects::new(docs, &model.gateway_api_version))
    } else {
        let mut tree: Tree = layout(docs, &model.upstreams, &model.gateway_api_version);
        crate::gitops::groups::add_roots(&mut tree, &model, gitops.as_ref());
        Output::Tree(tree)
    };
    Compiled {
        model,
        output,
        provenance: prov,
        gitops,
        blueprints,
    }
}

/// Render and normalize every object of the model (see [`render::render_model`]
/// and [`normalize::normalize`]), each object through both stages on one
/// thread: a rendered text lives only until its document is written. An
/// object whose built-in blueprint is built as a value ([`render::native_value`])
/// skips the template and the reading back.
pub(super) fn render_documents(
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
fn apply_env_overlay(path: &std::path::Path, env: &str, spec: &mut Value, prov: &mut Provenance, cx: &mut Run<'_>) {
    let diags = &mut *cx.diags;
    let Some((file, docs)) = load::read_yaml_file(path, cx.sources, diags) else {
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
            kind: crate::load::LayerKind::Overlay,
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

/// The newest Gateway API version any gateway's profile, or the spec's
/// `gatewayApi`, targets.
pub(super) fn target_version(site: &Site) -> String {
    site.gateways
        .values()
        .filter_map(|g| g.profile.as_deref())
        .filter_map(overlay::profile_target)
        .chain(site.gateway_api.clone())
        .max_by_key(|v| Version::parse(v))
        .unwrap_or_else(|| DEFAULT_GATEWAY_API.to_string())
}
