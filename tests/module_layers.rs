//! Imports point one way: no cycle between the top-level modules of `src/`,
//! nor between the files of one module. And the library boundary is held by
//! lints, which only the binary (`src/main.rs`, `src/cli/`) may lift.
//!
//! The edges are read from the source text: `use` trees (with `{...}` groups,
//! `self`, `super` and globs), and `crate::`/`super::`/`self::` paths in code.
//! Comments and string literals are skipped. In the binary (`main.rs`,
//! `cli/`), `gatewright::` paths are edges into the library. A module's root
//! file (`x.rs` or `x/mod.rs`) declares and re-exports its files, so it is left
//! out of the file-level graph; edges between sibling files are checked.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

/// The one edge allowed to close a cycle until the gitops/driver rework merges
/// (issue 16 item 1: `gitops::generate_for` takes `driver::Target`s). The lead
/// empties this list at merge; nothing else belongs here.
const ALLOWED_UNTIL_GITOPS_DRIVER_MERGE: &[(&str, &str)] = &[("gitops", "driver")];

/// A module path inside one crate: `["crd", "node"]`.
type ModPath = Vec<String>;

/// Where an edge comes from, for the failure message.
type Sites = BTreeMap<(String, String), String>;

#[test]
fn top_level_modules_form_no_cycle() {
    let files = source_files();
    let modules: BTreeSet<&String> = files.iter().filter_map(|f| f.module.first()).collect();
    let mut graph: Sites = BTreeMap::new();
    for file in &files {
        for (target, line) in &file.targets {
            let (Some(from), Some(to)) = (file.module.first(), target.first()) else {
                continue;
            };
            let allowed = ALLOWED_UNTIL_GITOPS_DRIVER_MERGE.contains(&(from.as_str(), to.as_str()));
            if from != to && modules.contains(to) && !allowed {
                graph
                    .entry((from.clone(), to.clone()))
                    .or_insert_with(|| format!("{}:{line}", file.rel));
            }
        }
    }
    assert!(graph.len() > 40, "too few edges read; is the parser broken? {graph:?}");
    let cycles = cycles(&graph);
    assert!(
        cycles.is_empty(),
        "import cycles between top-level modules of src/:\n{}",
        cycles.join("\n")
    );
}

#[test]
fn files_of_one_module_form_no_cycle() {
    let files = source_files();
    let file_modules: BTreeSet<&[String]> = files.iter().map(|f| f.module.as_slice()).collect();
    let mut graph: Sites = BTreeMap::new();
    for file in files.iter().filter(|f| f.module.len() >= 2) {
        for (target, line) in &file.targets {
            let (from, to) = (&file.module[..2], target.get(..2).unwrap_or_default());
            if to.len() == 2 && from[0] == to[0] && from[1] != to[1] && file_modules.contains(to) {
                let key = (from.join("::"), to.join("::"));
                graph.entry(key).or_insert_with(|| format!("{}:{line}", file.rel));
            }
        }
    }
    assert!(
        graph.contains_key(&("emit::write".into(), "emit::lock".into())),
        "parser lost emit's edges"
    );
    let cycles = cycles(&graph);
    assert!(
        cycles.is_empty(),
        "import cycles between files of one module:\n{}",
        cycles.join("\n")
    );
}

