//! GRPCRoute matching: the `service` and `method` of a call (`POST
//! /pkg.Service/Method`), exactly or by regular expression. Headers match as
//! for HTTPRoutes ([`super::precedence`]).

use regex::Regex;

use super::request::Request;
use super::routes::anchored;

/// The gRPC `service`/`method` of a GRPCRoute match (the default: any call).
#[derive(Clone, Debug, Default)]
pub struct GrpcMethod {
    /// Service (any when absent).
    pub service: Option<String>,
    /// Method (any when absent).
    pub method: Option<String>,
    /// Whether they are regular expressions.
    pub regex: Option<(Option<Regex>, Option<Regex>)>,
}

impl GrpcMethod {
    /// Parse a GRPCRoute match's `method` (`{type, service, method}`).
    pub fn parse(m: &serde_json::Value) -> GrpcMethod {
        let field = |k: &str| m.get(k).and_then(|v| v.as_str()).map(str::to_string);
        let (service, method) = (field("service"), field("method"));
        let regex = (field("type").as_deref() == Some("RegularExpression")).then(|| {
            (
                service.as_deref().and_then(anchored),
                method.as_deref().and_then(anchored),
            )
        });
        GrpcMethod { service, method, regex }
    }
}

fn part_ok(want: Option<&String>, re: Option<&Option<Regex>>, got: &str) -> bool {
    match (want, re) {
        (None, _) => true,
        (Some(_), Some(Some(r))) => r.is_match(got),
        (Some(_), Some(None)) => false,
        (Some(w), None) => w == got,
    }
}

/// What a call missed of `g`, or `None` when its service and method match.
pub fn miss(g: &GrpcMethod, req: &Request) -> Option<String> {
    let (service, method) = req.grpc_method();
    let (rs, rm) = match &g.regex {
        Some((s, m)) => (Some(s), Some(m)),
        None => (None, None),
    };
    let ok = part_ok(g.service.as_ref(), rs, service) && part_ok(g.method.as_ref(), rm, method);
    (!ok).then(|| format!("gRPC method `{service}/{method}`"))
}
