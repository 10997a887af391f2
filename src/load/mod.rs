//! Stage 1, **load**: find the spec files, read them keeping line and column,
//! merge team-owned fragments by key, and validate the result against the
//! spec's JSON Schema.
//!
//! Every value keeps its provenance ([`Provenance`]), so later stages can
//! point at the file and line that set it.

mod files;
mod fragments;
mod provenance;
mod read;
mod spec_dir;

pub use files::{SpecFiles, find_spec_files, unread_warnings};
pub use fragments::{escape as escape_token, is_foreign_document, merge_fragments};
pub use provenance::{Layer, LayerKind, Provenance, to_loc};
pub use read::{OUTPUT_FILE_LIMIT, read_head, read_limited, read_text_limited};
pub use spec_dir::read_spec;

use std::path::Path;

use crate::diagnostic::{Code, Diagnostic, Diagnostics};
use crate::source::Sources;
use crate::yaml;

/// Limits applied to every YAML file read (see docs/limits.md, "Limits").
pub fn limits() -> yaml::Limits {
    yaml::Limits::default()
}

/// Files of a spec directory that hold only other tools' documents (such as
/// vendored app manifests), already read and parsed while looking for spec
/// documents, by path: resolving the app that names one takes it from here
/// instead of reading and parsing it again.
pub type Preloaded = std::collections::HashMap<std::path::PathBuf, (crate::source::FileId, Vec<Service>)>;

/// `spec` fields that only `NodePort` or `LoadBalancer` Services may carry:
/// the API server refuses a `ClusterIP` Service that keeps them.
pub const NON_CLUSTER_IP_FIELDS: &[&str] = &[
    "allocateLoadBalancerNodePorts",
    "externalTrafficPolicy",
    "healthCheckNodePort",
    "loadBalancerClass",
    "loadBalancerIP",
    "loadBalancerSourceRanges",
];

/// What a Service patch needs to know of a manifest's Service (the rest of
/// the object is not kept: a site can vendor tens of thousands).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Service {
    /// `metadata.name`.
    pub name: String,
    /// The [`NON_CLUSTER_IP_FIELDS`] its `spec` sets (to `null` too).
    pub non_cluster_ip_fields: Vec<&'static str>,
    /// The `port` of each of its ports that sets a `nodePort` (to `null`
    /// too), with the port's `protocol` when it sets one: kustomize merges
    /// a patch's port into the port with the same `port` and `protocol`.
    pub node_ports: Vec<(u32, Option<String>)>,
    /// Each of its ports: the `port`, and the `targetPort` when it is a number.
    pub ports: Vec<(u32, Option<u32>)>,
}

impl Service {
    fn of(doc: &yaml::Node) -> Option<Self> {
        let name = match &doc.pointer("/metadata/name")?.value {
            yaml::Value::String(name) => name.clone(),
            _ => return None,
        };
        let spec = doc.get("spec");
        let non_cluster_ip_fields = NON_CLUSTER_IP_FIELDS
            .iter()
            .copied()
            .filter(|f| spec.and_then(|s| s.get(f)).is_some())
            .collect();
        let ports = match spec.and_then(|s| s.get("ports")).map(|p| &p.value) {
            Some(yaml::Value::Seq(ports)) => ports.as_slice(),
            _ => &[],
        };
        let number = |p: &yaml::Node, key: &str| match p.get(key)?.value {
            yaml::Value::Int(port) => u32::try_from(port).ok(),
            _ => None,
        };
        let protocol = |p: &yaml::Node| match &p.get("protocol")?.value {
            yaml::Value::String(s) => Some(s.clone()),
            _ => None,
        };
        let node_ports = ports
            .iter()
            .filter(|p| p.get("nodePort").is_some())
            .filter_map(|p| Some((number(p, "port")?, protocol(p))))
            .collect();
        let ports = ports
            .iter()
            .filter_map(|p| Some((number(p, "port")?, number(p, "targetPort"))))
            .collect();
        Some(Service {
            name,
            non_cluster_ip_fields,
            node_ports,
            ports,
        })
    }
}

/// Whether a manifest's text holds a `Namespace` object.
pub fn has_namespace(text: &str) -> bool {
    let is_namespace = |doc: &yaml::Node| matches!(doc.get("kind").map(|k| &k.value), Some(yaml::Value::String(k)) if k == "Namespace");
    // Most manifests never spell the word: they are not parsed again.
    text.contains("Namespace")
        && yaml::read_bytes(text.as_bytes(), &limits()).is_ok_and(|docs| docs.iter().any(is_namespace))
}

/// The Services among a manifest's documents, in order.
pub fn services_of(docs: &[yaml::Node]) -> Vec<Service> {
    docs.iter()
        .filter(|doc| matches!(doc.get("kind").map(|k| &k.value), Some(yaml::Value::String(k)) if k == "Service"))
        .filter_map(Service::of)
        .collect()
}

/// Read one YAML file into its documents, registering it in `sources`.
/// Syntax errors become diagnostics located in that file.
pub fn read_yaml_file(
    path: &Path,
    sources: &mut Sources,
    diags: &mut Diagnostics,
) -> Option<(crate::source::FileId, Vec<yaml::Node>)> {
    register(parse_yaml_file(path, false), sources, diags)
}

/// A YAML file read and parsed, not yet registered in [`Sources`]: the part
/// of [`read_yaml_file`] that can run on any thread.
#[derive(Debug)]
pub struct ParsedFile {
    path: std::path::PathBuf,
    read: Result<(String, Result<Vec<yaml::Node>, yaml::ReadError>), Unread>,
}

#[derive(Debug)]
enum Unread {
    Generated,
    TooBig(u64),
    Io(std::io::Error),
}

