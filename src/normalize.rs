//! Stage 6, **normalize**: parse what each blueprint produced (reading YAML
//! the way kubectl does), check it is one Kubernetes object with a safe
//! name, and write it as canonical YAML under the generated-file header.

use crate::diagnostic::Code;
use serde_json::Value;

use crate::diagnostic::Diagnostic;
use crate::load::GENERATED_HEADER;
use crate::render::{Blueprint, Blueprints, RenderedObject};
use crate::yaml;

/// One normalized object.
#[derive(Debug, Clone)]
pub struct Document {
    /// The object; `null` unless [`normalize`] was asked to keep it.
    pub value: Value,
    /// Its file text: the generated-file header, then canonical YAML.
    pub text: String,
    /// Whether it is a strategic-merge patch (listed under `patches:`).
    pub is_patch: bool,
    /// Output folder: the object's namespace (a Namespace's own name).
    pub folder: String,
    /// File name inside the folder.
    pub file_name: String,
    /// Spec path of the model item it came from.
    pub origin: String,
}

/// Normalize every rendered object; all problems are collected. The objects
/// are kept as values (besides their text) only with `keep_values` (for
/// validation against CRDs): the values of a large spec take more memory
/// than everything else together.
pub fn normalize(
    objects: Vec<RenderedObject>,
    blueprints: &Blueprints,
    keep_values: bool,
) -> Result<Vec<Document>, Vec<Diagnostic>> {
    use rayon::prelude::*;
    // Each object is parsed on its own; `collect` keeps the order.
    let results: Vec<_> = objects
        .into_par_iter()
        .map(|object| normalize_one(&object, blueprints, keep_values))
        .collect();
    crate::render::collect_distinct(results).map(|docs| docs.into_iter().flatten().collect())
}

/// Normalize one rendered object (`None` for an empty output: a blueprint
/// may render nothing); its value is kept only with `keep_values`.
pub fn normalize_one(
    object: &RenderedObject,
    blueprints: &Blueprints,
    keep_values: bool,
) -> Result<Option<Document>, Diagnostic> {
    let bad = |message: String, help: &str| produced(blueprints, object.blueprint, &message, help);
    let mut parsed = yaml::read_documents(&object.text, &yaml::Limits::default()).map_err(|e| {
        let line = object
            .text
            .lines()
            .nth(e.line.saturating_sub(1) as usize)
            .unwrap_or("")
            .trim();
        bad(
            format!("invalid YAML at output line {}: {} (`{line}`)", e.line, e.message),
            "interpolate values with `{{ value }}` (JSON-escaped) and keep the template's indentation consistent",
        )
    })?;
    if parsed.len() > 1 {
        return Err(bad(
            format!("{} documents; one object per blueprint is expected", parsed.len()),
            "remove the extra `---`",
        ));
    }
    let Some(node) = parsed.pop() else { return Ok(None) };
    document(
        node.to_json(),
        object.blueprint,
        &object.origin,
        blueprints,
        keep_values,
    )
    .map(Some)
}

/// The document of one object a blueprint produced, as a value (read from
/// its text, or built directly: see [`crate::render::native_value`]).
pub fn document(
    value: Value,
    blueprint: Blueprint,
    origin: &str,
    blueprints: &Blueprints,
    keep_values: bool,
) -> Result<Document, Diagnostic> {
    let bad = |message: String, help: &str| produced(blueprints, blueprint, &message, help);
    let field = |p: &str| value.pointer(p).and_then(Value::as_str).map(str::to_string);
    let (Some(_), Some(kind), Some(name)) = (field("/apiVersion"), field("/kind"), field("/metadata/name")) else {
        return Err(bad(
            "an object without `apiVersion`, `kind` or `metadata.name`".into(),
            "every blueprint must produce one Kubernetes object",
        ));
    };
    let folder = match (kind.as_str(), field("/metadata/namespace")) {
        ("Namespace", _) => name.clone(),
        (_, Some(ns)) => ns,
        (_, None) => "cluster".to_string(),
    };
    for segment in [&folder, &name, &kind] {
        if !safe_segment(segment) {
            return Err(bad(
                format!(
                    "the name `{}`, which cannot be used as a file name",
                    segment.escape_debug()
                ),
                "object names must be DNS-1123 names (lower-case letters, digits, `-`, `.`)",
            ));
        }
    }
    let is_patch = blueprint == Blueprint::ServicePatch;
    let file_name = match (kind.as_str(), is_patch) {
        ("Namespace", _) => "namespace.yaml".to_string(),
        (_, true) => format!("{}-{name}.patch.yaml", kind.to_ascii_lowercase()),
        _ => format!("{}-{name}.yaml", kind.to_ascii_lowercase()),
    };
    Ok(Document {
        text: file_text(&value),
        value: if keep_values { value } else { Value::Null },
        is_patch,
        folder,
        file_name,
        origin: origin.to_string(),
    })
}

/// "blueprint … produced …": what a blueprint made cannot be written.
fn produced(blueprints: &Blueprints, blueprint: Blueprint, message: &str, help: &str) -> Diagnostic {
    let source = blueprints.source_name(blueprint);
    Diagnostic::error(
        Code::BlueprintOutput,
        format!("blueprint `{source}` produced {message}"),
    )
    .help(help.to_string())
}

/// A path segment that cannot escape its folder or collide with our files.
fn safe_segment(s: &str) -> bool {
    !s.is_empty()
        && s.len() <= 253
        && !s.starts_with('.')
        && s.chars().all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '.')
}

/// The file text of a document: header, then canonical YAML.
pub fn file_text(value: &Value) -> String {
    let mut out = String::with_capacity(4096);
    out.push_str(GENERATED_HEADER);
    yaml::write_canonical_yaml(&mut out, value);
    // Copied to its exact size: a site's documents are kept until they are written.
    String::from(out.as_str())
}
