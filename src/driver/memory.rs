//! A spec checked in memory, for `import`.

use serde_json::Value;

use crate::diagnostic::{Diagnostic, Diagnostics};
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
