//! Services of type `LoadBalancer`: each becomes a route through the
//! gateway (`<service>.<domain>` to the Service's port) and a Service patch
//! (`services:`), with the manifest listed under the app's `manifests:`.

use std::collections::BTreeMap;

use serde_json::Value;

use super::{Cx, Object, PLACEHOLDER_DOMAIN};
use crate::diagnostic::{Code, Diagnostic};
use crate::spec;

/// The proposed gateway's name, and its profile unless `--profile` says otherwise.
pub const GATEWAY: &str = "gateway";
/// Profile of a proposed gateway by default: the scenario gatewright was born from.
pub const DEFAULT_PROFILE: &str = "aks-istio-external";

/// A `LoadBalancer` Service into a route and a Service patch of its namespace's app.
pub(super) fn service(o: &Object, cx: &mut Cx<'_>) {
    if o.str("/spec/type") != Some("LoadBalancer") {
        return;
    }
    let name = o.name().to_string();
    let ns = cx.namespace(o);
    let ports: Vec<u64> = o
        .value
        .pointer("/spec/ports")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(|p| p.get("port").and_then(Value::as_u64))
        .collect();
    let Some(port) = ports.iter().copied().find(|p| *p == 80).or(ports.first().copied()) else {
        return cx.skip(
            o,
            "/spec",
            format!("Service `{name}` has no port to route to"),
            "give the Service a port",
        );
    };
    if ports.len() > 1 {
        cx.skip(
            o,
            "/spec/ports",
            format!("Service `{name}` has several ports; the route goes to port {port} only"),
            "add routes for the other ports by hand (`to: SERVICE:PORT`)",
        );
    }
    let host = host_for(&name, &ns, cx);
    let path = o.path.clone();
    let at = format!(
        "/apps/{}/routes/{}",
        crate::load::escape_token(&ns),
        crate::load::escape_token(&name)
    );
    cx.origins.entry(at).or_insert_with(|| o.loc("/metadata/name"));
    let app = cx.app(&ns);
    if !app.services.contains(&name) {
        app.services.push(name.clone());
    }
    if !app.manifests.contains(&path) {
        app.manifests.push(path);
    }
    app.routes.entry(name.clone()).or_insert(spec::Route {
        host: Some(host),
        to: Some(format!("{name}:{port}")),
        ..spec::Route::default()
    });
}

/// `--host SERVICE=HOST`, else `<service>.<domain>`, or `<service>-<namespace>.<domain>`
/// when a Service of the same name in another namespace took that one (two
/// routes claiming one hostname would not render, GW430).
fn host_for(service: &str, ns: &str, cx: &mut Cx<'_>) -> String {
    if let Some(h) = cx.opts.hosts.get(service) {
        return h.clone();
    }
    let domain = cx.opts.domain.as_deref().unwrap_or(PLACEHOLDER_DOMAIN);
    let host = format!("{service}.{domain}");
    let taken = cx
        .site
        .apps
        .iter()
        .filter(|(app, _)| app.as_str() != ns)
        .flat_map(|(_, a)| a.routes.values())
        .any(|r| r.host.as_deref() == Some(host.as_str()));
    if taken {
        format!("{service}-{ns}.{domain}")
    } else {
        host
    }
}

/// A gateway for the routes when the manifests brought none: the
/// `--profile` (`aks-istio-external` by default), one HTTP listener on port
/// 80 (for `*.<domain>` when every hostname is under it), and the HTTPS
/// listeners an Ingress's TLS section asked for.
pub(super) fn propose_gateway(cx: &mut Cx<'_>, https: BTreeMap<String, spec::Listener>) {
    // Routes from Services and Ingresses have no parents yet; Gateway API routes spell theirs out.
    let has_routes = cx.site.apps.values().any(|a| {
        a.routes
            .values()
            .any(|r| r.parent_refs.is_none() && r.gateway.is_none())
            || a.grpc_routes
                .values()
                .any(|r| r.parent_refs.is_none() && r.gateway.is_none())
    });
    if !cx.site.gateways.is_empty() || !has_routes {
        if !https.is_empty() && !cx.site.gateways.is_empty() {
            cx.diags.push(
                Diagnostic::warning(
                    Code::ImportToReview,
                    "the Ingresses' TLS hosts need HTTPS listeners, which were not added",
                )
                .help(
                    "the manifests bring their own Gateway: add HTTPS listeners with the Ingresses' certificates to it",
                ),
            );
        }
        return;
    }
    let domain = cx.opts.domain.clone().unwrap_or_else(|| PLACEHOLDER_DOMAIN.to_string());
    let suffix = format!(".{domain}");
    let hosts: Vec<&String> = cx
        .site
        .apps
        .values()
        .flat_map(|a| a.routes.values())
        .flat_map(|r| r.host.iter().chain(r.hostnames.iter().flatten()))
        .collect();
    let all_under = !hosts.is_empty()
        && hosts
            .iter()
            .all(|h| h.ends_with(&suffix) && !h[..h.len() - suffix.len()].contains('.'));
    if cx.opts.domain.is_none() && all_under {
        cx.diags.push(
            Diagnostic::warning(
                Code::ImportToReview,
                format!("proposed hostnames use the placeholder domain `{PLACEHOLDER_DOMAIN}`"),
            )
            .help("pass `--domain DOMAIN` (and `--host SERVICE=HOST` for single hostnames), or edit the spec"),
        );
    }
    let mut listeners = https;
    listeners.insert(
        "default".to_string(),
        spec::Listener {
            hostname: all_under.then(|| format!("*.{domain}")),
            protocol: spec::Protocol::HTTP,
            port: 80,
            allowed_routes: None,
            tls: None,
        },
    );
    let profile = cx.opts.profile.clone().unwrap_or_else(|| DEFAULT_PROFILE.to_string());
    cx.diags.push(
        Diagnostic::warning(
            Code::ImportToReview,
            format!("the manifests have no Gateway; proposing `{GATEWAY}` with profile `{profile}`"),
        )
        .help("pass `--profile NAME` for another platform (`aks-istio-internal`, `istio`, ...), or edit the spec"),
    );
    cx.site.gateways.insert(
        GATEWAY.to_string(),
        spec::Gateway {
            profile: Some(profile),
            listeners,
            ..spec::Gateway::default()
        },
    );
}
