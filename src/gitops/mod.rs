//! GitOps objects: the Flux `Kustomization`s (and optionally `GitRepository`)
//! or Argo CD `Application`s / `ApplicationSet` that point a GitOps engine at
//! each environment's rendered tree, and the kustomize root that installs the
//! Gateway API CRDs. Opt-in with the spec's `gitops:` section.
//!
//! They form their own tree, written to `<objects>/` of the repository
//! (`clusters/` by default): `<objects>/<env>/` holds one environment's
//! objects (`<objects>/default/` without environments) and
//! `<objects>/gateway-api/<version>/` the CRDs. That folder is never inside
//! an output tree (a Flux path), which [`check`] enforces.

mod checks;
pub mod cmp;
pub mod objects;

pub use checks::{check, objects_dir};

use std::collections::BTreeMap;
use std::path::Path;

use minijinja::Value as Ctx;
use serde_json::{Value, json};

use crate::diagnostic::Diagnostic;
use crate::emit::Tree;
use crate::normalize::file_text;
use crate::render::{Blueprint, Blueprints};
use crate::source::Sources;
use crate::spec::gitops::{Generator, GitOps};
use crate::yaml;
use objects::*;

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

/// Sync options for trees of CRD-backed objects: server-side apply (no
/// last-applied annotation size limit), no dry-run failure while the CRDs are
/// still being installed, pruning after everything else applied.
const SYNC_OPTIONS: &[&str] = &[
    "ServerSideApply=true",
    "SkipDryRunOnMissingResource=true",
    "PruneLast=true",
];

/// One environment's input to [`generate`].
#[derive(Debug, Clone, Copy)]
pub struct EnvInput<'a> {
    /// Environment name, `None` when the spec has none.
    pub env: Option<&'a str>,
    /// The environment's `gitops:` settings (after its overlay).
    pub settings: &'a GitOps,
    /// Gateway API version its output needs.
    pub gateway_api_version: &'a str,
}

