//! Kubernetes CEL library functions that the CEL crate does not provide, as
//! the API server defines them (`k8s.io/apiserver/pkg/cel/library`), as far as
//! the Gateway API and Flux CRD rules need them:
//!
//! - `string.matches(regex)` and `matches(string, regex)`, with compiled
//!   regular expressions cached (the `cel` crate's own compiles the regex on
//!   every call, which dominated validation time; its `regex` feature is off);
//! - `isIP(string) -> bool`, `isCIDR(string) -> bool`, `isURL(string) -> bool`;
//! - `list.isSorted() -> bool`;
//! - `format.<name>().validate(string) -> optional<list<string>>` for the
//!   named formats `dns1123Label`, `dns1123Subdomain`, `dns1035Label`,
//!   `qualifiedName`, `labelValue`: `optional.none()` when valid.
//!
//! The `ip()`/`cidr()`/`url()` object types, `quantity`, `semver` and the
//! authorizer library are not provided; no rule of the supported CRDs uses them.

use std::cell::RefCell;
use std::collections::HashMap;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};
use std::sync::Arc;

use regex::Regex;

use cel::common::types::{self, CelBool, CelList, CelOptional, CelString};
use cel::common::value::{CowVal, Val};
use cel::{DeclarationError, Env, ExecutionError, Value};

/// Names of the functions this module registers, for the static check of rules.
pub(super) const PROVIDED: &[&str] = &[
    "matches",
    "isIP",
    "isCIDR",
    "isURL",
    "isSorted",
    "validate",
    "format.dns1123Label",
    "format.dns1123Subdomain",
    "format.dns1035Label",
    "format.qualifiedName",
    "format.labelValue",
    // The parser reports `format.x()` as a call of `x` on the identifier `format`.
    "dns1123Label",
    "dns1123Subdomain",
    "dns1035Label",
    "qualifiedName",
    "labelValue",
];

/// Register the functions on `env`.
pub(super) fn register(env: &mut Env) -> Result<(), DeclarationError> {
    let strings = vec![types::STRING_TYPE, types::STRING_TYPE];
    env.add_overload("matches", "matches", strings, matches)?;
    env.add_member_overload(
        "matches",
        "matches_string",
        types::STRING_TYPE,
        vec![types::STRING_TYPE],
        matches,
    )?;
    env.add_overload("isIP", "k8s_is_ip", vec![types::STRING_TYPE], is_ip)?;
    env.add_overload("isCIDR", "k8s_is_cidr", vec![types::STRING_TYPE], is_cidr)?;
    env.add_overload("isURL", "k8s_is_url", vec![types::STRING_TYPE], is_url)?;
    env.add_member_overload("isSorted", "k8s_list_is_sorted", types::LIST_TYPE, vec![], is_sorted)?;
    env.add_overload("format.dns1123Label", "k8s_format_dns1123_label", vec![], f_label)?;
    env.add_overload(
        "format.dns1123Subdomain",
        "k8s_format_dns1123_subdomain",
        vec![],
        f_subdomain,
    )?;
    env.add_overload("format.dns1035Label", "k8s_format_dns1035_label", vec![], f_1035)?;
    env.add_overload("format.qualifiedName", "k8s_format_qualified_name", vec![], f_qname)?;
    env.add_overload("format.labelValue", "k8s_format_label_value", vec![], f_lvalue)?;
    env.add_member_overload(
        "validate",
        "k8s_format_validate",
        types::STRING_TYPE,
        vec![types::STRING_TYPE],
        format_validate,
    )?;
    Ok(())
}

type Res<'b, 'v> = Result<CowVal<'b, 'v>, ExecutionError>;

fn string_arg<'a>(args: &'a [CowVal<'_, '_>], i: usize, function: &str) -> Result<&'a str, ExecutionError> {
    args.get(i)
        .and_then(|a| a.downcast_ref::<CelString>())
        .map(|s| s.inner())
        .ok_or_else(|| ExecutionError::function_error(function, "expected a string argument"))
}

/// Compiled regular expressions by pattern, per thread (the rules of a set of
/// CRDs hold a few dozen patterns).
fn cached_regex(pattern: &str) -> Result<Arc<Regex>, String> {
    thread_local! {
        static CACHE: RefCell<HashMap<String, Arc<Regex>>> = RefCell::new(HashMap::new());
    }
    CACHE.with(|cache| {
        let mut cache = cache.borrow_mut();
        if let Some(re) = cache.get(pattern) {
            return Ok(Arc::clone(re));
        }
        let re = Arc::new(Regex::new(pattern).map_err(|e| format!("'{pattern}' is not a valid regex: {e}"))?);
        if cache.len() >= 1024 {
            cache.clear();
        }
        cache.insert(pattern.to_owned(), Arc::clone(&re));
        Ok(re)
    })
}

fn matches<'b, 'v>(args: Vec<CowVal<'b, 'v>>) -> Res<'b, 'v> {
    let text = string_arg(&args, 0, "matches")?;
    let pattern = string_arg(&args, 1, "matches")?;
    let re = cached_regex(pattern).map_err(|e| ExecutionError::function_error("matches", e))?;
    boolean(re.is_match(text))
}

fn boolean<'b, 'v>(b: bool) -> Res<'b, 'v> {
    Ok(CowVal::owned(CelBool::from(b)))
}

/// An IP address as Go's `netip.ParseAddr` accepts it, without a zone.
fn parse_ip(s: &str) -> Option<IpAddr> {
    if s.contains('%') {
        return None;
    }
    if s.contains(':') {
        s.parse::<Ipv6Addr>().ok().map(IpAddr::V6)
    } else {
        s.parse::<Ipv4Addr>().ok().map(IpAddr::V4)
    }
}

