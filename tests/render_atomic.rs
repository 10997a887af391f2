//! Safe render: an interrupted render leaves the previous tree byte for
//! byte; hand-written files survive; symlinks and concurrent renders are
//! refused; unchanged files keep their mtime.

use crate::common;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use common::PETS;
use gatewright::diagnostic::Diagnostic;
use gatewright::emit::{Tree, write_tree, write_tree_hooked};

/// Every entry under `dir`: path -> file bytes (or a marker for folders and symlinks).
fn snapshot(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    walkdir::WalkDir::new(dir)
        .follow_links(false)
        .sort_by_file_name()
        .into_iter()
        .map(|e| e.expect("walk"))
        .map(|e| {
            let rel = e
                .path()
                .strip_prefix(dir)
                .expect("prefix")
                .to_string_lossy()
                .into_owned();
            let ft = e.file_type();
            let bytes = if ft.is_file() {
                std::fs::read(e.path()).expect("read")
            } else if ft.is_symlink() {
                format!("-> {}", std::fs::read_link(e.path()).expect("link").display()).into_bytes()
            } else {
                b"<dir>".to_vec()
            };
            (rel, bytes)
        })
        .collect()
}

fn tree(spec: &str) -> Tree {
    let dir = tempfile::tempdir().expect("tmp");
    let path = dir.path().join("spec.yaml");
    std::fs::write(&path, spec).expect("write spec");
    common::render(&path)
}

/// A scratch dir with `out/` holding the rendered v1 tree plus hand-written files.
fn previous_tree() -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().expect("tmp");
    let out = dir.path().join("out");
    write_tree(&tree(PETS), &out).expect("first render");
    std::fs::write(out.join("NOTES.md"), "hand-written\n").expect("notes");
    std::fs::write(out.join("pets/by-hand.yaml"), "kept: true\n").expect("by hand");
    (dir, out)
}

/// The tests of this file run one at a time: a child process spawned by one
/// test inherits, between fork and exec, the lock descriptors another test
/// holds, which would make that test's own next render see a "running" render.
fn serial() -> std::sync::MutexGuard<'static, ()> {
    static SERIAL: std::sync::Mutex<()> = std::sync::Mutex::new(());
    SERIAL.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
}

fn scratch_dirs(parent: &Path) -> Vec<String> {
    let mut v: Vec<String> = std::fs::read_dir(parent)
        .expect("read parent")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .filter(|n| n.contains(".gatewright-"))
        .collect();
    v.sort();
    v
}

#[test]
fn a_failure_between_files_leaves_the_previous_tree_intact() {
    let _serial = serial();
    let (dir, out) = previous_tree();
    let before = snapshot(&out);
    let changed = tree(
        &PETS
            .replace("asm-1-22", "asm-1-23")
            .replace("store-front:80", "store-front:8080"),
    );
    for fail_at in 1..=2 {
        let err = write_tree_hooked(&changed, &out, &mut |n| {
            if n == fail_at {
                Err(Diagnostic::error(
                    gatewright::diagnostic::Code::InjectedFailure,
                    "injected",
                ))
            } else {
                Ok(())
            }
        })
        .expect_err("the injected failure must surface");
        assert_eq!(err.code, "GW799");
        assert_eq!(snapshot(&out), before, "failing after {fail_at} files changed the tree");
        assert!(
            scratch_dirs(dir.path()).is_empty(),
            "staging left behind: {:?}",
            scratch_dirs(dir.path())
        );
    }
    write_tree(&changed, &out).expect("render after the failure");
    let after = snapshot(&out);
    assert_ne!(after, before);
    assert_eq!(after["NOTES.md"], b"hand-written\n");
    assert_eq!(after["pets/by-hand.yaml"], b"kept: true\n");
}

#[test]
fn a_killed_render_leaves_the_previous_tree_and_the_next_render_cleans_up() {
    let _serial = serial();
    let (dir, out) = previous_tree();
    let spec = dir.path().join("spec.yaml");
    std::fs::write(&spec, PETS.replace("asm-1-22", "asm-1-23")).expect("spec");
    let before = snapshot(&out);
    let status = crate::common::cli::bin()
        .args(["render", "spec.yaml", "--out", "out"])
        .current_dir(dir.path())
        .env("GATEWRIGHT_NO_CACHE", "1")
        .env("GATEWRIGHT_FAIL_AFTER_FILES", "1")
        .env("GATEWRIGHT_FAIL_MODE", "abort")
        .status()
        .expect("run gatewright");
    assert!(!status.success(), "the render was meant to die mid-way");
    assert_eq!(snapshot(&out), before, "a killed render changed the tree");
    let left = scratch_dirs(dir.path());
    assert_eq!(left.len(), 1, "the killed run's staging dir: {left:?}");
    assert!(left[0].starts_with(".out.gatewright-staging-"), "{left:?}");

    let status = crate::common::cli::bin()
        .args(["render", "spec.yaml", "--out", "out"])
        .current_dir(dir.path())
        .env("GATEWRIGHT_NO_CACHE", "1")
        .status()
        .expect("run gatewright");
    assert!(status.success());
    assert!(scratch_dirs(dir.path()).is_empty(), "stale staging not removed");
    let after = snapshot(&out);
    assert!(String::from_utf8_lossy(&after["pets/namespace.yaml"]).contains("asm-1-23"));
    assert_eq!(after["NOTES.md"], b"hand-written\n");
}

