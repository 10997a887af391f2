//! The `nginx.ingress.kubernetes.io/*` annotations of an Ingress, parsed;
//! those without a Gateway API equivalent are warnings that say what to do
//! (GW940), and an annotation ingress-nginx does not know is GW949.

use crate::diagnostic::Code;
use std::collections::BTreeMap;

use serde_json::Value;

use super::super::{Cx, Object};
use crate::diagnostic::Diagnostic;
use crate::source::Loc;
use crate::spec::{Cors, Header};

/// The prefix of ingress-nginx's annotations.
pub const PREFIX: &str = "nginx.ingress.kubernetes.io/";

/// Code of an annotation with no Gateway API equivalent (what to do instead).
pub const NO_EQUIVALENT: Code = Code::NginxNoEquivalent;
/// Code of an annotation value ingress-nginx would not accept.
pub const BAD_VALUE: Code = Code::NginxNotANumber;
/// Code of an annotation that is not one of ingress-nginx's.
pub const UNKNOWN: Code = Code::NginxUnknownAnnotation;

/// A canary Ingress's selection of requests.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Canary {
    /// `canary-by-header`: requests with this header set to `always` go to the canary.
    pub header: Option<String>,
    /// `canary-by-header-value`: the value that selects the canary instead of `always`.
    pub header_value: Option<String>,
    /// `canary-by-header-pattern`: a regular expression instead of the value.
    pub header_pattern: Option<String>,
    /// `canary-by-cookie`: requests with this cookie set to `always` go to the canary.
    pub cookie: Option<String>,
    /// `canary-weight`: the canary's share of the rest.
    pub weight: u32,
    /// `canary-weight-total` (100 by default).
    pub weight_total: u32,
}

/// What an Ingress's ingress-nginx annotations ask for.
#[derive(Debug, Clone, Default)]
pub struct Nginx {
    /// `canary: "true"` and its selection.
    pub canary: Option<Canary>,
    /// `use-regex`: paths are regular expressions.
    pub use_regex: bool,
    /// `rewrite-target`.
    pub rewrite_target: Option<String>,
    /// `app-root`: `/` redirects there.
    pub app_root: Option<String>,
    /// `permanent-redirect` (URL, code) or `temporal-redirect` (URL, code).
    pub redirect: Option<(String, u32)>,
    /// `ssl-redirect` when set.
    pub ssl_redirect: Option<bool>,
    /// `force-ssl-redirect`.
    pub force_ssl_redirect: bool,
    /// `from-to-www-redirect`.
    pub from_to_www: bool,
    /// `upstream-vhost`: the Host header sent to the backend.
    pub upstream_vhost: Option<String>,
    /// Request headers set (`x-forwarded-prefix`, `connection-proxy-header`).
    pub request_headers: Vec<Header>,
    /// `custom-headers`: the ConfigMap (`namespace/name`) of response headers.
    pub custom_headers: Option<String>,
    /// `backend-protocol`, upper case.
    pub backend_protocol: Option<String>,
    /// `enable-cors` and `cors-*`.
    pub cors: Option<Cors>,
    /// `server-alias`: more hostnames.
    pub server_alias: Vec<String>,
    /// Where each annotation was written, by its name without the prefix.
    pub at: BTreeMap<String, Option<Loc>>,
}

