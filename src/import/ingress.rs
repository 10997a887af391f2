//! `networking.k8s.io/v1` Ingresses: one route per host (paths become
//! rules), the default backend a route without hostnames, TLS hosts HTTPS
//! listeners of the proposed gateway. Annotations are controller-specific:
//! each is a warning.

use std::collections::BTreeMap;

use serde_json::Value;

use super::metadata::HARMLESS;
use super::{Cx, Object};
use crate::diagnostic::{Code, Diagnostic};
use crate::spec::{self, BackendRef, Match, PathMatch, PathType, Rule};

/// An Ingress into routes of its namespace's app; its TLS hosts into `https` listeners.
pub(super) fn ingress(o: &Object, objects: &[Object], cx: &mut Cx<'_>, https: &mut BTreeMap<String, spec::Listener>) {
    if o.str("/apiVersion") != Some("networking.k8s.io/v1") {
        return cx.skip(
            o,
            "/apiVersion",
            format!(
                "Ingress `{}` is not imported: only `networking.k8s.io/v1` is read",
                o.name()
            ),
            "convert it to `networking.k8s.io/v1` first",
        );
    }
    let name = o.name().to_string();
    let ns = cx.namespace(o);
    annotations(o, cx);
    let mut by_host: BTreeMap<Option<String>, Vec<Rule>> = BTreeMap::new();
    let rules = o.value.pointer("/spec/rules").and_then(Value::as_array);
    for (i, r) in rules.into_iter().flatten().enumerate() {
        let host = r.get("host").and_then(Value::as_str).map(str::to_string);
        let paths = r.pointer("/http/paths").and_then(Value::as_array);
        for (j, p) in paths.into_iter().flatten().enumerate() {
            let at = format!("/spec/rules/{i}/http/paths/{j}");
            let Some(backend) = backend(o, p.get("backend"), &format!("{at}/backend"), &ns, objects, cx) else {
                continue;
            };
            let value = p.get("path").and_then(Value::as_str).unwrap_or("/").to_string();
            let kind = match p.get("pathType").and_then(Value::as_str) {
                Some("Exact") => PathType::Exact,
                Some("Prefix") => PathType::PathPrefix,
                other => {
                    // Controllers read such paths as regular expressions (ingress-nginx with `use-regex`).
                    let regex = value.contains(|c: char| "()|$^*+?[]{}\\".contains(c));
                    let kind = if regex {
                        PathType::RegularExpression
                    } else {
                        PathType::PathPrefix
                    };
                    cx.diags.push(
                        Diagnostic::warning(
                            Code::IngressNotCarriedOver,
                            format!("pathType `{}` is imported as `{kind:?}`", other.unwrap_or("(none)")),
                        )
                        .at(o.loc(&format!("{at}/pathType")))
                        .help(
                            "`ImplementationSpecific` means what the controller says; check the match, or use `Exact`",
                        ),
                    );
                    kind
                }
            };
            by_host.entry(host.clone()).or_default().push(Rule {
                matches: vec![Match {
                    path: Some(PathMatch { kind, value }),
                    ..Match::default()
                }],
                backend_refs: vec![backend],
                ..Rule::default()
            });
        }
    }
    if let Some(b) = backend(
        o,
        o.value.pointer("/spec/defaultBackend"),
        "/spec/defaultBackend",
        &ns,
        objects,
        cx,
    ) {
        by_host.entry(None).or_default().push(Rule {
            backend_refs: vec![b],
            ..Rule::default()
        });
    }
    let several = by_host.len() > 1;
    for (host, rules) in by_host {
        let key = match (&host, several) {
            (_, false) => name.clone(),
            (None, true) => format!("{name}-default"),
            (Some(h), true) => format!("{name}-{}", label(h)),
        };
        let key = super::metadata::short_name(o, &key, cx);
        cx.origins.insert(
            format!(
                "/apps/{}/routes/{}",
                crate::load::escape_token(&ns),
                crate::load::escape_token(&key)
            ),
            o.loc("/metadata/name"),
        );
        let route = spec::Route {
            hostnames: host.map(|h| vec![h]),
            rules: Some(rules),
            ..spec::Route::default()
        };
        if cx.app(&ns).routes.insert(key.clone(), route).is_some() {
            cx.skip(
                o,
                "/metadata/name",
                format!("route `{key}` of Ingress `{name}` replaces a route of the same name"),
                "rename one of the Ingresses",
            );
        }
    }
    tls(o, &ns, cx, https);
}

/// A DNS label from a hostname: `*.shop.example.com` → `wildcard-shop-example-com`.
fn label(host: &str) -> String {
    let s = host
        .replacen("*.", "wildcard-", 1)
        .replace('.', "-")
        .to_ascii_lowercase();
    s.chars().take(55).collect::<String>().trim_end_matches('-').to_string()
}

