//! `x-kubernetes-list-type: set | map` uniqueness, as the API server enforces it.

use serde_json::Value;

use super::node::{ListType, Node};
use super::pointer::escape;
use super::{Rule, Violation};

/// Duplicate items of `set` lists and duplicate keys of `map` lists.
pub(super) fn violations(node: &Node, value: &Value) -> Vec<Violation> {
    let mut out = Vec::new();
    walk(node, value, &mut String::new(), &mut out);
    out
}

fn walk(node: &Node, value: &Value, pointer: &mut String, out: &mut Vec<Violation>) {
    if !node.has_keyed_lists {
        return;
    }
    match value {
        Value::Object(map) => {
            for (name, child) in &node.properties {
                if let Some(v) = map.get(name) {
                    let len = pointer.len();
                    pointer.push('/');
                    pointer.push_str(&escape(name));
                    walk(child, v, pointer, out);
                    pointer.truncate(len);
                }
            }
            if let Some(additional) = &node.additional {
                for (key, v) in map {
                    if node.properties.contains_key(key) {
                        continue;
                    }
                    let len = pointer.len();
                    pointer.push('/');
                    pointer.push_str(&escape(key));
                    walk(additional, v, pointer, out);
                    pointer.truncate(len);
                }
            }
        }
        Value::Array(items) => {
            check_unique(&node.list_type, items, pointer, out);
            if let Some(item) = &node.items {
                for (i, v) in items.iter().enumerate() {
                    let len = pointer.len();
                    pointer.push('/');
                    pointer.push_str(&i.to_string());
                    walk(item, v, pointer, out);
                    pointer.truncate(len);
                }
            }
        }
        _ => {}
    }
}

fn check_unique(list_type: &ListType, items: &[Value], pointer: &str, out: &mut Vec<Violation>) {
    let key_of = |item: &Value| -> Value {
        match list_type {
            ListType::Map(keys) => Value::Array(
                keys.iter()
                    .map(|k| item.get(k).cloned().unwrap_or(Value::Null))
                    .collect(),
            ),
            _ => item.clone(),
        }
    };
    let describe = |item: &Value| -> String {
        match list_type {
            ListType::Map(keys) => keys
                .iter()
                .map(|k| {
                    let v = item.get(k).cloned().unwrap_or(Value::Null);
                    format!("{k}={v}")
                })
                .collect::<Vec<_>>()
                .join(", "),
            _ => item.to_string(),
        }
    };
    if *list_type == ListType::Atomic {
        return;
    }
    let keys: Vec<Value> = items.iter().map(key_of).collect();
    for (i, key) in keys.iter().enumerate() {
        if let Some(first) = keys[..i].iter().position(|k| k == key) {
            let what = if matches!(list_type, ListType::Map(_)) {
                "key"
            } else {
                "value"
            };
            out.push(Violation {
                pointer: format!("{pointer}/{i}"),
                message: format!(
                    "duplicate {what} {} (first at index {first}); x-kubernetes-list-type {} \
                     requires unique items",
                    describe(&items[i]),
                    if what == "key" { "map" } else { "set" }
                ),
                rule: Rule::ListType,
            });
        }
    }
}
