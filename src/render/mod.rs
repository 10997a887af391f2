//! Stage 5, **render**: run the minijinja blueprints over the resolved model,
//! one template per output kind. Every interpolated value is JSON-escaped
//! (a JSON scalar is valid YAML), so no value can inject keys or documents.

use std::path::{Path, PathBuf};
use std::sync::atomic::AtomicUsize;

use minijinja::{AutoEscape, Environment, UndefinedBehavior, Value};
use rayon::prelude::*;

use crate::diagnostic::{Code, Diagnostic};
use crate::model::{self, Model};
use crate::source::Sources;

mod blueprint;
mod errors;
mod limits;
mod native;

pub use blueprint::Blueprint;

use errors::{at_line, template_error};

/// One object a blueprint produced, not yet normalized.
#[derive(Debug, Clone)]
pub struct RenderedObject {
    /// Which blueprint made it.
    pub blueprint: Blueprint,
    /// The blueprint's output text.
    pub text: String,
    /// Spec path of the model item it came from.
    pub origin: String,
}

/// The compiled blueprints: built-ins, optionally overridden one file at a
/// time from a directory.
pub struct Blueprints {
    env: Environment<'static>,
    /// Display name of each template's source (`<builtin>/blueprints/...` or the override path).
    names: Vec<(Blueprint, String)>,
    /// The blueprints a directory overrides.
    overridden: Vec<Blueprint>,
    /// Bytes rendered so far, against [`limits::MAX_TOTAL_BYTES`].
    rendered: AtomicUsize,
}

impl Blueprints {
    /// Load the built-in blueprints, each overridden by `DIR/<file name>` when
    /// `dir` is given and holds that file.
    pub fn load(dir: Option<&Path>, sources: &mut Sources) -> Result<Self, Diagnostic> {
        let mut env = Environment::new();
        env.set_auto_escape_callback(|_| AutoEscape::Json);
        env.set_undefined_behavior(UndefinedBehavior::Strict);
        if let Ok(syntax) = minijinja::syntax::SyntaxConfig::builder()
            .trim_blocks(true)
            .lstrip_blocks(true)
            .build()
        {
            env.set_syntax(syntax);
        }
        env.set_recursion_limit(64);
        env.set_fuel(Some(limits::FUEL));
        env.set_formatter(limits::formatter);
        if let Some(dir) = dir {
            check_dir(dir)?;
        }
        let mut names = Vec::new();
        let mut overridden = Vec::new();
        for bp in Blueprint::ALL {
            let (name, text, path) = match dir
                .map(|d| d.join(bp.file_name()))
                .filter(|p| p.symlink_metadata().is_ok())
            {
                Some(p) => {
                    let text = crate::load::read_text_limited(&p, crate::load::limits().max_bytes).map_err(|e| {
                        Diagnostic::error(Code::UnreadableBlueprint, format!("cannot read blueprint `{}`: {e}", p.display()))
                            .help("a blueprint is a regular UTF-8 file of at most 16 MiB; remove or replace this entry to use the built-in one")
                    })?;
                    (crate::source::display_path(&p), text, Some(p))
                }
                None => (
                    format!("<builtin>/blueprints/{}", bp.file_name()),
                    bp.builtin().to_string(),
                    None::<PathBuf>,
                ),
            };
            let file = match &path {
                Some(p) => {
                    overridden.push(bp);
                    sources.add_path(p, text.clone())
                }
                None => sources.add_named(name.clone(), text.clone()),
            };
            env.add_template_owned(bp.file_name(), text)
                .map_err(|e| template_error(&e, sources, file))?;
            names.push((bp, name));
        }
        Ok(Self {
            env,
            names,
            overridden,
            rendered: AtomicUsize::new(0),
        })
    }

    /// Render one object with its blueprint; `what` names the object in
    /// errors (its spec path). The work, the output of the object and the
    /// output of all objects rendered with these blueprints are bounded
    /// (see [`limits`]).
    pub fn render(&self, bp: Blueprint, object: Value, what: &str, sources: &Sources) -> Result<String, Diagnostic> {
        let file = || self.file_of(bp, sources);
        let template = self
            .env
            .get_template(bp.file_name())
            .map_err(|e| template_error(&e, sources, file()))?;
        let ctx: Value = std::collections::BTreeMap::from([(bp.context_name(), object)]).into();
        let mut out = limits::Capped::new(&self.rendered);
        let result = template.render_captured_to(ctx, &mut out).map(drop);
        let source = self.source_name(bp);
        let located = |e: &minijinja::Error, d: Diagnostic| at_line(d, e, sources, file());
        if out.total_exceeded {
            return Err(self.render_too_large(sources));
        }
        match result {
            Err(e) if out.overflowed() => Err(located(&e, limits::object_too_large(source, what))),
            Err(e) => match limits::bound(&e) {
                Some(bound) => Err(located(&e, limits::out_of_bounds(source, what, &bound))),
                None => Err(template_error(&e, sources, file())),
            },
            Ok(()) if out.overflowed() => {
                Err(limits::object_too_large(source, what).at(file().map(|f| sources.loc_at(f, 1, 1))))
            }
            Ok(()) => String::from_utf8(out.text).map_err(|_| {
                Diagnostic::error(
                    Code::BlueprintOutput,
                    format!("blueprint `{source}` produced text that is not UTF-8"),
                )
            }),
        }
    }

