//! Gateway API objects into the spec: Gateways, HTTPRoutes, GRPCRoutes;
//! ReferenceGrants are checked against the ones gatewright writes itself.

use std::collections::BTreeMap;

use serde_json::{Map, Value};

use super::{Cx, Object};
use crate::spec::{self, AddressType};

const GROUP: &str = "gateway.networking.k8s.io";

/// Deserialize part of a manifest into a spec type; `None` with a warning
/// naming the field when the spec cannot say it.
fn parse<T: serde::de::DeserializeOwned>(o: &Object, pointer: &str, value: Value, cx: &mut Cx<'_>) -> Option<T> {
    match serde_json::from_value(value) {
        Ok(v) => Some(v),
        Err(e) => {
            cx.skip(
                o,
                pointer,
                format!("{} `{}` is not imported: {e}", o.kind(), o.name()),
                "gatewright writes the standard channel only; keep this object as a hand-written manifest",
            );
            None
        }
    }
}

/// A Gateway into `gateways.<name>`.
pub(super) fn gateway(o: &Object, cx: &mut Cx<'_>) {
    let name = o.name().to_string();
    let ns = cx.namespace(o);
    let spec = o.value.get("spec").cloned().unwrap_or(Value::Null);
    for field in ["allowedListeners", "tls"] {
        if spec.get(field).is_some() {
            return cx.skip(
                o,
                &format!("/spec/{field}"),
                format!("Gateway `{name}` is not imported: the spec has no `{field}` yet"),
                "keep this Gateway as a hand-written manifest, and attach routes to it with `parentRefs`",
            );
        }
    }
    if cx.site.gateways.contains_key(&name) {
        return cx.skip(
            o,
            "/metadata/name",
            format!("Gateway `{name}` is not imported: another Gateway of that name was imported first"),
            "gateways are keyed by name in the spec: import the namespaces one at a time",
        );
    }
    let mut gw = spec::Gateway {
        namespace: Some(ns),
        class_name: spec.get("gatewayClassName").and_then(Value::as_str).map(str::to_string),
        ..spec::Gateway::default()
    };
    if let Some(addresses) = spec.get("addresses").and_then(Value::as_array) {
        let mut list = Vec::new();
        for a in addresses {
            let kind = match a.get("type").and_then(Value::as_str).unwrap_or("IPAddress") {
                "IPAddress" => AddressType::IPAddress,
                "Hostname" => AddressType::Hostname,
                other => {
                    return cx.skip(
                        o,
                        "/spec/addresses",
                        format!("Gateway `{name}` is not imported: address type `{other}` is not supported"),
                        "the spec takes `Hostname` and `IPAddress` addresses",
                    );
                }
            };
            let Some(value) = a.get("value").and_then(Value::as_str) else {
                return cx.skip(
                    o,
                    "/spec/addresses",
                    format!("Gateway `{name}` is not imported: an address without `value` is not supported"),
                    "give the address a value",
                );
            };
            list.push(spec::Address {
                kind,
                value: value.to_string(),
            });
        }
        gw.addresses = Some(list);
    }
    if let Some(infra) = spec.get("infrastructure") {
        gw.infrastructure = parse(o, "/spec/infrastructure", infra.clone(), cx);
        if gw.infrastructure.is_none() {
            return;
        }
    }
    for (i, l) in spec
        .get("listeners")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .enumerate()
    {
        let Some(listener) = listener(o, i, l, cx) else { return };
        let lname = l.get("name").and_then(Value::as_str).unwrap_or_default().to_string();
        gw.listeners.insert(lname, listener);
    }
    cx.site.gateways.insert(name, gw);
}

fn listener(o: &Object, i: usize, l: &Value, cx: &mut Cx<'_>) -> Option<spec::Listener> {
    let at = format!("/spec/listeners/{i}");
    let mut l = l.as_object().cloned().unwrap_or_default();
    l.remove("name");
    let allowed = l.remove("allowedRoutes");
    let tls = l.remove("tls");
    let mut listener: spec::Listener = parse(o, &at, Value::Object(l), cx)?;
    if let Some(a) = allowed {
        let mut m = Map::new();
        let ns = a.get("namespaces");
        m.insert(
            "from".into(),
            ns.and_then(|n| n.get("from")).cloned().unwrap_or_else(|| "Same".into()),
        );
        if let Some(sel) = ns.and_then(|n| n.get("selector")) {
            let mut sel = sel.as_object().cloned().unwrap_or_default();
            if let Some(labels) = sel.remove("matchLabels") {
                m.insert("selector".into(), labels);
            }
            if !sel.is_empty() {
                cx.skip(
                    o,
                    &format!("{at}/allowedRoutes/namespaces/selector"),
                    format!(
                        "Gateway `{}` is not imported: a selector with `matchExpressions` is not supported",
                        o.name()
                    ),
                    "use `matchLabels`, or keep this Gateway as a hand-written manifest",
                );
                return None;
            }
        }
        if let Some(kinds) = a.get("kinds") {
            m.insert("kinds".into(), kinds.clone());
        }
        listener.allowed_routes = parse(o, &format!("{at}/allowedRoutes"), Value::Object(m), cx);
        listener.allowed_routes.as_ref()?;
    }
    if let Some(t) = tls {
        let mut out = spec::ListenerTls {
            mode: parse(
                o,
                &format!("{at}/tls/mode"),
                t.get("mode").cloned().unwrap_or(Value::Null),
                cx,
            )?,
            certificates: Vec::new(),
            options: parse(
                o,
                &format!("{at}/tls/options"),
                t.get("options").cloned().unwrap_or(Value::Object(Map::new())),
                cx,
            )?,
        };
        for c in t.get("certificateRefs").and_then(Value::as_array).into_iter().flatten() {
            let secret = c.get("kind").and_then(Value::as_str).unwrap_or("Secret") == "Secret"
                && c.get("group").and_then(Value::as_str).unwrap_or("").is_empty();
            let name = c.get("name").and_then(Value::as_str).unwrap_or_default();
            if !secret {
                cx.skip(
                    o,
                    &format!("{at}/tls/certificateRefs"),
                    format!(
                        "Gateway `{}` is not imported: certificates other than Secrets are not supported",
                        o.name()
                    ),
                    "reference the certificate as a Secret",
                );
                return None;
            }
            out.certificates.push(match c.get("namespace").and_then(Value::as_str) {
                Some(ns) => format!("{ns}/{name}"),
                None => name.to_string(),
            });
        }
        listener.tls = Some(out);
    }
    Some(listener)
}

