//! Bounds on what a blueprint may make the renderer do: work and memory
//! (minijinja's fuel: every instruction, and every byte a template produces,
//! is charged before it is allocated), the size of each object's output, and
//! the size of all the output of one render. Hitting a bound is an error
//! located at the blueprint line that was running, naming the object.

use std::cell::Cell;
use std::io;
use std::sync::atomic::{AtomicUsize, Ordering};

use minijinja::{Error, ErrorKind, Output, State, Value};

use crate::diagnostic::{Code, Diagnostic};

/// Fuel of one object's render: one unit per instruction, one per 64 bytes
/// of data produced (so at most 64 MB of data). The built-in blueprints use
/// a few hundred per object of the examples.
pub(super) const FUEL: u64 = 1_000_000;

/// Largest output of one object, in bytes: the API server refuses request
/// bodies over 3 MiB.
pub(super) const MAX_OBJECT_BYTES: usize = 3 << 20;

/// Largest output of all the objects of one render, in bytes.
pub(super) const MAX_TOTAL_BYTES: usize = 256 << 20;

thread_local! {
    /// Whether the render running on this thread has filled its output.
    static FULL: Cell<bool> = const { Cell::new(false) };
}

/// The output of one object's render: keeps at most [`MAX_OBJECT_BYTES`]
/// and, past them, drops what comes and marks the render as full (the next
/// `{{ ... }}` then fails at its line, see [`formatter`]).
pub(super) struct Capped<'t> {
    /// The text kept.
    pub text: Vec<u8>,
    /// Bytes of the whole render so far, shared by every object.
    total: &'t AtomicUsize,
    /// Whether the whole render went over [`MAX_TOTAL_BYTES`].
    pub total_exceeded: bool,
}

impl<'t> Capped<'t> {
    /// An empty output, counting into `total`; marks this thread's render as not full.
    pub fn new(total: &'t AtomicUsize) -> Self {
        FULL.with(|f| f.set(false));
        Self {
            text: Vec::new(),
            total,
            total_exceeded: false,
        }
    }

    /// Whether more than [`MAX_OBJECT_BYTES`] were written.
    pub fn overflowed(&self) -> bool {
        FULL.with(Cell::get)
    }
}

impl io::Write for Capped<'_> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        let before = self.total.fetch_add(buf.len(), Ordering::Relaxed);
        if before.saturating_add(buf.len()) > MAX_TOTAL_BYTES {
            self.total_exceeded = true;
            return Err(io::Error::other("the render's output budget is spent"));
        }
        if self.text.len().saturating_add(buf.len()) > MAX_OBJECT_BYTES {
            FULL.with(|f| f.set(true));
        } else {
            self.text.extend_from_slice(buf);
        }
        Ok(buf.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

/// The environment's formatter: the default one (JSON escaping), refusing
/// to write once the object's output is full, so that the error carries the
/// line of the template that writes past the limit.
pub(super) fn formatter(out: &mut Output, state: &mut State, value: &Value) -> Result<(), Error> {
    if FULL.with(Cell::get) {
        return Err(Error::new(
            ErrorKind::InvalidOperation,
            format!("output exceeds {}", mib(MAX_OBJECT_BYTES)),
        ));
    }
    minijinja::escape_formatter(out, state, value)
}

/// The engine's own bounds, by the detail of the error they raise.
const ENGINE_BOUNDS: &[&str] = &[
    "recursion limit exceeded",
    "range has too many elements",
    "repeated string is too large",
    "repeated sequence is too large",
];

/// What bound a template error is, if it is one: the fuel running out, or
/// one of the engine's own bounds (recursion depth, range and repetition sizes).
pub(super) fn bound(e: &Error) -> Option<String> {
    if e.kind() == ErrorKind::OutOfFuel {
        return Some(format!("it ran out of its budget of {FUEL} steps"));
    }
    let detail = e.detail().filter(|d| ENGINE_BOUNDS.contains(d))?;
    Some(format!("{detail} (the template engine's bound)"))
}

/// `3 MiB`, `512 MiB`.
pub(super) fn mib(bytes: usize) -> String {
    format!("{} MiB", bytes >> 20)
}

/// A render that hit a bound (`bound` says which).
pub(super) fn out_of_bounds(source: &str, what: &str, bound: &str) -> Diagnostic {
    Diagnostic::error(
        Code::BlueprintBudget,
        format!("blueprint `{source}` did too much work rendering `{what}`: {bound}"),
    )
    .help("a blueprint's loops, ranges and string operations must stay in proportion to the object (one unit of budget per step, or per 64 bytes of data made); look for nested loops or repeated strings")
}

/// An object whose output exceeds [`MAX_OBJECT_BYTES`].
pub(super) fn object_too_large(source: &str, what: &str) -> Diagnostic {
    Diagnostic::error(
        Code::BlueprintObjectTooLarge,
        format!(
            "blueprint `{source}` wrote more than {} rendering `{what}`",
            mib(MAX_OBJECT_BYTES)
        ),
    )
    .help("the API server refuses objects this large; make the blueprint write only the object's fields")
}

/// A render whose output exceeds [`MAX_TOTAL_BYTES`].
pub(super) fn render_too_large(overridden: &[&str]) -> Diagnostic {
    let which = match overridden {
        [] => String::new(),
        [one] => format!(" (blueprint `{one}` is overridden)"),
        many => format!(" (overridden blueprints: `{}`)", many.join("`, `")),
    };
    Diagnostic::error(
        Code::BlueprintRenderTooLarge,
        format!(
            "the blueprints wrote more than {} for the objects of this render{which}",
            mib(MAX_TOTAL_BYTES)
        ),
    )
    .help("an overridden blueprint writes far more than its objects need; render with the built-in blueprints to compare (`gatewright blueprints export DIR`)")
}
