//! An HTTPRoute and a GRPCRoute on one listener whose hostnames intersect:
//! the API accepts exactly one of them (the older, then the first by
//! `namespace/name`) and rejects the other, which a Git repository cannot
//! show (GW364). HTTP routes are indexed by exact hostname per listener, so
//! the check stays linear unless wildcard or hostname-less routes share a
//! listener with many routes of the other kind.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use super::attach::{admits, intersects};
use super::kinds::{HttpLike, http_like, takes};
use super::{Context, Lookup, parents};
use crate::diagnostic::{Code, Diagnostics};
use crate::model::{Listener, Model};

/// A route on one listener and the hostnames it claims there (`""`: any).
struct OnListener<'m> {
    kind: &'static str,
    namespace: &'m str,
    name: &'m str,
    origin: &'m str,
    hosts: Vec<&'m str>,
}

/// The HTTP and gRPC routes of one listener (parent key, listener name).
#[derive(Default)]
struct Listeners<'m> {
    /// "gateway `NAME`" or "ListenerSet `NAMESPACE/NAME`".
    parent: String,
    http: Vec<OnListener<'m>>,
    grpc: Vec<OnListener<'m>>,
}

/// GW364 for each HTTPRoute and GRPCRoute that share a hostname on one listener.
pub fn check(model: &Model, lookup: &Lookup<'_>, cx: &Context<'_>, diags: &mut Diagnostics) {
    if model.routes.is_empty() || model.grpc_routes.is_empty() {
        return; // nothing to index for a spec of one kind
    }
    let mut by_listener: BTreeMap<(String, &str), Listeners<'_>> = BTreeMap::new();
    for route in http_like(model) {
        place(route, lookup, &mut by_listener);
    }
    let mut reported = BTreeSet::new();
    for ((_, listener), on) in &by_listener {
        if on.http.is_empty() || on.grpc.is_empty() {
            continue;
        }
        let exact = exact_index(&on.http);
        for g in &on.grpc {
            for (h, host) in g.hosts.iter().flat_map(|gh| clashes(gh, &on.http, &exact)) {
                if !reported.insert((h.origin, g.origin))
                    || model.allow.allows(Code::HttpAndGrpcRouteShareHostname, h.origin)
                    || model.allow.allows(Code::HttpAndGrpcRouteShareHostname, g.origin)
                {
                    continue;
                }
                diags.push(
                    cx.err(
                        Code::HttpAndGrpcRouteShareHostname,
                        g.origin,
                        format!(
                            "{} `{}/{}` and {} `{}/{}` both take `{}` on listener `{listener}` of {}: the API accepts only one of them",
                            h.kind,
                            h.namespace,
                            h.name,
                            g.kind,
                            g.namespace,
                            g.name,
                            if host.is_empty() { "any hostname" } else { host },
                            on.parent,
                        ),
                    )
                    .related(cx.prov.locate(h.origin), "the HTTPRoute")
                    .help("the older route wins (then the first by namespace/name), which Git cannot show: give the gRPC service its own hostname or listener; either route may `allow: [GW364]` it"),
                );
            }
        }
    }
}

/// Add `route` to each listener of its parents that takes it.
fn place<'m>(route: HttpLike<'m>, lookup: &Lookup<'m>, by_listener: &mut BTreeMap<(String, &'m str), Listeners<'m>>) {
    let HttpLike {
        kind,
        namespace,
        name,
        origin,
        hostnames,
        parent_refs: refs,
    } = route;
    let labels = lookup.namespace_labels(namespace);
    for p in refs {
        let Some(parent) = parents::of(lookup, namespace, p) else {
            continue;
        };
        for l in parent
            .selected(p)
            .filter(|l| takes(l, kind) && admits(l, parent.namespace(), namespace, labels))
        {
            let hosts = claimed(hostnames, l);
            if hosts.is_empty() {
                continue; // no hostname of the route is served here: GW410
            }
            let on = OnListener {
                kind,
                namespace,
                name,
                origin,
                hosts,
            };
            let entry = by_listener.entry((parent.key(), l.name.as_str())).or_default();
            entry.parent = parent.describe();
            if kind == "HTTPRoute" {
                entry.http.push(on);
            } else {
                entry.grpc.push(on);
            }
        }
    }
}

/// The hostnames a route claims on listener `l`: those the listener accepts,
/// or the listener's own (`""`: any) for a route without hostnames.
fn claimed<'m>(hostnames: &'m [String], l: &'m Listener) -> Vec<&'m str> {
    if hostnames.is_empty() {
        return vec![l.hostname.as_deref().unwrap_or("")];
    }
    hostnames
        .iter()
        .filter(|h| l.hostname.as_deref().is_none_or(|lh| intersects(h, lh)))
        .map(String::as_str)
        .collect()
}

fn is_exact(host: &str) -> bool {
    !host.is_empty() && !host.starts_with("*.")
}

/// The HTTP routes by each exact hostname they claim.
fn exact_index<'a, 'm>(http: &'a [OnListener<'m>]) -> HashMap<&'m str, Vec<&'a OnListener<'m>>> {
    let mut index: HashMap<&str, Vec<&OnListener<'_>>> = HashMap::new();
    for h in http {
        for host in h.hosts.iter().filter(|h| is_exact(h)) {
            index.entry(host).or_default().push(h);
        }
    }
    index
}

/// The HTTP routes whose hostnames intersect gRPC hostname `g`, with the shared hostname.
fn clashes<'a, 'm>(
    g: &'m str,
    http: &'a [OnListener<'m>],
    exact: &HashMap<&'m str, Vec<&'a OnListener<'m>>>,
) -> Vec<(&'a OnListener<'m>, &'m str)> {
    let meets = |a: &str, b: &str| a.is_empty() || b.is_empty() || intersects(a, b);
    if !is_exact(g) {
        return http
            .iter()
            .filter_map(|h| h.hosts.iter().find(|hh| meets(g, hh)).map(|hh| (h, *hh)))
            .collect();
    }
    let same = exact.get(g).into_iter().flatten().map(|h| (*h, g));
    let wide = http
        .iter()
        .filter_map(|h| h.hosts.iter().find(|hh| !is_exact(hh) && meets(g, hh)).map(|_| (h, g)));
    same.chain(wide).collect()
}
