//! The built-in blueprints of the kinds a site has thousands of (Namespace,
//! HTTPRoute, ReferenceGrant, Service patch), built as values directly: the
//! object their template renders, without rendering text and reading it back.
//! They are used only while the blueprint is not overridden, and
//! `tests/native_render.rs` checks them against the templates, object for
//! object. A builder returns `None` where the template's output would not
//! read back as one plain object (a duplicate key); the template then runs.

use serde::Serialize;
use serde_json::{Map, Value};

use crate::model;

/// `Namespace`, as `namespace.yaml.j2` renders it.
pub(super) fn namespace(ns: &model::Namespace) -> Option<Value> {
    let mut metadata = Map::new();
    metadata.insert("name".into(), ns.name.as_str().into());
    if !ns.labels.is_empty() {
        metadata.insert("labels".into(), json(&ns.labels)?);
    }
    Some(object("v1", "Namespace", metadata, None))
}

/// `HTTPRoute`, as `httproute.yaml.j2` renders it.
pub(super) fn http_route(route: &model::HttpRoute) -> Option<Value> {
    let mut spec = Map::new();
    if !route.parent_refs.is_empty() {
        spec.insert("parentRefs".into(), route.parent_refs.iter().map(parent_ref).collect());
    }
    if !route.hostnames.is_empty() {
        spec.insert("hostnames".into(), json(&route.hostnames)?);
    }
    let rules = route.rules.iter().map(rule).collect::<Option<Vec<Value>>>()?;
    spec.insert("rules".into(), non_empty(rules));
    let mut metadata = name_and_namespace(&route.name, &route.namespace);
    if !route.labels.is_empty() {
        metadata.insert("labels".into(), json(&route.labels)?);
    }
    if !route.annotations.is_empty() {
        metadata.insert("annotations".into(), json(&route.annotations)?);
    }
    Some(object(
        "gateway.networking.k8s.io/v1",
        "HTTPRoute",
        metadata,
        Some(spec),
    ))
}

/// `ReferenceGrant`, as `referencegrant.yaml.j2` renders it.
pub(super) fn reference_grant(grant: &model::ReferenceGrant) -> Option<Value> {
    let mut from = Map::new();
    from.insert("group".into(), "gateway.networking.k8s.io".into());
    from.insert("kind".into(), grant.from_kind.as_str().into());
    from.insert("namespace".into(), grant.from_namespace.as_str().into());
    let to: Vec<Value> = grant
        .names
        .iter()
        .map(|name| {
            let mut to = Map::new();
            to.insert("group".into(), grant.to_group.as_str().into());
            to.insert("kind".into(), grant.to_kind.as_str().into());
            to.insert("name".into(), name.as_str().into());
            Value::Object(to)
        })
        .collect();
    let mut spec = Map::new();
    spec.insert("from".into(), Value::Array(vec![Value::Object(from)]));
    spec.insert("to".into(), non_empty(to));
    Some(object(
        "gateway.networking.k8s.io/v1beta1",
        "ReferenceGrant",
        name_and_namespace(&grant.name, &grant.namespace),
        Some(spec),
    ))
}

/// The Service patch, as `service-patch.yaml.j2` renders it.
pub(super) fn service_patch(patch: &model::ServicePatch) -> Option<Value> {
    let mut spec = Map::new();
    spec.insert("type".into(), "ClusterIP".into());
    for field in &patch.clear_fields {
        if spec.insert(field.clone(), Value::Null).is_some() {
            return None;
        }
    }
    if !patch.node_ports.is_empty() {
        if spec.contains_key("ports") {
            return None;
        }
        let ports = patch.node_ports.iter().map(|np| {
            let mut p = Map::new();
            p.insert("port".into(), np.port.into());
            insert_some(&mut p, "protocol", np.protocol.as_deref());
            p.insert("nodePort".into(), Value::Null);
            Value::Object(p)
        });
        spec.insert("ports".into(), ports.collect());
    }
    Some(object(
        "v1",
        "Service",
        name_and_namespace(&patch.name, &patch.namespace),
        Some(spec),
    ))
}

