//! ListenerSets: each must be admitted by its gateway's `allowedListeners`;
//! its listeners must not conflict with the gateway's or another set's
//! (the same port, protocol and hostname; protocols that cannot share a
//! port); its names, limits and certificate grants hold; and the routes
//! that attach to it name one of its listeners and a hostname it accepts.

use std::collections::BTreeMap;

use super::attach::{accepts, admits};
use super::gateways::family;
use super::kinds::{HttpLike, http_like, takes};
use super::{Context, Lookup};
use crate::diagnostic::{Code, Diagnostic, Diagnostics};
use crate::model::{Allow, Gateway, Listener, ListenerSet, Model};

/// Listeners a ListenerSet holds at most.
const MAX_LISTENERS: usize = 64;

/// Check every ListenerSet and the routes attached to one.
pub fn check(model: &Model, lookup: &Lookup<'_>, cx: &Context<'_>, diags: &mut Diagnostics) {
    let mut by_gateway: BTreeMap<(&str, &str), Vec<&ListenerSet>> = BTreeMap::new();
    for set in &model.listener_sets {
        if set.listeners.len() > MAX_LISTENERS {
            diags.push(
                cx.err(
                    Code::OverApiLimit,
                    &set.origin,
                    format!(
                        "listeners of a ListenerSet: {}, more than the {MAX_LISTENERS} the Gateway API allows",
                        set.listeners.len()
                    ),
                )
                .help("split the listeners over two ListenerSets (`listenerSets.<name>` of the app)"),
            );
        }
        name(set, cx, diags);
        for l in &set.listeners {
            super::syntax::listener(l, cx, diags);
            certificate_grants(set, l, lookup, cx, diags);
        }
        let Some(gw) = lookup.gateway(set.gateway_namespace(), &set.parent_ref.name) else {
            continue;
        };
        if !model.allow.allows(Code::ListenerSetNotAdmitted, &set.origin) {
            admitted(set, gw, lookup, cx, diags);
        }
        by_gateway.entry((&gw.namespace, &gw.name)).or_default().push(set);
    }
    for ((ns, name), sets) in by_gateway {
        if let Some(gw) = lookup.gateway(ns, name) {
            conflicts(gw, &sets, &model.allow, cx, diags);
        }
    }
    for r in http_like(model) {
        routes(&r, model, lookup, cx, diags);
    }
}

/// GW401 for a ListenerSet name the API server refuses (not a DNS-1123 subdomain).
fn name(set: &ListenerSet, cx: &Context<'_>, diags: &mut Diagnostics) {
    if super::syntax::is_dns_subdomain(&set.name) {
        return;
    }
    // The short form's name is `listenerSet.name`, or the app's key.
    let at = set
        .origin
        .strip_suffix("/listeners")
        .map(|app| format!("{app}/listenerSet/name"))
        .filter(|p| cx.prov.locate(p).is_some())
        .unwrap_or_else(|| set.origin.clone());
    diags.push(
        cx.err(
            Code::InvalidName,
            &at,
            format!("ListenerSet name `{}` is not a valid name", set.name.escape_debug()),
        )
        .at(cx.prov.locate_key(&at))
        .help("use lower-case letters, digits, `-` and `.` (a DNS-1123 subdomain), e.g. `shop-public`"),
    );
}

/// GW350 unless the gateway's `allowedListeners` admits the set's namespace.
fn admitted(set: &ListenerSet, gw: &Gateway, lookup: &Lookup<'_>, cx: &Context<'_>, diags: &mut Diagnostics) {
    let allowed = gw.allowed_listeners.as_ref();
    let from = allowed.map_or("None", |a| a.from.as_str());
    let ok = match from {
        "All" => true,
        "Same" => set.namespace == gw.namespace,
        "Selector" => lookup.namespace_labels(&set.namespace).is_none_or(|labels| {
            allowed.and_then(|a| a.selector.as_ref()).is_none_or(|s| {
                s.iter().all(|(k, v)| {
                    labels.get(k) == Some(v) || (k == "kubernetes.io/metadata.name" && v == &set.namespace)
                })
            })
        }),
        _ => false,
    };
    if ok {
        return;
    }
    let why = match from {
        "Same" => format!("admits ListenerSets from its own namespace `{}` only", gw.namespace),
        "Selector" => "admits ListenerSets from namespaces with its selector's labels only".to_string(),
        _ => "admits no ListenerSet (`allowedListeners` is unset or `None`)".to_string(),
    };
    let at = format!("{}/allowedListeners", gw.origin);
    let here = cx.prov.locate(&at).or_else(|| cx.prov.locate(&gw.origin));
    let d = cx
        .err(
            Code::ListenerSetNotAdmitted,
            &set.origin,
            format!(
                "gateway `{}` {why}: the listeners of namespace `{}` would be ignored",
                gw.name, set.namespace
            ),
        )
        .related(here.clone(), format!("gateway `{}`{}", gw.name, located(cx, here)))
        .help("set the gateway's `allowedListeners: { from: Selector }` (gatewright labels the namespaces of apps with listeners) or `{ from: All }`, or give the app the labels its selector asks for");
    diags.push(d);
}

