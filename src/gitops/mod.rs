//! GitOps objects: what points a GitOps engine at each environment's
//! rendered tree, and the kustomize root that installs the Gateway API CRDs.
//! Opt-in with the spec's `gitops:` section.
//!
//! The engine builds one kustomize root per namespace folder of an
//! environment (`<output>/<env>/<namespace>`), never the aggregate
//! `<output>/<env>`: `kustomize build` grows with the square of the
//! resources of one build, so a thousand small builds are far cheaper than
//! one big one. Flux gets a `Kustomization` per namespace folder (app
//! folders depend on the gateway folders their routes attach to), Argo CD an
//! `Application` per namespace folder or an `ApplicationSet` generating
//! them. The Argo CD plugin renders in-process, without kustomize, and
//! keeps one `Application` per environment. With `gitops.groups`, the
//! engine objects point at hashed group roots of namespace folders instead
//! ([`groups`]), one per group of each environment.
//!
//! They form their own tree, written to `<objects>/` of the repository
//! (`clusters/` by default): `<objects>/<env>/` holds one environment's
//! objects (`<objects>/default/` without environments) and
//! `<objects>/gateway-api/<version>/` the CRDs. That folder is never inside
//! an output tree (a Flux path), which [`check`] enforces.

mod argocd;
mod checks;
pub mod cmp;
mod flux;
pub mod groups;
use crate::names;
pub mod objects;

pub use checks::{check, objects_dir};

use std::collections::{BTreeMap, BTreeSet};

use minijinja::Value as Ctx;
use serde_json::{Value, json};

use crate::diagnostic::{Code, Diagnostic};
use crate::emit::Tree;
use crate::model::Model;
use crate::normalize::file_text;
use crate::render::{Blueprint, Blueprints};
use crate::source::Sources;
use crate::spec::gitops::GitOps;
use crate::yaml;

/// `metadata.name` of the config-management plugin (`plugin.yaml`).
pub const PLUGIN_NAME: &str = "gatewright";
/// The plugin variable naming the environment; Argo CD exports it as `ARGOCD_ENV_GATEWRIGHT_ENV`.
pub const ENV_VAR: &str = "GATEWRIGHT_ENV";
/// Name of the Flux Kustomization (and prefix of the Argo CD Applications) installing the Gateway API CRDs.
pub const CRDS_NAME: &str = "gateway-api-crds";
/// Folder (under `objects`) of the Gateway API CRDs kustomize roots.
pub const CRDS_FOLDER: &str = "gateway-api";
/// The objects folder of a spec without environments.
pub const DEFAULT_CLUSTER: &str = "default";

/// One environment's input to [`generate`].
#[derive(Debug, Clone, Copy)]
pub struct EnvInput<'a> {
    /// Environment name, `None` when the spec has none.
    pub env: Option<&'a str>,
    /// The environment's `gitops:` settings (after its overlay).
    pub settings: &'a GitOps,
    /// Gateway API version its output needs.
    pub gateway_api_version: &'a str,
    /// The namespace folders of its output tree ([`folders`]).
    pub folders: &'a [Folder],
}

/// One namespace folder of an environment's output tree: a kustomize root
/// of its own, which the engine builds alone.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Folder {
    /// Folder name: the namespace.
    pub name: String,
    /// Whether it holds a `Gateway`.
    pub gateway: bool,
    /// The other folders holding a `Gateway` its routes attach to.
    pub attaches_to: Vec<String>,
}

/// The namespace folders of a compiled tree, sorted: the top-level folders
/// of `tree`, with the gateways of `model` and what its routes attach to.
pub fn folders(tree: &Tree, model: &Model) -> Vec<Folder> {
    let names: BTreeSet<&str> = tree
        .files
        .keys()
        .filter_map(|p| p.split_once('/'))
        .map(|(f, _)| f)
        .filter(|f| *f != groups::GROUPS_DIR)
        .collect();
    let gateways: BTreeSet<&str> = model.gateways.iter().map(|g| g.namespace.as_str()).collect();
    let parents = model
        .routes
        .iter()
        .map(|r| (&r.namespace, &r.parent_refs))
        .chain(model.grpc_routes.iter().map(|r| (&r.namespace, &r.parent_refs)))
        .chain(model.l4_routes.iter().map(|r| (&r.namespace, &r.parent_refs)));
    let mut attaches: BTreeMap<&str, BTreeSet<&str>> = BTreeMap::new();
    for (ns, refs) in parents {
        for p in refs.iter().filter(|p| p.kind.as_deref().is_none_or(|k| k == "Gateway")) {
            let target = p.namespace.as_deref().unwrap_or(ns);
            // never a dependency on a Kustomization that is not generated
            if target != ns && gateways.contains(target) && names.contains(target) {
                attaches.entry(ns).or_default().insert(target);
            }
        }
    }
    names
        .into_iter()
        .map(|name| {
            let gateway = gateways.contains(name);
            Folder {
                name: name.to_string(),
                gateway,
                attaches_to: match attaches.get(name) {
                    Some(set) if !gateway => set.iter().map(|s| s.to_string()).collect(),
                    _ => Vec::new(),
                },
            }
        })
        .collect()
}

