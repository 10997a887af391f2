//! Property tests: the canonical writer's output reads back to the same value
//! under YAML 1.1 (our reader) and YAML 1.2 (serde_yaml), and no input panics
//! the reader.

use gatewright::yaml::{Limits, Node, Span, Value as YamlValue, read_bytes, read_documents, to_canonical_yaml};
use proptest::prelude::*;
use serde_json::{Map, Number, Value};

/// Pieces of strings that YAML readers like to misread.
const NASTY: &[&str] = &[
    "yes",
    "on",
    "Off",
    "y",
    "N",
    "NO",
    "true",
    "null",
    "~",
    "0755",
    "1:20",
    "0x1F",
    "0o17",
    "0b101",
    "1e3",
    "1_000",
    "+1",
    ".5",
    "1.0",
    ".inf",
    "-.inf",
    ".NaN",
    "08",
    "2024-01-01",
    "- ",
    ": ",
    ":",
    "#",
    " #",
    "'",
    "\"",
    "\\",
    "\n",
    "\r\n",
    "\t",
    " ",
    "  ",
    "é",
    "日本",
    "😀",
    "\u{85}",
    "\u{2028}",
    "\u{2029}",
    "\u{feff}",
    "\u{a0}",
    "\u{0}",
    "\u{7f}",
    "\u{1b}",
    "{{ x }}",
    "{",
    "}",
    "[",
    "]",
    ",",
    "&a",
    "*a",
    "!",
    "!!str",
    "|",
    ">",
    "%",
    "@",
    "`",
    "?",
    "-",
    "---",
    "...",
    "<<",
    "=",
    "a",
    "key",
    "name",
    "host",
    "x.y",
    "v1",
    "10s",
    "*.aks.rocks",
];

fn nasty_string() -> impl Strategy<Value = String> {
    prop_oneof![
        4 => prop::collection::vec(prop::sample::select(NASTY), 0..4).prop_map(|v| v.concat()),
        1 => any::<String>(),
    ]
}

fn json_value() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(Value::from),
        any::<f64>().prop_filter_map("finite", |f| Number::from_f64(f).map(Value::Number)),
        prop::sample::select(vec![0.0, -0.0, 1.0, 1e16, 1e-7, 0.1, 123_456.789])
            .prop_filter_map("finite", |f| Number::from_f64(f).map(Value::Number)),
        nasty_string().prop_map(Value::String),
    ];
    leaf.prop_recursive(5, 64, 6, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..6).prop_map(Value::Array),
            prop::collection::vec((nasty_string(), inner), 0..6)
                .prop_map(|entries| Value::Object(entries.into_iter().collect::<Map<_, _>>())),
        ]
    })
}

/// Fragments of YAML syntax, to reach deep into the parser.
const SYNTAX: &[&str] = &[
    "- ",
    ": ",
    ":",
    "\n",
    "  ",
    " ",
    "[",
    "]",
    "{",
    "}",
    ",",
    "&a ",
    "*a",
    "*b",
    "!!int ",
    "!!str ",
    "!x ",
    "|",
    "|-",
    ">",
    ">+2",
    "'",
    "\"",
    "#",
    "---\n",
    "...\n",
    "? ",
    "\t",
    "x",
    "1",
    "0755",
    "yes",
    "~",
    "%YAML 1.2\n",
    "%TAG ! tag:x:\n",
    "\\",
    "\u{feff}",
    "<<",
    "\r",
    "\"\\u12",
    "\\x",
    "é",
    "\n- ",
    "\n  ",
    "a: ",
    "b:\n  ",
];

proptest! {
    #![proptest_config(ProptestConfig { cases: 512, ..ProptestConfig::default() })]

    #[test]
    fn our_reader_reads_back_what_we_write(v in json_value()) {
        let text = to_canonical_yaml(&v);
        let docs = read_documents(&text, &Limits::default())
            .map_err(|e| TestCaseError::fail(format!("{e}\n{text}")))?;
        prop_assert_eq!(docs.len(), 1, "{}", text);
        prop_assert_eq!(docs[0].to_json(), v, "{}", text);
    }

    #[test]
    fn a_yaml_1_2_reader_agrees(v in json_value()) {
        let text = to_canonical_yaml(&v);
        let back: Value = serde_yaml::from_str(&text)
            .map_err(|e| TestCaseError::fail(format!("{e}\n{text}")))?;
        prop_assert_eq!(back, v, "{}", text);
    }

    #[test]
    fn writing_is_deterministic_and_idempotent(v in json_value()) {
        let text = to_canonical_yaml(&v);
        prop_assert_eq!(&text, &to_canonical_yaml(&v.clone()));
        let mut appended = String::from("# head\n");
        gatewright::yaml::write_canonical_yaml(&mut appended, &v);
        prop_assert_eq!(&appended["# head\n".len()..], text.as_str());
        let docs = read_documents(&text, &Limits::default())
            .map_err(|e| TestCaseError::fail(format!("{e}\n{text}")))?;
        prop_assert_eq!(to_canonical_yaml(&docs[0].to_json()), text);
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 3000, ..ProptestConfig::default() })]

    #[test]
    fn arbitrary_strings_never_panic(s in any::<String>()) {
        let _ = read_documents(&s, &Limits::default());
    }

    #[test]
    fn yaml_like_strings_never_panic(parts in prop::collection::vec(prop::sample::select(SYNTAX), 0..60)) {
        let s = parts.concat();
        if let Ok(docs) = read_documents(&s, &Limits::default()) {
            for d in docs {
                prop_assert!(spans_within(&d, &s), "a span outside {s:?}");
                let _ = d.to_json();
            }
        }
    }

    #[test]
    fn arbitrary_bytes_never_panic(bytes in prop::collection::vec(any::<u8>(), 0..64)) {
        let _ = read_bytes(&bytes, &Limits::default());
    }
}

