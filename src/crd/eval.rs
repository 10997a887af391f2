//! Evaluating the compiled `x-kubernetes-validations` rules of a schema
//! tree, with `self` bound to the node that declares them, within the API
//! server's cost budget ([`super::budget`]).
//!
//! Objects are seen by rules as the API server shows them: fields of objects
//! with declared `properties` under their escaped names, map keys as they
//! are, `number`s as doubles, integers as ints.

use std::collections::HashMap;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::Arc;

use cel::common::types::{CelBool, CelDouble, CelInt, CelList, CelMap, CelMapKey, CelNull, CelString, CelUInt};
use cel::common::value::Val;
use cel::{Context, Env, Value as CelValue};
use serde_json::Value;

use super::budget::Budget;
use super::cel::{CompiledRule, env, escape_property, needs_escape};
use super::node::Node;
use super::pointer::escape;
use super::{Rule, Violation};

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