#[test]
fn the_reader_sees_groups_paths_and_super() {
    let text = r#"
        // use crate::comment;
        use crate::{a, b::c, d::{self, e::*}};
        use super::{sibling, Item as Other};
        fn f() -> crate::x::Y { let _ = "crate::string"; let _ = 'c'; crate::z::g::<'static>() }
        mod inner { use super::super::up; }
    "#;
    let module: ModPath = vec!["m".into(), "file".into()];
    let mut seen: Vec<String> = paths(text, &module, false)
        .into_iter()
        .map(|(p, _)| p.join("::"))
        .collect();
    seen.sort();
    let expected = [
        "a",
        "b::c",
        "d",
        "d::e",
        "m::Item",
        "m::sibling",
        "m::up",
        "x::Y",
        "z::g",
    ];
    assert_eq!(seen, expected);
}

/// What only the binary may do: print, exit, and (once) use `unsafe`.
const BINARY_ONLY: &[&str] = &[
    "clippy::print_stdout",
    "clippy::print_stderr",
    "clippy::exit",
    "clippy::disallowed_methods",
    "unsafe_code",
];

#[test]
fn the_library_may_not_print_exit_or_use_unsafe() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let read = |name: &str| std::fs::read_to_string(root.join(name)).unwrap_or_default();
    let lib = lint_levels(&read("src/lib.rs"));
    for lint in BINARY_ONLY.iter().filter(|l| l.starts_with("clippy::")) {
        assert!(
            lib.contains(&("deny".into(), lint.to_string())),
            "src/lib.rs does not deny {lint}"
        );
    }
    let cargo = read("Cargo.toml");
    let rust_lints = cargo
        .split("[lints.rust]")
        .nth(1)
        .and_then(|s| s.split("\n[").next())
        .unwrap_or_default();
    assert!(
        rust_lints.lines().any(|l| l.trim() == "unsafe_code = \"deny\""),
        "Cargo.toml does not deny unsafe_code"
    );
    let clippy = read("clippy.toml");
    for path in [
        "std::io::stdout",
        "std::io::stderr",
        "std::process::exit",
        "std::process::abort",
    ] {
        assert!(
            clippy.contains(&format!("path = \"{path}\"")),
            "clippy.toml does not disallow {path}"
        );
    }
    let pinned = cargo
        .lines()
        .find(|l| l.starts_with("libmimalloc-sys "))
        .unwrap_or_default();
    assert!(
        pinned.contains("version = \"="),
        "libmimalloc-sys is not pinned exactly: {pinned}"
    );
    for file in source_files()
        .iter()
        .filter(|f| f.rel != "src/main.rs" && !f.rel.starts_with("src/cli/"))
    {
        let text = read(&file.rel);
        for (level, lint) in lint_levels(&text) {
            let lifted = matches!(level.as_str(), "allow" | "expect" | "warn");
            assert!(
                !(lifted && BINARY_ONLY.contains(&lint.as_str())),
                "{} lifts {lint} ({level})",
                file.rel
            );
        }
    }
}

/// Every `#[level(lint, ...)]` and `#![level(...)]` in `text`, as `(level, lint)`.
fn lint_levels(text: &str) -> Vec<(String, String)> {
    let tokens = tokens(text);
    let mut out = Vec::new();
    for (i, (level, _)) in tokens.iter().enumerate() {
        let opens = tokens.get(i + 1).is_some_and(|t| t.0 == "(");
        let after_bracket = i > 0 && tokens[i - 1].0 == "[";
        if !opens || !after_bracket || !matches!(level.as_str(), "allow" | "expect" | "warn" | "deny" | "forbid") {
            continue;
        }
        let mut lint = String::new();
        for (t, _) in tokens[i + 2..].iter().take_while(|t| t.0 != ")") {
            if t == "," {
                out.push((level.clone(), std::mem::take(&mut lint)));
            } else {
                lint.push_str(t);
            }
        }
        out.push((level.clone(), lint));
    }
    out
}

/// One `.rs` file of `src/`: its module path and the paths it names.
struct File {
    rel: String,
    module: ModPath,
    targets: Vec<(ModPath, usize)>,
}

/// Every `.rs` file under `src/`, sorted, with the library paths it names.
fn source_files() -> Vec<File> {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut found = Vec::new();
    walk(&src, &mut found);
    found.sort();
    found
        .into_iter()
        .map(|rel| {
            let text = std::fs::read_to_string(src.join(&rel)).expect("read a source file");
            let module = module_of(&rel);
            let in_bin = rel == "main.rs" || rel.starts_with("cli/");
            let targets = paths(&text, &module, in_bin);
            File {
                rel: format!("src/{rel}"),
                module,
                targets,
            }
        })
        .collect()
}

