//! GRPCRoutes: an app's `grpcRoutes`, keyed by name like its `routes`.

use std::collections::BTreeMap;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::{BackendRef, Filter, ParentRef, ValueMatch, ValueMatchType};

/// A GRPCRoute. Short form: `host` + `to`. Long form: `hostnames` + `rules`.
#[derive(Clone, Debug, Default, Deserialize, Serialize, JsonSchema, PartialEq)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct GrpcRoute {
    /// Hostname the route serves (short for `hostnames: [host]`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub host: Option<String>,
    /// Hostnames the route serves.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hostnames: Option<Vec<String>>,
    /// Backend as `service:port` or `namespace/service:port` (short form: every call goes there).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub to: Option<String>,
    /// Rules (long form).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rules: Option<Vec<GrpcRule>>,
    /// Gateway to attach to (the app's by default).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub gateway: Option<String>,
    /// Listener of that gateway (`sectionName`), or of one of the app's
    /// ListenerSets (`<set>/<listener>`, or a name only one set has).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub listener: Option<String>,
    /// Parents spelt out, instead of `gateway`/`listener`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub parent_refs: Option<Vec<ParentRef>>,
    /// Labels of the GRPCRoute object (`cert-manager`, external-dns and
    /// implementations read some).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub labels: BTreeMap<String, String>,
    /// Annotations of the GRPCRoute object (e.g. `cert-manager.io/cluster-issuer`).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub annotations: BTreeMap<String, String>,
    /// Deliberate refusals to let through here: `GW313`, `GW318`, `GW410`,
    /// `GW430` (see docs/spec.md, "Allowing a refusal").
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub allow: Vec<String>,
}

/// One rule of a GRPCRoute.
#[derive(Clone, Debug, Default, Deserialize, Serialize, JsonSchema, PartialEq)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct GrpcRule {
    /// Rule name (Gateway API v1.6.1 or later in the standard channel).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// Calls the rule matches (any of them); none matches every call.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub matches: Option<Vec<GrpcMatch>>,
    /// Filters (header modifiers, mirror, extension) applied to matching calls.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub filters: Option<Vec<Filter>>,
    /// Where matching calls go.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub backend_refs: Option<Vec<BackendRef>>,
}

/// A gRPC call match.
#[derive(Clone, Debug, Default, Deserialize, Serialize, JsonSchema, PartialEq)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct GrpcMatch {
    /// Service and method.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub method: Option<GrpcMethodMatch>,
    /// Header matches (all must hold).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub headers: Option<Vec<ValueMatch>>,
}

/// A gRPC service/method match.
#[derive(Clone, Debug, Default, Deserialize, Serialize, JsonSchema, PartialEq)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct GrpcMethodMatch {
    /// `Exact` (default) or `RegularExpression`.
    #[serde(rename = "type", default, skip_serializing_if = "Option::is_none")]
    pub kind: Option<ValueMatchType>,
    /// Fully qualified service name, e.g. `foo.bar.Service`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub service: Option<String>,
    /// Method name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub method: Option<String>,
}
