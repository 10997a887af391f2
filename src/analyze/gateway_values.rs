//! Gateway values the CRDs bound that other checks do not cover:
//! `infrastructure` labels (at most 8, Kubernetes label keys and values)
//! and annotations (at most 16, label-like keys, values of at most 4096
//! bytes), and listener TLS `options` (at most 16, the same keys and
//! values as annotations). GW335, or GW408 for a count.

use std::collections::BTreeMap;

use super::Context;
use super::labels::{is_label_key, is_label_value};
use crate::diagnostic::{Code, Diagnostics};
use crate::load::escape_token as esc;
use crate::model::Model;

/// One map of a Gateway: what it is, how many entries it may hold, and
/// whether its values are label values (else at most 4096 bytes).
struct MapRule {
    what: &'static str,
    max: usize,
    label_values: bool,
}

const LABELS: MapRule = MapRule {
    what: "infrastructure label",
    max: 8,
    label_values: true,
};
const ANNOTATIONS: MapRule = MapRule {
    what: "infrastructure annotation",
    max: 16,
    label_values: false,
};
const TLS_OPTIONS: MapRule = MapRule {
    what: "TLS option",
    max: 16,
    label_values: false,
};

fn check_map(cx: &Context<'_>, diags: &mut Diagnostics, map: &BTreeMap<String, String>, rule: &MapRule, at: &str) {
    if map.len() > rule.max {
        diags.push(
            cx.err(
                Code::OverApiLimit,
                at,
                format!(
                    "{} entries of {}s, more than the {} the Gateway API allows",
                    map.len(),
                    rule.what,
                    rule.max
                ),
            )
            .help("drop some"),
        );
    }
    for (k, v) in map {
        let p = format!("{at}/{}", esc(k));
        if !is_label_key(k) {
            diags.push(
                cx.err(Code::FilterValueRefused, &p, format!("{} key `{}` is not valid", rule.what, k.escape_debug()))
                    .help("write `[prefix/]name`: an optional DNS subdomain, then 1 to 63 letters, digits, `-`, `_` or `.`, starting and ending with a letter or digit"),
            );
        }
        let value_ok = if rule.label_values {
            is_label_value(v)
        } else {
            v.len() <= 4096
        };
        if !value_ok {
            let help = if rule.label_values {
                "a label value has at most 63 letters, digits, `-`, `_` or `.`, starting and ending with a letter or digit (or is empty)"
            } else {
                "a value has at most 4096 bytes"
            };
            diags.push(
                cx.err(
                    Code::FilterValueRefused,
                    &p,
                    format!("{} `{}` has an invalid value", rule.what, k.escape_debug()),
                )
                .help(help),
            );
        }
    }
}

/// Check the infrastructure and TLS options of every gateway.
pub fn check(model: &Model, cx: &Context<'_>, diags: &mut Diagnostics) {
    for g in &model.gateways {
        if let Some(infra) = &g.infrastructure {
            let at = format!("{}/infrastructure", g.origin);
            if let Some(labels) = &infra.labels {
                check_map(cx, diags, labels, &LABELS, &format!("{at}/labels"));
            }
            if let Some(annotations) = &infra.annotations {
                check_map(cx, diags, annotations, &ANNOTATIONS, &format!("{at}/annotations"));
            }
        }
        for l in &g.listeners {
            if let Some(tls) = &l.tls {
                check_map(
                    cx,
                    diags,
                    &tls.options,
                    &TLS_OPTIONS,
                    &format!("{}/tls/options", l.origin),
                );
            }
        }
    }
}
