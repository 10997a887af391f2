//! The canonical YAML writer.
//!
//! One document in block style, two-space indentation, sequences under a mapping
//! key not indented (as kubectl prints them), `{}` and `[]` for empty
//! collections, `null` for null, and a final newline.
//!
//! Key order does not depend on the input's order: at the document root
//! `apiVersion, kind, metadata, spec, data, stringData` come first; in the value
//! of any `metadata` key `name, namespace, labels, annotations` come first (pod
//! templates read like the object's own metadata); in every other mapping `name`
//! comes first. The remaining keys follow in byte order.
//!
//! A string is written plain only if no YAML 1.1 reader (go-yaml v2, PyYAML) and no
//! YAML 1.2 reader could take it for anything else, and it contains nothing that
//! needs quoting; otherwise it is double-quoted with YAML escapes. Strings are
//! quoted when they are empty; match a boolean, null, `.inf`/`.nan`, `<<` or `=`
//! form in any letter case; start with a digit, a sign or a dot and consist only
//! of characters that can appear in numbers, hexadecimal, octal, binary,
//! sexagesimal (`1:20`) or exponent forms; start like a date (`2024-`); start
//! with an indicator (`- ? : , [ ] { } # & * ! | > ' " % @` and backquote), `---`
//! or `...`; have leading or trailing space or a trailing `:`; contain `: `,
//! ` #`, a control character, DEL, a C1 control, a BOM or any white space other
//! than the ASCII space (U+0085, U+2028 and U+2029 are line breaks to YAML 1.1).
//! Keys follow the same rule (`"on":`). A key longer than 1000 bytes as written
//! is written as an explicit key (`? key` then `: value` on the next line),
//! since YAML readers refuse implicit keys longer than 1024 characters.
//!
//! Integers are written as they are; floats in their shortest form that reads
//! back to the same float, always with a `.` and a signed exponent if there is
//! one (`1.0`, `1.0e+16`), so that every YAML reader takes them as floats.

use std::fmt::Write as _;

use serde_json::{Map, Value};

/// Canonical YAML text for one document (no leading `---`), ending with a newline.
#[must_use]
pub fn to_canonical_yaml(value: &Value) -> String {
    let mut out = String::with_capacity(256);
    write_canonical_yaml(&mut out, value);
    out
}

/// Appends the canonical YAML text of one document (no leading `---`, ending with
/// a newline) to `out`.
pub fn write_canonical_yaml(out: &mut String, value: &Value) {
    match value {
        Value::Object(map) if !map.is_empty() => write_map(out, map, 0, false, Order::Root),
        Value::Array(items) if !items.is_empty() => write_seq(out, items, 0, false),
        _ => {
            write_scalar(out, value);
            out.push('\n');
        }
    }
}

/// Which keys of a mapping come first.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Order {
    Root,
    Metadata,
    Other,
}

impl Order {
    fn first_keys(self) -> &'static [&'static str] {
        match self {
            Order::Root => &["apiVersion", "kind", "metadata", "spec", "data", "stringData"],
            Order::Metadata => &["name", "namespace", "labels", "annotations"],
            Order::Other => &["name"],
        }
    }
}

/// Longest key, in bytes as written, that is written as an implicit (`key:`) key.
const MAX_IMPLICIT_KEY: usize = 1000;

const SPACES: &str = "                                                                ";

fn indent(out: &mut String, n: usize) {
    let mut n = n;
    while n > SPACES.len() {
        out.push_str(SPACES);
        n -= SPACES.len();
    }
    out.push_str(&SPACES[..n]);
}

