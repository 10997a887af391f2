//! The structural schema of a CRD as a JSON Schema (draft 4, the dialect of
//! OpenAPI v3 schemas), and its errors as [`Violation`]s.
//!
//! Translation rules:
//! - an object with no `additionalProperties` and no
//!   `x-kubernetes-preserve-unknown-fields: true` gets `additionalProperties: false`
//!   (the API server drops unknown fields, and `kubectl`'s strict field
//!   validation refuses them) — except the root `metadata`, which is checked
//!   separately, like the API server's `ObjectMeta` validation;
//! - `x-kubernetes-int-or-string: true` becomes `type: [integer, string]`;
//! - `nullable: true` adds `null` to `type` (and `enum`);
//! - `x-kubernetes-embedded-resource: true` admits `apiVersion`, `kind`, `metadata`;
//! - `format`s are kept only where the API server checks them and the
//!   `jsonschema` crate agrees (`ipv4`, `ipv6`, `date-time`, `date`, `uuid`, `email`);
//!   other formats (`int32`, `int64`, ...) are dropped;
//! - every other `x-kubernetes-*` key, `default`, `description`, `example` and
//!   other annotations are dropped.

use serde_json::{Map, Value, json};

use jsonschema::error::ValidationErrorKind;

use super::pointer::escape;
use super::{Rule, Violation};
use crate::diagnostic::counted;

const KEPT_FORMATS: &[&str] = &["ipv4", "ipv6", "date-time", "date", "uuid", "email"];

/// Keywords copied as they are.
const VALUE_KEYWORDS: &[&str] = &[
    "type",
    "enum",
    "required",
    "pattern",
    "minLength",
    "maxLength",
    "minItems",
    "maxItems",
    "uniqueItems",
    "minProperties",
    "maxProperties",
    "minimum",
    "maximum",
    "exclusiveMinimum",
    "exclusiveMaximum",
    "multipleOf",
];

/// Convert an `openAPIV3Schema` into a JSON Schema.
pub(super) fn to_json_schema(schema: &Value) -> Value {
    convert(schema, Position::Root)
}

