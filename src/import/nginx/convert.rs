//! Parsed Ingresses into app routes, as ingress-nginx serves them: the
//! Ingresses of a host are one virtual host (a host+path is served by the
//! first Ingress that defines it), canaries merge into the main Ingress's
//! rules, and the annotations become filters.

use crate::diagnostic::Code;
use std::collections::{BTreeMap, BTreeSet};

use super::super::{Cx, Object};
use super::filters::{cors_filters, custom_headers, status};
use super::redirects::{self, INEXACT};
use super::{Canary, Location, ParsedIngress, prefix};
use crate::diagnostic::Diagnostic;
use crate::spec::{self, BackendRef, Filter, HeaderModifier, Match, Rule, ValueMatch, ValueMatchType};

/// Code of an Ingress whose host and path another Ingress already serves.
pub const SHADOWED: Code = Code::IngressPathServedTwice;
/// Code of a canary Ingress without a main Ingress for its host and path.
pub const LONE_CANARY: Code = Code::CanaryWithoutMain;
/// Code of CORS written as response headers (target older than v1.6.1).
pub const CORS_HEADERS: Code = Code::CorsAsHeaders;
/// Code of an HTTPS redirect that was not added.
pub const NO_HTTPS_REDIRECT: Code = Code::HttpsRedirectNotAdded;

/// One Ingress, where it was read and what ingress-nginx reads in it.
pub(crate) type Input<'a> = (&'a Object, ParsedIngress);

/// A route of an Ingress (by its index) for one host.
pub(crate) struct Built {
    /// Index of the Ingress in the input.
    pub ingress: usize,
    /// The host (`None`: every host).
    pub host: Option<String>,
    /// The route.
    pub route: spec::Route,
}

