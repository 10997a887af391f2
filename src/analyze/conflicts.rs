//! Conflicts: two routes that claim the same hostname and the same match on
//! one listener (of a gateway or of a ListenerSet). The API accepts both and picks the older one by creation
//! time, which a Git repository cannot show. Found by hashing each
//! (listener, hostname, match), so the check stays linear in the number of routes.

use std::collections::BTreeSet;
use std::collections::hash_map::Entry;

use super::attach::{accepts, admits};
use super::{Context, FastMap, Lookup, parents};
use crate::diagnostic::{Code, Diagnostics};
use crate::model::{HttpRoute, Listener, Model, RouteMatch, RouteRule};

/// Where a claim was made: the route (index into the model), its rule and the match in it.
#[derive(Clone, Copy)]
struct Claim {
    route: usize,
    rule: usize,
    matched: Option<usize>,
}

/// Check that no two routes claim the same hostname and match on one listener.
pub fn check(model: &Model, lookup: &Lookup<'_>, cx: &Context<'_>, diags: &mut Diagnostics) {
    let mut claims: FastMap<String, Claim> = FastMap::with_capacity_and_hasher(model.routes.len(), Default::default());
    let mut reported: BTreeSet<(usize, usize)> = BTreeSet::new();
    for (ri, r) in model.routes.iter().enumerate() {
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
                for host in effective_hosts(r, l) {
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
                            let other = &model.routes[first.route];
                            if model.allow.allows(Code::HostnameClaimedTwice, &r.origin)
                                || model.allow.allows(Code::HostnameClaimedTwice, &other.origin)
                            {
                                continue;
                            }
                            let pointer = match_pointer(r, rule, mi, cx);
                            let first_pointer = match_pointer(other, &other.rules[first.rule], first.matched, cx);
                            diags.push(
                                cx.err(
                                    Code::HostnameClaimedTwice,
                                    &pointer,
                                    format!(
                                        "routes `{}/{}` and `{}/{}` both claim `{}` {} on listener `{}` of {}",
                                        other.namespace,
                                        other.name,
                                        r.namespace,
                                        r.name,
                                        if host.is_empty() { "(no hostname)" } else { &host },
                                        describe(&key),
                                        l.name,
                                        parent.describe()
                                    ),
                                )
                                .related(cx.prov.locate(&first_pointer), "claimed here first")
                                .help("the gateway serves the route created first, which Git cannot show: change the hostname or the match of one of them, or merge the two routes"),
                            );
                        }
                    }
                }
            }
        }
    }
}

/// The hostnames by which a route claims requests on a listener: its own
/// hostnames that the listener accepts, as written, or `""` when it names none.
/// Across routes the API gives precedence to the longer matching hostname
/// (exact before wildcard, any before none), so only routes that match by the
/// same hostname tie.
fn effective_hosts(r: &HttpRoute, l: &Listener) -> Vec<String> {
    if r.hostnames.is_empty() {
        return vec![String::new()];
    }
    let mut hosts: Vec<String> = r.hostnames.iter().filter(|h| accepts(l, h)).cloned().collect();
    hosts.sort();
    hosts.dedup();
    hosts
}

/// A canonical key per match of a rule (a rule without matches matches every path).
fn match_keys(rule: &RouteRule) -> Vec<(Option<usize>, String)> {
    if rule.matches.is_empty() {
        return vec![(None, "PathPrefix /".to_string())];
    }
    rule.matches
        .iter()
        .enumerate()
        .map(|(i, m)| (Some(i), key(m)))
        .collect()
}

fn key(m: &RouteMatch) -> String {
    let (kind, value) = m
        .path
        .as_ref()
        .map_or(("PathPrefix", "/"), |p| (p.kind.as_str(), p.value.as_str()));
    // `PathPrefix` ignores a trailing `/`: `/api/` and `/api` match the same requests.
    let value = if kind == "PathPrefix" && value.len() > 1 {
        value.trim_end_matches('/')
    } else {
        value
    };
    let mut out = format!("{kind} {value}");
    if let Some(method) = &m.method {
        out.push_str(&format!("\tmethod {method}"));
    }
    let mut headers: Vec<String> = m
        .headers
        .iter()
        .map(|h| format!("header {} {} {}", h.name.to_ascii_lowercase(), h.kind, h.value))
        .collect();
    headers.sort();
    let mut params: Vec<String> = m
        .query_params
        .iter()
        .map(|q| format!("query {} {} {}", q.name, q.kind, q.value))
        .collect();
    params.sort();
    for part in headers.into_iter().chain(params) {
        out.push('\t');
        out.push_str(&part);
    }
    out
}

/// `PathPrefix /api` -> "path prefix `/api`", with the method, headers and parameters.
fn describe(key: &str) -> String {
    let mut parts = key.split('\t');
    let mut out = match parts.next().and_then(|p| p.split_once(' ')) {
        Some(("PathPrefix", v)) => format!("path prefix `{v}`"),
        Some(("Exact", v)) => format!("exact path `{v}`"),
        Some((kind, v)) => format!("path `{v}` ({kind})"),
        None => String::new(),
    };
    for part in parts {
        out.push_str(&format!(", {part}"));
    }
    out
}

/// The spec path of a match: `path` of the short form, `rules/N/matches/M` of the long form.
fn match_pointer(r: &HttpRoute, rule: &RouteRule, m: Option<usize>, cx: &Context<'_>) -> String {
    if rule.origin == r.origin {
        let path = format!("{}/path", r.origin);
        return if cx.prov.locate(&path) != cx.prov.locate(&r.origin) {
            path
        } else {
            r.origin.clone()
        };
    }
    match m {
        Some(i) => format!("{}/matches/{i}", rule.origin),
        None => rule.origin.clone(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{PathMatch, ValueMatch};

    fn m(path: &str, headers: &[(&str, &str)]) -> RouteMatch {
        RouteMatch {
            path: Some(PathMatch {
                kind: "PathPrefix".into(),
                value: path.into(),
            }),
            headers: headers
                .iter()
                .map(|(n, v)| ValueMatch {
                    kind: "Exact".into(),
                    name: (*n).into(),
                    value: (*v).into(),
                })
                .collect(),
            query_params: Vec::new(),
            method: None,
        }
    }

    #[test]
    fn equivalent_matches_share_a_key() {
        assert_eq!(key(&m("/api/", &[])), key(&m("/api", &[])));
        assert_eq!(
            key(&m("/", &[("X-A", "1"), ("b", "2")])),
            key(&m("/", &[("B", "2"), ("x-a", "1")]))
        );
        assert_ne!(key(&m("/api", &[])), key(&m("/apis", &[])));
        assert_ne!(key(&m("/", &[("a", "1")])), key(&m("/", &[("a", "2")])));
    }
}
