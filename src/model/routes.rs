//! HTTPRoutes and GRPCRoutes in the model: their parents, rules, matches
//! and backends, and the reference helpers the resolver and analyzer share.

use std::collections::BTreeMap;

use serde::Serialize;

use crate::spec;

/// An HTTPRoute.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct HttpRoute {
    /// Name.
    pub name: String,
    /// Namespace.
    pub namespace: String,
    /// Gateways (and listeners) it attaches to.
    pub parent_refs: Vec<ParentRef>,
    /// Hostnames (empty: any the listener accepts).
    pub hostnames: Vec<String>,
    /// Rules.
    pub rules: Vec<RouteRule>,
    /// Labels of the object.
    pub labels: BTreeMap<String, String>,
    /// Annotations of the object.
    pub annotations: BTreeMap<String, String>,
    /// Spec path.
    #[serde(skip)]
    pub origin: String,
}

/// Where a route attaches.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ParentRef {
    /// Gateway name.
    pub name: String,
    /// Gateway namespace, when it differs from the route's.
    pub namespace: Option<String>,
    /// Listener name, when the route picks one.
    pub section_name: Option<String>,
    /// Listener port, when the route picks one.
    pub port: Option<u32>,
    /// API group, when not the Gateway API's.
    pub group: Option<String>,
    /// Kind, when not `Gateway` (e.g. `Service` for a mesh route).
    pub kind: Option<String>,
}

/// A route rule.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct RouteRule {
    /// Rule name, if set.
    pub name: Option<String>,
    /// Matches (any of them).
    pub matches: Vec<RouteMatch>,
    /// Filters, in Gateway API shape (`type` always set).
    pub filters: Vec<spec::Filter>,
    /// Backends.
    pub backend_refs: Vec<BackendRef>,
    /// Whether the spec writes `backendRefs: []` (rendered so; none otherwise).
    pub empty_backend_refs: bool,
    /// Timeouts, if set.
    pub timeouts: Option<spec::Timeouts>,
    /// Spec path.
    #[serde(skip)]
    pub origin: String,
}

/// A request match.
#[derive(Debug, Clone, Serialize, PartialEq, Eq, Hash)]
#[serde(rename_all = "camelCase")]
pub struct RouteMatch {
    /// Path match.
    pub path: Option<PathMatch>,
    /// Header matches.
    pub headers: Vec<ValueMatch>,
    /// Query parameter matches.
    pub query_params: Vec<ValueMatch>,
    /// Method.
    pub method: Option<String>,
}

/// A path match.
#[derive(Debug, Clone, Serialize, PartialEq, Eq, Hash)]
pub struct PathMatch {
    /// `PathPrefix`, `Exact` or `RegularExpression`.
    #[serde(rename = "type")]
    pub kind: String,
    /// The path.
    pub value: String,
}

/// A header or query parameter match.
#[derive(Debug, Clone, Serialize, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ValueMatch {
    /// `Exact` or `RegularExpression`.
    #[serde(rename = "type")]
    pub kind: String,
    /// Name.
    pub name: String,
    /// Value.
    pub value: String,
}

/// A backend (a Service unless `kind` says otherwise).
#[derive(Debug, Clone, Serialize)]
pub struct BackendRef {
    /// API group, when not the core group.
    pub group: Option<String>,
    /// Kind, when not `Service`.
    pub kind: Option<String>,
    /// Service name.
    pub name: String,
    /// Namespace, when it differs from the route's.
    pub namespace: Option<String>,
    /// Port (`none` only for a backend kind that takes none).
    pub port: Option<u32>,
    /// Weight, if set.
    pub weight: Option<u32>,
    /// Filters for this backend only, in Gateway API shape.
    pub filters: Vec<spec::Filter>,
    /// Spec path.
    #[serde(skip)]
    pub origin: String,
}

/// A GRPCRoute.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct GrpcRoute {
    /// Name.
    pub name: String,
    /// Namespace.
    pub namespace: String,
    /// Gateways (and listeners) it attaches to.
    pub parent_refs: Vec<ParentRef>,
    /// Hostnames (empty: any the listener accepts).
    pub hostnames: Vec<String>,
    /// Rules, in Gateway API shape (`name?`, `matches`, `filters`, `backendRefs`).
    pub rules: Vec<GrpcRule>,
    /// Labels of the object.
    pub labels: BTreeMap<String, String>,
    /// Annotations of the object.
    pub annotations: BTreeMap<String, String>,
    /// Spec path.
    #[serde(skip)]
    pub origin: String,
}

/// A GRPCRoute rule.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct GrpcRule {
    /// Rule name, if set.
    pub name: Option<String>,
    /// Matches, if any: `[{method?: {type?, service?, method?}, headers?: [{type, name, value}]}]`.
    pub matches: Option<Vec<spec::GrpcMatch>>,
    /// Filters, in Gateway API shape.
    pub filters: Vec<spec::Filter>,
    /// Backends.
    pub backend_refs: Vec<BackendRef>,
    /// Whether the spec writes `backendRefs: []` (rendered so; none otherwise).
    pub empty_backend_refs: bool,
    /// Spec path.
    #[serde(skip)]
    pub origin: String,
}

/// Whether a reference with this `group` and `kind` names a Service (the
/// defaults: the core group, kind `Service`).
pub fn is_service(group: &Option<String>, kind: &Option<String>) -> bool {
    group.as_deref().unwrap_or("").is_empty() && kind.as_deref().unwrap_or("Service") == "Service"
}

/// The Services in another namespace than `from_ns` that the `requestMirror`
/// filters among `filters` (at spec path `at`) copy requests to:
/// (namespace, name, spec path of the mirror's `backendRef`).
pub fn cross_namespace_mirrors<'a>(
    filters: &'a [spec::Filter],
    at: &'a str,
    from_ns: &'a str,
) -> impl Iterator<Item = (&'a str, &'a str, String)> + 'a {
    filters.iter().enumerate().filter_map(move |(i, f)| {
        let b = &f.request_mirror.as_ref()?.backend_ref;
        let to_ns = b.namespace.as_deref().filter(|ns| *ns != from_ns)?;
        is_service(&b.group, &b.kind).then(|| {
            (
                to_ns,
                b.name.as_str(),
                format!("{at}/filters/{i}/requestMirror/backendRef"),
            )
        })
    })
}
