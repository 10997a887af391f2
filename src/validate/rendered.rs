//! The CRD check of a render (`render --crds`, `check --crds`): every
//! rendered object the CRDs cover is validated before anything is written,
//! and each violation points at the spec line that produced the field.

use crate::crd::CrdSet;
use crate::diagnostic::{Diagnostic, Diagnostics};
use crate::load::Provenance;
use crate::model::Model;
use crate::normalize::Document;

use super::report;

/// Validate the rendered objects (patches excluded: they are partial
/// objects); violations are located at the spec path that produced them.
pub fn check(docs: &[Document], model: &Model, prov: &Provenance, crds: &CrdSet, diags: &mut Diagnostics) {
    for doc in docs.iter().filter(|d| !d.is_patch) {
        let field = |p: &str| {
            doc.value
                .pointer(p)
                .and_then(serde_json::Value::as_str)
                .unwrap_or_default()
        };
        if let Some(nm) = crds.no_match(field("/apiVersion"), field("/kind")) {
            diags.push(
                report::no_match(&nm)
                    .at(prov.locate(&doc.origin))
                    .path(doc.origin.clone()),
            );
            continue;
        }
        let Some(violations) = crds.validate(&doc.value) else {
            continue; // core kinds (Namespace) are not CRDs
        };
        let (list, skipped) = report::reportable(&violations);
        for v in list {
            let spec = spec_pointer(doc, model, prov, &v.pointer);
            diags.push(
                Diagnostic::error(report::code(&v.rule), report::message(&doc.value, v))
                    .at(prov.locate(&spec))
                    .path(spec)
                    .help(format!(
                        "{}; the rendered field is `{}`",
                        report::help(v, skipped),
                        report::field_path(&v.pointer)
                    )),
            );
        }
    }
}

/// The spec path that produced the field at `pointer` of a rendered object
/// (the object's own spec path when nothing closer is known).
pub fn spec_pointer(doc: &Document, model: &Model, prov: &Provenance, pointer: &str) -> String {
    let kind = doc.value.get("kind").and_then(serde_json::Value::as_str).unwrap_or("");
    let mapped = match kind {
        "HTTPRoute" => route_pointer(doc, model, prov, pointer),
        "Gateway" if pointer.starts_with("/spec/tls/") => {
            Some(deepest(prov, &doc.origin, "/tls", &tokens(pointer)[2..]))
        }
        "Gateway" => gateway_pointer(doc, model, pointer),
        "BackendTLSPolicy" => match tokens(pointer).as_slice() {
            ["spec", "validation", rest @ ..] => Some(deepest(prov, &doc.origin, "", rest)),
            ["spec", field @ ("targetRefs" | "options"), rest @ ..] => {
                Some(deepest(prov, &doc.origin, &format!("/{field}"), rest))
            }
            _ => None,
        },
        _ => None,
    };
    mapped.unwrap_or_else(|| doc.origin.clone())
}

/// `origin` + `head` + as many of `rest` as the spec spells out (the long
/// form mirrors the API's field names; a short form stops where it starts).
fn deepest(prov: &Provenance, origin: &str, head: &str, rest: &[&str]) -> String {
    let mut p = format!("{origin}{head}");
    for token in rest {
        let next = format!("{p}/{token}");
        if prov.locate(&next).is_none() {
            break;
        }
        p = next;
    }
    p
}

/// `/a/3/b` -> `["a", "3", "b"]`.
fn tokens(pointer: &str) -> Vec<&str> {
    pointer.split('/').skip(1).collect()
}

fn index(token: Option<&&str>) -> Option<usize> {
    token.and_then(|t| t.parse().ok())
}

fn route_pointer(doc: &Document, model: &Model, prov: &Provenance, pointer: &str) -> Option<String> {
    let route = model.routes.iter().find(|r| r.origin == doc.origin)?;
    let t = tokens(pointer);
    let base = &route.origin;
    Some(match t.as_slice() {
        ["spec", "hostnames", rest @ ..] => {
            let host = format!("{base}/host");
            if prov.is_written(&host) {
                host
            } else {
                match index(rest.first()) {
                    Some(i) => format!("{base}/hostnames/{i}"),
                    None => format!("{base}/hostnames"),
                }
            }
        }
        ["spec", "parentRefs", _, "sectionName", ..] => format!("{base}/listener"),
        ["spec", "parentRefs", ..] => format!("{base}/gateway"),
        ["spec", "rules", i, rest @ ..] => {
            let rule = route.rules.get(i.parse::<usize>().ok()?)?;
            if rule.origin == route.origin {
                // The short form: one match (`path`) and one backend (`to`).
                match rest.first() {
                    Some(&"matches") => format!("{base}/path"),
                    Some(&"backendRefs") => format!("{base}/to"),
                    _ => base.clone(),
                }
            } else {
                // The long form mirrors the API's field names.
                let mut p = rule.origin.clone();
                for token in rest {
                    p.push('/');
                    p.push_str(token);
                }
                p
            }
        }
        _ => base.clone(),
    })
}

fn gateway_pointer(doc: &Document, model: &Model, pointer: &str) -> Option<String> {
    let gw = model.gateways.iter().find(|g| g.origin == doc.origin)?;
    let t = tokens(pointer);
    let base = &gw.origin;
    Some(match t.as_slice() {
        ["metadata", "namespace", ..] => format!("{base}/namespace"),
        ["spec", "gatewayClassName", ..] => format!("{base}/className"),
        ["spec", "addresses", rest @ ..] => {
            let mut p = format!("{base}/addresses");
            for token in rest {
                p.push('/');
                p.push_str(token);
            }
            p
        }
        ["spec", "listeners", i, rest @ ..] => {
            let l = gw.listeners.get(i.parse::<usize>().ok()?)?;
            match rest {
                ["hostname" | "port" | "protocol", ..] => format!("{}/{}", l.origin, rest[0]),
                ["tls", "certificateRefs", j, ..] => format!("{}/tls/certificates/{j}", l.origin),
                ["tls", ..] => format!("{}/tls", l.origin),
                ["allowedRoutes", ..] => format!("{}/allowedRoutes", l.origin),
                _ => l.origin.clone(),
            }
        }
        _ => base.clone(),
    })
}