/// Convert the Ingresses of the class into routes of their namespaces' apps.
pub(crate) fn convert(inputs: &[Input<'_>], objects: &[Object], cx: &mut Cx<'_>) -> Vec<Built> {
    let regex_hosts: BTreeSet<Option<String>> = inputs
        .iter()
        .filter(|(_, p)| p.nginx.use_regex || p.nginx.rewrite_target.is_some())
        .flat_map(|(_, p)| p.locations.iter().map(|l| l.host.clone()))
        .collect();
    let served = primaries(inputs, cx);
    let paths = prefix::host_paths(
        served.values().map(|&(i, j)| &inputs[i].1.locations[j]),
        inputs
            .iter()
            .filter(|(_, p)| p.nginx.canary.is_none() && p.default_backend.is_some())
            .flat_map(|(_, p)| default_hosts(p)),
    );
    let mut out = Vec::new();
    for (i, (o, ing)) in inputs.iter().enumerate() {
        if ing.nginx.canary.is_some() {
            continue;
        }
        let mut by_host: BTreeMap<Option<String>, Vec<Rule>> = BTreeMap::new();
        for (j, l) in ing.locations.iter().enumerate() {
            if served.get(&(l.host.clone(), l.path.clone())) != Some(&(i, j)) {
                continue;
            }
            let regex_mode = regex_hosts.contains(&l.host);
            prefix::warn(o, l, regex_mode, &paths, cx);
            let rules = location_rules(o, ing, (l, regex_mode, &paths), inputs, cx);
            by_host.entry(l.host.clone()).or_default().extend(rules);
        }
        default_backend(ing, &mut by_host);
        for (host, rules) in by_host {
            let route = finish(o, ing, host.as_deref(), rules, objects, cx);
            out.push(Built {
                ingress: i,
                host,
                route,
            });
        }
    }
    for (o, ing) in inputs.iter().filter(|(_, p)| p.nginx.canary.is_some()) {
        for l in &ing.locations {
            let main = served.get(&(l.host.clone(), l.path.clone()));
            // Only a canary of the main Ingress's namespace is merged (its backend is a local Service).
            if main.is_none_or(|(m, _)| inputs[*m].1.namespace != ing.namespace) {
                cx.diags.push(
                    Diagnostic::warning(
                        LONE_CANARY,
                        format!(
                            "canary Ingress `{}` has no main Ingress for this host and path",
                            o.name()
                        ),
                    )
                    .at(o.loc(&l.pointer))
                    .help("import the main Ingress too (in the canary's namespace), or add the canary backend to the main route with a `namespace` and a ReferenceGrant"),
                );
            }
        }
    }
    out
}

/// The Ingress (index) and location serving each (host, path): the first
/// non-canary one in ingress-nginx's order; later ones are warned about.
fn primaries(inputs: &[Input<'_>], cx: &mut Cx<'_>) -> BTreeMap<(Option<String>, String), (usize, usize)> {
    let mut served = BTreeMap::new();
    for (i, (o, ing)) in inputs.iter().enumerate() {
        if ing.nginx.canary.is_some() {
            continue;
        }
        for (j, l) in ing.locations.iter().enumerate() {
            let key = (l.host.clone(), l.path.clone());
            if let Some(&(first, _)) = served.get(&key) {
                let f: &Input<'_> = &inputs[first];
                cx.diags.push(
                    Diagnostic::warning(
                        SHADOWED,
                        format!(
                            "Ingress `{}/{}` serves this host and path already; ingress-nginx ignores this one",
                            f.1.namespace,
                            f.1.name
                        ),
                    )
                    .at(o.loc(&l.pointer))
                    .help("remove the path from one of the Ingresses, or make this one a canary (`nginx.ingress.kubernetes.io/canary: \"true\"`)"),
                );
                continue;
            }
            served.insert(key, (i, j));
        }
    }
    served
}

/// The rules of one location: canary header rules first, then the path's rule.
fn location_rules(
    o: &Object,
    ing: &ParsedIngress,
    (l, regex_mode, paths): (&Location, bool, &prefix::HostPaths),
    inputs: &[Input<'_>],
    cx: &mut Cx<'_>,
) -> Vec<Rule> {
    let (path, filters) = path_and_filters(o, ing, l, regex_mode, cx);
    let base: Vec<Match> = prefix::matches(l, path, regex_mode, paths)
        .into_iter()
        .map(|p| Match {
            path: Some(p),
            ..Match::default()
        })
        .collect();
    let mut backends = vec![l.backend.clone()];
    let mut rules = Vec::new();
    let canaries = inputs
        .iter()
        .filter(|(_, c)| c.nginx.canary.is_some() && c.namespace == ing.namespace);
    for (_, c) in canaries {
        let Some(cl) = c.locations.iter().find(|x| x.host == l.host && x.path == l.path) else {
            continue;
        };
        let canary = c.nginx.canary.clone().unwrap_or_default();
        for header in canary_headers(&canary) {
            rules.push(rule(&base, vec![header], filters.clone(), vec![cl.backend.clone()]));
        }
        if canary.weight > 0 {
            let main = canary.weight_total.saturating_sub(canary.weight);
            backends[0].weight = Some(main);
            let mut b = cl.backend.clone();
            b.weight = Some(canary.weight.min(canary.weight_total));
            backends.push(b);
        }
    }
    if filters.iter().any(|f| f.request_redirect.is_some()) {
        backends.clear();
    }
    rules.push(rule(&base, Vec::new(), filters, backends));
    rules
}

fn rule(base: &[Match], headers: Vec<ValueMatch>, filters: Vec<Filter>, backend_refs: Vec<BackendRef>) -> Rule {
    let backend_refs = if filters.iter().any(|f| f.request_redirect.is_some()) {
        Vec::new()
    } else {
        backend_refs
    };
    Rule {
        matches: base
            .iter()
            .map(|m| Match {
                headers: headers.clone(),
                ..m.clone()
            })
            .collect(),
        filters,
        backend_refs: (!backend_refs.is_empty()).then_some(backend_refs),
        ..Rule::default()
    }
}

/// The header matches that send a request to the canary: the header (its
/// value, pattern or `always`), then the cookie set to `always`.
fn canary_headers(c: &Canary) -> Vec<ValueMatch> {
    let mut out = Vec::new();
    if let Some(h) = &c.header {
        let (kind, value) = match (&c.header_value, &c.header_pattern) {
            (Some(v), _) => (ValueMatchType::Exact, v.clone()),
            (None, Some(p)) => (ValueMatchType::RegularExpression, p.clone()),
            (None, None) => (ValueMatchType::Exact, "always".to_string()),
        };
        out.push(ValueMatch {
            kind,
            name: h.clone(),
            value,
        });
    }
    if let Some(cookie) = &c.cookie {
        out.push(ValueMatch {
            kind: ValueMatchType::RegularExpression,
            name: "Cookie".to_string(),
            value: format!("(.*;\\s*)?{}=always(;.*)?", super::escape(cookie)),
        });
    }
    out
}

/// The path match and the filters of a location's annotations.
fn path_and_filters(
    o: &Object,
    ing: &ParsedIngress,
    l: &Location,
    regex_mode: bool,
    cx: &mut Cx<'_>,
) -> (spec::PathMatch, Vec<Filter>) {
    let mut path = redirects::path_match(l, ing, regex_mode);
    let mut filters = Vec::new();
    if let Some((url, code)) = &ing.nginx.redirect {
        let key = if ing.nginx.at.contains_key("permanent-redirect") {
            "permanent-redirect"
        } else {
            "temporal-redirect"
        };
        let fallback = if key == "permanent-redirect" { 301 } else { 302 };
        let code = status(o, ing.nginx.at.get(key).cloned().flatten(), *code, fallback, cx);
        match redirects::to_url(url, code) {
            Some(r) => return (path, vec![redirects::redirect(r)]),
            None => inexact(
                o,
                key,
                &format!("redirect to `{url}`"),
                "write the URL as `https://host[:port]/path`, without query or fragment",
                cx,
            ),
        }
    }
    let mut rewrite_path = None;
    if let Some(target) = &ing.nginx.rewrite_target {
        match redirects::rewrite(l, target) {
            Some((m, p)) => {
                if m.kind == spec::PathType::PathPrefix && m.value.chars().any(|c| c.is_ascii_alphabetic()) {
                    super::annotations::warn(
                        o,
                        "rewrite-target",
                        Code::RewriteMatchesCase,
                        format!(
                            "the rewrite of `{}` of Ingress `{}` matches `{}` with case; ingress-nginx matches it without case",
                            l.path,
                            o.name(),
                            m.value
                        ),
                        "keep the clients on the path's own case, or add a route for each other spelling they use",
                        cx,
                    );
                }
                path = m;
                rewrite_path = Some(p);
            }
            None => inexact(
                o,
                "rewrite-target",
                &format!("rewrite of `{}` to `{target}`", l.path),
                "use the form `path: /PREFIX(/|$)(.*)` with `rewrite-target: /TARGET/$2`, or rewrite in the backend",
                cx,
            ),
        }
    }
    if rewrite_path.is_some() || ing.nginx.upstream_vhost.is_some() {
        filters.push(redirects::url_rewrite(ing.nginx.upstream_vhost.clone(), rewrite_path));
    }
    if !ing.nginx.request_headers.is_empty() {
        filters.push(Filter {
            request_header_modifier: Some(HeaderModifier {
                set: Some(ing.nginx.request_headers.clone()),
                ..HeaderModifier::default()
            }),
            ..Filter::default()
        });
    }
    (path, filters)
}

fn inexact(o: &Object, key: &str, what: &str, help: &str, cx: &mut Cx<'_>) {
    super::annotations::warn(
        o,
        key,
        INEXACT,
        format!(
            "the {what} of Ingress `{}` has no Gateway API equivalent; the requests go to the backend unchanged",
            o.name()
        ),
        help,
        cx,
    );
}

/// `spec.defaultBackend` serves `/` of each of the Ingress's hosts that has
/// no `/` of its own; an Ingress without rules makes it the catch-all.
fn default_backend(ing: &ParsedIngress, by_host: &mut BTreeMap<Option<String>, Vec<Rule>>) {
    let Some(b) = &ing.default_backend else { return };
    for host in default_hosts(ing) {
        by_host.entry(host).or_default().push(Rule {
            backend_refs: Some(vec![b.clone()]),
            ..Rule::default()
        });
    }
}

/// The hosts whose `/` the Ingress's default backend serves: each of its
/// hosts without a `/` of its own (every host when it has no rules).
fn default_hosts(ing: &ParsedIngress) -> Vec<Option<String>> {
    let mut hosts: BTreeSet<Option<String>> = ing.locations.iter().map(|l| l.host.clone()).collect();
    if hosts.is_empty() {
        hosts.insert(None);
    }
    hosts
        .into_iter()
        .filter(|h| !ing.locations.iter().any(|l| &l.host == h && l.path == "/"))
        .collect()
}

/// The route of one host: app-root, CORS, custom headers and aliases added.
fn finish(
    o: &Object,
    ing: &ParsedIngress,
    host: Option<&str>,
    mut rules: Vec<Rule>,
    objects: &[Object],
    cx: &mut Cx<'_>,
) -> spec::Route {
    let mut extra = Vec::new();
    if let Some(cors) = &ing.nginx.cors {
        extra.extend(cors_filters(o, cors, cx));
    }
    if let Some(cm) = &ing.nginx.custom_headers {
        extra.extend(custom_headers(o, ing, cm, objects, cx));
    }
    for r in rules
        .iter_mut()
        .filter(|r| r.backend_refs.as_ref().is_some_and(|b| !b.is_empty()))
    {
        r.filters.extend(extra.iter().cloned());
    }
    if let Some(root) = &ing.nginx.app_root {
        let m = Match {
            path: Some(spec::PathMatch {
                kind: spec::PathType::Exact,
                value: "/".to_string(),
            }),
            ..Match::default()
        };
        rules.insert(
            0,
            Rule {
                matches: vec![m],
                filters: vec![redirects::redirect(redirects::app_root(root))],
                ..Rule::default()
            },
        );
    }
    let mut hostnames: Vec<String> = host.map(str::to_string).into_iter().collect();
    hostnames.extend(ing.nginx.server_alias.iter().cloned());
    spec::Route {
        hostnames: (!hostnames.is_empty()).then_some(hostnames),
        rules: Some(rules),
        ..spec::Route::default()
    }
}
