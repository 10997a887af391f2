//! Flux objects of one environment: a `Kustomization` per namespace folder
//! or group root (and the Gateway API CRDs one, and the `GitRepository`
//! they read).

use super::objects::{FluxGitRepository, FluxKustomization, SourceRef};
use super::{CRDS_NAME, DEFAULT_CLUSTER, EnvInput, Out, Resolved, ctx, groups};
use crate::render::Blueprint;
use crate::spec::gitops::Flux;

/// Generate an environment's Flux objects into `out`, in `<objects>/<env>/`.
///
/// Each namespace folder is its own Kustomization (path
/// `./<output>/<env>/<namespace>`), so Flux builds one small kustomize root
/// per folder and an app's objects stay with one Kustomization whatever
/// other apps are added. Every one depends on `flux.dependsOn` (the CRDs
/// Kustomization by default); an app folder also depends on the gateway
/// folders its routes attach to, so that a new cluster gets its Gateways
/// before the routes (a Kustomization with `wait: false` is ready once
/// applied: a Gateway still waiting for its address blocks nothing).
/// With `gitops.groups`, the same holds for group roots: an app group
/// depends on the `gateways` group when routes of its folders attach there.
pub(super) fn objects(e: &EnvInput<'_>, r: &Resolved<'_>, f: &Flux, crds: bool, out: &mut Out<'_>) {
    let folder = Some(e.env.unwrap_or(DEFAULT_CLUSTER));
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
        out.put(
            folder,
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
        out.put(
            folder,
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
    let base = match &f.depends_on {
        Some(list) => list.clone(),
        None if crds => vec![CRDS_NAME.to_string()],
        None => Vec::new(),
    };
    for root in groups::roots(e, r) {
        let mut depends_on = base.clone();
        for gateway in &root.after {
            let name = r.name(e.env, Some(gateway));
            if !depends_on.contains(&name) {
                depends_on.push(name);
            }
        }
        out.put(
            folder,
            Blueprint::FluxKustomization,
            ctx(FluxKustomization {
                name: r.name(e.env, Some(&root.id)),
                namespace: namespace.clone(),
                interval: interval.clone(),
                path: format!("./{}", root.path),
                prune: f.prune.unwrap_or(true),
                wait: false,
                source_ref: source_ref.clone(),
                depends_on,
            }),
        );
    }
}
