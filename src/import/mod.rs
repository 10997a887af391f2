//! `gatewright import`: a compact spec from existing manifests. Gateway API
//! objects (Gateways, ListenerSets, HTTPRoutes, GRPCRoutes, TLSRoutes,
//! TCPRoutes, UDPRoutes, BackendTLSPolicies, ReferenceGrants)
//! become gateways, app listeners and app routes, as short as the short form allows; Services of
//! type `LoadBalancer` become app routes through a proposed gateway (and the
//! Service patches); `networking.k8s.io/v1` Ingresses become routes. What
//! cannot be carried over is a warning at the manifest's line.

mod allow;
mod attach;
mod compact;
mod gateway_api;
mod ingress;
mod kustomize;
mod l4;
mod listenersets;
mod metadata;
pub mod nginx;
mod services;
mod sets;
mod tls;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde_json::Value;

use crate::diagnostic::{Code, Diagnostic, Diagnostics};
use crate::source::{FileId, Loc, Sources};
use crate::spec::{self, Site};
use crate::yaml;

/// What to import, and the choices manifests do not make.
#[derive(Debug, Clone, Default)]
pub struct Options {
    /// Manifest files (or directories of them), in the order given.
    pub paths: Vec<PathBuf>,
    /// Namespace for objects that name none (`default` otherwise, with a warning).
    pub namespace: Option<String>,
    /// Domain of proposed hostnames (`<service>.<domain>`) and listeners (`*.<domain>`).
    pub domain: Option<String>,
    /// Hostname per Service, overriding `<service>.<domain>`.
    pub hosts: BTreeMap<String, String>,
    /// Profile of a proposed gateway (`aks-istio-external` by default).
    pub profile: Option<String>,
    /// Mesh revision for the app namespaces.
    pub revision: Option<String>,
    /// Ingress classes to import (`nginx::DEFAULT_CLASSES` when empty).
    pub ingress_classes: Vec<String>,
    /// The Gateway API version to target (the spec's `gatewayApi`).
    pub gateway_api: Option<String>,
}

/// The result of an import.
#[derive(Debug)]
pub struct Imported {
    /// The spec.
    pub site: Site,
    /// The spec as YAML text, ready to save.
    pub text: String,
    /// The manifests read (for showing diagnostics).
    pub sources: Sources,
    /// Warnings (what was not carried over) and errors (unreadable input).
    pub diagnostics: Vec<Diagnostic>,
    /// The Ingresses of the imported classes as ingress-nginx reads them, in its order.
    pub ingresses: Vec<nginx::ParsedIngress>,
    /// Where each imported route came from, by its spec path (`/apps/NS/routes/NAME`).
    pub origins: BTreeMap<String, Option<Loc>>,
}

/// Placeholder domain when `--domain` is not given.
pub const PLACEHOLDER_DOMAIN: &str = "example.com";

/// One manifest object and where it was read.
pub(crate) struct Object {
    pub value: Value,
    pub node: yaml::Node,
    pub file: FileId,
    /// The path as given.
    pub path: String,
    /// The namespace the file's kustomization gives it, if any.
    pub kustomized: Option<String>,
}

impl Object {
    pub fn str(&self, pointer: &str) -> Option<&str> {
        self.value.pointer(pointer).and_then(Value::as_str)
    }

    pub fn kind(&self) -> &str {
        self.str("/kind").unwrap_or("")
    }

    pub fn name(&self) -> &str {
        self.str("/metadata/name").unwrap_or("")
    }

    /// Location of the key of the value at `pointer`.
    pub fn key_loc(&self, pointer: &str) -> Option<Loc> {
        let span = self.node.key_span_at(pointer)?;
        Some(crate::load::to_loc(self.file, span))
    }

    /// Location of the value at `pointer` (of the object itself when absent).
    pub fn loc(&self, pointer: &str) -> Option<Loc> {
        let node = self.node.pointer(pointer).unwrap_or(&self.node);
        Some(crate::load::to_loc(self.file, node.span))
    }
}

