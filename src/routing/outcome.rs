//! What happens to a request: the [`Outcome`] of [`super::Engine::route`],
//! and its JSON form (the `trace --format json` contract).

use serde_json::{Map, Value, json};

use super::objects::Origin;
use super::routes::{HeaderModifier, Timeouts};

/// A route, by kind, namespace and name.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct RouteRef {
    /// `HTTPRoute` or `GRPCRoute`.
    pub kind: String,
    /// Namespace.
    pub namespace: String,
    /// Name.
    pub name: String,
}

/// A redirect the Gateway answers with.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Redirect {
    /// The `Location` header.
    pub location: String,
    /// The status code.
    pub status: u16,
    /// Scheme of the location.
    pub scheme: String,
    /// Host of the location.
    pub host: String,
    /// Port of the location (shown in it only when not the scheme's).
    pub port: u16,
    /// Path of the location, without the query.
    pub path: String,
}

/// The request a backend sees.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct RequestSeen {
    /// Host.
    pub host: String,
    /// Path with the query.
    pub path: String,
    /// Headers, in order.
    pub headers: Vec<(String, String)>,
}

/// A backend that can be chosen.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Backend {
    /// Namespace.
    pub namespace: String,
    /// Service name.
    pub name: String,
    /// Port.
    pub port: Option<u16>,
    /// Weight (never 0: a weight 0 backend is never chosen, so it is not listed).
    pub weight: u32,
    /// What this backend sees, when its own filters change the request.
    pub request_seen: Option<RequestSeen>,
}

/// A backend whose share of the traffic is answered with 500.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FailedBackend {
    /// Namespace.
    pub namespace: String,
    /// Name.
    pub name: String,
    /// Port.
    pub port: Option<u16>,
    /// Weight.
    pub weight: u32,
    /// Why it cannot be reached.
    pub reason: String,
}

/// A copy of the request sent elsewhere.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MirrorTarget {
    /// Namespace.
    pub namespace: String,
    /// Name.
    pub name: String,
    /// Port.
    pub port: Option<u16>,
    /// Percent of requests copied.
    pub percent: u32,
}

/// A rule that was a candidate for the request and did not win.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Loser {
    /// Its route.
    pub route: RouteRef,
    /// Its index.
    pub rule: usize,
    /// Where it was written.
    pub origin: Option<Origin>,
    /// What the request missed, or the precedence step that made it lose.
    pub why: String,
}

/// What the Gateway does with a request.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Outcome {
    /// The Gateway (`namespace`, `name`).
    pub gateway: (String, String),
    /// The listener's name, if one takes the request.
    pub listener: Option<String>,
    /// The winning route.
    pub route: Option<RouteRef>,
    /// The winning rule's index.
    pub rule: Option<usize>,
    /// The winning rule's name.
    pub rule_name: Option<String>,
    /// Where the winning rule was written.
    pub origin: Option<Origin>,
    /// The status: 200 when a backend answers, else the Gateway's own.
    pub status: u16,
    /// The redirect, if the rule redirects.
    pub redirect: Option<Redirect>,
    /// What the backends see.
    pub request_seen: Option<RequestSeen>,
    /// The backends that can be chosen, with their weights.
    pub backends: Vec<Backend>,
    /// Backends whose share is a 500.
    pub failed_backends: Vec<FailedBackend>,
    /// Mirrors.
    pub mirrors: Vec<MirrorTarget>,
    /// The Gateway's response header modifiers, in order.
    pub response_modifiers: Vec<HeaderModifier>,
    /// Response headers the Gateway adds itself (CORS).
    pub gateway_headers: Vec<(String, String)>,
    /// Rule timeouts.
    pub timeouts: Option<Timeouts>,
    /// The filters applied, in words.
    pub filters: Vec<String>,
    /// The other candidate rules and why they lost.
    pub losers: Vec<Loser>,
}

impl Outcome {
    /// The response headers a client receives when the backend sends `from_backend`.
    pub fn response_headers(&self, from_backend: &[(String, String)]) -> Vec<(String, String)> {
        let mut h = from_backend.to_vec();
        for m in &self.response_modifiers {
            m.apply(&mut h);
        }
        for (n, v) in &self.gateway_headers {
            h.retain(|(x, _)| !x.eq_ignore_ascii_case(n));
            h.push((n.clone(), v.clone()));
        }
        h
    }

    /// The JSON object of `trace --format json` (documented in docs/trace.md; only ever extended).
    pub fn to_json(&self) -> Value {
        let headers = |h: &[(String, String)]| {
            let mut m = Map::new();
            for (n, v) in h {
                m.insert(n.to_ascii_lowercase(), Value::String(v.clone()));
            }
            Value::Object(m)
        };
        let seen = |s: &RequestSeen| json!({"host": s.host, "path": s.path, "headers": headers(&s.headers)});
        let backends: Vec<Value> = self
            .backends
            .iter()
            .map(|b| {
                let mut v = json!({"namespace": b.namespace, "name": b.name, "port": b.port, "weight": b.weight});
                if let (Some(s), Some(m)) = (&b.request_seen, v.as_object_mut()) {
                    m.insert("requestSeen".into(), seen(s));
                }
                v
            })
            .collect();
        json!({
            "gateway": {"namespace": self.gateway.0, "name": self.gateway.1},
            "listener": self.listener,
            "route": self.route.as_ref().map(|r| json!({"kind": r.kind, "namespace": r.namespace, "name": r.name})),
            "rule": self.rule,
            "ruleName": self.rule_name,
            "status": self.status,
            "redirect": self.redirect.as_ref().map(|r| json!({"location": r.location, "status": r.status})),
            "requestSeen": self.request_seen.as_ref().map(seen),
            "backends": backends,
            "failedBackends": self.failed_backends.iter().map(|b| json!({"namespace": b.namespace, "name": b.name, "port": b.port, "weight": b.weight, "reason": b.reason})).collect::<Vec<_>>(),
            "mirrors": self.mirrors.iter().map(|m| json!({"namespace": m.namespace, "name": m.name, "port": m.port, "percent": m.percent})).collect::<Vec<_>>(),
            "responseHeaders": headers(&self.response_headers(&[])),
        })
    }
}
