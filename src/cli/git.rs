//! The repository as it is at a Git revision: `git` is run as a child
//! process (no Git library), and the revision's whole tree is written into a
//! temporary directory, so a spec that names `../apps/x.yaml` compiles there
//! as in the working tree.

use std::io::{BufRead, BufReader, Read, Write};
use std::path::{Component, Path, PathBuf};
use std::process::{Command, Stdio};

use gatewright::diagnostic::{Code, Diagnostic};

/// The repository that holds the spec.
pub struct Repo {
    /// Its top-level directory, symlinks resolved.
    pub root: PathBuf,
}

fn git_error(what: &str, detail: &str) -> Diagnostic {
    Diagnostic::error(Code::GitFailed, format!("git: {what}: {}", detail.trim()))
        .help("run `gatewright diff` on a spec inside a Git repository, with revisions it knows (`git log --oneline`)")
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

/// One file of a revision's tree.
struct Blob {
    path: String,
    oid: String,
    /// A symbolic link: the blob is its target.
    link: bool,
    /// Its size in bytes.
    size: u64,
}

/// Files a revision's tree may hold for `diff` to extract it.
const MAX_FILES: usize = 50_000;
/// Bytes a revision's tree may hold for `diff` to extract it.
const MAX_BYTES: u64 = 512 << 20;

/// GW116 when the blobs of `rev` are more than `max_files` or `max_bytes`.
fn bounded(blobs: &[Blob], rev: &str, (max_files, max_bytes): (usize, u64)) -> Result<(), Diagnostic> {
    let bytes = blobs.iter().fold(0u64, |n, b| n.saturating_add(b.size));
    if blobs.len() <= max_files && bytes <= max_bytes {
        return Ok(());
    }
    Err(Diagnostic::error(
        Code::BaseTreeTooLarge,
        format!(
            "the tree of revision `{rev}` holds {} files, {} MiB: more than `diff` extracts (at most {max_files} files, {} MiB)",
            blobs.len(),
            bytes >> 20,
            max_bytes >> 20
        ),
    )
    .help("compare rendered trees instead: `gatewright render` each revision into a folder, then `gatewright diff OLD_DIR NEW_DIR`"))
}

impl Repo {
    /// The repository around `spec` (relative to the current directory, or
    /// absolute; it need not exist in the working tree), and the spec's
    /// path relative to the repository's top level.
    pub fn open(spec: &Path) -> Result<(Self, PathBuf), Diagnostic> {
        let outside = || git_error("the spec is outside the repository", &spec.display().to_string());
        let full = gatewright::resolve::resolved(spec).ok_or_else(outside)?;
        let near = full.ancestors().find(|p| p.is_dir()).ok_or_else(outside)?;
        let top = PathBuf::from(line(git(near, &["rev-parse", "--show-toplevel"])?));
        let root =
            std::fs::canonicalize(&top).map_err(|e| git_error("cannot resolve the work tree", &e.to_string()))?;
        let rel = full.strip_prefix(&root).map_err(|_| outside())?.to_path_buf();
        Ok((Self { root }, rel))
    }

    /// Write the whole tree of `rev` into `into`: a symlink is recreated
    /// when its target stays inside the tree (left out otherwise), and
    /// submodules are left out. `Ok(false)` when `rel` does not exist at
    /// that revision.
    pub fn extract(&self, rev: &str, rel: &Path, into: &Path) -> Result<bool, Diagnostic> {
        git(
            &self.root,
            &["rev-parse", "--verify", "--quiet", &format!("{rev}^{{commit}}")],
        )
        .map_err(|_| git_error(&format!("unknown revision `{rev}`"), ""))?;
        let listing = git(&self.root, &["ls-tree", "-r", "-z", "-l", "--full-tree", rev])?;
        let blobs = blobs(&listing);
        bounded(&blobs, rev, (MAX_FILES, MAX_BYTES))?;
        let spec = slash(rel);
        let found = spec.is_empty()
            || blobs
                .iter()
                .any(|b| b.path == spec || b.path.strip_prefix(&spec).is_some_and(|r| r.starts_with('/')));
        if found {
            self.write_blobs(&blobs, into)?;
        }
        Ok(found)
    }

    /// Every blob through one `git cat-file --batch`, written under `into`.
    fn write_blobs(&self, blobs: &[Blob], into: &Path) -> Result<(), Diagnostic> {
        let mut child = Command::new("git")
            .arg("-C")
            .arg(&self.root)
            .args(["cat-file", "--batch"])
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .map_err(|e| git_error("cannot run `git`", &e.to_string()))?;
        let (Some(mut stdin), Some(stdout)) = (child.stdin.take(), child.stdout.take()) else {
            return Err(git_error("cannot talk to `git cat-file`", "no pipe"));
        };
        let written = std::thread::scope(|s| {
            s.spawn(move || {
                for b in blobs {
                    if writeln!(stdin, "{}", b.oid).is_err() {
                        break;
                    }
                }
            });
            let mut out = BufReader::new(stdout);
            blobs.iter().try_for_each(|b| copy_blob(&mut out, b, into))
        });
        let status = child.wait();
        written?;
        match status {
            Ok(s) if s.success() => Ok(()),
            _ => Err(git_error("`git cat-file --batch` failed", "")),
        }
    }
}

/// The blobs of an `ls-tree -r -z` listing at safe paths, links last, and
/// none under a link: nothing is ever written through one.
fn blobs(listing: &[u8]) -> Vec<Blob> {
    let mut out = Vec::new();
    for entry in listing.split(|b| *b == 0).filter(|e| !e.is_empty()) {
        let entry = String::from_utf8_lossy(entry);
        let Some((meta, path)) = entry.split_once('\t') else {
            continue;
        };
        let mut meta = meta.split_whitespace();
        let (Some(mode), Some("blob"), Some(oid)) = (meta.next(), meta.next(), meta.next()) else {
            continue;
        };
        if safe(path) {
            out.push(Blob {
                path: path.to_string(),
                oid: oid.to_string(),
                link: mode == "120000",
                size: meta.next().and_then(|n| n.parse().ok()).unwrap_or(0),
            });
        }
    }
    let links: std::collections::HashSet<&str> = out.iter().filter(|b| b.link).map(|b| b.path.as_str()).collect();
    let under_link = |path: &str| path.match_indices('/').any(|(i, _)| links.contains(&path[..i]));
    let keep: Vec<bool> = out.iter().map(|b| !under_link(&b.path)).collect();
    let mut keep = keep.into_iter();
    out.retain(|_| keep.next().unwrap_or(false));
    out.sort_by_key(|b| b.link);
    out
}

/// Read one `<oid> blob <size>\n<bytes>\n` answer and write the bytes.
fn copy_blob(out: &mut impl BufRead, blob: &Blob, into: &Path) -> Result<(), Diagnostic> {
    let broken = |detail: &str| git_error("`git cat-file --batch` answered unexpectedly", detail);
    let mut header = String::new();
    out.read_line(&mut header).map_err(|e| broken(&e.to_string()))?;
    let size: u64 = match header.trim_end().split(' ').collect::<Vec<_>>()[..] {
        [oid, "blob", size] if oid == blob.oid => size.parse().map_err(|_| broken(&header))?,
        _ => return Err(broken(&header)),
    };
    let to = into.join(&blob.path);
    let write_error = |e: std::io::Error| git_error("cannot write a temporary file", &format!("{}: {e}", to.display()));
    if let Some(parent) = to.parent() {
        std::fs::create_dir_all(parent).map_err(write_error)?;
    }
    let copied = if blob.link && size <= 4096 {
        let mut target = Vec::new();
        let n = out.by_ref().take(size).read_to_end(&mut target).map_err(write_error)?;
        link(&blob.path, &target, &to).map_err(write_error)?;
        n as u64
    } else if blob.link {
        std::io::copy(&mut out.by_ref().take(size), &mut std::io::sink()).map_err(write_error)?
    } else {
        let mut file = std::fs::File::create(&to).map_err(write_error)?;
        std::io::copy(&mut out.by_ref().take(size), &mut file).map_err(write_error)?
    };
    let mut newline = [0u8; 1];
    if copied != size || out.read_exact(&mut newline).is_err() || newline != *b"\n" {
        return Err(broken(&format!("`{}` was cut short", blob.path)));
    }
    Ok(())
}

/// Recreate the link at `path` (inside the tree) to `target` when the
/// target, read from the link's folder, stays inside the tree: the
/// extraction then reads as the working tree does, symlinks resolved.
fn link(path: &str, target: &[u8], to: &Path) -> std::io::Result<()> {
    let Ok(target) = std::str::from_utf8(target) else {
        return Ok(());
    };
    let mut depth = Path::new(path).components().count().saturating_sub(1);
    for c in Path::new(target).components() {
        match c {
            Component::Normal(_) => depth += 1,
            Component::CurDir => {}
            Component::ParentDir if depth > 0 => depth -= 1,
            _ => return Ok(()), // absolute, or above the tree's top
        }
    }
    #[cfg(unix)]
    std::os::unix::fs::symlink(target, to)?;
    #[cfg(not(unix))]
    let _ = to;
    Ok(())
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
    Path::new(path)
        .components()
        .all(|c| matches!(c, Component::Normal(p) if p != ".git"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_tree_over_the_file_or_byte_bound_is_refused() {
        let listing = ["100644 blob aaa     700\ta.yaml", "100644 blob bbb 300\tb.yaml"].join("\0");
        let found = blobs(listing.as_bytes());
        assert_eq!(found.iter().map(|b| b.size).sum::<u64>(), 1000);
        assert!(bounded(&found, "main", (2, 1000)).is_ok());
        for bounds in [(1, 1000), (2, 999)] {
            let d = bounded(&found, "main", bounds).expect_err("over a bound");
            assert_eq!(d.code, Code::BaseTreeTooLarge);
            assert!(d.message.contains("revision `main` holds 2 files"), "{}", d.message);
        }
    }

    #[test]
    fn nothing_is_extracted_under_a_link_and_links_come_last() {
        let listing = [
            "120000 blob aaa\tsite/l",
            "100644 blob bbb\tsite/l/x.yaml",
            "100644 blob ccc\tsite/a.yaml",
            "100644 blob ddd\t.git/config",
            "160000 commit eee\tvendor/sub",
        ]
        .join("\0");
        let found = blobs(listing.as_bytes());
        let got: Vec<(&str, bool)> = found.iter().map(|b| (b.path.as_str(), b.link)).collect();
        assert_eq!(got, [("site/a.yaml", false), ("site/l", true)]);
    }

    #[test]
    fn a_link_out_of_the_tree_is_not_made() {
        let dir = tempfile::tempdir().expect("tmp");
        for (path, target, made) in [
            ("site/m/web.yaml", "../../apps/web.yaml", true),
            ("site/up.yaml", "../../x.yaml", false),
            ("top.yaml", "/etc/passwd", false),
        ] {
            let to = dir.path().join(path.replace('/', "-"));
            link(path, target.as_bytes(), &to).expect("link");
            assert_eq!(
                std::fs::symlink_metadata(&to).is_ok(),
                made && cfg!(unix),
                "{path} -> {target}"
            );
        }
    }
}
