//! [`Engine::route`]: the Gateway, the listener, the candidate rules of the
//! request's host, the winner by precedence, then its filters and backends.

use super::attach::Route;
use super::filters::{self, Effects};
use super::hostnames;
use super::listeners;
use super::outcome::{Loser, Outcome};
use super::precedence::{self, Key, PathMatch, Tie};
use super::request::Request;
use super::{Engine, RouteError};

/// A rule that matched, through its best match.
struct Hit<'a> {
    route: &'a Route,
    rule: usize,
    matched: usize,
    key: Key,
    tie: Tie,
}

impl Engine {
    /// What happens to `req`.
    ///
    /// # Errors
    /// When no Gateway, or more than one, could take it ([`RouteError`]).
    pub fn route(&self, req: &Request) -> Result<Outcome, RouteError> {
        let normalized;
        let req = match hostnames::normalize(&req.host) {
            h if h == req.host => req,
            host => {
                normalized = Request { host, ..req.clone() };
                &normalized
            }
        };
        let gateway = self.gateway_for(req)?;
        let parent = listeners::Parent {
            kind: "Gateway".into(),
            namespace: gateway.0.clone(),
            name: gateway.1.clone(),
        };
        let mut out = empty(gateway);
        let by_host = listeners::select(&self.listeners, &parent, req.port, &req.scheme, &req.host);
        let chosen = match req.sni.as_deref().filter(|_| req.scheme == "https") {
            Some(sni) => listeners::select(
                &self.listeners,
                &parent,
                req.port,
                &req.scheme,
                &hostnames::normalize(sni),
            ),
            None => by_host,
        };
        let Some(li) = chosen else {
            return Ok(out);
        };
        out.listener = Some(self.listeners[li].spec.name.clone());
        if by_host != chosen {
            out.status = 421;
            return Ok(out);
        }
        let hits = self.candidates(li, req, &mut out.losers);
        let Some(best) = hits
            .iter()
            .min_by(|a, b| precedence::before((&a.key, &a.tie), (&b.key, &b.tie)))
        else {
            out.losers.sort_by(|a, b| (&a.route, a.rule).cmp(&(&b.route, b.rule)));
            return Ok(out);
        };
        for h in hits.iter().filter(|h| !std::ptr::eq(*h, best)) {
            out.losers.push(Loser {
                route: h.route.reference(),
                rule: h.rule,
                origin: origin(h.route, h.rule),
                why: format!(
                    "lost on {}",
                    precedence::lost_at((&best.key, &best.tie), (&h.key, &h.tie), h.route.kind == "GRPCRoute")
                ),
            });
        }
        out.losers.sort_by(|a, b| (&a.route, a.rule).cmp(&(&b.route, b.rule)));
        self.apply(best, req, &mut out);
        Ok(out)
    }

    fn gateway_for(&self, req: &Request) -> Result<(String, String), RouteError> {
        if self.gateways.is_empty() {
            return Err(RouteError::NoGateway);
        }
        if let Some(g) = &req.gateway {
            return match self.gateways.contains(g) {
                true => Ok(g.clone()),
                false => Err(RouteError::UnknownGateway(g.clone(), self.gateways.clone())),
            };
        }
        let takes = |g: &&(String, String)| {
            self.listeners.iter().any(|l| {
                l.gateway.namespace == g.0
                    && l.gateway.name == g.1
                    && l.spec.port == req.port
                    && listeners::serves(&l.spec.protocol, &req.scheme)
                    && l.spec
                        .hostname
                        .as_deref()
                        .is_none_or(|h| hostnames::matches(h, &req.host))
            })
        };
        let able: Vec<_> = self.gateways.iter().filter(takes).cloned().collect();
        match able.len() {
            0 if self.gateways.len() == 1 => Ok(self.gateways[0].clone()),
            0 => Err(RouteError::NoListener(self.gateways.clone())),
            1 => Ok(able[0].clone()),
            _ => Err(RouteError::Ambiguous(able)),
        }
    }

