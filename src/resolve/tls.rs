//! Gateway `tls` and an app's `backendTls` into the model: short references
//! expanded, targets derived from the key, the Services checked against what
//! the app knows, and ReferenceGrants for cross-namespace certificates.

use std::collections::BTreeMap;

use super::Context;
use crate::diagnostic::{Code, Diagnostic, Diagnostics};
use crate::load::{Service, escape_token as esc};
use crate::model::{self, Model};
use crate::spec;

/// Kind of a CA certificate reference by default.
pub const CA_KIND: &str = "ConfigMap";
/// Kind of a client certificate reference by default.
pub const CLIENT_CERT_KIND: &str = "Secret";

/// A reference in long form; `kind` when the spec says none.
pub fn cert_ref(r: &spec::CertRef, kind: &str) -> model::CertRef {
    match r {
        spec::CertRef::Short(s) => {
            let o = super::object_ref(s);
            model::CertRef {
                group: String::new(),
                kind: kind.to_string(),
                name: o.name,
                namespace: o.namespace,
            }
        }
        spec::CertRef::Long(o) => model::CertRef {
            group: o.group.clone().unwrap_or_default(),
            kind: o.kind.clone().unwrap_or_else(|| kind.to_string()),
            name: o.name.clone(),
            namespace: o.namespace.clone(),
        },
    }
}

/// A gateway's `tls` in the model.
pub(super) fn gateway_tls(tls: Option<&spec::GatewayTls>) -> Option<model::GatewayTls> {
    let tls = tls?;
    let config = |c: &spec::FrontendTlsConfig| model::FrontendTlsConfig {
        validation: c.validation.as_ref().map(|v| model::FrontendValidation {
            ca_certificate_refs: v.ca_certificate_refs.iter().map(|r| cert_ref(r, CA_KIND)).collect(),
            mode: v.mode.map(|m| format!("{m:?}")),
        }),
    };
    Some(model::GatewayTls {
        frontend: tls.frontend.as_ref().map(|f| model::FrontendTls {
            default: config(&f.default),
            per_port: f
                .per_port
                .iter()
                .map(|p| model::PerPortTls {
                    port: p.port,
                    tls: config(&p.tls),
                })
                .collect(),
        }),
        backend: tls.backend.as_ref().map(|b| model::BackendClientTls {
            client_certificate_ref: b.client_certificate_ref.as_ref().map(|r| cert_ref(r, CLIENT_CERT_KIND)),
        }),
    })
}

/// The app's BackendTLSPolicies; a warning for each target Service the app
/// does not know: not a backend of its routes, not in `services:`, and not
/// among its manifests' Services (when they are all read).
pub(super) fn policies(
    ns: &str,
    app: &spec::App,
    base: &str,
    manifests: Option<&[Service]>,
    model: &Model,
    cx: &Context<'_>,
    diags: &mut Diagnostics,
) -> Vec<model::BackendTlsPolicy> {
    if app.backend_tls.is_empty() {
        return Vec::new();
    }
    let routed = routed_services(model, ns);
    let mut out = Vec::new();
    for (key, p) in &app.backend_tls {
        let origin = format!("{base}/backendTls/{}", esc(key));
        let target_refs: Vec<model::PolicyTargetRef> = match &p.target_refs {
            Some(list) => list
                .iter()
                .map(|t| model::PolicyTargetRef {
                    group: t.group.clone().unwrap_or_default(),
                    kind: t.kind.clone().unwrap_or_else(|| "Service".into()),
                    name: t.name.clone(),
                    section_name: t.section_name.clone(),
                })
                .collect(),
            None => vec![model::PolicyTargetRef {
                group: String::new(),
                kind: "Service".into(),
                name: p.service.clone().unwrap_or_else(|| key.clone()),
                section_name: p.section_name.clone(),
            }],
        };
        let no_manifests = app.manifests.is_empty();
        for (i, t) in target_refs.iter().enumerate() {
            let is_service = t.group.is_empty() && t.kind == "Service";
            let listed = app.services.contains(&t.name) || routed.contains(t.name.as_str());
            let in_manifests = manifests.is_some_and(|s| s.iter().any(|s| s.name == t.name));
            if is_service && !listed && !in_manifests && (no_manifests || manifests.is_some()) {
                let at = target_pointer(&origin, p, i);
                diags.push(unknown_target(cx, &at, ns, &t.name, no_manifests));
            }
        }
        out.push(model::BackendTlsPolicy {
            name: p.name.clone().unwrap_or_else(|| key.clone()),
            namespace: ns.to_string(),
            target_refs,
            validation: model::BackendValidation {
                ca_certificate_refs: p.ca_certificate_refs.iter().map(|r| cert_ref(r, CA_KIND)).collect(),
                well_known_ca_certificates: p.well_known_ca_certificates.clone(),
                hostname: p.hostname.clone(),
                subject_alt_names: p.subject_alt_names.clone(),
            },
            options: p.options.clone(),
            labels: p.labels.clone(),
            annotations: p.annotations.clone(),
            origin,
            long_targets: p.target_refs.is_some(),
        });
    }
    out
}