    /// GW507, the same whichever object passed the budget (renders run in
    /// parallel): it names the overridden blueprints (the built-in ones stay
    /// far below it) and points at the first.
    fn render_too_large(&self, sources: &Sources) -> Diagnostic {
        let names: Vec<&str> = self.overridden.iter().map(|bp| self.source_name(*bp)).collect();
        let first = self.overridden.first().and_then(|bp| self.file_of(*bp, sources));
        limits::render_too_large(&names).at(first.map(|f| sources.loc_at(f, 1, 1)))
    }

    fn file_of(&self, bp: Blueprint, sources: &Sources) -> Option<crate::source::FileId> {
        let name = &self.names.iter().find(|(b, _)| *b == bp)?.1;
        sources
            .iter()
            .filter(|(_, f)| {
                &f.name == name || f.path.as_deref().map(crate::source::display_path).as_ref() == Some(name)
            })
            .last()
            .map(|(id, _)| id)
    }
}

impl Blueprints {
    /// The display name of a blueprint's source.
    pub fn source_name(&self, bp: Blueprint) -> &str {
        self.names
            .iter()
            .find(|(b, _)| *b == bp)
            .map(|(_, n)| n.as_str())
            .unwrap_or("")
    }
}

/// A blueprint directory must exist, and every `*.j2` in it must be a known
/// blueprint (a misspelt file name would otherwise be ignored silently).
fn check_dir(dir: &Path) -> Result<(), Diagnostic> {
    let entries = std::fs::read_dir(dir).map_err(|e| {
        Diagnostic::error(
            Code::UnreadableBlueprint,
            format!("cannot read blueprint directory `{}`: {e}", dir.display()),
        )
        .help("pass a directory of templates; `gatewright blueprints export DIR` writes the built-in ones")
    })?;
    let mut names: Vec<String> = entries
        .filter_map(Result::ok)
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".j2"))
        .collect();
    names.sort();
    let known = Blueprint::ALL.map(Blueprint::file_name);
    if let Some(unknown) = names.iter().find(|n| !known.contains(&n.as_str())) {
        let help = match crate::diagnostic::did_you_mean(unknown, known) {
            Some(s) => format!("did you mean `{s}`?"),
            None => format!("blueprints: {}", known.join(", ")),
        };
        return Err(Diagnostic::error(
            Code::NotABlueprint,
            format!(
                "`{}` is not a blueprint gatewright renders",
                dir.join(unknown).display()
            ),
        )
        .help(help));
    }
    Ok(())
}

/// One object to render: a model item and the blueprint that renders it.
/// Its template context is built only when it renders, on the thread that
/// renders it.
#[derive(Debug, Clone, Copy)]
pub struct Job<'m> {
    item: Item<'m>,
}

