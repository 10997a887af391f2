//! The spec's `allow:` lists, checked: each code must name a refusal that
//! the place it is written may let through ([`model::FOR_GATEWAYS`],
//! [`model::FOR_ROUTES`], and on an app [`model::FOR_LISTENER_SETS`] too).

use super::Context;
use crate::diagnostic::Code;
use crate::diagnostic::{Diagnostics, did_you_mean};
use crate::load::escape_token as esc;
use crate::model::{self, Allow};
use crate::spec::Site;

/// Codes that may be allowed somewhere, with what each lets through.
type Codes = &'static [&'static [(Code, &'static str)]];

/// What a gateway may allow.
const GATEWAY: Codes = &[model::FOR_GATEWAYS];
/// What an app may allow: its routes' refusals and its ListenerSet's.
const APP: Codes = &[model::FOR_ROUTES, model::FOR_LISTENER_SETS];
/// What a route or a `backendTls` entry may allow.
const ROUTE: Codes = &[model::FOR_ROUTES];

/// Code of an `allow:` entry that names no refusal the place may let through.
pub const NOT_ALLOWABLE: Code = Code::AllowNotAllowable;

/// The `allow:` lists of a spec: owner's pointer, list, the codes it may name, and what the owner is.
type Lists<'a> = Vec<(String, &'a Vec<String>, Codes, &'static str)>;

/// Add `list` unless it is empty: only the owners of lists that name a code get their pointer formatted.
fn push_list<'a>(
    lists: &mut Lists<'a>,
    owner: &dyn Fn() -> String,
    list: &'a Vec<String>,
    codes: Codes,
    place: &'static str,
) {
    if !list.is_empty() {
        lists.push((owner(), list, codes, place));
    }
}

/// The refusals the spec allows; GW343 for each entry that cannot be allowed where it is written.
pub(super) fn read(site: &Site, cx: &Context<'_>, diags: &mut Diagnostics) -> Allow {
    let mut allow = Allow::default();
    let mut lists: Lists<'_> = Vec::new();
    let mut add = |owner: &dyn Fn() -> String, list, codes, place| push_list(&mut lists, owner, list, codes, place);
    for (key, gw) in &site.gateways {
        add(&|| format!("/gateways/{}", esc(key)), &gw.allow, GATEWAY, "a gateway");
    }
    for (key, app) in &site.apps {
        let base = || format!("/apps/{}", esc(key));
        add(&base, &app.allow, APP, "an app");
        for (name, r) in &app.routes {
            add(
                &|| format!("{}/routes/{}", base(), esc(name)),
                &r.allow,
                ROUTE,
                "a route",
            );
        }
        for (name, r) in &app.grpc_routes {
            add(
                &|| format!("{}/grpcRoutes/{}", base(), esc(name)),
                &r.allow,
                ROUTE,
                "a route",
            );
        }
        for (name, p) in &app.backend_tls {
            let owner = || format!("{}/backendTls/{}", base(), esc(name));
            add(&owner, &p.allow, ROUTE, "a `backendTls` entry");
        }
        let tls = app.tls_routes.iter().map(|(n, r)| ("tlsRoutes", n, &r.allow));
        let tcp = app.tcp_routes.iter().map(|(n, r)| ("tcpRoutes", n, &r.allow));
        let udp = app.udp_routes.iter().map(|(n, r)| ("udpRoutes", n, &r.allow));
        for (field, name, list) in tls.chain(tcp).chain(udp) {
            add(&|| format!("{}/{field}/{}", base(), esc(name)), list, ROUTE, "a route");
        }
    }
    for (owner, list, allowable, place) in lists {
        let allowable: Vec<&(Code, &str)> = allowable.iter().flat_map(|l| l.iter()).collect();
        for (i, code) in list.iter().enumerate() {
            if allowable.iter().any(|(c, _)| c.as_str() == code) {
                allow.insert(owner.clone(), code.clone());
                continue;
            }
            let codes: Vec<&str> = allowable.iter().map(|(c, _)| c.as_str()).collect();
            let elsewhere = [model::FOR_GATEWAYS, model::FOR_ROUTES, model::FOR_LISTENER_SETS]
                .iter()
                .flat_map(|l| l.iter())
                .any(|(c, _)| c.as_str() == code);
            let message = if elsewhere {
                format!("`{code}` cannot be allowed on {place}")
            } else {
                format!("`{code}` is not a refusal that can be allowed")
            };
            let listed: Vec<String> = allowable.iter().map(|(c, what)| format!("{c} ({what})")).collect();
            let help = match did_you_mean(code, codes.iter().copied()).filter(|_| !elsewhere) {
                Some(s) => format!("did you mean `{s}`? {place} may allow: {}", listed.join("; ")),
                None => format!("{place} may allow: {}", listed.join("; ")),
            };
            diags.push(cx.err(NOT_ALLOWABLE, &format!("{owner}/allow/{i}"), message).help(help));
        }
    }
    allow
}
