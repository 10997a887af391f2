//! Helpers of the hostile-input tests (`hardening_limits`, `hardening_inputs`,
//! `hardening_review`): run the built binary with a generous timeout, so
//! that a hang fails the test instead of stalling it, and make the files
//! (FIFOs among them) those tests feed it.
#![allow(dead_code)]

use std::io::Read;
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

/// Longest a run may take before it counts as a hang (never a speed assertion).
pub const HANG: Duration = Duration::from_secs(180);

/// Run `cmd` to completion, or kill it and panic after [`HANG`].
pub fn run_bounded(mut cmd: Command) -> Output {
    let mut child = cmd
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run gatewright");
    let (mut out, mut err) = (
        child.stdout.take().expect("stdout"),
        child.stderr.take().expect("stderr"),
    );
    let stdout = std::thread::spawn(move || {
        let mut v = Vec::new();
        let _ = out.read_to_end(&mut v);
        v
    });
    let stderr = std::thread::spawn(move || {
        let mut v = Vec::new();
        let _ = err.read_to_end(&mut v);
        v
    });
    let start = Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().expect("wait for gatewright") {
            break status;
        }
        if start.elapsed() > HANG {
            let _ = child.kill();
            let _ = child.wait();
            panic!("gatewright did not finish within {HANG:?}: {cmd:?}");
        }
        std::thread::sleep(Duration::from_millis(50));
    };
    Output {
        status,
        stdout: stdout.join().expect("stdout reader"),
        stderr: stderr.join().expect("stderr reader"),
    }
}

/// The diagnostics of a `--format json` run.
pub fn json_diagnostics(out: &Output) -> Vec<serde_json::Value> {
    let text = String::from_utf8_lossy(&out.stderr);
    serde_json::from_str(text.trim()).unwrap_or_else(|e| panic!("stderr is not JSON ({e}): {text}"))
}

/// Write `bytes` to `path`, creating its folders.
pub fn write(path: &std::path::Path, bytes: impl AsRef<[u8]>) {
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent).expect("mkdir");
    }
    std::fs::write(path, bytes).expect("write");
}

/// Make a FIFO at `path` (a read of it blocks until someone writes).
#[cfg(unix)]
pub fn mkfifo(path: &std::path::Path) {
    rustix::fs::mknodat(
        rustix::fs::CWD,
        path,
        rustix::fs::FileType::Fifo,
        rustix::fs::Mode::from_raw_mode(0o600),
        0,
    )
    .expect("mkfifo");
}
