//! The documentation's links resolve: every relative link and `#anchor` in
//! `README.md`, `CONTRIBUTING.md`, `docs/**/*.md` (and every other Markdown
//! file of the repository outside `tests/`) names a file or folder
//! of the repository and, for a Markdown file, one of its headings (GitHub's
//! anchors). External links are not fetched.

use crate::common;

use crate::common::markdown;

use std::path::PathBuf;

/// The Markdown files whose links are checked: every `*.md` of the
/// repository but the test fixtures (`tests/`) and build output (`target/`).
fn documentation() -> Vec<PathBuf> {
    let root = common::root();
    let skipped = |e: &walkdir::DirEntry| {
        let name = e.file_name().to_string_lossy();
        e.depth() == 1 && (name == "tests" || name == "target") || e.depth() > 0 && name.starts_with('.')
    };
    let mut files = Vec::new();
    for entry in walkdir::WalkDir::new(&root)
        .sort_by_file_name()
        .into_iter()
        .filter_entry(|e| !skipped(e))
    {
        let entry = entry.expect("walk the repository");
        if entry.file_type().is_file() && entry.path().extension().is_some_and(|e| e == "md") {
            files.push(entry.into_path());
        }
    }
    for needed in [
        "README.md",
        "CONTRIBUTING.md",
        "docs/spec.md",
        "BENCHMARKS.md",
        "fuzz/README.md",
    ] {
        assert!(files.contains(&root.join(needed)), "{needed} is checked: {files:?}");
    }
    files
}

#[test]
fn every_link_in_the_readme_and_docs_resolves() {
    let root = common::root();
    let files = documentation();
    assert!(files.len() >= 8, "README, CONTRIBUTING and the docs: {files:?}");
    let mut checked = 0;
    let mut broken = Vec::new();
    for file in &files {
        let text = std::fs::read_to_string(file).unwrap_or_else(|e| panic!("{}: {e}", file.display()));
        checked += markdown::links(&text).len();
        broken.extend(markdown::broken_links(&root, file));
    }
    assert!(checked >= 30, "only {checked} links found");
    assert!(broken.is_empty(), "broken links:\n{}", broken.join("\n"));
}

#[test]
fn the_checker_reports_each_broken_link_and_only_those() {
    let root = common::root().join("tests/doc_links");
    let mut found = markdown::broken_links(&root, &root.join("README.md"));
    found.extend(markdown::broken_links(&root, &root.join("guide/setup.md")));
    assert_eq!(
        found,
        [
            "README.md:9: (guide/missing.md): guide/missing.md does not exist",
            "README.md:9: (guide/setup.md#step-three): no heading with anchor #step-three",
            "README.md:10: (#nowhere): no heading with anchor #nowhere",
            "README.md:10: (../../../../outside.md): leaves the repository",
            "README.md:10: (guide/plain.txt#top): #top is not a heading or a line of a non-Markdown file",
            "README.md:18: (guide/also-missing.md): guide/also-missing.md does not exist",
        ]
    );
}

#[test]
fn anchors_are_githubs() {
    for (title, slug) in [
        (
            "Profiles (`overlays/`, embedded in the binary)",
            "profiles-overlays-embedded-in-the-binary",
        ),
        ("Flux and Argo CD", "flux-and-argo-cd"),
        (
            "Validating against the Gateway API CRDs",
            "validating-against-the-gateway-api-crds",
        ),
        (
            "Template context (stable contract of `v1alpha1`)",
            "template-context-stable-contract-of-v1alpha1",
        ),
        ("`_groups`: large sites", "_groups-large-sites"),
        ("See [the docs](docs/x.md) now", "see-the-docs-now"),
        ("Exit codes: 0, 1 & 2", "exit-codes-0-1--2"),
    ] {
        assert_eq!(markdown::slug(title), slug, "{title}");
    }
    let text = "# A\n## A\n```\n# not a heading\n```\nB\n---\n<a name=\"c\"></a>\n";
    assert_eq!(markdown::anchors(text), ["a", "a-1", "b", "c"]);
}

/// The files a `render` of the README's example writes into one environment's
/// folder, relative to it (from the golden tree that `tests/golden.rs` pins).
fn golden_files(env: &str) -> Vec<String> {
    let dir = common::golden_dir("aks-store", Some(env));
    let mut files: Vec<String> = walkdir::WalkDir::new(&dir)
        .sort_by_file_name()
        .into_iter()
        .map(|e| e.expect("walk golden/"))
        .filter(|e| e.file_type().is_file())
        .map(|e| {
            e.path()
                .strip_prefix(&dir)
                .expect("inside")
                .to_string_lossy()
                .into_owned()
        })
        .collect();
    files.sort();
    files
}

/// The README's output tree (the first code block of "The output"): each
/// environment's files, by folder indentation (two spaces a level).
fn readme_tree() -> (Vec<String>, String) {
    let readme = std::fs::read_to_string(common::root().join("README.md")).expect("README.md");
    let section = readme
        .split("\n## The output\n")
        .nth(1)
        .expect("a section `The output`");
    let block = section.split("```\n").nth(1).expect("a code block");
    let mut folders: Vec<String> = Vec::new();
    let mut dev = Vec::new();
    let mut prod = String::new();
    for line in block.lines() {
        let depth = (line.len() - line.trim_start().len()) / 2;
        let name = line.split_whitespace().next().unwrap_or_default();
        folders.truncate(depth);
        if name.ends_with('/') {
            folders.push(name.trim_end_matches('/').to_string());
        } else if folders.get(1).map(String::as_str) == Some("dev") {
            dev.push([&folders[2..], &[name.to_string()]].concat().join("/"));
        } else if folders.get(1).map(String::as_str) == Some("prod") {
            prod.push_str(line);
        }
    }
    dev.sort();
    (dev, prod)
}

#[test]
fn the_readme_shows_the_files_its_first_command_writes() {
    let (dev, prod) = readme_tree();
    assert_eq!(dev, golden_files("dev"), "the README's tree of out/aks-store/dev/");
    let extra: Vec<String> = golden_files("prod").into_iter().filter(|f| !dev.contains(f)).collect();
    assert!(!extra.is_empty(), "prod writes more than dev");
    for file in &extra {
        assert!(
            prod.contains(file.as_str()),
            "the README's prod/ line names {file}: `{prod}`"
        );
    }
    assert!(
        golden_files("dev").iter().all(|f| golden_files("prod").contains(f)),
        "prod/ holds the same files as dev/"
    );
}
