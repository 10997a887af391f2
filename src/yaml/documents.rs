//! The reader's entry points: the input's limits checked, a byte-order mark
//! stripped, and the text read serially ([`super::read`]) or, when it is one
//! large document, in pieces on every core ([`super::split`]), to the same nodes.

use super::diag::{forbidden_char, invalid_utf8};
use super::node::{Limits, Node, ReadError};
use super::read::read_source;
use super::split;

/// Reads every non-empty document of a YAML stream.
///
/// # Errors
/// A [`ReadError`] with line and column for a syntax error, a key that is
/// duplicated or not a string, an unsupported tag or merge key, an integer out of
/// range, an alias to its own ancestor, input beyond `limits`, or a character
/// YAML does not allow (a NUL, a control character, a byte-order mark after
/// the first character).
pub fn read_documents(text: &str, limits: &Limits) -> Result<Vec<Node>, ReadError> {
    if text.len() > limits.max_bytes {
        return Err(ReadError::new(
            1,
            1,
            format!(
                "input is {} bytes, more than the limit of {} bytes",
                text.len(),
                limits.max_bytes
            ),
        ));
    }
    let (body, base) = match text.strip_prefix('\u{feff}') {
        Some(rest) => (rest, text.len() - rest.len()),
        None => (text, 0),
    };
    if let Some(e) = forbidden_char(body) {
        return Err(e);
    }
    if base == 0 && body.len() >= split::MIN_BYTES {
        if let Some(docs) = split::read(body, limits) {
            return Ok(docs);
        }
    }
    read_source(body, base, limits)
}

/// Reads a YAML stream from bytes: checks that they are UTF-8 (the error names
/// the line and column of the first invalid byte) and strips a UTF-8 BOM.
///
/// # Errors
/// As [`read_documents`], and for bytes that are not UTF-8.
pub fn read_bytes(bytes: &[u8], limits: &Limits) -> Result<Vec<Node>, ReadError> {
    match std::str::from_utf8(bytes) {
        Ok(text) => read_documents(text, limits),
        Err(e) => Err(invalid_utf8(bytes, e.valid_up_to())),
    }
}
