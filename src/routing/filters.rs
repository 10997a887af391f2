//! The standard filters of a rule, applied in order: header modifiers,
//! RequestRedirect, URLRewrite, RequestMirror and CORS.

use super::outcome::{Redirect, RequestSeen};
use super::request::Request;
use super::routes::{Cors, Filter, HeaderModifier, Mirror, PathModifier};

/// What a rule's filters do to a request.
#[derive(Clone, Debug, Default)]
pub struct Effects {
    /// The request the backends see.
    pub seen: RequestSeen,
    /// The redirect the Gateway answers with, if any.
    pub redirect: Option<Redirect>,
    /// Response header modifiers, in order.
    pub response: Vec<HeaderModifier>,
    /// Response headers the CORS filter adds.
    pub cors: Vec<(String, String)>,
    /// A CORS preflight the Gateway answers itself.
    pub preflight: bool,
    /// Mirrors, as written.
    pub mirrors: Vec<Mirror>,
    /// Each filter applied, in words.
    pub applied: Vec<String>,
    /// Filters the engine does not know (an `ExtensionRef`, a misspelt type).
    pub unknown: Vec<String>,
}

/// The new path of a ReplaceFullPath or ReplacePrefixMatch modifier; `prefix` is the PathPrefix that matched.
pub fn new_path(m: &PathModifier, path: &str, prefix: Option<&str>) -> String {
    let replaced = match (m.kind.as_str(), &m.replace_full_path, &m.replace_prefix_match) {
        ("ReplaceFullPath", Some(full), _) => full.clone(),
        ("ReplacePrefixMatch", _, Some(repl)) => {
            let p = prefix.unwrap_or("/").trim_end_matches('/');
            let rest = path.get(p.len()..).unwrap_or("");
            format!("{}{rest}", repl.trim_end_matches('/'))
        }
        _ => path.to_string(),
    };
    if replaced.starts_with('/') {
        replaced
    } else {
        format!("/{replaced}")
    }
}

fn describe(m: &HeaderModifier) -> String {
    let mut parts = Vec::new();
    parts.extend(m.set.iter().map(|h| format!("set {}: {}", h.name, h.value)));
    parts.extend(m.add.iter().map(|h| format!("add {}: {}", h.name, h.value)));
    parts.extend(m.remove.iter().map(|n| format!("remove {n}")));
    parts.join(", ")
}

/// Apply `filters` to `req`, which matched through PathPrefix `prefix` (if any).
pub fn apply(filters: &[Filter], req: &Request, prefix: Option<&str>) -> Effects {
    let (path, query) = match req.path.split_once('?') {
        Some((p, q)) => (p.to_string(), Some(q.to_string())),
        None => (req.path.clone(), None),
    };
    let mut fx = Effects {
        seen: RequestSeen {
            host: req.host.clone(),
            path: path.clone(),
            headers: req.headers.clone(),
        },
        ..Effects::default()
    };
    let at = At {
        req,
        path: &path,
        query: query.as_deref(),
        prefix,
    };
    for f in filters {
        apply_one(f, &at, &mut fx);
    }
    if let Some(q) = query {
        fx.seen.path = format!("{}?{q}", fx.seen.path);
    }
    fx
}

/// The request a filter applies to: the path without the query, the query, the PathPrefix matched.
struct At<'a> {
    req: &'a Request,
    path: &'a str,
    query: Option<&'a str>,
    prefix: Option<&'a str>,
}