/// ` (file:line:column)` of a location, to name the other file in the message.
fn located(cx: &Context<'_>, loc: Option<crate::source::Loc>) -> String {
    loc.map_or(String::new(), |l| {
        format!(" ({}:{}:{})", cx.sources.name(l.file), l.line, l.col)
    })
}

/// GW420/GW421 for a set's listener that repeats the port, protocol and
/// hostname of, or cannot share a port with, a listener of the gateway or of
/// an earlier set (the API's precedence: the gateway's listeners first),
/// unless the app of either set allows it.
fn conflicts(gw: &Gateway, sets: &[&ListenerSet], allow: &Allow, cx: &Context<'_>, diags: &mut Diagnostics) {
    let mut earlier: Vec<(String, &Listener)> = gw
        .listeners
        .iter()
        .map(|l| (format!("listener `{}` of gateway `{}`", l.name, gw.name), l))
        .collect();
    for set in sets {
        for l in &set.listeners {
            let host = l.hostname.as_deref().unwrap_or("");
            let udp = l.protocol == "UDP";
            for (owner, other) in &earlier {
                let same_port = other.port == l.port && (other.protocol == "UDP") == udp;
                let clash =
                    same_port && other.protocol == l.protocol && other.hostname.as_deref().unwrap_or("") == host;
                let mixed = same_port && family(&other.protocol) != family(&l.protocol);
                let code = if clash {
                    Code::ListenerClash
                } else {
                    Code::IncompatibleProtocols
                };
                if !(clash || mixed) || allow.allows(code, &l.origin) || allow.allows(code, &other.origin) {
                    continue;
                }
                let other_at = cx.prov.locate(&other.origin);
                let this = format!("listener `{}` of ListenerSet `{}/{}`", l.name, set.namespace, set.name);
                let d = if clash {
                    let host = if host.is_empty() { "any hostname" } else { host };
                    cx.err(Code::ListenerClash, &l.origin, format!("{this} and {owner} both take {} port {} for {host}", l.protocol, l.port))
                        .help("the gateway marks the ListenerSet's listener conflicted and does not serve it: change its hostname or port, or drop it")
                } else {
                    cx.err(Code::IncompatibleProtocols, &format!("{}/protocol", l.origin), format!("{this} ({}) shares port {} with {owner} ({})", l.protocol, l.port, other.protocol))
                        .help("listeners on one port must share a protocol family (HTTP; HTTPS and TLS; TCP; UDP): put it on another port")
                };
                diags.push({
                    let label = format!("{owner}{}", located(cx, other_at.clone()));
                    d.related(other_at, label)
                });
                break;
            }
        }
        let owner = |l: &Listener| format!("listener `{}` of ListenerSet `{}/{}`", l.name, set.namespace, set.name);
        earlier.extend(set.listeners.iter().map(|l| (owner(l), l)));
    }
}

