//! Labels: the namespace labels gatewright writes (mesh revision, the app's
//! labels) and the labels a `Selector` listener matches must be valid
//! Kubernetes label keys and values, or the API server refuses the Namespace.

use super::Context;
use super::syntax::is_dns_subdomain;
use crate::diagnostic::{Code, Diagnostics};
use crate::load::escape_token as esc;
use crate::model::Model;
use crate::resolve::REVISION_LABEL;

/// A label name: at most 63 characters, alphanumerics with `-`, `_`, `.`
/// inside. Label values follow the same rule and may be empty.
fn is_label_name(s: &str) -> bool {
    !s.is_empty()
        && s.len() <= 63
        && s.bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.'))
        && s.bytes().next().is_some_and(|b| b.is_ascii_alphanumeric())
        && s.bytes().last().is_some_and(|b| b.is_ascii_alphanumeric())
}

/// A label key: `[PREFIX/]NAME`, the prefix a DNS-1123 subdomain.
pub fn is_label_key(s: &str) -> bool {
    match s.split_once('/') {
        Some((prefix, name)) => is_dns_subdomain(prefix) && is_label_name(name),
        None => is_label_name(s),
    }
}

/// A label value: empty, or like a label name.
pub fn is_label_value(s: &str) -> bool {
    s.is_empty() || is_label_name(s)
}

/// Check the labels of every Namespace and every `Selector`, and the
/// labels and annotation keys of gateways and routes.
pub fn check(model: &Model, cx: &Context<'_>, diags: &mut Diagnostics) {
    let objects = model
        .gateways
        .iter()
        .map(|g| (&g.origin, &g.labels, &g.annotations, "gateway", &g.name))
        .chain(
            model
                .routes
                .iter()
                .map(|r| (&r.origin, &r.labels, &r.annotations, "route", &r.name)),
        )
        .chain(
            model
                .grpc_routes
                .iter()
                .map(|r| (&r.origin, &r.labels, &r.annotations, "gRPC route", &r.name)),
        )
        .chain(
            model
                .l4_routes
                .iter()
                .map(|r| (&r.origin, &r.labels, &r.annotations, r.kind.kind(), &r.name)),
        );
    for (origin, labels, annotations, what, name) in objects {
        let owner = || format!("{what} `{name}`");
        for (k, v) in labels {
            report(cx, diags, || format!("{origin}/labels/{}", esc(k)), k, v, owner);
        }
        for k in annotations.keys() {
            // An annotation value may be any text; its key follows the label key's rule.
            report(cx, diags, || format!("{origin}/annotations/{}", esc(k)), k, "", owner);
        }
    }
    for ns in &model.namespaces {
        for (k, v) in &ns.labels {
            let pointer = || {
                if k == REVISION_LABEL {
                    let own = format!("{}/revision", ns.origin);
                    if cx.prov.is_written(&own) {
                        own
                    } else {
                        "/mesh/revision".to_string()
                    }
                } else {
                    format!("{}/labels/{}", ns.origin, esc(k))
                }
            };
            report(cx, diags, pointer, k, v, || format!("namespace `{}`", ns.name));
        }
    }
    for g in &model.gateways {
        for l in &g.listeners {
            for (k, v) in l.allowed_routes.iter().flat_map(|a| a.selector.iter().flatten()) {
                report(
                    cx,
                    diags,
                    || format!("{}/allowedRoutes/selector/{}", l.origin, esc(k)),
                    k,
                    v,
                    || format!("the selector of listener `{}`", l.name),
                );
            }
        }
    }
}

/// Report an invalid label; the pointer and the owner's description are only built for a finding.
fn report(
    cx: &Context<'_>,
    diags: &mut Diagnostics,
    pointer: impl FnOnce() -> String,
    k: &str,
    v: &str,
    owner: impl FnOnce() -> String,
) {
    let problem = if !is_label_key(k) {
        format!("label key `{}` of {} is not valid", k.escape_debug(), owner())
    } else if !is_label_value(v) {
        format!(
            "label value `{}` (key `{k}`) of {} is not valid",
            v.escape_debug(),
            owner()
        )
    } else {
        return;
    };
    diags.push(cx.err(Code::InvalidLabel, &pointer(), problem).help(
        "label names and values have at most 63 characters: letters, digits, `-`, `_`, `.`, starting and ending with a letter or digit (a key may have a DNS prefix, `example.com/name`)",
    ));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_and_values() {
        assert!(is_label_key("istio.io/rev"));
        assert!(is_label_key("team"));
        assert!(!is_label_key("Istio.IO/rev"));
        assert!(!is_label_key("a/b/c"));
        assert!(!is_label_key("-team"));
        assert!(is_label_value(""));
        assert!(is_label_value("asm-1-22"));
        assert!(!is_label_value("asm 1"));
        assert!(!is_label_value(&"a".repeat(64)));
    }
}
