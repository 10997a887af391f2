//! A Gateway's `allowedListeners` into the spec form. (ListenerSet objects
//! themselves are not imported yet: they stay hand-written manifests.)

use std::collections::BTreeMap;

use serde_json::Value;

use super::{Cx, Object};
use crate::spec::{AllowedListeners, ListenerNamespaces};

/// The Gateway's `allowedListeners`: `Ok(None)` when unset, `Err(())`
/// (after a warning) when the spec form cannot say it (`matchExpressions`,
/// or a `Selector` without labels, which gatewright would fill in).
pub(super) fn allowed_listeners(o: &Object, spec: &Value, cx: &mut Cx<'_>) -> Result<Option<AllowedListeners>, ()> {
    let Some(allowed) = spec.get("allowedListeners") else {
        return Ok(None);
    };
    let namespaces = allowed.get("namespaces").cloned().unwrap_or(Value::Null);
    let from = match namespaces.get("from").and_then(Value::as_str).unwrap_or("None") {
        "All" => ListenerNamespaces::All,
        "Same" => ListenerNamespaces::Same,
        "Selector" => ListenerNamespaces::Selector,
        "None" => ListenerNamespaces::None,
        other => {
            return refuse(
                o,
                cx,
                &format!("`from: {other}` is not a policy of the standard channel"),
            );
        }
    };
    let selector = namespaces.get("selector");
    if selector.and_then(|s| s.get("matchExpressions")).is_some() {
        return refuse(
            o,
            cx,
            "a `matchExpressions` selector has no spec form (`selector` takes labels)",
        );
    }
    let labels: Option<BTreeMap<String, String>> = selector
        .and_then(|s| s.get("matchLabels"))
        .and_then(|m| serde_json::from_value(m.clone()).ok());
    if from == ListenerNamespaces::Selector && labels.as_ref().is_none_or(BTreeMap::is_empty) {
        return refuse(o, cx, "a `Selector` without labels would get gatewright's own label");
    }
    Ok(Some(AllowedListeners {
        from,
        selector: labels.filter(|_| from == ListenerNamespaces::Selector),
    }))
}

fn refuse<T>(o: &Object, cx: &mut Cx<'_>, why: &str) -> Result<T, ()> {
    cx.skip(
        o,
        "/spec/allowedListeners",
        format!("Gateway `{}` is not imported: {why}", o.name()),
        "keep this Gateway as a hand-written manifest, and attach routes to it with `parentRefs`",
    );
    Err(())
}
