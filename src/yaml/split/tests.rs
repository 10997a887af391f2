//! The split reader against the serial one: whatever it reads, the serial
//! reader reads to the same nodes and spans, over generated documents with
//! the constructs a cut could disturb (block scalars, multi-line flow and
//! quoted scalars, anchors, comments at any indentation, duplicate keys,
//! deep nesting, node limits) and over random edits of them.

use super::super::node::Limits;
use super::super::read::read_source;
use super::{MIN_BYTES, read_in};

/// A small deterministic generator (xorshift64*).
struct Rng(u64);

impl Rng {
    fn below(&mut self, n: usize) -> usize {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        let x = self.0.wrapping_mul(0x2545_f491_4f6c_dd1d) >> 33;
        usize::try_from(x).unwrap_or(0) % n.max(1)
    }

    fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items[self.below(items.len())]
    }
}

const SCALARS: &[&str] = &[
    "x",
    "80",
    "true",
    "~",
    "\"quoted: #1\"",
    "'it''s'",
    "\"esc \\\" \\n\"",
    "{ host: a.example.com, to: a:80 }",
    "[front, admin]",
    "[]",
    "{}",
    "!!str 12",
    "a # trailing comment",
    "\"two\n  lines\"",
    "[one,\n  two]",
    "café ☕ ü",
    "\"ключ: é\"",
];

/// A value for a key at `indent`: a scalar on the key's line, or lines below it.
fn value(rng: &mut Rng, indent: usize, depth: usize, anchors: &mut usize) -> String {
    let pad = " ".repeat(indent + 2);
    let anchor = if rng.below(12) == 0 {
        *anchors += 1;
        format!(" &a{anchors}")
    } else {
        String::new()
    };
    match rng.below(if depth > 3 { 3 } else { 7 }) {
        0 if *anchors > 0 => format!(" *a{}\n", 1 + rng.below(*anchors)),
        0 | 1 => format!("{anchor} {}\n", rng.pick(SCALARS).replace('\n', &format!("\n{pad}  "))),
        2 => {
            let style = rng.pick(&["|", "|+", "|-", ">", "|2"]);
            let blank = if rng.below(2) == 0 { "\n\n" } else { "" };
            let end = rng.pick(&["more", "naïve ☕"]);
            format!(" {style}\n{pad}line one\n{pad}# not a comment\n\n{pad}  {end}{blank}\n")
        }
        3 => {
            let mut out = format!("{anchor}\n");
            for i in 0..1 + rng.below(3) {
                let v = value(rng, indent + 2, depth + 1, anchors);
                out.push_str(&format!("{pad}k{i}:{v}"));
            }
            out
        }
        4 => {
            let dash = if rng.below(2) == 0 {
                " ".repeat(indent)
            } else {
                pad.clone()
            };
            let mut out = format!("{anchor}\n");
            for _ in 0..1 + rng.below(3) {
                out.push_str(&format!("{dash}- {}\n", rng.pick(SCALARS).replace('\n', " ")));
            }
            out
        }
        5 => format!(" plain\n{pad}continued\n"),
        _ => format!("\n{}# a comment\n{pad}k: v\n", " ".repeat(rng.below(indent + 4))),
    }
}

/// A document with a large mapping under `apps:` and other keys around it.
fn document(rng: &mut Rng) -> String {
    let indent = [1, 2, 4][rng.below(3)];
    let pad = " ".repeat(indent);
    let mut anchors = 0;
    let mut out = String::from("apiVersion: gatewright.dev/v1alpha1\n");
    if rng.below(4) == 0 {
        out.push_str("shared: &a0 { x: 1 }\n");
    }
    out.push_str("apps:\n");
    if rng.below(4) == 0 {
        out.push_str("# before the first app\n\n");
    }
    for i in 0..2 + rng.below(30) {
        let key = match rng.below(10) {
            0 => format!("\"app {i}\""),
            1 => format!("'app-{i}'"),
            2 if i > 0 && rng.below(4) == 0 => format!("app-{}", rng.below(i)),
            _ => format!("app-{i}"),
        };
        let v = value(rng, indent, 0, &mut anchors);
        out.push_str(&format!("{pad}{key}:{v}"));
        if rng.below(6) == 0 {
            out.push_str(&format!("{}# between apps\n", " ".repeat(rng.below(indent + 3))));
        }
        if rng.below(6) == 0 {
            out.push('\n');
        }
    }
    if rng.below(2) == 0 {
        out.push_str(rng.pick(&[
            "gitops:\n  output: deploy\n",
            "tail: *a0\n",
            "mesh: { revision: r }\n",
            "# end\n",
        ]));
    }
    out
}

