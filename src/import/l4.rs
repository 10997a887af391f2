//! TLSRoutes, TCPRoutes and UDPRoutes into their namespace's app
//! (`tlsRoutes`, `tcpRoutes`, `udpRoutes`), then made as short as the spec allows.

use std::collections::BTreeMap;

use serde_json::{Map, Value};

use super::compact::{hosts, none_if, parents};
use super::gateway_api::rename_parents;
use super::parse;
use super::{Cx, Object};
use crate::load::escape_token as esc;
use crate::spec;

/// The kinds this file imports.
pub(super) const KINDS: [&str; 3] = ["TLSRoute", "TCPRoute", "UDPRoute"];

/// A TLSRoute, TCPRoute or UDPRoute into its namespace's app.
pub(super) fn route(o: &Object, cx: &mut Cx<'_>) {
    let ns = cx.namespace(o);
    let name = super::metadata::short_name(o, o.name(), cx);
    let mut value = o.value.get("spec").cloned().unwrap_or(Value::Object(Map::new()));
    crate::overlay::strip_nulls(&mut value);
    rename_parents(&mut value, &ns, cx);
    // A route without parents attaches nowhere; without this, the spec's only gateway would be its parent.
    if let Value::Object(m) = &mut value {
        m.entry("parentRefs").or_insert_with(|| Value::Array(Vec::new()));
    }
    let field = match o.kind() {
        "TLSRoute" => "tlsRoutes",
        "TCPRoute" => "tcpRoutes",
        _ => "udpRoutes",
    };
    let taken = cx.site.apps.get(&ns).is_some_and(|a| match field {
        "tlsRoutes" => a.tls_routes.contains_key(&name),
        "tcpRoutes" => a.tcp_routes.contains_key(&name),
        _ => a.udp_routes.contains_key(&name),
    });
    if taken {
        return cx.skip(
            o,
            "/metadata/name",
            format!("{} `{ns}/{name}` is not imported: it was imported already", o.kind()),
            "each route appears once in the manifests",
        );
    }
    let labels = super::metadata::string_map(o, "labels", cx);
    let annotations = super::metadata::string_map(o, "annotations", cx);
    cx.origins.insert(
        format!("/apps/{}/{field}/{}", esc(&ns), esc(&name)),
        o.loc("/metadata/name"),
    );
    if field == "tlsRoutes" {
        if let Some(r) = parse::<spec::TlsRoute>(o, "/spec", value, cx) {
            let r = spec::TlsRoute {
                labels,
                annotations,
                ..r
            };
            cx.app(&ns).tls_routes.insert(name, r);
        }
    } else if let Some(r) = parse::<spec::L4Route>(o, "/spec", value, cx) {
        let r = spec::L4Route {
            labels,
            annotations,
            ..r
        };
        let app = cx.app(&ns);
        let map = if field == "tcpRoutes" {
            &mut app.tcp_routes
        } else {
            &mut app.udp_routes
        };
        map.insert(name, r);
    }
}

/// The short form where it says the same: `host`, `to`, `gateway`/`listener`.
pub(super) fn compact(cx: &mut Cx<'_>) {
    let gateways = cx.site.gateways.clone();
    for (ns, app) in &mut cx.site.apps {
        let own = super::listenersets::own_listeners(app);
        for r in app.tls_routes.values_mut() {
            rules(&mut r.rules, &mut r.to, ns);
            hosts(&mut r.host, &mut r.hostnames);
            attach(
                &mut r.parent_refs,
                &mut r.gateway,
                &mut r.listener,
                (ns, &own),
                &gateways,
            );
        }
        for r in app.tcp_routes.values_mut().chain(app.udp_routes.values_mut()) {
            rules(&mut r.rules, &mut r.to, ns);
            attach(
                &mut r.parent_refs,
                &mut r.gateway,
                &mut r.listener,
                (ns, &own),
                &gateways,
            );
        }
    }
}

/// `gateway`/`listener` for a single parent, unless its `sectionName` names
/// no listener of the gateway (`listener:` would then be refused, while the
/// API accepts the reference and attaches the route nowhere).
fn attach(
    refs: &mut Option<Vec<spec::ParentRef>>,
    gateway: &mut Option<String>,
    listener: &mut Option<String>,
    (ns, own): (&str, &[String]),
    gateways: &BTreeMap<String, spec::Gateway>,
) {
    let named = match refs.as_deref() {
        Some([p]) => p.section_name.as_ref().map(|s| (p.name.clone(), s.clone())),
        _ => None,
    };
    let unknown = named.is_some_and(|(name, section)| {
        !gateways
            .iter()
            .any(|(k, g)| g.name.as_deref().unwrap_or(k) == name && g.listeners.contains_key(&section))
    });
    let candidates = if unknown { &BTreeMap::new() } else { gateways };
    parents(refs, gateway, listener, (ns, own), candidates);
}

/// Defaults dropped from the backends; `to` for a single unnamed rule of one plain Service.
fn rules(rules: &mut Option<Vec<spec::L4Rule>>, to: &mut Option<String>, ns: &str) {
    for b in rules.iter_mut().flatten().flat_map(|r| r.backend_refs.iter_mut()) {
        none_if(&mut b.group, "");
        if b.group.is_none() {
            none_if(&mut b.kind, "Service");
        }
        none_if(&mut b.namespace, ns);
    }
    let Some([rule]) = rules.as_deref() else { return };
    let [b] = rule.backend_refs.as_slice() else { return };
    let plain = rule.name.is_none() && b.group.is_none() && b.kind.is_none() && b.weight.is_none();
    let Some(port) = b.port.filter(|_| plain) else { return };
    *to = Some(match &b.namespace {
        Some(other) => format!("{other}/{}:{port}", b.name),
        None => format!("{}:{port}", b.name),
    });
    *rules = None;
}
