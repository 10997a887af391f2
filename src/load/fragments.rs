//! Merging spec fragments (team-owned files) into one spec value.
//!
//! `gateways` and `apps` merge by name; the same name in two fragments is an
//! error naming both places (for an app, each route both define), as is
//! `mesh` set twice. A fragment that says `team: NAME` is that team's app
//! file: it may define `apps` only; `gateways`, `mesh` and the other platform
//! settings belong to the platform files (those without `team`). Documents of
//! other tools (a YAML file in the spec directory whose `apiVersion` is not
//! gatewright's) are skipped when the spec is a directory.

use serde_json::{Map, Value};

use crate::diagnostic::{Code, Diagnostic, Diagnostics, did_you_mean};
use crate::load::Provenance;
use crate::spec::API_VERSION;

const KEYED: &[&str] = &["gateways", "apps"];
/// The `kind` of every spec document.
const KIND: &str = "Site";
/// Keys a team's app file may set.
const TEAM_KEYS: &[&str] = &["apiVersion", "kind", "team", "apps"];

/// Whether a document of a spec directory belongs to another tool (its
/// `apiVersion` is neither gatewright's nor a near miss of it, its `kind`
/// is neither `Site` nor a near miss, and it sets none of a spec's sections),
/// such as an app's vendored manifest: such documents are not spec layers.
pub fn is_foreign_document(node: &crate::yaml::Node) -> bool {
    let string = |key: &str| match node.get(key).map(|n| &n.value) {
        Some(crate::yaml::Value::String(v)) => Some(v.as_str()),
        _ => None,
    };
    let site_kind = string("kind").is_some_and(|k| did_you_mean(k, [KIND]).is_some() || k == KIND);
    let site_keys = ["gateways", "apps", "mesh", "team"]
        .iter()
        .any(|k| node.get(k).is_some());
    match string("apiVersion") {
        Some(v) => !v.starts_with("gatewright") && did_you_mean(v, [API_VERSION]).is_none() && !site_kind && !site_keys,
        None => false,
    }
}

/// Merge the spec documents (the layers of `prov` mounted at the root) into
/// one JSON value. Returns the merged value and whether any document was a spec.
pub fn merge_fragments(prov: &Provenance, diags: &mut Diagnostics) -> Map<String, Value> {
    let mut merged = Map::new();
    let mut header = false;
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
                Diagnostic::error(Code::SpecNotAMapping, "a spec document must be a mapping")
                    .at(loc(""))
                    .help("start the document with `apiVersion: gatewright.dev/v1alpha1` and `kind: Site`"),
            );
            continue;
        };
        check_header(&doc, &loc, diags);
        let team = doc.get("team").and_then(Value::as_str).map(str::to_string);
        for (key, value) in doc {
            if matches!(key.as_str(), "team" | "apiVersion" | "kind") {
                continue; // `team` marks the file; the header is checked per document
            }
            if let Some(team) = &team
                && !TEAM_KEYS.contains(&key.as_str())
            {
                let platform = prov.layers().iter().find_map(|l| {
                    (l.node.get("team").is_none())
                        .then(|| l.node.key_span_at(&format!("/{}", escape(&key))))
                        .flatten()
                        .map(|s| super::provenance::to_loc(l.file, s))
                });
                diags.push(
                    Diagnostic::error(Code::PlatformSettingInAppFile, format!("team `{team}`'s app file sets `{key}`, a platform setting"))
                        .at(layer
                            .node
                            .key_span_at(&format!("/{}", escape(&key)))
                            .map(|s| super::provenance::to_loc(layer.file, s)))
                        .path(format!("/{}", escape(&key)))
                        .related(platform, "the platform files define it here")
                        .help("an app file (one with `team:`) defines `apps` only: ask the cluster operators to change the platform file"),
                );
                continue;
            }
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
                        if key == "apps" && duplicate_routes(prov, index, &ptr, &slot[&name], &item, diags) {
                            continue;
                        }
                        diags.push(
                            Diagnostic::error(
                                Code::DefinedTwice,
                                format!("{} `{name}` is defined twice", singular(&key)),
                            )
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
            } else if merged.contains_key(&key) {
                let ptr = format!("/{}", escape(&key));
                let earlier = prov.layers()[..index]
                    .iter()
                    .rev()
                    .find_map(|l| l.node.key_span_at(&ptr).map(|s| super::provenance::to_loc(l.file, s)));
                diags.push(
                    Diagnostic::error(Code::DefinedTwice, format!("`{key}` is defined twice"))
                        .at(layer
                            .node
                            .key_span_at(&ptr)
                            .map(|s| super::provenance::to_loc(layer.file, s)))
                        .path(ptr)
                        .related(earlier, "first defined here")
                        .help(format!("`{key}` is a platform setting: keep it in one file")),
                );
            } else {
                merged.insert(key, value);
            }
        }
        header = true;
    }
    if header {
        // Each document's header was checked on its own (above).
        merged.insert("apiVersion".into(), Value::String(API_VERSION.into()));
        merged.insert("kind".into(), Value::String(KIND.into()));
    }
    merged
}

