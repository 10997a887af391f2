//! A Gateway's `allowedListeners` into the spec form; imported ListenerSets
//! (see `sets`) checked against the analyzer and shortened.

use std::collections::BTreeMap;

use serde_json::Value;

use super::{Cx, Object};
use crate::analyze::features::Feature;
use crate::diagnostic::Diagnostic;
use crate::load::escape_token as esc;
use crate::spec::{
    AllowedListeners, App, Listener, ListenerNamespaces, ListenerSetSettings, NamedListenerSet, ParentRef, Site,
};

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

/// Short forms of the imported ListenerSets: the only set of an app as
/// `listeners` (+ `listenerSet`); a route whose only parent is a listener of
/// one of its app's sets takes `listener:` (the bare name when only that set
/// has it, else `<set>/<listener>`; with `gateway:` for the short form when
/// the spec has several gateways); `gateway` goes from the sets when the spec has one gateway.
pub(super) fn compact(site: &mut Site) {
    let single = site.gateways.len() == 1;
    for (ns, app) in &mut site.apps {
        shorten(ns, app);
        let sets = app_sets(ns, app);
        let on_set = |refs: &Option<Vec<ParentRef>>| match refs.as_deref() {
            Some([p]) => sets.iter().find_map(|s| {
                let l = set_listener(p, &s.name, ns, &s.listeners)?;
                let shared = sets.iter().filter(|o| o.listeners.contains(&l)).count() > 1;
                let named = if shared { format!("{}/{l}", s.name) } else { l };
                Some((named, s.gateway.clone().filter(|_| s.short && !single)))
            }),
            _ => None,
        };
        for r in app.routes.values_mut() {
            if let Some((l, gateway)) = on_set(&r.parent_refs) {
                (r.listener, r.gateway, r.parent_refs) = (Some(l), gateway, None);
            }
        }
        for r in app.grpc_routes.values_mut() {
            if let Some((l, gateway)) = on_set(&r.parent_refs) {
                (r.listener, r.gateway, r.parent_refs) = (Some(l), gateway, None);
            }
        }
        if single {
            app.listener_sets.values_mut().for_each(|s| s.gateway = None);
            if let Some(settings) = app.listener_set.as_mut() {
                settings.gateway = None;
            }
        }
        if app.listener_set.as_ref() == Some(&ListenerSetSettings::default()) {
            app.listener_set = None;
        }
    }
}

/// The short form for the only ListenerSet of app `key` when it is a
/// `listenerSets` entry (the sets beside it were not imported).
fn shorten(key: &str, app: &mut App) {
    if !app.listeners.is_empty() || app.listener_sets.len() != 1 {
        return;
    }
    let Some((name, set)) = app.listener_sets.pop_first() else {
        return;
    };
    app.listeners = set.listeners;
    app.listener_set = Some(ListenerSetSettings {
        name: (name != key).then_some(name),
        gateway: set.gateway,
        labels: set.labels,
        annotations: set.annotations,
    });
}

/// One ListenerSet of an imported app.
struct AppSet {
    name: String,
    gateway: Option<String>,
    listeners: Vec<String>,
    /// The short form (`listeners` + `listenerSet`).
    short: bool,
}

/// The ListenerSets of the app of namespace `ns`.
fn app_sets(ns: &str, app: &App) -> Vec<AppSet> {
    let settings = app.listener_set.as_ref();
    let short = (!app.listeners.is_empty()).then(|| AppSet {
        name: settings.and_then(|s| s.name.clone()).unwrap_or_else(|| ns.to_string()),
        gateway: settings.and_then(|s| s.gateway.clone()),
        listeners: app.listeners.keys().cloned().collect(),
        short: true,
    });
    let named = app.listener_sets.iter().map(|(name, s)| AppSet {
        name: name.clone(),
        gateway: s.gateway.clone(),
        listeners: s.listeners.keys().cloned().collect(),
        short: false,
    });
    short.into_iter().chain(named).collect()
}

/// The listener names of every ListenerSet of an app: a route's bare
/// `listener` names one of them before a gateway's listener.
pub(super) fn own_listeners(app: &App) -> Vec<String> {
    let named = app.listener_sets.values().flat_map(|s| s.listeners.keys());
    app.listeners.keys().chain(named).cloned().collect()
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

/// A ListenerSet taken out of an app: the short form, or a `listenerSets` entry.
enum Taken {
    Short(BTreeMap<String, Listener>, Option<ListenerSetSettings>),
    Named(NamedListenerSet),
}

/// Take every ListenerSet out of `site`: (namespace, set name, the set), in
/// namespace order, then by name.
fn take_sets(site: &mut Site) -> Vec<(String, String, Taken)> {
    let mut out = Vec::new();
    for (ns, app) in &mut site.apps {
        let mut here = Vec::new();
        if !app.listeners.is_empty() {
            let settings = app.listener_set.take();
            let name = settings
                .as_ref()
                .and_then(|s| s.name.clone())
                .unwrap_or_else(|| ns.clone());
            here.push((
                ns.clone(),
                name,
                Taken::Short(std::mem::take(&mut app.listeners), settings),
            ));
        }
        for (name, set) in std::mem::take(&mut app.listener_sets) {
            here.push((ns.clone(), name, Taken::Named(set)));
        }
        here.sort_by(|a, b| a.1.cmp(&b.1));
        out.extend(here);
    }
    out
}

/// Put set `name` back into `app`, or (`set` `None`) take it out again.
fn put(app: &mut App, name: &str, set: Option<&Taken>) {
    match set {
        Some(Taken::Short(listeners, settings)) => {
            (app.listeners, app.listener_set) = (listeners.clone(), settings.clone())
        }
        Some(Taken::Named(s)) => {
            app.listener_sets.insert(name.to_string(), s.clone());
        }
        None => {
            if app.listener_sets.remove(name).is_none() {
                app.listeners.clear();
                app.listener_set = None;
            }
        }
    }
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
    let sets = take_sets(&mut trial);
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
    for (ns, name, set) in sets {
        let Some(app) = trial.apps.get_mut(&ns) else { continue };
        put(app, &name, Some(&set));
        let now = errors(&trial);
        let Some(refusal) = now.iter().find(|e| !known.contains(e)).cloned() else {
            known = now;
            continue;
        };
        if let Some(app) = trial.apps.get_mut(&ns) {
            put(app, &name, None);
        }
        withdraw(objects, cx, (&ns, &name, matches!(set, Taken::Short(..))), refusal);
    }
}

/// Take set `name` of namespace `ns` out of the imported spec (and the app,
/// when it held only that), with a warning at the object quoting `(code, message)`.
fn withdraw(
    objects: &[Object],
    cx: &mut Cx<'_>,
    (ns, name, short): (&str, &str, bool),
    (code, message): (String, String),
) {
    let mut emptied = false;
    if let Some(real) = cx.site.apps.get_mut(ns) {
        put(real, name, None);
        emptied = *real
            == crate::spec::App {
                labels: real.labels.clone(),
                ..Default::default()
            };
    }
    if emptied {
        cx.site.apps.remove(ns);
    }
    let at = if short {
        format!("/apps/{}/listeners", esc(ns))
    } else {
        format!("/apps/{}/listenerSets/{}", esc(ns), esc(name))
    };
    cx.origins.remove(&at);
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
