//! Gateways: listeners that the API refuses or marks conflicted (the same
//! port, protocol and hostname twice; protocols that cannot share a port; a
//! hostname on TCP/UDP; TLS settings where they do not belong) and addresses
//! (a `Hostname` that is not one, an `IPAddress` that is not an IP, duplicates).

use std::collections::{BTreeMap, BTreeSet};
use std::net::IpAddr;

use super::Context;
use super::syntax::is_hostname;
use crate::diagnostic::{Code, Diagnostics};
use crate::model::{Gateway, Model};

/// Listeners on one port must share a family: HTTP; HTTPS and TLS (SNI); TCP; UDP (own transport).
pub(super) fn family(protocol: &str) -> &str {
    match protocol {
        "HTTPS" | "TLS" => "TLS",
        other => other,
    }
}

/// The protocols the analysis understands; routes cannot be checked against others.
const KNOWN_PROTOCOLS: &[&str] = &["HTTP", "HTTPS", "TLS", "TCP", "UDP"];

/// Check every gateway's listeners and addresses.
pub fn check(model: &Model, cx: &Context<'_>, diags: &mut Diagnostics) {
    for g in &model.gateways {
        listeners(g, cx, diags);
        addresses(g, cx, diags);
    }
}

fn listeners(g: &Gateway, cx: &Context<'_>, diags: &mut Diagnostics) {
    let mut names = BTreeSet::new();
    let mut seen: BTreeMap<(u32, &str, &str), &str> = BTreeMap::new();
    let mut families: BTreeMap<(u32, bool), (&str, &str)> = BTreeMap::new();
    for l in &g.listeners {
        if !names.insert(l.name.as_str()) {
            diags.push(
                cx.err(
                    Code::ListenerClash,
                    &l.origin,
                    format!("gateway `{}` has two listeners named `{}`", g.name, l.name),
                )
                .help("give each listener its own name"),
            );
        }
        let host = l.hostname.as_deref().unwrap_or("");
        if let Some(first) = seen.insert((l.port, l.protocol.as_str(), host), &l.name) {
            diags.push(
                cx.err(
                    Code::ListenerClash,
                    &l.origin,
                    format!(
                        "listeners `{first}` and `{}` of gateway `{}` both take {} port {} for {}",
                        l.name,
                        g.name,
                        l.protocol,
                        l.port,
                        if host.is_empty() { "any hostname" } else { host }
                    ),
                )
                .related(cx.prov.locate(&format!("{}/listeners/{first}", g.origin)), "the other listener")
                .help("the API refuses a Gateway whose listeners repeat port, protocol and hostname: merge them, or change the hostname or port of one"),
            );
        }
        if !KNOWN_PROTOCOLS.contains(&l.protocol.as_str()) {
            diags.push(
                cx.warn(
                    Code::UnknownProtocol,
                    &format!("{}/protocol", l.origin),
                    format!("listener `{}` has protocol `{}`, which gatewright does not analyze", l.name, l.protocol.escape_debug()),
                )
                .help("routes attached to it, its TLS settings and its port sharing are not checked; the implementation must support the protocol (else it refuses the listener): use HTTP, HTTPS, TLS, TCP or UDP to have them checked"),
            );
            continue;
        }
        let udp = l.protocol == "UDP";
        match families.get(&(l.port, udp)) {
            Some((other, proto)) if family(proto) != family(&l.protocol) => diags.push(
                cx.err(
                    Code::IncompatibleProtocols,
                    &format!("{}/protocol", l.origin),
                    format!("listener `{}` ({}) shares port {} with listener `{other}` ({proto})", l.name, l.protocol, l.port),
                )
                .help("the gateway marks both listeners conflicted and serves neither: put them on different ports (e.g. HTTP on 80, HTTPS on 443)"),
            ),
            Some(_) => {}
            None => {
                families.insert((l.port, udp), (&l.name, &l.protocol));
            }
        }
        if matches!(l.protocol.as_str(), "TCP" | "UDP") && l.hostname.is_some() {
            diags.push(
                cx.err(
                    Code::HostnameOnTcpListener,
                    &format!("{}/hostname", l.origin),
                    format!("{} listener `{}` cannot have a hostname", l.protocol, l.name),
                )
                .help("hostnames apply to HTTP, HTTPS and TLS listeners: remove it"),
            );
        }
        if l.tls.is_some() && !matches!(l.protocol.as_str(), "HTTPS" | "TLS") {
            diags.push(
                cx.err(
                    Code::ListenerTls,
                    &format!("{}/tls", l.origin),
                    format!("{} listener `{}` cannot have `tls`", l.protocol, l.name),
                )
                .help("use `protocol: HTTPS` to terminate TLS, or remove `tls`"),
            );
        }
    }
}

fn addresses(g: &Gateway, cx: &Context<'_>, diags: &mut Diagnostics) {
    let mut seen = BTreeSet::new();
    for (i, a) in g.addresses.iter().enumerate() {
        let at = format!("{}/addresses/{i}", g.origin);
        let Some(value) = &a.value else { continue };
        let problem = match a.kind.as_str() {
            "IPAddress" if value.parse::<IpAddr>().is_err() => Some("is not an IP address"),
            "Hostname" if !is_hostname(value) => Some("is not a valid hostname"),
            _ => None,
        };
        if let Some(problem) = problem {
            diags.push(
                cx.err(Code::InvalidAddress, &format!("{at}/value"), format!("address `{}` {problem}", value.escape_debug()))
                    .help("a `Hostname` address is a DNS name (e.g. the ingress gateway's Service, `aks-istio-ingressgateway-external.aks-istio-ingress.svc.cluster.local`); an `IPAddress` is an IPv4 or IPv6 address"),
            );
        }
        if !seen.insert((a.kind.as_str(), value.as_str())) {
            diags.push(
                cx.err(
                    Code::InvalidAddress,
                    &at,
                    format!("address `{}` is listed twice", value.escape_debug()),
                )
                .help("remove the duplicate"),
            );
        }
    }
}
