//! Checks of the `gitops:` settings, and where the objects are written.

use std::path::{Component, Path, PathBuf};

use super::Resolved;
use crate::diagnostic::{Code, Diagnostic};
use crate::model::Model;
use crate::source::Loc;
use crate::spec::gitops::GitOps;

/// Check a compiled spec's `gitops:` settings; `loc` locates a spec pointer.
pub fn check(settings: &GitOps, model: &Model, loc: &dyn Fn(&str) -> Option<Loc>) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    let r = Resolved::new(settings);
    let err = |code: Code, ptr: &str, msg: String, help: &str| {
        Diagnostic::error(code, msg)
            .at(loc(ptr))
            .path(ptr.to_string())
            .help(help.to_string())
    };
    let mut paths = vec![("/gitops/output", settings.output.as_str())];
    if let Some(o) = &settings.objects {
        paths.push(("/gitops/objects", o));
    }
    if let Some(p) = settings
        .argocd
        .as_ref()
        .and_then(|a| a.plugin.as_ref())
        .and_then(|p| p.spec.as_deref())
    {
        paths.push(("/gitops/argocd/plugin/spec", p));
    }
    for (ptr, p) in paths {
        let bad = p.starts_with('/')
            || p.contains('\\')
            || p.split('/').any(|s| s == ".." || s.chars().any(char::is_control));
        if bad {
            out.push(err(
                Code::GitopsPathOutside,
                ptr,
                format!("`{p}` is not a path inside the repository"),
                "write a path relative to the repository root with `/`, e.g. `deploy`",
            ));
        }
    }
    if r.objects.is_empty() || inside(&r.objects, &r.output) || inside(&r.output, &r.objects) {
        let ptr = if settings.objects.is_some() {
            "/gitops/objects"
        } else {
            "/gitops/output"
        };
        out.push(err(
            Code::GitopsOverlap,
            ptr,
            format!(
                "the GitOps objects folder `{}` and the output `{}` overlap",
                r.objects, r.output
            ),
            "Flux applies every YAML file under a Kustomization's path: keep them apart, e.g. `output: deploy`, `objects: clusters`",
        ));
    }
    let plugin = settings.argocd.as_ref().is_some_and(|a| a.plugin.is_some());
    if plugin {
        for u in model.upstreams.iter().filter(|u| u.content.is_none()) {
            out.push(
                Diagnostic::error(
                    Code::ManifestUrlInPlugin,
                    format!(
                        "app namespace `{}` deploys `{}` by URL, which the Argo CD plugin cannot fetch",
                        u.namespace, u.resource
                    ),
                )
                .at(loc(&u.origin))
                .path(u.origin.clone())
                .related(loc("/gitops/argocd/plugin"), "Argo CD renders the spec with the plugin")
                .help("vendor the manifest: commit a copy beside the spec and list its path under `manifests:`"),
            );
        }
    }
    let url = &settings.repository.url;
    if !["https://", "http://", "ssh://"].iter().any(|p| url.starts_with(p)) {
        out.push(err(
            Code::RepositoryUrl,
            "/gitops/repository/url",
            format!("repository URL `{url}` is not an http(s):// or ssh:// URL"),
            "Flux and Argo CD need a URL like `https://github.com/org/repo.git` or `ssh://git@github.com/org/repo.git`",
        ));
    }
    if !crate::analyze::syntax::is_dns_label(r.name) {
        out.push(err(
            Code::InvalidGitopsName,
            "/gitops/name",
            format!("`{}` cannot prefix object names", r.name),
            "use lower-case letters, digits and `-`",
        ));
    }
    out
}

/// Whether repository path `a` is `b` or inside it (`""` is the repository root).
fn inside(a: &str, b: &str) -> bool {
    b.is_empty() || a == b || a.starts_with(&format!("{b}/"))
}

/// Where the GitOps objects go, given the `--out` directory of the render:
/// `--out` must end with the spec's `gitops.output`; the objects folder is
/// beside it at the same repository root.
pub fn objects_dir(out: &Path, settings: &GitOps) -> Result<PathBuf, Diagnostic> {
    let r = Resolved::new(settings);
    let mut root: Vec<Component<'_>> = out.components().filter(|c| *c != Component::CurDir).collect();
    for segment in r.output.split('/').filter(|s| !s.is_empty()).rev() {
        match root.last() {
            Some(Component::Normal(s)) if *s == std::ffi::OsStr::new(segment) => {
                root.pop();
            }
            _ => {
                return Err(Diagnostic::error(
                    Code::OutNotGitopsOutput,
                    format!(
                        "`--out {}` is not the spec's `gitops.output: {}`",
                        out.display(),
                        settings.output
                    ),
                )
                .help(format!(
                    "the GitOps objects point at `{}`: run from the repository root with `--out {}`, or change `gitops.output`",
                    r.output, r.output
                )));
            }
        }
    }
    let root: PathBuf = root.iter().collect();
    // Checked by `check` (GW601) too: never a folder outside the repository root.
    if r.objects.is_empty() || r.objects.split('/').any(|s| s == "..") {
        return Err(Diagnostic::error(
            Code::OutputPathOutside,
            format!(
                "refusing to write the GitOps objects to `{}`: not a folder inside the repository",
                r.objects
            ),
        )
        .help("set `gitops.objects` to a relative path without `..`, e.g. `clusters`"));
    }
    Ok(root.join(&r.objects))
}
