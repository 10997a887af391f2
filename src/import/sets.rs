//! ListenerSet objects into the spec form: the app of the set's namespace
//! takes its `listeners` and the `listenerSet` long form, or, when the
//! namespace has several ListenerSets, one `listenerSets` entry for each.

use std::collections::BTreeMap;

use serde_json::Value;

use super::{Cx, Object};
use crate::load::escape_token as esc;
use crate::spec::{App, ListenerSetSettings, NamedListenerSet};

const GROUP: &str = "gateway.networking.k8s.io";

/// A ListenerSet into the app of its namespace: `listeners` and
/// `listenerSet: {name, gateway, labels, annotations}` for the first, and
/// `listenerSets.<name>` for every set once the namespace has a second.
/// Warns (and imports nothing of it) when its parent is not a Gateway of the import.
pub(super) fn listener_set(o: &Object, cx: &mut Cx<'_>) {
    let ns = cx.namespace(o);
    let mut spec = o.value.get("spec").cloned().unwrap_or(Value::Null);
    crate::overlay::strip_nulls(&mut spec);
    let Some(key) = parent_gateway(o, &spec, &ns, cx) else {
        return;
    };
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
    let set = NamedListenerSet {
        gateway: Some(key),
        labels: super::metadata::string_map(o, "labels", cx),
        annotations: super::metadata::string_map(o, "annotations", cx),
        listeners,
    };
    let loc = o.loc("/metadata/name");
    let several = cx
        .site
        .apps
        .get(&ns)
        .is_some_and(|a| !a.listeners.is_empty() || !a.listener_sets.is_empty());
    if several {
        if let Some(at) = cx.site.apps.get_mut(&ns).and_then(|a| unshort(&ns, a)) {
            let moved = cx.origins.remove(&format!("/apps/{}/listeners", esc(&ns))).flatten();
            cx.origins.insert(at, moved);
        }
        cx.origins
            .insert(format!("/apps/{}/listenerSets/{}", esc(&ns), esc(o.name())), loc);
        cx.app(&ns).listener_sets.insert(o.name().to_string(), set);
        return;
    }
    cx.origins.insert(format!("/apps/{}/listeners", esc(&ns)), loc);
    let app = cx.app(&ns);
    app.listeners = set.listeners;
    app.listener_set = Some(ListenerSetSettings {
        name: (o.name() != ns).then(|| o.name().to_string()),
        gateway: set.gateway,
        labels: set.labels,
        annotations: set.annotations,
    });
}

/// Move the short-form ListenerSet of app `key` (`listeners` and
/// `listenerSet`) into `listenerSets`; its spec path there, `None` without one.
fn unshort(key: &str, app: &mut App) -> Option<String> {
    if app.listeners.is_empty() {
        return None;
    }
    let settings = app.listener_set.take().unwrap_or_default();
    let name = settings.name.unwrap_or_else(|| key.to_string());
    let set = NamedListenerSet {
        gateway: settings.gateway,
        labels: settings.labels,
        annotations: settings.annotations,
        listeners: std::mem::take(&mut app.listeners),
    };
    app.listener_sets.insert(name.clone(), set);
    Some(format!("/apps/{}/listenerSets/{}", esc(key), esc(&name)))
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
