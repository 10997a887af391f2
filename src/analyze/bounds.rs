//! The numeric bounds the Gateway API's standard CRDs put on every number
//! gatewright writes, in one table, checked at compile time against the
//! target version (GW334), so that no render is refused by the API server
//! for a value. `tests/hardening_values.rs` checks the table against the
//! standard CRDs of every version in `shared/data/gateway-api/`, and that
//! every number of those CRDs' `spec`s is in it or is one gatewright never writes.

use super::Context;
use crate::diagnostic::Code;
use crate::diagnostic::Diagnostics;
use crate::model::{BackendRef, Model};
use crate::spec::Filter;
use crate::version::{self, Version};

/// The largest `int32`, the bound of the CRDs' numbers that state no maximum.
pub const INT32_MAX: i64 = 2_147_483_647;

/// A number field of the Gateway API that gatewright writes, and its bounds.
#[derive(Debug, Clone, Copy)]
pub struct Bound {
    /// What the spec calls it.
    pub what: &'static str,
    /// Where the CRDs have it: `(kind, path below the object)`; a path a
    /// version's CRDs lack is a feature that version lacks (GW425).
    pub crd_paths: &'static [(&'static str, &'static str)],
    /// The smallest value allowed.
    pub min: i64,
    /// The largest value allowed (`int32`'s when the CRD states none).
    pub max: i64,
}

const fn bound(what: &'static str, crd_paths: &'static [(&'static str, &'static str)], min: i64, max: i64) -> Bound {
    Bound {
        what,
        crd_paths,
        min,
        max,
    }
}

/// A listener's `port`.
pub const LISTENER_PORT: Bound = bound("listener `port`", &[("Gateway", "spec.listeners[].port")], 1, 65535);
/// A backend's `port`.
pub const BACKEND_PORT: Bound = bound(
    "backend `port`",
    &[
        ("HTTPRoute", "spec.rules[].backendRefs[].port"),
        ("GRPCRoute", "spec.rules[].backendRefs[].port"),
        ("TLSRoute", "spec.rules[].backendRefs[].port"),
        ("TCPRoute", "spec.rules[].backendRefs[].port"),
        ("UDPRoute", "spec.rules[].backendRefs[].port"),
    ],
    1,
    65535,
);
/// A backend's `weight`.
pub const WEIGHT: Bound = bound(
    "backend `weight`",
    &[
        ("HTTPRoute", "spec.rules[].backendRefs[].weight"),
        ("GRPCRoute", "spec.rules[].backendRefs[].weight"),
        ("TLSRoute", "spec.rules[].backendRefs[].weight"),
        ("TCPRoute", "spec.rules[].backendRefs[].weight"),
        ("UDPRoute", "spec.rules[].backendRefs[].weight"),
    ],
    0,
    1_000_000,
);
/// A parentRef's `port`.
pub const PARENT_PORT: Bound = bound(
    "parentRef `port`",
    &[
        ("HTTPRoute", "spec.parentRefs[].port"),
        ("GRPCRoute", "spec.parentRefs[].port"),
        ("TLSRoute", "spec.parentRefs[].port"),
        ("TCPRoute", "spec.parentRefs[].port"),
        ("UDPRoute", "spec.parentRefs[].port"),
    ],
    1,
    65535,
);
/// A filter field's paths in each kind: on a rule and on a rule's backend.
macro_rules! filter_paths {
    ($($kind:literal),+ ; $field:literal) => {
        &[$(($kind, concat!("spec.rules[].filters[].", $field)), ($kind, concat!("spec.rules[].backendRefs[].filters[].", $field))),+]
    };
}

/// `requestMirror.backendRef.port`.
pub const MIRROR_PORT: Bound = bound(
    "mirror backend `port`",
    filter_paths!("HTTPRoute", "GRPCRoute"; "requestMirror.backendRef.port"),
    1,
    65535,
);
/// `requestMirror.percent`.
pub const MIRROR_PERCENT: Bound = bound(
    "mirror `percent`",
    filter_paths!("HTTPRoute", "GRPCRoute"; "requestMirror.percent"),
    0,
    100,
);
/// `requestMirror.fraction.numerator`.
pub const NUMERATOR: Bound = bound(
    "mirror fraction `numerator`",
    filter_paths!("HTTPRoute", "GRPCRoute"; "requestMirror.fraction.numerator"),
    0,
    INT32_MAX,
);
/// `requestMirror.fraction.denominator`.
pub const DENOMINATOR: Bound = bound(
    "mirror fraction `denominator`",
    filter_paths!("HTTPRoute", "GRPCRoute"; "requestMirror.fraction.denominator"),
    1,
    INT32_MAX,
);
/// `requestRedirect.port`.
pub const REDIRECT_PORT: Bound = bound(
    "redirect `port`",
    filter_paths!("HTTPRoute"; "requestRedirect.port"),
    1,
    65535,
);
/// `cors.maxAge`.
pub const CORS_MAX_AGE: Bound = bound("CORS `maxAge`", filter_paths!("HTTPRoute"; "cors.maxAge"), 1, INT32_MAX);

