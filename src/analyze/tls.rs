//! Gateway `tls` and BackendTLSPolicies: certificate kinds, names and
//! syntax, the CRDs' limits, `perPort` ports against the listeners, and
//! policies that claim one Service port twice.

use std::collections::HashMap;

use super::Context;
use super::syntax::is_dns_subdomain;
use crate::diagnostic::{Code, Diagnostics};
use crate::model::{BackendTlsPolicy, CertRef, Gateway, Model};
use crate::resolve::tls::{CA_KIND, CLIENT_CERT_KIND, gateway_refs};
use crate::spec::SanType;

/// CRD `maxItems` of a BackendTLSPolicy's `caCertificateRefs`.
const MAX_POLICY_CAS: usize = 8;
/// CRD `maxItems` of `subjectAltNames`.
const MAX_SANS: usize = 5;
/// CRD `maxItems` of `targetRefs` and `maxProperties` of `options`.
const MAX_TARGETS_OR_OPTIONS: usize = 16;
/// CRD `maxItems` of a frontend `validation`'s `caCertificateRefs`.
const MAX_FRONTEND_CAS: usize = 16;
/// CRD `maxItems` of `perPort`.
const MAX_PER_PORT: usize = 64;

/// Run the checks.
pub fn check(model: &Model, cx: &Context<'_>, diags: &mut Diagnostics) {
    for gw in &model.gateways {
        gateway(gw, model, cx, diags);
    }
    let mut claimed: HashMap<(&str, &str, &str, &str, Option<&str>), &BackendTlsPolicy> = HashMap::new();
    for p in &model.backend_tls_policies {
        policy(p, model, cx, diags);
        for (i, t) in p.target_refs.iter().enumerate() {
            let key = (
                p.namespace.as_str(),
                t.group.as_str(),
                t.kind.as_str(),
                t.name.as_str(),
                t.section_name.as_deref(),
            );
            let Some(first) = claimed.get(&key).filter(|f| !std::ptr::eq(**f, p)) else {
                claimed.insert(key, p);
                continue;
            };
            if model.allow.allows(Code::TlsPolicyConflict, &p.origin)
                || model.allow.allows(Code::TlsPolicyConflict, &first.origin)
            {
                continue;
            }
            let port = t
                .section_name
                .as_deref()
                .map_or("every port".into(), |s| format!("port `{s}`"));
            diags.push(
                cx.err(
                    Code::TlsPolicyConflict,
                    &target_at(p, i),
                    format!(
                        "BackendTLSPolicies `{}` and `{}` both apply to {} `{}` ({port})",
                        first.name, p.name, t.kind, t.name
                    ),
                )
                .related(cx.prov.locate(&first.origin), "the other policy")
                .help("the API applies one (the older, or the first by name) and marks the other conflicted: merge them, or give each its own `sectionName`"),
            );
        }
    }
}

fn target_at(p: &BackendTlsPolicy, i: usize) -> String {
    if p.long_targets {
        format!("{}/targetRefs/{i}", p.origin)
    } else {
        p.origin.clone()
    }
}

fn gateway(gw: &Gateway, model: &Model, cx: &Context<'_>, diags: &mut Diagnostics) {
    for (r, at) in gateway_refs(gw) {
        let want = if at.ends_with("clientCertificateRef") {
            CLIENT_CERT_KIND
        } else {
            CA_KIND
        };
        ref_kind(r, want, &at, model, cx, diags);
    }
    let Some(front) = gw.tls.as_ref().and_then(|t| t.frontend.as_ref()) else {
        return;
    };
    let base = format!("{}/tls/frontend", gw.origin);
    let configs = std::iter::once((&front.default, format!("{base}/default"))).chain(
        front
            .per_port
            .iter()
            .enumerate()
            .map(|(i, p)| (&p.tls, format!("{base}/perPort/{i}/tls"))),
    );
    for (c, at) in configs {
        let n = c.validation.as_ref().map(|v| v.ca_certificate_refs.len());
        if let Some(n) = n.filter(|n| *n == 0 || *n > MAX_FRONTEND_CAS) {
            diags.push(
                cx.err(
                    Code::TlsOverLimit,
                    &format!("{at}/validation/caCertificateRefs"),
                    format!("frontend `validation` has {n} `caCertificateRefs`; the API takes 1 to {MAX_FRONTEND_CAS}"),
                )
                .help("name at least one CA certificate ConfigMap, and at most 16"),
            );
        }
    }
    if front.per_port.len() > MAX_PER_PORT {
        diags.push(
            cx.err(
                Code::TlsOverLimit,
                &format!("{base}/perPort"),
                format!(
                    "{} `perPort` entries; the API takes at most {MAX_PER_PORT}",
                    front.per_port.len()
                ),
            )
            .help("merge entries into `default`"),
        );
    }
    per_ports(gw, model, &base, cx, diags);
}

