//! Gateway API objects into the spec: Gateways, HTTPRoutes, GRPCRoutes
//! (BackendTLSPolicies in [`super::tls`]);
//! ReferenceGrants are checked against the ones gatewright writes itself.

use serde_json::{Map, Value};

use super::{Cx, Object, parse};
use crate::load::escape_token as esc;
use crate::spec;

const GROUP: &str = "gateway.networking.k8s.io";

/// A Gateway into `gateways.<name>`.
pub(super) fn gateway(o: &Object, cx: &mut Cx<'_>) {
    let ns = cx.namespace(o);
    let name = super::metadata::short_name(o, o.name(), cx);
    let mut spec = o.value.get("spec").cloned().unwrap_or(Value::Null);
    crate::overlay::strip_nulls(&mut spec);
    // A Gateway of the same name in another namespace: both are kept, this one under `<name>-<namespace>`.
    let key = if cx.site.gateways.contains_key(&name) {
        super::metadata::short_name(o, &format!("{name}-{ns}"), cx)
    } else {
        name.clone()
    };
    let mut gw = spec::Gateway {
        name: (key != name).then(|| name.clone()),
        labels: super::metadata::string_map(o, "labels", cx),
        annotations: super::metadata::string_map(o, "annotations", cx),
        namespace: Some(ns.clone()),
        class_name: spec.get("gatewayClassName").and_then(Value::as_str).map(str::to_string),
        ..spec::Gateway::default()
    };
    let Some(addresses) = addresses(o, &spec, cx) else {
        return;
    };
    gw.addresses = addresses;
    let Ok(allowed_listeners) = super::listenersets::allowed_listeners(o, &spec, cx) else {
        return;
    };
    gw.allowed_listeners = allowed_listeners;
    let Some(tls) = super::tls::gateway_tls(o, &spec, &ns, cx) else {
        return;
    };
    gw.tls = tls;
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
        let written = l.get("name").and_then(Value::as_str).unwrap_or_default();
        let lname = super::metadata::short_name(o, written, cx);
        if lname != written {
            cx.listener_names
                .insert((key.clone(), written.to_string()), lname.clone());
        }
        gw.listeners.insert(lname, listener);
    }
    cx.origins
        .insert(format!("/gateways/{}", esc(&key)), o.loc("/metadata/name"));
    cx.gateway_keys.insert((ns, o.name().to_string()), key.clone());
    cx.site.gateways.insert(key, gw);
}

/// The Gateway's `addresses`; `None` (with a warning) when one cannot be imported.
fn addresses(o: &Object, spec: &Value, cx: &mut Cx<'_>) -> Option<Option<Vec<spec::Address>>> {
    let Some(addresses) = spec.get("addresses").and_then(Value::as_array) else {
        return Some(None);
    };
    let mut list = Vec::new();
    for (i, a) in addresses.iter().enumerate() {
        let kind = a.get("type").cloned().unwrap_or_else(|| "IPAddress".into());
        let kind = parse(o, &format!("/spec/addresses/{i}/type"), kind, cx)?;
        let value = a.get("value").and_then(Value::as_str).map(str::to_string);
        list.push(spec::Address { kind, value });
    }
    Some(Some(list))
}

/// One listener of a Gateway or ListenerSet (`None`, after a warning, when the spec cannot say it).
pub(super) fn listener(o: &Object, i: usize, l: &Value, cx: &mut Cx<'_>) -> Option<spec::Listener> {
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
                        "{} `{}` is not imported: a selector with `matchExpressions` is not supported",
                        o.kind(),
                        o.name()
                    ),
                    "use `matchLabels`, or keep this object as a hand-written manifest",
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
        for (j, c) in t
            .get("certificateRefs")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .enumerate()
        {
            out.certificates
                .push(certificate(o, &format!("{at}/tls/certificateRefs/{j}"), c, cx)?);
        }
        listener.tls = Some(out);
    }
    Some(listener)
}

/// A certificate reference: `name` or `namespace/name` for a Secret, the long form otherwise.
fn certificate(o: &Object, at: &str, c: &Value, cx: &mut Cx<'_>) -> Option<spec::CertificateRef> {
    let object: spec::CertificateObject = parse(o, at, c.clone(), cx)?;
    if object.group.is_empty() && object.kind == "Secret" {
        return Some(spec::CertificateRef::Secret(match object.namespace {
            Some(ns) => format!("{ns}/{}", object.name),
            None => object.name,
        }));
    }
    Some(spec::CertificateRef::Object(object))
}

/// An HTTPRoute or GRPCRoute into its namespace's app.
pub(super) fn route(o: &Object, cx: &mut Cx<'_>) {
    let ns = cx.namespace(o);
    let name = super::metadata::short_name(o, o.name(), cx);
    let mut spec = o.value.get("spec").cloned().unwrap_or(Value::Object(Map::new()));
    crate::overlay::strip_nulls(&mut spec);
    fill_path_values(&mut spec);
    rename_parents(&mut spec, &ns, cx);
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
    let labels = super::metadata::string_map(o, "labels", cx);
    let annotations = super::metadata::string_map(o, "annotations", cx);
    let field = if grpc { "grpcRoutes" } else { "routes" };
    cx.origins.insert(
        format!("/apps/{}/{field}/{}", esc(&ns), esc(&name)),
        o.loc("/metadata/name"),
    );
    if grpc {
        if let Some(r) = parse::<spec::GrpcRoute>(o, "/spec", spec, cx) {
            let r = spec::GrpcRoute {
                labels,
                annotations,
                ..r
            };
            cx.app(&ns).grpc_routes.insert(name, r);
        }
    } else if let Some(r) = parse::<spec::Route>(o, "/spec", spec, cx) {
        let r = spec::Route {
            labels,
            annotations,
            ..r
        };
        cx.app(&ns).routes.insert(name, r);
    }
}

