//! Reading Markdown as GitHub renders it, for the tests that keep the
//! documentation honest: headings and their anchors, and relative links.
#![allow(dead_code)]

use std::path::{Component, Path, PathBuf};

/// The lines of `text` outside fenced code blocks, with their 1-based numbers.
fn prose(text: &str) -> Vec<(usize, &str)> {
    let mut fence: Option<(char, usize)> = None;
    let mut out = Vec::new();
    for (i, line) in text.lines().enumerate() {
        let trimmed = line.trim_start();
        let mark = trimmed.chars().next().filter(|c| *c == '`' || *c == '~');
        let run = mark.map_or(0, |c| trimmed.chars().take_while(|x| *x == c).count());
        match (fence, mark) {
            (None, Some(c)) if run >= 3 => fence = Some((c, run)),
            (Some((c, n)), Some(m)) if m == c && run >= n && trimmed[run..].trim().is_empty() => {
                fence = None;
            }
            (None, _) => out.push((i + 1, line)),
            _ => {}
        }
    }
    out
}

/// The titles of the headings of `text` (ATX `#` and setext `===`/`---`),
/// as written (inline markup kept).
pub fn headings(text: &str) -> Vec<String> {
    let lines = prose(text);
    let mut out = Vec::new();
    for (k, (n, line)) in lines.iter().enumerate() {
        let hashes = line.chars().take_while(|c| *c == '#').count();
        if (1..=6).contains(&hashes) && line[hashes..].starts_with([' ', '\t']) {
            let title = line[hashes..].trim().trim_end_matches('#').trim();
            out.push(title.to_string());
            continue;
        }
        let underline = line.trim_end();
        let setext =
            !underline.is_empty() && (underline.chars().all(|c| c == '=') || underline.chars().all(|c| c == '-'));
        let Some((m, above)) = k.checked_sub(1).map(|j| lines[j]) else {
            continue;
        };
        if setext && m + 1 == *n && is_paragraph(above) {
            out.push(above.trim().to_string());
        }
    }
    out
}

/// Whether a line can be the text of a setext heading.
fn is_paragraph(line: &str) -> bool {
    let t = line.trim_start();
    !t.is_empty()
        && line.len() - t.len() < 4
        && !t.starts_with(['#', '>', '|', '-', '*', '+'])
        && !t.chars().next().is_some_and(|c| c.is_ascii_digit())
}

/// A heading's text as GitHub renders it: code spans, emphasis and link
/// targets dropped, link texts kept.
fn rendered(title: &str) -> String {
    let mut out = String::new();
    let mut rest = title;
    while let Some(c) = rest.chars().next() {
        if c == ']' && rest.starts_with("](") {
            let end = rest.find(')').unwrap_or(rest.len() - 1);
            rest = &rest[end + 1..];
            continue;
        }
        if !matches!(c, '`' | '*' | '[' | ']') {
            out.push(c);
        }
        rest = &rest[c.len_utf8()..];
    }
    out
}

/// GitHub's anchor for a heading: the rendered text in lower case, without
/// punctuation other than `-` and `_`, spaces as `-`.
pub fn slug(title: &str) -> String {
    rendered(title)
        .trim()
        .to_lowercase()
        .chars()
        .filter(|c| c.is_alphanumeric() || matches!(c, ' ' | '-' | '_'))
        .map(|c| if c == ' ' { '-' } else { c })
        .collect()
}

/// Every anchor of `text`: each heading's slug (a repeated one gets `-1`,
/// `-2`, ... as on GitHub) and each HTML `id="..."` / `name="..."`.
pub fn anchors(text: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for title in headings(text) {
        let base = slug(&title);
        let mut candidate = base.clone();
        let mut n = 0;
        while out.contains(&candidate) {
            n += 1;
            candidate = format!("{base}-{n}");
        }
        out.push(candidate);
    }
    for (_, line) in prose(text) {
        for attr in ["id=\"", "name=\""] {
            for (at, _) in line.match_indices(attr) {
                let value = &line[at + attr.len()..];
                let before = &line[..at];
                if before.rfind('<') > before.rfind('>') {
                    out.extend(value.split('"').next().map(str::to_string));
                }
            }
        }
    }
    out
}

