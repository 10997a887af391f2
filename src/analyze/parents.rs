//! The parents a route's parentRefs name, for every route kind (HTTP,
//! gRPC, TLS, TCP, UDP): a Gateway or a ListenerSet of the spec, and the
//! listeners of it a parentRef selects. A parentRef naming a parent of the
//! spec in the wrong namespace is GW412; one naming a parent the spec does
//! not define is a GW414 warning (nothing about it can be checked).

use super::{Context, Lookup};
use crate::diagnostic::{Code, Diagnostics};
use crate::model::{Allow, Gateway, Listener, ListenerSet, ParentRef};

const GROUP: &str = "gateway.networking.k8s.io";

/// A parent of the spec a route attaches to.
#[derive(Clone, Copy)]
pub(crate) enum Parent<'m> {
    /// A Gateway.
    Gateway(&'m Gateway),
    /// A ListenerSet.
    Set(&'m ListenerSet),
}

impl<'m> Parent<'m> {
    /// Its namespace (the one `allowedRoutes: {from: Same}` of its listeners means).
    pub(crate) fn namespace(self) -> &'m str {
        match self {
            Parent::Gateway(g) => &g.namespace,
            Parent::Set(s) => &s.namespace,
        }
    }

    /// "gateway `NAME`" or "ListenerSet `NAMESPACE/NAME`", for messages.
    pub(crate) fn describe(self) -> String {
        match self {
            Parent::Gateway(g) => format!("gateway `{}`", g.name),
            Parent::Set(s) => format!("ListenerSet `{}/{}`", s.namespace, s.name),
        }
    }

    /// A key that tells parents apart (a Gateway and a ListenerSet may share a name).
    pub(crate) fn key(self) -> String {
        match self {
            Parent::Gateway(g) => format!("Gateway/{}/{}", g.namespace, g.name),
            Parent::Set(s) => format!("ListenerSet/{}/{}", s.namespace, s.name),
        }
    }

    /// The listeners parentRef `p` selects (by `sectionName` and `port`).
    pub(crate) fn selected(self, p: &ParentRef) -> impl Iterator<Item = &'m Listener> + 'm {
        let listeners = match self {
            Parent::Gateway(g) => &g.listeners,
            Parent::Set(s) => &s.listeners,
        };
        let (section, port) = (p.section_name.clone(), p.port);
        listeners
            .iter()
            .filter(move |l| section.as_ref().is_none_or(|s| s == &l.name) && port.is_none_or(|n| n == l.port))
    }
}

/// What a parentRef of kind `kind` is, when it names a Gateway or a ListenerSet of the Gateway API.
fn gateway_api_kind(p: &ParentRef) -> Option<&str> {
    let kind = p.kind.as_deref().unwrap_or("Gateway");
    let ours = p.group.as_deref().is_none_or(|g| g == GROUP);
    (ours && (kind == "Gateway" || kind == "ListenerSet")).then_some(kind)
}

/// The parent of the spec parentRef `p` of a route in `route_ns` names, if any.
pub(crate) fn of<'m>(lookup: &Lookup<'m>, route_ns: &str, p: &ParentRef) -> Option<Parent<'m>> {
    let ns = p.namespace.as_deref().unwrap_or(route_ns);
    match gateway_api_kind(p)? {
        "Gateway" => lookup.gateway(ns, &p.name).map(Parent::Gateway),
        _ => lookup.listener_set(ns, &p.name).map(Parent::Set),
    }
}

/// A route, for the messages about its parents: (kind, namespace, name, spec path).
pub(crate) type Route<'a> = (&'a str, &'a str, &'a str, &'a str);

/// GW412 and GW414 for the parentRefs of a route; GW315 for a `sectionName`
/// its gateway lacks when `sections` (TLS, TCP and UDP routes say so in GW360).
pub(crate) fn check(
    (kind, route_ns, route, origin): Route<'_>,
    refs: &[ParentRef],
    sections: bool,
    allow: &Allow,
    lookup: &Lookup<'_>,
    cx: &Context<'_>,
    diags: &mut Diagnostics,
) {
    for (pi, p) in refs.iter().enumerate() {
        if gateway_api_kind(p).is_none() {
            continue; // a mesh route's Service parent, or another implementation's kind
        }
        match of(lookup, route_ns, p) {
            Some(Parent::Gateway(gw)) => {
                let Some(section) = p.section_name.as_ref().filter(|_| sections) else {
                    continue;
                };
                if !gw.listeners.iter().any(|l| &l.name == section) && !allow.allows(Code::UnknownListener, origin) {
                    diags.push(
                        cx.err(
                            Code::UnknownListener,
                            &format!("{origin}/listener"),
                            format!("gateway `{}` has no listener `{section}`", gw.name),
                        )
                        .help("name one of the gateway's listeners"),
                    );
                }
            }
            Some(Parent::Set(_)) => {} // its listeners: `listenersets::routes`, GW360
            None => {
                // Long-form parentRefs are located at their entry; derived ones fall back to the route.
                let at = format!("{origin}/parentRefs/{pi}");
                diags.push(missing((kind, route_ns, route, origin), p, &at, lookup, cx));
            }
        }
    }
}

/// GW412 for parentRef `p` (at `at`) naming a parent of the spec in another
/// namespace; a GW414 warning when the spec has no parent of that name.
fn missing(
    (kind, route_ns, route, _): Route<'_>,
    p: &ParentRef,
    at: &str,
    lookup: &Lookup<'_>,
    cx: &Context<'_>,
) -> crate::diagnostic::Diagnostic {
    let ns = p.namespace.as_deref().unwrap_or(route_ns);
    let (what, elsewhere) = match gateway_api_kind(p) {
        Some("ListenerSet") => (
            "ListenerSet",
            lookup.listener_set_named(&p.name).map(|s| s.namespace.as_str()),
        ),
        _ => ("gateway", lookup.gateway_named(&p.name).map(|g| g.namespace.as_str())),
    };
    match elsewhere {
        Some(there) => cx
            .err(
                Code::ParentRefNamespace,
                at,
                format!(
                    "{kind} `{route_ns}/{route}` refers to {what} `{ns}/{}`, which does not exist",
                    p.name
                ),
            )
            .help(format!(
                "{what} `{}` is in namespace `{there}`: the parentRef must name it",
                p.name
            )),
        // One someone else owns: allowed, but nothing here can check the attachment.
        None => cx
            .warn(
                Code::ForeignGateway,
                at,
                format!(
                    "{kind} `{route_ns}/{route}` attaches to {what} `{ns}/{}`, which this spec does not define",
                    p.name
                ),
            )
            .help("attachment, hostnames and conflicts are only checked for the spec's own gateways and ListenerSets"),
    }
}
