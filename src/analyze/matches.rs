//! Header and query parameter matches: names are HTTP tokens, values are
//! set and within the API's lengths, and no name is matched twice in one
//! match (the API keys these lists by name; header names ignore case).

use std::collections::BTreeSet;

use super::Context;
use super::syntax::is_header_name;
use crate::diagnostic::{Code, Diagnostics};
use crate::model::{Model, ValueMatch};

/// Check every header and query parameter match of every route.
pub fn check(model: &Model, cx: &Context<'_>, diags: &mut Diagnostics) {
    for r in &model.routes {
        for rule in &r.rules {
            for (j, m) in rule.matches.iter().enumerate() {
                let o = &rule.origin;
                let headers = |k: usize, field: &str| format!("{o}/matches/{j}/headers/{k}/{field}");
                list(cx, diags, &headers, &m.headers, "header", 4096, true);
                let params = |k: usize, field: &str| format!("{o}/matches/{j}/queryParams/{k}/{field}");
                list(cx, diags, &params, &m.query_params, "query parameter", 1024, false);
            }
        }
    }
}

/// The pointer of a field of the `k`th item of a list, formatted only for a finding.
type ItemPointer<'a> = &'a dyn Fn(usize, &str) -> String;

fn list(
    cx: &Context<'_>,
    diags: &mut Diagnostics,
    at: ItemPointer<'_>,
    items: &[ValueMatch],
    what: &str,
    max_value: usize,
    fold_case: bool,
) {
    let mut seen = BTreeSet::new();
    for (k, v) in items.iter().enumerate() {
        if !is_header_name(&v.name) {
            diags.push(
                cx.err(
                    Code::InvalidMatch,
                    &at(k, "name"),
                    format!("`{}` is not a valid {what} name", v.name.escape_debug()),
                )
                .help("a name is 1 to 256 letters, digits and ``!#$%&'*+-.^_`|~`` (no spaces or `:`), e.g. `x-canary`"),
            );
        }
        if v.value.is_empty() || v.value.len() > max_value {
            diags.push(
                cx.err(
                    Code::InvalidMatch,
                    &at(k, "value"),
                    format!(
                        "the value of {what} `{}` must have 1 to {max_value} characters",
                        v.name.escape_debug()
                    ),
                )
                .help("give the value to match; to match any value, use `type: RegularExpression` with `.*`"),
            );
        }
        let key = if fold_case {
            v.name.to_ascii_lowercase()
        } else {
            v.name.clone()
        };
        if !seen.insert(key) {
            diags.push(
                cx.err(
                    Code::InvalidMatch,
                    &at(k, "name"),
                    format!("{what} `{}` is matched twice in one match", v.name.escape_debug()),
                )
                .help(if fold_case {
                    "header names ignore case: keep one match per header, or put the alternatives in separate matches"
                } else {
                    "keep one match per parameter, or put the alternatives in separate matches"
                }),
            );
        }
    }
}
