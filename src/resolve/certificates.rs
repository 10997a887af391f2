//! ReferenceGrants for listeners' certificates in another namespace: one
//! per (namespace, referring kind and namespace, certificate group and kind)
//! when the spec owns the namespace, a GW317 warning otherwise. Secrets and
//! every other kind a `certificateRefs` entry may name are treated alike.

use std::collections::BTreeMap;

use super::Context;
use crate::diagnostic::{Code, Diagnostic, Diagnostics};
use crate::model::Model;

/// Grants to build: (namespace, from kind, from namespace, to group, to kind) -> (names, first spec path).
type Grants<'m> = BTreeMap<(String, &'m str, String, String, String), (Vec<String>, String)>;

/// The name of the ReferenceGrant from objects in `from_ns` to certificates
/// of `group`/`kind`: `PREFIX-from-NS` for `default_kind` of the core group
/// (as before other kinds were granted), else `PREFIX-KINDs[.GROUP]-from-NS`,
/// so that grants of two kinds never share a name.
pub(super) fn grant_name(prefix: &str, default_kind: &str, (group, kind): (&str, &str), from_ns: &str) -> String {
    if group.is_empty() && kind == default_kind {
        return format!("{prefix}-from-{from_ns}");
    }
    let what = if group.is_empty() {
        format!("{kind}s")
    } else {
        format!("{kind}s.{group}")
    };
    let what: String = what
        .to_ascii_lowercase()
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() || c == '.' { c } else { '-' })
        .collect();
    format!("{prefix}-{what}-from-{from_ns}")
}

/// `Kind` of the core group, `Kind (group)` of another.
pub(super) fn describe_kind(group: &str, kind: &str) -> String {
    if group.is_empty() {
        kind.to_string()
    } else {
        format!("{kind} ({group})")
    }
}

/// A ReferenceGrant for each namespace holding certificates (Secrets or
/// objects of another kind) of Gateways or ListenerSets in another
/// namespace, when the spec owns it; a warning otherwise.
pub(super) fn listener_grants(model: &mut Model, cx: &Context<'_>, diags: &mut Diagnostics) {
    let mut grants: Grants<'_> = BTreeMap::new();
    let holders = (model.gateways.iter().map(|g| ("Gateway", &g.namespace, &g.listeners))).chain(
        model
            .listener_sets
            .iter()
            .map(|s| ("ListenerSet", &s.namespace, &s.listeners)),
    );
    for (kind, from_ns, listeners) in holders {
        for l in listeners {
            for (i, c) in l.tls.iter().flat_map(|t| t.certificate_refs.iter()).enumerate() {
                let Some(ns) = c.namespace.as_ref() else { continue };
                let ptr = format!("{}/tls/certificates/{i}", l.origin);
                if !model.namespaces.iter().any(|n| &n.name == ns) {
                    let what = describe_kind(&c.group, &c.kind);
                    diags.push(
                        Diagnostic::warning(
                            Code::CertificateNamespaceNotOwned,
                            format!("certificate `{ns}/{}` is in a namespace this spec does not own", c.name),
                        )
                        .at(cx.loc(&ptr))
                        .path(ptr)
                        .help(format!(
                            "the owner of `{ns}` must create a ReferenceGrant from {kind}s in `{from_ns}` to {what} `{}`, or the listener stays unprogrammed",
                            c.name
                        )),
                    );
                    continue;
                }
                let key = (ns.clone(), kind, from_ns.clone(), c.group.clone(), c.kind.clone());
                let (names, _) = grants.entry(key).or_insert_with(|| (Vec::new(), ptr));
                if !names.contains(&c.name) {
                    names.push(c.name.clone());
                }
            }
        }
    }
    for ((namespace, kind, from_namespace, group, to_kind), (names, origin)) in grants {
        let prefix = if kind == "Gateway" { "gateways" } else { "listenersets" };
        model.reference_grants.extend(super::backends::split_grant(
            &grant_name(prefix, "Secret", (&group, &to_kind), &from_namespace),
            &namespace,
            (kind, &from_namespace),
            (&group, &to_kind),
            names,
            &origin,
        ));
    }
}

#[cfg(test)]
mod tests {
    use super::grant_name;

    #[test]
    fn grants_of_other_kinds_have_their_own_names() {
        assert_eq!(
            grant_name("gateways", "Secret", ("", "Secret"), "edge"),
            "gateways-from-edge"
        );
        assert_eq!(
            grant_name("gateways", "Secret", ("", "ConfigMap"), "edge"),
            "gateways-configmaps-from-edge"
        );
        assert_eq!(
            grant_name("gateways", "Secret", ("cert-manager.io", "Certificate"), "edge"),
            "gateways-certificates.cert-manager.io-from-edge"
        );
    }
}
