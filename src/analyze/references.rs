//! References between objects: every parentRef (of a route of any kind)
//! names a gateway of the model, with its namespace when the route lives
//! elsewhere, and (HTTPRoutes here; TLS, TCP and UDP routes in
//! [`super::l4`]) a listener
//! (`sectionName`) that gateway has; every backend or certificate in another
//! namespace the spec owns is covered by a generated ReferenceGrant (those
//! in namespaces it does not own are GW316/GW317 warnings from resolve).
//! The resolver builds the model this way; these checks keep the blueprint
//! context honest for every model, whoever built it.

use super::{Context, Lookup};
use crate::diagnostic::{Code, Diagnostics};
use crate::model::{self, Model};

/// Check parentRefs and cross-namespace references.
pub fn check(model: &Model, lookup: &Lookup<'_>, cx: &Context<'_>, diags: &mut Diagnostics) {
    let grpc = model.grpc_routes.iter().map(|r| {
        let route = (r.namespace.as_str(), r.name.as_str(), r.origin.as_str());
        (route, &r.parent_refs)
    });
    let l4 = model.l4_routes.iter().map(|r| {
        let route = (r.namespace.as_str(), r.name.as_str(), r.origin.as_str());
        (route, &r.parent_refs)
    });
    for (route, refs) in grpc.chain(l4) {
        for (pi, p) in refs.iter().enumerate() {
            gateway_of(p, pi, route, lookup, cx, diags);
        }
    }
    for r in &model.routes {
        for (pi, p) in r.parent_refs.iter().enumerate() {
            let route = (r.namespace.as_str(), r.name.as_str(), r.origin.as_str());
            let Some(gw) = gateway_of(p, pi, route, lookup, cx, diags) else {
                continue;
            };
            if let Some(section) = &p.section_name {
                if !gw.listeners.iter().any(|l| &l.name == section)
                    && !model.allow.allows(Code::UnknownListener, &r.origin)
                {
                    diags.push(
                        cx.err(
                            Code::UnknownListener,
                            &format!("{}/listener", r.origin),
                            format!("gateway `{}` has no listener `{section}`", gw.name),
                        )
                        .help("name one of the gateway's listeners"),
                    );
                }
            }
        }
        for rule in &r.rules {
            let backend_filters = rule.backend_refs.iter().map(|b| (&b.filters, &b.origin));
            for (filters, at) in std::iter::once((&rule.filters, &rule.origin)).chain(backend_filters) {
                for (to, name, pointer) in model::cross_namespace_mirrors(filters, at, &r.namespace) {
                    if lookup.namespace_labels(to).is_some()
                        && !lookup.granted(to, "HTTPRoute", &r.namespace, "Service", name)
                    {
                        diags.push(
                            cx.err(
                                Code::MissingReferenceGrant,
                                &pointer,
                                format!(
                                    "mirror backend `{to}/{name}` has no ReferenceGrant from HTTPRoutes in `{}`",
                                    r.namespace
                                ),
                            )
                            .help("the route would be refused the mirror backend (RefNotPermitted): add the ReferenceGrant"),
                        );
                    }
                }
            }
            // Other kinds (HTTPRoute delegation, ...) are granted as their implementation says.
            for b in rule
                .backend_refs
                .iter()
                .filter(|b| model::is_service(&b.group, &b.kind))
            {
                let Some(to) = b.namespace.as_deref() else { continue };
                if lookup.namespace_labels(to).is_some()
                    && !lookup.granted(to, "HTTPRoute", &r.namespace, "Service", &b.name)
                {
                    diags.push(
                        cx.err(
                            Code::MissingReferenceGrant,
                            &b.origin,
                            format!(
                                "backend `{to}/{}` has no ReferenceGrant from HTTPRoutes in `{}`",
                                b.name, r.namespace
                            ),
                        )
                        .help("the route would be refused the backend (RefNotPermitted): add the ReferenceGrant"),
                    );
                }
            }
        }
    }
    for g in &model.gateways {
        for l in &g.listeners {
            for (i, c) in l.tls.iter().flat_map(|t| t.certificate_refs.iter()).enumerate() {
                let Some(to) = c.namespace.as_deref().filter(|_| c.is_secret()) else {
                    continue;
                };
                if lookup.namespace_labels(to).is_some()
                    && !lookup.granted(to, "Gateway", &g.namespace, "Secret", &c.name)
                {
                    diags.push(
                        cx.err(
                            Code::MissingReferenceGrant,
                            &format!("{}/tls/certificates/{i}", l.origin),
                            format!(
                                "certificate `{to}/{}` has no ReferenceGrant from Gateways in `{}`",
                                c.name, g.namespace
                            ),
                        )
                        .help("the listener would stay unprogrammed (RefNotPermitted): add the ReferenceGrant"),
                    );
                }
            }
        }
    }
}

/// The gateway parent `p` (entry `pi` of route `(namespace, name, origin)`)
/// names; GW412 when only its namespace is wrong, a GW414 warning for a
/// gateway the spec does not define. `None` for both, and for a parent that is no gateway.
fn gateway_of<'m>(
    p: &model::ParentRef,
    pi: usize,
    (route_ns, name, origin): (&str, &str, &str),
    lookup: &Lookup<'m>,
    cx: &Context<'_>,
    diags: &mut Diagnostics,
) -> Option<&'m model::Gateway> {
    // Long-form parentRefs are located at their entry; derived ones fall back to the route.
    let at = format!("{origin}/parentRefs/{pi}");
    let ns = p.namespace.as_deref().unwrap_or(route_ns);
    if let Some(gw) = lookup.gateway(ns, &p.name) {
        return Some(gw);
    }
    if p.kind.as_deref().is_some_and(|k| k != "Gateway") {
        return None; // a mesh route's Service parent, or a ListenerSet: not a gateway
    }
    let d = match lookup.gateway_named(&p.name) {
        Some(g) => cx
            .err(
                Code::ParentRefNamespace,
                &at,
                format!(
                    "route `{route_ns}/{name}` refers to gateway `{ns}/{}`, which does not exist",
                    p.name
                ),
            )
            .help(format!(
                "gateway `{}` is in namespace `{}`: the parentRef must name it",
                g.name, g.namespace
            )),
        // A gateway someone else owns: allowed, but nothing here can check the attachment.
        None => cx
            .warn(
                Code::ForeignGateway,
                &at,
                format!(
                    "route `{route_ns}/{name}` attaches to gateway `{ns}/{}`, which this spec does not define",
                    p.name
                ),
            )
            .help("attachment, hostnames and conflicts are only checked for the spec's own gateways"),
    };
    diags.push(d);
    None
}
