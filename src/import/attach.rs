//! Where imported routes attach: a route whose manifest names no parent
//! (from a LoadBalancer Service or an Ingress) gets a gateway that admits
//! it, and the namespace of a route (of any kind: HTTP, gRPC, TLS, TCP,
//! UDP) whose gateway admits namespaces by a label `Selector` gets those labels.

use crate::diagnostic::Code;
use std::collections::BTreeMap;

use super::Cx;
use super::compact::gateway_namespace;
use super::gateway_api::is_gateway_ref;
use crate::diagnostic::Diagnostic;
use crate::load::escape_token as esc;
use crate::spec::{self, FromNamespaces, Protocol};

/// Code of namespace labels added so that a `Selector` listener admits a route.
pub const SELECTOR_LABELS: Code = Code::ImportSelectorLabels;
/// Code of a gateway chosen for a route among several.
pub const CHOSEN: Code = Code::ImportGatewayChosen;

/// Whether listener `l` of `gw` admits routes of namespace `ns` labelled `labels`.
fn admits(gw: &spec::Gateway, l: &spec::Listener, ns: &str, labels: &BTreeMap<String, String>) -> bool {
    let allowed = l.allowed_routes.as_ref().or(gw.allowed_routes.as_ref());
    match allowed.map(|a| (a.from, &a.selector)) {
        Some((FromNamespaces::All, _)) => true,
        Some((FromNamespaces::Selector, Some(sel))) => sel.iter().all(|(k, v)| labels.get(k) == Some(v)),
        Some((FromNamespaces::Selector, None)) => true, // gatewright stamps its own label
        Some((FromNamespaces::Same, _)) | None => gateway_namespace(gw).as_deref() == Some(ns),
    }
}

/// A namespace, the spec path of a route of it, the gateway it names, and
/// the labels that gateway's `Selector` listener admits namespaces by.
type Wanted = (String, String, String, BTreeMap<String, String>);

/// For each route that names a gateway whose listeners admit its namespace
/// only by labels, put the first such listener's labels on the namespace.
pub(super) fn selector_labels(cx: &mut Cx<'_>) {
    for (ns, at, gateway, sel) in wanted(cx) {
        let loc = cx.origins.get(&at).cloned().flatten();
        let labels = &mut cx.app(&ns).labels;
        let mut added = Vec::new();
        for (k, v) in sel {
            if !labels.contains_key(&k) && !k.starts_with(crate::resolve::GATEWRIGHT_LABEL_PREFIX) {
                added.push(format!("{k}: {v}"));
                labels.insert(k, v);
            }
        }
        if added.is_empty() {
            continue;
        }
        cx.diags.push(
            Diagnostic::warning(
                SELECTOR_LABELS,
                format!(
                    "namespace `{ns}` gets the labels {{{}}} that gateway `{gateway}` admits routes by",
                    added.join(", ")
                ),
            )
            .at(loc)
            .help("the spec writes the app's Namespace; its `labels:` now hold what the listener's selector matches"),
        );
    }
}

/// A route of an app: its name, its field in the app, and its parents.
type AppRoute<'a> = (&'a String, &'static str, &'a Option<Vec<spec::ParentRef>>);

/// Every route of an app, of all five kinds.
fn app_routes(app: &spec::App) -> Vec<AppRoute<'_>> {
    let routes = app.routes.iter().map(|(n, r)| (n, "routes", &r.parent_refs));
    let grpc = app.grpc_routes.iter().map(|(n, r)| (n, "grpcRoutes", &r.parent_refs));
    let tls = app.tls_routes.iter().map(|(n, r)| (n, "tlsRoutes", &r.parent_refs));
    let tcp = app.tcp_routes.iter().map(|(n, r)| (n, "tcpRoutes", &r.parent_refs));
    let udp = app.udp_routes.iter().map(|(n, r)| (n, "udpRoutes", &r.parent_refs));
    routes.chain(grpc).chain(tls).chain(tcp).chain(udp).collect()
}

/// Whether a listener of `protocol` takes the routes of the app's `field`.
fn takes(field: &str, protocol: &Protocol) -> bool {
    match field {
        "tlsRoutes" => *protocol == Protocol::TLS,
        "tcpRoutes" => *protocol == Protocol::TCP,
        "udpRoutes" => *protocol == Protocol::UDP,
        _ => !matches!(protocol, Protocol::TLS | Protocol::TCP | Protocol::UDP),
    }
}

