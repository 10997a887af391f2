//! The listeners of each Gateway (its own, then those of the ListenerSets it
//! allows, oldest first) and the choice of the listener for a request: port,
//! protocol, then the most specific hostname.

use std::collections::BTreeMap;

use super::hostnames;
use super::objects::{GROUP, GatewaySpec, ListenerSetSpec, ListenerSpec, Namespaces, Object};

/// A Gateway or a ListenerSet: what a route's `parentRef` names.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct Parent {
    /// `Gateway` or `ListenerSet`.
    pub kind: String,
    /// Namespace.
    pub namespace: String,
    /// Name.
    pub name: String,
}

/// One listener, with the Gateway it belongs to.
#[derive(Clone, Debug)]
pub struct Listener {
    /// The Gateway that receives its traffic.
    pub gateway: Parent,
    /// The object that declares it (the Gateway, or a ListenerSet).
    pub owner: Parent,
    /// Its spec.
    pub spec: ListenerSpec,
}

/// Whether `namespaces` (`from` absent means `default_from`) admits namespace `ns` of an object in `own`.
pub fn admits(
    namespaces: Option<&Namespaces>,
    default_from: &str,
    own: &str,
    ns: &str,
    labels: &BTreeMap<String, BTreeMap<String, String>>,
) -> bool {
    let from = namespaces.and_then(|n| n.from.as_deref()).unwrap_or(default_from);
    match from {
        "All" => true,
        "Same" => own == ns,
        "Selector" => {
            let empty = BTreeMap::new();
            let l = labels.get(ns).unwrap_or(&empty);
            namespaces
                .and_then(|n| n.selector.as_ref())
                .is_some_and(|s| s.matches(l))
        }
        _ => false,
    }
}

/// Every listener of every Gateway, grouped by Gateway in input order: the
/// Gateway's own listeners, then those of the ListenerSets it allows, oldest first
/// (then by namespace/name), the order that settles conflicts.
pub fn collect(
    gateways: &[Object<GatewaySpec>],
    sets: &[Object<ListenerSetSpec>],
    labels: &BTreeMap<String, BTreeMap<String, String>>,
) -> Vec<Listener> {
    let mut sets: Vec<&Object<ListenerSetSpec>> = sets.iter().collect();
    sets.sort_by(|a, b| {
        let key = |o: &Object<ListenerSetSpec>| {
            (
                o.meta.creation_timestamp.is_none(),
                o.meta.creation_timestamp.clone(),
                o.meta.ns().to_string(),
                o.meta.name.clone(),
            )
        };
        key(a).cmp(&key(b))
    });
    let mut out = Vec::new();
    for g in gateways {
        let gateway = Parent {
            kind: "Gateway".into(),
            namespace: g.meta.ns().into(),
            name: g.meta.name.clone(),
        };
        for l in &g.spec.listeners {
            out.push(Listener {
                gateway: gateway.clone(),
                owner: gateway.clone(),
                spec: l.clone(),
            });
        }
        let allowed = g.spec.allowed_listeners.as_ref().and_then(|a| a.namespaces.as_ref());
        for s in &sets {
            let p = &s.spec.parent_ref;
            let targets = p.kind.as_deref().unwrap_or("Gateway") == "Gateway"
                && p.group.as_deref().unwrap_or(GROUP) == GROUP
                && p.namespace.as_deref().unwrap_or(s.meta.ns()) == gateway.namespace
                && p.name == gateway.name;
            if !targets || !admits(allowed, "None", &gateway.namespace, s.meta.ns(), labels) {
                continue;
            }
            let owner = Parent {
                kind: "ListenerSet".into(),
                namespace: s.meta.ns().into(),
                name: s.meta.name.clone(),
            };
            for l in &s.spec.listeners {
                out.push(Listener {
                    gateway: gateway.clone(),
                    owner: owner.clone(),
                    spec: l.clone(),
                });
            }
        }
    }
    out
}

/// Whether a listener of `protocol` takes requests of `scheme`.
pub fn serves(protocol: &str, scheme: &str) -> bool {
    matches!(
        (protocol.to_ascii_uppercase().as_str(), scheme),
        ("HTTP", "http") | ("HTTPS", "https") | ("TLS", "tls") | ("TCP", "tcp") | ("UDP", "udp")
    )
}

/// The listener of `gateway` that takes a request for `host` on `port` over
/// `scheme`: the most specific hostname wins, the first listed on a tie.
pub fn select(listeners: &[Listener], gateway: &Parent, port: u16, scheme: &str, host: &str) -> Option<usize> {
    let mut best: Option<(usize, (u8, usize))> = None;
    for (i, l) in listeners.iter().enumerate() {
        if &l.gateway != gateway || l.spec.port != port || !serves(&l.spec.protocol, scheme) {
            continue;
        }
        let rank = match l.spec.hostname.as_deref() {
            None => (0, 0),
            Some(h) if hostnames::matches(h, host) => (if h.starts_with('*') { 1 } else { 2 }, h.len()),
            Some(_) => continue,
        };
        if best.is_none_or(|(_, r)| rank > r) {
            best = Some((i, rank));
        }
    }
    best.map(|(i, _)| i)
}
