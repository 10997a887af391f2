//! Stage 4, **analyze**: Gateway API semantics checked at compile time.
//! Every finding points at the spec line that caused it.

mod attach;
pub mod bounds;
mod conflicts;
pub mod features;
pub mod filter_values;
mod gateway_values;
mod gateways;
mod grpc_conflicts;
mod kinds;
mod l4;
pub mod labels;
pub mod limits;
mod listenersets;
mod matches;
mod mixed_kinds;
mod parents;
mod references;
pub mod scalars;
pub mod syntax;
mod tls;

use std::collections::{BTreeMap, HashMap, HashSet};

use rayon::prelude::*;

use crate::diagnostic::{Code, Diagnostic, Diagnostics};
use crate::load::Provenance;
use crate::model::{Gateway, ListenerSet, Model};
use crate::source::Sources;

/// Where analysis looks things up.
pub struct Context<'a> {
    /// Where values came from.
    pub prov: &'a Provenance,
    /// The files read.
    pub sources: &'a Sources,
}

impl Context<'_> {
    pub(crate) fn err(&self, code: Code, pointer: &str, message: impl Into<String>) -> Diagnostic {
        Diagnostic::error(code, message)
            .at(self.prov.locate(pointer))
            .path(pointer.to_string())
    }

    pub(crate) fn warn(&self, code: Code, pointer: &str, message: impl Into<String>) -> Diagnostic {
        Diagnostic::warning(code, message)
            .at(self.prov.locate(pointer))
            .path(pointer.to_string())
    }

    /// `d`, also pointing at the overlay or profile line that set the value
    /// at `pointer` (`what`), when one did: the finding depends on it.
    pub(crate) fn set_by(&self, d: Diagnostic, pointer: &str, what: &str) -> Diagnostic {
        let Some((loc, kind)) = self.prov.set_by(pointer) else {
            return d;
        };
        let by = match kind {
            crate::load::LayerKind::Profile => "the gateway's profile",
            _ => "the overlay",
        };
        let at = format!("{}:{}:{}", self.sources.name(loc.file), loc.line, loc.col);
        d.related(Some(loc), format!("{what} set by {by} ({at})"))
    }
}

/// The hasher of analysis's maps: foldhash with a fixed seed instead of
/// SipHash, which was a measurable share of `render`. HashDoS resistance buys
/// nothing here: the keys are names from the user's own spec. These maps are
/// only probed, never iterated, so their order cannot reach a diagnostic.
pub(crate) type Hasher = foldhash::fast::FixedState;

/// A hash map with [`Hasher`].
pub(crate) type FastMap<K, V> = HashMap<K, V, Hasher>;

/// The model's objects by name, built once, so that checks run per route
/// look things up in constant time instead of scanning (which made analysis
/// quadratic in the number of apps).
pub(crate) struct Lookup<'m> {
    /// Labels of each namespace the spec owns.
    namespaces: FastMap<&'m str, &'m BTreeMap<String, String>>,
    /// Gateways by (namespace, name).
    gateways: FastMap<(&'m str, &'m str), &'m Gateway>,
    /// Gateways by name alone, first in model order.
    gateways_by_name: FastMap<&'m str, &'m Gateway>,
    /// (to namespace, from kind, from namespace, to group, to kind, name) of every granted reference.
    grants: HashSet<(&'m str, &'m str, &'m str, &'m str, &'m str, &'m str), Hasher>,
    /// ListenerSets by (namespace, name).
    listener_sets: FastMap<(&'m str, &'m str), &'m ListenerSet>,
    /// ListenerSets by name alone, first in model order.
    listener_sets_by_name: FastMap<&'m str, &'m ListenerSet>,
}

impl<'m> Lookup<'m> {
    fn new(model: &'m Model) -> Self {
        let mut gateways_by_name = FastMap::default();
        for g in &model.gateways {
            gateways_by_name.entry(g.name.as_str()).or_insert(g);
        }
        let mut listener_sets_by_name = FastMap::default();
        for s in &model.listener_sets {
            listener_sets_by_name.entry(s.name.as_str()).or_insert(s);
        }
        Self {
            namespaces: model.namespaces.iter().map(|n| (n.name.as_str(), &n.labels)).collect(),
            gateways: model
                .gateways
                .iter()
                .map(|g| ((g.namespace.as_str(), g.name.as_str()), g))
                .collect(),
            gateways_by_name,
            grants: model
                .reference_grants
                .iter()
                .flat_map(|g| {
                    g.names.iter().map(move |n| {
                        (
                            g.namespace.as_str(),
                            g.from_kind.as_str(),
                            g.from_namespace.as_str(),
                            g.to_group.as_str(),
                            g.to_kind.as_str(),
                            n.as_str(),
                        )
                    })
                })
                .collect(),
            listener_sets: model
                .listener_sets
                .iter()
                .map(|s| ((s.namespace.as_str(), s.name.as_str()), s))
                .collect(),
            listener_sets_by_name,
        }
    }