/// The Services in `ns` that the model's routes (HTTP, gRPC, TLS, TCP, UDP) send to.
fn routed_services<'m>(model: &'m Model, ns: &str) -> std::collections::BTreeSet<&'m str> {
    let http = model.routes.iter().flat_map(|r| {
        let backends = r.rules.iter().flat_map(|x| &x.backend_refs);
        backends.map(move |b| (r.namespace.as_str(), b))
    });
    let grpc = model.grpc_routes.iter().flat_map(|r| {
        let backends = r.rules.iter().flat_map(|x| &x.backend_refs);
        backends.map(move |b| (r.namespace.as_str(), b))
    });
    let l4 = model.l4_routes.iter().flat_map(|r| {
        let backends = r.rules.iter().flat_map(|x| &x.backend_refs);
        backends.map(move |b| (r.namespace.as_str(), b))
    });
    http.chain(grpc)
        .chain(l4)
        .filter(|(route_ns, b)| {
            model::is_service(&b.group, &b.kind) && b.namespace.as_deref().unwrap_or(route_ns) == ns
        })
        .map(|(_, b)| b.name.as_str())
        .collect()
}

/// Where target `i` of a policy is written.
fn target_pointer(origin: &str, p: &spec::BackendTls, i: usize) -> String {
    match (&p.target_refs, &p.service) {
        (Some(_), _) => format!("{origin}/targetRefs/{i}/name"),
        (None, Some(_)) => format!("{origin}/service"),
        (None, None) => origin.to_string(),
    }
}

fn unknown_target(cx: &Context<'_>, at: &str, ns: &str, name: &str, no_manifests: bool) -> Diagnostic {
    let help = if no_manifests {
        format!("fix the Service name, route to `{name}`, or add the manifest that deploys it under `manifests:`")
    } else {
        format!("the app's manifests define no Service `{name}`: fix the name, or add the manifest that defines it")
    };
    Diagnostic::warning(
        Code::TlsPolicyUnknownService,
        format!("BackendTLSPolicy targets Service `{ns}/{name}`, which the app does not know"),
    )
    .at(cx.loc(at))
    .path(at.to_string())
    .help(help)
}

/// ReferenceGrants for the gateways' cross-namespace CA certificates and
/// client certificates in namespaces the spec owns; a warning for each in
/// a namespace it does not own.
pub(super) fn certificate_grants(model: &mut Model, cx: &Context<'_>, diags: &mut Diagnostics) {
    type Key = (String, String, String, String);
    let mut grants: BTreeMap<Key, (Vec<String>, String)> = BTreeMap::new();
    for gw in &model.gateways {
        for (r, at) in gateway_refs(gw) {
            let Some(ns) = r.namespace.as_ref().filter(|ns| **ns != gw.namespace) else {
                continue;
            };
            // Kinds other than the core ones pass only by `allow: [GW370]`; they need a grant all the same.
            let what = super::certificates::describe_kind(&r.group, &r.kind);
            if !model.namespaces.iter().any(|n| &n.name == ns) {
                diags.push(
                    Diagnostic::warning(
                        Code::TlsRefNamespaceNotOwned,
                        format!("{what} `{ns}/{}` is in a namespace this spec does not own", r.name),
                    )
                    .at(cx.loc(&at))
                    .path(at.clone())
                    .help(format!(
                        "the owner of `{ns}` must create a ReferenceGrant from Gateways in `{}` to {what} `{}`, or the reference is not resolved",
                        gw.namespace, r.name
                    )),
                );
                continue;
            }
            let key = (ns.clone(), gw.namespace.clone(), r.group.clone(), r.kind.clone());
            let (names, _) = grants.entry(key).or_insert_with(|| (Vec::new(), at.clone()));
            if !names.contains(&r.name) {
                names.push(r.name.clone());
            }
        }
    }
    for ((namespace, from_namespace, group, kind), (names, origin)) in grants {
        let name = match (group.as_str(), kind.as_str()) {
            ("", CA_KIND) => format!("gateway-ca-certs-from-{from_namespace}"),
            ("", CLIENT_CERT_KIND) => format!("gateway-client-certs-from-{from_namespace}"),
            other => super::certificates::grant_name("gateway", "", other, &from_namespace),
        };
        model.reference_grants.extend(super::backends::split_grant(
            &name,
            &namespace,
            ("Gateway", &from_namespace),
            (&group, &kind),
            names,
            &origin,
        ));
    }
}

/// Every certificate reference of a gateway's `tls`, with its spec path.
pub fn gateway_refs(gw: &model::Gateway) -> Vec<(&model::CertRef, String)> {
    let mut out = Vec::new();
    let Some(tls) = &gw.tls else { return out };
    let base = format!("{}/tls", gw.origin);
    if let Some(f) = &tls.frontend {
        let configs = std::iter::once((&f.default, format!("{base}/frontend/default"))).chain(
            f.per_port
                .iter()
                .enumerate()
                .map(|(i, p)| (&p.tls, format!("{base}/frontend/perPort/{i}/tls"))),
        );
        for (c, at) in configs {
            for (i, r) in c
                .validation
                .iter()
                .flat_map(|v| v.ca_certificate_refs.iter())
                .enumerate()
            {
                out.push((r, format!("{at}/validation/caCertificateRefs/{i}")));
            }
        }
    }
    if let Some(r) = tls.backend.as_ref().and_then(|b| b.client_certificate_ref.as_ref()) {
        out.push((r, format!("{base}/backend/clientCertificateRef")));
    }
    out
}
