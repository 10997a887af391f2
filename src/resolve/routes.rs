//! Routes: short form and long form into HTTPRoutes; ReferenceGrants for
//! backends in other namespaces.

use std::collections::BTreeMap;

use super::Context;
use crate::diagnostic::{Diagnostic, Diagnostics, did_you_mean};
use crate::model::{self, Model};
use crate::spec;

/// Resolve one route of an app in namespace `ns`, attached to `gw`.
pub(super) fn resolve_route(
    name: &str,
    route: &spec::Route,
    ns: &str,
    gw: &model::Gateway,
    pointer: &str,
    cx: &Context<'_>,
    diags: &mut Diagnostics,
) -> Option<model::HttpRoute> {
    let hostnames = match (&route.host, &route.hostnames) {
        (Some(_), Some(_)) => {
            diags.push(
                cx.err(
                    "GW311",
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
    let short = route.to.is_some() || route.path.is_some();
    let rules = match (&route.rules, short) {
        (Some(_), true) => {
            diags.push(
                cx.err("GW312", &format!("{pointer}/rules"), "`rules` cannot be combined with the short form (`to`, `path`)")
                    .help("move `to` and `path` into a rule: `rules: [{matches: [{path: {value: /}}], backendRefs: [{name: svc, port: 80}]}]`"),
            );
            return None;
        }
        (Some(rules), false) => rules
            .iter()
            .enumerate()
            .map(|(i, r)| long_rule(r, ns, &format!("{pointer}/rules/{i}")))
            .collect(),
        (None, _) => {
            let Some(to) = &route.to else {
                diags.push(
                    cx.err("GW313", pointer, format!("route `{name}` has no backend"))
                        .help("add `to: SERVICE:PORT` (short form) or `rules:` (long form)"),
                );
                return None;
            };
            let to_ptr = format!("{pointer}/to");
            let Some(backend) = parse_to(to, ns, &to_ptr) else {
                diags.push(
                    cx.err("GW314", &to_ptr, format!("`to: {to}` is not `SERVICE:PORT`"))
                        .help(
                            "write the Service and its port, e.g. `to: store-front:80` (or `other-ns/store-front:80`)",
                        ),
                );
                return None;
            };
            vec![model::RouteRule {
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
                origin: pointer.to_string(),
            }]
        }
    };
    if let Some(listener) = &route.listener {
        if !gw.listeners.iter().any(|l| &l.name == listener) {
            let help = match did_you_mean(listener, gw.listeners.iter().map(|l| l.name.as_str())) {
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
                    "GW315",
                    &format!("{pointer}/listener"),
                    format!("gateway `{}` has no listener `{listener}`", gw.name),
                )
                .help(help),
            );
            return None;
        }
    }
    Some(model::HttpRoute {
        name: name.to_string(),
        namespace: ns.to_string(),
        parent_refs: vec![model::ParentRef {
            name: gw.name.clone(),
            namespace: (gw.namespace != ns).then(|| gw.namespace.clone()),
            section_name: route.listener.clone(),
        }],
        hostnames,
        rules,
        origin: pointer.to_string(),
    })
}

fn long_rule(rule: &spec::Rule, ns: &str, pointer: &str) -> model::RouteRule {
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
    let backend_refs = rule
        .backend_refs
        .iter()
        .enumerate()
        .map(|(i, b)| model::BackendRef {
            name: b.name.clone(),
            namespace: b.namespace.clone().filter(|n| n != ns),
            port: b.port,
            weight: b.weight,
            origin: format!("{pointer}/backendRefs/{i}"),
        })
        .collect();
    model::RouteRule {
        matches,
        backend_refs,
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
fn parse_to(to: &str, ns: &str, pointer: &str) -> Option<model::BackendRef> {
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
        name: name.to_string(),
        namespace,
        port,
        weight: None,
        origin: pointer.to_string(),
    })
}

/// A ReferenceGrant in each namespace whose Services routes of another
/// namespace use, when gatewright owns that namespace; a finding otherwise.
pub(super) fn reference_grants(model: &mut Model, cx: &Context<'_>, diags: &mut Diagnostics) {
    let mut grants: BTreeMap<(String, String), Vec<String>> = BTreeMap::new();
    for route in &model.routes {
        for rule in &route.rules {
            for b in &rule.backend_refs {
                let Some(to_ns) = &b.namespace else { continue };
                if !model.namespaces.iter().any(|n| &n.name == to_ns) {
                    diags.push(
                        Diagnostic::warning(
                            "GW316",
                            format!("backend `{to_ns}/{}` is in a namespace this spec does not own", b.name),
                        )
                        .at(cx.loc(&b.origin))
                        .path(b.origin.clone())
                        .help(format!(
                            "the owner of `{to_ns}` must create a ReferenceGrant from HTTPRoutes in `{}`",
                            route.namespace
                        )),
                    );
                    continue;
                }
                let services = grants.entry((to_ns.clone(), route.namespace.clone())).or_default();
                if !services.contains(&b.name) {
                    services.push(b.name.clone());
                }
            }
        }
    }
    for ((namespace, from_namespace), mut names) in grants {
        names.sort();
        model.reference_grants.push(model::ReferenceGrant {
            name: format!("httproutes-from-{from_namespace}"),
            namespace,
            from_kind: "HTTPRoute".into(),
            from_namespace,
            to_kind: "Service".into(),
            names,
        });
    }
}