/// Parent references to a Gateway or listener imported under another name (shortened) follow it.
pub(super) fn rename_parents(spec: &mut Value, ns: &str, cx: &Cx<'_>) {
    let parents = spec.get_mut("parentRefs").and_then(Value::as_array_mut);
    for p in parents.into_iter().flatten() {
        let kind = p.get("kind").and_then(Value::as_str).unwrap_or("Gateway");
        let group = p.get("group").and_then(Value::as_str).unwrap_or(GROUP);
        let (Some(name), true) = (
            p.get("name").and_then(Value::as_str).map(str::to_string),
            kind == "Gateway" && group == GROUP,
        ) else {
            continue;
        };
        let gw_ns = p.get("namespace").and_then(Value::as_str).unwrap_or(ns);
        let Some(key) = cx.gateway_keys.get(&(gw_ns.to_string(), name.clone())) else {
            continue;
        };
        let object = cx
            .site
            .gateways
            .get(key)
            .map_or(key.as_str(), |g| g.name.as_deref().unwrap_or(key));
        let section = p.get("sectionName").and_then(Value::as_str).map(str::to_string);
        let renamed = section.and_then(|s| cx.listener_names.get(&(key.clone(), s)));
        if let Some(s) = renamed {
            p["sectionName"] = s.as_str().into();
        }
        if object != name {
            p["name"] = object.into();
        }
    }
}

/// A path match without `value` means `/` (the CRD's default).
fn fill_path_values(spec: &mut Value) {
    let rules = spec.get_mut("rules").and_then(Value::as_array_mut);
    for rule in rules.into_iter().flatten() {
        let matches = rule.get_mut("matches").and_then(Value::as_array_mut);
        for m in matches.into_iter().flatten() {
            if m.is_null() {
                *m = Value::Object(Map::new()); // a bare `-`: a match of its defaults
            }
            if let Some(Value::Object(p)) = m.get_mut("path") {
                p.entry("value").or_insert_with(|| "/".into());
            }
        }
    }
}

/// A ReferenceGrant is dropped when the grants gatewright writes for the
/// imported spec (`model`) cover every reference it grants; otherwise it is
/// a warning (it vanishes from the output).
pub(super) fn reference_grant(o: &Object, cx: &mut Cx<'_>, model: &crate::model::Model) {
    let ns = cx.namespace(o);
    let list = |p: &str| -> Vec<Value> {
        o.value
            .pointer(p)
            .and_then(Value::as_array)
            .cloned()
            .unwrap_or_default()
    };
    let field = |v: &Value, k: &str| v.get(k).and_then(Value::as_str).map(str::to_string);
    let (from, to) = (list("/spec/from"), list("/spec/to"));
    let covered = |f: &Value, t: &Value| {
        let gateway_api = field(f, "group").as_deref() == Some(GROUP);
        let core = field(t, "group").unwrap_or_default().is_empty();
        let (Some(kind), Some(from_ns), Some(to_kind)) = (field(f, "kind"), field(f, "namespace"), field(t, "kind"))
        else {
            return false;
        };
        let name = field(t, "name");
        gateway_api
            && core
            && model.reference_grants.iter().any(|g| {
                g.namespace == ns
                    && g.from_kind == kind
                    && g.from_namespace == from_ns
                    && g.to_kind == to_kind
                    && name.as_ref().is_some_and(|n| g.names.contains(n))
            })
    };
    if !from.is_empty() && !to.is_empty() && from.iter().all(|f| to.iter().all(|t| covered(f, t))) {
        return;
    }
    let written: Vec<String> = model
        .reference_grants
        .iter()
        .filter(|g| g.namespace == ns)
        .map(|g| {
            format!(
                "{}s from `{}` to {} {}",
                g.from_kind,
                g.from_namespace,
                g.to_kind,
                g.names.join(", ")
            )
        })
        .collect();
    let help = if written.is_empty() {
        format!(
            "the imported spec refers to nothing in `{ns}` from another namespace, so gatewright writes no ReferenceGrant there; keep this one as a hand-written manifest"
        )
    } else {
        format!(
            "gatewright writes grants in `{ns}` only for what the spec refers to ({}); keep this one as a hand-written manifest",
            written.join("; ")
        )
    };
    cx.skip(
        o,
        "/spec",
        format!(
            "ReferenceGrant `{ns}/{}` is not imported: the grants gatewright writes do not cover it",
            o.name()
        ),
        &help,
    );
}

/// Whether a parent reference names a Gateway (group and kind defaults).
pub(super) fn is_gateway_ref(p: &spec::ParentRef) -> bool {
    p.group.as_deref().is_none_or(|g| g == GROUP) && p.kind.as_deref().is_none_or(|k| k == "Gateway")
}
