//! Where the CLI prints: results on stdout, diagnostics and notes on stderr.

use std::cell::RefCell;
use std::io::{IsTerminal, Write};
use std::process::ExitCode;

use codespan_reporting::term::termcolor::{ColorChoice, StandardStream};
use gatewright::diagnostic::{self, Diagnostic, JsonDiagnostic, Style};
use gatewright::source::Sources;

/// Prints results and diagnostics.
pub struct Printer {
    /// With `--format json`, every entry of the run, printed as one JSON
    /// array on stderr when the printer is dropped (at the end of the run,
    /// whichever way it ends).
    json: Option<RefCell<Vec<JsonDiagnostic>>>,
}

impl Printer {
    /// A printer; `json` prints diagnostics as one JSON array per run.
    pub fn new(json: bool) -> Self {
        Self {
            json: json.then(RefCell::default),
        }
    }

    /// Print diagnostics on stderr (colour only on a terminal, and never with `NO_COLOR`).
    pub fn diagnostics(&self, diags: &[Diagnostic], sources: &Sources) {
        if let Some(entries) = &self.json {
            entries
                .borrow_mut()
                .extend(diags.iter().map(|d| JsonDiagnostic::new(d, sources)));
            return;
        }
        if diags.is_empty() {
            return;
        }
        let mut stderr = StandardStream::stderr(color_choice(std::io::stderr().is_terminal()));
        let _ = diagnostic::render(&mut stderr, diags, sources, Style::Rich);
    }

    /// A plain error line on stderr (for problems that belong to no file);
    /// with `--format json`, an entry of the array without a code.
    pub fn error(&self, text: &str) {
        if let Some(entries) = &self.json {
            entries.borrow_mut().push(JsonDiagnostic::plain_error(text));
            return;
        }
        let _ = writeln!(std::io::stderr(), "error: {text}");
    }

    /// A progress note on stderr.
    pub fn note(&self, text: &str) {
        if self.json.is_none() {
            let _ = writeln!(std::io::stderr(), "{text}");
        }
    }

    /// Print a result on stdout; a closed pipe or write error is exit 2.
    pub fn stdout(&self, text: &str) -> ExitCode {
        self.stdout_with(|out| out.write_all(text.as_bytes()))
    }

    /// Write to standard output through a buffer with `write`; exit code 2 when writing fails.
    pub fn stdout_with(&self, write: impl FnOnce(&mut dyn Write) -> std::io::Result<()>) -> ExitCode {
        let mut out = std::io::BufWriter::with_capacity(1 << 16, std::io::stdout().lock());
        match write(&mut out).and_then(|()| out.flush()) {
            Ok(()) => ExitCode::SUCCESS,
            Err(e) => {
                self.error(&format!("cannot write to stdout: {e}"));
                ExitCode::from(2)
            }
        }
    }
}

impl Drop for Printer {
    fn drop(&mut self) {
        if let Some(entries) = self.json.take() {
            let text = serde_json::to_string_pretty(&entries.into_inner()).unwrap_or_default();
            let _ = writeln!(std::io::stderr(), "{text}");
        }
    }
}

/// Colour when writing to a terminal, unless `NO_COLOR` is set.
pub fn color_choice(is_terminal: bool) -> ColorChoice {
    let no_color = std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty());
    if is_terminal && !no_color {
        ColorChoice::Auto
    } else {
        ColorChoice::Never
    }
}

/// Whether stdout gets ANSI colour: a terminal, and `NO_COLOR` unset.
pub fn stdout_color() -> bool {
    color_choice(std::io::stdout().is_terminal()) != ColorChoice::Never
}