fn is_ip<'b, 'v>(args: Vec<CowVal<'b, 'v>>) -> Res<'b, 'v> {
    boolean(parse_ip(string_arg(&args, 0, "isIP")?).is_some())
}

fn is_cidr<'b, 'v>(args: Vec<CowVal<'b, 'v>>) -> Res<'b, 'v> {
    let s = string_arg(&args, 0, "isCIDR")?;
    let ok = s.split_once('/').is_some_and(|(ip, bits)| {
        let max = match parse_ip(ip) {
            Some(IpAddr::V4(_)) => 32,
            Some(IpAddr::V6(_)) => 128,
            None => return false,
        };
        !(bits.starts_with('+') || (bits.len() > 1 && bits.starts_with('0')))
            && bits.parse::<u8>().is_ok_and(|b| b <= max)
    });
    boolean(ok)
}

/// Like Go's `url.ParseRequestURI`: an absolute URL with a scheme, or an
/// absolute path; no fragment.
fn is_url<'b, 'v>(args: Vec<CowVal<'b, 'v>>) -> Res<'b, 'v> {
    let s = string_arg(&args, 0, "isURL")?;
    let ok = if s.starts_with('/') {
        !s.contains(char::is_whitespace)
    } else {
        match s.split_once(':') {
            Some((scheme, rest)) => {
                let mut chars = scheme.chars();
                chars.next().is_some_and(|c| c.is_ascii_alphabetic())
                    && chars.all(|c| c.is_ascii_alphanumeric() || "+-.".contains(c))
                    && !rest.is_empty()
                    && !s.contains(char::is_whitespace)
            }
            None => false,
        }
    };
    boolean(ok && !s.contains('#'))
}

fn is_sorted<'b, 'v>(args: Vec<CowVal<'b, 'v>>) -> Res<'b, 'v> {
    let Some(list) = args.first() else {
        return Err(ExecutionError::invalid_argument_count(1, 0));
    };
    let value = Value::try_from(list.as_ref() as &dyn Val)
        .map_err(|_| ExecutionError::function_error("isSorted", "expected a list"))?;
    let Value::List(items) = value else {
        return Err(ExecutionError::function_error("isSorted", "expected a list"));
    };
    for pair in items.windows(2) {
        match pair[0].partial_cmp(&pair[1]) {
            Some(std::cmp::Ordering::Greater) => return boolean(false),
            Some(_) => {}
            None => {
                return Err(ExecutionError::function_error(
                    "isSorted",
                    "list elements are not comparable",
                ));
            }
        }
    }
    boolean(true)
}

const FORMAT_PREFIX: &str = "k8s.format:";

fn marker<'b, 'v>(name: &str) -> Res<'b, 'v> {
    Ok(CowVal::owned(CelString::from(format!("{FORMAT_PREFIX}{name}"))))
}

fn f_label<'b, 'v>(_: Vec<CowVal<'b, 'v>>) -> Res<'b, 'v> {
    marker("dns1123Label")
}
fn f_subdomain<'b, 'v>(_: Vec<CowVal<'b, 'v>>) -> Res<'b, 'v> {
    marker("dns1123Subdomain")
}
fn f_1035<'b, 'v>(_: Vec<CowVal<'b, 'v>>) -> Res<'b, 'v> {
    marker("dns1035Label")
}
fn f_qname<'b, 'v>(_: Vec<CowVal<'b, 'v>>) -> Res<'b, 'v> {
    marker("qualifiedName")
}
fn f_lvalue<'b, 'v>(_: Vec<CowVal<'b, 'v>>) -> Res<'b, 'v> {
    marker("labelValue")
}

/// The errors of `value` for the named format; empty when valid.
fn format_errors(format: &str, value: &str) -> Result<Vec<String>, String> {
    use super::metadata::{is_dns1123_label, is_dns1123_subdomain, is_label_value, qualified_name_error};
    let error = match format {
        "dns1123Label" => (!is_dns1123_label(value))
            .then(|| "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', start and end with an alphanumeric character, and be at most 63 characters".to_owned()),
        "dns1123Subdomain" => (!is_dns1123_subdomain(value))
            .then(|| "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', start and end with an alphanumeric character, and be at most 253 characters".to_owned()),
        "dns1035Label" => {
            let ok = is_dns1123_label(value) && value.starts_with(|c: char| c.is_ascii_lowercase());
            (!ok).then(|| "a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric character".to_owned())
        }
        "qualifiedName" => qualified_name_error(value),
        "labelValue" => (!is_label_value(value)).then(|| "a valid label value must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character".to_owned()),
        other => return Err(format!("unknown format `{other}`")),
    };
    Ok(error.into_iter().collect())
}

fn format_validate<'b, 'v>(args: Vec<CowVal<'b, 'v>>) -> Res<'b, 'v> {
    let format = string_arg(&args, 0, "validate")?;
    let value = string_arg(&args, 1, "validate")?;
    let Some(format) = format.strip_prefix(FORMAT_PREFIX) else {
        return Err(ExecutionError::function_error(
            "validate",
            "must be called on a format, e.g. format.dns1123Label()",
        ));
    };
    let errors = format_errors(format, value).map_err(|e| ExecutionError::function_error("validate", e))?;
    if errors.is_empty() {
        return Ok(CowVal::owned(CelOptional::none()));
    }
    let list: Vec<Box<dyn Val>> = errors
        .into_iter()
        .map(|e| Box::new(CelString::from(e)) as Box<dyn Val>)
        .collect();
    Ok(CowVal::owned(CelOptional::of(Box::new(CelList::from(list)))))
}
