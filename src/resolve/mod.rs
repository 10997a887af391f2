//! Stage 3, **resolve**: fill defaults, derive names, and turn short forms
//! (`to: store-front:80`) into the full [`Model`].

mod allow;
mod backends;
mod certificates;
mod gateways;
mod grpc;
mod l4;
mod listenersets;
mod prefetch;
mod root;
mod routes;
mod services;
mod setlisteners;
pub mod tls;
mod upstream;
mod vendored;

use std::collections::{BTreeMap, HashMap};

use crate::diagnostic::{Code, Diagnostic, Diagnostics, did_you_mean};
use crate::load::{Provenance, escape_token as esc};
use crate::model::{self, Model};
use crate::source::Sources;
use crate::spec::{self, Site};
pub use listenersets::listeners_label;
pub use root::{ManifestRoot, RootKind, resolved, work_tree};

/// Label that puts a namespace on an Istio revision.
pub const REVISION_LABEL: &str = "istio.io/rev";
/// Prefix of the labels gatewright stamps on namespaces.
pub const GATEWRIGHT_LABEL_PREFIX: &str = "gatewright.dev/";
/// Upstream Istio's default-injection label.
pub const INJECTION_LABEL: &str = "istio-injection";

/// What resolve needs besides the spec.
pub struct Context<'a> {
    /// Where values came from.
    pub prov: &'a Provenance,
    /// The files read so far (upstream manifests are added).
    pub sources: &'a mut Sources,
    /// Gateway API version the output targets.
    pub gateway_api_version: String,
    /// Manifests already read with the spec directory, taken by the app that names them.
    pub preloaded: crate::load::Preloaded,
    /// The directory local manifests must be in ([`ManifestRoot::for_spec`]);
    /// `None` reads them from anywhere (benchmarks, tests of other stages).
    pub manifests_under: Option<ManifestRoot>,
    /// The refusals the spec allows (filled from its `allow:` lists by [`resolve`]).
    pub allow: model::Allow,
    /// The ListenerSet of the app whose routes are resolving.
    pub listener_set: Option<setlisteners::Scope>,
}

impl Context<'_> {
    fn loc(&self, pointer: &str) -> Option<crate::source::Loc> {
        self.prov.locate(pointer)
    }

    fn err(&self, code: Code, pointer: &str, message: impl Into<String>) -> Diagnostic {
        Diagnostic::error(code, message)
            .at(self.loc(pointer))
            .path(pointer.to_string())
    }

    /// Where the local manifest `entry` at `pointer` is: relative to the
    /// folder of the file that names it.
    fn local_path(&self, entry: &str, pointer: &str) -> Option<std::path::PathBuf> {
        let loc = self.loc(pointer)?;
        let declared_in = self.sources.get(loc.file).path.clone()?;
        let dir = declared_in.parent().unwrap_or(std::path::Path::new("."));
        Some(dir.join(entry))
    }
}

