//! Matching a request against one match of a rule, and the precedence the
//! HTTPRoute and GRPCRoute APIs define among every match that agrees.

use std::cmp::Ordering;

use regex::Regex;

use super::request::Request;
use super::routes::anchored;
use super::routes::{MatchSpec, StringMatch};

/// How a path is matched.
#[derive(Clone, Debug)]
pub enum PathMatch {
    /// The whole path.
    Exact(String),
    /// Whole segments (`/a` matches `/a`, `/a/`, `/a/b`, never `/ab`).
    Prefix(String),
    /// An anchored regular expression (`None` when it does not compile: matches nothing).
    Regex(String, Option<Regex>),
}

/// A header or query value match.
#[derive(Clone, Debug)]
pub struct ValueMatch {
    /// Name (headers compare without case).
    pub name: String,
    /// Exact value, or an anchored regular expression.
    pub value: Result<String, Option<Regex>>,
}

/// One compiled match.
#[derive(Clone, Debug)]
pub struct Matcher {
    /// Path (HTTPRoute); `PathPrefix /` by default.
    pub path: PathMatch,
    /// HTTP method.
    pub method: Option<String>,
    /// gRPC method (GRPCRoute).
    pub grpc: Option<super::grpc::GrpcMethod>,
    /// Headers.
    pub headers: Vec<ValueMatch>,
    /// Query parameters.
    pub query: Vec<ValueMatch>,
}

fn value_match(m: &StringMatch) -> ValueMatch {
    let v = m.value.clone().unwrap_or_default();
    ValueMatch {
        name: m.name.clone(),
        value: match m.kind.as_deref() {
            Some("RegularExpression") => Err(anchored(&v)),
            _ => Ok(v),
        },
    }
}

impl Matcher {
    /// Compile a match of an HTTPRoute (`grpc` false) or a GRPCRoute.
    pub fn compile(spec: &MatchSpec, grpc: bool) -> Matcher {
        let path = match &spec.path {
            None => PathMatch::Prefix("/".into()),
            Some(p) => {
                let v = p.value.clone().unwrap_or_else(|| "/".into());
                match p.kind.as_deref() {
                    Some("Exact") => PathMatch::Exact(v),
                    Some("RegularExpression") => PathMatch::Regex(v.clone(), anchored(&v)),
                    _ => PathMatch::Prefix(v),
                }
            }
        };
        let (method, grpc_method) = match (&spec.method, grpc) {
            (Some(serde_json::Value::String(m)), false) => (Some(m.clone()), None),
            (Some(m), true) => (None, Some(super::grpc::GrpcMethod::parse(m))),
            // A GRPCRoute match without `method` matches every call, ranked as a gRPC match.
            (None, true) => (None, Some(super::grpc::GrpcMethod::default())),
            _ => (None, None),
        };
        Matcher {
            path,
            method,
            grpc: grpc_method,
            headers: spec.headers.iter().map(value_match).collect(),
            query: spec.query_params.iter().map(value_match).collect(),
        }
    }

    /// The default match of a rule without matches.
    pub fn any() -> Matcher {
        Matcher {
            path: PathMatch::Prefix("/".into()),
            method: None,
            grpc: None,
            headers: Vec::new(),
            query: Vec::new(),
        }
    }
}

/// Whether a PathPrefix `prefix` matches `path` on whole segments.
pub fn prefix_matches(prefix: &str, path: &str) -> bool {
    let p = prefix.trim_end_matches('/');
    if p.is_empty() {
        return path.starts_with('/');
    }
    path.starts_with(p) && matches!(path.as_bytes().get(p.len()), None | Some(b'/'))
}

fn value_ok(m: &ValueMatch, actual: Option<&str>) -> bool {
    match (&m.value, actual) {
        (Ok(v), Some(a)) => v == a,
        (Err(Some(re)), Some(a)) => re.is_match(a),
        _ => false,
    }
}

