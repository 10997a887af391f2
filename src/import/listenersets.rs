//! A Gateway's `allowedListeners` into the spec form; imported ListenerSets
//! (see `sets`) checked against the analyzer and shortened.

use std::collections::BTreeMap;

use serde_json::Value;

use super::{Cx, Object};
use crate::analyze::features::Feature;
use crate::diagnostic::Diagnostic;
use crate::load::escape_token as esc;
use crate::spec::{AllowedListeners, ListenerNamespaces, ListenerSetSettings, ParentRef, Site};

const GROUP: &str = "gateway.networking.k8s.io";

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

/// Short forms of the imported ListenerSets: a route whose only parent is a
/// listener of its app's set takes `listener:` (and `gateway:` when the spec
/// has several), and `listenerSet.gateway` goes when the spec has one gateway.
pub(super) fn compact(site: &mut Site) {
    let single = site.gateways.len() == 1;
    for (ns, app) in &mut site.apps {
        let Some(settings) = app.listener_set.as_mut() else {
            continue;
        };
        let set = settings.name.clone().unwrap_or_else(|| ns.clone());
        let gateway = settings.gateway.clone();
        let names: Vec<String> = app.listeners.keys().cloned().collect();
        let on_set = |refs: &Option<Vec<ParentRef>>| match refs.as_deref() {
            Some([p]) => set_listener(p, &set, ns, &names),
            _ => None,
        };
        for r in app.routes.values_mut() {
            if let Some(l) = on_set(&r.parent_refs) {
                (r.listener, r.gateway, r.parent_refs) = (Some(l), gateway.clone().filter(|_| !single), None);
            }
        }
        for r in app.grpc_routes.values_mut() {
            if let Some(l) = on_set(&r.parent_refs) {
                (r.listener, r.gateway, r.parent_refs) = (Some(l), gateway.clone().filter(|_| !single), None);
            }
        }
        if single {
            settings.gateway = None;
        }
        if *settings == ListenerSetSettings::default() {
            app.listener_set = None;
        }
    }
}

/// The listener of set `set` (in `ns`) a parent reference names by `sectionName`.
fn set_listener(p: &ParentRef, set: &str, ns: &str, names: &[String]) -> Option<String> {
    let section = p.section_name.as_ref()?;
    let ours = p.group.as_deref().is_none_or(|g| g == GROUP)
        && p.kind.as_deref() == Some("ListenerSet")
        && p.name == set
        && p.namespace.as_deref().is_none_or(|n| n == ns)
        && p.port.is_none();
    (ours && names.contains(section)).then(|| section.clone())
}

/// Withdraw each imported ListenerSet that the analyzer refuses for a rule
/// `allow:` cannot let through (those `allowable` says yes to, such as a set
/// its gateway does not admit or a listener conflict, `allow::settle` writes
/// down): taken one by one in namespace order, a set stays only when it
/// adds no such error to the spec without it. A warning at the ListenerSet
/// quotes the refusal.
pub(super) fn withdraw_refused(objects: &[Object], cx: &mut Cx<'_>, allowable: fn(&Diagnostic) -> bool) {
    let mut trial = cx.site.clone();
    trial.gateway_api = Some(crate::analyze::features::since(Feature::ListenerSet).to_string());
    let mut sets = BTreeMap::new();
    for (ns, app) in &mut trial.apps {
        if !app.listeners.is_empty() {
            sets.insert(
                ns.clone(),
                (std::mem::take(&mut app.listeners), app.listener_set.take()),
            );
        }
    }
    if sets.is_empty() {
        return;
    }
    let errors = |site: &Site| -> Vec<(String, String)> {
        let (_, found) = crate::driver::check_site(site);
        found
            .iter()
            .filter(|d| d.is_error() && !allowable(d))
            .map(|d| (d.code.to_string(), d.message.clone()))
            .collect()
    };
    let mut known = errors(&trial);
    for (ns, (listeners, settings)) in sets {
        let Some(app) = trial.apps.get_mut(&ns) else { continue };
        (app.listeners, app.listener_set) = (listeners, settings);
        let now = errors(&trial);
        let Some((code, message)) = now.iter().find(|e| !known.contains(e)).cloned() else {
            known = now;
            continue;
        };
        let app = trial
            .apps
            .get_mut(&ns)
            .map(|a| (std::mem::take(&mut a.listeners), a.listener_set.take()));
        let name = app.and_then(|(_, s)| s?.name).unwrap_or_else(|| ns.clone());
        let mut emptied = false;
        if let Some(real) = cx.site.apps.get_mut(&ns) {
            real.listeners.clear();
            real.listener_set = None;
            emptied = *real
                == crate::spec::App {
                    labels: real.labels.clone(),
                    ..Default::default()
                };
        }
        if emptied {
            cx.site.apps.remove(&ns);
        }
        cx.origins.remove(&format!("/apps/{}/listeners", esc(&ns)));
        let also = if emptied {
            format!(", nor the app of namespace `{ns}`, which held only it")
        } else {
            String::new()
        };
        let mut found = None;
        for o in objects.iter().filter(|o| o.kind() == "ListenerSet" && o.name() == name) {
            if cx.namespace(o) == ns {
                found = Some(o);
            }
        }
        if let Some(o) = found {
            cx.skip(
                o,
                "/metadata/name",
                format!("ListenerSet `{ns}/{name}` is not imported{also}: the spec would refuse it ({code}: {message})"),
                "keep this ListenerSet as a hand-written manifest (routes attach to it with `parentRefs`), or fix what the refusal names",
            );
        }
    }
}
