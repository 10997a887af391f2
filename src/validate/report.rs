//! From a [`Violation`] of a CRD schema to a diagnostic: stable codes, the
//! rendered field in the message, and a hint that fits the kind of check.

use serde_json::Value;

use crate::crd::{NoMatch, Rule, Violation};
use crate::diagnostic::{Code, Diagnostic};

/// The error of an object whose kind or version the CRDs of its group do not
/// serve (to be located at `kind`, or at `apiVersion` when only the version is wrong).
pub fn no_match(nm: &NoMatch) -> Diagnostic {
    let served = nm.served.join(", ");
    let help = match (&nm.did_you_mean, nm.known_kind) {
        (_, true) => format!(
            "{} is served as {served}: use one of these, or pass the CRDs of a release or channel that serves this version",
            nm.kind
        ),
        (Some(kind), false) => format!("did you mean `{kind}`? It is served as {served}"),
        (None, false) => format!(
            "the CRDs of this group define {}; pass the CRD of this kind with another `--crds FILE`",
            nm.kinds.join(", ")
        ),
    };
    Diagnostic::error(
        Code::NoMatchForKind,
        format!("the API server would refuse this object: {nm}"),
    )
    .help(help)
}

/// The code of a violation.
pub fn code(rule: &Rule) -> Code {
    match rule {
        Rule::Cel { .. } => Code::CrdCelRule,
        Rule::CelBudget { .. } => Code::CelBudgetExceeded,
        _ => Code::CrdSchema,
    }
}

/// `Kind namespace/name` (or `Kind name`) of an object, for messages.
pub fn object_label(object: &Value) -> String {
    let s = |p: &str| object.pointer(p).and_then(Value::as_str);
    let kind = s("/kind").unwrap_or("object");
    match (s("/metadata/namespace"), s("/metadata/name")) {
        (Some(ns), Some(name)) => format!("{kind} {ns}/{name}"),
        (None, Some(name)) => format!("{kind} {name}"),
        _ => kind.to_string(),
    }
}

/// A JSON pointer as a field path: `/spec/rules/0/matches` -> `spec.rules[0].matches`.
pub fn field_path(pointer: &str) -> String {
    let mut out = String::new();
    for token in pointer.split('/').skip(1) {
        let token = token.replace("~1", "/").replace("~0", "~");
        if !token.is_empty() && token.bytes().all(|b| b.is_ascii_digit()) {
            out.push_str(&format!("[{token}]"));
        } else {
            if !out.is_empty() {
                out.push('.');
            }
            out.push_str(&token);
        }
    }
    if out.is_empty() {
        "(the object)".to_string()
    } else {
        out
    }
}

/// The violations worth reporting: the note that Code::CrdCelRule rules were skipped is
/// folded into the hints of the violations that caused it.
pub fn reportable(violations: &[Violation]) -> (Vec<&Violation>, bool) {
    let skipped = violations.iter().any(|v| v.rule == Rule::CelNotEvaluated);
    let list: Vec<&Violation> = violations.iter().filter(|v| v.rule != Rule::CelNotEvaluated).collect();
    if list.is_empty() {
        return (violations.iter().collect(), false);
    }
    (list, skipped)
}

/// The message: which object, which field, what is wrong.
pub fn message(object: &Value, v: &Violation) -> String {
    format!("{}: {}: {}", object_label(object), field_path(&v.pointer), v.message)
}

/// The hint for a violation; `cel_skipped` says the API server skipped the
/// object's Code::CrdCelRule rules because of structural errors.
pub fn help(v: &Violation, cel_skipped: bool) -> String {
    let mut help = match &v.rule {
        Rule::Cel { rule } => format!("the CRD's validation rule is `{}`", one_line(rule)),
        Rule::Schema(keyword) => match keyword.as_str() {
            "additionalProperties" => {
                "remove the field: the CRD has no such field (it may belong to another Gateway API version or channel)"
                    .to_string()
            }
            "required" => "add the missing field".to_string(),
            "maxItems" | "maxLength" | "maxProperties" | "maximum" => {
                format!("stay within the CRD's limit (`{keyword}`)")
            }
            "minItems" | "minLength" | "minProperties" | "minimum" => {
                format!("the CRD requires more here (`{keyword}`)")
            }
            "enum" => "use one of the values the CRD allows".to_string(),
            "pattern" | "format" => format!("write the value in the form the CRD requires (`{keyword}`)"),
            "type" => "write a value of the type the CRD declares".to_string(),
            other => format!("the CRD's schema refuses it (`{other}`)"),
        },
        Rule::ListType => "list items must be unique by their key (`x-kubernetes-list-type`)".to_string(),
        Rule::Metadata => {
            "names are DNS-1123 subdomains, namespaces DNS-1123 labels; labels and annotations follow the Kubernetes rules"
                .to_string()
        }
        Rule::CelBudget { rule } => format!(
            "the API server stops running the CRD's rules here, and refuses the object; the rule is `{}`: make the lists and strings it walks smaller",
            one_line(rule)
        ),
        Rule::CelNotEvaluated => "fix the other violations of this object first".to_string(),
        Rule::InvalidSchema => "the CRD file is broken: use the CRDs of a Gateway API release".to_string(),
    };
    if cel_skipped && !matches!(v.rule, Rule::Cel { .. }) {
        help.push_str("; the API server skips the CRD's Code::CrdCelRule rules until this is fixed");
    }
    help
}

fn one_line(rule: &str) -> String {
    let flat: String = rule.split_whitespace().collect::<Vec<_>>().join(" ");
    if flat.chars().count() > 200 {
        let cut: String = flat.chars().take(200).collect();
        format!("{cut}…")
    } else {
        flat
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn field_paths() {
        assert_eq!(
            field_path("/spec/rules/0/matches/12/path"),
            "spec.rules[0].matches[12].path"
        );
        assert_eq!(field_path(""), "(the object)");
        assert_eq!(field_path("/metadata/labels/a~1b"), "metadata.labels.a/b");
    }
}
