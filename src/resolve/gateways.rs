//! Gateways: listeners (TLS, route admission), ReferenceGrants for
//! certificates in other namespaces, and the namespace labels a `Selector`
//! listener admits.

use std::collections::BTreeMap;

use super::{Context, GATEWRIGHT_LABEL_PREFIX, object_ref};
use crate::diagnostic::{Code, Diagnostic, Diagnostics};
use crate::load::escape_token as esc;
use crate::model::{self, Model};
use crate::spec::{self, FromNamespaces, Protocol, TlsMode};

/// The namespace label a `Selector` listener of gateway `name` matches when
/// the spec gives no selector; gatewright stamps it on every app namespace
/// whose routes attach to that gateway.
pub fn selector_label(gateway: &str) -> String {
    format!("{GATEWRIGHT_LABEL_PREFIX}gateway-{gateway}")
}

/// Resolve one gateway; `None` (with findings) when it lacks what a Gateway needs.
pub(super) fn resolve_gateway(
    name: &str,
    gw: &spec::Gateway,
    cx: &Context<'_>,
    diags: &mut Diagnostics,
) -> Option<model::Gateway> {
    let base = format!("/gateways/{}", esc(name));
    let mut ok = true;
    for (field, value) in [("namespace", &gw.namespace), ("className", &gw.class_name)] {
        if value.is_none() {
            diags.push(
                cx.err(
                    Code::GatewayIncomplete,
                    &base,
                    format!("gateway `{name}` has no `{field}`"),
                )
                .help(format!(
                    "set `{field}`, or a `profile` that supplies it (gatewright's docs/spec.md, \"Profiles\")"
                )),
            );
            ok = false;
        }
    }
    if gw.listeners.is_empty() {
        diags.push(
            cx.err(
                Code::GatewayWithoutListeners,
                &base,
                format!("gateway `{name}` has no listeners"),
            )
            .help("add e.g. `listeners: { http: { hostname: \"*.example.com\", protocol: HTTP, port: 80 } }`"),
        );
        ok = false;
    }
    let label = selector_label(name);
    let auto_selector = gw
        .listeners
        .values()
        .filter_map(|l| l.allowed_routes.as_ref().or(gw.allowed_routes.as_ref()))
        .any(|a| a.from == FromNamespaces::Selector && a.selector.is_none());
    if auto_selector && label.len() - GATEWRIGHT_LABEL_PREFIX.len() > 63 {
        diags.push(
            cx.err(Code::GatewayNameTooLong, &base, format!("gateway name `{name}` is too long for the label `{label}`"))
                .help("a label name has at most 63 characters: shorten the gateway's name, or give `allowedRoutes.selector: {LABEL: VALUE}`"),
        );
        ok = false;
    }
    let namespace = gw.namespace.clone().unwrap_or_default();
    let mut listeners = Vec::new();
    for (lname, l) in &gw.listeners {
        let origin = format!("{base}/listeners/{}", esc(lname));
        let allowed_routes = l
            .allowed_routes
            .as_ref()
            .or(gw.allowed_routes.as_ref())
            .map(|a| model::AllowedRoutes {
                from: format!("{:?}", a.from),
                selector: match (a.from, &a.selector) {
                    (FromNamespaces::Selector, None) => Some(BTreeMap::from([(selector_label(name), "true".into())])),
                    (_, selector) => selector.clone(),
                },
                kinds: a.kinds.clone(),
            });
        match (&l.protocol, &l.tls) {
            (Protocol::HTTPS, None) if !cx.allow.allows(Code::ListenerTls, &origin) => {
                diags.push(
                    cx.err(Code::ListenerTls, &origin, format!("HTTPS listener `{lname}` has no certificate"))
                        .help("add `tls: { certificates: [SECRET] }` (or `NAMESPACE/SECRET`): the gateway terminates TLS with it"),
                );
                ok = false;
            }
            (Protocol::HTTPS | Protocol::TLS, Some(t))
                if t.certificates.is_empty() && t.mode != Some(TlsMode::Passthrough) && t.options.is_empty() =>
            {
                diags.push(
                    cx.err(
                        Code::ListenerTls,
                        &format!("{origin}/tls/certificates"),
                        format!("HTTPS listener `{lname}` has no certificate"),
                    )
                    .help("list at least one Secret: `certificates: [SECRET]` (or `NAMESPACE/SECRET`)"),
                );
                ok = false;
            }
            (Protocol::TLS, None) => {
                diags.push(
                    cx.err(
                        Code::ListenerTls,
                        &origin,
                        format!("TLS listener `{lname}` has no `tls`"),
                    )
                    .help("add `tls: { mode: Passthrough }`, or `tls: { certificates: [SECRET] }` to terminate"),
                );
                ok = false;
            }
            (Protocol::HTTP | Protocol::TCP | Protocol::UDP, Some(_)) => {
                diags.push(
                    cx.err(
                        Code::ListenerTls,
                        &format!("{origin}/tls"),
                        format!("{} listener `{lname}` cannot have `tls`", l.protocol),
                    )
                    .help("use `protocol: HTTPS` (usually with `port: 443`) to terminate TLS, or remove `tls`"),
                );
                ok = false;
            }
            _ => {}
        }
        listeners.push(model::Listener {
            name: lname.clone(),
            hostname: l.hostname.clone(),
            protocol: l.protocol.to_string(),
            port: l.port,
            allowed_routes,
            tls: l.tls.as_ref().map(|t| model::ListenerTls {
                mode: format!("{:?}", t.mode.unwrap_or(TlsMode::Terminate)),
                options: t.options.clone(),
                certificate_refs: t.certificates.iter().map(|c| certificate_ref(c, &namespace)).collect(),
            }),
            origin,
        });
    }
    if !ok {
        return None;
    }
    Some(model::Gateway {
        name: gw.name.clone().unwrap_or_else(|| name.to_string()),
        key: name.to_string(),
        labels: gw.labels.clone(),
        annotations: gw.annotations.clone(),
        namespace,
        class_name: gw.class_name.clone().unwrap_or_default(),
        addresses: gw
            .addresses
            .iter()
            .flatten()
            .map(|a| model::Address {
                kind: a.kind.as_str().to_string(),
                value: a.value.clone(),
            })
            .collect(),
        listeners,
        infrastructure: gw.infrastructure.clone(),
        origin: base,
    })
}

