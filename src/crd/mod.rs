//! Validation of rendered Kubernetes objects against the `openAPIV3Schema` of
//! CustomResourceDefinitions, the way the API server validates them on create.
//!
//! For one object, [`CrdSet::validate`]:
//!
//! 1. looks up the served schema for its `apiVersion` and `kind`;
//! 2. prunes `null`s of non-nullable fields and applies the schema's `default`s
//!    to a copy of the object (recursively, array items included), as the API
//!    server does before it validates;
//! 3. checks `metadata` like the API server's generic object-meta validation
//!    (name, namespace, labels, annotations, no unknown fields);
//! 4. checks the structural schema, converted to a JSON Schema, with the
//!    `jsonschema` crate (unknown fields rejected, `x-kubernetes-int-or-string`,
//!    `nullable`, formats, ...), and `x-kubernetes-list-type: set|map` uniqueness;
//! 5. evaluates every `x-kubernetes-validations` CEL rule of the CRD at the node
//!    where it is declared, with `self` bound to that node — unless step 4 found
//!    an error that makes the API server skip CEL (wrong type, missing required
//!    field, unsupported enum value, too long or too many), in which case one
//!    [`Rule::CelNotEvaluated`] violation says so.
//!
//! Transition rules (those that mention `oldSelf`) only run on update, and are
//! skipped: the compiler only ever creates objects.
//!
//! Every rule is compiled when the set is loaded; a rule that cannot be
//! compiled, or that calls a function the evaluator does not provide, makes
//! [`CrdSet::from_yaml`] fail with [`CrdError::Rule`]. A rule that fails at run
//! time is reported as a violation of the object, never silently passed.

mod budget;
mod cel;
mod cost;
mod decode;
mod defaults;
mod error;
mod eval;
mod functions;
mod kinds;
mod lists;
mod load;
mod metadata;
mod node;
mod pointer;
mod schema;

use std::collections::BTreeMap;
use std::fmt;
use std::sync::{Arc, OnceLock};

pub use error::CrdError;
pub use kinds::NoMatch;

use node::Node;

/// A set of CRD schemas loaded from one or more install manifests.
///
/// Cheap to share: it is `Send + Sync`, and compiled validators are cached
/// inside it per group, version and kind.
#[derive(Default)]
pub struct CrdSet {
    versions: BTreeMap<Gvk, Arc<CrdVersion>>,
}

impl fmt::Debug for CrdSet {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("CrdSet").field("kinds", &self.kinds()).finish()
    }
}

/// Group, version, kind.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
struct Gvk {
    group: String,
    version: String,
    kind: String,
}

/// One served version of one CRD.
struct CrdVersion {
    /// Where it came from, for messages: `origin` and the CRD's name.
    origin: String,
    crd_name: String,
    namespaced: bool,
    /// The version has the `status` subresource: create ignores `status`.
    status_subresource: bool,
    /// The `openAPIV3Schema`, as written.
    raw_schema: serde_json::Value,
    /// The schema as a tree, with defaults and compiled CEL rules.
    node: Node,
    /// The JSON Schema validator, compiled on first use.
    validator: OnceLock<Result<jsonschema::Validator, String>>,
    /// The Gateway API release the CRD says it belongs to
    /// (`gateway.networking.k8s.io/bundle-version`), if it says.
    bundle_version: Option<String>,
}

/// One reason the API server would refuse an object.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct Violation {
    /// JSON pointer into the object, e.g. `/spec/rules/0/matches/0/path/value`
    /// (`""` for the root).
    pub pointer: String,
    /// What is wrong and what was expected, e.g. `must have at most 16 items, found 17`.
    pub message: String,
    /// Which kind of check found it.
    pub rule: Rule,
}

/// The kind of check behind a [`Violation`].
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Rule {
    /// A JSON Schema keyword of the structural schema, e.g. `maxItems`,
    /// `pattern`, `additionalProperties` (an unknown field), `required`.
    Schema(String),
    /// `x-kubernetes-list-type: set` or `map`: a duplicate item or map key.
    ListType,
    /// A CEL rule of `x-kubernetes-validations`: false, or failed to evaluate.
    Cel {
        /// The rule's text, as written in the CRD.
        rule: String,
    },
    /// The object's CEL rules ran out of the API server's cost budget (one call
    /// over `PerCallLimit`, or all of them over `RuntimeCELCostBudget`); no
    /// further rule was run.
    CelBudget {
        /// The text of the rule that did not fit.
        rule: String,
    },
    /// CEL rules were not evaluated because the object has errors that make
    /// the API server skip them; fix the other violations first.
    CelNotEvaluated,
    /// Object metadata: name, namespace, labels, annotations.
    Metadata,
    /// The schema itself could not be compiled into a validator.
    InvalidSchema,
}

impl fmt::Display for Violation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let at = if self.pointer.is_empty() { "/" } else { &self.pointer };
        write!(f, "{at}: {}", self.message)
    }
}

