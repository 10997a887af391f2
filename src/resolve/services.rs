//! Backends against the app manifests that deploy them: when the app that
//! owns a backend's namespace has local manifests only (all read), the
//! backend Service must be among their Services (GW341) and its port among
//! that Service's `port`s (GW342). Covers HTTP and gRPC routes, short and
//! long form, `requestMirror` filters and cross-namespace backends.

use std::collections::HashMap;

use super::Context;
use crate::diagnostic::{Code, Diagnostics, did_you_mean};
use crate::load::Service;
use crate::model::{self, Model};
use crate::spec;

/// The filters of a TLS, TCP or UDP rule: none.
const NO_FILTERS: &Vec<spec::Filter> = &Vec::new();

/// Per app namespace whose manifests are all known: the app's name and the manifests' Services.
pub(super) type Known = HashMap<String, (String, Vec<Service>)>;

/// One Service a route sends (or mirrors) requests to.
struct Target<'a> {
    namespace: &'a str,
    name: &'a str,
    port: Option<u32>,
    /// Spec path of the reference (`.../to`, `.../backendRefs/0`, `.../requestMirror/backendRef`).
    origin: String,
}

/// Report every backend whose Service or port the owning app's manifests lack.
pub(super) fn check_backends(model: &Model, known: &Known, cx: &Context<'_>, diags: &mut Diagnostics) {
    if known.is_empty() {
        return;
    }
    let http = model.routes.iter().flat_map(|r| {
        r.rules
            .iter()
            .map(move |rule| (r.namespace.as_str(), &rule.filters, &rule.backend_refs, &rule.origin))
    });
    let grpc = model.grpc_routes.iter().flat_map(|r| {
        r.rules
            .iter()
            .map(move |rule| (r.namespace.as_str(), &rule.filters, &rule.backend_refs, &rule.origin))
    });
    let l4 = model.l4_routes.iter().flat_map(|r| {
        r.rules
            .iter()
            .map(move |rule| (r.namespace.as_str(), NO_FILTERS, &rule.backend_refs, &rule.origin))
    });
    for (ns, filters, backends, origin) in http.chain(grpc).chain(l4) {
        let mut targets = mirrors(ns, filters, origin);
        for b in backends {
            targets.extend(mirrors(ns, &b.filters, &b.origin));
            if model::is_service(&b.group, &b.kind) {
                targets.push(Target {
                    namespace: b.namespace.as_deref().unwrap_or(ns),
                    name: &b.name,
                    port: b.port,
                    origin: b.origin.clone(),
                });
            }
        }
        for t in targets {
            check(&t, known, cx, diags);
        }
    }
}

/// The Services that the `requestMirror` filters among `filters` (at `at`) copy requests to.
fn mirrors<'a>(ns: &'a str, filters: &'a [spec::Filter], at: &str) -> Vec<Target<'a>> {
    filters
        .iter()
        .enumerate()
        .filter_map(|(i, f)| {
            let b = &f.request_mirror.as_ref()?.backend_ref;
            model::is_service(&b.group, &b.kind).then(|| Target {
                namespace: b.namespace.as_deref().unwrap_or(ns),
                name: &b.name,
                port: b.port,
                origin: format!("{at}/filters/{i}/requestMirror/backendRef"),
            })
        })
        .collect()
}

fn check(t: &Target<'_>, known: &Known, cx: &Context<'_>, diags: &mut Diagnostics) {
    let Some((app, services)) = known.get(t.namespace) else {
        return;
    };
    // The short form's `to: SERVICE:PORT` is one value; a long-form reference has fields.
    let short = t.origin.ends_with("/to");
    let field = |f: &str| {
        if short {
            t.origin.clone()
        } else {
            format!("{}/{f}", t.origin)
        }
    };
    let same_name: Vec<&Service> = services.iter().filter(|s| s.name == t.name).collect();
    if same_name.is_empty() {
        let names = services.iter().map(|s| s.name.as_str());
        let help = match did_you_mean(t.name, names.clone()) {
            Some(s) => format!("did you mean `{s}`?"),
            None if services.is_empty() => {
                "the app's manifests define no Service: add the one that serves this route".to_string()
            }
            None => format!("Services in the manifests: {}", names.collect::<Vec<_>>().join(", ")),
        };
        diags.push(
            cx.err(
                Code::UnknownService,
                &field("name"),
                format!("backend Service `{}` is not in the manifests of app `{app}`", t.name),
            )
            .help(help),
        );
        return;
    }
    let ports: Vec<(u32, Option<u32>)> = same_name.iter().flat_map(|s| s.ports.iter().copied()).collect();
    let Some(port) = t.port else { return };
    if ports.is_empty() || ports.iter().any(|(p, _)| *p == port) {
        return; // a Service without ports (e.g. `ExternalName`) is not checked
    }
    let listed = ports.iter().map(|(p, _)| p.to_string()).collect::<Vec<_>>().join(", ");
    let help = match ports.iter().find(|(_, target)| *target == Some(port)) {
        Some((p, _)) => format!(
            "did you mean {p}? {port} is the `targetPort` of the Service's port {p}; a backend names the Service's `port`"
        ),
        None => format!("the Service's ports: {listed} (a backend names the Service's `port`, not its `targetPort`)"),
    };
    diags.push(
        cx.err(
            Code::UnknownServicePort,
            &field("port"),
            format!("Service `{}` of app `{app}` has no port {port}", t.name),
        )
        .help(help),
    );
}
