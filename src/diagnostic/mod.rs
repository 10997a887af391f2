//! Findings of every stage: a stable code, a severity, a location, a message
//! and a hint. The library collects them; only the CLI prints them.

use std::fmt;

use codespan_reporting::diagnostic::{Diagnostic as CsDiagnostic, Label};
use codespan_reporting::term;
use serde::Serialize;

use crate::source::{Loc, Sources};

mod code;
mod environments;
mod visible;

pub use code::{Class, Code, reference};
pub use environments::{Report, merge};

/// How serious a finding is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// The output would be wrong or refused; nothing is written.
    Error,
    /// Worth fixing; the output is still written.
    Warning,
}

/// One finding, tied to the spec line that caused it.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Diagnostic {
    /// Stable code, e.g. `GW201` (see `docs/diagnostics.md`).
    pub code: Code,
    /// Error or warning.
    pub severity: Severity,
    /// What is wrong, and what was expected.
    pub message: String,
    /// Where: file, line, column. `None` only for findings that belong to no file.
    pub loc: Option<Loc>,
    /// The path inside the spec, as a JSON pointer (e.g. `/apps/pets/routes/store-front/host`).
    pub spec_path: Option<String>,
    /// The likely fix.
    pub help: Option<String>,
    /// Other places that matter (e.g. the first definition of a duplicate).
    pub related: Vec<(Loc, String)>,
    /// The environments the finding holds in, sorted; empty for a spec
    /// without environments (or a finding that belongs to none).
    pub environments: Vec<String>,
}

impl Diagnostic {
    /// An error with a code and message.
    pub fn error(code: Code, message: impl Into<String>) -> Self {
        Self::new(code, Severity::Error, message)
    }

    /// A warning with a code and message.
    pub fn warning(code: Code, message: impl Into<String>) -> Self {
        Self::new(code, Severity::Warning, message)
    }

    fn new(code: Code, severity: Severity, message: impl Into<String>) -> Self {
        Self {
            code,
            severity,
            message: message.into(),
            loc: None,
            spec_path: None,
            help: None,
            related: Vec::new(),
            environments: Vec::new(),
        }
    }

    /// Attach a location.
    pub fn at(mut self, loc: Option<Loc>) -> Self {
        self.loc = loc;
        self
    }

    /// Attach the spec path.
    pub fn path(mut self, pointer: impl Into<String>) -> Self {
        self.spec_path = Some(pointer.into());
        self
    }

    /// Attach a hint.
    pub fn help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }

    /// Point at another relevant place.
    pub fn related(mut self, loc: Option<Loc>, note: impl Into<String>) -> Self {
        if let Some(loc) = loc {
            self.related.push((loc, note.into()));
        }
        self
    }

    /// Tie the finding to an environment (once; the list stays sorted).
    pub fn in_env(mut self, env: &str) -> Self {
        if let Err(at) = self.environments.binary_search_by(|e| e.as_str().cmp(env)) {
            self.environments.insert(at, env.to_string());
        }
        self
    }

    /// Whether this finding stops the output.
    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }
}

/// All findings of one run, in a stable order.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Diagnostics(Vec<Diagnostic>);

impl Diagnostics {
    /// No findings yet.
    pub fn new() -> Self {
        Self::default()
    }

    /// Record a finding.
    pub fn push(&mut self, d: Diagnostic) {
        self.0.push(d);
    }

    /// Record several findings.
    pub fn extend(&mut self, other: impl IntoIterator<Item = Diagnostic>) {
        self.0.extend(other);
    }

    /// Whether any finding is an error.
    pub fn has_errors(&self) -> bool {
        self.0.iter().any(Diagnostic::is_error)
    }

    /// Number of findings.
    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// Whether there are no findings.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// The findings sorted by file, line, column, then code and message;
    /// exact duplicates removed.
    pub fn sorted(mut self, sources: &Sources) -> Vec<Diagnostic> {
        self.0.sort_by(|a, b| {
            let key = |d: &Diagnostic| {
                (
                    d.loc.as_ref().map(|l| sources.name(l.file).to_string()),
                    d.loc.as_ref().map(|l| (l.line, l.col)),
                    d.code,
                    d.message.clone(),
                )
            };
            key(a).cmp(&key(b))
        });
        self.0.dedup();
        self.0
    }

    /// Iterate in insertion order.
    pub fn iter(&self) -> impl Iterator<Item = &Diagnostic> {
        self.0.iter()
    }
}

impl IntoIterator for Diagnostics {
    type Item = Diagnostic;
    type IntoIter = std::vec::IntoIter<Diagnostic>;
    fn into_iter(self) -> Self::IntoIter {
        self.0.into_iter()
    }
}

/// How to print diagnostics.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Style {
    /// Source excerpt with carets, like rustc.
    Rich,
    /// One line each: `file:line:col: severity[code]: message`.
    Short,
}

/// Write diagnostics as text. With `color`, ANSI colour codes are used.
/// Control characters of the quoted files and messages are shown as visible
/// stand-ins (`␛` for ESC), never sent to the terminal.
pub fn render(
    out: &mut dyn term::termcolor::WriteColor,
    diagnostics: &[Diagnostic],
    sources: &Sources,
    style: Style,
) -> std::io::Result<()> {
    let config = term::Config {
        display_style: match style {
            Style::Rich => term::DisplayStyle::Rich,
            Style::Short => term::DisplayStyle::Short,
        },
        ..term::Config::default()
    };
    let short = term::Config {
        display_style: term::DisplayStyle::Short,
        ..term::Config::default()
    };
    let out = &mut visible::Visible(out);
    for d in diagnostics {
        let cs = to_codespan(d);
        // A source line too long to show (a minified or hostile file): one line, no excerpt.
        let config = if long_excerpt(d, sources) { &short } else { &config };
        term::emit_to_write_style(out, config, sources, &cs).map_err(std::io::Error::other)?;
    }
    Ok(())
}

