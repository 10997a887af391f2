//! gatewright: a GitOps manifest compiler. A compact app/route spec in,
//! Gateway API manifests (Gateway, HTTPRoutes, ReferenceGrants, labelled
//! Namespaces, Service patches) out, as a kustomize tree.
//!
//! The pipeline, one module per stage, chained by [`driver::compile`]:
//! [`load`] → [`overlay`] → [`resolve`] → [`analyze`] → [`render`] →
//! [`normalize`] → [`emit`]; [`diff`] compares outputs; [`validate`] checks
//! objects against the Gateway API CRDs. The library never prints; the `gatewright`
//! binary maps outcomes to output and exit codes.

#![warn(missing_docs)]
// The library never prints nor exits (clippy.toml lists `std::io::stdout`,
// `stderr`, `process::exit` and `abort`); src/main.rs and src/cli/ do.
#![deny(clippy::print_stdout, clippy::print_stderr, clippy::exit, clippy::disallowed_methods)]

pub mod analyze;
pub mod crd;
pub mod diagnostic;
pub mod diff;
pub mod driver;
pub mod emit;
pub mod gitops;
pub mod import;
pub mod load;
pub mod model;
pub mod names;
pub mod normalize;
pub mod overlay;
pub mod render;
pub mod resolve;
pub mod routing;
pub mod schema;
pub mod source;
pub mod spec;
pub mod stamp;
pub mod trace;
pub mod validate;
pub mod verify;
pub mod version;
pub mod yaml;

pub use driver::{Compiled, Options, Outcome, compile};
