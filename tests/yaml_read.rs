//! The reader: scalar resolution as Kubernetes tools do it, errors with
//! positions, limits, spans.

use gatewright::yaml::{Limits, Node, ReadError, Span, read_bytes, read_documents};
use serde_json::{Value, json};

fn read(text: &str) -> Vec<Node> {
    read_documents(text, &Limits::default()).unwrap_or_else(|e| panic!("{e}\n{text}"))
}

fn one(text: &str) -> Node {
    let mut docs = read(text);
    assert_eq!(docs.len(), 1, "{text}");
    docs.remove(0)
}

fn value_of(scalar: &str) -> Value {
    one(&format!("v: {scalar}\n")).to_json()["v"].clone()
}

fn err(text: &str) -> ReadError {
    match read_documents(text, &Limits::default()) {
        Ok(docs) => panic!("expected an error for {text:?}, got {docs:?}"),
        Err(e) => e,
    }
}

#[test]
fn yaml_1_1_booleans_and_nulls() {
    for t in ["y", "Y", "yes", "Yes", "YES", "on", "On", "ON", "true", "True", "TRUE"] {
        assert_eq!(value_of(t), json!(true), "{t}");
    }
    for f in [
        "n", "N", "no", "No", "NO", "off", "Off", "OFF", "false", "False", "FALSE",
    ] {
        assert_eq!(value_of(f), json!(false), "{f}");
    }
    for n in ["~", "null", "Null", "NULL", ""] {
        assert_eq!(value_of(n), Value::Null, "{n:?}");
    }
    for s in ["yEs", "oN", "nULL", "tRUE", "yess", "none"] {
        assert_eq!(value_of(s), json!(s), "{s}");
    }
}

#[test]
fn integers_in_every_go_yaml_form() {
    let cases = [
        ("0", 0),
        ("42", 42),
        ("-17", -17),
        ("+5", 5),
        ("0x1F", 31),
        ("0X1f", 31),
        ("-0x1F", -31),
        ("0b101", 5),
        ("-0b101", -5),
        ("0o17", 15),
        ("0755", 493),
        ("-0755", -493),
        ("1_000", 1000),
        ("1_0_0", 100),
        ("0x_ff", 255),
        ("9223372036854775807", i64::MAX),
        ("-9223372036854775808", i64::MIN),
    ];
    for (text, n) in cases {
        assert_eq!(value_of(text), json!(n), "{text}");
    }
}

#[test]
fn floats_in_every_go_yaml_form() {
    let cases = [
        ("1.5", 1.5),
        ("1.0", 1.0),
        ("-2.", -2.0),
        (".5", 0.5),
        ("+.5", 0.5),
        ("1e3", 1000.0),
        ("1E-3", 0.001),
        ("6.02e+23", 6.02e23),
        ("1_000.5", 1000.5),
        ("08", 8.0),
        ("09.5", 9.5),
    ];
    for (text, f) in cases {
        assert_eq!(value_of(text), json!(f), "{text}");
        assert!(value_of(text).is_f64(), "{text} must stay a float");
    }
    for (text, s) in [
        (".inf", ".inf"),
        ("+.Inf", ".inf"),
        ("-.INF", "-.inf"),
        (".NaN", ".nan"),
    ] {
        assert_eq!(value_of(text), json!(s), "{text}");
    }
}

#[test]
fn things_that_stay_strings() {
    for s in [
        "1:20",
        "2001-12-14",
        "2001-12-14t21:59:43.10-05:00",
        "1e400",
        "0x",
        "0b2",
        "_1",
        "1.2.3",
        "10s",
        "0.5Gi",
        "v1",
        ".",
        "+",
        "..5",
        "._5",
        "inf",
        "nan",
        "0o8",
        "=",
        "abc",
    ] {
        assert_eq!(value_of(s), json!(s), "{s}");
    }
    for (text, s) in [("'yes'", "yes"), ("\"0755\"", "0755"), ("'~'", "~"), ("\"\"", "")] {
        assert_eq!(value_of(text), json!(s), "{text}");
    }
    // A block scalar at the end of input without a final line break (as libyaml reads it).
    assert_eq!(one("a: |\n  t\n\n  u").to_json(), json!({"a": "t\n\nu"}));
    assert_eq!(one("|\n  t\n  ").to_json(), json!("t\n"));
    assert_eq!(one("a: |\n  t\n").to_json(), json!({"a": "t\n"}));
    let block = one("a: |\n  yes\nb: >-\n  0755\n").to_json();
    assert_eq!(block, json!({"a": "yes\n", "b": "0755"}));
}