/// Every bounded number gatewright writes.
pub const BOUNDS: &[Bound] = &[
    LISTENER_PORT,
    BACKEND_PORT,
    WEIGHT,
    PARENT_PORT,
    MIRROR_PORT,
    MIRROR_PERCENT,
    NUMERATOR,
    DENOMINATOR,
    REDIRECT_PORT,
    CORS_MAX_AGE,
];

/// Where the CRDs have `requestRedirect.statusCode`, an enum.
pub const STATUS_CODE_PATHS: &[(&str, &str)] = filter_paths!("HTTPRoute"; "requestRedirect.statusCode");

/// Where the CRDs have `requestRedirect.scheme`, an enum.
pub const SCHEME_PATHS: &[(&str, &str)] = filter_paths!("HTTPRoute"; "requestRedirect.scheme");

/// The redirect schemes the Gateway API allows.
pub const SCHEMES: &[&str] = &["http", "https"];

/// The redirect status codes of the standard channel: `(first version, codes)`.
const STATUS_CODES: &[(Version, &[u32])] = &[
    (Version::new(1, 1, 0), &[301, 302]),
    (Version::new(1, 6, 1), &[301, 302, 303, 307, 308]),
];

/// The redirect status codes `version` allows (the newest row not newer than it).
pub fn status_codes(version: &str) -> &'static [u32] {
    STATUS_CODES
        .iter()
        .rev()
        .find(|(since, _)| version::at_least(version, *since))
        .map_or(STATUS_CODES[0].1, |(_, codes)| codes)
}

/// The first version that allows `code`, if any does.
pub fn status_code_since(code: u32) -> Option<Version> {
    STATUS_CODES.iter().find(|(_, c)| c.contains(&code)).map(|(v, _)| *v)
}

struct Checker<'a> {
    cx: &'a Context<'a>,
    version: &'a str,
}

