//! Source files the pipeline read, and locations inside them.
//!
//! Every diagnostic points at a [`Loc`]: a file of the [`Sources`] table plus a
//! byte range and the 1-based line and column of its start.

use std::ops::Range;
use std::path::{Path, PathBuf};

/// Index of a file in [`Sources`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct FileId(pub(crate) usize);

/// A place in a source file.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Loc {
    /// The file.
    pub file: FileId,
    /// 1-based line of the start.
    pub line: u32,
    /// 1-based column (in characters) of the start.
    pub col: u32,
    /// Byte range in the file's text.
    pub range: Range<usize>,
}

impl Loc {
    /// The first point of this location, shown as a one-column caret: where
    /// to add what a mapping lacks, rather than an underline of all of it.
    pub fn start(&self) -> Loc {
        Loc {
            range: self.range.start..self.range.start,
            ..self.clone()
        }
    }
}

/// One file the pipeline read: its name as shown to users, and its text.
#[derive(Debug, Clone)]
pub struct SourceFile {
    /// The name shown in diagnostics: the path as the user gave it, or
    /// `<builtin>/NAME` for embedded data.
    pub name: String,
    /// The path on disk, if the file came from disk.
    pub path: Option<PathBuf>,
    /// The file's text.
    pub text: String,
}

/// The table of every file read during one run.
#[derive(Debug, Default, Clone)]
pub struct Sources {
    files: Vec<SourceFile>,
}

impl Sources {
    /// An empty table.
    pub fn new() -> Self {
        Self::default()
    }

    /// Add a file read from `path`; its display name is the path as given.
    pub fn add_path(&mut self, path: &Path, text: String) -> FileId {
        self.push(SourceFile {
            name: display_path(path),
            path: Some(path.to_path_buf()),
            text,
        })
    }

    /// Add embedded or generated text under a display name.
    pub fn add_named(&mut self, name: impl Into<String>, text: String) -> FileId {
        self.push(SourceFile {
            name: name.into(),
            path: None,
            text,
        })
    }

    fn push(&mut self, file: SourceFile) -> FileId {
        self.files.push(file);
        FileId(self.files.len() - 1)
    }

    /// Add the files of `other` that are not here yet (same name and text):
    /// the id here of each file of `other`, indexed by its id there.
    pub fn absorb(&mut self, other: &Sources) -> Vec<FileId> {
        let mut known: std::collections::HashMap<(&str, &str), FileId> = std::collections::HashMap::new();
        let mut added = Vec::new();
        for (id, f) in self.iter() {
            known.entry((f.name.as_str(), f.text.as_str())).or_insert(id);
        }
        let ids = other
            .files
            .iter()
            .enumerate()
            .map(|(i, f)| match known.get(&(f.name.as_str(), f.text.as_str())) {
                Some(id) => *id,
                None => {
                    added.push(i);
                    FileId(self.files.len() + added.len() - 1)
                }
            })
            .collect();
        self.files.extend(added.into_iter().map(|i| other.files[i].clone()));
        ids
    }

    /// The file with this id.
    pub fn get(&self, id: FileId) -> &SourceFile {
        &self.files[id.0]
    }

    /// The display name of a file.
    pub fn name(&self, id: FileId) -> &str {
        &self.files[id.0].name
    }

    /// All files, in the order they were added.
    pub fn iter(&self) -> impl Iterator<Item = (FileId, &SourceFile)> {
        self.files.iter().enumerate().map(|(i, f)| (FileId(i), f))
    }

    /// A location from a 1-based line and column, with the byte range derived
    /// from the file's text (an empty range at that point when out of bounds).
    pub fn loc_at(&self, file: FileId, line: u32, col: u32) -> Loc {
        let text = &self.files[file.0].text;
        let start = byte_offset(text, line, col);
        Loc {
            file,
            line,
            col,
            range: start..start,
        }
    }
}

/// Display form of a path: forward slashes, no leading `./`.
pub fn display_path(path: &Path) -> String {
    let s = path.to_string_lossy().replace('\\', "/");
    match s.strip_prefix("./") {
        Some(rest) if !rest.is_empty() => rest.to_string(),
        _ => s,
    }
}

fn byte_offset(text: &str, line: u32, col: u32) -> usize {
    let mut offset = 0;
    for (i, l) in text.split_inclusive('\n').enumerate() {
        if i + 1 == line as usize {
            let skip: usize = l.chars().take(col.saturating_sub(1) as usize).map(char::len_utf8).sum();
            return offset + skip;
        }
        offset += l.len();
    }
    text.len()
}

impl<'a> codespan_reporting::files::Files<'a> for Sources {
    type FileId = FileId;
    type Name = &'a str;
    type Source = &'a str;

    fn name(&'a self, id: FileId) -> Result<&'a str, codespan_reporting::files::Error> {
        self.files
            .get(id.0)
            .map(|f| f.name.as_str())
            .ok_or(codespan_reporting::files::Error::FileMissing)
    }

    fn source(&'a self, id: FileId) -> Result<&'a str, codespan_reporting::files::Error> {
        self.files
            .get(id.0)
            .map(|f| f.text.as_str())
            .ok_or(codespan_reporting::files::Error::FileMissing)
    }

    fn line_index(&'a self, id: FileId, byte_index: usize) -> Result<usize, codespan_reporting::files::Error> {
        let text = self.source(id)?;
        let end = byte_index.min(text.len());
        Ok(text.as_bytes()[..end].iter().filter(|&&b| b == b'\n').count())
    }

    fn line_range(&'a self, id: FileId, line_index: usize) -> Result<Range<usize>, codespan_reporting::files::Error> {
        let text = self.source(id)?;
        let mut start = 0;
        for (i, l) in text.split_inclusive('\n').enumerate() {
            if i == line_index {
                return Ok(start..start + l.len());
            }
            start += l.len();
        }
        if line_index == text.split_inclusive('\n').count() {
            return Ok(text.len()..text.len());
        }
        Err(codespan_reporting::files::Error::LineTooLarge {
            given: line_index,
            max: text.lines().count(),
        })
    }
}
