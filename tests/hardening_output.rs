//! Nothing lost, nothing leaked, nothing passes silently, when `render`
//! writes: files saved during a render, folders beside the output, mounts
//! and immutable files, several environments as one transaction,
//! durability, one lock per output, names that are not UTF-8, folder owners,
//! and environment names that would leave the output directory.

use crate::common;
use crate::common::hardening;

use std::os::unix::ffi::OsStrExt;
use std::os::unix::fs::MetadataExt;
use std::path::Path;

use common::PETS;
use common::cli::snapshot;
use gatewright::emit::{write_tree, write_tree_hooked};
use hardening::*;

/// `out/` with the rendered seed tree and a hand-written `NOTES.md`.
fn previous(dir: &Path) -> std::path::PathBuf {
    let out = dir.join("out");
    write_tree(&tree(PETS), &out).expect("first render");
    std::fs::write(out.join("NOTES.md"), "v1\n").expect("notes");
    out
}

// Item 2: files created while a render runs.

#[test]
fn files_saved_in_the_output_during_a_render_are_carried_over() {
    let _s = serial();
    let dir = tempfile::tempdir().expect("tmp");
    let out = previous(dir.path());
    let new = tree(&changed(PETS));
    let report = write_tree_hooked(&new, &out, &mut |n| {
        if n == 1 {
            // An editor saving by rename, a new file, a new folder.
            std::fs::write(out.join(".NOTES.md.swp"), "v2\n").expect("swap file");
            std::fs::rename(out.join(".NOTES.md.swp"), out.join("NOTES.md")).expect("save by rename");
            std::fs::write(out.join("pets/TODO.md"), "new\n").expect("new file");
            std::fs::create_dir(out.join("drafts")).expect("new folder");
            std::fs::write(out.join("drafts/route.yaml"), "draft\n").expect("draft");
        }
        Ok(())
    })
    .expect("render");
    assert!(!report.written.is_empty());
    assert_eq!(std::fs::read_to_string(out.join("NOTES.md")).expect("notes"), "v2\n");
    assert_eq!(
        std::fs::read_to_string(out.join("pets/TODO.md")).expect("todo"),
        "new\n"
    );
    assert_eq!(
        std::fs::read_to_string(out.join("drafts/route.yaml")).expect("draft"),
        "draft\n"
    );
    assert_eq!(names(dir.path()), ["out"], "scratch left beside the output");
}

#[test]
fn a_file_saved_where_the_new_tree_writes_fails_the_render_and_is_kept() {
    let _s = serial();
    let dir = tempfile::tempdir().expect("tmp");
    let out = previous(dir.path());
    let new = tree(&changed(PETS));
    let target = out.join("pets/namespace.yaml");
    let err = write_tree_hooked(&new, &out, &mut |n| {
        if n == 1 {
            std::fs::write(out.join("pets/.ns.tmp"), "mine\n").expect("tmp");
            std::fs::rename(out.join("pets/.ns.tmp"), &target).expect("rename over");
        }
        Ok(())
    })
    .expect_err("the saved file is where the new tree writes");
    assert_eq!(err.code, "GW712", "{}", err.message);
    assert!(err.message.contains("pets/namespace.yaml"), "{}", err.message);
    assert_eq!(std::fs::read_to_string(&target).expect("kept"), "mine\n");
    assert_eq!(std::fs::read_to_string(out.join("NOTES.md")).expect("notes"), "v1\n");
    assert_eq!(names(dir.path()), ["out"], "scratch left beside the output");
}

#[test]
fn a_file_deleted_during_a_render_stays_deleted_and_an_edit_in_place_stays() {
    let _s = serial();
    let dir = tempfile::tempdir().expect("tmp");
    let out = previous(dir.path());
    std::fs::write(out.join("pets/by-hand.yaml"), "kept: 1\n").expect("by hand");
    write_tree_hooked(&tree(&changed(PETS)), &out, &mut |n| {
        if n == 1 {
            std::fs::remove_file(out.join("NOTES.md")).expect("delete");
            std::fs::write(out.join("pets/by-hand.yaml"), "kept: 2\n").expect("edit in place");
        }
        Ok(())
    })
    .expect("render");
    assert!(
        !out.join("NOTES.md").exists(),
        "a file deleted during the render came back"
    );
    assert_eq!(
        std::fs::read_to_string(out.join("pets/by-hand.yaml")).expect("kept"),
        "kept: 2\n"
    );
}

