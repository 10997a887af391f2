//! HTTPRoute matches and backends as rendered YAML has them, read back
//! into model types (for `diff --trees`).

use crate::model::{BackendRef, RouteMatch};

#[derive(serde::Deserialize, Default)]
#[serde(rename_all = "camelCase")]
pub(super) struct JsonMatch {
    path: Option<JsonPath>,
    #[serde(default)]
    headers: Vec<JsonValueMatch>,
    #[serde(default)]
    query_params: Vec<JsonValueMatch>,
    method: Option<String>,
}

#[derive(serde::Deserialize)]
struct JsonPath {
    #[serde(rename = "type", default = "prefix")]
    kind: String,
    #[serde(default = "root")]
    value: String,
}

#[derive(serde::Deserialize)]
struct JsonValueMatch {
    #[serde(rename = "type", default = "exact")]
    kind: String,
    name: String,
    value: String,
}

#[derive(serde::Deserialize)]
pub(super) struct JsonBackend {
    name: String,
    namespace: Option<String>,
    #[serde(default)]
    port: u32,
    weight: Option<u32>,
}

fn prefix() -> String {
    "PathPrefix".into()
}
fn root() -> String {
    "/".into()
}
fn exact() -> String {
    "Exact".into()
}

impl JsonMatch {
    pub(super) fn into_model(self) -> RouteMatch {
        let vm = |v: JsonValueMatch| crate::model::ValueMatch {
            kind: v.kind,
            name: v.name,
            value: v.value,
        };
        RouteMatch {
            path: self.path.map(|p| crate::model::PathMatch {
                kind: p.kind,
                value: p.value,
            }),
            headers: self.headers.into_iter().map(vm).collect(),
            query_params: self.query_params.into_iter().map(vm).collect(),
            method: self.method,
        }
    }
}

impl JsonBackend {
    pub(super) fn into_model(self) -> BackendRef {
        BackendRef {
            name: self.name,
            namespace: self.namespace,
            port: self.port,
            weight: self.weight,
            origin: String::new(),
        }
    }
}
