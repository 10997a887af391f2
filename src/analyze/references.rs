//! References between objects: every parentRef names a gateway of the
//! model, with its namespace when the route lives elsewhere, and a listener
//! (`sectionName`) that gateway has; every backend or certificate in another
//! namespace the spec owns is covered by a generated ReferenceGrant (those
//! in namespaces it does not own are GW316/GW317 warnings from resolve).
//! The resolver builds the model this way; these checks keep the blueprint
//! context honest for every model, whoever built it.

use super::{Context, Lookup};
use crate::diagnostic::Diagnostics;
use crate::model::Model;

/// Check parentRefs and cross-namespace references.
pub fn check(model: &Model, lookup: &Lookup<'_>, cx: &Context<'_>, diags: &mut Diagnostics) {
    for r in &model.routes {
        for (pi, p) in r.parent_refs.iter().enumerate() {
            // Long-form parentRefs are located at their entry; derived ones fall back to the route.
            let at = format!("{}/parentRefs/{pi}", r.origin);
            let ns = p.namespace.as_deref().unwrap_or(&r.namespace);
            let Some(gw) = lookup.gateway(ns, &p.name) else {
                if p.kind.as_deref().is_some_and(|k| k != "Gateway") {
                    continue; // a mesh route's Service parent, not a gateway
                }
                match lookup.gateway_named(&p.name) {
                    Some(g) => diags.push(
                        cx.err(
                            "GW412",
                            &at,
                            format!(
                                "route `{}/{}` refers to gateway `{ns}/{}`, which does not exist",
                                r.namespace, r.name, p.name
                            ),
                        )
                        .help(format!(
                            "gateway `{}` is in namespace `{}`: the parentRef must name it",
                            g.name, g.namespace
                        )),
                    ),
                    // A gateway someone else owns: allowed, but nothing here can check the attachment.
                    None => diags.push(
                        cx.warn(
                            "GW414",
                            &at,
                            format!(
                                "route `{}/{}` attaches to gateway `{ns}/{}`, which this spec does not define",
                                r.namespace, r.name, p.name
                            ),
                        )
                        .help("attachment, hostnames and conflicts are only checked for the spec's own gateways"),
                    ),
                }
                continue;
            };
            if let Some(section) = &p.section_name {
                if !gw.listeners.iter().any(|l| &l.name == section) {
                    diags.push(
                        cx.err(
                            "GW315",
                            &format!("{}/listener", r.origin),
                            format!("gateway `{}` has no listener `{section}`", gw.name),
                        )
                        .help("name one of the gateway's listeners"),
                    );
                }
            }
        }
        for rule in &r.rules {
            let mirrors = rule.filters.iter().enumerate().map(|(i, f)| (&rule.origin, i, f));
            let backend_mirrors = rule
                .backend_refs
                .iter()
                .flat_map(|b| b.filters.iter().enumerate().map(move |(i, f)| (&b.origin, i, f)));
            for (at, i, f) in mirrors.chain(backend_mirrors) {
                let Some(m) = &f.request_mirror else { continue };
                let b = &m.backend_ref;
                let Some(to) = b.namespace.as_deref().filter(|ns| *ns != r.namespace) else {
                    continue;
                };
                let is_service =
                    b.group.as_deref().unwrap_or("").is_empty() && b.kind.as_deref().unwrap_or("Service") == "Service";
                if is_service
                    && lookup.namespace_labels(to).is_some()
                    && !lookup.granted(to, "HTTPRoute", &r.namespace, "Service", &b.name)
                {
                    diags.push(
                        cx.err(
                            "GW413",
                            &format!("{at}/filters/{i}/requestMirror/backendRef"),
                            format!(
                                "mirror backend `{to}/{}` has no ReferenceGrant from HTTPRoutes in `{}`",
                                b.name, r.namespace
                            ),
                        )
                        .help(
                            "the route would be refused the mirror backend (RefNotPermitted): add the ReferenceGrant",
                        ),
                    );
                }
            }
            for b in &rule.backend_refs {
                let Some(to) = b.namespace.as_deref() else { continue };
                if lookup.namespace_labels(to).is_some()
                    && !lookup.granted(to, "HTTPRoute", &r.namespace, "Service", &b.name)
                {
                    diags.push(
                        cx.err(
                            "GW413",
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
                let Some(to) = c.namespace.as_deref() else { continue };
                if lookup.namespace_labels(to).is_some()
                    && !lookup.granted(to, "Gateway", &g.namespace, "Secret", &c.name)
                {
                    diags.push(
                        cx.err(
                            "GW413",
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
