//! `import --verify`: every Ingress rule (each host with each path, and the
//! requests just beside them) sent through a model of ingress-nginx's
//! routing ([`model`]) and through the routing engine on the objects the
//! imported spec renders; every request whose status, redirect, backends
//! (with their shares) or upstream path differs is reported, with the
//! import's warnings about the Ingress that answered it (a difference a
//! warning explains is a known limitation of the conversion, still a
//! difference).

pub mod answer;
pub mod model;
pub mod probes;

use serde::Serialize;

use crate::diagnostic::{Code, Diagnostic};
use crate::import::Imported;
use crate::import::nginx::ParsedIngress;
use crate::routing::{Engine, Input, Outcome, RouteError};
use answer::Answer;

/// What `import --verify` found.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Report {
    /// Requests sent through both sides.
    pub probes: usize,
    /// Requests answered differently, in probe order.
    pub differences: Vec<Difference>,
}

/// One request the two sides answer differently.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Difference {
    /// `METHOD URL [headers]`.
    pub request: String,
    /// ingress-nginx's answer, and the Ingress that gave it.
    pub nginx: String,
    /// The rendered routes' answer, and the route (and the Ingress it came from).
    pub gateway: String,
    /// The import's warnings about the Ingress that answered (`GWnnn: message`):
    /// the conversion's known limitations that explain the difference.
    pub known: Vec<String>,
}

/// Render the imported spec in memory and compare its routing with
/// ingress-nginx's on every probe of the imported Ingresses.
///
/// # Errors
/// The findings of a spec that does not render, each located at the
/// manifest line of the object its route was imported from.
pub fn verify(imported: &Imported) -> Result<Report, Vec<Diagnostic>> {
    let tree = crate::driver::render_site(&imported.site).map_err(|diags| locate(diags, imported))?;
    Ok(compare(imported, &crate::trace::tree_inputs(&tree)))
}

/// Findings about the imported spec, located at their route's manifest line.
fn locate(diags: Vec<Diagnostic>, imported: &Imported) -> Vec<Diagnostic> {
    diags
        .into_iter()
        .map(|d| {
            if d.loc.is_some() {
                return d;
            }
            let origin = d.spec_path.as_deref().and_then(|p| {
                imported
                    .origins
                    .iter()
                    .filter(|(k, _)| p == k.as_str() || p.starts_with(&format!("{k}/")))
                    .find_map(|(_, l)| l.clone())
            });
            d.at(origin)
        })
        .collect()
}

/// Compare ingress-nginx's routing of `imported`'s Ingresses with the engine's on `rendered`.
pub fn compare(imported: &Imported, rendered: &[Input]) -> Report {
    let engine = Engine::new(rendered);
    let nginx = model::Model::new(&imported.ingresses);
    let mut report = Report::default();
    for p in probes::probes(&imported.ingresses) {
        report.probes += 1;
        let decision = nginx.answer(&p.request);
        let outcome = engine.route(&p.request);
        let theirs = Answer::of_engine(&outcome, &p.request);
        if decision.answer == theirs {
            continue;
        }
        let ing = decision.ingress.and_then(|i| imported.ingresses.get(i));
        report.differences.push(Difference {
            request: p.label,
            nginx: format!("{}{}", decision.answer, ingress_note(ing)),
            gateway: format!("{theirs}{}", route_note(&outcome, imported)),
            known: ing.map(|i| known(i, imported)).unwrap_or_default(),
        });
    }
    report
}

fn ingress_note(ing: Option<&ParsedIngress>) -> String {
    ing.map(|i| format!(" (Ingress {}/{})", i.namespace, i.name))
        .unwrap_or_default()
}

/// The route that answered, and the manifest line of the Ingress it was imported from.
fn route_note(outcome: &Result<Outcome, RouteError>, imported: &Imported) -> String {
    let Some(r) = outcome.as_ref().ok().and_then(|o| o.route.as_ref()) else {
        return String::new();
    };
    let list = if r.kind == "GRPCRoute" { "grpcRoutes" } else { "routes" };
    let key = format!(
        "/apps/{}/{list}/{}",
        crate::load::escape_token(&r.namespace),
        crate::load::escape_token(&r.name)
    );
    let from = imported
        .origins
        .get(&key)
        .cloned()
        .flatten()
        .map(|l| format!(", from {}:{}", imported.sources.name(l.file), l.line))
        .unwrap_or_default();
    format!(" ({} {}/{}{from})", r.kind, r.namespace, r.name)
}

/// The import's warnings located in the Ingress (but the namespace default).
fn known(ing: &ParsedIngress, imported: &Imported) -> Vec<String> {
    let Some((file, range)) = &ing.at else {
        return Vec::new();
    };
    imported
        .diagnostics
        .iter()
        .filter(|d| d.code != Code::DefaultNamespace)
        .filter(|d| {
            d.loc
                .as_ref()
                .is_some_and(|l| l.file == *file && range.contains(&l.range.start))
        })
        .map(|d| format!("{}: {}", d.code, d.message))
        .collect::<std::collections::BTreeSet<_>>()
        .into_iter()
        .collect()
}
