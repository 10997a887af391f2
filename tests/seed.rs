//! The seed scenario: `examples/aks-store` renders exactly the resources the
//! AKS blog post applies by hand (`../shared/seed/expected/`), field for field.

use crate::common;

use std::collections::BTreeMap;

use common::*;

#[test]
fn aks_store_renders_the_seed_resources_field_for_field() {
    let Some(seed) = shared_seed() else { return };
    // The base spec, and the `dev` environment that `gatewright render examples/aks-store` writes.
    let base = render(&root().join("examples/aks-store"));
    assert_matches_seed(&seed, &base);
    let dir = tempfile::tempdir().expect("tempdir");
    let status = crate::common::cli::bin()
        .args(["render", "examples/aks-store", "--out"])
        .arg(dir.path())
        .current_dir(root())
        .env("GATEWRIGHT_NO_CACHE", "1")
        .status()
        .expect("run gatewright");
    assert!(status.success(), "gatewright render examples/aks-store failed");
    let mut dev = gatewright::emit::Tree::default();
    for entry in walkdir::WalkDir::new(dir.path().join("dev")).sort_by_file_name() {
        let entry = entry.expect("walk");
        if entry.file_type().is_file() {
            let rel = entry.path().strip_prefix(dir.path().join("dev")).expect("prefix");
            let text = std::fs::read_to_string(entry.path()).expect("read");
            dev.files.insert(rel.to_string_lossy().replace('\\', "/"), text);
        }
    }
    assert_matches_seed(&seed, &dev);
}

fn assert_matches_seed(seed: &std::path::Path, tree: &gatewright::emit::Tree) {
    let rendered: BTreeMap<_, _> = tree_objects(tree).into_iter().map(|(_, v)| (key(&v), v)).collect();
    let mut expected = BTreeMap::new();
    for entry in std::fs::read_dir(seed.join("expected")).expect("seed/expected") {
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
        // Two parents: the render lock is taken on the output's parent, and a
        // child process that another test forks meanwhile inherits it until it execs.
        let (dir_one, dir_two) = (
            tempfile::tempdir().expect("tempdir"),
            tempfile::tempdir().expect("tempdir"),
        );
        gatewright::emit::write_tree(&a, &dir_one.path().join("one")).expect("write");
        gatewright::emit::write_tree(&b, &dir_two.path().join("two")).expect("write");
        for path in a.files.keys() {
            let one = std::fs::read(dir_one.path().join("one").join(path)).expect("one");
            let two = std::fs::read(dir_two.path().join("two").join(path)).expect("two");
            assert_eq!(one, two, "{path}");
        }
    }
}
