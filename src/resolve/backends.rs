//! Backends and filters of HTTP and gRPC rules, and the ReferenceGrants that
//! backends in other namespaces need.

use std::collections::{BTreeMap, BTreeSet, HashSet};

use super::Context;
use crate::diagnostic::{Code, Diagnostic, Diagnostics};
use crate::model::{self, Model};
use crate::spec::{self, FilterType};

/// The filters of a TLS, TCP or UDP rule: none.
const NO_FILTERS: &Vec<spec::Filter> = &Vec::new();

/// The route kind a rule belongs to (they take different filters).
#[derive(Clone, Copy, PartialEq, Eq)]
pub(super) enum Kind {
    Http,
    Grpc,
}

/// Filters in Gateway API shape (`type` filled in); findings for a filter
/// that sets no field, several, or one its route kind does not take.
pub(super) fn filters(
    list: &[spec::Filter],
    kind: Kind,
    pointer: &str,
    cx: &Context<'_>,
    diags: &mut Diagnostics,
) -> Vec<spec::Filter> {
    let mut out = Vec::new();
    for (i, f) in list.iter().enumerate() {
        let at = format!("{pointer}/{i}");
        let Some(t) = f.effective_type() else {
            diags.push(
                cx.err(
                    Code::FilterFields,
                    &at,
                    "a filter must set exactly one of its fields, matching `type` when given",
                )
                .help("write one filter per list item, e.g. `- requestRedirect: {scheme: https, statusCode: 301}`"),
            );
            continue;
        };
        let http_only = matches!(
            t,
            FilterType::RequestRedirect | FilterType::URLRewrite | FilterType::CORS
        );
        if kind == Kind::Grpc && http_only {
            diags.push(
                cx.err(Code::FilterNotForGrpc, &at, format!("a GRPCRoute cannot use the `{t:?}` filter"))
                    .help("GRPCRoutes take `requestHeaderModifier`, `responseHeaderModifier`, `requestMirror` and `extensionRef`"),
            );
            continue;
        }
        let mut f = f.clone();
        f.kind = Some(t);
        out.push(f);
    }
    out
}

/// The backends of a rule at `pointer`.
pub(super) fn backend_refs(
    list: &[spec::BackendRef],
    ns: &str,
    kind: Kind,
    pointer: &str,
    cx: &Context<'_>,
    diags: &mut Diagnostics,
) -> Vec<model::BackendRef> {
    let mut out = Vec::new();
    for (i, b) in list.iter().enumerate() {
        let origin = format!("{pointer}/backendRefs/{i}");
        if b.port.is_none() && model::is_service(&b.group, &b.kind) {
            diags.push(
                cx.err(
                    Code::BackendWithoutPort,
                    &origin,
                    format!("backend Service `{}` has no port", b.name),
                )
                .help("add `port:` (the Service port to send traffic to)"),
            );
            continue;
        }
        out.push(model::BackendRef {
            group: b.group.clone(),
            kind: b.kind.clone(),
            name: b.name.clone(),
            namespace: b.namespace.clone().filter(|n| n != ns),
            port: b.port,
            weight: b.weight,
            filters: filters(&b.filters, kind, &format!("{origin}/filters"), cx, diags),
            origin,
        });
    }
    out
}

/// A Service a route of `from_kind` in `from_ns` refers to across namespaces.
struct CrossRef<'a> {
    from_kind: &'static str,
    from_ns: &'a str,
    to_ns: &'a str,
    name: &'a str,
    origin: String,
}