#[derive(Debug, Clone, Copy)]
enum Item<'m> {
    Gateway(&'m model::Gateway),
    Namespace(&'m model::Namespace),
    HttpRoute(&'m model::HttpRoute),
    GrpcRoute(&'m model::GrpcRoute),
    ListenerSet(&'m model::ListenerSet),
    L4Route(&'m model::L4Route),
    ReferenceGrant(&'m model::ReferenceGrant),
    BackendTlsPolicy(&'m model::BackendTlsPolicy),
    ServicePatch(&'m model::ServicePatch),
}

impl Job<'_> {
    /// The blueprint that renders it.
    pub fn blueprint(&self) -> Blueprint {
        match self.item {
            Item::Gateway(_) => Blueprint::Gateway,
            Item::Namespace(_) => Blueprint::Namespace,
            Item::HttpRoute(_) => Blueprint::HttpRoute,
            Item::GrpcRoute(_) => Blueprint::GrpcRoute,
            Item::ListenerSet(_) => Blueprint::ListenerSet,
            Item::L4Route(i) => match i.kind {
                model::L4Kind::Tls => Blueprint::TlsRoute,
                model::L4Kind::Tcp => Blueprint::TcpRoute,
                model::L4Kind::Udp => Blueprint::UdpRoute,
            },
            Item::ReferenceGrant(_) => Blueprint::ReferenceGrant,
            Item::BackendTlsPolicy(_) => Blueprint::BackendTlsPolicy,
            Item::ServicePatch(_) => Blueprint::ServicePatch,
        }
    }

    /// Spec path of the model item.
    pub fn origin(&self) -> &str {
        match self.item {
            Item::Gateway(i) => &i.origin,
            Item::Namespace(i) => &i.origin,
            Item::HttpRoute(i) => &i.origin,
            Item::GrpcRoute(i) => &i.origin,
            Item::ListenerSet(i) => &i.origin,
            Item::L4Route(i) => &i.origin,
            Item::ReferenceGrant(i) => &i.origin,
            Item::BackendTlsPolicy(i) => &i.origin,
            Item::ServicePatch(i) => &i.origin,
        }
    }

    fn context(&self) -> Value {
        match self.item {
            Item::Gateway(i) => to_value(i),
            Item::Namespace(i) => to_value(i),
            Item::HttpRoute(i) => to_value(i),
            Item::GrpcRoute(i) => to_value(i),
            Item::ListenerSet(i) => to_value(i),
            Item::L4Route(i) => to_value(i),
            Item::ReferenceGrant(i) => to_value(i),
            Item::BackendTlsPolicy(i) => to_value(i),
            Item::ServicePatch(i) => to_value(i),
        }
    }
}

/// Every object of the model to render, in a stable order: gateways,
/// namespaces, ListenerSets, HTTPRoutes, GRPCRoutes, TLS/TCP/UDP routes,
/// BackendTLSPolicies, ReferenceGrants, Service patches.
pub fn jobs(model: &Model) -> Vec<Job<'_>> {
    let items = (model.gateways.iter().map(Item::Gateway))
        .chain(model.namespaces.iter().map(Item::Namespace))
        .chain(model.listener_sets.iter().map(Item::ListenerSet))
        .chain(model.routes.iter().map(Item::HttpRoute))
        .chain(model.grpc_routes.iter().map(Item::GrpcRoute))
        .chain(model.l4_routes.iter().map(Item::L4Route))
        .chain(model.backend_tls_policies.iter().map(Item::BackendTlsPolicy))
        .chain(model.reference_grants.iter().map(Item::ReferenceGrant))
        .chain(model.service_patches.iter().map(Item::ServicePatch));
    items.map(|item| Job { item }).collect()
}

/// Render one object.
pub fn render_job(job: Job<'_>, blueprints: &Blueprints, sources: &Sources) -> Result<RenderedObject, Diagnostic> {
    let blueprint = job.blueprint();
    Ok(RenderedObject {
        blueprint,
        text: blueprints.render(
            blueprint,
            job.context(),
            &crate::diagnostic::dotted(job.origin()),
            sources,
        )?,
        origin: job.origin().to_string(),
    })
}

/// The object of a job whose blueprint is built in, built as a value (see
/// [`native`]); `None` when the blueprint is overridden, or when its
/// template must run.
pub fn native_value(job: Job<'_>, blueprints: &Blueprints) -> Option<serde_json::Value> {
    if blueprints.overridden.contains(&job.blueprint()) {
        return None;
    }
    match job.item {
        Item::Namespace(i) => native::namespace(i),
        Item::HttpRoute(i) => native::http_route(i),
        Item::ReferenceGrant(i) => native::reference_grant(i),
        Item::ServicePatch(i) => native::service_patch(i),
        Item::Gateway(_) | Item::GrpcRoute(_) | Item::ListenerSet(_) | Item::L4Route(_) | Item::BackendTlsPolicy(_) => {
            None
        }
    }
}

/// Render every object of the model, in a stable order ([`jobs`]); a
/// blueprint error is reported once, however many objects it breaks.
pub fn render_model(
    model: &Model,
    blueprints: &Blueprints,
    sources: &Sources,
) -> Result<Vec<RenderedObject>, Vec<Diagnostic>> {
    // Each object renders on its own; `collect` keeps the model's order.
    let results: Vec<_> = jobs(model)
        .into_par_iter()
        .map(|job| render_job(job, blueprints, sources))
        .collect();
    collect_distinct(results)
}

/// The values when none is an error; otherwise every distinct error.
pub fn collect_distinct<T>(results: Vec<Result<T, Diagnostic>>) -> Result<Vec<T>, Vec<Diagnostic>> {
    let mut out = Vec::with_capacity(results.len());
    let mut errors: Vec<Diagnostic> = Vec::new();
    for result in results {
        match result {
            Ok(v) => out.push(v),
            Err(d) if !errors.contains(&d) => errors.push(d),
            Err(_) => {}
        }
    }
    if errors.is_empty() { Ok(out) } else { Err(errors) }
}

fn to_value<T: serde::Serialize>(item: &T) -> Value {
    Value::from(minijinja::value::Serde(item))
}
