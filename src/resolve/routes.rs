//! Routes: short form and long form into HTTPRoutes.

use super::Context;
use super::backends::{Kind, backend_refs, filters};
use super::setlisteners::{self, Named};
use crate::diagnostic::{Code, Diagnostics, did_you_mean};
use crate::model;
use crate::spec;

/// What HTTP and gRPC routes share: hostnames and where they attach.
pub(super) struct Head<'a> {
    pub host: &'a Option<String>,
    pub hostnames: &'a Option<Vec<String>>,
    pub listener: &'a Option<String>,
    pub gateway: &'a Option<String>,
    pub parent_refs: &'a Option<Vec<spec::ParentRef>>,
}

impl<'a> From<&'a spec::Route> for Head<'a> {
    fn from(r: &'a spec::Route) -> Self {
        Head {
            host: &r.host,
            hostnames: &r.hostnames,
            listener: &r.listener,
            gateway: &r.gateway,
            parent_refs: &r.parent_refs,
        }
    }
}

impl<'a> From<&'a spec::GrpcRoute> for Head<'a> {
    fn from(r: &'a spec::GrpcRoute) -> Self {
        Head {
            host: &r.host,
            hostnames: &r.hostnames,
            listener: &r.listener,
            gateway: &r.gateway,
            parent_refs: &r.parent_refs,
        }
    }
}

