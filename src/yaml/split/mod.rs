//! One large YAML document read on every core. A spec's bulk is one
//! top-level block mapping (`apps:` with thousands of entries); its entries
//! are cut at the lines that start them and each run of entries is read on
//! its own, the rest of the document (that mapping's lines blanked) beside
//! them, and the pieces are put back together with their spans moved to
//! where they sit in the whole text.
//!
//! This is only a faster way to the serial reader's result: whenever a cut
//! could change what is read, or any piece does not read cleanly, the
//! caller reads the text serially, and every error comes from there. A piece
//! sees exactly the bytes of its entries; what it cannot see (an anchor of
//! another piece, a duplicate key in another piece, the nesting above it, the
//! nodes of the others) is refused by the piece's own reader or checked here.

use std::collections::HashSet;

use rayon::prelude::*;

use super::node::{Entry, Limits, Node, Span, Value};
use super::read::read_source;
use super::source::to_u32;

/// Texts shorter than this are read serially: splitting costs more than it saves.
pub(super) const MIN_BYTES: usize = 256 * 1024;
/// The smallest piece worth a thread.
const MIN_PIECE: usize = 64 * 1024;

/// The documents of `text` read in pieces, or `None` when the text must be
/// read serially (see the module documentation).
pub(super) fn read(text: &str, limits: &Limits) -> Option<Vec<Node>> {
    let wanted = (text.len() / MIN_PIECE).min(4 * rayon::current_num_threads());
    read_in(text, limits, wanted)
}

/// [`read`], cutting the mapping into at most `pieces` pieces.
fn read_in(text: &str, limits: &Limits, pieces: usize) -> Option<Vec<Node>> {
    if pieces < 2 || !plain_layout(text) {
        return None;
    }
    let region = largest_region(text)?;
    let cuts = cuts(text, &region, pieces)?;
    let mut skeleton = text.as_bytes()[..cuts[0]].to_vec();
    skeleton.extend(
        text.as_bytes()[cuts[0]..region.end]
            .iter()
            .map(|&b| if b == b'\n' { b'\n' } else { b' ' }),
    );
    skeleton.extend_from_slice(&text.as_bytes()[region.end..]);
    let skeleton = String::from_utf8(skeleton).ok()?;
    let inner = Limits {
        max_depth: limits.max_depth.checked_sub(1)?,
        ..*limits
    };
    let (outer, parts) = rayon::join(
        || read_source(&skeleton, 0, limits).ok(),
        || {
            cuts.par_windows(2)
                .map(|w| read_piece(text, w[0], w[1], &inner))
                .collect::<Option<Vec<_>>>()
        },
    );
    join(text, outer?, parts?, &region, limits)
}

/// The top-level key whose block mapping is split, and the lines of its entries.
struct Region<'a> {
    /// The key, as written at the start of its line.
    key: &'a str,
    /// Byte offset of the line after the key's.
    start: usize,
    /// Byte offset of the line that ends the mapping (the text's end when none does).
    end: usize,
    /// The indentation of the mapping's keys.
    indent: usize,
}

/// Whether the text's layout is one the cuts can be proven for: one
/// document (no markers or directives, no byte-order mark), line breaks
/// without `\r`, no tabs.
fn plain_layout(text: &str) -> bool {
    !text.starts_with('\u{feff}')
        && !text.contains(['\r', '\t'])
        && !text
            .split('\n')
            .any(|l| l.starts_with("---") || l.starts_with("...") || l.starts_with('%'))
}

/// Each line's byte offset and text, without its line break.
fn lines(text: &str) -> impl Iterator<Item = (usize, &str)> {
    text.split_inclusive('\n').scan(0, |at, line| {
        let start = *at;
        *at += line.len();
        Some((start, line.trim_end_matches('\n')))
    })
}

/// Leading spaces of `line`, or `None` for a blank or comment line.
fn indent(line: &str) -> Option<usize> {
    let body = line.trim_start_matches(' ');
    (!body.is_empty() && !body.starts_with('#')).then_some(line.len() - body.len())
}

/// The largest block mapping under a top-level key written alone on its
/// line (`apps:`). It runs up to the next line, other than a blank or
/// comment line, that is indented less than its keys: blank and comment
/// lines before that line may be a block scalar's content, so they belong
/// to the last entry, as in the serial reader.
fn largest_region(text: &str) -> Option<Region<'_>> {
    let mut best: Option<Region<'_>> = None;
    let mut open: Option<Region<'_>> = None;
    for (at, line) in lines(text) {
        let Some(spaces) = indent(line) else { continue };
        if let Some(r) = open.as_mut() {
            if r.indent == 0 {
                r.indent = spaces;
            }
            if r.indent > 0 && spaces >= r.indent {
                continue;
            }
            if let Some(mut done) = open.take() {
                done.end = at;
                keep(done, &mut best);
            }
        }
        if spaces == 0 {
            open = line
                .strip_suffix(':')
                .filter(|k| !k.is_empty() && k.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-'))
                .map(|key| Region {
                    key,
                    start: (at + line.len() + 1).min(text.len()),
                    end: text.len(),
                    indent: 0,
                });
        }
    }
    if let Some(done) = open {
        keep(done, &mut best);
    }
    best
}

/// Keep `done` when it is a mapping larger than `best`.
fn keep<'a>(done: Region<'a>, best: &mut Option<Region<'a>>) {
    if done.indent > 0 && best.as_ref().is_none_or(|b| done.end - done.start > b.end - b.start) {
        *best = Some(done);
    }
}

