//! The semantic routing summary: what a change does to traffic, computed
//! from two models (or two rendered trees) rather than from YAML lines.

use std::collections::BTreeMap;

use serde::Serialize;
use serde_json::Value;

mod l4;

use super::objects::{JsonBackend, JsonMatch};
use crate::emit::Tree;
use crate::model::{BackendRef, L4Kind, Model, RouteMatch};
use crate::spec::{GrpcMatch, ValueMatchType};

/// What routing a model (or tree) sets up, keyed for comparison.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Routing {
    /// `host` + path (+ other matches), or a TLS, TCP or UDP key
    /// (`host TLS`, `gateway TCP listener name`) -> where requests go.
    pub entries: BTreeMap<String, Entry>,
    /// Namespaces gatewright writes -> their labels.
    pub namespaces: BTreeMap<String, Item<BTreeMap<String, String>>>,
    /// Services patched to `ClusterIP` (`namespace/name`).
    pub patched: BTreeMap<String, Item<()>>,
}

/// Where requests for one hostname and match go.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    /// Routes that claim it (`namespace/name`).
    pub routes: Vec<String>,
    /// Backends (`namespace/service:port`, with `weight=N` when set), sorted.
    pub backends: Vec<String>,
    /// Where it came from: spec pointers (best first) or an output file.
    pub origin: Vec<String>,
}

/// A value and where it came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Item<T> {
    /// The value.
    pub value: T,
    /// Spec pointers (best first) or an output file.
    pub origin: Vec<String>,
}

/// Kinds of routing change, in the order the summary lists them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ChangeKind {
    /// A hostname + path now routed.
    Added,
    /// A hostname + path no longer routed.
    Removed,
    /// Same hostname + path, other backends or ports.
    Repointed,
    /// A namespace label changed (the mesh revision, ...).
    Relabelled,
    /// A Service newly patched to `ClusterIP`.
    Patched,
    /// A Service no longer patched.
    Unpatched,
}

/// Which side of the comparison a change's origin refers to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Side {
    /// The old spec.
    Base,
    /// The new spec.
    Head,
}

/// One routing change.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Change {
    /// What kind.
    pub kind: ChangeKind,
    /// What changed: `host/path`, a namespace, or a Service.
    pub subject: String,
    /// Before (backends, label value); absent for additions.
    pub before: Option<String>,
    /// After; absent for removals.
    pub after: Option<String>,
    /// Route or label concerned, for context.
    pub detail: Option<String>,
    /// Where it came from, on `side`.
    #[serde(skip)]
    pub origin: Vec<String>,
    /// Which side `origin` refers to.
    #[serde(skip)]
    pub side: Side,
    /// The spec line, once located (see [`super::locate`]).
    pub at: Option<super::SpecLoc>,
}

impl Routing {
    /// The routing of a resolved model (origins are spec pointers).
    pub fn from_model(model: &Model) -> Self {
        let mut r = Routing::default();
        for route in &model.routes {
            let id = format!("{}/{}", route.namespace, route.name);
            for rule in &route.rules {
                let backends = rule.backend_refs.iter().map(|b| backend(b, &route.namespace)).collect();
                let matches: Vec<String> = rule.matches.iter().map(match_label).collect();
                r.add(&id, &route.hostnames, matches, backends, &rule.origin);
            }
        }
        for route in &model.grpc_routes {
            let id = format!("{}/{}", route.namespace, route.name);
            for rule in &route.rules {
                let backends = rule.backend_refs.iter().map(|b| backend(b, &route.namespace)).collect();
                let matches = grpc_labels(rule.matches.as_deref().unwrap_or_default());
                r.add(&id, &route.hostnames, matches, backends, &rule.origin);
            }
        }
        r.add_l4_routes(model);
        for ns in &model.namespaces {
            r.namespaces.insert(
                ns.name.clone(),
                Item {
                    value: ns.labels.clone(),
                    origin: vec![ns.origin.clone()],
                },
            );
        }
        for p in &model.service_patches {
            r.patched.insert(
                format!("{}/{}", p.namespace, p.name),
                Item {
                    value: (),
                    origin: vec![p.origin.clone()],
                },
            );
        }
        r
    }

    /// The routing of a rendered tree (origins are output file paths).
    pub fn from_tree(tree: &Tree) -> Self {
        let mut r = Routing::default();
        for (path, text) in &tree.files {
            let Ok(docs) = crate::yaml::read_documents(text, &crate::yaml::Limits::default()) else {
                continue;
            };
            for doc in docs {
                r.add_object(path, &doc.to_json());
            }
        }
        r
    }

