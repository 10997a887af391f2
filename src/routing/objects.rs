//! Typed views of the Gateway API objects the engine reads, parsed from JSON
//! values (a YAML document's [`crate::yaml::Node::to_json`], or a rendered
//! object), each with the file and line it came from where known.

use std::collections::BTreeMap;

use serde::Deserialize;
use serde_json::Value;

/// The Gateway API group.
pub const GROUP: &str = "gateway.networking.k8s.io";

/// Where an object or a rule came from: a file and a 1-based line.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct Origin {
    /// The file, as the user named it.
    pub file: String,
    /// 1-based line.
    pub line: u32,
}

/// One object handed to the engine, with the origin of the object and of
/// each of its route rules (`spec.rules[i]`) when known.
#[derive(Clone, Debug)]
pub struct Input {
    /// The object.
    pub value: Value,
    /// Where the object starts.
    pub origin: Option<Origin>,
    /// Where each rule starts, by index (shorter than the rules when unknown).
    pub rule_origins: Vec<Option<Origin>>,
}

impl Input {
    /// An object without origins.
    pub fn bare(value: Value) -> Self {
        Input {
            value,
            origin: None,
            rule_origins: Vec::new(),
        }
    }
}

/// `metadata`, as far as routing needs it.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct Metadata {
    /// Name.
    pub name: String,
    /// Namespace (`default` when absent).
    pub namespace: Option<String>,
    /// Labels.
    pub labels: BTreeMap<String, String>,
    /// RFC 3339 creation time, when the object came from a cluster.
    pub creation_timestamp: Option<String>,
}

impl Metadata {
    /// The namespace, `default` when absent.
    pub fn ns(&self) -> &str {
        self.namespace.as_deref().filter(|n| !n.is_empty()).unwrap_or("default")
    }
}

/// A label selector (`matchLabels`, `matchExpressions`).
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct LabelSelector {
    /// Labels that must equal.
    pub match_labels: BTreeMap<String, String>,
    /// `In`, `NotIn`, `Exists`, `DoesNotExist` expressions.
    pub match_expressions: Vec<LabelExpression>,
}

/// One `matchExpressions` item.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(default)]
pub struct LabelExpression {
    /// Label key.
    pub key: String,
    /// Operator.
    pub operator: String,
    /// Values.
    pub values: Vec<String>,
}

impl LabelSelector {
    /// Whether `labels` satisfy the selector.
    pub fn matches(&self, labels: &BTreeMap<String, String>) -> bool {
        self.match_labels.iter().all(|(k, v)| labels.get(k) == Some(v))
            && self.match_expressions.iter().all(|e| {
                let value = labels.get(&e.key);
                match e.operator.as_str() {
                    "In" => value.is_some_and(|v| e.values.contains(v)),
                    "NotIn" => value.is_none_or(|v| !e.values.contains(v)),
                    "Exists" => value.is_some(),
                    "DoesNotExist" => value.is_none(),
                    _ => false,
                }
            })
    }
}

/// `namespaces` of `allowedRoutes` or `allowedListeners`.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(default)]
pub struct Namespaces {
    /// `All`, `Same`, `Selector` or `None`.
    pub from: Option<String>,
    /// For `Selector`.
    pub selector: Option<LabelSelector>,
}

/// A route kind a listener allows.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(default)]
pub struct RouteGroupKind {
    /// Group (the Gateway API group when absent).
    pub group: Option<String>,
    /// Kind.
    pub kind: String,
}

/// `allowedRoutes` of a listener.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(default)]
pub struct AllowedRoutes {
    /// Which namespaces' routes may attach.
    pub namespaces: Option<Namespaces>,
    /// Which kinds may attach (by protocol when empty).
    pub kinds: Vec<RouteGroupKind>,
}