/// Whether every span of `node` and its children (keys too) is a range of
/// `text` on character boundaries: what the diagnostics slice.
fn spans_within(node: &Node, text: &str) -> bool {
    let ok = |s: &Span| s.start <= s.end && text.get(s.start..s.end).is_some();
    ok(&node.span)
        && match &node.value {
            YamlValue::Seq(items) => items.iter().all(|n| spans_within(n, text)),
            YamlValue::Map(entries) => entries.iter().all(|e| ok(&e.key_span) && spans_within(&e.value, text)),
            _ => true,
        }
}

#[test]
fn a_block_sequence_of_flow_collections_ends_inside_the_text() {
    // An indentless block sequence starts at its first item's bracket; its
    // end was taken for a flow collection's closing bracket, one past the text.
    for text in [
        "x:: \n- []",
        "a:\n- []",
        "a:\n- {}",
        "a:\n- [] ",
        "a:\n- [1]\n- [2]\n",
        "a:\n  - []",
    ] {
        let docs = read_documents(text, &Limits::default()).expect("valid YAML");
        assert!(docs.iter().all(|d| spans_within(d, text)), "{text:?}: {docs:?}");
    }
    // A flow collection still spans its brackets.
    let docs = read_documents("a: [1]", &Limits::default()).expect("valid YAML");
    let Some(YamlValue::Map(entries)) = docs.first().map(|d| &d.value) else {
        panic!("a mapping")
    };
    assert_eq!((entries[0].value.span.start, entries[0].value.span.end), (3, 6));
}

/// Fragments whose scalars mean the same in YAML 1.1 and 1.2, with anchors and aliases.
const SHARED: &[&str] = &[
    "- ",
    ": ",
    "\n",
    "  ",
    "[",
    "]",
    "{",
    "}",
    ", ",
    "&a ",
    "&b ",
    "*a",
    "*b",
    "*a ",
    "x",
    "y1",
    "1",
    "'q'",
    "a: ",
    "b:\n  ",
    "c:\n- ",
    "\n  - ",
    "? ",
    "|\n  t\n",
    ">-\n  u\n",
    "|+\n  v\n",
    " # c",
    "\n# c\n",
    "\"d\\n\"",
];

proptest! {
    #![proptest_config(ProptestConfig { cases: 3000, ..ProptestConfig::default() })]

    /// Where both readers accept a document, they read the same value (aliases included).
    #[test]
    fn agrees_with_serde_yaml_where_both_accept(parts in prop::collection::vec(prop::sample::select(SHARED), 1..40)) {
        let s = parts.concat();
        let ours = read_documents(&s, &Limits::default());
        let theirs = serde_yaml::from_str::<Value>(&s);
        if let (Ok(ours), Ok(theirs)) = (ours, theirs) {
            if ours.len() == 1 {
                prop_assert_eq!(ours[0].to_json(), theirs, "{:?}", s);
            }
        }
    }
}

#[test]
fn a_spec_ending_in_a_block_sequence_of_flow_collections_is_a_finding_not_a_panic() {
    let dir = tempfile::tempdir().expect("tempdir");
    let spec = "apiVersion: gatewright.dev/v1alpha1\nkind: Site\napps:\n- []";
    std::fs::write(dir.path().join("gatewright.yaml"), spec).expect("spec");
    let out = crate::common::cli::gatewright()
        .args(["render", ".", "--stdout"])
        .current_dir(dir.path())
        .output()
        .expect("run gatewright");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains("error[GW204]") && stderr.contains("gatewright.yaml:4:"),
        "{stderr}"
    );
}
