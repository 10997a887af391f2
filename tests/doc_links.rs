//! The documentation's links resolve: every relative link and `#anchor` in
//! `README.md`, `CONTRIBUTING.md` and `docs/**/*.md` names a file or folder
//! of the repository and, for a Markdown file, one of its headings (GitHub's
//! anchors). External links are not fetched.

mod common;

#[path = "common/markdown.rs"]
mod markdown;

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
