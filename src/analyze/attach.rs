//! Attachment: a route's hostnames must intersect a listener's hostname, and
//! some such listener must admit the route's namespace (`allowedRoutes`), or
//! the API server accepts the route and the gateway silently ignores it.

use std::collections::BTreeMap;

use super::kinds::{http_like, takes};
use super::syntax::hostname_pointer;
use super::{Context, Lookup};
use crate::diagnostic::{Code, Diagnostics};
use crate::model::{Listener, Model};

/// Whether a route hostname and a listener hostname intersect (Gateway API
/// rules: a wildcard matches one or more labels, never the bare suffix).
pub fn intersects(route: &str, listener: &str) -> bool {
    match (route.strip_prefix("*."), listener.strip_prefix("*.")) {
        (None, None) => route == listener,
        (None, Some(suffix)) => route.len() > suffix.len() + 1 && route.ends_with(&format!(".{suffix}")),
        (Some(suffix), None) => listener.len() > suffix.len() + 1 && listener.ends_with(&format!(".{suffix}")),
        (Some(a), Some(b)) => a == b || a.ends_with(&format!(".{b}")) || b.ends_with(&format!(".{a}")),
    }
}

/// Whether a listener accepts a route hostname (a listener without a hostname accepts any).
pub(super) fn accepts(l: &Listener, host: &str) -> bool {
    l.hostname.as_deref().is_none_or(|lh| intersects(host, lh))
}

/// Whether a listener of a gateway in `gw_ns` admits routes from `route_ns`
/// (`labels`: that namespace's labels, `None` when the spec does not own it).
pub(super) fn admits(l: &Listener, gw_ns: &str, route_ns: &str, labels: Option<&BTreeMap<String, String>>) -> bool {
    match l
        .allowed_routes
        .as_ref()
        .map(|a| (a.from.as_str(), a.selector.as_ref()))
    {
        Some(("All", _)) => true,
        Some(("Selector", selector)) => match labels {
            None => true, // not ours to know
            // Kubernetes labels every namespace with its own name.
            Some(labels) => selector.is_none_or(|s| {
                s.iter()
                    .all(|(k, v)| labels.get(k) == Some(v) || (k == "kubernetes.io/metadata.name" && v == route_ns))
            }),
        },
        _ => gw_ns == route_ns, // `Same`, and the API's default
    }
}

/// Check that each HTTP and gRPC route attaches to at least one listener.
pub fn check(model: &Model, lookup: &Lookup<'_>, cx: &Context<'_>, diags: &mut Diagnostics) {
    for r in http_like(model) {
        for p in r
            .parent_refs
            .iter()
            .filter(|p| p.kind.as_deref().is_none_or(|k| k == "Gateway"))
        {
            let Some(gw) = lookup.gateway(p.namespace.as_deref().unwrap_or(r.namespace), &p.name) else {
                continue;
            };
            let listeners: Vec<&Listener> = gw
                .listeners
                .iter()
                .filter(|l| {
                    p.section_name.as_ref().is_none_or(|s| s == &l.name) && p.port.is_none_or(|port| port == l.port)
                })
                .collect();
            let named = |s: &String| gw.listeners.iter().any(|l| &l.name == s);
            if listeners.is_empty() && p.section_name.as_ref().is_some_and(|s| !named(s)) {
                continue; // a listener the gateway lacks: GW315 (`references`), or allowed
            }
            let listeners: Vec<&Listener> = listeners.into_iter().filter(|l| takes(l, r.kind)).collect();
            if listeners.is_empty() {
                continue; // none takes the route's kind: GW363 (`kinds`)
            }
            let serving: Vec<&&Listener> = listeners
                .iter()
                .filter(|l| r.hostnames.is_empty() || r.hostnames.iter().any(|h| accepts(l, h)))
                .collect();
            let labels = lookup.namespace_labels(r.namespace);
            if !serving.is_empty()
                && !serving.iter().any(|l| admits(l, &gw.namespace, r.namespace, labels))
                && !model.allow.allows(Code::NamespaceNotAdmitted, r.origin)
            {
                let policies: Vec<String> = serving
                    .iter()
                    .map(|l| {
                        let from = l
                            .allowed_routes
                            .as_ref()
                            .map_or("Same (the default)", |a| a.from.as_str());
                        format!("`{}`: from {from}", l.name)
                    })
                    .collect();
                let d = cx
                    .err(
                        Code::NamespaceNotAdmitted,
                        r.origin,
                        format!(
                            "gateway `{}` does not admit routes from namespace `{}`",
                            gw.name, r.namespace
                        ),
                    )
                    .help(format!(
                        "listeners {}; set the gateway's `allowedRoutes` to `{{from: All}}` or `{{from: Selector}}` (gatewright labels the namespaces)",
                        policies.join(", ")
                    ));
                diags.push(serving.iter().fold(d, |d, l| {
                    let what = format!("listener `{}` `allowedRoutes`", l.name);
                    cx.set_by(d, &format!("{}/allowedRoutes", l.origin), &what)
                }));
            }
            for (i, h) in r.hostnames.iter().enumerate() {
                if !listeners.iter().any(|l| accepts(l, h))
                    && !model.allow.allows(Code::HostnameMatchesNoListener, r.origin)
                {
                    let ptr = hostname_pointer(cx, r.origin, r.hostnames, i);
                    let hosts: Vec<String> = listeners
                        .iter()
                        .map(|l| l.hostname.clone().unwrap_or_else(|| "(any)".into()))
                        .collect();
                    let d = cx
                        .err(
                            Code::HostnameMatchesNoListener,
                            &ptr,
                            format!(
                                "hostname `{}` matches no listener of gateway `{}`",
                                h.escape_debug(),
                                gw.name
                            ),
                        )
                        .help(format!(
                            "the listeners accept {}; the gateway would never serve this hostname",
                            hosts.join(", ")
                        ));
                    diags.push(listeners.iter().fold(d, |d, l| {
                        let what = format!("listener `{}` hostname", l.name);
                        cx.set_by(d, &format!("{}/hostname", l.origin), &what)
                    }));
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::intersects;

    #[test]
    fn wildcard_rules() {
        assert!(intersects("store.aks.rocks", "*.aks.rocks"));
        assert!(intersects("a.b.aks.rocks", "*.aks.rocks"));
        assert!(!intersects("aks.rocks", "*.aks.rocks"));
        assert!(intersects("store.aks.rocks", "store.aks.rocks"));
        assert!(!intersects("admin.aks.rocks", "store.aks.rocks"));
        assert!(intersects("*.aks.rocks", "store.aks.rocks"));
        assert!(intersects("*.b.aks.rocks", "*.aks.rocks"));
    }
}
