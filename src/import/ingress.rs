//! `networking.k8s.io/v1` Ingresses of the imported classes, read as
//! ingress-nginx reads them (`super::nginx`): one route per Ingress and
//! host, TLS hosts HTTPS listeners of the proposed gateway.

use crate::diagnostic::Code;
use std::collections::BTreeMap;

use serde_json::Value;

use super::nginx::{self, IngressPathType, Location, ParsedIngress, label};
use super::{Cx, Object};
use crate::diagnostic::Diagnostic;
use crate::spec::{self, BackendRef};

/// Code of an Ingress of a class that is not imported.
pub const OTHER_CLASS: Code = Code::IngressClassSkipped;

/// The Ingresses into routes of their namespaces' apps; their TLS hosts
/// into `https` listeners. Returns the Ingresses of the imported classes
/// as ingress-nginx reads them, in its order.
pub(super) fn ingresses(
    objects: &[Object],
    cx: &mut Cx<'_>,
    https: &mut BTreeMap<String, spec::Listener>,
) -> Vec<ParsedIngress> {
    let mut inputs: Vec<(&Object, ParsedIngress)> = Vec::new();
    for o in objects.iter().filter(|o| o.kind() == "Ingress") {
        if let Some(p) = parse(o, objects, cx) {
            inputs.push((o, p));
        }
    }
    // ingress-nginx's order: the oldest Ingress first, then by namespace and name.
    inputs.sort_by(|(a, pa), (b, pb)| {
        let t = |o: &Object| o.str("/metadata/creationTimestamp").unwrap_or("").to_string();
        (t(a), &pa.namespace, &pa.name).cmp(&(t(b), &pb.namespace, &pb.name))
    });
    let built = nginx::convert(&inputs, objects, cx);
    let several: BTreeMap<usize, usize> = built.iter().fold(BTreeMap::new(), |mut m, b| {
        *m.entry(b.ingress).or_default() += 1;
        m
    });
    for b in built {
        let (o, ing) = &inputs[b.ingress];
        let key = match (&b.host, several.get(&b.ingress).copied().unwrap_or(0) > 1) {
            (_, false) => ing.name.clone(),
            (None, true) => format!("{}-default", ing.name),
            (Some(h), true) => format!("{}-{}", ing.name, label(h)),
        };
        nginx::place(o, ing, &key, b.host.as_deref(), b.route, cx);
    }
    for (o, ing) in &inputs {
        tls(o, &ing.namespace, cx, https);
    }
    inputs.into_iter().map(|(_, p)| p).collect()
}

/// An Ingress of an imported class as ingress-nginx reads it.
fn parse(o: &Object, objects: &[Object], cx: &mut Cx<'_>) -> Option<ParsedIngress> {
    if o.str("/apiVersion") != Some("networking.k8s.io/v1") {
        cx.skip(
            o,
            "/apiVersion",
            format!(
                "Ingress `{}` is not imported: only `networking.k8s.io/v1` is read",
                o.name()
            ),
            "convert it to `networking.k8s.io/v1` first",
        );
        return None;
    }
    if let Some(class) = nginx::class_of(&o.value) {
        let wanted = &cx.opts.ingress_classes;
        let imported = if wanted.is_empty() {
            nginx::DEFAULT_CLASSES.contains(&class)
        } else {
            wanted.iter().any(|w| w == class)
        };
        if !imported {
            let at = if o.str("/spec/ingressClassName").is_some() {
                "/spec/ingressClassName"
            } else {
                "/metadata/annotations"
            };
            cx.diags.push(
                Diagnostic::warning(
                    OTHER_CLASS,
                    format!("Ingress `{}` of class `{class}` is not imported", o.name()),
                )
                .at(o.loc(at))
                .help(format!(
                    "pass `--ingress-class {class}` to import the Ingresses of that class"
                )),
            );
            return None;
        }
    }
    let ns = cx.namespace(o);
    let nginx = nginx::annotations::parse(o, cx);
    let mut locations = Vec::new();
    let rules = o.value.pointer("/spec/rules").and_then(Value::as_array);
    for (i, r) in rules.into_iter().flatten().enumerate() {
        let host = r.get("host").and_then(Value::as_str).map(str::to_string);
        let paths = r.pointer("/http/paths").and_then(Value::as_array);
        for (j, p) in paths.into_iter().flatten().enumerate() {
            let at = format!("/spec/rules/{i}/http/paths/{j}");
            let Some(backend) = backend(o, p.get("backend"), &format!("{at}/backend"), &ns, objects, cx) else {
                continue;
            };
            let path_type = match p.get("pathType").and_then(Value::as_str) {
                Some("Exact") => IngressPathType::Exact,
                Some("Prefix") => IngressPathType::Prefix,
                _ => IngressPathType::ImplementationSpecific,
            };
            let path = p.get("path").and_then(Value::as_str).unwrap_or("/").to_string();
            locations.push(Location {
                host: host.clone(),
                path,
                path_type,
                backend,
                pointer: at,
            });
        }
    }
    let default_backend = backend(
        o,
        o.value.pointer("/spec/defaultBackend"),
        "/spec/defaultBackend",
        &ns,
        objects,
        cx,
    );
    let tls_hosts = o
        .value
        .pointer("/spec/tls")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter(|t| t.get("secretName").is_some())
        .flat_map(|t| t.get("hosts").and_then(Value::as_array).cloned().unwrap_or_default())
        .filter_map(|h| h.as_str().map(str::to_string))
        .collect();
    Some(ParsedIngress {
        namespace: ns,
        name: o.name().to_string(),
        locations,
        default_backend,
        tls_hosts,
        nginx,
        at: Some((o.file, o.node.span.start..o.node.span.end)),
    })
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
                        certificates: vec![spec::CertificateRef::Secret(format!("{ns}/{secret}"))],
                        options: BTreeMap::new(),
                    }),
                },
            );
        }
    }
}
