//! ListenerSets: an app's `listeners` become one ListenerSet in its
//! namespace attached to its gateway, and each entry of its `listenerSets`
//! one more; the gateway's `allowedListeners`. The routes of the app that
//! name one of those listeners attach to its set (see `setlisteners`).

use std::collections::BTreeMap;

use super::gateways::resolve_listener;
use super::setlisteners::{Scope, SetScope};
use super::{Context, GATEWRIGHT_LABEL_PREFIX};
use crate::diagnostic::{Code, Diagnostics};
use crate::load::escape_token as esc;
use crate::model::{self, Model};
use crate::spec::{self, ListenerNamespaces, Site};

/// The namespace label a bare `allowedListeners: { from: Selector }` of
/// gateway `key` matches; gatewright stamps it on the namespaces of the apps
/// whose ListenerSets attach to that gateway.
pub fn listeners_label(key: &str) -> String {
    format!("{GATEWRIGHT_LABEL_PREFIX}listeners-{key}")
}

/// `allowedListeners` of gateway `key`, as the model has it.
pub(super) fn allowed_listeners(key: &str, gw: &spec::Gateway) -> Option<model::AllowedListeners> {
    gw.allowed_listeners.as_ref().map(|a| model::AllowedListeners {
        from: format!("{:?}", a.from),
        selector: match (a.from, &a.selector) {
            (ListenerNamespaces::Selector, None) => Some(BTreeMap::from([(listeners_label(key), "true".into())])),
            (_, selector) => selector.clone(),
        },
    })
}

/// One ListenerSet of an app, as the spec gives it: the short form
/// (`listeners` + `listenerSet`) or an entry of `listenerSets`.
struct Declared<'a> {
    name: String,
    gateway: Option<&'a str>,
    labels: &'a BTreeMap<String, String>,
    annotations: &'a BTreeMap<String, String>,
    listeners: &'a BTreeMap<String, spec::Listener>,
    /// Spec path of the set (`listenerSets/<name>`, or the app for the short form).
    at: String,
    /// Spec path of the set's settings (`gateway` is below it when `on_set`).
    gateway_at: String,
    /// Whether the set names its gateway (else the app's gateway is taken).
    on_set: bool,
}

/// The sets app `key` declares, with GW351 for a `listenerSet` or a
/// `listenerSets` entry without listeners and GW353 for a name given twice.
fn declared<'a>(key: &str, app: &'a spec::App, cx: &Context<'_>, diags: &mut Diagnostics) -> Vec<Declared<'a>> {
    let base = format!("/apps/{}", esc(key));
    let mut out = Vec::new();
    let settings = app.listener_set.as_ref();
    if !app.listeners.is_empty() {
        out.push(Declared {
            name: settings.and_then(|s| s.name.clone()).unwrap_or_else(|| key.to_string()),
            gateway: settings.and_then(|s| s.gateway.as_deref()).or(app.gateway.as_deref()),
            labels: settings.map_or(&EMPTY, |s| &s.labels),
            annotations: settings.map_or(&EMPTY, |s| &s.annotations),
            listeners: &app.listeners,
            at: base.clone(),
            gateway_at: match settings.and_then(|s| s.gateway.as_ref()) {
                Some(_) => format!("{base}/listenerSet"),
                None => format!("{base}/listeners"),
            },
            on_set: settings.is_some_and(|s| s.gateway.is_some()),
        });
    } else if settings.is_some() {
        diags.push(
            cx.err(
                Code::ListenerSetWithoutListeners,
                &format!("{base}/listenerSet"),
                format!("app `{key}` has a `listenerSet` but no `listeners`"),
            )
            .help("add `listeners:` to the app (a ListenerSet holds 1 to 64 listeners), or remove `listenerSet`"),
        );
    }
    for (name, set) in &app.listener_sets {
        let at = format!("{base}/listenerSets/{}", esc(name));
        if set.listeners.is_empty() {
            diags.push(
                cx.err(
                    Code::ListenerSetWithoutListeners,
                    &at,
                    format!("ListenerSet `{name}` of app `{key}` has no `listeners`"),
                )
                .help("give it `listeners:` (a ListenerSet holds 1 to 64 listeners), or remove it"),
            );
            continue;
        }
        if let Some(first) = out.iter().find(|d| &d.name == name) {
            diags.push(
                cx.err(Code::SameListenerSetTwice, &at, format!("app `{key}` declares ListenerSet `{name}` twice: by `listeners` and in `listenerSets`"))
                    .at(cx.prov.locate_key(&at))
                    .related(cx.loc(&format!("{}/listeners", first.at)), "the app's `listeners` are ListenerSet `{name}` too")
                    .help(format!("rename the `listenerSets` entry, or give the app's `listenerSet` another `name`, or move the app's `listeners` into `listenerSets.{name}`")),
            );
            continue;
        }
        out.push(Declared {
            name: name.clone(),
            gateway: set.gateway.as_deref().or(app.gateway.as_deref()),
            labels: &set.labels,
            annotations: &set.annotations,
            listeners: &set.listeners,
            gateway_at: at.clone(),
            on_set: set.gateway.is_some(),
            at,
        });
    }
    out
}