/// Compile the JSON Schema validator of an `openAPIV3Schema`.
pub(super) fn compile(schema: &Value) -> Result<jsonschema::Validator, String> {
    let converted = to_json_schema(schema);
    jsonschema::options()
        .with_draft(jsonschema::Draft::Draft4)
        .with_pattern_options(jsonschema::PatternOptions::regex())
        .should_validate_formats(true)
        .build(&converted)
        .map_err(|e| e.to_string())
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Position {
    /// The schema of the whole object.
    Root,
    /// The root `metadata`.
    RootMetadata,
    /// A structural node below the root.
    Structural,
    /// Inside `allOf`/`anyOf`/`oneOf`/`not`: value validations only.
    Logic,
}

fn convert(schema: &Value, position: Position) -> Value {
    let Some(object) = schema.as_object() else {
        return schema.clone();
    };
    let structural = position != Position::Logic;
    let child_position = if structural {
        Position::Structural
    } else {
        Position::Logic
    };
    let mut out = Map::new();
    for (key, value) in object {
        match key.as_str() {
            "properties" => {
                if let Some(props) = value.as_object() {
                    let converted = props
                        .iter()
                        .map(|(name, s)| {
                            let p = if position == Position::Root && name == "metadata" {
                                Position::RootMetadata
                            } else {
                                child_position
                            };
                            (name.clone(), convert(s, p))
                        })
                        .collect();
                    out.insert(key.clone(), Value::Object(converted));
                }
            }
            "items" | "not" => {
                out.insert(key.clone(), convert(value, child_position_for(key, position)));
            }
            "additionalProperties" => {
                out.insert(key.clone(), convert(value, child_position));
            }
            "allOf" | "anyOf" | "oneOf" => {
                if let Some(list) = value.as_array() {
                    let list = list.iter().map(|s| convert(s, Position::Logic)).collect();
                    out.insert(key.clone(), Value::Array(list));
                }
            }
            "format" if value.as_str().is_some_and(|f| KEPT_FORMATS.contains(&f)) => {
                out.insert(key.clone(), value.clone());
            }
            "format" => {}
            k if VALUE_KEYWORDS.contains(&k) => {
                out.insert(key.clone(), value.clone());
            }
            _ => {}
        }
    }
    let flag = |name: &str| object.get(name).and_then(Value::as_bool) == Some(true);
    if flag("x-kubernetes-int-or-string") {
        out.insert("type".to_owned(), json!(["integer", "string"]));
    }
    if flag("x-kubernetes-embedded-resource") {
        let props = out.entry("properties").or_insert_with(|| Value::Object(Map::new()));
        if let Some(props) = props.as_object_mut() {
            for field in ["apiVersion", "kind"] {
                props.entry(field).or_insert_with(|| json!({"type": "string"}));
            }
            props.entry("metadata").or_insert_with(|| json!({"type": "object"}));
        }
    }
    if position == Position::Root {
        if let Some(props) = out.get_mut("properties").and_then(Value::as_object_mut) {
            for field in ["apiVersion", "kind"] {
                props.entry(field).or_insert_with(|| json!({"type": "string"}));
            }
            props.entry("metadata").or_insert_with(|| json!({"type": "object"}));
        }
    }
    if flag("nullable") {
        match out.get_mut("type") {
            Some(Value::String(t)) => {
                let t = t.clone();
                out.insert("type".to_owned(), json!([t, "null"]));
            }
            Some(Value::Array(types)) => types.push(json!("null")),
            _ => {}
        }
        if let Some(Value::Array(options)) = out.get_mut("enum") {
            options.push(Value::Null);
        }
    }
    let is_object = object.get("type").and_then(Value::as_str) == Some("object") || object.contains_key("properties");
    if structural
        && is_object
        && position != Position::RootMetadata
        && !object.contains_key("additionalProperties")
        && !flag("x-kubernetes-preserve-unknown-fields")
    {
        out.insert("additionalProperties".to_owned(), Value::Bool(false));
    }
    Value::Object(out)
}

fn child_position_for(key: &str, position: Position) -> Position {
    match (key, position) {
        ("not", _) | (_, Position::Logic) => Position::Logic,
        _ => Position::Structural,
    }
}

/// The errors of `validator` on `object`, as violations.
pub(super) fn violations(validator: &jsonschema::Validator, object: &Value) -> Vec<Violation> {
    let mut out = Vec::new();
    for error in validator.iter_errors(object) {
        let pointer = error.instance_path().as_str().to_owned();
        let instance = error.instance();
        let keyword = error.kind().keyword().to_owned();
        let mut push = |pointer: String, message: String| {
            out.push(Violation {
                pointer,
                message,
                rule: Rule::Schema(keyword.clone()),
            })
        };
        match error.kind() {
            ValidationErrorKind::AdditionalProperties { unexpected } => {
                for name in unexpected {
                    push(format!("{pointer}/{}", escape(name)), format!("unknown field `{name}`"));
                }
            }
            ValidationErrorKind::Required { property } => {
                let name = property.as_str().unwrap_or_default();
                push(
                    format!("{pointer}/{}", escape(name)),
                    format!("required field `{name}` is missing"),
                );
            }
            kind => push(pointer, message(kind, instance)),
        }
    }
    out
}

fn found(instance: &Value) -> String {
    let mut s = instance.to_string();
    if s.len() > 120 {
        let mut cut = 117;
        while !s.is_char_boundary(cut) {
            cut -= 1;
        }
        s.truncate(cut);
        s.push_str("...");
    }
    s
}

fn count(instance: &Value) -> usize {
    match instance {
        Value::Array(a) => a.len(),
        Value::Object(o) => o.len(),
        Value::String(s) => s.chars().count(),
        _ => 0,
    }
}

fn json_type(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "boolean",
        Value::Number(n) if n.is_i64() || n.is_u64() => "integer",
        Value::Number(_) => "number",
        Value::String(_) => "string",
        Value::Array(_) => "array",
        Value::Object(_) => "object",
    }
}

