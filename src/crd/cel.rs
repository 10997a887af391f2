//! `x-kubernetes-validations`: CEL rules compiled once with the `cel` crate
//! and evaluated with `self` bound to the node that declares them.
//!
//! Objects are seen by rules as the API server shows them: fields of objects
//! with declared `properties` under their escaped names (`namespace` as
//! `__namespace__`, `a-b` as `a__dash__b`, ...), map keys as they are,
//! `number`s as doubles, integers as ints.

use std::collections::HashMap;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::{Arc, OnceLock};

use cel::common::types::{CelBool, CelDouble, CelInt, CelList, CelMap, CelMapKey, CelNull, CelString, CelUInt};
use cel::common::value::Val;
use cel::{Context, Env, Program, Value as CelValue};
use serde_json::Value;

use super::budget::Budget;
use super::functions;
use super::node::{Node, escape};
use super::{Rule, Violation};

/// One compiled rule.
pub(super) struct CompiledRule {
    /// The rule's text.
    pub rule: String,
    pub program: Program,
    message: Option<String>,
    pub message_expression: Option<Program>,
    reason: Option<String>,
    field_path: Option<String>,
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

fn env() -> Result<&'static Arc<Env>, String> {
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

fn needs_escape(name: &str) -> bool {
    RESERVED.contains(&name) || name.contains(['.', '-', '/']) || name.contains("__")
}

fn property_key(name: &str) -> CelMapKey<'_> {
    if needs_escape(name) {
        CelMapKey::from(escape_property(name))
    } else {
        CelMapKey::from(name)
    }
}

/// `value` as a CEL value typed by `node`, borrowing its strings.
fn to_val<'v>(node: Option<&Node>, value: &'v Value) -> Box<dyn Val + 'v> {
    match value {
        Value::Null => Box::new(CelNull),
        Value::Bool(b) => Box::new(CelBool::from(*b)),
        Value::Number(n) => {
            let is_number = node.and_then(|n| n.ty.as_deref()) == Some("number");
            match (n.as_i64(), n.as_u64(), n.as_f64()) {
                (Some(i), _, _) if !is_number => Box::new(CelInt::from(i)),
                (None, Some(u), _) if !is_number => Box::new(CelUInt::from(u)),
                (_, _, Some(f)) => Box::new(CelDouble::from(f)),
                _ => Box::new(CelNull),
            }
        }
        Value::String(s) => Box::new(CelString::from(s.as_str())),
        Value::Array(items) => {
            let item = node.and_then(|n| n.items.as_deref());
            let list: Vec<Box<dyn Val + 'v>> = items.iter().map(|v| to_val(item, v)).collect();
            Box::new(CelList::from(list))
        }
        Value::Object(fields) => {
            let mut map = HashMap::with_capacity(fields.len());
            for (name, v) in fields {
                match node.and_then(|n| n.properties.get(name)) {
                    Some(child) => {
                        map.insert(property_key(name), to_val(Some(child), v));
                    }
                    None => match node.and_then(|n| n.additional.as_deref()) {
                        Some(additional) => {
                            map.insert(CelMapKey::from(name.as_str()), to_val(Some(additional), v));
                        }
                        None => {
                            map.insert(property_key(name), to_val(None, v));
                        }
                    },
                }
            }
            Box::new(CelMap::from(map))
        }
    }
}

/// Evaluate every rule of `node`'s tree on `object`.
pub(super) fn violations(node: &Node, object: &Value) -> Vec<Violation> {
    let mut out = Vec::new();
    let Ok(env) = env() else {
        return out;
    };
    let mut budget = Budget::new();
    walk(env, node, object, &mut String::new(), &mut budget, &mut out);
    out
}

fn walk(
    env: &Arc<Env>,
    node: &Node,
    value: &Value,
    pointer: &mut String,
    budget: &mut Budget,
    out: &mut Vec<Violation>,
) {
    if !node.has_rules || budget.spent() || value.is_null() {
        return;
    }
    if !node.rules.is_empty() {
        evaluate(env, node, value, pointer, budget, out);
    }
    let mut descend = |child: &Node, v: &Value, segment: &str, out: &mut Vec<Violation>| {
        let len = pointer.len();
        pointer.push('/');
        pointer.push_str(&escape(segment));
        walk(env, child, v, pointer, budget, out);
        pointer.truncate(len);
    };
    match value {
        Value::Object(map) => {
            for (name, child) in &node.properties {
                if let Some(v) = map.get(name) {
                    descend(child, v, name, out);
                }
            }
            if let Some(additional) = &node.additional {
                for (k, v) in map {
                    if !node.properties.contains_key(k) {
                        descend(additional, v, k, out);
                    }
                }
            }
        }
        Value::Array(items) => {
            if let Some(item) = &node.items {
                for (i, v) in items.iter().enumerate() {
                    descend(item, v, &i.to_string(), out);
                }
            }
        }
        _ => {}
    }
}

