//! Turning `yaml-rust2` markers into spans.
//!
//! `Marker::index()` counts characters (the scanner reads a `char` iterator), not
//! bytes; `line()` is 1-based and `col()` is 0-based, counted in characters. The
//! parser's events carry only a start marker, so span ends are found in the text.

use super::node::Span;
use yaml_rust2::scanner::{Marker, TScalarStyle};

/// The text being parsed, with what turns its markers into byte offsets.
pub(crate) struct Source<'a> {
    /// The text the parser sees (after a stripped BOM).
    pub text: &'a str,
    /// Byte length of what was stripped in front of `text` (a BOM).
    base: usize,
    /// Byte offset of each line's start, for non-ASCII text (empty for ASCII).
    line_starts: Vec<usize>,
}

impl<'a> Source<'a> {
    pub fn new(text: &'a str, base: usize) -> Self {
        let line_starts = if text.is_ascii() { Vec::new() } else { line_starts(text) };
        Source {
            text,
            base,
            line_starts,
        }
    }

    /// Byte offset (into `text`) of the character a marker points at. In
    /// ASCII text that is the marker's character index. Elsewhere it is
    /// found from the marker's line and column: yaml-rust2 0.13 adds a block
    /// scalar line's bytes, not its characters, to the index (so every later
    /// index is off), while the line it counts right and the column starts
    /// again on the next line.
    pub fn offset(&self, mark: Marker) -> usize {
        if self.line_starts.is_empty() {
            return mark.index().min(self.text.len());
        }
        let Some(&from) = mark.line().checked_sub(1).and_then(|l| self.line_starts.get(l)) else {
            return self.text.len();
        };
        self.text[from..]
            .char_indices()
            .nth(mark.col())
            .map_or(self.text.len(), |(i, _)| from + i)
    }

    /// The span from a marker to a byte offset into `text`.
    pub fn span(&self, mark: Marker, end: usize) -> Span {
        let start = self.offset(mark);
        Span {
            start: self.base + start,
            end: self.base + end.max(start),
            line: to_u32(mark.line()),
            col: to_u32(mark.col() + 1),
        }
    }

    /// An empty span just past `span` (for a value that is absent after its key).
    pub fn after(&self, span: Span) -> Span {
        let key = &self.text[span.start - self.base..span.end - self.base];
        Span {
            start: span.end,
            end: span.end,
            line: span.line,
            col: span.col.saturating_add(to_u32(key.chars().count())),
        }
    }

    /// Byte offset just past a scalar that starts at byte `start`.
    pub fn scalar_end(&self, start: usize, value: &str, style: TScalarStyle) -> usize {
        let bytes = self.text.as_bytes();
        match style {
            TScalarStyle::DoubleQuoted => {
                let mut i = start + 1;
                while i < bytes.len() {
                    match bytes[i] {
                        b'\\' => i += 2,
                        b'"' => return i + 1,
                        _ => i += 1,
                    }
                }
                self.text.len()
            }
            TScalarStyle::SingleQuoted => {
                let mut i = start + 1;
                while i < bytes.len() {
                    match (bytes[i], bytes.get(i + 1)) {
                        (b'\'', Some(b'\'')) => i += 2,
                        (b'\'', _) => return i + 1,
                        _ => i += 1,
                    }
                }
                self.text.len()
            }
            TScalarStyle::Plain => self.plain_end(start, value),
            TScalarStyle::Literal | TScalarStyle::Folded => self.block_end(start, value),
        }
    }

    /// A plain scalar's words appear verbatim, separated only by white space.
    fn plain_end(&self, start: usize, value: &str) -> usize {
        let rest = &self.text[start..];
        if rest.starts_with(value) {
            return start + value.len();
        }
        let mut at = start;
        for word in value.split([' ', '\t', '\n']).filter(|w| !w.is_empty()) {
            let skipped = self.text[at..].trim_start_matches([' ', '\t', '\r', '\n']);
            if !skipped.starts_with(word) {
                break;
            }
            at = self.text.len() - skipped.len() + word.len();
        }
        at
    }

    /// A block scalar's marker sits at its first content line's indentation; its
    /// lines run on while they are blank or indented at least that far.
    fn block_end(&self, start: usize, value: &str) -> usize {
        if value.is_empty() {
            return start;
        }
        let line_start = self.text[..start].rfind('\n').map_or(0, |i| i + 1);
        let indent = start - line_start;
        let mut end = start;
        let mut at = line_start;
        for line in self.text[line_start..].split_inclusive('\n') {
            let body = line.trim_end_matches(['\n', '\r']);
            let spaces = body.len() - body.trim_start_matches(' ').len();
            let blank = spaces == body.len();
            let marker = indent == 0 && (body.starts_with("---") || body.starts_with("..."));
            if !blank && (spaces < indent || marker) {
                break;
            }
            if !blank {
                end = at + body.len();
            }
            at += line.len();
        }
        end.max(start)
    }

    /// Byte offset just past an alias (`*name`) that starts at byte `start`.
    pub fn alias_end(&self, start: usize) -> usize {
        let rest = &self.text[start..];
        let name = rest
            .char_indices()
            .skip(1)
            .find(|&(_, c)| c.is_whitespace() || matches!(c, ',' | '[' | ']' | '{' | '}'))
            .map_or(rest.len(), |(i, _)| i);
        start + name
    }

    /// Whether the bytes at `start` and `end` open and close one flow
    /// collection. The opening bracket alone is not enough: an indentless
    /// block sequence whose first item is `[..]` starts at that bracket too,
    /// and ends wherever the next token is (at the end of the text, maybe).
    pub fn is_flow(&self, start: usize, end: usize) -> bool {
        let at = |i: usize| self.text.as_bytes().get(i);
        matches!(
            (at(start), at(end)),
            (Some(b'['), Some(b']')) | (Some(b'{'), Some(b'}'))
        )
    }
}

/// Byte offset of each line's start, line breaks counted as yaml-rust2
/// counts them: `\n`, `\r\n`, and a `\r` alone.
fn line_starts(text: &str) -> Vec<usize> {
    let bytes = text.as_bytes();
    let mut starts = vec![0];
    for (i, &b) in bytes.iter().enumerate() {
        if b == b'\n' || (b == b'\r' && bytes.get(i + 1) != Some(&b'\n')) {
            starts.push(i + 1);
        }
    }
    starts
}

/// Saturating conversion for line and column numbers.
pub(crate) fn to_u32(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}