/// The routes whose named gateway admits their namespace only by labels it lacks.
fn wanted(cx: &Cx<'_>) -> Vec<Wanted> {
    let mut out = Vec::new();
    for (ns, app) in &cx.site.apps {
        for (name, field, parents) in app_routes(app) {
            for p in parents.iter().flatten().filter(|p| is_gateway_ref(p)) {
                let gw_ns = p.namespace.as_deref().unwrap_or(ns);
                let Some(gw) = cx
                    .gateway_keys
                    .get(&(gw_ns.to_string(), p.name.clone()))
                    .and_then(|k| cx.site.gateways.get(k))
                else {
                    continue;
                };
                let listeners: Vec<&spec::Listener> = gw
                    .listeners
                    .iter()
                    .filter(|(l, _)| p.section_name.as_ref().is_none_or(|s| s == *l))
                    .map(|(_, l)| l)
                    .filter(|l| takes(field, &l.protocol) && p.port.is_none_or(|port| port == l.port))
                    .collect();
                if listeners.iter().any(|l| admits(gw, l, ns, &app.labels)) {
                    continue;
                }
                let selector = listeners.iter().find_map(|l| {
                    let a = l.allowed_routes.as_ref().or(gw.allowed_routes.as_ref())?;
                    a.selector.clone().filter(|_| a.from == FromNamespaces::Selector)
                });
                if let Some(sel) = selector {
                    let at = format!("/apps/{}/{field}/{}", esc(ns), esc(name));
                    out.push((ns.clone(), at, p.name.clone(), sel));
                }
            }
        }
    }
    out
}

/// A gateway for each route that names none, when the spec has several:
/// the first that admits the route, with a warning naming the others.
pub(super) fn pick_gateways(cx: &mut Cx<'_>) {
    if cx.site.gateways.len() < 2 {
        return;
    }
    let mut picks: Vec<(String, String, Vec<String>)> = Vec::new();
    for (ns, app) in cx.site.apps.iter().filter(|(_, a)| a.gateway.is_none()) {
        for (name, r) in app
            .routes
            .iter()
            .filter(|(_, r)| r.parent_refs.is_none() && r.gateway.is_none())
        {
            picks.push((ns.clone(), name.clone(), candidates(&cx.site, ns, app, r)));
        }
    }
    let all: Vec<String> = cx.site.gateways.keys().cloned().collect();
    for (ns, name, candidates) in picks {
        let at = format!("/apps/{}/routes/{}", esc(&ns), esc(&name));
        let loc = cx.origins.get(&at).cloned().flatten();
        let (message, help) = match candidates.as_slice() {
            [one] => {
                set_gateway(cx, &ns, &name, one);
                continue;
            }
            [] => (
                format!(
                    "route `{ns}/{name}` names no gateway, and none of {} admits it",
                    all.join(", ")
                ),
                format!(
                    "set `gateway:` on the route to one of: {}, and let its listener admit namespace `{ns}`",
                    all.join(", ")
                ),
            ),
            [first, ..] => {
                set_gateway(cx, &ns, &name, first);
                (
                    format!(
                        "route `{ns}/{name}` names no gateway; it attaches to `{first}`, the first of those that admit it ({})",
                        candidates.join(", ")
                    ),
                    "set `gateway:` on the route (or the app) to choose another".to_string(),
                )
            }
        };
        cx.diags.push(Diagnostic::warning(CHOSEN, message).at(loc).help(help));
    }
}

/// The gateways (keys) with an HTTP or HTTPS listener that admits route `r`
/// of app `app` in namespace `ns` and serves one of its hostnames.
fn candidates(site: &spec::Site, ns: &str, app: &spec::App, r: &spec::Route) -> Vec<String> {
    let hosts: Vec<&String> = r.host.iter().chain(r.hostnames.iter().flatten()).collect();
    site.gateways
        .iter()
        .filter(|(_, gw)| {
            gw.listeners.values().any(|l| {
                matches!(l.protocol, Protocol::HTTP | Protocol::HTTPS)
                    && admits(gw, l, ns, &app.labels)
                    && (hosts.is_empty() || hosts.iter().any(|h| serves(l.hostname.as_deref(), h)))
            })
        })
        .map(|(k, _)| k.clone())
        .collect()
}

fn set_gateway(cx: &mut Cx<'_>, ns: &str, route: &str, key: &str) {
    if let Some(r) = cx.app(ns).routes.get_mut(route) {
        r.gateway = Some(key.to_string());
    }
}

/// Whether a listener with `hostname` serves `host` (both may be wildcards).
fn serves(hostname: Option<&str>, host: &str) -> bool {
    let Some(l) = hostname else { return true };
    let suffix = |w: &str| w.strip_prefix('*').map(str::to_string);
    match (suffix(l), suffix(host)) {
        (Some(ls), None) => host.ends_with(&ls),
        (None, Some(hs)) => l.ends_with(&hs),
        (Some(ls), Some(hs)) => ls.ends_with(&hs) || hs.ends_with(&ls),
        (None, None) => l == host,
    }
}