    /// Every rule of the host's routes that matches, through its best match; the others go to `losers`.
    fn candidates<'a>(&'a self, li: usize, req: &Request, losers: &mut Vec<Loser>) -> Vec<Hit<'a>> {
        let entries = self.index[li].lookup(&req.host);
        let wanted = |kind: &str| {
            entries
                .iter()
                .filter(|e| self.routes[e.route].kind == kind)
                .copied()
                .collect::<Vec<_>>()
        };
        let mut pool = match req.scheme.as_str() {
            "tls" => wanted("TLSRoute"),
            "tcp" => wanted("TCPRoute"),
            "udp" => wanted("UDPRoute"),
            _ if req.grpc => wanted("GRPCRoute"),
            _ => Vec::new(),
        };
        if pool.is_empty() && matches!(req.scheme.as_str(), "http" | "https") {
            pool = wanted("HTTPRoute");
        }
        let mut hits = Vec::new();
        for e in pool {
            let route = &self.routes[e.route];
            let spec = hostnames::specificity(e.host.as_deref());
            for rule in 0..route.matchers.len() {
                match best_match(route, rule, spec, req) {
                    Ok(h) => hits.push(h),
                    Err(miss) => losers.push(Loser {
                        route: route.reference(),
                        rule,
                        origin: origin(route, rule),
                        why: format!("no match: {miss}"),
                    }),
                }
            }
        }
        hits
    }

    fn apply(&self, hit: &Hit, req: &Request, out: &mut Outcome) {
        let route = hit.route;
        let spec = &route.obj.spec.rules[hit.rule];
        let ns = route.obj.meta.ns();
        out.route = Some(route.reference());
        out.rule = Some(hit.rule);
        out.rule_name = spec.name.clone();
        out.origin = origin(route, hit.rule);
        out.timeouts = spec.timeouts.clone();
        let prefix = match &route.matchers[hit.rule][hit.matched].path {
            PathMatch::Prefix(p) => Some(p.as_str()),
            _ => None,
        };
        let fx: Effects = filters::apply(&spec.filters, req, prefix);
        out.filters = fx.applied.clone();
        out.response_modifiers = fx.response.clone();
        out.gateway_headers = fx.cors.clone();
        if !fx.unknown.is_empty() {
            out.filters.extend(
                fx.unknown
                    .iter()
                    .map(|k| format!("unsupported filter `{k}`: the rule answers 500")),
            );
            out.status = 500;
            return;
        }
        if fx.preflight {
            out.status = 200;
            return;
        }
        if let Some(r) = fx.redirect {
            out.status = r.status;
            out.redirect = Some(r);
            return;
        }
        let (ok, failed) = super::backends::resolve(&spec.backend_refs, &self.catalog, &route.kind, ns, &fx.seen);
        out.mirrors = super::backends::mirrors(&fx.mirrors, &self.catalog, &route.kind, ns);
        out.status = if ok.is_empty() { 500 } else { 200 };
        out.backends = ok;
        out.failed_backends = failed;
        if out.status == 200 {
            out.request_seen = Some(fx.seen);
        }
    }
}

/// The best of a rule's matches that `req` meets, reached through a hostname of
/// `spec` specificity; what the request missed of the first match otherwise.
fn best_match<'a>(route: &'a Route, rule: usize, spec: (usize, usize), req: &Request) -> Result<Hit<'a>, String> {
    let meta = &route.obj.meta;
    let ts = meta.creation_timestamp.clone();
    let age = match &ts {
        Some(t) => (false, t.clone(), 0),
        None => (true, String::new(), route.obj.order),
    };
    let mut best: Option<Hit> = None;
    let mut first_miss = None;
    for (mi, m) in route.matchers[rule].iter().enumerate() {
        if let Some(miss) = precedence::miss(m, req) {
            first_miss.get_or_insert(miss);
            continue;
        }
        let hit = Hit {
            route,
            rule,
            matched: mi,
            key: precedence::key(m, spec),
            tie: Tie {
                age: age.clone(),
                name: (meta.ns().to_string(), meta.name.clone()),
                order: (rule, mi),
            },
        };
        if best
            .as_ref()
            .is_none_or(|b| precedence::before((&hit.key, &hit.tie), (&b.key, &b.tie)).is_lt())
        {
            best = Some(hit);
        }
    }
    best.ok_or_else(|| first_miss.unwrap_or_default())
}

fn origin(route: &Route, rule: usize) -> Option<super::Origin> {
    route
        .rule_origins
        .get(rule)
        .cloned()
        .flatten()
        .or_else(|| route.obj.origin.clone())
}

fn empty(gateway: (String, String)) -> Outcome {
    Outcome {
        gateway,
        listener: None,
        route: None,
        rule: None,
        rule_name: None,
        origin: None,
        status: 404,
        redirect: None,
        request_seen: None,
        backends: Vec::new(),
        failed_backends: Vec::new(),
        mirrors: Vec::new(),
        response_modifiers: Vec::new(),
        gateway_headers: Vec::new(),
        timeouts: None,
        filters: Vec::new(),
        losers: Vec::new(),
    }
}
