//! `allow: [GWnnn]`: the deliberate refusals a gateway, an app or a route
//! lets through, as clippy's `#[allow]` does. Only rules that refuse input
//! the Gateway API accepts can be allowed; what the API server would refuse
//! never can.

use std::collections::BTreeSet;

use crate::diagnostic::Code;

/// The refusals a gateway may allow: code, and what it lets through.
pub const FOR_GATEWAYS: &[(Code, &str)] = &[
    (Code::ListenerTls, "an HTTPS listener without `tls` (no certificate)"),
    (
        Code::TlsRefKind,
        "a certificate reference of an implementation-specific kind",
    ),
    (
        Code::TlsPerPortNoListener,
        "a `tls.frontend.perPort` port without an HTTPS or TLS listener",
    ),
];

/// The refusals an app or a route may allow: code, and what it lets through.
pub const FOR_ROUTES: &[(Code, &str)] = &[
    (
        Code::RouteWithoutBackend,
        "a route without a backend (the API answers its requests with an error)",
    ),
    (
        Code::HostnameMatchesNoListener,
        "a route hostname that no listener of its gateway serves (the route is not accepted there)",
    ),
    (
        Code::HostnameClaimedTwice,
        "two routes claiming one hostname and match (the older route wins)",
    ),
    (
        Code::TlsRefKind,
        "a BackendTLSPolicy CA certificate of an implementation-specific kind",
    ),
    (
        Code::TlsPolicyConflict,
        "two BackendTLSPolicies for one Service port (the API applies one of them)",
    ),
    (
        Code::L4RouteAttachesNowhere,
        "a TLS, TCP or UDP route that no listener takes (the route is not accepted there)",
    ),
    (
        Code::ListenerRefusesRouteKind,
        "an HTTP or gRPC route whose listeners take no routes of its kind (the route is not accepted there)",
    ),
    (
        Code::HttpAndGrpcRouteShareHostname,
        "an HTTPRoute and a GRPCRoute whose hostnames intersect on one listener (the older route wins)",
    ),
    (
        Code::L4ListenerClaimedTwice,
        "two TCP or UDP routes on one listener, or two TLS routes with one SNI hostname (the older route wins)",
    ),
    (
        Code::UnknownListener,
        "a `sectionName` (`listener`) its gateway or ListenerSet does not have (the parentRef is not accepted)",
    ),
    (
        Code::NamespaceNotAdmitted,
        "a route whose namespace no listener it attaches to admits, of a gateway or a ListenerSet (the route is not accepted there)",
    ),
];

/// The refusals an app may allow for its ListenerSet (its `listeners`):
/// code, and what it lets through.
pub const FOR_LISTENER_SETS: &[(Code, &str)] = &[
    (
        Code::ListenerSetNotAdmitted,
        "a ListenerSet its gateway's `allowedListeners` does not admit (the gateway ignores its listeners)",
    ),
    (
        Code::ListenerClash,
        "a ListenerSet listener with the port, protocol and hostname of a listener of its gateway or of another ListenerSet (the later one is conflicted)",
    ),
    (
        Code::IncompatibleProtocols,
        "a ListenerSet listener sharing its port with a listener of an incompatible protocol (the later one is conflicted)",
    ),
];

/// The refusals allowed, by the spec path of what allows them
/// (`/gateways/KEY`, `/apps/KEY`, `/apps/KEY/routes/NAME`, ...).
#[derive(Debug, Clone, Default)]
pub struct Allow(BTreeSet<(String, String)>);

impl Allow {
    /// Let `code` through for everything at or below spec path `owner`.
    pub fn insert(&mut self, owner: String, code: String) {
        self.0.insert((owner, code));
    }

    /// Whether the finding `code` at spec path `pointer` is allowed by the
    /// gateway, app or route that `pointer` lies in.
    pub fn allows(&self, code: Code, pointer: &str) -> bool {
        if self.0.is_empty() {
            return false;
        }
        let ends = pointer.match_indices('/').map(|(i, _)| i).skip(1);
        ends.chain([pointer.len()]).any(|end| {
            self.0
                .contains(&(pointer[..end].to_string(), code.as_str().to_string()))
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn allows_below_the_owner_only() {
        let mut a = Allow::default();
        a.insert(
            "/apps/shop/routes/front".into(),
            Code::RouteWithoutBackend.as_str().into(),
        );
        assert!(a.allows(Code::RouteWithoutBackend, "/apps/shop/routes/front"));
        assert!(a.allows(Code::RouteWithoutBackend, "/apps/shop/routes/front/rules/0"));
        assert!(!a.allows(Code::RouteWithoutBackend, "/apps/shop/routes/front-2"));
        assert!(!a.allows(Code::HostnameMatchesNoListener, "/apps/shop/routes/front"));
        assert!(!a.allows(Code::RouteWithoutBackend, "/apps/shop"));
    }
}