/// Check one spec document's `apiVersion` and `kind`, in the file that has
/// them: every file of a directory spec is checked, not only the last one.
fn check_header(doc: &Map<String, Value>, loc: &dyn Fn(&str) -> Option<crate::source::Loc>, diags: &mut Diagnostics) {
    let start = loc("").map(|l| l.start());
    let missing = |field: &str, value: &str| {
        let line = start.as_ref().map_or(1, |l| l.line);
        Diagnostic::error(Code::MissingField, format!("missing required field `{field}`"))
            .at(start.clone())
            .help(format!(
                "add the line `{field}: {value}` above line {line}: every spec file starts with `apiVersion: {API_VERSION}` and `kind: {KIND}`"
            ))
    };
    match doc.get("apiVersion") {
        None => diags.push(missing("apiVersion", API_VERSION)),
        Some(Value::String(v)) if v == API_VERSION => {}
        Some(v) => {
            let shown = v.as_str().map_or_else(|| v.to_string(), str::to_string);
            diags.push(
                Diagnostic::error(
                    Code::WrongApiVersion,
                    format!("`apiVersion: {shown}` is not gatewright's `{API_VERSION}`"),
                )
                .at(loc("/apiVersion"))
                .path("/apiVersion")
                .help(format!("write `apiVersion: {API_VERSION}` (every spec file has it)")),
            );
        }
    }
    match doc.get("kind") {
        None => diags.push(missing("kind", KIND)),
        Some(Value::String(k)) if k == KIND => {}
        Some(k) => {
            let shown = k.as_str().map_or_else(|| k.to_string(), str::to_string);
            diags.push(
                Diagnostic::error(
                    Code::ValueNotAllowed,
                    format!("unexpected value `{shown}`, expected one of `{KIND}`"),
                )
                .at(loc("/kind"))
                .path("/kind")
                .help(format!("write `kind: {KIND}` (every spec file has it)")),
            );
        }
    }
}

/// Report each route that two definitions of one app both define; whether there was one.
fn duplicate_routes(
    prov: &Provenance,
    index: usize,
    app_ptr: &str,
    first: &Value,
    second: &Value,
    diags: &mut Diagnostics,
) -> bool {
    let (Some(Value::Object(a)), Some(Value::Object(b))) = (first.get("routes"), second.get("routes")) else {
        return false;
    };
    let mut found = false;
    for name in b.keys().filter(|k| a.contains_key(*k)) {
        let ptr = format!("{app_ptr}/routes/{}", escape(name));
        let at = |l: &super::Layer| l.node.key_span_at(&ptr).map(|s| super::provenance::to_loc(l.file, s));
        let earlier = prov.layers()[..index].iter().rev().find_map(at);
        let app = app_ptr.rsplit('/').next().unwrap_or_default();
        diags.push(
            Diagnostic::error(
                Code::DefinedTwice,
                format!("route `{name}` of app `{app}` is defined in two files"),
            )
            .at(at(&prov.layers()[index]))
            .path(ptr.clone())
            .related(earlier, "first defined here")
            .help("each app and its routes are owned by one file: delete one definition, or rename the route"),
        );
        found = true;
    }
    found
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
