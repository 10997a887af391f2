//! The spec as it is at a Git revision: `git` is run as a child process
//! (no Git library), and the spec's folder is written into a temporary
//! directory that mirrors the repository's layout.

use std::path::{Component, Path, PathBuf};
use std::process::Command;

use gatewright::diagnostic::Diagnostic;

/// The repository around the current directory.
pub struct Repo {
    /// Its top-level directory.
    pub root: PathBuf,
    /// The current directory relative to `root` (`git rev-parse --show-prefix`).
    prefix: PathBuf,
}

fn git_error(what: &str, detail: &str) -> Diagnostic {
    Diagnostic::error("GW710", format!("git: {what}: {}", detail.trim()))
        .help("run `gatewright diff` inside a Git repository, with revisions it knows (`git log --oneline`)")
}

fn git(dir: &Path, args: &[&str]) -> Result<Vec<u8>, Diagnostic> {
    let out = Command::new("git")
        .arg("-C")
        .arg(dir)
        .args(args)
        .output()
        .map_err(|e| git_error("cannot run `git`", &e.to_string()))?;
    if !out.status.success() {
        return Err(git_error(
            &format!("`git {}` failed", args.join(" ")),
            &String::from_utf8_lossy(&out.stderr),
        ));
    }
    Ok(out.stdout)
}

fn line(bytes: Vec<u8>) -> String {
    String::from_utf8_lossy(&bytes)
        .trim_end_matches(['\n', '\r'])
        .to_string()
}

impl Repo {
    /// The repository of the current directory.
    pub fn open() -> Result<Self, Diagnostic> {
        let here = Path::new(".");
        let root = PathBuf::from(line(git(here, &["rev-parse", "--show-toplevel"])?));
        let prefix = PathBuf::from(line(git(here, &["rev-parse", "--show-prefix"])?));
        Ok(Self { root, prefix })
    }

    /// `spec` (relative to the current directory) relative to the repository root.
    pub fn relative(&self, spec: &Path) -> Result<PathBuf, Diagnostic> {
        let mut rel = PathBuf::new();
        for c in self.prefix.join(spec).components() {
            match c {
                Component::Normal(p) => rel.push(p),
                Component::ParentDir if rel.pop() => {}
                Component::CurDir => {}
                _ => {
                    return Err(git_error(
                        "the spec is outside the repository",
                        &spec.display().to_string(),
                    ));
                }
            }
        }
        Ok(rel)
    }

    /// Write the folder holding `rel` (the spec folder, or a spec file's
    /// folder) as it is at `rev` into `into`, at the same relative path.
    /// `Ok(false)` when the spec does not exist at that revision.
    pub fn extract(&self, rev: &str, rel: &Path, into: &Path) -> Result<bool, Diagnostic> {
        git(
            &self.root,
            &["rev-parse", "--verify", "--quiet", &format!("{rev}^{{commit}}")],
        )
        .map_err(|_| git_error(&format!("unknown revision `{rev}`"), ""))?;
        let spec = slash(rel);
        let object = if spec.is_empty() {
            rev.to_string()
        } else {
            format!("{rev}:{spec}")
        };
        let kind = match git(&self.root, &["cat-file", "-t", &object]) {
            Ok(k) => line(k),
            Err(_) => return Ok(false),
        };
        let folder = match kind.as_str() {
            "tree" => spec.clone(),
            _ => rel.parent().map(slash).unwrap_or_default(),
        };
        let mut args = vec!["ls-tree", "-r", "-z", "--full-tree", rev];
        if !folder.is_empty() {
            args.extend(["--", folder.as_str()]);
        }
        let listing = git(&self.root, &args)?;
        for entry in listing.split(|b| *b == 0).filter(|e| !e.is_empty()) {
            let entry = String::from_utf8_lossy(entry);
            let Some((meta, path)) = entry.split_once('\t') else {
                continue;
            };
            let mut meta = meta.split(' ');
            let (Some(mode), Some("blob"), Some(oid)) = (meta.next(), meta.next(), meta.next()) else {
                continue;
            };
            if mode == "120000" || !safe(path) {
                continue; // symlinks are never followed
            }
            let bytes = git(&self.root, &["cat-file", "blob", oid])?;
            let to = into.join(path);
            if let Some(parent) = to.parent() {
                std::fs::create_dir_all(parent)
                    .map_err(|e| git_error("cannot write a temporary file", &e.to_string()))?;
            }
            std::fs::write(&to, bytes).map_err(|e| git_error("cannot write a temporary file", &e.to_string()))?;
        }
        Ok(true)
    }
}

fn slash(p: &Path) -> String {
    p.components()
        .filter_map(|c| match c {
            Component::Normal(s) => Some(s.to_string_lossy().into_owned()),
            _ => None,
        })
        .collect::<Vec<_>>()
        .join("/")
}

fn safe(path: &str) -> bool {
    Path::new(path).components().all(|c| matches!(c, Component::Normal(_)))
}
