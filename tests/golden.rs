//! Golden trees: `golden/<example>/<env>/` (or `golden/<example>/` for an
//! example without overlays) holds the expected output of every example ×
//! environment, byte for byte. A change to the output fails this test with the
//! files that differ. The GitOps objects of an example with a `gitops:`
//! section are in `golden/<example>/_gitops/`. To accept a reviewed change, run
//! `INSTA_UPDATE=always cargo test golden::` and commit the new golden
//! files, saying why in the commit message.

use crate::common;

use std::collections::BTreeMap;
use std::path::Path;

use common::*;

#[test]
fn every_example_matches_its_golden_tree() {
    let bless = common::accept::accepting();
    let mut problems = Vec::new();
    let mut trees = example_trees();
    trees.extend(gitops_trees());
    for (example, env, tree) in &trees {
        let golden = golden_dir(example, env.as_deref());
        let name = match env {
            Some(env) => format!("{example}/{env}"),
            None => example.clone(),
        };
        if bless {
            gatewright::emit::write_tree(tree, &golden).expect("bless");
            continue;
        }
        let on_disk = read_tree(&golden);
        for (path, text) in &tree.files {
            match on_disk.get(path) {
                None => problems.push(format!("{name}: missing golden file {path}")),
                Some(disk) if disk != text => problems.push(format!("{name}: {path} differs:\n{}", diff(disk, text))),
                Some(_) => {}
            }
        }
        for path in on_disk.keys().filter(|p| !tree.files.contains_key(*p)) {
            problems.push(format!("{name}: golden file {path} is no longer rendered"));
        }
    }
    // Every golden tree belongs to an example × environment that is still rendered.
    let expected: Vec<_> = trees.iter().map(|(e, env, _)| golden_dir(e, env.as_deref())).collect();
    for entry in std::fs::read_dir(root().join("golden"))
        .expect("golden/")
        .filter_map(Result::ok)
    {
        let dir = entry.path();
        if expected.contains(&dir) {
            continue;
        }
        let envs: Vec<_> = std::fs::read_dir(&dir)
            .expect("golden example")
            .filter_map(Result::ok)
            .map(|e| e.path())
            .collect();
        for sub in envs {
            if !expected.iter().any(|e| e == &sub || sub.starts_with(e)) {
                problems.push(format!(
                    "{} is not the output of any example × environment",
                    sub.display()
                ));
            }
        }
    }
    assert!(
        problems.is_empty(),
        "golden trees differ (INSTA_UPDATE=always cargo test golden:: to accept after review):\n{}",
        problems.join("\n")
    );
}

/// The GitOps objects of every example with a `gitops:` section, as the tree
/// `golden/<example>/_gitops/` (what `render` writes to the spec's `gitops.objects`).
fn gitops_trees() -> Vec<(String, Option<String>, gatewright::emit::Tree)> {
    let mut out = Vec::new();
    for example in examples() {
        let name = example.file_name().expect("name").to_string_lossy().into_owned();
        let targets = gatewright::driver::compile_targets(&gatewright::Options {
            spec: example.clone(),
            ..Default::default()
        })
        .expect("plan");
        if let Some(generated) = gatewright::driver::gitops_objects(&targets) {
            let tree = generated.result.expect("GitOps objects generate");
            out.push((name, Some("_gitops".to_string()), tree));
        }
    }
    out
}

fn read_tree(dir: &Path) -> BTreeMap<String, String> {
    walkdir::WalkDir::new(dir)
        .sort_by_file_name()
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_file())
        .map(|e| {
            let rel = e
                .path()
                .strip_prefix(dir)
                .expect("prefix")
                .to_string_lossy()
                .replace('\\', "/");
            (rel, std::fs::read_to_string(e.path()).expect("read"))
        })
        .collect()
}

fn diff(old: &str, new: &str) -> String {
    similar::TextDiff::from_lines(old, new)
        .unified_diff()
        .header("golden", "rendered")
        .to_string()
}

/// Every example's targets compiled twice, with `set(options, false)` and
/// `set(options, true)`: `(example and environment, first, second)`.
fn every_example_both_ways(
    set: impl Fn(&mut gatewright::Options, bool),
) -> Vec<(String, gatewright::Outcome, gatewright::Outcome)> {
    let mut out = Vec::new();
    for example in examples() {
        let compile = |on: bool| {
            let mut options = gatewright::Options {
                spec: example.clone(),
                ..Default::default()
            };
            set(&mut options, on);
            gatewright::driver::compile_targets(&options).expect("plan")
        };
        let (off, on) = (compile(false), compile(true));
        assert_eq!(off.len(), on.len());
        for ((target, a), (_, b)) in off.into_iter().zip(on) {
            out.push((format!("{} {:?}", example.display(), target.env), a, b));
        }
    }
    out
}

/// `lean` (what `render` sets) drops the spec's nodes after analysis, and
/// changes nothing else: every example's trees and findings are the same.
#[test]
fn a_lean_compile_gives_the_same_trees_and_findings() {
    for (what, a, b) in every_example_both_ways(|o, on| o.lean = on) {
        assert_eq!(format!("{:?}", a.diagnostics), format!("{:?}", b.diagnostics), "{what}");
        let (a, b) = (a.output.as_ref().expect("output"), b.output.as_ref().expect("output"));
        assert_eq!(a.tree().expect("a tree"), b.tree().expect("a tree"), "{what}");
        let origin = &a.model.routes.first().expect("a route").origin;
        assert!(a.provenance.locate(origin).is_some(), "{what}: {origin} located");
        assert!(b.provenance.locate(origin).is_none(), "{what}: lean keeps no nodes");
    }
}

/// `objects_only` (what `render --stdout` sets) builds no tree: only the
/// objects, in the order of their paths in the whole tree (each path once),
/// and the same stream.
#[test]
fn an_objects_only_compile_prints_the_same_stream() {
    for (what, a, b) in every_example_both_ways(|o, on| o.objects_only = on) {
        let (a, b) = (a.output.expect("output"), b.output.expect("output"));
        let tree = a.tree().expect("a whole tree");
        let gatewright::driver::Output::Objects(objects) = &b.output else {
            panic!("{what}: an objects_only compile lays out no tree");
        };
        let kept: Vec<(&str, &str)> = tree
            .files
            .iter()
            .filter(|(p, _)| !(p.ends_with("kustomization.yaml") || p.contains("/upstream/")))
            .map(|(p, t)| (p.as_str(), t.as_str()))
            .collect();
        let paths: Vec<String> = objects
            .documents()
            .map(|d| format!("{}/{}", d.folder, d.file_name))
            .collect();
        let listed: Vec<(&str, &str)> = paths
            .iter()
            .zip(objects.documents())
            .map(|(p, d)| (p.as_str(), d.text.as_str()))
            .collect();
        assert_eq!(kept, listed, "{what}");
        assert_eq!(tree.to_stream(), objects.to_stream(), "{what}");
    }
}
