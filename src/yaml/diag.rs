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

/// Turns a scanner or parser error into a [`ReadError`]; a tab error points at the tab.
pub(crate) fn scan_error(e: &ScanError, text: &str) -> ReadError {
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
        ReadError::new(line, col, "nesting too deep").help("flatten the document")
    } else {
        ReadError::new(line, col, info)
    }
}
