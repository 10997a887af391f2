//! Issue 14, items 7, 14 and 15: local `manifests:` stay inside the
//! repository that holds the spec, and diffs never print a vendored
//! manifest's text; `diff --base` reads the repository's whole tree and
//! exits 2 when a side does not compile; `diff --trees` with a missing tree
//! is an I/O error.

use crate::common;

use std::path::Path;
use std::process::{Command, Output};

const SPEC: &str = r#"apiVersion: gatewright.dev/v1alpha1
kind: Site
gateways:
  gateway:
    profile: aks-istio-external
    listeners:
      default: { hostname: "*.example.com", protocol: HTTP, port: 80 }
apps:
  shop:
    services: [web]
    manifests: [MANIFEST]
    routes:
      web: { host: web.example.com, to: web:80 }
"#;

const MANIFEST: &str =
    "apiVersion: v1\nkind: Service\nmetadata:\n  name: web\nspec:\n  type: LoadBalancer\n  ports:\n  - port: 80\n";

/// A line that must never reach a log or a pull-request comment.
const SECRET: &str = "# token: s3cr3t-do-not-print";

fn spec(manifest: &str) -> String {
    SPEC.replace("MANIFEST", manifest)
}

fn git(dir: &Path, args: &[&str]) {
    let git = common::program("git").expect("each test checks git first");
    let out = Command::new(git)
        .args(args)
        .current_dir(dir)
        .output()
        .expect("git runs");
    assert!(
        out.status.success(),
        "git {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// `git init` with a local identity.
fn init(dir: &Path) {
    git(dir, &["init", "-q", "-b", "main"]);
    git(dir, &["config", "user.name", "Test"]);
    git(dir, &["config", "user.email", "test@example.com"]);
    git(dir, &["config", "commit.gpgsign", "false"]);
}

fn commit(dir: &Path, message: &str) {
    git(dir, &["add", "-A"]);
    git(dir, &["commit", "-q", "-m", message]);
}

fn write(path: &Path, text: &str) {
    std::fs::create_dir_all(path.parent().expect("parent")).expect("mkdir");
    std::fs::write(path, text).expect("write");
}

fn run(dir: &Path, args: &[&str]) -> Output {
    crate::common::cli::bin()
        .args(args)
        .current_dir(dir)
        .env("GATEWRIGHT_NO_CACHE", "1")
        .env("NO_COLOR", "1")
        .output()
        .expect("run gatewright")
}

fn text(o: &Output) -> (String, String) {
    (
        String::from_utf8_lossy(&o.stdout).into_owned(),
        String::from_utf8_lossy(&o.stderr).into_owned(),
    )
}

// Item 7: the manifest root, and no vendored text in a diff.

/// Outside Git the spec's folder is the root: a file beside it, a symlink
/// to one, or `/proc/self/environ` is GW328 and never read.
#[test]
fn manifests_outside_the_spec_folder_are_refused_by_default() {
    let dir = tempfile::tempdir().expect("tmp");
    write(&dir.path().join("elsewhere/web.yaml"), &format!("{MANIFEST}{SECRET}\n"));
    let mut entries = vec!["../elsewhere/web.yaml"];
    if Path::new("/proc/self/environ").exists() {
        entries.push("/proc/self/environ");
    }
    #[cfg(unix)]
    {
        std::fs::create_dir_all(dir.path().join("site/manifests")).expect("mkdir");
        std::os::unix::fs::symlink(
            dir.path().join("elsewhere/web.yaml"),
            dir.path().join("site/manifests/web.yaml"),
        )
        .expect("symlink");
        entries.push("manifests/web.yaml");
    }
    for entry in entries {
        write(&dir.path().join("site/gatewright.yaml"), &spec(entry));
        let o = run(dir.path(), &["render", "site/gatewright.yaml", "--out", "deploy"]);
        let (out, err) = text(&o);
        assert_eq!(o.status.code(), Some(1), "{entry}: {out}{err}");
        assert!(err.contains("error[GW328]"), "{entry}: {err}");
        assert!(err.contains("outside the spec's folder `site`"), "{entry}: {err}");
        assert!(err.contains("site/gatewright.yaml:11:"), "{entry} is located: {err}");
        assert!(!dir.path().join("deploy").exists(), "{entry}: nothing written");
        assert!(!err.contains("s3cr3t") && !out.contains("s3cr3t"), "{entry}");
    }
    // `--manifests-under DIR` widens the root.
    write(&dir.path().join("site/gatewright.yaml"), &spec("../elsewhere/web.yaml"));
    let o = run(
        dir.path(),
        &["render", "site/gatewright.yaml", "--stdout", "--manifests-under", "."],
    );
    assert_eq!(o.status.code(), Some(0), "{}", text(&o).1);
    // A device inside a root that holds it is still refused by size and type.
    #[cfg(unix)]
    {
        write(&dir.path().join("site/gatewright.yaml"), &spec("/dev/zero"));
        let o = run(
            dir.path(),
            &["render", "site/gatewright.yaml", "--stdout", "--manifests-under", "/"],
        );
        let err = text(&o).1;
        assert!(
            err.contains("cannot read manifest `/dev/zero`: not a regular file"),
            "{err}"
        );
    }
}

/// In a Git work tree (found by its `.git`) the whole tree is the root.
#[test]
fn the_work_tree_bounds_manifests_of_a_spec_in_a_subfolder() {
    let dir = tempfile::tempdir().expect("tmp");
    let repo = dir.path().join("repo");
    std::fs::create_dir_all(repo.join(".git")).expect("a work tree's .git");
    write(&repo.join("apps/web.yaml"), MANIFEST);
    write(&dir.path().join("web.yaml"), MANIFEST);
    write(&repo.join("site/gatewright.yaml"), &spec("../apps/web.yaml"));
    let o = run(&repo, &["render", "site/gatewright.yaml", "--stdout"]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o).1);
    write(&repo.join("site/gatewright.yaml"), &spec("../../web.yaml"));
    let o = run(&repo, &["render", "site/gatewright.yaml", "--stdout"]);
    let err = text(&o).1;
    assert_eq!(o.status.code(), Some(1), "{err}");
    assert!(
        err.contains("is outside the repository `.` that holds the spec"),
        "{err}"
    );
    // Git's own data is not the work tree: a CI checkout keeps its token there.
    write(&repo.join(".git/config"), &format!("{MANIFEST}{SECRET}\n"));
    write(&repo.join("site/gatewright.yaml"), &spec("../.git/config"));
    let o = run(&repo, &["check", "site/gatewright.yaml", "--out", "deploy"]);
    let (out, err) = text(&o);
    assert_eq!(o.status.code(), Some(1), "{err}");
    assert!(
        err.contains("error[GW328]: manifest `../.git/config` is inside a `.git` folder"),
        "{err}"
    );
    assert!(!out.contains("s3cr3t") && !err.contains("s3cr3t"), "{out}{err}");
}

/// `check` says that a vendored copy differs, without its text.
#[test]
fn check_does_not_print_a_vendored_manifest() {
    let dir = tempfile::tempdir().expect("tmp");
    write(&dir.path().join("site/manifests/web.yaml"), MANIFEST);
    write(&dir.path().join("site/gatewright.yaml"), &spec("manifests/web.yaml"));
    let o = run(dir.path(), &["render", "site", "--out", "deploy"]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o).1);
    write(
        &dir.path().join("site/manifests/web.yaml"),
        &format!("{MANIFEST}{SECRET}\n"),
    );
    let o = run(dir.path(), &["check", "site", "--out", "deploy"]);
    let (out, err) = text(&o);
    assert_eq!(o.status.code(), Some(1), "{out}{err}");
    assert!(!out.contains("s3cr3t") && !err.contains("s3cr3t"), "{out}");
    assert!(
        out.contains("Files deploy/shop/upstream/web.yaml and rendered/shop/upstream/web.yaml differ"),
        "{out}"
    );
}