fn annotations(o: &Object, cx: &mut Cx<'_>) {
    let Some(map) = o.value.pointer("/metadata/annotations").and_then(Value::as_object) else {
        return;
    };
    for key in map.keys().filter(|k| !HARMLESS.contains(&k.as_str())) {
        let pointer = format!("/metadata/annotations/{}", key.replace('~', "~0").replace('/', "~1"));
        cx.diags.push(
            Diagnostic::warning(
                Code::IngressNotCarriedOver,
                format!("annotation `{key}` of Ingress `{}` is not carried over", o.name()),
            )
            .at(o.key_loc(&pointer).or_else(|| o.loc(&pointer)))
            .help("Gateway API has no annotations for controller behaviour: express it with route filters (`requestRedirect`, `urlRewrite`, header modifiers) or the gateway's settings"),
        );
    }
}

/// An Ingress backend as a route backend; named ports are looked up in the
/// manifests' Services.
fn backend(
    o: &Object,
    b: Option<&Value>,
    at: &str,
    ns: &str,
    objects: &[Object],
    cx: &mut Cx<'_>,
) -> Option<BackendRef> {
    let b = b?;
    let Some(svc) = b.get("service") else {
        return resource_backend(o, b, at, cx);
    };
    let name = svc.get("name").and_then(Value::as_str).unwrap_or_default().to_string();
    let port = match (
        svc.pointer("/port/number").and_then(Value::as_u64),
        svc.pointer("/port/name").and_then(Value::as_str),
    ) {
        (Some(n), _) => Some(n),
        (None, Some(port_name)) => objects
            .iter()
            .filter(|x| x.kind() == "Service" && x.name() == name)
            .filter(|x| x.str("/metadata/namespace").is_none_or(|n| n == ns))
            .flat_map(|x| {
                x.value
                    .pointer("/spec/ports")
                    .and_then(Value::as_array)
                    .cloned()
                    .unwrap_or_default()
            })
            .find(|p| p.get("name").and_then(Value::as_str) == Some(port_name))
            .and_then(|p| p.get("port").and_then(Value::as_u64)),
        (None, None) => None,
    };
    let Some(port) = port.and_then(|p| u32::try_from(p).ok()) else {
        cx.skip(
            o,
            &format!("{at}/service/port"),
            format!("the port of backend `{name}` in Ingress `{}` is not known", o.name()),
            "use `port.number`, or import the Service's manifest too so its named port can be looked up",
        );
        return None;
    };
    Some(BackendRef {
        group: None,
        kind: None,
        name,
        namespace: None,
        port: Some(port),
        weight: None,
        filters: Vec::new(),
    })
}

/// A `resource` backend (`{apiGroup, kind, name}`): a backend of that kind, without a port.
fn resource_backend(o: &Object, b: &Value, at: &str, cx: &mut Cx<'_>) -> Option<BackendRef> {
    let field = |k: &str| b.pointer(&format!("/resource/{k}")).and_then(Value::as_str);
    let (Some(kind), Some(name)) = (field("kind"), field("name")) else {
        cx.skip(
            o,
            at,
            format!(
                "a backend of Ingress `{}` names neither a Service nor a resource",
                o.name()
            ),
            "give the backend `service: {name, port}` or `resource: {apiGroup, kind, name}`",
        );
        return None;
    };
    Some(BackendRef {
        group: Some(field("apiGroup").unwrap_or("").to_string()),
        kind: Some(kind.to_string()),
        name: name.to_string(),
        namespace: None,
        port: None,
        weight: None,
        filters: Vec::new(),
    })
}

/// Each TLS host of an Ingress: an HTTPS listener terminating with its Secret.
fn tls(o: &Object, ns: &str, cx: &mut Cx<'_>, https: &mut BTreeMap<String, spec::Listener>) {
    let entries = o.value.pointer("/spec/tls").and_then(Value::as_array);
    for (i, t) in entries.into_iter().flatten().enumerate() {
        let Some(secret) = t.get("secretName").and_then(Value::as_str) else {
            cx.skip(
                o,
                &format!("/spec/tls/{i}"),
                format!("a TLS entry of Ingress `{}` names no Secret", o.name()),
                "the controller's default certificate has no Gateway API equivalent: name the Secret",
            );
            continue;
        };
        let hosts: Vec<Option<String>> = match t.get("hosts").and_then(Value::as_array) {
            Some(h) if !h.is_empty() => h
                .iter()
                .filter_map(Value::as_str)
                .map(|s| Some(s.to_string()))
                .collect(),
            _ => vec![None],
        };
        for host in hosts {
            let lname = match &host {
                Some(h) => format!("https-{}", label(h)),
                None => "https".to_string(),
            };
            https.insert(
                lname,
                spec::Listener {
                    hostname: host,
                    protocol: spec::Protocol::HTTPS,
                    port: 443,
                    allowed_routes: None,
                    tls: Some(spec::ListenerTls {
                        mode: None,
                        certificates: vec![format!("{ns}/{secret}")],
                        options: BTreeMap::new(),
                    }),
                },
            );
        }
    }
}
