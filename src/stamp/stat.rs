//! What a stamp records about each path: its type and the `stat` fields that
//! change when its content or listing changes. Paths are grouped by parent
//! directory and stat'ed relative to it (one path lookup per directory, not
//! per file: at 24,000 outputs the lookups were most of the cost).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

/// `(kind, size, mtime ns, ctime ns, inode, device, mode)`. Kind: 0 absent,
/// 1 file, 2 directory, 3 symlink, 4 anything else. An absent path is
/// recorded too: its appearance changes what a compile reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub(super) struct Fingerprint(pub u8, pub u64, pub i64, pub i64, pub u64, pub u64, pub u32);

const ABSENT: Fingerprint = Fingerprint(0, 0, 0, 0, 0, 0, 0);

/// The entries of one directory: `(directory, [(name, fingerprint)])`.
/// Serialized as JSON arrays to keep stamps small.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub(super) struct Group(pub String, pub Vec<(String, Fingerprint)>);

/// Fingerprint every path, and every directory of `dirs` through the link
/// when it is a symlink (as `dir/.`), grouped by directory; `None` when a
/// path is not UTF-8 or cannot be stat'ed (a stamp cannot vouch for it then).
pub(super) fn record(paths: &[PathBuf], dirs: &[PathBuf]) -> Option<Vec<Group>> {
    let mut by_dir: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for path in paths {
        let (dir, name) = split(path)?;
        by_dir.entry(dir).or_default().push(name);
    }
    for dir in dirs {
        by_dir
            .entry(dir.to_str()?.to_string())
            .or_default()
            .push(".".to_string());
    }
    by_dir
        .into_iter()
        .map(|(dir, mut names)| {
            names.sort();
            names.dedup();
            let handle = sys::Dir::open(Path::new(&dir))?;
            let entries = names
                .into_iter()
                .map(|n| handle.stat(&n).map(|f| (n, f)))
                .collect::<Option<Vec<_>>>()?;
            Some(Group(dir, entries))
        })
        .collect()
}

/// `paths` with every symlink among them followed, hop by hop: each link
/// and what it points at are recorded (an edit of a linked spec or manifest
/// changes only the target, a swapped link only the link). `None` when a
/// chain is longer than the kernel allows.
pub(super) fn with_link_targets(paths: &[PathBuf]) -> Option<Vec<PathBuf>> {
    let mut all = paths.to_vec();
    for path in paths {
        let mut hop = path.clone();
        let mut hops = 0;
        while std::fs::symlink_metadata(&hop).is_ok_and(|m| m.file_type().is_symlink()) {
            hops += 1;
            let target = std::fs::read_link(&hop).ok().filter(|_| hops <= 40)?;
            hop = match hop.parent() {
                Some(dir) => dir.join(target),
                None => target,
            };
            all.push(hop.clone());
        }
    }
    Some(all)
}

/// The first recorded path that is racy (changed at or after `since`, the
/// start of recording) or whose fingerprint differs now: `(path, racy)`.
/// Large stamps are stat'ed on a few threads; the answer is the first change
/// in recorded order whatever the thread count.
pub(super) fn first_change(groups: &[Group], since: i64) -> Option<(String, bool)> {
    for Group(dir, entries) in groups {
        if let Some((name, _)) = entries
            .iter()
            .find(|(_, r)| r.0 != 0 && (racy(r.2, since) || racy(r.3, since)))
        {
            return Some((join(dir, name), true));
        }
    }
    let total: usize = groups.iter().map(|g| g.1.len()).sum();
    let threads = std::thread::available_parallelism().map_or(1, usize::from).min(4);
    if threads < 2 || total < 4096 {
        return changed(groups);
    }
    let per = total.div_ceil(threads);
    let mut chunks = Vec::new();
    let (mut start, mut count) = (0, 0);
    for (i, g) in groups.iter().enumerate() {
        count += g.1.len();
        if count >= per {
            chunks.push(&groups[start..=i]);
            (start, count) = (i + 1, 0);
        }
    }
    chunks.push(&groups[start..]);
    std::thread::scope(|s| {
        let running: Vec<_> = chunks.into_iter().map(|c| s.spawn(move || changed(c))).collect();
        running
            .into_iter()
            .find_map(|t| t.join().unwrap_or_else(|_| Some(("<stat thread>".to_string(), false))))
    })
}

