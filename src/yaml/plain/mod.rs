//! A fast reader for the plainest YAML: block mappings and sequences of
//! plain one-word scalars, what vendored manifests mostly are. It reads
//! values only (every span is empty) and gives up, returning `None`, on
//! anything else: a comment, a quote, a flow collection, an anchor, a tag, a
//! block scalar, a duplicate key, a key that is not a string, a scalar that
//! does not resolve, a blank line with spaces, deep nesting. The caller then
//! reads the text with [`super::read_bytes`], which locates every error;
//! whatever this reader accepts, that one reads to the same values.

use super::node::{Entry, Node, Span, Value};
use super::resolve::resolve_plain;

/// Deepest nesting read here (the full reader allows more).
const MAX_DEPTH: usize = 32;
/// Most nodes of one text read here.
const MAX_NODES: usize = 100_000;
/// Most keys of one mapping read here (each key is compared with the others).
const MAX_KEYS: usize = 256;

/// One piece of a line: `- `, `key:` with its value if on the same line, or a scalar after `- `.
#[derive(Clone, Copy)]
enum Token<'a> {
    Dash(usize),
    Key(usize, &'a str, Option<&'a str>),
    Scalar(usize, &'a str),
}

impl Token<'_> {
    fn col(&self) -> usize {
        match *self {
            Token::Dash(c) | Token::Key(c, ..) | Token::Scalar(c, _) => c,
        }
    }
}

/// The documents of `text` when it is in the plain subset, else `None`.
pub fn read_plain(text: &str) -> Option<Vec<Node>> {
    let mut docs = Vec::new();
    let mut nodes = 0;
    let mut tokens = Vec::new();
    let mut lines = text.split('\n');
    if !text.ends_with('\n') || text.starts_with('\n') {
        return None;
    }
    lines.next_back();
    let mut first = true;
    for line in lines {
        if line == "---" {
            if !std::mem::take(&mut first) {
                docs.push(document(&tokens, &mut nodes)?);
            }
            tokens.clear();
            continue;
        }
        first = false;
        if !line.is_empty() {
            tokenize(line, &mut tokens)?;
        }
    }
    docs.push(document(&tokens, &mut nodes)?);
    Some(docs)
}

fn word_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || matches!(b, b'_' | b'.' | b'/' | b'-')
}

/// A one-word plain scalar of letters, digits and `_./-`.
fn word(s: &str) -> Option<&str> {
    (!s.is_empty() && s != "-" && !s.starts_with("--") && s.bytes().all(word_byte)).then_some(s)
}

fn tokenize<'a>(line: &'a str, out: &mut Vec<Token<'a>>) -> Option<()> {
    let rest = line.trim_start_matches(' ');
    let mut col = line.len() - rest.len();
    let mut rest = rest;
    if let Some(item) = rest.strip_prefix("- ") {
        out.push(Token::Dash(col));
        col += 2;
        rest = item;
        if rest.starts_with(' ') {
            return None;
        }
    }
    let token = match rest.split_once(':') {
        Some((key, value)) => {
            let key = word(key).filter(|k| k.as_bytes()[0].is_ascii_alphabetic())?;
            let value = match value {
                "" => None,
                v => Some(word(v.strip_prefix(' ')?)?),
            };
            Token::Key(col, key, value)
        }
        None if col > 0 && matches!(out.last(), Some(Token::Dash(c)) if *c + 2 == col) => {
            Token::Scalar(col, word(rest)?)
        }
        None => return None,
    };
    out.push(token);
    Some(())
}

fn document(tokens: &[Token<'_>], nodes: &mut usize) -> Option<Node> {
    match tokens.first() {
        Some(Token::Key(0, ..)) => {}
        _ => return None,
    }
    let mut i = 0;
    let doc = map(tokens, &mut i, 0, 1, nodes)?;
    (i == tokens.len()).then_some(doc)
}

fn node(value: Value, nodes: &mut usize) -> Option<Node> {
    *nodes += 1;
    (*nodes <= MAX_NODES).then_some(Node {
        value,
        span: Span::default(),
    })
}

fn scalar(s: &str, nodes: &mut usize) -> Option<Node> {
    node(resolve_plain(s).ok()?, nodes)
}

/// The block mapping whose keys are at `col`.
fn map(tokens: &[Token<'_>], i: &mut usize, col: usize, depth: usize, nodes: &mut usize) -> Option<Node> {
    if depth > MAX_DEPTH {
        return None;
    }
    let mut entries: Vec<Entry> = Vec::new();
    while let Some(&Token::Key(c, key, value)) = tokens.get(*i) {
        if c != col {
            break;
        }
        *i += 1;
        let unique = entries.len() < MAX_KEYS && entries.iter().all(|e| e.key != key);
        if !unique || !matches!(resolve_plain(key), Ok(Value::String(_))) {
            return None;
        }
        let value = match value {
            Some(v) => scalar(v, nodes)?,
            None => block(tokens, i, col, depth, nodes)?,
        };
        entries.push(Entry {
            key: key.to_string(),
            key_span: Span::default(),
            value,
        });
    }
    if tokens.get(*i).is_some_and(|t| t.col() >= col) {
        return None;
    }
    node(Value::Map(entries), nodes)
}

/// The value of a `key:` at `col` written on the lines below it: a deeper
/// mapping, a sequence (at `col` or deeper), or nothing (`null`).
fn block(tokens: &[Token<'_>], i: &mut usize, col: usize, depth: usize, nodes: &mut usize) -> Option<Node> {
    match tokens.get(*i) {
        Some(&Token::Key(c, ..)) if c > col => map(tokens, i, c, depth + 1, nodes),
        Some(&Token::Dash(c)) if c >= col => seq(tokens, i, c, depth + 1, nodes),
        _ => node(Value::Null, nodes),
    }
}

/// The block sequence whose dashes are at `col`.
fn seq(tokens: &[Token<'_>], i: &mut usize, col: usize, depth: usize, nodes: &mut usize) -> Option<Node> {
    if depth > MAX_DEPTH {
        return None;
    }
    let mut items = Vec::new();
    while let Some(&Token::Dash(c)) = tokens.get(*i) {
        if c != col {
            break;
        }
        *i += 1;
        let item = match tokens.get(*i) {
            Some(&Token::Scalar(_, s)) => {
                *i += 1;
                scalar(s, nodes)?
            }
            Some(&Token::Key(c, ..)) if c == col + 2 => map(tokens, i, c, depth + 1, nodes)?,
            _ => return None,
        };
        items.push(item);
    }
    // A sequence at its key's column ends where the mapping's next key starts.
    if tokens
        .get(*i)
        .is_some_and(|t| t.col() > col || matches!(t, Token::Dash(c) if *c == col))
    {
        return None;
    }
    node(Value::Seq(items), nodes)
}

#[cfg(test)]
mod tests;
