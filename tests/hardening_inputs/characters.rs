//! Item 9: the characters YAML forbids are refused, located, by every reader.

use super::*;

#[test]
fn a_nul_byte_in_a_spec_is_an_error_at_its_line_and_column() {
    let dir = tempfile::tempdir().expect("tempdir");
    let text = SPEC.replace("      a: {", "      a\0: {");
    write(
        &dir.path().join("spec.yaml"),
        format!("{text}  more:\n    routes:\n      b: {{ host: b.aks.rocks, to: b:80 }}\n"),
    );
    let out = run(&["render", "spec.yaml", "--stdout"], dir.path());
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(out.stdout.is_empty());
    assert!(err.contains("error[GW102]") && err.contains("NUL"), "{err}");
    assert!(err.contains("spec.yaml:11:8"), "{err}");
}

#[test]
fn characters_yaml_forbids_are_refused_and_the_ones_it_allows_are_read() {
    let limits = gatewright::yaml::Limits::default();
    for bad in [
        "\0", "\u{1}", "\u{8}", "\u{b}", "\u{c}", "\u{1b}", "\u{7f}", "\u{80}", "\u{9b}", "\u{feff}", "\u{fffe}",
        "\u{ffff}",
    ] {
        for text in [
            format!("a: \"x{bad}y\"\n"),
            format!("a: x{bad}y\n"),
            format!("# {bad}\na: 1\n"),
        ] {
            let e = gatewright::yaml::read_documents(&text, &limits).expect_err(&format!("{bad:?} in {text:?}"));
            assert_eq!(e.line, 1, "{text:?}");
            let col = text.chars().position(|c| c.to_string() == bad).expect("in text") + 1;
            assert_eq!(e.col as usize, col, "{text:?}: {}", e.message);
        }
    }
    let e = gatewright::yaml::read_documents("a: 1\nb: |\n  x\u{1}\n", &limits).expect_err("second line");
    assert_eq!((e.line, e.col), (3, 4));
    for good in [
        "\t",
        "\u{85}",
        "\u{a0}",
        "é",
        "\u{d7ff}",
        "\u{e000}",
        "\u{fffd}",
        "\u{10000}",
        "😀",
    ] {
        let text = format!("a: \"x{good}y\"\n");
        let docs = gatewright::yaml::read_documents(&text, &limits).unwrap_or_else(|e| panic!("{good:?}: {e}"));
        assert_eq!(docs[0].to_json()["a"], format!("x{good}y"));
    }
    assert!(
        gatewright::yaml::read_documents("\u{feff}a: 1\n", &limits).is_ok(),
        "a BOM first"
    );
    assert!(
        gatewright::yaml::read_bytes(b"\xef\xbb\xbfa: 1\n", &limits).is_ok(),
        "a BOM first"
    );
}

const CRD: &str = "apiVersion: apiextensions.k8s.io/v1\nkind: CustomResourceDefinition\nmetadata: { name: widgets.example.com }\nspec:\n  group: example.com\n  scope: Namespaced\n  names: { kind: Widget, plural: widgets }\n  versions:\n  - name: v1\n    served: true\n    storage: true\n    schema:\n      openAPIV3Schema:\n        type: object\n        properties:\n          spec: { type: object, properties: { size: { type: integer } } }\n";

#[test]
fn a_nul_byte_is_refused_by_every_reader() {
    let dir = tempfile::tempdir().expect("tempdir");
    let p = dir.path();
    let widget = "apiVersion: example.com/v1\nkind: Widget\nmetadata: { name: a, namespace: b }\nspec: { size: 1 }\n";
    write(&p.join("crds.yaml"), CRD);
    write(
        &p.join("w.yaml"),
        format!(
            "{widget}---\n\0\napiVersion: example.com/v1\nkind: Widget\nmetadata: {{ name: b }}\nspec: {{ size: no }}\n"
        ),
    );
    let out = run(&["validate", "w.yaml", "--crds", "crds.yaml"], p);
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(1), "validate: {err}");
    assert!(err.contains("w.yaml:6:1") && err.contains("NUL"), "validate: {err}");

    write(
        &p.join("crds-nul.yaml"),
        CRD.replace("served: true", "served: \u{1}true"),
    );
    let out = run(&["validate", "w.yaml", "--crds", "crds-nul.yaml"], p);
    let err = stderr(&out);
    assert_ne!(out.status.code(), Some(0), "--crds: {err}");
    assert!(
        err.contains("crds-nul.yaml:10:13") && err.contains("U+0001"),
        "--crds: {err}"
    );

    write(
        &p.join("ingress.yaml"),
        "apiVersion: networking.k8s.io/v1\nkind: Ingress\nmetadata: { name: a, namespace: b }\n\0\n",
    );
    let out = run(&["import", "ingress.yaml"], p);
    let err = stderr(&out);
    assert_ne!(out.status.code(), Some(0), "import: {err}");
    assert!(err.contains("ingress.yaml:4:1") && err.contains("NUL"), "import: {err}");

    write(&p.join("site/spec.yaml"), SPEC);
    write(
        &p.join("site/overlays/dev.yaml"),
        "apps:\n  pets: { revision: \"a\0\" }\n",
    );
    let out = run(&["render", "site", "--stdout", "--env", "dev"], p);
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(1), "overlay: {err}");
    assert!(err.contains("dev.yaml:2:23") && err.contains("NUL"), "overlay: {err}");

    write(
        &p.join("m/spec.yaml"),
        SPEC.replace("    routes:", "    manifests: [app.yaml]\n    routes:"),
    );
    write(
        &p.join("m/app.yaml"),
        "apiVersion: v1\nkind: Service\nmetadata: { name: a }\n\0",
    );
    let out = run(&["render", "m/spec.yaml", "--stdout"], p);
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(1), "manifest: {err}");
    // located at the spec line that names the manifest, and in the manifest
    assert!(err.contains("m/spec.yaml:10:17"), "manifest: {err}");
    assert!(
        err.contains("`m/app.yaml` is not valid YAML: 4:1: a NUL"),
        "manifest: {err}"
    );
}