/// GW413 for a certificate in another namespace the spec owns without a grant.
fn certificate_grants(set: &ListenerSet, l: &Listener, lookup: &Lookup<'_>, cx: &Context<'_>, diags: &mut Diagnostics) {
    for (i, c) in l.tls.iter().flat_map(|t| t.certificate_refs.iter()).enumerate() {
        let Some(ns) = &c.namespace else { continue };
        let granted = lookup.granted_kind(ns, ("ListenerSet", &set.namespace), (&c.group, &c.kind), &c.name);
        if lookup.namespace_labels(ns).is_none() || granted {
            continue;
        }
        diags.push(
            cx.err(
                Code::MissingReferenceGrant,
                &format!("{}/tls/certificates/{i}", l.origin),
                format!(
                    "no ReferenceGrant lets ListenerSets in `{}` use {} `{ns}/{}`",
                    set.namespace, c.kind, c.name
                ),
            )
            .help(format!(
                "add a ReferenceGrant in `{ns}` from ListenerSets in `{}` to {} `{}`",
                set.namespace, c.kind, c.name
            )),
        );
    }
}

/// A route's parentRefs of kind ListenerSet: the set's listener
/// (`sectionName`) exists, accepts one of the route's hostnames and admits
/// the route's namespace.
fn routes(r: &HttpLike<'_>, model: &Model, lookup: &Lookup<'_>, cx: &Context<'_>, diags: &mut Diagnostics) {
    for p in r
        .parent_refs
        .iter()
        .filter(|p| p.kind.as_deref() == Some("ListenerSet"))
    {
        let ns = p.namespace.as_deref().unwrap_or(r.namespace);
        let Some(set) = model
            .listener_sets
            .iter()
            .find(|s| s.namespace == ns && s.name == p.name)
        else {
            continue; // a ListenerSet the spec does not define
        };
        let listeners: Vec<&Listener> = set
            .listeners
            .iter()
            .filter(|l| {
                p.section_name.as_ref().is_none_or(|s| s == &l.name) && p.port.is_none_or(|port| port == l.port)
            })
            .collect();
        let allowed = |code| model.allow.allows(code, r.origin);
        if listeners.is_empty() {
            if !allowed(Code::UnknownListener) {
                diags.push(no_listener(r, p.section_name.as_deref().unwrap_or(""), set, cx));
            }
            continue;
        }
        let listeners: Vec<&Listener> = listeners.into_iter().filter(|l| takes(l, r.kind)).collect();
        if listeners.is_empty() {
            continue; // none takes the route's kind: GW363 (`kinds`)
        }
        let unserved_host = r.hostnames.iter().find(|h| !listeners.iter().any(|l| accepts(l, h)));
        if let Some(h) = unserved_host.filter(|_| !allowed(Code::HostnameMatchesNoListener)) {
            diags.push(unserved(r, h, set, cx));
        }
        let labels = lookup.namespace_labels(r.namespace);
        let admitted = listeners.iter().any(|l| admits(l, &set.namespace, r.namespace, labels));
        if !admitted && !allowed(Code::NamespaceNotAdmitted) {
            diags.push(
                cx.err(Code::NamespaceNotAdmitted, r.origin, format!("ListenerSet `{}/{}` does not admit routes from namespace `{}`", set.namespace, set.name, r.namespace))
                    .help("set the listener's `allowedRoutes` to `{from: All}` or a `Selector` with the route namespace's labels"),
            );
        }
    }
}

/// GW315: the set has no listener `section` (that `port`).
fn no_listener(r: &HttpLike<'_>, section: &str, set: &ListenerSet, cx: &Context<'_>) -> Diagnostic {
    let names: Vec<&str> = set.listeners.iter().map(|l| l.name.as_str()).collect();
    cx.err(
        Code::UnknownListener,
        &format!("{}/listener", r.origin),
        format!(
            "ListenerSet `{}/{}` has no listener `{section}`",
            set.namespace, set.name
        ),
    )
    .help(format!("listeners of the ListenerSet: {}", names.join(", ")))
}

fn unserved(r: &HttpLike<'_>, h: &str, set: &ListenerSet, cx: &Context<'_>) -> Diagnostic {
    let ptr = match cx.prov.locate(&format!("{}/host", r.origin)) {
        Some(_) => format!("{}/host", r.origin),
        None => format!("{}/hostnames", r.origin),
    };
    cx.err(
        Code::HostnameMatchesNoListener,
        &ptr,
        format!(
            "hostname `{}` matches no listener of ListenerSet `{}/{}` the route attaches to",
            h.escape_debug(),
            set.namespace,
            set.name
        ),
    )
    .help("give the route a hostname the listener accepts, or change the listener's `hostname`")
}