    fn add_object(&mut self, path: &str, v: &Value) {
        let s = |p: &str| v.pointer(p).and_then(Value::as_str).unwrap_or_default().to_string();
        let (kind, ns, name) = (s("/kind"), s("/metadata/namespace"), s("/metadata/name"));
        let origin = vec![path.to_string()];
        match kind.as_str() {
            "HTTPRoute" | "GRPCRoute" => {
                let hostnames: Vec<String> = strings(v.pointer("/spec/hostnames"));
                let id = format!("{ns}/{name}");
                for rule in v.pointer("/spec/rules").and_then(Value::as_array).into_iter().flatten() {
                    let field = |key: &str| rule.get(key).cloned().unwrap_or_default();
                    let matches = if kind == "HTTPRoute" {
                        serde_json::from_value::<Vec<JsonMatch>>(field("matches"))
                            .unwrap_or_default()
                            .into_iter()
                            .map(|m| match_label(&m.into_model()))
                            .collect()
                    } else {
                        grpc_labels(&serde_json::from_value::<Vec<GrpcMatch>>(field("matches")).unwrap_or_default())
                    };
                    let backends = serde_json::from_value::<Vec<JsonBackend>>(field("backendRefs"))
                        .unwrap_or_default()
                        .into_iter()
                        .map(|b| backend(&b.into_model(), &ns))
                        .collect();
                    self.add(&id, &hostnames, matches, backends, path);
                }
            }
            "TLSRoute" => self.add_l4_object(path, L4Kind::Tls, (&ns, &name), v),
            "TCPRoute" => self.add_l4_object(path, L4Kind::Tcp, (&ns, &name), v),
            "UDPRoute" => self.add_l4_object(path, L4Kind::Udp, (&ns, &name), v),
            "Namespace" => {
                let labels = v
                    .pointer("/metadata/labels")
                    .and_then(|l| serde_json::from_value(l.clone()).ok())
                    .unwrap_or_default();
                self.namespaces.insert(name, Item { value: labels, origin });
            }
            "Service" if path.ends_with(".patch.yaml") => {
                self.patched.insert(format!("{ns}/{name}"), Item { value: (), origin });
            }
            _ => {}
        }
    }

    fn add(&mut self, route: &str, hostnames: &[String], matches: Vec<String>, backends: Vec<String>, origin: &str) {
        let hosts = if hostnames.is_empty() {
            vec!["*".to_string()]
        } else {
            hostnames.to_vec()
        };
        let matches = if matches.is_empty() {
            vec!["/".to_string()]
        } else {
            matches
        };
        for host in &hosts {
            for m in &matches {
                let e = self.entries.entry(format!("{host}{m}")).or_insert_with(|| Entry {
                    routes: Vec::new(),
                    backends: Vec::new(),
                    origin: vec![origin.to_string()],
                });
                if !e.routes.iter().any(|r| r == route) {
                    e.routes.push(route.to_string());
                }
                e.backends.extend(backends.iter().cloned());
                e.backends.sort();
                e.backends.dedup();
            }
        }
    }
}