/// `line` with its code spans blanked out (an unmatched backtick is literal).
fn without_code(line: &str) -> String {
    let mut out = String::new();
    let mut rest = line;
    while let Some(at) = rest.find('`') {
        let run = rest[at..].chars().take_while(|c| *c == '`').count();
        let fence = "`".repeat(run);
        let after = &rest[at + run..];
        match find_run(after, &fence) {
            Some(end) => {
                out.push_str(&rest[..at]);
                rest = &after[end + run..];
            }
            None => {
                out.push_str(&rest[..at + run]);
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

/// Where a backtick run of exactly `fence`'s length starts in `text`.
fn find_run(text: &str, fence: &str) -> Option<usize> {
    let mut from = 0;
    while let Some(at) = text[from..].find(fence) {
        let start = from + at;
        let run = text[start..].chars().take_while(|c| *c == '`').count();
        if run == fence.len() {
            return Some(start);
        }
        from = start + run;
    }
    None
}

/// The destination of an inline link whose `](` ends just before `rest`.
fn destination(rest: &str) -> Option<String> {
    let rest = rest.trim_start();
    if let Some(inner) = rest.strip_prefix('<') {
        return inner.split_once('>').map(|(d, _)| d.to_string());
    }
    let mut depth = 0usize;
    for (i, c) in rest.char_indices() {
        match c {
            '(' => depth += 1,
            ')' if depth == 0 => return Some(rest[..i].to_string()),
            ')' => depth -= 1,
            c if c.is_whitespace() => return Some(rest[..i].to_string()),
            _ => {}
        }
    }
    None
}

/// Every link destination of `text` outside code, with its line number:
/// inline links and images (`[text](dest)`, `![alt](dest)`) and reference
/// definitions (`[label]: dest`).
pub fn links(text: &str) -> Vec<(usize, String)> {
    let mut out = Vec::new();
    for (n, line) in prose(text) {
        let line = without_code(line);
        for (at, _) in line.match_indices("](") {
            out.extend(destination(&line[at + 2..]).map(|d| (n, d)));
        }
        let t = line.trim_start();
        if t.starts_with('[') && !t.starts_with("[^") {
            if let Some((_, dest)) = t.split_once("]:") {
                out.extend(dest.split_whitespace().next().map(|d| (n, d.to_string())));
            }
        }
    }
    out
}

/// Whether a destination leaves the repository's files (a URL, a mail address).
fn is_external(dest: &str) -> bool {
    let scheme = dest.split(':').next().unwrap_or("");
    dest.contains("://")
        || dest.starts_with("//")
        || (dest.contains(':')
            && !scheme.is_empty()
            && scheme.chars().all(|c| c.is_ascii_alphanumeric() || "+-.".contains(c)))
}

/// `%20` and the like, decoded.
fn percent_decoded(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        let hex = text.get(i + 1..i + 3).and_then(|h| u8::from_str_radix(h, 16).ok());
        match (bytes[i], hex) {
            (b'%', Some(b)) => {
                out.push(b);
                i += 3;
            }
            (b, _) => {
                out.push(b);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// `path` with `.` and `..` resolved lexically, or `None` when it climbs above `root`.
fn inside(root: &Path, path: &Path) -> Option<PathBuf> {
    let mut parts: Vec<Component> = Vec::new();
    for part in path.strip_prefix(root).ok()?.components() {
        match part {
            Component::CurDir => {}
            Component::ParentDir => {
                parts.pop()?;
            }
            other => parts.push(other),
        }
    }
    Some(parts.iter().fold(root.to_path_buf(), |p, c| p.join(c)))
}

/// Why the link `dest` in `file` does not resolve inside `root`, if it does not.
fn problem(root: &Path, file: &Path, dest: &str) -> Option<String> {
    if is_external(dest) {
        return None;
    }
    let (path, anchor) = dest.split_once('#').unwrap_or((dest, ""));
    let path = percent_decoded(path);
    let target = if path.is_empty() {
        file.to_path_buf()
    } else if let Some(from_root) = path.strip_prefix('/') {
        root.join(from_root)
    } else {
        file.parent().unwrap_or(root).join(&path)
    };
    let Some(target) = inside(root, &target) else {
        return Some("leaves the repository".to_string());
    };
    if !target.exists() {
        return Some(format!(
            "{} does not exist",
            target.strip_prefix(root).unwrap_or(&target).display()
        ));
    }
    if anchor.is_empty() {
        return None;
    }
    let anchor = percent_decoded(anchor);
    if target.extension().is_some_and(|e| e.eq_ignore_ascii_case("md")) {
        let text = std::fs::read_to_string(&target).unwrap_or_default();
        return (!anchors(&text).contains(&anchor)).then(|| format!("no heading with anchor #{anchor}"));
    }
    let line_anchor = anchor.split('-').all(|part| {
        part.strip_prefix('L')
            .is_some_and(|n| !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()))
    });
    (!line_anchor).then(|| format!("#{anchor} is not a heading or a line of a non-Markdown file"))
}

/// Every link of the Markdown file `file` (inside `root`) that does not
/// resolve: `file:line: dest: why`. URLs are not fetched.
pub fn broken_links(root: &Path, file: &Path) -> Vec<String> {
    let text = std::fs::read_to_string(file).unwrap_or_else(|e| panic!("{}: {e}", file.display()));
    let shown = file.strip_prefix(root).unwrap_or(file).display().to_string();
    links(&text)
        .into_iter()
        .filter_map(|(n, dest)| problem(root, file, &dest).map(|why| format!("{shown}:{n}: ({dest}): {why}")))
        .collect()
}