fn per_ports(gw: &Gateway, model: &Model, base: &str, cx: &Context<'_>, diags: &mut Diagnostics) {
    let Some(front) = gw.tls.as_ref().and_then(|t| t.frontend.as_ref()) else {
        return;
    };
    let mut seen: HashMap<u32, usize> = HashMap::new();
    for (i, p) in front.per_port.iter().enumerate() {
        let at = format!("{base}/perPort/{i}/port");
        if let Some(first) = seen.insert(p.port, i) {
            diags.push(
                cx.err(
                    Code::TlsPerPortTwice,
                    &at,
                    format!("port {} is in `perPort` twice", p.port),
                )
                .related(cx.prov.locate(&format!("{base}/perPort/{first}/port")), "first here")
                .help("keep one entry per port: the API server refuses the Gateway"),
            );
            continue;
        }
        let tls_listener = gw
            .listeners
            .iter()
            .any(|l| l.port == p.port && matches!(l.protocol.as_str(), "HTTPS" | "TLS"));
        if !tls_listener && !model.allow.allows(Code::TlsPerPortNoListener, &gw.origin) {
            let ports: Vec<String> = gw
                .listeners
                .iter()
                .filter(|l| matches!(l.protocol.as_str(), "HTTPS" | "TLS"))
                .map(|l| format!("{} ({})", l.port, l.name))
                .collect();
            let help = if ports.is_empty() {
                "the gateway has no HTTPS or TLS listener: remove `perPort`, or add the listener".to_string()
            } else {
                format!("use the port of an HTTPS or TLS listener: {}", ports.join(", "))
            };
            diags.push(
                cx.err(
                    Code::TlsPerPortNoListener,
                    &at,
                    format!(
                        "`perPort` port {} has no HTTPS or TLS listener on gateway `{}`",
                        p.port, gw.key
                    ),
                )
                .help(help),
            );
        }
    }
}

/// GW370 unless `r` is of the core kind `want`.
fn ref_kind(r: &CertRef, want: &str, at: &str, model: &Model, cx: &Context<'_>, diags: &mut Diagnostics) {
    if (r.group.is_empty() && r.kind == want) || model.allow.allows(Code::TlsRefKind, at) {
        return;
    }
    let group = if r.group.is_empty() {
        "core".to_string()
    } else {
        format!("`{}`", r.group)
    };
    diags.push(
        cx.err(
            Code::TlsRefKind,
            at,
            format!("certificate `{}` is a {} of the {group} group; the API's core kind here is a core {want}", r.name, r.kind),
        )
        .help(format!(
            "refer to a {want} (`group: \"\"`, `kind: {want}`); if your implementation supports this kind, add `allow: [GW370]`"
        )),
    );
}

fn policy(p: &BackendTlsPolicy, model: &Model, cx: &Context<'_>, diags: &mut Diagnostics) {
    let at = |s: &str| format!("{}/{s}", p.origin);
    let v = &p.validation;
    if !is_dns_subdomain(&p.name) {
        diags.push(
            cx.err(
                Code::TlsHostname,
                &at("name"),
                format!("BackendTLSPolicy name `{}` is not a DNS-1123 subdomain", p.name),
            )
            .help("use lower-case letters, digits, `-` and `.`"),
        );
    }
    if !is_dns_subdomain(&v.hostname) {
        diags.push(
            cx.err(
                Code::TlsHostname,
                &at("hostname"),
                format!("`hostname` `{}` is not a lower-case DNS name", v.hostname),
            )
            .help("the API takes a DNS name without wildcard, e.g. `auth.example.com`"),
        );
    }
    for (i, t) in p.target_refs.iter().enumerate() {
        if t.section_name.as_deref().is_some_and(|s| !is_dns_subdomain(s)) {
            let where_ = if p.long_targets {
                format!("targetRefs/{i}/sectionName")
            } else {
                "sectionName".into()
            };
            diags.push(
                cx.err(
                    Code::TlsHostname,
                    &at(&where_),
                    "`sectionName` is not a DNS name (a Service port name)",
                )
                .help("use the `name` of the Service port"),
            );
        }
    }
    for (i, r) in v.ca_certificate_refs.iter().enumerate() {
        let here = at(&format!("caCertificateRefs/{i}"));
        if let Some(ns) = r.namespace.as_ref().filter(|ns| **ns != p.namespace) {
            diags.push(
                cx.err(
                    Code::TlsRefNamespace,
                    &here,
                    format!("CA certificate `{ns}/{}` is in another namespace", r.name),
                )
                .help(format!(
                    "a BackendTLSPolicy refers to CA certificates of its own namespace: copy it into `{}`",
                    p.namespace
                )),
            );
        }
        ref_kind(r, CA_KIND, &here, model, cx, diags);
    }
    sans(p, cx, diags);
    validation_fields(p, cx, diags);
    limits(p, cx, diags);
}

