//! The values and combinations of filters, backends and timeouts that the
//! Gateway API's CRDs refuse (their patterns, enums, lengths and CEL rules),
//! checked at compile time so that a render is never refused for them:
//! header names and values, redirect and rewrite hostnames, group and kind
//! names, CORS origins, methods and headers (GW335); a filter repeated in a
//! list, a redirect beside a rewrite or beside backends, a mirror with both
//! `percent` and `fraction` (GW336); a `backendRequest` timeout longer than
//! the `request` timeout (GW337).

use std::collections::HashSet;

use super::Context;
use super::syntax::{duration_ms, is_cors_origin, is_dns_subdomain, is_group, is_header_name, is_kind};
use crate::diagnostic::{Code, Diagnostics};
use crate::model::RouteMatch;
use crate::model::{BackendRef, Model};
use crate::spec::{Cors, Filter, FilterType, HeaderModifier, PathModifier, PathModifierType, RequestMirror, Timeouts};

/// Filters a list may hold once (the CRDs' "cannot be repeated" rules).
const ONCE: [FilterType; 5] = [
    FilterType::RequestHeaderModifier,
    FilterType::ResponseHeaderModifier,
    FilterType::RequestRedirect,
    FilterType::URLRewrite,
    FilterType::CORS,
];

/// The CORS methods the API allows.
const CORS_METHODS: [&str; 10] = [
    "GET", "HEAD", "POST", "PUT", "DELETE", "CONNECT", "OPTIONS", "TRACE", "PATCH", "*",
];

struct Checker<'a> {
    cx: &'a Context<'a>,
}

