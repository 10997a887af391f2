//! Gateway `tls` and BackendTLSPolicies, resolved: every reference in the
//! API's long form (`group`, `kind` and `name` always set).

use std::collections::BTreeMap;

use serde::Serialize;

/// A Gateway's `tls`, in the API's shape (absent fields are left out).
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct GatewayTls {
    /// Frontend client certificate validation, if set.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub frontend: Option<FrontendTls>,
    /// The backend client certificate, if set.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub backend: Option<BackendClientTls>,
}

/// `tls.frontend`.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct FrontendTls {
    /// The default validation.
    pub default: FrontendTlsConfig,
    /// Overrides by port, in spec order.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub per_port: Vec<PerPortTls>,
}

/// One `perPort` entry.
#[derive(Debug, Clone, Serialize)]
pub struct PerPortTls {
    /// Port.
    pub port: u32,
    /// Its settings.
    pub tls: FrontendTlsConfig,
}

/// `{validation?}`.
#[derive(Debug, Clone, Serialize)]
pub struct FrontendTlsConfig {
    /// Client certificate validation, if set.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub validation: Option<FrontendValidation>,
}

/// `{caCertificateRefs, mode?}`.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct FrontendValidation {
    /// CA certificates.
    pub ca_certificate_refs: Vec<CertRef>,
    /// `AllowValidOnly` or `AllowInsecureFallback`, if set.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub mode: Option<String>,
}

/// `tls.backend`.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct BackendClientTls {
    /// The client certificate, if set.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub client_certificate_ref: Option<CertRef>,
}

/// A certificate reference.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct CertRef {
    /// API group (`""` for the core group).
    pub group: String,
    /// Kind.
    pub kind: String,
    /// Name.
    pub name: String,
    /// Namespace, when it differs from the referrer's.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub namespace: Option<String>,
}

/// A BackendTLSPolicy.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct BackendTlsPolicy {
    /// Name.
    pub name: String,
    /// Namespace (the app's).
    pub namespace: String,
    /// Targets: `[{group, kind, name, sectionName?}]`.
    pub target_refs: Vec<PolicyTargetRef>,
    /// `validation`.
    pub validation: BackendValidation,
    /// Implementation-specific options.
    pub options: BTreeMap<String, String>,
    /// Labels of the object.
    pub labels: BTreeMap<String, String>,
    /// Annotations of the object.
    pub annotations: BTreeMap<String, String>,
    /// Spec path.
    #[serde(skip)]
    pub origin: String,
    /// Whether `targetRefs` is spelt out (else `service`/`sectionName` or the key).
    #[serde(skip)]
    pub long_targets: bool,
}

/// A policy target.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct PolicyTargetRef {
    /// API group (`""` for the core group).
    pub group: String,
    /// Kind.
    pub kind: String,
    /// Name.
    pub name: String,
    /// Port name, if the policy is limited to one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub section_name: Option<String>,
}

/// A BackendTLSPolicy's `validation`, in the API's shape.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct BackendValidation {
    /// CA certificates (none with `wellKnownCACertificates`).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub ca_certificate_refs: Vec<CertRef>,
    /// `System`, if set.
    #[serde(rename = "wellKnownCACertificates", skip_serializing_if = "Option::is_none")]
    pub well_known_ca_certificates: Option<String>,
    /// The SNI name.
    pub hostname: String,
    /// Subject alternative names: `[{type, hostname?, uri?}]`.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub subject_alt_names: Vec<crate::spec::SubjectAltName>,
}
