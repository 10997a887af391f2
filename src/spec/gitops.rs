//! The `gitops:` section of the spec: opt-in generation of the objects that
//! point Flux or Argo CD at the namespace folders of each environment's
//! rendered tree.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// Where the rendered trees live in the Git repository, and which GitOps
/// engine objects to generate for them. All paths are relative to the
/// repository root, with `/`.
#[derive(Clone, Debug, Default, Deserialize, Serialize, JsonSchema, PartialEq)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct GitOps {
    /// The Git repository both engines read.
    pub repository: Repository,
    /// Repository path of the rendered output: what `render --out` gets
    /// (`deploy`); an environment's tree is `<output>/<env>`.
    pub output: String,
    /// Repository path where gatewright writes the GitOps objects (`clusters`
    /// by default): `<objects>/<env>/` per environment (`<objects>/default/`
    /// without environments), never inside an output tree.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub objects: Option<String>,
    /// Name prefix of the generated objects (`gatewright` by default).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// Also install the Gateway API CRDs (standard channel) of the version
    /// the output needs, from the release's `standard-install.yaml`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub gateway_api_crds: Option<bool>,
    /// Point the engine at this many hashed group roots per environment
    /// instead of one root per namespace folder (1 to 256; for large sites):
    /// the namespace folders holding a `Gateway` form group `gateways`, every
    /// other folder goes to group `NN`: the 32-bit FNV-1a hash of its name
    /// modulo `groups`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(range(min = 1, max = 256))]
    pub groups: Option<u16>,
    /// Generate Flux objects.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub flux: Option<Flux>,
    /// Generate Argo CD objects.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub argocd: Option<ArgoCd>,
}

/// The Git repository that holds the spec and the rendered output.
#[derive(Clone, Debug, Default, Deserialize, Serialize, JsonSchema, PartialEq)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Repository {
    /// Clone URL (`https://...` or `ssh://...`).
    pub url: String,
    /// Branch the engines follow (`main` by default).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub branch: Option<String>,
}

/// Flux settings: a `Kustomization` per namespace folder of each environment.
#[derive(Clone, Debug, Default, Deserialize, Serialize, JsonSchema, PartialEq)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Flux {
    /// Namespace of the Flux objects (`flux-system` by default).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub namespace: Option<String>,
    /// Reconcile interval (`10m` by default).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(regex(pattern = r"^([0-9]+(\.[0-9]+)?(ms|s|m|h))+$"))]
    pub interval: Option<String>,
    /// Delete objects that disappear from the output (`true` by default).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub prune: Option<bool>,
    /// Generate a `GitRepository` for `repository` and use it as the
    /// source; otherwise the source is the `GitRepository` `flux-system`
    /// that `flux bootstrap` creates.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub git_repository: Option<bool>,
    /// Kustomizations every namespace folder's (or group's) Kustomization
    /// depends on (by default the generated Gateway API CRDs one, when
    /// `gatewayApiCrds`); app folders (groups) also depend on the gateway
    /// folders (group) their routes attach to.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub depends_on: Option<Vec<String>>,
}

/// Argo CD settings: an `Application` per namespace folder of each
/// environment (per environment with the plugin), or one `ApplicationSet`.
#[derive(Clone, Debug, Default, Deserialize, Serialize, JsonSchema, PartialEq)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ArgoCd {
    /// Namespace Argo CD runs in (`argocd` by default).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub namespace: Option<String>,
    /// Argo CD project (`default` by default).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub project: Option<String>,
    /// Cluster API server URL (`https://kubernetes.default.svc`, the cluster
    /// Argo CD runs in, by default).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub server: Option<String>,
    /// One `ApplicationSet` instead of the `Application`s: `list` (one
    /// element per namespace folder, or group, of each environment) or `git` (a
    /// git-directory generator over `<output>/*/*`, the namespace folders, or
    /// `<output>/*/_groups/*` with `groups`; `<output>/*` without
    /// environments or with the plugin).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub application_set: Option<Generator>,
    /// Render inside Argo CD with the gatewright config-management plugin
    /// instead of reading the committed output.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub plugin: Option<Plugin>,
}

/// Generator of the `ApplicationSet`.
#[derive(Clone, Copy, Debug, Deserialize, Serialize, JsonSchema, PartialEq, Eq)]
#[serde(rename_all = "camelCase")]
pub enum Generator {
    /// A list generator with one element per Application.
    List,
    /// A git-directory generator over the folders of `output`.
    Git,
}

/// The config-management plugin source.
#[derive(Clone, Debug, Default, Deserialize, Serialize, JsonSchema, PartialEq)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Plugin {
    /// Repository path of the spec (the plugin's working directory; `.` by default).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub spec: Option<String>,
}
