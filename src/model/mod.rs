//! The resolved model: every default filled, every name derived, every short
//! form expanded. Blueprints see only this (it is their stable contract:
//! field names mirror the Gateway API's, in camelCase), and the analyzer
//! checks it. Each item keeps `origin`, the spec path it came from, which is
//! not part of the template context.

use std::collections::BTreeMap;

use serde::Serialize;

use crate::spec;

mod allow;
mod certificates;
mod l4;
mod listenersets;
mod tls;
pub use allow::{Allow, FOR_GATEWAYS, FOR_LISTENER_SETS, FOR_ROUTES};
pub use certificates::CertificateRef;
pub use l4::{L4Kind, L4Route, L4Rule};
pub use listenersets::{AllowedListeners, ListenerSet, ListenerSetParent};
pub use tls::*;

/// Everything a render produces, before templates run.
#[derive(Debug, Clone, Default, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Model {
    /// The Gateway API version the output needs (`v1.1.0`, ...).
    pub gateway_api_version: String,
    /// Gateways.
    pub gateways: Vec<Gateway>,
    /// Namespaces gatewright writes (app namespaces, and gateway namespaces a profile creates).
    pub namespaces: Vec<Namespace>,
    /// ListenerSets (apps' `listeners`).
    pub listener_sets: Vec<ListenerSet>,
    /// HTTPRoutes.
    pub routes: Vec<HttpRoute>,
    /// GRPCRoutes.
    pub grpc_routes: Vec<GrpcRoute>,
    /// BackendTLSPolicies.
    pub backend_tls_policies: Vec<BackendTlsPolicy>,
    /// TLSRoutes, TCPRoutes and UDPRoutes.
    pub l4_routes: Vec<L4Route>,
    /// ReferenceGrants for cross-namespace backends.
    pub reference_grants: Vec<ReferenceGrant>,
    /// Patches that switch app Services to `ClusterIP`.
    pub service_patches: Vec<ServicePatch>,
    /// Upstream manifests included by an app's kustomization.
    pub upstreams: Vec<Upstream>,
    /// The refusals the spec's `allow:` lists let through.
    #[serde(skip)]
    pub allow: Allow,
}

/// A Gateway.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Gateway {
    /// Object name.
    pub name: String,
    /// Namespace.
    pub namespace: String,
    /// `gatewayClassName`.
    pub class_name: String,
    /// Addresses (empty: the implementation deploys the gateway).
    pub addresses: Vec<Address>,
    /// Listeners, sorted by name.
    pub listeners: Vec<Listener>,
    /// `allowedListeners`, if set (the API's default admits no ListenerSet).
    pub allowed_listeners: Option<AllowedListeners>,
    /// `infrastructure` (labels, annotations, parametersRef), if set.
    pub infrastructure: Option<spec::Infrastructure>,
    /// `tls` (frontend validation, backend client certificate), if set.
    pub tls: Option<GatewayTls>,
    /// Labels of the object.
    pub labels: BTreeMap<String, String>,
    /// Annotations of the object.
    pub annotations: BTreeMap<String, String>,
    /// Key of the gateway in the spec (the object name unless `name` is set).
    #[serde(skip)]
    pub key: String,
    /// Spec path.
    #[serde(skip)]
    pub origin: String,
}

/// A Gateway address.
#[derive(Debug, Clone, Serialize)]
pub struct Address {
    /// `Hostname`, `IPAddress` or another type the API allows.
    #[serde(rename = "type")]
    pub kind: String,
    /// The address; none lets the implementation choose.
    pub value: Option<String>,
}

/// A Gateway listener.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Listener {
    /// Listener name (`sectionName`).
    pub name: String,
    /// Hostname, if the listener is limited to one.
    pub hostname: Option<String>,
    /// `HTTP` or `HTTPS`.
    pub protocol: String,
    /// Port.
    pub port: u32,
    /// Route admission, if set (the API's default is `Same`).
    pub allowed_routes: Option<AllowedRoutes>,
    /// TLS certificates (HTTPS).
    pub tls: Option<ListenerTls>,
    /// Spec path.
    #[serde(skip)]
    pub origin: String,
}

