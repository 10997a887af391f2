//! Names an environment overlay adds or deletes. An overlay patches the
//! spec's gateways, listeners, apps, routes and apps' ListenerSets by name, so a misspelt name
//! would silently add something new (and leave the entry it meant
//! unchanged). A name the spec does not define is therefore an error when it
//! is a small edit away from a name the spec defines and the overlay leaves
//! alone (GW132), when the entry it adds is not complete on its own (GW133),
//! or when it is `null`, deleting nothing (GW134). Entries with such a name
//! are taken out of the patch, so that no follow-on finding suggests the
//! wrong fix.

use serde_json::{Map, Value};

use crate::diagnostic::{Code, Diagnostic, Diagnostics, did_you_mean};
use crate::load::{escape_token as esc, to_loc};
use crate::source::FileId;
use crate::yaml::Node;

/// A named collection of the spec, and the collections inside its entries.
struct Collection {
    key: &'static str,
    what: &'static str,
    children: &'static [Collection],
}

/// The listeners of a gateway or of a ListenerSet.
const LISTENERS: Collection = Collection {
    key: "listeners",
    what: "listener",
    children: &[],
};

const SPEC: &[Collection] = &[
    Collection {
        key: "gateways",
        what: "gateway",
        children: &[LISTENERS],
    },
    Collection {
        key: "apps",
        what: "app",
        children: &[
            Collection {
                key: "routes",
                what: "route",
                children: &[],
            },
            Collection {
                key: "grpcRoutes",
                what: "gRPC route",
                children: &[],
            },
            Collection {
                key: "tlsRoutes",
                what: "TLS route",
                children: &[],
            },
            Collection {
                key: "tcpRoutes",
                what: "TCP route",
                children: &[],
            },
            Collection {
                key: "udpRoutes",
                what: "UDP route",
                children: &[],
            },
            // The listeners of the app's ListenerSet (`listeners`/`listenerSet`) and its named ones.
            LISTENERS,
            Collection {
                key: "listenerSets",
                what: "ListenerSet",
                children: &[LISTENERS],
            },
        ],
    },
];

/// Where the overlay is, to locate and word its findings.
pub struct Overlay<'a> {
    /// The overlay's document.
    pub node: &'a Node,
    /// The overlay's file.
    pub file: FileId,
    /// The environment's name (the overlay's file stem).
    pub env: &'a str,
}

/// Check the names `patch` adds or deletes against `spec` (the spec before
/// the overlay), and take the entries found wanting out of `patch`.
pub fn check_names(spec: &Value, patch: &mut Value, overlay: &Overlay<'_>, diags: &mut Diagnostics) {
    walk(SPEC, spec, patch, "", overlay, diags);
}

fn walk(
    collections: &[Collection],
    base: &Value,
    patch: &mut Value,
    prefix: &str,
    overlay: &Overlay<'_>,
    diags: &mut Diagnostics,
) {
    for c in collections {
        let Some(Value::Object(entries)) = patch.get_mut(c.key) else {
            continue;
        };
        let empty = Map::new();
        let defined = base.get(c.key).and_then(Value::as_object).unwrap_or(&empty);
        // A name the overlay patches too is not the one a typo missed.
        let mentioned: Vec<String> = entries.keys().cloned().collect();
        let names = Names {
            all: defined.keys().map(String::as_str).collect(),
            untouched: defined
                .keys()
                .filter(|k| !mentioned.contains(k))
                .map(String::as_str)
                .collect(),
        };
        let mut refused = Vec::new();
        for (name, value) in entries.iter_mut() {
            let ptr = format!("{prefix}/{}/{}", c.key, esc(name));
            if let Some(existing) = defined.get(name) {
                walk(c.children, existing, value, &ptr, overlay, diags);
            } else if let Some(d) = finding(c, name, value, &names, &ptr, overlay) {
                diags.push(d);
                refused.push(name.clone());
            }
        }
        for name in refused {
            entries.remove(&name);
        }
    }
}

