//! A converted route into its app: as a GRPCRoute for gRPC backends, with
//! the HTTP-to-HTTPS and www redirects beside it.

use super::super::{Cx, Object};
use super::ParsedIngress;
use super::convert::NO_HTTPS_REDIRECT;
use super::filters::{https_redirect, status, www_redirect};
use crate::diagnostic::Diagnostic;
use crate::spec::{self, GrpcMatch, GrpcMethodMatch, GrpcRoute, GrpcRule, PathType, ValueMatchType};

/// The HTTP listener of the proposed gateway.
const HTTP_LISTENER: &str = "default";

/// Put `route` (of Ingress `o`, host `host`) into its app as `key`.
pub(crate) fn place(
    o: &Object,
    ing: &ParsedIngress,
    key: &str,
    host: Option<&str>,
    mut route: spec::Route,
    cx: &mut Cx<'_>,
) {
    if matches!(ing.nginx.backend_protocol.as_deref(), Some("GRPC" | "GRPCS")) {
        let grpc = to_grpc(o, &route, cx);
        insert(o, &ing.namespace, key, Kind::Grpc(grpc), cx);
        return;
    }
    if let Some(h) = host.filter(|_| ing.nginx.from_to_www) {
        let code = status(
            o,
            ing.nginx.at.get("from-to-www-redirect").cloned().flatten(),
            308,
            301,
            cx,
        );
        insert(
            o,
            &ing.namespace,
            &format!("{key}-www"),
            Kind::Http(www_redirect(h, code)),
            cx,
        );
    }
    if ing.redirects_to_https(host) {
        https_split(o, ing, key, host, &mut route, cx);
    }
    insert(o, &ing.namespace, key, Kind::Http(route), cx);
}

/// ingress-nginx answers plain HTTP for a TLS host with a 308 to HTTPS: the
/// route serves the host's HTTPS listener, a second route redirects on HTTP.
fn https_split(
    o: &Object,
    ing: &ParsedIngress,
    key: &str,
    host: Option<&str>,
    route: &mut spec::Route,
    cx: &mut Cx<'_>,
) {
    let tls = host.is_some_and(|h| ing.tls_hosts.iter().any(|t| t == h));
    let annotation = if ing.nginx.force_ssl_redirect {
        "force-ssl-redirect"
    } else {
        "ssl-redirect"
    };
    let at = ing
        .nginx
        .at
        .get(annotation)
        .cloned()
        .flatten()
        .or_else(|| o.loc("/spec/tls"));
    if !tls || !cx.site.gateways.is_empty() {
        let why = if tls {
            "the manifests bring their own Gateway"
        } else {
            "the host has no TLS entry"
        };
        cx.diags.push(
            Diagnostic::warning(
                NO_HTTPS_REDIRECT,
                format!(
                    "Ingress `{}` redirects HTTP to HTTPS, which was not added: {why}",
                    o.name()
                ),
            )
            .at(at)
            .help(
                "add a route on the HTTP listener with a `requestRedirect` filter (`scheme: https`, `statusCode: 308`)",
            ),
        );
        return;
    }
    let code = status(o, at, 308, 301, cx);
    let mut redirect = https_redirect(route, code);
    redirect.listener = Some(HTTP_LISTENER.to_string());
    route.listener = host.map(|h| format!("https-{}", super::label(h)));
    insert(o, &ing.namespace, &format!("{key}-http"), Kind::Http(redirect), cx);
}

/// A route of gRPC backends: `/` matches every method, `/SERVICE` the service's.
fn to_grpc(o: &Object, route: &spec::Route, cx: &mut Cx<'_>) -> GrpcRoute {
    let mut rules = Vec::new();
    for r in route.rules.iter().flatten() {
        let path = r.matches.first().and_then(|m| m.path.clone());
        let matches = match path {
            None => None,
            Some(p) if p.value == "/" && p.kind == PathType::PathPrefix => None,
            Some(p)
                if p.kind != PathType::RegularExpression
                    && p.value.len() > 1
                    && !p.value.strip_prefix('/').unwrap_or(&p.value).contains('/') =>
            {
                Some(vec![GrpcMatch {
                    method: Some(GrpcMethodMatch {
                        kind: Some(ValueMatchType::Exact),
                        service: Some(p.value.trim_start_matches('/').to_string()),
                        method: None,
                    }),
                    headers: None,
                }])
            }
            Some(p) => {
                super::annotations::warn(
                    o,
                    "backend-protocol",
                    super::redirects::INEXACT,
                    format!(
                        "the gRPC path `{}` of Ingress `{}` is not a service; the rule matches every method",
                        p.value,
                        o.name()
                    ),
                    "match a gRPC service with the path `/package.Service`, or write the GRPCRoute's `matches` by hand",
                    cx,
                );
                None
            }
        };
        rules.push(GrpcRule {
            name: None,
            matches,
            filters: None,
            backend_refs: r.backend_refs.clone(),
        });
    }
    if route.rules.iter().flatten().any(|r| !r.filters.is_empty()) {
        super::annotations::warn(
            o,
            "backend-protocol",
            super::redirects::INEXACT,
            format!("the filters of gRPC Ingress `{}` are not carried over", o.name()),
            "add them to the GRPCRoute by hand (header modifiers only)",
            cx,
        );
    }
    GrpcRoute {
        hostnames: route.hostnames.clone(),
        rules: Some(rules),
        ..GrpcRoute::default()
    }
}

enum Kind {
    Http(spec::Route),
    Grpc(GrpcRoute),
}

fn insert(o: &Object, ns: &str, key: &str, route: Kind, cx: &mut Cx<'_>) {
    let key = super::super::metadata::short_name(o, key, cx);
    let list = if matches!(route, Kind::Grpc(_)) {
        "grpcRoutes"
    } else {
        "routes"
    };
    cx.origins.insert(
        format!(
            "/apps/{}/{list}/{}",
            crate::load::escape_token(ns),
            crate::load::escape_token(&key)
        ),
        o.loc("/metadata/name"),
    );
    let replaced = match route {
        Kind::Http(r) => cx.app(ns).routes.insert(key.clone(), r).is_some(),
        Kind::Grpc(r) => cx.app(ns).grpc_routes.insert(key.clone(), r).is_some(),
    };
    if replaced {
        cx.skip(
            o,
            "/metadata/name",
            format!(
                "route `{key}` of Ingress `{}` replaces a route of the same name",
                o.name()
            ),
            "rename one of the Ingresses",
        );
    }
}
