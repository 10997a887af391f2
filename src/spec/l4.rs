//! TLS, TCP and UDP routes: an app's `tlsRoutes`, `tcpRoutes` and
//! `udpRoutes`, keyed by name like its `routes`. The long form uses the
//! Gateway API's field names; all three kinds are standard from v1.6.1.

use std::collections::BTreeMap;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::ParentRef;

/// A TLSRoute: TLS connections routed by SNI hostname. Short form: `host`
/// (or `hostnames`) + `to`. Long form: `hostnames` + `rules`.
#[derive(Clone, Debug, Default, Deserialize, Serialize, JsonSchema, PartialEq)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct TlsRoute {
    /// SNI hostname the route serves (short for `hostnames: [host]`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub host: Option<String>,
    /// SNI hostnames the route serves (at least one).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hostnames: Option<Vec<String>>,
    /// Backend as `service:port` or `namespace/service:port` (short form).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub to: Option<String>,
    /// Rules (long form; the API takes exactly one).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rules: Option<Vec<L4Rule>>,
    /// Gateway to attach to (the app's by default).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub gateway: Option<String>,
    /// Listener of that gateway (`sectionName`); every TLS listener by default.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub listener: Option<String>,
    /// Parents spelt out, instead of `gateway`/`listener`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub parent_refs: Option<Vec<ParentRef>>,
    /// Labels of the TLSRoute object.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub labels: BTreeMap<String, String>,
    /// Annotations of the TLSRoute object.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub annotations: BTreeMap<String, String>,
    /// Deliberate refusals to let through here (see docs/spec.md, "Allowing a refusal").
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub allow: Vec<String>,
}

/// A TCPRoute or UDPRoute: every connection (datagram) a listener accepts
/// goes to its backends. Short form: `to` (+ `listener`). Long form: `rules`.
#[derive(Clone, Debug, Default, Deserialize, Serialize, JsonSchema, PartialEq)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct L4Route {
    /// Backend as `service:port` or `namespace/service:port` (short form).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub to: Option<String>,
    /// Rules (long form; the API takes exactly one).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rules: Option<Vec<L4Rule>>,
    /// Gateway to attach to (the app's by default).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub gateway: Option<String>,
    /// Listener of that gateway (`sectionName`); every listener of the route's protocol by default.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub listener: Option<String>,
    /// Parents spelt out (with `sectionName` or `port`), instead of `gateway`/`listener`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub parent_refs: Option<Vec<ParentRef>>,
    /// Labels of the route object.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub labels: BTreeMap<String, String>,
    /// Annotations of the route object.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub annotations: BTreeMap<String, String>,
    /// Deliberate refusals to let through here (see docs/spec.md, "Allowing a refusal").
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub allow: Vec<String>,
}

/// The rule of a TLS, TCP or UDP route.
#[derive(Clone, Debug, Default, Deserialize, Serialize, JsonSchema, PartialEq)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct L4Rule {
    /// Rule name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// Where connections go (1 to 16 backends, shared by `weight`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub backend_refs: Vec<L4BackendRef>,
}

/// A backend of a TLS, TCP or UDP route: a Service by default.
#[derive(Clone, Debug, Deserialize, Serialize, JsonSchema, PartialEq)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct L4BackendRef {
    /// API group of a backend that is not a Service (`""`, the core group, by default).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub group: Option<String>,
    /// Kind of a backend that is not a Service (`Service` by default).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kind: Option<String>,
    /// Service name.
    pub name: String,
    /// Service namespace (the route's by default; another one needs a ReferenceGrant).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub namespace: Option<String>,
    /// Service port (required for a Service).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(range(min = 1, max = 65535))]
    pub port: Option<u32>,
    /// Share of connections relative to the other backends of the rule.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(range(max = 1000000))]
    pub weight: Option<u32>,
}
