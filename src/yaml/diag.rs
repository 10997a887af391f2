//! Error messages of the reader that need more than one line to build.

use yaml_rust2::scanner::ScanError;

use super::node::{ReadError, Span, Value};
use super::source::to_u32;

/// The error for bytes that are not UTF-8, at the line and column of the first bad byte.
pub(crate) fn invalid_utf8(bytes: &[u8], at: usize) -> ReadError {
    let valid = String::from_utf8_lossy(&bytes[..at]);
    let valid = valid.strip_prefix('\u{feff}').unwrap_or(&valid);
    let line = valid.matches('\n').count() + 1;
    let last = valid.rfind('\n').map_or(valid, |i| &valid[i + 1..]);
    ReadError::new(
        to_u32(line),
        to_u32(last.chars().count() + 1),
        format!("invalid UTF-8 at byte {at}"),
    )
    .help("save the file as UTF-8")
}

/// The error for a mapping key that resolves to something other than a string.
pub(crate) fn non_string_key(span: Span, raw: &str, value: &Value) -> ReadError {
    let what = match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Int(_) => "an integer",
        Value::Float(_) => "a float",
        Value::String(_) => "a string",
        Value::Seq(_) => "a sequence",
        Value::Map(_) => "a mapping",
    };
    ReadError::at(span, format!("mapping key `{raw}` reads as {what}, not a string"))
        .help(format!("quote the key: \"{}\":", raw.escape_default()))
}

/// Turns a scanner or parser error into a [`ReadError`]; a tab error points at the tab,
/// and the scanner's own bound on `[`/`{` nesting (met while it looks ahead) is
/// reported as the nesting limit.
pub(crate) fn scan_error(e: &ScanError, text: &str, max_depth: usize) -> ReadError {
    let m = e.marker();
    let line = m.line().max(1);
    let mut col = m.col() + 1;
    let info = e.info();
    let tab = info.contains("tab");
    if tab {
        let tab_col = text
            .split('\n')
            .nth(line - 1)
            .and_then(|l| l.chars().position(|c| c == '\t'));
        if let Some(c) = tab_col {
            col = c + 1;
        }
    }
    let (line, col) = (to_u32(line), to_u32(col));
    if tab {
        ReadError::new(line, col, info).help("indent with spaces: YAML does not allow tabs for indentation")
    } else if info.contains("recursion limit") {
        ReadError::new(
            line,
            col,
            format!(
                "nesting deeper than {}",
                crate::diagnostic::counted(max_depth, "level", "levels")
            ),
        )
        .help("flatten the structure: a spec is never nested this deep")
    } else {
        ReadError::new(line, col, info)
    }
}

/// Whether YAML allows `c` in a stream (`c-printable`, YAML 1.2 §5.1): tab,
/// line feed, carriage return, the printable ASCII characters, NEL, and the
/// rest of Unicode but C1 controls, surrogates, U+FFFE and U+FFFF. U+FEFF
/// (a byte-order mark) is allowed only as the stream's first character, which
/// the reader strips before this check.
fn is_printable(c: char) -> bool {
    matches!(c, '\t' | '\n' | '\r' | ' '..='~' | '\u{85}' | '\u{a0}'..='\u{d7ff}' | '\u{e000}'..='\u{fffd}' | '\u{10000}'..)
        && c != '\u{feff}'
}

/// Byte offset of the first character of `text` that YAML does not allow.
fn first_forbidden(text: &str) -> Option<usize> {
    if text.is_ascii() {
        text.bytes().position(|b| !is_printable(char::from(b)))
    } else {
        text.char_indices().find(|&(_, c)| !is_printable(c)).map(|(i, _)| i)
    }
}

/// The first character of `text` that YAML does not allow, as an error at its
/// line and column (counted in characters). kubectl refuses such a file, and
/// `yaml-rust2` would end the input at a NUL without a word.
pub fn forbidden_char(text: &str) -> Option<ReadError> {
    let at = first_forbidden(text)?;
    let c = text[at..].chars().next()?;
    let before = &text[..at];
    let line = before.matches('\n').count() + 1;
    let col = before.rfind('\n').map_or(before, |i| &before[i + 1..]).chars().count() + 1;
    let what = match c {
        '\0' => "a NUL character (U+0000)".to_string(),
        '\u{feff}' => "a byte-order mark (U+FEFF) after the start of the file".to_string(),
        c => format!("the control character U+{:04X}", u32::from(c)),
    };
    Some(
        ReadError::new(to_u32(line), to_u32(col), format!("{what} is not allowed in YAML"))
            .help("remove it, or write it as an escape in a double-quoted string (`\"\\u0000\"`): YAML allows tab, line breaks and printable characters only, and kubectl refuses the file"),
    )
}
