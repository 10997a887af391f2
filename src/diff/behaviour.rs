//! The behavioural section of `diff`: the requests that matter for the
//! routes a change touches ([`crate::routing::probes`]) sent through both
//! versions, and every request whose outcome changes (backends and weights,
//! status, redirect, the path or host the backend sees); TLS connections by
//! SNI hostname and TCP and UDP connections by listener port alike.

use std::collections::{BTreeMap, BTreeSet};

use serde::Serialize;
use serde_json::Value;

use crate::routing::map::Map;
use crate::routing::probes::{self, Probe};
use crate::routing::{Engine, Input, Outcome, Request, RouteError};

/// At most this many probes go through both versions; the report says when there were more.
pub const PROBE_CAP: usize = 2000;

/// The requests whose outcome a change alters.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Behaviour {
    /// Probes sent through both versions.
    pub probes: usize,
    /// Probes there were (more than `probes` when [`PROBE_CAP`] cut them).
    pub candidates: usize,
    /// Hostnames the change touches, sorted (`*`: every host), then the TCP
    /// and UDP listener ports it touches (`tcp://*:5432`).
    pub hosts: Vec<String>,
    /// Requests whose outcome changes, in probe order.
    pub changes: Vec<RequestChange>,
    /// The Mermaid map of the new version, for the hostnames touched (empty when none).
    #[serde(skip)]
    pub map: String,
}

impl Behaviour {
    /// Whether the probes were capped.
    pub fn capped(&self) -> bool {
        self.candidates > self.probes
    }
}

/// One request whose outcome changes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RequestChange {
    /// The Gateway it is sent to, `namespace/name`.
    pub gateway: String,
    /// `METHOD URL [headers]`.
    pub request: String,
    /// What the old version does with it.
    pub before: String,
    /// What the new version does with it.
    pub after: String,
}

/// A TCP or UDP listener's Gateway (`namespace`, `name`), scheme and port.
type Port = ((String, String), String, u16);

/// Which hostnames (and TCP/UDP listener ports) a change can affect.
enum Touched {
    /// Every host (a Gateway, Service, grant or namespace changed, or a route for any host).
    All,
    /// These route hostnames, and these TCP and UDP listeners.
    Hosts(BTreeSet<String>, BTreeSet<Port>),
}

impl Touched {
    fn probe(&self, r: &Request) -> bool {
        match self {
            Touched::All => true,
            Touched::Hosts(_, ports) if matches!(r.scheme.as_str(), "tcp" | "udp") => {
                let gw = r.gateway.clone().unwrap_or_default();
                ports.contains(&(gw, r.scheme.clone(), r.port))
            }
            Touched::Hosts(h, _) => h
                .iter()
                .any(|p| probes::serves(Some(p), &r.host) || probes::concrete_host(Some(p)) == r.host),
        }
    }

    fn entry(&self, host: Option<&str>) -> bool {
        match (self, host) {
            (Touched::All, _) | (_, None) => true,
            (Touched::Hosts(h, _), Some(x)) => h
                .iter()
                .any(|p| p.eq_ignore_ascii_case(x) || probes::serves(Some(p), x) || probes::serves(Some(x), p)),
        }
    }

    /// The hostnames, then `tcp://*:PORT` and `udp://*:PORT` for the listeners (`*`: every host).
    fn hosts(&self) -> Vec<String> {
        match self {
            Touched::All => vec!["*".into()],
            Touched::Hosts(h, ports) => {
                let ports: BTreeSet<String> = ports.iter().map(|(_, s, p)| format!("{s}://*:{p}")).collect();
                h.iter().cloned().chain(ports).collect()
            }
        }
    }
}

/// Compare what the objects of `base` and `head` do with every probe of the hostnames the change touches.
pub fn compare(base: &[Input], head: &[Input]) -> Behaviour {
    let (be, he) = (Engine::new(base), Engine::new(head));
    let touched = touched(base, head, &be, &he);
    let mut all: BTreeMap<((String, String), String), Probe> = BTreeMap::new();
    for p in probes::probes(&be).into_iter().chain(probes::probes(&he)) {
        if touched.probe(&p.request) {
            let gw = p.request.gateway.clone().unwrap_or_default();
            all.insert((gw, p.label.clone()), p);
        }
    }
    let mut out = Behaviour {
        candidates: all.len(),
        hosts: touched.hosts(),
        ..Default::default()
    };
    for ((gw, label), p) in all.into_iter().take(PROBE_CAP) {
        out.probes += 1;
        let (before, after) = (
            summary(be.route(&p.request), &p.request),
            summary(he.route(&p.request), &p.request),
        );
        if before != after {
            out.changes.push(RequestChange {
                gateway: format!("{}/{}", gw.0, gw.1),
                request: label,
                before,
                after,
            });
        }
    }
    if !out.hosts.is_empty() {
        out.map = Map::new(&he, &|h| touched.entry(h)).mermaid();
    }
    out
}