/// Parse the annotations of `o`, warning at each that does not carry over.
pub(crate) fn parse(o: &Object, cx: &mut Cx<'_>) -> Nginx {
    let mut n = Nginx::default();
    let Some(map) = o.value.pointer("/metadata/annotations").and_then(Value::as_object) else {
        return n;
    };
    let ann = Ann(map);
    let get = |k: &str| ann.get(k);
    for key in map.keys().filter_map(|k| k.strip_prefix(PREFIX)) {
        n.at.insert(key.to_string(), loc_of(o, key));
    }
    let is_true = |k: &str| get(k).is_some_and(|v| v.eq_ignore_ascii_case("true"));
    n.use_regex = is_true("use-regex");
    n.rewrite_target = get("rewrite-target").map(str::to_string);
    n.app_root = get("app-root").map(str::to_string);
    n.ssl_redirect = get("ssl-redirect").map(|v| v.eq_ignore_ascii_case("true"));
    n.force_ssl_redirect = is_true("force-ssl-redirect");
    n.from_to_www = is_true("from-to-www-redirect");
    n.upstream_vhost = get("upstream-vhost").map(str::to_string);
    for (k, header) in [
        ("x-forwarded-prefix", "X-Forwarded-Prefix"),
        ("connection-proxy-header", "Connection"),
    ] {
        if let Some(v) = get(k) {
            n.request_headers.push(Header {
                name: header.to_string(),
                value: v.to_string(),
            });
        }
    }
    n.custom_headers = get("custom-headers").map(str::to_string);
    n.backend_protocol = get("backend-protocol").map(str::to_ascii_uppercase);
    n.server_alias = get("server-alias")
        .map(|v| {
            v.split(',')
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .map(str::to_string)
                .collect()
        })
        .unwrap_or_default();
    n.redirect = redirect(&ann, o, cx);
    if is_true("canary") {
        n.canary = Some(canary(&ann, o, cx));
    }
    if is_true("enable-cors") {
        n.cors = Some(cors(&ann));
    }
    for key in map.keys() {
        advise(o, key, cx);
    }
    n
}

/// The annotations of one Ingress, read by name without the prefix.
struct Ann<'a>(&'a serde_json::Map<String, Value>);

impl<'a> Ann<'a> {
    fn get(&self, key: &str) -> Option<&'a str> {
        self.0.get(&format!("{PREFIX}{key}")).and_then(Value::as_str)
    }
}

fn loc_of(o: &Object, key: &str) -> Option<Loc> {
    let pointer = format!("/metadata/annotations/{}", key_pointer(&format!("{PREFIX}{key}")));
    o.key_loc(&pointer).or_else(|| o.loc(&pointer))
}

fn key_pointer(key: &str) -> String {
    key.replace('~', "~0").replace('/', "~1")
}

/// A located warning about annotation `key` (without the prefix) of `o`.
pub(crate) fn warn(o: &Object, key: &str, code: Code, what: String, help: &str, cx: &mut Cx<'_>) {
    cx.diags.push(
        Diagnostic::warning(code, what)
            .at(loc_of(o, key))
            .help(help.to_string()),
    );
}

/// Annotations read by the conversion; any other of the prefix is advice or unknown.
const CONVERTED: &[&str] = &[
    "canary",
    "canary-by-header",
    "canary-by-header-value",
    "canary-by-header-pattern",
    "canary-by-cookie",
    "canary-weight",
    "canary-weight-total",
    "use-regex",
    "rewrite-target",
    "app-root",
    "permanent-redirect",
    "permanent-redirect-code",
    "temporal-redirect",
    "temporal-redirect-code",
    "ssl-redirect",
    "force-ssl-redirect",
    "from-to-www-redirect",
    "upstream-vhost",
    "x-forwarded-prefix",
    "connection-proxy-header",
    "custom-headers",
    "backend-protocol",
    "enable-cors",
    "cors-allow-origin",
    "cors-allow-methods",
    "cors-allow-headers",
    "cors-allow-credentials",
    "cors-expose-headers",
    "cors-max-age",
    "server-alias",
];

fn advise(o: &Object, full: &str, cx: &mut Cx<'_>) {
    let Some(key) = full.strip_prefix(PREFIX) else {
        if !super::super::metadata::HARMLESS.contains(&full) && full != "kubernetes.io/ingress.class" {
            other_annotation(o, full, cx);
        }
        return;
    };
    if CONVERTED.contains(&key) {
        return;
    }
    let name = o.name().to_string();
    match super::advice::ADVICE.iter().find(|(k, _)| *k == key) {
        Some((_, help)) => warn(
            o,
            key,
            NO_EQUIVALENT,
            format!("annotation `{full}` of Ingress `{name}` has no Gateway API equivalent"),
            help,
            cx,
        ),
        None => warn(
            o,
            key,
            UNKNOWN,
            format!("annotation `{full}` of Ingress `{name}` is not carried over"),
            "check what it does in ingress-nginx's annotation reference and express it with route filters or the gateway's settings",
            cx,
        ),
    }
}

