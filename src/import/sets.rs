//! ListenerSet objects into the spec form: the app of the set's namespace
//! takes its `listeners` and the `listenerSet` long form.

use std::collections::BTreeMap;

use serde_json::Value;

use super::{Cx, Object};
use crate::load::escape_token as esc;
use crate::spec::ListenerSetSettings;

const GROUP: &str = "gateway.networking.k8s.io";

/// A ListenerSet into the app of its namespace: `listeners` and
/// `listenerSet: {name, gateway, labels, annotations}`. Warns (and imports
/// nothing of it) when its parent is not a Gateway of the import, or when the
/// namespace's app holds a ListenerSet already.
pub(super) fn listener_set(o: &Object, cx: &mut Cx<'_>) {
    let ns = cx.namespace(o);
    let mut spec = o.value.get("spec").cloned().unwrap_or(Value::Null);
    crate::overlay::strip_nulls(&mut spec);
    let Some(key) = parent_gateway(o, &spec, &ns, cx) else {
        return;
    };
    if let Some(first) = cx.site.apps.get(&ns).filter(|a| !a.listeners.is_empty()) {
        let first = first
            .listener_set
            .as_ref()
            .and_then(|s| s.name.clone())
            .unwrap_or_else(|| ns.clone());
        return cx.skip(
            o,
            "/metadata/name",
            format!(
                "ListenerSet `{ns}/{}` is not imported: the app of namespace `{ns}` holds ListenerSet `{first}` already, and an app holds one ListenerSet",
                o.name()
            ),
            "merge the listeners into one ListenerSet, or keep this one as a hand-written manifest (routes attach to it with `parentRefs`)",
        );
    }
    let mut listeners = BTreeMap::new();
    for (i, l) in spec
        .get("listeners")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .enumerate()
    {
        let Some(listener) = super::gateway_api::listener(o, i, l, cx) else {
            return;
        };
        let written = l.get("name").and_then(Value::as_str).unwrap_or_default();
        listeners.insert(super::metadata::short_name(o, written, cx), listener);
    }
    let settings = ListenerSetSettings {
        name: (o.name() != ns).then(|| o.name().to_string()),
        gateway: Some(key),
        labels: super::metadata::string_map(o, "labels", cx),
        annotations: super::metadata::string_map(o, "annotations", cx),
    };
    cx.origins
        .insert(format!("/apps/{}/listeners", esc(&ns)), o.loc("/metadata/name"));
    let app = cx.app(&ns);
    app.listeners = listeners;
    app.listener_set = Some(settings);
}

/// The key of the imported Gateway the set's `parentRef` names; `None`
/// after a warning when it names none.
fn parent_gateway(o: &Object, spec: &Value, ns: &str, cx: &mut Cx<'_>) -> Option<String> {
    let parent = spec.get("parentRef").cloned().unwrap_or(Value::Null);
    let field = |k: &str| parent.get(k).and_then(Value::as_str);
    let (kind, group) = (field("kind").unwrap_or("Gateway"), field("group").unwrap_or(GROUP));
    let (name, gw_ns) = (field("name").unwrap_or_default(), field("namespace").unwrap_or(ns));
    let why = if kind != "Gateway" || group != GROUP {
        format!("its parent is a `{kind}` of group `{group}`, not a Gateway")
    } else if let Some(key) = cx.gateway_keys.get(&(gw_ns.to_string(), name.to_string())) {
        return Some(key.clone());
    } else {
        format!(
            "its parent Gateway `{gw_ns}/{name}` is not among the imported Gateways, and `listenerSet.gateway` names a gateway of the spec"
        )
    };
    cx.skip(
        o,
        "/spec/parentRef",
        format!("ListenerSet `{ns}/{}` is not imported: {why}", o.name()),
        "import the parent Gateway with it (pass its manifest too), or keep this ListenerSet as a hand-written manifest",
    );
    None
}
