//! The requests `import --verify` sends: every host of every Ingress with
//! each of its paths and the paths just beside them, over HTTP and (TLS
//! hosts) HTTPS, the canaries' headers and cookies, the `www.` twin of a
//! `from-to-www-redirect` host, and a host no Ingress names.

use std::collections::{BTreeMap, BTreeSet};

use crate::import::nginx::{IngressPathType, ParsedIngress};
use crate::routing::Request;
use crate::routing::probes::{concrete_host, label};

/// One request to send through both sides.
#[derive(Clone, Debug)]
pub struct Probe {
    /// `METHOD URL [headers]`.
    pub label: String,
    /// The request.
    pub request: Request,
}

/// A host no Ingress names.
pub const UNKNOWN_HOST: &str = "unknown.invalid";

/// Every probe of `ingresses`, sorted by label, each once.
pub fn probes(ingresses: &[ParsedIngress]) -> Vec<Probe> {
    let tls: BTreeSet<&str> = ingresses
        .iter()
        .flat_map(|i| i.tls_hosts.iter().map(String::as_str))
        .collect();
    let mut hosts: BTreeMap<Option<&str>, BTreeSet<String>> = BTreeMap::new();
    let mut headers: BTreeMap<Option<&str>, Vec<(String, String)>> = BTreeMap::new();
    let mut grpc: BTreeSet<Option<&str>> = BTreeSet::new();
    for ing in ingresses {
        let regex = ing.nginx.use_regex || ing.nginx.rewrite_target.is_some();
        for l in &ing.locations {
            let host = l.host.as_deref();
            let paths = hosts.entry(host).or_default();
            paths.extend(beside(&l.path, l.path_type, regex));
            if matches!(ing.nginx.backend_protocol.as_deref(), Some("GRPC" | "GRPCS")) {
                grpc.insert(host);
            }
            if let Some(c) = &ing.nginx.canary {
                let list = headers.entry(host).or_default();
                if let Some(h) = &c.header {
                    let v = c.header_value.clone().unwrap_or_else(|| "always".into());
                    list.push((h.clone(), v));
                }
                if let Some(cookie) = &c.cookie {
                    list.push(("Cookie".into(), format!("{cookie}=always")));
                }
            }
        }
    }
    let mut out: BTreeMap<String, Request> = BTreeMap::new();
    let mut add = |r: Request| {
        out.insert(label(&r), r);
    };
    for (host, paths) in &hosts {
        let name = concrete_host(*host);
        let schemes: &[&str] = if host.is_some_and(|h| tls.contains(h)) {
            &["http", "https"]
        } else {
            &["http"]
        };
        let extra = headers.get(host).cloned().unwrap_or_default();
        for scheme in schemes {
            for path in paths {
                let base = request(scheme, &name, path, grpc.contains(host));
                for h in &extra {
                    let mut r = base.clone();
                    r.headers.push(h.clone());
                    add(r);
                }
                add(base);
            }
        }
    }
    for r in twins(ingresses).into_iter().chain(unknown(&hosts)) {
        add(r);
    }
    out.into_iter()
        .map(|(label, request)| Probe { label, request })
        .collect()
}

/// The `www.` twin (or the bare host of a `www.` host) of each `from-to-www-redirect` host.
fn twins(ingresses: &[ParsedIngress]) -> Vec<Request> {
    let mut out = Vec::new();
    for ing in ingresses.iter().filter(|i| i.nginx.from_to_www) {
        for l in &ing.locations {
            let Some(h) = &l.host else { continue };
            let twin = h
                .strip_prefix("www.")
                .map_or_else(|| format!("www.{h}"), str::to_string);
            www(&twin, &l.path, &mut out);
        }
    }
    out
}

fn www(twin: &str, path: &str, out: &mut Vec<Request>) {
    for p in ["/", path] {
        out.push(request("http", twin, &sample(p), false));
    }
}

/// `/` and each path's first sample on a host no Ingress names.
fn unknown(hosts: &BTreeMap<Option<&str>, BTreeSet<String>>) -> Vec<Request> {
    let mut paths: BTreeSet<&String> = hosts.values().flatten().take(4).collect();
    let root = "/".to_string();
    paths.insert(&root);
    paths
        .into_iter()
        .map(|p| request("http", UNKNOWN_HOST, p, false))
        .collect()
}

fn request(scheme: &str, host: &str, path: &str, grpc: bool) -> Request {
    Request {
        gateway: None,
        scheme: scheme.into(),
        host: host.into(),
        port: if scheme == "https" { 443 } else { 80 },
        method: if grpc { "POST" } else { "GET" }.into(),
        path: path.into(),
        headers: Vec::new(),
        sni: None,
        grpc,
    }
}

/// A concrete path a (regular-expression) path matches: its text up to
/// the first metacharacter.
fn sample(path: &str) -> String {
    let end = path.find(|c: char| "\\.+*?()|[]{}^$".contains(c)).unwrap_or(path.len());
    let s = &path[..end];
    if s.is_empty() { "/".into() } else { s.to_string() }
}

/// The path and the paths just beside it: with and without a trailing
/// slash, one character and one segment more, the parent, and (regular
/// expressions, which match without case) the path in upper case.
fn beside(path: &str, kind: IngressPathType, regex: bool) -> Vec<String> {
    let p = if regex { sample(path) } else { path.to_string() };
    let trimmed = p.trim_end_matches('/');
    let parent = match trimmed.rfind('/') {
        Some(0) | None => "/".to_string(),
        Some(i) => trimmed[..i].to_string(),
    };
    let mut out = vec![
        p.clone(),
        format!("{trimmed}/"),
        format!("{trimmed}x"),
        format!("{trimmed}/x"),
        parent,
    ];
    if !trimmed.is_empty() {
        out.push(trimmed.to_string());
    }
    if regex || kind == IngressPathType::ImplementationSpecific {
        out.push(format!("{trimmed}/X").to_ascii_uppercase());
    }
    for s in &mut out {
        if !s.starts_with('/') {
            s.insert(0, '/');
        }
    }
    out
}
