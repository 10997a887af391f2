//! The one bounded reader for every file gatewright reads: spec files,
//! overlays, manifests, `validate` and `import` inputs, `--crds` files,
//! blueprint templates and the output trees `check` and `diff` compare.

use std::fs::File;
use std::io::{Error, ErrorKind, Read};
use std::path::Path;

/// Largest file of an output tree that `check` and `diff --trees` read: a
/// generated file holds at most a 16 MiB input, written out in full.
pub const OUTPUT_FILE_LIMIT: usize = 64 * 1024 * 1024;

/// Read a regular file of at most `max` bytes. The file is opened without
/// blocking (a FIFO cannot stall the run, even one put in place after a
/// check) and must then be a regular file: devices, FIFOs and directories
/// are refused before anything is read, so `/dev/zero` cannot exhaust
/// memory. The size is checked from the open file's metadata, and the read
/// itself stops past `max`, so a file that grows meanwhile is still bounded.
///
/// # Errors
/// An I/O error, or [`ErrorKind::InvalidInput`] for a file that is not
/// regular or is larger than `max`.
pub fn read_limited(path: &Path, max: usize) -> std::io::Result<Vec<u8>> {
    let (file, len) = open_regular(path)?;
    let limit = u64::try_from(max).unwrap_or(u64::MAX);
    if len > limit {
        return Err(too_big(format!("{len} bytes, more than the limit of {max} bytes")));
    }
    let mut bytes = Vec::with_capacity(usize::try_from(len).unwrap_or(0));
    file.take(limit.saturating_add(1)).read_to_end(&mut bytes)?;
    if bytes.len() > max {
        return Err(too_big(format!(
            "more than the limit of {max} bytes (it grew while read)"
        )));
    }
    Ok(bytes)
}

/// The first `max` bytes of a regular file (all of it when shorter), with
/// [`read_limited`]'s refusals: for a look at what a file holds.
///
/// # Errors
/// An I/O error, or [`ErrorKind::InvalidInput`] for a file that is not regular.
pub fn read_head(path: &Path, max: usize) -> std::io::Result<Vec<u8>> {
    let (file, _) = open_regular(path)?;
    let mut bytes = Vec::new();
    file.take(u64::try_from(max).unwrap_or(u64::MAX))
        .read_to_end(&mut bytes)?;
    Ok(bytes)
}

/// A UTF-8 text file of at most `max` bytes ([`read_limited`]).
///
/// # Errors
/// As [`read_limited`], and [`ErrorKind::InvalidData`] for text that is not UTF-8.
pub fn read_text_limited(path: &Path, max: usize) -> std::io::Result<String> {
    String::from_utf8(read_limited(path, max)?).map_err(|e| {
        Error::new(
            ErrorKind::InvalidData,
            format!("not UTF-8 (at byte {})", e.utf8_error().valid_up_to()),
        )
    })
}

fn too_big(message: String) -> Error {
    Error::new(ErrorKind::InvalidInput, message)
}

/// Open `path` for reading without blocking on a FIFO, and check that what
/// was opened is a regular file; its length as opened comes with it.
fn open_regular(path: &Path) -> std::io::Result<(File, u64)> {
    let not_regular = || Error::new(ErrorKind::InvalidInput, "not a regular file");
    // Refused before opening: opening some devices has effects of its own.
    if !std::fs::metadata(path)?.is_file() {
        return Err(not_regular());
    }
    let mut options = std::fs::OpenOptions::new();
    options.read(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        let flags = rustix::fs::OFlags::NONBLOCK | rustix::fs::OFlags::NOCTTY;
        options.custom_flags(i32::try_from(flags.bits()).unwrap_or(0));
    }
    let file = options.open(path)?;
    let meta = file.metadata()?;
    if !meta.is_file() {
        return Err(not_regular());
    }
    Ok((file, meta.len()))
}
