//! Gateways: listeners (TLS, route admission), ReferenceGrants for
//! certificates in other namespaces, and the namespace labels a `Selector`
//! listener admits.

use std::collections::BTreeMap;

use super::{Context, GATEWRIGHT_LABEL_PREFIX, object_ref};
use crate::diagnostic::{Code, Diagnostics};
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
        let (listener, fine) = resolve_listener(
            lname,
            l,
            gw.allowed_routes.as_ref(),
            name,
            &namespace,
            origin,
            cx,
            diags,
        );
        ok &= fine;
        listeners.push(listener);
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
        allowed_listeners: None, // set by `listenersets::allowed_listeners`
        tls: super::tls::gateway_tls(gw.tls.as_ref()),
        origin: base,
    })
}

/// Resolve one listener of a Gateway or ListenerSet in `namespace` (its TLS
/// settings checked; `default_routes` applies when it sets no
/// `allowedRoutes`, a bare `Selector` matches [`selector_label`] of
/// `gateway_key`); the flag is false when it lacks what the API needs.
#[allow(clippy::too_many_arguments)]
pub(super) fn resolve_listener(
    lname: &str,
    l: &spec::Listener,
    default_routes: Option<&spec::AllowedRoutes>,
    gateway_key: &str,
    namespace: &str,
    origin: String,
    cx: &Context<'_>,
    diags: &mut Diagnostics,
) -> (model::Listener, bool) {
    let allowed_routes = l
        .allowed_routes
        .as_ref()
        .or(default_routes)
        .map(|a| model::AllowedRoutes {
            from: format!("{:?}", a.from),
            selector: match (a.from, &a.selector) {
                (FromNamespaces::Selector, None) => {
                    Some(BTreeMap::from([(selector_label(gateway_key), "true".into())]))
                }
                (_, selector) => selector.clone(),
            },
            kinds: a.kinds.clone(),
        });
    let ok = tls_complete(lname, l, &origin, cx, diags);
    let listener = model::Listener {
        name: lname.to_string(),
        hostname: l.hostname.clone(),
        protocol: l.protocol.to_string(),
        port: l.port,
        allowed_routes,
        tls: l.tls.as_ref().map(|t| model::ListenerTls {
            mode: format!("{:?}", t.mode.unwrap_or(TlsMode::Terminate)),
            options: t.options.clone(),
            certificate_refs: t.certificates.iter().map(|c| certificate_ref(c, namespace)).collect(),
        }),
        origin,
    };
    (listener, ok)
}

/// Whether a listener's TLS settings suit its protocol (findings otherwise).
fn tls_complete(lname: &str, l: &spec::Listener, origin: &str, cx: &Context<'_>, diags: &mut Diagnostics) -> bool {
    let mut ok = true;
    match (&l.protocol, &l.tls) {
        (Protocol::HTTPS, None) if !cx.allow.allows(Code::ListenerTls, origin) => {
            diags.push(
                cx.err(
                    Code::ListenerTls,
                    origin,
                    format!("HTTPS listener `{lname}` has no certificate"),
                )
                .help(
                    "add `tls: { certificates: [SECRET] }` (or `NAMESPACE/SECRET`): the gateway terminates TLS with it",
                ),
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
                    origin,
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
    ok
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

/// Stamp the label of each `Selector` listener that gatewright chose
/// ([`selector_label`]) on the app namespaces whose routes (of any kind) attach to it.
pub(super) fn stamp_selector_labels(model: &mut Model) {
    let mut stamps: Vec<(String, String)> = Vec::new();
    let http = model.routes.iter().map(|r| (&r.namespace, &r.parent_refs));
    let grpc = model.grpc_routes.iter().map(|r| (&r.namespace, &r.parent_refs));
    let l4 = model.l4_routes.iter().map(|r| (&r.namespace, &r.parent_refs));
    for (route_ns, parents) in http.chain(grpc).chain(l4) {
        for p in parents {
            let ns = p.namespace.as_deref().unwrap_or(route_ns);
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
                stamps.push((route_ns.clone(), label));
            }
        }
    }
    for (ns, label) in stamps {
        if let Some(n) = model.namespaces.iter_mut().find(|n| n.name == ns) {
            n.labels.insert(label, "true".to_string());
        }
    }
}
