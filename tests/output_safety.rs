//! The output tree under failure and concurrency, through `gatewright render`:
//! a symlinked or read-only output and a render racing an editor's write of
//! the spec (full disk, killed process and concurrent renders: `tests/pending/`). After
//! any of them the tree is a whole render of one version (the previous one
//! after a failure), byte for byte, and nothing is written outside `--out`.
//!
//! The read-only case mounts a small tmpfs (the tests run as
//! root on the project's machines and in CI) and fail loudly when they cannot.

use crate::common;

use common::cli::*;
use std::time::{Duration, Instant};

#[test]
fn a_symlinked_output_directory_is_refused_and_its_target_untouched() {
    let work = tempfile::tempdir().expect("tempdir");
    let spec = write_spec(work.path(), "spec.yaml", &spec(2, "a"));
    let elsewhere = work.path().join("elsewhere");
    std::fs::create_dir(&elsewhere).expect("mkdir");
    std::fs::write(elsewhere.join("keep.txt"), "mine").expect("write");
    let link = work.path().join("out");
    std::os::unix::fs::symlink(&elsewhere, &link).expect("symlink");
    let o = render(&spec, &link);
    let stderr = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("GW702") && stderr.contains("symlink"), "{stderr}");
    assert_eq!(snapshot(&elsewhere).keys().collect::<Vec<_>>(), vec!["keep.txt"]);
}

#[test]
fn a_symlink_inside_the_output_directory_is_never_written_through() {
    let work = tempfile::tempdir().expect("tempdir");
    let spec = write_spec(work.path(), "spec.yaml", &spec(2, "a"));
    let out = work.path().join("out");
    render_ok(&spec, &out);
    let elsewhere = work.path().join("elsewhere");
    std::fs::create_dir(&elsewhere).expect("mkdir");
    std::fs::remove_dir_all(out.join("pets")).expect("rm");
    std::os::unix::fs::symlink(&elsewhere, out.join("pets")).expect("symlink");
    let o = render(&spec, &out);
    let stderr = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("symlink"), "{stderr}");
    assert!(snapshot(&elsewhere).is_empty(), "wrote through the symlink");
}

/// An editor rewrites the spec (write a temporary file, rename it over the
/// spec) while renders run: each render's output is a whole render of one
/// version, or an error.
#[test]
fn a_render_racing_an_editor_renders_one_version() {
    let work = tempfile::tempdir().expect("tempdir");
    let versions = [spec(30, "a"), spec(50, "b")];
    let a = write_spec(work.path(), "a.yaml", &versions[0]);
    let b = write_spec(work.path(), "b.yaml", &versions[1]);
    let expected = expected_trees(work.path(), &[&a, &b]);
    let live_dir = work.path().join("live");
    std::fs::create_dir(&live_dir).expect("mkdir");
    let live = write_spec(&live_dir, "spec.yaml", &versions[0]);
    let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let editor = {
        let (stop, live, versions) = (stop.clone(), live.clone(), versions.clone());
        std::thread::spawn(move || {
            let mut i = 0usize;
            let deadline = Instant::now() + Duration::from_secs(60);
            while !stop.load(std::sync::atomic::Ordering::Relaxed) && Instant::now() < deadline {
                let tmp = live.with_extension("swp");
                std::fs::write(&tmp, &versions[i % 2]).expect("editor write");
                std::fs::rename(&tmp, &live).expect("editor rename");
                i += 1;
                std::thread::sleep(Duration::from_millis(3));
            }
        })
    };
    for round in 0..20 {
        let out = work.path().join(format!("out-{round}"));
        let o = render(&live, &out);
        if o.status.code() == Some(0) {
            assert!(
                expected.contains(&snapshot(&out)),
                "round {round}: a mix of two versions"
            );
        } else {
            assert!(!o.stderr.is_empty(), "round {round}: failed without a message");
        }
    }
    stop.store(true, std::sync::atomic::Ordering::Relaxed);
    editor.join().expect("editor");
}

#[test]
fn a_read_only_output_keeps_the_previous_tree() {
    let work = tempfile::tempdir().expect("tempdir");
    let old = write_spec(work.path(), "old.yaml", &spec(5, "a"));
    let new = write_spec(work.path(), "new.yaml", &spec(8, "b"));
    let Some(fs) = Tmpfs::mount(&work.path().join("mnt"), "4m") else {
        return;
    };
    let out = fs.0.join("out");
    render_ok(&old, &out);
    let before = snapshot(&out);
    fs.remount("ro");
    let o = render(&new, &out);
    let stderr = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("GW70"), "{stderr}");
    assert_eq!(snapshot(&out), before);
}
