//! The spanned reader: `yaml-rust2` events in, [`Node`] trees out, built with an
//! explicit stack so that no input can overflow the call stack.

use std::collections::HashMap;

use yaml_rust2::parser::{Event, Parser, Tag};
use yaml_rust2::scanner::{Marker, TScalarStyle};

use crate::diagnostic::counted;

use super::diag::{non_string_key, scan_error};
use super::frame::{Anchored, Frame, Kind, Place, find};
use super::map::MapBuilder;
use super::node::{Limits, Node, ReadError, Span, Value};
use super::resolve::{CORE, Unresolvable, resolve_plain, resolve_tagged, unsupported_tag};
use super::source::Source;

/// The serial reader over `text`, which sits `base` bytes into the input
/// (after a byte-order mark): every document, built from yaml-rust2's events.
pub(super) fn read_source(text: &str, base: usize, limits: &Limits) -> Result<Vec<Node>, ReadError> {
    Builder::new(Source::new(text, base), limits).run()
}

struct Builder<'a> {
    src: Source<'a>,
    limits: &'a Limits,
    parser: Parser<std::str::Chars<'a>>,
    stack: Vec<Frame>,
    anchors: HashMap<usize, Anchored>,
    nodes: usize,
    docs: Vec<Node>,
    /// The current document's root is an empty, untagged plain scalar.
    empty_doc: bool,
}

impl<'a> Builder<'a> {
    fn new(src: Source<'a>, limits: &'a Limits) -> Self {
        let parser = Parser::new(src.text.chars());
        Builder {
            src,
            limits,
            parser,
            stack: Vec::new(),
            anchors: HashMap::new(),
            nodes: 0,
            docs: Vec::new(),
            empty_doc: false,
        }
    }

    fn run(mut self) -> Result<Vec<Node>, ReadError> {
        loop {
            let (event, mark) = self
                .parser
                .next_token()
                .map_err(|e| scan_error(&e, self.src.text, self.limits.max_depth))?;
            match event {
                Event::StreamEnd => return Ok(self.docs),
                Event::DocumentStart => {
                    self.anchors.clear();
                    self.nodes = 0;
                    self.empty_doc = false;
                }
                Event::Scalar(value, style, anchor, tag) => {
                    self.scalar(value, style, anchor, tag.as_ref(), mark)?;
                }
                Event::SequenceStart(anchor, tag) => self.open(Kind::Seq(Vec::new()), anchor, tag, mark)?,
                Event::MappingStart(anchor, tag) => {
                    self.open(Kind::Map(MapBuilder::default()), anchor, tag, mark)?;
                }
                Event::SequenceEnd | Event::MappingEnd => self.close(mark)?,
                Event::Alias(id) => self.alias(id, mark)?,
                Event::StreamStart | Event::DocumentEnd | Event::Nothing => {}
            }
        }
    }

    fn count(&mut self, n: usize, span: Span) -> Result<(), ReadError> {
        self.nodes = self.nodes.saturating_add(n);
        if self.nodes > self.limits.max_nodes {
            return Err(ReadError::at(
                span,
                format!(
                    "document has more than {} (aliases are counted expanded)",
                    counted(self.limits.max_nodes, "node", "nodes")
                ),
            )
            .help("aliases are copied in full; expand fewer or smaller ones"));
        }
        Ok(())
    }

    fn depth_check(&self, depth: usize, span: Span) -> Result<(), ReadError> {
        if self.stack.len() + depth > self.limits.max_depth {
            return Err(ReadError::at(
                span,
                format!(
                    "nesting deeper than {}",
                    counted(self.limits.max_depth, "level", "levels")
                ),
            )
            .help("flatten the structure: a spec is never nested this deep"));
        }
        Ok(())
    }

    /// The key span of the mapping whose value comes next, if any.
    fn pending_key(&self) -> Option<Span> {
        match self.stack.last().map(|f| &f.kind) {
            Some(Kind::Map(map)) => map.key.as_ref().map(|(_, span)| *span),
            _ => None,
        }
    }

    fn is_key_next(&self) -> bool {
        matches!(self.stack.last().map(|f| &f.kind), Some(Kind::Map(map)) if map.key.is_none())
    }

    fn scalar(
        &mut self,
        mut raw: String,
        style: TScalarStyle,
        anchor: usize,
        tag: Option<&Tag>,
        mark: Marker,
    ) -> Result<(), ReadError> {
        let start = self.src.offset(mark);
        let end = self.src.scalar_end(start, &raw, style);
        if matches!(style, TScalarStyle::Literal | TScalarStyle::Folded)
            && raw.ends_with('\n')
            && self.src.text[end..].trim().is_empty()
            && !self.src.text.ends_with(['\n', '\r'])
        {
            // At the end of input without a final line break, yaml-rust2 adds one
            // line break too many; libyaml (and so go-yaml) does not.
            raw.pop();
        }
        let mut span = self.src.span(mark, end);
        let plain = style == TScalarStyle::Plain;
        let key_next = self.is_key_next();
        if raw.is_empty()
            && matches!(
                style,
                TScalarStyle::Plain | TScalarStyle::Literal | TScalarStyle::Folded
            )
        {
            if let Some(key_span) = self.pending_key() {
                span = self.src.after(key_span);
            }
        }
        let fail = |e: Unresolvable| {
            let err = ReadError::at(span, e.message);
            match e.help {
                Some(h) => err.help(h),
                None => err,
            }
        };
        let value = match tag {
            Some(tag) => resolve_tagged(&format!("{}{}", tag.handle, tag.suffix), &raw).map_err(fail)?,
            None if plain => resolve_plain(&raw).map_err(fail)?,
            None => Value::String(raw.clone()),
        };
        if key_next {
            if plain && tag.is_none() && raw == "<<" {
                return Err(ReadError::at(span, "merge keys (`<<`) are not supported")
                    .help("write the merged keys out; Kubernetes tools disagree on which key wins in a merge"));
            }
            if !matches!(value, Value::String(_)) {
                return Err(non_string_key(span, &raw, &value));
            }
        }
        if self.stack.is_empty() {
            self.empty_doc = plain && raw.is_empty() && tag.is_none() && anchor == 0;
        }
        self.count(1, span)?;
        self.complete(Node { value, span }, anchor, 1, 0)
    }

