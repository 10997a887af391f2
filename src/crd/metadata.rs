//! Object metadata, checked like the API server's generic `ObjectMeta`
//! validation (`apimachinery/pkg/api/validation`): name, namespace, labels,
//! annotations, and no unknown fields.

use std::sync::OnceLock;

use regex::Regex;
use serde_json::Value;

use super::pointer::escape;
use super::{Rule, Violation};

const DNS1123_LABEL: &str = "[a-z0-9]([-a-z0-9]*[a-z0-9])?";
const QUALIFIED_NAME: &str = "([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]";
const TOTAL_ANNOTATION_SIZE: usize = 256 * 1024;

/// The fields of `ObjectMeta`.
const KNOWN_FIELDS: &[&str] = &[
    "name",
    "generateName",
    "namespace",
    "selfLink",
    "uid",
    "resourceVersion",
    "generation",
    "creationTimestamp",
    "deletionTimestamp",
    "deletionGracePeriodSeconds",
    "labels",
    "annotations",
    "ownerReferences",
    "finalizers",
    "managedFields",
];

fn regex(cell: &'static OnceLock<Option<Regex>>, pattern: fn() -> String) -> Option<&'static Regex> {
    cell.get_or_init(|| Regex::new(&pattern()).ok()).as_ref()
}

fn full(re: Option<&Regex>, s: &str) -> bool {
    re.is_some_and(|re| re.is_match(s))
}

/// Whether `s` is a DNS-1123 label: at most 63 lowercase alphanumerics or `-`,
/// starting and ending with an alphanumeric.
pub(super) fn is_dns1123_label(s: &str) -> bool {
    static RE: OnceLock<Option<Regex>> = OnceLock::new();
    s.len() <= 63 && full(regex(&RE, || format!("^{DNS1123_LABEL}$")), s)
}

/// Whether `s` is a DNS-1123 subdomain: at most 253 characters, dot-separated labels.
pub(super) fn is_dns1123_subdomain(s: &str) -> bool {
    static RE: OnceLock<Option<Regex>> = OnceLock::new();
    s.len() <= 253 && full(regex(&RE, || format!("^{DNS1123_LABEL}(\\.{DNS1123_LABEL})*$")), s)
}

/// Why `key` is not a qualified name (`[prefix/]name`), if it is not.
pub(super) fn qualified_name_error(key: &str) -> Option<String> {
    static RE: OnceLock<Option<Regex>> = OnceLock::new();
    let (prefix, name) = match key.split_once('/') {
        Some((p, n)) => (Some(p), n),
        None => (None, key),
    };
    if let Some(prefix) = prefix {
        if prefix.is_empty() {
            return Some("prefix part must be non-empty".to_owned());
        }
        if !is_dns1123_subdomain(prefix) {
            return Some(format!("prefix part `{prefix}` must be a lowercase DNS-1123 subdomain"));
        }
    }
    if name.is_empty() {
        return Some("name part must be non-empty".to_owned());
    }
    if name.len() > 63 {
        return Some("name part must be no more than 63 characters".to_owned());
    }
    if !full(regex(&RE, || format!("^{QUALIFIED_NAME}$")), name) {
        return Some(
            "name part must consist of alphanumeric characters, '-', '_' or '.', and must \
             start and end with an alphanumeric character"
                .to_owned(),
        );
    }
    None
}

pub(super) fn is_label_value(value: &str) -> bool {
    static RE: OnceLock<Option<Regex>> = OnceLock::new();
    value.is_empty() || (value.len() <= 63 && full(regex(&RE, || format!("^{QUALIFIED_NAME}$")), value))
}

/// Violations of `/metadata` of `object`.
pub(super) fn validate(object: &Value, namespaced: bool) -> Vec<Violation> {
    let mut out = Vec::new();
    let mut push = |pointer: String, message: String| {
        out.push(Violation {
            pointer,
            message,
            rule: Rule::Metadata,
        })
    };
    let Some(meta) = object.get("metadata") else {
        push("/metadata".to_owned(), "required field is missing".to_owned());
        return out;
    };
    let Some(meta) = meta.as_object() else {
        push("/metadata".to_owned(), "must be an object".to_owned());
        return out;
    };
    for key in meta.keys() {
        if !KNOWN_FIELDS.contains(&key.as_str()) {
            push(
                format!("/metadata/{}", escape(key)),
                format!("unknown field `{key}` in metadata"),
            );
        }
    }
    match meta.get("name") {
        None if meta.get("generateName").is_some() => {}
        None => push(
            "/metadata/name".to_owned(),
            "required field is missing: name or generateName is required".to_owned(),
        ),
        Some(Value::String(name)) => {
            if !is_dns1123_subdomain(name) {
                push(
                    "/metadata/name".to_owned(),
                    format!(
                        "invalid name {name:?}: must be a lowercase RFC 1123 subdomain of at \
                         most 253 characters (lowercase alphanumerics, '-' or '.', starting and \
                         ending with an alphanumeric)"
                    ),
                );
            }
        }
        Some(_) => push("/metadata/name".to_owned(), "must be a string".to_owned()),
    }
    match meta.get("namespace") {
        None => {}
        Some(Value::String(ns)) if namespaced && !ns.is_empty() && !is_dns1123_label(ns) => {
            push(
                "/metadata/namespace".to_owned(),
                format!(
                    "invalid namespace {ns:?}: must be a lowercase RFC 1123 label of at most \
                     63 characters"
                ),
            );
        }
        Some(Value::String(_)) => {}
        Some(_) => push("/metadata/namespace".to_owned(), "must be a string".to_owned()),
    }
    for (field, is_labels) in [("labels", true), ("annotations", false)] {
        let Some(map) = meta.get(field) else { continue };
        let Some(map) = map.as_object() else {
            if !map.is_null() {
                push(format!("/metadata/{field}"), "must be a map of strings".to_owned());
            }
            continue;
        };
        let mut total = 0;
        for (key, value) in map {
            let pointer = format!("/metadata/{field}/{}", escape(key));
            let checked = if is_labels { key.clone() } else { key.to_lowercase() };
            if let Some(e) = qualified_name_error(&checked) {
                push(pointer.clone(), format!("invalid key {key:?}: {e}"));
            }
            let Some(value) = value.as_str() else {
                push(pointer, "value must be a string".to_owned());
                continue;
            };
            total += key.len() + value.len();
            if is_labels && !is_label_value(value) {
                push(
                    pointer,
                    format!(
                        "invalid label value {value:?}: must be 63 characters or less and be \
                         empty or consist of alphanumerics, '-', '_' or '.', starting and ending \
                         with an alphanumeric"
                    ),
                );
            }
        }
        if !is_labels && total > TOTAL_ANNOTATION_SIZE {
            push(
                "/metadata/annotations".to_owned(),
                format!("annotations are {total} bytes, must be at most {TOTAL_ANNOTATION_SIZE}"),
            );
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn names_labels_annotations() {
        let ok = json!({"metadata": {"name": "a.b-c", "namespace": "pets",
            "labels": {"app.kubernetes.io/name": "x", "e": ""},
            "annotations": {"Example.COM/Thing": "anything at all"}}});
        assert!(validate(&ok, true).is_empty());
        let bad = json!({"metadata": {"name": "Bad_Name", "namespace": "a.b",
            "labels": {"-x": "ok", "k": "bad value"}, "nmae": 1}});
        let found: Vec<String> = validate(&bad, true).into_iter().map(|v| v.pointer).collect();
        assert_eq!(
            found,
            [
                "/metadata/nmae",
                "/metadata/name",
                "/metadata/namespace",
                "/metadata/labels/-x",
                "/metadata/labels/k"
            ]
        );
        assert_eq!(validate(&json!({"metadata": {}}), true).len(), 1);
        assert!(is_dns1123_label(&"a".repeat(63)));
        assert!(!is_dns1123_label(&"a".repeat(64)));
        assert!(!is_dns1123_subdomain(&"a".repeat(254)));
    }
}