impl ParsedFile {
    /// The file's path.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Whether it was skipped as a file gatewright generated.
    pub fn is_generated(&self) -> bool {
        matches!(self.read, Err(Unread::Generated))
    }

    /// For a file of a spec directory that holds only other tools'
    /// documents ([`is_foreign_document`]), such as a vendored app manifest:
    /// its Services ([`services_of`]), its parsed documents dropped (a spec
    /// directory can vendor thousands). `None` for any other file.
    pub fn take_vendored(&mut self) -> Option<Vec<Service>> {
        let Ok((_, Ok(docs))) = &mut self.read else {
            return None;
        };
        if docs.is_empty() || !docs.iter().all(is_foreign_document) {
            return None;
        }
        let services = services_of(docs);
        *docs = Vec::new();
        Some(services)
    }
}

/// Read and parse one YAML file, within [`limits`]; [`register`] adds it to
/// the sources and reports what went wrong. With `skip_generated`, a file
/// gatewright generated ([`is_generated_file`]) is not parsed
/// ([`ParsedFile::is_generated`]).
pub fn parse_yaml_file(path: &Path, skip_generated: bool) -> ParsedFile {
    let max = limits().max_bytes;
    let read = match std::fs::metadata(path) {
        Ok(meta) if meta.is_file() && meta.len() > u64::try_from(max).unwrap_or(u64::MAX) => {
            if skip_generated && is_generated_file(path) {
                Err(Unread::Generated)
            } else {
                Err(Unread::TooBig(meta.len()))
            }
        }
        _ => match read_limited(path, max) {
            Ok(bytes) if skip_generated && is_generated(&bytes) => Err(Unread::Generated),
            Ok(bytes) => {
                let vendored = if skip_generated { plain_vendored(&bytes) } else { None };
                let docs = vendored.map_or_else(|| yaml::read_bytes(&bytes, &limits()), Ok);
                Ok((String::from_utf8_lossy(&bytes).into_owned(), docs))
            }
            Err(e) => Err(Unread::Io(e)),
        },
    };
    ParsedFile {
        path: path.to_path_buf(),
        read,
    }
}

/// The documents of a file of a spec directory read by the fast
/// [`yaml::read_plain`] (values only, no spans), when it is in that reader's
/// subset and holds only other tools' documents ([`is_foreign_document`]):
/// a vendored manifest, whose documents are dropped once its Services are
/// taken ([`ParsedFile::take_vendored`]). Anything else is read with spans.
fn plain_vendored(bytes: &[u8]) -> Option<Vec<yaml::Node>> {
    let docs = yaml::read_plain(std::str::from_utf8(bytes).ok()?)?;
    (!docs.is_empty() && docs.iter().all(is_foreign_document)).then_some(docs)
}

/// Register a file of [`parse_yaml_file`] in `sources`; a file that could
/// not be read or parsed becomes a diagnostic.
pub fn register(
    parsed: ParsedFile,
    sources: &mut Sources,
    diags: &mut Diagnostics,
) -> Option<(crate::source::FileId, Vec<yaml::Node>)> {
    let max = limits().max_bytes;
    let path = parsed.path.as_path();
    match parsed.read {
        Err(Unread::Generated) => None,
        Err(Unread::TooBig(len)) => {
            let file = sources.add_path(path, String::new());
            diags.push(
                Diagnostic::error(
                    Code::InvalidYaml,
                    format!("file is {len} bytes, more than the limit of {max} bytes"),
                )
                .at(Some(sources.loc_at(file, 1, 1)))
                .help("split the spec into several files under a directory (each file has its own limit)"),
            );
            None
        }
        Err(Unread::Io(e)) => {
            diags.push(unreadable(path, &e, sources));
            None
        }
        Ok((text, docs)) => {
            let file = sources.add_path(path, text);
            match docs {
                Ok(docs) => Some((file, docs)),
                Err(e) => {
                    diags.push(yaml_error(sources, file, &e));
                    None
                }
            }
        }
    }
}

/// GW101 for a file that cannot be read (or is not a regular file), at its
/// `file:1:1`.
pub fn unreadable(path: &Path, e: &std::io::Error, sources: &mut Sources) -> Diagnostic {
    let file = sources.add_path(path, String::new());
    Diagnostic::error(Code::UnreadableFile, format!("cannot read `{}`: {e}", path.display()))
        .at(Some(sources.loc_at(file, 1, 1)))
        .help("pass a readable regular file of at most 16 MiB (see gatewright's docs/limits.md, \"Limits\")")
}

/// First line of every file gatewright writes (the spec loader skips such
/// files; the writer touches no file without it).
pub const GENERATED_HEADER: &str = "# Code generated by gatewright; DO NOT EDIT.\n";

/// Whether a file's text starts with the generated-file header.
pub fn is_generated(text: &[u8]) -> bool {
    text.starts_with(GENERATED_HEADER.as_bytes())
}

/// Whether the file at `path` is a regular file that starts with the
/// generated-file header (reads only the header).
pub fn is_generated_file(path: &Path) -> bool {
    read_head(path, GENERATED_HEADER.len()).is_ok_and(|head| is_generated(&head))
}

/// A YAML syntax or limit error as a diagnostic.
pub fn yaml_error(sources: &Sources, file: crate::source::FileId, e: &yaml::ReadError) -> Diagnostic {
    Diagnostic::error(Code::InvalidYaml, format!("invalid YAML: {}", e.message))
        .at(Some(sources.loc_at(file, e.line, e.col)))
        .help(e.help.clone().unwrap_or_else(|| {
            "check this line and the one above: indentation (spaces, not tabs), and unclosed `{`, `[` or quotes"
                .to_string()
        }))
}
