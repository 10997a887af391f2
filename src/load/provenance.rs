//! Where each value of the merged spec came from.

use std::collections::HashMap;
use std::fmt::Write as _;
use std::sync::OnceLock;

use crate::source::{FileId, Loc};
use crate::yaml::{Node, Span, Value};

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
    /// What kind of document it is.
    pub kind: LayerKind,
}

/// Where a layer of the merged spec came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LayerKind {
    /// A spec file.
    Spec,
    /// A gateway's built-in profile (under the spec).
    Profile,
    /// An environment overlay (over the spec).
    Overlay,
}

/// The layers of a merged spec, lowest first; later layers win.
#[derive(Debug, Default)]
pub struct Provenance {
    layers: Vec<Layer>,
    /// Per layer, the keys of its large mappings by the mapping's pointer,
    /// built on the first lookup: a spec with thousands of apps is looked
    /// up once per app, and a linear scan each time would be quadratic.
    index: OnceLock<Vec<KeyIndex>>,
}

/// Mapping pointer -> key -> entry position, for mappings of at least
/// [`INDEXED_LEN`] entries.
type KeyIndex = HashMap<String, HashMap<String, usize>>;

/// Mappings shorter than this are scanned.
const INDEXED_LEN: usize = 16;

impl Provenance {
    /// No layers.
    pub fn new() -> Self {
        Self::default()
    }

    /// Add a layer on top of the others.
    pub fn push(&mut self, layer: Layer) {
        self.index = OnceLock::new();
        self.layers.push(layer);
    }

    /// The layers, lowest first.
    pub fn layers(&self) -> &[Layer] {
        &self.layers
    }

    /// Location of the value at `pointer`: in the topmost layer that sets
    /// it, else of its nearest ancestor that some layer sets.
    pub fn locate(&self, pointer: &str) -> Option<Loc> {
        self.find(pointer, false, true)
    }

    /// Location of the map key at `pointer` (for unknown or duplicate keys),
    /// falling back to the value's location.
    pub fn locate_key(&self, pointer: &str) -> Option<Loc> {
        self.find(pointer, true, true)
    }

    /// Whether some layer writes the value at exactly `pointer` (where
    /// [`Provenance::locate`] would fall back to an ancestor).
    pub fn is_written(&self, pointer: &str) -> bool {
        self.find(pointer, false, false).is_some()
    }

    /// Where the value at exactly `pointer` was set, when an overlay or a
    /// profile set it rather than a spec file: findings about a value built
    /// from it point there too (`set by overlays/dev.yaml:4:7`).
    pub fn set_by(&self, pointer: &str) -> Option<(Loc, LayerKind)> {
        let index = self
            .index
            .get_or_init(|| self.layers.iter().map(|l| index_layer(&l.node)).collect());
        for (layer, index) in self.layers.iter().zip(index).rev() {
            let Some(rel) = relative(pointer, &layer.mount) else {
                continue;
            };
            if let Some((node, _)) = walk(&layer.node, rel, index) {
                return (layer.kind != LayerKind::Spec).then(|| (to_loc(layer.file, node.span), layer.kind));
            }
            if replaces(&layer.node, rel, index) {
                return None;
            }
        }
        None
    }

    /// The location of `pointer` (of its key with `key`), or with `climb` of its nearest located ancestor.
    fn find(&self, pointer: &str, key: bool, climb: bool) -> Option<Loc> {
        let mut p = pointer;
        loop {
            let index = self
                .index
                .get_or_init(|| self.layers.iter().map(|l| index_layer(&l.node)).collect());
            for (layer, index) in self.layers.iter().zip(index).rev() {
                let Some(rel) = relative(p, &layer.mount) else {
                    continue;
                };
                let span = walk(&layer.node, rel, index).map(|(node, key_span)| match key_span {
                    Some(k) if key && p == pointer => k,
                    _ => node.span,
                });
                if let Some(span) = span {
                    return Some(to_loc(layer.file, span));
                }
                if replaces(&layer.node, rel, index) {
                    // This layer replaced a list or scalar above `p`: lower layers no longer show through.
                    break;
                }
            }
            if p.is_empty() || !climb {
                return None;
            }
            p = &p[..p.rfind('/').unwrap_or(0)];
        }
    }
}

/// The node at `pointer` (relative to `root`) and, when the last token named
/// a mapping key, that key's span. The same rules as [`Node::pointer`].
fn walk<'a>(root: &'a Node, pointer: &str, index: &KeyIndex) -> Option<(&'a Node, Option<Span>)> {
    if pointer.is_empty() {
        return Some((root, None));
    }
    let mut node = root;
    let mut key_span = None;
    let mut prefix_end = 0;
    for raw in pointer.strip_prefix('/')?.split('/') {
        let token: std::borrow::Cow<'_, str> = if raw.contains('~') {
            raw.replace("~1", "/").replace("~0", "~").into()
        } else {
            raw.into()
        };
        match &node.value {
            Value::Map(entries) => {
                let at = match index.get(&pointer[..prefix_end]) {
                    Some(keys) => keys.get(token.as_ref()).copied(),
                    None => entries.iter().position(|e| e.key == token),
                }?;
                let entry = entries.get(at)?;
                key_span = Some(entry.key_span);
                node = &entry.value;
            }
            Value::Seq(items) => {
                let valid = token == "0" || (!token.starts_with('0') && !token.is_empty());
                if !valid || !token.bytes().all(|b| b.is_ascii_digit()) {
                    return None;
                }
                node = items.get(token.parse::<usize>().ok()?)?;
                key_span = None;
            }
            _ => return None,
        }
        prefix_end += 1 + raw.len();
    }
    Some((node, key_span))
}

