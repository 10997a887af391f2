//! CLI helpers for the output-safety tests: run the built binary, write
//! specs, and snapshot output trees byte for byte.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// The one builder of a command that runs the built binary; tests add what they need.
pub fn bin() -> Command {
    Command::new(BINARY)
}

/// The built binary's path.
pub const BINARY: &str = env!("CARGO_BIN_EXE_gatewright");

/// The built binary, with the `check` stamp cache off (tests never write into `~/.cache`).
pub fn gatewright() -> Command {
    let mut cmd = bin();
    cmd.env("GATEWRIGHT_NO_CACHE", "1");
    cmd
}

/// A spec with `routes` routes whose hostnames carry `tag`, so two tags give two different trees.
pub fn spec(routes: usize, tag: &str) -> String {
    let mut s = String::from(
        "apiVersion: gatewright.dev/v1alpha1\nkind: Site\ngateways:\n  gateway:\n    profile: aks-istio-external\n    listeners:\n      default: { hostname: \"*.aks.rocks\", protocol: HTTP, port: 80 }\napps:\n  pets:\n    routes:\n",
    );
    for i in 0..routes {
        s.push_str(&format!("      r{i}: {{ host: {tag}{i}.aks.rocks, to: svc{i}:80 }}\n"));
    }
    s
}

pub fn render(spec: &Path, out: &Path) -> Output {
    gatewright()
        .args(["render".as_ref(), spec.as_os_str(), "--out".as_ref(), out.as_os_str()])
        .output()
        .expect("run gatewright")
}

pub fn render_ok(spec: &Path, out: &Path) {
    let o = render(spec, out);
    assert_eq!(o.status.code(), Some(0), "{}", String::from_utf8_lossy(&o.stderr));
}

/// Every file under `dir` (relative path -> bytes), hidden ones included,
/// following no symlinks.
pub fn snapshot(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    let mut files = BTreeMap::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        let Ok(entries) = std::fs::read_dir(&d) else { continue };
        for e in entries.flatten() {
            let p = e.path();
            let ft = e.file_type().expect("file type");
            if ft.is_dir() {
                stack.push(p);
            } else {
                let rel = p.strip_prefix(dir).expect("inside").to_string_lossy().into_owned();
                files.insert(rel, std::fs::read(&p).unwrap_or_default());
            }
        }
    }
    files
}

/// The trees the specs render to, each into a fresh directory.
pub fn expected_trees(work: &Path, specs: &[&Path]) -> Vec<BTreeMap<String, Vec<u8>>> {
    specs
        .iter()
        .enumerate()
        .map(|(i, s)| {
            let out = work.join(format!("expected-{i}"));
            render_ok(s, &out);
            snapshot(&out)
        })
        .collect()
}

pub fn write_spec(dir: &Path, name: &str, text: &str) -> PathBuf {
    let p = dir.join(name);
    std::fs::write(&p, text).expect("write spec");
    p
}

/// A tmpfs mounted for the test's lifetime.
pub struct Tmpfs(pub PathBuf);

impl Tmpfs {
    /// `None`, after the skip line, where mounting is not possible (not root).
    pub fn mount(dir: &Path, size: &str) -> Option<Tmpfs> {
        std::fs::create_dir_all(dir).expect("mkdir");
        let ok = Command::new("mount")
            .args(["-t", "tmpfs", "-o", &format!("size={size}"), "tmpfs"])
            .arg(dir)
            .status()
            .is_ok_and(|s| s.success());
        if !ok {
            return super::outside::skip("cannot mount a tmpfs here (needs root, as on the project's machines and CI)");
        }
        Some(Tmpfs(dir.to_path_buf()))
    }

    pub fn remount(&self, opts: &str) {
        let ok = Command::new("mount")
            .args(["-o", &format!("remount,{opts}")])
            .arg(&self.0)
            .status()
            .is_ok_and(|s| s.success());
        assert!(ok, "remount {opts}");
    }
}

impl Drop for Tmpfs {
    fn drop(&mut self) {
        let _ = Command::new("umount").arg(&self.0).status();
    }
}