/// A repository whose spec in `site/` names `entry` (a path from `site/`
/// to `manifest`), committed, then the manifest edited (with a secret line)
/// and a route added.
fn manifest_repo(dir: &Path, manifest: &str, entry: &str) {
    init(dir);
    write(&dir.join(manifest), MANIFEST);
    write(&dir.join("site/gatewright.yaml"), &spec(entry));
    commit(dir, "v1");
    write(&dir.join(manifest), &format!("{MANIFEST}{SECRET}\n"));
    let v2 = spec(entry).replace(
        "      web: {",
        "      api: { host: api.example.com, to: web:80 }\n      web: {",
    );
    write(&dir.join("site/gatewright.yaml"), &v2);
}

/// Every format of `diff` says the vendored copy changed, never its text;
/// `--manifests-under .` holds at the base revision too.
#[test]
fn diff_formats_do_not_print_vendored_manifests() {
    if common::program("git").is_none() {
        return;
    }
    for (manifest, entry) in [
        ("site/manifests/web.yaml", "manifests/web.yaml"),
        ("apps/web.yaml", "../apps/web.yaml"),
    ] {
        let dir = tempfile::tempdir().expect("tmp");
        manifest_repo(dir.path(), manifest, entry);
        for format in ["text", "markdown", "json", "github"] {
            for under in [&[][..], &["--manifests-under", "."][..]] {
                let mut args = vec!["diff", "site", "--base", "HEAD", "--format", format];
                args.extend(under);
                let o = run(dir.path(), &args);
                let (out, err) = text(&o);
                assert_eq!(o.status.code(), Some(1), "{args:?}: {out}{err}");
                assert!(!out.contains("s3cr3t") && !err.contains("s3cr3t"), "{args:?}: {out}");
                assert!(
                    out.contains("Files HEAD/shop/upstream/web.yaml and working tree/shop/upstream/web.yaml differ"),
                    "{args:?}: {out}"
                );
                assert!(out.contains("api.example.com"), "{args:?}: the route is listed: {out}");
            }
        }
    }
}