    /// The labels of a namespace the spec owns; `None` when it does not own it.
    pub(crate) fn namespace_labels(&self, name: &str) -> Option<&'m BTreeMap<String, String>> {
        self.namespaces.get(name).copied()
    }

    /// The gateway `namespace/name` of the model.
    pub(crate) fn gateway(&self, namespace: &str, name: &str) -> Option<&'m Gateway> {
        self.gateways.get(&(namespace, name)).copied()
    }

    /// A gateway of the model with this name, in any namespace.
    pub(crate) fn gateway_named(&self, name: &str) -> Option<&'m Gateway> {
        self.gateways_by_name.get(name).copied()
    }

    /// Whether a ReferenceGrant lets `from_kind`s in `from_ns` refer to the `to_kind` `to_ns/name`.
    pub(crate) fn granted(&self, to_ns: &str, from_kind: &str, from_ns: &str, to_kind: &str, name: &str) -> bool {
        self.granted_kind(to_ns, (from_kind, from_ns), ("", to_kind), name)
    }

    /// Whether a ReferenceGrant lets `from_kind`s in `from_ns` refer to the `to_group`/`to_kind` `to_ns/name`.
    pub(crate) fn granted_kind(
        &self,
        to_ns: &str,
        (from_kind, from_ns): (&str, &str),
        (to_group, to_kind): (&str, &str),
        name: &str,
    ) -> bool {
        self.grants
            .contains(&(to_ns, from_kind, from_ns, to_group, to_kind, name))
    }

    /// The ListenerSet `namespace/name` of the model.
    pub(crate) fn listener_set(&self, namespace: &str, name: &str) -> Option<&'m ListenerSet> {
        self.listener_sets.get(&(namespace, name)).copied()
    }

    /// A ListenerSet of the model with this name, in any namespace.
    pub(crate) fn listener_set_named(&self, name: &str) -> Option<&'m ListenerSet> {
        self.listener_sets_by_name.get(name).copied()
    }
}

/// One check: it reads the model (and the lookup) and adds what it finds.
type Check = fn(&Model, &Lookup<'_>, &Context<'_>, &mut Diagnostics);

/// Every check, in the order their findings are reported.
const CHECKS: &[Check] = &[
    |m, _, cx, d| syntax::check(m, cx, d),
    |m, _, cx, d| scalars::check(m, cx, d),
    |m, _, cx, d| labels::check(m, cx, d),
    |m, _, cx, d| matches::check(m, cx, d),
    |m, _, cx, d| limits::check(m, cx, d),
    |m, _, cx, d| l4::limits(m, cx, d),
    |m, _, cx, d| bounds::check(m, cx, d),
    |m, _, cx, d| filter_values::check(m, cx, d),
    |m, _, cx, d| gateway_values::check(m, cx, d),
    |m, _, cx, d| gateways::check(m, cx, d),
    references::check,
    attach::check,
    kinds::check,
    mixed_kinds::check,
    conflicts::check,
    grpc_conflicts::check,
    listenersets::check,
    |m, _, cx, d| tls::check(m, cx, d),
    l4::check,
    |m, _, cx, d| features::check(m, cx, d),
];

/// Run every check on the model. The checks run on every core, each into
/// its own list; the lists are appended in [`CHECKS`]' order, so the
/// findings are the same, in the same order, however the threads ran.
pub fn analyze(model: &Model, cx: &Context<'_>, diags: &mut Diagnostics) {
    let lookup = Lookup::new(model);
    let found: Vec<Diagnostics> = CHECKS
        .par_iter()
        .map(|check| {
            let mut d = Diagnostics::new();
            check(model, &lookup, cx, &mut d);
            d
        })
        .collect();
    for d in found {
        diags.extend(d);
    }
}
