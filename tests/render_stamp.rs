//! The `render` fast path: a stamp that an earlier render recorded (after
//! writing nothing) lets `render` of an unchanged tree print its notes
//! without compiling, reading or locking anything. Observed without timing:
//! a render that runs in full records the stamp again (a new stamp file, so
//! a new inode); a skipped render leaves it alone. Every change to an input,
//! an option, the binary or the output tree falls back to the full render,
//! whose output and exit code are checked.

#![cfg(unix)]

use crate::common;
use std::fs;
use std::os::unix::fs::{MetadataExt, PermissionsExt};
use std::path::PathBuf;
use std::process::{Command, Output};

use gatewright::Options;
use gatewright::stamp::{Cache, Freshness, Key};

use crate::stamp::{MANIFEST, SPEC};

/// A spec with a vendored manifest and two environments (dev, prod),
/// rendered once, with its own cache directory.
struct Case {
    tmp: tempfile::TempDir,
    spec: PathBuf,
    out: PathBuf,
    cache: PathBuf,
}

impl Case {
    fn new() -> Self {
        let tmp = tempfile::tempdir().expect("tempdir");
        let spec = tmp.path().join("spec");
        fs::create_dir_all(spec.join("overlays")).expect("mkdir");
        fs::create_dir_all(spec.join("manifests")).expect("mkdir");
        fs::write(spec.join("gatewright.yaml"), SPEC).expect("write");
        fs::write(spec.join("manifests/app-1.yaml"), MANIFEST).expect("write");
        fs::write(spec.join("overlays/dev.yaml"), "mesh: { revision: asm-1-23 }\n").expect("write");
        fs::write(spec.join("overlays/prod.yaml"), "mesh: { revision: asm-1-22 }\n").expect("write");
        let case = Case {
            out: tmp.path().join("out"),
            cache: tmp.path().join("cache"),
            spec,
            tmp,
        };
        let (code, text) = case.render(&[]);
        assert_eq!(code, Some(0), "{text}");
        assert!(text.contains("written, 0 unchanged"), "{text}");
        case
    }

    fn run(&self, command: &str, extra: &[&str], env: &[(&str, &str)]) -> Output {
        crate::common::cli::bin()
            .arg(command)
            .arg(&self.spec)
            .arg("--out")
            .arg(&self.out)
            .args(extra)
            .env("GATEWRIGHT_CACHE_DIR", &self.cache)
            .env_remove("GATEWRIGHT_NO_CACHE")
            .env_remove("GATEWRIGHT_FAIL_AFTER_FILES")
            .envs(env.iter().copied())
            .output()
            .expect("run gatewright")
    }

    /// `render` with `extra` options: exit code and stderr.
    fn render(&self, extra: &[&str]) -> (Option<i32>, String) {
        let o = self.run("render", extra, &[]);
        (o.status.code(), String::from_utf8_lossy(&o.stderr).into_owned())
    }

    fn probe(&self) -> Freshness {
        let options = Options {
            spec: self.spec.clone(),
            ..Options::default()
        };
        Cache::new(&self.cache).probe(&Key::new(&options, &[], &self.out).expect("key"))
    }

    /// Render until the stamp the render records is trusted (a stamp
    /// distrusts paths changed in the timestamp tick it was recorded in, so
    /// this waits for the filesystem clock to move on; no timing asserted).
    /// Returns the notes of the last full render.
    fn settle(&self) -> String {
        for _ in 0..200 {
            let (code, text) = self.render(&[]);
            assert_eq!(code, Some(0), "{text}");
            if matches!(self.probe(), Freshness::Fresh(_)) {
                return text;
            }
            std::thread::sleep(std::time::Duration::from_millis(20));
        }
        panic!("the stamp never became fresh: {:?}", self.probe());
    }

    fn stamps(&self) -> Vec<PathBuf> {
        let mut files: Vec<PathBuf> = fs::read_dir(&self.cache)
            .expect("cache dir")
            .map(|e| e.expect("entry").path())
            .filter(|p| p.extension().is_some_and(|x| x == "json"))
            .collect();
        files.sort();
        files
    }

    /// The inode of the one stamp file: it changes whenever a full run records it again.
    fn stamp_inode(&self) -> u64 {
        let files = self.stamps();
        assert_eq!(files.len(), 1, "{files:?}");
        fs::metadata(&files[0]).expect("stat").ino()
    }

    /// Render (exit 0 expected): whether it skipped the work (the stamp was not recorded again).
    fn render_skipped(&self, extra: &[&str]) -> (bool, String) {
        let before = self.stamp_inode();
        let (code, text) = self.render(extra);
        assert_eq!(code, Some(0), "{text}");
        (self.stamp_inode() == before, text)
    }

    fn output(&self, rel: &str) -> PathBuf {
        self.out.join(rel)
    }

    fn read(&self, rel: &str) -> String {
        fs::read_to_string(self.output(rel)).expect("read output")
    }
}

