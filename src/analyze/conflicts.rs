//! Conflicts: two routes that claim the same hostname and the same match on
//! one listener (of a gateway or of a ListenerSet). The API accepts both and picks the older one by creation
//! time, which a Git repository cannot show. Found by hashing each
//! (listener, hostname, match), so the check stays linear in the number of routes.
//! The check is shared by the route kinds that claim so ([`Claimant`]: HTTP
//! here, gRPC in `grpc_conflicts`).

use std::collections::BTreeSet;
use std::collections::hash_map::Entry;

use super::attach::{accepts, admits};
use super::kinds::HttpLike;
use super::parents::Parent;
use super::{Context, FastMap, Lookup, parents};
use crate::diagnostic::{Code, Diagnostic, Diagnostics};
use crate::model::{HttpRoute, Listener, Model, RouteMatch, RouteRule};

/// A route kind whose routes claim (listener, hostname, match) keys: HTTP and gRPC.
pub(super) trait Claimant {
    /// A rule of the route.
    type Rule;
    /// How a message names two routes of the kind (`routes`, `gRPC routes`).
    const ROUTES: &'static str;
    /// What of a route the help suggests changing besides its hostname.
    const MATCH: &'static str;
    /// The route as the listener checks read it.
    fn view(&self) -> HttpLike<'_>;
    /// Its rules.
    fn rules(&self) -> &[Self::Rule];
    /// A canonical key per match of `rule`, with the match's index (none for a rule without matches).
    fn match_keys(rule: &Self::Rule) -> Vec<(Option<usize>, String)>;
    /// A key of [`Claimant::match_keys`] for messages.
    fn describe(key: &str) -> String;
    /// The spec path of match `m` of `rule`.
    fn pointer(&self, rule: &Self::Rule, m: Option<usize>, cx: &Context<'_>) -> String;
}

/// Where a claim was made: the route (index), its rule and the match in it.
#[derive(Clone, Copy)]
struct Claim {
    route: usize,
    rule: usize,
    matched: Option<usize>,
}

/// What was claimed twice: on which listener of which parent, by which hostname and match key.
struct Claimed<'a> {
    parent: Parent<'a>,
    listener: &'a Listener,
    host: &'a str,
    key: &'a str,
}

/// Check that no two HTTPRoutes claim the same hostname and match on one listener.
pub fn check(model: &Model, lookup: &Lookup<'_>, cx: &Context<'_>, diags: &mut Diagnostics) {
    check_kind(&model.routes, model, lookup, cx, diags);
}

/// GW430 for `routes` of one kind: each pair in which a later route claims
/// what an earlier one claimed on one listener, reported once, at the later one.
pub(super) fn check_kind<R: Claimant>(
    routes: &[R],
    model: &Model,
    lookup: &Lookup<'_>,
    cx: &Context<'_>,
    diags: &mut Diagnostics,
) {
    let mut claims: FastMap<String, Claim> = FastMap::with_capacity_and_hasher(routes.len(), Default::default());
    let mut reported: BTreeSet<(usize, usize)> = BTreeSet::new();
    for (ri, route) in routes.iter().enumerate() {
        let r = route.view();
        let keys = claimed_keys(route, ri);
        for p in r.parent_refs {
            let Some(parent) = parents::of(lookup, r.namespace, p) else {
                continue;
            };
            // A listener that does not admit the route's namespace does not take it (GW411).
            let labels = lookup.namespace_labels(r.namespace);
            let parent_key = parent.key();
            for l in parent
                .selected(p)
                .filter(|l| admits(l, parent.namespace(), r.namespace, labels))
            {
                for host in effective_hosts(r.hostnames, l) {
                    for &(here, ref key) in &keys {
                        let claim = format!("{parent_key}\n{}\n{host}\n{key}", l.name);
                        let first = match claims.entry(claim) {
                            Entry::Occupied(o) => *o.get(),
                            Entry::Vacant(v) => {
                                v.insert(here);
                                continue;
                            }
                        };
                        if first.route == ri || !reported.insert((first.route, ri)) {
                            continue;
                        }
                        let claimed = Claimed {
                            parent,
                            listener: l,
                            host: &host,
                            key,
                        };
                        diags.extend(conflict(routes, first, here, &claimed, model, cx));
                    }
                }
            }
        }
    }
}

/// Each match of route `ri` (every rule's, in order) with its canonical key.
fn claimed_keys<R: Claimant>(route: &R, ri: usize) -> Vec<(Claim, String)> {
    let mut keys = Vec::new();
    for (rule, r) in route.rules().iter().enumerate() {
        for (matched, key) in R::match_keys(r) {
            keys.push((
                Claim {
                    route: ri,
                    rule,
                    matched,
                },
                key,
            ));
        }
    }
    keys
}

/// GW430 for the claim `here` of what `first` claimed, unless either route allows it.
fn conflict<R: Claimant>(
    routes: &[R],
    first: Claim,
    here: Claim,
    claimed: &Claimed<'_>,
    model: &Model,
    cx: &Context<'_>,
) -> Option<Diagnostic> {
    let (other, route) = (&routes[first.route], &routes[here.route]);
    let (o, r) = (other.view(), route.view());
    if model.allow.allows(Code::HostnameClaimedTwice, r.origin)
        || model.allow.allows(Code::HostnameClaimedTwice, o.origin)
    {
        return None;
    }
    let pointer = route.pointer(&route.rules()[here.rule], here.matched, cx);
    let first_pointer = other.pointer(&other.rules()[first.rule], first.matched, cx);
    let host = if claimed.host.is_empty() {
        "(no hostname)"
    } else {
        claimed.host
    };
    let message = format!(
        "{} `{}/{}` and `{}/{}` both claim `{host}` {} on listener `{}` of {}",
        R::ROUTES,
        o.namespace,
        o.name,
        r.namespace,
        r.name,
        R::describe(claimed.key),
        claimed.listener.name,
        claimed.parent.describe()
    );
    Some(
        cx.err(Code::HostnameClaimedTwice, &pointer, message)
            .related(cx.prov.locate(&first_pointer), "claimed here first")
            .help(format!(
                "the gateway serves the route created first, which Git cannot show: change the hostname or the {} of one of them, or merge the two routes",
                R::MATCH
            )),
    )
}

impl Claimant for HttpRoute {
    type Rule = RouteRule;
    const ROUTES: &'static str = "routes";
    const MATCH: &'static str = "match";

    fn view(&self) -> HttpLike<'_> {
        HttpLike::http(self)
    }

    fn rules(&self) -> &[RouteRule] {
        &self.rules
    }

    fn match_keys(rule: &RouteRule) -> Vec<(Option<usize>, String)> {
        match_keys(rule)
    }

    fn describe(key: &str) -> String {
        describe(key)
    }

    fn pointer(&self, rule: &RouteRule, m: Option<usize>, cx: &Context<'_>) -> String {
        match_pointer(self, rule, m, cx)
    }
}

/// The hostnames by which a route claims requests or calls on a listener: its own
/// hostnames that the listener accepts, as written, or `""` when it names none.
/// Across routes the API gives precedence to the longer matching hostname
/// (exact before wildcard, any before none), so only routes that match by the
/// same hostname tie.
fn effective_hosts(hostnames: &[String], l: &Listener) -> Vec<String> {
    if hostnames.is_empty() {
        return vec![String::new()];
    }
    let mut hosts: Vec<String> = hostnames.iter().filter(|h| accepts(l, h)).cloned().collect();
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
        return if cx.prov.is_written(&path) {
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