impl Checker<'_> {
    /// `pointer` is only formatted for a value out of range: most are within it.
    fn number(&self, diags: &mut Diagnostics, b: &Bound, value: Option<u32>, pointer: impl FnOnce() -> String) {
        let Some(value) = value else { return };
        if (b.min..=b.max).contains(&i64::from(value)) {
            return;
        }
        let range = format!("{} to {}", b.min, b.max);
        diags.push(
            self.cx
                .err(
                    Code::ValueRefused,
                    &pointer(),
                    format!("{} {value} is out of range: the Gateway API allows {range}", b.what),
                )
                .help(format!("write a whole number from {range}")),
        );
    }

    fn filters(&self, diags: &mut Diagnostics, filters: &[Filter], at: &str) {
        for (i, f) in filters.iter().enumerate() {
            let fo = format!("{at}/filters/{i}");
            if let Some(m) = &f.request_mirror {
                let mo = format!("{fo}/requestMirror");
                self.number(diags, &MIRROR_PORT, m.backend_ref.port, || {
                    format!("{mo}/backendRef/port")
                });
                self.number(diags, &MIRROR_PERCENT, m.percent, || format!("{mo}/percent"));
                if let Some(fr) = &m.fraction {
                    self.fraction(diags, fr.numerator, fr.denominator, &format!("{mo}/fraction"));
                }
            }
            if let Some(r) = &f.request_redirect {
                self.number(diags, &REDIRECT_PORT, r.port, || format!("{fo}/requestRedirect/port"));
                if let Some(scheme) = r.scheme.as_deref().filter(|s| !SCHEMES.contains(s)) {
                    diags.push(
                        self.cx
                            .err(
                                Code::ValueRefused,
                                &format!("{fo}/requestRedirect/scheme"),
                                format!(
                                    "redirect `scheme` `{}` is not one the Gateway API allows: http, https",
                                    scheme.escape_debug()
                                ),
                            )
                            .help("write `http` or `https` (lower case)"),
                    );
                }
                if let Some(code) = r.status_code {
                    self.status_code(diags, code, &format!("{fo}/requestRedirect/statusCode"));
                }
            }
            if let Some(c) = &f.cors {
                self.number(diags, &CORS_MAX_AGE, c.max_age, || format!("{fo}/cors/maxAge"));
            }
        }
    }

    fn fraction(&self, diags: &mut Diagnostics, numerator: u32, denominator: Option<u32>, at: &str) {
        self.number(diags, &NUMERATOR, Some(numerator), || format!("{at}/numerator"));
        self.number(diags, &DENOMINATOR, denominator, || format!("{at}/denominator"));
        let denominator = denominator.unwrap_or(100);
        if numerator > denominator {
            diags.push(
                self.cx
                    .err(
                        Code::ValueRefused,
                        &format!("{at}/numerator"),
                        format!("mirror fraction {numerator}/{denominator} is more than 1: the Gateway API requires numerator <= denominator"),
                    )
                    .help(format!("write a numerator from 0 to {denominator} (the denominator is 100 when left out)")),
            );
        }
    }

    /// GW334 for a code no version allows; one a newer version allows is
    /// a feature of that version (GW425, [`super::features`]).
    fn status_code(&self, diags: &mut Diagnostics, code: u32, pointer: &str) {
        let allowed = status_codes(self.version);
        if allowed.contains(&code) || status_code_since(code).is_some() {
            return;
        }
        let list = allowed.iter().map(u32::to_string).collect::<Vec<_>>().join(", ");
        let newest = STATUS_CODES.last().map_or(allowed, |(_, codes)| *codes);
        let help = if newest.len() > allowed.len() {
            let all = newest.iter().map(u32::to_string).collect::<Vec<_>>().join(", ");
            format!("use one of {list} (newer Gateway API versions allow {all})")
        } else {
            format!("use one of {list}")
        };
        diags.push(
            self.cx
                .err(
                    Code::ValueRefused,
                    pointer,
                    format!(
                        "redirect `statusCode` {code} is not one Gateway API {} allows: {list}",
                        self.version
                    ),
                )
                .help(help),
        );
    }

    fn backends(&self, diags: &mut Diagnostics, backends: &[BackendRef]) {
        for b in backends {
            self.number(diags, &BACKEND_PORT, b.port, || format!("{}/port", b.origin));
            self.number(diags, &WEIGHT, b.weight, || format!("{}/weight", b.origin));
            self.filters(diags, &b.filters, &b.origin);
        }
    }
}

/// GW334 for every number of the model outside what the target version allows.
pub fn check(model: &Model, cx: &Context<'_>, diags: &mut Diagnostics) {
    let c = Checker {
        cx,
        version: &model.gateway_api_version,
    };
    for g in &model.gateways {
        for l in &g.listeners {
            c.number(diags, &LISTENER_PORT, Some(l.port), || format!("{}/port", l.origin));
        }
    }
    let parents = |diags: &mut Diagnostics, refs: &[crate::model::ParentRef], o: &str| {
        for (i, p) in refs.iter().enumerate() {
            c.number(diags, &PARENT_PORT, p.port, || format!("{o}/parentRefs/{i}/port"));
        }
    };
    for r in &model.routes {
        parents(diags, &r.parent_refs, &r.origin);
        for rule in &r.rules {
            c.filters(diags, &rule.filters, &rule.origin);
            c.backends(diags, &rule.backend_refs);
        }
    }
    for r in &model.grpc_routes {
        parents(diags, &r.parent_refs, &r.origin);
        for rule in &r.rules {
            c.filters(diags, &rule.filters, &rule.origin);
            c.backends(diags, &rule.backend_refs);
        }
    }
    for r in &model.l4_routes {
        parents(diags, &r.parent_refs, &r.origin);
        for rule in &r.rules {
            c.backends(diags, &rule.backend_refs);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn status_codes_follow_the_version() {
        assert_eq!(status_codes("v1.1.0"), &[301, 302]);
        assert_eq!(status_codes("v1.3.0"), &[301, 302]);
        assert_eq!(status_codes("v1.6.1"), &[301, 302, 303, 307, 308]);
        assert_eq!(status_codes("v2.0.0"), &[301, 302, 303, 307, 308]);
        assert_eq!(status_code_since(308), Some(Version::new(1, 6, 1)));
        assert_eq!(status_code_since(999), None);
    }
}
