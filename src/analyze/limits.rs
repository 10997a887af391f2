//! API limits of the target Gateway API version: how many hostnames, rules,
//! matches, backends, listeners, addresses and certificates one object may
//! hold (the CRDs' `maxItems` and the total-matches rule), so that a render
//! is never refused for size.

use super::Context;
use crate::diagnostic::Code;
use crate::diagnostic::Diagnostics;
use crate::model::Model;
use crate::version::{self, Version};

/// Matches one rule may hold: 8 before Gateway API v1.2, 64 since.
pub fn max_matches_per_rule(version: &str) -> usize {
    if version::at_least(version, Version::new(1, 2, 0)) {
        64
    } else {
        8
    }
}

/// Matches one route may hold across its rules (a rule without matches counts
/// one): no limit before v1.2, 128 since.
pub fn max_matches_per_route(version: &str) -> Option<usize> {
    version::at_least(version, Version::new(1, 2, 0)).then_some(128)
}

struct Limit<'a> {
    cx: &'a Context<'a>,
    version: &'a str,
}

impl Limit<'_> {
    /// `pointer` is only formatted when the limit is exceeded: most objects are within it.
    fn at_most(&self, diags: &mut Diagnostics, count: usize, max: usize, pointer: impl FnOnce() -> String, what: &str) {
        if count > max {
            diags.push(
                self.cx
                    .err(Code::OverApiLimit, &pointer(), format!("{what}: {count}, more than the {max} Gateway API {} allows", self.version))
                    .help("split it in two (e.g. two routes, or two gateways), or target a Gateway API version with a higher limit (`--gateway-api`)"),
            );
        }
    }
}

/// Check every limit on the model.
pub fn check(model: &Model, cx: &Context<'_>, diags: &mut Diagnostics) {
    let version = model.gateway_api_version.as_str();
    let limit = Limit { cx, version };
    for r in &model.routes {
        let o = &r.origin;
        limit.at_most(
            diags,
            r.hostnames.len(),
            16,
            || format!("{o}/hostnames/16"),
            "hostnames of a route",
        );
        limit.at_most(
            diags,
            r.parent_refs.len(),
            32,
            || o.clone(),
            "gateways a route attaches to",
        );
        if r.rules.is_empty() && !model.allow.allows(Code::RouteWithoutBackend, o) {
            diags.push(
                cx.err(
                    Code::RouteWithoutBackend,
                    &format!("{o}/rules"),
                    format!("route `{}` has no rules", r.name),
                )
                .help("add a rule: `rules: [{backendRefs: [{name: SERVICE, port: 80}]}]`"),
            );
        }
        limit.at_most(diags, r.rules.len(), 16, || format!("{o}/rules/16"), "rules of a route");
        let mut total = 0;
        for rule in &r.rules {
            let ro = &rule.origin;
            total += rule.matches.len().max(1);
            let max = max_matches_per_rule(version);
            limit.at_most(
                diags,
                rule.matches.len(),
                max,
                || format!("{ro}/matches/{max}"),
                "matches of a rule",
            );
            limit.at_most(
                diags,
                rule.backend_refs.len(),
                16,
                || format!("{ro}/backendRefs/16"),
                "backends of a rule",
            );
            for (j, m) in rule.matches.iter().enumerate() {
                limit.at_most(
                    diags,
                    m.headers.len(),
                    16,
                    || format!("{ro}/matches/{j}/headers/16"),
                    "header matches of a match",
                );
                limit.at_most(
                    diags,
                    m.query_params.len(),
                    16,
                    || format!("{ro}/matches/{j}/queryParams/16"),
                    "query parameter matches of a match",
                );
            }
        }
        if let Some(max) = max_matches_per_route(version) {
            limit.at_most(
                diags,
                total,
                max,
                || format!("{o}/rules"),
                "matches of a route, over all its rules",
            );
        }
    }
    for g in &model.gateways {
        limit.at_most(
            diags,
            g.listeners.len(),
            64,
            || format!("{}/listeners", g.origin),
            "listeners of a gateway",
        );
        limit.at_most(
            diags,
            g.addresses.len(),
            16,
            || format!("{}/addresses/16", g.origin),
            "addresses of a gateway",
        );
        for l in &g.listeners {
            let certs = l.tls.as_ref().map_or(0, |t| t.certificate_refs.len());
            limit.at_most(
                diags,
                certs,
                64,
                || format!("{}/tls/certificates/64", l.origin),
                "certificates of a listener",
            );
        }
    }
}
