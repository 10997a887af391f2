//! Argo CD objects: an `Application` per namespace folder (or group root) of each
//! environment, or one `ApplicationSet` generating them; with the
//! config-management plugin, one per environment (the plugin renders the
//! whole environment in-process, without kustomize).

use std::collections::BTreeSet;

use super::objects::{ArgoApplication, ArgoApplicationSet, ArgoPlugin, ArgoSource, Element, EnvVar};
use super::{
    CRDS_NAME, DEFAULT_CLUSTER, ENV_VAR, EnvInput, Out, PLUGIN_NAME, Resolved, clean, ctx, groups, join_repo, names,
};
use crate::render::Blueprint;
use crate::spec::gitops::{ArgoCd, Generator};

/// Sync options for trees of CRD-backed objects: server-side apply (no
/// last-applied annotation size limit), no dry-run failure while the CRDs are
/// still being installed, pruning after everything else applied.
const SYNC_OPTIONS: &[&str] = &[
    "ServerSideApply=true",
    "SkipDryRunOnMissingResource=true",
    "PruneLast=true",
];

/// Deleting an Application with it deletes what it deployed: an app removed
/// from the spec takes its objects along, as pruning did when one
/// Application deployed the whole environment.
const CASCADE: &str = "resources-finalizer.argocd.argoproj.io";

fn application(
    a: &ArgoCd,
    r: &Resolved<'_>,
    name: String,
    path: String,
    plugin: Option<ArgoPlugin>,
) -> ArgoApplication {
    ArgoApplication {
        name,
        namespace: a.namespace.clone().unwrap_or_else(|| "argocd".into()),
        sync_wave: None,
        finalizers: Vec::new(),
        project: a.project.clone().unwrap_or_else(|| "default".into()),
        source: ArgoSource {
            repo_url: r.s.repository.url.clone(),
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
    }
}

fn plugin(value: &str) -> ArgoPlugin {
    ArgoPlugin {
        name: PLUGIN_NAME.into(),
        env: vec![EnvVar {
            name: ENV_VAR.into(),
            value: value.into(),
        }],
    }
}

/// Repository path of the spec the plugin renders.
fn spec_path(a: &ArgoCd) -> Option<String> {
    a.plugin
        .as_ref()
        .map(|p| match clean(p.spec.as_deref().unwrap_or(".")) {
            s if s.is_empty() => ".".to_string(),
            s => s,
        })
}

/// Generate an environment's Applications into `out`, in `<objects>/<env>/`;
/// with an `ApplicationSet`, return its generator elements instead.
pub(super) fn objects(e: &EnvInput<'_>, r: &Resolved<'_>, a: &ArgoCd, crds: bool, out: &mut Out<'_>) -> Vec<Element> {
    let folder = Some(e.env.unwrap_or(DEFAULT_CLUSTER));
    if crds {
        let parts: Vec<&str> = [Some(CRDS_NAME), e.env].into_iter().flatten().collect();
        let mut crd_app = application(
            a,
            r,
            names::object_name(&parts),
            r.crds_path(e.gateway_api_version),
            None,
        );
        crd_app.sync_wave = Some("-1".into());
        crd_app.prune = false;
        crd_app.sync_options = vec!["ServerSideApply=true".into()];
        out.put(folder, Blueprint::ArgoApplication, ctx(crd_app));
    }
    let env = e.env.unwrap_or(DEFAULT_CLUSTER).to_string();
    let elements: Vec<Element> = match spec_path(a) {
        Some(_) => vec![Element {
            env: env.clone(),
            name: r.name(e.env, None),
            namespace: None,
            path: r.env_path(e.env),
        }],
        None => groups::roots(e, r)
            .into_iter()
            .map(|root| Element {
                env: env.clone(),
                name: r.name(e.env, Some(&root.id)),
                namespace: root.namespace,
                path: root.path,
            })
            .collect(),
    };
    if a.application_set.is_some() {
        return elements;
    }
    for el in elements {
        let app = match spec_path(a) {
            Some(spec) => {
                let source = ArgoPlugin {
                    name: PLUGIN_NAME.into(),
                    env: e.env.map(plugin).into_iter().flat_map(|p| p.env).collect(),
                };
                application(a, r, el.name, spec, Some(source))
            }
            None => ArgoApplication {
                finalizers: vec![CASCADE.into()],
                ..application(a, r, el.name, el.path, None)
            },
        };
        out.put(folder, Blueprint::ArgoApplication, ctx(app));
    }
    Vec::new()
}

/// Generate the one `ApplicationSet` of every environment into `out`:
/// `elements` (from [`objects`]) are the list generator's; the git generator
/// finds the same folders, `<output>/<env>/*` (`<output>/*` per environment
/// with the plugin, or without environments), or with `gitops.groups` the
/// group roots, `<output>/<env>/_groups/*` (`<output>/_groups/*`).
pub(super) fn application_set(
    generator: Generator,
    r: &Resolved<'_>,
    a: &ArgoCd,
    with_envs: bool,
    elements: Vec<Element>,
    out: &mut Out<'_>,
) {
    let mut seen = BTreeSet::new();
    for el in &elements {
        if !seen.insert(el.name.as_str()) {
            out.errors.push(super::duplicate(&el.name));
        }
    }
    let spec = spec_path(a);
    let per_folder = spec.is_none() && with_envs;
    let grouped = spec.is_none() && r.s.groups.is_some();
    let directories = match (per_folder, grouped) {
        (true, true) => format!("*/{}/*", groups::GROUPS_DIR),
        (false, true) => format!("{}/*", groups::GROUPS_DIR),
        (true, false) => "*/*".to_string(),
        (false, false) => "*".to_string(),
    };
    let env_segment = r.output.split('/').filter(|s| !s.is_empty()).count();
    let (name, env, path, elements) = match generator {
        Generator::List => ("{{ .name }}".to_string(), "{{ .env }}", "{{ .path }}", Some(elements)),
        Generator::Git => {
            let full = if per_folder {
                format!(
                    "printf \"{}-%s-%s\" (index .path.segments {env_segment}) .path.basename",
                    r.name
                )
            } else {
                format!("printf \"{}-%s\" .path.basename", r.name)
            };
            (
                names::go_template(&full),
                "{{ .path.basename }}",
                "{{ .path.path }}",
                None,
            )
        }
    };
    // No finalizer in the template: the ApplicationSet controller adds the
    // resources finalizer itself (unless `preserveResourcesOnDeletion`).
    let template = application(
        a,
        r,
        name,
        spec.clone().unwrap_or_else(|| path.to_string()),
        spec.as_ref().map(|_| plugin(env)),
    );
    let set = ArgoApplicationSet {
        name: r.name.into(),
        namespace: a.namespace.clone().unwrap_or_else(|| "argocd".into()),
        elements,
        directories: join_repo(&r.output, &directories),
        template,
    };
    out.put(None, Blueprint::ArgoApplicationSet, ctx(set));
}
