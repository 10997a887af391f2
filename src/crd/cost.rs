//! The cost of CEL rules, bounded the way the API server bounds it
//! (`k8s.io/apiserver/pkg/apis/cel`, `apiextensions-apiserver`): when a CRD is
//! loaded, each rule's worst case (from `maxItems`, `maxLength` and
//! `maxProperties`, times the number of places the rule runs) must stay within
//! [`STATIC_RULE_LIMIT`], and all of them within [`STATIC_CRD_LIMIT`]; when an
//! object is validated, each call within [`PER_CALL_LIMIT`] and all the calls
//! for one object within [`RUNTIME_BUDGET`].
//!
//! The `cel` crate cannot count cost while it evaluates, so both are
//! estimated from the expression before it runs, in the units of `cel-go`'s
//! estimator (one per identifier, field, call and loop step; a tenth per
//! character a string function walks; ten per list literal): at load from the
//! schema's bounds, at validation from the sizes of the object's own values.

use cel::common::ast::{Expr, IdedExpr, LiteralValue};
use serde_json::Value;

use super::cel::escape_property;
use super::node::Node;

/// Largest estimated cost of one rule, times the places it runs (`StaticEstimatedCostLimit`).
pub(super) const STATIC_RULE_LIMIT: u64 = 10_000_000;
/// Largest estimated cost of all the rules of a CRD version (`StaticEstimatedCRDCostLimit`).
pub(super) const STATIC_CRD_LIMIT: u64 = 100_000_000;
/// Largest cost of one evaluation of one rule (`PerCallLimit`).
pub(super) const PER_CALL_LIMIT: u64 = 1_000_000;
/// Largest cost of all the rule evaluations of one object (`RuntimeCELCostBudget`).
pub(super) const RUNTIME_BUDGET: u64 = 10_000_000;

/// The API server's largest request: the bound of what a schema leaves unbounded.
const MAX_REQUEST_BYTES: u64 = 3 * 1024 * 1024;
/// Items of an unbounded list or map: each takes at least `{},` or `"",`.
const UNBOUNDED_ITEMS: u64 = MAX_REQUEST_BYTES / 3;

/// `getCostErrorMessage` of `apiextensions-apiserver`.
pub(super) fn exceeds(what: &str, cost: u64, limit: u64) -> String {
    let factor = cost as f64 / limit as f64;
    let factor = if factor > 100.0 {
        "more than 100x".to_owned()
    } else if factor < 1.5 {
        format!("{factor:.6}x")
    } else {
        format!("{factor:.1}x")
    };
    format!(
        "{what} exceeds budget by factor of {factor} (try simplifying the rule, or adding maxItems, \
         maxProperties, and maxLength where arrays, maps, and strings are declared)"
    )
}

/// What an expression evaluates to, as far as its size goes.
#[derive(Clone, Default)]
struct Shape<'a> {
    /// Its schema, when it is part of the object.
    node: Option<&'a Node>,
    /// At validation: every value of the object it may be.
    values: Option<Vec<&'a Value>>,
    /// Its size, when the expression makes it (a literal, a result).
    size: Option<u64>,
}

impl<'a> Shape<'a> {
    fn sized(size: u64) -> Self {
        Self {
            size: Some(size),
            ..Self::default()
        }
    }

    /// Characters of a string, items of a list, entries of a map: its largest possible.
    fn size(&self) -> u64 {
        if let Some(size) = self.size {
            return size;
        }
        if let Some(values) = &self.values {
            return values.iter().map(|v| value_size(v)).max().unwrap_or(0);
        }
        let Some(node) = self.node else { return 1 };
        match (node.max_size, node.ty.as_deref()) {
            (Some(max), _) => max,
            (None, Some("string")) => MAX_REQUEST_BYTES,
            (None, Some("array")) => UNBOUNDED_ITEMS,
            (None, Some("object")) if node.additional.is_some() => UNBOUNDED_ITEMS,
            _ => 1,
        }
    }

    /// The shape of field `name` (as CEL spells it).
    fn field(&self, name: &str) -> Shape<'a> {
        let Some(node) = self.node else { return Shape::default() };
        let child = node
            .properties
            .iter()
            .find(|(p, _)| escape_property(p) == name || p.as_str() == name)
            .map(|(p, n)| (Some(p.as_str()), n))
            .or_else(|| node.additional.as_deref().map(|n| (None, n)));
        let Some((property, child)) = child else {
            return Shape::default();
        };
        let values = self.values.as_ref().map(|vs| {
            vs.iter()
                .filter_map(|v| v.as_object())
                .filter_map(|m| m.get(property.unwrap_or(name)))
                .collect()
        });
        Shape {
            node: Some(child),
            values,
            size: None,
        }
    }

    /// The shape of what a comprehension over it binds: an item of a list, a key of a map.
    fn element(&self) -> Shape<'a> {
        let Some(node) = self.node else { return Shape::default() };
        if let Some(items) = node.items.as_deref() {
            let values = self
                .values
                .as_ref()
                .map(|vs| vs.iter().filter_map(|v| v.as_array()).flatten().collect());
            return Shape {
                node: Some(items),
                values,
                size: None,
            };
        }
        let longest_key = self.values.as_ref().map(|vs| {
            let keys = vs.iter().filter_map(|v| v.as_object()).flat_map(|m| m.keys());
            keys.map(|k| k.chars().count() as u64).max().unwrap_or(0)
        });
        // The API server's estimator gives map keys no size (their type has no maximum).
        Shape::sized(longest_key.unwrap_or(0))
    }
}

