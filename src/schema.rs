//! The spec's JSON Schema: derived from the [`crate::spec`] types with
//! schemars, committed as `schema/gatewright.schema.json` (a test keeps the
//! two equal), printed by `gatewright schema`, and used through the
//! `jsonschema` crate to validate every spec before it is deserialized.

use std::sync::OnceLock;

use jsonschema::error::{TypeKind, ValidationErrorKind};
use serde_json::Value;

use crate::diagnostic::{Code, Diagnostic, did_you_mean};
use crate::load::Provenance;
use crate::source::Sources;
use crate::spec::Site;

/// The `$id` of the schema.
pub const SCHEMA_ID: &str = "https://gatewright.dev/schema/v1alpha1/site.json";

/// The spec's JSON Schema (draft 2020-12), as a JSON value.
pub fn spec_schema() -> Value {
    let generator = schemars::generate::SchemaSettings::draft2020_12().into_generator();
    let mut schema = generator.into_root_schema_for::<Site>().to_value();
    drop_null_alternatives(&mut schema);
    bound_integer_formats(&mut schema);
    if let Value::Object(map) = &mut schema {
        map.insert("$id".into(), Value::String(SCHEMA_ID.into()));
    }
    schema
}

/// The schema as pretty-printed JSON with a trailing newline, as committed.
pub fn spec_schema_text() -> String {
    let mut text = serde_json::to_string_pretty(&spec_schema()).unwrap_or_default();
    text.push('\n');
    text
}

/// In a spec, `null` means "not set" (and deletes in an overlay), so the
/// schema describes only the non-null forms; nulls are removed before
/// validation.
fn drop_null_alternatives(value: &mut Value) {
    match value {
        Value::Object(map) => {
            if let Some(Value::Array(types)) = map.get_mut("type") {
                types.retain(|t| t != "null");
                if types.len() == 1 {
                    let only = types.remove(0);
                    map.insert("type".into(), only);
                }
            }
            for key in ["anyOf", "oneOf"] {
                if let Some(Value::Array(branches)) = map.get_mut(key) {
                    branches.retain(|b| b.get("type").and_then(Value::as_str) != Some("null"));
                    if branches.len() == 1 {
                        let only = branches.remove(0);
                        map.remove(key);
                        if let Value::Object(inner) = only {
                            for (k, v) in inner {
                                map.entry(k).or_insert(v);
                            }
                        }
                    }
                }
            }
            map.values_mut().for_each(drop_null_alternatives);
        }
        Value::Array(items) => items.iter_mut().for_each(drop_null_alternatives),
        _ => {}
    }
}

/// Give every integer of a fixed width (`"format": "uint32"`, ...) the
/// bounds of that width where the spec states none, so that a validated
/// spec always deserializes: a number too large for its field is GW206 at
/// its line, never an internal error.
fn bound_integer_formats(value: &mut Value) {
    match value {
        Value::Object(map) => {
            let width = match map.get("format").and_then(Value::as_str) {
                Some("uint8") => Some((0, i64::from(u8::MAX))),
                Some("uint16") => Some((0, i64::from(u16::MAX))),
                Some("uint32") => Some((0, i64::from(u32::MAX))),
                Some("int32") => Some((i64::from(i32::MIN), i64::from(i32::MAX))),
                _ => None,
            };
            if let Some((min, max)) = width {
                map.entry("minimum").or_insert(Value::from(min));
                map.entry("maximum").or_insert(Value::from(max));
            }
            map.values_mut().for_each(bound_integer_formats);
        }
        Value::Array(items) => items.iter_mut().for_each(bound_integer_formats),
        _ => {}
    }
}

/// Replace every float with an integral value (`80.0`, `8.0e+1`) by that
/// integer, as the API server reads them. Run after [`validate`], which
/// accepts them where an integer is expected and bounds every integer, so
/// that deserializing never meets a float where an integer belongs.
pub fn integral_floats_to_integers(value: &mut Value) {
    match value {
        Value::Number(n) => {
            let integral = n
                .as_f64()
                .filter(|f| n.is_f64() && f.fract() == 0.0 && f.abs() < 9.0e15);
            if let Some(f) = integral {
                // Exact: every integer below 2^53 is a float without rounding.
                #[allow(clippy::cast_possible_truncation)]
                let i = f as i64;
                *value = Value::from(i);
            }
        }
        Value::Object(map) => map.values_mut().for_each(integral_floats_to_integers),
        Value::Array(items) => items.iter_mut().for_each(integral_floats_to_integers),
        _ => {}
    }
}

struct Compiled {
    schema: Value,
    validator: Option<jsonschema::Validator>,
}

fn compiled() -> &'static Compiled {
    static COMPILED: OnceLock<Compiled> = OnceLock::new();
    COMPILED.get_or_init(|| {
        let schema = spec_schema();
        let validator = jsonschema::draft202012::new(&schema).ok();
        Compiled { schema, validator }
    })
}

