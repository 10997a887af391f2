//! The real `pre-commit` (PyPI; `.ci/run` installs it) runs this
//! repository's `.pre-commit-hooks.yaml` in a scratch Git repository: a
//! commit with stale output is refused, and passes after `render`.
//!
//! The hooks are taken from a scratch clone of this repository's hook file
//! (committed there), pointed at by `repo:` + `rev:` exactly as a user's
//! config points at a release, so pre-commit reads our definition itself;
//! `repo: local` would only test a copy.

use crate::common;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use common::PETS_ONE_ROUTE;

struct Scratch {
    git: PathBuf,
    _tmp: tempfile::TempDir,
    work: PathBuf,
    cache: PathBuf,
    path: String,
}

impl Scratch {
    fn run(&self, program: &str, args: &[&str]) -> Output {
        Command::new(program)
            .args(args)
            .current_dir(&self.work)
            .env("PATH", &self.path)
            .env("PRE_COMMIT_HOME", &self.cache)
            .env("GATEWRIGHT_CACHE_DIR", self.cache.join("gatewright"))
            .env_remove("GATEWRIGHT_NO_CACHE")
            .env("GIT_AUTHOR_NAME", "Test")
            .env("GIT_AUTHOR_EMAIL", "test@example.com")
            .env("GIT_COMMITTER_NAME", "Test")
            .env("GIT_COMMITTER_EMAIL", "test@example.com")
            .env("NO_COLOR", "1")
            .output()
            .unwrap_or_else(|e| panic!("cannot run {program}: {e}"))
    }

    fn ok(&self, program: &str, args: &[&str]) -> String {
        let o = self.run(program, args);
        assert!(o.status.success(), "{program} {args:?} failed:\n{}", text(&o));
        text(&o)
    }
}

fn text(o: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    )
}

fn git_in(git: &Path, dir: &Path, args: &[&str]) -> String {
    let o = Command::new(git)
        .args(args)
        .current_dir(dir)
        .env("GIT_AUTHOR_NAME", "Test")
        .env("GIT_AUTHOR_EMAIL", "test@example.com")
        .env("GIT_COMMITTER_NAME", "Test")
        .env("GIT_COMMITTER_EMAIL", "test@example.com")
        .output()
        .expect("git");
    assert!(o.status.success(), "git {args:?}: {}", text(&o));
    String::from_utf8_lossy(&o.stdout).trim().to_string()
}

/// `None` (the test is skipped) when git or pre-commit is not on PATH.
fn scratch(hook: &str) -> Option<Scratch> {
    let git = common::program("git")?;
    common::program("pre-commit")?;
    let tmp = tempfile::tempdir().expect("tmp");
    let hooks = tmp.path().join("hooks");
    std::fs::create_dir(&hooks).expect("mkdir");
    std::fs::copy(
        common::root().join(".pre-commit-hooks.yaml"),
        hooks.join(".pre-commit-hooks.yaml"),
    )
    .expect("copy the hook definition");
    git_in(&git, &hooks, &["init", "-q", "-b", "main"]);
    git_in(&git, &hooks, &["add", "."]);
    git_in(&git, &hooks, &["commit", "-q", "-m", "hooks"]);
    let rev = git_in(&git, &hooks, &["rev-parse", "HEAD"]);

    let work = tmp.path().join("work");
    std::fs::create_dir_all(work.join("site")).expect("mkdir");
    std::fs::write(work.join("site/gatewright.yaml"), PETS_ONE_ROUTE).expect("spec");
    std::fs::write(
        work.join(".pre-commit-config.yaml"),
        format!(
            "repos:\n- repo: {}\n  rev: {rev}\n  hooks:\n  - id: {hook}\n    args: [site, --out, deploy]\n",
            hooks.display()
        ),
    )
    .expect("config");
    let bin_dir = Path::new(crate::common::cli::BINARY).parent().expect("bin dir");
    let path = format!("{}:{}", bin_dir.display(), std::env::var("PATH").unwrap_or_default());
    let s = Scratch {
        git,
        cache: tmp.path().join("cache"),
        _tmp: tmp,
        work,
        path,
    };
    git_in(&s.git, &s.work, &["init", "-q", "-b", "main"]);
    s.ok("gatewright", &["render", "site", "--out", "deploy"]);
    s.ok("pre-commit", &["install"]);
    s.ok("git", &["add", "-A"]);
    s.ok("git", &["commit", "-q", "-m", "first render"]);
    Some(s)
}

