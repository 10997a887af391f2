use super::read_plain;
use crate::yaml::{Limits, Node, Value, read_documents};

/// The value without its spans, to compare with [`read_plain`]'s.
fn bare(node: &Node) -> Node {
    let value = match &node.value {
        Value::Seq(items) => Value::Seq(items.iter().map(bare).collect()),
        Value::Map(entries) => Value::Map(
            entries
                .iter()
                .map(|e| crate::yaml::Entry {
                    key: e.key.clone(),
                    key_span: Default::default(),
                    value: bare(&e.value),
                })
                .collect(),
        ),
        v => v.clone(),
    };
    Node {
        value,
        span: Default::default(),
    }
}

fn full(text: &str) -> Vec<Node> {
    read_documents(text, &Limits::default())
        .expect("valid YAML")
        .iter()
        .map(bare)
        .collect()
}

const SERVICE: &str = "---\napiVersion: v1\nkind: Service\nmetadata:\n  name: front-1\nspec:\n  type: LoadBalancer\n  \
    selector:\n    app: front-1\n  ports:\n  - name: http\n    port: 80\n    targetPort: 80\n    protocol: TCP\n";

#[test]
fn what_it_reads_it_reads_as_the_full_reader_does() {
    let accepted = [
        SERVICE.to_string(),
        format!("{SERVICE}{SERVICE}"),
        SERVICE.trim_start_matches("---\n").to_string(),
        "a: 1\nb:\nc:\n  - x\n  - -1\n  - 0x1F\nd: 1.5\ne: yes\nf: null\ng: .inf\n".into(),
        "a:\n- b: 1\n  c:\n  - x\n- d:\n    e: 2\nz: 3\n".into(),
        "a:\n\n  b: 0755\n---\nc: -x\n".into(),
        "spec:\n  ports:\n  - port: 80\n    nodePort: 30080\n    protocol: UDP\n  externalTrafficPolicy: Local\n"
            .into(),
    ];
    for text in &accepted {
        let fast = read_plain(text).unwrap_or_else(|| panic!("not read: {text:?}"));
        assert_eq!(fast, full(text), "{text:?}");
    }
}

#[test]
fn anything_unusual_is_left_to_the_full_reader() {
    let refused = [
        "a: 1 # note\n",
        "a: 'x'\n",
        "a: \"x\"\n",
        "a: {b: 1}\n",
        "a: [1]\n",
        "a: &x 1\nb: *x\n",
        "a: !!str 1\n",
        "a: |\n  x\n",
        "a: 1\na: 2\n",
        "yes: 1\n",
        "1: x\n",
        "a: 99999999999999999999\n",
        "a: 1\n  b: 2\n",
        "a:\n- x\n b: 1\n",
        "a:\n  - x\n  c: 1\n",
        "a: 1\n  - x\n",
        "a: x y\n",
        "a:  x\n",
        "a:x\n",
        "a: x \n",
        "a: 1\r\n",
        "\ta: 1\n",
        "a: 1",
        "\u{feff}a: 1\n",
        "a: 1\n...\n",
        "%YAML 1.2\n---\na: 1\n",
        "- a\n",
        "a: -\n",
        "a:\n- - x\n",
        "a:\n-\n  b: 1\n",
        "a: 1\n---\n",
        "a: nginx:1.2\n",
        "a:\n  \n",
        "a: é\n",
        "<<: x\n",
    ];
    for text in refused {
        assert_eq!(read_plain(text), None, "{text:?}");
    }
}

#[test]
fn deep_nesting_and_many_keys_are_left_to_the_full_reader() {
    let deep: String = (0..40).map(|d| format!("{}k:\n", "  ".repeat(d))).collect();
    assert_eq!(read_plain(&deep), None);
    let wide: String = (0..300).map(|k| format!("k{k}: 1\n")).collect();
    assert_eq!(read_plain(&wide), None);
}
