//! Stage 2, **overlay**: apply the built-in platform profiles (and, on top of
//! the spec, environment overlays) as merge patches: maps merge by key,
//! `null` deletes, lists replace (RFC 7386).

mod names;

pub use names::{Overlay, check_names};

use serde_json::{Map, Value};

use crate::diagnostic::{Code, Diagnostic, Diagnostics, did_you_mean};
use crate::load::{Layer, Provenance};
use crate::source::Sources;
use crate::yaml;

/// A built-in platform profile: defaults for a Gateway.
#[derive(Debug, Clone, Copy)]
pub struct Profile {
    /// Name used in `gateways.NAME.profile`.
    pub name: &'static str,
    /// The profile's YAML text (`overlays/NAME.yaml`, embedded at build time).
    pub text: &'static str,
}

/// Every built-in profile, sorted by name.
pub const PROFILES: &[Profile] = &[
    Profile {
        name: "aks-approuting-istio",
        text: include_str!("../../overlays/aks-approuting-istio.yaml"),
    },
    Profile {
        name: "aks-istio-automated",
        text: include_str!("../../overlays/aks-istio-automated.yaml"),
    },
    Profile {
        name: "aks-istio-external",
        text: include_str!("../../overlays/aks-istio-external.yaml"),
    },
    Profile {
        name: "aks-istio-internal",
        text: include_str!("../../overlays/aks-istio-internal.yaml"),
    },
    Profile {
        name: "istio",
        text: include_str!("../../overlays/istio.yaml"),
    },
];

/// Apply `patch` to `target` as a JSON merge patch (RFC 7386).
pub fn merge_patch(target: &mut Value, patch: &Value) {
    let Value::Object(patch) = patch else {
        *target = patch.clone();
        return;
    };
    if !target.is_object() {
        *target = Value::Object(Map::new());
    }
    let Value::Object(target) = target else { return };
    for (key, value) in patch {
        if value.is_null() {
            target.remove(key);
        } else {
            merge_patch(target.entry(key.clone()).or_insert(Value::Null), value);
        }
    }
}

/// Lay `patch` over `target` like [`merge_patch`], but keep `null`s as
/// "delete" markers instead of applying them, so that they still delete what a
/// lower layer (a gateway's profile) supplies later. [`strip_nulls`] ends it.
pub fn compose_patch(target: &mut Value, patch: &Value) {
    match (target, patch) {
        (Value::Object(target), Value::Object(patch)) => {
            for (key, value) in patch {
                match target.get_mut(key) {
                    Some(slot) if slot.is_object() && value.is_object() => compose_patch(slot, value),
                    _ => {
                        target.insert(key.clone(), value.clone());
                    }
                }
            }
        }
        (target, patch) => *target = patch.clone(),
    }
}

/// Remove `null` map entries, recursively: in a spec, `null` means "not set".
pub fn strip_nulls(value: &mut Value) {
    match value {
        Value::Object(map) => {
            map.retain(|_, v| !v.is_null());
            map.values_mut().for_each(strip_nulls);
        }
        Value::Array(items) => items.iter_mut().for_each(strip_nulls),
        _ => {}
    }
}

/// Replace each gateway that names a `profile` with the profile's defaults
/// patched by the gateway's own settings. The profile documents become the
/// lowest provenance layers, so a value they supply points at the profile.
pub fn apply_profiles(spec: &mut Value, prov: &mut Provenance, sources: &mut Sources, diags: &mut Diagnostics) {
    let Some(Value::Object(gateways)) = spec.get_mut("gateways") else {
        return;
    };
    for (name, gateway) in gateways.iter_mut() {
        let Some(profile_name) = gateway.get("profile").and_then(Value::as_str) else {
            continue;
        };
        let pointer = format!("/gateways/{}/profile", crate::load::escape_token(name));
        let Some(profile) = PROFILES.iter().find(|p| p.name == profile_name) else {
            let names = PROFILES.iter().map(|p| p.name);
            diags.push(
                Diagnostic::error(Code::UnknownProfile, format!("unknown profile `{profile_name}`"))
                    .at(prov.locate(&pointer))
                    .path(pointer)
                    .help(match did_you_mean(profile_name, names.clone()) {
                        Some(s) => format!("did you mean `{s}`?"),
                        None => format!("built-in profiles: {}", names.collect::<Vec<_>>().join(", ")),
                    }),
            );
            continue;
        };
        let Some(base) = profile_gateway(profile, sources, diags) else {
            continue;
        };
        let mut merged = base.to_json();
        merge_patch(&mut merged, gateway);
        *gateway = merged;
        prov.insert_base(Layer {
            file: base_file(sources, profile),
            node: base,
            mount: format!("/gateways/{}", crate::load::escape_token(name)),
            kind: crate::load::LayerKind::Profile,
        });
    }
}

