//! Helpers of `tests/hardening_output.rs`: scratch repositories, running
//! the binary in them, and mounts that skip a test (with a visible
//! `skipped:` line) where the machine cannot mount.
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use gatewright::emit::Tree;

/// The seed spec with one more route, and a mesh revision: a tree that
/// differs from `PETS`'s in several files.
pub fn changed(spec: &str) -> String {
    spec.replace("asm-1-22", "asm-1-23")
        .replace("store-front:80", "store-front:8080")
}

/// Compile a spec text.
pub fn tree(spec: &str) -> Tree {
    let dir = tempfile::tempdir().expect("tmp");
    let path = dir.path().join("spec.yaml");
    std::fs::write(&path, spec).expect("write spec");
    crate::common::render(&path)
}

/// Run the built binary in `dir` (no stamp cache, no colour).
pub fn run(dir: &Path, args: &[&str]) -> Output {
    crate::common::cli::bin()
        .args(args)
        .current_dir(dir)
        .env("GATEWRIGHT_NO_CACHE", "1")
        .env("NO_COLOR", "1")
        .output()
        .expect("run gatewright")
}

/// Stderr of a run, for assertions.
pub fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// The names in a folder, sorted (lossy).
pub fn names(dir: &Path) -> Vec<String> {
    let mut v: Vec<String> = std::fs::read_dir(dir)
        .expect("read dir")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .collect();
    v.sort();
    v
}

/// Tests of this file run one at a time: they take locks and mount
/// filesystems, and a child spawned by one test would hold another test's
/// lock descriptors between fork and exec.
pub fn serial() -> std::sync::MutexGuard<'static, ()> {
    static SERIAL: std::sync::Mutex<()> = std::sync::Mutex::new(());
    SERIAL.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
}

/// A tmpfs mounted at a folder for the value's lifetime.
pub struct Mounted(pub PathBuf);

impl Mounted {
    /// Mount a small tmpfs at `dir` (created); `None`, after printing a
    /// `skipped:` line, where mounting is not possible (not root).
    pub fn tmpfs(dir: &Path, test: &str) -> Option<Mounted> {
        std::fs::create_dir_all(dir).expect("mkdir");
        let ok = Command::new("mount")
            .args(["-t", "tmpfs", "-o", "size=8m", "tmpfs"])
            .arg(dir)
            .status()
            .is_ok_and(|s| s.success());
        if !ok {
            return crate::common::outside::skip(&format!("{test}: cannot mount a tmpfs here (needs root)"));
        }
        Some(Mounted(dir.to_path_buf()))
    }
}

impl Drop for Mounted {
    fn drop(&mut self) {
        let _ = Command::new("umount").arg("-l").arg(&self.0).status();
    }
}

/// `chattr` on `path`; `false`, after printing a `skipped:` line, when the
/// filesystem or the machine cannot.
pub fn chattr(flag: &str, path: &Path, test: &str) -> bool {
    let ok = Command::new("chattr")
        .arg(flag)
        .arg(path)
        .output()
        .is_ok_and(|o| o.status.success());
    if !ok {
        crate::common::outside::skip::<()>(&format!("{test}: `chattr {flag}` does not work here"));
    }
    ok
}

/// The attribute letters `lsattr -d` shows for `path`.
pub fn lsattr(path: &Path) -> String {
    let o = Command::new("lsattr").arg("-d").arg(path).output().expect("lsattr");
    String::from_utf8_lossy(&o.stdout)
        .split_whitespace()
        .next()
        .unwrap_or_default()
        .to_string()
}