/// The key index of every large mapping under `root`.
fn index_layer(root: &Node) -> KeyIndex {
    let mut index = KeyIndex::new();
    index_node(root, &mut String::new(), &mut index);
    index
}

/// Add the large mappings at and under `node`, which sits at `pointer`; the
/// pointer of each child is written into the one buffer, so only the
/// pointers of indexed mappings are allocated. The recursion is as deep as
/// the reader's depth limit ([`crate::yaml::Limits::max_depth`]).
fn index_node(node: &Node, pointer: &mut String, index: &mut KeyIndex) {
    let is_collection = |n: &Node| matches!(n.value, Value::Map(_) | Value::Seq(_));
    let len = pointer.len();
    match &node.value {
        Value::Map(entries) => {
            if entries.len() >= INDEXED_LEN {
                let keys = entries.iter().enumerate().map(|(i, e)| (e.key.clone(), i));
                index.insert(pointer.clone(), keys.collect());
            }
            for e in entries.iter().filter(|e| is_collection(&e.value)) {
                pointer.push('/');
                push_escaped(pointer, &e.key);
                index_node(&e.value, pointer, index);
                pointer.truncate(len);
            }
        }
        Value::Seq(items) => {
            for (i, item) in items.iter().enumerate().filter(|(_, n)| is_collection(n)) {
                // Writing into a String cannot fail.
                let _ = write!(pointer, "/{i}");
                index_node(item, pointer, index);
                pointer.truncate(len);
            }
        }
        _ => {}
    }
}

/// `token` escaped as a JSON pointer token ([`super::escape_token`]), appended to `out`.
fn push_escaped(out: &mut String, token: &str) {
    if token.contains(['~', '/']) {
        out.push_str(&super::escape_token(token));
    } else {
        out.push_str(token);
    }
}

fn relative<'a>(pointer: &'a str, mount: &str) -> Option<&'a str> {
    let rest = pointer.strip_prefix(mount)?;
    (rest.is_empty() || rest.starts_with('/')).then_some(rest)
}

/// Whether `node` holds a non-mapping (a list, a scalar, `null`) at a proper
/// prefix of `rel`: merge patches replace such values whole.
fn replaces(node: &Node, rel: &str, index: &KeyIndex) -> bool {
    for (i, _) in rel.match_indices('/') {
        match walk(node, &rel[..i], index).map(|(n, _)| n) {
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
        self.index = OnceLock::new();
        self.layers.insert(0, layer);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::Sources;
    use crate::yaml::{Limits, read_documents};

    fn layer(sources: &mut Sources, name: &str, text: &str) -> Layer {
        let file = sources.add_named(name, text.to_string());
        let node = crate::yaml::read_documents(text, &crate::yaml::Limits::default())
            .expect("yaml")
            .remove(0);
        Layer {
            file,
            node,
            mount: String::new(),
            kind: LayerKind::Spec,
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

    #[test]
    fn locates_in_large_mappings_through_the_index() {
        let mut text = String::from("apps:\n");
        for i in 0..40 {
            text.push_str(&format!("  app-{i}:\n    manifests: [a.yaml, b/c.yaml]\n"));
        }
        text.push_str("  x/y~z:\n    manifests: [d.yaml]\n");
        let node = read_documents(&text, &Limits::default()).expect("valid YAML").remove(0);
        let mut prov = Provenance::new();
        prov.push(Layer {
            file: FileId(0),
            node,
            mount: String::new(),
            kind: LayerKind::Spec,
        });
        let line = |p: &str| prov.locate(p).map(|l| (l.line, l.col));
        assert_eq!(line("/apps/app-0/manifests/1"), Some((3, 25)));
        assert_eq!(line("/apps/app-39/manifests/0"), Some((81, 17)));
        assert_eq!(line("/apps/x~1y~0z/manifests/0"), Some((83, 17)));
        // Missing keys and bad indexes fall back to the nearest ancestor.
        assert_eq!(line("/apps/app-7/routes"), Some((17, 5)));
        assert_eq!(line("/apps/app-7/manifests/01"), Some((17, 16)));
        assert_eq!(prov.locate_key("/apps/app-39").map(|l| l.line), Some(80));
        assert!(prov.index.get().is_some_and(|i| i[0].contains_key("/apps")));
        // The same answers as the unindexed walk.
        let root = &prov.layers()[0].node;
        for p in [
            "/apps/app-12",
            "/apps/app-12/manifests",
            "/apps/app-3/manifests/1",
            "/apps/x~1y~0z",
        ] {
            assert_eq!(
                prov.locate(p).map(|l| l.range.start),
                root.pointer(p).map(|n| n.span.start),
                "{p}"
            );
        }
    }
}