/// Validate a merged spec value; every violation becomes a diagnostic at the
/// file and line that set the offending value.
pub fn validate(value: &Value, prov: &Provenance, sources: &Sources) -> Vec<Diagnostic> {
    let compiled = compiled();
    let Some(validator) = &compiled.validator else {
        return vec![Diagnostic::error(
            Code::SchemaInternal,
            "internal error: the spec schema does not compile",
        )];
    };
    let mut out = Vec::new();
    for error in validator.iter_errors(value) {
        let pointer = error.instance_path().as_str().to_string();
        let schema_path = error.schema_path().as_str().to_string();
        out.extend(describe(
            error.kind(),
            error.instance().as_ref(),
            &pointer,
            &schema_path,
            &compiled.schema,
            prov,
            sources,
        ));
    }
    out
}

fn describe(
    kind: &ValidationErrorKind,
    instance: &Value,
    pointer: &str,
    schema_path: &str,
    schema: &Value,
    prov: &Provenance,
    sources: &Sources,
) -> Vec<Diagnostic> {
    let here = prov.locate(pointer);
    let at = |d: Diagnostic| d.at(here.clone()).path(pointer.to_string());
    let d = match kind {
        ValidationErrorKind::AdditionalProperties { unexpected } => {
            let allowed = allowed_properties(schema, schema_path);
            return unexpected
                .iter()
                .map(|name| {
                    let child = format!("{pointer}/{}", crate::load::escape_token(name));
                    let help = match did_you_mean(name, allowed.iter().map(String::as_str)) {
                        Some(s) => format!("did you mean `{s}`?"),
                        None if allowed.is_empty() => "remove it".to_string(),
                        None => format!("expected one of: {}", allowed.join(", ")),
                    };
                    Diagnostic::error(Code::UnknownField, format!("unknown field `{name}`"))
                        .at(prov.locate_key(&child))
                        .path(child)
                        .help(help)
                })
                .collect();
        }
        ValidationErrorKind::Required { property } => {
            let name = property.as_str().unwrap_or_default();
            Diagnostic::error(Code::MissingField, format!("missing required field `{name}`"))
                .at(here.as_ref().map(crate::source::Loc::start))
                .path(pointer.to_string())
                .help(format!("add `{name}:` to the mapping that starts here"))
        }
        ValidationErrorKind::Type { kind } => {
            let expected = match kind {
                TypeKind::Single(t) => t.to_string(),
                TypeKind::Multiple(ts) => ts.iter().map(|t| t.to_string()).collect::<Vec<_>>().join(" or "),
            };
            let found = json_type(instance);
            let raw = here
                .as_ref()
                .and_then(|l| sources.get(l.file).text.get(l.range.clone()))
                .unwrap_or("");
            let help = if expected == "string" && !instance.is_object() && !instance.is_array() {
                format!(
                    "YAML reads `{}` as {found} (as kubectl does); quote it: \"{}\"",
                    raw.trim(),
                    raw.trim()
                )
            } else if expected.contains("integer") && instance.as_str().is_some_and(|s| s.trim().parse::<i64>().is_ok())
            {
                "remove the quotes: this field is a number".to_string()
            } else {
                format!("write {} here", article(&expected))
            };
            at(Diagnostic::error(
                Code::WrongType,
                format!("expected {}, found {found}", article(&expected)),
            ))
            .help(help)
        }
        ValidationErrorKind::Enum { options } => {
            enum_error(instance, options.as_array().map(Vec::as_slice).unwrap_or(&[]), at)
        }
        ValidationErrorKind::Constant { expected_value } => {
            enum_error(instance, std::slice::from_ref(expected_value.as_ref()), at)
        }
        ValidationErrorKind::OneOfNotValid { context } | ValidationErrorKind::AnyOf { context } => {
            let consts: Vec<Value> = context
                .iter()
                .flatten()
                .filter_map(|e| match e.kind() {
                    ValidationErrorKind::Constant { expected_value } => Some(expected_value.as_ref().clone()),
                    ValidationErrorKind::Enum { options } => options.as_array().cloned().map(Value::Array),
                    _ => None,
                })
                .flat_map(|v| match v {
                    Value::Array(a) => a,
                    v => vec![v],
                })
                .collect();
            if consts.is_empty() {
                at(Diagnostic::error(
                    Code::ValueNotAllowed,
                    format!("`{}` matches none of the allowed forms", short(instance)),
                ))
            } else {
                enum_error(instance, &consts, at)
            }
        }
        ValidationErrorKind::Minimum { limit } | ValidationErrorKind::ExclusiveMinimum { limit } => out_of_range(
            instance,
            "small",
            &format!("the minimum is {limit}"),
            schema,
            schema_path,
            at,
        ),
        ValidationErrorKind::Maximum { limit } | ValidationErrorKind::ExclusiveMaximum { limit } => out_of_range(
            instance,
            "large",
            &format!("the maximum is {limit}"),
            schema,
            schema_path,
            at,
        ),
        ValidationErrorKind::Pattern { pattern } => at(Diagnostic::error(
            Code::SchemaViolation,
            format!("{} does not have the expected form `{pattern}`", short(instance)),
        ))
        .help(pattern_help(pattern)),
        other => at(Diagnostic::error(
            Code::SchemaViolation,
            format!("invalid value {}: {}", short(instance), other.keyword()),
        )),
    };
    vec![d]
}

