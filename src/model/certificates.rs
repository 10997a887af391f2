//! A listener's certificate references: Secrets, or objects of another kind.

use serde::Serialize;

/// A listener's certificate reference.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct CertificateRef {
    /// API group (`""` for a Secret).
    pub group: String,
    /// Kind (`Secret`).
    pub kind: String,
    /// Name.
    pub name: String,
    /// Namespace, when it differs from the Gateway's.
    pub namespace: Option<String>,
}

impl CertificateRef {
    /// Whether this is a core Secret, the kind gatewright checks.
    pub fn is_secret(&self) -> bool {
        self.group.is_empty() && self.kind == "Secret"
    }
}