/// Resolve a validated spec into the model. The apps are taken out of
/// `site` and dropped one by one as they are resolved: a large site's typed
/// apps are as large as its model.
pub fn resolve(site: &mut Site, cx: &mut Context<'_>, diags: &mut Diagnostics) -> Model {
    let mut model = Model {
        gateway_api_version: cx.gateway_api_version.clone(),
        ..Model::default()
    };
    cx.allow = allow::read(site, cx, diags);
    let mesh = site.mesh.clone().unwrap_or_default();
    if mesh.revision.is_some() && mesh.default_injection == Some(true) {
        diags.push(
            cx.err(Code::InjectionWithRevision, "/mesh/defaultInjection", "`defaultInjection` and `revision` cannot be combined")
                .help("`istio-injection: enabled` wins over `istio.io/rev` and silently disables the revision: remove one of them"),
        );
    }
    for (name, gw) in &site.gateways {
        if let Some(mut g) = gateways::resolve_gateway(name, gw, cx, diags) {
            g.allowed_listeners = listenersets::allowed_listeners(name, gw);
            if let Some(first) = model
                .gateways
                .iter()
                .find(|f| f.name == g.name && f.namespace == g.namespace)
            {
                diags.push(
                    cx.err(
                        Code::SameGatewayTwice,
                        &g.origin,
                        format!(
                            "gateways `{}` and `{name}` are both Gateway `{}/{}`",
                            first.key, g.namespace, g.name
                        ),
                    )
                    .related(cx.loc(&first.origin), "first defined here")
                    .help("give one of them another `name` or `namespace`"),
                );
                continue;
            }
            if gw.create_namespace == Some(true) && !model.namespaces.iter().any(|n| n.name == g.namespace) {
                model.namespaces.push(model::Namespace {
                    name: g.namespace.clone(),
                    labels: BTreeMap::new(),
                    origin: format!("/gateways/{}/createNamespace", esc(name)),
                });
            }
            model.gateways.push(g);
        }
    }
    let named = prefetch::named_manifests(site, cx);
    vendored::check(&named, cx, diags);
    let mut prefetched = prefetch::prefetch(&named, cx);
    drop(named);
    let mut owners: BTreeMap<String, String> = BTreeMap::new();
    // The Services of each app namespace whose manifests are all local and read.
    let mut known: services::Known = HashMap::new();
    let apps = std::mem::take(&mut site.apps);
    for (key, app) in apps {
        let (key, app) = (&key, &app);
        let base = format!("/apps/{}", esc(key));
        let ns = app.namespace.clone().unwrap_or_else(|| key.clone());
        if let Some(first) = owners.insert(ns.clone(), key.clone()) {
            diags.push(
                cx.err(
                    Code::SharedNamespace,
                    &base,
                    format!("apps `{first}` and `{key}` both use namespace `{ns}`"),
                )
                .related(cx.loc(&format!("/apps/{}", esc(&first))), "first used here")
                .help("give each app its own namespace, or merge the two apps"),
            );
            continue;
        }
        model.namespaces.push(namespace(&ns, app, &mesh, &base, cx, diags));
        let sets = listenersets::resolve_sets((key, app, &ns), site, &model, cx, diags);
        model.listener_sets.extend(sets);
        let gateway = app.gateway.clone();
        let mut http = Vec::new();
        let mut grpc = Vec::new();
        for (rname, route) in &app.routes {
            let pointer = format!("{base}/routes/{}", esc(rname));
            let head = routes::Head::from(route);
            let Some(gw) = route_gateway(&head, gateway.as_deref(), site, &model, &pointer, &base, cx, diags) else {
                continue;
            };
            http.extend(routes::resolve_route(rname, route, &ns, gw, &pointer, cx, diags));
        }
        for (rname, route) in &app.grpc_routes {
            let pointer = format!("{base}/grpcRoutes/{}", esc(rname));
            let head = routes::Head::from(route);
            let Some(gw) = route_gateway(&head, gateway.as_deref(), site, &model, &pointer, &base, cx, diags) else {
                continue;
            };
            grpc.extend(grpc::resolve_grpc_route(rname, route, &ns, gw, &pointer, cx, diags));
        }
        model.routes.extend(http);
        model.grpc_routes.extend(grpc);
        let l4 = l4::resolve_app(app, &ns, &base, site, &model, cx, diags);
        cx.listener_set = None;
        model.l4_routes.extend(l4);
        let found = upstream::resolve_app_upstreams(&ns, app, &base, cx, &mut prefetched, diags, &mut model);
        let policies = tls::policies(&ns, app, &base, found.as_deref(), &model, cx, diags);
        model.backend_tls_policies.extend(policies);
        if let Some(found) = found {
            known.insert(ns, (key.clone(), found));
        }
    }
    services::check_backends(&model, &known, cx, diags);
    backends::reference_grants(&mut model, cx, diags);
    certificates::listener_grants(&mut model, cx, diags);
    tls::certificate_grants(&mut model, cx, diags);
    gateways::stamp_selector_labels(&mut model);
    listenersets::stamp_listener_labels(&mut model);
    model.allow = std::mem::take(&mut cx.allow);
    model
}