// Item 14: the whole tree at each revision; a side that does not compile is exit 2.

/// The spec in `site/`, its manifest in `apps/`: both revisions compile.
#[test]
fn diff_base_reads_manifests_beside_the_spec_folder() {
    if common::program("git").is_none() {
        return;
    }
    let dir = tempfile::tempdir().expect("tmp");
    manifest_repo(dir.path(), "apps/web.yaml", "../apps/web.yaml");
    commit(dir.path(), "v2");
    let o = run(
        dir.path(),
        &[
            "diff", "site", "--base", "HEAD~1", "--head", "HEAD", "--format", "markdown",
        ],
    );
    let (out, err) = text(&o);
    assert_eq!(o.status.code(), Some(1), "{out}{err}");
    assert!(!err.contains("error"), "{err}");
    assert!(out.contains("- `api.example.com/` → `shop/web:80`"), "{out}");
    // An absolute spec path, from inside the repository and from outside it.
    let abs = dir.path().join("site");
    let abs = abs.to_str().expect("utf-8 path");
    for cwd in [dir.path().join("apps"), std::env::temp_dir()] {
        let o = run(&cwd, &["diff", abs, "--base", "HEAD~1", "--head", "HEAD"]);
        let (out, err) = text(&o);
        assert_eq!(o.status.code(), Some(1), "from {}: {out}{err}", cwd.display());
        assert!(out.contains("+ api.example.com"), "{out}");
    }
}

/// A manifest that is a symlink inside the repository reads at the base
/// revision as in the working tree; one that leads out of it is refused.
#[cfg(unix)]
#[test]
fn diff_base_keeps_symlinks_inside_the_repository() {
    if common::program("git").is_none() {
        return;
    }
    let dir = tempfile::tempdir().expect("tmp");
    let repo = dir.path().join("repo");
    std::fs::create_dir_all(repo.join("site/manifests")).expect("mkdir");
    init(&repo);
    write(&repo.join("apps/web.yaml"), MANIFEST);
    write(&dir.path().join("outside.yaml"), &format!("{MANIFEST}{SECRET}\n"));
    std::os::unix::fs::symlink("../../apps/web.yaml", repo.join("site/manifests/web.yaml")).expect("symlink");
    std::os::unix::fs::symlink("../../../outside.yaml", repo.join("site/manifests/out.yaml")).expect("symlink");
    write(&repo.join("site/gatewright.yaml"), &spec("manifests/web.yaml"));
    commit(&repo, "v1");
    let v2 = spec("manifests/web.yaml").replace(
        "      web: {",
        "      api: { host: api.example.com, to: web:80 }\n      web: {",
    );
    write(&repo.join("site/gatewright.yaml"), &v2);
    let o = run(&repo, &["diff", "site/gatewright.yaml", "--base", "HEAD"]);
    let (out, err) = text(&o);
    assert!(!err.contains("error"), "{err}");
    assert_eq!(o.status.code(), Some(1), "{out}{err}");
    commit(&repo, "v2");
    write(&repo.join("site/gatewright.yaml"), &spec("manifests/out.yaml"));
    commit(&repo, "v3");
    let o = run(
        &repo,
        &["diff", "site/gatewright.yaml", "--base", "HEAD~1", "--head", "HEAD"],
    );
    let (out, err) = text(&o);
    assert_eq!(o.status.code(), Some(2), "{out}{err}");
    assert!(err.contains("HEAD:site/gatewright.yaml:11:"), "{err}");
    assert!(!out.contains("s3cr3t") && !err.contains("s3cr3t"), "{out}{err}");
}