/// Import state: the spec being built and the findings.
pub(crate) struct Cx<'a> {
    pub opts: &'a Options,
    pub site: Site,
    pub diags: Diagnostics,
    /// Objects (file, offset) already said to go to `default`.
    defaulted: std::collections::BTreeSet<(FileId, usize)>,
    /// Where each imported gateway and route came from, by its spec path
    /// (`/gateways/KEY`, `/apps/NS/routes/NAME`, `/apps/NS/grpcRoutes/NAME`).
    pub origins: BTreeMap<String, Option<Loc>>,
    /// Gateway keys by the imported Gateway's (namespace, name).
    pub gateway_keys: BTreeMap<(String, String), String>,
    /// Shortened listener names by (gateway key, name in the manifest).
    pub listener_names: BTreeMap<(String, String), String>,
}

impl Cx<'_> {
    /// The object's namespace: its kustomization's, its own, or the
    /// `--namespace`/`default` fallback (a warning for each object put in `default`).
    pub fn namespace(&mut self, o: &Object) -> String {
        if let Some(ns) = o.kustomized.as_deref().or(o.str("/metadata/namespace")) {
            return ns.to_string();
        }
        if let Some(ns) = &self.opts.namespace {
            return ns.clone();
        }
        if self.defaulted.insert((o.file, o.node.span.start)) {
            self.diags.push(
                Diagnostic::warning(
                    Code::DefaultNamespace,
                    format!(
                        "`{}` {} names no namespace; importing it into `default`",
                        o.kind(),
                        o.name()
                    ),
                )
                .at(o.loc("/metadata"))
                .help("pass `--namespace NAME` for the namespace you apply these manifests to, or set `namespace:` in their kustomization"),
            );
        }
        "default".to_string()
    }

    /// Warn that (part of) an object is not carried over.
    pub fn skip(&mut self, o: &Object, pointer: &str, what: String, help: &str) {
        self.diags.push(
            Diagnostic::warning(Code::NotImported, what)
                .at(o.loc(pointer))
                .help(help.to_string()),
        );
    }

    /// The app of namespace `ns`, created on first use.
    pub fn app(&mut self, ns: &str) -> &mut spec::App {
        self.site.apps.entry(ns.to_string()).or_default()
    }
}

/// Deserialize part of a manifest into a spec type; `None` with a warning
/// naming the field when the spec cannot say it.
pub(crate) fn parse<T: serde::de::DeserializeOwned>(
    o: &Object,
    pointer: &str,
    value: Value,
    cx: &mut Cx<'_>,
) -> Option<T> {
    match serde_json::from_value(value) {
        Ok(v) => Some(v),
        Err(e) => {
            let help = if e.to_string().starts_with("unknown field") {
                "gatewright writes the standard channel only; keep this object as a hand-written manifest"
            } else {
                "the value does not have the Gateway API's shape: fix the manifest, or keep this object as a hand-written manifest"
            };
            cx.skip(
                o,
                pointer,
                format!("{} `{}` is not imported: {e}", o.kind(), o.name()),
                help,
            );
            None
        }
    }
}

/// Import manifests into a spec.
pub fn import(opts: &Options) -> Imported {
    let mut sources = Sources::new();
    let mut cx = Cx {
        opts,
        site: Site {
            gateway_api: opts.gateway_api.clone(),
            ..Site::default()
        },
        diags: Diagnostics::new(),
        defaulted: std::collections::BTreeSet::new(),
        origins: BTreeMap::new(),
        gateway_keys: BTreeMap::new(),
        listener_names: BTreeMap::new(),
    };
    let objects = metadata::last_of_each(read_all(&opts.paths, &mut sources, &mut cx.diags), &mut cx);
    let by_kind = |k: &'static str| objects.iter().filter(move |o| o.kind() == k);
    for o in by_kind("Gateway") {
        gateway_api::gateway(o, &mut cx);
    }
    for o in by_kind("ListenerSet") {
        sets::listener_set(o, &mut cx);
    }
    for o in objects.iter().filter(|o| matches!(o.kind(), "HTTPRoute" | "GRPCRoute")) {
        gateway_api::route(o, &mut cx);
    }
    for o in by_kind("BackendTLSPolicy") {
        tls::backend_tls_policy(o, &mut cx);
    }
    for o in objects.iter().filter(|o| l4::KINDS.contains(&o.kind())) {
        l4::route(o, &mut cx);
    }
    for o in by_kind("Service") {
        services::service(o, &mut cx);
    }
    let mut https = BTreeMap::new();
    let ingresses = ingress::ingresses(&objects, &mut cx, &mut https);
    services::propose_gateway(&mut cx, https);
    attach::selector_labels(&mut cx);
    attach::pick_gateways(&mut cx);
    metadata::not_imported(&objects, &mut cx);
    l4::compact(&mut cx);
    listenersets::withdraw_refused(&objects, &mut cx, allow::allowable);
    compact::finish(&mut cx);
    allow::settle(&objects, &mut cx);
    let text = to_text(&cx.site, &opts.paths);
    Imported {
        site: cx.site,
        text,
        diagnostics: cx.diags.sorted(&sources),
        sources,
        ingresses,
        origins: cx.origins,
    }
}

