//! Path matches, rewrites and redirects as ingress-nginx makes them.

use super::{IngressPathType, Location, ParsedIngress, escape};
use crate::diagnostic::Code;
use crate::spec::{Filter, PathMatch, PathModifier, PathModifierType, PathType, RequestRedirect, UrlRewrite};

/// Code of a rewrite or redirect that Gateway API cannot express exactly.
pub const INEXACT: Code = Code::NginxNotExpressible;
/// Code of a redirect status the target Gateway API version lacks.
pub const STATUS: Code = Code::RedirectStatusApproximated;

/// The Gateway API match of location `l` of `ing` (`regex_mode`: the host
/// has an Ingress with `use-regex` or `rewrite-target`).
pub fn path_match(l: &Location, ing: &ParsedIngress, regex_mode: bool) -> PathMatch {
    let (kind, value) = match (l.path_type, regex_mode) {
        (IngressPathType::Exact, _) => (PathType::Exact, l.path.clone()),
        (IngressPathType::Prefix, false) => (PathType::PathPrefix, l.path.clone()),
        (IngressPathType::ImplementationSpecific, false) if l.path == "/" => (PathType::PathPrefix, l.path.clone()),
        (_, mode) => (
            PathType::RegularExpression,
            super::regex_for(&l.path, mode, mode && ing.nginx.use_regex),
        ),
    };
    PathMatch { kind, value }
}

/// `rewrite-target` on location `l`: the match and the rewrite, or `None`
/// when Gateway API cannot express it (capture groups other than the
/// `PREFIX(/|$)(.*)` → `TARGET$2` form).
pub fn rewrite(l: &Location, target: &str) -> Option<(PathMatch, PathModifier)> {
    if !target.contains('$') {
        let m = PathMatch {
            kind: PathType::RegularExpression,
            value: super::regex_for(&l.path, true, l.path_type != IngressPathType::Exact),
        };
        let m = if l.path_type == IngressPathType::Exact {
            PathMatch {
                kind: PathType::Exact,
                value: l.path.clone(),
            }
        } else {
            m
        };
        return Some((m, full(target)));
    }
    let prefix = l.path.strip_suffix("(/|$)(.*)")?;
    let to = target.strip_suffix("$2")?;
    if prefix.is_empty() || escape(prefix) != prefix || to.contains('$') {
        return None;
    }
    let to = to.strip_suffix('/').filter(|t| !t.is_empty()).unwrap_or(to);
    let to = if to.is_empty() { "/" } else { to };
    let m = PathMatch {
        kind: PathType::PathPrefix,
        value: prefix.to_string(),
    };
    Some((
        m,
        PathModifier {
            kind: PathModifierType::ReplacePrefixMatch,
            replace_full_path: None,
            replace_prefix_match: Some(to.to_string()),
        },
    ))
}

fn full(path: &str) -> PathModifier {
    PathModifier {
        kind: PathModifierType::ReplaceFullPath,
        replace_full_path: Some(path.to_string()),
        replace_prefix_match: None,
    }
}

/// A `urlRewrite` filter.
pub fn url_rewrite(hostname: Option<String>, path: Option<PathModifier>) -> Filter {
    Filter {
        url_rewrite: Some(UrlRewrite { hostname, path }),
        ..Filter::default()
    }
}

/// A `requestRedirect` filter.
pub fn redirect(r: RequestRedirect) -> Filter {
    Filter {
        request_redirect: Some(r),
        ..Filter::default()
    }
}

/// `permanent-redirect`/`temporal-redirect`'s URL as a redirect (`None`
/// when it is not `scheme://host[:port][/path]`).
pub fn to_url(url: &str, code: u32) -> Option<RequestRedirect> {
    let (scheme, rest) = url.split_once("://")?;
    if !matches!(scheme, "http" | "https") || rest.contains(['?', '#']) {
        return None;
    }
    let (authority, path) = match rest.find('/') {
        Some(i) => (&rest[..i], Some(&rest[i..])),
        None => (rest, None),
    };
    let (host, port) = match authority.rsplit_once(':') {
        Some((h, p)) => (h, Some(p.parse::<u32>().ok()?)),
        None => (authority, None),
    };
    if host.is_empty() {
        return None;
    }
    Some(RequestRedirect {
        scheme: Some(scheme.to_string()),
        hostname: Some(host.to_string()),
        path: Some(full(path.unwrap_or("/"))),
        port,
        status_code: Some(code),
    })
}

/// `app-root`'s redirect of `/`.
pub fn app_root(root: &str) -> RequestRedirect {
    RequestRedirect {
        path: Some(full(root)),
        status_code: Some(302),
        ..RequestRedirect::default()
    }
}
