//! What the API server answers for a kind or version that a group's CRDs do
//! not serve: `no matches for kind "K" in version "G/V"`.

use super::{CrdSet, Gvk};

/// An object of a group the CRDs define, whose kind or version they do not serve.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NoMatch {
    /// The object's `apiVersion`.
    pub api_version: String,
    /// The object's `kind`.
    pub kind: String,
    /// Whether the kind is one of the group's (only the version is wrong).
    pub known_kind: bool,
    /// The group's kind closest to `kind`, when `kind` is not one of them and
    /// one is close enough to be a typo.
    pub did_you_mean: Option<String>,
    /// The `apiVersion`s the kind (or the suggested kind) is served in, sorted.
    pub served: Vec<String>,
    /// Every kind of the group, sorted.
    pub kinds: Vec<String>,
}

impl std::fmt::Display for NoMatch {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "no matches for kind \"{}\" in version \"{}\"",
            self.kind, self.api_version
        )
    }
}

impl CrdSet {
    /// `Some` when the object's group is one the CRDs define but its kind, or
    /// its version of the kind, is not served: the API server refuses it.
    /// `None` when the CRDs cover it, or do not define its group at all.
    pub fn no_match(&self, api_version: &str, kind: &str) -> Option<NoMatch> {
        if self.covers(api_version, kind) {
            return None;
        }
        let group = api_version.split_once('/').map_or("", |(g, _)| g);
        let in_group: Vec<&Gvk> = self.versions.keys().filter(|gvk| gvk.group == group).collect();
        if group.is_empty() || in_group.is_empty() {
            return None;
        }
        let mut kinds: Vec<String> = in_group.iter().map(|gvk| gvk.kind.clone()).collect();
        kinds.sort();
        kinds.dedup();
        let known_kind = kinds.iter().any(|k| k == kind);
        let did_you_mean = if known_kind {
            None
        } else {
            let same_but_case = kinds.iter().find(|k| k.eq_ignore_ascii_case(kind));
            same_but_case
                .map(String::as_str)
                .or_else(|| crate::diagnostic::did_you_mean(kind, kinds.iter().map(String::as_str)))
                .map(str::to_owned)
        };
        let shown = if known_kind {
            Some(kind)
        } else {
            did_you_mean.as_deref()
        };
        let served = in_group
            .iter()
            .filter(|gvk| Some(gvk.kind.as_str()) == shown)
            .map(|gvk| super::api_version(&gvk.group, &gvk.version))
            .collect();
        Some(NoMatch {
            api_version: api_version.to_owned(),
            kind: kind.to_owned(),
            known_kind,
            did_you_mean,
            served,
            kinds,
        })
    }
}