/// A spec that does not compile at either revision is exit 2, its findings
/// located at `REV:path` and GW720 naming the revision.
#[test]
fn diff_exits_2_when_a_side_does_not_compile() {
    if common::program("git").is_none() {
        return;
    }
    let dir = tempfile::tempdir().expect("tmp");
    init(dir.path());
    write(&dir.path().join("apps/web.yaml"), MANIFEST);
    write(&dir.path().join("site/gatewright.yaml"), &spec("../apps/missing.yaml"));
    commit(dir.path(), "broken");
    write(&dir.path().join("site/gatewright.yaml"), &spec("../apps/web.yaml"));
    commit(dir.path(), "fixed");
    let o = run(dir.path(), &["diff", "site", "--base", "HEAD~1", "--head", "HEAD"]);
    let (out, err) = text(&o);
    assert_eq!(o.status.code(), Some(2), "{out}{err}");
    assert!(err.contains("error[GW323]"), "{err}");
    assert!(
        err.contains("HEAD~1:site/gatewright.yaml:11:"),
        "located at the revision: {err}"
    );
    assert!(
        err.contains("error[GW720]: the spec does not compile at `HEAD~1`"),
        "{err}"
    );
    assert!(out.is_empty(), "no summary: {out}");
    // With environments, GW720 names those that failed.
    for env in ["prod", "staging"] {
        write(
            &dir.path().join(format!("site/overlays/{env}.yaml")),
            &format!("apps:\n  shop:\n    routes:\n      web: {{ host: web.{env}.example.com }}\n"),
        );
    }
    write(&dir.path().join("site/gatewright.yaml"), &spec("../apps/missing.yaml"));
    commit(dir.path(), "broken, with environments");
    let o = run(dir.path(), &["diff", "site", "--base", "HEAD~1", "--head", "HEAD"]);
    let (out, err) = text(&o);
    assert_eq!(o.status.code(), Some(2), "{out}{err}");
    // The finding is alike in both environments: printed once, naming both.
    assert!(err.contains("at `HEAD`:"), "{err}");
    assert_eq!(err.matches("error[GW323]").count(), 1, "{err}");
    assert!(err.contains("= in environments prod, staging"), "{err}");
    assert!(
        err.contains("does not compile at `HEAD` (environments `prod`, `staging`)"),
        "{err}"
    );
    // The working tree broken, the base fine.
    write(
        &dir.path().join("site/gatewright.yaml"),
        &spec("../apps/web.yaml").replace("port: 80 }", "port: x }"),
    );
    let o = run(dir.path(), &["diff", "site", "--base", "HEAD"]);
    let (out, err) = text(&o);
    assert_eq!(o.status.code(), Some(2), "{out}{err}");
    assert!(err.contains("site/gatewright.yaml:7:"), "{err}");
    assert!(err.contains("does not compile at the working tree"), "{err}");
}

// Item 15: `--trees` with a missing tree.

#[test]
fn diff_trees_with_a_missing_or_non_directory_tree_is_exit_2() {
    let dir = tempfile::tempdir().expect("tmp");
    write(&dir.path().join("site/manifests/web.yaml"), MANIFEST);
    write(&dir.path().join("site/gatewright.yaml"), &spec("manifests/web.yaml"));
    let o = run(dir.path(), &["render", "site", "--out", "old"]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o).1);
    write(&dir.path().join("file.txt"), "not a tree\n");
    for (old, new) in [("old", "missing"), ("missing", "old"), ("old", "file.txt")] {
        let o = run(dir.path(), &["diff", "--trees", old, new]);
        let (out, err) = text(&o);
        assert_eq!(o.status.code(), Some(2), "{old} {new}: {out}{err}");
        let bad = if old == "old" { new } else { old };
        assert!(
            err.contains(&format!("error[GW722]: cannot read output tree `{bad}`")),
            "{err}"
        );
        assert!(out.is_empty(), "{out}");
    }
    let o = run(dir.path(), &["diff", "--trees", "old", "old"]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o).1);
}