/// The Gateway API version a profile targets (`gatewayApi`), if it names one.
pub fn profile_target(name: &str) -> Option<String> {
    let profile = PROFILES.iter().find(|p| p.name == name)?;
    let docs = yaml::read_documents(profile.text, &yaml::Limits::default()).ok()?;
    docs.first()?.get("gatewayApi")?.to_json().as_str().map(str::to_string)
}

fn base_name(profile: &Profile) -> String {
    format!("<builtin>/overlays/{}.yaml", profile.name)
}

fn base_file(sources: &mut Sources, profile: &Profile) -> crate::source::FileId {
    let name = base_name(profile);
    if let Some((id, _)) = sources.iter().find(|(_, f)| f.name == name) {
        return id;
    }
    sources.add_named(name, profile.text.to_string())
}

fn profile_gateway(profile: &Profile, sources: &mut Sources, diags: &mut Diagnostics) -> Option<yaml::Node> {
    let file = base_file(sources, profile);
    match yaml::read_documents(profile.text, &yaml::Limits::default()) {
        Ok(docs) => docs.into_iter().next().and_then(|d| d.get("gateway").cloned()),
        Err(e) => {
            diags.push(crate::load::yaml_error(sources, file, &e));
            None
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn merged(base: Value, patch: Value) -> Value {
        let mut v = base;
        merge_patch(&mut v, &patch);
        v
    }

    #[test]
    fn empty_patch_changes_nothing() {
        let base = json!({"a": {"b": 1, "c": [1, 2]}});
        assert_eq!(merged(base.clone(), json!({})), base);
    }

    #[test]
    fn later_layer_wins_and_maps_merge_by_key() {
        let v = merged(json!({"a": {"b": 1, "c": 2}}), json!({"a": {"b": 3}}));
        assert_eq!(v, json!({"a": {"b": 3, "c": 2}}));
    }

    #[test]
    fn null_deletes() {
        let v = merged(json!({"a": {"b": 1, "c": 2}}), json!({"a": {"b": null}}));
        assert_eq!(v, json!({"a": {"c": 2}}));
    }

    #[test]
    fn lists_replace() {
        let v = merged(json!({"a": [1, 2, 3]}), json!({"a": [4]}));
        assert_eq!(v, json!({"a": [4]}));
    }

    #[test]
    fn composed_nulls_still_delete_what_a_lower_layer_supplies() {
        let mut spec = json!({"gateways": {"g": {"profile": "p", "addresses": [1]}}});
        compose_patch(
            &mut spec,
            &json!({"gateways": {"g": {"addresses": null}}, "mesh": null}),
        );
        assert_eq!(
            spec,
            json!({"gateways": {"g": {"profile": "p", "addresses": null}}, "mesh": null})
        );
        let mut profile = json!({"namespace": "ns", "addresses": [2]});
        merge_patch(&mut profile, &spec["gateways"]["g"]);
        assert_eq!(profile, json!({"namespace": "ns", "profile": "p"}));
        strip_nulls(&mut spec);
        assert_eq!(spec, json!({"gateways": {"g": {"profile": "p"}}}));
    }

    #[test]
    fn profiles_are_sorted_and_match_their_files() {
        let names: Vec<&str> = PROFILES.iter().map(|p| p.name).collect();
        let mut sorted = names.clone();
        sorted.sort();
        assert_eq!(names, sorted);
        let mut files: Vec<String> = std::fs::read_dir(concat!(env!("CARGO_MANIFEST_DIR"), "/overlays"))
            .expect("overlays/")
            .filter_map(|e| Some(e.ok()?.path().file_stem()?.to_string_lossy().into_owned()))
            .collect();
        files.sort();
        assert_eq!(names, files, "every overlays/*.yaml is a built-in profile");
    }

    #[test]
    fn every_profile_parses_and_has_a_gateway() {
        for p in PROFILES {
            let docs = yaml::read_documents(p.text, &yaml::Limits::default()).expect(p.name);
            assert!(docs[0].get("gateway").is_some(), "{}", p.name);
            assert!(profile_target(p.name).is_some(), "{}", p.name);
        }
    }
}
