//! The diagnostic codes are one table (`src/diagnostic/code.rs`): numbers
//! are unique, every code is emitted somewhere and explained, no code is
//! written as a string, and `docs/diagnostics.md` is generated from the table.
//! After changing a code or its explanation, refresh the page with
//! `INSTA_UPDATE=always cargo test codes::` and review the diff.

use crate::common;

use std::collections::BTreeSet;
use std::path::PathBuf;

use gatewright::diagnostic::{Class, Code};

#[test]
fn numbers_are_unique_and_in_order() {
    let numbers: Vec<u16> = Code::ALL.iter().map(|c| c.number()).collect();
    let unique: BTreeSet<u16> = numbers.iter().copied().collect();
    assert_eq!(unique.len(), numbers.len(), "a number is used twice: {numbers:?}");
    assert!(
        numbers.windows(2).all(|w| w[0] < w[1]),
        "the table is not in numeric order: {numbers:?}"
    );
    for c in Code::ALL {
        assert!((100..1000).contains(&c.number()), "{c}: three digits");
        assert_eq!(c.as_str(), format!("GW{}", c.number()));
        assert_eq!(Code::parse(c.as_str()), Some(*c));
        assert_eq!(Code::parse(&c.number().to_string()), Some(*c));
        assert!(
            !c.summary().is_empty() && !c.summary().contains('\n'),
            "{c}: one-line summary"
        );
    }
}

#[test]
fn the_class_gives_the_exit_code() {
    assert_eq!(Class::Finding.exit_code(), 1);
    assert_eq!(Class::Io.exit_code(), 2);
    assert_eq!(Class::Internal.exit_code(), 2);
    assert_eq!(Code::HostnameMatchesNoListener.class(), Class::Finding);
    assert_eq!(Code::UnreadableFile.class(), Class::Io);
    assert_eq!(Code::SchemaInternal.class(), Class::Internal);
    // Every output-directory code (GW7xx) is an I/O error, as the README's exit codes say.
    for c in Code::ALL.iter().filter(|c| c.number() / 100 == 7) {
        assert_eq!(c.class(), Class::Io, "{c}");
    }
}

/// Every code has a section in `codes.md` with an example, and every
/// section there is a code of the table.
#[test]
fn every_code_is_explained_with_an_example() {
    for c in Code::ALL {
        let text = c.explanation();
        assert!(text.len() > 80, "{c} has no explanation in src/diagnostic/codes.md");
        assert!(text.contains("```"), "{c}: the explanation has no example");
        assert!(!text.contains("## "), "{c}: a heading inside the explanation");
    }
    let file = std::fs::read_to_string(common::root().join("src/diagnostic/codes.md")).expect("codes.md");
    let sections: Vec<&str> = file.lines().filter_map(|l| l.strip_prefix("## ")).collect();
    let table: Vec<&str> = Code::ALL.iter().map(|c| c.as_str()).collect();
    assert_eq!(
        sections, table,
        "codes.md: one `## GWnnn` section per code, in numeric order"
    );
}

/// An example that is a whole spec reports the code it explains.
#[test]
fn whole_spec_examples_report_their_code() {
    let mut checked = 0;
    for c in Code::ALL {
        for spec in yaml_blocks(c.explanation()).filter(|b| b.starts_with("apiVersion: gatewright.dev/")) {
            let dir = tempfile::tempdir().expect("tempdir");
            let path = dir.path().join("spec.yaml");
            std::fs::write(&path, spec).expect("write spec");
            let outcome = gatewright::compile(&gatewright::Options {
                spec: path,
                ..Default::default()
            });
            let codes: Vec<&str> = outcome.diagnostics.iter().map(|d| d.code.as_str()).collect();
            assert!(
                outcome.diagnostics.iter().any(|d| d.code == *c),
                "{c}'s example reports {codes:?}"
            );
            checked += 1;
        }
    }
    assert!(checked >= 10, "only {checked} whole-spec examples were checked");
}

fn yaml_blocks(text: &str) -> impl Iterator<Item = &str> {
    text.split("```yaml\n")
        .skip(1)
        .filter_map(|b| b.split_once("```").map(|(yaml, _)| yaml))
}

/// Every code of the table is emitted by the source (as `Code::Name`
/// outside the table), and no code is written as a `"GWnnn"` string.
#[test]
fn the_source_emits_every_code_and_no_string_codes() {
    let mut text = String::new();
    let mut strings = Vec::new();
    for path in rust_files(common::root().join("src")) {
        if path.ends_with("diagnostic/code.rs") {
            continue;
        }
        let source = std::fs::read_to_string(&path).expect("read source");
        for (i, line) in source.lines().enumerate() {
            if string_code(line) {
                strings.push(format!("{}:{}: {}", path.display(), i + 1, line.trim()));
            }
        }
        text.push_str(&source);
    }
    assert!(
        strings.is_empty(),
        "codes written as strings; use a `Code` variant (add a row to src/diagnostic/code.rs for a new code):\n{}",
        strings.join("\n")
    );
    let unused: Vec<String> = Code::ALL
        .iter()
        .filter(|c| !uses(&text, c.name()))
        .map(|c| format!("{c} ({})", c.name()))
        .collect();
    assert!(
        unused.is_empty(),
        "codes no source emits (remove them, or emit them): {unused:?}"
    );
}

/// Whether `line` holds a `"GWnnn"` string literal.
fn string_code(line: &str) -> bool {
    line.match_indices("\"GW").any(|(at, _)| {
        let rest = &line.as_bytes()[at + 3..];
        rest.len() >= 4 && rest[..3].iter().all(u8::is_ascii_digit) && rest[3] == b'"'
    })
}

/// Whether `text` names `Code::{name}` as a whole word.
fn uses(text: &str, name: &str) -> bool {
    let needle = format!("Code::{name}");
    text.match_indices(&needle).any(|(at, _)| {
        text[at + needle.len()..]
            .chars()
            .next()
            .is_none_or(|c| !c.is_alphanumeric() && c != '_')
    })
}

fn rust_files(dir: PathBuf) -> Vec<PathBuf> {
    walkdir::WalkDir::new(dir)
        .sort_by_file_name()
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.path().extension().is_some_and(|x| x == "rs"))
        .map(|e| e.into_path())
        .collect()
}

#[test]
fn string_codes_are_found() {
    assert!(string_code(r#"Diagnostic::error("GW410", "x")"#));
    assert!(!string_code(r#"// GW410 in a comment, "GW41" and "GW4100""#));
    assert!(uses("Code::InvalidName)", "InvalidName"));
    assert!(!uses("Code::InvalidNameX", "InvalidName"));
}

/// `docs/diagnostics.md` is exactly what the table generates.
#[test]
fn committed_diagnostics_page_matches_the_table() {
    let path = common::root().join("docs/diagnostics.md");
    let generated = gatewright::diagnostic::reference();
    if common::accept::accepting() {
        std::fs::write(&path, &generated).expect("write docs/diagnostics.md");
    }
    let committed = std::fs::read_to_string(&path).expect("docs/diagnostics.md");
    assert!(
        committed == generated,
        "docs/diagnostics.md is stale: refresh it with `INSTA_UPDATE=always cargo test codes::` and review the diff"
    );
    for c in Code::ALL {
        assert!(
            committed.contains(&format!("\n## {c}\n")),
            "{c} has no section in docs/diagnostics.md"
        );
    }
}