/// Route admission of a listener.
#[derive(Debug, Clone, Serialize)]
pub struct AllowedRoutes {
    /// `All`, `Same` or `Selector`.
    pub from: String,
    /// Labels for `Selector`.
    pub selector: Option<BTreeMap<String, String>>,
    /// Admitted route kinds, if limited: `[{group?, kind}]`.
    pub kinds: Option<Vec<spec::RouteKind>>,
}

/// TLS termination settings.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ListenerTls {
    /// `Terminate` or `Passthrough`.
    pub mode: String,
    /// The certificates: Secrets, or objects of another kind.
    pub certificate_refs: Vec<CertificateRef>,
    /// Implementation-specific options.
    pub options: BTreeMap<String, String>,
}

/// A reference by name and optional namespace.
#[derive(Debug, Clone, Serialize, PartialEq, Eq, PartialOrd, Ord)]
pub struct ObjectRef {
    /// Name.
    pub name: String,
    /// Namespace, when it differs from the referrer's.
    pub namespace: Option<String>,
}

/// A Namespace manifest.
#[derive(Debug, Clone, Serialize)]
pub struct Namespace {
    /// Name.
    pub name: String,
    /// Labels (mesh revision, selector labels, user labels).
    pub labels: BTreeMap<String, String>,
    /// Spec path.
    #[serde(skip)]
    pub origin: String,
}

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

/// A ReferenceGrant letting objects of one namespace (HTTPRoutes, or
/// Gateways for their certificates) refer to objects of another (Services,
/// or Secrets).
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ReferenceGrant {
    /// Name.
    pub name: String,
    /// Namespace of the referred objects.
    pub namespace: String,
    /// Kind of the referring objects: `HTTPRoute`, `GRPCRoute`, `Gateway` or `ListenerSet`
    /// (group `gateway.networking.k8s.io`).
    pub from_kind: String,
    /// Namespace of the referring objects.
    pub from_namespace: String,
    /// Kind of the referred objects: `Service` or `Secret` (core group).
    pub to_kind: String,
    /// Names of the referred objects, sorted.
    pub names: Vec<String>,
    /// Spec path of the first reference it grants.
    #[serde(skip)]
    pub origin: String,
}

/// A strategic-merge patch that makes a Service `ClusterIP`.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ServicePatch {
    /// Service name.
    pub name: String,
    /// Namespace.
    pub namespace: String,
    /// `spec` fields only `NodePort`/`LoadBalancer` Services may carry, found
    /// in the upstream manifest; the patch sets them to `null` (deletes them).
    pub clear_fields: Vec<String>,
    /// Ports whose `nodePort` the patch deletes.
    pub clear_node_ports: Vec<u32>,
    /// The same ports with their `protocol` as the manifest sets it (the
    /// patch must name it for kustomize to merge the port).
    pub node_ports: Vec<NodePort>,
    /// Spec path.
    #[serde(skip)]
    pub origin: String,
}

/// A Service port whose `nodePort` a patch deletes.
#[derive(Debug, Clone, Serialize)]
pub struct NodePort {
    /// `port`.
    pub port: u32,
    /// `protocol`, when the manifest sets it.
    pub protocol: Option<String>,
}

/// An upstream manifest an app's kustomization includes.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Upstream {
    /// The app namespace.
    pub namespace: String,
    /// A URL (kustomize fetches it) or the file name of a vendored copy.
    pub resource: String,
    /// For a local file: its text, copied into the output.
    #[serde(skip)]
    pub content: Option<String>,
    /// For a local file: where it was read from.
    #[serde(skip)]
    pub path: Option<std::path::PathBuf>,
    /// For a local file: whether it holds a Namespace (which kustomize
    /// renames to the app's namespace, so gatewright patches that one
    /// instead of writing a second).
    #[serde(skip)]
    pub has_namespace: bool,
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