/// The finding about an entry the spec does not define, if any.
fn finding(
    c: &Collection,
    name: &str,
    value: &Value,
    names: &Names<'_>,
    ptr: &str,
    overlay: &Overlay<'_>,
) -> Option<Diagnostic> {
    let env = overlay.env;
    let what = c.what;
    let near = did_you_mean(name, names.untouched.iter().copied());
    let at = overlay.node.key_span_at(ptr).map(|s| to_loc(overlay.file, s));
    let d = if value.is_null() {
        Diagnostic::error(
            Code::OverlayDeletesNothing,
            format!("the overlay deletes {what} `{name}`, which the spec does not define"),
        )
        .help(match near {
            Some(s) => format!("did you mean `{s}`?"),
            None => format!("the spec defines {}", listing(what, &names.all)),
        })
    } else if let Some(s) = near {
        Diagnostic::error(
            Code::OverlayNearMiss,
            format!("the overlay adds {what} `{name}`, which the spec does not define"),
        )
        .help(format!(
            "did you mean `{s}`? An overlay changes an entry by its exact name. If `{name}` is meant as a new {what} beside `{s}`, name `{s}` in this overlay too (`{s}: {{}}` changes nothing)"
        ))
    } else {
        let missing = incomplete(c.key, value)?;
        Diagnostic::error(
            Code::OverlayEntryIncomplete,
            format!("the overlay adds {what} `{name}`, which the spec does not define, and it lacks {missing}"),
        )
        .help(match did_you_mean(name, names.all.iter().copied()) {
            Some(s) => format!("did you mean `{s}`? To add a {what}, give it {missing}"),
            None => format!(
                "to change an existing {what}, use its name ({}); to add one, give it {missing}",
                listing(what, &names.all)
            ),
        })
    };
    Some(d.at(at).path(ptr.to_string()).in_env(env))
}

/// The names a collection of the spec defines: all of them, and those the
/// overlay does not name (the candidates a misspelt name may have meant).
struct Names<'a> {
    all: Vec<&'a str>,
    untouched: Vec<&'a str>,
}

/// What an entry of collection `key` lacks to stand on its own, if anything.
fn incomplete(key: &str, value: &Value) -> Option<String> {
    let Value::Object(entry) = value else {
        return None; // not a mapping: the schema says so
    };
    let has = |k: &str| entry.get(k).is_some_and(|v| !v.is_null());
    let has_entries = |k: &str| entry.get(k).and_then(Value::as_object).is_some_and(|m| !m.is_empty());
    let missing: Vec<&str> = match key {
        "gateways" => {
            let has_listeners = has_entries("listeners");
            let placed = has("profile") || (has("namespace") && has("className"));
            let mut m = Vec::new();
            if !has_listeners {
                m.push("`listeners`");
            }
            if !placed {
                m.push("a `profile` (or `namespace` and `className`)");
            }
            m
        }
        "listeners" => ["protocol", "port"]
            .into_iter()
            .filter(|k| !has(k))
            .map(|k| if k == "port" { "`port`" } else { "`protocol`" })
            .collect(),
        "apps"
            if ![
                "routes",
                "grpcRoutes",
                "tlsRoutes",
                "tcpRoutes",
                "udpRoutes",
                "services",
                "manifests",
            ]
            .iter()
            .any(|k| has(k)) =>
        {
            vec![
                "something to serve (`routes`, `grpcRoutes`, `tlsRoutes`, `tcpRoutes`, `udpRoutes`, `services` or `manifests`)",
            ]
        }
        "listenerSets" if !has_entries("listeners") => vec!["`listeners`"],
        "routes" | "grpcRoutes" | "tlsRoutes" | "tcpRoutes" | "udpRoutes" if !has("to") && !has("rules") => {
            vec!["a backend (`to:` or `rules:`)"]
        }
        _ => Vec::new(),
    };
    (!missing.is_empty()).then(|| missing.join(" and "))
}

/// `routes `a`, `b`` or `no routes`.
fn listing(what: &str, names: &[&str]) -> String {
    if names.is_empty() {
        return format!("no {what}s");
    }
    let quoted: Vec<String> = names.iter().map(|n| format!("`{n}`")).collect();
    format!("{what}s {}", quoted.join(", "))
}
