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
mod routes;
mod tls;
pub use allow::{Allow, FOR_GATEWAYS, FOR_LISTENER_SETS, FOR_ROUTES};
pub use certificates::CertificateRef;
pub use l4::{L4Kind, L4Route, L4Rule};
pub use listenersets::{AllowedListeners, ListenerSet, ListenerSetParent};
pub use routes::*;
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

/// A ReferenceGrant letting objects of one namespace (routes, or Gateways
/// and ListenerSets for their certificates) refer to objects of another
/// (Services, or certificates: Secrets, ConfigMaps or other kinds).
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
    /// API group of the referred objects (`""`, the core group, for a Service, Secret or ConfigMap).
    pub to_group: String,
    /// Kind of the referred objects: `Service`, `Secret`, `ConfigMap` or another certificate kind.
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