// Item 3: folders beside the output.

#[test]
fn folders_beside_the_output_are_never_removed_or_restored_by_name() {
    let _s = serial();
    let dir = tempfile::tempdir().expect("tmp");
    let spec = dir.path().join("spec.yaml");
    std::fs::write(&spec, PETS).expect("spec");
    for name in [
        ".out.gatewright-staging-4242",
        ".out.gatewright-notes",
        ".out.gatewright-old-7",
    ] {
        std::fs::create_dir(dir.path().join(name)).expect("mkdir");
        std::fs::write(dir.path().join(name).join("mine.txt"), name).expect("write");
    }
    let o = run(dir.path(), &["render", "spec.yaml", "--out", "out"]);
    assert!(o.status.success(), "{}", stderr(&o));
    for name in [
        ".out.gatewright-staging-4242",
        ".out.gatewright-notes",
        ".out.gatewright-old-7",
    ] {
        let kept = std::fs::read_to_string(dir.path().join(name).join("mine.txt"));
        assert_eq!(kept.ok().as_deref(), Some(name), "{name} was removed");
    }
    assert!(
        !dir.path().join("out/mine.txt").exists(),
        "a folder was renamed into the output"
    );
}

// Item 4: mounts and immutable files.

#[test]
fn a_mount_inside_the_output_is_refused_before_anything_is_touched() {
    let _s = serial();
    let dir = tempfile::tempdir().expect("tmp");
    let out = previous(dir.path());
    let Some(mnt) = Mounted::tmpfs(&out.join("data"), "mount inside the output") else {
        return;
    };
    std::fs::write(mnt.0.join("db.txt"), "precious\n").expect("write");
    let before = snapshot(&out);
    for _ in 0..2 {
        let err = write_tree(&tree(&changed(PETS)), &out).expect_err("a mount inside");
        assert_eq!(err.code, "GW711", "{}", err.message);
        assert!(err.message.contains(&mnt.0.display().to_string()), "{}", err.message);
        assert_eq!(snapshot(&out), before);
    }
}

#[test]
fn an_immutable_file_is_refused_and_keeps_its_flag() {
    let _s = serial();
    let dir = tempfile::tempdir().expect("tmp");
    let out = previous(dir.path());
    let notes = out.join("NOTES.md");
    if !chattr("+i", &notes, "immutable file") {
        return;
    }
    let result = write_tree(&tree(&changed(PETS)), &out);
    let flags = lsattr(&notes);
    let _ = chattr("-i", &notes, "cleanup");
    let err = result.expect_err("immutable file in the output");
    assert_eq!(err.code, "GW713", "{}", err.message);
    assert!(err.message.contains("NOTES.md"), "{}", err.message);
    assert!(flags.contains('i'), "the flag was dropped: {flags}");
}

#[test]
fn an_output_that_is_a_mount_point_is_written_file_by_file() {
    let _s = serial();
    let dir = tempfile::tempdir().expect("tmp");
    let expected = dir.path().join("expected");
    write_tree(&tree(&changed(PETS)), &expected).expect("expected tree");
    let Some(mnt) = Mounted::tmpfs(&dir.path().join("volume"), "output that is a mount point") else {
        return;
    };
    write_tree(&tree(PETS), &mnt.0).expect("first render into the volume");
    std::fs::write(mnt.0.join("NOTES.md"), "mine\n").expect("notes");
    let report = write_tree(&tree(&changed(PETS)), &mnt.0).expect("second render into the volume");
    assert!(!report.written.is_empty());
    let mut now = snapshot(&mnt.0);
    assert_eq!(now.remove("NOTES.md").as_deref(), Some(&b"mine\n"[..]));
    assert_eq!(now, snapshot(&expected));
}

// Item 5: environments are one transaction.

fn two_envs(dir: &Path, prod: &str) {
    std::fs::write(dir.join("spec.yaml"), PETS).expect("spec");
    std::fs::create_dir(dir.join("overlays")).expect("overlays");
    std::fs::write(dir.join("overlays/dev.yaml"), "{}\n").expect("dev");
    std::fs::write(dir.join("overlays/prod.yaml"), prod).expect("prod");
}

