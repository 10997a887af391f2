//! The builder's stack of open collections, and how aliases find their anchors in it.

use yaml_rust2::scanner::Marker;

use super::map::MapBuilder;
use super::node::{Node, Value};

/// Where an anchored node can be found when an alias repeats it.
pub(crate) enum Place {
    /// A copy (for mapping keys, which are scalars).
    Copy(Node),
    /// Child indices from the document's root collection down to the node.
    Path(Vec<usize>),
}

/// An anchored node and its size, counted once and copied at every alias.
pub(crate) struct Anchored {
    pub place: Place,
    pub nodes: usize,
    pub depth: usize,
}

/// What an open collection holds so far.
pub(crate) enum Kind {
    Seq(Vec<Node>),
    Map(MapBuilder),
}

/// A collection being built.
pub(crate) struct Frame {
    pub kind: Kind,
    pub mark: Marker,
    pub anchor: usize,
    pub nodes_before: usize,
    pub child_depth: usize,
}

impl Frame {
    /// How many children are finished (the index the next one will get).
    pub fn children(&self) -> usize {
        match &self.kind {
            Kind::Seq(items) => items.len(),
            Kind::Map(map) => map.entries.len(),
        }
    }

    /// The finished child at index `i`.
    pub fn child(&self, i: usize) -> Option<&Node> {
        match &self.kind {
            Kind::Seq(items) => items.get(i),
            Kind::Map(map) => map.entries.get(i).map(|e| &e.value),
        }
    }
}

/// The anchored node at `place`: down the open frames while the path leads
/// to the one being built, then down finished nodes.
pub(crate) fn find<'n>(stack: &'n [Frame], place: &'n Place) -> Option<&'n Node> {
    let path = match place {
        Place::Copy(node) => return Some(node),
        Place::Path(path) => path,
    };
    let mut level = 0;
    while level + 1 < stack.len() && path.get(level) == Some(&stack[level].children()) {
        level += 1;
    }
    let mut node = stack.get(level)?.child(*path.get(level)?)?;
    for &i in path.get(level + 1..)? {
        node = match &node.value {
            Value::Seq(items) => items.get(i)?,
            Value::Map(entries) => &entries.get(i)?.value,
            _ => return None,
        };
    }
    Some(node)
}
