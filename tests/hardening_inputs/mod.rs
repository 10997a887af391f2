//! Hostile inputs, part two (issue 14): environment names that would leave
//! `--out`, spec files hidden from the GW706 guard, characters YAML forbids,
//! writing through symlinks, unbounded reads and non-regular spec files.

mod characters;
mod env_names;
mod files;
mod spec_guard;

use crate::common::limits;

use std::path::Path;
use std::process::{Output, Stdio};

use limits::{mkfifo, run_bounded, write};

const SITE: &str = "apiVersion: gatewright.dev/v1alpha1\nkind: Site\n";
const SPEC: &str = "apiVersion: gatewright.dev/v1alpha1\nkind: Site\ngateways:\n  gateway:\n    profile: aks-istio-external\n    listeners:\n      default: { hostname: \"*.aks.rocks\", protocol: HTTP, port: 80 }\napps:\n  pets:\n    routes:\n      a: { host: a.aks.rocks, to: a:80 }\n";

/// Run the binary in `cwd`, killing it (and failing) if it runs past `limits::HANG`:
/// a read that blocks or never ends fails the test instead of hanging it.
fn run(args: &[&str], cwd: &Path) -> Output {
    run_env(args, cwd, &[])
}

fn run_env(args: &[&str], cwd: &Path, env: &[(&str, &str)]) -> Output {
    let mut cmd = crate::common::cli::bin();
    cmd.args(args)
        .current_dir(cwd)
        .env("GATEWRIGHT_NO_CACHE", "1")
        .envs(env.iter().copied())
        .stdin(Stdio::null());
    run_bounded(cmd)
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
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
