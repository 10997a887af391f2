//! The requests worth asking two versions of a routing setup (`diff`'s
//! behavioural section): for every match of every rule, on every hostname
//! its route serves, the request it matches and the requests just beside it
//! (a prefix with and without its trailing slash, a sibling path, the other
//! method, a header or query value that just misses); for a TLS, TCP or UDP
//! listener, one connection per hostname its routes serve (TLS, by SNI) or
//! to its port (TCP, UDP). Pure and deterministic: sorted, each probe once.

use std::collections::BTreeMap;

use super::hostnames;
use super::precedence::{Matcher, PathMatch, ValueMatch};
use super::{Engine, Request};

/// One request to try, sent to one Gateway.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Probe {
    /// `GET http://host/path [name: value]`: what a reader sees.
    pub label: String,
    /// The request, its `gateway` set.
    pub request: Request,
}

/// The host a probe sends for a hostname: the name itself, `probe.` and the
/// suffix for a `*.` wildcard, `probe.invalid` for "any host" (`None`).
pub fn concrete_host(pattern: Option<&str>) -> String {
    match pattern {
        None => "probe.invalid".into(),
        Some(p) => match p.strip_prefix("*.") {
            Some(suffix) => format!("probe.{}", suffix.to_ascii_lowercase()),
            None => p.to_ascii_lowercase(),
        },
    }
}

/// Whether a route hostname (`None`: any) serves the request host `host`.
pub fn serves(pattern: Option<&str>, host: &str) -> bool {
    pattern.is_none_or(|p| hostnames::matches(p, host))
}

/// Every probe of `engine`, sorted by Gateway then label, each once.
pub fn probes(engine: &Engine) -> Vec<Probe> {
    let mut out: BTreeMap<((String, String), String), Request> = BTreeMap::new();
    for (i, l) in engine.listeners().iter().enumerate() {
        let scheme = match l.spec.protocol.to_ascii_uppercase().as_str() {
            "HTTP" => "http",
            "HTTPS" => "https",
            "TLS" => "tls",
            "TCP" => "tcp",
            "UDP" => "udp",
            _ => continue,
        };
        let gateway = (l.gateway.namespace.clone(), l.gateway.name.clone());
        for (route, host) in engine.attached(i) {
            let host = concrete_host(host.or(l.spec.hostname.as_deref()));
            if is_connection(scheme) {
                let request = Request {
                    gateway: Some(gateway.clone()),
                    ..connection(scheme, &host, l.spec.port)
                };
                out.insert((gateway.clone(), label(&request)), request);
                continue;
            }
            let grpc = route.kind == "GRPCRoute";
            for m in route.matchers.iter().flatten() {
                for shape in shapes(m, grpc) {
                    let request = Request {
                        gateway: Some(gateway.clone()),
                        scheme: scheme.into(),
                        host: host.clone(),
                        port: l.spec.port,
                        method: shape.method,
                        path: shape.path,
                        headers: shape.headers,
                        sni: None,
                        grpc,
                    };
                    out.insert((gateway.clone(), label(&request)), request);
                }
            }
        }
    }
    out.into_iter()
        .map(|((_, label), request)| Probe { label, request })
        .collect()
}

/// Whether `scheme` is a TLS, TCP or UDP connection rather than an HTTP request.
pub fn is_connection(scheme: &str) -> bool {
    matches!(scheme, "tls" | "tcp" | "udp")
}

/// A connection to `host:port` over `scheme` (`tls`: `host` is the SNI
/// hostname), as `trace tls://host:port` sends it.
fn connection(scheme: &str, host: &str, port: u16) -> Request {
    Request {
        gateway: None,
        scheme: scheme.into(),
        host: host.into(),
        port,
        method: "GET".into(),
        path: "/".into(),
        headers: Vec::new(),
        sni: None,
        grpc: false,
    }
}

/// `METHOD scheme://host[:port]/path [name: value, ...]`; `scheme://host:port`
/// for a TLS, TCP or UDP connection.
pub fn label(r: &Request) -> String {
    if is_connection(&r.scheme) {
        return format!("{}://{}:{}", r.scheme, r.host, r.port);
    }
    let default = matches!((r.scheme.as_str(), r.port), ("http", 80) | ("https", 443));
    let port = if default { String::new() } else { format!(":{}", r.port) };
    let mut s = format!("{} {}://{}{port}{}", r.method, r.scheme, r.host, r.path);
    if !r.headers.is_empty() {
        let h: Vec<String> = r.headers.iter().map(|(n, v)| format!("{n}: {v}")).collect();
        s.push_str(&format!(" [{}]", h.join(", ")));
    }
    s
}