/// Edit the spec (a new mesh revision), stage it and commit: the hook must
/// stop the commit. Returns what the commit printed.
fn bump_revision_and_fail_to_commit(s: &Scratch) -> String {
    std::fs::write(
        s.work.join("site/gatewright.yaml"),
        PETS_ONE_ROUTE.replace("asm-1-22", "asm-1-23"),
    )
    .expect("edit");
    s.ok("git", &["add", "site"]);
    let refused = s.run("git", &["commit", "-m", "bump the revision"]);
    assert!(
        !refused.status.success(),
        "the hook let a commit with stale output through:\n{}",
        text(&refused)
    );
    text(&refused)
}

#[test]
fn check_hook_refuses_stale_output_until_render() {
    let Some(s) = scratch("gatewright-check") else { return };
    let out = bump_revision_and_fail_to_commit(&s);
    assert!(out.contains("gatewright check"), "{out}");
    assert!(
        out.contains("deploy/pets/namespace.yaml"),
        "the hook output names the stale file:\n{out}"
    );

    s.ok("gatewright", &["render", "site", "--out", "deploy"]);
    s.ok("git", &["add", "-A"]);
    s.ok("git", &["commit", "-q", "-m", "bump the revision"]);
    assert_eq!(git_in(&s.git, &s.work, &["status", "--porcelain"]), "");
}

#[test]
fn render_hook_fixes_the_output_and_the_next_commit_passes() {
    let Some(s) = scratch("gatewright-render") else { return };
    bump_revision_and_fail_to_commit(&s);
    let ns = std::fs::read_to_string(s.work.join("deploy/pets/namespace.yaml")).expect("rendered");
    assert!(ns.contains("asm-1-23"), "the hook re-rendered the output:\n{ns}");
    s.ok("git", &["add", "-A"]);
    s.ok("git", &["commit", "-q", "-m", "bump the revision"]);
}

/// The hook file offers a hook that needs no gatewright on PATH: pre-commit
/// builds it from this repository (`language: rust`). Building takes minutes,
/// so this checks the declaration; the manual test is in `docs/output.md`
/// ("pre-commit" section).
#[test]
fn the_hook_file_offers_a_hook_that_builds_gatewright() {
    let text = std::fs::read_to_string(common::root().join(".pre-commit-hooks.yaml")).expect("hook file");
    let hooks: Vec<serde_json::Value> = serde_yaml::from_str(&text).expect("a list of hooks");
    let field = |h: &serde_json::Value, k: &str| h[k].as_str().unwrap_or_default().to_string();
    let built: Vec<&serde_json::Value> = hooks.iter().filter(|h| h["language"] == "rust").collect();
    assert_eq!(built.len(), 1, "one `language: rust` hook in {text}");
    assert_eq!(field(built[0], "id"), "gatewright-check-build");
    assert_eq!(field(built[0], "entry"), "gatewright check");
    assert_eq!(
        built[0]["pass_filenames"], false,
        "the spec and output come from `args`"
    );
    for id in ["gatewright-check", "gatewright-render"] {
        let hook = hooks
            .iter()
            .find(|h| h["id"] == id)
            .unwrap_or_else(|| panic!("no {id}"));
        assert_eq!(field(hook, "language"), "system", "{id} runs the gatewright on PATH");
    }
    // `language: rust` runs `cargo install --path .` in the hook repository: the binary it builds is gatewright.
    let manifest = std::fs::read_to_string(common::root().join("Cargo.toml")).expect("Cargo.toml");
    assert!(
        manifest.contains("[[bin]]\nname = \"gatewright\""),
        "Cargo.toml builds a `gatewright` binary"
    );
    let docs = std::fs::read_to_string(common::root().join("docs/output.md")).expect("docs/output.md");
    let section = docs.split("### pre-commit\n").nth(1).expect("a pre-commit section");
    assert!(
        section.contains("id: gatewright-check-build"),
        "docs/output.md's pre-commit section shows the hook"
    );
}
