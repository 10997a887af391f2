//! TLS beyond listener certificates: a Gateway's `tls` (frontend client
//! certificate validation, the backend client certificate) and an app's
//! `backendTls` (one BackendTLSPolicy per entry). Both are Gateway API
//! v1.6.1 standard-channel features; the field names are the API's.

use std::collections::BTreeMap;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// Gateway `tls`: client certificates the gateway checks (frontend) and
/// presents (backend).
#[derive(Clone, Debug, Default, Deserialize, Serialize, JsonSchema, PartialEq)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct GatewayTls {
    /// Client certificate validation of connections to the gateway's TLS listeners.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub frontend: Option<FrontendTls>,
    /// What the gateway presents to backends that ask for a client certificate.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub backend: Option<BackendClientTls>,
}

/// `tls.frontend`: the default validation and per-port overrides.
#[derive(Clone, Debug, Default, Deserialize, Serialize, JsonSchema, PartialEq)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct FrontendTls {
    /// Validation for every TLS listener without a `perPort` entry.
    pub default: FrontendTlsConfig,
    /// Validation for the listeners of one port, by port.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub per_port: Vec<PerPortTls>,
}

/// One `perPort` entry.
#[derive(Clone, Debug, Deserialize, Serialize, JsonSchema, PartialEq)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct PerPortTls {
    /// A port of the gateway's TLS listeners.
    #[schemars(range(min = 1, max = 65535))]
    pub port: u32,
    /// Validation for that port.
    pub tls: FrontendTlsConfig,
}

/// Frontend TLS settings (`validation`).
#[derive(Clone, Debug, Default, Deserialize, Serialize, JsonSchema, PartialEq)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct FrontendTlsConfig {
    /// Client certificate validation; none means clients are not asked for one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub validation: Option<FrontendValidation>,
}

/// `validation`: the CA certificates client certificates must chain to.
#[derive(Clone, Debug, Default, Deserialize, Serialize, JsonSchema, PartialEq)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct FrontendValidation {
    /// CA certificates: `name` or `namespace/name` of a ConfigMap, or
    /// `{group, kind, name, namespace}` (1 to 16).
    #[serde(default)]
    pub ca_certificate_refs: Vec<CertRef>,
    /// `AllowValidOnly` (the API's default) or `AllowInsecureFallback`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mode: Option<ValidationMode>,
}

/// How strictly client certificates are required.
#[derive(Clone, Copy, Debug, Deserialize, Serialize, JsonSchema, PartialEq, Eq)]
pub enum ValidationMode {
    /// Only clients with a valid certificate connect.
    AllowValidOnly,
    /// Clients without a valid certificate connect too.
    AllowInsecureFallback,
}

/// `tls.backend`.
#[derive(Clone, Debug, Default, Deserialize, Serialize, JsonSchema, PartialEq)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct BackendClientTls {
    /// The client certificate: `name` or `namespace/name` of a Secret, or `{group, kind, name, namespace}`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub client_certificate_ref: Option<CertRef>,
}

/// A certificate reference: `name` or `namespace/name` of the field's
/// default kind (ConfigMap for CA certificates, Secret for a client
/// certificate), or the API's long form.
#[derive(Clone, Debug, Deserialize, Serialize, JsonSchema, PartialEq)]
#[serde(untagged)]
pub enum CertRef {
    /// `name` or `namespace/name`.
    Short(String),
    /// `{group, kind, name, namespace}`.
    Long(ObjectReference),
}

/// A reference in the API's long form.
#[derive(Clone, Debug, Deserialize, Serialize, JsonSchema, PartialEq)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ObjectReference {
    /// API group (`""`, the core group, by default).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub group: Option<String>,
    /// Kind (the field's default kind by default).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kind: Option<String>,
    /// Name.
    pub name: String,
    /// Namespace (the referrer's by default; another one needs a ReferenceGrant).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub namespace: Option<String>,
}

/// One BackendTLSPolicy: how gateways connect to a Service of the app over TLS.
/// The key is the Service's name unless `service` or `targetRefs` say otherwise.
#[derive(Clone, Debug, Default, Deserialize, Serialize, JsonSchema, PartialEq)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct BackendTls {
    /// Name of the BackendTLSPolicy object (the key by default).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// The Service the policy applies to (the key by default).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub service: Option<String>,
    /// The Service port, by name, the policy applies to (all ports by default).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub section_name: Option<String>,
    /// Targets spelt out (several Services, or kinds other than Service), instead of `service`/`sectionName`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub target_refs: Option<Vec<PolicyTargetRef>>,
    /// The name the backend's certificate must be valid for (SNI).
    pub hostname: String,
    /// CA certificates: ConfigMap names, or `{group, kind, name}` (up to 8).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub ca_certificate_refs: Vec<CertRef>,
    /// `System`: the platform's trusted CAs, instead of `caCertificateRefs`.
    #[serde(default, rename = "wellKnownCACertificates", skip_serializing_if = "Option::is_none")]
    pub well_known_ca_certificates: Option<String>,
    /// Names the certificate must carry instead of `hostname` (up to 5).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub subject_alt_names: Vec<SubjectAltName>,
    /// Implementation-specific TLS options (up to 16).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub options: BTreeMap<String, String>,
    /// Labels of the object.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub labels: BTreeMap<String, String>,
    /// Annotations of the object.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub annotations: BTreeMap<String, String>,
    /// Deliberate refusals to let through here: `GW370`, `GW375` (see docs/spec.md, "Allowing a refusal").
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub allow: Vec<String>,
}

/// A policy target in the API's long form.
#[derive(Clone, Debug, Deserialize, Serialize, JsonSchema, PartialEq)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct PolicyTargetRef {
    /// API group (`""`, the core group, by default).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub group: Option<String>,
    /// Kind (`Service` by default).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kind: Option<String>,
    /// Name.
    pub name: String,
    /// Port name of the target.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub section_name: Option<String>,
}

/// A subject alternative name the backend's certificate must carry.
#[derive(Clone, Debug, Deserialize, Serialize, JsonSchema, PartialEq)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct SubjectAltName {
    /// `Hostname` or `URI`.
    #[serde(rename = "type")]
    pub kind: SanType,
    /// The hostname (`type: Hostname`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hostname: Option<String>,
    /// The URI (`type: URI`), e.g. a SPIFFE ID.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub uri: Option<String>,
}

/// Kind of a subject alternative name.
#[derive(Clone, Copy, Debug, Deserialize, Serialize, JsonSchema, PartialEq, Eq)]
#[allow(clippy::upper_case_acronyms)]
pub enum SanType {
    /// A DNS name.
    Hostname,
    /// A URI.
    URI,
}
