//! Backend references: Services in the route's namespace, or in another
//! namespace that a ReferenceGrant opens; anything else is a 500 for its
//! share of the traffic.

use std::collections::{BTreeMap, BTreeSet};

use super::objects::{GROUP, GrantSpec, Object, Reference, ServiceSpec};
use super::outcome::{Backend, FailedBackend, MirrorTarget, RequestSeen};
use super::routes::{Filter, Mirror};

/// The Services and ReferenceGrants backends are checked against.
#[derive(Debug, Default)]
pub struct Catalog {
    /// Services by (namespace, name); an empty namespace when the object names none.
    pub services: BTreeMap<(String, String), ServiceSpec>,
    /// ReferenceGrants.
    pub grants: Vec<Object<GrantSpec>>,
    /// Whether the input held any Service: without one, a Service's existence is not checked.
    pub services_known: bool,
}

impl Catalog {
    fn granted(&self, from_kind: &str, from_ns: &str, to_ns: &str, name: &str) -> bool {
        self.grants.iter().any(|g| {
            g.meta.ns() == to_ns
                && g.spec
                    .from
                    .iter()
                    .any(|f| f.group == GROUP && f.kind == from_kind && f.namespace.as_deref() == Some(from_ns))
                && g.spec
                    .to
                    .iter()
                    .any(|t| t.group.is_empty() && t.kind == "Service" && t.name.as_deref().is_none_or(|n| n == name))
        })
    }

    /// Why `r`, referred to from a `route_kind` in `route_ns`, cannot be reached; `None` when it can.
    pub fn problem(&self, r: &Reference, route_kind: &str, route_ns: &str) -> Option<String> {
        let group = r.group.as_deref().unwrap_or("");
        let kind = r.kind.as_deref().unwrap_or("Service");
        let ns = r.namespace.as_deref().unwrap_or(route_ns);
        if !group.is_empty() || kind != "Service" {
            let gk = if group.is_empty() {
                kind.to_string()
            } else {
                format!("{kind}.{group}")
            };
            return Some(format!("unknown backend kind `{gk}`"));
        }
        if ns != route_ns && !self.granted(route_kind, route_ns, ns, &r.name) {
            return Some(format!(
                "no ReferenceGrant in `{ns}` lets {route_kind}s of `{route_ns}` refer to Service `{}`",
                r.name
            ));
        }
        let exists = |ns: &str| self.services.contains_key(&(ns.to_string(), r.name.clone()));
        if self.services_known && !exists(ns) && !exists("") {
            return Some(format!("Service `{ns}/{}` does not exist", r.name));
        }
        None
    }
}

/// The backends of a rule: those that can be chosen (weight above 0), and those whose share is a 500.
pub fn resolve(
    refs: &[Reference],
    catalog: &Catalog,
    route_kind: &str,
    route_ns: &str,
    seen: &RequestSeen,
) -> (Vec<Backend>, Vec<FailedBackend>) {
    let mut ok = Vec::new();
    let mut failed = Vec::new();
    for r in refs {
        let weight = r.weight.unwrap_or(1);
        let namespace = r.namespace.clone().unwrap_or_else(|| route_ns.to_string());
        if let Some(reason) = catalog.problem(r, route_kind, route_ns) {
            if weight > 0 {
                failed.push(FailedBackend {
                    namespace,
                    name: r.name.clone(),
                    port: r.port,
                    weight,
                    reason,
                });
            }
            continue;
        }
        if weight == 0 {
            continue;
        }
        ok.push(Backend {
            namespace,
            name: r.name.clone(),
            port: r.port,
            weight,
            request_seen: own_view(&r.filters, seen),
        });
    }
    (ok, failed)
}

/// What one backend sees when its own header filters change the request.
fn own_view(filters: &[serde_json::Value], seen: &RequestSeen) -> Option<RequestSeen> {
    let filters: Vec<Filter> = filters
        .iter()
        .filter_map(|f| serde_json::from_value(f.clone()).ok())
        .collect();
    let mods: Vec<_> = filters
        .iter()
        .filter_map(|f| f.request_header_modifier.as_ref())
        .collect();
    if mods.is_empty() {
        return None;
    }
    let mut own = seen.clone();
    for m in mods {
        m.apply(&mut own.headers);
    }
    Some(own)
}

/// The mirrors that can be reached, with the percent of requests each receives.
pub fn mirrors(list: &[Mirror], catalog: &Catalog, route_kind: &str, route_ns: &str) -> Vec<MirrorTarget> {
    let mut seen = BTreeSet::new();
    list.iter()
        .filter(|m| catalog.problem(&m.backend_ref, route_kind, route_ns).is_none())
        .filter_map(|m| {
            let r = &m.backend_ref;
            let percent = match (&m.percent, &m.fraction) {
                (Some(p), _) => (*p).min(100),
                (None, Some(f)) => {
                    let d = f.denominator.unwrap_or(100).max(1);
                    (u64::from(f.numerator) * 100 / u64::from(d)).min(100) as u32
                }
                (None, None) => 100,
            };
            let namespace = r.namespace.clone().unwrap_or_else(|| route_ns.to_string());
            seen.insert((namespace.clone(), r.name.clone(), r.port))
                .then(|| MirrorTarget {
                    namespace,
                    name: r.name.clone(),
                    port: r.port,
                    percent,
                })
        })
        .collect()
}
