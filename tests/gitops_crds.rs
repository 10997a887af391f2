//! Every Flux and Argo CD object gatewright generates, in every mode, is
//! valid against the upstream CRDs in `../shared/data/flux/` and
//! `../shared/data/argo-cd/`, checked with the project's CRD validator.

use crate::common;

use common::*;
use gatewright::crd::CrdSet;
use serde_json::Value;

/// The Flux and Argo CD CRDs of the reference data.
fn crds(data: &std::path::Path) -> CrdSet {
    let mut set = CrdSet::default();
    for file in [
        "flux/kustomize.toolkit.fluxcd.io_kustomizations.yaml",
        "flux/source.toolkit.fluxcd.io_gitrepositories.yaml",
        "argo-cd/application-crd.yaml",
        "argo-cd/applicationset-crd.yaml",
    ] {
        let path = data.join(file);
        let text = std::fs::read_to_string(&path).expect("read CRD");
        set.extend(CrdSet::from_yaml(&text, file).unwrap_or_else(|e| panic!("{file}: {e}")));
    }
    set
}

/// Spec `gitops:` sections covering every generated kind and mode.
const MODES: &[&str] = &[
    "  gatewayApiCrds: true\n  flux: {}\n",
    "  flux: { gitRepository: true, interval: 90s, prune: false, dependsOn: [infra], namespace: gitops }\n",
    "  gatewayApiCrds: true\n  argocd: {}\n",
    "  argocd: { plugin: { spec: site }, project: platform, server: \"https://10.0.0.1:6443\" }\n",
    "  argocd: { applicationSet: list }\n",
    "  argocd: { applicationSet: git, plugin: {} }\n",
    "  gatewayApiCrds: true\n  flux: { gitRepository: true }\n  argocd: { applicationSet: list, plugin: {} }\n",
    "  argocd: { applicationSet: git, project: apps }\n",
    "  argocd: { applicationSet: git }\n",
];

const SPEC: &str = r#"apiVersion: gatewright.dev/v1alpha1
kind: Site
gateways:
  web:
    profile: istio
    listeners:
      http: { hostname: "*.example.com", protocol: HTTP, port: 80 }
apps:
  shop:
    routes:
      www: { host: www.example.com, to: web:80 }
gitops:
  repository: { url: "ssh://git@git.example.com/platform.git", branch: release }
  output: deploy
"#;

fn generated_objects(spec_dir: &std::path::Path) -> Vec<(String, Value)> {
    let targets = gatewright::driver::compile_targets(&gatewright::Options {
        spec: spec_dir.to_path_buf(),
        ..Default::default()
    })
    .expect("plan");
    let tree = gatewright::driver::gitops_objects(&targets)
        .expect("gitops section")
        .result
        .expect("generates");
    tree.files
        .iter()
        .filter(|(p, _)| !p.ends_with("kustomization.yaml"))
        .flat_map(|(p, t)| parse_stream(t).into_iter().map(move |v| (p.clone(), v)))
        .collect()
}

#[test]
fn every_generated_gitops_object_is_valid_against_its_crd() {
    let Some(data) = shared_data() else { return };
    let crds = crds(&data);
    let mut kinds = std::collections::BTreeSet::new();
    let mut problems = Vec::new();
    let mut dirs: Vec<std::path::PathBuf> = Vec::new();
    let mut keep = Vec::new();
    for (i, mode) in MODES.iter().enumerate() {
        let dir = tempfile::tempdir().expect("tempdir");
        std::fs::write(dir.path().join("gatewright.yaml"), format!("{SPEC}{mode}")).expect("spec");
        if i % 2 == 0 {
            write_empty_overlays(dir.path(), &["dev", "prod"]);
        }
        dirs.push(dir.path().to_path_buf());
        keep.push(dir);
    }
    dirs.extend(examples());
    for dir in &dirs {
        let has_gitops = gatewright::driver::compile_targets(&gatewright::Options {
            spec: dir.clone(),
            ..Default::default()
        })
        .expect("plan")
        .iter()
        .any(|(_, o)| o.output.as_ref().is_some_and(|c| c.gitops.is_some()));
        if !has_gitops {
            continue;
        }
        for (path, object) in generated_objects(dir) {
            kinds.insert(object["kind"].as_str().unwrap_or_default().to_string());
            match crds.validate(&object) {
                None => problems.push(format!("{}: {path}: no CRD for {}", dir.display(), object["kind"])),
                Some(v) if !v.is_empty() => {
                    problems.push(format!("{}: {path}: {v:?}", dir.display()));
                }
                Some(_) => {}
            }
        }
    }
    assert!(problems.is_empty(), "invalid GitOps objects:\n{}", problems.join("\n"));
    assert_eq!(
        kinds.into_iter().collect::<Vec<_>>(),
        ["Application", "ApplicationSet", "GitRepository", "Kustomization"],
        "every generated kind was validated"
    );
}

#[test]
fn the_validator_rejects_a_broken_flux_kustomization() {
    // The check above could pass by accepting anything: a Kustomization
    // without `prune` and with a bad interval must be refused.
    let Some(data) = shared_data() else { return };
    let crds = crds(&data);
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::write(dir.path().join("gatewright.yaml"), format!("{SPEC}  flux: {{}}\n")).expect("spec");
    let (_, mut object) = generated_objects(dir.path())
        .into_iter()
        .find(|(_, o)| o["kind"] == "Kustomization")
        .expect("a Kustomization");
    object["spec"].as_object_mut().expect("spec").remove("prune");
    object["spec"]["interval"] = Value::from("ten minutes");
    let violations = crds.validate(&object).expect("the CRD covers it");
    assert!(violations.len() >= 2, "{violations:?}");
}
