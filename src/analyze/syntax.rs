//! Syntax of names, hostnames and paths, as the API server checks them.

use super::Context;
use crate::diagnostic::{Code, Diagnostic, Diagnostics};
use crate::model::Model;

/// A DNS-1123 label: lower-case alphanumerics and `-`, at most 63 characters,
/// starting and ending with an alphanumeric.
pub fn is_dns_label(s: &str) -> bool {
    !s.is_empty()
        && s.len() <= 63
        && s.bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
        && !s.starts_with('-')
        && !s.ends_with('-')
}

/// A DNS-1123 subdomain: dot-separated labels, at most 253 characters.
pub fn is_dns_subdomain(s: &str) -> bool {
    !s.is_empty() && s.len() <= 253 && s.split('.').all(is_dns_label)
}

/// A Gateway API hostname: a DNS subdomain, optionally with a leading `*.`
/// wildcard label; no IP addresses.
pub fn is_hostname(s: &str) -> bool {
    let bare = s.strip_prefix("*.").unwrap_or(s);
    is_dns_subdomain(bare) && !bare.split('.').all(|l| l.bytes().all(|b| b.is_ascii_digit()))
}

/// Why a path value is invalid, if it is.
pub fn path_problem(p: &str) -> Option<&'static str> {
    if !p.starts_with('/') {
        return Some("must start with `/`");
    }
    if p.contains("//") {
        return Some("must not contain `//`");
    }
    if p.contains("/./") || p.ends_with("/.") {
        return Some("must not contain `/./`");
    }
    if p.contains("/../") || p.ends_with("/..") {
        return Some("must not contain `/../`");
    }
    if p.to_ascii_lowercase().contains("%2f") {
        return Some("must not contain `%2f`");
    }
    if p.contains('#') {
        return Some("must not contain `#`");
    }
    if p.len() > 1024 {
        return Some("is longer than 1024 characters");
    }
    if !path_chars_valid(p) {
        return Some("may only hold letters, digits, `-._~!$&'()*+,;=:@/` and `%` escapes such as `%20`");
    }
    None
}

/// The characters the Gateway API allows in `Exact` and `PathPrefix` values:
/// RFC 3986 path characters and `%XX` escapes.
fn path_chars_valid(p: &str) -> bool {
    let b = p.as_bytes();
    let mut i = 0;
    while i < b.len() {
        match b[i] {
            b'%' => {
                if !(i + 2 < b.len() && b[i + 1].is_ascii_hexdigit() && b[i + 2].is_ascii_hexdigit()) {
                    return false;
                }
                i += 3;
            }
            c if c.is_ascii_alphanumeric() || b"-/._~!$&'()*+,;=:@".contains(&c) => i += 1,
            _ => return false,
        }
    }
    true
}

/// A Gateway API duration (`timeouts`): one to four `<number><unit>` parts,
/// numbers of at most 5 digits, units `h`, `m`, `s`, `ms` (e.g. `1h30m`, `500ms`).
pub fn is_duration(s: &str) -> bool {
    let mut parts = 0;
    let mut rest = s;
    while !rest.is_empty() {
        let digits = rest.bytes().take_while(u8::is_ascii_digit).count();
        if digits == 0 || digits > 5 {
            return false;
        }
        rest = &rest[digits..];
        let unit = ["ms", "h", "m", "s"].into_iter().find(|u| rest.starts_with(u));
        let Some(unit) = unit else { return false };
        rest = &rest[unit.len()..];
        parts += 1;
    }
    (1..=4).contains(&parts)
}

/// An HTTP header name (RFC 7230 token), as the Gateway API allows it: at
/// most 256 characters. Query parameter names follow the same rule.
pub fn is_header_name(s: &str) -> bool {
    !s.is_empty()
        && s.len() <= 256
        && s.bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&b))
}

/// An API group: empty (the core group) or a DNS subdomain.
pub fn is_group(s: &str) -> bool {
    s.is_empty() || is_dns_subdomain(s)
}

/// A kind: a letter, then letters, digits and `-`, ending in a letter or digit; at most 63.
pub fn is_kind(s: &str) -> bool {
    let b = s.as_bytes();
    !b.is_empty()
        && b.len() <= 63
        && b[0].is_ascii_alphabetic()
        && b.iter().all(|c| c.is_ascii_alphanumeric() || *c == b'-')
        && b[b.len() - 1] != b'-'
}

/// A CORS origin: `*`, or `http(s)://host[:port]` with an optional `*.` label.
pub fn is_cors_origin(s: &str) -> bool {
    if s == "*" {
        return true;
    }
    let Some(rest) = s.strip_prefix("https://").or_else(|| s.strip_prefix("http://")) else {
        return false;
    };
    let (host, port) = match rest.rsplit_once(':') {
        Some((h, p)) => (h, Some(p)),
        None => (rest, None),
    };
    let port_ok = port.is_none_or(|p| (1..=5).contains(&p.len()) && p.bytes().all(|c| c.is_ascii_digit()));
    let label = |l: &str| !l.is_empty() && l.bytes().all(|c| c.is_ascii_alphanumeric() || c == b'-');
    let bare = host.strip_prefix("*.").unwrap_or(host);
    let host_ok = host == "*" || bare.split('.').all(label);
    s.len() <= 253 && port_ok && host_ok
}