/// GW206, naming the field's whole range.
fn out_of_range(
    instance: &Value,
    too: &str,
    limit: &str,
    schema: &Value,
    schema_path: &str,
    at: impl Fn(Diagnostic) -> Diagnostic,
) -> Diagnostic {
    let range = range_text(schema, schema_path);
    let expected = range
        .as_deref()
        .map_or_else(|| limit.to_string(), |r| format!("expected a whole number {r}"));
    let d = at(Diagnostic::error(
        Code::OutOfRange,
        format!("{} is too {too}: {expected}", short(instance)),
    ));
    match range {
        Some(r) => d.help(format!("write a whole number {r}")),
        None => d.help(format!("change the value: {limit}")),
    }
}

/// A hint for the spec's patterns that users meet most.
fn pattern_help(pattern: &str) -> String {
    if pattern.contains("(h|m|s|ms)") {
        "write a duration such as `10s`, `500ms` or `1h30m`: whole numbers (at most 5 digits) with h, m, s or ms"
            .to_string()
    } else {
        "change the value to match that form".to_string()
    }
}

fn enum_error(instance: &Value, options: &[Value], at: impl Fn(Diagnostic) -> Diagnostic) -> Diagnostic {
    let names: Vec<String> = options
        .iter()
        .map(|o| o.as_str().map(str::to_string).unwrap_or_else(|| o.to_string()))
        .collect();
    let found = instance
        .as_str()
        .map(str::to_string)
        .unwrap_or_else(|| instance.to_string());
    let list = names.iter().map(|n| format!("`{n}`")).collect::<Vec<_>>().join(", ");
    let help = names
        .iter()
        .find(|n| n.eq_ignore_ascii_case(&found))
        .map(|n| n.as_str())
        .or_else(|| did_you_mean(&found, names.iter().map(String::as_str)))
        .map(|s| format!("did you mean `{s}`?"))
        .unwrap_or_else(|| format!("use one of {list}"));
    at(Diagnostic::error(
        Code::ValueNotAllowed,
        format!("unexpected value `{found}`, expected one of {list}"),
    ))
    .help(help)
}

fn short(v: &Value) -> String {
    let s = v.to_string();
    if s.len() > 40 {
        format!("{}…", &s[..s.char_indices().nth(39).map_or(s.len(), |(i, _)| i)])
    } else {
        s
    }
}

fn json_type(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(n) if n.is_f64() => "a number",
        Value::Number(_) => "an integer",
        Value::String(_) => "a string",
        Value::Array(_) => "a list",
        Value::Object(_) => "a mapping",
    }
}

fn article(t: &str) -> String {
    match t {
        "object" => "a mapping".into(),
        "array" => "a list".into(),
        "integer" => "an integer".into(),
        "boolean" => "a boolean (`true` or `false`)".into(),
        t => format!("a {t}"),
    }
}

/// The property names allowed where an `additionalProperties` error arose.
fn allowed_properties(schema: &Value, schema_path: &str) -> Vec<String> {
    schema_node(schema, schema_path)
        .and_then(|n| n.get("properties"))
        .and_then(Value::as_object)
        .map(|m| m.keys().cloned().collect())
        .unwrap_or_default()
}

/// `"from 1 to 65535"`: the bounds of the integer whose `minimum` or
/// `maximum` a value broke.
fn range_text(schema: &Value, schema_path: &str) -> Option<String> {
    let node = schema_node(schema, schema_path)?;
    let min = node.get("minimum").and_then(Value::as_i64);
    let max = node.get("maximum").and_then(Value::as_i64);
    Some(match (min, max) {
        (Some(min), Some(max)) => format!("from {min} to {max}"),
        (Some(min), None) => format!("of at least {min}"),
        (None, Some(max)) => format!("of at most {max}"),
        (None, None) => return None,
    })
}

/// The schema node holding the keyword an error's schema path ends in:
/// follow the path (resolving `$ref`s) to the keyword's parent.
fn schema_node<'s>(schema: &'s Value, schema_path: &str) -> Option<&'s Value> {
    let mut node = schema;
    let tokens: Vec<&str> = schema_path.split('/').skip(1).collect();
    let (_, parents) = tokens.split_last()?;
    for token in parents {
        if *token == "$ref" {
            let target = node.get("$ref").and_then(Value::as_str)?.strip_prefix('#')?;
            node = schema.pointer(target)?;
            continue;
        }
        let token = token.replace("~1", "/").replace("~0", "~");
        node = match node {
            Value::Object(m) => m.get(&token)?,
            Value::Array(a) => a.get(token.parse::<usize>().ok()?)?,
            _ => return None,
        };
    }
    Some(node)
}