fn sans(p: &BackendTlsPolicy, cx: &Context<'_>, diags: &mut Diagnostics) {
    for (i, s) in p.validation.subject_alt_names.iter().enumerate() {
        let here = format!("{}/subjectAltNames/{i}", p.origin);
        let fits = match s.kind {
            SanType::Hostname => s.hostname.is_some() && s.uri.is_none(),
            SanType::URI => s.uri.is_some() && s.hostname.is_none(),
        };
        if !fits {
            diags.push(
                cx.err(
                    Code::TlsValidationFields,
                    &here,
                    format!("a `{:?}` subject alternative name needs that field only", s.kind),
                )
                .help("`type: Hostname` takes `hostname`, `type: URI` takes `uri`"),
            );
        }
        if let Some(h) = s
            .hostname
            .as_deref()
            .filter(|h| !is_dns_subdomain(h.strip_prefix("*.").unwrap_or(h)))
        {
            diags.push(
                cx.err(
                    Code::TlsHostname,
                    &format!("{here}/hostname"),
                    format!("`{h}` is not a DNS name"),
                )
                .help("use a lower-case DNS name, optionally with a leading `*.`"),
            );
        }
        if let Some(u) = s.uri.as_deref().filter(|u| !is_uri(u)) {
            diags.push(
                cx.err(
                    Code::TlsHostname,
                    &format!("{here}/uri"),
                    format!("`{u}` is not an absolute URI with an authority"),
                )
                .help("write `scheme://authority/path`, e.g. `spiffe://example.com/ns/app/sa/api`"),
            );
        }
    }
}

/// The CRD's pattern for a SAN URI: `scheme://authority...`, at most 253 characters.
fn is_uri(u: &str) -> bool {
    u.len() <= 253
        && u.split_once(':').is_some_and(|(scheme, rest)| {
            !scheme.is_empty() && !scheme.contains(['/', '?', '#']) && rest.starts_with("//")
        })
}

fn validation_fields(p: &BackendTlsPolicy, cx: &Context<'_>, diags: &mut Diagnostics) {
    let v = &p.validation;
    let message = match (v.ca_certificate_refs.is_empty(), &v.well_known_ca_certificates) {
        (true, None) => Some("`validation` names no CA certificates"),
        (false, Some(_)) => Some("`caCertificateRefs` and `wellKnownCACertificates` cannot both be set"),
        _ => None,
    };
    if let Some(message) = message {
        diags.push(
            cx.err(Code::TlsValidationFields, &p.origin, message)
                .help("set exactly one of `caCertificateRefs` and `wellKnownCACertificates: System`"),
        );
    }
    if let Some(w) = v.well_known_ca_certificates.as_deref().filter(|w| !well_known(w)) {
        diags.push(
            cx.err(
                Code::TlsValidationFields,
                &format!("{}/wellKnownCACertificates", p.origin),
                format!("`wellKnownCACertificates: {w}` is neither `System` nor `domain/name`"),
            )
            .help("write `System` (the platform's trusted CAs)"),
        );
    }
    let mut targets: HashMap<(&str, &str, &str), Vec<Option<&str>>> = HashMap::new();
    for t in &p.target_refs {
        targets
            .entry((t.group.as_str(), t.kind.as_str(), t.name.as_str()))
            .or_default()
            .push(t.section_name.as_deref());
    }
    for ((_, kind, name), sections) in targets.iter().filter(|(_, s)| s.len() > 1) {
        let mut unique = sections.clone();
        unique.sort();
        unique.dedup();
        if sections.contains(&None) || unique.len() != sections.len() {
            diags.push(
                cx.err(
                    Code::TlsValidationFields,
                    &format!("{}/targetRefs", p.origin),
                    format!("{kind} `{name}` is targeted several times without a distinct `sectionName` each"),
                )
                .help("give each target of the same object its own `sectionName`, or target it once"),
            );
        }
    }
}

/// `System`, or `domain/name` (an implementation-specific set).
fn well_known(w: &str) -> bool {
    w == "System"
        || w.split_once('/').is_some_and(|(d, n)| {
            is_dns_subdomain(d)
                && !n.is_empty()
                && n.len() <= 63
                && n.bytes().all(|b| b.is_ascii_alphanumeric() || b"-_.".contains(&b))
        })
}

fn limits(p: &BackendTlsPolicy, cx: &Context<'_>, diags: &mut Diagnostics) {
    let v = &p.validation;
    let checks = [
        ("caCertificateRefs", v.ca_certificate_refs.len(), MAX_POLICY_CAS),
        ("subjectAltNames", v.subject_alt_names.len(), MAX_SANS),
        ("targetRefs", p.target_refs.len(), MAX_TARGETS_OR_OPTIONS),
        ("options", p.options.len(), MAX_TARGETS_OR_OPTIONS),
    ];
    for (field, n, max) in checks.into_iter().filter(|(_, n, max)| n > max) {
        diags.push(
            cx.err(
                Code::TlsOverLimit,
                &format!("{}/{field}", p.origin),
                format!("{n} `{field}`; a BackendTLSPolicy takes at most {max}"),
            )
            .help(format!("keep at most {max}, or split the policy")),
        );
    }
    if p.target_refs.is_empty() {
        diags.push(
            cx.err(
                Code::TlsOverLimit,
                &format!("{}/targetRefs", p.origin),
                "`targetRefs` is empty",
            )
            .help("name at least one target, or drop `targetRefs` to target the Service named by the key"),
        );
    }
}
