//! HTTP and gRPC routes on listeners that do not take their kind: a TLS, TCP
//! or UDP listener, or one whose `allowedRoutes.kinds` leaves the kind out.
//! The API server accepts such a route; the gateway (or ListenerSet) leaves
//! it unaccepted there (`NotAllowedByListeners`), which Git cannot show.

use super::parents::{self, Parent};
use super::{Context, Lookup};
use crate::diagnostic::{Code, Diagnostics};
use crate::model::{GrpcRoute, HttpRoute, Listener, Model, ParentRef};

const GROUP: &str = "gateway.networking.k8s.io";

/// Protocols whose listeners take no HTTPRoute or GRPCRoute.
const OTHER_PROTOCOLS: &[&str] = &["TLS", "TCP", "UDP"];

/// What the listener checks (attachment, kinds, ListenerSets, GW364) read
/// of an HTTP or gRPC route.
#[derive(Clone, Copy)]
pub(super) struct HttpLike<'m> {
    /// `HTTPRoute` or `GRPCRoute`.
    pub kind: &'static str,
    pub namespace: &'m str,
    pub name: &'m str,
    /// The route's spec path.
    pub origin: &'m str,
    pub hostnames: &'m [String],
    pub parent_refs: &'m [ParentRef],
}

impl<'m> HttpLike<'m> {
    /// The view of an HTTPRoute.
    pub(super) fn http(r: &'m HttpRoute) -> Self {
        HttpLike {
            kind: "HTTPRoute",
            namespace: &r.namespace,
            name: &r.name,
            origin: &r.origin,
            hostnames: &r.hostnames,
            parent_refs: &r.parent_refs,
        }
    }

    /// The view of a GRPCRoute.
    pub(super) fn grpc(r: &'m GrpcRoute) -> Self {
        HttpLike {
            kind: "GRPCRoute",
            namespace: &r.namespace,
            name: &r.name,
            origin: &r.origin,
            hostnames: &r.hostnames,
            parent_refs: &r.parent_refs,
        }
    }
}

/// Every HTTPRoute, then every GRPCRoute of the model.
pub(super) fn http_like(model: &Model) -> impl Iterator<Item = HttpLike<'_>> {
    let http = model.routes.iter().map(HttpLike::http);
    http.chain(model.grpc_routes.iter().map(HttpLike::grpc))
}

/// Whether listener `l` takes routes of `kind` (`HTTPRoute`, `GRPCRoute`).
pub(super) fn takes(l: &Listener, kind: &str) -> bool {
    refusal(l, kind).is_none()
}

/// Why listener `l` does not take routes of `kind`, or `None` when it does
/// (or its protocol is one gatewright does not know: its implementation says).
fn refusal(l: &Listener, kind: &str) -> Option<String> {
    if OTHER_PROTOCOLS.contains(&l.protocol.as_str()) {
        return Some(format!("`{}` is {}", l.name, l.protocol));
    }
    let kinds = l.allowed_routes.as_ref().and_then(|a| a.kinds.as_ref())?;
    let admitted = kinds
        .iter()
        .any(|k| k.kind == kind && k.group.as_deref().is_none_or(|g| g == GROUP));
    (!admitted).then(|| format!("`{}` does not admit {kind}s (`allowedRoutes.kinds`)", l.name))
}

/// GW363 for each parentRef of an HTTP or gRPC route whose selected
/// listeners all refuse its kind.
pub fn check(model: &Model, lookup: &Lookup<'_>, cx: &Context<'_>, diags: &mut Diagnostics) {
    for HttpLike {
        kind,
        namespace: ns,
        name,
        origin,
        parent_refs: refs,
        ..
    } in http_like(model)
    {
        if model.allow.allows(Code::ListenerRefusesRouteKind, origin) {
            continue;
        }
        for p in refs.iter() {
            if let Some((parent, why)) = refused(lookup, ns, p, kind) {
                diags.push(
                    cx.err(
                        Code::ListenerRefusesRouteKind,
                        origin,
                        format!(
                            "{kind} `{ns}/{name}` attaches to no listener of {} that takes {kind}s: {}",
                            parent.describe(),
                            why.join("; ")
                        ),
                    )
                    .help(format!(
                        "point the route at an HTTP or HTTPS listener (`listener:`) of {}, or add `{kind}` to the listener's `allowedRoutes.kinds`",
                        parent.describe()
                    )),
                );
            }
        }
    }
}

/// The parent of `p` and why each listener it selects refuses `kind`, when all do.
fn refused<'m>(lookup: &Lookup<'m>, ns: &str, p: &ParentRef, kind: &str) -> Option<(Parent<'m>, Vec<String>)> {
    let parent = parents::of(lookup, ns, p)?;
    let why: Vec<Option<String>> = parent.selected(p).map(|l| refusal(l, kind)).collect();
    // No listener selected is GW315 (`references`, `listenersets`).
    if why.is_empty() || why.iter().any(Option::is_none) {
        return None;
    }
    Some((parent, why.into_iter().flatten().collect()))
}
