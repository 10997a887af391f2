//! Hostile inputs, part two (issue 14): environment names that would leave
//! `--out`, spec files hidden from the GW706 guard, characters YAML forbids,
//! writing through symlinks, unbounded reads and non-regular spec files.

mod characters;
mod env_names;
mod files;
mod spec_guard;

use std::path::Path;
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

const SITE: &str = "apiVersion: gatewright.dev/v1alpha1\nkind: Site\n";
const SPEC: &str = "apiVersion: gatewright.dev/v1alpha1\nkind: Site\ngateways:\n  gateway:\n    profile: aks-istio-external\n    listeners:\n      default: { hostname: \"*.aks.rocks\", protocol: HTTP, port: 80 }\napps:\n  pets:\n    routes:\n      a: { host: a.aks.rocks, to: a:80 }\n";
const LIMIT: Duration = Duration::from_secs(30);

/// Run the binary in `cwd`, killing it (and failing) if it runs past `LIMIT`:
/// a read that blocks or never ends fails the test instead of hanging it.
fn run(args: &[&str], cwd: &Path) -> Output {
    run_env(args, cwd, &[])
}

fn run_env(args: &[&str], cwd: &Path, env: &[(&str, &str)]) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_gatewright"))
        .args(args)
        .current_dir(cwd)
        .env("GATEWRIGHT_NO_CACHE", "1")
        .envs(env.iter().copied())
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run gatewright");
    let start = Instant::now();
    while child.try_wait().expect("wait").is_none() {
        if start.elapsed() > LIMIT {
            let _ = child.kill();
            let _ = child.wait();
            panic!("gatewright {args:?} still running after {LIMIT:?}");
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    child.wait_with_output().expect("output")
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

fn write(path: &Path, text: impl AsRef<[u8]>) {
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent).expect("mkdir");
    }
    std::fs::write(path, text).expect("write");
}

/// A site directory `site/` with `SPEC` and the given overlays, and a
/// neighbour `other/` with a file that must survive every run.
fn site_with_overlays(overlays: &[&str]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("tempdir");
    write(&dir.path().join("site/spec.yaml"), SPEC);
    for name in overlays {
        write(&dir.path().join("site/overlays").join(name), "{}\n");
    }
    write(&dir.path().join("deploy/other/keep.txt"), "another site's tree\n");
    dir
}

#[cfg(unix)]
fn mkfifo(path: &Path) {
    rustix::fs::mknodat(
        rustix::fs::CWD,
        path,
        rustix::fs::FileType::Fifo,
        rustix::fs::Mode::from_raw_mode(0o600),
        0,
    )
    .expect("mkfifo");
}
