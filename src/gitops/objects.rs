//! The template contexts of the GitOps blueprints (field names mirror the
//! Flux and Argo CD APIs, in camelCase).

use serde::Serialize;

/// A Flux `Kustomization`.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct FluxKustomization {
    /// Object name.
    pub name: String,
    /// Namespace (the Flux namespace).
    pub namespace: String,
    /// Reconcile interval.
    pub interval: String,
    /// Repository path, `./`-prefixed.
    pub path: String,
    /// Whether removed objects are deleted.
    pub prune: bool,
    /// Whether to wait for the applied objects to become ready.
    pub wait: bool,
    /// The source.
    pub source_ref: SourceRef,
    /// Kustomizations to reconcile first.
    pub depends_on: Vec<String>,
}

/// A Flux source reference.
#[derive(Debug, Clone, Serialize)]
pub struct SourceRef {
    /// `GitRepository`.
    pub kind: String,
    /// Name.
    pub name: String,
    /// Namespace.
    pub namespace: String,
}

/// A Flux `GitRepository`.
#[derive(Debug, Clone, Serialize)]
pub struct FluxGitRepository {
    /// Object name.
    pub name: String,
    /// Namespace.
    pub namespace: String,
    /// Fetch interval.
    pub interval: String,
    /// Clone URL.
    pub url: String,
    /// Branch.
    pub branch: String,
}

/// An Argo CD `Application` (also the template of an `ApplicationSet`).
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ArgoApplication {
    /// Object name (a Go template in an `ApplicationSet`).
    pub name: String,
    /// Namespace Argo CD runs in.
    pub namespace: String,
    /// Sync wave annotation, if any.
    pub sync_wave: Option<String>,
    /// `metadata.finalizers` (the resources finalizer: deleting the
    /// Application deletes what it deployed).
    pub finalizers: Vec<String>,
    /// Project.
    pub project: String,
    /// Where the manifests come from.
    pub source: ArgoSource,
    /// Destination cluster API server.
    pub server: String,
    /// Whether automated sync prunes.
    pub prune: bool,
    /// `syncPolicy.syncOptions`.
    pub sync_options: Vec<String>,
}

/// The source of an Argo CD application.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ArgoSource {
    /// Repository URL.
    #[serde(rename = "repoURL")]
    pub repo_url: String,
    /// Branch.
    pub target_revision: String,
    /// Repository path.
    pub path: String,
    /// The config-management plugin, when Argo CD renders the spec itself.
    pub plugin: Option<ArgoPlugin>,
}

/// A plugin source.
#[derive(Debug, Clone, Serialize)]
pub struct ArgoPlugin {
    /// Plugin name (`metadata.name` of `plugin.yaml`).
    pub name: String,
    /// Variables, exported to the plugin as `ARGOCD_ENV_<name>`.
    pub env: Vec<EnvVar>,
}

/// A name/value pair.
#[derive(Debug, Clone, Serialize)]
pub struct EnvVar {
    /// Name.
    pub name: String,
    /// Value.
    pub value: String,
}

/// An Argo CD `ApplicationSet`.
#[derive(Debug, Clone, Serialize)]
pub struct ArgoApplicationSet {
    /// Object name.
    pub name: String,
    /// Namespace Argo CD runs in.
    pub namespace: String,
    /// List generator elements; `None` for the git-directory generator.
    pub elements: Option<Vec<Element>>,
    /// Git-directory generator pattern (`<output>/*/*`, `<output>/*`).
    pub directories: String,
    /// The application template.
    pub template: ArgoApplication,
}

/// One element of the list generator: a namespace folder of an
/// environment (the whole environment with the plugin).
#[derive(Debug, Clone, Serialize)]
pub struct Element {
    /// Environment name.
    pub env: String,
    /// Name of the Application.
    pub name: String,
    /// The namespace folder; `None` with the plugin.
    pub namespace: Option<String>,
    /// Repository path of its output.
    pub path: String,
}
