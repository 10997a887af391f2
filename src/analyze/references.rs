//! References between objects: every parentRef of every route kind names a
//! gateway or ListenerSet of the model, with its namespace when the route
//! lives elsewhere, and a listener (`sectionName`) that gateway has
//! (`parents`); every backend or certificate in another
//! namespace the spec owns is covered by a generated ReferenceGrant (those
//! in namespaces it does not own are GW316/GW317 warnings from resolve).
//! The resolver builds the model this way; these checks keep the blueprint
//! context honest for every model, whoever built it.

use super::{Context, Lookup};
use crate::diagnostic::{Code, Diagnostics};
use crate::model::{self, Model};

/// Check parentRefs and cross-namespace references.
pub fn check(model: &Model, lookup: &Lookup<'_>, cx: &Context<'_>, diags: &mut Diagnostics) {
    for r in &model.routes {
        let route = ("HTTPRoute", r.namespace.as_str(), r.name.as_str(), r.origin.as_str());
        super::parents::check(route, &r.parent_refs, true, &model.allow, lookup, cx, diags);
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
    for r in &model.grpc_routes {
        let route = ("GRPCRoute", r.namespace.as_str(), r.name.as_str(), r.origin.as_str());
        super::parents::check(route, &r.parent_refs, true, &model.allow, lookup, cx, diags);
    }
    for r in &model.l4_routes {
        let route = (r.kind.kind(), r.namespace.as_str(), r.name.as_str(), r.origin.as_str());
        super::parents::check(route, &r.parent_refs, false, &model.allow, lookup, cx, diags);
    }
    for g in &model.gateways {
        for l in &g.listeners {
            for (i, c) in l.tls.iter().flat_map(|t| t.certificate_refs.iter()).enumerate() {
                let Some(to) = c.namespace.as_deref() else {
                    continue;
                };
                if lookup.namespace_labels(to).is_some()
                    && !lookup.granted_kind(to, ("Gateway", &g.namespace), (&c.group, &c.kind), &c.name)
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
