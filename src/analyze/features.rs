//! Feature gating: a long-form field the target Gateway API version's
//! standard-channel CRDs lack is an error, not silently dropped.
//!
//! The table is read off the standard-install CRDs of the versions the
//! profiles target and of the newest release (`shared/data/gateway-api/<v>/`):
//! a feature's version is the first of v1.1.0, v1.2.1, v1.3.0 and v1.6.1
//! whose schema has the field (timeouts and `infrastructure` became standard
//! in v1.2.0, mirror fractions in v1.3.0; rule names, the CORS filter,
//! ListenerSets, Gateway `tls` and BackendTLSPolicy are absent in v1.3.0 and
//! present in v1.6.1; so are TLSRoutes, TCPRoutes and UDPRoutes, which the
//! older standard channels lack altogether).

use super::Context;
use crate::diagnostic::Code;
use crate::diagnostic::Diagnostics;
use crate::model::{BackendRef, L4Kind, Model};
use crate::spec::{Filter, FilterType};
use crate::version::{self, Version};

/// The release the features below are newer than.
const BASELINE: Version = Version::new(1, 1, 0);

/// A standard-channel feature newer than v1.1.0.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Feature {
    /// `rules[].timeouts` of an HTTPRoute.
    Timeouts,
    /// `rules[].name` of an HTTPRoute or GRPCRoute.
    RuleName,
    /// The `CORS` filter.
    Cors,
    /// `requestMirror.percent` / `requestMirror.fraction`.
    MirrorFraction,
    /// `infrastructure` of a Gateway.
    Infrastructure,
    /// A redirect `statusCode` of 303, 307 or 308 (see [`super::bounds`]).
    RedirectStatusCode,
    /// A ListenerSet (an app's `listeners`).
    ListenerSet,
    /// `allowedListeners` of a Gateway.
    AllowedListeners,
    /// `tls` of a Gateway (frontend validation, backend client certificate).
    GatewayTls,
    /// BackendTLSPolicy (`v1` in the standard channel).
    BackendTlsPolicy,
    /// A TLSRoute, TCPRoute or UDPRoute (the kinds themselves).
    L4Route(crate::model::L4Kind),
    /// A Gateway address without `value`.
    AddressWithoutValue,
}

/// `(feature, first version whose standard channel has it, what it is called in the spec)`.
pub const FEATURES: &[(Feature, Version, &str)] = &[
    (Feature::Timeouts, Version::new(1, 2, 0), "rule `timeouts`"),
    (
        Feature::Infrastructure,
        Version::new(1, 2, 0),
        "gateway `infrastructure`",
    ),
    (
        Feature::MirrorFraction,
        Version::new(1, 3, 0),
        "`requestMirror` `percent`/`fraction`",
    ),
    (
        Feature::AddressWithoutValue,
        Version::new(1, 3, 0),
        "an address without `value`",
    ),
    (Feature::RuleName, Version::new(1, 6, 1), "rule `name`"),
    (Feature::Cors, Version::new(1, 6, 1), "the `cors` filter"),
    (
        Feature::RedirectStatusCode,
        Version::new(1, 6, 1),
        "redirect `statusCode` 303, 307 or 308",
    ),
    (
        Feature::ListenerSet,
        Version::new(1, 6, 1),
        "an app's `listeners` (a ListenerSet)",
    ),
    (
        Feature::AllowedListeners,
        Version::new(1, 6, 1),
        "gateway `allowedListeners`",
    ),
    (Feature::GatewayTls, Version::new(1, 6, 1), "gateway `tls`"),
    (
        Feature::BackendTlsPolicy,
        Version::new(1, 6, 1),
        "`backendTls` (BackendTLSPolicy)",
    ),
    (
        Feature::L4Route(L4Kind::Tls),
        Version::new(1, 6, 1),
        "a TLS route (TLSRoute)",
    ),
    (
        Feature::L4Route(L4Kind::Tcp),
        Version::new(1, 6, 1),
        "a TCP route (TCPRoute)",
    ),
    (
        Feature::L4Route(L4Kind::Udp),
        Version::new(1, 6, 1),
        "a UDP route (UDPRoute)",
    ),
];

