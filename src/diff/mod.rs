//! Stage 7b, **compare**: a rendered tree against the tree on disk
//! (`check`), or two compilations against each other (`diff`): a semantic
//! routing summary first ([`routing`]), the requests whose outcome changes
//! ([`behaviour`]), then file-level changes ([`tree`]),
//! printed by [`format`](mod@format).

pub mod behaviour;
pub mod format;
mod objects;
pub mod routing;
pub mod tree;

use std::path::Path;

use serde::Serialize;

use crate::load::Provenance;
use crate::source::Sources;
pub use routing::{Change, ChangeKind, Routing, Side, summarize};
pub use tree::{TreeDiff, compare_dir, compare_trees, read_existing, read_generated};

/// A spec location for annotations: a path relative to the repository, 1-based line and column.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SpecLoc {
    /// File path (relative to the locator's root when it has one).
    pub file: String,
    /// Line.
    pub line: u32,
    /// Column.
    pub column: u32,
}

/// The comparison of one environment.
#[derive(Debug, Clone, Default)]
pub struct EnvReport {
    /// Environment name (`None`: the spec has no environments).
    pub env: Option<String>,
    /// Routing changes.
    pub changes: Vec<Change>,
    /// File changes.
    pub files: TreeDiff,
    /// Requests whose outcome changes.
    pub behaviour: behaviour::Behaviour,
}

/// A whole comparison: labels for both sides and every environment.
#[derive(Debug, Clone, Default)]
pub struct Report {
    /// Label of the old side (a revision or a directory).
    pub base: String,
    /// Label of the new side.
    pub head: String,
    /// Per environment, sorted by name.
    pub envs: Vec<EnvReport>,
}

impl Report {
    /// Whether nothing differs.
    pub fn is_empty(&self) -> bool {
        self.envs
            .iter()
            .all(|e| e.changes.is_empty() && e.files.is_empty() && e.behaviour.changes.is_empty())
    }
}

/// Turns a change's spec pointers into file lines, with one side's provenance.
pub struct Locator<'a> {
    /// Where values came from.
    pub provenance: &'a Provenance,
    /// The files read.
    pub sources: &'a Sources,
    /// A directory to strip from file paths (e.g. a checkout of a revision).
    pub root: Option<&'a Path>,
}

impl Locator<'_> {
    /// The line of the first pointer set exactly in the spec, else the
    /// nearest spec value above the first pointer.
    pub fn locate(&self, pointers: &[String]) -> Option<SpecLoc> {
        let exact = pointers.iter().filter(|p| p.starts_with('/')).find(|p| {
            let parent = &p[..p.rfind('/').unwrap_or(0)];
            self.provenance.locate(p) != self.provenance.locate(parent)
        });
        let pointer = exact.or_else(|| pointers.first().filter(|p| p.starts_with('/')))?;
        let loc = self.provenance.locate(pointer)?;
        let src = self.sources.get(loc.file);
        let file = match (&src.path, self.root) {
            (Some(path), Some(root)) => path
                .strip_prefix(root)
                .map(crate::source::display_path)
                .unwrap_or_else(|_| src.name.clone()),
            _ => src.name.clone(),
        };
        Some(SpecLoc {
            file,
            line: loc.line,
            column: loc.col,
        })
    }
}

/// Fill each change's `at`: changes on the head side (and removals, at the
/// nearest value that still exists there) with `head`, the rest with `base`.
pub fn locate(changes: &mut [Change], base: Option<&Locator>, head: Option<&Locator>) {
    for c in changes {
        c.at = match c.side {
            Side::Head => head.and_then(|l| l.locate(&c.origin)),
            Side::Base => head
                .and_then(|l| l.locate(&c.origin))
                .or_else(|| base.and_then(|l| l.locate(&c.origin))),
        };
    }
}