fn write_map(out: &mut String, map: &Map<String, Value>, at: usize, inline: bool, order: Order) {
    let first_keys = order.first_keys();
    let mut first = true;
    let mut entry = |out: &mut String, key: &str, value: &Value| {
        if !(first && inline) {
            indent(out, at);
        }
        first = false;
        let key_start = out.len();
        write_str(out, key);
        // YAML readers refuse implicit keys longer than 1024 characters.
        let explicit = out.len() - key_start > MAX_IMPLICIT_KEY;
        if explicit {
            out.truncate(key_start);
            out.push_str("? ");
            write_str(out, key);
            out.push('\n');
            indent(out, at);
        }
        out.push(':');
        let child = if key == "metadata" {
            Order::Metadata
        } else {
            Order::Other
        };
        match value {
            Value::Object(m) if !m.is_empty() => {
                out.push('\n');
                write_map(out, m, at + 2, false, child);
            }
            Value::Array(items) if !items.is_empty() => {
                out.push('\n');
                write_seq(out, items, if explicit { at + 2 } else { at }, false);
            }
            _ => {
                out.push(' ');
                write_scalar(out, value);
                out.push('\n');
            }
        }
    };
    for key in first_keys {
        if let Some(value) = map.get(*key) {
            entry(out, key, value);
        }
    }
    let rest = map.iter().filter(|(k, _)| !first_keys.contains(&k.as_str()));
    if map.keys().is_sorted() {
        for (key, value) in rest {
            entry(out, key, value);
        }
    } else {
        let mut sorted: Vec<_> = rest.collect();
        sorted.sort_unstable_by(|a, b| a.0.cmp(b.0));
        for (key, value) in sorted {
            entry(out, key, value);
        }
    }
}

fn write_seq(out: &mut String, items: &[Value], at: usize, inline: bool) {
    for (i, item) in items.iter().enumerate() {
        if i > 0 || !inline {
            indent(out, at);
        }
        out.push_str("- ");
        match item {
            Value::Object(m) if !m.is_empty() => write_map(out, m, at + 2, true, Order::Other),
            Value::Array(inner) if !inner.is_empty() => write_seq(out, inner, at + 2, true),
            _ => {
                write_scalar(out, item);
                out.push('\n');
            }
        }
    }
}

fn write_scalar(out: &mut String, value: &Value) {
    match value {
        Value::Null => out.push_str("null"),
        Value::Bool(true) => out.push_str("true"),
        Value::Bool(false) => out.push_str("false"),
        Value::Number(n) => {
            if let Some(u) = n.as_u64() {
                write_u64(out, u);
            } else if let Some(i) = n.as_i64() {
                out.push('-');
                write_u64(out, i.unsigned_abs());
            } else if let Some(f) = n.as_f64() {
                write_float(out, f);
            }
        }
        Value::String(s) => write_str(out, s),
        Value::Array(_) => out.push_str("[]"),
        Value::Object(_) => out.push_str("{}"),
    }
}

/// Decimal digits without going through `fmt`.
fn write_u64(out: &mut String, mut n: u64) {
    let mut buf = [0u8; 20];
    let mut i = buf.len();
    loop {
        i -= 1;
        // `n % 10` is below 10, so the cast cannot truncate.
        #[allow(clippy::cast_possible_truncation)]
        let digit = (n % 10) as u8;
        buf[i] = b'0' + digit;
        n /= 10;
        if n == 0 {
            break;
        }
    }
    for &b in &buf[i..] {
        out.push(char::from(b));
    }
}

/// Shortest round-trip form, with a `.` in the mantissa and a signed exponent.
fn write_float(out: &mut String, f: f64) {
    if f.is_nan() {
        out.push_str(".nan");
        return;
    }
    if f.is_infinite() {
        out.push_str(if f > 0.0 { ".inf" } else { "-.inf" });
        return;
    }
    let start = out.len();
    let _ = write!(out, "{f:?}");
    if let Some(e) = out[start..].find('e').map(|e| start + e) {
        if !out[e + 1..].starts_with('-') {
            out.insert(e + 1, '+');
        }
        if !out[start..e].contains('.') {
            out.insert_str(e, ".0");
        }
    }
}

/// Writes a string plain if that is unambiguous, double-quoted otherwise.
fn write_str(out: &mut String, s: &str) {
    if needs_quotes(s) {
        write_quoted(out, s);
    } else {
        out.push_str(s);
    }
}

