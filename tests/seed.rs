//! The seed scenario: `examples/aks-store` renders exactly the resources the
//! AKS blog post applies by hand (`../shared/seed/expected/`), field for field.

mod common;

use std::collections::BTreeMap;

use common::*;

#[test]
fn aks_store_renders_the_seed_resources_field_for_field() {
    let tree = render(&root().join("examples/aks-store"));
    let rendered: BTreeMap<_, _> = tree_objects(&tree).into_iter().map(|(_, v)| (key(&v), v)).collect();
    let mut expected = BTreeMap::new();
    for entry in std::fs::read_dir(shared_seed().join("expected")).expect("seed/expected") {
        let path = entry.expect("entry").path();
        let text = std::fs::read_to_string(&path).expect("read");
        for v in parse_stream(&text) {
            // The article applies these with `-n <namespace>`; the rendered ones carry it.
            expected.insert(key(&v), v);
        }
    }
    assert_eq!(
        expected.len(),
        6,
        "seed: Gateway, 2 HTTPRoutes, Namespace, 2 Service patches"
    );
    let rendered_keys: Vec<_> = rendered.keys().collect();
    let expected_keys: Vec<_> = expected.keys().collect();
    assert_eq!(rendered_keys, expected_keys, "same set of objects");
    for (k, want) in &expected {
        assert_eq!(&rendered[k], want, "object {k:?} differs");
    }
}

#[test]
fn aks_store_spec_is_at_most_25_lines() {
    let text = std::fs::read_to_string(root().join("examples/aks-store/gatewright.yaml")).expect("spec");
    let lines = text.lines().count();
    assert!(lines <= 25, "the seed spec has {lines} lines");
}

#[test]
fn two_renders_give_identical_bytes() {
    for example in examples() {
        let a = render(&example);
        let b = render(&example);
        assert_eq!(a, b, "{}", example.display());
        let dir = tempfile::tempdir().expect("tempdir");
        gatewright::emit::write_tree(&a, &dir.path().join("one")).expect("write");
        gatewright::emit::write_tree(&b, &dir.path().join("two")).expect("write");
        for path in a.files.keys() {
            let one = std::fs::read(dir.path().join("one").join(path)).expect("one");
            let two = std::fs::read(dir.path().join("two").join(path)).expect("two");
            assert_eq!(one, two, "{path}");
        }
    }
}
