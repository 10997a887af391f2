//! Reading Rust source for `tests/module_layers.rs`: tokens without comments
//! and literals, the library paths each file of `src/` names (`use` trees
//! with groups, `self`, `super` and globs; `crate::`/`super::`/`self::` paths
//! in code; `gatewright::` paths in the binary), and lint attributes.

use std::path::Path;

/// A module path inside one crate: `["crd", "node"]`.
pub type ModPath = Vec<String>;

/// Every `#[level(lint, ...)]` and `#![level(...)]` in `text`, as `(level, lint)`.
pub fn lint_levels(text: &str) -> Vec<(String, String)> {
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
pub struct File {
    /// `src/crd/node.rs`.
    pub rel: String,
    /// `[crd, node]`; `[]` for a crate root.
    pub module: ModPath,
    /// The library paths the file names, with their line.
    pub targets: Vec<(ModPath, usize)>,
}

/// Every `.rs` file under `src/`, sorted, with the library paths it names.
pub fn source_files() -> Vec<File> {
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
pub fn paths(text: &str, module: &[String], in_bin: bool) -> Vec<(ModPath, usize)> {
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

/// Identifiers (and numbers), `::` and single punctuation, with their line;
/// comments, string and char literals, and lifetimes dropped.
fn tokens(text: &str) -> Vec<(String, usize)> {
    let chars: Vec<char> = text.chars().collect();
    let (mut out, mut i, mut line) = (Vec::new(), 0, 1);
    let word = |c: char| c.is_alphanumeric() || c == '_';
    while i < chars.len() {
        let (c, start) = (chars[i], i);
        if let Some(end) = skip_unread(&chars, i) {
            i = end;
        } else if word(c) {
            i += chars[i..].iter().take_while(|&&w| word(w)).count();
            out.push((chars[start..i].iter().collect(), line));
        } else if c == ':' && chars.get(i + 1) == Some(&':') {
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

/// The index after the comment, string or char literal, or lifetime that
/// starts at `i`; `None` when none does.
fn skip_unread(chars: &[char], i: usize) -> Option<usize> {
    let at = |i: usize| chars.get(i).copied().unwrap_or('\0');
    let rest = |from: usize| chars.get(from..).unwrap_or_default();
    let end = match (at(i), at(i + 1)) {
        ('/', '/') => i + rest(i).iter().take_while(|&&c| c != '\n').count(),
        ('/', '*') => skip_block_comment(chars, i),
        ('"', _) => skip_string(chars, i + 1, 0),
        ('\'', '\\') => rest(i + 3)
            .iter()
            .position(|&q| q == '\'')
            .map_or(chars.len(), |p| i + p + 4),
        ('\'', _) if at(i + 2) == '\'' => i + 3,
        ('\'', _) => {
            i + 1
                + rest(i + 1)
                    .iter()
                    .take_while(|h| h.is_alphanumeric() || **h == '_')
                    .count()
        }
        _ => {
            let j = raw_string_at(chars, i)?;
            let hashes = rest(j).iter().take_while(|&&h| h == '#').count();
            skip_string(chars, j + 1 + hashes, hashes)
        }
    };
    Some(end)
}

/// The index after the (nested) block comment that starts at `i`.
fn skip_block_comment(chars: &[char], mut i: usize) -> usize {
    let mut nest = 0;
    while i < chars.len() {
        match (chars[i], chars.get(i + 1).copied().unwrap_or('\0')) {
            ('/', '*') => (nest, i) = (nest + 1, i + 2),
            ('*', '/') => {
                (nest, i) = (nest - 1, i + 2);
                if nest == 0 {
                    return i;
                }
            }
            _ => i += 1,
        }
    }
    i
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