/// Whether a filter redirects with a status code newer than v1.1.0's.
pub fn newer_status_code(f: &Filter) -> bool {
    f.request_redirect
        .as_ref()
        .and_then(|r| r.status_code)
        .and_then(super::bounds::status_code_since)
        .is_some_and(|v| v > BASELINE)
}

/// The first version that has `feature`.
pub fn since(feature: Feature) -> Version {
    FEATURES
        .iter()
        .find(|(f, _, _)| *f == feature)
        .map_or(BASELINE, |(_, v, _)| *v)
}

/// Every feature the model uses, with the spec path that uses it.
pub fn used(model: &Model) -> Vec<(Feature, String)> {
    let mut out = Vec::new();
    let filters = |out: &mut Vec<(Feature, String)>, list: &[Filter], at: &str| {
        for (i, f) in list.iter().enumerate() {
            if f.effective_type() == Some(FilterType::CORS) {
                out.push((Feature::Cors, format!("{at}/filters/{i}")));
            }
            if f.request_mirror
                .as_ref()
                .is_some_and(|m| m.percent.is_some() || m.fraction.is_some())
            {
                out.push((Feature::MirrorFraction, format!("{at}/filters/{i}/requestMirror")));
            }
            if newer_status_code(f) {
                out.push((
                    Feature::RedirectStatusCode,
                    format!("{at}/filters/{i}/requestRedirect/statusCode"),
                ));
            }
        }
    };
    let backends = |out: &mut Vec<(Feature, String)>, list: &[BackendRef]| {
        for b in list {
            filters(out, &b.filters, &b.origin);
        }
    };
    for g in &model.gateways {
        if g.infrastructure.is_some() {
            out.push((Feature::Infrastructure, format!("{}/infrastructure", g.origin)));
        }
        if g.allowed_listeners.is_some() {
            out.push((Feature::AllowedListeners, format!("{}/allowedListeners", g.origin)));
        }
        if g.tls.is_some() {
            out.push((Feature::GatewayTls, format!("{}/tls", g.origin)));
        }
        for (i, a) in g.addresses.iter().enumerate() {
            if a.value.is_none() {
                out.push((Feature::AddressWithoutValue, format!("{}/addresses/{i}", g.origin)));
            }
        }
    }
    for s in &model.listener_sets {
        out.push((Feature::ListenerSet, s.origin.clone()));
    }
    for p in &model.backend_tls_policies {
        out.push((Feature::BackendTlsPolicy, p.origin.clone()));
    }
    for r in &model.routes {
        for rule in &r.rules {
            if rule.timeouts.is_some() {
                out.push((Feature::Timeouts, format!("{}/timeouts", rule.origin)));
            }
            if rule.name.is_some() {
                out.push((Feature::RuleName, format!("{}/name", rule.origin)));
            }
            filters(&mut out, &rule.filters, &rule.origin);
            backends(&mut out, &rule.backend_refs);
        }
    }
    for r in &model.grpc_routes {
        for rule in &r.rules {
            if rule.name.is_some() {
                out.push((Feature::RuleName, format!("{}/name", rule.origin)));
            }
            filters(&mut out, &rule.filters, &rule.origin);
            backends(&mut out, &rule.backend_refs);
        }
    }
    for r in &model.l4_routes {
        out.push((Feature::L4Route(r.kind), r.origin.clone()));
    }
    out
}

/// GW420 for each feature the target version lacks.
pub fn check(model: &Model, cx: &Context<'_>, diags: &mut Diagnostics) {
    for (feature, at) in used(model) {
        let Some((_, v, what)) = FEATURES.iter().find(|(f, _, _)| *f == feature) else {
            continue;
        };
        if !version::at_least(&model.gateway_api_version, *v) {
            diags.push(
                cx.err(
                    Code::FeatureTooNew,
                    &at,
                    format!(
                        "{what} needs Gateway API {v} (standard channel); this spec targets {}",
                        model.gateway_api_version
                    ),
                )
                .help(format!(
                    "set `gatewayApi: {v}` at the top of the spec (and install those CRDs), or remove it"
                )),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_redirect_status_code_feature_is_as_old_as_its_codes() {
        assert_eq!(
            Some(since(Feature::RedirectStatusCode)),
            super::super::bounds::status_code_since(303)
        );
    }
}