#[test]
fn tags() {
    let cases = [
        ("!!str 1", json!("1")),
        ("!!str yes", json!("yes")),
        ("!!str", json!("")),
        ("!!int \"12\"", json!(12)),
        ("!!int 0x10", json!(16)),
        ("!!float 1", json!(1.0)),
        ("!!float '2.5'", json!(2.5)),
        ("!!bool yes", json!(true)),
        ("!!bool 'off'", json!(false)),
        ("!!null ~", Value::Null),
        ("!<tag:yaml.org,2002:int> 7", json!(7)),
        ("!!map {a: 1}", json!({"a": 1})),
        ("!!seq [1]", json!([1])),
    ];
    for (text, want) in cases {
        assert_eq!(value_of(text), want, "{text}");
    }
    assert!(value_of("!!float 1").is_f64());
    for bad in ["!!int abc", "!!bool 1", "!!null x", "!!float yes"] {
        let e = err(&format!("v: {bad}\n"));
        assert!(e.message.starts_with("cannot read"), "{bad}: {e}");
        // The error points at the value, after its tag.
        let col = 4 + bad.find(' ').expect("space") + 1;
        assert_eq!((e.line, e.col), (1, u32::try_from(col).expect("small")), "{bad}");
    }
    for bad in [
        "!foo x",
        "! x",
        "!!binary aGk=",
        "!!timestamp 2001-01-01",
        "!!map [1]",
        "!!str [1]",
    ] {
        let e = err(&format!("v: {bad}\n"));
        assert!(e.message.starts_with("unsupported tag"), "{bad}: {e}");
        assert!(e.help.is_some());
    }
}

#[test]
fn integers_beyond_64_bits_are_errors() {
    for big in [
        "9223372036854775808",
        "-9223372036854775809",
        "0xFFFFFFFFFFFFFFFFFF",
        "18446744073709551616",
    ] {
        let e = err(&format!("v: {big}\n"));
        assert!(e.message.contains("does not fit in 64 bits"), "{big}: {e}");
        assert!(e.help.as_deref().is_some_and(|h| h.contains('"')), "{big}");
    }
}

#[test]
fn keys_must_be_strings() {
    for (text, key, what) in [
        ("1: x\n", "1", "an integer"),
        ("true: x\n", "true", "a boolean"),
        ("on: x\n", "on", "a boolean"),
        ("~: x\n", "~", "null"),
        ("1.5: x\n", "1.5", "a float"),
    ] {
        let e = err(text);
        assert_eq!(e.message, format!("mapping key `{key}` reads as {what}, not a string"));
        assert_eq!((e.line, e.col), (1, 1));
        assert!(e.help.as_deref().is_some_and(|h| h.contains("quote")));
    }
    assert!(err("? [a]\n: x\n").message.contains("not a collection"));
    assert!(err("{a: 1}: x\n").message.contains("not a collection"));
    assert_eq!(one("\"1\": x\n'on': z\n").to_json(), json!({"1": "x", "on": "z"}));
    let e = err("a: &k 1\nb: {*k : x}\n");
    assert!(e.message.contains("reads as an integer"), "{e}");
}

#[test]
fn duplicate_keys_name_both_lines() {
    let e = err("spec:\n  host: a\n  port: 80\n  host: b\n");
    assert_eq!(e.message, "duplicate key `host` (first defined at line 2)");
    assert_eq!((e.line, e.col), (4, 3));
    assert_eq!(e.to_string(), "4:3: duplicate key `host` (first defined at line 2)");
    let e = err("a: {x: 1, z: 2, x: 3}\n");
    assert_eq!((e.line, e.col), (1, 17));
    // `y` is a boolean to YAML 1.1, so it cannot be a key.
    assert!(err("a: {x: 1, y: 2}\n").message.contains("`y` reads as a boolean"));
    // Large maps use a hash index.
    let mut big: String = (0..40).map(|i| format!("k{i}: {i}\n")).collect();
    big.push_str("k7: again\n");
    let e = err(&big);
    assert_eq!(e.message, "duplicate key `k7` (first defined at line 8)");
    assert_eq!(e.line, 41);
    // Same text, different resolution: `"1"` and `1` would be different, but keys must be strings anyway.
    assert!(err("'a': 1\na: 2\n").message.starts_with("duplicate key `a`"));
}

