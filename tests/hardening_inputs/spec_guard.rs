//! Item 8: GW706 recognises a spec file in the output by parsing it.

use super::*;

#[test]
fn a_spec_file_in_the_output_is_found_however_it_is_written() {
    let comments = "# padding\n".repeat(7000);
    let hidden: Vec<(&str, String)> = vec![
        ("bom.yaml", format!("\u{feff}{SITE}")),
        (
            "quoted.yaml",
            "\"apiVersion\": 'gatewright.dev/v1alpha1'\n\"kind\": Site\n".into(),
        ),
        (
            "flow.yaml",
            "{\"apiVersion\": \"gatewright.dev/v1alpha1\", \"kind\": \"Site\"}\n".into(),
        ),
        (
            "anchor.yaml",
            "apiVersion: &v gatewright.dev/v1alpha1\nkind: Site\n".into(),
        ),
        (
            "tag.yaml",
            "apiVersion: !!str gatewright.dev/v1alpha1\nkind: Site\n".into(),
        ),
        (
            "next-line.yaml",
            "apiVersion:\n  gatewright.dev/v1alpha1\nkind: Site\n".into(),
        ),
        (
            "block.yaml",
            "apiVersion: >-\n  gatewright.dev/v1alpha1\nkind: Site\n".into(),
        ),
        (
            "escaped.yaml",
            "apiVersion: \"gatewright\\x2edev/v1alpha1\"\nkind: Site\n".into(),
        ),
        (
            "comments.yaml",
            format!("{comments}kind: Site\napiVersion: gatewright.dev/v1alpha1\n"),
        ),
        (
            "second-doc.yaml",
            format!("apiVersion: v1\nkind: ConfigMap\nmetadata: {{name: a}}\n---\n{SITE}"),
        ),
        (
            "site.json",
            "{\"apiVersion\": \"gatewright.dev/v1alpha1\", \"kind\": \"Site\"}".into(),
        ),
        ("upper.YML", SITE.into()),
        (
            "merge.yaml",
            "<<: {apiVersion: gatewright.dev/v1alpha1}\nkind: Site\n".into(),
        ),
        (
            "list.yaml",
            "apiVersion: v1\nkind: List\nitems:\n- {apiVersion: gatewright.dev/v1alpha1, kind: Site}\n".into(),
        ),
    ];
    for (name, text) in &hidden {
        let dir = tempfile::tempdir().expect("tempdir");
        write(&dir.path().join("out").join(name), text);
        let found = gatewright::emit::spec_files_under(&dir.path().join("out"));
        assert_eq!(found.len(), 1, "{name} is a spec file");
    }
    let dir = tempfile::tempdir().expect("tempdir");
    write(&dir.path().join("site/spec.yaml"), SPEC);
    write(&dir.path().join("deploy/nested/quoted.yaml"), &hidden[1].1);
    let out = run(&["render", "site", "--out", "deploy"], dir.path());
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(err.contains("error[GW706]") && err.contains("quoted.yaml"), "{err}");
}

#[test]
fn a_file_that_only_mentions_gatewright_is_not_a_spec_file() {
    let dir = tempfile::tempdir().expect("tempdir");
    let out = dir.path().join("out");
    write(
        &out.join("notes.yaml"),
        "# rendered from apiVersion: gatewright.dev/v1alpha1\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\ndata: {apiVersion: gatewright.dev/v1alpha1}\n",
    );
    assert!(gatewright::emit::spec_files_under(&out).is_empty());
}