#[cfg(unix)]
#[test]
fn a_second_render_of_the_same_directory_is_refused_while_one_runs() {
    let _serial = serial();
    use rustix::fs::{FlockOperation, flock};
    let (dir, out) = previous_tree();
    let before = snapshot(&out);
    let parent = std::fs::File::open(dir.path()).expect("open parent");
    flock(&parent, FlockOperation::NonBlockingLockExclusive).expect("lock like a running render");
    let changed = tree(&PETS.replace("asm-1-22", "asm-1-23"));
    let err = write_tree(&changed, &out).expect_err("must not interleave");
    assert_eq!(err.code, "GW705");
    assert!(err.message.contains("another gatewright render"), "{}", err.message);
    assert_eq!(snapshot(&out), before);
    drop(parent);
    write_tree(&changed, &out).expect("works once the lock is free");
}

#[test]
fn hand_written_files_in_the_way_are_named() {
    let _serial = serial();
    let (_dir, out) = previous_tree();
    std::fs::write(out.join("pets/namespace.yaml"), "mine\n").expect("hand-written");
    std::fs::write(out.join("kustomization.yaml"), "mine too\n").expect("hand-written");
    let before = snapshot(&out);
    let err = write_tree(&tree(PETS), &out).expect_err("collision");
    assert_eq!(err.code, "GW703");
    assert!(err.message.contains("pets/namespace.yaml"), "{}", err.message);
    assert!(err.message.contains("kustomization.yaml"), "{}", err.message);
    assert_eq!(snapshot(&out), before);
}

#[cfg(unix)]
#[test]
fn symlinks_are_refused_and_never_followed() {
    let _serial = serial();
    let (dir, out) = previous_tree();
    let elsewhere = dir.path().join("elsewhere");
    std::fs::create_dir(&elsewhere).expect("dir");
    // The output directory itself.
    let link = dir.path().join("link-out");
    std::os::unix::fs::symlink(&out, &link).expect("symlink");
    assert_eq!(write_tree(&tree(PETS), &link).expect_err("symlink out").code, "GW702");
    // A folder gatewright writes into, pointing out of the output directory.
    std::fs::remove_dir_all(out.join("aks-istio-ingress")).expect("rm");
    std::os::unix::fs::symlink(&elsewhere, out.join("aks-istio-ingress")).expect("symlink");
    let err = write_tree(&tree(PETS), &out).expect_err("symlinked folder");
    assert_eq!(err.code, "GW702");
    assert!(err.message.contains("aks-istio-ingress"), "{}", err.message);
    assert_eq!(
        std::fs::read_dir(&elsewhere).expect("read").count(),
        0,
        "wrote through a symlink"
    );
    // A symlink gatewright does not write to is carried over as a symlink.
    std::fs::remove_file(out.join("aks-istio-ingress")).expect("rm link");
    std::os::unix::fs::symlink("../elsewhere", out.join("docs")).expect("symlink");
    write_tree(&tree(PETS), &out).expect("render");
    assert_eq!(
        std::fs::read_link(out.join("docs")).expect("still a link"),
        Path::new("../elsewhere")
    );
}

#[test]
fn unchanged_files_keep_their_mtime_and_stale_ones_are_pruned() {
    let _serial = serial();
    let (_dir, out) = previous_tree();
    let mtime = |p: &str| std::fs::metadata(out.join(p)).expect("meta").modified().expect("mtime");
    let before = mtime("aks-istio-ingress/gateway-gateway.yaml");
    std::thread::sleep(std::time::Duration::from_millis(20));
    let one_route = PETS.replace("      store-admin: { host: admin.aks.rocks, to: store-admin:80 }\n", "");
    let report = write_tree(&tree(&one_route), &out).expect("render");
    assert_eq!(report.removed, vec!["pets/httproute-store-admin.yaml".to_string()]);
    assert!(!out.join("pets/httproute-store-admin.yaml").exists());
    assert_eq!(mtime("aks-istio-ingress/gateway-gateway.yaml"), before);
    assert!(out.join("pets/by-hand.yaml").exists());
    let again = write_tree(&tree(&one_route), &out).expect("render again");
    assert!(again.written.is_empty() && again.removed.is_empty(), "{again:?}");
}

#[test]
fn the_spec_directory_cannot_be_the_output_directory() {
    let _serial = serial();
    // Flux and Argo CD apply every YAML file under their path: a spec there
    // would be sent to the cluster. `render` refuses (GW706) and writes nothing.
    let dir = tempfile::tempdir().expect("tmp");
    let site = dir.path().join("site");
    std::fs::create_dir(&site).expect("mkdir");
    std::fs::write(site.join("gatewright.yaml"), PETS).expect("spec");
    let out = crate::common::cli::bin()
        .args(["render", ".", "--out", "."])
        .current_dir(&site)
        .env("GATEWRIGHT_NO_CACHE", "1")
        .output()
        .expect("run");
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("GW706"));
    assert_eq!(
        std::fs::read_to_string(site.join("gatewright.yaml")).expect("spec kept"),
        PETS
    );
    let entries: Vec<_> = std::fs::read_dir(&site).expect("ls").collect();
    assert_eq!(entries.len(), 1, "nothing written beside the spec");
}