#[test]
fn merge_keys_are_rejected() {
    let e = err("base: &b {a: 1}\nother:\n  <<: *b\n  c: 2\n");
    assert_eq!((e.line, e.col), (3, 3));
    assert!(e.message.contains("merge keys"));
    assert_eq!(one("'<<': x\n").to_json(), json!({"<<": "x"}));
}

#[test]
fn aliases_are_expanded() {
    let doc = one("a: &x {k: [1, 2]}\nb: *x\nc: &s str\nd: *s\n");
    assert_eq!(
        doc.to_json(),
        json!({"a": {"k": [1, 2]}, "b": {"k": [1, 2]}, "c": "str", "d": "str"})
    );
    let b = doc.get("b").expect("b");
    assert_eq!((b.span.line, b.span.col), (2, 4));
    assert_eq!(b.span.end - b.span.start, 2);
    let e = err("a: &x [1, *x]\n");
    assert!(e.message.contains("contains it"), "{e}");
    let e = err("a: *nope\n");
    assert!(e.message.contains("unknown anchor"), "{e}");
    // Anchors do not cross documents.
    let e = err("a: &x 1\n---\nb: *x\n");
    assert!(e.message.contains("earlier document"), "{e}");
    // Anchors inside anchors, aliases of aliases, anchors redefined.
    let doc = one("a: &o {i: &i [1, {k: &s v}], j: *i}\nb: *o\nc: *s\nd: &s w\ne: *s\nf: [&z 1, [*z, *i]]\n");
    assert_eq!(
        doc.to_json(),
        json!({"a": {"i": [1, {"k": "v"}], "j": [1, {"k": "v"}]}, "b": {"i": [1, {"k": "v"}], "j": [1, {"k": "v"}]},
               "c": "v", "d": "w", "e": "w", "f": [1, [1, [1, {"k": "v"}]]]})
    );
    assert!(
        err("&k key: 1\nother: *k\n*k : 2\n")
            .message
            .starts_with("duplicate key `key`")
    );
    assert_eq!(
        one("&k key: 1\nother: *k\n").to_json(),
        json!({"key": 1, "other": "key"})
    );
}

#[test]
fn billion_laughs_fails_fast() {
    let mut text = String::from("a0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n");
    for i in 1..10 {
        let p = i - 1;
        text.push_str(&format!(
            "a{i}: &a{i} [*a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}]\n"
        ));
    }
    // Fails on the node count, long before the 10^9 expansion could be built.
    let e = err(&text);
    assert!(e.message.contains("more than 1000000 nodes"), "{e}");
    let limits = Limits {
        max_nodes: 50,
        ..Limits::default()
    };
    let e = read_documents(
        "a: &a [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]\nb: [*a, *a, *a, *a, *a]\n",
        &limits,
    );
    assert!(e.is_err_and(|e| e.line == 2));
}

#[test]
fn depth_bombs_do_not_overflow_the_stack() {
    for bomb in [
        "[".repeat(100_000),
        "- ".repeat(100_000),
        "{a: ".repeat(100_000),
        (0..2000).map(|i| format!("{}a:\n", " ".repeat(i))).collect(),
    ] {
        if let Err(e) = read_documents(&bomb, &Limits::default()) {
            // Our limit, or yaml-rust2's own scanner limit when it looks ahead.
            let known = e.message.contains("nesting deeper than 64 levels") || e.message == "nesting too deep";
            assert!(known || bomb.len() < 10, "{e}");
        }
    }
    let e = err(&"[".repeat(100_000));
    assert!(e.message.contains("nesting"), "{e}");
    let e = err(&format!("{}]", "[".repeat(100)));
    assert_eq!(
        (e.line, e.col, e.message.as_str()),
        (1, 65, "nesting deeper than 64 levels")
    );
    let deep_ok = format!("{}{}", "[".repeat(64), "]".repeat(64));
    assert_eq!(read(&deep_ok).len(), 1);
    assert!(read_documents(&format!("{}{}", "[".repeat(65), "]".repeat(65)), &Limits::default()).is_err());
    // An alias counts with the depth of what it repeats.
    let nested = format!(
        "a: &x {}1{}\nb: {}*x{}\n",
        "[".repeat(40),
        "]".repeat(40),
        "[".repeat(30),
        "]".repeat(30)
    );
    assert!(err(&nested).message.contains("nesting deeper"));
}

