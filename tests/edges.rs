//! Smaller edges (issue 15, item 10) that a `tests/cmd` case cannot pin:
//! the documentation sections the sources cite, and `diff` headers per environment.

use crate::common;

use crate::common::markdown;

use std::path::Path;
use std::process::Command;

/// The section titles of a Markdown file of the repository, each also
/// without a trailing parenthetical ("Profiles (`overlays/`, ...)" is cited
/// as "Profiles"); `None` when the file does not exist.
fn headings(doc: &str) -> Option<Vec<String>> {
    let text = std::fs::read_to_string(common::root().join(doc)).ok()?;
    let mut out = Vec::new();
    for title in markdown::headings(&text) {
        if let Some((short, _)) = title.split_once(" (") {
            out.push(short.trim().to_string());
        }
        out.push(title);
    }
    Some(out)
}

/// The document a citation names when `text[..end]` ends with it: `README`
/// (the README) or a path of a Markdown file (`docs/limits.md`).
fn cited_doc(text: &str, end: usize) -> Option<String> {
    let before = &text[..end];
    if before.ends_with("README") && !before.ends_with("/README") {
        return Some("README.md".to_string());
    }
    let stem = before.strip_suffix(".md")?;
    let start = stem
        .rfind(|c: char| !(c.is_ascii_alphanumeric() || "_./-".contains(c)))
        .map_or(0, |i| i + 1);
    (start < stem.len()).then(|| before[start..].to_string())
}

/// Every `DOC, "Section"` / `DOC's "Section"` (quotes possibly escaped, as
/// in a Rust string) in `text`, where DOC is `README` or a Markdown file's
/// path (`docs/limits.md`): the cited documents and section names.
fn citations(text: &str) -> Vec<(String, String)> {
    let mut out = Vec::new();
    let ends = text.match_indices("README").map(|(at, m)| at + m.len());
    let ends = ends.chain(text.match_indices(".md").map(|(at, m)| at + m.len()));
    let mut ends: Vec<usize> = ends.collect();
    ends.sort_unstable();
    for end in ends {
        let Some(doc) = cited_doc(text, end) else {
            continue;
        };
        let after = &text[end..];
        let Some(rest) = after.strip_prefix("'s").or_else(|| after.strip_prefix(',')) else {
            continue;
        };
        let rest = rest.trim_start();
        let rest = rest.strip_prefix('\\').unwrap_or(rest);
        let Some(rest) = rest.strip_prefix('"') else {
            continue;
        };
        if let Some(close) = rest.find('"') {
            out.push((doc, rest[..close].trim_end_matches('\\').to_string()));
        }
    }
    out
}

#[test]
fn citation_parser_reads_each_form() {
    let text = r#"see README, "Limits"; the README's "Exit codes"; help("docs/spec.md, \"Profiles\""); (see docs/blueprints.md, "Template context"); the README; fuzz/README.md; > summary.md" x "y"."#;
    let cited = citations(text);
    let found: Vec<(&str, &str)> = cited.iter().map(|(d, s)| (d.as_str(), s.as_str())).collect();
    assert_eq!(
        found,
        [
            ("README.md", "Limits"),
            ("README.md", "Exit codes"),
            ("docs/spec.md", "Profiles"),
            ("docs/blueprints.md", "Template context"),
        ]
    );
}

/// Every section of the README or `docs/` that a file under `src/`,
/// `blueprints/` or `docs/` (or the README, CONTRIBUTING.md) cites exists
/// in the document it names.
#[test]
fn cited_doc_sections_exist() {
    let mut cited = 0;
    let mut missing = Vec::new();
    for root in ["src", "blueprints", "docs", "README.md", "CONTRIBUTING.md"] {
        for entry in walkdir::WalkDir::new(common::root().join(root)).sort_by_file_name() {
            let entry = entry.expect("walk");
            let Ok(text) = std::fs::read_to_string(entry.path()) else {
                continue;
            };
            for (doc, name) in citations(&text) {
                cited += 1;
                if !headings(&doc).is_some_and(|h| h.contains(&name)) {
                    missing.push(format!("{}: {doc}, \"{name}\"", entry.path().display()));
                }
            }
        }
    }
    assert!(cited >= 5, "the blueprints cite the docs: found {cited} citations");
    assert!(
        missing.is_empty(),
        "cited sections that do not exist:\n{}",
        missing.join("\n")
    );
}

fn git(git: &Path, dir: &Path, args: &[&str]) {
    let status = Command::new(git)
        .args(args)
        .current_dir(dir)
        .env("GIT_AUTHOR_NAME", "Test")
        .env("GIT_AUTHOR_EMAIL", "test@example.com")
        .env("GIT_COMMITTER_NAME", "Test")
        .env("GIT_COMMITTER_EMAIL", "test@example.com")
        .status()
        .expect("run git");
    assert!(status.success(), "git {args:?}");
}

/// With environments, each file diff of `diff` names its environment in
/// both headers, so that two environments' diffs of one file differ.
#[test]
fn diff_headers_name_the_environment() {
    let Some(git_path) = common::program("git") else {
        return;
    };
    let dir = tempfile::tempdir().expect("tmp");
    let git = |args: &[&str]| git(&git_path, dir.path(), args);
    std::fs::create_dir(dir.path().join("overlays")).expect("mkdir");
    std::fs::write(dir.path().join("overlays/canary.yaml"), "mesh:\n  revision: asm-1-23\n").expect("canary");
    std::fs::write(dir.path().join("overlays/stable.yaml"), "{}\n").expect("stable");
    let spec = dir.path().join("spec.yaml");
    std::fs::write(&spec, common::PETS_ONE_ROUTE).expect("spec");
    git(&["init", "-q", "-b", "main"]);
    git(&["add", "."]);
    git(&["commit", "-q", "-m", "v1"]);
    let edited = common::PETS_ONE_ROUTE.replace("store.aks.rocks", "shop.aks.rocks");
    std::fs::write(&spec, edited).expect("edit");
    let out = common::cli::gatewright()
        .args(["diff", "spec.yaml", "--base", "main"])
        .current_dir(dir.path())
        .output()
        .expect("run diff");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(
        out.status.code(),
        Some(1),
        "{stdout}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    for env in ["canary", "stable"] {
        let header = format!(
            "--- main/{env}/pets/httproute-store-front.yaml\n+++ working tree/{env}/pets/httproute-store-front.yaml\n"
        );
        assert!(stdout.contains(&header), "no `{header}` in:\n{stdout}");
    }
}
