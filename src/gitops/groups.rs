//! Hashed group roots (`gitops.groups: n`): a few kustomize roots per
//! environment, each aggregating some namespace folders, instead of one
//! engine object per namespace folder.
//!
//! A kustomize build costs a fixed process start and patch setup plus a
//! part that grows with the square of the resources of one root: a thousand
//! one-folder roots pay the fixed part a thousand times, one aggregate root
//! pays the square. A fixed number of mid-sized groups pays neither.
//!
//! The namespace folders holding a `Gateway` form group [`GATEWAYS`]; every
//! other folder goes to the app group [`app_group`]: the 32-bit FNV-1a hash
//! of the namespace name modulo `n`. A folder's group depends only on its
//! own name and `n`, so adding or removing a namespace moves no other one.
//! The roots are `<env tree>/_groups/<group>/kustomization.yaml` (a
//! namespace, a DNS-1123 label, never starts with `_`), listing
//! `../../<namespace>` in name order; the env's own `kustomization.yaml`
//! does not list them. Empty groups are not generated.

use std::collections::BTreeMap;

use serde_json::json;

use super::{EnvInput, Folder, Resolved, folders};
use crate::emit::Tree;
use crate::model::Model;
use crate::normalize::file_text;
use crate::spec::gitops::GitOps;

/// Folder of an environment's output tree that holds the group roots.
pub const GROUPS_DIR: &str = "_groups";
/// The group of the namespace folders that hold a `Gateway`.
pub const GATEWAYS: &str = "gateways";

/// 32-bit FNV-1a of `bytes` (offset basis 2166136261, prime 16777619).
pub fn fnv1a(bytes: &[u8]) -> u32 {
    bytes
        .iter()
        .fold(0x811c_9dc5, |h: u32, &b| (h ^ u32::from(b)).wrapping_mul(0x0100_0193))
}

/// The app group of a namespace among `n` groups: [`fnv1a`] of its name
/// modulo `n`, in decimal, zero-padded to two digits (three when `n > 100`).
pub fn app_group(namespace: &str, n: u16) -> String {
    let n = u32::from(n.max(1));
    let width = (n - 1).to_string().len().max(2);
    format!("{:0width$}", fnv1a(namespace.as_bytes()) % n)
}

/// One group root of an environment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Group {
    /// [`GATEWAYS`] or an [`app_group`] number.
    pub name: String,
    /// Its namespace folders, in name order.
    pub folders: Vec<String>,
    /// Whether routes of its folders attach to a gateway folder (then its
    /// engine object depends on the [`GATEWAYS`] group's).
    pub attaches: bool,
}

/// The non-empty groups of an environment's namespace folders among `n`
/// app groups, in name order.
pub fn assign(folders: &[Folder], n: u16) -> Vec<Group> {
    let mut groups: BTreeMap<String, Group> = BTreeMap::new();
    for f in folders {
        let name = if f.gateway {
            GATEWAYS.to_string()
        } else {
            app_group(&f.name, n)
        };
        let g = groups.entry(name.clone()).or_insert_with(|| Group {
            name,
            folders: Vec::new(),
            attaches: false,
        });
        g.folders.push(f.name.clone());
        g.attaches |= !f.attaches_to.is_empty();
    }
    groups.into_values().collect()
}

/// Tree path of a group's root, relative to the environment's tree.
pub fn root_path(group: &str) -> String {
    format!("{GROUPS_DIR}/{group}/kustomization.yaml")
}

/// Add the group roots to an environment's compiled tree when its
/// `gitops.groups` is set (nothing otherwise).
pub fn add_roots(tree: &mut Tree, model: &Model, settings: Option<&GitOps>) {
    let Some(n) = settings.and_then(|s| s.groups) else {
        return;
    };
    for g in assign(&folders(tree, model), n) {
        let resources: Vec<String> = g.folders.iter().map(|f| format!("../../{f}")).collect();
        let k = json!({
            "apiVersion": "kustomize.config.k8s.io/v1beta1",
            "kind": "Kustomization",
            "resources": resources,
        });
        tree.files.insert(root_path(&g.name), file_text(&k));
    }
}

