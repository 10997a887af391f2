//! gRPC routes: short form (`to`) and long form into GRPCRoutes.

use super::Context;
use super::backends::{Kind, backend_refs, filters};
use super::routes::{Head, parse_to, resolve_head};
use crate::diagnostic::{Code, Diagnostics};
use crate::model;
use crate::spec;

/// Resolve one gRPC route of an app in namespace `ns`, attached to `gw` (or to its `parentRefs`).
pub(super) fn resolve_grpc_route(
    name: &str,
    route: &spec::GrpcRoute,
    ns: &str,
    gw: Option<&model::Gateway>,
    pointer: &str,
    cx: &Context<'_>,
    diags: &mut Diagnostics,
) -> Option<model::GrpcRoute> {
    let head = resolve_head(&Head::from(route), ns, gw, pointer, cx, diags);
    let rules = match (&route.rules, &route.to) {
        (Some(_), Some(_)) => {
            diags.push(
                cx.err(
                    Code::RulesWithShortForm,
                    &format!("{pointer}/rules"),
                    "`rules` cannot be combined with `to`",
                )
                .help("move `to` into a rule: `rules: [{backendRefs: [{name: svc, port: 50051}]}]`"),
            );
            return None;
        }
        (Some(rules), None) => rules
            .iter()
            .enumerate()
            .map(|(i, r)| {
                let at = format!("{pointer}/rules/{i}");
                model::GrpcRule {
                    name: r.name.clone(),
                    matches: r.matches.clone(),
                    filters: filters(
                        r.filters.as_deref().unwrap_or_default(),
                        Kind::Grpc,
                        &format!("{at}/filters"),
                        cx,
                        diags,
                    ),
                    empty_backend_refs: r.backend_refs.as_ref().is_some_and(Vec::is_empty),
                    backend_refs: backend_refs(
                        r.backend_refs.as_deref().unwrap_or_default(),
                        ns,
                        Kind::Grpc,
                        &at,
                        cx,
                        diags,
                    ),
                    origin: at,
                }
            })
            .collect(),
        (None, Some(to)) => {
            let to_ptr = format!("{pointer}/to");
            let Some(backend) = parse_to(to, ns, &to_ptr) else {
                diags.push(
                    cx.err(
                        Code::NotServicePort,
                        &to_ptr,
                        format!("`to: {to}` is not `SERVICE:PORT`"),
                    )
                    .help("write the Service and its port, e.g. `to: grpc-echo:50051`"),
                );
                return None;
            };
            vec![model::GrpcRule {
                name: None,
                matches: None,
                filters: Vec::new(),
                backend_refs: vec![backend],
                empty_backend_refs: false,
                origin: pointer.to_string(),
            }]
        }
        (None, None) if cx.allow.allows(Code::RouteWithoutBackend, pointer) => Vec::new(),
        (None, None) => {
            diags.push(
                cx.err(
                    Code::RouteWithoutBackend,
                    pointer,
                    format!("gRPC route `{name}` has no backend"),
                )
                .help("add `to: SERVICE:PORT` (short form) or `rules:` (long form)"),
            );
            return None;
        }
    };
    let (hostnames, parent_refs) = head?;
    Some(model::GrpcRoute {
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