/// Whether `s` must be quoted (see the module documentation).
#[must_use]
pub fn needs_quotes(s: &str) -> bool {
    let b = s.as_bytes();
    let (Some(&first), Some(&last)) = (b.first(), b.last()) else {
        return true;
    };
    if matches!(
        first,
        b'-' | b'?'
            | b':'
            | b','
            | b'['
            | b']'
            | b'{'
            | b'}'
            | b'#'
            | b'&'
            | b'*'
            | b'!'
            | b'|'
            | b'>'
            | b'\''
            | b'"'
            | b'%'
            | b'@'
            | b'`'
            | b' '
    ) || matches!(last, b' ' | b':')
    {
        return true;
    }
    let mut prev = 0u8;
    for &c in b {
        if c < 0x20 || c == 0x7f || (c == b' ' && prev == b':') || (c == b'#' && prev == b' ') {
            return true;
        }
        prev = c;
    }
    if !s.is_ascii() && s.chars().any(is_special) {
        return true;
    }
    s.starts_with("...") || is_keyword(s) || looks_numeric(s) || looks_like_date(b)
}

/// Non-ASCII characters that must not appear in a plain scalar.
fn is_special(c: char) -> bool {
    !c.is_ascii() && (c.is_whitespace() || c.is_control() || matches!(c, '\u{feff}' | '\u{fffe}' | '\u{ffff}'))
}

/// Booleans, nulls and special floats of YAML 1.1 and 1.2, in any letter case.
fn is_keyword(s: &str) -> bool {
    const KEYWORDS: &[&str] = &[
        "y",
        "n",
        "yes",
        "no",
        "true",
        "false",
        "on",
        "off",
        "null",
        "~",
        "<<",
        "=",
        ".inf",
        "+.inf",
        "-.inf",
        ".nan",
        "inf",
        "+inf",
        "-inf",
        "infinity",
        "+infinity",
        "-infinity",
        "nan",
    ];
    let first = s.as_bytes().first().map(u8::to_ascii_lowercase);
    let could_be = matches!(
        first,
        Some(b'y' | b'n' | b't' | b'f' | b'o' | b'~' | b'<' | b'=' | b'.' | b'+' | b'-' | b'i')
    );
    could_be && s.len() <= 9 && KEYWORDS.iter().any(|k| k.eq_ignore_ascii_case(s))
}

/// Starts like a number and holds only characters that numbers of some YAML
/// schema can hold (digits, hex letters, `x o b _ . : + -`).
fn looks_numeric(s: &str) -> bool {
    let body = s.strip_prefix(['+', '-']).unwrap_or(s);
    let starts = body.bytes().next().is_some_and(|c| c.is_ascii_digit() || c == b'.');
    starts
        && s.bytes()
            .all(|c| c.is_ascii_hexdigit() || matches!(c, b'x' | b'X' | b'o' | b'O' | b'_' | b'.' | b':' | b'+' | b'-'))
}

/// `YYYY-`: the start of a YAML 1.1 timestamp.
fn looks_like_date(b: &[u8]) -> bool {
    b.len() >= 5 && b[..4].iter().all(u8::is_ascii_digit) && b[4] == b'-'
}

/// Writes `s` double-quoted, escaping what YAML requires and every non-printable
/// or line-breaking character.
fn write_quoted(out: &mut String, s: &str) {
    out.push('"');
    let mut run = 0;
    for (i, c) in s.char_indices() {
        let escape = match c {
            '"' => "\\\"",
            '\\' => "\\\\",
            '\n' => "\\n",
            '\t' => "\\t",
            '\r' => "\\r",
            c if c.is_control() || matches!(c, '\u{2028}' | '\u{2029}' | '\u{feff}' | '\u{fffe}' | '\u{ffff}') => {
                out.push_str(&s[run..i]);
                let _ = write!(out, "\\u{:04X}", u32::from(c));
                run = i + c.len_utf8();
                continue;
            }
            _ => continue,
        };
        out.push_str(&s[run..i]);
        out.push_str(escape);
        run = i + c.len_utf8();
    }
    out.push_str(&s[run..]);
    out.push('"');
}
