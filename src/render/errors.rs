//! Blueprint errors as diagnostics, located in the template: the failing
//! expression underlined when minijinja knows its span, else its line.

use std::ops::Range;

use crate::diagnostic::{Code, Diagnostic};
use crate::source::{FileId, Loc, Sources};

/// GW502 for a template that fails to load or render. An undefined value
/// names the expression that produced it: minijinja's detail when it has
/// one (with the failing expression when that names only part of it), else
/// the template source it points at.
pub(super) fn template_error(e: &minijinja::Error, sources: &Sources, file: impl Into<Option<FileId>>) -> Diagnostic {
    let file = file.into();
    let span = file.and_then(|f| span_of(e, sources, f));
    let detail = match (e.detail(), &span) {
        (Some(d), Some((_, expr))) if d.contains("...") => format!(": {d} in `{expr}`"),
        (Some(d), _) => format!(": {d}"),
        (None, Some((_, expr))) if e.kind() == minijinja::ErrorKind::UndefinedError => {
            format!(": `{expr}` is undefined")
        }
        (None, _) => String::new(),
    };
    let d = Diagnostic::error(Code::BlueprintError, format!("blueprint error: {}{detail}", e.kind()));
    let help = "fix the template; `gatewright blueprints export DIR` writes the built-in ones to start from";
    match (span, e.line()) {
        (Some((loc, _)), _) => d.at(Some(loc)).help(help),
        (None, Some(_)) => at_line(d, e, sources, file).help(help),
        (None, None) => d,
    }
}

/// `d`, located at the blueprint line where `e` happened.
pub(super) fn at_line(d: Diagnostic, e: &minijinja::Error, sources: &Sources, file: Option<FileId>) -> Diagnostic {
    let line = e.line().map_or(1, |l| u32::try_from(l).unwrap_or(u32::MAX));
    d.at(file.map(|f| sources.loc_at(f, line, 1)))
}

/// The span of the failing expression in `file` and its text, when minijinja
/// reports one in the template loaded from `file`.
fn span_of(e: &minijinja::Error, sources: &Sources, file: FileId) -> Option<(Loc, String)> {
    let source = sources.get(file);
    let name = e.name()?;
    if !(source.name == name || source.name.ends_with(&format!("/{name}"))) {
        return None; // another template (an include): its text is not `file`'s
    }
    let Range { start, end } = e.range()?;
    let text = &source.text;
    let expr = text.get(start..end)?.trim();
    if expr.is_empty() {
        return None;
    }
    let before = text.get(..start)?;
    let line = before.matches('\n').count() + 1;
    let col = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
    let loc = Loc {
        file,
        line: u32::try_from(line).ok()?,
        col: u32::try_from(col).ok()?,
        range: start..end,
    };
    Some((loc, expr.to_string()))
}
