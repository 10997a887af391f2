//! Make an imported spec as short as the spec allows: drop what the Gateway
//! API defaults anyway, prefer the short form (`host`, `to`, `path`,
//! `gateway`/`listener`), recognise built-in profiles, and set `gatewayApi`
//! when a feature needs a newer version than the default.

use serde_json::Value;

use super::Cx;
use super::gateway_api::is_gateway_ref;
use crate::analyze::features::{self, Feature, since};
use crate::model::L4Kind;
use crate::overlay::{PROFILES, profile_target};
use crate::spec::{self, FromNamespaces, PathType};
use crate::version::{DEFAULT_GATEWAY_API, Version};

const GROUP: &str = "gateway.networking.k8s.io";

/// Compact every gateway and route, then settle `gatewayApi` and the mesh.
pub(super) fn finish(cx: &mut Cx<'_>) {
    super::listenersets::compact(&mut cx.site);
    for gw in cx.site.gateways.values_mut() {
        recognise_profile(gw);
    }
    let gateways = cx.site.gateways.clone();
    for (ns, app) in &mut cx.site.apps {
        // A route's `listener` names the app's own listener first: a gateway listener of that name stays a `parentRefs` entry.
        let own = super::listenersets::own_listeners(app);
        for r in app.routes.values_mut() {
            http_route(r, ns, &gateways, &own);
        }
        for r in app.grpc_routes.values_mut() {
            grpc_route(r, ns, &gateways, &own);
        }
    }
    let needed = needed_version(&cx.site);
    let profiles = cx
        .site
        .gateways
        .values()
        .filter_map(|g| g.profile.as_deref())
        .filter_map(profile_target);
    let have = profiles
        .filter_map(|v| Version::parse(&v))
        .fold(DEFAULT_GATEWAY_API, Ord::max);
    if let Some(v) = needed.filter(|v| *v > have) {
        cx.site.gateway_api = Some(v.to_string());
    }
    if let Some(rev) = &cx.opts.revision {
        cx.site.mesh = Some(spec::Mesh {
            revision: Some(rev.clone()),
            default_injection: None,
        });
    }
}

/// The oldest version that has every feature the spec uses.
fn needed_version(site: &spec::Site) -> Option<Version> {
    let mut used = Vec::new();
    let filters = |used: &mut Vec<Feature>, list: &[spec::Filter]| {
        for f in list {
            if f.cors.is_some() {
                used.push(Feature::Cors);
            }
            if f.request_mirror
                .as_ref()
                .is_some_and(|m| m.percent.is_some() || m.fraction.is_some())
            {
                used.push(Feature::MirrorFraction);
            }
            if features::newer_status_code(f) {
                used.push(Feature::RedirectStatusCode);
            }
        }
    };
    for g in site.gateways.values() {
        if g.infrastructure.is_some() {
            used.push(Feature::Infrastructure);
        }
        if g.allowed_listeners.is_some() {
            used.push(Feature::AllowedListeners);
        }
        if g.tls.is_some() {
            used.push(Feature::GatewayTls);
        }
        if g.addresses.iter().flatten().any(|a| a.value.is_none()) {
            used.push(Feature::AddressWithoutValue);
        }
    }
    for app in site.apps.values() {
        if !app.backend_tls.is_empty() {
            used.push(Feature::BackendTlsPolicy);
        }
        let l4 = [
            (!app.tls_routes.is_empty(), L4Kind::Tls),
            (!app.tcp_routes.is_empty(), L4Kind::Tcp),
            (!app.udp_routes.is_empty(), L4Kind::Udp),
        ];
        used.extend(l4.into_iter().filter(|(any, _)| *any).map(|(_, k)| Feature::L4Route(k)));
        if !app.listeners.is_empty() || !app.listener_sets.is_empty() {
            used.push(Feature::ListenerSet);
        }
        for rule in app.routes.values().flat_map(|r| r.rules.iter().flatten()) {
            if rule.timeouts.is_some() {
                used.push(Feature::Timeouts);
            }
            if rule.name.is_some() {
                used.push(Feature::RuleName);
            }
            filters(&mut used, &rule.filters);
            for b in rule.backend_refs.iter().flatten() {
                filters(&mut used, &b.filters);
            }
        }
        for rule in app.grpc_routes.values().flat_map(|r| r.rules.iter().flatten()) {
            if rule.name.is_some() {
                used.push(Feature::RuleName);
            }
            filters(&mut used, rule.filters.as_deref().unwrap_or_default());
            for b in rule.backend_refs.iter().flatten() {
                filters(&mut used, &b.filters);
            }
        }
    }
    used.into_iter().map(since).max()
}