#[test]
fn a_failing_environment_leaves_every_environment_unwritten() {
    let _s = serial();
    let dir = tempfile::tempdir().expect("tmp");
    let bad = "apps:\n  pets:\n    routes:\n      store-front: { host: store_front.pets.example }\n";
    two_envs(dir.path(), bad);
    let o = run(dir.path(), &["render", "spec.yaml", "--out", "out"]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    assert!(!dir.path().join("out").exists(), "written although prod failed");

    // A hand-written file in prod's way: dev stays as it was.
    std::fs::write(dir.path().join("overlays/prod.yaml"), "{}\n").expect("prod");
    let o = run(dir.path(), &["render", "spec.yaml", "--out", "out"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let dev = snapshot(&dir.path().join("out/dev"));
    std::fs::write(dir.path().join("spec.yaml"), changed(PETS)).expect("spec");
    std::fs::write(dir.path().join("out/prod/pets/namespace.yaml"), "mine\n").expect("in the way");
    let o = run(dir.path(), &["render", "spec.yaml", "--out", "out"]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(stderr(&o).contains("GW703"), "{}", stderr(&o));
    assert_eq!(
        snapshot(&dir.path().join("out/dev")),
        dev,
        "dev written although prod failed"
    );

    // Spec files in prod's folder (GW706): a new dev folder is not even created.
    std::fs::remove_dir_all(dir.path().join("out")).expect("rm");
    std::fs::create_dir_all(dir.path().join("out/prod")).expect("mkdir");
    std::fs::write(dir.path().join("out/prod/site.yaml"), PETS).expect("spec in the output");
    let o = run(dir.path(), &["render", "spec.yaml", "--out", "out"]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(stderr(&o).contains("GW706"), "{}", stderr(&o));
    assert_eq!(
        names(&dir.path().join("out")),
        ["prod"],
        "dev written although prod failed"
    );
}

#[test]
fn a_gitops_error_found_before_writing_leaves_every_environment_unwritten() {
    let _s = serial();
    let dir = tempfile::tempdir().expect("tmp");
    two_envs(dir.path(), "{}\n");
    let gitops = "gitops:\n  repository: { url: \"https://git.example.com/p.git\" }\n  output: deploy\n  flux: {}\n";
    std::fs::write(dir.path().join("spec.yaml"), format!("{PETS}{gitops}")).expect("spec");
    let o = run(dir.path(), &["render", "spec.yaml", "--out", "out"]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(stderr(&o).contains("GW708"), "{}", stderr(&o));
    assert_eq!(names(dir.path()), ["overlays", "spec.yaml"], "written although GW708");
}

// Item 6: durability.

#[test]
fn the_new_tree_is_synced_before_the_exchange_and_the_parent_after() {
    let _s = serial();
    let Some(strace) = common::program("strace") else {
        return;
    };
    let dir = tempfile::tempdir().expect("tmp");
    std::fs::write(dir.path().join("spec.yaml"), PETS).expect("spec");
    let o = run(dir.path(), &["render", "spec.yaml", "--out", "out"]);
    assert!(o.status.success(), "{}", stderr(&o));
    std::fs::write(dir.path().join("spec.yaml"), changed(PETS)).expect("spec");
    let o = std::process::Command::new(strace)
        .args(["-f", "-o", "trace.txt", "-e", "trace=fsync,fdatasync,syncfs,renameat2"])
        .arg(crate::common::cli::BINARY)
        .args(["render", "spec.yaml", "--out", "out"])
        .current_dir(dir.path())
        .env("GATEWRIGHT_NO_CACHE", "1")
        .output()
        .expect("strace");
    assert!(o.status.success(), "{}", stderr(&o));
    let trace = std::fs::read_to_string(dir.path().join("trace.txt")).expect("trace");
    let calls: Vec<&str> = trace
        .lines()
        .filter(|l| !l.contains("resumed") && !l.contains("+++"))
        .collect();
    let exchange = calls
        .iter()
        .position(|l| l.contains("RENAME_EXCHANGE"))
        .expect("an exchange");
    let is_sync = |l: &&str| ["fsync(", "fdatasync(", "syncfs("].iter().any(|s| l.contains(s));
    assert!(
        calls[..exchange].iter().any(is_sync),
        "nothing synced before the exchange:\n{trace}"
    );
    assert!(
        calls[exchange..].iter().any(is_sync),
        "nothing synced after the exchange:\n{trace}"
    );
}

// Item 17: one lock per output.

#[test]
fn sibling_outputs_render_at_once_and_one_output_never_twice() {
    let _s = serial();
    let dir = tempfile::tempdir().expect("tmp");
    let (a, b) = (dir.path().join("deploy-a"), dir.path().join("deploy-b"));
    let (one, two) = (tree(PETS), tree(&changed(PETS)));
    write_tree(&one, &a).expect("deploy-a");
    let mut inner = Vec::new();
    write_tree_hooked(&two, &a, &mut |n| {
        if n == 1 {
            inner.push(write_tree(&one, &b).map(|_| ()));
            inner.push(write_tree(&one, &a).map(|_| ()));
        }
        Ok(())
    })
    .expect("deploy-a");
    let sibling = inner.remove(0);
    assert!(sibling.is_ok(), "deploy-b waited for deploy-a: {sibling:?}");
    let same = inner.remove(0).expect_err("deploy-a twice at once");
    assert_eq!(same.code, "GW705");
    assert!(same.message.contains("deploy-a"), "{}", same.message);
    assert_eq!(
        names(dir.path()),
        ["deploy-a", "deploy-b"],
        "a lock file or scratch left"
    );
}

// Item 19: names that are not UTF-8, owners of folders.

#[test]
fn a_hand_written_file_whose_name_is_not_utf8_is_kept() {
    let _s = serial();
    let dir = tempfile::tempdir().expect("tmp");
    let out = previous(dir.path());
    let odd = out.join(std::ffi::OsStr::from_bytes(b"caf\xe9.txt"));
    std::fs::write(&odd, "latin-1 name\n").expect("write");
    write_tree(&tree(&changed(PETS)), &out).expect("render with a non-UTF-8 name present");
    assert_eq!(std::fs::read_to_string(&odd).expect("kept"), "latin-1 name\n");
}

#[test]
fn replaced_folders_keep_their_owner_and_mode() {
    let _s = serial();
    let dir = tempfile::tempdir().expect("tmp");
    let out = previous(dir.path());
    let pets = out.join("pets");
    if std::os::unix::fs::chown(&pets, Some(4321), Some(4321)).is_err() {
        common::outside::skip::<()>("folder owners: cannot chown (not root)");
        return;
    }
    std::fs::set_permissions(&pets, std::os::unix::fs::PermissionsExt::from_mode(0o750)).expect("chmod");
    write_tree(&tree(&changed(PETS)), &out).expect("render");
    let meta = std::fs::metadata(&pets).expect("pets");
    assert_eq!((meta.uid(), meta.gid(), meta.mode() & 0o7777), (4321, 4321, 0o750));
}

// Item 1 (defence in depth): environment names never leave `--out`.

#[test]
fn an_environment_name_never_directs_a_write_outside_the_output() {
    let _s = serial();
    let dir = tempfile::tempdir().expect("tmp");
    std::fs::write(dir.path().join("spec.yaml"), PETS).expect("spec");
    std::fs::write(dir.path().join("env.yaml"), "{}\n").expect("overlay");
    std::fs::create_dir(dir.path().join("deploy")).expect("deploy");
    let absolute = dir.path().join("absolute").display().to_string();
    for env in ["../escaped", "..", ".", "a/b", absolute.as_str()] {
        let o = run(
            dir.path(),
            &[
                "render",
                "spec.yaml",
                "--overlay",
                "env.yaml",
                "--env",
                env,
                "--out",
                "deploy",
            ],
        );
        assert!(!o.status.success(), "--env {env:?} rendered: {}", stderr(&o));
        assert!(stderr(&o).contains("GW"), "--env {env:?}: {}", stderr(&o));
        assert_eq!(names(dir.path()), ["deploy", "env.yaml", "spec.yaml"], "--env {env:?}");
        assert!(names(&dir.path().join("deploy")).is_empty(), "--env {env:?}");
    }
    let target = gatewright::driver::Target {
        env: Some("..".into()),
        overlay: None,
    };
    assert_eq!(target.out_dir(Path::new("out")).expect_err("..").code, "GW704");
}