/// What one engine object of an environment builds: a namespace folder, or
/// a group root with `gitops.groups`.
pub(super) struct Root {
    /// The namespace, or the group: the last part of the object's name.
    pub id: String,
    /// Repository path of the kustomize root.
    pub path: String,
    /// The namespace of a namespace folder.
    pub namespace: Option<String>,
    /// The ids of the roots to reconcile first.
    pub after: Vec<String>,
}

/// The roots the engine objects of an environment point at.
pub(super) fn roots(e: &EnvInput<'_>, r: &Resolved<'_>) -> Vec<Root> {
    match e.settings.groups {
        None => e
            .folders
            .iter()
            .map(|f| Root {
                id: f.name.clone(),
                path: r.folder_path(e.env, &f.name),
                namespace: Some(f.name.clone()),
                after: f.attaches_to.clone(),
            })
            .collect(),
        Some(n) => assign(e.folders, n)
            .into_iter()
            .map(|g| Root {
                path: r.folder_path(e.env, &format!("{GROUPS_DIR}/{}", g.name)),
                namespace: None,
                after: if g.attaches && g.name != GATEWAYS {
                    vec![GATEWAYS.to_string()]
                } else {
                    Vec::new()
                },
                id: g.name,
            })
            .collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn folder(name: &str, gateway: bool, attaches_to: &[&str]) -> Folder {
        Folder {
            name: name.into(),
            gateway,
            attaches_to: attaches_to.iter().map(|s| s.to_string()).collect(),
        }
    }

    #[test]
    fn fnv1a_matches_the_reference_values() {
        // The FNV test vectors (Fowler, Noll, Vo): "", "a", "foobar".
        assert_eq!(fnv1a(b""), 0x811c_9dc5);
        assert_eq!(fnv1a(b"a"), 0xe40c_292c);
        assert_eq!(fnv1a(b"foobar"), 0xbf9c_f968);
    }

    #[test]
    fn a_namespace_has_a_fixed_group() {
        // 0xbf9cf968 = 3214735720; mod 16 = 8, mod 10 = 0, mod 256 = 104.
        assert_eq!(app_group("foobar", 16), "08");
        assert_eq!(app_group("foobar", 10), "00");
        assert_eq!(app_group("foobar", 256), "104");
        assert_eq!(app_group("foobar", 1), "00");
        assert_eq!(app_group("foobar", 0), "00", "never a division by zero");
        assert_eq!(app_group("a", 101).len(), 3, "three digits from 101 groups on");
    }

    #[test]
    fn gateways_have_their_own_group_and_apps_attach_to_it() {
        let folders = [
            folder("foobar", false, &["ingress"]),
            folder("ingress", true, &[]),
            folder("cluster", false, &[]),
        ];
        let groups = assign(&folders, 16);
        let gw = groups.iter().find(|g| g.name == GATEWAYS).expect("gateways group");
        assert_eq!(gw.folders, ["ingress"]);
        let app = groups.iter().find(|g| g.name == "08").expect("foobar's group");
        assert_eq!(app.folders, ["foobar"]);
        assert!(app.attaches);
        let names: Vec<&str> = groups.iter().map(|g| g.name.as_str()).collect();
        let mut sorted = names.clone();
        sorted.sort();
        assert_eq!(names, sorted, "in name order");
        assert!(groups.iter().all(|g| !g.folders.is_empty()), "no empty group");
    }

    #[test]
    fn adding_a_namespace_moves_no_other_one() {
        let names: Vec<String> = (0..300).map(|i| format!("app-{i}")).collect();
        let before: Vec<Folder> = names.iter().map(|n| folder(n, false, &[])).collect();
        let mut after = before.clone();
        after.push(folder("a-new-app", false, &[]));
        let group_of = |groups: &[Group], ns: &str| {
            groups
                .iter()
                .find(|g| g.folders.iter().any(|f| f == ns))
                .map(|g| g.name.clone())
        };
        let (b, a) = (assign(&before, 16), assign(&after, 16));
        for ns in &names {
            assert_eq!(group_of(&b, ns), group_of(&a, ns), "{ns} moved");
        }
        assert_eq!(b.len(), 16, "300 namespaces fill every one of 16 groups");
    }
}
