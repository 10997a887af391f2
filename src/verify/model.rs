//! A model of ingress-nginx's routing of the Ingresses of one class: the
//! server for the host, the location for the path, then the location's
//! annotations (HTTPS redirect, redirects, canary, rewrite). The rules and
//! what is left out are in docs/migrate-aks-nginx.md#the-model-of-ingress-nginx.

use std::collections::BTreeMap;

use regex::Regex;

use super::answer::{Answer, backend};
use crate::import::nginx::{IngressPathType, Location, ParsedIngress, escape};
use crate::routing::Request;
use crate::spec::BackendRef;

/// One nginx `location`: the Ingress (index) that serves it and its path.
#[derive(Clone, Debug)]
pub struct Served {
    /// Index of the Ingress in the model's list.
    pub ingress: usize,
    /// The location.
    pub location: Location,
}

/// ingress-nginx's servers, built from the Ingresses in its order.
pub struct Model<'a> {
    ingresses: &'a [ParsedIngress],
    servers: BTreeMap<Option<String>, Vec<Served>>,
    /// `from-to-www-redirect`: the twin host, the host it redirects to and the Ingress.
    www: BTreeMap<String, (String, usize)>,
}

/// What ingress-nginx does with a request, and the Ingress that decided it.
pub struct Decision {
    /// The answer.
    pub answer: Answer,
    /// Index of the Ingress whose location (or server) answered.
    pub ingress: Option<usize>,
}