/// What part of a match a request missed, or `None` when it matches.
pub fn miss(m: &Matcher, req: &Request) -> Option<String> {
    if let Some(g) = &m.grpc {
        if let Some(miss) = super::grpc::miss(g, req) {
            return Some(miss);
        }
    } else {
        let path = req.path_only();
        let ok = match &m.path {
            PathMatch::Exact(p) => p == path,
            PathMatch::Prefix(p) => prefix_matches(p, path),
            PathMatch::Regex(_, re) => re.as_ref().is_some_and(|r| r.is_match(path)),
        };
        if !ok {
            return Some(format!("path `{path}`"));
        }
    }
    if let Some(method) = &m.method
        && method != &req.method
    {
        return Some(format!("method {}", req.method));
    }
    if let Some(h) = m.headers.iter().find(|h| !value_ok(h, req.header(&h.name))) {
        return Some(format!("header `{}`", h.name));
    }
    if let Some(q) = m.query.iter().find(|q| !value_ok(q, req.query(&q.name))) {
        return Some(format!("query parameter `{}`", q.name));
    }
    None
}

/// The precedence key of a matching candidate: larger wins, field by field.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct Key {
    /// Characters of the matching non-wildcard hostname, then of the hostname.
    pub hostname: (usize, usize),
    /// Path: Exact (3), PathPrefix (2) with its length, RegularExpression (1);
    /// for gRPC: characters of the service.
    pub path: (u8, usize),
    /// Whether a method is matched; for gRPC: characters of the method.
    pub method: usize,
    /// Number of header matches.
    pub headers: usize,
    /// Number of query parameter matches.
    pub query: usize,
}

/// The key of match `m` reached through a route hostname of `hostname` specificity.
pub fn key(m: &Matcher, hostname: (usize, usize)) -> Key {
    let (path, method) = match &m.grpc {
        Some(g) => (
            (0, g.service.as_ref().map_or(0, String::len)),
            g.method.as_ref().map_or(0, String::len),
        ),
        None => (
            match &m.path {
                PathMatch::Exact(p) => (3, p.len()),
                PathMatch::Prefix(p) => (2, p.trim_end_matches('/').len()),
                PathMatch::Regex(..) => (1, 0),
            },
            usize::from(m.method.is_some()),
        ),
    };
    Key {
        hostname,
        path,
        method,
        headers: m.headers.len(),
        query: m.query.len(),
    }
}

/// The tie-breakers after the key: the route's age, its namespace/name, then rule and match order.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct Tie {
    /// Creation time (absent sorts last), then document order when absent.
    pub age: (bool, String, usize),
    /// `namespace/name`.
    pub name: (String, String),
    /// Rule index, then match index.
    pub order: (usize, usize),
}

/// Whether `a` (key, tie) takes precedence over `b`.
pub fn before(a: (&Key, &Tie), b: (&Key, &Tie)) -> Ordering {
    b.0.cmp(a.0).then_with(|| a.1.cmp(b.1))
}

/// The precedence step at which `loser` lost to `winner`.
pub fn lost_at(winner: (&Key, &Tie), loser: (&Key, &Tie), grpc: bool) -> &'static str {
    let (w, l) = winner;
    let (lk, lt) = loser;
    if w.hostname != lk.hostname {
        "hostname specificity"
    } else if w.path != lk.path {
        if grpc {
            "gRPC service"
        } else {
            "path match (Exact, then longest PathPrefix, then RegularExpression)"
        }
    } else if w.method != lk.method {
        if grpc { "gRPC method" } else { "method match" }
    } else if w.headers != lk.headers {
        "number of header matches"
    } else if w.query != lk.query {
        "number of query parameter matches"
    } else if l.age != lt.age {
        "route age (oldest first; document order without creationTimestamp)"
    } else if l.name != lt.name {
        "route namespace/name"
    } else {
        "rule order"
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prefixes_match_whole_segments() {
        assert!(prefix_matches("/a", "/a"));
        assert!(prefix_matches("/a", "/a/b"));
        assert!(prefix_matches("/a/", "/a"));
        assert!(!prefix_matches("/a", "/ab"));
        assert!(prefix_matches("/", "/anything"));
    }
}
