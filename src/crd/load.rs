//! Reading CRD install manifests.

use std::collections::BTreeMap;
use std::sync::{Arc, OnceLock};

use serde::Deserialize;
use serde_json::Value;

use super::node::Node;
use super::{CrdError, CrdVersion, Gvk};

/// Every served version of every CRD in a multi-document YAML stream.
pub(super) fn load(text: &str, origin: &str) -> Result<BTreeMap<Gvk, Arc<CrdVersion>>, CrdError> {
    let starts = document_start_lines(text);
    let mut out = BTreeMap::new();
    for (index, document) in serde_yaml::Deserializer::from_str(text).enumerate() {
        let start = starts.get(index).copied();
        let value = Value::deserialize(document).map_err(|e| CrdError::Yaml {
            origin: origin.to_owned(),
            document: index,
            line: e.location().map(|l| l.line()).or(start),
            message: e.to_string(),
        })?;
        if value.get("kind").and_then(Value::as_str) != Some("CustomResourceDefinition") {
            continue;
        }
        let malformed = |message: String| CrdError::Malformed {
            origin: origin.to_owned(),
            document: index,
            line: start,
            message,
        };
        for (gvk, version) in crd_versions(&value, origin).map_err(|e| match e {
            LoadError::Malformed(m) => malformed(m),
            LoadError::Rule(e) => e,
        })? {
            out.insert(gvk, Arc::new(version));
        }
    }
    Ok(out)
}

pub(super) enum LoadError {
    Malformed(String),
    Rule(CrdError),
}

fn str_at<'a>(value: &'a Value, pointer: &str) -> Result<&'a str, LoadError> {
    value
        .pointer(pointer)
        .and_then(Value::as_str)
        .ok_or_else(|| LoadError::Malformed(format!("`{pointer}` must be a string")))
}

fn crd_versions(crd: &Value, origin: &str) -> Result<Vec<(Gvk, CrdVersion)>, LoadError> {
    let name = str_at(crd, "/metadata/name")?;
    let group = str_at(crd, "/spec/group")?;
    let kind = str_at(crd, "/spec/names/kind")?;
    let namespaced = match crd.pointer("/spec/scope").and_then(Value::as_str) {
        Some("Namespaced") => true,
        Some("Cluster") => false,
        _ => {
            return Err(LoadError::Malformed(
                "`/spec/scope` must be `Namespaced` or `Cluster`".to_owned(),
            ));
        }
    };
    let versions = crd
        .pointer("/spec/versions")
        .and_then(Value::as_array)
        .ok_or_else(|| LoadError::Malformed("`/spec/versions` must be a list".to_owned()))?;
    let mut out = Vec::new();
    for (i, version) in versions.iter().enumerate() {
        if version.get("served").and_then(Value::as_bool) != Some(true) {
            continue;
        }
        let version_name = str_at(version, "/name")
            .map_err(|_| LoadError::Malformed(format!("`/spec/versions/{i}/name` is missing")))?;
        let schema = version
            .pointer("/schema/openAPIV3Schema")
            .filter(|s| s.is_object())
            .ok_or_else(|| {
                LoadError::Malformed(format!("`/spec/versions/{i}/schema/openAPIV3Schema` must be an object"))
            })?;
        let crd_label = format!("{name}/{version_name}");
        let node = Node::build(schema).map_err(|e| {
            LoadError::Rule(CrdError::Rule {
                origin: origin.to_owned(),
                crd: crd_label.clone(),
                schema_pointer: e.schema_pointer,
                rule: e.rule,
                message: e.message,
            })
        })?;
        super::cost::check(&node).map_err(|e| {
            LoadError::Rule(CrdError::Cost {
                origin: origin.to_owned(),
                crd: crd_label.clone(),
                schema_pointer: e.schema_pointer,
                rule: e.rule,
                message: e.message,
            })
        })?;
        out.push((
            Gvk {
                group: group.to_owned(),
                version: version_name.to_owned(),
                kind: kind.to_owned(),
            },
            CrdVersion {
                origin: origin.to_owned(),
                crd_name: crd_label,
                namespaced,
                status_subresource: version.pointer("/subresources/status").is_some_and(Value::is_object),
                raw_schema: schema.clone(),
                node,
                validator: OnceLock::new(),
                bundle_version: crd
                    .pointer("/metadata/annotations/gateway.networking.k8s.io~1bundle-version")
                    .and_then(Value::as_str)
                    .map(str::to_owned),
            },
        ));
    }
    Ok(out)
}

/// 1-based line on which each YAML document starts (after a `---` marker, or
/// line 1 for the first).
fn document_start_lines(text: &str) -> Vec<usize> {
    let mut starts = vec![1];
    for (i, line) in text.lines().enumerate() {
        if line == "---" || line.starts_with("--- ") {
            if i == 0 {
                starts[0] = 2;
            } else {
                starts.push(i + 2);
            }
        }
    }
    starts
}
