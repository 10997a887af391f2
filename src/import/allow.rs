//! The imported spec, checked in memory: a gateway, route or ListenerSet
//! (its app) whose manifest meets a rule that refuses valid input on purpose
//! gets `allow: [GWnnn]`
//! (with a warning at the manifest), so that it renders as the manifest
//! says; and each ReferenceGrant is compared with the grants gatewright
//! writes for the spec.

use super::{Cx, Object};
use crate::diagnostic::Code;
use crate::diagnostic::Diagnostic;
use crate::model::{FOR_GATEWAYS, FOR_LISTENER_SETS, FOR_ROUTES};
use crate::spec::Site;

/// Code of an `allow:` entry import wrote.
pub const ALLOWED: Code = Code::ImportAllowWritten;

/// Rounds of checking: an allowed refusal can uncover one more (a route
/// without backend, once kept, is checked for its hostnames).
const ROUNDS: usize = 3;

/// Write the `allow:` entries the spec needs, then judge the ReferenceGrants.
pub(super) fn settle(objects: &[Object], cx: &mut Cx<'_>) {
    let mut model = None;
    for _ in 0..ROUNDS {
        let (m, found) = crate::driver::check_site(&cx.site);
        model = Some(m);
        let mut added = false;
        for d in found.iter().filter(|d| d.is_error()) {
            let Some(path) = d.spec_path.as_deref() else { continue };
            let Some(owner) = owner(d.code, path) else { continue };
            if add(&mut cx.site, &owner, d.code) {
                added = true;
                let listeners = format!("{owner}/listeners");
                let loc = [&owner, &listeners]
                    .into_iter()
                    .find_map(|k| cx.origins.get(k).cloned().flatten());
                cx.diags.push(
                    Diagnostic::warning(
                        ALLOWED,
                        format!("the manifest needs `allow: [{}]`, which the spec now says: {}", d.code, d.message),
                    )
                    .at(loc)
                    .help("gatewright refuses this on purpose; the manifest asks for it, so the spec lets it through (gatewright's docs/spec.md, \"Allowing a refusal\"): remove `allow` if it was a mistake"),
                );
            }
        }
        if !added {
            break;
        }
    }
    let model = model.unwrap_or_default();
    for o in objects.iter().filter(|o| o.kind() == "ReferenceGrant") {
        super::gateway_api::reference_grant(o, cx, &model);
    }
}

/// Whether import writes `allow:` for the finding `d` (rather than drop what raised it).
pub(super) fn allowable(d: &Diagnostic) -> bool {
    d.spec_path.as_deref().and_then(|p| owner(d.code, p)).is_some()
}

/// The spec path of the gateway, route or app (for its ListenerSet) that
/// may allow `code` found at `path`.
fn owner(code: Code, path: &str) -> Option<String> {
    let parts: Vec<&str> = path.split('/').collect();
    let allowable = |list: &[(Code, &str)]| list.iter().any(|(c, _)| *c == code);
    match parts.as_slice() {
        ["", "gateways", key, ..] if allowable(FOR_GATEWAYS) => Some(format!("/gateways/{key}")),
        [
            "",
            "apps",
            app,
            kind @ ("routes" | "grpcRoutes" | "backendTls" | "tlsRoutes" | "tcpRoutes" | "udpRoutes"),
            name,
            ..,
        ] if allowable(FOR_ROUTES) => Some(format!("/apps/{app}/{kind}/{name}")),
        ["", "apps", app, "listeners" | "listenerSets", ..] if allowable(FOR_LISTENER_SETS) => {
            Some(format!("/apps/{app}"))
        }
        _ => None,
    }
}

/// Add `code` to the `allow` of the gateway or route at `owner`; whether it was new.
fn add(site: &mut Site, owner: &str, code: Code) -> bool {
    let token = |s: &str| s.replace("~1", "/").replace("~0", "~");
    let parts: Vec<String> = owner.split('/').map(token).collect();
    let list = match parts.iter().map(String::as_str).collect::<Vec<_>>().as_slice() {
        ["", "gateways", key] => site.gateways.get_mut(*key).map(|g| &mut g.allow),
        ["", "apps", app] => site.apps.get_mut(*app).map(|a| &mut a.allow),
        ["", "apps", app, "routes", name] => site
            .apps
            .get_mut(*app)
            .and_then(|a| a.routes.get_mut(*name))
            .map(|r| &mut r.allow),
        ["", "apps", app, "grpcRoutes", name] => site
            .apps
            .get_mut(*app)
            .and_then(|a| a.grpc_routes.get_mut(*name))
            .map(|r| &mut r.allow),
        ["", "apps", app, "backendTls", name] => site
            .apps
            .get_mut(*app)
            .and_then(|a| a.backend_tls.get_mut(*name))
            .map(|p| &mut p.allow),
        ["", "apps", app, "tlsRoutes", name] => site
            .apps
            .get_mut(*app)
            .and_then(|a| a.tls_routes.get_mut(*name))
            .map(|r| &mut r.allow),
        ["", "apps", app, field @ ("tcpRoutes" | "udpRoutes"), name] => site
            .apps
            .get_mut(*app)
            .and_then(|a| {
                if *field == "tcpRoutes" {
                    a.tcp_routes.get_mut(*name)
                } else {
                    a.udp_routes.get_mut(*name)
                }
            })
            .map(|r| &mut r.allow),
        _ => None,
    };
    match list {
        Some(list) if !list.iter().any(|c| c == code.as_str()) => {
            list.push(code.as_str().to_string());
            list.sort();
            true
        }
        _ => false,
    }
}