const NAMESPACE: &str = "dev/app-1/namespace.yaml";
const VENDORED: &str = "prod/app-1/upstream/app-1.yaml";

#[test]
fn an_unchanged_tree_is_not_rendered_again_and_the_notes_are_the_same() {
    let case = Case::new();
    let full = case.settle();
    assert!(full.contains("(0 written, 9 unchanged, 0 removed)"), "{full}");
    let (skipped, fast) = case.render_skipped(&[]);
    assert!(skipped, "the second render of an unchanged tree runs in full");
    assert_eq!(fast, full);
    let o = case.run("render", &["--format", "json"], &[]);
    assert_eq!(o.status.code(), Some(0));
    assert_eq!(String::from_utf8_lossy(&o.stderr).trim(), "[]");
    assert!(
        case.render_skipped(&[]).0,
        "the skipped renders leave the stamp trusted"
    );
}

#[test]
fn an_edited_spec_is_rendered() {
    let case = Case::new();
    case.settle();
    fs::write(
        case.spec.join("gatewright.yaml"),
        SPEC.replace("host: front-1.example.com", "host: front-9.example.com"),
    )
    .expect("write");
    let (code, text) = case.render(&[]);
    assert_eq!(code, Some(0), "{text}");
    assert!(!text.contains("(0 written"), "{text}");
    assert!(
        case.read("dev/app-1/httproute-front-1.yaml")
            .contains("front-9.example.com")
    );
}

#[test]
fn an_edited_manifest_and_overlays_are_rendered() {
    let case = Case::new();
    case.settle();
    fs::write(
        case.spec.join("manifests/app-1.yaml"),
        MANIFEST.replace("name: front-1\n", "name: front-1\n  labels: { tier: web }\n"),
    )
    .expect("write");
    assert_eq!(case.render(&[]).0, Some(0));
    assert!(case.read(VENDORED).contains("tier: web"));
    case.settle();
    fs::write(case.spec.join("overlays/prod.yaml"), "mesh: { revision: asm-1-24 }\n").expect("write");
    assert_eq!(case.render(&[]).0, Some(0));
    assert!(case.read("prod/app-1/namespace.yaml").contains("asm-1-24"));
    case.settle();
    fs::write(case.spec.join("overlays/qa.yaml"), "mesh: { revision: asm-1-25 }\n").expect("write");
    let (code, text) = case.render(&[]);
    assert_eq!(code, Some(0), "{text}");
    assert!(case.read("qa/app-1/namespace.yaml").contains("asm-1-25"), "{text}");
}

#[test]
fn an_edit_behind_a_symlinked_manifest_is_seen() {
    let case = Case::new();
    // Hidden: not a spec file, only what the link points at.
    let real = case.spec.join(".real");
    fs::create_dir_all(&real).expect("mkdir");
    fs::rename(case.spec.join("manifests/app-1.yaml"), real.join("app-1.yaml")).expect("move");
    std::os::unix::fs::symlink("../.real/app-1.yaml", case.spec.join("manifests/app-1.yaml")).expect("link");
    case.settle();
    fs::write(
        real.join("app-1.yaml"),
        MANIFEST.replace("name: front-1\n", "name: front-1\n  labels: { tier: web }\n"),
    )
    .expect("write");
    let o = case.run("check", &[], &[]);
    assert_eq!(o.status.code(), Some(1), "check trusted a stamp: {o:?}");
    assert_eq!(case.render(&[]).0, Some(0));
    assert!(case.read(VENDORED).contains("tier: web"));
}

#[test]
fn an_edited_removed_or_added_output_file_is_rendered_again() {
    let case = Case::new();
    case.settle();
    let file = case.output(NAMESPACE);
    let text = case.read(NAMESPACE);
    let mtime = fs::metadata(&file).and_then(|m| m.modified()).expect("mtime");
    let edited = text.replacen("asm-1-23", "asm-1-99", 1);
    assert!(edited != text && edited.len() == text.len());
    fs::write(&file, edited).expect("write");
    fs::File::options()
        .write(true)
        .open(&file)
        .and_then(|f| f.set_modified(mtime))
        .expect("restore mtime");
    let (code, notes) = case.render(&[]);
    assert_eq!(code, Some(0), "{notes}");
    assert_eq!(case.read(NAMESPACE), text, "{notes}");

    case.settle();
    fs::remove_file(&file).expect("remove");
    assert_eq!(case.render(&[]).0, Some(0));
    assert_eq!(case.read(NAMESPACE), text);

    case.settle();
    fs::write(case.output("dev/app-1/extra.yaml"), &text).expect("a stale generated file");
    let (code, notes) = case.render(&[]);
    assert_eq!(code, Some(0), "{notes}");
    assert!(notes.contains("1 removed"), "{notes}");
    assert!(!case.output("dev/app-1/extra.yaml").exists());
}

