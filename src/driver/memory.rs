//! A spec checked (and rendered) in memory, for `import` and `import --verify`.

use serde_json::Value;

use crate::diagnostic::{Diagnostic, Diagnostics};
use crate::emit::Tree;
use crate::load::Provenance;
use crate::model::Model;
use crate::source::Sources;
use crate::spec::Site;
use crate::{analyze, overlay, resolve};

/// Resolve and analyze a typed spec in memory (profiles applied, no file
/// read or written): the model and every finding, located by spec path only.
/// `import` checks the spec it builds with it.
pub fn check_site(site: &Site) -> (Model, Vec<Diagnostic>) {
    let mut sources = Sources::new();
    let mut diags = Diagnostics::new();
    let mut prov = Provenance::new();
    let mut spec = serde_json::to_value(site).unwrap_or(Value::Null);
    overlay::apply_profiles(&mut spec, &mut prov, &mut sources, &mut diags);
    overlay::strip_nulls(&mut spec);
    let Ok(mut site) = serde_json::from_value::<Site>(spec) else {
        return (Model::default(), diags.sorted(&sources));
    };
    let model = {
        let mut cx = resolve::Context {
            prov: &prov,
            sources: &mut sources,
            gateway_api_version: super::stages::target_version(&site),
            preloaded: Default::default(),
            manifests_under: None,
            allow: Default::default(),
            listener_set: None,
        };
        resolve::resolve(&mut site, &mut cx, &mut diags)
    };
    analyze::analyze(
        &model,
        &analyze::Context {
            prov: &prov,
            sources: &sources,
        },
        &mut diags,
    );
    let found = diags.sorted(&sources);
    (model, found)
}

/// Render a typed spec in memory with the built-in blueprints: the objects
/// (no kustomizations), or every finding when one is an error.
///
/// # Errors
/// The findings, when the spec does not check or an object does not render.
pub fn render_site(site: &Site) -> Result<Tree, Vec<Diagnostic>> {
    let (model, found) = check_site(site);
    if found.iter().any(Diagnostic::is_error) {
        return Err(found);
    }
    let sources = Sources::new();
    let blueprints = crate::render::Blueprints::load(None, &mut Sources::new()).map_err(|d| vec![d])?;
    let docs = super::stages::render_documents(&model, &blueprints, &sources, false)?;
    Ok(crate::emit::layout_objects(
        docs,
        &model.upstreams,
        &model.gateway_api_version,
    ))
}
