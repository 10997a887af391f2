//! `ImplementationSpecific` paths outside regex mode: ingress-nginx's plain
//! string prefix (`location /shop`). A regular expression alone ranks below
//! every `PathPrefix` of the host, so the route also gets the `PathPrefix`
//! of the path, which is exact for the path and its sub-paths; what only the
//! string prefix serves (`/shopx`) stays on the regular expression.

use std::collections::BTreeMap;

use super::super::{Cx, Object};
use super::{IngressPathType, Location};
use crate::analyze::syntax::path_problem;
use crate::diagnostic::{Code, Diagnostic};
use crate::spec::{PathMatch, PathType};

/// Code of the paths a string prefix serves that a shorter path outranks.
pub const OUTRANKED: Code = Code::PrefixRegexOutranked;

/// The paths each host serves (`None`: every host), with their types: the
/// served locations and `/` of the default backends.
pub(crate) type HostPaths = BTreeMap<Option<String>, Vec<(String, IngressPathType)>>;

/// Whether `l` is a string prefix written as a regular expression.
fn applies(l: &Location, regex_mode: bool) -> bool {
    l.path_type == IngressPathType::ImplementationSpecific && !regex_mode && l.path != "/"
}

/// The path matches of location `l` whose match is `path`: the `PathPrefix`
/// of the path first where it is exact for nginx's string prefix (not
/// ending in `/`, a valid Gateway API path, no other path of the host with
/// the same `PathPrefix`), then `path`.
pub(crate) fn matches(l: &Location, path: PathMatch, regex_mode: bool, paths: &HostPaths) -> Vec<PathMatch> {
    if !applies(l, regex_mode) || path.kind != PathType::RegularExpression || !exact(l, paths) {
        return vec![path];
    }
    let prefix = PathMatch {
        kind: PathType::PathPrefix,
        value: l.path.clone(),
    };
    vec![prefix, path]
}

fn exact(l: &Location, paths: &HostPaths) -> bool {
    !l.path.ends_with('/')
        && path_problem(&l.path).is_none()
        && !others(l, paths).any(|(p, _)| p.trim_end_matches('/') == l.path)
}

fn others<'p>(l: &'p Location, paths: &'p HostPaths) -> impl Iterator<Item = &'p (String, IngressPathType)> {
    paths
        .get(&l.host)
        .into_iter()
        .flatten()
        .filter(move |(p, _)| *p != l.path)
}

/// Warn when other paths of the host (not `Exact`) outrank the regular
/// expression of `l` for requests nginx's string prefix sends to it: a
/// shorter path or one with the same `PathPrefix`.
pub(crate) fn warn(o: &Object, l: &Location, regex_mode: bool, paths: &HostPaths, cx: &mut Cx<'_>) {
    if !applies(l, regex_mode) {
        return;
    }
    let trimmed = l.path.trim_end_matches('/');
    let outranking: Vec<String> = others(l, paths)
        .filter(|(p, t)| {
            *t != IngressPathType::Exact && (l.path.starts_with(p.as_str()) || p.trim_end_matches('/') == trimmed)
        })
        .map(|(p, _)| format!("`{p}`"))
        .collect();
    if outranking.is_empty() {
        return;
    }
    let p = &l.path;
    let how = if exact(l, paths) {
        format!(
            "the route matches `{p}` and `{trimmed}/...` by PathPrefix, the other paths (`{p}x`) only by a regular expression"
        )
    } else {
        format!("the route matches them only by a regular expression (`{p}x`)")
    };
    cx.diags.push(
        Diagnostic::warning(
            OUTRANKED,
            format!(
                "ingress-nginx sends every path starting with `{p}` here; {how}, which other paths of this host outrank ({})",
                outranking.join(", ")
            ),
        )
        .at(o.loc(&l.pointer))
        .help(format!(
            "write `pathType: Prefix` if the clients only use `{trimmed}` and its sub-paths, or add a route for each other path they use"
        )),
    );
}

/// The paths each host serves: `served` (host, path) with each location's
/// type, and `/` of each Ingress's default backend for its hosts.
pub(crate) fn host_paths<'l>(
    served: impl Iterator<Item = &'l Location>,
    defaults: impl Iterator<Item = Option<String>>,
) -> HostPaths {
    let mut out = HostPaths::new();
    for l in served {
        out.entry(l.host.clone())
            .or_default()
            .push((l.path.clone(), l.path_type));
    }
    for host in defaults {
        let list = out.entry(host).or_default();
        if !list.iter().any(|(p, _)| p == "/") {
            list.push(("/".to_string(), IngressPathType::Prefix));
        }
    }
    out
}