impl<'a> Model<'a> {
    /// The servers of `ingresses` (ingress-nginx's order: oldest first): the
    /// first Ingress to define a host and path serves it; `spec.defaultBackend`
    /// serves `/` of its hosts that have none, or every host without a server.
    pub fn new(ingresses: &'a [ParsedIngress]) -> Model<'a> {
        let mut servers: BTreeMap<Option<String>, Vec<Served>> = BTreeMap::new();
        for (i, ing) in ingresses.iter().enumerate().filter(|(_, p)| p.nginx.canary.is_none()) {
            for l in &ing.locations {
                let locs = servers.entry(l.host.clone()).or_default();
                if !locs.iter().any(|s| s.location.path == l.path) {
                    locs.push(Served {
                        ingress: i,
                        location: l.clone(),
                    });
                }
            }
            default_backend(i, ing, &mut servers);
        }
        let mut www = BTreeMap::new();
        for (i, ing) in ingresses.iter().enumerate().filter(|(_, p)| p.nginx.from_to_www) {
            for h in ing.locations.iter().filter_map(|l| l.host.as_deref()) {
                let twin = h
                    .strip_prefix("www.")
                    .map_or_else(|| format!("www.{h}"), str::to_string);
                www.entry(twin).or_insert((h.to_string(), i));
            }
        }
        Model {
            ingresses,
            servers,
            www,
        }
    }

    /// ingress-nginx's answer to `req`.
    pub fn answer(&self, req: &Request) -> Decision {
        let own = self.servers.contains_key(&Some(req.host.to_ascii_lowercase()));
        if let Some((to, i)) = self.www.get(&req.host.to_ascii_lowercase()).filter(|_| !own) {
            return Decision {
                answer: Answer::redirect(308, format!("{}://{to}{}", req.scheme, req.path)),
                ingress: Some(*i),
            };
        }
        let Some((host, locs)) = self.server(&req.host) else {
            return none(Answer::status(404));
        };
        let regex_mode = self.regex_mode(host);
        let path = req.path_only();
        if let Some(d) = self.app_root(req, locs) {
            return d;
        }
        let Some(served) = select(locs, path, regex_mode, self.ingresses) else {
            return none(Answer::status(404));
        };
        let ing = &self.ingresses[served.ingress];
        let answer = self.location_answer(req, host, served, ing);
        Decision {
            answer,
            ingress: Some(served.ingress),
        }
    }

    /// The server of a host: its own, else the one-label wildcard's with
    /// the longest suffix, else the default server (rules without a host).
    fn server(&self, host: &str) -> Option<(Option<&str>, &Vec<Served>)> {
        let host = host.to_ascii_lowercase();
        if let Some((h, l)) = self.servers.iter().find(|(h, _)| h.as_deref() == Some(host.as_str())) {
            return Some((h.as_deref(), l));
        }
        let wildcard = self
            .servers
            .iter()
            .filter_map(|(h, l)| Some((h.as_deref()?, l)))
            .filter(|(h, _)| {
                h.strip_prefix('*').is_some_and(|suffix| {
                    host.strip_suffix(suffix)
                        .is_some_and(|label| !label.is_empty() && !label.contains('.'))
                })
            })
            .max_by_key(|(h, _)| h.len());
        if let Some((h, l)) = wildcard {
            return Some((Some(h), l));
        }
        self.servers.get(&None).map(|l| (None, l))
    }

    /// Whether the server's locations are all regular expressions: an
    /// Ingress of the host (a canary too) sets `use-regex` or `rewrite-target`.
    fn regex_mode(&self, host: Option<&str>) -> bool {
        self.ingresses
            .iter()
            .filter(|p| p.nginx.use_regex || p.nginx.rewrite_target.is_some())
            .any(|p| p.locations.iter().any(|l| l.host.as_deref() == host))
    }

    /// `app-root` of the first of the server's locations (in nginx's order)
    /// whose Ingress sets it: the server answers `/` with a 302 to it before
    /// any location is chosen (an `if ($uri = /)` in the `server` block).
    fn app_root(&self, req: &Request, locs: &[Served]) -> Option<Decision> {
        if req.path_only() != "/" {
            return None;
        }
        let root = nginx_order(locs)
            .into_iter()
            .find(|s| self.ingresses[s.ingress].nginx.app_root.is_some())?;
        let app_root = self.ingresses[root.ingress].nginx.app_root.as_ref()?;
        Some(Decision {
            answer: Answer::redirect(302, format!("{}://{}{app_root}", req.scheme, req.host)),
            ingress: Some(root.ingress),
        })
    }

    fn location_answer(&self, req: &Request, host: Option<&str>, served: &Served, ing: &ParsedIngress) -> Answer {
        if let Some((url, code)) = &ing.nginx.redirect {
            let url = if url.split_once("://").is_some_and(|(_, r)| !r.contains('/')) {
                format!("{url}/")
            } else {
                url.clone()
            };
            return Answer::redirect(u16::try_from(*code).unwrap_or(u16::MAX), url);
        }
        if req.scheme == "http" && ing.redirects_to_https(host) {
            return Answer::redirect(308, format!("https://{}{}", req.host, req.path));
        }
        let path = rewritten(req, &served.location, ing);
        let main = (key(&served.location.backend, &ing.namespace), 1);
        let backends = match self.canary(served, ing) {
            Some((c, b)) => canary_backends(req, c, main, key(b, &ing.namespace)),
            None => vec![main],
        };
        Answer::backends(backends, path)
    }

    /// The first canary Ingress (of the main Ingress's namespace) with this host and path.
    fn canary(
        &self,
        served: &Served,
        ing: &ParsedIngress,
    ) -> Option<(&'a crate::import::nginx::Canary, &'a BackendRef)> {
        self.ingresses
            .iter()
            .filter(|c| c.namespace == ing.namespace)
            .find_map(|c| {
                let canary = c.nginx.canary.as_ref()?;
                let l = c
                    .locations
                    .iter()
                    .find(|l| l.host == served.location.host && l.path == served.location.path)?;
                Some((canary, &l.backend))
            })
    }
}

fn none(answer: Answer) -> Decision {
    Decision { answer, ingress: None }
}

fn key(b: &BackendRef, namespace: &str) -> String {
    let ns = b.namespace.as_deref().unwrap_or(namespace);
    backend(ns, &b.name, b.port.and_then(|p| u16::try_from(p).ok()))
}

/// The canary's choice: by header (`always`, the value or the pattern),
/// then by cookie `always`, then the weight split.
fn canary_backends(
    req: &Request,
    c: &crate::import::nginx::Canary,
    main: (String, u32),
    canary: String,
) -> Vec<(String, u32)> {
    let by_header =
        c.header
            .as_deref()
            .and_then(|h| req.header(h))
            .is_some_and(|v| match (&c.header_value, &c.header_pattern) {
                (Some(want), _) => v == want,
                (None, Some(p)) => Regex::new(p).is_ok_and(|re| re.is_match(v)),
                (None, None) => v == "always",
            });
    let by_cookie = c.cookie.as_deref().is_some_and(|name| {
        req.header("cookie")
            .is_some_and(|v| v.split(';').any(|kv| kv.trim() == format!("{name}=always")))
    });
    if by_header || by_cookie {
        return vec![(canary, 1)];
    }
    if c.weight == 0 {
        return vec![main];
    }
    let total = c.weight_total.max(1);
    let w = c.weight.min(total);
    vec![(main.0, total - w), (canary, w)]
}

/// `spec.defaultBackend` of Ingress `i`: `/` of each of its hosts without
/// one, or the default server's `/` when it has no rules.
fn default_backend(i: usize, ing: &ParsedIngress, servers: &mut BTreeMap<Option<String>, Vec<Served>>) {
    let Some(b) = &ing.default_backend else { return };
    let mut hosts: Vec<Option<String>> = ing.locations.iter().map(|l| l.host.clone()).collect();
    hosts.dedup();
    if hosts.is_empty() {
        hosts.push(None);
    }
    for host in hosts {
        let locs = servers.entry(host.clone()).or_default();
        if !locs.iter().any(|s| s.location.path == "/") {
            locs.push(Served {
                ingress: i,
                location: Location {
                    host,
                    path: "/".into(),
                    path_type: IngressPathType::Prefix,
                    backend: b.clone(),
                    pointer: "/spec/defaultBackend".into(),
                },
            });
        }
    }
}

/// The location nginx picks. Regex mode: every location is `~* "^PATH"`,
/// tried longest path first (ties: the greater path first), the first
/// match wins. Otherwise: an `Exact` path (or a `Prefix` path itself) is
/// `=`; else the longest prefix (`Prefix`: by segments, as ingress-nginx's
/// `= /p` plus `/p/`; `ImplementationSpecific`: by characters).
fn select<'s>(locs: &'s [Served], path: &str, regex_mode: bool, ings: &[ParsedIngress]) -> Option<&'s Served> {
    if regex_mode {
        return nginx_order(locs).into_iter().find(|s| {
            let n = &ings[s.ingress].nginx;
            let own = n.use_regex || n.rewrite_target.is_some();
            location_regex(&s.location.path, own).is_some_and(|re| re.is_match(path))
        });
    }
    let exact = locs.iter().find(|s| {
        s.location.path == path && matches!(s.location.path_type, IngressPathType::Exact | IngressPathType::Prefix)
    });
    if exact.is_some() {
        return exact;
    }
    locs.iter()
        .filter_map(|s| {
            let p = &s.location.path;
            let len = match s.location.path_type {
                IngressPathType::Exact => None,
                IngressPathType::Prefix if p == "/" || p.ends_with('/') => {
                    path.starts_with(p.as_str()).then_some(p.len())
                }
                IngressPathType::Prefix => path.starts_with(&format!("{p}/")).then_some(p.len() + 1),
                IngressPathType::ImplementationSpecific => path.starts_with(p.as_str()).then_some(p.len()),
            }?;
            Some((len, s))
        })
        .max_by_key(|(len, _)| *len)
        .map(|(_, s)| s)
}

