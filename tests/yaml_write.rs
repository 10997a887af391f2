//! The canonical writer: layout, key order, quoting, numbers.

use gatewright::yaml::{Limits, read_documents, to_canonical_yaml, write::needs_quotes};
use serde_json::{Value, json};

#[test]
fn a_gateway_reads_like_kubectl_prints_it() {
    let gateway = json!({
        "spec": {
            "listeners": [{"protocol": "HTTP", "port": 80, "name": "default", "hostname": "*.aks.rocks",
                           "allowedRoutes": {"namespaces": {"from": "All"}}}],
            "gatewayClassName": "istio",
            "addresses": [],
            "infrastructure": {},
        },
        "metadata": {"annotations": {"a": "b"}, "labels": {"istio.io/rev": "asm-1-22"}, "namespace": "aks-istio-ingress", "name": "gateway"},
        "kind": "Gateway",
        "apiVersion": "gateway.networking.k8s.io/v1",
        "status": null,
    });
    let expected = "\
apiVersion: gateway.networking.k8s.io/v1
kind: Gateway
metadata:
  name: gateway
  namespace: aks-istio-ingress
  labels:
    istio.io/rev: asm-1-22
  annotations:
    a: b
spec:
  addresses: []
  gatewayClassName: istio
  infrastructure: {}
  listeners:
  - name: default
    allowedRoutes:
      namespaces:
        from: All
    hostname: \"*.aks.rocks\"
    port: 80
    protocol: HTTP
status: null
";
    assert_eq!(to_canonical_yaml(&gateway), expected);
}

#[test]
fn key_order_rules() {
    let v = json!({"zeta": 1, "stringData": {}, "data": {"b": 1, "name": 2, "a": 3}, "name": "root-name-is-not-first",
                   "spec": {"template": {"metadata": {"labels": {}, "name": "t", "annotations": {}, "b": 1, "namespace": "ns"}}}});
    let expected = "\
spec:
  template:
    metadata:
      name: t
      namespace: ns
      labels: {}
      annotations: {}
      b: 1
data:
  name: 2
  a: 3
  b: 1
stringData: {}
name: root-name-is-not-first
zeta: 1
";
    assert_eq!(to_canonical_yaml(&v), expected);
}

#[test]
fn nested_sequences_and_root_forms() {
    let v = json!([[1, [2, 3]], [], {}, {"a": [{"b": null}]}, "x"]);
    let expected = "\
- - 1
  - - 2
    - 3
- []
- {}
- a:
  - b: null
- x
";
    assert_eq!(to_canonical_yaml(&v), expected);
    assert_eq!(to_canonical_yaml(&json!({})), "{}\n");
    assert_eq!(to_canonical_yaml(&json!([])), "[]\n");
    assert_eq!(to_canonical_yaml(&Value::Null), "null\n");
    assert_eq!(to_canonical_yaml(&json!("yes")), "\"yes\"\n");
    assert_eq!(to_canonical_yaml(&json!(true)), "true\n");
}

#[test]
fn strings_that_must_be_quoted() {
    let must = [
        "",
        "y",
        "Y",
        "yes",
        "YES",
        "yEs",
        "n",
        "no",
        "on",
        "On",
        "off",
        "true",
        "False",
        "null",
        "NULL",
        "~",
        "<<",
        "=",
        ".inf",
        "-.Inf",
        "+.inf",
        ".nan",
        "inf",
        "NaN",
        "infinity",
        "0",
        "42",
        "-1",
        "+1",
        "0755",
        "08",
        "0x1F",
        "0o17",
        "0b101",
        "1_000",
        "1:20",
        "190:20:30.15",
        "1e3",
        "1.0",
        ".5",
        "1.",
        "1.2.3",
        ".",
        "..",
        "...",
        "... x",
        "2024-01-01",
        "2001-12-14t21:59:43.10-05:00",
        "- x",
        "-x",
        "-",
        "?",
        "? x",
        ":",
        ":x",
        "a: b",
        "a:",
        "a #b",
        "#x",
        ",x",
        "[x",
        "]",
        "{{ x }}",
        "}",
        "&a",
        "*a",
        "*.aks.rocks",
        "!x",
        "|",
        ">",
        "'",
        "\"",
        "%x",
        "@x",
        "`x",
        " x",
        "x ",
        "a\nb",
        "a\tb",
        "a\rb",
        "\u{0}",
        "\u{7f}",
        "\u{85}",
        "a\u{2028}b",
        "\u{2029}",
        "\u{feff}x",
        "\u{a0}x",
        "x\u{3000}",
        "---",
        "--- x",
    ];
    for s in must {
        assert!(needs_quotes(s), "{s:?} must be quoted");
        let text = to_canonical_yaml(&json!({ "k": s }));
        assert!(text.starts_with("k: \""), "{s:?}: {text}");
    }
}