/// A request without its host: method, path with query, headers.
struct Shape {
    method: String,
    path: String,
    headers: Vec<(String, String)>,
}

/// The requests that a match takes, and those that just miss it.
fn shapes(m: &Matcher, grpc: bool) -> Vec<Shape> {
    let headers: Vec<(String, String)> = m.headers.iter().map(value).collect();
    let query: Vec<(String, String)> = m.query.iter().map(value).collect();
    let method = m.method.clone().unwrap_or_else(|| "GET".into());
    let shape = |method: &str, path: &str, headers: &[(String, String)], query: &[(String, String)]| Shape {
        method: method.to_string(),
        path: with_query(path, query),
        headers: headers.to_vec(),
    };
    if grpc {
        let mut h = vec![("content-type".to_string(), "application/grpc".to_string())];
        h.extend(headers.iter().cloned());
        let path = grpc_path(m);
        let mut out = vec![shape("POST", &path, &h, &[])];
        if h.len() > 1 {
            out.push(shape("POST", &path, &missed(&h), &[]));
        }
        return out;
    }
    let paths = paths(&m.path);
    let mut out: Vec<Shape> = paths.iter().map(|p| shape(&method, p, &headers, &query)).collect();
    let first = paths.first().map_or("/", String::as_str);
    if m.method.is_some() {
        let other = if method == "GET" { "POST" } else { "GET" };
        out.push(shape(other, first, &headers, &query));
    }
    if !headers.is_empty() {
        out.push(shape(&method, first, &missed(&headers), &query));
    }
    if !query.is_empty() {
        out.push(shape(&method, first, &headers, &missed(&query)));
    }
    out
}

/// A header or query pair that meets the match (a regular expression's text stands for itself).
fn value(v: &ValueMatch) -> (String, String) {
    let text = match &v.value {
        Ok(s) => s.clone(),
        Err(Some(re)) => literal(re.as_str().trim_start_matches("^(?:").trim_end_matches(")$")),
        Err(None) => String::new(),
    };
    (v.name.to_ascii_lowercase(), text)
}

/// The pairs with the last value changed so that it just misses.
fn missed(pairs: &[(String, String)]) -> Vec<(String, String)> {
    let mut out = pairs.to_vec();
    if let Some((_, v)) = out.last_mut() {
        v.push_str("-miss");
    }
    out
}

fn with_query(path: &str, query: &[(String, String)]) -> String {
    if query.is_empty() {
        return path.to_string();
    }
    let q: Vec<String> = query.iter().map(|(n, v)| format!("{n}={v}")).collect();
    format!("{path}?{}", q.join("&"))
}

/// The path a match takes and the paths beside it.
fn paths(p: &PathMatch) -> Vec<String> {
    match p {
        PathMatch::Prefix(v) => {
            let t = v.trim_end_matches('/');
            if t.is_empty() {
                return vec!["/".into()];
            }
            vec![t.to_string(), format!("{t}/"), format!("{t}x")]
        }
        PathMatch::Exact(v) if v.len() > 1 && v.ends_with('/') => {
            vec![v.clone(), v.trim_end_matches('/').to_string()]
        }
        PathMatch::Exact(v) => vec![v.clone(), format!("{v}/")],
        PathMatch::Regex(v, _) => {
            let l = literal(v);
            vec![if l.starts_with('/') { l } else { format!("/{l}") }]
        }
    }
}

/// The literal start of a regular expression (up to its first special character).
fn literal(re: &str) -> String {
    re.trim_start_matches('^')
        .chars()
        .take_while(|c| c.is_alphanumeric() || matches!(c, '/' | '-' | '_' | '~'))
        .collect()
}

/// `/service/method` of a gRPC match (`probe.Service`, `Probe` where any or a pattern).
fn grpc_path(m: &Matcher) -> String {
    let g = m.grpc.as_ref();
    let exact = |v: Option<&String>, fallback: &str| match (v, g.and_then(|g| g.regex.as_ref())) {
        (Some(s), None) => s.clone(),
        _ => fallback.to_string(),
    };
    let service = exact(g.and_then(|g| g.service.as_ref()), "probe.Service");
    let method = exact(g.and_then(|g| g.method.as_ref()), "Probe");
    format!("/{service}/{method}")
}