/// The objects that routing reads, by kind, namespace and name.
fn keyed(inputs: &[Input]) -> BTreeMap<(String, String, String), &Value> {
    let s = |v: &Value, p: &str| v.pointer(p).and_then(Value::as_str).unwrap_or_default().to_string();
    inputs
        .iter()
        .map(|i| {
            let v = &i.value;
            ((s(v, "/kind"), s(v, "/metadata/namespace"), s(v, "/metadata/name")), v)
        })
        .collect()
}

fn touched(base: &[Input], head: &[Input], be: &Engine, he: &Engine) -> Touched {
    let (b, h) = (keyed(base), keyed(head));
    let keys: BTreeSet<&(String, String, String)> = b.keys().chain(h.keys()).collect();
    let mut routes = BTreeSet::new();
    for key in keys.into_iter().filter(|k| b.get(*k) != h.get(*k)) {
        match key.0.as_str() {
            "HTTPRoute" | "GRPCRoute" | "TLSRoute" | "TCPRoute" | "UDPRoute" => {
                routes.insert((key.0.clone(), key.1.clone(), key.2.clone()));
            }
            "Gateway" | "ListenerSet" | "XListenerSet" | "ReferenceGrant" | "Service" | "Namespace" => {
                return Touched::All;
            }
            _ => {}
        }
    }
    let (mut hosts, mut ports) = (BTreeSet::new(), BTreeSet::new());
    for engine in [be, he] {
        for (i, l) in engine.listeners().iter().enumerate() {
            for (route, host) in engine.attached(i) {
                let r = route.reference();
                if !routes.contains(&(r.kind, route.obj.meta.namespace.clone().unwrap_or_default(), r.name)) {
                    continue;
                }
                let scheme = match route.kind.as_str() {
                    "TCPRoute" => "tcp",
                    "UDPRoute" => "udp",
                    _ => "",
                };
                match host {
                    _ if !scheme.is_empty() => {
                        let gw = (l.gateway.namespace.clone(), l.gateway.name.clone());
                        ports.insert((gw, scheme.to_string(), l.spec.port));
                    }
                    None => return Touched::All,
                    Some(h) => {
                        hosts.insert(h.to_ascii_lowercase());
                    }
                }
            }
        }
    }
    Touched::Hosts(hosts, ports)
}

/// What happens to a request, in the terms a change is judged by: status,
/// redirect, backends and their weights, the host and path the backend
/// sees when a filter changes them.
fn summary(r: Result<Outcome, RouteError>, req: &Request) -> String {
    let o = match r {
        Ok(o) => o,
        Err(RouteError::NoListener(_)) => return "no listener".into(),
        Err(_) => return "no Gateway".into(),
    };
    let mut parts = vec![match &o.redirect {
        Some(rd) => format!("{} redirect to {}", rd.status, rd.location),
        None => o.status.to_string(),
    }];
    let weighted = o.backends.len() + o.failed_backends.len() > 1;
    for b in &o.backends {
        let port = b.port.map(|p| format!(":{p}")).unwrap_or_default();
        let w = if weighted {
            format!(" (weight {})", b.weight)
        } else {
            String::new()
        };
        parts.push(format!("{}/{}{port}{w}", b.namespace, b.name));
    }
    for b in &o.failed_backends {
        let port = b.port.map(|p| format!(":{p}")).unwrap_or_default();
        parts.push(format!(
            "500 for {}/{}{port} (weight {})",
            b.namespace, b.name, b.weight
        ));
    }
    if let Some(seen) = o
        .request_seen
        .as_ref()
        .filter(|s| s.host != req.host || s.path != req.path)
    {
        parts.push(format!("as {}{}", seen.host, seen.path));
    }
    parts.join(" ")
}