#[test]
fn a_hand_written_file_or_a_symlink_in_the_way_is_refused() {
    let case = Case::new();
    case.settle();
    let file = case.output(NAMESPACE);
    let text = case.read(NAMESPACE);
    fs::write(&file, "kind: Namespace\n").expect("hand-written");
    let (code, notes) = case.render(&[]);
    assert_eq!(code, Some(2), "{notes}");
    assert!(notes.contains("GW703"), "{notes}");

    fs::write(&file, &text).expect("restore");
    case.settle();
    let copy = case.tmp.path().join("namespace-copy.yaml");
    fs::write(&copy, &text).expect("copy");
    fs::remove_file(&file).expect("remove");
    std::os::unix::fs::symlink(&copy, &file).expect("link");
    let (code, notes) = case.render(&[]);
    assert_eq!(code, Some(2), "{notes}");
    assert!(notes.contains("GW702"), "{notes}");
}

#[test]
fn changed_permissions_or_a_replaced_output_directory_mean_the_full_render() {
    let case = Case::new();
    let full = case.settle();
    let file = case.output(NAMESPACE);
    fs::set_permissions(&file, fs::Permissions::from_mode(0o600)).expect("chmod");
    let (skipped, notes) = case.render_skipped(&[]);
    assert!(!skipped, "a changed mode is a change");
    assert_eq!(notes, full);

    case.settle();
    let old = case.tmp.path().join("out.old");
    fs::rename(&case.out, &old).expect("move away");
    let copied = Command::new("cp").arg("-rp").arg(&old).arg(&case.out).status();
    assert!(copied.expect("cp").success());
    let (skipped, notes) = case.render_skipped(&[]);
    assert!(!skipped, "a copied output directory is another directory");
    assert_eq!(notes, full);

    case.settle();
    fs::remove_dir_all(&case.out).expect("remove");
    std::os::unix::fs::symlink(&old, &case.out).expect("link");
    let before = common::cli::snapshot(&old);
    let (code, notes) = case.render(&[]);
    assert_eq!(code, Some(2), "{notes}");
    assert!(
        notes.contains("error[GW702]") && notes.contains("is a symlink"),
        "a symlinked --out is refused, with environments too: {notes}"
    );
    assert_eq!(common::cli::snapshot(&old), before, "nothing written through the link");
}

#[test]
fn other_options_are_other_stamps() {
    let case = Case::new();
    case.settle();
    let (code, notes) = case.render(&["--env", "dev"]);
    assert_eq!(code, Some(0), "{notes}");
    assert!(notes.contains("dev") && !notes.contains("prod"), "{notes}");
    assert_eq!(case.stamps().len(), 2, "--env records its own stamp");
    let (code, notes) = case.render(&["--gateway-api", "v1.3.0"]);
    assert_eq!(code, Some(0), "{notes}");
    assert!(
        !notes.contains("(0 written"),
        "another Gateway API version renders otherwise: {notes}"
    );
    assert_eq!(case.render(&[]).0, Some(0));
}

#[test]
fn an_old_stamp_put_back_does_not_vouch_for_a_newer_tree() {
    let case = Case::new();
    case.settle();
    let stamp = case.stamps().remove(0);
    let old = fs::read(&stamp).expect("read stamp");
    fs::write(
        case.spec.join("gatewright.yaml"),
        SPEC.replace("host: front-1.example.com", "host: front-9.example.com"),
    )
    .expect("write");
    assert_eq!(case.render(&[]).0, Some(0));
    let full = case.settle();
    fs::write(&stamp, old).expect("put the old stamp back");
    let (skipped, notes) = case.render_skipped(&[]);
    assert!(!skipped);
    assert_eq!(notes, full);
    assert!(
        case.read("dev/app-1/httproute-front-1.yaml")
            .contains("front-9.example.com")
    );
}

#[test]
fn a_stamp_recorded_by_check_does_not_skip_what_render_refuses() {
    let case = Case::new();
    fs::write(case.output("dev/site.yaml"), SPEC).expect("a spec file inside the output");
    for _ in 0..200 {
        let o = case.run("check", &[], &[]);
        assert_eq!(o.status.code(), Some(0), "{o:?}");
        if matches!(case.probe(), Freshness::Fresh(_)) {
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    assert!(matches!(case.probe(), Freshness::Fresh(_)));
    let (code, notes) = case.render(&[]);
    assert_eq!(code, Some(2), "{notes}");
    assert!(notes.contains("GW706"), "{notes}");
}

#[test]
fn a_failed_render_records_no_stamp() {
    let case = Case::new();
    case.settle();
    fs::write(
        case.spec.join("gatewright.yaml"),
        SPEC.replace("host: front-1.example.com", "host: front-9.example.com"),
    )
    .expect("write");
    let o = case.run("render", &[], &[("GATEWRIGHT_FAIL_AFTER_FILES", "1")]);
    assert_eq!(o.status.code(), Some(2), "{o:?}");
    assert!(!matches!(case.probe(), Freshness::Fresh(_)));
    let (code, notes) = case.render(&[]);
    assert_eq!(code, Some(0), "{notes}");
    assert!(
        case.read("dev/app-1/httproute-front-1.yaml")
            .contains("front-9.example.com")
    );
}
