//! GW430 for GRPCRoutes: two routes that claim the same hostname and the
//! same match (service and method, headers) on one listener of a gateway or
//! ListenerSet. As for HTTPRoutes, the API picks the older route, which a Git
//! repository cannot show. The claims are hashed by the check HTTPRoutes
//! use ([`super::conflicts::check_kind`]); this file says what a gRPC match is.

use super::conflicts::{Claimant, check_kind};
use super::kinds::HttpLike;
use super::{Context, Lookup};
use crate::diagnostic::Diagnostics;
use crate::model::{GrpcRoute, GrpcRule, Model};
use crate::spec::GrpcMatch;

/// Check that no two GRPCRoutes claim the same hostname and match on one listener.
pub fn check(model: &Model, lookup: &Lookup<'_>, cx: &Context<'_>, diags: &mut Diagnostics) {
    check_kind(&model.grpc_routes, model, lookup, cx, diags);
}

impl Claimant for GrpcRoute {
    type Rule = GrpcRule;
    const ROUTES: &'static str = "gRPC routes";
    const MATCH: &'static str = "method match";

    fn view(&self) -> HttpLike<'_> {
        HttpLike::grpc(self)
    }

    fn rules(&self) -> &[GrpcRule] {
        &self.rules
    }

    fn match_keys(rule: &GrpcRule) -> Vec<(Option<usize>, String)> {
        match_keys(rule)
    }

    fn describe(key: &str) -> String {
        describe(key)
    }

    fn pointer(&self, rule: &GrpcRule, m: Option<usize>, _: &Context<'_>) -> String {
        pointer(self, rule, m)
    }
}

/// A canonical key per match of a rule (a rule without matches takes every call).
fn match_keys(rule: &GrpcRule) -> Vec<(Option<usize>, String)> {
    match rule.matches.as_deref() {
        None | Some([]) => vec![(None, "*/*".to_string())],
        Some(matches) => matches.iter().enumerate().map(|(i, m)| (Some(i), key(m))).collect(),
    }
}

fn key(m: &GrpcMatch) -> String {
    let method = m.method.as_ref();
    let kind = method
        .and_then(|x| x.kind)
        .map_or("Exact".to_string(), |k| format!("{k:?}"));
    let service = method.and_then(|x| x.service.as_deref()).unwrap_or("*");
    let name = method.and_then(|x| x.method.as_deref()).unwrap_or("*");
    let mut out = format!("{service}/{name}");
    if kind != "Exact" {
        out.push_str(&format!(" ({kind})"));
    }
    let mut headers: Vec<String> = m
        .headers
        .iter()
        .flatten()
        .map(|h| format!("header {} {:?} {}", h.name.to_ascii_lowercase(), h.kind, h.value))
        .collect();
    headers.sort();
    for h in headers {
        out.push('\t');
        out.push_str(&h);
    }
    out
}

/// `svc/method` -> "method `svc/method`", with the headers.
fn describe(key: &str) -> String {
    let mut parts = key.split('\t');
    let mut out = match parts.next() {
        Some("*/*") | None => "every method".to_string(),
        Some(m) => format!("method `{m}`"),
    };
    for part in parts {
        out.push_str(&format!(", {part}"));
    }
    out
}

/// The spec path of a match: the route for the short form, `rules/N/matches/M` for the long form.
fn pointer(r: &GrpcRoute, rule: &GrpcRule, m: Option<usize>) -> String {
    match m {
        _ if rule.origin == r.origin => r.origin.clone(),
        Some(i) => format!("{}/matches/{i}", rule.origin),
        None => rule.origin.clone(),
    }
}
