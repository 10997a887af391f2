//! TLSRoutes, TCPRoutes and UDPRoutes in the model: one type, told apart by [`L4Kind`].

use std::collections::BTreeMap;

use serde::Serialize;

use super::{BackendRef, ParentRef};

/// Which of the three route kinds an [`L4Route`] is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub enum L4Kind {
    /// A TLSRoute (by SNI hostname, to `TLS` listeners).
    #[serde(rename = "TLSRoute")]
    Tls,
    /// A TCPRoute (to `TCP` listeners).
    #[serde(rename = "TCPRoute")]
    Tcp,
    /// A UDPRoute (to `UDP` listeners).
    #[serde(rename = "UDPRoute")]
    Udp,
}

impl L4Kind {
    /// Every kind, in output order.
    pub const ALL: [L4Kind; 3] = [L4Kind::Tls, L4Kind::Tcp, L4Kind::Udp];

    /// The object kind: `TLSRoute`, `TCPRoute` or `UDPRoute`.
    pub fn kind(self) -> &'static str {
        match self {
            L4Kind::Tls => "TLSRoute",
            L4Kind::Tcp => "TCPRoute",
            L4Kind::Udp => "UDPRoute",
        }
    }

    /// The listener protocol the kind attaches to.
    pub fn protocol(self) -> &'static str {
        match self {
            L4Kind::Tls => "TLS",
            L4Kind::Tcp => "TCP",
            L4Kind::Udp => "UDP",
        }
    }

    /// The app's field in the spec: `tlsRoutes`, `tcpRoutes` or `udpRoutes`.
    pub fn field(self) -> &'static str {
        match self {
            L4Kind::Tls => "tlsRoutes",
            L4Kind::Tcp => "tcpRoutes",
            L4Kind::Udp => "udpRoutes",
        }
    }

    /// The kind of a listener protocol, if one takes it.
    pub fn of_protocol(protocol: &str) -> Option<L4Kind> {
        L4Kind::ALL.into_iter().find(|k| k.protocol() == protocol)
    }
}

/// A TLSRoute, TCPRoute or UDPRoute.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct L4Route {
    /// `TLSRoute`, `TCPRoute` or `UDPRoute`.
    pub kind: L4Kind,
    /// Name.
    pub name: String,
    /// Namespace.
    pub namespace: String,
    /// Gateways (and listeners) it attaches to.
    pub parent_refs: Vec<ParentRef>,
    /// SNI hostnames (TLSRoutes; empty for TCP and UDP).
    pub hostnames: Vec<String>,
    /// Rules (the API takes exactly one).
    pub rules: Vec<L4Rule>,
    /// Labels of the object.
    pub labels: BTreeMap<String, String>,
    /// Annotations of the object.
    pub annotations: BTreeMap<String, String>,
    /// Spec path.
    #[serde(skip)]
    pub origin: String,
}

/// The rule of a TLS, TCP or UDP route.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct L4Rule {
    /// Rule name, if set.
    pub name: Option<String>,
    /// Backends (their `filters` always empty).
    pub backend_refs: Vec<BackendRef>,
    /// Spec path.
    #[serde(skip)]
    pub origin: String,
}
