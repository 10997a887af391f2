//! ListenerSets: listeners a team owns outside the platform's Gateway, and
//! the Gateway's `allowedListeners`, which says whose ListenerSets it takes.

use std::collections::BTreeMap;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// Which namespaces may attach ListenerSets to a Gateway (Gateway API v1.6.1 or later).
#[derive(Clone, Debug, Deserialize, Serialize, JsonSchema, PartialEq)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct AllowedListeners {
    /// `None` (the API's default), `Same` (the gateway's namespace), `All` or `Selector`.
    pub from: ListenerNamespaces,
    /// Namespace labels for `Selector`; without it gatewright chooses
    /// `gatewright.dev/listeners-<gateway>: "true"` and stamps it on the
    /// namespaces of the apps whose `listeners` attach to the gateway.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub selector: Option<BTreeMap<String, String>>,
}

/// Namespace policy of `allowedListeners`.
#[derive(Clone, Copy, Debug, Deserialize, Serialize, JsonSchema, PartialEq, Eq)]
pub enum ListenerNamespaces {
    /// Every namespace.
    All,
    /// Only the gateway's namespace.
    Same,
    /// Namespaces whose labels match `selector`.
    Selector,
    /// No ListenerSet attaches.
    None,
}

/// The long form of an app's ListenerSet: what the short form (`listeners:`) derives.
#[derive(Clone, Debug, Default, Deserialize, Serialize, JsonSchema, PartialEq)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ListenerSetSettings {
    /// Name of the ListenerSet object (the app's key by default).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// Gateway the ListenerSet attaches to (`parentRef`; the app's gateway by default).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub gateway: Option<String>,
    /// Labels of the ListenerSet object.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub labels: BTreeMap<String, String>,
    /// Annotations of the ListenerSet object (e.g. `cert-manager.io/cluster-issuer`).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub annotations: BTreeMap<String, String>,
}

/// One of an app's named ListenerSets (`listenerSets.<name>`): the key is the
/// ListenerSet object's name.
#[derive(Clone, Debug, Default, Deserialize, Serialize, JsonSchema, PartialEq)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct NamedListenerSet {
    /// Gateway the ListenerSet attaches to (`parentRef`; the app's gateway by default).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub gateway: Option<String>,
    /// Labels of the ListenerSet object.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub labels: BTreeMap<String, String>,
    /// Annotations of the ListenerSet object (e.g. `cert-manager.io/cluster-issuer`).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub annotations: BTreeMap<String, String>,
    /// Its listeners by name, with the fields of a gateway's listeners (1 to 64).
    #[serde(default)]
    pub listeners: BTreeMap<String, super::Listener>,
}
