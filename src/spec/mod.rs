//! The spec format, `gatewright.dev/v1alpha1`.
//!
//! These types are the source of truth: the JSON Schema that validates input
//! (and that `gatewright schema` prints for editors) is derived from them.
//! Maps are keyed by name so that environment overlays and team files merge
//! by key.

use std::collections::BTreeMap;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

mod filters;
mod gateway;
pub mod gitops;
mod grpc;
mod l4;
mod listenersets;
mod open;
mod tls;

pub use filters::*;
pub use gateway::*;
pub use grpc::*;
pub use l4::*;
pub use listenersets::*;
pub use open::*;
pub use tls::*;

/// The spec's API version.
pub const API_VERSION: &str = "gatewright.dev/v1alpha1";

/// A site: the gateways a cluster operator owns and the apps that route through them.
///
/// A spec may be one file or a directory of files; every file is a `Site`
/// fragment and the fragments are merged by key.
#[derive(Clone, Debug, Default, Deserialize, Serialize, JsonSchema, PartialEq)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[schemars(title = "gatewright Site (gatewright.dev/v1alpha1)")]
pub struct Site {
    /// Always `gatewright.dev/v1alpha1`.
    pub api_version: ApiVersion,
    /// Always `Site`.
    pub kind: SiteKind,
    /// Marks a file of a directory spec as this team's app file: it may
    /// define `apps` only (the platform files own gateways and the mesh).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub team: Option<String>,
    /// A directory of templates that override the built-in blueprints, one
    /// file at a time (relative to the file that sets it; `--blueprints` wins).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub blueprints: Option<String>,
    /// The service mesh the app namespaces join.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mesh: Option<Mesh>,
    /// The Gateway API version the output targets, when it must be newer
    /// than what the gateways' profiles target (`v1.1.0` by default); a
    /// long-form feature the target lacks is an error.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(regex(pattern = r"^v[0-9]+\.[0-9]+\.[0-9]+$"))]
    pub gateway_api: Option<String>,
    /// Gateways by name.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub gateways: BTreeMap<String, Gateway>,
    /// Apps by name. The name is the app's namespace unless `namespace` says otherwise.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub apps: BTreeMap<String, App>,
    /// Opt-in: generate the Flux or Argo CD objects that point at each environment's output.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub gitops: Option<gitops::GitOps>,
}

/// The only API version this build reads.
#[derive(Clone, Copy, Debug, Default, Deserialize, Serialize, JsonSchema, PartialEq, Eq)]
pub enum ApiVersion {
    /// `gatewright.dev/v1alpha1`
    #[default]
    #[serde(rename = "gatewright.dev/v1alpha1")]
    V1Alpha1,
}

/// The only kind of document a spec holds.
#[derive(Clone, Copy, Debug, Default, Deserialize, Serialize, JsonSchema, PartialEq, Eq)]
pub enum SiteKind {
    /// A site.
    #[default]
    Site,
}

/// Service-mesh settings stamped on every app namespace.
#[derive(Clone, Debug, Default, Deserialize, Serialize, JsonSchema, PartialEq)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Mesh {
    /// Istio revision: every app namespace gets `istio.io/rev: <revision>`
    /// (for AKS, e.g. `asm-1-22`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub revision: Option<String>,
    /// Label app namespaces `istio-injection: enabled` (upstream Istio's
    /// default injection). Cannot be combined with `revision`: that label
    /// wins over `istio.io/rev` and silently disables the revision.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub default_injection: Option<bool>,
}

/// An app: one namespace, the Services it exposes, and its routes.
#[derive(Clone, Debug, Default, Deserialize, Serialize, JsonSchema, PartialEq)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct App {
    /// Namespace of the app (the app's name by default).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub namespace: Option<String>,
    /// Gateway the routes attach to (the only gateway by default).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub gateway: Option<String>,
    /// Services to switch from `LoadBalancer` to `ClusterIP`, now that the
    /// gateway is their entry point.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub services: Vec<String>,
    /// Upstream manifests that deploy the app (local path or URL); the
    /// namespace's kustomization includes them so the Service patches apply.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub manifests: Vec<String>,
    /// Mesh revision for this namespace only (e.g. during a canary upgrade).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub revision: Option<String>,
    /// Extra labels for the app's Namespace.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub labels: BTreeMap<String, String>,
    /// Listeners the app owns by name (Gateway API v1.6.1 or later): one
    /// ListenerSet in the app's namespace attached to the app's gateway,
    /// whose `allowedListeners` must admit the namespace. A route's
    /// `listener` naming one of them attaches to it.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub listeners: BTreeMap<String, Listener>,
    /// The ListenerSet of `listeners` spelt out (name, gateway, labels, annotations).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub listener_set: Option<ListenerSetSettings>,
    /// Further ListenerSets of the app's namespace by name (Gateway API
    /// v1.6.1 or later), each with its own gateway and listeners. A route's
    /// `listener` takes `<set>/<listener>`, or a listener name only one set has.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub listener_sets: BTreeMap<String, NamedListenerSet>,
    /// Routes by name; each becomes one HTTPRoute.
    #[serde(default)]
    pub routes: BTreeMap<String, Route>,
    /// gRPC routes by name; each becomes one GRPCRoute.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub grpc_routes: BTreeMap<String, GrpcRoute>,
    /// BackendTLSPolicies by Service name (Gateway API v1.6.1 or later).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub backend_tls: BTreeMap<String, BackendTls>,
    /// TLS routes by name; each becomes one TLSRoute (Gateway API v1.6.1 or later).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub tls_routes: BTreeMap<String, TlsRoute>,
    /// TCP routes by name; each becomes one TCPRoute (Gateway API v1.6.1 or later).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub tcp_routes: BTreeMap<String, L4Route>,
    /// UDP routes by name; each becomes one UDPRoute (Gateway API v1.6.1 or later).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub udp_routes: BTreeMap<String, L4Route>,
    /// Deliberate refusals to let through for every route of the app:
    /// `GW313`, `GW410`, `GW430` (see docs/spec.md, "Allowing a refusal").
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub allow: Vec<String>,
}

