//! Canonical YAML writer.

/// Canonical YAML text for one document (no leading `---`), ending with a newline.
#[must_use]
pub fn to_canonical_yaml(value: &serde_json::Value) -> String {
    let mut out = String::new();
    write_canonical_yaml(&mut out, value);
    out
}

/// Appends the canonical YAML text of one document to `out`.
pub fn write_canonical_yaml(out: &mut String, value: &serde_json::Value) {
    out.push_str(&value.to_string());
    out.push('\n');
}
