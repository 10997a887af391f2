//! Merging spec fragments (team-owned files) into one spec value.
//!
//! `gateways` and `apps` merge by name; the same name in two fragments is an
//! error naming both places, as is `mesh` set twice. Documents of other
//! tools (a YAML file in the spec directory whose `apiVersion` is not
//! gatewright's) are skipped when the spec is a directory.

use serde_json::{Map, Value};

use crate::diagnostic::{Diagnostic, Diagnostics, did_you_mean};
use crate::load::Provenance;
use crate::spec::API_VERSION;

const KEYED: &[&str] = &["gateways", "apps"];

/// Merge the spec documents (the layers of `prov` mounted at the root) into
/// one JSON value. Returns the merged value and whether any document was a spec.
pub fn merge_fragments(prov: &Provenance, is_dir: bool, diags: &mut Diagnostics) -> Map<String, Value> {
    let mut merged = Map::new();
    let mut first_version: Option<(String, usize)> = None;
    for (index, layer) in prov.layers().iter().enumerate() {
        let doc = layer.node.to_json();
        let loc = |ptr: &str| {
            layer
                .node
                .pointer(ptr)
                .map(|n| super::provenance::to_loc(layer.file, n.span))
        };
        let Value::Object(doc) = doc else {
            diags.push(
                Diagnostic::error("GW104", "a spec document must be a mapping")
                    .at(loc(""))
                    .help("start the document with `apiVersion: gatewright.dev/v1alpha1` and `kind: Site`"),
            );
            continue;
        };
        match doc.get("apiVersion").and_then(Value::as_str) {
            Some(v) if is_dir && !v.starts_with("gatewright") && did_you_mean(v, [API_VERSION]).is_none() => continue,
            Some(v) => match &first_version {
                Some((first, at)) if first != v => {
                    diags.push(
                        Diagnostic::error(
                            "GW105",
                            format!("`apiVersion: {v}` differs from `{first}` of another spec file"),
                        )
                        .at(loc("/apiVersion"))
                        .path("/apiVersion")
                        .related(first_loc(prov, *at), "first set here")
                        .help(format!("every spec file uses `apiVersion: {API_VERSION}`")),
                    );
                }
                Some(_) => {}
                None => first_version = Some((v.to_string(), index)),
            },
            None => {}
        }
        for (key, value) in doc {
            if KEYED.contains(&key.as_str()) {
                let Value::Object(items) = value else {
                    // Not a map: leave it to the schema to report the type.
                    merged.insert(key, value);
                    continue;
                };
                let slot = merged.entry(key.clone()).or_insert_with(|| Value::Object(Map::new()));
                let Value::Object(slot) = slot else { continue };
                for (name, item) in items {
                    let ptr = format!("/{key}/{}", escape(&name));
                    if slot.contains_key(&name) {
                        let earlier = prov.layers()[..index]
                            .iter()
                            .rev()
                            .find_map(|l| l.node.key_span_at(&ptr).map(|s| super::provenance::to_loc(l.file, s)));
                        diags.push(
                            Diagnostic::error("GW106", format!("{} `{name}` is defined twice", singular(&key)))
                                .at(layer
                                    .node
                                    .key_span_at(&ptr)
                                    .map(|s| super::provenance::to_loc(layer.file, s)))
                                .path(ptr.clone())
                                .related(earlier, "first defined here")
                                .help("each name is owned by one file: merge the two definitions or rename one"),
                        );
                        continue;
                    }
                    slot.insert(name, item);
                }
            } else if key == "mesh" && merged.contains_key("mesh") {
                let earlier = prov.layers()[..index].iter().rev().find_map(|l| {
                    l.node
                        .key_span_at("/mesh")
                        .map(|s| super::provenance::to_loc(l.file, s))
                });
                diags.push(
                    Diagnostic::error("GW106", "`mesh` is defined twice")
                        .at(layer
                            .node
                            .key_span_at("/mesh")
                            .map(|s| super::provenance::to_loc(layer.file, s)))
                        .path("/mesh")
                        .related(earlier, "first defined here")
                        .help("the mesh is a platform setting: keep it in one file"),
                );
            } else {
                merged.insert(key, value);
            }
        }
    }
    merged
}

fn first_loc(prov: &Provenance, index: usize) -> Option<crate::source::Loc> {
    let layer = prov.layers().get(index)?;
    let node = layer.node.pointer("/apiVersion")?;
    Some(super::provenance::to_loc(layer.file, node.span))
}

fn singular(key: &str) -> &'static str {
    match key {
        "gateways" => "gateway",
        _ => "app",
    }
}

/// Escape a map key as one JSON-pointer token.
pub fn escape(token: &str) -> String {
    token.replace('~', "~0").replace('/', "~1")
}
