//! Upstream manifests of an app and the Service patches that apply to them.
//!
//! A local manifest is read, checked for the Services the app patches, and
//! copied into the output (kustomize refuses files outside its root); a URL
//! is listed for kustomize to fetch, with a warning when it follows a moving
//! branch.

use std::collections::HashSet;

use super::{Context, prefetch};
use crate::diagnostic::{Code, Diagnostic, Diagnostics};
use crate::model::{self, Model};
use crate::spec;

/// Add the app's upstream manifests and Service patches to the model.
/// Returns the Services of the app's manifests when they are all known: the
/// app has manifests, all local, all read.
pub(super) fn resolve_app_upstreams(
    ns: &str,
    app: &spec::App,
    base: &str,
    cx: &mut Context<'_>,
    prefetched: &mut prefetch::Prefetched,
    diags: &mut Diagnostics,
    model: &mut Model,
) -> Option<Vec<crate::load::Service>> {
    let mut services: Vec<crate::load::Service> = Vec::new();
    let mut any_remote = false;
    // The Services of a manifest that was refused, or could not be read or
    // parsed, are unknown, like a remote one's: no GW325 for them.
    let mut any_refused = false;
    // Only this app writes into its namespace (GW310), so duplicates are
    // looked for among its own manifests.
    let mut file_names: HashSet<String> = HashSet::new();
    for (i, entry) in app.manifests.iter().enumerate() {
        let pointer = format!("{base}/manifests/{i}");
        if entry.contains("://") {
            any_remote = true;
            check_url(entry, &pointer, cx, diags);
            model.upstreams.push(model::Upstream {
                namespace: ns.to_string(),
                resource: entry.clone(),
                content: None,
                path: None,
                has_namespace: false,
                origin: pointer.clone(),
            });
            continue;
        }
        let Some(path) = cx.local_path(entry, &pointer) else {
            continue;
        };
        let file_name = path
            .file_name()
            .map(|f| f.to_string_lossy().into_owned())
            .unwrap_or_default();
        if let Some((why, fix)) = file_name_problem(&file_name) {
            diags.push(
                cx.err(
                    Code::ManifestFileName,
                    &pointer,
                    format!(
                        "manifest file name `{}` cannot be used in the output: {why}",
                        file_name.escape_debug()
                    ),
                )
                .help(fix),
            );
            any_refused = true;
            continue;
        }
        // Case-insensitive file systems (macOS, Windows) would hold one file for both.
        if !file_names.insert(file_name.to_ascii_lowercase()) {
            diags.push(
                cx.err(
                    Code::DuplicateManifest,
                    &pointer,
                    format!("two manifests of app namespace `{ns}` are named `{file_name}` (letter case aside)"),
                )
                .help("rename one of the files: their copies share one folder, and a case-insensitive file system holds one file for names that differ only in case"),
            );
            any_refused = true;
            continue;
        }
        // Symlinks resolved: a link inside the root to a file elsewhere is
        // outside too. A prefetched manifest was found inside.
        let refused = match &cx.manifests_under {
            Some(root) if !prefetched.inside(&path) => root.refusal(&path, entry),
            _ => None,
        };
        if let Some((message, help)) = refused {
            diags.push(cx.err(Code::ManifestOutsideRoot, &pointer, message).help(help));
            any_refused = true;
            continue;
        }
        if let Some((file, vendored)) = cx.preloaded.remove(&path) {
            services.extend(vendored);
            let text = cx.sources.get(file).text.clone();
            model.upstreams.push(model::Upstream {
                namespace: ns.to_string(),
                resource: file_name,
                has_namespace: crate::load::has_namespace(&text),
                content: Some(text),
                path: Some(path),
                origin: pointer,
            });
            continue;
        }
        let manifest = prefetched
            .manifests
            .remove(&path)
            .unwrap_or_else(|| prefetch::read_manifest(&path));
        let (text, found) = match manifest {
            Ok(read) => read,
            Err(e) => {
                diags.push(
                    cx.err(
                        Code::UnreadableManifest,
                        &pointer,
                        format!("cannot read manifest `{}`: {e}", path.display()),
                    )
                    .help("paths are relative to the spec file that names them"),
                );
                any_refused = true;
                continue;
            }
        };
        match found {
            Ok(found) => services.extend(found),
            Err(e) => {
                diags.push(
                    cx.err(
                        Code::InvalidManifestYaml,
                        &pointer,
                        format!("manifest `{}` is not valid YAML: {e}", path.display()),
                    )
                    .help("fix the manifest, or reference it by URL"),
                );
                any_refused = true;
                continue;
            }
        }
        model.upstreams.push(model::Upstream {
            namespace: ns.to_string(),
            resource: file_name,
            has_namespace: crate::load::has_namespace(&text),
            content: Some(text),
            path: Some(path),
            origin: pointer,
        });
    }
    for (i, name) in app.services.iter().enumerate() {
        let pointer = format!("{base}/services/{i}");
        let found = services.iter().find(|s| &s.name == name);
        if found.is_none() && !any_remote && !any_refused {
            let help = if app.manifests.is_empty() {
                "add the manifest that deploys it under `manifests:` (a path or URL); kustomize needs it to apply the patch".to_string()
            } else {
                format!(
                    "Services in the manifests: {}",
                    services.iter().map(|s| s.name.as_str()).collect::<Vec<_>>().join(", ")
                )
            };
            diags.push(
                cx.err(
                    Code::ServiceNotFound,
                    &pointer,
                    format!("Service `{name}` is not in the app's manifests"),
                )
                .help(help),
            );
            continue;
        }
        let (clear_fields, node_ports): (Vec<String>, Vec<model::NodePort>) = match found {
            Some(s) => (
                s.non_cluster_ip_fields.iter().map(|f| f.to_string()).collect(),
                s.node_ports
                    .iter()
                    .map(|(port, protocol)| model::NodePort {
                        port: *port,
                        protocol: protocol.clone(),
                    })
                    .collect(),
            ),
            None => (Vec::new(), Vec::new()),
        };
        model.service_patches.push(model::ServicePatch {
            name: name.clone(),
            namespace: ns.to_string(),
            clear_fields,
            clear_node_ports: node_ports.iter().map(|p| p.port).collect(),
            node_ports,
            origin: pointer,
        });
    }
    (!app.manifests.is_empty() && !any_remote && !any_refused).then_some(services)
}

