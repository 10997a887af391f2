//! Names that kustomize does not keep as written. gatewright writes every
//! string quoted where YAML could read it as anything else, and kustomize
//! keeps such strings in resources; but a strategic-merge patch (the
//! `services:` patches) hands the namespace back to kustomize's YAML reader
//! unquoted, so a namespace such as `1e3`, `0755`, `null` or `2024-01-02`
//! reaches the cluster as `1000`, `493`, `null` or a timestamp. Those
//! namespaces are refused (GW415).

use super::Context;
use crate::diagnostic::{Code, Diagnostic, Diagnostics};
use crate::model::Model;

/// What the YAML reader of kustomize (go-yaml v3, which also reads YAML 1.1
/// octals such as `0755`) takes the plain scalar `s` for, when not a string:
/// `"null"`, `"a boolean"`, `"a number"` or `"a date"`. Errs on the side of
/// "not a string" (a hexadecimal number too large for 64 bits counts).
pub fn plain_reading(s: &str) -> Option<&'static str> {
    let lower = s.to_ascii_lowercase();
    match lower.as_str() {
        "" | "~" | "null" => return Some("null"),
        "true" | "false" => return Some("a boolean"),
        ".inf" | "+.inf" | "-.inf" | ".nan" => return Some("a number"),
        _ => {}
    }
    let plain: String = lower.chars().filter(|&c| c != '_').collect();
    if is_go_integer(&plain) || is_yaml_float(&plain) {
        return Some("a number");
    }
    if is_date(s) {
        return Some("a date");
    }
    None
}

/// An integer as Go's `strconv.ParseInt(s, 0, 64)` reads it (sign, then
/// `0x`, `0o`, `0b`, a leading-`0` octal or decimal digits), at any length.
fn is_go_integer(s: &str) -> bool {
    let body = s.strip_prefix(['+', '-']).unwrap_or(s);
    let digits = |rest: &str, ok: fn(&u8) -> bool| !rest.is_empty() && rest.bytes().all(|b| ok(&b));
    if let Some(rest) = body.strip_prefix("0x") {
        digits(rest, u8::is_ascii_hexdigit)
    } else if let Some(rest) = body.strip_prefix("0o") {
        digits(rest, |b| (b'0'..=b'7').contains(b))
    } else if let Some(rest) = body.strip_prefix("0b") {
        digits(rest, |b| matches!(b, b'0' | b'1'))
    } else if let Some(rest) = body.strip_prefix('0') {
        rest.is_empty() || digits(rest, |b| (b'0'..=b'7').contains(b))
    } else {
        digits(body, u8::is_ascii_digit)
    }
}

/// go-yaml's float form: `[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?`.
fn is_yaml_float(s: &str) -> bool {
    let body = s.strip_prefix(['+', '-']).unwrap_or(s);
    let (mantissa, exponent) = match body.find(['e', 'E']) {
        Some(i) => (&body[..i], Some(&body[i + 1..])),
        None => (body, None),
    };
    let all_digits = |t: &str| t.bytes().all(|b| b.is_ascii_digit());
    let mantissa_ok = match mantissa.split_once('.') {
        Some(("", frac)) => !frac.is_empty() && all_digits(frac),
        Some((int, frac)) => all_digits(int) && all_digits(frac),
        None => !mantissa.is_empty() && all_digits(mantissa),
    };
    let exponent_ok = exponent.is_none_or(|e| {
        let e = e.strip_prefix(['+', '-']).unwrap_or(e);
        !e.is_empty() && all_digits(e)
    });
    mantissa_ok && exponent_ok
}

/// A YAML timestamp's start: `YYYY-M-D`, alone or followed by a time.
fn is_date(s: &str) -> bool {
    let b = s.as_bytes();
    if b.len() < 8 || !b[..4].iter().all(u8::is_ascii_digit) || b[4] != b'-' {
        return false;
    }
    let mut parts = s[5..].splitn(2, '-');
    let month = parts.next().unwrap_or_default();
    let rest = parts.next().unwrap_or_default();
    let day_len = rest.bytes().take_while(u8::is_ascii_digit).count();
    let short_number = |t: &str| (1..=2).contains(&t.len()) && t.bytes().all(|c| c.is_ascii_digit());
    short_number(month)
        && short_number(&rest[..day_len])
        && (day_len == rest.len() || matches!(rest.as_bytes()[day_len], b'T' | b't' | b' '))
}

/// GW415 for each namespace kustomize would not keep as the spec names it.
pub fn check(model: &Model, cx: &Context<'_>, diags: &mut Diagnostics) {
    for ns in &model.namespaces {
        let Some(reading) = plain_reading(&ns.name) else {
            continue;
        };
        if !super::syntax::is_dns_label(&ns.name) {
            continue; // GW401 already
        }
        let (loc, pointer) = where_named(cx, &ns.origin);
        diags.push(
            Diagnostic::error(
                Code::NamespaceReadsAsScalar,
                format!(
                    "namespace `{}` reads as {reading} in YAML: kustomize re-reads a patch's namespace unquoted, so the cluster would receive {reading} instead of the string `{}`",
                    ns.name, ns.name
                ),
            )
            .at(loc)
            .path(pointer)
            .help(format!(
                "name the namespace with a letter that keeps it a string, e.g. `ns-{}` (set the app's `namespace:`)",
                ns.name
            )),
        );
    }
}

/// Where the spec names the namespace, and its pointer: the `namespace:`
/// value when set, else the key of the app whose name it is.
fn where_named(cx: &Context<'_>, origin: &str) -> (Option<crate::source::Loc>, String) {
    let pointer = format!("{origin}/namespace");
    if cx.prov.is_written(&pointer) {
        (cx.prov.locate(&pointer), pointer)
    } else {
        (cx.prov.locate_key(origin), origin.to_string())
    }
}

#[cfg(test)]
mod tests {
    use super::plain_reading;

    #[test]
    fn what_kustomize_reads() {
        for n in [
            "1e3", "0755", "0x1f", "0o17", "0b101", "1_000", "123", "089", "1e-3", "0", "00", "+1", ".5", ".inf",
        ] {
            assert_eq!(plain_reading(n), Some("a number"), "{n}");
        }
        for n in ["null", "NULL", "~", ""] {
            assert_eq!(plain_reading(n), Some("null"), "{n}");
        }
        for n in ["true", "False"] {
            assert_eq!(plain_reading(n), Some("a boolean"), "{n}");
        }
        for n in ["2001-12-14", "2001-1-2", "2001-12-14t21-59"] {
            assert_eq!(plain_reading(n), Some("a date"), "{n}");
        }
        for n in [
            "yes", "on", "no", "off", "y", "n", "nan", "inf", "1e", "0x", "0o8", "0b", "1-1", "0-1", "x1", "12:30",
            "2001-12",
        ] {
            assert_eq!(plain_reading(n), None, "{n}");
        }
    }
}