fn parent_ref(p: &model::ParentRef) -> Value {
    let mut m = Map::new();
    m.insert("name".into(), p.name.as_str().into());
    insert_some(&mut m, "group", p.group.as_deref());
    insert_some(&mut m, "kind", p.kind.as_deref());
    insert_some(&mut m, "namespace", p.namespace.as_deref().filter(|s| !s.is_empty()));
    insert_some(
        &mut m,
        "sectionName",
        p.section_name.as_deref().filter(|s| !s.is_empty()),
    );
    if let Some(port) = p.port {
        m.insert("port".into(), port.into());
    }
    Value::Object(m)
}

fn rule(r: &model::RouteRule) -> Option<Value> {
    let mut m = Map::new();
    let matches: Vec<Value> = if r.matches.is_empty() {
        let mut path = Map::new();
        path.insert("type".into(), "PathPrefix".into());
        path.insert("value".into(), "/".into());
        let mut only = Map::new();
        only.insert("path".into(), Value::Object(path));
        vec![Value::Object(only)]
    } else {
        r.matches.iter().map(route_match).collect::<Option<_>>()?
    };
    m.insert("matches".into(), Value::Array(matches));
    insert_some(&mut m, "name", r.name.as_deref());
    if !r.filters.is_empty() {
        m.insert("filters".into(), json(&r.filters)?);
    }
    if !r.backend_refs.is_empty() || r.empty_backend_refs {
        let refs = r.backend_refs.iter().map(backend_ref).collect::<Option<_>>()?;
        m.insert("backendRefs".into(), Value::Array(refs));
    }
    if let Some(timeouts) = &r.timeouts {
        m.insert("timeouts".into(), json(timeouts)?);
    }
    Some(Value::Object(m))
}

/// A match with none of its fields set renders as a bare `-`: a `null` item.
fn route_match(rm: &model::RouteMatch) -> Option<Value> {
    let mut m = Map::new();
    if let Some(path) = &rm.path {
        let mut p = Map::new();
        p.insert("type".into(), path.kind.as_str().into());
        p.insert("value".into(), path.value.as_str().into());
        m.insert("path".into(), Value::Object(p));
    }
    if !rm.headers.is_empty() {
        m.insert("headers".into(), json(&rm.headers)?);
    }
    if !rm.query_params.is_empty() {
        m.insert("queryParams".into(), json(&rm.query_params)?);
    }
    insert_some(&mut m, "method", rm.method.as_deref().filter(|s| !s.is_empty()));
    Some(if m.is_empty() { Value::Null } else { Value::Object(m) })
}

fn backend_ref(b: &model::BackendRef) -> Option<Value> {
    let mut m = Map::new();
    m.insert("name".into(), b.name.as_str().into());
    insert_some(&mut m, "group", b.group.as_deref());
    insert_some(&mut m, "kind", b.kind.as_deref());
    insert_some(&mut m, "namespace", b.namespace.as_deref().filter(|s| !s.is_empty()));
    if let Some(port) = b.port {
        m.insert("port".into(), port.into());
    }
    if let Some(weight) = b.weight {
        m.insert("weight".into(), weight.into());
    }
    if !b.filters.is_empty() {
        m.insert("filters".into(), json(&b.filters)?);
    }
    Some(Value::Object(m))
}

fn object(api_version: &str, kind: &str, metadata: Map<String, Value>, spec: Option<Map<String, Value>>) -> Value {
    let mut m = Map::new();
    m.insert("apiVersion".into(), api_version.into());
    m.insert("kind".into(), kind.into());
    m.insert("metadata".into(), Value::Object(metadata));
    if let Some(spec) = spec {
        m.insert("spec".into(), Value::Object(spec));
    }
    Value::Object(m)
}

fn name_and_namespace(name: &str, namespace: &str) -> Map<String, Value> {
    let mut m = Map::new();
    m.insert("name".into(), name.into());
    m.insert("namespace".into(), namespace.into());
    m
}

fn insert_some(m: &mut Map<String, Value>, key: &str, value: Option<&str>) {
    if let Some(v) = value {
        m.insert(key.into(), v.into());
    }
}

/// A key followed by an empty `{% for %}` reads back as `null`.
fn non_empty(items: Vec<Value>) -> Value {
    if items.is_empty() {
        Value::Null
    } else {
        Value::Array(items)
    }
}

/// A value the template interpolates whole (`{{ r.filters }}`), as its JSON.
fn json<T: Serialize + ?Sized>(value: &T) -> Option<Value> {
    serde_json::to_value(value).ok()
}
