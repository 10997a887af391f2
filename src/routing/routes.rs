//! The typed `spec` of HTTPRoutes and GRPCRoutes: parent references,
//! hostnames, rules with their matches, filters and backends.

use serde::Deserialize;
use serde_json::Value;

use super::objects::Reference;

/// `spec` of an HTTPRoute or a GRPCRoute.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct RouteSpec {
    /// Gateways and ListenerSets it attaches to.
    pub parent_refs: Vec<Reference>,
    /// Hostnames (any when empty).
    pub hostnames: Vec<String>,
    /// Rules, in order.
    pub rules: Vec<RuleSpec>,
}

/// One rule.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct RuleSpec {
    /// Its name, when given.
    pub name: Option<String>,
    /// Matches (one `PathPrefix /` when empty).
    pub matches: Vec<MatchSpec>,
    /// Filters, in order.
    pub filters: Vec<Filter>,
    /// Backends.
    pub backend_refs: Vec<Reference>,
    /// Timeouts.
    pub timeouts: Option<Timeouts>,
}

/// `timeouts` of a rule, as written (e.g. `500ms`, `0s` disables).
#[derive(Clone, Debug, Default, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "camelCase", default)]
pub struct Timeouts {
    /// The whole request.
    pub request: Option<String>,
    /// One attempt at a backend.
    pub backend_request: Option<String>,
}

/// One match of an HTTPRoute or GRPCRoute rule.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct MatchSpec {
    /// Path (HTTPRoute).
    pub path: Option<StringMatch>,
    /// Headers.
    pub headers: Vec<StringMatch>,
    /// Query parameters (HTTPRoute).
    pub query_params: Vec<StringMatch>,
    /// The HTTP method (a string) or the gRPC method (`{type, service, method}`).
    pub method: Option<Value>,
}

/// A path, header or query match: `type`, `name` (not for paths), `value`.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(default)]
pub struct StringMatch {
    /// `Exact`, `PathPrefix`, `RegularExpression` (`Exact` when absent, `PathPrefix` for paths).
    #[serde(rename = "type")]
    pub kind: Option<String>,
    /// Header or parameter name.
    pub name: String,
    /// Value.
    pub value: Option<String>,
}

/// One `name: value` header.
#[derive(Clone, Debug, Default, Deserialize, PartialEq, Eq)]
#[serde(default)]
pub struct Header {
    /// Name.
    pub name: String,
    /// Value.
    pub value: String,
}

/// A header modifier.
#[derive(Clone, Debug, Default, Deserialize, PartialEq, Eq)]
#[serde(default)]
pub struct HeaderModifier {
    /// Replace (or add) these.
    pub set: Vec<Header>,
    /// Append these.
    pub add: Vec<Header>,
    /// Remove these names.
    pub remove: Vec<String>,
}

/// A path modifier of a redirect or rewrite.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct PathModifier {
    /// `ReplaceFullPath` or `ReplacePrefixMatch`.
    #[serde(rename = "type")]
    pub kind: String,
    /// For `ReplaceFullPath`.
    pub replace_full_path: Option<String>,
    /// For `ReplacePrefixMatch`.
    pub replace_prefix_match: Option<String>,
}

/// `requestRedirect`.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct Redirect {
    /// Scheme.
    pub scheme: Option<String>,
    /// Hostname.
    pub hostname: Option<String>,
    /// Path.
    pub path: Option<PathModifier>,
    /// Port.
    pub port: Option<u16>,
    /// Status code (302 when absent).
    pub status_code: Option<u16>,
}

/// `urlRewrite`.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(default)]
pub struct Rewrite {
    /// Hostname.
    pub hostname: Option<String>,
    /// Path.
    pub path: Option<PathModifier>,
}

/// `fraction` of a mirror.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(default)]
pub struct Fraction {
    /// Numerator.
    pub numerator: u32,
    /// Denominator (100 when absent).
    pub denominator: Option<u32>,
}

/// `requestMirror`.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct Mirror {
    /// Where the copy goes.
    pub backend_ref: Reference,
    /// Percent of requests mirrored.
    pub percent: Option<u32>,
    /// Fraction of requests mirrored.
    pub fraction: Option<Fraction>,
}

/// `cors`.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct Cors {
    /// Origins, possibly with a `*` label or `*` alone.
    pub allow_origins: Vec<String>,
    /// Methods, or `*`.
    pub allow_methods: Vec<String>,
    /// Request headers, or `*`.
    pub allow_headers: Vec<String>,
    /// Response headers exposed.
    pub expose_headers: Vec<String>,
    /// Seconds a preflight may be cached.
    pub max_age: Option<u32>,
    /// Whether credentials are allowed.
    pub allow_credentials: Option<bool>,
}

/// One filter.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct Filter {
    /// The filter type.
    #[serde(rename = "type")]
    pub kind: String,
    /// `RequestHeaderModifier`.
    pub request_header_modifier: Option<HeaderModifier>,
    /// `ResponseHeaderModifier`.
    pub response_header_modifier: Option<HeaderModifier>,
    /// `RequestRedirect`.
    pub request_redirect: Option<Redirect>,
    /// `URLRewrite`.
    pub url_rewrite: Option<Rewrite>,
    /// `RequestMirror`.
    pub request_mirror: Option<Mirror>,
    /// `CORS`.
    pub cors: Option<Cors>,
}

impl HeaderModifier {
    /// Apply the modifier to `headers` (names compare without case; `add` appends with `,`).
    pub fn apply(&self, headers: &mut Vec<(String, String)>) {
        for h in &self.set {
            headers.retain(|(n, _)| !n.eq_ignore_ascii_case(&h.name));
            headers.push((h.name.clone(), h.value.clone()));
        }
        for h in &self.add {
            match headers.iter_mut().find(|(n, _)| n.eq_ignore_ascii_case(&h.name)) {
                Some((_, v)) => {
                    v.push(',');
                    v.push_str(&h.value);
                }
                None => headers.push((h.name.clone(), h.value.clone())),
            }
        }
        headers.retain(|(n, _)| !self.remove.iter().any(|r| r.eq_ignore_ascii_case(n)));
    }
}

/// `re` matching a whole value (`None` when it does not compile: it then matches nothing).
pub(super) fn anchored(re: &str) -> Option<regex::Regex> {
    regex::Regex::new(&format!("^(?:{re})$")).ok()
}