#[test]
fn size_and_document_limits() {
    let limits = Limits {
        max_bytes: 10,
        ..Limits::default()
    };
    let e = read_documents("a: 1234567890\n", &limits).expect_err("too big");
    assert!(e.message.contains("more than the limit of 10 bytes"), "{e}");
    let limits = Limits {
        max_documents: 2,
        ..Limits::default()
    };
    let e = read_documents("a: 1\n---\nb: 2\n---\nc: 3\n", &limits).expect_err("too many");
    assert_eq!((e.line, e.message.as_str()), (5, "more than 2 documents"));
    let d = Limits::default();
    assert_eq!(
        (d.max_bytes, d.max_depth, d.max_nodes, d.max_documents),
        (16 << 20, 64, 1_000_000, 100_000)
    );
}

#[test]
fn invalid_utf8_is_located() {
    let e = read_bytes(b"a: 1\nbc: d\xffe\n", &Limits::default()).expect_err("not utf-8");
    assert_eq!(e.to_string(), "2:6: invalid UTF-8 at byte 10");
    assert!(e.help.is_some());
    let e = read_bytes(b"\xef\xbb\xbfk: \xc3\xa9\xc3\n", &Limits::default()).expect_err("not utf-8");
    assert_eq!((e.line, e.col), (1, 5));
}

#[test]
fn tabs_for_indentation_are_errors() {
    let e = err("spec:\n\thost: a\n");
    assert_eq!((e.line, e.col), (2, 1));
    assert!(e.message.contains("tab"), "{e}");
    assert!(e.help.as_deref().is_some_and(|h| h.contains("spaces")));
    assert_eq!(one("a: b\tc\n").to_json(), json!({"a": "b\tc"}));
}

#[test]
fn bom_is_stripped_and_offsets_still_match_the_input() {
    let bytes = b"\xef\xbb\xbfname: x\n";
    let doc = read_bytes(bytes, &Limits::default()).expect("reads").remove(0);
    assert_eq!(doc.to_json(), json!({"name": "x"}));
    let key = doc.key_span_at("/name").expect("key");
    assert_eq!(
        key,
        Span {
            start: 3,
            end: 7,
            line: 1,
            col: 1
        }
    );
    let text = std::str::from_utf8(bytes).expect("utf-8");
    assert_eq!(&text[key.start..key.end], "name");
    assert_eq!(one(text).to_json(), json!({"name": "x"}));
}

#[test]
fn empty_and_multiple_documents() {
    assert!(read("").is_empty());
    assert!(read("# only a comment\n").is_empty());
    let docs = read("---\n---\na: 1\n---\n# nothing\n---\n- b\n...\n---\nc\n---\n");
    let json: Vec<Value> = docs.iter().map(Node::to_json).collect();
    assert_eq!(json, vec![json!({"a": 1}), json!(["b"]), json!("c")]);
    assert_eq!(read("--- null\n").len(), 1);
    assert_eq!(read("--- ''\n").len(), 1);
}

#[test]
fn spans_of_values_and_keys() {
    let text = "kind: Gateway\nspec:\n  listeners:\n  - name: héllo\n    port: 80\n    tls: {mode: Terminate, certificateRefs: [{name: cert}]}\n  note: |\n    one\n    two\n";
    let doc = one(text);
    let at = |p: &str| doc.pointer(p).unwrap_or_else(|| panic!("{p}")).span;
    let slice = |s: Span| &text[s.start..s.end];
    let port = at("/spec/listeners/0/port");
    assert_eq!((port.line, port.col, slice(port)), (5, 11, "80"));
    let name = at("/spec/listeners/0/name");
    assert_eq!((name.line, name.col, slice(name)), (4, 11, "héllo"));
    let key = doc.key_span_at("/spec/listeners/0/port").expect("key");
    assert_eq!((key.line, key.col, slice(key)), (5, 5, "port"));
    // A key after non-ASCII text: columns count characters, offsets count bytes.
    let mode = doc.key_span_at("/spec/listeners/0/tls/mode").expect("flow key");
    assert_eq!((mode.line, mode.col, slice(mode)), (6, 11, "mode"));
    let tls = at("/spec/listeners/0/tls");
    assert_eq!((tls.line, tls.col), (6, 10));
    assert_eq!(slice(tls), "{mode: Terminate, certificateRefs: [{name: cert}]}");
    let refs = at("/spec/listeners/0/tls/certificateRefs");
    assert_eq!(slice(refs), "[{name: cert}]");
    let cert = doc
        .key_span_at("/spec/listeners/0/tls/certificateRefs/0/name")
        .expect("nested flow key");
    assert_eq!((cert.line, cert.col), (6, 47));
    let listener = at("/spec/listeners/0");
    assert_eq!((listener.line, listener.col), (4, 5));
    assert!(slice(listener).starts_with("name: héllo") && slice(listener).ends_with("]}"));
    let note = at("/spec/note");
    assert_eq!((note.line, slice(note)), (8, "one\n    two"));
    assert_eq!(slice(at("/spec/listeners")), slice(at("/spec/listeners")).trim());
    assert_eq!(doc.span.line, 1);
}