/// The spec as YAML: a header naming the inputs, then the canonical form.
pub fn to_text(site: &Site, paths: &[PathBuf]) -> String {
    let names: Vec<String> = paths.iter().map(|p| p.display().to_string()).collect();
    let mut out = format!("# Imported by gatewright from {}.\n", names.join(", "));
    let mut value = serde_json::to_value(site).unwrap_or(Value::Null);
    // An app with only TLS, TCP or UDP routes (or only listeners) says no `routes: {}`.
    let apps = value.get_mut("apps").and_then(Value::as_object_mut);
    for app in apps
        .into_iter()
        .flat_map(|a| a.values_mut())
        .filter_map(Value::as_object_mut)
    {
        if app
            .get("routes")
            .and_then(Value::as_object)
            .is_some_and(|r| r.is_empty())
        {
            app.remove("routes");
        }
    }
    yaml::write_canonical_yaml(&mut out, &value);
    out
}

fn read_all(paths: &[PathBuf], sources: &mut Sources, diags: &mut Diagnostics) -> Vec<Object> {
    let mut files: Vec<PathBuf> = paths.iter().flat_map(|p| expand(p)).collect();
    let kustomizations = kustomize::read(&files, sources, diags);
    files.extend(kustomizations.extra.iter().cloned());
    let mut out = Vec::new();
    for path in files {
        if kustomize::is_kustomization_file(&path) {
            continue; // read above; not an object to import
        }
        let bytes = match crate::load::read_limited(&path, crate::load::limits().max_bytes) {
            Ok(b) => b,
            Err(e) => {
                diags.push(crate::load::unreadable(&path, &e, sources));
                continue;
            }
        };
        let file = sources.add_path(&path, String::from_utf8_lossy(&bytes).into_owned());
        let kustomized = kustomizations.namespaces.get(&kustomize::normal(&path));
        match yaml::read_bytes(&bytes, &crate::load::limits()) {
            Ok(docs) => out.extend(docs.into_iter().filter_map(|node| {
                let value = node.to_json();
                value.get("kind")?.as_str()?;
                Some(Object {
                    value,
                    node,
                    file,
                    path: path.display().to_string(),
                    kustomized: kustomized.cloned(),
                })
            })),
            Err(e) => diags.push(crate::load::yaml_error(sources, file, &e)),
        }
    }
    out
}

/// A file, or the `*.yaml`/`*.yml` files under a directory in sorted order.
fn expand(path: &Path) -> Vec<PathBuf> {
    if !path.is_dir() {
        return vec![path.to_path_buf()];
    }
    let mut files: Vec<PathBuf> = walkdir::WalkDir::new(path)
        .sort_by_file_name()
        .into_iter()
        .filter_map(Result::ok)
        // A FIFO or device so named is refused when read, never skipped silently.
        .filter(|e| !e.file_type().is_dir())
        .map(|e| e.into_path())
        .filter(|p| matches!(p.extension().and_then(|x| x.to_str()), Some("yaml" | "yml")))
        .collect();
    files.sort();
    files
}