fn apply_one(f: &Filter, at: &At, fx: &mut Effects) {
    let known = match f.kind.as_str() {
        "RequestHeaderModifier" => f.request_header_modifier.as_ref().map(|m| {
            m.apply(&mut fx.seen.headers);
            format!("RequestHeaderModifier ({})", describe(m))
        }),
        "ResponseHeaderModifier" => f.response_header_modifier.as_ref().map(|m| {
            fx.response.push(m.clone());
            format!("ResponseHeaderModifier ({})", describe(m))
        }),
        "RequestRedirect" => f.request_redirect.as_ref().map(|r| {
            let target = redirect(r, at.req, at.path, at.query, at.prefix);
            let text = format!("RequestRedirect to {} ({})", target.location, target.status);
            fx.redirect = Some(target);
            text
        }),
        "URLRewrite" => f.url_rewrite.as_ref().map(|r| {
            let mut parts = Vec::new();
            if let Some(h) = &r.hostname {
                fx.seen.host = h.clone();
                parts.push(format!("hostname to {h}"));
            }
            if let Some(m) = &r.path {
                fx.seen.path = new_path(m, at.path, at.prefix);
                parts.push(format!("path to {}", fx.seen.path));
            }
            format!("URLRewrite {}", parts.join(", "))
        }),
        "RequestMirror" => f.request_mirror.as_ref().map(|m| {
            fx.mirrors.push(m.clone());
            format!("RequestMirror to {}", m.backend_ref.name)
        }),
        "CORS" => f.cors.as_ref().map(|c| {
            cors(c, at.req, fx);
            "CORS".to_string()
        }),
        _ => None,
    };
    match known {
        Some(text) => fx.applied.push(text),
        None => fx.unknown.push(f.kind.clone()),
    }
}

fn redirect(
    r: &super::routes::Redirect,
    req: &Request,
    path: &str,
    query: Option<&str>,
    prefix: Option<&str>,
) -> Redirect {
    let scheme = r.scheme.clone().unwrap_or_else(|| req.scheme.clone());
    let well_known = |s: &str| match s {
        "http" => Some(80),
        "https" => Some(443),
        _ => None,
    };
    let port = match (r.port, &r.scheme) {
        (Some(p), _) => p,
        (None, Some(s)) => well_known(s).unwrap_or(req.port),
        (None, None) => req.port,
    };
    let host = r.hostname.clone().unwrap_or_else(|| req.host.clone());
    let path = r
        .path
        .as_ref()
        .map_or_else(|| path.to_string(), |m| new_path(m, path, prefix));
    let shown_port = if well_known(&scheme) == Some(port) {
        String::new()
    } else {
        format!(":{port}")
    };
    let query = query.map(|q| format!("?{q}")).unwrap_or_default();
    Redirect {
        location: format!("{scheme}://{host}{shown_port}{path}{query}"),
        status: r.status_code.unwrap_or(302),
        scheme,
        host,
        port,
        path,
    }
}

fn origin_allowed(allowed: &[String], origin: &str) -> bool {
    allowed.iter().any(|a| {
        a == "*"
            || a.eq_ignore_ascii_case(origin)
            || a.split_once("://*").is_some_and(|(scheme, suffix)| {
                origin
                    .strip_prefix(scheme)
                    .and_then(|o| o.strip_prefix("://"))
                    .is_some_and(|host| {
                        host.len() > suffix.len() && host.to_ascii_lowercase().ends_with(&suffix.to_ascii_lowercase())
                    })
            })
    })
}

fn cors(c: &Cors, req: &Request, fx: &mut Effects) {
    let requested = req.header("access-control-request-method");
    fx.preflight = req.method == "OPTIONS" && requested.is_some() && req.header("origin").is_some();
    let Some(origin) = req.header("origin").filter(|o| origin_allowed(&c.allow_origins, o)) else {
        return;
    };
    let mut h = vec![("access-control-allow-origin".to_string(), origin.to_string())];
    if c.allow_credentials == Some(true) {
        h.push(("access-control-allow-credentials".into(), "true".into()));
    }
    if fx.preflight {
        let echo = |list: &[String], asked: Option<&str>| {
            if list.iter().any(|m| m == "*") {
                asked.unwrap_or("*").to_string()
            } else {
                list.join(", ")
            }
        };
        if !c.allow_methods.is_empty() {
            h.push(("access-control-allow-methods".into(), echo(&c.allow_methods, requested)));
        }
        if !c.allow_headers.is_empty() {
            let asked = req.header("access-control-request-headers");
            h.push(("access-control-allow-headers".into(), echo(&c.allow_headers, asked)));
        }
        if let Some(age) = c.max_age {
            h.push(("access-control-max-age".into(), age.to_string()));
        }
    }
    if !c.expose_headers.is_empty() {
        h.push(("access-control-expose-headers".into(), c.expose_headers.join(", ")));
    }
    fx.cors = h;
}