impl<'a> Shape<'a> {
    /// The shape of `x[i]`: an item of a list, a value of a map.
    fn member(&self) -> Shape<'a> {
        let Some(node) = self.node else { return Shape::default() };
        if node.items.is_some() {
            return self.element();
        }
        let values = self.values.as_ref().map(|vs| {
            vs.iter()
                .filter_map(|v| v.as_object())
                .flat_map(|m| m.values())
                .collect()
        });
        Shape {
            node: node.additional.as_deref(),
            values,
            size: None,
        }
    }
}

fn value_size(v: &Value) -> u64 {
    match v {
        Value::String(s) => s.chars().count() as u64,
        Value::Array(a) => a.len() as u64,
        Value::Object(o) => o.len() as u64,
        _ => 0,
    }
}

/// The cost of one rule evaluated at `node`: at load (`value` is `None`,
/// sizes come from the schema) or on `value`.
pub(super) fn estimate(expr: &IdedExpr, node: &Node, value: Option<&Value>) -> u64 {
    let this = Shape {
        node: Some(node),
        values: value.map(|v| vec![v]),
        size: None,
    };
    let mut scope = vec![("self", this)];
    cost(expr, &mut scope).0
}

type Scope<'e, 'a> = Vec<(&'e str, Shape<'a>)>;