/// The settings with their defaults filled in.
pub(crate) struct Resolved<'a> {
    s: &'a GitOps,
    name: &'a str,
    branch: &'a str,
    output: String,
    objects: String,
}

impl<'a> Resolved<'a> {
    fn new(s: &'a GitOps) -> Self {
        Self {
            s,
            name: s.name.as_deref().unwrap_or("gatewright"),
            branch: s.repository.branch.as_deref().unwrap_or("main"),
            output: clean(&s.output),
            objects: clean(s.objects.as_deref().unwrap_or("clusters")),
        }
    }

    /// Repository path of an environment's output tree.
    pub(crate) fn env_path(&self, env: Option<&str>) -> String {
        match env {
            Some(env) if self.output.is_empty() => env.to_string(),
            Some(env) => format!("{}/{env}", self.output),
            None if self.output.is_empty() => ".".to_string(),
            None => self.output.clone(),
        }
    }

    /// Repository path of one namespace folder of an environment's output tree.
    fn folder_path(&self, env: Option<&str>, folder: &str) -> String {
        match self.env_path(env) {
            p if p == "." => folder.to_string(),
            p => format!("{p}/{folder}"),
        }
    }

    /// Name of an object of one environment (and namespace folder): `<name>-<env>-<folder>`.
    fn name(&self, env: Option<&str>, folder: Option<&str>) -> String {
        let parts: Vec<&str> = [Some(self.name), env, folder].into_iter().flatten().collect();
        names::object_name(&parts)
    }

    fn crds_path(&self, version: &str) -> String {
        join_repo(&self.objects, &format!("{CRDS_FOLDER}/{version}"))
    }
}

fn join_repo(a: &str, b: &str) -> String {
    if a.is_empty() {
        b.to_string()
    } else {
        format!("{a}/{b}")
    }
}

/// A repository path without `./` and trailing `/`.
fn clean(p: &str) -> String {
    p.split('/')
        .filter(|s| !s.is_empty() && *s != ".")
        .collect::<Vec<_>>()
        .join("/")
}

/// The files generated so far, and what went wrong.
struct Out<'b> {
    blueprints: &'b Blueprints,
    sources: &'b Sources,
    files: BTreeMap<String, String>,
    errors: Vec<Diagnostic>,
}

impl Out<'_> {
    /// Render one object into `<folder>/<kind>-<name>.yaml` (the objects folder itself without `folder`).
    fn put(&mut self, folder: Option<&str>, bp: Blueprint, ctx: Ctx) {
        match object(bp, ctx, self.blueprints, self.sources) {
            Ok((name, value)) => {
                let kind = value["kind"].as_str().unwrap_or_default().to_ascii_lowercase();
                let file = format!("{kind}-{name}.yaml");
                let path = folder.map_or(file.clone(), |f| format!("{f}/{file}"));
                self.insert(path, file_text(&value), &name);
            }
            Err(d) => self.errors.push(d),
        }
    }

    fn insert(&mut self, path: String, text: String, name: &str) {
        if self.files.get(&path).is_some_and(|old| *old != text) {
            self.errors.push(duplicate(name));
        } else {
            self.files.insert(path, text);
        }
    }
}

/// Two generated objects with one name: one would replace the other.
fn duplicate(name: &str) -> Diagnostic {
    Diagnostic::error(Code::GitopsNameClash, format!("two GitOps objects would be named `{name}`"))
        .help("object names join `gitops.name`, the environment and the namespace with `-`: rename one of them, or change `gitops.name`")
}

