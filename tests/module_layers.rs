//! Imports point one way: no cycle between the top-level modules of `src/`,
//! nor between the files of one module. And the library boundary is held by
//! lints, which only the binary (`src/main.rs`, `src/cli/`) may lift.
//!
//! The edges are read from the source text: `use` trees (with `{...}` groups,
//! `self`, `super` and globs), and `crate::`/`super::`/`self::` paths in code.
//! Comments and string literals are skipped. In the binary (`main.rs`,
//! `cli/`), `gatewright::` paths are edges into the library. A module's root
//! file (`x.rs` or `x/mod.rs`) declares and re-exports its files, so it is left
//! out of the file-level graph; edges between sibling files are checked.

use crate::common;
use crate::common::layers;

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use layers::{ModPath, lint_levels, paths, source_files};

/// Where an edge comes from, for the failure message.
type Sites = BTreeMap<(String, String), String>;

#[test]
fn top_level_modules_form_no_cycle() {
    let files = source_files();
    let modules: BTreeSet<&String> = files.iter().filter_map(|f| f.module.first()).collect();
    let mut graph: Sites = BTreeMap::new();
    for file in &files {
        for (target, line) in &file.targets {
            let (Some(from), Some(to)) = (file.module.first(), target.first()) else {
                continue;
            };
            if from != to && modules.contains(to) {
                graph
                    .entry((from.clone(), to.clone()))
                    .or_insert_with(|| format!("{}:{line}", file.rel));
            }
        }
    }
    assert!(graph.len() > 40, "too few edges read; is the parser broken? {graph:?}");
    let cycles = cycles(&graph);
    assert!(
        cycles.is_empty(),
        "import cycles between top-level modules of src/:\n{}",
        cycles.join("\n")
    );
}

#[test]
fn files_of_one_module_form_no_cycle() {
    let files = source_files();
    let file_modules: BTreeSet<&[String]> = files.iter().map(|f| f.module.as_slice()).collect();
    let mut graph: Sites = BTreeMap::new();
    for file in files.iter().filter(|f| f.module.len() >= 2) {
        for (target, line) in &file.targets {
            let (from, to) = (&file.module[..2], target.get(..2).unwrap_or_default());
            if to.len() == 2 && from[0] == to[0] && from[1] != to[1] && file_modules.contains(to) {
                let key = (from.join("::"), to.join("::"));
                graph.entry(key).or_insert_with(|| format!("{}:{line}", file.rel));
            }
        }
    }
    assert!(
        graph.contains_key(&("emit::write".into(), "emit::lock".into())),
        "parser lost emit's edges"
    );
    let cycles = cycles(&graph);
    assert!(
        cycles.is_empty(),
        "import cycles between files of one module:\n{}",
        cycles.join("\n")
    );
}