fn other_annotation(o: &Object, key: &str, cx: &mut Cx<'_>) {
    let pointer = format!("/metadata/annotations/{}", key_pointer(key));
    cx.diags.push(
        Diagnostic::warning(
            Code::IngressNotCarriedOver,
            format!("annotation `{key}` of Ingress `{}` is not carried over", o.name()),
        )
        .at(o.key_loc(&pointer).or_else(|| o.loc(&pointer)))
        .help("Gateway API has no annotations for controller behaviour: express it with route filters (`requestRedirect`, `urlRewrite`, header modifiers) or the gateway's settings"),
    );
}

fn number(a: &Ann<'_>, key: &str, o: &Object, cx: &mut Cx<'_>) -> Option<u32> {
    let v = a.get(key)?;
    match v.trim().parse::<u32>() {
        Ok(n) => Some(n),
        Err(_) => {
            warn(
                o,
                key,
                BAD_VALUE,
                format!("`{PREFIX}{key}: {v}` of Ingress `{}` is not a number", o.name()),
                "write a whole number; ingress-nginx ignores this value",
                cx,
            );
            None
        }
    }
}

fn redirect(a: &Ann<'_>, o: &Object, cx: &mut Cx<'_>) -> Option<(String, u32)> {
    if let Some(url) = a.get("permanent-redirect") {
        let code = number(a, "permanent-redirect-code", o, cx).unwrap_or(301);
        return Some((url.to_string(), code));
    }
    let url = a.get("temporal-redirect")?;
    Some((
        url.to_string(),
        number(a, "temporal-redirect-code", o, cx).unwrap_or(302),
    ))
}

fn canary(a: &Ann<'_>, o: &Object, cx: &mut Cx<'_>) -> Canary {
    Canary {
        header: a.get("canary-by-header").map(str::to_string),
        header_value: a.get("canary-by-header-value").map(str::to_string),
        header_pattern: a.get("canary-by-header-pattern").map(str::to_string),
        cookie: a.get("canary-by-cookie").map(str::to_string),
        weight: number(a, "canary-weight", o, cx).unwrap_or(0),
        weight_total: number(a, "canary-weight-total", o, cx)
            .filter(|t| *t > 0)
            .unwrap_or(100),
    }
}

fn list(v: &str) -> Vec<String> {
    v.split(',')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_string)
        .collect()
}

/// ingress-nginx's CORS defaults, overridden by the `cors-*` annotations.
fn cors(a: &Ann<'_>) -> Cors {
    let methods = a
        .get("cors-allow-methods")
        .unwrap_or("GET, PUT, POST, DELETE, PATCH, OPTIONS");
    let headers = a.get("cors-allow-headers").unwrap_or(
        "DNT,Keep-Alive,User-Agent,X-Requested-With,If-Modified-Since,Cache-Control,Content-Type,Range,Authorization",
    );
    Cors {
        allow_origins: Some(list(a.get("cors-allow-origin").unwrap_or("*"))),
        allow_credentials: Some(
            a.get("cors-allow-credentials")
                .is_none_or(|v| v.eq_ignore_ascii_case("true")),
        ),
        allow_methods: Some(list(methods).into_iter().map(|m| m.to_ascii_uppercase()).collect()),
        allow_headers: Some(list(headers)),
        expose_headers: a.get("cors-expose-headers").map(list).filter(|l| !l.is_empty()),
        max_age: Some(
            a.get("cors-max-age")
                .and_then(|v| v.trim().parse().ok())
                .unwrap_or(1_728_000),
        ),
    }
}