/// Kustomize's kustomization file names: next to one of them (in any
/// letter case, as a case-insensitive file system sees it) the vendored
/// copy's folder has two kustomizations, which kustomize refuses.
const KUSTOMIZATION_NAMES: [&str; 3] = ["kustomization.yaml", "kustomization.yml", "kustomization"];

/// Why a manifest's file name cannot be its vendored copy's name in
/// `<namespace>/upstream/`, and how to fix it; `None` when it can.
fn file_name_problem(name: &str) -> Option<(&'static str, String)> {
    let stem = name.trim_start_matches(['-', '.']);
    let suggestion = if stem.is_empty() || KUSTOMIZATION_NAMES.iter().any(|k| k.eq_ignore_ascii_case(stem)) {
        "manifest.yaml".to_string()
    } else {
        stem.to_string()
    };
    let rename = format!("rename the file, e.g. to `{suggestion}`");
    if KUSTOMIZATION_NAMES.contains(&name) {
        return Some((
            "kustomize takes a file of that name for a kustomization, not a manifest",
            format!("{rename}; to use a kustomization, list its manifests instead"),
        ));
    }
    if KUSTOMIZATION_NAMES.iter().any(|k| k.eq_ignore_ascii_case(name)) {
        return Some((
            "a case-insensitive file system (macOS, Windows) takes it for a kustomization file, beside the generated `kustomization.yaml`",
            rename,
        ));
    }
    if name.starts_with('-') {
        return Some((
            "a name starting with `-` reads as an option to command-line tools",
            rename,
        ));
    }
    if name.starts_with('.') {
        return Some(("hidden files (a leading `.`) are not written", rename));
    }
    if name.is_empty() || name.len() > 200 || !name.chars().all(|c| c.is_ascii_alphanumeric() || "._-@".contains(c)) {
        return Some((
            "it must have 1 to 200 letters, digits, `.`, `_`, `-` or `@`",
            "rename the file to letters, digits, `.`, `_`, `-` and `@`, e.g. `manifest.yaml`".to_string(),
        ));
    }
    None
}

/// Warn about URLs that follow a moving branch: what kustomize fetches
/// would change without a commit in this repository.
fn check_url(url: &str, pointer: &str, cx: &Context<'_>, diags: &mut Diagnostics) {
    if !(url.starts_with("https://") || url.starts_with("http://")) {
        diags.push(
            cx.err(
                Code::UnsupportedManifestUrl,
                pointer,
                format!("unsupported manifest URL `{url}`"),
            )
            .help("use an https:// URL or a path relative to the spec file"),
        );
        return;
    }
    let Some(reference) = git_ref(url) else { return };
    let pinned = reference.len() >= 7 && reference.len() <= 40 && reference.chars().all(|c| c.is_ascii_hexdigit());
    if !pinned {
        diags.push(
            Diagnostic::warning(Code::MovingManifestUrl, format!("manifest URL follows the moving ref `{reference}`"))
                .at(cx.loc(pointer))
                .path(pointer.to_string())
                .help(format!(
                    "pin a commit so that the output only changes with this repository: replace `/{reference}/` with a commit SHA (`git ls-remote` tells the current one)"
                )),
        );
    }
}

/// The Git ref in a raw-file or kustomize remote URL, when it has one.
fn git_ref(url: &str) -> Option<&str> {
    if let Some((_, query)) = url.split_once("?ref=") {
        return Some(query.split('&').next().unwrap_or(query));
    }
    let rest = url.split_once("://")?.1;
    let mut parts = rest.split('/');
    let host = parts.next()?;
    let segments: Vec<&str> = parts.collect();
    match host {
        "raw.githubusercontent.com" => segments.get(2).copied(),
        "github.com" | "gitlab.com" => segments
            .iter()
            .position(|s| *s == "raw" || *s == "blob")
            .and_then(|i| segments.get(i + 1).copied())
            .filter(|r| *r != "refs"),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::git_ref;

    #[test]
    fn finds_the_ref_of_raw_urls() {
        let main = "https://raw.githubusercontent.com/Azure-Samples/aks-store-demo/main/aks-store-all-in-one.yaml";
        assert_eq!(git_ref(main), Some("main"));
        assert_eq!(git_ref("https://github.com/o/r/raw/v1.2/x.yaml"), Some("v1.2"));
        assert_eq!(git_ref("https://github.com/o/r//deploy?ref=main"), Some("main"));
        assert_eq!(git_ref("https://example.com/x.yaml"), None);
    }
}