    fn open(&mut self, kind: Kind, anchor: usize, tag: Option<Tag>, mark: Marker) -> Result<(), ReadError> {
        let start = self.src.offset(mark);
        let span = self.src.span(mark, start);
        if let Some(tag) = tag {
            let full = format!("{}{}", tag.handle, tag.suffix);
            let expected = match kind {
                Kind::Seq(_) => "seq",
                Kind::Map(_) => "map",
            };
            if full.strip_prefix(CORE) != Some(expected) {
                let e = unsupported_tag(&full);
                return Err(ReadError::at(span, e.message).help(e.help.unwrap_or_default()));
            }
        }
        self.depth_check(1, span)?;
        self.count(1, span)?;
        let nodes_before = self.nodes;
        self.stack.push(Frame {
            kind,
            mark,
            anchor,
            nodes_before,
            child_depth: 0,
        });
        Ok(())
    }

    fn close(&mut self, end_mark: Marker) -> Result<(), ReadError> {
        let Some(frame) = self.stack.pop() else {
            return Ok(());
        };
        let start = self.src.offset(frame.mark);
        let end = self.src.offset(end_mark);
        let flow = self.src.is_flow(start, end);
        let (value, first, last) = match frame.kind {
            Kind::Seq(items) => {
                let last = items.last().map(|n| n.span.end);
                (Value::Seq(items), None, last)
            }
            Kind::Map(MapBuilder { entries, .. }) => {
                let first = entries.first().map(|e| e.key_span);
                let last = entries.last().map(|e| e.value.span.end);
                (Value::Map(entries), first, last)
            }
        };
        let mut span = self.src.span(frame.mark, start);
        if flow {
            span.end = self.src.span(end_mark, end + 1).end;
        } else {
            if let Some(first) = first {
                span = Span {
                    end: first.start,
                    ..first
                };
            }
            span.end = last.unwrap_or(span.start).max(span.start);
        }
        let nodes = self.nodes - frame.nodes_before + 1;
        if self.is_key_next() {
            return Err(ReadError::at(span, "a mapping key must be a string, not a collection")
                .help("Kubernetes objects only have string keys"));
        }
        self.complete(Node { value, span }, frame.anchor, nodes, frame.child_depth + 1)
    }

    fn alias(&mut self, id: usize, mark: Marker) -> Result<(), ReadError> {
        let start = self.src.offset(mark);
        let span = self.src.span(mark, self.src.alias_end(start));
        let Some((nodes, depth)) = self.anchors.get(&id).map(|a| (a.nodes, a.depth)) else {
            return Err(if self.stack.iter().any(|f| f.anchor == id) {
                ReadError::at(span, "alias refers to a node that contains it")
                    .help("an alias can only repeat a node that is complete")
            } else {
                ReadError::at(span, "alias refers to an anchor of an earlier document")
                    .help("anchors only reach aliases in their own document")
            });
        };
        self.depth_check(depth, span)?;
        self.count(nodes, span)?;
        let found = self.anchors.get(&id).and_then(|a| find(&self.stack, &a.place)).cloned();
        let Some(mut node) = found else {
            return Err(ReadError::at(span, "alias could not be resolved"));
        };
        node.span = span;
        if self.is_key_next() && !matches!(node.value, Value::String(_)) {
            let shown = node.to_json().to_string();
            return Err(non_string_key(span, &shown, &node.value));
        }
        self.complete(node, 0, nodes, depth)
    }

    /// Hands a finished node to its parent, or ends the document.
    fn complete(&mut self, node: Node, anchor: usize, nodes: usize, depth: usize) -> Result<(), ReadError> {
        if anchor != 0 {
            let place = if self.is_key_next() {
                Place::Copy(node.clone())
            } else {
                Place::Path(self.stack.iter().map(Frame::children).collect())
            };
            self.anchors.insert(anchor, Anchored { place, nodes, depth });
        }
        let Some(frame) = self.stack.last_mut() else {
            if self.empty_doc {
                return Ok(());
            }
            if self.docs.len() >= self.limits.max_documents {
                return Err(ReadError::at(
                    node.span,
                    format!(
                        "more than {}",
                        counted(self.limits.max_documents, "document", "documents")
                    ),
                ));
            }
            self.docs.push(node);
            return Ok(());
        };
        frame.child_depth = frame.child_depth.max(depth);
        match &mut frame.kind {
            Kind::Seq(items) => items.push(node),
            Kind::Map(map) => map.push(node)?,
        }
        Ok(())
    }
}
