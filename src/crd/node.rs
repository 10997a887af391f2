//! The structural schema as a tree: what defaulting, list-type checks and CEL
//! evaluation need, with every CEL rule compiled once.

use std::collections::BTreeMap;

use serde_json::Value;

use super::cel::{self, CompiledRule};
use super::pointer::escape;

/// One node of a structural schema.
#[derive(Default)]
pub(super) struct Node {
    /// `type`, when given.
    pub ty: Option<String>,
    /// `properties`.
    pub properties: BTreeMap<String, Node>,
    /// `items`.
    pub items: Option<Box<Node>>,
    /// `additionalProperties` when it is a schema (a map).
    pub additional: Option<Box<Node>>,
    /// `default`.
    pub default: Option<Value>,
    /// `nullable: true`.
    pub nullable: bool,
    /// `x-kubernetes-int-or-string: true`.
    pub int_or_string: bool,
    /// `maxItems`, `maxLength` or `maxProperties`, whichever the type has.
    pub max_size: Option<u64>,
    /// `x-kubernetes-list-type`.
    pub list_type: ListType,
    /// Compiled `x-kubernetes-validations` (transition rules left out).
    pub rules: Vec<CompiledRule>,
    /// Whether this node or one below it has rules.
    pub has_rules: bool,
    /// Whether this node or one below it is a `set` or `map` list.
    pub has_keyed_lists: bool,
}

/// `x-kubernetes-list-type`.
#[derive(Default, Clone, PartialEq, Eq, Debug)]
pub(super) enum ListType {
    /// `atomic`, or not given.
    #[default]
    Atomic,
    /// `set`: items are unique.
    Set,
    /// `map`: items are unique by the given keys.
    Map(Vec<String>),
}

/// Why a schema node could not be built: a rule that cannot be compiled.
pub(super) struct BuildError {
    pub schema_pointer: String,
    pub rule: String,
    pub message: String,
}

impl Node {
    /// Build the tree of an `openAPIV3Schema`, compiling its CEL rules.
    pub fn build(schema: &Value) -> Result<Node, BuildError> {
        build(schema, "")
    }

    /// How many CEL rules this tree evaluates.
    pub fn rule_count(&self) -> usize {
        self.rules.len()
            + self.properties.values().map(Node::rule_count).sum::<usize>()
            + self.items.as_ref().map_or(0, |n| n.rule_count())
            + self.additional.as_ref().map_or(0, |n| n.rule_count())
    }
}

fn build(schema: &Value, pointer: &str) -> Result<Node, BuildError> {
    let mut node = Node {
        ty: schema.get("type").and_then(Value::as_str).map(str::to_owned),
        default: schema.get("default").cloned(),
        nullable: schema.get("nullable").and_then(Value::as_bool) == Some(true),
        int_or_string: schema.get("x-kubernetes-int-or-string").and_then(Value::as_bool) == Some(true),
        max_size: ["maxItems", "maxLength", "maxProperties"]
            .iter()
            .find_map(|k| schema.get(*k).and_then(Value::as_u64)),
        ..Node::default()
    };
    node.list_type = match schema.get("x-kubernetes-list-type").and_then(Value::as_str) {
        Some("set") => ListType::Set,
        Some("map") => ListType::Map(
            schema
                .get("x-kubernetes-list-map-keys")
                .and_then(Value::as_array)
                .map(|keys| keys.iter().filter_map(Value::as_str).map(str::to_owned).collect())
                .unwrap_or_default(),
        ),
        _ => ListType::Atomic,
    };
    if let Some(properties) = schema.get("properties").and_then(Value::as_object) {
        for (name, child) in properties {
            let child_pointer = format!("{pointer}/properties/{}", escape(name));
            node.properties.insert(name.clone(), build(child, &child_pointer)?);
        }
    }
    if let Some(items) = schema.get("items").filter(|i| i.is_object()) {
        node.items = Some(Box::new(build(items, &format!("{pointer}/items"))?));
    }
    if let Some(additional) = schema.get("additionalProperties").filter(|a| a.is_object()) {
        node.additional = Some(Box::new(build(additional, &format!("{pointer}/additionalProperties"))?));
    }
    if let Some(rules) = schema.get("x-kubernetes-validations").and_then(Value::as_array) {
        for rule in rules {
            let fail = |message: String| BuildError {
                schema_pointer: pointer.to_owned(),
                rule: rule.get("rule").and_then(Value::as_str).unwrap_or_default().to_owned(),
                message,
            };
            match cel::compile_rule(rule) {
                Ok(Some(compiled)) => node.rules.push(compiled),
                Ok(None) => {} // a transition rule: only evaluated on update
                Err(message) => return Err(fail(message)),
            }
        }
    }
    let children = node
        .properties
        .values()
        .chain(node.items.as_deref())
        .chain(node.additional.as_deref());
    let (mut has_rules, mut has_keyed_lists) = (!node.rules.is_empty(), node.list_type != ListType::Atomic);
    for child in children {
        has_rules |= child.has_rules;
        has_keyed_lists |= child.has_keyed_lists;
    }
    node.has_rules = has_rules;
    node.has_keyed_lists = has_keyed_lists;
    Ok(node)
}
