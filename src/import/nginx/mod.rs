//! ingress-nginx's reading of Ingresses: a plain model of the rules (which
//! a routing comparison can reuse), the `nginx.ingress.kubernetes.io/*`
//! annotations parsed, and the class filter.

mod advice;
pub mod annotations;
mod convert;
mod filters;
mod place;
mod prefix;
mod redirects;

use serde_json::Value;

pub use annotations::{Canary, Nginx};
pub(crate) use convert::convert;
pub(crate) use place::place;

use crate::spec::BackendRef;

/// Classes imported when `--ingress-class` is not given: ingress-nginx's and
/// the AKS application routing add-on's.
pub const DEFAULT_CLASSES: &[&str] = &["nginx", "webapprouting.kubernetes.azure.com"];

/// How an Ingress path matches, as the Ingress says.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum IngressPathType {
    /// `Exact`: nginx `location = /path`.
    Exact,
    /// `Prefix`: by `/`-separated segments.
    Prefix,
    /// `ImplementationSpecific` (or none): nginx's plain string prefix.
    ImplementationSpecific,
}

/// One path of one host of an Ingress (an nginx `location`).
#[derive(Debug, Clone)]
pub struct Location {
    /// The host (`None`: every host).
    pub host: Option<String>,
    /// The path as written.
    pub path: String,
    /// Its type.
    pub path_type: IngressPathType,
    /// The backend.
    pub backend: BackendRef,
    /// JSON pointer of the path entry in its Ingress.
    pub pointer: String,
}

/// An Ingress as ingress-nginx reads it.
#[derive(Debug, Clone)]
pub struct ParsedIngress {
    /// Namespace.
    pub namespace: String,
    /// Name.
    pub name: String,
    /// Its locations, in the Ingress's order.
    pub locations: Vec<Location>,
    /// `spec.defaultBackend`.
    pub default_backend: Option<BackendRef>,
    /// Hosts of `spec.tls`.
    pub tls_hosts: Vec<String>,
    /// The `nginx.ingress.kubernetes.io/*` annotations.
    pub nginx: Nginx,
    /// Where the Ingress was read: its file and byte range (to tell which findings are about it).
    pub at: Option<(crate::source::FileId, std::ops::Range<usize>)>,
}

impl ParsedIngress {
    /// Whether ingress-nginx redirects plain HTTP for `host` to HTTPS
    /// (`ssl-redirect`, on by default for TLS hosts, or `force-ssl-redirect`).
    pub fn redirects_to_https(&self, host: Option<&str>) -> bool {
        let tls = host.is_some_and(|h| self.tls_hosts.iter().any(|t| t == h));
        self.nginx.force_ssl_redirect || (tls && self.nginx.ssl_redirect.unwrap_or(true))
    }
}

/// The class an Ingress asks for: `spec.ingressClassName`, else the
/// `kubernetes.io/ingress.class` annotation.
pub fn class_of(ingress: &Value) -> Option<&str> {
    ingress
        .pointer("/spec/ingressClassName")
        .and_then(Value::as_str)
        .or_else(|| {
            ingress
                .pointer("/metadata/annotations/kubernetes.io~1ingress.class")
                .and_then(Value::as_str)
        })
}

/// The path ingress-nginx matches, as a regular expression for Gateway API
/// (full match): `~* ^path` in regex mode (a case-insensitive string
/// prefix), a plain string prefix for `ImplementationSpecific`.
pub fn regex_for(path: &str, regex_mode: bool, own_regex: bool) -> String {
    let body = if own_regex { path.to_string() } else { escape(path) };
    if regex_mode {
        format!("(?i){body}.*")
    } else {
        format!("{body}.*")
    }
}

/// `s` with the regular-expression metacharacters escaped.
pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        if "\\.+*?()|[]{}^$".contains(c) {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

/// A DNS label from a hostname: `*.shop.example.com` → `wildcard-shop-example-com`.
pub(in crate::import) fn label(host: &str) -> String {
    let s = host
        .replacen("*.", "wildcard-", 1)
        .replace('.', "-")
        .to_ascii_lowercase();
    s.chars().take(55).collect::<String>().trim_end_matches('-').to_string()
}
