//! Defaulting, as the API server does it before validating a created object:
//! `null`s of non-nullable fields are pruned (or replaced by the default), and
//! missing fields with a `default` get it, recursively (inside defaulted values,
//! array items and map values too).

use serde_json::Value;

use super::node::Node;

/// Apply the defaults of `node` to `value`, in place.
pub(super) fn apply(node: &Node, value: &mut Value) {
    match value {
        Value::Object(map) => {
            for (name, child) in &node.properties {
                match map.get(name) {
                    Some(Value::Null) if !child.nullable => match &child.default {
                        Some(default) => {
                            map.insert(name.clone(), default.clone());
                        }
                        None => {
                            map.remove(name);
                        }
                    },
                    None => {
                        if let Some(default) = &child.default {
                            map.insert(name.clone(), default.clone());
                        }
                    }
                    Some(_) => {}
                }
                if let Some(v) = map.get_mut(name) {
                    apply(child, v);
                }
            }
            if let Some(additional) = &node.additional {
                for (key, v) in map.iter_mut() {
                    if node.properties.contains_key(key) {
                        continue;
                    }
                    if v.is_null() && !additional.nullable {
                        if let Some(default) = &additional.default {
                            *v = default.clone();
                        }
                    }
                    apply(additional, v);
                }
            }
        }
        Value::Array(items) => {
            if let Some(item) = &node.items {
                for v in items.iter_mut() {
                    if v.is_null() && !item.nullable {
                        if let Some(default) = &item.default {
                            *v = default.clone();
                        }
                    }
                    apply(item, v);
                }
            }
        }
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn node(schema: Value) -> Node {
        match Node::build(&schema) {
            Ok(n) => n,
            Err(e) => panic!("schema did not build: {}", e.message),
        }
    }

    #[test]
    fn defaults_nested_and_in_items() {
        let n = node(json!({
            "type": "object",
            "properties": {
                "a": {"type": "object", "default": {}, "properties": {
                    "b": {"type": "string", "default": "x"}}},
                "list": {"type": "array", "items": {"type": "object", "properties": {
                    "kind": {"type": "string", "default": "Service"}}}},
                "gone": {"type": "string"}
            }
        }));
        let mut v = json!({"list": [{}, {"kind": "Other"}], "gone": null});
        apply(&n, &mut v);
        assert_eq!(
            v,
            json!({"a": {"b": "x"}, "list": [{"kind": "Service"}, {"kind": "Other"}]})
        );
    }
}
