//! TLS, TCP and UDP routes: which listeners (of a gateway or a ListenerSet)
//! take them (GW360), two routes that claim one listener (GW361), and their
//! names and API limits.

use std::collections::BTreeMap;

use super::attach::{accepts, admits};
use super::parents::{self, Parent};
use super::syntax::{backend_ref, route_names};
use super::{Context, Lookup};
use crate::diagnostic::{Code, Diagnostics};
use crate::model::{L4Kind, L4Route, Listener, Model};

const GROUP: &str = "gateway.networking.k8s.io";

/// Whether a listener's `allowedRoutes.kinds` (the protocol's kinds when unset) admits `kind`.
fn admits_kind(l: &Listener, kind: L4Kind) -> bool {
    match l.allowed_routes.as_ref().and_then(|a| a.kinds.as_ref()) {
        Some(kinds) => kinds
            .iter()
            .any(|k| k.kind == kind.kind() && k.group.as_deref().is_none_or(|g| g == GROUP)),
        None => true,
    }
}

/// Why a listener does not take the route, or `None` when it does.
fn refusal(r: &L4Route, l: &Listener, parent: Parent<'_>, lookup: &Lookup<'_>) -> Option<String> {
    let kind = r.kind;
    if l.protocol != kind.protocol() {
        return Some(format!("`{}` is {}, not {}", l.name, l.protocol, kind.protocol()));
    }
    if !admits_kind(l, kind) {
        return Some(format!(
            "`{}` does not admit {}s (`allowedRoutes.kinds`)",
            l.name,
            kind.kind()
        ));
    }
    if kind == L4Kind::Tls && !r.hostnames.iter().any(|h| accepts(l, h)) {
        let host = l.hostname.as_deref().unwrap_or("any");
        return Some(format!("`{}` serves hostname {host}, none of the route's", l.name));
    }
    if !admits(
        l,
        parent.namespace(),
        &r.namespace,
        lookup.namespace_labels(&r.namespace),
    ) {
        return Some(format!(
            "`{}` does not admit routes from namespace `{}`",
            l.name, r.namespace
        ));
    }
    None
}

/// The listeners (route index, gateway or ListenerSet, listener) that take each route; GW360 for a parent that takes none.
fn attachments<'m>(
    model: &'m Model,
    lookup: &Lookup<'m>,
    cx: &Context<'_>,
    diags: &mut Diagnostics,
) -> Vec<(usize, Parent<'m>, &'m Listener)> {
    let mut out = Vec::new();
    for (ri, r) in model.l4_routes.iter().enumerate() {
        for p in &r.parent_refs {
            let Some(parent) = parents::of(lookup, &r.namespace, p) else {
                continue;
            };
            let (mut why, before) = (Vec::new(), out.len());
            for l in parent.selected(p) {
                match refusal(r, l, parent, lookup) {
                    None => out.push((ri, parent, l)),
                    Some(w) => why.push(w),
                }
            }
            if out.len() > before || model.allow.allows(Code::L4RouteAttachesNowhere, &r.origin) {
                continue;
            }
            let why = if why.is_empty() {
                "it has no listener with that `sectionName`/`port`".to_string()
            } else {
                format!("listener {}", why.join("; "))
            };
            diags.push(
                cx.err(
                    Code::L4RouteAttachesNowhere,
                    &r.origin,
                    format!(
                        "{} `{}` attaches to no listener of {}: {why}",
                        r.kind.kind(),
                        r.name,
                        parent.describe()
                    ),
                )
                .help(format!(
                    "add a `{}` listener to {}{} or point the route at one (`listener:`)",
                    r.kind.protocol(),
                    parent.describe(),
                    if r.kind == L4Kind::Tls {
                        " (`tls: {mode: Passthrough}`) whose hostname covers the route's,"
                    } else {
                        ","
                    }
                )),
            );
        }
    }
    out
}

/// GW360 and GW361.
pub fn check(model: &Model, lookup: &Lookup<'_>, cx: &Context<'_>, diags: &mut Diagnostics) {
    let taken = attachments(model, lookup, cx, diags);
    let mut claims: BTreeMap<(String, &str, &str, &str), usize> = BTreeMap::new();
    let mut reported = std::collections::BTreeSet::new();
    for (ri, parent, l) in taken {
        let r = &model.l4_routes[ri];
        // A TLS route claims the SNI hostnames the listener accepts; TCP and UDP routes the whole listener.
        let hosts: Vec<&str> = if r.kind == L4Kind::Tls {
            r.hostnames
                .iter()
                .filter(|h| accepts(l, h))
                .map(String::as_str)
                .collect()
        } else {
            vec![""]
        };
        for host in hosts {
            let key = (parent.key(), l.name.as_str(), host, r.kind.kind());
            let first = *claims.entry(key).or_insert(ri);
            if first == ri || !reported.insert((first, ri)) {
                continue;
            }
            let other = &model.l4_routes[first];
            if model.allow.allows(Code::L4ListenerClaimedTwice, &r.origin)
                || model.allow.allows(Code::L4ListenerClaimedTwice, &other.origin)
            {
                continue;
            }
            let what = if host.is_empty() {
                String::new()
            } else {
                format!(" with SNI hostname `{host}`")
            };
            diags.push(
                cx.err(
                    Code::L4ListenerClaimedTwice,
                    &r.origin,
                    format!(
                        "{}s `{}/{}` and `{}/{}` both take listener `{}` of {}{what}",
                        r.kind.kind(),
                        other.namespace,
                        other.name,
                        r.namespace,
                        r.name,
                        l.name,
                        parent.describe()
                    ),
                )
                .related(cx.prov.locate(&other.origin), "taken here first")
                .help("the gateway serves the route created first, which Git cannot show: give each route its own listener (or hostname), or merge them into one route with weighted backends"),
            );
        }
    }
}

/// The API's limits on a TLS, TCP or UDP route: exactly one rule, 1 to 16
/// backends, up to 1024 hostnames and 32 parents; names and hostnames valid.
pub fn limits(model: &Model, cx: &Context<'_>, diags: &mut Diagnostics) {
    let over = |diags: &mut Diagnostics, count: usize, max: usize, at: &str, what: &str| {
        if count > max {
            diags.push(
                cx.err(
                    Code::OverApiLimit,
                    at,
                    format!(
                        "{what}: {count}, more than the {max} Gateway API {} allows",
                        model.gateway_api_version
                    ),
                )
                .help("split it into several routes"),
            );
        }
    };
    let name_help = "use lower-case letters, digits and `-` (a DNS-1123 label), e.g. `postgres`";
    for r in &model.l4_routes {
        let kind = r.kind.kind();
        over(
            diags,
            r.rules.len(),
            1,
            &format!("{}/rules", r.origin),
            &format!("rules of {kind} `{}`", r.name),
        );
        over(
            diags,
            r.hostnames.len(),
            1024,
            &r.origin,
            &format!("hostnames of {kind} `{}`", r.name),
        );
        over(
            diags,
            r.parent_refs.len(),
            32,
            &r.origin,
            &format!("parents of {kind} `{}`", r.name),
        );
        route_names(cx, &r.name, &r.origin, &r.hostnames, name_help, diags);
        for rule in &r.rules {
            let what = format!("backends of a rule of {kind} `{}`", r.name);
            over(diags, rule.backend_refs.len(), 16, &rule.origin, &what);
            for b in &rule.backend_refs {
                backend_ref(cx, b, name_help, diags);
            }
        }
    }
}
