//! Text of hostile files shown on a terminal: a control character in a
//! quoted source line or message (an escape sequence, a carriage return, a
//! C1 control, a bidirectional override) is printed as a visible stand-in,
//! so a file cannot clear the screen, move the cursor or reorder what the
//! user reads.

use std::io::{self, Write};

use codespan_reporting::term::termcolor::{ColorSpec, WriteColor};

/// A [`WriteColor`] that writes visible stand-ins for control characters;
/// colours still reach the terminal through [`WriteColor::set_color`].
pub struct Visible<'a>(pub &'a mut dyn WriteColor);

impl Write for Visible<'_> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        let text = String::from_utf8_lossy(buf);
        let mut chars = text.chars().peekable();
        let mut out = String::with_capacity(text.len());
        while let Some(c) = chars.next() {
            match c {
                '\r' if chars.peek() == Some(&'\n') => out.push(c),
                c => out.push(stand_in(c)),
            }
        }
        self.0.write_all(out.as_bytes())?;
        Ok(buf.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        self.0.flush()
    }
}

impl WriteColor for Visible<'_> {
    fn supports_color(&self) -> bool {
        self.0.supports_color()
    }

    fn set_color(&mut self, spec: &ColorSpec) -> io::Result<()> {
        self.0.set_color(spec)
    }

    fn reset(&mut self) -> io::Result<()> {
        self.0.reset()
    }
}

/// `c`, or what is shown instead: the Unicode control picture of a C0
/// control (`␛` for ESC) or DEL, U+FFFD for a C1 control, a bidirectional
/// control or a byte-order mark. Tab and line feed are kept.
fn stand_in(c: char) -> char {
    match u32::from(c) {
        0x09 | 0x0A => c,
        n @ 0x00..=0x1F => char::from_u32(0x2400 + n).unwrap_or('\u{FFFD}'),
        0x7F => '\u{2421}',
        0x80..=0x9F | 0x061C | 0x200E | 0x200F | 0x202A..=0x202E | 0x2066..=0x2069 | 0xFEFF => '\u{FFFD}',
        _ => c,
    }
}

#[cfg(test)]
mod tests {
    use super::stand_in;

    #[test]
    fn controls_become_visible_and_text_stays() {
        let shown: String = "a\u{1b}[2J\u{9b}\u{202e}\u{7f}\t\u{e9}\n"
            .chars()
            .map(stand_in)
            .collect();
        assert_eq!(shown, "a\u{241b}[2J\u{fffd}\u{fffd}\u{2421}\t\u{e9}\n");
    }
}
