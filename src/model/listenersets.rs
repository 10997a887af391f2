//! ListenerSets and the Gateway's `allowedListeners`.

use std::collections::BTreeMap;

use serde::Serialize;

use super::Listener;

/// Which namespaces may attach ListenerSets to a Gateway.
#[derive(Debug, Clone, Serialize)]
pub struct AllowedListeners {
    /// `All`, `Same`, `Selector` or `None`.
    pub from: String,
    /// Labels for `Selector`.
    pub selector: Option<BTreeMap<String, String>>,
}

/// A ListenerSet: listeners of an app's namespace added to a Gateway.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ListenerSet {
    /// Name.
    pub name: String,
    /// Namespace (the app's).
    pub namespace: String,
    /// The Gateway it attaches to.
    pub parent_ref: ListenerSetParent,
    /// Listeners, sorted by name.
    pub listeners: Vec<Listener>,
    /// Labels of the object.
    pub labels: BTreeMap<String, String>,
    /// Annotations of the object.
    pub annotations: BTreeMap<String, String>,
    /// Spec path of the app's `listeners`.
    #[serde(skip)]
    pub origin: String,
}

/// The Gateway a ListenerSet attaches to.
#[derive(Debug, Clone, Serialize)]
pub struct ListenerSetParent {
    /// Gateway name.
    pub name: String,
    /// Gateway namespace, when it differs from the ListenerSet's.
    pub namespace: Option<String>,
}

impl ListenerSet {
    /// The namespace of the Gateway it attaches to.
    pub fn gateway_namespace(&self) -> &str {
        self.parent_ref.namespace.as_deref().unwrap_or(&self.namespace)
    }
}