fn evaluate(env: &Arc<Env>, node: &Node, value: &Value, pointer: &str, budget: &mut Budget, out: &mut Vec<Violation>) {
    // One context per node, for all of the node's rules.
    let ctx = catch_unwind(AssertUnwindSafe(|| {
        let mut ctx = Context::with_env(Arc::clone(env));
        ctx.add_variable_as_val("self", to_val(Some(node), value));
        ctx
    }));
    let Ok(ctx) = ctx else {
        for rule in &node.rules {
            push(
                out,
                rule,
                pointer,
                "the CEL evaluator crashed binding `self`".to_owned(),
            );
        }
        return;
    };
    for rule in &node.rules {
        if let Err(v) = budget.charge(rule, node, value, pointer) {
            out.push(v);
            return;
        }
        let outcome = catch_unwind(AssertUnwindSafe(|| match rule.program.execute(&ctx) {
            Ok(CelValue::Bool(true)) => None,
            Ok(CelValue::Bool(false)) => Some(failure_message(rule, &ctx, budget.charge_message(rule, node, value))),
            Ok(other) => Some(format!(
                "rule evaluated to {:?} instead of a bool: {}",
                other.type_of(),
                rule.rule
            )),
            Err(e) => Some(format!("rule could not be evaluated ({e}): {}", rule.rule)),
        }))
        .unwrap_or_else(|_| Some(format!("the CEL evaluator crashed on rule: {}", rule.rule)));
        if let Some(message) = outcome {
            push(out, rule, pointer, message);
        }
    }
}

fn push(out: &mut Vec<Violation>, rule: &CompiledRule, pointer: &str, message: String) {
    let message = match rule.reason.as_deref() {
        None | Some("FieldValueInvalid") => message,
        Some(reason) => format!("{}: {message}", reason.trim_start_matches("FieldValue")),
    };
    let pointer = match &rule.field_path {
        Some(path) => format!("{pointer}{}", field_path_pointer(path)),
        None => pointer.to_owned(),
    };
    out.push(Violation {
        pointer,
        message,
        rule: Rule::Cel {
            rule: rule.rule.clone(),
        },
    });
}

/// `run_expression`: the `messageExpression` fits the cost budget.
fn failure_message(rule: &CompiledRule, ctx: &Context, run_expression: bool) -> String {
    if let Some(expression) = rule.message_expression.as_ref().filter(|_| run_expression) {
        if let Ok(CelValue::String(s)) = expression.execute(ctx) {
            if !s.trim().is_empty() {
                return s.to_string();
            }
        }
    }
    match &rule.message {
        Some(m) => m.clone(),
        None => format!("failed rule: {}", rule.rule),
    }
}

/// A `fieldPath` (`.a.b`, `.a['b.c']`, `.list[2]`) as a JSON pointer suffix.
fn field_path_pointer(path: &str) -> String {
    let mut out = String::new();
    let mut rest = path;
    while !rest.is_empty() {
        if let Some(r) = rest.strip_prefix('.') {
            let end = r.find(['.', '[']).unwrap_or(r.len());
            out.push('/');
            out.push_str(&escape(&r[..end]));
            rest = &r[end..];
        } else if let Some(r) = rest.strip_prefix("['") {
            let end = r.find("']").unwrap_or(r.len());
            out.push('/');
            out.push_str(&escape(&r[..end]));
            rest = r.get(end + 2..).unwrap_or("");
        } else if let Some(r) = rest.strip_prefix('[') {
            let end = r.find(']').unwrap_or(r.len());
            out.push('/');
            out.push_str(&escape(&r[..end]));
            rest = r.get(end + 1..).unwrap_or("");
        } else {
            break;
        }
    }
    out
}