/// Hostnames and parents of a route; `None` (with findings) when they are invalid.
pub(super) fn resolve_head(
    head: &Head<'_>,
    ns: &str,
    gw: Option<&model::Gateway>,
    pointer: &str,
    cx: &Context<'_>,
    diags: &mut Diagnostics,
) -> Option<(Vec<String>, Vec<model::ParentRef>)> {
    let hostnames = match (head.host, head.hostnames) {
        (Some(_), Some(_)) => {
            diags.push(
                cx.err(
                    Code::HostAndHostnames,
                    &format!("{pointer}/hostnames"),
                    "`host` and `hostnames` cannot both be set",
                )
                .help("`host: x` is short for `hostnames: [x]`: keep one"),
            );
            return None;
        }
        (Some(h), None) => vec![h.clone()],
        (None, Some(hs)) => hs.clone(),
        (None, None) => Vec::new(),
    };
    if let Some(refs) = head.parent_refs {
        if head.gateway.is_some() || head.listener.is_some() {
            diags.push(
                cx.err(
                    Code::ParentRefsWithGateway,
                    &format!("{pointer}/parentRefs"),
                    "`parentRefs` cannot be combined with `gateway` or `listener`",
                )
                .help("name the gateway and listener inside `parentRefs` (`name`, `namespace`, `sectionName`), or drop `parentRefs`"),
            );
            return None;
        }
        let parents = refs
            .iter()
            .map(|p| model::ParentRef {
                name: p.name.clone(),
                namespace: p.namespace.clone().filter(|n| n != ns),
                section_name: p.section_name.clone(),
                port: p.port,
                group: p.group.clone(),
                kind: p.kind.clone(),
            })
            .collect();
        return Some((hostnames, parents));
    }
    if let Some(l) = head.listener.as_deref() {
        match setlisteners::lookup(cx.listener_set.as_ref(), head.gateway.as_deref(), l, pointer, cx, diags) {
            Named::Set(parent) => return Some((hostnames, vec![parent])),
            Named::Failed => return None,
            Named::Gateway => {}
        }
    }
    let gw = gw?;
    if let Some(listener) = head.listener {
        if !gw.listeners.iter().any(|l| &l.name == listener) && !cx.allow.allows(Code::UnknownListener, pointer) {
            let in_sets = cx
                .listener_set
                .as_ref()
                .map(setlisteners::Scope::names)
                .unwrap_or_default();
            let names = gw
                .listeners
                .iter()
                .map(|l| l.name.as_str())
                .chain(in_sets.iter().map(String::as_str));
            let help = match did_you_mean(listener, names) {
                Some(s) => format!("did you mean `{s}`?"),
                None => format!(
                    "listeners of gateway `{}`: {}",
                    gw.name,
                    gw.listeners
                        .iter()
                        .map(|l| l.name.as_str())
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
            };
            diags.push(
                cx.err(
                    Code::UnknownListener,
                    &format!("{pointer}/listener"),
                    format!("gateway `{}` has no listener `{listener}`", gw.name),
                )
                .help(help),
            );
            return None;
        }
    }
    let parent = model::ParentRef {
        name: gw.name.clone(),
        namespace: (gw.namespace != ns).then(|| gw.namespace.clone()),
        section_name: head.listener.clone(),
        port: None,
        group: None,
        kind: None,
    };
    Some((hostnames, vec![parent]))
}

/// Resolve one route of an app in namespace `ns`, attached to `gw` (or to its `parentRefs`).
pub(super) fn resolve_route(
    name: &str,
    route: &spec::Route,
    ns: &str,
    gw: Option<&model::Gateway>,
    pointer: &str,
    cx: &Context<'_>,
    diags: &mut Diagnostics,
) -> Option<model::HttpRoute> {
    let head = resolve_head(&Head::from(route), ns, gw, pointer, cx, diags);
    let short = route.to.is_some() || route.path.is_some();
    let rules = match (&route.rules, short) {
        (Some(_), true) => {
            diags.push(
                cx.err(Code::RulesWithShortForm, &format!("{pointer}/rules"), "`rules` cannot be combined with the short form (`to`, `path`)")
                    .help("move `to` and `path` into a rule: `rules: [{matches: [{path: {value: /}}], backendRefs: [{name: svc, port: 80}]}]`"),
            );
            return None;
        }
        (Some(rules), false) => rules
            .iter()
            .enumerate()
            .map(|(i, r)| long_rule(r, ns, &format!("{pointer}/rules/{i}"), cx, diags))
            .collect(),
        (None, _) if route.to.is_none() && cx.allow.allows(Code::RouteWithoutBackend, pointer) => Vec::new(),
        (None, _) => {
            let Some(to) = &route.to else {
                diags.push(
                    cx.err(
                        Code::RouteWithoutBackend,
                        pointer,
                        format!("route `{name}` has no backend"),
                    )
                    .help("add `to: SERVICE:PORT` (short form) or `rules:` (long form)"),
                );
                return None;
            };
            let to_ptr = format!("{pointer}/to");
            let Some(backend) = parse_to(to, ns, &to_ptr) else {
                diags.push(
                    cx.err(
                        Code::NotServicePort,
                        &to_ptr,
                        format!("`to: {to}` is not `SERVICE:PORT`"),
                    )
                    .help("write the Service and its port, e.g. `to: store-front:80` (or `other-ns/store-front:80`)"),
                );
                return None;
            };
            vec![model::RouteRule {
                name: None,
                filters: Vec::new(),
                timeouts: None,
                matches: vec![model::RouteMatch {
                    path: Some(model::PathMatch {
                        kind: "PathPrefix".into(),
                        value: route.path.clone().unwrap_or_else(|| "/".into()),
                    }),
                    headers: Vec::new(),
                    query_params: Vec::new(),
                    method: None,
                }],
                backend_refs: vec![backend],
                empty_backend_refs: false,
                origin: pointer.to_string(),
            }]
        }
    };
    let (hostnames, parent_refs) = head?;
    Some(model::HttpRoute {
        name: name.to_string(),
        namespace: ns.to_string(),
        parent_refs,
        hostnames,
        rules,
        labels: route.labels.clone(),
        annotations: route.annotations.clone(),
        origin: pointer.to_string(),
    })
}

fn long_rule(
    rule: &spec::Rule,
    ns: &str,
    pointer: &str,
    cx: &Context<'_>,
    diags: &mut Diagnostics,
) -> model::RouteRule {
    let matches = rule
        .matches
        .iter()
        .map(|m| model::RouteMatch {
            path: m.path.as_ref().map(|p| model::PathMatch {
                kind: format!("{:?}", p.kind),
                value: p.value.clone(),
            }),
            headers: m.headers.iter().map(value_match).collect(),
            query_params: m.query_params.iter().map(value_match).collect(),
            method: m.method.map(|x| format!("{x:?}")),
        })
        .collect();
    model::RouteRule {
        name: rule.name.clone(),
        matches,
        filters: filters(&rule.filters, Kind::Http, &format!("{pointer}/filters"), cx, diags),
        backend_refs: backend_refs(
            rule.backend_refs.as_deref().unwrap_or_default(),
            ns,
            Kind::Http,
            pointer,
            cx,
            diags,
        ),
        empty_backend_refs: rule.backend_refs.as_ref().is_some_and(Vec::is_empty),
        timeouts: rule.timeouts.clone(),
        origin: pointer.to_string(),
    }
}

fn value_match(v: &spec::ValueMatch) -> model::ValueMatch {
    model::ValueMatch {
        kind: format!("{:?}", v.kind),
        name: v.name.clone(),
        value: v.value.clone(),
    }
}

/// Parse `[namespace/]service:port`.
pub(super) fn parse_to(to: &str, ns: &str, pointer: &str) -> Option<model::BackendRef> {
    let (target, port) = to.rsplit_once(':')?;
    let port: u32 = port.parse().ok().filter(|p| (1..=65535).contains(p))?;
    let (namespace, name) = match target.split_once('/') {
        Some((n, s)) => (Some(n.to_string()).filter(|n| n != ns), s),
        None => (None, target),
    };
    if name.is_empty() || namespace.as_deref() == Some("") {
        return None;
    }
    Some(model::BackendRef {
        group: None,
        kind: None,
        name: name.to_string(),
        namespace,
        port: Some(port),
        weight: None,
        filters: Vec::new(),
        origin: pointer.to_string(),
    })
}