#[test]
fn spans_of_multi_line_and_quoted_scalars() {
    let text = "a: plain\n  folded words\nb: \"dq \\\" x\"\nc: 'it''s'\nd:\ne: é\n";
    let doc = one(text);
    let slice = |p: &str| {
        let s = doc.pointer(p).expect("node").span;
        &text[s.start..s.end]
    };
    assert_eq!(slice("/a"), "plain\n  folded words");
    assert_eq!(slice("/b"), "\"dq \\\" x\"");
    assert_eq!(slice("/c"), "'it''s'");
    let d = doc.pointer("/d").expect("d").span;
    assert_eq!(
        (d.line, d.col, d.start, d.end),
        (5, 2, text.find("d:").expect("d") + 1, d.start)
    );
    let e = doc.pointer("/e").expect("e").span;
    assert_eq!((e.line, e.col, &text[e.start..e.end]), (6, 4, "é"));
}

#[test]
fn pointer_get_and_key_span_at() {
    let doc = one("a/b: 1\nm~n: 2\nlist: [x, z]\n");
    assert_eq!(doc.pointer("/a~1b").map(Node::to_json), Some(json!(1)));
    assert_eq!(doc.pointer("/m~0n").map(Node::to_json), Some(json!(2)));
    assert_eq!(doc.pointer("/list/1").map(Node::to_json), Some(json!("z")));
    assert!(doc.pointer("/list/01").is_none());
    assert!(doc.pointer("/list/2").is_none());
    assert!(doc.pointer("nope").is_none());
    assert_eq!(doc.pointer("").map(|n| n.span), Some(doc.span));
    assert_eq!(doc.get("list").map(Node::to_json), Some(json!(["x", "z"])));
    assert!(doc.get("missing").is_none());
    assert!(doc.key_span_at("").is_none());
    assert!(doc.key_span_at("/list/0").is_none());
    assert_eq!(doc.key_span_at("/m~0n").map(|s| s.line), Some(2));
}

#[test]
fn syntax_errors_carry_positions() {
    let e = err("a: 1\n b: 2\n");
    assert_eq!(e.line, 2);
    let e = err("a: [1, 2\n");
    assert!(e.line >= 1 && e.col >= 1, "{e}");
    let e = err("a: \"unterminated\n");
    assert!(e.to_string().starts_with(&format!("{}:{}: ", e.line, e.col)));
}

/// yaml-rust2 0.13 counts a block scalar line's bytes as characters, so its
/// character index runs ahead after a block scalar with non-ASCII text; the
/// spans after it are still where the text is (found from line and column).
#[test]
fn spans_after_a_non_ascii_block_scalar_are_where_the_text_is() {
    for text in [
        "a: |-\n  café\nb: zz\n",
        "a: |\n  ☕ ü\n  é\nb: zz\n",
        "a: >-\n  naïve\n\nb: zz\n",
        "x:\n  a: |-\n    ключ\n  b: zz\nc: [zz]\n",
    ] {
        let doc = one(text);
        let mut stack = vec![&doc];
        while let Some(node) = stack.pop() {
            if let gatewright::yaml::Value::Map(entries) = &node.value {
                for e in entries {
                    assert_eq!(&text[e.key_span.start..e.key_span.end], e.key, "{text:?}");
                    stack.push(&e.value);
                }
            }
            if let gatewright::yaml::Value::String(s) = &node.value {
                if s == "zz" {
                    assert_eq!(&text[node.span.start..node.span.end], "zz", "{text:?}");
                }
            }
            if let gatewright::yaml::Value::Seq(items) = &node.value {
                stack.extend(items);
            }
        }
    }
}