/// An HTTPRoute or GRPCRoute into its namespace's app.
pub(super) fn route(o: &Object, cx: &mut Cx<'_>) {
    let name = o.name().to_string();
    let ns = cx.namespace(o);
    let mut spec = o.value.get("spec").cloned().unwrap_or(Value::Object(Map::new()));
    fill_path_values(&mut spec);
    // A route without parents attaches nowhere; without this, the spec's only gateway would be its parent.
    if let Value::Object(m) = &mut spec {
        m.entry("parentRefs").or_insert_with(|| Value::Array(Vec::new()));
    }
    let grpc = o.kind() == "GRPCRoute";
    let taken = match cx.site.apps.get(&ns) {
        Some(app) if grpc => app.grpc_routes.contains_key(&name),
        Some(app) => app.routes.contains_key(&name),
        None => false,
    };
    if taken {
        return cx.skip(
            o,
            "/metadata/name",
            format!("{} `{ns}/{name}` is not imported: it was imported already", o.kind()),
            "each route appears once in the manifests",
        );
    }
    if grpc {
        if let Some(r) = parse::<spec::GrpcRoute>(o, "/spec", spec, cx) {
            cx.app(&ns).grpc_routes.insert(name, r);
        }
    } else if let Some(r) = parse::<spec::Route>(o, "/spec", spec, cx) {
        cx.app(&ns).routes.insert(name, r);
    }
}

/// A path match without `value` means `/` (the CRD's default).
fn fill_path_values(spec: &mut Value) {
    let rules = spec.get_mut("rules").and_then(Value::as_array_mut);
    for rule in rules.into_iter().flatten() {
        let matches = rule.get_mut("matches").and_then(Value::as_array_mut);
        for m in matches.into_iter().flatten() {
            if let Some(Value::Object(p)) = m.get_mut("path") {
                p.entry("value").or_insert_with(|| "/".into());
            }
        }
    }
}

/// A ReferenceGrant gatewright would write itself is dropped; others are
/// a warning (gatewright writes grants only for what the spec refers to).
pub(super) fn reference_grant(o: &Object, cx: &mut Cx<'_>) {
    let ns = cx.namespace(o);
    let kinds = |p: &str| -> Vec<String> {
        o.value
            .pointer(p)
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .filter_map(|x| x.get("kind").and_then(Value::as_str).map(str::to_string))
            .collect()
    };
    let from = kinds("/spec/from");
    let to = kinds("/spec/to");
    let routes_to_services =
        from.iter().all(|k| k == "HTTPRoute" || k == "GRPCRoute") && to.iter().all(|k| k == "Service");
    let gateways_to_secrets = from.iter().all(|k| k == "Gateway") && to.iter().all(|k| k == "Secret");
    let owned = cx.site.apps.contains_key(&ns);
    if owned && (routes_to_services || gateways_to_secrets) {
        return;
    }
    let by_ns: BTreeMap<_, _> = cx.site.apps.keys().map(|k| (k.clone(), ())).collect();
    let help = if by_ns.is_empty() {
        "gatewright writes ReferenceGrants for the namespaces its apps own; keep this one as a hand-written manifest"
            .to_string()
    } else {
        format!(
            "gatewright writes ReferenceGrants for the backends and certificates of its apps' namespaces ({}); keep this one as a hand-written manifest",
            by_ns.keys().cloned().collect::<Vec<_>>().join(", ")
        )
    };
    cx.skip(
        o,
        "/spec",
        format!("ReferenceGrant `{ns}/{}` is not imported", o.name()),
        &help,
    );
}

/// Whether a parent reference names a Gateway (group and kind defaults).
pub(super) fn is_gateway_ref(p: &spec::ParentRef) -> bool {
    p.group.as_deref().is_none_or(|g| g == GROUP) && p.kind.as_deref().is_none_or(|k| k == "Gateway")
}