/// The settings with their defaults filled in.
struct Resolved<'a> {
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
    fn env_path(&self, env: Option<&str>) -> String {
        match env {
            Some(env) if self.output.is_empty() => env.to_string(),
            Some(env) => format!("{}/{env}", self.output),
            None if self.output.is_empty() => ".".to_string(),
            None => self.output.clone(),
        }
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

/// Generate the GitOps tree for every environment of a spec (in plan order).
pub fn generate(envs: &[EnvInput<'_>], blueprints: &Blueprints, sources: &Sources) -> Result<Tree, Vec<Diagnostic>> {
    let Some(first) = envs.first() else {
        return Ok(Tree::default());
    };
    let base = Resolved::new(first.settings);
    let mut errors = Vec::new();
    let mut files = BTreeMap::new();
    let mut elements = Vec::new();
    for e in envs {
        let r = Resolved::new(e.settings);
        if (r.name, &r.output, &r.objects, &e.settings.repository)
            != (base.name, &base.output, &base.objects, &first.settings.repository)
        {
            errors.push(
                Diagnostic::error(
                    "GW606",
                    format!(
                        "environment `{}` changes `gitops` name, repository, output or objects",
                        e.env.unwrap_or_default()
                    ),
                )
                .help("these settings are shared by every environment: set them in the spec, not in an overlay"),
            );
            continue;
        }
        let folder = e.env.unwrap_or(DEFAULT_CLUSTER);
        if folder == CRDS_FOLDER {
            errors.push(
                Diagnostic::error("GW607", format!("environment `{folder}` collides with the CRDs folder"))
                    .help(format!("rename `overlays/{folder}.yaml`")),
            );
            continue;
        }
        let mut put = |bp: Blueprint, ctx: Ctx| match object(bp, ctx, blueprints, sources) {
            Ok((name, value)) => {
                let kind = value["kind"].as_str().unwrap_or_default().to_ascii_lowercase();
                files.insert(format!("{folder}/{kind}-{name}.yaml"), file_text(&value));
            }
            Err(d) => errors.push(d),
        };
        let env_suffix = e.env.map(|n| format!("-{n}")).unwrap_or_default();
        let crds = e.settings.gateway_api_crds == Some(true);
        if let Some(f) = &e.settings.flux {
            let namespace = f.namespace.clone().unwrap_or_else(|| "flux-system".into());
            let interval = f.interval.clone().unwrap_or_else(|| "10m".into());
            let generated_source = f.git_repository == Some(true);
            let source_ref = SourceRef {
                kind: "GitRepository".into(),
                name: if generated_source {
                    r.name.into()
                } else {
                    "flux-system".into()
                },
                namespace: namespace.clone(),
            };
            if generated_source {
                put(
                    Blueprint::FluxGitRepository,
                    ctx(FluxGitRepository {
                        name: r.name.into(),
                        namespace: namespace.clone(),
                        interval: interval.clone(),
                        url: e.settings.repository.url.clone(),
                        branch: r.branch.into(),
                    }),
                );
            }
            if crds {
                put(
                    Blueprint::FluxKustomization,
                    ctx(FluxKustomization {
                        name: CRDS_NAME.into(),
                        namespace: namespace.clone(),
                        interval: interval.clone(),
                        path: format!("./{}", r.crds_path(e.gateway_api_version)),
                        prune: false,
                        wait: true,
                        source_ref: source_ref.clone(),
                        depends_on: Vec::new(),
                    }),
                );
            }
            let depends_on = match &f.depends_on {
                Some(list) => list.clone(),
                None if crds => vec![CRDS_NAME.to_string()],
                None => Vec::new(),
            };
            put(
                Blueprint::FluxKustomization,
                ctx(FluxKustomization {
                    name: format!("{}{env_suffix}", r.name),
                    namespace,
                    interval,
                    path: format!("./{}", r.env_path(e.env)),
                    prune: f.prune.unwrap_or(true),
                    wait: false,
                    source_ref,
                    depends_on,
                }),
            );
        }
        if let Some(a) = &e.settings.argocd {
            let app = |name: String, path: String, plugin: Option<ArgoPlugin>| ArgoApplication {
                name,
                namespace: a.namespace.clone().unwrap_or_else(|| "argocd".into()),
                sync_wave: None,
                project: a.project.clone().unwrap_or_else(|| "default".into()),
                source: ArgoSource {
                    repo_url: e.settings.repository.url.clone(),
                    target_revision: r.branch.into(),
                    path,
                    plugin,
                },
                server: a
                    .server
                    .clone()
                    .unwrap_or_else(|| "https://kubernetes.default.svc".into()),
                prune: true,
                sync_options: SYNC_OPTIONS.iter().map(|s| s.to_string()).collect(),
            };
            if crds {
                let mut crd_app = app(
                    format!("{CRDS_NAME}{env_suffix}"),
                    r.crds_path(e.gateway_api_version),
                    None,
                );
                crd_app.sync_wave = Some("-1".into());
                crd_app.prune = false;
                crd_app.sync_options = vec!["ServerSideApply=true".into()];
                put(Blueprint::ArgoApplication, ctx(crd_app));
            }
            let plugin = |value: Option<String>| {
                a.plugin.as_ref().map(|_| ArgoPlugin {
                    name: PLUGIN_NAME.into(),
                    env: value
                        .map(|value| EnvVar {
                            name: ENV_VAR.into(),
                            value,
                        })
                        .into_iter()
                        .collect(),
                })
            };
            let source_path = |env_path: String| match &a.plugin {
                Some(p) => match clean(p.spec.as_deref().unwrap_or(".")) {
                    s if s.is_empty() => ".".to_string(),
                    s => s,
                },
                None => env_path,
            };
            match a.application_set {
                None => put(
                    Blueprint::ArgoApplication,
                    ctx(app(
                        format!("{}{env_suffix}", r.name),
                        source_path(r.env_path(e.env)),
                        plugin(e.env.map(str::to_string)),
                    )),
                ),
                Some(_) => elements.push(Element {
                    env: e.env.unwrap_or(DEFAULT_CLUSTER).to_string(),
                    path: r.env_path(e.env),
                }),
            }
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
            files.insert(
                format!("{CRDS_FOLDER}/{}/kustomization.yaml", e.gateway_api_version),
                file_text(&k),
            );
        }
    }
    if let Some(a) = first.settings.argocd.as_ref().filter(|_| errors.is_empty()) {
        if let Some(generator) = a.application_set {
            match application_set(generator, &base, first, elements, blueprints, sources) {
                Ok((name, value)) => {
                    files.insert(format!("applicationset-{name}.yaml"), file_text(&value));
                }
                Err(d) => errors.push(d),
            }
        }
    }
    if errors.is_empty() {
        Ok(Tree { files })
    } else {
        Err(errors)
    }
}

fn application_set(
    generator: Generator,
    r: &Resolved<'_>,
    first: &EnvInput<'_>,
    elements: Vec<Element>,
    blueprints: &Blueprints,
    sources: &Sources,
) -> Result<(String, Value), Diagnostic> {
    let a = first.settings.argocd.clone().unwrap_or_default();
    let (env, path, elements) = match generator {
        Generator::List => ("{{ .env }}", "{{ .path }}", Some(elements)),
        Generator::Git => ("{{ .path.basename }}", "{{ .path.path }}", None),
    };
    let plugin = a.plugin.as_ref().map(|_| ArgoPlugin {
        name: PLUGIN_NAME.into(),
        env: vec![EnvVar {
            name: ENV_VAR.into(),
            value: env.into(),
        }],
    });
    let source_path = match &a.plugin {
        Some(p) => match clean(p.spec.as_deref().unwrap_or(".")) {
            s if s.is_empty() => ".".to_string(),
            s => s,
        },
        None => path.to_string(),
    };
    let template = ArgoApplication {
        name: format!("{}-{env}", r.name),
        namespace: String::new(),
        sync_wave: None,
        project: a.project.clone().unwrap_or_else(|| "default".into()),
        source: ArgoSource {
            repo_url: r.s.repository.url.clone(),
            target_revision: r.branch.into(),
            path: source_path,
            plugin,
        },
        server: a
            .server
            .clone()
            .unwrap_or_else(|| "https://kubernetes.default.svc".into()),
        prune: true,
        sync_options: SYNC_OPTIONS.iter().map(|s| s.to_string()).collect(),
    };
    let set = ArgoApplicationSet {
        name: r.name.into(),
        namespace: a.namespace.clone().unwrap_or_else(|| "argocd".into()),
        elements,
        directories: join_repo(&r.output, "*"),
        template,
    };
    object(Blueprint::ArgoApplicationSet, ctx(set), blueprints, sources)
}

/// Render one object and parse it back (as the other blueprints are normalized).
fn object(bp: Blueprint, ctx: Ctx, blueprints: &Blueprints, sources: &Sources) -> Result<(String, Value), Diagnostic> {
    let text = blueprints.render(bp, ctx, sources)?;
    let source = blueprints.source_name(bp).to_string();
    let bad = |m: String| {
        Diagnostic::error("GW503", format!("blueprint `{source}` produced {m}"))
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

/// Generate the GitOps tree from compiled targets ([`crate::driver::compile_targets`]):
/// `None` when the spec has no `gitops:` section or a target did not compile.
pub fn generate_for(
    targets: &[(crate::driver::Target, crate::driver::Outcome)],
    blueprints: Option<&Path>,
) -> Option<Generated> {
    let mut envs = Vec::new();
    for (target, outcome) in targets {
        let compiled = outcome.output.as_ref()?;
        envs.push(EnvInput {
            env: target.env.as_deref(),
            settings: compiled.gitops.as_ref()?,
            gateway_api_version: &compiled.model.gateway_api_version,
        });
    }
    let settings = envs.first()?.settings.clone();
    let mut sources = Sources::new();
    let result = Blueprints::load(blueprints, &mut sources)
        .map_err(|d| vec![d])
        .and_then(|bp| generate(&envs, &bp, &sources));
    Some(Generated {
        sources,
        settings,
        result,
    })
}

fn ctx<T: serde::Serialize>(item: T) -> Ctx {
    Ctx::from(minijinja::value::Serde(item))
}
