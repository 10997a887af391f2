//! Errors of loading a CRD set.

use std::fmt;

/// Why a CRD install file could not be loaded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CrdError {
    /// A YAML document could not be parsed.
    Yaml {
        /// The file (or other origin) given to [`super::CrdSet::from_yaml`].
        origin: String,
        /// 0-based index of the document in the stream.
        document: usize,
        /// 1-based line of the error (or of the document's start), when known.
        line: Option<usize>,
        /// The parser's message.
        message: String,
    },
    /// A `CustomResourceDefinition` document lacks what a CRD must have.
    Malformed {
        /// The file (or other origin).
        origin: String,
        /// 0-based index of the document in the stream.
        document: usize,
        /// 1-based line where the document starts, when known.
        line: Option<usize>,
        /// What is missing or wrong.
        message: String,
    },
    /// A CEL rule of `x-kubernetes-validations` cannot be compiled, or calls a
    /// function the evaluator does not provide; it would otherwise be silently
    /// passed.
    Rule {
        /// The file (or other origin).
        origin: String,
        /// The CRD's `metadata.name` and version, e.g. `httproutes.gateway.networking.k8s.io/v1`.
        crd: String,
        /// JSON pointer of the schema node that declares the rule.
        schema_pointer: String,
        /// The rule's text.
        rule: String,
        /// Why it cannot be used.
        message: String,
    },
    /// A CEL rule whose estimated cost exceeds the API server's budget: the
    /// API server refuses the CRD (`estimated rule cost exceeds budget ...`).
    Cost {
        /// The file (or other origin).
        origin: String,
        /// The CRD's `metadata.name` and version.
        crd: String,
        /// JSON pointer of the schema node that declares the rule (`""` for the whole schema).
        schema_pointer: String,
        /// The rule's text (empty when the total of the schema is over).
        rule: String,
        /// The API server's message.
        message: String,
    },
}

impl fmt::Display for CrdError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            CrdError::Yaml {
                origin,
                document,
                line,
                message,
            } => {
                write!(f, "{origin}")?;
                if let Some(line) = line {
                    write!(f, ":{line}")?;
                }
                write!(f, ": YAML document {document} is not valid YAML: {message}")
            }
            CrdError::Malformed {
                origin,
                document,
                line,
                message,
            } => {
                write!(f, "{origin}")?;
                if let Some(line) = line {
                    write!(f, ":{line}")?;
                }
                write!(
                    f,
                    ": document {document} is not a usable CustomResourceDefinition: {message}"
                )
            }
            CrdError::Rule {
                origin,
                crd,
                schema_pointer,
                rule,
                message,
            } => write!(
                f,
                "{origin}: CRD {crd}: CEL rule at schema {schema_pointer} cannot be evaluated \
                 ({message}): {rule}"
            ),
            CrdError::Cost {
                origin,
                crd,
                schema_pointer,
                rule,
                message,
            } => {
                write!(f, "{origin}: CRD {crd}: the API server refuses it: ")?;
                if rule.is_empty() {
                    write!(f, "{message}")
                } else {
                    let at = if schema_pointer.is_empty() { "/" } else { schema_pointer };
                    write!(f, "x-kubernetes-validations rule at schema {at}: {message}: {rule}")
                }
            }
        }
    }
}

impl std::error::Error for CrdError {}
