//! `x-kubernetes-validations`: CEL rules compiled once with the `cel` crate,
//! in one environment that has the functions the API server provides
//! (evaluated by [`super::eval`]).
//!
//! Rules see fields of objects with declared `properties` under their
//! escaped names ([`escape_property`]: `namespace` as `__namespace__`, `a-b`
//! as `a__dash__b`, ...).

use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::{Arc, OnceLock};

use cel::{Env, Program};
use serde_json::Value;

use super::functions;

/// One compiled rule.
pub(super) struct CompiledRule {
    /// The rule's text.
    pub rule: String,
    pub program: Program,
    pub message: Option<String>,
    pub message_expression: Option<Program>,
    pub reason: Option<String>,
    pub field_path: Option<String>,
}

/// Functions (and macros, after expansion) the evaluation environment provides,
/// operators aside: the CEL standard library, the `strings` and `lists`
/// extensions of the `cel` crate, and [`functions::PROVIDED`].
const STANDARD: &[&str] = &[
    "size",
    "matches",
    "contains",
    "startsWith",
    "endsWith",
    "string",
    "int",
    "uint",
    "double",
    "bytes",
    "bool",
    "duration",
    "timestamp",
    "type",
    "dyn",
    "max",
    "min",
    "getHours",
    "getMinutes",
    "getSeconds",
    "getMilliseconds",
    "getFullYear",
    "getMonth",
    "getDayOfYear",
    "getDayOfMonth",
    "getDate",
    "getDayOfWeek",
    "charAt",
    "indexOf",
    "lastIndexOf",
    "join",
    "lowerAscii",
    "upperAscii",
    "trim",
    "replace",
    "split",
    "substring",
    "format",
    "strings.quote",
    "reverse",
    "slice",
    "flatten",
    "distinct",
    "sort",
    "optional.of",
    "optional.none",
    "optional.ofNonZeroValue",
    "hasValue",
    "value",
    "orValue",
    "or",
];

/// The evaluation environment, built once.
pub(super) fn env() -> Result<&'static Arc<Env>, String> {
    static ENV: OnceLock<Result<Arc<Env>, String>> = OnceLock::new();
    ENV.get_or_init(|| {
        catch_unwind(|| {
            let mut env = Env::stdlib();
            env.add_extension(cel::extensions::strings).map_err(|e| e.to_string())?;
            env.add_extension(cel::extensions::lists).map_err(|e| e.to_string())?;
            functions::register(&mut env).map_err(|e| e.to_string())?;
            Ok(Arc::new(env))
        })
        .unwrap_or_else(|_| Err("building the CEL environment panicked".to_owned()))
    })
    .as_ref()
    .map_err(Clone::clone)
}

fn compile(source: &str) -> Result<Program, String> {
    let env = env()?;
    let program = catch_unwind(AssertUnwindSafe(|| env.compile(source)))
        .map_err(|_| "the CEL parser panicked".to_owned())?
        .map_err(|e| format!("does not compile: {e}"))?;
    let references = program.references();
    for function in references.functions() {
        let operator = function.starts_with('_')
            || function.starts_with('@')
            || function.starts_with("!_")
            || function.starts_with("-_");
        if !operator && !STANDARD.contains(&function) && !functions::PROVIDED.contains(&function) {
            return Err(format!("calls `{function}`, which the evaluator does not provide"));
        }
    }
    Ok(program)
}

/// Compile one entry of `x-kubernetes-validations`. `Ok(None)` for a
/// transition rule (one that uses `oldSelf`): those only run on update.
pub(super) fn compile_rule(entry: &Value) -> Result<Option<CompiledRule>, String> {
    let rule = entry
        .get("rule")
        .and_then(Value::as_str)
        .ok_or("an x-kubernetes-validations entry has no `rule` string")?;
    let program = compile(rule)?;
    if program.references().has_variable("oldSelf") {
        return Ok(None);
    }
    let text = |k: &str| entry.get(k).and_then(Value::as_str).map(str::to_owned);
    let message_expression = match text("messageExpression") {
        Some(source) => Some(compile(&source).map_err(|e| format!("messageExpression {e}"))?),
        None => None,
    };
    Ok(Some(CompiledRule {
        rule: rule.to_owned(),
        program,
        message: text("message"),
        message_expression,
        reason: text("reason"),
        field_path: text("fieldPath"),
    }))
}

const RESERVED: &[&str] = &[
    "true",
    "false",
    "null",
    "in",
    "as",
    "break",
    "const",
    "continue",
    "else",
    "for",
    "function",
    "if",
    "import",
    "let",
    "loop",
    "package",
    "namespace",
    "return",
    "var",
    "void",
    "while",
];

/// A property name as CEL rules see it (Kubernetes' escaping).
pub(super) fn escape_property(name: &str) -> String {
    if RESERVED.contains(&name) {
        return format!("__{name}__");
    }
    name.replace("__", "__underscores__")
        .replace('.', "__dot__")
        .replace('-', "__dash__")
        .replace('/', "__slash__")
}

/// Whether [`escape_property`] changes `name`.
pub(super) fn needs_escape(name: &str) -> bool {
    RESERVED.contains(&name) || name.contains(['.', '-', '/']) || name.contains("__")
}
