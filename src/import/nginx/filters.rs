//! Route-wide filters and the extra redirect routes of a converted Ingress:
//! CORS, custom headers, redirect statuses the target offers, the
//! HTTP-to-HTTPS and www redirects.

use super::super::{Cx, Object};
use super::ParsedIngress;
use super::convert::CORS_HEADERS;
use super::redirects::{self, STATUS};
use crate::diagnostic::Diagnostic;
use crate::source::Loc;
use crate::spec::{self, Filter, HeaderModifier, RequestRedirect, Rule};

/// A redirect status the target offers (`fallback` otherwise, a warning).
pub(crate) fn status(o: &Object, at: Option<Loc>, code: u32, fallback: u32, cx: &mut Cx<'_>) -> u32 {
    let target = target_version(cx);
    if crate::analyze::bounds::status_codes(&target).contains(&code) {
        return code;
    }
    cx.diags.push(
        Diagnostic::warning(
            STATUS,
            format!(
                "redirect status {code} of Ingress `{}` is not in Gateway API {target}; {fallback} is written",
                o.name()
            ),
        )
        .at(at)
        .help("target Gateway API v1.6.1 (`gatewayApi: v1.6.1` in the spec) to keep the status"),
    );
    fallback
}

/// The Gateway API version the import's gateways target.
pub(crate) fn target_version(cx: &Cx<'_>) -> String {
    let proposed = cx
        .opts
        .profile
        .clone()
        .unwrap_or_else(|| super::super::services::DEFAULT_PROFILE.to_string());
    let profiles = cx.site.gateways.values().filter_map(|g| g.profile.clone());
    let mut versions: Vec<String> = profiles
        .chain(std::iter::once(proposed))
        .filter_map(|p| crate::overlay::profile_target(&p))
        .chain(cx.site.gateway_api.clone())
        .collect();
    versions.sort_by_key(|v| version_key(v));
    versions.pop().unwrap_or_else(|| "v1.1.0".to_string())
}

fn version_key(v: &str) -> Vec<u32> {
    v.trim_start_matches('v')
        .split('.')
        .map(|p| p.parse().unwrap_or(0))
        .collect()
}

pub(crate) fn cors_filters(o: &Object, cors: &spec::Cors, cx: &mut Cx<'_>) -> Vec<Filter> {
    if version_key(&target_version(cx)) >= version_key("v1.6.1") {
        return vec![Filter {
            cors: Some(cors.clone()),
            ..Filter::default()
        }];
    }
    super::annotations::warn(
        o,
        "enable-cors",
        CORS_HEADERS,
        format!(
            "CORS of Ingress `{}` is written as response headers: the target Gateway API has no CORS filter",
            o.name()
        ),
        "preflight `OPTIONS` requests now reach the backend: answer them there, or target Gateway API v1.6.1 (`gatewayApi: v1.6.1`) for the CORS filter",
        cx,
    );
    let join = |l: &Option<Vec<String>>| l.clone().unwrap_or_default().join(", ");
    let mut set = vec![
        header("Access-Control-Allow-Origin", &join(&cors.allow_origins)),
        header("Access-Control-Allow-Methods", &join(&cors.allow_methods)),
        header("Access-Control-Allow-Headers", &join(&cors.allow_headers)),
    ];
    if cors.allow_credentials == Some(true) {
        set.push(header("Access-Control-Allow-Credentials", "true"));
    }
    if let Some(age) = cors.max_age {
        set.push(header("Access-Control-Max-Age", &age.to_string()));
    }
    if cors.expose_headers.is_some() {
        set.push(header("Access-Control-Expose-Headers", &join(&cors.expose_headers)));
    }
    vec![response_headers(set)]
}

fn header(name: &str, value: &str) -> spec::Header {
    spec::Header {
        name: name.to_string(),
        value: value.to_string(),
    }
}

fn response_headers(set: Vec<spec::Header>) -> Filter {
    Filter {
        response_header_modifier: Some(HeaderModifier {
            set: Some(set),
            ..HeaderModifier::default()
        }),
        ..Filter::default()
    }
}

/// `custom-headers`: the ConfigMap's entries as response headers.
pub(crate) fn custom_headers(
    o: &Object,
    ing: &ParsedIngress,
    cm: &str,
    objects: &[Object],
    cx: &mut Cx<'_>,
) -> Option<Filter> {
    let (ns, name) = cm.split_once('/').unwrap_or((&ing.namespace, cm));
    let map = objects
        .iter()
        .filter(|x| x.kind() == "ConfigMap" && x.name() == name)
        .find(|x| x.str("/metadata/namespace").unwrap_or(&ing.namespace) == ns)
        .and_then(|x| x.value.pointer("/data").and_then(serde_json::Value::as_object).cloned());
    let Some(map) = map else {
        super::annotations::warn(
            o,
            "custom-headers",
            super::annotations::NO_EQUIVALENT,
            format!(
                "the ConfigMap `{ns}/{name}` of Ingress `{}`'s custom headers is not among the manifests",
                o.name()
            ),
            "import the ConfigMap's manifest too, or add the headers as a `responseHeaderModifier` filter",
            cx,
        );
        return None;
    };
    let set = map
        .iter()
        .map(|(k, v)| header(k, v.as_str().unwrap_or_default()))
        .collect();
    Some(response_headers(set))
}

/// The HTTP-to-HTTPS redirect route of a host, on listener `http`.
pub(crate) fn https_redirect(route: &spec::Route, code: u32) -> spec::Route {
    let redirect = RequestRedirect {
        scheme: Some("https".to_string()),
        status_code: Some(code),
        ..RequestRedirect::default()
    };
    let rules = route
        .rules
        .iter()
        .flatten()
        .map(|r| {
            // nginx answers `app-root` (server level) and `permanent-redirect`/`temporal-redirect`
            // (the location's `return`) before the HTTPS redirect (`rewrite_by_lua`, last).
            if r.filters.iter().any(|f| f.request_redirect.is_some()) {
                return r.clone();
            }
            Rule {
                matches: r.matches.clone(),
                filters: vec![redirects::redirect(redirect.clone())],
                ..Rule::default()
            }
        })
        .collect();
    spec::Route {
        hostnames: route.hostnames.clone(),
        rules: Some(rules),
        ..spec::Route::default()
    }
}

/// `from-to-www-redirect`: the other of `host` and `www.host`, redirected to `host`.
pub(crate) fn www_redirect(host: &str, code: u32) -> spec::Route {
    let other = match host.strip_prefix("www.") {
        Some(bare) => bare.to_string(),
        None => format!("www.{host}"),
    };
    let redirect = RequestRedirect {
        hostname: Some(host.to_string()),
        status_code: Some(code),
        ..RequestRedirect::default()
    };
    spec::Route {
        hostnames: Some(vec![other]),
        rules: Some(vec![Rule {
            filters: vec![redirects::redirect(redirect)],
            ..Rule::default()
        }]),
        ..spec::Route::default()
    }
}
