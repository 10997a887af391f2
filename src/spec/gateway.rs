//! Gateways of the spec: listeners, TLS, addresses and which routes they admit.

use std::collections::BTreeMap;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::{CertificateRef, Infrastructure, RouteKind};

/// A Gateway. `profile` supplies the platform defaults (namespace, class, address).
#[derive(Clone, Debug, Default, Deserialize, Serialize, JsonSchema, PartialEq)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Gateway {
    /// Name of the Gateway object (the key by default): two Gateways of one
    /// name in different namespaces take two keys and the same `name`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// Built-in platform profile (`aks-istio-external`, `aks-istio-internal`,
    /// `aks-istio-automated`, `aks-approuting-istio`, `istio`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub profile: Option<String>,
    /// Namespace of the Gateway object (the profile's by default).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub namespace: Option<String>,
    /// `gatewayClassName` (the profile's by default).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub class_name: Option<String>,
    /// Addresses to bind: with AKS-managed Istio, the existing ingress
    /// gateway Service as a `Hostname` address. Empty means the mesh deploys
    /// the gateway itself.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub addresses: Option<Vec<Address>>,
    /// Which namespaces may attach routes to listeners that don't say.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub allowed_routes: Option<AllowedRoutes>,
    /// Which namespaces may attach ListenerSets (apps' `listeners`; v1.6.1 or later).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub allowed_listeners: Option<super::AllowedListeners>,
    /// Whether gatewright writes a Namespace manifest for the gateway's namespace.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub create_namespace: Option<bool>,
    /// Labels, annotations and parameters for what the implementation deploys (v1.2.0 or later).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub infrastructure: Option<Infrastructure>,
    /// Client certificate validation and the backend client certificate (v1.6.1 or later).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tls: Option<super::GatewayTls>,
    /// Listeners by name.
    #[serde(default)]
    pub listeners: BTreeMap<String, Listener>,
    /// Labels of the Gateway object (`cert-manager`, external-dns and
    /// implementations read some).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub labels: BTreeMap<String, String>,
    /// Annotations of the Gateway object (e.g. `cert-manager.io/cluster-issuer`).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub annotations: BTreeMap<String, String>,
    /// Deliberate refusals to let through here: `GW313`, `GW318`, `GW410`,
    /// `GW430` (see docs/spec.md, "Allowing a refusal").
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub allow: Vec<String>,
}

/// A Gateway address.
#[derive(Clone, Debug, Deserialize, Serialize, JsonSchema, PartialEq)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Address {
    /// `Hostname`, `IPAddress`, `NamedAddress` or an implementation-specific
    /// `example.com/type`.
    #[serde(rename = "type", default = "default_address_type")]
    pub kind: AddressType,
    /// The hostname or IP; none lets the implementation choose one of the
    /// type (Gateway API v1.3.0 or later).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub value: Option<String>,
}

fn default_address_type() -> AddressType {
    AddressType::Hostname
}

/// Kind of a Gateway address.
#[derive(Clone, Debug, Deserialize, Serialize, PartialEq, Eq)]
#[serde(try_from = "String", into = "String")]
pub enum AddressType {
    /// A DNS name, e.g. the Service of a managed ingress gateway.
    Hostname,
    /// An IP address.
    IPAddress,
    /// `NamedAddress` or an implementation-specific `example.com/type`,
    /// carried as written.
    Other(String),
}

/// A listener: a port, a protocol and optionally a hostname.
#[derive(Clone, Debug, Deserialize, Serialize, JsonSchema, PartialEq)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Listener {
    /// Hostname or wildcard (`*.aks.rocks`) the listener accepts; none means any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hostname: Option<String>,
    /// Protocol.
    pub protocol: Protocol,
    /// Port.
    #[schemars(range(min = 1, max = 65535))]
    pub port: u32,
    /// Which namespaces may attach routes (the gateway's setting by default).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub allowed_routes: Option<AllowedRoutes>,
    /// TLS settings (HTTPS and TLS listeners).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tls: Option<ListenerTls>,
}

/// Listener protocol.
#[derive(Clone, Debug, Deserialize, Serialize, PartialEq, Eq, Hash)]
#[serde(try_from = "String", into = "String")]
pub enum Protocol {
    /// Plain HTTP (and gRPC over h2c).
    HTTP,
    /// HTTP over TLS, terminated at the gateway.
    HTTPS,
    /// TLS, passed through or terminated (for TLSRoutes, which gatewright does not write).
    TLS,
    /// TCP (for TCPRoutes, which gatewright does not write).
    TCP,
    /// UDP (for UDPRoutes, which gatewright does not write).
    UDP,
    /// Any other protocol the API's pattern allows (`example.com/proto`,
    /// implementation-specific), carried as written and not analyzed.
    Other(String),
}

/// TLS settings of a listener.
#[derive(Clone, Debug, Deserialize, Serialize, JsonSchema, PartialEq)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ListenerTls {
    /// `Terminate` (default) or `Passthrough` (TLS listeners only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mode: Option<TlsMode>,
    /// Secrets holding the certificates, as `name` or `namespace/name`, or
    /// `{group, kind, name, namespace}` for another kind.
    #[serde(default)]
    pub certificates: Vec<CertificateRef>,
    /// Implementation-specific TLS options.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub options: BTreeMap<String, String>,
}

/// TLS mode of a listener.
#[derive(Clone, Copy, Debug, Deserialize, Serialize, JsonSchema, PartialEq, Eq)]
pub enum TlsMode {
    /// The gateway terminates TLS.
    Terminate,
    /// The gateway passes the TLS stream through.
    Passthrough,
}

/// Which namespaces may attach routes to a listener.
#[derive(Clone, Debug, Deserialize, Serialize, JsonSchema, PartialEq)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct AllowedRoutes {
    /// `All`, `Same` (the gateway's namespace) or `Selector`.
    pub from: FromNamespaces,
    /// Namespace labels for `Selector`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub selector: Option<BTreeMap<String, String>>,
    /// Route kinds admitted (by default those the listener's protocol takes).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kinds: Option<Vec<RouteKind>>,
}

/// Namespace policy of `allowedRoutes`.
#[derive(Clone, Copy, Debug, Deserialize, Serialize, JsonSchema, PartialEq, Eq)]
pub enum FromNamespaces {
    /// Every namespace.
    All,
    /// Only the gateway's namespace.
    Same,
    /// Namespaces whose labels match `selector`.
    Selector,
}