/// A certificate reference of the model; a namespace equal to the Gateway's is dropped.
fn certificate_ref(c: &spec::CertificateRef, gateway_namespace: &str) -> model::CertificateRef {
    let (group, kind, name, namespace) = match c {
        spec::CertificateRef::Secret(s) => {
            let r = object_ref(s);
            (String::new(), "Secret".to_string(), r.name, r.namespace)
        }
        spec::CertificateRef::Object(o) => (o.group.clone(), o.kind.clone(), o.name.clone(), o.namespace.clone()),
    };
    model::CertificateRef {
        group,
        kind,
        name,
        namespace: namespace.filter(|n| n != gateway_namespace),
    }
}

/// A ReferenceGrant for each namespace holding certificate Secrets of
/// Gateways in another namespace, when the spec owns it; a warning otherwise.
pub(super) fn certificate_grants(model: &mut Model, cx: &Context<'_>, diags: &mut Diagnostics) {
    let mut grants: BTreeMap<(String, String), (Vec<String>, String)> = BTreeMap::new();
    for gw in &model.gateways {
        for l in &gw.listeners {
            for (i, c) in l.tls.iter().flat_map(|t| t.certificate_refs.iter()).enumerate() {
                let Some(ns) = c.namespace.as_ref().filter(|_| c.is_secret()) else {
                    continue;
                };
                if !model.namespaces.iter().any(|n| &n.name == ns) {
                    let ptr = format!("{}/tls/certificates/{i}", l.origin);
                    diags.push(
                        Diagnostic::warning(
                            Code::CertificateNamespaceNotOwned,
                            format!("certificate `{ns}/{}` is in a namespace this spec does not own", c.name),
                        )
                        .at(cx.loc(&ptr))
                        .path(ptr)
                        .help(format!(
                            "the owner of `{ns}` must create a ReferenceGrant from Gateways in `{}` to Secret `{}`, or the listener stays unprogrammed",
                            gw.namespace, c.name
                        )),
                    );
                    continue;
                }
                let (names, _) = grants
                    .entry((ns.clone(), gw.namespace.clone()))
                    .or_insert_with(|| (Vec::new(), format!("{}/tls/certificates/{i}", l.origin)));
                if !names.contains(&c.name) {
                    names.push(c.name.clone());
                }
            }
        }
    }
    for ((namespace, from_namespace), (names, origin)) in grants {
        model.reference_grants.extend(super::backends::split_grant(
            &format!("gateways-from-{from_namespace}"),
            &namespace,
            ("Gateway", &from_namespace),
            "Secret",
            names,
            &origin,
        ));
    }
}

/// Stamp the label of each `Selector` listener that gatewright chose
/// ([`selector_label`]) on the app namespaces whose routes attach to it.
pub(super) fn stamp_selector_labels(model: &mut Model) {
    let mut stamps: Vec<(String, String)> = Vec::new();
    for r in &model.routes {
        for p in &r.parent_refs {
            let ns = p.namespace.as_deref().unwrap_or(&r.namespace);
            let Some(gw) = model.gateways.iter().find(|g| g.name == p.name && g.namespace == ns) else {
                continue;
            };
            let label = selector_label(&gw.key);
            let uses_label = gw
                .listeners
                .iter()
                .filter(|l| p.section_name.as_ref().is_none_or(|s| s == &l.name))
                .filter_map(|l| l.allowed_routes.as_ref())
                .any(|a| a.from == "Selector" && a.selector.as_ref().is_some_and(|s| s.contains_key(&label)));
            if uses_label {
                stamps.push((r.namespace.clone(), label));
            }
        }
    }
    for (ns, label) in stamps {
        if let Some(n) = model.namespaces.iter_mut().find(|n| n.name == ns) {
            n.labels.insert(label, "true".to_string());
        }
    }
}