/// A Gateway API duration in milliseconds (`1h30m` is 5,400,000).
pub fn duration_ms(s: &str) -> Option<u64> {
    let mut total = 0u64;
    let mut rest = s;
    while !rest.is_empty() {
        let digits = rest.bytes().take_while(u8::is_ascii_digit).count();
        let n: u64 = rest[..digits].parse().ok()?;
        rest = &rest[digits..];
        let (unit, scale) = [("ms", 1), ("h", 3_600_000), ("m", 60_000), ("s", 1000)]
            .into_iter()
            .find(|(u, _)| rest.starts_with(u))?;
        rest = &rest[unit.len()..];
        total = total.checked_add(n.checked_mul(scale)?)?;
    }
    Some(total)
}

/// Check names, hostnames and paths of every object.
pub fn check(model: &Model, cx: &Context<'_>, diags: &mut Diagnostics) {
    let name_help = "use lower-case letters, digits and `-` (a DNS-1123 label), e.g. `store-front`";
    for ns in &model.namespaces {
        if !is_dns_label(&ns.name) {
            diags.push(invalid_name(cx, &ns.origin, "namespace", &ns.name, name_help));
        }
    }
    for g in &model.gateways {
        if !is_dns_label(&g.name) {
            diags.push(invalid_name(cx, &g.origin, "gateway name", &g.name, name_help));
        }
        if g.class_name.is_empty() || g.class_name.len() > 253 {
            diags.push(
                cx.err(
                    Code::InvalidName,
                    &format!("{}/className", g.origin),
                    "the gateway class name must have 1 to 253 characters",
                )
                .help("set `className` to the GatewayClass of your implementation, e.g. `istio`"),
            );
        }
        if !is_dns_label(&g.namespace) {
            diags.push(invalid_name(
                cx,
                &format!("{}/namespace", g.origin),
                "namespace",
                &g.namespace,
                name_help,
            ));
        }
        for l in &g.listeners {
            listener(l, cx, diags);
        }
    }
    for r in &model.routes {
        route_names(cx, &r.name, &r.origin, &r.hostnames, name_help, diags);
        for rule in &r.rules {
            for m in &rule.matches {
                if let Some(p) = &m.path {
                    if p.kind != "RegularExpression" {
                        if let Some(problem) = path_problem(&p.value) {
                            let ptr = if rule.origin == r.origin {
                                format!("{}/path", r.origin)
                            } else {
                                rule.origin.clone()
                            };
                            diags.push(
                                cx.err(
                                    Code::InvalidPath,
                                    &ptr,
                                    format!("path `{}` {problem}", p.value.escape_debug()),
                                )
                                .help("write an absolute, normalized path such as `/api`"),
                            );
                        }
                    }
                }
            }
            for b in &rule.backend_refs {
                backend_ref(cx, b, name_help, diags);
            }
        }
    }
    for r in &model.grpc_routes {
        route_names(cx, &r.name, &r.origin, &r.hostnames, name_help, diags);
        for b in r.rules.iter().flat_map(|rule| &rule.backend_refs) {
            backend_ref(cx, b, name_help, diags);
        }
    }
    for p in &model.service_patches {
        if !is_dns_label(&p.name) {
            diags.push(invalid_name(cx, &p.origin, "Service name", &p.name, name_help));
        }
    }
}

/// GW401: the `what` spelt `value` is not a valid name.
fn invalid_name(cx: &Context<'_>, at: &str, what: &str, value: &str, help: &str) -> Diagnostic {
    cx.err(
        Code::InvalidName,
        at,
        format!("{what} `{}` is not a valid name", value.escape_debug()),
    )
    .help(help)
}

/// GW401 for a route name that is not a DNS subdomain; the hostname error
/// for each hostname that is not one (at `host` when the short form set it).
pub(super) fn route_names(
    cx: &Context<'_>,
    name: &str,
    origin: &str,
    hostnames: &[String],
    name_help: &str,
    diags: &mut Diagnostics,
) {
    if !is_dns_subdomain(name) {
        diags.push(invalid_name(cx, origin, "route name", name, name_help));
    }
    for (i, h) in hostnames.iter().enumerate().filter(|(_, h)| !is_hostname(h)) {
        diags.push(hostname_error(cx, &hostname_pointer(cx, origin, hostnames, i), h));
    }
}

/// The spec path of hostname `i` of the route at `origin`: its `host` when
/// the short form set the only one, else `hostnames/i`.
pub(super) fn hostname_pointer(cx: &Context<'_>, origin: &str, hostnames: &[String], i: usize) -> String {
    let host = format!("{origin}/host");
    if hostnames.len() == 1 && cx.prov.is_written(&host) {
        host
    } else {
        format!("{origin}/hostnames/{i}")
    }
}