/// A listener of a Gateway or a ListenerSet.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct ListenerSpec {
    /// Section name.
    pub name: String,
    /// Port.
    pub port: u16,
    /// `HTTP`, `HTTPS`, `TLS`, ...
    pub protocol: String,
    /// Hostname, possibly a `*.` wildcard.
    pub hostname: Option<String>,
    /// Which routes may attach.
    pub allowed_routes: AllowedRoutes,
}

/// `spec` of a Gateway.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct GatewaySpec {
    /// Listeners.
    pub listeners: Vec<ListenerSpec>,
    /// Which namespaces' ListenerSets may attach (none when absent).
    pub allowed_listeners: Option<AllowedListeners>,
}

/// `allowedListeners` of a Gateway.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(default)]
pub struct AllowedListeners {
    /// Namespaces.
    pub namespaces: Option<Namespaces>,
}

/// A reference to a parent (Gateway or ListenerSet) or a backend.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct Reference {
    /// Group.
    pub group: Option<String>,
    /// Kind.
    pub kind: Option<String>,
    /// Namespace (the referrer's when absent).
    pub namespace: Option<String>,
    /// Name.
    pub name: String,
    /// Listener name, for a parent.
    pub section_name: Option<String>,
    /// Port.
    pub port: Option<u16>,
    /// Backend weight (1 when absent).
    pub weight: Option<u32>,
    /// Per-backend filters.
    pub filters: Vec<Value>,
}

/// `spec` of a ListenerSet.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct ListenerSetSpec {
    /// The Gateway it attaches to.
    pub parent_ref: Reference,
    /// Its listeners.
    pub listeners: Vec<ListenerSpec>,
}

/// A Kubernetes object read for routing: its kind, metadata, spec and origin.
#[derive(Clone, Debug)]
pub struct Object<S> {
    /// Metadata.
    pub meta: Metadata,
    /// Spec.
    pub spec: S,
    /// Where it came from.
    pub origin: Option<Origin>,
    /// Its position among the inputs (document order).
    pub order: usize,
}

/// A Service port.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(default)]
pub struct ServicePort {
    /// Port number.
    pub port: u16,
    /// Port name.
    pub name: Option<String>,
}

/// `spec` of a Service.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(default)]
pub struct ServiceSpec {
    /// Ports.
    pub ports: Vec<ServicePort>,
    /// Pod selector.
    pub selector: BTreeMap<String, String>,
}

/// One side of a ReferenceGrant.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(default)]
pub struct GrantPeer {
    /// Group.
    pub group: String,
    /// Kind.
    pub kind: String,
    /// Namespace (in `from`).
    pub namespace: Option<String>,
    /// Name (in `to`; any when absent).
    pub name: Option<String>,
}

/// `spec` of a ReferenceGrant.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(default)]
pub struct GrantSpec {
    /// Who may refer.
    pub from: Vec<GrantPeer>,
    /// What they may refer to.
    pub to: Vec<GrantPeer>,
}

/// The group and kind of a JSON object, `(group, kind)`.
pub fn group_kind(value: &Value) -> (String, String) {
    let api = value.get("apiVersion").and_then(Value::as_str).unwrap_or("");
    let group = api.rsplit_once('/').map_or("", |(g, _)| g).to_string();
    let kind = value.get("kind").and_then(Value::as_str).unwrap_or("").to_string();
    (group, kind)
}

/// Parse an object's `metadata` and `spec` into `S`; a description of the fault otherwise.
pub fn parse<S: for<'de> Deserialize<'de> + Default>(input: &Input, order: usize) -> Result<Object<S>, String> {
    let meta: Metadata = match input.value.get("metadata") {
        Some(m) => serde_json::from_value(m.clone()).map_err(|e| format!("metadata: {e}"))?,
        None => Metadata::default(),
    };
    let spec = match input.value.get("spec") {
        Some(s) => serde_json::from_value(s.clone()).map_err(|e| format!("spec: {e}"))?,
        None => S::default(),
    };
    Ok(Object {
        meta,
        spec,
        origin: input.origin.clone(),
        order,
    })
}
