//! What the API server does to a created object before validating it, beyond
//! defaulting ([`super::defaults`]): integral floats in integer fields become
//! integers, `null` metadata fields are unset (a `null` label or annotation
//! value is empty), and `status` is dropped when the
//! version has the status subresource.

use serde_json::{Number, Value};

use super::node::Node;

/// Prepare `object` as the API server would before validation. `drops_status`:
/// the version has the `status` subresource, so create ignores `status`.
pub(super) fn prepare(node: &Node, object: &mut Value, drops_status: bool) {
    integers(node, object);
    if let Some(map) = object.as_object_mut() {
        if drops_status {
            map.remove("status");
        }
        match map.get_mut("metadata") {
            Some(Value::Object(meta)) => {
                meta.retain(|_, v| !v.is_null());
                // A null value of a string map decodes as the empty string.
                for field in ["labels", "annotations"] {
                    if let Some(Value::Object(entries)) = meta.get_mut(field) {
                        entries
                            .values_mut()
                            .filter(|v| v.is_null())
                            .for_each(|v| *v = Value::from(""));
                    }
                }
            }
            Some(meta @ Value::Null) => *meta = Value::Object(serde_json::Map::new()),
            _ => {}
        }
    }
}

/// `8080.0` and `8.0e+1` in fields typed `integer` (or int-or-string) become
/// integers: JSON decoding accepts a float without a fraction for an integer.
fn integers(node: &Node, value: &mut Value) {
    match value {
        Value::Number(n) if node.ty.as_deref() == Some("integer") || node.int_or_string => {
            if let Some(i) = integral(n) {
                *n = Number::from(i);
            }
        }
        Value::Object(map) => {
            for (name, v) in map.iter_mut() {
                if let Some(child) = node.properties.get(name).or(node.additional.as_deref()) {
                    integers(child, v);
                }
            }
        }
        Value::Array(items) => {
            if let Some(item) = &node.items {
                items.iter_mut().for_each(|v| integers(item, v));
            }
        }
        _ => {}
    }
}

/// The integer a float without a fraction stands for, within the range
/// where every integer is exact as a float (the API server's bound, 2^53).
fn integral(n: &Number) -> Option<i64> {
    const EXACT: f64 = 9_007_199_254_740_992.0;
    if n.is_i64() || n.is_u64() {
        return None;
    }
    let f = n.as_f64()?;
    (f.fract() == 0.0 && (-EXACT..=EXACT).contains(&f)).then_some(f as i64)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn integral_floats_status_and_null_metadata() {
        let schema = json!({"type": "object", "properties": {
            "spec": {"type": "object", "properties": {
                "port": {"type": "integer"}, "weight": {"type": "number"},
                "target": {"x-kubernetes-int-or-string": true},
                "ports": {"type": "array", "items": {"type": "integer"}}}},
            "status": {"type": "object"}}});
        let node = match Node::build(&schema) {
            Ok(n) => n,
            Err(e) => panic!("{}", e.message),
        };
        let mut v = json!({"metadata": {"name": "a", "namespace": null, "labels": null, "annotations": {"x": null}},
            "spec": {"port": 8080.0, "weight": 2.0, "target": 80.0, "ports": [1.0, 2.5]},
            "status": {"x": 1}});
        prepare(&node, &mut v, true);
        assert_eq!(
            v,
            json!({"metadata": {"name": "a", "annotations": {"x": ""}},
                "spec": {"port": 8080, "weight": 2.0, "target": 80, "ports": [1, 2.5]}})
        );
        let mut kept = json!({"status": {}, "metadata": null, "spec": {"port": 1e20}});
        prepare(&node, &mut kept, false);
        assert_eq!(kept, json!({"status": {}, "metadata": {}, "spec": {"port": 1e20}}));
    }
}