#[test]
fn the_reader_sees_groups_paths_and_super() {
    let text = r###"
        // use crate::comment;
        use crate::{a, b::c, d::{self, e::*}};
        use super::{sibling, Item as Other};
        fn f() -> crate::x::Y { let _ = "crate::string"; let _ = 'c'; crate::z::g::<'static>() }
        mod inner { use super::super::up; }
        /* crate::block /* nested */ crate::still_comment */
        const Q: (char, char, &str) = ('\'', '"', r##"crate::raw "# "##);
        fn h<'a>(_: &'a str) { crate::last::L }
    "###;
    let module: ModPath = vec!["m".into(), "file".into()];
    let mut seen: Vec<String> = paths(text, &module, false)
        .into_iter()
        .map(|(p, _)| p.join("::"))
        .collect();
    seen.sort();
    let expected = [
        "a",
        "b::c",
        "d",
        "d::e",
        "last::L",
        "m::Item",
        "m::sibling",
        "m::up",
        "x::Y",
        "z::g",
    ];
    assert_eq!(seen, expected);
}

/// What only the binary may do: print, exit, and (once) use `unsafe`.
const BINARY_ONLY: &[&str] = &[
    "clippy::print_stdout",
    "clippy::print_stderr",
    "clippy::exit",
    "clippy::disallowed_methods",
    "unsafe_code",
];

#[test]
fn the_library_may_not_print_exit_or_use_unsafe() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let read = |name: &str| std::fs::read_to_string(root.join(name)).unwrap_or_default();
    let lib = lint_levels(&read("src/lib.rs"));
    for lint in BINARY_ONLY.iter().filter(|l| l.starts_with("clippy::")) {
        assert!(
            lib.contains(&("deny".into(), lint.to_string())),
            "src/lib.rs does not deny {lint}"
        );
    }
    let cargo = read("Cargo.toml");
    let rust_lints = cargo
        .split("[lints.rust]")
        .nth(1)
        .and_then(|s| s.split("\n[").next())
        .unwrap_or_default();
    assert!(
        rust_lints.lines().any(|l| l.trim() == "unsafe_code = \"deny\""),
        "Cargo.toml does not deny unsafe_code"
    );
    let clippy = read("clippy.toml");
    for path in [
        "std::io::stdout",
        "std::io::stderr",
        "std::process::exit",
        "std::process::abort",
    ] {
        assert!(
            clippy.contains(&format!("path = \"{path}\"")),
            "clippy.toml does not disallow {path}"
        );
    }
    let pinned = cargo
        .lines()
        .find(|l| l.starts_with("libmimalloc-sys "))
        .unwrap_or_default();
    assert!(
        pinned.contains("version = \"="),
        "libmimalloc-sys is not pinned exactly: {pinned}"
    );
    for file in source_files()
        .iter()
        .filter(|f| f.rel != "src/main.rs" && !f.rel.starts_with("src/cli/"))
    {
        let text = read(&file.rel);
        for (level, lint) in lint_levels(&text) {
            let lifted = matches!(level.as_str(), "allow" | "expect" | "warn");
            assert!(
                !(lifted && BINARY_ONLY.contains(&lint.as_str())),
                "{} lifts {lint} ({level})",
                file.rel
            );
        }
    }
}

/// Every cycle a depth-first walk closes, as `a -> b -> a` with the place
/// each edge is made.
fn cycles(graph: &Sites) -> Vec<String> {
    let mut next: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
    for (from, to) in graph.keys() {
        next.entry(from).or_default().push(to);
    }
    let mut done = BTreeSet::new();
    let mut found = Vec::new();
    for start in next.keys() {
        visit(start, &next, &mut Vec::new(), &mut done, &mut |cycle: &[&str]| {
            let hops: Vec<String> = cycle
                .windows(2)
                .map(|w| {
                    format!(
                        "  {} -> {} ({})",
                        w[0],
                        w[1],
                        graph[&(w[0].to_string(), w[1].to_string())]
                    )
                })
                .collect();
            found.push(format!("{}\n{}", cycle.join(" -> "), hops.join("\n")));
        });
    }
    found
}

fn visit<'a>(
    node: &'a str,
    next: &BTreeMap<&'a str, Vec<&'a str>>,
    stack: &mut Vec<&'a str>,
    done: &mut BTreeSet<&'a str>,
    report: &mut impl FnMut(&[&str]),
) {
    if done.contains(node) {
        return;
    }
    if let Some(at) = stack.iter().position(|n| *n == node) {
        let mut cycle = stack[at..].to_vec();
        cycle.push(node);
        report(&cycle);
        return;
    }
    stack.push(node);
    for to in next.get(node).into_iter().flatten() {
        visit(to, next, stack, done, report);
    }
    stack.pop();
    done.insert(node);
}

/// One module style for folders: `x/mod.rs`, never `x.rs` beside `x/`.
#[test]
fn folder_modules_use_mod_rs() {
    let src = common::root().join("src");
    let mut mixed = Vec::new();
    let mut dirs = Vec::new();
    let mut stack = vec![src.clone()];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).expect("src") {
            let path = entry.expect("entry").path();
            if path.is_dir() {
                stack.push(path.clone());
                dirs.push(path);
            }
        }
    }
    for dir in dirs {
        if dir.with_extension("rs").is_file() {
            mixed.push(dir.strip_prefix(&src).unwrap_or(&dir).display().to_string());
        }
    }
    mixed.sort();
    assert!(mixed.is_empty(), "x.rs beside x/ (move x.rs to x/mod.rs): {mixed:?}");
}