fn namespace(
    ns: &str,
    app: &spec::App,
    mesh: &spec::Mesh,
    base: &str,
    cx: &Context<'_>,
    diags: &mut Diagnostics,
) -> model::Namespace {
    let mut labels = BTreeMap::new();
    let revision = app.revision.clone().or_else(|| mesh.revision.clone());
    if app.revision.is_some() && mesh.default_injection == Some(true) {
        diags.push(
            cx.err(
                Code::InjectionWithRevision,
                &format!("{base}/revision"),
                "a namespace revision cannot be combined with `mesh.defaultInjection`",
            )
            .help("`istio-injection: enabled` wins over `istio.io/rev`: remove one of them"),
        );
    }
    if let Some(rev) = revision {
        labels.insert(REVISION_LABEL.to_string(), rev);
    }
    if mesh.default_injection == Some(true) && mesh.revision.is_none() {
        labels.insert(INJECTION_LABEL.to_string(), "enabled".to_string());
    }
    for (k, v) in &app.labels {
        if k.starts_with(GATEWRIGHT_LABEL_PREFIX) {
            diags.push(
                cx.err(
                    Code::ManagedLabel,
                    &format!("{base}/labels/{}", esc(k)),
                    format!("label `{k}` is managed by gatewright"),
                )
                .help("gatewright stamps `gatewright.dev/` labels on the namespaces that attach to a `Selector` gateway: remove it"),
            );
            continue;
        }
        if labels.contains_key(k) {
            diags.push(
                cx.err(
                    Code::ManagedLabel,
                    &format!("{base}/labels/{}", esc(k)),
                    format!("label `{k}` is set by the mesh settings"),
                )
                .help("set the revision with `mesh.revision` or the app's `revision`, not as a label"),
            );
            continue;
        }
        labels.insert(k.clone(), v.clone());
    }
    model::Namespace {
        name: ns.to_string(),
        labels,
        origin: base.to_string(),
    }
}

/// `namespace/name` or `name`.
pub(crate) fn object_ref(s: &str) -> model::ObjectRef {
    match s.split_once('/') {
        Some((ns, name)) => model::ObjectRef {
            name: name.to_string(),
            namespace: Some(ns.to_string()),
        },
        None => model::ObjectRef {
            name: s.to_string(),
            namespace: None,
        },
    }
}

/// The gateway a route attaches to: `Some(None)` when it spells out
/// `parentRefs` or its `listener` is one of its app's ListenerSets', `None`
/// (with a finding) when it cannot be told.
#[allow(clippy::too_many_arguments)]
fn route_gateway<'m>(
    head: &routes::Head<'_>,
    app_gateway: Option<&str>,
    site: &Site,
    model: &'m Model,
    pointer: &str,
    app_base: &str,
    cx: &Context<'_>,
    diags: &mut Diagnostics,
) -> Option<Option<&'m model::Gateway>> {
    let on_set = |l: &String| cx.listener_set.as_ref().is_some_and(|s| s.names_set_listener(l));
    if head.parent_refs.is_some() || (head.gateway.is_none() && head.listener.as_ref().is_some_and(on_set)) {
        return Some(None);
    }
    let name = head.gateway.as_deref().or(app_gateway);
    pick_gateway(name, site, model, pointer, head.gateway.is_some(), app_base, cx, diags).map(Some)
}

#[allow(clippy::too_many_arguments)]
fn pick_gateway<'m>(
    name: Option<&str>,
    site: &Site,
    model: &'m Model,
    pointer: &str,
    on_route: bool,
    app_base: &str,
    cx: &Context<'_>,
    diags: &mut Diagnostics,
) -> Option<&'m model::Gateway> {
    match name {
        Some(name) => {
            if let Some(g) = model.gateways.iter().find(|g| g.key == name) {
                return Some(g);
            }
            if site.gateways.contains_key(name) {
                return None; // the gateway itself is invalid and was reported
            }
            let at = if on_route {
                format!("{pointer}/gateway")
            } else {
                format!("{app_base}/gateway")
            };
            let help = match did_you_mean(name, site.gateways.keys().map(String::as_str)) {
                Some(s) => format!("did you mean `{s}`?"),
                None => format!(
                    "defined gateways: {}",
                    site.gateways.keys().cloned().collect::<Vec<_>>().join(", ")
                ),
            };
            diags.push(
                cx.err(Code::UnknownGateway, &at, format!("unknown gateway `{name}`"))
                    .help(help),
            );
            None
        }
        None if site.gateways.len() == 1 => model.gateways.first(),
        None => {
            let help = if site.gateways.is_empty() {
                "define a gateway under `gateways:`".to_string()
            } else {
                format!(
                    "set `gateway:` on the app or the route (one of: {})",
                    site.gateways.keys().cloned().collect::<Vec<_>>().join(", ")
                )
            };
            diags.push(
                cx.err(
                    Code::RouteWithoutGateway,
                    pointer,
                    "the route does not say which gateway it attaches to",
                )
                .help(help),
            );
            None
        }
    }
}
