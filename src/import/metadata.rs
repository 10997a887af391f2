//! What every manifest object brings besides its `spec`: labels and
//! annotations, a name the spec can keep (at most 63 characters), its
//! identity (a later object of the same identity wins, as with `kubectl
//! apply`), and a warning for each object nothing imports.

use crate::diagnostic::Code;
use std::collections::BTreeMap;

use serde_json::Value;

use super::{Cx, Object};
use crate::diagnostic::Diagnostic;

/// Code of a duplicate object (the last one is imported).
pub const DUPLICATE: Code = Code::ImportDuplicate;
/// Code of a name shortened to 63 characters.
pub const SHORTENED: Code = Code::ImportNameShortened;

/// Metadata that says nothing about the object's behaviour (`kubectl
/// apply`'s copy of the object itself).
pub const HARMLESS: &[&str] = &["kubectl.kubernetes.io/last-applied-configuration"];

/// Labels that Kubernetes sets itself on a Namespace.
const NAMESPACE_OWN: &[&str] = &["kubernetes.io/metadata.name"];

/// `metadata.labels` or `metadata.annotations` (`field`) as a string map;
/// a value that is not a string is a warning and left out.
pub(super) fn string_map(o: &Object, field: &str, cx: &mut Cx<'_>) -> BTreeMap<String, String> {
    let mut out = BTreeMap::new();
    let Some(map) = o
        .value
        .pointer(&format!("/metadata/{field}"))
        .and_then(Value::as_object)
    else {
        return out;
    };
    for (k, v) in map.iter().filter(|(k, _)| !HARMLESS.contains(&k.as_str())) {
        match v.as_str() {
            Some(s) => {
                out.insert(k.clone(), s.to_string());
            }
            None => cx.skip(
                o,
                &format!("/metadata/{field}/{}", crate::load::escape_token(k)),
                format!(
                    "{field} `{k}` of {} `{}` is not a string and is not imported",
                    o.kind(),
                    o.name()
                ),
                "quote the value: the API server takes only strings here",
            ),
        }
    }
    out
}

/// The name the spec gives an object named `name`: itself, or, over 63
/// characters, the shortened name the GitOps objects get ([`crate::names`]),
/// with a warning at the object.
pub(super) fn short_name(o: &Object, name: &str, cx: &mut Cx<'_>) -> String {
    if name.len() <= crate::names::MAX {
        return name.to_string();
    }
    let mut short = crate::names::object_name(&[name]);
    if short.contains(".-") {
        // The cut ended on a dot: a label cannot start with `-`.
        short = crate::names::object_name(&[&name.replace('.', "-")]);
    }
    cx.diags.push(
        Diagnostic::warning(
            SHORTENED,
            format!(
                "the name `{name}` ({} `{}`) has {} characters; the spec names it `{short}`",
                o.kind(),
                o.name(),
                name.len()
            ),
        )
        .at(o.loc("/metadata/name"))
        .help("names the spec writes have at most 63 characters; rename the object in the spec if another name suits it better"),
    );
    short
}

/// Identity of an object as `kubectl apply` sees it: API group, kind,
/// namespace as written, name.
fn identity(o: &Object) -> (String, String, String, String) {
    let api = o.str("/apiVersion").unwrap_or("");
    let group = api.rsplit_once('/').map_or("", |(g, _)| g);
    let ns = o.kustomized.as_deref().or(o.str("/metadata/namespace")).unwrap_or("");
    (
        group.to_string(),
        o.kind().to_string(),
        ns.to_string(),
        o.name().to_string(),
    )
}

/// The objects with each identity once: the last one, as `kubectl apply`
/// leaves it; a warning at every earlier one.
pub(super) fn last_of_each(objects: Vec<Object>, cx: &mut Cx<'_>) -> Vec<Object> {
    let mut last: BTreeMap<(String, String, String, String), usize> = BTreeMap::new();
    for (i, o) in objects.iter().enumerate() {
        last.insert(identity(o), i);
    }
    let mut out = Vec::with_capacity(last.len());
    for (i, o) in objects.into_iter().enumerate() {
        let id = identity(&o);
        if last.get(&id) == Some(&i) {
            out.push(o);
            continue;
        }
        cx.diags.push(
            Diagnostic::warning(
                DUPLICATE,
                format!(
                    "{} `{}` appears again later in the manifests; the later one is imported",
                    id.1, id.3
                ),
            )
            .at(o.loc("/metadata/name"))
            .help("`kubectl apply` keeps the last of two objects with one name; remove the one that is not meant"),
        );
    }
    out
}

/// A warning for each object that nothing imports, unless its file is an
/// app's manifest (deployed as it is); a Namespace of an app gives the app
/// its labels.
pub(super) fn not_imported(objects: &[Object], cx: &mut Cx<'_>) {
    for o in objects {
        let in_manifests = cx.site.apps.values().any(|a| a.manifests.contains(&o.path));
        let (what, help) = match o.kind() {
            "Gateway" | "ListenerSet" | "HTTPRoute" | "GRPCRoute" | "TLSRoute" | "TCPRoute" | "UDPRoute"
            | "BackendTLSPolicy" | "ReferenceGrant" | "Ingress" => continue,
            "Service" if o.str("/spec/type") == Some("LoadBalancer") => continue,
            _ if in_manifests => continue,
            "Namespace" if cx.site.apps.contains_key(o.name()) => {
                namespace(o, cx);
                continue;
            }
            "GatewayClass" => (
                "the spec names a gateway's class by `className`",
                "keep the GatewayClass as a hand-written manifest, or install it with the implementation",
            ),
            "Service" => (
                "only `LoadBalancer` Services become routes",
                "keep it with the app's manifests",
            ),
            _ => (
                "gatewright writes Gateways, ListenerSets, HTTPRoutes, GRPCRoutes, TLSRoutes, TCPRoutes, UDPRoutes, BackendTLSPolicies, ReferenceGrants, Namespaces and Service patches",
                "keep it as a hand-written manifest beside the rendered tree",
            ),
        };
        cx.skip(
            o,
            "/kind",
            format!("{} `{}` is not imported: {what}", o.kind(), o.name()),
            help,
        );
    }
}

/// The labels of an app's Namespace into the app's `labels`; its annotations are a warning.
fn namespace(o: &Object, cx: &mut Cx<'_>) {
    let labels = string_map(o, "labels", cx);
    if !string_map(o, "annotations", cx).is_empty() {
        cx.skip(
            o,
            "/metadata/annotations",
            format!("the annotations of Namespace `{}` are not imported", o.name()),
            "the spec labels app namespaces only: annotate the Namespace by hand",
        );
    }
    let mesh = cx.opts.revision.clone();
    let app = cx.app(o.name());
    for (k, v) in labels {
        if k == crate::resolve::REVISION_LABEL {
            // The mesh revision is a setting of the spec, not a label.
            if mesh.as_ref() != Some(&v) {
                app.revision = Some(v);
            }
        } else if !NAMESPACE_OWN.contains(&k.as_str()) && !k.starts_with(crate::resolve::GATEWRIGHT_LABEL_PREFIX) {
            app.labels.entry(k).or_insert(v);
        }
    }
}