/// A route. Short form: `host` + `to` (+ `path`). Long form: `hostnames` + `rules`.
#[derive(Clone, Debug, Default, Deserialize, Serialize, JsonSchema, PartialEq)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Route {
    /// Hostname the route serves (short for `hostnames: [host]`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub host: Option<String>,
    /// Hostnames the route serves.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hostnames: Option<Vec<String>>,
    /// Path prefix (short form; default `/`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub path: Option<String>,
    /// Backend as `service:port` or `namespace/service:port` (short form).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub to: Option<String>,
    /// Rules (long form).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rules: Option<Vec<Rule>>,
    /// Gateway to attach to (the app's by default).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub gateway: Option<String>,
    /// Listener of that gateway (`sectionName`), or of one of the app's
    /// ListenerSets (`<set>/<listener>`, or a name only one set has); all
    /// matching listeners by default.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub listener: Option<String>,
    /// Parents spelt out (gateways outside this spec, several parents,
    /// ports, mesh Services), instead of `gateway`/`listener`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub parent_refs: Option<Vec<ParentRef>>,
    /// Labels of the HTTPRoute object (`cert-manager`, external-dns and
    /// implementations read some).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub labels: BTreeMap<String, String>,
    /// Annotations of the HTTPRoute object (e.g. `cert-manager.io/cluster-issuer`).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub annotations: BTreeMap<String, String>,
    /// Deliberate refusals to let through here: `GW313`, `GW318`, `GW410`,
    /// `GW430` (see docs/spec.md, "Allowing a refusal").
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub allow: Vec<String>,
}

/// One rule of a route (long form).
#[derive(Clone, Debug, Default, Deserialize, Serialize, JsonSchema, PartialEq)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Rule {
    /// Rule name (Gateway API v1.6.1 or later in the standard channel).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// Requests the rule matches (any of them); default: path prefix `/`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub matches: Vec<Match>,
    /// Filters applied to matching requests (header modifiers, redirect, rewrite, mirror, CORS, extension).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub filters: Vec<Filter>,
    /// Where matching requests go; `[]` is written as `backendRefs: []`,
    /// kept apart from none.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub backend_refs: Option<Vec<BackendRef>>,
    /// Request timeouts (Gateway API v1.2.0 or later).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub timeouts: Option<Timeouts>,
}

/// A request match.
#[derive(Clone, Debug, Default, Deserialize, Serialize, JsonSchema, PartialEq)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Match {
    /// Path match.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub path: Option<PathMatch>,
    /// Header matches (all must hold).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub headers: Vec<ValueMatch>,
    /// Query parameter matches (all must hold).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub query_params: Vec<ValueMatch>,
    /// HTTP method.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub method: Option<Method>,
}

/// A path match.
#[derive(Clone, Debug, Deserialize, Serialize, JsonSchema, PartialEq)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct PathMatch {
    /// `PathPrefix` (default), `Exact` or `RegularExpression`.
    #[serde(rename = "type", default = "default_path_type", skip_serializing_if = "is_prefix")]
    pub kind: PathType,
    /// The path; starts with `/`.
    pub value: String,
}

fn default_path_type() -> PathType {
    PathType::PathPrefix
}

/// How a path matches.
#[derive(Clone, Copy, Debug, Deserialize, Serialize, JsonSchema, PartialEq, Eq, Hash)]
pub enum PathType {
    /// Exact path.
    Exact,
    /// Path prefix, by `/`-separated segments.
    PathPrefix,
    /// Regular expression (implementation-specific).
    RegularExpression,
}

/// A header or query parameter match.
#[derive(Clone, Debug, Deserialize, Serialize, JsonSchema, PartialEq)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ValueMatch {
    /// `Exact` (default) or `RegularExpression`.
    #[serde(rename = "type", default = "default_value_type", skip_serializing_if = "is_exact")]
    pub kind: ValueMatchType,
    /// Header or parameter name.
    pub name: String,
    /// Value to match.
    pub value: String,
}

fn default_value_type() -> ValueMatchType {
    ValueMatchType::Exact
}

fn is_exact(t: &ValueMatchType) -> bool {
    *t == ValueMatchType::Exact
}

fn is_prefix(t: &PathType) -> bool {
    *t == PathType::PathPrefix
}

/// How a header or query value matches.
#[derive(Clone, Copy, Debug, Deserialize, Serialize, JsonSchema, PartialEq, Eq, Hash)]
pub enum ValueMatchType {
    /// Exact value.
    Exact,
    /// Regular expression.
    RegularExpression,
}

/// HTTP method.
#[derive(Clone, Copy, Debug, Deserialize, Serialize, JsonSchema, PartialEq, Eq, Hash)]
#[allow(clippy::upper_case_acronyms, missing_docs)]
pub enum Method {
    GET,
    HEAD,
    POST,
    PUT,
    DELETE,
    CONNECT,
    OPTIONS,
    TRACE,
    PATCH,
}

/// A backend: a Service by default.
#[derive(Clone, Debug, Deserialize, Serialize, JsonSchema, PartialEq)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct BackendRef {
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
    /// Share of traffic relative to the other backends of the rule.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(range(max = 1000000))]
    pub weight: Option<u32>,
    /// Filters applied to requests sent to this backend only.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub filters: Vec<Filter>,
}