/// `profile: NAME` instead of the fields a built-in profile sets, when the
/// gateway has exactly the profile's namespace, class, addresses and route
/// admission.
fn recognise_profile(gw: &mut spec::Gateway) {
    for p in PROFILES {
        let Some(defaults) = crate::yaml::read_documents(p.text, &crate::yaml::Limits::default())
            .ok()
            .and_then(|d| d.first().and_then(|d| d.get("gateway")).map(crate::yaml::Node::to_json))
        else {
            continue;
        };
        let field = |k: &str| defaults.get(k).cloned().unwrap_or(Value::Null);
        let addresses = serde_json::to_value(&gw.addresses).unwrap_or(Value::Null);
        let allowed: Option<spec::AllowedRoutes> = serde_json::from_value(field("allowedRoutes")).ok();
        if allowed.as_ref().is_some_and(|a| a.from == FromNamespaces::Selector) {
            continue; // gatewright picks that selector's label; an imported one cannot match it
        }
        let same = gw.namespace.as_deref() == field("namespace").as_str()
            && gw.class_name.as_deref() == field("className").as_str()
            && addresses == field("addresses")
            && gw.allowed_routes.is_none()
            && gw.listeners.values().all(|l| l.allowed_routes == allowed);
        if same && !gw.listeners.is_empty() {
            gw.profile = Some(p.name.to_string());
            gw.namespace = None;
            gw.class_name = None;
            gw.addresses = None;
            for l in gw.listeners.values_mut() {
                l.allowed_routes = None;
            }
            return;
        }
    }
}

pub(super) fn none_if(v: &mut Option<String>, default: &str) {
    if v.as_deref() == Some(default) {
        *v = None;
    }
}

fn filters(list: &mut [spec::Filter], ns: &str) {
    for f in list {
        f.kind = None;
        if let Some(m) = &mut f.request_mirror {
            let b = &mut m.backend_ref;
            none_if(&mut b.group, "");
            if b.group.is_none() {
                none_if(&mut b.kind, "Service");
            }
            none_if(&mut b.namespace, ns);
        }
    }
}

fn backend(b: &mut spec::BackendRef, ns: &str) {
    none_if(&mut b.group, "");
    if b.group.is_none() {
        none_if(&mut b.kind, "Service");
    }
    none_if(&mut b.namespace, ns);
    filters(&mut b.filters, ns);
}

/// `gateway`/`listener` instead of a single `parentRefs` entry naming a gateway of the spec.
pub(super) fn parents(
    refs: &mut Option<Vec<spec::ParentRef>>,
    gateway: &mut Option<String>,
    listener: &mut Option<String>,
    (ns, own): (&str, &[String]),
    gateways: &std::collections::BTreeMap<String, spec::Gateway>,
) {
    for p in refs.iter_mut().flatten() {
        none_if(&mut p.group, GROUP);
        if p.group.is_none() {
            none_if(&mut p.kind, "Gateway");
        }
        none_if(&mut p.namespace, ns);
    }
    let Some([p]) = refs.as_deref() else { return };
    let want_ns = p.namespace.as_deref().unwrap_or(ns);
    let Some((key, _)) = gateways.iter().find(|(key, gw)| {
        gw.name.as_deref().unwrap_or(key) == p.name && gateway_namespace(gw).as_deref() == Some(want_ns)
    }) else {
        return;
    };
    if !is_gateway_ref(p) || p.port.is_some() || p.section_name.as_ref().is_some_and(|s| own.contains(s)) {
        return;
    }
    if gateways.len() > 1 {
        *gateway = Some(key.clone());
    }
    *listener = p.section_name.clone();
    *refs = None;
}

