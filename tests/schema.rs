//! The committed JSON Schema is exactly the one derived from the Rust types.
//! After changing the spec types, refresh it with
//! `cargo run -- schema > schema/gatewright.schema.json` and review the diff.

use crate::common;

#[test]
fn committed_schema_matches_the_types() {
    let committed = std::fs::read_to_string(common::root().join("schema/gatewright.schema.json"))
        .expect("schema/gatewright.schema.json");
    assert_eq!(
        committed,
        gatewright::schema::spec_schema_text(),
        "schema/gatewright.schema.json is stale"
    );
}

#[test]
fn schema_compiles_and_accepts_every_example() {
    let schema = gatewright::schema::spec_schema();
    let validator = jsonschema::draft202012::new(&schema).expect("schema compiles");
    for example in common::examples() {
        for entry in walk(&example) {
            let text = std::fs::read_to_string(&entry).expect("read");
            for doc in common::parse_stream(&text) {
                if doc.get("apiVersion").and_then(|v| v.as_str()) == Some(gatewright::spec::API_VERSION) {
                    let errors: Vec<String> = validator.iter_errors(&doc).map(|e| e.to_string()).collect();
                    assert!(errors.is_empty(), "{}: {errors:?}", entry.display());
                }
            }
        }
    }
}

fn walk(dir: &std::path::Path) -> Vec<std::path::PathBuf> {
    walkdir::WalkDir::new(dir)
        .sort_by_file_name()
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| {
            e.path().extension().is_some_and(|x| x == "yaml")
                && !e.path().components().any(|c| c.as_os_str() == "overlays")
        })
        .map(|e| e.into_path())
        .collect()
}
