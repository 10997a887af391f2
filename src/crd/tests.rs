//! Unit tests of the CRD module on small hand-written CRDs.

use serde_json::{Value, json};

use super::{CrdError, CrdSet, Rule};

const CRD: &str = r#"
# a comment-only header
---
apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata:
  name: widgets.example.com
spec:
  group: example.com
  scope: Namespaced
  names: {kind: Widget, plural: widgets}
  versions:
  - name: v1alpha1
    served: false
    storage: false
    schema: {openAPIV3Schema: {type: object}}
  - name: v1
    served: true
    storage: true
    schema:
      openAPIV3Schema:
        type: object
        properties:
          apiVersion: {type: string}
          kind: {type: string}
          metadata: {type: object}
          spec:
            type: object
            properties:
              port:
                x-kubernetes-int-or-string: true
                anyOf: [{type: integer}, {type: string}]
              tags:
                type: array
                maxItems: 2
                items: {type: string}
                x-kubernetes-list-type: set
              listeners:
                type: array
                items:
                  type: object
                  required: [name]
                  properties:
                    name: {type: string}
                    allowedRoutes:
                      type: object
                      default: {namespaces: {from: Same}}
                      properties:
                        namespaces:
                          type: object
                          properties:
                            from: {type: string, enum: [All, Same]}
                  x-kubernetes-validations:
                  - rule: self.allowedRoutes.namespaces.from == 'Same' || self.name == 'open'
                    message: only the listener `open` may admit all namespaces
                    fieldPath: .allowedRoutes
                  - rule: self == oldSelf
                    message: immutable
---
apiVersion: admissionregistration.k8s.io/v1
kind: ValidatingAdmissionPolicy
metadata: {name: ignored}
"#;

fn set() -> CrdSet {
    match CrdSet::from_yaml(CRD, "widgets.yaml") {
        Ok(set) => set,
        Err(e) => panic!("{e}"),
    }
}

fn widget(spec: Value) -> Value {
    json!({"apiVersion": "example.com/v1", "kind": "Widget",
           "metadata": {"name": "w", "namespace": "default"}, "spec": spec})
}

fn check(spec: Value) -> Vec<(String, Rule)> {
    match set().validate(&widget(spec)) {
        Some(v) => v.into_iter().map(|v| (v.pointer, v.rule)).collect(),
        None => panic!("Widget not covered"),
    }
}

#[test]
fn covers_served_versions_only() {
    let set = set();
    assert!(set.covers("example.com/v1", "Widget"));
    assert!(!set.covers("example.com/v1alpha1", "Widget"));
    assert_eq!(set.rule_count(), 1, "the transition rule is skipped");
    assert!(set.validate(&json!({"apiVersion": "v1", "kind": "Service"})).is_none());
    assert!(set.validate(&json!({"kind": "Widget"})).is_none());
    assert!(set.validate(&json!([1, 2])).is_none());
}

#[test]
fn unknown_field_is_reported_at_its_pointer() {
    assert_eq!(
        check(json!({"port": 1, "prot": 2})),
        [("/spec/prot".to_owned(), Rule::Schema("additionalProperties".to_owned()))]
    );
}

#[test]
fn int_or_string() {
    assert!(check(json!({"port": 80})).is_empty());
    assert!(check(json!({"port": "http"})).is_empty());
    let found = check(json!({"port": true}));
    assert!(found.iter().any(|(p, _)| p == "/spec/port"), "{found:?}");
}

#[test]
fn too_many_items_reports_max_items_and_duplicates() {
    let v = set()
        .validate(&widget(json!({"tags": ["a", "b", "a"]})))
        .unwrap_or_default();
    let max = v.iter().find(|v| v.rule == Rule::Schema("maxItems".to_owned()));
    assert_eq!(
        max.map(|v| (v.pointer.as_str(), v.message.as_str())),
        Some(("/spec/tags", "must have at most 2 items, found 3"))
    );
    assert!(
        v.iter()
            .any(|v| v.rule == Rule::ListType && v.pointer == "/spec/tags/2")
    );
    // maxItems makes the API server skip CEL rules; say so
    assert!(v.iter().any(|v| v.rule == Rule::CelNotEvaluated));
}

#[test]
fn defaults_are_applied_before_cel() {
    // No allowedRoutes: the default `from: Same` makes the rule pass, where the
    // rule would otherwise fail to evaluate (no such key).
    assert!(check(json!({"listeners": [{"name": "a"}]})).is_empty());
    let found = check(json!({"listeners": [{"name": "a", "allowedRoutes": {"namespaces": {"from": "All"}}}]}));
    assert_eq!(
        found,
        [(
            "/spec/listeners/0/allowedRoutes".to_owned(),
            Rule::Cel {
                rule: "self.allowedRoutes.namespaces.from == 'Same' || self.name == 'open'".to_owned()
            }
        )]
    );
}

