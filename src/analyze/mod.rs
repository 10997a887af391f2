//! Stage 4, **analyze**: Gateway API semantics checked at compile time.
//! Every finding points at the spec line that caused it.

mod attach;
mod conflicts;
mod gateways;
pub mod labels;
pub mod limits;
mod matches;
mod references;
pub mod syntax;

use crate::diagnostic::{Diagnostic, Diagnostics};
use crate::load::Provenance;
use crate::model::Model;
use crate::source::Sources;

/// Where analysis looks things up.
pub struct Context<'a> {
    /// Where values came from.
    pub prov: &'a Provenance,
    /// The files read.
    pub sources: &'a Sources,
}

impl Context<'_> {
    pub(crate) fn err(&self, code: &'static str, pointer: &str, message: impl Into<String>) -> Diagnostic {
        Diagnostic::error(code, message)
            .at(self.prov.locate(pointer))
            .path(pointer.to_string())
    }
}

/// Run every check on the model.
pub fn analyze(model: &Model, cx: &Context<'_>, diags: &mut Diagnostics) {
    syntax::check(model, cx, diags);
    labels::check(model, cx, diags);
    matches::check(model, cx, diags);
    limits::check(model, cx, diags);
    gateways::check(model, cx, diags);
    references::check(model, cx, diags);
    attach::check(model, cx, diags);
    conflicts::check(model, cx, diags);
}
