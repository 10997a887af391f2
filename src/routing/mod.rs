//! The routing engine: given Gateway API objects and a request arriving at a
//! Gateway, what the specification says happens: the listener, the winning
//! rule (and why every other candidate lost), its filters, the backends and
//! their weights, or the redirect, or the Gateway's own status. No I/O.
//!
//! [`Engine::new`] reads the objects once and indexes each listener's routes
//! by hostname; [`Engine::route`] answers one request without scanning
//! every route. [`Engine::listeners`] and [`Engine::attached`] enumerate
//! listeners, hostnames and rules for the routing [`map`] and the
//! [`probes`] `diff` sends through two versions.

mod attach;
mod backends;
mod decide;
mod filters;
mod grpc;
mod hostnames;
mod listeners;
pub mod map;
mod objects;
mod outcome;
mod precedence;
pub mod probes;
mod request;
mod routes;

use std::collections::BTreeMap;

pub use attach::{Entry, Route};
pub use listeners::{Listener, Parent};
pub use objects::{Input, Origin};
pub use outcome::{Backend, FailedBackend, Loser, MirrorTarget, Outcome, Redirect, RequestSeen, RouteRef};
pub use precedence::{Matcher, PathMatch, ValueMatch};
pub use request::{Request, UrlError};
pub use routes::{HeaderModifier, RuleSpec, Timeouts};

use objects::{GROUP, GatewaySpec, ListenerSetSpec, Object, group_kind, parse};

/// Why a request cannot be routed at all.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum RouteError {
    /// No Gateway in the input.
    NoGateway,
    /// The Gateway named is not in the input; the Gateways that are.
    UnknownGateway((String, String), Vec<(String, String)>),
    /// More than one Gateway can take the request and none was named.
    Ambiguous(Vec<(String, String)>),
    /// No Gateway has a listener for the request's port and scheme; the Gateways there are.
    NoListener(Vec<(String, String)>),
}

/// The objects, read and indexed for routing.
#[derive(Debug)]
pub struct Engine {
    gateways: Vec<(String, String)>,
    listeners: Vec<Listener>,
    routes: Vec<Route>,
    index: Vec<attach::HostIndex>,
    catalog: backends::Catalog,
    problems: Vec<String>,
}

fn origin_note(o: Option<&Origin>) -> String {
    o.map(|o| format!(" ({}:{})", o.file, o.line)).unwrap_or_default()
}

impl Engine {
    /// Read `inputs` (any kinds; those routing does not use are ignored).
    pub fn new(inputs: &[Input]) -> Engine {
        let mut gateways: Vec<Object<GatewaySpec>> = Vec::new();
        let mut sets: Vec<Object<ListenerSetSpec>> = Vec::new();
        let mut routes = Vec::new();
        let mut catalog = backends::Catalog::default();
        let mut labels: BTreeMap<String, BTreeMap<String, String>> = BTreeMap::new();
        let mut problems = Vec::new();
        for (order, input) in inputs.iter().enumerate() {
            let (group, kind) = group_kind(&input.value);
            let gateway_api = group == GROUP || group == "gateway.networking.x-k8s.io";
            let failed = |e: String| format!("{kind}{}: {e}", origin_note(input.origin.as_ref()));
            let result = match (gateway_api, group.as_str(), kind.as_str()) {
                (true, _, "Gateway") => parse(input, order).map(|o| gateways.push(o)),
                (true, _, "ListenerSet" | "XListenerSet") => parse(input, order).map(|o| sets.push(o)),
                (true, _, "HTTPRoute" | "GRPCRoute" | "TLSRoute" | "TCPRoute" | "UDPRoute") => {
                    parse(input, order).map(|o| {
                        routes.push(Route::new(&kind, o, input.rule_origins.clone()));
                    })
                }
                (true, _, "ReferenceGrant") => parse(input, order).map(|o| catalog.grants.push(o)),
                (false, "", "Service") => parse::<objects::ServiceSpec>(input, order).map(|o| {
                    catalog.services_known = true;
                    // A Service without namespace (a vendored manifest kustomize places) counts in every namespace.
                    let ns = o.meta.namespace.clone().unwrap_or_default();
                    catalog.services.insert((ns, o.meta.name.clone()), o.spec);
                }),
                (false, "", "Namespace") => parse::<serde_json::Value>(input, order).map(|o| {
                    labels.insert(o.meta.name.clone(), o.meta.labels);
                }),
                _ => Ok(()),
            };
            if let Err(e) = result {
                problems.push(failed(e));
            }
        }
        let listeners = listeners::collect(&gateways, &sets, &labels);
        let index = attach::index(&routes, &listeners, &labels);
        Engine {
            gateways: gateways
                .iter()
                .map(|g| (g.meta.ns().to_string(), g.meta.name.clone()))
                .collect(),
            listeners,
            routes,
            index,
            catalog,
            problems,
        }
    }

    /// Objects that could not be read, in words (they take no part in routing).
    pub fn problems(&self) -> &[String] {
        &self.problems
    }

    /// The Gateways, `(namespace, name)`, in input order.
    pub fn gateways(&self) -> &[(String, String)] {
        &self.gateways
    }

    /// Every listener: each Gateway's own, then its ListenerSets'.
    pub fn listeners(&self) -> &[Listener] {
        &self.listeners
    }

    /// Every route read.
    pub fn routes(&self) -> &[Route] {
        &self.routes
    }

    /// The routes attached to listener `i` (an index into [`Engine::listeners`]),
    /// each with the hostname it serves there (`None`: any host).
    pub fn attached(&self, i: usize) -> Vec<(&Route, Option<&str>)> {
        self.index
            .get(i)
            .into_iter()
            .flat_map(|x| x.entries())
            .filter_map(|e| Some((self.routes.get(e.route)?, e.host.as_deref())))
            .collect()
    }
}
