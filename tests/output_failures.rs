//! Output written under a failure leaves the previous tree byte-identical: a
//! disk that fills up mid-render, a process killed mid-render (then the tree
//! is the previous one or the new one, whole), and two renders into one
//! directory at once (the tree is one of them, whole). Real failures through
//! the CLI, no injection hooks.
//!
//! The full-disk case mounts a small tmpfs (the tests run as root on the
//! project's machines and in CI) and fails loudly when it cannot.

use crate::common;

use common::cli::*;
use std::collections::BTreeMap;
use std::path::Path;
use std::time::{Duration, Instant};

/// The paths where two snapshots differ (for readable failures).
fn differing(a: &BTreeMap<String, Vec<u8>>, b: &BTreeMap<String, Vec<u8>>) -> Vec<String> {
    let keys: std::collections::BTreeSet<&String> = a.keys().chain(b.keys()).collect();
    keys.into_iter().filter(|k| a.get(*k) != b.get(*k)).cloned().collect()
}

/// The disk has room for a file or two of the new tree, not all of it.
#[test]
fn a_disk_that_fills_up_mid_render_keeps_the_previous_tree() {
    let work = tempfile::tempdir().expect("tempdir");
    let old = write_spec(work.path(), "old.yaml", &spec(5, "a"));
    let new = write_spec(work.path(), "new.yaml", &spec(40, "b"));
    let Some(fs) = Tmpfs::mount(&work.path().join("mnt"), "1m") else {
        return;
    };
    let out = fs.0.join("out");
    render_ok(&old, &out);
    let before = snapshot(&out);
    let filler = fs.0.join("filler");
    {
        use std::io::Write;
        let mut f = std::fs::File::create(&filler).expect("filler");
        let block = vec![0u8; 4096];
        while f.write_all(&block).is_ok() {}
    }
    let len = std::fs::metadata(&filler).expect("meta").len();
    std::fs::OpenOptions::new()
        .write(true)
        .open(&filler)
        .and_then(|f| f.set_len(len.saturating_sub(3 * 4096)))
        .expect("free three pages");
    let o = render(&new, &out);
    let stderr = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("GW70"), "{stderr}");
    let now = snapshot(&out);
    assert!(
        now == before,
        "a failed render changed the tree: {:?}",
        differing(&before, &now)
    );
}

/// Kill a render at varying moments: the tree is the previous render or the new one, whole.
#[test]
fn a_killed_render_leaves_the_previous_tree_or_the_new_one() {
    let work = tempfile::tempdir().expect("tempdir");
    let old = write_spec(work.path(), "old.yaml", &spec(200, "a"));
    let new = write_spec(work.path(), "new.yaml", &spec(300, "b"));
    let expected_new = {
        let out = work.path().join("expected-new");
        render_ok(&new, &out);
        snapshot(&out)
    };
    let start = Instant::now();
    render_ok(&new, &work.path().join("timing"));
    let full = start.elapsed().max(Duration::from_millis(5));
    for round in 0..20u32 {
        let out = work.path().join(format!("out-{round}"));
        render_ok(&old, &out);
        let before = snapshot(&out);
        let mut child = gatewright()
            .args(["render".as_ref(), new.as_os_str(), "--out".as_ref(), out.as_os_str()])
            .stderr(std::process::Stdio::null())
            .spawn()
            .expect("spawn");
        std::thread::sleep(full * round / 20);
        let _ = child.kill();
        let _ = child.wait();
        let now = snapshot(&out);
        assert!(
            now == before || now == expected_new,
            "round {round}: killed render left a mixed tree: {:?}",
            differing(&before, &now)
        );
    }
}

/// Two renders of different versions into one directory at once, many
/// times: each ends in success or a clear error, and the tree is always a
/// whole render of one of them.
#[test]
fn concurrent_renders_leave_one_whole_tree() {
    let work = tempfile::tempdir().expect("tempdir");
    let a = write_spec(work.path(), "a.yaml", &spec(40, "a"));
    let b = write_spec(work.path(), "b.yaml", &spec(60, "b"));
    let expected = expected_trees(work.path(), &[&a, &b]);
    let out = work.path().join("out");
    for round in 0..15 {
        let spawn = |s: &Path| {
            gatewright()
                .args(["render".as_ref(), s.as_os_str(), "--out".as_ref(), out.as_os_str()])
                .stderr(std::process::Stdio::piped())
                .spawn()
                .expect("spawn")
        };
        let (first, second) = (spawn(&a), spawn(&b));
        for child in [first, second] {
            let o = child.wait_with_output().expect("wait");
            let code = o.status.code();
            assert!(
                code == Some(0) || (code == Some(2) && !o.stderr.is_empty()),
                "round {round}: exit {code:?}: {}",
                String::from_utf8_lossy(&o.stderr)
            );
        }
        let now = snapshot(&out);
        assert!(expected.contains(&now), "round {round}: the tree mixes two renders");
    }
}