static EMPTY: BTreeMap<String, String> = BTreeMap::new();

/// Resolve the ListenerSets of app `key` in namespace `ns` (those without
/// findings); `cx.listener_set` holds every set whose gateway is known, for
/// the app's routes.
pub(super) fn resolve_sets(
    (key, app, ns): (&str, &spec::App, &str),
    site: &Site,
    model: &Model,
    cx: &mut Context<'_>,
    diags: &mut Diagnostics,
) -> Vec<model::ListenerSet> {
    cx.listener_set = None;
    let base = format!("/apps/{}", esc(key));
    let mut scope = Scope::default();
    let mut out = Vec::new();
    for d in declared(key, app, cx, diags) {
        let gw = super::pick_gateway(d.gateway, site, model, &d.gateway_at, d.on_set, &base, cx, diags);
        let Some(gw) = gw else { continue };
        scope.sets.push(SetScope {
            name: d.name.clone(),
            gateway: gw.key.clone(),
            listeners: d.listeners.keys().cloned().collect(),
        });
        out.extend(resolve_one(&d, gw, ns, cx, diags));
    }
    cx.listener_set = Some(scope);
    out
}

/// One declared set on gateway `gw`; `None` after findings in its listeners.
fn resolve_one(
    d: &Declared<'_>,
    gw: &model::Gateway,
    ns: &str,
    cx: &Context<'_>,
    diags: &mut Diagnostics,
) -> Option<model::ListenerSet> {
    let mut ok = true;
    let mut listeners = Vec::new();
    for (lname, l) in d.listeners {
        let origin = format!("{}/listeners/{}", d.at, esc(lname));
        if l.allowed_routes
            .as_ref()
            .is_some_and(|a| a.from == spec::FromNamespaces::Selector && a.selector.is_none())
        {
            diags.push(
                cx.err(Code::ListenerSetSelector, &format!("{origin}/allowedRoutes"), format!("listener `{lname}` admits routes by `Selector` without a `selector`"))
                    .help("give the namespace labels (`selector: {LABEL: VALUE}`), or drop `allowedRoutes`: the app's own routes are admitted by default (`Same`)"),
            );
            ok = false;
            continue;
        }
        let (listener, fine) = resolve_listener(lname, l, None, &gw.key, ns, origin, cx, diags);
        ok &= fine;
        listeners.push(listener);
    }
    ok.then(|| model::ListenerSet {
        name: d.name.clone(),
        namespace: ns.to_string(),
        parent_ref: model::ListenerSetParent {
            name: gw.name.clone(),
            namespace: (gw.namespace != ns).then(|| gw.namespace.clone()),
        },
        listeners,
        labels: d.labels.clone(),
        annotations: d.annotations.clone(),
        origin: if d.at.contains("/listenerSets/") {
            d.at.clone()
        } else {
            format!("{}/listeners", d.at)
        },
    })
}

/// Stamp [`listeners_label`] on the namespace of each ListenerSet whose
/// gateway's `allowedListeners` uses it.
pub(super) fn stamp_listener_labels(model: &mut Model) {
    let mut stamps = Vec::new();
    for set in &model.listener_sets {
        let Some(gw) = model
            .gateways
            .iter()
            .find(|g| g.name == set.parent_ref.name && g.namespace == set.gateway_namespace())
        else {
            continue;
        };
        let label = listeners_label(&gw.key);
        let uses_label = gw
            .allowed_listeners
            .as_ref()
            .is_some_and(|a| a.from == "Selector" && a.selector.as_ref().is_some_and(|s| s.contains_key(&label)));
        if uses_label {
            stamps.push((set.namespace.clone(), label));
        }
    }
    for (ns, label) in stamps {
        if let Some(n) = model.namespaces.iter_mut().find(|n| n.name == ns) {
            n.labels.insert(label, "true".to_string());
        }
    }
}
