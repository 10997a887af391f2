//! GW430 for GRPCRoutes: two routes that claim the same hostname and the
//! same match (service and method, headers) on one listener of a gateway or
//! ListenerSet. As for HTTPRoutes, the API picks the older route, which a Git
//! repository cannot show. Found by hashing each (listener, hostname, match).

use std::collections::BTreeSet;
use std::collections::hash_map::Entry;

use super::attach::{accepts, admits};
use super::{Context, FastMap, Lookup, parents};
use crate::diagnostic::{Code, Diagnostics};
use crate::model::{GrpcRoute, GrpcRule, Listener, Model};
use crate::spec::GrpcMatch;

/// Where a claim was made: the route (index into the model), its rule and the match in it.
#[derive(Clone, Copy)]
struct Claim {
    route: usize,
    rule: usize,
    matched: Option<usize>,
}

/// Check that no two GRPCRoutes claim the same hostname and match on one listener.
pub fn check(model: &Model, lookup: &Lookup<'_>, cx: &Context<'_>, diags: &mut Diagnostics) {
    let mut claims: FastMap<String, Claim> =
        FastMap::with_capacity_and_hasher(model.grpc_routes.len(), Default::default());
    let mut reported: BTreeSet<(usize, usize)> = BTreeSet::new();
    for (ri, r) in model.grpc_routes.iter().enumerate() {
        for p in &r.parent_refs {
            let Some(parent) = parents::of(lookup, &r.namespace, p) else {
                continue;
            };
            // A listener that does not admit the route's namespace does not take it (GW411).
            let labels = lookup.namespace_labels(&r.namespace);
            let parent_key = parent.key();
            for l in parent
                .selected(p)
                .filter(|l| admits(l, parent.namespace(), &r.namespace, labels))
            {
                for host in hosts(r, l) {
                    for (rule_index, rule) in r.rules.iter().enumerate() {
                        for (mi, key) in match_keys(rule) {
                            let claim = format!("{parent_key}\n{}\n{host}\n{key}", l.name);
                            let first = match claims.entry(claim) {
                                Entry::Occupied(o) => *o.get(),
                                Entry::Vacant(v) => {
                                    v.insert(Claim {
                                        route: ri,
                                        rule: rule_index,
                                        matched: mi,
                                    });
                                    continue;
                                }
                            };
                            if first.route == ri || !reported.insert((first.route, ri)) {
                                continue;
                            }
                            let other = &model.grpc_routes[first.route];
                            if model.allow.allows(Code::HostnameClaimedTwice, &r.origin)
                                || model.allow.allows(Code::HostnameClaimedTwice, &other.origin)
                            {
                                continue;
                            }
                            let first_at = pointer(other, &other.rules[first.rule], first.matched);
                            let host = if host.is_empty() { "(no hostname)" } else { &host };
                            diags.push(
                                cx.err(
                                    Code::HostnameClaimedTwice,
                                    &pointer(r, rule, mi),
                                    format!(
                                        "gRPC routes `{}/{}` and `{}/{}` both claim `{host}` {} on listener `{}` of {}",
                                        other.namespace,
                                        other.name,
                                        r.namespace,
                                        r.name,
                                        describe(&key),
                                        l.name,
                                        parent.describe()
                                    ),
                                )
                                .related(cx.prov.locate(&first_at), "claimed here first")
                                .help("the gateway serves the route created first, which Git cannot show: change the hostname or the method match of one of them, or merge the two routes"),
                            );
                        }
                    }
                }
            }
        }
    }
}

/// The hostnames by which a route claims calls on a listener (`""` when it names none).
fn hosts(r: &GrpcRoute, l: &Listener) -> Vec<String> {
    if r.hostnames.is_empty() {
        return vec![String::new()];
    }
    let mut hosts: Vec<String> = r.hostnames.iter().filter(|h| accepts(l, h)).cloned().collect();
    hosts.sort();
    hosts.dedup();
    hosts
}

/// A canonical key per match of a rule (a rule without matches takes every call).
fn match_keys(rule: &GrpcRule) -> Vec<(Option<usize>, String)> {
    match rule.matches.as_deref() {
        None | Some([]) => vec![(None, "*/*".to_string())],
        Some(matches) => matches.iter().enumerate().map(|(i, m)| (Some(i), key(m))).collect(),
    }
}

fn key(m: &GrpcMatch) -> String {
    let method = m.method.as_ref();
    let kind = method
        .and_then(|x| x.kind)
        .map_or("Exact".to_string(), |k| format!("{k:?}"));
    let service = method.and_then(|x| x.service.as_deref()).unwrap_or("*");
    let name = method.and_then(|x| x.method.as_deref()).unwrap_or("*");
    let mut out = format!("{service}/{name}");
    if kind != "Exact" {
        out.push_str(&format!(" ({kind})"));
    }
    let mut headers: Vec<String> = m
        .headers
        .iter()
        .flatten()
        .map(|h| format!("header {} {:?} {}", h.name.to_ascii_lowercase(), h.kind, h.value))
        .collect();
    headers.sort();
    for h in headers {
        out.push('\t');
        out.push_str(&h);
    }
    out
}

/// `svc/method` -> "method `svc/method`", with the headers.
fn describe(key: &str) -> String {
    let mut parts = key.split('\t');
    let mut out = match parts.next() {
        Some("*/*") | None => "every method".to_string(),
        Some(m) => format!("method `{m}`"),
    };
    for part in parts {
        out.push_str(&format!(", {part}"));
    }
    out
}

/// The spec path of a match: the route for the short form, `rules/N/matches/M` for the long form.
fn pointer(r: &GrpcRoute, rule: &GrpcRule, m: Option<usize>) -> String {
    match m {
        _ if rule.origin == r.origin => r.origin.clone(),
        Some(i) => format!("{}/matches/{i}", rule.origin),
        None => rule.origin.clone(),
    }
}
