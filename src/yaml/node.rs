//! The tree the reader builds, its limits and its error type.

use std::fmt;

/// Where a node sits in its source text (1-based line and column; column counts characters).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub struct Span {
    /// Byte offset of the node's first byte.
    pub start: usize,
    /// Byte offset just past the node's last byte.
    pub end: usize,
    /// 1-based line of `start`.
    pub line: u32,
    /// 1-based column of `start`, counted in characters.
    pub col: u32,
}

/// A parsed YAML value with the span it came from.
#[derive(Clone, Debug, PartialEq)]
pub struct Node {
    /// The resolved value.
    pub value: Value,
    /// Where the value was written.
    pub span: Span,
}

/// A resolved YAML value (see the module documentation for the resolution rules).
#[derive(Clone, Debug, PartialEq)]
pub enum Value {
    /// `null`, `~`, or nothing at all.
    Null,
    /// A boolean, including the YAML 1.1 forms `yes`, `on`, `n`, ….
    Bool(bool),
    /// An integer that fits in `i64`.
    Int(i64),
    /// A float, possibly infinite or NaN.
    Float(f64),
    /// A string.
    String(String),
    /// A sequence.
    Seq(Vec<Node>),
    /// A mapping, in source order, with unique string keys.
    Map(Vec<Entry>),
}

/// One key/value pair of a mapping.
#[derive(Clone, Debug, PartialEq)]
pub struct Entry {
    /// The key, which is always a string after resolution.
    pub key: String,
    /// Where the key was written.
    pub key_span: Span,
    /// The value.
    pub value: Node,
}

/// Bounds on what the reader accepts, so that hostile input fails fast.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Limits {
    /// Largest input accepted, in bytes (default 16 MiB).
    pub max_bytes: usize,
    /// Deepest nesting of collections accepted (default 64; a root mapping is depth 1).
    pub max_depth: usize,
    /// Most nodes in one document, counted after alias expansion (default 1,000,000).
    pub max_nodes: usize,
    /// Most non-empty documents in one stream (default 100,000).
    pub max_documents: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_bytes: 16 * 1024 * 1024,
            max_depth: 64,
            max_nodes: 1_000_000,
            max_documents: 100_000,
        }
    }
}

/// Why a YAML text could not be read, and where.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ReadError {
    /// What went wrong.
    pub message: String,
    /// 1-based line.
    pub line: u32,
    /// 1-based column, counted in characters.
    pub col: u32,
    /// A suggestion for fixing it, if there is one.
    pub help: Option<String>,
}

impl ReadError {
    pub(crate) fn new(line: u32, col: u32, message: impl Into<String>) -> Self {
        ReadError {
            message: message.into(),
            line,
            col,
            help: None,
        }
    }

    pub(crate) fn at(span: Span, message: impl Into<String>) -> Self {
        Self::new(span.line, span.col, message)
    }

    pub(crate) fn help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }
}

impl fmt::Display for ReadError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}: {}", self.line, self.col, self.message)
    }
}

impl std::error::Error for ReadError {}

impl Node {
    /// The value as JSON. Non-finite floats, which JSON cannot hold, become the
    /// strings `".inf"`, `"-.inf"` and `".nan"`.
    #[must_use]
    pub fn to_json(&self) -> serde_json::Value {
        use serde_json::Value as J;
        match &self.value {
            Value::Null => J::Null,
            Value::Bool(b) => J::Bool(*b),
            Value::Int(i) => J::from(*i),
            Value::Float(f) => match serde_json::Number::from_f64(*f) {
                Some(n) => J::Number(n),
                None if f.is_nan() => J::String(".nan".into()),
                None if *f > 0.0 => J::String(".inf".into()),
                None => J::String("-.inf".into()),
            },
            Value::String(s) => J::String(s.clone()),
            Value::Seq(items) => J::Array(items.iter().map(Node::to_json).collect()),
            Value::Map(entries) => J::Object(entries.iter().map(|e| (e.key.clone(), e.value.to_json())).collect()),
        }
    }

    /// The value under `key`, if this is a mapping that has it.
    #[must_use]
    pub fn get(&self, key: &str) -> Option<&Node> {
        self.entry(key).map(|e| &e.value)
    }

    fn entry(&self, key: &str) -> Option<&Entry> {
        match &self.value {
            Value::Map(entries) => entries.iter().find(|e| e.key == key),
            _ => None,
        }
    }

    /// The node at an RFC 6901 JSON pointer (`""` is this node, `/spec/rules/0`).
    #[must_use]
    pub fn pointer(&self, json_pointer: &str) -> Option<&Node> {
        let mut node = self;
        for token in pointer_tokens(json_pointer)? {
            node = node.child(&token)?;
        }
        Some(node)
    }

    /// The span of the mapping key named by the pointer's last token, for
    /// "unknown field" errors. `None` if the pointer is empty, does not resolve,
    /// or its last token indexes a sequence.
    #[must_use]
    pub fn key_span_at(&self, json_pointer: &str) -> Option<Span> {
        let mut tokens = pointer_tokens(json_pointer)?;
        let last = tokens.pop()?;
        let mut node = self;
        for token in &tokens {
            node = node.child(token)?;
        }
        node.entry(&last).map(|e| e.key_span)
    }

    fn child(&self, token: &str) -> Option<&Node> {
        match &self.value {
            Value::Map(_) => self.get(token),
            Value::Seq(items) => {
                let valid = token == "0" || (!token.starts_with('0') && !token.is_empty());
                if !valid || !token.bytes().all(|b| b.is_ascii_digit()) {
                    return None;
                }
                items.get(token.parse::<usize>().ok()?)
            }
            _ => None,
        }
    }
}

/// Splits an RFC 6901 pointer into unescaped tokens; `None` if it is malformed.
fn pointer_tokens(pointer: &str) -> Option<Vec<String>> {
    if pointer.is_empty() {
        return Some(Vec::new());
    }
    let rest = pointer.strip_prefix('/')?;
    Some(
        rest.split('/')
            .map(|t| t.replace("~1", "/").replace("~0", "~"))
            .collect(),
    )
}