/// GW401 for a backend's namespace and name, where they are not valid names.
pub(super) fn backend_ref(cx: &Context<'_>, b: &crate::model::BackendRef, name_help: &str, diags: &mut Diagnostics) {
    if let Some(ns) = b.namespace.as_deref().filter(|ns| !is_dns_label(ns)) {
        diags.push(invalid_name(cx, &b.origin, "namespace", ns, name_help));
    }
    diags.extend(backend_name(cx, b, name_help));
}

/// A Service backend's name is a DNS-1123 label; another kind's (an
/// HTTPRoute for delegation, Istio's `Hostname`, `name@provider`) is any
/// name of 1 to 253 characters, as the CRD's `ObjectName` allows.
fn backend_name(
    cx: &Context<'_>,
    b: &crate::model::BackendRef,
    name_help: &str,
) -> Option<crate::diagnostic::Diagnostic> {
    if crate::model::is_service(&b.group, &b.kind) {
        return (!is_dns_label(&b.name)).then(|| invalid_name(cx, &b.origin, "Service name", &b.name, name_help));
    }
    (b.name.is_empty() || b.name.len() > 253).then(|| {
        cx.err(
            Code::InvalidName,
            &b.origin,
            format!("backend name `{}` must have 1 to 253 characters", b.name.escape_debug()),
        )
        .help("name the backend object as its kind spells it")
    })
}

/// Check the name, hostname and certificate names of a Gateway's or ListenerSet's listener.
pub(super) fn listener(l: &crate::model::Listener, cx: &Context<'_>, diags: &mut Diagnostics) {
    let name_help = "use lower-case letters, digits and `-` (a DNS-1123 label), e.g. `store-front`";
    if !is_dns_label(&l.name) {
        diags.push(invalid_name(cx, &l.origin, "listener name", &l.name, name_help));
    }
    if let Some(h) = &l.hostname {
        if !is_hostname(h) {
            diags.push(hostname_error(cx, &format!("{}/hostname", l.origin), h));
        }
    }
    for (i, c) in l.tls.iter().flat_map(|t| t.certificate_refs.iter()).enumerate() {
        let bad_ns = c.namespace.as_deref().is_some_and(|ns| !is_dns_label(ns));
        if !is_dns_subdomain(&c.name) || bad_ns {
            diags.push(invalid_name(
                cx,
                &format!("{}/tls/certificates/{i}", l.origin),
                "certificate Secret",
                &c.name,
                "write `SECRET` or `NAMESPACE/SECRET` with DNS-1123 names, e.g. `shop/shop-tls`",
            ));
        }
    }
}

pub(super) fn hostname_error(cx: &Context<'_>, ptr: &str, h: &str) -> crate::diagnostic::Diagnostic {
    cx.err(Code::InvalidHostname, ptr, format!("`{}` is not a valid hostname", h.escape_debug()))
        .help("use a DNS name such as `store.example.com` or a wildcard such as `*.example.com` (no IPs, ports or upper case)")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hostnames() {
        assert!(is_hostname("store.aks.rocks"));
        assert!(is_hostname("*.aks.rocks"));
        assert!(!is_hostname("a.*.rocks"));
        assert!(!is_hostname("10.0.0.1"));
        assert!(!is_hostname("Store.aks.rocks"));
        assert!(!is_hostname("store.aks.rocks\nnamespace: kube-system"));
    }

    #[test]
    fn paths() {
        assert_eq!(path_problem("/"), None);
        assert!(path_problem("api").is_some());
        assert!(path_problem("/a//b").is_some());
        assert!(path_problem("/a/../b").is_some());
        assert!(path_problem("/a%2Fb").is_some());
        assert!(path_problem("/a#b").is_some());
        assert!(path_problem("/a b").is_some());
        assert!(path_problem("/caf\u{e9}").is_some());
        assert!(path_problem("/a%2").is_some());
        assert_eq!(path_problem("/a%20b/c-d_e~f@g"), None);
    }

    #[test]
    fn durations_and_header_names() {
        assert!(is_duration("1h30m"));
        assert!(is_duration("500ms"));
        assert!(is_duration("0s"));
        assert!(!is_duration(""));
        assert!(!is_duration("1.5s"));
        assert!(!is_duration("100000s"));
        assert!(!is_duration("1h1m1s1ms1h"));
        assert!(is_header_name("X-Request-Id"));
        assert!(!is_header_name("X Request"));
        assert!(!is_header_name("x:y"));
    }

    #[test]
    fn forms() {
        assert!(is_cors_origin("*") && is_cors_origin("https://a.example:8443") && is_cors_origin("http://*.a.b"));
        assert!(!is_cors_origin("foo") && !is_cors_origin("https://a b") && !is_cors_origin("https://a:123456"));
        assert!(is_kind("Service") && !is_kind("lower-") && !is_kind("9x"));
        assert!(is_group("") && is_group("a.b") && !is_group("UPPER"));
        assert_eq!(duration_ms("1h30m"), Some(5_400_000));
        assert_eq!(duration_ms("500ms"), Some(500));
        assert_eq!(duration_ms("x"), None);
    }
}
