//! The objects of a render in stream order, without a tree of paths: what
//! `render --stdout` prints.

use std::cmp::Ordering;
use std::io::Write;

use super::layout::{gateway_api_note, in_stream};
use crate::load::GENERATED_HEADER;
use crate::normalize::Document;

/// The rendered objects sorted by their path in the tree (`folder/file`),
/// and the Gateway API version they need: [`Objects::write_stream`] prints
/// what [`super::Tree::write_stream`] prints for the tree [`super::layout`]
/// builds from the same documents, without building a path per object.
#[derive(Debug, Clone, Default)]
pub struct Objects {
    /// In path order; of documents with the same path, the last one laid out wins.
    docs: Vec<Document>,
    gateway_api_version: String,
}

impl Objects {
    /// Sort `docs` by their path in the tree.
    pub fn new(mut docs: Vec<Document>, gateway_api_version: &str) -> Self {
        // Stable, so that of equal paths the last one stays last (a tree keeps it).
        docs.sort_by(path_order);
        Self {
            docs,
            gateway_api_version: gateway_api_version.to_string(),
        }
    }

    /// The documents in stream order, each path once (the last laid out).
    pub fn documents(&self) -> impl Iterator<Item = &Document> {
        self.docs
            .iter()
            .enumerate()
            .filter(|(i, d)| {
                self.docs
                    .get(i + 1)
                    .is_none_or(|next| path_order(d, next) != Ordering::Equal)
            })
            .map(|(_, d)| d)
    }

    /// The objects as one YAML stream, as [`Objects::write_stream`] writes it.
    pub fn to_stream(&self) -> String {
        let mut out = Vec::new();
        // Writing into a Vec cannot fail, and every piece is UTF-8.
        let _ = self.write_stream(&mut out);
        String::from_utf8(out).unwrap_or_default()
    }

    /// Write the objects as one YAML stream (`---` and a `# Source:` line
    /// before each), after the line that names the Gateway API version.
    ///
    /// # Errors
    /// The first write error of `out`.
    pub fn write_stream(&self, out: &mut (impl Write + ?Sized)) -> std::io::Result<()> {
        // The tree's note names the version's first word (`super::needed_gateway_api`).
        if let Some(v) = self.gateway_api_version.split_whitespace().next() {
            out.write_all(gateway_api_note(v).as_bytes())?;
        }
        let mut path = String::new();
        for d in self.documents() {
            path.clear();
            path.push_str(&d.folder);
            path.push('/');
            path.push_str(&d.file_name);
            if !in_stream(&path) {
                continue;
            }
            write!(out, "---\n# Source: {path}\n")?;
            let text = d.text.strip_prefix(GENERATED_HEADER).unwrap_or(&d.text);
            out.write_all(text.as_bytes())?;
        }
        Ok(())
    }
}

/// The order of two documents' paths `folder/file`, compared byte by byte
/// as the strings a tree sorts (`a-b/x` before `a/x`), without building them.
fn path_order(a: &Document, b: &Document) -> Ordering {
    if a.folder == b.folder {
        return a.file_name.cmp(&b.file_name);
    }
    path_bytes(a).cmp(path_bytes(b))
}

/// The bytes of a document's path `folder/file`.
fn path_bytes(d: &Document) -> impl Iterator<Item = u8> + '_ {
    let (folder, file) = (d.folder.bytes(), d.file_name.bytes());
    folder.chain(*b"/").chain(file)
}