/// One random edit: a byte removed, or one a cut is sensitive to inserted.
fn edit(rng: &mut Rng, text: &str) -> String {
    let mut bytes = text.as_bytes().to_vec();
    let at = rng.below(bytes.len());
    if rng.below(2) == 0 && !bytes.is_empty() {
        bytes.remove(at);
    } else {
        let set = b":# \n\"'-{}[]&*|>!?a";
        let inserted = set[rng.below(set.len())];
        bytes.insert(at, inserted);
    }
    // An edit inside a multi-byte character is not made.
    String::from_utf8(bytes).unwrap_or_else(|_| text.to_string())
}

#[test]
fn whatever_is_read_in_pieces_reads_the_same_serially() {
    let (mut split, mut cases, mut valid) = (0, 0, 0);
    // GATEWRIGHT_SPLIT_ROUNDS runs more (or fewer) documents than the 4,000 of every run.
    let rounds = std::env::var("GATEWRIGHT_SPLIT_ROUNDS")
        .ok()
        .and_then(|r| r.parse().ok())
        .unwrap_or(4000_usize);
    let mut rng = Rng(std::env::var("GATEWRIGHT_SPLIT_SEED")
        .ok()
        .and_then(|r| r.parse().ok())
        .unwrap_or(0x9e37_79b9_7f4a_7c15));
    for round in 0..rounds {
        let mut text = document(&mut rng);
        for _ in 0..(round % 4).saturating_sub(1) {
            text = edit(&mut rng, &text);
        }
        let limits = if rng.below(4) == 0 {
            Limits {
                max_depth: 2 + rng.below(6),
                max_nodes: 10 + rng.below(400),
                ..Limits::default()
            }
        } else {
            Limits::default()
        };
        let serial = read_source(&text, 0, &limits);
        for pieces in 2..6 {
            cases += 1;
            valid += usize::from(serial.is_ok());
            if let Some(docs) = read_in(&text, &limits, pieces) {
                split += 1;
                assert_eq!(Ok(&docs), serial.as_ref(), "{pieces} pieces of:\n{text}");
                assert_keys_where_written(&text, &docs);
            }
        }
    }
    // Most documents the serial reader reads are split: the comparison above is not vacuous.
    assert!(
        split * 2 > valid,
        "only {split} of {valid} valid reads ({cases} in all) were split"
    );
}

#[test]
fn a_large_spec_is_read_in_pieces_with_the_serial_spans() {
    let mut text = String::from("apiVersion: gatewright.dev/v1alpha1\nkind: Site\napps:\n");
    let mut i = 0;
    while text.len() < 2 * MIN_BYTES {
        i += 1;
        text.push_str(&format!(
            "  app-{i}:\n    services: [front-{i}]\n    routes:\n      front-{i}: {{ host: front-{i}.example.com, to: front-{i}:80 }}\n"
        ));
    }
    text.push_str("gitops:\n  output: deploy\n");
    let limits = Limits::default();
    let docs = super::read(&text, &limits).expect("split");
    assert_eq!(Ok(docs), read_source(&text, 0, &limits));
}

/// Every plain key's span holds the key (a quoted one's, its quotes too): the spans both readers agree on are right.
fn assert_keys_where_written(text: &str, docs: &[super::Node]) {
    let mut stack: Vec<&super::Node> = docs.iter().collect();
    while let Some(node) = stack.pop() {
        match &node.value {
            super::Value::Map(entries) => {
                for e in entries {
                    let quoted = matches!(text.as_bytes().get(e.key_span.start), Some(b'"' | b'\''));
                    if !quoted && e.key.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-') {
                        assert_eq!(
                            text.get(e.key_span.start..e.key_span.end),
                            Some(e.key.as_str()),
                            "{text}"
                        );
                    }
                    stack.push(&e.value);
                }
            }
            super::Value::Seq(items) => stack.extend(items),
            _ => {}
        }
    }
}