impl CrdSet {
    /// Parse a multi-document YAML install file (e.g. a Gateway API
    /// `standard-install.yaml`). Non-CRD documents (ValidatingAdmissionPolicy,
    /// empty documents) are skipped. Only `served: true` versions are used.
    /// `origin` names the file in errors.
    pub fn from_yaml(text: &str, origin: &str) -> Result<CrdSet, CrdError> {
        let versions = load::load(text, origin)?;
        Ok(CrdSet { versions })
    }

    /// Add the CRDs of another set (later wins on the same group/kind/version).
    pub fn extend(&mut self, other: CrdSet) {
        self.versions.extend(other.versions);
    }

    /// Whether this set has a served schema for `api_version` + `kind`.
    pub fn covers(&self, api_version: &str, kind: &str) -> bool {
        self.lookup(api_version, kind).is_some()
    }

    /// The `(apiVersion, kind)` pairs this set has served schemas for, sorted.
    pub fn kinds(&self) -> Vec<(String, String)> {
        self.versions
            .keys()
            .map(|gvk| (api_version(&gvk.group, &gvk.version), gvk.kind.clone()))
            .collect()
    }

    /// The Gateway API releases the CRDs of this set say they belong to, sorted.
    pub fn bundle_versions(&self) -> Vec<String> {
        let set: std::collections::BTreeSet<&String> = self
            .versions
            .values()
            .filter_map(|v| v.bundle_version.as_ref())
            .collect();
        set.into_iter().cloned().collect()
    }

    /// The number of CEL rules compiled for this set (transition rules excluded).
    pub fn rule_count(&self) -> usize {
        self.versions.values().map(|v| v.node.rule_count()).sum()
    }

    /// The object as the API server stores it on create, before it validates:
    /// `null`s of non-nullable fields pruned (or replaced by the default) and
    /// the schema's `default`s filled in, recursively. `None` when the set has
    /// no schema for its `apiVersion`/`kind`.
    pub fn defaulted(&self, object: &serde_json::Value) -> Option<serde_json::Value> {
        let api_version = object.get("apiVersion")?.as_str()?;
        let kind = object.get("kind")?.as_str()?;
        let mut object = object.clone();
        defaults::apply(&self.lookup(api_version, kind)?.node, &mut object);
        Some(object)
    }

    /// Validate one object. `None` when the set has no schema for its
    /// `apiVersion`/`kind`; otherwise every violation found (not only the
    /// first), sorted by pointer.
    pub fn validate(&self, object: &serde_json::Value) -> Option<Vec<Violation>> {
        let api_version = object.get("apiVersion")?.as_str()?;
        let kind = object.get("kind")?.as_str()?;
        let crd = self.lookup(api_version, kind)?;
        Some(crd.validate(object))
    }

    fn lookup(&self, api_version: &str, kind: &str) -> Option<&Arc<CrdVersion>> {
        let (group, version) = match api_version.split_once('/') {
            Some((g, v)) => (g, v),
            None => ("", api_version),
        };
        self.versions.get(&Gvk {
            group: group.to_owned(),
            version: version.to_owned(),
            kind: kind.to_owned(),
        })
    }
}

fn api_version(group: &str, version: &str) -> String {
    if group.is_empty() {
        version.to_owned()
    } else {
        format!("{group}/{version}")
    }
}

impl CrdVersion {
    fn validator(&self) -> &Result<jsonschema::Validator, String> {
        self.validator.get_or_init(|| schema::compile(&self.raw_schema))
    }

    fn validate(&self, object: &serde_json::Value) -> Vec<Violation> {
        let mut object = object.clone();
        defaults::apply(&self.node, &mut object);
        decode::prepare(&self.node, &mut object, self.status_subresource);

        let mut out = metadata::validate(&object, self.namespaced);
        match self.validator() {
            Ok(validator) => out.extend(schema::violations(validator, &object)),
            Err(e) => out.push(Violation {
                pointer: String::new(),
                message: format!(
                    "the schema of CRD {} (from {}) could not be compiled: {e}",
                    self.crd_name, self.origin
                ),
                rule: Rule::InvalidSchema,
            }),
        }
        out.extend(lists::violations(&self.node, &object));

        if out.iter().any(blocks_cel) {
            out.push(Violation {
                pointer: String::new(),
                message: "some validation rules were not checked because the object was \
                          invalid; correct the existing errors to complete validation"
                    .to_owned(),
                rule: Rule::CelNotEvaluated,
            });
        } else {
            out.extend(eval::violations(&self.node, &object));
        }
        out.sort();
        out.dedup();
        out
    }
}

/// The API server does not run CEL rules when the structural validation found
/// a wrong type, a missing required field, an unsupported enum value, or a
/// value too long or with too many items/properties.
fn blocks_cel(v: &Violation) -> bool {
    match &v.rule {
        Rule::Schema(keyword) => matches!(
            keyword.as_str(),
            "type" | "required" | "enum" | "maxLength" | "maxItems" | "maxProperties"
        ),
        Rule::InvalidSchema => true,
        _ => false,
    }
}

#[cfg(test)]
mod tests;