fn cost<'e, 'a>(e: &'e IdedExpr, scope: &mut Scope<'e, 'a>) -> (u64, Shape<'a>) {
    match &e.expr {
        Expr::Literal(LiteralValue::String(s)) => (0, Shape::sized(s.inner().chars().count() as u64)),
        Expr::Literal(_) | Expr::Unspecified => (0, Shape::default()),
        Expr::Ident(name) => {
            let shape = scope.iter().rev().find(|(n, _)| n == name).map(|(_, s)| s.clone());
            (1, shape.unwrap_or_default())
        }
        Expr::Select(s) => {
            let (c, operand) = cost(&s.operand, scope);
            let shape = if s.test {
                Shape::default()
            } else {
                operand.field(&s.field)
            };
            (c.saturating_add(1), shape)
        }
        Expr::List(l) => {
            let c = l
                .elements
                .iter()
                .map(|x| cost(x, scope).0)
                .fold(10, u64::saturating_add);
            (c, Shape::sized(l.elements.len() as u64))
        }
        Expr::Map(m) => (entries_cost(m.entries.len()), Shape::sized(m.entries.len() as u64)),
        Expr::Struct(s) => (entries_cost(s.entries.len()), Shape::default()),
        Expr::Call(call) if call.func_name == "_?_:_" && call.args.len() == 3 => {
            // The condition, then the dearer branch.
            let (condition, _) = cost(&call.args[0], scope);
            let (yes, shape) = cost(&call.args[1], scope);
            let (no, _) = cost(&call.args[2], scope);
            (condition.saturating_add(yes.max(no)), shape)
        }
        Expr::Call(call) => {
            let target = call.target.as_deref().map(|t| cost(t, scope));
            let args: Vec<(u64, Shape<'a>)> = call.args.iter().map(|a| cost(a, scope)).collect();
            let inner = target.iter().chain(&args).map(|(c, _)| *c).fold(0, u64::saturating_add);
            let (own, shape) = call_cost(&call.func_name, target.map(|(_, s)| s), &args);
            (inner.saturating_add(own), shape)
        }
        Expr::Comprehension(c) => {
            let (range_cost, range) = cost(&c.iter_range, scope);
            let n = range.size();
            let (init_cost, _) = cost(&c.accu_init, scope);
            let depth = scope.len();
            scope.push((c.iter_var.as_str(), range.element()));
            if let Some(var2) = &c.iter_var2 {
                scope.push((var2.as_str(), range.element()));
            }
            scope.push((c.accu_var.as_str(), Shape::sized(n)));
            let step = cost(&c.loop_cond, scope).0.saturating_add(cost(&c.loop_step, scope).0);
            scope.truncate(depth);
            scope.push((c.accu_var.as_str(), Shape::sized(n)));
            let (result_cost, result) = cost(&c.result, scope);
            scope.truncate(depth);
            let total = [range_cost, init_cost, n.saturating_mul(step), result_cost];
            (total.into_iter().fold(0, u64::saturating_add), result)
        }
    }
}

fn entries_cost(n: usize) -> u64 {
    30u64.saturating_add(n as u64)
}

/// A tenth of `n`, rounded up: what walking `n` characters costs.
fn traverse(n: u64) -> u64 {
    n.div_ceil(10)
}

/// The cost of the call itself (its arguments aside) and the shape of its result.
fn call_cost<'a>(name: &str, target: Option<Shape<'a>>, args: &[(u64, Shape<'a>)]) -> (u64, Shape<'a>) {
    let subject = target
        .or_else(|| args.first().map(|(_, s)| s.clone()))
        .unwrap_or_default();
    let n = subject.size();
    let arg = |i: usize| args.get(i).map_or(0, |(_, s)| s.size());
    match name {
        "_&&_" | "_||_" => (0, Shape::default()),
        "matches" => {
            let pattern = if args.len() > 1 { arg(1) } else { arg(0) };
            (traverse(n).saturating_mul(pattern.div_ceil(4)).max(1), Shape::default())
        }
        // Comparing stops at the end of the shorter side; a prefix or suffix is walked once.
        "_==_" | "_!=_" | "_<_" | "_<=_" | "_>_" | "_>=_" => (traverse(n.min(arg(1))), Shape::default()),
        "startsWith" | "endsWith" => (traverse(arg(0)).max(1), Shape::default()),
        "contains" | "indexOf" | "lastIndexOf" => {
            (traverse(n).saturating_mul(traverse(arg(0))).max(1), Shape::default())
        }
        "_+_" => {
            let size = n.saturating_add(arg(1));
            (traverse(size).max(1), Shape::sized(size))
        }
        "@in" => (arg(1).max(1), Shape::default()),
        "split" | "join" | "replace" | "lowerAscii" | "upperAscii" | "trim" | "substring" | "format"
        | "strings.quote" | "charAt" | "string" => (traverse(n).max(1), Shape::sized(n)),
        "reverse" | "flatten" | "distinct" | "slice" => (n.max(1), Shape::sized(n)),
        "sort" | "isSorted" => {
            let log = u64::from(u64::BITS - n.leading_zeros());
            (n.saturating_mul(log).max(1), Shape::sized(n))
        }
        "isURL" | "isIP" | "isCIDR" | "validate" => (traverse(n).max(1), Shape::default()),
        "_[_]" => (1, subject.member()),
        _ => (1, Shape::default()),
    }
}

/// A rule whose estimated cost the API server refuses, and why.
pub(super) struct Refused {
    /// JSON pointer of the schema node that declares it (`""`: the whole schema).
    pub schema_pointer: String,
    /// The rule's text (empty for the total of the schema).
    pub rule: String,
    /// The API server's message.
    pub message: String,
}

/// Check the estimated cost of every rule of a schema, as the API server does
/// when the CRD is created.
pub(super) fn check(root: &Node) -> Result<(), Refused> {
    let mut total = 0u64;
    walk(root, "", 1, &mut total)?;
    if total > STATIC_CRD_LIMIT {
        return Err(Refused {
            schema_pointer: String::new(),
            rule: String::new(),
            message: exceeds(
                "x-kubernetes-validations estimated rule cost total for entire OpenAPIv3 schema",
                total,
                STATIC_CRD_LIMIT,
            ),
        });
    }
    Ok(())
}

/// `cardinality`: how many times the rules of `node` run at most (the product
/// of the sizes of the lists and maps above it).
fn walk(node: &Node, pointer: &str, cardinality: u64, total: &mut u64) -> Result<(), Refused> {
    if !node.has_rules {
        return Ok(());
    }
    for rule in &node.rules {
        let programs = std::iter::once(("estimated rule cost", &rule.program)).chain(
            rule.message_expression
                .iter()
                .map(|m| ("estimated messageExpression cost", m)),
        );
        for (what, program) in programs {
            let cost = estimate(program.expression(), node, None).saturating_mul(cardinality);
            if cost > STATIC_RULE_LIMIT {
                return Err(Refused {
                    schema_pointer: pointer.to_owned(),
                    rule: rule.rule.clone(),
                    message: exceeds(what, cost, STATIC_RULE_LIMIT),
                });
            }
            *total = total.saturating_add(cost);
        }
    }
    let many = cardinality.saturating_mul(node.max_size.unwrap_or(UNBOUNDED_ITEMS));
    for (name, child) in &node.properties {
        walk(
            child,
            &format!("{pointer}/properties/{}", super::pointer::escape(name)),
            cardinality,
            total,
        )?;
    }
    if let Some(items) = &node.items {
        walk(items, &format!("{pointer}/items"), many, total)?;
    }
    if let Some(additional) = &node.additional {
        walk(additional, &format!("{pointer}/additionalProperties"), many, total)?;
    }
    Ok(())
}