/// Longest source line shown in an excerpt, in bytes.
const MAX_EXCERPT_LINE: usize = 1000;

/// Whether an excerpt of the diagnostic would show a line longer than [`MAX_EXCERPT_LINE`].
fn long_excerpt(d: &Diagnostic, sources: &Sources) -> bool {
    let locs = d.loc.iter().chain(d.related.iter().map(|(l, _)| l));
    locs.into_iter().any(|loc| {
        let text = sources.get(loc.file).text.as_bytes();
        let at = loc.range.start.min(text.len());
        let start = text[..at].iter().rposition(|&b| b == b'\n').map_or(0, |i| i + 1);
        let end = text[at..]
            .iter()
            .position(|&b| b == b'\n')
            .map_or(text.len(), |i| at + i);
        end - start > MAX_EXCERPT_LINE || loc.range.end.saturating_sub(loc.range.start) > 100 * MAX_EXCERPT_LINE
    })
}

fn to_codespan(d: &Diagnostic) -> CsDiagnostic<crate::source::FileId> {
    let mut cs = match d.severity {
        Severity::Error => CsDiagnostic::error(),
        Severity::Warning => CsDiagnostic::warning(),
    }
    .with_code(d.code.as_str())
    .with_message(&d.message);
    let mut labels = Vec::new();
    if let Some(loc) = &d.loc {
        let label = Label::primary(loc.file, loc.range.clone());
        labels.push(match &d.spec_path {
            Some(p) if !p.is_empty() => label.with_message(format!("at {}", dotted(p))),
            _ => label,
        });
    }
    for (loc, note) in &d.related {
        labels.push(Label::secondary(loc.file, loc.range.clone()).with_message(note));
    }
    cs = cs.with_labels(labels);
    let mut notes = Vec::new();
    if let Some(envs) = environments_note(&d.environments) {
        notes.push(envs);
    }
    if let Some(help) = &d.help {
        notes.push(format!("help: {help}"));
    }
    cs.with_notes(notes)
}

/// `in environment dev`, `in environments dev, prod`; `None` for none.
pub fn environments_note(envs: &[String]) -> Option<String> {
    match envs {
        [] => None,
        [one] => Some(format!("in environment {one}")),
        many => Some(format!("in environments {}", many.join(", "))),
    }
}

/// A JSON pointer as a dotted spec path: `/apps/pets/routes/a` -> `apps.pets.routes.a`.
pub fn dotted(pointer: &str) -> String {
    pointer
        .split('/')
        .skip(1)
        .map(|t| t.replace("~1", "/").replace("~0", "~"))
        .collect::<Vec<_>>()
        .join(".")
}

/// The machine-readable form of one diagnostic (`--format json`).
#[derive(Serialize)]
pub struct JsonDiagnostic {
    code: Option<Code>,
    severity: Severity,
    message: String,
    file: Option<String>,
    line: Option<u32>,
    column: Option<u32>,
    spec_path: Option<String>,
    help: Option<String>,
    environments: Vec<String>,
    related: Vec<JsonRelated>,
}

/// Another place a diagnostic points at, in `--format json`.
#[derive(Serialize)]
struct JsonRelated {
    file: String,
    line: u32,
    column: u32,
    message: String,
}

impl JsonDiagnostic {
    /// A diagnostic's entry, its file named from `sources`.
    pub fn new(d: &Diagnostic, sources: &Sources) -> Self {
        Self {
            code: Some(d.code),
            severity: d.severity,
            message: d.message.clone(),
            file: d.loc.as_ref().map(|l| sources.name(l.file).to_string()),
            line: d.loc.as_ref().map(|l| l.line),
            column: d.loc.as_ref().map(|l| l.col),
            spec_path: d.spec_path.clone(),
            help: d.help.clone(),
            environments: d.environments.clone(),
            related: d
                .related
                .iter()
                .map(|(loc, message)| JsonRelated {
                    file: sources.name(loc.file).to_string(),
                    line: loc.line,
                    column: loc.col,
                    message: message.clone(),
                })
                .collect(),
        }
    }

    /// An error that belongs to no file and has no code (a usage problem).
    pub fn plain_error(message: &str) -> Self {
        Self {
            code: None,
            severity: Severity::Error,
            message: message.to_string(),
            file: None,
            line: None,
            column: None,
            spec_path: None,
            help: None,
            environments: Vec::new(),
            related: Vec::new(),
        }
    }
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
        })
    }
}

/// `n` with the noun that agrees with it: `counted(1, "file", "files")` is
/// `1 file`, `counted(2, "file", "files")` is `2 files`.
pub fn counted<N: fmt::Display + PartialEq + From<u8>>(n: N, one: &str, many: &str) -> String {
    let noun = if n == N::from(1) { one } else { many };
    format!("{n} {noun}")
}

/// The closest candidate to `word`, if it is close enough to be a likely typo.
pub fn did_you_mean<'a>(word: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    candidates
        .into_iter()
        .map(|c| (strsim::damerau_levenshtein(word, c), c))
        .filter(|(d, c)| *d <= 2.max(c.len() / 3) && *d < c.len().max(word.len()))
        .min()
        .map(|(_, c)| c)
}
