//! TLS, TCP and UDP routes: short form (`to`) and long form into
//! TLSRoutes, TCPRoutes and UDPRoutes.

use super::routes::{Head, parse_to, resolve_head};
use super::{Context, esc};
use crate::diagnostic::{Code, Diagnostics};
use crate::model::{self, L4Kind, Model};
use crate::spec::{self, Site};

/// What a TLS route and a TCP/UDP route share, borrowed from either.
struct Route<'a> {
    head: Head<'a>,
    to: &'a Option<String>,
    rules: &'a Option<Vec<spec::L4Rule>>,
    labels: &'a std::collections::BTreeMap<String, String>,
    annotations: &'a std::collections::BTreeMap<String, String>,
}

const NONE: &Option<String> = &None;
const NO_HOSTS: &Option<Vec<String>> = &None;

fn tls(r: &spec::TlsRoute) -> Route<'_> {
    Route {
        head: Head {
            host: &r.host,
            hostnames: &r.hostnames,
            listener: &r.listener,
            gateway: &r.gateway,
            parent_refs: &r.parent_refs,
        },
        to: &r.to,
        rules: &r.rules,
        labels: &r.labels,
        annotations: &r.annotations,
    }
}

fn stream(r: &spec::L4Route) -> Route<'_> {
    Route {
        head: Head {
            host: NONE,
            hostnames: NO_HOSTS,
            listener: &r.listener,
            gateway: &r.gateway,
            parent_refs: &r.parent_refs,
        },
        to: &r.to,
        rules: &r.rules,
        labels: &r.labels,
        annotations: &r.annotations,
    }
}

/// Resolve the TLS, TCP and UDP routes of an app in namespace `ns` (at spec path `base`).
pub(super) fn resolve_app(
    app: &spec::App,
    ns: &str,
    base: &str,
    site: &Site,
    model: &Model,
    cx: &Context<'_>,
    diags: &mut Diagnostics,
) -> Vec<model::L4Route> {
    let tls_routes = app.tls_routes.iter().map(|(n, r)| (L4Kind::Tls, n, tls(r)));
    let tcp = app.tcp_routes.iter().map(|(n, r)| (L4Kind::Tcp, n, stream(r)));
    let udp = app.udp_routes.iter().map(|(n, r)| (L4Kind::Udp, n, stream(r)));
    let mut out = Vec::new();
    for (kind, name, route) in tls_routes.chain(tcp).chain(udp) {
        let pointer = format!("{base}/{}/{}", kind.field(), esc(name));
        let app_gw = app.gateway.as_deref();
        let Some(gw) = super::route_gateway(&route.head, app_gw, site, model, &pointer, base, cx, diags) else {
            continue;
        };
        out.extend(resolve_route(kind, name, &route, ns, gw, &pointer, cx, diags));
    }
    out
}

#[allow(clippy::too_many_arguments)]
fn resolve_route(
    kind: L4Kind,
    name: &str,
    route: &Route<'_>,
    ns: &str,
    gw: Option<&model::Gateway>,
    pointer: &str,
    cx: &Context<'_>,
    diags: &mut Diagnostics,
) -> Option<model::L4Route> {
    let head = resolve_head(&route.head, ns, gw, pointer, cx, diags);
    let rules = rules(kind, name, route, ns, pointer, cx, diags);
    let (hostnames, parent_refs) = head?;
    if kind == L4Kind::Tls && hostnames.is_empty() {
        diags.push(
            cx.err(
                Code::TlsRouteWithoutHostname,
                pointer,
                format!("TLS route `{name}` has no hostname"),
            )
            .help("a TLSRoute routes by SNI hostname: add `host: NAME` (or `hostnames: [...]`)"),
        );
        return None;
    }
    Some(model::L4Route {
        kind,
        name: name.to_string(),
        namespace: ns.to_string(),
        parent_refs,
        hostnames,
        rules: rules?,
        labels: route.labels.clone(),
        annotations: route.annotations.clone(),
        origin: pointer.to_string(),
    })
}

fn rules(
    kind: L4Kind,
    name: &str,
    route: &Route<'_>,
    ns: &str,
    pointer: &str,
    cx: &Context<'_>,
    diags: &mut Diagnostics,
) -> Option<Vec<model::L4Rule>> {
    match (route.rules, route.to) {
        (Some(_), Some(_)) => {
            diags.push(
                cx.err(
                    Code::RulesWithShortForm,
                    &format!("{pointer}/rules"),
                    "`rules` cannot be combined with `to`",
                )
                .help("move `to` into the rule: `rules: [{backendRefs: [{name: svc, port: 443}]}]`"),
            );
            None
        }
        (Some(rules), None) => {
            let mut out = Vec::new();
            for (i, r) in rules.iter().enumerate() {
                let at = format!("{pointer}/rules/{i}");
                if r.backend_refs.is_empty() {
                    diags.push(
                        cx.err(Code::RouteWithoutBackend, &at, format!("a rule of {} `{name}` has no backend", kind.kind()))
                            .help("the API needs 1 to 16 `backendRefs` in the rule, e.g. `backendRefs: [{name: svc, port: 443}]`"),
                    );
                    return None;
                }
                out.push(model::L4Rule {
                    name: r.name.clone(),
                    backend_refs: backend_refs(&r.backend_refs, ns, &at, cx, diags),
                    origin: at,
                });
            }
            if out.is_empty() {
                diags.push(
                    cx.err(
                        Code::RouteWithoutBackend,
                        &format!("{pointer}/rules"),
                        format!("{} `{name}` has no rule", kind.kind()),
                    )
                    .help("the API needs exactly one rule: `rules: [{backendRefs: [{name: svc, port: 443}]}]`"),
                );
                return None;
            }
            Some(out)
        }
        (None, Some(to)) => {
            let to_ptr = format!("{pointer}/to");
            let Some(backend) = parse_to(to, ns, &to_ptr) else {
                diags.push(
                    cx.err(
                        Code::NotServicePort,
                        &to_ptr,
                        format!("`to: {to}` is not `SERVICE:PORT`"),
                    )
                    .help("write the Service and its port, e.g. `to: postgres:5432` (or `other-ns/postgres:5432`)"),
                );
                return None;
            };
            Some(vec![model::L4Rule {
                name: None,
                backend_refs: vec![backend],
                origin: pointer.to_string(),
            }])
        }
        (None, None) => {
            diags.push(
                cx.err(
                    Code::RouteWithoutBackend,
                    pointer,
                    format!("{} `{name}` has no backend", kind.kind()),
                )
                .help("add `to: SERVICE:PORT` (short form) or `rules:` (long form)"),
            );
            None
        }
    }
}

/// The backends of an L4 rule: HTTP backends without filters, resolved as those are.
fn backend_refs(
    list: &[spec::L4BackendRef],
    ns: &str,
    pointer: &str,
    cx: &Context<'_>,
    diags: &mut Diagnostics,
) -> Vec<model::BackendRef> {
    let as_http: Vec<spec::BackendRef> = list
        .iter()
        .map(|b| spec::BackendRef {
            group: b.group.clone(),
            kind: b.kind.clone(),
            name: b.name.clone(),
            namespace: b.namespace.clone(),
            port: b.port,
            weight: b.weight,
            filters: Vec::new(),
        })
        .collect();
    super::backends::backend_refs(&as_http, ns, super::backends::Kind::Http, pointer, cx, diags)
}