/// ingress-nginx's order of a server's locations: the longest path first
/// (ties: the greater path first).
fn nginx_order(locs: &[Served]) -> Vec<&Served> {
    let mut sorted: Vec<&Served> = locs.iter().collect();
    sorted.sort_by(|a, b| {
        let (pa, pb) = (&a.location.path, &b.location.path);
        pb.len().cmp(&pa.len()).then_with(|| pb.cmp(pa))
    });
    sorted
}

/// `~* "^PATH"`: the path itself under `use-regex`, else escaped.
fn location_regex(path: &str, own: bool) -> Option<Regex> {
    let body = if own { path.to_string() } else { escape(path) };
    Regex::new(&format!("(?i)^{body}")).ok()
}

/// The path the backend sees: `rewrite-target` replaces the whole path
/// (query kept) when the location's regular expression matches, `$N` the
/// N-th group.
fn rewritten(req: &Request, l: &Location, ing: &ParsedIngress) -> String {
    let Some(target) = &ing.nginx.rewrite_target else {
        return req.path.clone();
    };
    let Some(caps) = location_regex(&l.path, true).and_then(|re| {
        re.captures(req.path_only()).map(|c| {
            c.iter()
                .map(|m| m.map(|m| m.as_str().to_string()).unwrap_or_default())
                .collect::<Vec<_>>()
        })
    }) else {
        return req.path.clone();
    };
    let mut out = String::new();
    let mut chars = target.chars().peekable();
    while let Some(c) = chars.next() {
        match chars.peek().and_then(|d| d.to_digit(10)).filter(|_| c == '$') {
            Some(n) => {
                chars.next();
                out.push_str(caps.get(n as usize).map_or("", String::as_str));
            }
            None => out.push(c),
        }
    }
    match req.path.split_once('?') {
        Some((_, q)) => format!("{out}?{q}"),
        None => out,
    }
}