#[test]
fn strings_that_stay_plain() {
    let plain = [
        "a",
        "default",
        "store-front:80",
        "admin.aks.rocks",
        "v1",
        "10s",
        "1h30m",
        "0.5Gi",
        "a:b",
        "a#b",
        "a b",
        "héllo wörld",
        "日本語",
        "😀",
        "x-y_z",
        "/api/v1",
        "http://example.com/a?b=c",
        "a, b",
        "a [b]",
        "a {b}",
        "asm-1-22",
        "Yes please",
        "nulls",
        "ONE",
        "0xyz",
        "tcp/80",
    ];
    for s in plain {
        assert!(!needs_quotes(s), "{s:?} should stay plain");
        assert_eq!(to_canonical_yaml(&json!({ "k": s })), format!("k: {s}\n"));
    }
}

#[test]
fn keys_are_quoted_by_the_same_rule() {
    let v = json!({"on": 1, "yes": 2, "1": 3, "a: b": 4, "": 5, "ok": 6});
    let text = to_canonical_yaml(&v);
    assert_eq!(text, "\"\": 5\n\"1\": 3\n\"a: b\": 4\nok: 6\n\"on\": 1\n\"yes\": 2\n");
    assert_eq!(
        read_documents(&text, &Limits::default()).expect("reads")[0].to_json(),
        v
    );
}

#[test]
fn long_keys_are_written_as_explicit_keys() {
    for key in [
        "k".repeat(1000),
        "k".repeat(1001),
        "\u{1}".repeat(400),
        "long key ".repeat(300),
    ] {
        let v = json!({ &key: 1, "m": { &key: {"a": [1, {&key: []}]} }, "s": [{ &key: [1, 2] }] });
        let text = to_canonical_yaml(&v);
        assert_eq!(
            read_documents(&text, &Limits::default()).expect("reads")[0].to_json(),
            v
        );
        let back: Value = serde_yaml::from_str(&text).expect("serde_yaml reads it");
        assert_eq!(back, v);
        assert_eq!(text.contains("? "), key.len() > 1000 || key.starts_with('\u{1}'));
    }
}

#[test]
fn escapes_are_valid_yaml() {
    let s = "q\"b\\n\nt\tr\r nul\u{0} bell\u{7} del\u{7f} nel\u{85} ls\u{2028} ps\u{2029} bom\u{feff} é😀";
    let text = to_canonical_yaml(&json!(s));
    assert_eq!(
        text,
        "\"q\\\"b\\\\n\\nt\\tr\\r nul\\u0000 bell\\u0007 del\\u007F nel\\u0085 ls\\u2028 ps\\u2029 bom\\uFEFF é😀\"\n"
    );
    assert_eq!(
        read_documents(&text, &Limits::default()).expect("reads")[0].to_json(),
        json!(s)
    );
    let back: Value = serde_yaml::from_str(&text).expect("serde_yaml reads it");
    assert_eq!(back, json!(s));
}

#[test]
fn numbers_keep_their_kind() {
    let cases = [
        (json!(80), "80"),
        (json!(-3), "-3"),
        (json!(u64::MAX), "18446744073709551615"),
        (json!(1.0), "1.0"),
        (json!(-0.0), "-0.0"),
        (json!(0.1), "0.1"),
        (json!(1e16), "1.0e+16"),
        (json!(1.5e300), "1.5e+300"),
        (json!(2.5e-9), "2.5e-9"),
        (json!(123_456.789), "123456.789"),
    ];
    for (v, want) in cases {
        let text = to_canonical_yaml(&json!({ "num": v }));
        assert_eq!(text, format!("num: {want}\n"));
        if v.as_u64() != Some(u64::MAX) {
            let back = read_documents(&text, &Limits::default()).expect("reads")[0].to_json();
            assert_eq!(back["num"], v, "{want}");
            assert_eq!(back["num"].is_f64(), v.is_f64(), "{want}");
        }
    }
}