fn message(kind: &ValidationErrorKind, instance: &Value) -> String {
    use ValidationErrorKind as K;
    let n = count(instance);
    match kind {
        K::MaxItems { limit } => format!("must have at most {}, found {n}", counted(*limit, "item", "items")),
        K::MinItems { limit } => format!("must have at least {}, found {n}", counted(*limit, "item", "items")),
        K::MaxLength { limit } => {
            format!(
                "must be at most {} long, found {n}",
                counted(*limit, "character", "characters")
            )
        }
        K::MinLength { limit } => {
            format!(
                "must be at least {} long, found {n}",
                counted(*limit, "character", "characters")
            )
        }
        K::MaxProperties { limit } => format!("must have at most {}, found {n}", counted(*limit, "entry", "entries")),
        K::MinProperties { limit } => format!("must have at least {}, found {n}", counted(*limit, "entry", "entries")),
        K::Maximum { limit } => format!("must be at most {limit}, found {}", found(instance)),
        K::Minimum { limit } => format!("must be at least {limit}, found {}", found(instance)),
        K::ExclusiveMaximum { limit } => {
            format!("must be less than {limit}, found {}", found(instance))
        }
        K::ExclusiveMinimum { limit } => {
            format!("must be greater than {limit}, found {}", found(instance))
        }
        K::Pattern { pattern } => {
            format!("must match the pattern `{pattern}`, found {}", found(instance))
        }
        K::Enum { options } => {
            format!("must be one of {options}, found {}", found(instance))
        }
        K::Format { format } => format!("must be a valid {format}, found {}", found(instance)),
        K::Type { kind } => {
            let expected = match kind {
                jsonschema::error::TypeKind::Single(t) => t.to_string(),
                jsonschema::error::TypeKind::Multiple(set) => {
                    set.iter().map(|t| t.to_string()).collect::<Vec<_>>().join(" or ")
                }
            };
            format!("must be of type {expected}, found {}", json_type(instance))
        }
        K::UniqueItems => "items must be unique".to_owned(),
        K::OneOfNotValid { .. } => {
            format!(
                "must match exactly one of the allowed shapes (oneOf), matched none: {}",
                found(instance)
            )
        }
        K::OneOfMultipleValid { .. } => {
            format!(
                "must match exactly one of the allowed shapes (oneOf), matched several: {}",
                found(instance)
            )
        }
        K::AnyOf { .. } => {
            format!(
                "must match at least one of the allowed shapes (anyOf): {}",
                found(instance)
            )
        }
        K::Not { .. } => format!("must not match a forbidden shape (not): {}", found(instance)),
        K::MultipleOf { multiple_of } => {
            format!("must be a multiple of {multiple_of}, found {}", found(instance))
        }
        other => format!("{} validation failed: {}", other.keyword(), found(instance)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn translation() {
        let s = json!({
            "type": "object",
            "properties": {
                "metadata": {"type": "object"},
                "port": {"x-kubernetes-int-or-string": true, "anyOf": [{"type": "integer"}, {"type": "string"}]},
                "n": {"type": "string", "nullable": true, "enum": ["a"], "format": "int64",
                      "x-kubernetes-validations": [{"rule": "true"}], "default": "a"},
                "free": {"type": "object", "x-kubernetes-preserve-unknown-fields": true},
                "map": {"type": "object", "additionalProperties": {"type": "string"}}
            }
        });
        let c = to_json_schema(&s);
        assert_eq!(c["additionalProperties"], json!(false));
        assert_eq!(c["properties"]["metadata"], json!({"type": "object"}));
        assert_eq!(c["properties"]["port"]["type"], json!(["integer", "string"]));
        assert_eq!(
            c["properties"]["n"],
            json!({"type": ["string", "null"], "enum": ["a", null]})
        );
        assert_eq!(c["properties"]["free"], json!({"type": "object"}));
        assert_eq!(
            c["properties"]["map"]["additionalProperties"],
            json!({"type": "string"})
        );
        assert_eq!(c["properties"]["kind"], json!({"type": "string"}));
    }
}