fn walk(dir: &Path, out: &mut Vec<String>) {
    let base = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    for entry in std::fs::read_dir(dir).expect("read src/") {
        let path = entry.expect("a directory entry").path();
        if path.is_dir() {
            walk(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            let rel = path.strip_prefix(&base).expect("under src/");
            out.push(rel.to_string_lossy().replace('\\', "/"));
        }
    }
}

/// `crd/node.rs` → `[crd, node]`, `crd/mod.rs` and `crd.rs` → `[crd]`,
/// `lib.rs` → `[]`; `main.rs` is the root of the binary, whose `cli` module
/// sits beside the library's modules.
fn module_of(rel: &str) -> ModPath {
    let stem = rel.trim_end_matches(".rs");
    let mut parts: ModPath = stem.split('/').map(String::from).collect();
    if matches!(parts.last().map(String::as_str), Some("mod" | "lib" | "main")) {
        parts.pop();
    }
    parts
}

/// The library paths `text` names, each with its line, resolved against the
/// module the text sits in. Paths into the binary's own modules are dropped.
fn paths(text: &str, module: &[String], in_bin: bool) -> Vec<(ModPath, usize)> {
    let tokens = tokens(text);
    let mut out = Vec::new();
    let mut inline: Vec<(String, usize)> = Vec::new();
    let mut depth = 0;
    let mut i = 0;
    while i < tokens.len() {
        let (tok, line) = (&tokens[i].0, tokens[i].1);
        let here: ModPath = module
            .iter()
            .cloned()
            .chain(inline.iter().map(|(m, _)| m.clone()))
            .collect();
        match tok.as_str() {
            "{" => depth += 1,
            "}" => {
                if inline.last().is_some_and(|(_, d)| *d == depth) {
                    inline.pop();
                }
                depth -= 1;
            }
            "mod" if tokens.get(i + 2).is_some_and(|t| t.0 == "{") => inline.push((tokens[i + 1].0.clone(), depth + 1)),
            "use" => {
                let mut raw = Vec::new();
                i = use_tree(&tokens, i + 1, &mut Vec::new(), &mut raw);
                out.extend(
                    raw.into_iter()
                        .filter_map(|p| resolve(&p, &here, in_bin))
                        .map(|p| (p, line)),
                );
                continue;
            }
            "crate" | "super" | "self" | "gatewright" if starts_path(&tokens, i) => {
                let mut raw = vec![tok.clone()];
                i += 1;
                while tokens.get(i).is_some_and(|t| t.0 == "::") && tokens.get(i + 1).is_some_and(|t| is_ident(&t.0)) {
                    raw.push(tokens[i + 1].0.clone());
                    i += 2;
                }
                out.extend(resolve(&raw, &here, in_bin).map(|p| (p, line)));
                continue;
            }
            _ => {}
        }
        i += 1;
    }
    out
}

/// A path starts here: `crate::…` not preceded by `::` (so not `x::crate`).
fn starts_path(tokens: &[(String, usize)], i: usize) -> bool {
    tokens.get(i + 1).is_some_and(|t| t.0 == "::") && (i == 0 || tokens[i - 1].0 != "::")
}

/// Parses one use tree from `i`, pushing every leaf path (a group's `self`
/// is its prefix, a glob is its prefix); returns the index after it.
fn use_tree(tokens: &[(String, usize)], mut i: usize, prefix: &mut ModPath, out: &mut Vec<ModPath>) -> usize {
    let depth = prefix.len();
    loop {
        match tokens.get(i).map(|t| t.0.as_str()) {
            Some("{") => {
                i += 1;
                while tokens.get(i).is_some_and(|t| t.0 != "}") {
                    i = use_tree(tokens, i, prefix, out);
                    if tokens.get(i).is_some_and(|t| t.0 == ",") {
                        i += 1;
                    }
                }
                i += 1;
                break;
            }
            Some("*") | Some("self") if !prefix.is_empty() => {
                out.push(prefix.clone());
                i += 1;
                break;
            }
            Some("::") => i += 1,
            Some(seg) if is_ident(seg) => {
                prefix.push(seg.to_string());
                i += 1;
                if tokens.get(i).is_some_and(|t| t.0 == "::") {
                    continue;
                }
                if tokens.get(i).is_some_and(|t| t.0 == "as") {
                    i += 2;
                }
                out.push(prefix.clone());
                break;
            }
            _ => break,
        }
    }
    prefix.truncate(depth);
    if tokens.get(i).is_some_and(|t| t.0 == ";") {
        i += 1;
    }
    i
}

/// `crate::a::b` → `[a, b]` in the library; `super`/`self` against `here`;
/// `gatewright::a` from the binary. `None` for other crates and for paths into
/// the binary's own modules (`crate::` inside `cli/`).
fn resolve(raw: &[String], here: &[String], in_bin: bool) -> Option<ModPath> {
    let mut base: ModPath = match raw.first()?.as_str() {
        "crate" if !in_bin => Vec::new(),
        "gatewright" if in_bin => Vec::new(),
        "self" | "super" => here.to_vec(),
        _ => return None,
    };
    let mut rest = raw.iter().peekable();
    if raw[0] != "super" {
        rest.next();
    }
    while rest.peek().is_some_and(|s| *s == "super") {
        rest.next();
        base.pop()?;
    }
    let relative_in_bin = in_bin && matches!(raw[0].as_str(), "self" | "super");
    (!relative_in_bin).then(|| base.into_iter().chain(rest.cloned()).collect())
}

fn is_ident(s: &str) -> bool {
    s.chars().next().is_some_and(|c| c.is_alphabetic() || c == '_')
}

/// Identifiers, `::` and single punctuation, with their line; comments,
/// string, char and number literals, and lifetimes dropped.
fn tokens(text: &str) -> Vec<(String, usize)> {
    let chars: Vec<char> = text.chars().collect();
    let (mut out, mut i, mut line) = (Vec::new(), 0, 1);
    let at = |i: usize| chars.get(i).copied().unwrap_or('\0');
    while i < chars.len() {
        let c = chars[i];
        let start = i;
        if c == '/' && at(i + 1) == '/' {
            while i < chars.len() && chars[i] != '\n' {
                i += 1;
            }
        } else if c == '/' && at(i + 1) == '*' {
            let mut nest = 0;
            loop {
                if at(i) == '/' && at(i + 1) == '*' {
                    (nest, i) = (nest + 1, i + 2);
                } else if at(i) == '*' && at(i + 1) == '/' {
                    (nest, i) = (nest - 1, i + 2);
                    if nest == 0 {
                        break;
                    }
                } else if i >= chars.len() {
                    break;
                } else {
                    i += 1;
                }
            }
        } else if c == '"' {
            i = skip_string(&chars, i + 1, 0);
        } else if let Some(j) = raw_string_at(&chars, i) {
            let hashes = chars[j..].iter().take_while(|&&h| h == '#').count();
            i = skip_string(&chars, j + 1 + hashes, hashes);
        } else if c == '\'' {
            i += if at(i + 1) == '\\' {
                chars[i + 3..]
                    .iter()
                    .position(|&q| q == '\'')
                    .map_or(chars.len(), |p| p + 4)
            } else if at(i + 2) == '\'' {
                3
            } else {
                1 + chars[i + 1..]
                    .iter()
                    .take_while(|h| h.is_alphanumeric() || **h == '_')
                    .count()
            };
        } else if c.is_alphanumeric() || c == '_' {
            while i < chars.len() && (chars[i].is_alphanumeric() || chars[i] == '_') {
                i += 1;
            }
            out.push((chars[start..i].iter().collect(), line));
        } else if c == ':' && at(i + 1) == ':' {
            out.push(("::".to_string(), line));
            i += 2;
        } else {
            if !c.is_whitespace() && c != '$' {
                out.push((c.to_string(), line));
            }
            i += 1;
        }
        line += chars[start..i.min(chars.len())].iter().filter(|&&n| n == '\n').count();
    }
    out
}

/// Where the `#`s or quote of a raw string (`r"`, `r#"`, `br"`) begin, if one starts at `i`.
fn raw_string_at(chars: &[char], i: usize) -> Option<usize> {
    let at = |i: usize| chars.get(i).copied().unwrap_or('\0');
    let j = match (at(i), at(i + 1)) {
        ('r', _) => i + 1,
        ('b' | 'c', 'r') => i + 2,
        _ => return None,
    };
    let hashes = chars[j..].iter().take_while(|&&h| h == '#').count();
    (at(j + hashes) == '"').then_some(j)
}

/// The index after a string whose body starts at `i` and which closes with
/// `"` and `hashes` `#`s (escapes only count in a plain string).
fn skip_string(chars: &[char], mut i: usize, hashes: usize) -> usize {
    while i < chars.len() {
        if hashes == 0 && chars[i] == '\\' {
            i += 2;
        } else if chars[i] == '"' && chars[i + 1..].iter().take(hashes).filter(|&&h| h == '#').count() == hashes {
            return i + 1 + hashes;
        } else {
            i += 1;
        }
    }
    i
}

/// Every cycle a depth-first walk closes, as `a -> b -> a` with the place
/// each edge is made.
fn cycles(graph: &Sites) -> Vec<String> {
    let mut next: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
    for (from, to) in graph.keys() {
        next.entry(from).or_default().push(to);
    }
    let mut done = BTreeSet::new();
    let mut found = Vec::new();
    for start in next.keys() {
        visit(start, &next, &mut Vec::new(), &mut done, &mut |cycle: &[&str]| {
            let hops: Vec<String> = cycle
                .windows(2)
                .map(|w| {
                    format!(
                        "  {} -> {} ({})",
                        w[0],
                        w[1],
                        graph[&(w[0].to_string(), w[1].to_string())]
                    )
                })
                .collect();
            found.push(format!("{}\n{}", cycle.join(" -> "), hops.join("\n")));
        });
    }
    found
}

fn visit<'a>(
    node: &'a str,
    next: &BTreeMap<&'a str, Vec<&'a str>>,
    stack: &mut Vec<&'a str>,
    done: &mut BTreeSet<&'a str>,
    report: &mut impl FnMut(&[&str]),
) {
    if done.contains(node) {
        return;
    }
    if let Some(at) = stack.iter().position(|n| *n == node) {
        let mut cycle = stack[at..].to_vec();
        cycle.push(node);
        report(&cycle);
        return;
    }
    stack.push(node);
    for to in next.get(node).into_iter().flatten() {
        visit(to, next, stack, done, report);
    }
    stack.pop();
    done.insert(node);
}
