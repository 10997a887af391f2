//! A route's `listener` naming a listener of one of its app's ListenerSets:
//! `<set>/<listener>`, or a bare listener name that only one of the app's
//! sets (on the route's gateway) has.

use super::Context;
use crate::diagnostic::{Code, Diagnostics, did_you_mean};
use crate::model;

/// The app's ListenerSets, while its routes resolve.
#[derive(Debug, Clone, Default)]
pub struct Scope {
    /// The sets, in the order the app declares them.
    pub(super) sets: Vec<SetScope>,
}

/// One ListenerSet of the app.
#[derive(Debug, Clone)]
pub(super) struct SetScope {
    /// ListenerSet name.
    pub name: String,
    /// Key of the gateway it attaches to.
    pub gateway: String,
    /// Its listeners' names.
    pub listeners: Vec<String>,
}

/// What a route's `listener` names.
pub(super) enum Named {
    /// A listener of one of the app's sets: the route's parentRef.
    Set(model::ParentRef),
    /// No set's listener: a listener of the gateway.
    Gateway,
    /// An unknown set or set listener, or an ambiguous name (reported).
    Failed,
}

impl Scope {
    /// Whether the `listener` of a route without `gateway` names a set's
    /// listener (`set/listener`, as no gateway listener's name has a `/`, or
    /// a name a set has), so that the route needs no gateway.
    pub(super) fn names_set_listener(&self, listener: &str) -> bool {
        listener.contains('/') || self.holders(None, listener).next().is_some()
    }

    /// The sets on `gateway` (any gateway when `None`) that have `listener`.
    fn holders<'s>(&'s self, gateway: Option<&'s str>, listener: &'s str) -> impl Iterator<Item = &'s SetScope> + 's {
        self.sets
            .iter()
            .filter(move |s| gateway.is_none_or(|g| g == s.gateway) && s.listeners.iter().any(|l| l == listener))
    }

    /// Every set's listeners, bare and as `set/listener`, for "did you mean".
    pub(super) fn names(&self) -> Vec<String> {
        self.sets
            .iter()
            .flat_map(|s| {
                s.listeners
                    .iter()
                    .flat_map(move |l| [l.clone(), format!("{}/{l}", s.name)])
            })
            .collect()
    }
}

/// What the `listener` of the route at `pointer` names (its `gateway`, if
/// any, limits a bare name to the sets on that gateway).
pub(super) fn lookup(
    scope: Option<&Scope>,
    gateway: Option<&str>,
    listener: &str,
    pointer: &str,
    cx: &Context<'_>,
    diags: &mut Diagnostics,
) -> Named {
    let at = format!("{pointer}/listener");
    let Some(scope) = scope else {
        return Named::Gateway;
    };
    if let Some((set, lname)) = listener.split_once('/') {
        return qualified(scope, gateway, (set, lname), &at, cx, diags);
    }
    let holders: Vec<&SetScope> = scope.holders(gateway, listener).collect();
    match holders.as_slice() {
        [] => Named::Gateway,
        [one] => Named::Set(parent(&one.name, listener)),
        many => {
            let names: Vec<String> = many.iter().map(|s| format!("`{}/{listener}`", s.name)).collect();
            let sets: Vec<String> = many.iter().map(|s| format!("`{}`", s.name)).collect();
            diags.push(
                cx.err(
                    Code::AmbiguousListener,
                    &at,
                    format!(
                        "listener `{listener}` is in ListenerSets {} of the app",
                        sets.join(" and ")
                    ),
                )
                .help(format!("name the set too: {}", names.join(" or "))),
            );
            Named::Failed
        }
    }
}

/// `set/listener`: the set is one of the app's, on the route's gateway, and has the listener.
fn qualified(
    scope: &Scope,
    gateway: Option<&str>,
    (set, lname): (&str, &str),
    at: &str,
    cx: &Context<'_>,
    diags: &mut Diagnostics,
) -> Named {
    let Some(found) = scope.sets.iter().find(|s| s.name == set) else {
        let names = scope.sets.iter().map(|s| s.name.as_str());
        let help = match did_you_mean(set, names.clone()) {
            Some(s) => format!("did you mean `{s}/{lname}`?"),
            None if scope.sets.is_empty() => "the app has no ListenerSet: add `listeners:` or `listenerSets:` to it, or name a listener of the gateway".to_string(),
            None => format!("ListenerSets of the app: {}", names.collect::<Vec<_>>().join(", ")),
        };
        let d = cx.err(Code::UnknownListener, at, format!("the app has no ListenerSet `{set}`"));
        diags.push(d.help(help));
        return Named::Failed;
    };
    if let Some(g) = gateway.filter(|g| *g != found.gateway) {
        diags.push(
            cx.err(
                Code::UnknownListener,
                at,
                format!(
                    "ListenerSet `{set}` attaches to gateway `{}`, not to the route's gateway `{g}`",
                    found.gateway
                ),
            )
            .help("drop the route's `gateway` (the set says where it attaches), or name a listener of that gateway"),
        );
        return Named::Failed;
    }
    if !found.listeners.iter().any(|l| l == lname) {
        let help = match did_you_mean(lname, found.listeners.iter().map(String::as_str)) {
            Some(s) => format!("did you mean `{set}/{s}`?"),
            None => format!("listeners of ListenerSet `{set}`: {}", found.listeners.join(", ")),
        };
        let d = cx.err(
            Code::UnknownListener,
            at,
            format!("ListenerSet `{set}` has no listener `{lname}`"),
        );
        diags.push(d.help(help));
        return Named::Failed;
    }
    Named::Set(parent(set, lname))
}

fn parent(set: &str, listener: &str) -> model::ParentRef {
    model::ParentRef {
        name: set.to_string(),
        namespace: None,
        section_name: Some(listener.to_string()),
        port: None,
        group: None,
        kind: Some("ListenerSet".to_string()),
    }
}