/// Whether a path with timestamp `t` (ns) may have changed again since
/// `since` without `t` changing: `t` is not older than `since` by twice its
/// apparent granularity (the largest power of ten, up to 1 s, that divides
/// it). A filesystem that truncates timestamps to 1 s (2 s on FAT) or 10 ms
/// gives an edit just after `since` a timestamp before it; the stamp's own
/// clock may be finer than the tree's.
pub(super) fn racy(t: i64, since: i64) -> bool {
    let mut grain = 1i64;
    while grain < 1_000_000_000 && t % (grain * 10) == 0 {
        grain *= 10;
    }
    t >= since.saturating_sub(2 * grain)
}

/// The first path of `groups` whose fingerprint differs now.
fn changed(groups: &[Group]) -> Option<(String, bool)> {
    for Group(dir, entries) in groups {
        let handle = sys::Dir::open(Path::new(dir));
        for (name, recorded) in entries {
            if handle.as_ref().and_then(|h| h.stat(name)) != Some(*recorded) {
                return Some((join(dir, name), false));
            }
        }
    }
    None
}

fn join(dir: &str, name: &str) -> String {
    Path::new(dir).join(name).to_string_lossy().into_owned()
}

/// Whether a directory (through a symlink) changed since `since` ([`racy`]),
/// or cannot be stat'ed.
pub(super) fn changed_since(dir: &Path, since: i64) -> bool {
    sys::Dir::open(dir)
        .and_then(|d| d.stat("."))
        .is_none_or(|f| f.0 == 0 || racy(f.2, since) || racy(f.3, since))
}

/// A path as `(parent directory, name)`; `.` stands for the directory itself.
fn split(path: &Path) -> Option<(String, String)> {
    match (path.parent(), path.file_name()) {
        (Some(p), Some(n)) => {
            let dir = if p.as_os_str().is_empty() { Path::new(".") } else { p };
            Some((dir.to_str()?.to_string(), n.to_str()?.to_string()))
        }
        _ => Some((path.to_str()?.to_string(), ".".to_string())),
    }
}

/// The modification time of `meta`, in nanoseconds since the epoch.
pub(super) fn mtime_of(meta: &std::fs::Metadata) -> Option<i64> {
    let since = meta.modified().ok()?.duration_since(std::time::UNIX_EPOCH).ok()?;
    i64::try_from(since.as_nanos()).ok()
}

#[cfg(unix)]
mod sys {
    use std::path::Path;

    use rustix::fs::{AtFlags, FileType, Mode, OFlags};
    use rustix::io::Errno;

    use super::{ABSENT, Fingerprint};

    /// An open directory, or `None` for one that does not exist.
    pub(super) struct Dir(Option<rustix::fd::OwnedFd>);

    impl Dir {
        pub(super) fn open(dir: &Path) -> Option<Self> {
            match rustix::fs::open(dir, OFlags::RDONLY | OFlags::DIRECTORY | OFlags::CLOEXEC, Mode::empty()) {
                Ok(fd) => Some(Self(Some(fd))),
                Err(Errno::NOENT | Errno::NOTDIR) => Some(Self(None)),
                Err(_) => None,
            }
        }

        /// The fingerprint of `name` in this directory, not following a symlink.
        #[allow(clippy::unnecessary_cast, clippy::useless_conversion)]
        pub(super) fn stat(&self, name: &str) -> Option<Fingerprint> {
            let Some(fd) = &self.0 else { return Some(ABSENT) };
            let st = match rustix::fs::statat(fd, name, AtFlags::SYMLINK_NOFOLLOW) {
                Ok(st) => st,
                Err(Errno::NOENT | Errno::NOTDIR) => return Some(ABSENT),
                Err(_) => return None,
            };
            let mode = st.st_mode as u32;
            let kind = match FileType::from_raw_mode(mode as _) {
                FileType::RegularFile => 1,
                FileType::Directory => 2,
                FileType::Symlink => 3,
                _ => 4,
            };
            let ns = |s: i64, n: i64| s.checked_mul(1_000_000_000)?.checked_add(n);
            Some(Fingerprint(
                kind,
                st.st_size as u64,
                ns(st.st_mtime as i64, st.st_mtime_nsec as i64)?,
                ns(st.st_ctime as i64, st.st_ctime_nsec as i64)?,
                st.st_ino as u64,
                st.st_dev as u64,
                mode,
            ))
        }
    }
}

