//! YAML in and out, the way Kubernetes tools read it.
//!
//! # Reading
//!
//! [`read_documents`] and [`read_bytes`] parse a YAML stream into [`Node`]s that
//! remember where they came from ([`Span`]: byte range, 1-based line and column,
//! columns counted in characters). Parsing is built on the `yaml-rust2` event
//! parser; the tree is built iteratively, so no input can overflow the stack.
//!
//! Scalars are resolved as kubectl, Flux and Argo CD resolve them: go-yaml v2
//! (through `sigs.k8s.io/yaml`), which implements the YAML 1.1 rules:
//!
//! * plain `y Y yes Yes YES on On ON true True TRUE` are `true`, plain
//!   `n N no No NO off Off OFF false False FALSE` are `false`;
//! * plain `~ null Null NULL` and an empty plain scalar are null;
//! * plain integers: decimal, `0x` hex, `0o` and leading-`0` octal (`0755` is
//!   493), `0b` binary, with an optional sign and any `_` separators removed
//!   first (go-yaml strips every `_` before parsing);
//! * plain floats: `.inf +.inf -.inf .nan` (and their `.Inf`/`.INF`/`.NaN`/`.NAN`
//!   spellings), and `[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?` after
//!   removing `_` (so `08` and `09`, which are not octal, are floats, as in go-yaml);
//! * everything else, every quoted scalar and every block scalar (`|`, `>`) is a
//!   string. Timestamps (`2001-12-14`) stay strings, as go-yaml v2 leaves them
//!   when decoding into an untyped value; sexagesimal forms like `1:20` are strings.
//! * tags `!!str`, `!!int`, `!!bool`, `!!null` and `!!float` are honoured on
//!   scalars (`!!float 1` is the float 1.0; `!!int "12"` is 12; a value that does
//!   not fit its tag is an error); `!!map` and `!!seq` are accepted on mappings and
//!   sequences; any other tag is an error.
//!
//! Where this reader knowingly differs from go-yaml v2:
//!
//! * integers outside the `i64` range are errors (go-yaml returns `uint64` for
//!   some, floats for longer decimals and strings for long hex);
//! * floats that overflow (`1e400`) are strings there and here alike, but
//!   non-finite floats (`.inf`, `.nan`) cannot be JSON: [`Node::to_json`] turns
//!   them into the strings `".inf"`, `"-.inf"`, `".nan"` (Kubernetes refuses them);
//! * duplicate keys are always errors (go-yaml v2 keeps the last one; kubectl's
//!   strict decoding refuses them);
//! * merge keys (plain `<<`) are rejected: go-yaml v2 and v3 disagree on whether a
//!   merged key overrides an explicit one, so the meaning would depend on the tool;
//! * mapping keys must be strings: `1:`, `true:`, `~:` or a collection as a key are
//!   errors naming the key (go-yaml and sigs.k8s.io/yaml turn them into strings
//!   in ways that differ between tools);
//! * syntax is judged by `yaml-rust2`, not libyaml: error messages differ, and
//!   the rare texts on which the two parsers disagree are read as `yaml-rust2`
//!   reads them, except a block scalar that ends the input without a final line
//!   break, which is corrected to read as libyaml reads it. Its scanner also has
//!   its own nesting limit of about 128 to 256 levels, reported as "nesting too
//!   deep" before our depth limit when it looks far ahead.
//!
//! A character YAML does not allow in a stream ([`forbidden_char`]: a NUL,
//! another C0 or C1 control character, DEL, U+FFFE, U+FFFF, or a byte-order
//! mark anywhere but first) is an error at its line and column before parsing:
//! `yaml-rust2` would end the input at a NUL without a word.
//!
//! Aliases are expanded. The expanded node keeps the spans of the anchored
//! definition, except its top, which points at the alias. An alias to a node that
//! contains it is an error. Documents that hold nothing (`---` twice, comments
//! only) are skipped. [`Limits`] bounds input size, nesting depth, node count
//! after alias expansion (a "billion laughs" document fails fast) and the
//! number of documents.
//!
//! # Writing
//!
//! [`to_canonical_yaml`] writes one document in a canonical block style; see
//! [`mod@write`] for the exact rules. Anything it writes reads back to the same JSON
//! value under YAML 1.1 (this reader, go-yaml v2) and YAML 1.2 (serde_yaml).

mod diag;
mod documents;
mod frame;
mod map;
mod node;
mod plain;
mod read;
mod resolve;
mod source;
mod split;
pub mod write;

pub use diag::forbidden_char;
pub use documents::{read_bytes, read_documents};
pub use node::{Entry, Limits, Node, ReadError, Span, Value};
pub use plain::read_plain;
pub use write::{to_canonical_yaml, write_canonical_yaml};