/// Generate the GitOps tree for every environment of a spec (in plan order).
pub fn generate(envs: &[EnvInput<'_>], blueprints: &Blueprints, sources: &Sources) -> Result<Tree, Vec<Diagnostic>> {
    let Some(first) = envs.first() else {
        return Ok(Tree::default());
    };
    let base = Resolved::new(first.settings);
    let mut out = Out {
        blueprints,
        sources,
        files: BTreeMap::new(),
        errors: Vec::new(),
    };
    let mut elements = Vec::new();
    for e in envs {
        let r = Resolved::new(e.settings);
        let changed: Vec<&str> = [
            ("name", r.name != base.name),
            ("repository", e.settings.repository != first.settings.repository),
            ("output", r.output != base.output),
            ("objects", r.objects != base.objects),
            ("groups", e.settings.groups != first.settings.groups),
        ]
        .into_iter()
        .filter_map(|(field, differs)| differs.then_some(field))
        .collect();
        if !changed.is_empty() {
            let d = Diagnostic::error(
                Code::OverlayChangesGitops,
                format!(
                    "the overlay changes `gitops.{}`, which every environment shares",
                    changed.join("`, `gitops.")
                ),
            )
            .help("set these settings in the spec, not in an overlay: every environment's output and GitOps objects use them");
            out.errors.push(match e.env {
                Some(env) => d.in_env(env),
                None => d,
            });
            continue;
        }
        let folder = e.env.unwrap_or(DEFAULT_CLUSTER);
        if folder == CRDS_FOLDER {
            out.errors.push(
                Diagnostic::error(
                    Code::EnvironmentNamedLikeCrds,
                    format!("environment `{folder}` collides with the CRDs folder"),
                )
                .help(format!("rename `overlays/{folder}.yaml`")),
            );
            continue;
        }
        let crds = e.settings.gateway_api_crds == Some(true);
        if let Some(f) = &e.settings.flux {
            flux::objects(e, &r, f, crds, &mut out);
        }
        if let Some(a) = &e.settings.argocd {
            elements.extend(argocd::objects(e, &r, a, crds, &mut out));
        }
        if crds {
            let k = json!({
                "apiVersion": "kustomize.config.k8s.io/v1beta1",
                "kind": "Kustomization",
                "resources": [format!(
                    "https://github.com/kubernetes-sigs/gateway-api/releases/download/{}/standard-install.yaml",
                    e.gateway_api_version
                )],
            });
            let path = format!("{CRDS_FOLDER}/{}/kustomization.yaml", e.gateway_api_version);
            out.insert(path, file_text(&k), CRDS_NAME);
        }
    }
    if let Some(a) = first.settings.argocd.as_ref().filter(|_| out.errors.is_empty()) {
        if let Some(generator) = a.application_set {
            let with_envs = first.env.is_some();
            argocd::application_set(generator, &base, a, with_envs, elements, &mut out);
        }
    }
    if out.errors.is_empty() {
        Ok(Tree { files: out.files })
    } else {
        Err(out.errors)
    }
}

/// Render one object and parse it back (as the other blueprints are normalized).
fn object(bp: Blueprint, ctx: Ctx, blueprints: &Blueprints, sources: &Sources) -> Result<(String, Value), Diagnostic> {
    let name = ctx.get_attr("name").ok().map(|n| n.to_string()).unwrap_or_default();
    let what = format!("{} {name}", bp.context_name());
    let text = blueprints.render(bp, ctx, &what, sources)?;
    let source = blueprints.source_name(bp).to_string();
    let bad = |m: String| {
        Diagnostic::error(Code::BlueprintOutput, format!("blueprint `{source}` produced {m}"))
            .help("every blueprint must produce one Kubernetes object")
    };
    let mut docs = yaml::read_documents(&text, &yaml::Limits::default())
        .map_err(|e| bad(format!("invalid YAML at output line {}: {}", e.line, e.message)))?;
    if docs.len() != 1 {
        return Err(bad(format!("{} documents", docs.len())));
    }
    let value = docs.pop().map(|d| d.to_json()).unwrap_or_default();
    let name = value
        .pointer("/metadata/name")
        .and_then(Value::as_str)
        .unwrap_or_default();
    if value.get("kind").and_then(Value::as_str).is_none() || !crate::analyze::syntax::is_dns_subdomain(name) {
        return Err(bad("an object without `kind` or a valid `metadata.name`".into()));
    }
    Ok((name.to_string(), value))
}

/// The GitOps tree of a compiled spec, with the files its diagnostics point at.
#[derive(Debug)]
pub struct Generated {
    /// Blueprint files read.
    pub sources: Sources,
    /// The shared settings (of the first environment).
    pub settings: GitOps,
    /// The tree (relative to the objects folder), or what went wrong.
    pub result: Result<Tree, Vec<Diagnostic>>,
}

/// Generate the GitOps tree of every environment (in plan order) with the
/// blueprints of `blueprints` (the built-in ones without): `None` without
/// environments.
pub fn generate_with(envs: &[EnvInput<'_>], blueprints: Option<&std::path::Path>) -> Option<Generated> {
    let settings = envs.first()?.settings.clone();
    let mut sources = Sources::new();
    let result = Blueprints::load(blueprints, &mut sources)
        .map_err(|d| vec![d])
        .and_then(|bp| generate(envs, &bp, &sources));
    Some(Generated {
        sources,
        settings,
        result,
    })
}

fn ctx<T: serde::Serialize>(item: T) -> Ctx {
    Ctx::from(minijinja::value::Serde(item))
}