impl Checker<'_> {
    fn value(&self, diags: &mut Diagnostics, ok: bool, pointer: &str, what: String, help: &str) {
        if !ok {
            diags.push(
                self.cx
                    .err(Code::FilterValueRefused, pointer, what)
                    .help(help.to_string()),
            );
        }
    }

    fn header_name(&self, diags: &mut Diagnostics, name: &str, pointer: &str) {
        self.value(
            diags,
            is_header_name(name),
            pointer,
            format!("`{}` is not an HTTP header name", name.escape_debug()),
            "use 1 to 256 letters, digits and `!#$%&'*+-.^_`|~` (no spaces or `:`), e.g. `X-Request-Id`",
        );
    }

    fn headers(&self, diags: &mut Diagnostics, m: &HeaderModifier, at: &str) {
        for (list, key) in [(&m.set, "set"), (&m.add, "add")] {
            let mut seen = HashSet::new();
            for (i, h) in list.iter().flatten().enumerate() {
                let p = format!("{at}/{key}/{i}");
                self.header_name(diags, &h.name, &format!("{p}/name"));
                self.value(
                    diags,
                    (1..=4096).contains(&h.value.len()),
                    &format!("{p}/value"),
                    format!(
                        "header `{}` has a value of {} bytes",
                        h.name.escape_debug(),
                        h.value.len()
                    ),
                    "a header value has 1 to 4096 bytes",
                );
                self.once(
                    diags,
                    seen.insert(h.name.as_str()),
                    &format!("{p}/name"),
                    &format!("header `{}`", h.name),
                );
            }
        }
        for (list, key) in [
            (m.set.as_ref().map(Vec::len), "set"),
            (m.add.as_ref().map(Vec::len), "add"),
            (m.remove.as_ref().map(Vec::len), "remove"),
        ] {
            if let Some(n) = list.filter(|n| *n > 16) {
                diags.push(
                    self.cx
                        .err(
                            Code::OverApiLimit,
                            &format!("{at}/{key}/16"),
                            format!("`{key}` lists {n} headers, more than the 16 the Gateway API allows"),
                        )
                        .help("split the headers over a rule filter and backend filters, or drop some"),
                );
            }
        }
        let mut seen = HashSet::new();
        for (i, name) in m.remove.iter().flatten().enumerate() {
            let p = format!("{at}/remove/{i}");
            self.once(diags, seen.insert(name.as_str()), &p, &format!("header `{name}`"));
        }
    }

    fn once(&self, diags: &mut Diagnostics, first: bool, pointer: &str, what: &str) {
        if !first {
            diags.push(
                self.cx
                    .err(
                        Code::CombinationRefused,
                        pointer,
                        format!("{} is listed twice", what.escape_debug()),
                    )
                    .help("list it once"),
            );
        }
    }

    fn cors(&self, diags: &mut Diagnostics, c: &Cors, at: &str) {
        let lists = [
            (&c.allow_origins, "allowOrigins"),
            (&c.allow_methods, "allowMethods"),
            (&c.allow_headers, "allowHeaders"),
            (&c.expose_headers, "exposeHeaders"),
        ];
        for (list, key) in lists {
            let items = list.as_deref().unwrap_or_default();
            if key != "exposeHeaders" && items.len() > 1 && items.iter().any(|s| s == "*") {
                diags.push(
                    self.cx
                        .err(
                            Code::CombinationRefused,
                            &format!("{at}/{key}"),
                            format!("`{key}` holds `*` beside other values"),
                        )
                        .help("`*` allows everything: list it alone, or drop it"),
                );
            }
            for (i, s) in items.iter().enumerate() {
                let p = format!("{at}/{key}/{i}");
                match key {
                    "allowOrigins" => self.value(
                        diags,
                        is_cors_origin(s),
                        &p,
                        format!("`{}` is not a CORS origin", s.escape_debug()),
                        "write `*` or `scheme://host[:port]`, e.g. `https://shop.example` or `https://*.example.com`",
                    ),
                    "allowMethods" => self.value(
                        diags,
                        CORS_METHODS.contains(&s.as_str()),
                        &p,
                        format!("`{}` is not a CORS method", s.escape_debug()),
                        "use GET, HEAD, POST, PUT, DELETE, CONNECT, OPTIONS, TRACE, PATCH or `*`",
                    ),
                    _ if s == "*" => {}
                    _ => self.header_name(diags, s, &p),
                }
            }
        }
    }

    fn group_kind(&self, diags: &mut Diagnostics, group: Option<&str>, kind: Option<&str>, at: &str) {
        if let Some(g) = group {
            self.value(
                diags,
                is_group(g),
                &format!("{at}/group"),
                format!("`{}` is not an API group", g.escape_debug()),
                "write a DNS subdomain in lower case (e.g. `networking.example.com`), or `\"\"` for the core group",
            );
        }
        if let Some(k) = kind {
            self.value(
                diags,
                is_kind(k),
                &format!("{at}/kind"),
                format!("`{}` is not a kind", k.escape_debug()),
                "write a kind such as `Service`: a letter, then letters, digits or `-` (at most 63)",
            );
        }
    }

    fn filters(&self, diags: &mut Diagnostics, filters: &[Filter], at: &str, beside_backends: bool) {
        let types: Vec<Option<FilterType>> = filters.iter().map(Filter::effective_type).collect();
        for t in ONCE {
            if let Some((i, _)) = types.iter().enumerate().filter(|(_, x)| **x == Some(t)).nth(1) {
                self.combo(
                    diags,
                    &format!("{at}/filters/{i}"),
                    format!("the {t:?} filter is repeated"),
                );
            }
        }
        if let Some(i) = types.iter().position(|t| *t == Some(FilterType::RequestRedirect)) {
            let redirect = format!("{at}/filters/{i}");
            if types.contains(&Some(FilterType::URLRewrite)) {
                self.combo(diags, &redirect, "a redirect and a rewrite in one list".into());
            }
            if beside_backends {
                self.combo(diags, &redirect, "a redirect in a rule with backends".into());
            }
        }
        for (i, f) in filters.iter().enumerate() {
            self.filter(diags, f, &format!("{at}/filters/{i}"));
        }
    }

    fn filter(&self, diags: &mut Diagnostics, f: &Filter, at: &str) {
        let modifiers = [
            (&f.request_header_modifier, "requestHeaderModifier"),
            (&f.response_header_modifier, "responseHeaderModifier"),
        ];
        for (m, key) in modifiers {
            if let Some(m) = m {
                self.headers(diags, m, &format!("{at}/{key}"));
            }
        }
        let redirect = f
            .request_redirect
            .as_ref()
            .map(|r| (r.hostname.as_deref(), r.path.as_ref()));
        let rewrite = f.url_rewrite.as_ref().map(|r| (r.hostname.as_deref(), r.path.as_ref()));
        for (target, key) in [(redirect, "requestRedirect"), (rewrite, "urlRewrite")] {
            let Some((host, path)) = target else { continue };
            if let Some(p) = path {
                self.path_modifier(diags, p, &format!("{at}/{key}/path"));
            }
            if let Some(h) = host.filter(|h| !is_dns_subdomain(h)) {
                diags.push(
                    self.cx
                        .err(
                            Code::InvalidHostname,
                            &format!("{at}/{key}/hostname"),
                            format!("`{}` is not a valid hostname", h.escape_debug()),
                        )
                        .help("write a lower-case DNS name without wildcard, e.g. `www.example.com`"),
                );
            }
        }
        if let Some(m) = &f.request_mirror {
            self.mirror(diags, m, &format!("{at}/requestMirror"));
        }
        if let Some(e) = &f.extension_ref {
            self.group_kind(diags, Some(&e.group), Some(&e.kind), &format!("{at}/extensionRef"));
        }
        if let Some(c) = &f.cors {
            self.cors(diags, c, &format!("{at}/cors"));
        }
    }

    fn mirror(&self, diags: &mut Diagnostics, m: &RequestMirror, at: &str) {
        if m.percent.is_some() && m.fraction.is_some() {
            self.combo(diags, at, "a mirror with both `percent` and `fraction`".into());
        }
        let b = &m.backend_ref;
        let to = format!("{at}/backendRef");
        self.group_kind(diags, b.group.as_deref(), b.kind.as_deref(), &to);
        let service =
            b.group.as_deref().unwrap_or("").is_empty() && b.kind.as_deref().unwrap_or("Service") == "Service";
        if service && b.port.is_none() {
            diags.push(
                self.cx
                    .err(
                        Code::BackendWithoutPort,
                        &to,
                        format!("mirror Service `{}` has no port", b.name),
                    )
                    .help("add `port:` (the Service port to send the copies to)"),
            );
        }
    }

    fn path_modifier(&self, diags: &mut Diagnostics, p: &PathModifier, at: &str) {
        let (full, prefix) = (p.replace_full_path.is_some(), p.replace_prefix_match.is_some());
        let fits = match p.kind {
            PathModifierType::ReplaceFullPath => full && !prefix,
            PathModifierType::ReplacePrefixMatch => prefix && !full,
        };
        if !fits {
            diags.push(
                self.cx
                    .err(Code::CombinationRefused, at, format!("path `type: {:?}` needs its own field, and only that one", p.kind))
                    .help("write `{type: ReplaceFullPath, replaceFullPath: /new}` or `{type: ReplacePrefixMatch, replacePrefixMatch: /new}`"),
            );
        }
    }

    /// A `ReplacePrefixMatch` needs a rule with exactly one match, a `PathPrefix` one.
    fn prefix_rewrites(&self, diags: &mut Diagnostics, filters: &[&Filter], matches: &[RouteMatch], at: &str) {
        let replaces_prefix = |f: &&Filter| {
            let paths = [
                f.request_redirect.as_ref().and_then(|r| r.path.as_ref()),
                f.url_rewrite.as_ref().and_then(|r| r.path.as_ref()),
            ];
            paths
                .into_iter()
                .flatten()
                .any(|p| p.kind == PathModifierType::ReplacePrefixMatch)
        };
        // No match renders as the one match `PathPrefix /`.
        let one_prefix = matches.is_empty()
            || matches.len() == 1 && matches[0].path.as_ref().is_some_and(|p| p.kind == "PathPrefix");
        if filters.iter().any(replaces_prefix) && !one_prefix {
            diags.push(
                self.cx
                    .err(
                        Code::CombinationRefused,
                        &format!("{at}/matches"),
                        "a `ReplacePrefixMatch` in a rule without exactly one `PathPrefix` match",
                    )
                    .help(
                        "give the rule one match, `{path: {type: PathPrefix, value: /old}}`, or use `ReplaceFullPath`",
                    ),
            );
        }
    }

    fn combo(&self, diags: &mut Diagnostics, pointer: &str, what: String) {
        diags.push(
            self.cx
                .err(Code::CombinationRefused, pointer, format!("{what}: the Gateway API refuses this combination"))
                .help("keep one filter of each kind per list; a redirect answers the request itself, so it takes no rewrite and no backends"),
        );
    }

    fn backends(&self, diags: &mut Diagnostics, backends: &[BackendRef]) {
        for b in backends {
            self.group_kind(diags, b.group.as_deref(), b.kind.as_deref(), &b.origin);
            self.filters(diags, &b.filters, &b.origin, false);
        }
    }

    fn rule_name(&self, diags: &mut Diagnostics, name: Option<&str>, at: &str) {
        // A `SectionName`: a DNS label's characters, up to 253 of them.
        let valid = |n: &str| {
            let b = n.as_bytes();
            (1..=253).contains(&b.len())
                && b.iter()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || *c == b'-')
                && b[0] != b'-'
                && b[b.len() - 1] != b'-'
        };
        if let Some(n) = name.filter(|n| !valid(n)) {
            diags.push(
                self.cx
                    .err(
                        Code::InvalidName,
                        &format!("{at}/name"),
                        format!("rule name `{}` is not a valid name", n.escape_debug()),
                    )
                    .help("use lower-case letters, digits and `-` (a DNS-1123 label), e.g. `checkout`"),
            );
        }
    }

    fn timeouts(&self, diags: &mut Diagnostics, t: Option<&Timeouts>, at: &str) {
        let Some(t) = t else { return };
        let (Some(request), Some(backend)) = (t.request.as_deref(), t.backend_request.as_deref()) else {
            return;
        };
        let (Some(r), Some(b)) = (duration_ms(request), duration_ms(backend)) else {
            return;
        };
        if r != 0 && b > r {
            diags.push(
                self.cx
                    .err(
                        Code::BackendTimeoutTooLong,
                        &format!("{at}/timeouts/backendRequest"),
                        format!("`backendRequest` {backend} is longer than `request` {request}"),
                    )
                    .help("the request timeout covers the backend request: make `backendRequest` at most `request`"),
            );
        }
    }
}

/// Check every filter, backend and timeout of the model.
pub fn check(model: &Model, cx: &Context<'_>, diags: &mut Diagnostics) {
    let c = Checker { cx };
    for r in &model.routes {
        for rule in &r.rules {
            c.rule_name(diags, rule.name.as_deref(), &rule.origin);
            c.filters(diags, &rule.filters, &rule.origin, !rule.backend_refs.is_empty());
            let all: Vec<&Filter> = rule
                .filters
                .iter()
                .chain(rule.backend_refs.iter().flat_map(|b| &b.filters))
                .collect();
            c.prefix_rewrites(diags, &all, &rule.matches, &rule.origin);
            c.backends(diags, &rule.backend_refs);
            c.timeouts(diags, rule.timeouts.as_ref(), &rule.origin);
        }
    }
    for r in &model.grpc_routes {
        for rule in &r.rules {
            c.rule_name(diags, rule.name.as_deref(), &rule.origin);
            c.filters(diags, &rule.filters, &rule.origin, false);
            c.backends(diags, &rule.backend_refs);
        }
    }
}