/// Every Service in another namespace that a route refers to: its backends,
/// and the backends its `requestMirror` filters (of rules and of backends) copy requests to.
fn cross_refs(model: &Model) -> Vec<CrossRef<'_>> {
    let http = model.routes.iter().flat_map(|r| {
        r.rules.iter().map(move |rule| {
            (
                "HTTPRoute",
                r.namespace.as_str(),
                &rule.filters,
                &rule.backend_refs,
                &rule.origin,
            )
        })
    });
    let grpc = model.grpc_routes.iter().flat_map(|r| {
        r.rules.iter().map(move |rule| {
            (
                "GRPCRoute",
                r.namespace.as_str(),
                &rule.filters,
                &rule.backend_refs,
                &rule.origin,
            )
        })
    });
    let l4 = model.l4_routes.iter().flat_map(|r| {
        r.rules.iter().map(move |rule| {
            (
                r.kind.kind(),
                r.namespace.as_str(),
                NO_FILTERS,
                &rule.backend_refs,
                &rule.origin,
            )
        })
    });
    let mut out = Vec::new();
    for (from_kind, from_ns, filters, backends, origin) in http.chain(grpc).chain(l4) {
        mirrors(&mut out, from_kind, from_ns, filters, origin);
        for b in backends {
            mirrors(&mut out, from_kind, from_ns, &b.filters, &b.origin);
            if let Some(to_ns) = b.namespace.as_deref().filter(|_| model::is_service(&b.group, &b.kind)) {
                out.push(CrossRef {
                    from_kind,
                    from_ns,
                    to_ns,
                    name: b.name.as_str(),
                    origin: b.origin.clone(),
                });
            }
        }
    }
    out
}

/// The Services in other namespaces that `requestMirror` filters at `at` copy requests to.
fn mirrors<'a>(
    out: &mut Vec<CrossRef<'a>>,
    from_kind: &'static str,
    from_ns: &'a str,
    filters: &'a [spec::Filter],
    at: &'a str,
) {
    for (to_ns, name, origin) in model::cross_namespace_mirrors(filters, at, from_ns) {
        out.push(CrossRef {
            from_kind,
            from_ns,
            to_ns,
            name,
            origin,
        });
    }
}

/// A ReferenceGrant in each namespace whose Services routes of another
/// namespace use, when gatewright owns that namespace; a finding otherwise.
pub(super) fn reference_grants(model: &mut Model, cx: &Context<'_>, diags: &mut Diagnostics) {
    let mut grants: BTreeMap<(String, &'static str, String), (BTreeSet<String>, String)> = BTreeMap::new();
    let owned: HashSet<&str> = model.namespaces.iter().map(|n| n.name.as_str()).collect();
    for c in cross_refs(model) {
        if !owned.contains(c.to_ns) {
            diags.push(
                Diagnostic::warning(
                    Code::BackendNamespaceNotOwned,
                    format!(
                        "backend `{}/{}` is in a namespace this spec does not own",
                        c.to_ns, c.name
                    ),
                )
                .at(cx.loc(&c.origin))
                .path(c.origin.clone())
                .help(format!(
                    "the owner of `{}` must create a ReferenceGrant from {}s in `{}`",
                    c.to_ns, c.from_kind, c.from_ns
                )),
            );
            continue;
        }
        let (services, _) = grants
            .entry((c.to_ns.to_string(), c.from_kind, c.from_ns.to_string()))
            .or_insert_with(|| (BTreeSet::new(), c.origin.clone()));
        services.insert(c.name.to_string());
    }
    for ((namespace, from_kind, from_namespace), (names, origin)) in grants {
        let prefix = from_kind.to_ascii_lowercase();
        model.reference_grants.extend(split_grant(
            &format!("{prefix}s-from-{from_namespace}"),
            &namespace,
            (from_kind, &from_namespace),
            ("", "Service"),
            names.into_iter().collect(),
            &origin,
        ));
    }
}

/// Most `to` entries one ReferenceGrant may hold (the CRD's `maxItems`).
pub(super) const GRANT_MAX_NAMES: usize = 16;

/// One ReferenceGrant per 16 names (sorted) of kind `to_kind` in group `to_group`: `NAME`, `NAME-2`, `NAME-3`, ...
pub(super) fn split_grant(
    name: &str,
    namespace: &str,
    (from_kind, from_namespace): (&str, &str),
    (to_group, to_kind): (&str, &str),
    mut names: Vec<String>,
    origin: &str,
) -> Vec<model::ReferenceGrant> {
    names.sort();
    names
        .chunks(GRANT_MAX_NAMES)
        .enumerate()
        .map(|(i, chunk)| model::ReferenceGrant {
            name: if i == 0 {
                name.to_string()
            } else {
                format!("{name}-{}", i + 1)
            },
            namespace: namespace.to_string(),
            from_kind: from_kind.into(),
            from_namespace: from_namespace.to_string(),
            to_group: to_group.into(),
            to_kind: to_kind.into(),
            names: chunk.to_vec(),
            origin: origin.to_string(),
        })
        .collect()
}