#[cfg(not(unix))]
mod sys {
    use std::path::{Path, PathBuf};

    use super::{ABSENT, Fingerprint, mtime_of};

    /// A directory (paths are stat'ed whole on this platform).
    pub(super) struct Dir(PathBuf);

    impl Dir {
        pub(super) fn open(dir: &Path) -> Option<Self> {
            Some(Self(dir.to_path_buf()))
        }

        /// The fingerprint of `name` in this directory, not following a symlink.
        pub(super) fn stat(&self, name: &str) -> Option<Fingerprint> {
            let meta = match std::fs::symlink_metadata(self.0.join(name)) {
                Ok(m) => m,
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Some(ABSENT),
                Err(_) => return None,
            };
            let ft = meta.file_type();
            let kind = if ft.is_symlink() {
                3
            } else if ft.is_dir() {
                2
            } else if ft.is_file() {
                1
            } else {
                4
            };
            let mtime = mtime_of(&meta)?;
            Some(Fingerprint(kind, meta.len(), mtime, mtime, 0, 0, 0))
        }
    }
}

/// Every path under `root`, `root` included, without following symlinks;
/// `None` when part of it cannot be read (a stamp cannot vouch for it then).
/// With `spec_rules`, hidden entries and a top-level `overlays/` folder are
/// left out, as [`crate::load::find_spec_files`] does (`overlays/` is
/// recorded on its own).
pub(super) fn walk(root: &Path, spec_rules: bool, into: &mut Vec<PathBuf>) -> Option<()> {
    let walker = walkdir::WalkDir::new(root).follow_links(false).into_iter();
    let walker = walker.filter_entry(|e| {
        if !spec_rules || e.depth() == 0 {
            return true;
        }
        let name = e.file_name().to_string_lossy();
        !(name.starts_with('.') || (e.depth() == 1 && e.file_type().is_dir() && name == "overlays"))
    });
    for entry in walker {
        into.push(entry.ok()?.into_path());
    }
    Some(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_large_stamp_finds_the_first_change_on_any_thread() {
        let tmp = tempfile::tempdir().expect("tempdir");
        let mut paths = Vec::new();
        for d in 0..50 {
            let dir = tmp.path().join(format!("d{d:02}"));
            std::fs::create_dir(&dir).expect("mkdir");
            for f in 0..100 {
                let p = dir.join(format!("f{f:03}"));
                std::fs::write(&p, "x").expect("write");
                paths.push(p);
            }
        }
        assert!(walk(tmp.path(), false, &mut Vec::new()).is_some());
        let groups = record(&paths, &[tmp.path().to_path_buf()]).expect("record");
        assert_eq!(first_change(&groups, i64::MAX), None);
        assert!(first_change(&groups, 0).is_some_and(|(_, racy)| racy));
        for late in ["d49/f099", "d30/f000", "d02/f050"] {
            std::fs::write(tmp.path().join(late), "yy").expect("edit");
            let want = tmp.path().join(late).to_string_lossy().into_owned();
            assert_eq!(first_change(&groups, i64::MAX), Some((want, false)));
        }
        std::fs::write(tmp.path().join("new"), "").expect("add");
        let root = tmp.path().join(".").to_string_lossy().into_owned();
        let first = first_change(&groups, i64::MAX).expect("changed").0;
        assert_eq!(Path::new(&first), Path::new(&root));
    }

    #[test]
    fn a_timestamp_is_racy_within_twice_its_granularity() {
        let since = 10_500_000_000;
        // Whole seconds: a filesystem that truncates to 2 s gives an edit at
        // 10.5 s the timestamp 10 s, one made just before 10 s recorded 8 s.
        assert!(racy(10_000_000_000, since));
        assert!(racy(9_000_000_000, since));
        assert!(!racy(8_000_000_000, since));
        // 10 ms granularity.
        assert!(racy(10_490_000_000, since));
        assert!(!racy(10_470_000_000, since));
        // Nanoseconds: only the moment itself and later.
        assert!(racy(10_500_000_001, since));
        assert!(racy(since, since) && racy(since + 7, since));
        assert!(!racy(since - 3, since));
        assert!(racy(0, 1) && !racy(1, 1_000_000_000));
    }
}
