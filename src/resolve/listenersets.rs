//! ListenerSets: an app's `listeners` become one ListenerSet in its
//! namespace attached to its gateway; the gateway's `allowedListeners`; the
//! routes of the app that name one of those listeners attach to the set.

use std::collections::BTreeMap;

use super::gateways::resolve_listener;
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

/// The app's ListenerSet, while its routes resolve: a route whose `listener`
/// names one of its listeners attaches to it.
#[derive(Debug, Clone, Default)]
pub struct Scope {
    /// ListenerSet name.
    name: String,
    /// Key of the gateway it attaches to.
    gateway: String,
    /// Its listeners' names.
    listeners: Vec<String>,
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

/// Resolve the ListenerSet of app `key` in namespace `ns` (`None` without
/// `listeners`, or with findings); `cx.listener_set` is set for its routes.
pub(super) fn resolve_set(
    (key, app, ns): (&str, &spec::App, &str),
    site: &Site,
    model: &Model,
    cx: &mut Context<'_>,
    diags: &mut Diagnostics,
) -> Option<model::ListenerSet> {
    cx.listener_set = None;
    let base = format!("/apps/{}", esc(key));
    let settings = app.listener_set.clone().unwrap_or_default();
    if app.listeners.is_empty() {
        if app.listener_set.is_some() {
            diags.push(
                cx.err(
                    Code::ListenerSetWithoutListeners,
                    &format!("{base}/listenerSet"),
                    format!("app `{key}` has a `listenerSet` but no `listeners`"),
                )
                .help("add `listeners:` to the app (a ListenerSet holds 1 to 64 listeners), or remove `listenerSet`"),
            );
        }
        return None;
    }
    let on_set = settings.gateway.is_some();
    let name = settings.gateway.as_deref().or(app.gateway.as_deref());
    let at = if on_set {
        format!("{base}/listenerSet")
    } else {
        format!("{base}/listeners")
    };
    let gw = super::pick_gateway(name, site, model, &at, on_set, &base, cx, diags)?;
    let mut ok = true;
    let mut listeners = Vec::new();
    for (lname, l) in &app.listeners {
        let origin = format!("{base}/listeners/{}", esc(lname));
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
    let set_name = settings.name.clone().unwrap_or_else(|| key.to_string());
    cx.listener_set = Some(Scope {
        name: set_name.clone(),
        gateway: gw.key.clone(),
        listeners: app.listeners.keys().cloned().collect(),
    });
    ok.then(|| model::ListenerSet {
        name: set_name,
        namespace: ns.to_string(),
        parent_ref: model::ListenerSetParent {
            name: gw.name.clone(),
            namespace: (gw.namespace != ns).then(|| gw.namespace.clone()),
        },
        listeners,
        labels: settings.labels,
        annotations: settings.annotations,
        origin: format!("{base}/listeners"),
    })
}

/// The parentRef of a route that names a listener of its app's ListenerSet
/// (and no other gateway than the set's).
pub(super) fn route_parent(scope: Option<&Scope>, gateway: Option<&str>, listener: &str) -> Option<model::ParentRef> {
    let scope = scope?;
    let same_gateway = gateway.is_none_or(|g| g == scope.gateway);
    (same_gateway && scope.listeners.iter().any(|l| l == listener)).then(|| model::ParentRef {
        name: scope.name.clone(),
        namespace: None,
        section_name: Some(listener.to_string()),
        port: None,
        group: None,
        kind: Some("ListenerSet".to_string()),
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