/// Compare two routings: additions, removals, re-pointed routes, relabelled
/// namespaces, newly patched Services, in that order.
pub fn summarize(base: &Routing, head: &Routing) -> Vec<Change> {
    let mut out = Vec::new();
    let change = |kind, subject: &str, before, after, detail, origin: &Vec<String>, side| Change {
        kind,
        subject: subject.to_string(),
        before,
        after,
        detail,
        origin: origin.clone(),
        side,
        at: None,
    };
    for (key, e) in &head.entries {
        match base.entries.get(key) {
            None => out.push(change(
                ChangeKind::Added,
                key,
                None,
                Some(e.backends.join(", ")),
                Some(e.routes.join(", ")),
                &e.origin,
                Side::Head,
            )),
            Some(old) if old.backends != e.backends => out.push(change(
                ChangeKind::Repointed,
                key,
                Some(old.backends.join(", ")),
                Some(e.backends.join(", ")),
                Some(e.routes.join(", ")),
                &e.origin,
                Side::Head,
            )),
            Some(_) => {}
        }
    }
    for (key, e) in base.entries.iter().filter(|(k, _)| !head.entries.contains_key(*k)) {
        out.push(change(
            ChangeKind::Removed,
            key,
            Some(e.backends.join(", ")),
            None,
            Some(e.routes.join(", ")),
            &e.origin,
            Side::Base,
        ));
    }
    for (ns, item) in &head.namespaces {
        let Some(old) = base.namespaces.get(ns) else { continue };
        let keys: std::collections::BTreeSet<&String> = old.value.keys().chain(item.value.keys()).collect();
        for k in keys {
            let (before, after) = (old.value.get(k), item.value.get(k));
            if before != after {
                let mut origin = item.origin.clone();
                if let Some(app) = item
                    .origin
                    .first()
                    .filter(|o| k == "istio.io/rev" && o.starts_with('/'))
                {
                    origin = vec![format!("{app}/revision"), "/mesh/revision".into(), app.clone()];
                }
                out.push(change(
                    ChangeKind::Relabelled,
                    ns,
                    before.map(|v| format!("{k}={v}")),
                    after.map(|v| format!("{k}={v}")),
                    Some(k.clone()),
                    &origin,
                    Side::Head,
                ));
            }
        }
    }
    for (svc, item) in head.patched.iter().filter(|(k, _)| !base.patched.contains_key(*k)) {
        out.push(change(
            ChangeKind::Patched,
            svc,
            None,
            Some("ClusterIP".into()),
            None,
            &item.origin,
            Side::Head,
        ));
    }
    for (svc, item) in base.patched.iter().filter(|(k, _)| !head.patched.contains_key(*k)) {
        out.push(change(
            ChangeKind::Unpatched,
            svc,
            Some("ClusterIP".into()),
            None,
            None,
            &item.origin,
            Side::Base,
        ));
    }
    out.sort_by(|a, b| (a.kind, &a.subject).cmp(&(b.kind, &b.subject)));
    out
}

fn backend(b: &BackendRef, route_ns: &str) -> String {
    let ns = b.namespace.as_deref().unwrap_or(route_ns);
    let port = b.port.map(|p| format!(":{p}")).unwrap_or_default();
    match b.weight {
        Some(w) => format!("{ns}/{}{port} (weight {w})", b.name),
        None => format!("{ns}/{}{port}", b.name),
    }
}

/// `/path` for a prefix match, with the match's other conditions in brackets.
fn match_label(m: &RouteMatch) -> String {
    let mut s = match &m.path {
        None => "/".to_string(),
        Some(p) if p.kind == "PathPrefix" => p.value.clone(),
        Some(p) if p.kind == "Exact" => format!("{} (exact)", p.value),
        Some(p) => format!("{} ({})", p.value, p.kind),
    };
    let mut extra: Vec<String> = Vec::new();
    extra.extend(m.method.iter().cloned());
    extra.extend(m.headers.iter().map(|h| format!("header {}={}", h.name, h.value)));
    extra.extend(m.query_params.iter().map(|q| format!("query {}={}", q.name, q.value)));
    if !extra.is_empty() {
        s.push_str(&format!(" [{}]", extra.join(", ")));
    }
    s
}

/// `` gRPC service/method [header name=value]`` for each gRPC match (`*` for
/// any service or method), or one label for "any call" when there are none;
/// the leading space and `gRPC` keep them apart from HTTP paths of the same host.
fn grpc_labels(matches: &[GrpcMatch]) -> Vec<String> {
    if matches.is_empty() {
        return vec![" gRPC */*".to_string()];
    }
    matches
        .iter()
        .map(|m| {
            let method = m.method.clone().unwrap_or_default();
            let mut s = format!(
                " gRPC {}/{}",
                method.service.as_deref().unwrap_or("*"),
                method.method.as_deref().unwrap_or("*")
            );
            if method.kind == Some(ValueMatchType::RegularExpression) {
                s.push_str(" (RegularExpression)");
            }
            let headers: Vec<String> = m
                .headers
                .iter()
                .flatten()
                .map(|h| format!("header {}={}", h.name, h.value))
                .collect();
            if !headers.is_empty() {
                s.push_str(&format!(" [{}]", headers.join(", ")));
            }
            s
        })
        .collect()
}

fn strings(v: Option<&Value>) -> Vec<String> {
    v.and_then(Value::as_array)
        .map(|a| a.iter().filter_map(Value::as_str).map(str::to_string).collect())
        .unwrap_or_default()
}
