//! Where each value of the merged spec came from.

use crate::source::{FileId, Loc};
use crate::yaml::{Node, Span};

/// One document that contributed to the merged spec, mounted at a JSON
/// pointer (`""` for spec files, `/gateways/NAME` for a gateway's profile).
#[derive(Debug)]
pub struct Layer {
    /// The file the document came from.
    pub file: FileId,
    /// The document.
    pub node: Node,
    /// Where the document sits in the merged spec.
    pub mount: String,
}

/// The layers of a merged spec, lowest first; later layers win.
#[derive(Debug, Default)]
pub struct Provenance {
    layers: Vec<Layer>,
}

impl Provenance {
    /// No layers.
    pub fn new() -> Self {
        Self::default()
    }

    /// Add a layer on top of the others.
    pub fn push(&mut self, layer: Layer) {
        self.layers.push(layer);
    }

    /// The layers, lowest first.
    pub fn layers(&self) -> &[Layer] {
        &self.layers
    }

    /// Location of the value at `pointer`: in the topmost layer that sets
    /// it, else of its nearest ancestor that some layer sets.
    pub fn locate(&self, pointer: &str) -> Option<Loc> {
        self.find(pointer, false)
    }

    /// Location of the map key at `pointer` (for unknown or duplicate keys),
    /// falling back to the value's location.
    pub fn locate_key(&self, pointer: &str) -> Option<Loc> {
        self.find(pointer, true)
    }

    fn find(&self, pointer: &str, key: bool) -> Option<Loc> {
        let mut p = pointer;
        loop {
            for layer in self.layers.iter().rev() {
                let Some(rel) = relative(p, &layer.mount) else {
                    continue;
                };
                let span = if key && p == pointer {
                    layer
                        .node
                        .key_span_at(rel)
                        .or_else(|| layer.node.pointer(rel).map(|n| n.span))
                } else {
                    layer.node.pointer(rel).map(|n| n.span)
                };
                if let Some(span) = span {
                    return Some(to_loc(layer.file, span));
                }
            }
            if p.is_empty() {
                return None;
            }
            p = &p[..p.rfind('/').unwrap_or(0)];
        }
    }
}

fn relative<'a>(pointer: &'a str, mount: &str) -> Option<&'a str> {
    let rest = pointer.strip_prefix(mount)?;
    (rest.is_empty() || rest.starts_with('/')).then_some(rest)
}

/// A YAML span in a file as a location.
pub fn to_loc(file: FileId, span: Span) -> Loc {
    Loc {
        file,
        line: span.line,
        col: span.col,
        range: span.start..span.end,
    }
}

impl Provenance {
    /// Add a layer below all others (for defaults such as profiles).
    pub fn insert_base(&mut self, layer: Layer) {
        self.layers.insert(0, layer);
    }
}