/// A gateway's namespace: its own, or its profile's.
pub(super) fn gateway_namespace(gw: &spec::Gateway) -> Option<String> {
    gw.namespace.clone().or_else(|| {
        let profile = PROFILES.iter().find(|x| Some(x.name) == gw.profile.as_deref())?;
        let docs = crate::yaml::read_documents(profile.text, &crate::yaml::Limits::default()).ok()?;
        docs.first()?
            .pointer("/gateway/namespace")?
            .to_json()
            .as_str()
            .map(str::to_string)
    })
}

pub(super) fn hosts(host: &mut Option<String>, hostnames: &mut Option<Vec<String>>) {
    match hostnames.as_deref() {
        Some([one]) => {
            *host = Some(one.clone());
            *hostnames = None;
        }
        Some([]) => *hostnames = None,
        _ => {}
    }
}

/// `ns/name:port` (or `name:port`) for a plain Service backend.
fn short_to(b: &spec::BackendRef) -> Option<String> {
    let plain = b.group.is_none() && b.kind.is_none() && b.weight.is_none() && b.filters.is_empty();
    let port = b.port.filter(|_| plain)?;
    Some(match &b.namespace {
        Some(ns) => format!("{ns}/{}:{port}", b.name),
        None => format!("{}:{port}", b.name),
    })
}

fn http_route(
    r: &mut spec::Route,
    ns: &str,
    gateways: &std::collections::BTreeMap<String, spec::Gateway>,
    own: &[String],
) {
    for rule in r.rules.iter_mut().flatten() {
        filters(&mut rule.filters, ns);
        for b in rule.backend_refs.iter_mut().flatten() {
            backend(b, ns);
        }
    }
    hosts(&mut r.host, &mut r.hostnames);
    parents(&mut r.parent_refs, &mut r.gateway, &mut r.listener, (ns, own), gateways);
    let Some([rule]) = r.rules.as_deref() else { return };
    let plain_rule = rule.name.is_none() && rule.filters.is_empty() && rule.timeouts.is_none();
    let path = match rule.matches.as_slice() {
        [] => Some("/".to_string()),
        [m] if m.headers.is_empty() && m.query_params.is_empty() && m.method.is_none() => m
            .path
            .as_ref()
            .filter(|p| p.kind == PathType::PathPrefix)
            .map(|p| p.value.clone()),
        _ => None,
    };
    let to = match rule.backend_refs.as_deref() {
        Some([b]) => short_to(b),
        _ => None,
    };
    if let (true, Some(path), Some(to)) = (plain_rule, path, to) {
        r.to = Some(to);
        r.path = (path != "/").then_some(path);
        r.rules = None;
    }
}

fn grpc_route(
    r: &mut spec::GrpcRoute,
    ns: &str,
    gateways: &std::collections::BTreeMap<String, spec::Gateway>,
    own: &[String],
) {
    for rule in r.rules.iter_mut().flatten() {
        filters(rule.filters.as_deref_mut().unwrap_or_default(), ns);
        for b in rule.backend_refs.iter_mut().flatten() {
            backend(b, ns);
        }
    }
    hosts(&mut r.host, &mut r.hostnames);
    parents(&mut r.parent_refs, &mut r.gateway, &mut r.listener, (ns, own), gateways);
    let Some([rule]) = r.rules.as_deref() else { return };
    let plain_rule =
        rule.name.is_none() && rule.matches.is_none() && rule.filters.as_deref().unwrap_or_default().is_empty();
    let to = match rule.backend_refs.as_deref() {
        Some([b]) => short_to(b),
        _ => None,
    };
    if let (true, Some(to)) = (plain_rule, to) {
        r.to = Some(to);
        r.rules = None;
    }
}