#[test]
fn defaulted_is_the_object_the_api_server_stores() {
    let set = set();
    let given = widget(json!({"port": null, "listeners": [
        {"name": "a"},
        {"name": "b", "allowedRoutes": {"namespaces": {"from": "All"}}}
    ]}));
    let stored = widget(json!({"listeners": [
        {"name": "a", "allowedRoutes": {"namespaces": {"from": "Same"}}},
        {"name": "b", "allowedRoutes": {"namespaces": {"from": "All"}}}
    ]}));
    assert_eq!(set.defaulted(&given), Some(stored));
    assert_eq!(set.defaulted(&json!({"apiVersion": "v1", "kind": "Service"})), None);
}

#[test]
fn metadata_is_checked() {
    let mut w = widget(json!({}));
    w["metadata"]["name"] = json!("Not_A_Name");
    let v = set().validate(&w).unwrap_or_default();
    assert_eq!(v.len(), 1);
    assert_eq!((v[0].pointer.as_str(), &v[0].rule), ("/metadata/name", &Rule::Metadata));
}

#[test]
fn unsupported_rules_fail_the_load() {
    let text = CRD.replace("self == oldSelf", "self.name.nosuchfn()");
    match CrdSet::from_yaml(&text, "widgets.yaml") {
        Err(e @ CrdError::Rule { .. }) => assert!(e.to_string().contains("nosuchfn"), "{e}"),
        Err(e) => panic!("unexpected error {e}"),
        Ok(_) => panic!("a rule calling an unknown function was accepted"),
    }
    let text = CRD.replace("self == oldSelf", "self.name ==");
    assert!(matches!(
        CrdSet::from_yaml(&text, "widgets.yaml"),
        Err(CrdError::Rule { .. })
    ));
}

#[test]
fn malformed_files_are_errors_not_panics() {
    let bad =
        "---\napiVersion: apiextensions.k8s.io/v1\nkind: CustomResourceDefinition\nmetadata: {name: x}\nspec: {}\n";
    let e = CrdSet::from_yaml(bad, "bad.yaml").err().map(|e| e.to_string());
    assert!(
        e.as_deref().is_some_and(|e| e.starts_with("bad.yaml:2: document 0")),
        "{e:?}"
    );
    assert!(CrdSet::from_yaml("a: [", "broken.yaml").is_err());
    assert!(CrdSet::from_yaml("", "empty.yaml").is_ok());
}

#[test]
fn odd_objects_do_not_panic() {
    let set = set();
    // (`spec: null` is pruned, as the API server does: not an error)
    for spec in [
        json!([]),
        json!("x"),
        json!({"listeners": [null, 1, {"name": 1}]}),
        json!({"listeners": {"a": 1}}),
        json!({"tags": [[], {}, null]}),
    ] {
        let v = set.validate(&widget(spec.clone()));
        assert!(v.is_some_and(|v| !v.is_empty()), "{spec} was accepted");
    }
    let v = set.validate(&json!({"apiVersion": "example.com/v1", "kind": "Widget"}));
    assert!(v.is_some_and(|v| v.iter().any(|v| v.pointer == "/metadata")));
}

#[test]
fn set_is_send_and_sync() {
    fn assert_send_sync<T: Send + Sync>() {}
    assert_send_sync::<CrdSet>();
}

/// `format.<name>().validate(s)` returns `optional.none()` when `s` is valid,
/// as in Kubernetes; the XMesh rule compares that with `null`.
#[test]
fn named_format_validate() {
    let text = CRD.replace(
        "self.allowedRoutes.namespaces.from == 'Same' || self.name == 'open'",
        "'!format.dns1123Label().validate(self.name).hasValue()'",
    );
    let set = match CrdSet::from_yaml(&text, "widgets.yaml") {
        Ok(set) => set,
        Err(e) => panic!("{e}"),
    };
    let run = |name: &str| {
        set.validate(&widget(json!({"listeners": [{"name": name}]})))
            .map(|v| v.len())
    };
    assert_eq!(run("ok-name"), Some(0));
    assert_eq!(run("Not OK"), Some(1));
    let text = text.replace(
        "'!format.dns1123Label().validate(self.name).hasValue()'",
        "format.dns1123Label().validate(self.name) == null",
    );
    let set = CrdSet::from_yaml(&text, "widgets.yaml").ok();
    let v = set.and_then(|s| s.validate(&widget(json!({"listeners": [{"name": "ok-name"}]}))));
    // `optional.none() == null` is false (an optional equals only an optional),
    // so this form of the rule refuses even a valid name. The experimental
    // XMesh CRD of v1.6.1 writes its port-name rule this way.
    assert_eq!(v.map(|v| v.len()), Some(1));
}
