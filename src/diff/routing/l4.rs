//! TLS, TCP and UDP routes in the routing summary. A TLSRoute is keyed by
//! SNI hostname (`db.example.com TLS`), a TCPRoute or UDPRoute by the
//! listener it attaches to (`infra/edge TCP listener pg`, `infra/edge UDP
//! port 53`, or `infra/edge TCP` for every TCP listener of the gateway).

use serde::Deserialize;
use serde_json::Value;

use super::super::objects::JsonBackend;
use super::{Routing, backend};
use crate::model::{L4Kind, Model};

/// A parent reference, as a rendered route spells it.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Parent {
    kind: Option<String>,
    namespace: Option<String>,
    name: String,
    section_name: Option<String>,
    port: Option<u32>,
}

impl Routing {
    /// The TLS, TCP and UDP routes of a resolved model.
    pub(super) fn add_l4_routes(&mut self, model: &Model) {
        for r in &model.l4_routes {
            let parents: Vec<Parent> = r
                .parent_refs
                .iter()
                .map(|p| Parent {
                    kind: p.kind.clone(),
                    namespace: p.namespace.clone(),
                    name: p.name.clone(),
                    section_name: p.section_name.clone(),
                    port: p.port,
                })
                .collect();
            let keys = keys(r.kind, &r.namespace, &r.hostnames, &parents);
            let id = format!("{}/{}", r.namespace, r.name);
            for rule in &r.rules {
                let backends = rule.backend_refs.iter().map(|b| backend(b, &r.namespace)).collect();
                self.add(&id, &keys, vec![String::new()], backends, &rule.origin);
            }
        }
    }

    /// A rendered TLSRoute, TCPRoute or UDPRoute `ns/name` of file `path`.
    pub(super) fn add_l4_object(&mut self, path: &str, kind: L4Kind, (ns, name): (&str, &str), v: &Value) {
        let parse = |p: &str| v.pointer(p).cloned().unwrap_or_default();
        let parents: Vec<Parent> = serde_json::from_value(parse("/spec/parentRefs")).unwrap_or_default();
        let hostnames: Vec<String> = serde_json::from_value(parse("/spec/hostnames")).unwrap_or_default();
        let keys = keys(kind, ns, &hostnames, &parents);
        let id = format!("{ns}/{name}");
        for rule in v.pointer("/spec/rules").and_then(Value::as_array).into_iter().flatten() {
            let refs = rule.get("backendRefs").cloned().unwrap_or_default();
            let backends = serde_json::from_value::<Vec<JsonBackend>>(refs)
                .unwrap_or_default()
                .into_iter()
                .map(|b| backend(&b.into_model(), ns))
                .collect();
            self.add(&id, &keys, vec![String::new()], backends, path);
        }
    }
}

/// The summary keys of a route of `kind` in namespace `ns`.
fn keys(kind: L4Kind, ns: &str, hostnames: &[String], parents: &[Parent]) -> Vec<String> {
    let protocol = kind.protocol();
    if kind == L4Kind::Tls {
        if hostnames.is_empty() {
            return vec![format!("* {protocol}")];
        }
        return hostnames.iter().map(|h| format!("{h} {protocol}")).collect();
    }
    let mut out: Vec<String> = parents
        .iter()
        .map(|p| {
            let mut key = format!("{}/{}", p.namespace.as_deref().unwrap_or(ns), p.name);
            if let Some(k) = p.kind.as_deref().filter(|k| *k != "Gateway") {
                key.push_str(&format!(" ({k})"));
            }
            key.push_str(&format!(" {protocol}"));
            if let Some(s) = &p.section_name {
                key.push_str(&format!(" listener {s}"));
            }
            if let Some(port) = p.port {
                key.push_str(&format!(" port {port}"));
            }
            key
        })
        .collect();
    if out.is_empty() {
        out.push(format!("(no gateway) {protocol}"));
    }
    out.sort();
    out.dedup();
    out
}