/// Byte offsets that cut the region's entries into at most `pieces` runs of
/// about equal size: the first entry's line, the lines that start later
/// runs, and the region's end. `None` when a line at the keys' indentation
/// starts neither a plain or quoted key nor a sequence item: a cut there
/// could fall inside a value.
fn cuts(text: &str, region: &Region<'_>, pieces: usize) -> Option<Vec<usize>> {
    let mut starts = Vec::new();
    for (at, line) in lines(&text[region.start..region.end]) {
        if indent(line) != Some(region.indent) {
            continue;
        }
        let key = &line[region.indent..];
        if key == "-" || key.starts_with("- ") {
            // An item of an indentless sequence, the value of the entry above.
            continue;
        }
        if !key.starts_with(|c: char| c.is_ascii_alphanumeric() || matches!(c, '_' | '"' | '\'')) {
            return None;
        }
        starts.push(region.start + at);
    }
    let first = *starts.first()?;
    let size = (region.end - first) / pieces;
    let mut cuts = vec![first];
    for s in starts {
        if s - cuts[cuts.len() - 1] >= size.max(1) && region.end - s >= size / 2 {
            cuts.push(s);
        }
    }
    cuts.push(region.end);
    (cuts.len() > 2).then_some(cuts)
}

/// One run of entries, read alone: its mapping's entries with their spans
/// moved to the whole text, and the number of nodes in them.
/// `None` as well when a node of a piece other than the last starts at the
/// piece's end: an empty item (`-` alone) is placed at the next token, which
/// the serial reader finds in the next piece.
fn read_piece(text: &str, start: usize, end: usize, limits: &Limits) -> Option<(Vec<Entry>, usize)> {
    let mut docs = read_source(&text[start..end], 0, limits).ok()?;
    let doc = docs.pop().filter(|_| docs.is_empty())?;
    if end < text.len() && starts_at(&doc, end - start) {
        return None;
    }
    let Value::Map(mut entries) = doc.value else {
        return None;
    };
    let lines_before = to_u32(text.as_bytes()[..start].iter().filter(|&&b| b == b'\n').count());
    let mut nodes = 0;
    for e in &mut entries {
        shift(&mut e.key_span, start, lines_before);
        nodes += 1 + shift_node(&mut e.value, start, lines_before);
    }
    Some((entries, nodes))
}

/// Whether a node under `root` starts at byte `at` or later.
fn starts_at(root: &Node, at: usize) -> bool {
    let mut stack = vec![root];
    while let Some(n) = stack.pop() {
        if n.span.start >= at {
            return true;
        }
        match &n.value {
            Value::Seq(items) => stack.extend(items),
            Value::Map(entries) => stack.extend(entries.iter().map(|e| &e.value)),
            _ => {}
        }
    }
    false
}

/// Move `span` down by `bytes` bytes and `lines` lines (its column stays: pieces start at a line's start).
fn shift(span: &mut Span, bytes: usize, lines: u32) {
    span.start += bytes;
    span.end += bytes;
    span.line = span.line.saturating_add(lines);
}

/// Move every span under `node`; returns the number of nodes and keys.
fn shift_node(node: &mut Node, bytes: usize, lines: u32) -> usize {
    let mut stack = vec![node];
    let mut count = 0;
    while let Some(n) = stack.pop() {
        count += 1;
        shift(&mut n.span, bytes, lines);
        match &mut n.value {
            Value::Seq(items) => stack.extend(items.iter_mut()),
            Value::Map(entries) => {
                count += entries.len();
                for e in entries {
                    shift(&mut e.key_span, bytes, lines);
                    stack.push(&mut e.value);
                }
            }
            _ => {}
        }
    }
    count
}

/// Put the pieces' entries into the skeleton's (blanked, so `null`) value of
/// the region's key, as the serial reader would have built that mapping.
fn join(
    text: &str,
    outer: Vec<Node>,
    parts: Vec<(Vec<Entry>, usize)>,
    region: &Region<'_>,
    limits: &Limits,
) -> Option<Vec<Node>> {
    let [mut doc] = <[Node; 1]>::try_from(outer).ok()?;
    // A root flow mapping may span lines like a block one; its entries are not cut.
    if text.as_bytes().get(doc.span.start) == Some(&b'{') {
        return None;
    }
    // Moved by nothing: only counted.
    let outer_nodes = shift_node(&mut doc, 0, 0);
    let parts_nodes: usize = parts.iter().map(|(_, n)| n).sum();
    if outer_nodes + parts_nodes + parts.len() > limits.max_nodes {
        return None;
    }
    let entries: Vec<Entry> = parts.into_iter().flat_map(|(e, _)| e).collect();
    let mut keys = HashSet::with_capacity(entries.len());
    if !entries.iter().all(|e| keys.insert(e.key.as_str())) {
        return None;
    }
    let first = entries.first()?.key_span;
    let last = entries.last()?.value.span.end;
    let mapping = Node {
        value: Value::Map(entries),
        span: Span { end: last, ..first },
    };
    let Value::Map(top) = &mut doc.value else {
        return None;
    };
    let slot = top
        .iter_mut()
        .find(|e| e.key == region.key && e.key_span.start + e.key.len() + 2 == region.start)?;
    if slot.value.value != Value::Null {
        return None;
    }
    slot.value = mapping;
    doc.span.end = top.last()?.value.span.end.max(doc.span.start);
    Some(vec![doc])
}

#[cfg(test)]
mod tests;
