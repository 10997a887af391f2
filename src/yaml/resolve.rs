//! Scalar resolution as go-yaml v2 (`resolve.go`) does it, for untagged plain
//! scalars and for scalars with an explicit `!!str`/`!!int`/`!!bool`/`!!null`/`!!float` tag.

use super::node::Value;

/// The core schema tag prefix that `!!` expands to.
pub(crate) const CORE: &str = "tag:yaml.org,2002:";

/// Why a scalar could not be resolved.
pub(crate) struct Unresolvable {
    pub message: String,
    pub help: Option<String>,
}

/// Resolves an untagged plain scalar.
pub(crate) fn resolve_plain(s: &str) -> Result<Value, Unresolvable> {
    let value = match s {
        "" | "~" | "null" | "Null" | "NULL" => Value::Null,
        "y" | "Y" | "yes" | "Yes" | "YES" | "on" | "On" | "ON" | "true" | "True" | "TRUE" => Value::Bool(true),
        "n" | "N" | "no" | "No" | "NO" | "off" | "Off" | "OFF" | "false" | "False" | "FALSE" => Value::Bool(false),
        ".nan" | ".NaN" | ".NAN" => Value::Float(f64::NAN),
        ".inf" | ".Inf" | ".INF" | "+.inf" | "+.Inf" | "+.INF" => Value::Float(f64::INFINITY),
        "-.inf" | "-.Inf" | "-.INF" => Value::Float(f64::NEG_INFINITY),
        _ => return Ok(resolve_number(s)?.unwrap_or_else(|| Value::String(s.to_owned()))),
    };
    Ok(value)
}

/// Resolves a number the way go-yaml's hint table and `strconv` do; `None` for a string.
fn resolve_number(s: &str) -> Result<Option<Value>, Unresolvable> {
    match s.as_bytes().first() {
        // Hint '.': strconv.ParseFloat on the text as it is (no `_` allowed).
        Some(b'.') => Ok(parse_float(s)),
        Some(b'+' | b'-' | b'0'..=b'9') => {
            let plain: String = s.chars().filter(|&c| c != '_').collect();
            match parse_go_int(&plain) {
                GoInt::Ok(i) => Ok(Some(Value::Int(i))),
                GoInt::Overflow => Err(Unresolvable {
                    message: format!("integer `{s}` does not fit in 64 bits"),
                    help: Some(format!(
                        "Kubernetes tools read such numbers differently; if it is text, quote it: \"{s}\""
                    )),
                }),
                GoInt::Invalid => Ok(parse_float(&plain)),
            }
        }
        _ => Ok(None),
    }
}

/// A float in go-yaml's `yamlStyleFloat` form, if finite.
fn parse_float(s: &str) -> Option<Value> {
    if !is_yaml_float(s) {
        return None;
    }
    s.parse::<f64>().ok().filter(|f| f.is_finite()).map(Value::Float)
}

/// `^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$`
pub(crate) fn is_yaml_float(s: &str) -> bool {
    let b = s.as_bytes();
    let mut i = usize::from(matches!(b.first(), Some(b'+' | b'-')));
    let digits = |i: &mut usize| {
        let start = *i;
        while *i < b.len() && b[*i].is_ascii_digit() {
            *i += 1;
        }
        *i - start
    };
    if b.get(i) == Some(&b'.') {
        i += 1;
        if digits(&mut i) == 0 {
            return false;
        }
    } else {
        if digits(&mut i) == 0 {
            return false;
        }
        if b.get(i) == Some(&b'.') {
            i += 1;
            digits(&mut i);
        }
    }
    if matches!(b.get(i), Some(b'e' | b'E')) {
        i += 1;
        if matches!(b.get(i), Some(b'+' | b'-')) {
            i += 1;
        }
        if digits(&mut i) == 0 {
            return false;
        }
    }
    i == b.len()
}

enum GoInt {
    Ok(i64),
    Overflow,
    Invalid,
}

/// Go's `strconv.ParseInt(s, 0, 64)` syntax: sign, then `0x`, `0o`, `0b`, leading-`0`
/// octal or decimal digits.
fn parse_go_int(s: &str) -> GoInt {
    let (negative, rest) = match s.as_bytes().first() {
        Some(b'-') => (true, &s[1..]),
        Some(b'+') => (false, &s[1..]),
        _ => (false, s),
    };
    let lower = |p: &[u8]| rest.len() > 2 && rest.as_bytes()[..2].eq_ignore_ascii_case(p);
    let (digits, radix) = if lower(b"0x") {
        (&rest[2..], 16)
    } else if lower(b"0o") {
        (&rest[2..], 8)
    } else if lower(b"0b") {
        (&rest[2..], 2)
    } else if rest.len() > 1 && rest.starts_with('0') {
        (&rest[1..], 8)
    } else {
        (rest, 10)
    };
    if digits.is_empty() || !digits.chars().all(|c| c.is_digit(radix)) {
        return GoInt::Invalid;
    }
    let Ok(magnitude) = u64::from_str_radix(digits, radix) else {
        return GoInt::Overflow;
    };
    let value = if negative {
        -i128::from(magnitude)
    } else {
        i128::from(magnitude)
    };
    i64::try_from(value).map_or(GoInt::Overflow, GoInt::Ok)
}

/// Resolves a scalar carrying an explicit tag (`tag` is the full tag, `!!` expanded).
pub(crate) fn resolve_tagged(tag: &str, raw: &str) -> Result<Value, Unresolvable> {
    let Some(short) = tag.strip_prefix(CORE) else {
        return Err(unsupported_tag(tag));
    };
    if short == "str" {
        return Ok(Value::String(raw.to_owned()));
    }
    let resolved = resolve_plain(raw)?;
    let value = match (short, resolved) {
        ("null", v @ Value::Null)
        | ("bool", v @ Value::Bool(_))
        | ("int", v @ Value::Int(_))
        | ("float", v @ Value::Float(_)) => v,
        #[allow(clippy::cast_precision_loss)] // go-yaml converts the same way
        ("float", Value::Int(i)) => Value::Float(i as f64),
        ("null" | "bool" | "int" | "float", _) => {
            return Err(Unresolvable {
                message: format!("cannot read `{raw}` as !!{short}"),
                help: Some(format!("remove the `!!{short}` tag or fix the value")),
            });
        }
        _ => return Err(unsupported_tag(tag)),
    };
    Ok(value)
}

/// The error for a tag this reader does not honour.
pub(crate) fn unsupported_tag(tag: &str) -> Unresolvable {
    let shown = match tag.strip_prefix(CORE) {
        Some(short) => format!("!!{short}"),
        None => tag.to_owned(),
    };
    Unresolvable {
        message: format!("unsupported tag `{shown}`"),
        help: Some(
            "only !!str, !!int, !!bool, !!null and !!float (and !!map, !!seq on collections) are allowed".to_owned(),
        ),
    }
}
