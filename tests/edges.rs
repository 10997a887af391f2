//! Smaller edges (issue 15, item 10) that a `tests/cmd` case cannot pin:
//! the README sections the sources cite, and `diff` headers per environment.

mod common;

use std::path::Path;
use std::process::Command;

/// The README's section titles, each also without a trailing parenthetical
/// ("Profiles (`overlays/`, ...)" is cited as "Profiles").
fn readme_headings() -> Vec<String> {
    let readme = std::fs::read_to_string("README.md").expect("README.md");
    let mut out = Vec::new();
    let mut fenced = false;
    for line in readme.lines() {
        if line.starts_with("```") {
            fenced = !fenced;
        }
        if fenced || !line.starts_with('#') {
            continue;
        }
        let title = line.trim_start_matches('#').trim();
        out.push(title.to_string());
        if let Some((short, _)) = title.split_once(" (") {
            out.push(short.trim().to_string());
        }
    }
    out
}

/// Every `README, "Section"` / `README's "Section"` (quotes possibly
/// escaped, as in a Rust string) in `text`: the cited section names.
fn citations(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    for (at, _) in text.match_indices("README") {
        let rest = text[at + "README".len()..].trim_start_matches("'s");
        let rest = rest.trim_start_matches(',').trim_start();
        let rest = rest.strip_prefix('\\').unwrap_or(rest);
        let Some(rest) = rest.strip_prefix('"') else {
            continue;
        };
        if let Some(end) = rest.find('"') {
            out.push(rest[..end].trim_end_matches('\\').to_string());
        }
    }
    out
}

#[test]
fn citation_parser_reads_each_form() {
    let text = r#"see README, "Limits"; the README's "Exit codes"; help("README, \"Profiles\""); the README."#;
    assert_eq!(citations(text), ["Limits", "Exit codes", "Profiles"]);
}

/// Every README section a file under `src/`, `blueprints/` or `docs/` cites exists.
#[test]
fn cited_readme_sections_exist() {
    let headings = readme_headings();
    let mut cited = 0;
    let mut missing = Vec::new();
    for root in ["src", "blueprints", "docs"] {
        for entry in walkdir::WalkDir::new(root).sort_by_file_name() {
            let entry = entry.expect("walk");
            let Ok(text) = std::fs::read_to_string(entry.path()) else {
                continue;
            };
            for name in citations(&text) {
                cited += 1;
                if !headings.contains(&name) {
                    missing.push(format!("{}: README, \"{name}\"", entry.path().display()));
                }
            }
        }
    }
    assert!(cited >= 5, "the blueprints cite the README: found {cited} citations");
    assert!(
        missing.is_empty(),
        "cited README sections that do not exist:\n{}",
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
