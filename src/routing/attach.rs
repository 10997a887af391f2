//! Which routes attach to which listener (parentRefs with `sectionName` and
//! `port`, `allowedRoutes` namespaces and kinds, hostname intersection), and
//! the per-listener index by hostname that requests are looked up in.

use std::collections::{BTreeMap, BTreeSet};

use super::hostnames;
use super::listeners::{Listener, Parent, admits};
use super::objects::{GROUP, Object, Origin, Reference};
use super::outcome::RouteRef;
use super::precedence::Matcher;
use super::routes::RouteSpec;

/// An HTTPRoute or GRPCRoute with its compiled matches; a TLSRoute, TCPRoute
/// or UDPRoute (whose one rule matches every connection).
#[derive(Clone, Debug)]
pub struct Route {
    /// `HTTPRoute`, `GRPCRoute`, `TLSRoute`, `TCPRoute` or `UDPRoute`.
    pub kind: String,
    /// The object.
    pub obj: Object<RouteSpec>,
    /// Where each rule was written.
    pub rule_origins: Vec<Option<Origin>>,
    /// Each rule's matches (the default match when it has none).
    pub matchers: Vec<Vec<Matcher>>,
}

impl Route {
    /// Its kind, namespace and name.
    pub fn reference(&self) -> RouteRef {
        RouteRef {
            kind: self.kind.clone(),
            namespace: self.obj.meta.ns().to_string(),
            name: self.obj.meta.name.clone(),
        }
    }

    /// Compile the matches of every rule.
    pub fn new(kind: &str, obj: Object<RouteSpec>, rule_origins: Vec<Option<Origin>>) -> Route {
        let grpc = kind == "GRPCRoute";
        let matchers = obj
            .spec
            .rules
            .iter()
            .map(|r| {
                if r.matches.is_empty() && grpc {
                    vec![Matcher::compile(&Default::default(), true)]
                } else if r.matches.is_empty() {
                    vec![Matcher::any()]
                } else {
                    r.matches.iter().map(|m| Matcher::compile(m, grpc)).collect()
                }
            })
            .collect();
        Route {
            kind: kind.to_string(),
            obj,
            rule_origins,
            matchers,
        }
    }
}

/// A route reachable through one of the listener's hostnames (`None`: any host).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Entry {
    /// Index of the route.
    pub route: usize,
    /// The hostname it serves there.
    pub host: Option<String>,
}

/// One listener's routes, by hostname.
#[derive(Clone, Debug, Default)]
pub struct HostIndex {
    exact: BTreeMap<String, Vec<Entry>>,
    wildcard: BTreeMap<String, Vec<Entry>>,
    any: Vec<Entry>,
}

impl HostIndex {
    fn insert(&mut self, e: Entry) {
        match e.host.as_deref() {
            None => self.any.push(e),
            Some(h) => match h.strip_prefix('*') {
                Some(suffix) => self.wildcard.entry(suffix.to_ascii_lowercase()).or_default().push(e),
                None => self.exact.entry(h.to_ascii_lowercase()).or_default().push(e),
            },
        }
    }

    /// The routes that serve `host`, each once, through its most specific hostname.
    pub fn lookup(&self, host: &str) -> Vec<&Entry> {
        let host = host.to_ascii_lowercase();
        let mut out: Vec<&Entry> = Vec::new();
        let mut seen = BTreeSet::new();
        let wild = host
            .match_indices('.')
            .filter(|(i, _)| *i > 0)
            .filter_map(|(i, _)| self.wildcard.get(&host[i..]));
        let lists = self
            .exact
            .get(&host)
            .into_iter()
            .chain(wild)
            .chain(std::iter::once(&self.any));
        for e in lists.flatten() {
            if seen.insert(e.route) {
                out.push(e);
            }
        }
        out
    }

    /// Every route attached, each with the hostnames it serves (for maps and probes).
    pub fn entries(&self) -> impl Iterator<Item = &Entry> {
        self.exact
            .values()
            .chain(self.wildcard.values())
            .flatten()
            .chain(&self.any)
    }
}

fn refers_to(r: &Reference, route_ns: &str, l: &Listener) -> bool {
    r.group.as_deref().unwrap_or(GROUP) == GROUP
        && r.kind.as_deref().unwrap_or("Gateway") == l.owner.kind
        && r.namespace.as_deref().unwrap_or(route_ns) == l.owner.namespace
        && r.name == l.owner.name
        && r.section_name.as_deref().is_none_or(|s| s == l.spec.name)
        && r.port.is_none_or(|p| p == l.spec.port)
}

fn kind_allowed(l: &Listener, kind: &str) -> bool {
    let kinds = &l.spec.allowed_routes.kinds;
    if kinds.is_empty() {
        return match l.spec.protocol.to_ascii_uppercase().as_str() {
            "TLS" => kind == "TLSRoute",
            "TCP" => kind == "TCPRoute",
            "UDP" => kind == "UDPRoute",
            _ => kind == "HTTPRoute" || kind == "GRPCRoute",
        };
    }
    kinds
        .iter()
        .any(|k| k.group.as_deref().unwrap_or(GROUP) == GROUP && k.kind == kind)
}

/// The index of every listener, in the order of `listeners`.
pub fn index(
    routes: &[Route],
    listeners: &[Listener],
    labels: &BTreeMap<String, BTreeMap<String, String>>,
) -> Vec<HostIndex> {
    let mut by_owner: BTreeMap<&Parent, Vec<usize>> = BTreeMap::new();
    for (i, l) in listeners.iter().enumerate() {
        by_owner.entry(&l.owner).or_default().push(i);
    }
    let mut out = vec![HostIndex::default(); listeners.len()];
    for (ri, route) in routes.iter().enumerate() {
        let ns = route.obj.meta.ns();
        let mut done = BTreeSet::new();
        for r in &route.obj.spec.parent_refs {
            let owner = Parent {
                kind: r.kind.clone().unwrap_or_else(|| "Gateway".into()),
                namespace: r.namespace.clone().unwrap_or_else(|| ns.to_string()),
                name: r.name.clone(),
            };
            for &li in by_owner.get(&owner).into_iter().flatten() {
                let l = &listeners[li];
                let allowed = l.spec.allowed_routes.namespaces.as_ref();
                if !refers_to(r, ns, l)
                    || !done.insert(li)
                    || !kind_allowed(l, &route.kind)
                    || !admits(allowed, "Same", &l.owner.namespace, ns, labels)
                {
                    continue;
                }
                match hostnames::intersect(l.spec.hostname.as_deref(), &route.obj.spec.hostnames) {
                    None => out[li].insert(Entry { route: ri, host: None }),
                    Some(hosts) => {
                        for h in hosts {
                            out[li].insert(Entry {
                                route: ri,
                                host: Some(h),
                            });
                        }
                    }
                }
            }
        }
    }
    out
}
