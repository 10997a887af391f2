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
                if replaces(&layer.node, rel) {
                    // This layer replaced a list or scalar above `p`: lower layers no longer show through.
                    break;
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

/// Whether `node` holds a non-mapping (a list, a scalar, `null`) at a proper
/// prefix of `rel`: merge patches replace such values whole.
fn replaces(node: &Node, rel: &str) -> bool {
    for (i, _) in rel.match_indices('/') {
        match node.pointer(&rel[..i]) {
            Some(n) if !matches!(n.value, crate::yaml::Value::Map(_)) => return true,
            Some(_) => {}
            None => return false,
        }
    }
    false
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::Sources;

    fn layer(sources: &mut Sources, name: &str, text: &str) -> Layer {
        let file = sources.add_named(name, text.to_string());
        let node = crate::yaml::read_documents(text, &crate::yaml::Limits::default())
            .expect("yaml")
            .remove(0);
        Layer {
            file,
            node,
            mount: String::new(),
        }
    }

    #[test]
    fn a_value_points_at_the_topmost_layer_that_sets_it() {
        let mut sources = Sources::new();
        let mut prov = Provenance::new();
        prov.push(layer(&mut sources, "base", "a:\n  b: 1\n  c: 2\n"));
        prov.push(layer(&mut sources, "overlay", "a:\n  b: 3\n"));
        let b = prov.locate("/a/b").expect("b");
        let c = prov.locate("/a/c").expect("c");
        assert_eq!((sources.name(b.file), b.line), ("overlay", 2));
        assert_eq!((sources.name(c.file), c.line), ("base", 3));
    }

    #[test]
    fn a_replaced_list_hides_the_lower_layers_items() {
        let mut sources = Sources::new();
        let mut prov = Provenance::new();
        prov.push(layer(&mut sources, "base", "l:\n- a: 1\n  b: 2\n"));
        prov.push(layer(&mut sources, "overlay", "l:\n- a: 5\n"));
        let b = prov.locate("/l/0/b").expect("falls back to the list item");
        assert_eq!((sources.name(b.file), b.line), ("overlay", 2));
    }
}
